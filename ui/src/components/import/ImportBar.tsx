import "./import.css";
import { failureText } from "./summary";
import type { FileImport } from "./useFileImport";

const count = new Intl.NumberFormat();

/** The running file import with Cancel, or why it failed; nothing when idle or while files are chosen. */
export function ImportBar({ fileImport }: { fileImport: FileImport }) {
  const { job } = fileImport;
  if (job.status === "idle" || job.status === "choosing") return null;
  if (job.status === "failed") {
    return (
      <div className="import-bar failed" role="alert" data-testid="import-bar" data-status="failed">
        <span className="import-bar-text" data-testid="import-bar-text">
          {failureText(job.files, job.error)}
        </span>
        <button type="button" className="secondary-button compact" data-testid="import-dismiss" onClick={fileImport.dismiss}>
          Dismiss
        </button>
      </div>
    );
  }
  const { file, index, files, progress } = job.progress;
  const { entries, imported } = progress;
  const what = files > 1 ? `Importing ${file} (${count.format(index)} of ${count.format(files)})` : `Importing ${file}`;
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
        title={files > 1 ? "Stop this file and the ones after it; what was imported stays" : "Stop the import; what was imported stays"}
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
      <div className="drop-hint">
        <p className="drop-title">Drop files to import them</p>
        <p className="muted">HAR files, raw requests, curl commands, Hooklens bundles or event JSON; several are imported one after another.</p>
        <p className="muted">Each request goes to the endpoint its path matches, with no note. Import… lets you choose the endpoint and add a note.</p>
      </div>
    </div>
  );
}
