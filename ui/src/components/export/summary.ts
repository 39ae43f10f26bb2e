import type { ExportOutcome } from "../../ipc";

const count = new Intl.NumberFormat();
/** "1 event", "12 events". */
export const plural = (n: number, one: string, many: string) => `${count.format(n)} ${n === 1 ? one : many}`;

/**
 * "Exported 12 events (3 deliveries); 2 redacted …", for the window's notice;
 * apart from the dialog, which loads on first use, as the notice outlives it.
 */
export function exportSummary(outcome: ExportOutcome): string {
  let text = `Exported ${plural(outcome.events, "event", "events")}`;
  if (outcome.deliveries > 0) text += ` (${plural(outcome.deliveries, "delivery", "deliveries")})`;
  if (outcome.redactedEvents > 0) {
    text += `; ${plural(outcome.redactedEvents, "event was", "events were")} redacted, so their recorded verdict no longer holds for the file`;
  }
  if (outcome.missing > 0) text += `; ${count.format(outcome.missing)} removed meanwhile`;
  if (outcome.cancelled) text += " (cancelled; the file is whole up to there)";
  return text;
}
