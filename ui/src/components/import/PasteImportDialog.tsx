import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import {
  IMPORT_FORMAT_NAMES,
  importText,
  previewImport,
  type Endpoint,
  type Format,
  type ImportOutcome,
  type ImportPreview,
} from "../../ipc";
import { Modal } from "../Modal";
import { EndpointChoice, NoteField, noteOrNull } from "./ImportTarget";
import "./import.css";

/** The preview waits this long after the last keystroke. */
export const PREVIEW_DEBOUNCE_MS = 250;

const count = new Intl.NumberFormat();
const plural = (n: number, one: string, many: string) => `${count.format(n)} ${n === 1 ? one : many}`;

const FORMATS = Object.keys(IMPORT_FORMAT_NAMES);
function isFormat(value: string): value is Format {
  return FORMATS.includes(value);
}
const formatName = (format: Format) => IMPORT_FORMAT_NAMES[format] ?? format;

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

type PreviewState =
  | { status: "empty" }
  | { status: "loading"; last: ImportPreview | null }
  | { status: "ready"; preview: ImportPreview }
  | { status: "failed"; error: string };

/**
 * Paste a request (raw HTTP, a curl command, HAR, a bundle, an event's JSON)
 * and import it. What will be created is previewed as the text changes; the
 * text itself is only ever shown as text.
 */
export function PasteImportDialog({
  endpoints,
  onClose,
  onImported,
}: {
  endpoints: readonly Endpoint[];
  onClose: () => void;
  onImported: (outcome: ImportOutcome) => void;
}) {
  const uid = useId();
  const ids = (field: string) => `${uid}-${field}`;
  const [text, setText] = useState("");
  const [format, setFormat] = useState<Format | null>(null);
  const [endpointId, setEndpointId] = useState<number | null>(null);
  const [note, setNote] = useState("");
  const [preview, setPreview] = useState<PreviewState>({ status: "empty" });
  const [importing, setImporting] = useState(false);
  const [importError, setImportError] = useState<string | null>(null);
  const seq = useRef(0);
  const open = useRef(true);
  useEffect(
    () => () => {
      open.current = false;
    },
    [],
  );

  useEffect(() => {
    const mine = ++seq.current;
    if (text.trim() === "") {
      setPreview({ status: "empty" });
      return;
    }
    setPreview((current) => ({
      status: "loading",
      last: current.status === "ready" ? current.preview : current.status === "loading" ? current.last : null,
    }));
    const timer = window.setTimeout(() => {
      previewImport(text, format).then(
        (p) => {
          if (open.current && seq.current === mine) setPreview({ status: "ready", preview: p });
        },
        (err: unknown) => {
          if (open.current && seq.current === mine) setPreview({ status: "failed", error: errorText(err) });
        },
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text, format]);

  const ready = preview.status === "ready" ? preview.preview : null;
  const canImport = !importing && ready !== null && ready.total > 0;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!canImport) return;
    setImporting(true);
    setImportError(null);
    importText({ text, format, endpointId, note: noteOrNull(note) }).then(
      (outcome) => {
        if (!open.current) return;
        setImporting(false);
        onImported(outcome);
      },
      (err: unknown) => {
        if (!open.current) return;
        setImporting(false);
        setImportError(errorText(err));
      },
    );
  };

  const shown = preview.status === "loading" ? preview.last : ready;

  return (
    <Modal
      title="Paste request"
      onClose={onClose}
      className="paste-import-dialog form-dialog"
      testId="paste-import-dialog"
      closeTestId="paste-import-close"
    >
      <form className="editor-form" onSubmit={onSubmit} noValidate>
        <div className="modal-body">
          <p className="muted section-help intro">
            A request as text (from logs or <span className="mono">curl -v</span>), a curl command, a HAR file, a
            Hooklens bundle or an event's JSON. It is stored as an imported event, routed and verified like a captured
            one.
          </p>
          <label className="field" htmlFor={ids("text")}>
            <span>Request</span>
          </label>
          <textarea
            id={ids("text")}
            className="mono paste-text"
            value={text}
            onChange={(e) => setText(e.target.value)}
            rows={10}
            spellCheck={false}
            autoComplete="off"
            placeholder={"POST /webhooks HTTP/1.1\nContent-Type: application/json\n\n{\"type\": \"order.created\"}"}
            data-testid="paste-import-text"
            data-autofocus
          />

          <div className="field-row">
            <div className="field-col">
              <label className="field" htmlFor={ids("format")}>
                <span>Format</span>
              </label>
              <select
                id={ids("format")}
                value={format ?? ""}
                onChange={(e) => setFormat(isFormat(e.target.value) ? e.target.value : null)}
                data-testid="paste-import-format"
              >
                <option value="">Detect automatically</option>
                {FORMATS.filter(isFormat).map((f) => (
                  <option key={f} value={f}>
                    {formatName(f)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field-col">
              <EndpointChoice
                id={ids("endpoint")}
                endpoints={endpoints}
                value={endpointId}
                onChange={setEndpointId}
                testId="paste-import-endpoint"
              />
            </div>
          </div>

          <NoteField id={ids("note")} value={note} onChange={setNote} testId="paste-import-note" />

          <div className="paste-preview" aria-live="polite" data-testid="paste-import-preview" data-status={preview.status}>
            {preview.status === "empty" && <p className="muted">Paste something above to see what will be imported.</p>}
            {preview.status === "failed" && (
              <p className="field-error" role="alert" data-testid="paste-import-preview-error">
                Could not read it: {preview.error}
              </p>
            )}
            {preview.status === "loading" && shown === null && <p className="muted">Reading…</p>}
            {shown && <PreviewView preview={shown} explicit={format !== null} />}
          </div>

          {importError && (
            <p className="field-error" role="alert" data-testid="paste-import-error">
              Could not import: {importError}
            </p>
          )}
        </div>

        <div className="modal-foot">
          <div className="foot-actions">
            <button type="button" className="secondary-button" data-testid="paste-import-cancel" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="primary-button" data-testid="paste-import-submit" disabled={!canImport}>
              {importing ? "Importing…" : ready && ready.total > 0 ? `Import ${plural(ready.total, "request", "requests")}` : "Import"}
            </button>
          </div>
        </div>
      </form>
    </Modal>
  );
}

function PreviewView({ preview, explicit }: { preview: ImportPreview; explicit: boolean }) {
  const { format, entries, problems, total, failed, more } = preview;
  const hidden = total - entries.length;
  return (
    <>
      <p className="paste-format" data-testid="paste-import-detected">
        {format === null
          ? "Format not recognised"
          : `${explicit ? "Read as" : "Detected"}: ${formatName(format)}`}
      </p>
      {format !== null && (
        <p className="muted" data-testid="paste-import-total">
          {total === 0
            ? "Nothing can be imported from it."
            : `Will create ${more ? "more than " : ""}${plural(total, "request", "requests")}${failed > 0 ? `; ${plural(failed, "entry", "entries")} cannot be read` : ""}.`}
        </p>
      )}
      {entries.length > 0 && (
        <ol className="paste-entries" data-testid="paste-import-entries">
          {entries.map((e) => (
            <li key={e.entry} data-testid="paste-import-entry">
              <span className="muted entry-no">#{e.entry}</span> <span className="mono entry-method">{e.method}</span>{" "}
              <span className="mono entry-target">{e.target}</span>{" "}
              <span className="muted">· {plural(e.bodyBytes, "byte", "bytes")}</span>
              {e.warnings.map((w, i) => (
                <span key={i} className="entry-warning warn-line" data-testid="paste-import-warning">
                  {w}
                </span>
              ))}
            </li>
          ))}
        </ol>
      )}
      {hidden > 0 && (
        <p className="muted" data-testid="paste-import-hidden">
          and {plural(hidden, "more", "more")} not listed
        </p>
      )}
      {problems.length > 0 && (
        <ul className="paste-problems" data-testid="paste-import-problems">
          {problems.map((p, i) => (
            <li key={i} className="error-text" data-testid="paste-import-problem">
              {p}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
