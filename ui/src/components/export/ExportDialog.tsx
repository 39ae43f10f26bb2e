import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import {
  cancelExport,
  exportEvents,
  previewExport,
  type ExportEventsArgs,
  type ExportFormat,
  type ExportOutcome,
  type ExportProgress,
  type PatternKind,
  type RedactionPreview,
} from "../../ipc";
import { Modal } from "../Modal";
import { plural } from "./summary";
export { exportSummary } from "./summary";
import "./export.css";

const count = new Intl.NumberFormat();

const FORMATS: readonly { value: ExportFormat; name: string }[] = [
  { value: "har", name: "HAR 1.2 (browser devtools, HTTP Toolkit)" },
  { value: "bundle", name: "Hooklens bundle (re-imports byte-exact)" },
  { value: "curl", name: "curl commands" },
  { value: "raw", name: "Raw HTTP text" },
];
function isExportFormat(value: string): value is ExportFormat {
  return FORMATS.some((f) => f.value === value);
}

/** Rows of the redaction preview drawn at once; the rest are counted. */
export const PREVIEW_ROWS = 200;

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Names or paths typed one per line or separated by commas. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

type Phase =
  | { status: "editing" }
  | { status: "exporting"; progress: ExportProgress | null; cancelling: boolean }
  | { status: "failed"; error: string };

/**
 * Export the selection (or the current search) as HAR, a bundle, curl or raw
 * text. Secret-bearing headers are redacted by default; the preview lists
 * every value that will be removed. The shell writes the file.
 */
export function ExportDialog({
  ids,
  query,
  endpointId,
  onClose,
  onExported,
}: {
  /** The selected events; empty: those matching the search. */
  ids: readonly number[];
  query: string;
  endpointId: number | null;
  onClose: () => void;
  onExported: (outcome: ExportOutcome) => void;
}) {
  const uid = useId();
  const idOf = (field: string) => `${uid}-${field}`;
  const [format, setFormat] = useState<ExportFormat>("har");
  const [defaultHeaders, setDefaultHeaders] = useState(true);
  const [headers, setHeaders] = useState("");
  const [jsonPaths, setJsonPaths] = useState("");
  const [emails, setEmails] = useState(false);
  const [cards, setCards] = useState(false);
  const [preview, setPreview] = useState<RedactionPreview | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>({ status: "editing" });
  const open = useRef(true);
  useEffect(
    () => () => {
      open.current = false;
    },
    [],
  );

  const patterns: PatternKind[] = [...(emails ? (["email"] as const) : []), ...(cards ? (["card_number"] as const) : [])];
  const args: ExportEventsArgs = {
    format,
    redaction: { defaultHeaders, headers: splitList(headers), jsonPaths: splitList(jsonPaths), patterns },
    ids: [...ids],
    query,
    endpointId,
  };
  const key = JSON.stringify(args);
  // A preview is of the options it was made with.
  const [previewKey, setPreviewKey] = useState<string | null>(null);
  const current = preview !== null && previewKey === key ? preview : null;

  const runPreview = () => {
    setPreviewing(true);
    setPreviewError(null);
    const madeWith = key;
    previewExport(args).then(
      (p) => {
        if (!open.current) return;
        setPreviewing(false);
        setPreview(p);
        setPreviewKey(madeWith);
      },
      (err: unknown) => {
        if (!open.current) return;
        setPreviewing(false);
        setPreviewError(errorText(err));
      },
    );
  };

  const exporting = phase.status === "exporting";
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (exporting) return;
    setPhase({ status: "exporting", progress: null, cancelling: false });
    exportEvents(args, (progress) =>
      setPhase((p) => (p.status === "exporting" ? { ...p, progress } : p)),
    ).then(
      (outcome) => {
        if (!open.current) return;
        setPhase({ status: "editing" });
        if (outcome) onExported(outcome);
      },
      (err: unknown) => {
        if (open.current) setPhase({ status: "failed", error: errorText(err) });
      },
    );
  };
  const cancel = () => {
    setPhase((p) => (p.status === "exporting" ? { ...p, cancelling: true } : p));
    cancelExport().catch(() => {}); // the export's own outcome says whether it stopped
  };

  const scope =
    ids.length > 0
      ? `The ${plural(ids.length, "selected event", "selected events")}.`
      : query === ""
        ? endpointId === null
          ? "Every event."
          : "Every event of this endpoint."
        : `The events matching ${query}${endpointId === null ? "" : " on this endpoint"}.`;

  return (
    <Modal
      title="Export events"
      onClose={exporting ? cancel : onClose}
      className="export-dialog form-dialog"
      testId="export-dialog"
      closeTestId="export-close"
    >
      <form className="editor-form" onSubmit={onSubmit} noValidate>
        <div className="modal-body">
          <p className="muted section-help intro" data-testid="export-scope">
            {scope}
          </p>
          <label className="field" htmlFor={idOf("format")}>
            <span>Format</span>
          </label>
          <select
            id={idOf("format")}
            value={format}
            onChange={(e) => {
              if (isExportFormat(e.target.value)) setFormat(e.target.value);
            }}
            data-testid="export-format"
            data-autofocus
          >
            {FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.name}
              </option>
            ))}
          </select>

          <fieldset className="export-redaction">
            <legend>Redaction</legend>
            <label className="check">
              <input
                type="checkbox"
                checked={defaultHeaders}
                onChange={(e) => setDefaultHeaders(e.target.checked)}
                data-testid="export-default-headers"
              />{" "}
              Secret-bearing headers (Authorization, Cookie, X-Challenge, an endpoint's shared-secret header)
            </label>
            <label className="field" htmlFor={idOf("headers")}>
              <span>More header names</span>
            </label>
            <input
              id={idOf("headers")}
              className="mono"
              value={headers}
              onChange={(e) => setHeaders(e.target.value)}
              placeholder="X-Api-Key, X-Merchant-Token"
              autoComplete="off"
              spellCheck={false}
              data-testid="export-headers"
            />
            <label className="field" htmlFor={idOf("paths")}>
              <span>JSON paths, one per line</span>
            </label>
            <textarea
              id={idOf("paths")}
              className="mono"
              rows={2}
              value={jsonPaths}
              onChange={(e) => setJsonPaths(e.target.value)}
              placeholder={"data.customer.email\ncard.*"}
              spellCheck={false}
              data-testid="export-json-paths"
            />
            <label className="check">
              <input type="checkbox" checked={emails} onChange={(e) => setEmails(e.target.checked)} data-testid="export-emails" />{" "}
              Email addresses anywhere
            </label>
            <label className="check">
              <input type="checkbox" checked={cards} onChange={(e) => setCards(e.target.checked)} data-testid="export-cards" />{" "}
              Card-like numbers anywhere
            </label>
          </fieldset>

          <div className="export-preview">
            <button
              type="button"
              className="secondary-button"
              onClick={runPreview}
              disabled={previewing || exporting}
              data-testid="export-preview"
            >
              {previewing ? "Reading…" : "Preview redactions"}
            </button>
            {previewError && (
              <p className="field-error" role="alert" data-testid="export-preview-error">
                {previewError}
              </p>
            )}
            {preview !== null && current === null && !previewing && (
              <p className="muted" data-testid="export-preview-stale">
                The options changed: preview again to see what will be removed.
              </p>
            )}
            {current && <PreviewList preview={current} />}
          </div>

          {phase.status === "exporting" && (
            <div className="export-progress" role="status" data-testid="export-progress">
              <span>
                {phase.progress === null
                  ? "Choose where to save…"
                  : `Exporting: ${count.format(phase.progress.done)} of ${count.format(phase.progress.total)}`}
              </span>
              <progress max={phase.progress?.total || 1} value={phase.progress?.done ?? 0} aria-label="Export progress" />
            </div>
          )}
          {phase.status === "failed" && (
            <p className="field-error" role="alert" data-testid="export-error">
              Could not export: {phase.error}
            </p>
          )}
        </div>

        <div className="modal-foot">
          <div className="foot-actions">
            {exporting ? (
              <button
                type="button"
                className="secondary-button"
                onClick={cancel}
                disabled={phase.cancelling}
                data-testid="export-cancel"
              >
                {phase.cancelling ? "Cancelling…" : "Cancel export"}
              </button>
            ) : (
              <button type="button" className="secondary-button" onClick={onClose} data-testid="export-close-button">
                Close
              </button>
            )}
            <button type="submit" className="primary-button" disabled={exporting} data-testid="export-submit">
              {exporting ? "Exporting…" : "Export…"}
            </button>
          </div>
        </div>
      </form>
    </Modal>
  );
}

function PreviewList({ preview }: { preview: RedactionPreview }) {
  const { events, redactedEvents, items, more } = preview;
  const shown = items.slice(0, PREVIEW_ROWS);
  const hidden = items.length - shown.length + more;
  return (
    <div data-testid="export-preview-result">
      <p data-testid="export-preview-summary">
        {items.length === 0 && more === 0
          ? `Nothing to remove from ${plural(events, "event", "events")}.`
          : `${plural(items.length + more, "value", "values")} removed from ${plural(redactedEvents, "event", "events")} of ${count.format(events)}; those events' recorded verdicts no longer hold for the file.`}
      </p>
      {shown.length > 0 && (
        <ul className="export-items" data-testid="export-preview-items">
          {shown.map((item, i) => (
            <li key={i} data-testid="export-preview-item">
              <span className="muted">#{item.eventId}</span>
              {item.deliveryId !== null ? <span className="muted"> delivery {item.deliveryId}</span> : null}{" "}
              <span>{item.part.replace("_", " ")}</span> <span className="mono">{item.place}</span>: {item.what}
            </li>
          ))}
        </ul>
      )}
      {hidden > 0 && (
        <p className="muted" data-testid="export-preview-more">
          and {count.format(hidden)} more
        </p>
      )}
    </div>
  );
}
