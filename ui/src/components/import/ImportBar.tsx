import "./import.css";
import type { FileImport } from "./useFileImport";

const count = new Intl.NumberFormat();

/** The running file import with Cancel, or why it failed; nothing when idle. */
export function ImportBar({ fileImport }: { fileImport: FileImport }) {
  const { job } = fileImport;
  if (job.status === "idle") return null;
  if (job.status === "failed") {
    return (
      <div className="import-bar failed" role="alert" data-testid="import-bar" data-status="failed">
        <span className="import-bar-text" data-testid="import-bar-text">
          Could not import{job.file ? ` ${job.file}` : ""}: {job.error}
        </span>
        <button type="button" className="secondary-button compact" data-testid="import-dismiss" onClick={fileImport.dismiss}>
          Dismiss
        </button>
      </div>
    );
  }
  const { entries, imported } = job.progress;
  const what = job.file ? `Importing ${job.file}` : "Importing";
  const text =
    entries === 0 ? `${what}…` : `${what}: ${count.format(entries)} read, ${count.format(imported)} imported`;
  return (
    <div className="import-bar running" data-testid="import-bar" data-status="running">
      <span className="import-bar-text" data-testid="import-bar-text">
        {text}
      </span>
      <div className="import-track" role="progressbar" aria-label="Import progress" data-testid="import-progress">
        <div className="import-fill" />
      </div>
      <button
        type="button"
        className="secondary-button compact"
        data-testid="import-cancel"
        disabled={job.cancelling}
        onClick={fileImport.cancel}
      >
        {job.cancelling ? "Cancelling…" : "Cancel"}
      </button>
    </div>
  );
}

/** Says what a drop will do while files are dragged over the window. */
export function DropOverlay({ fileImport }: { fileImport: FileImport }) {
  if (!fileImport.hovering) return null;
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
      <p>Drop a HAR file, a request, a curl command or a Hooklens bundle to import it</p>
    </div>
  );
}
