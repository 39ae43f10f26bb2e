import { useMemo, useState, type Dispatch, type SetStateAction } from "react";
import { cancelReverify, reverify as runReverify, type ReverifyOutcome } from "../../ipc";

/** null: every endpoint. */
type Target = number | null;

export type ReverifyJob =
  | { status: "idle" }
  | { status: "running"; endpointId: Target; done: number; total: number; cancelling: boolean }
  | {
      status: "finished";
      endpointId: Target;
      outcome: ReverifyOutcome;
      /** How many events the job set out to check (the last progress total). */
      total: number;
    }
  | { status: "failed"; endpointId: Target; error: string };

export type Reverify = {
  job: ReverifyJob;
  /**
   * Re-verifies the endpoint's stored events (null: all endpoints). While a
   * job runs, another start is queued and runs when it ends (starts for
   * different endpoints merge into one for all).
   */
  start(endpointId: Target): void;
  /** Stops the running job after its current batch; drops a queued one. */
  cancel(): void;
  /** Forgets a finished or failed job. */
  dismiss(): void;
};

const idle: ReverifyJob = { status: "idle" };

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

function controller(setJob: Dispatch<SetStateAction<ReverifyJob>>): Omit<Reverify, "job"> {
  let running = false;
  let run = 0;
  let queued: { endpointId: Target } | null = null;

  const begin = (endpointId: Target) => {
    running = true;
    const mine = ++run;
    let total = 0;
    setJob({ status: "running", endpointId, done: 0, total: 0, cancelling: false });
    runReverify(endpointId, (progress) => {
      if (mine !== run) return;
      total = progress.total;
      setJob((job) =>
        job.status === "running" ? { ...job, done: progress.done, total: progress.total } : job,
      );
    }).then(
      (outcome) => {
        if (mine !== run) return;
        running = false;
        const next = queued;
        queued = null;
        if (next && !outcome.cancelled) {
          begin(next.endpointId);
          return;
        }
        setJob({ status: "finished", endpointId, outcome, total: Math.max(total, outcome.checked) });
      },
      (err: unknown) => {
        if (mine !== run) return;
        running = false;
        queued = null;
        setJob({ status: "failed", endpointId, error: errorText(err) });
      },
    );
  };

  return {
    start(endpointId) {
      if (!running) {
        begin(endpointId);
        return;
      }
      queued = queued === null || queued.endpointId === endpointId ? { endpointId } : { endpointId: null };
    },
    cancel() {
      if (!running) return;
      queued = null;
      setJob((job) => (job.status === "running" ? { ...job, cancelling: true } : job));
      cancelReverify().catch(() =>
        // The job goes on; let the user try again.
        setJob((job) => (job.status === "running" ? { ...job, cancelling: false } : job)),
      );
    },
    dismiss() {
      setJob((job) => (job.status === "finished" || job.status === "failed" ? idle : job));
    },
  };
}

/** The window's one re-verification job (App owns it). */
export function useReverify(): Reverify {
  const [job, setJob] = useState<ReverifyJob>(idle);
  const [actions] = useState(() => controller(setJob));
  return useMemo(() => ({ job, ...actions }), [job, actions]);
}
