import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import type { Endpoint, ImportFileArgs } from "../../ipc";
import { Modal } from "../Modal";
import { EndpointChoice, NoteField, noteOrNull } from "./ImportTarget";
import type { PickResult } from "./useFileImport";
import "./import.css";

/**
 * Import… : where the requests of the files go and the note they carry,
 * then "Choose files…" opens the shell's native dialog. The dialog closes
 * once the files are being imported (the import bar follows them); closing
 * the native dialog without a file comes back here.
 */
export function ImportFileDialog({
  endpoints,
  pick,
  onClose,
}: {
  endpoints: readonly Endpoint[];
  /** Runs the native dialog and imports what was picked (useFileImport's `pick`). */
  pick: (args: ImportFileArgs) => Promise<PickResult>;
  onClose: () => void;
}) {
  const uid = useId();
  const ids = (field: string) => `${uid}-${field}`;
  const [endpointId, setEndpointId] = useState<number | null>(null);
  const [note, setNote] = useState("");
  const [choosing, setChoosing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const open = useRef(true);
  useEffect(
    () => () => {
      open.current = false;
    },
    [],
  );

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (choosing) return;
    setChoosing(true);
    setError(null);
    pick({ endpointId, note: noteOrNull(note) }).then((result) => {
      if (!open.current) return;
      if (result.status === "started") {
        onClose();
        return;
      }
      setChoosing(false);
      if (result.status === "failed") setError(result.error);
    });
  };

  return (
    <Modal
      title="Import files"
      onClose={onClose}
      className="import-file-dialog form-dialog"
      testId="import-file-dialog"
      closeTestId="import-file-close"
    >
      <form className="editor-form" onSubmit={onSubmit} noValidate>
        <div className="modal-body">
          <p className="muted section-help intro">
            HAR files, raw requests, curl commands, Hooklens bundles or an event's JSON. Every request is stored as an
            imported event, routed and verified like a captured one; several files are imported one after another.
          </p>
          <EndpointChoice
            id={ids("endpoint")}
            endpoints={endpoints}
            value={endpointId}
            onChange={setEndpointId}
            testId="import-file-endpoint"
          />
          <NoteField id={ids("note")} value={note} onChange={setNote} testId="import-file-note" />
          <p className="muted section-help" data-testid="import-file-drop-hint">
            Files dropped on the window are routed by path, with no note.
          </p>
          {choosing && (
            <p className="muted" role="status" data-testid="import-file-choosing">
              Choose the files in the dialog that opened.
            </p>
          )}
          {error && (
            <p className="field-error" role="alert" data-testid="import-file-error">
              Could not import: {error}
            </p>
          )}
        </div>

        <div className="modal-foot">
          <div className="foot-actions">
            <button type="button" className="secondary-button" data-testid="import-file-cancel" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="primary-button" data-testid="import-file-choose" disabled={choosing} data-autofocus>
              {choosing ? "Choosing files…" : "Choose files…"}
            </button>
          </div>
        </div>
      </form>
    </Modal>
  );
}
