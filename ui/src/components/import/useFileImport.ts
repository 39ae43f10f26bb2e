import { useCallback, useEffect, useRef, useState } from "react";
import { cancelImport, importFile, subscribeImports, type ImportOutcome, type ImportProgress } from "../../ipc";

export type FileImportJob =
  | { status: "idle" }
  | { status: "running"; file: string | null; progress: ImportProgress; cancelling: boolean }
  | { status: "failed"; file: string | null; error: string };

export type FileImport = {
  job: FileImportJob;
  /** Files are being dragged over the window. */
  hovering: boolean;
  /** Opens the native file dialog and imports the file picked. */
  pick: () => void;
  cancel: () => void;
  dismiss: () => void;
};

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
const none: ImportProgress = { entries: 0, imported: 0 };

/**
 * The window's file import: one picked in the dialog, or one dropped on the
 * window (the shell reads the drop and reports it). `onFinished` hears each
 * outcome, cancelled ones included.
 */
export function useFileImport(onFinished: (outcome: ImportOutcome) => void): FileImport {
  const [job, setJob] = useState<FileImportJob>({ status: "idle" });
  const [hovering, setHovering] = useState(false);
  const finished = useRef(onFinished);
  finished.current = onFinished;

  useEffect(() => {
    let live = true;
    subscribeImports((event) => {
      if (!live) return;
      switch (event.kind) {
        case "hover":
          setHovering(event.over);
          break;
        case "started":
          setJob({ status: "running", file: event.file, progress: none, cancelling: false });
          break;
        case "progress":
          setJob((current) => (current.status === "running" ? { ...current, progress: event.progress } : current));
          break;
        case "finished":
          setJob({ status: "idle" });
          finished.current(event.outcome);
          break;
        case "failed":
          setJob({ status: "failed", file: event.file, error: event.message });
          break;
      }
    }).catch((err: unknown) => {
      if (live) setJob({ status: "failed", file: null, error: `dropped files cannot be imported: ${errorText(err)}` });
    });
    return () => {
      live = false;
    };
  }, []);

  const pick = useCallback(() => {
    setJob({ status: "running", file: null, progress: none, cancelling: false });
    importFile({ endpointId: null, note: null }, (progress) =>
      setJob((current) => (current.status === "running" ? { ...current, progress } : current)),
    ).then(
      (outcome) => {
        setJob({ status: "idle" });
        if (outcome) finished.current(outcome);
      },
      (err: unknown) => setJob({ status: "failed", file: null, error: errorText(err) }),
    );
  }, []);

  const cancel = useCallback(() => {
    setJob((current) => (current.status === "running" ? { ...current, cancelling: true } : current));
    cancelImport().catch(() => {}); // the import's own outcome says whether it stopped
  }, []);

  const dismiss = useCallback(() => setJob({ status: "idle" }), []);

  return { job, hovering, pick, cancel, dismiss };
}
