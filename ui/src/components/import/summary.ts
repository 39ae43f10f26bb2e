import type { FileOutcome, FilesOutcome, ImportOutcome } from "../../ipc";

const count = new Intl.NumberFormat();
const plural = (n: number, one: string, many: string) => `${count.format(n)} ${n === 1 ? one : many}`;

/** What the window's notice says after an import: one line, and a line per file when there were several. */
export type ImportNotice = { text: string; details: readonly string[] };

type Counts = { imported: number; duplicates: number; skipped: number };

/** "412 imported, 1 already imported before, 3 skipped" */
function countsText({ imported, duplicates, skipped }: Counts): string {
  const parts = [`${count.format(imported)} imported`];
  if (duplicates > 0) parts.push(`${count.format(duplicates)} already imported before`);
  if (skipped > 0) parts.push(`${count.format(skipped)} skipped`);
  return parts.join(", ");
}

/** "412 imported, 3 skipped: entry 17: body is not valid base64 … (cancelled)", one source's counts. */
function outcomeText(outcome: ImportOutcome): string {
  let text = countsText(outcome);
  if (outcome.deliveries > 0) {
    // "3 imported with 1 delivery, …": what a bundle recorded beside its events.
    text = text.replace(" imported", ` imported with ${plural(outcome.deliveries, "delivery", "deliveries")}`);
  }
  const first = outcome.problems[0];
  if (outcome.skipped > 0 && first !== undefined) {
    text += `: ${first}`;
    if (outcome.skipped > 1) text += " …";
  } else if (first !== undefined) {
    // Something lost from an imported entry (a delivery not restored).
    text += `; ${first}`;
  }
  if (outcome.cancelled) text += " (cancelled)";
  return text;
}

/** What the user may need to look at or do after an import. */
function extrasText(warned: number, secretsToAdd: readonly string[]): string {
  let text = "";
  if (warned > 0) text += `; ${count.format(warned)} with a warning (see the event)`;
  if (secretsToAdd.length > 0) text += `; add these secrets for the verdicts to hold: ${secretsToAdd.join(", ")}`;
  return text;
}

/**
 * "412 imported, 3 skipped: entry 17: body is not valid base64 …", the words
 * of the core's `ImportOutcome::summary`, for the window's notice.
 */
export function importSummary(outcome: ImportOutcome): string {
  return outcomeText(outcome) + extrasText(outcome.warned, outcome.secretsToAdd);
}

/** A file's message, with its name first unless the message already names it. */
function naming(file: string, message: string): string {
  return message.includes(file) ? message : `${file}: ${message}`;
}

/** One file's line in the notice: "case.har: 400 imported, 3 skipped: entry 17: …". */
export function fileLine(file: FileOutcome): string {
  return file.status === "imported"
    ? `${file.file}: ${outcomeText(file.outcome)}`
    : `${file.file}: not imported — ${file.message}`;
}

/** The first reason something was left out, with the file it is about: "case.har: entry 17: …". */
function firstReason(files: readonly FileOutcome[]): string | null {
  for (const f of files) {
    if (f.status === "failed") return naming(f.file, f.message);
    const problem = f.outcome.problems[0];
    if (f.outcome.skipped > 0 && problem !== undefined) return `${f.file}: ${problem}`;
  }
  return null;
}

/**
 * The notice after importing files: for one file, its name and counts; for
 * several, the totals with the first reason something was skipped ("3 files:
 * 412 imported, 3 skipped — case.har: entry 17: body is not valid base64")
 * and a line per file.
 */
export function filesSummary(outcome: FilesOutcome): ImportNotice {
  const { files, notStarted } = outcome;
  const only = files[0];
  if (files.length === 1 && notStarted.length === 0 && only !== undefined) {
    return { text: fileLine(only) + extrasText(outcome.warned, outcome.secretsToAdd), details: [] };
  }
  let text = `${plural(files.length + notStarted.length, "file", "files")}: ${countsText(outcome)}`;
  const failed = files.filter((f) => f.status === "failed").length;
  if (failed > 0) text += `, ${plural(failed, "file", "files")} not imported`;
  const reason = firstReason(files);
  if (reason !== null) text += ` — ${reason}`;
  if (outcome.cancelled) {
    text += notStarted.length > 0 ? ` (cancelled; ${plural(notStarted.length, "file", "files")} not started)` : " (cancelled)";
  }
  text += extrasText(outcome.warned, outcome.secretsToAdd);
  const details = [...files.map(fileLine), ...notStarted.map((file) => `${file}: not started (cancelled)`)];
  return { text, details };
}

/**
 * When no file could be read at all, the import failed: the files' names and
 * why (each file's reason, when there were several); null otherwise.
 */
export function allFailed(outcome: FilesOutcome): { files: string[]; error: string } | null {
  const { files } = outcome;
  if (files.length === 0 || outcome.notStarted.length > 0) return null;
  const reasons: string[] = [];
  for (const f of files) {
    if (f.status !== "failed") return null;
    reasons.push(files.length === 1 ? f.message : naming(f.file, f.message));
  }
  return { files: files.map((f) => f.file), error: reasons.join("; ") };
}

/** "Could not import case.har: …", naming the files unless the reason already does. */
export function failureText(files: readonly string[], error: string): string {
  const only = files[0];
  if (files.length === 1 && only !== undefined && !error.includes(only)) return `Could not import ${only}: ${error}`;
  if (files.length > 1) return `Could not import ${plural(files.length, "file", "files")}: ${error}`;
  return `Could not import: ${error}`;
}
