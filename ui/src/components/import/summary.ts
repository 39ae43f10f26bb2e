import type { ImportOutcome } from "../../ipc";

const count = new Intl.NumberFormat();

/**
 * "412 imported, 3 skipped: entry 17: body is not valid base64 …", the words
 * of the core's `ImportOutcome::summary`, for the window's notice.
 */
export function importSummary(outcome: ImportOutcome): string {
  const deliveries =
    outcome.deliveries === 0
      ? ""
      : ` with ${count.format(outcome.deliveries)} ${outcome.deliveries === 1 ? "delivery" : "deliveries"}`;
  const parts = [`${count.format(outcome.imported)} imported${deliveries}`];
  if (outcome.duplicates > 0) parts.push(`${count.format(outcome.duplicates)} already imported before`);
  let text = parts.join(", ");
  if (outcome.skipped > 0) {
    text += `, ${count.format(outcome.skipped)} skipped`;
    const first = outcome.problems[0];
    if (first !== undefined) {
      text += `: ${first}`;
      if (outcome.skipped > 1) text += " …";
    }
  } else if (outcome.problems[0] !== undefined) {
    // Something lost from an imported entry (a delivery not restored).
    text += `; ${outcome.problems[0]}`;
  }
  if (outcome.cancelled) text += " (cancelled)";
  if (outcome.warned > 0) {
    text += `; ${count.format(outcome.warned)} with a warning (see the event)`;
  }
  if (outcome.secretsToAdd.length > 0) {
    text += `; add these secrets for the verdicts to hold: ${outcome.secretsToAdd.join(", ")}`;
  }
  return text;
}
