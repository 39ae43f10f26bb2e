import { useCallback, useEffect, useRef, useState } from "react";
import {
  cancelImport,
  importFile,
  subscribeImports,
  type FilesOutcome,
  type FilesProgress,
  type ImportFileArgs,
} from "../../ipc";
import { allFailed } from "./summary";

export type FileImportJob =
  | { status: "idle" }
  /** The shell's file dialog is open; nothing is imported yet. */
  | { status: "choosing" }
  | { status: "running"; progress: FilesProgress; cancelling: boolean }
  /** `files`: the names of the files it was about, when known. */
  | { status: "failed"; files: readonly string[]; error: string };

/** How asking for files ended: they are being imported, the dialog was closed, or it could not start. */
export type PickResult = { status: "started" } | { status: "closed" } | { status: "failed"; error: string };

export type FileImport = {
  job: FileImportJob;
  /** Files are being dragged over the window. */
  hovering: boolean;
  /**
   * Opens the native file dialog and imports the files picked, one after
   * another, into `args`' endpoint with its note. Resolves once they are
   * being imported (the job then runs on), or when nothing will be.
   */
  pick: (args: ImportFileArgs) => Promise<PickResult>;
  cancel: () => void;
  dismiss: () => void;
};

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Back to idle after a pick that imported nothing, unless another import (a drop) took over meanwhile. */
const unlessBusy = (current: FileImportJob): FileImportJob => (current.status === "choosing" ? { status: "idle" } : current);

/**
 * The window's file import: files picked in the dialog, or dropped on the
 * window (the shell reads the drop and reports it). `onFinished` hears each
 * outcome, cancelled ones included; an import where no file could be read
 * is shown as a failure instead.
 */
export function useFileImport(onFinished: (outcome: FilesOutcome) => void): FileImport {
  const [job, setJob] = useState<FileImportJob>({ status: "idle" });
  const [hovering, setHovering] = useState(false);
  const finished = useRef(onFinished);
  finished.current = onFinished;
  /** Which pick a late progress message belongs to: only the latest one moves the bar. */
  const picks = useRef(0);

  const done = useCallback((outcome: FilesOutcome) => {
    const failed = allFailed(outcome);
    if (failed) {
      setJob({ status: "failed", files: failed.files, error: failed.error });
      return;
    }
    setJob({ status: "idle" });
    finished.current(outcome);
  }, []);

  useEffect(() => {
    let live = true;
    subscribeImports((event) => {
      if (!live) return;
      switch (event.kind) {
        case "hover":
          setHovering(event.over);
          break;
        case "progress":
          setJob((current) => ({
            status: "running",
            progress: event.progress,
            cancelling: current.status === "running" && current.cancelling,
          }));
          break;
        case "finished":
          done(event.outcome);
          break;
        case "failed":
          setJob({ status: "failed", files: event.files, error: event.message });
          break;
      }
    }).catch((err: unknown) => {
      if (live) setJob({ status: "failed", files: [], error: `dropped files cannot be imported: ${errorText(err)}` });
    });
    return () => {
      live = false;
    };
  }, [done]);

  const pick = useCallback(
    (args: ImportFileArgs) =>
      new Promise<PickResult>((settle) => {
        const mine = ++picks.current;
        let started = false;
        const start = () => {
          if (started) return;
          started = true;
          settle({ status: "started" });
        };
        setJob({ status: "choosing" });
        importFile(args, (progress) => {
          if (picks.current !== mine) return;
          start();
          setJob((current) =>
            current.status === "running"
              ? { ...current, progress }
              : current.status === "choosing"
                ? { status: "running", progress, cancelling: false }
                : current,
          );
        }).then(
          (outcome) => {
            if (outcome === null) {
              setJob(unlessBusy);
              settle({ status: "closed" });
              return;
            }
            start();
            done(outcome);
          },
          (err: unknown) => {
            if (started) {
              setJob({ status: "failed", files: [], error: errorText(err) });
              return;
            }
            // Nothing started (e.g. a drop's import began while the native
            // dialog was open): the dialog that asked says why.
            setJob(unlessBusy);
            settle({ status: "failed", error: errorText(err) });
          },
        );
      }),
    [done],
  );

  const cancel = useCallback(() => {
    setJob((current) => (current.status === "running" ? { ...current, cancelling: true } : current));
    cancelImport().catch(() => {}); // the import's own outcome says whether it stopped
  }, []);

  const dismiss = useCallback(() => setJob({ status: "idle" }), []);

  return { job, hovering, pick, cancel, dismiss };
}
