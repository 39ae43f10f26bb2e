import { useCallback, useEffect, useRef, useState } from "react";
import type { Delivery, DeliveryRun, RunningSend, SendProgress } from "../../ipc";
import { notifyRunsChanged } from "./runsChanged";

export type SendStatus = "idle" | "running" | "finished" | "failed";

export type SendState = {
  status: SendStatus;
  /** Attempts planned so far (a schedule may stop sooner). */
  planned: number;
  /** Every attempt as it completed, in order. */
  attempts: Delivery[];
  /** A schedule waiting before its next attempt. */
  waiting: { nextAttempt: number; atMs: number } | null;
  /** Runs that finished. */
  runs: DeliveryRun[];
  /** How it ended, in words. */
  outcome: string | null;
  /** Why it could not be sent. */
  error: string | null;
  cancelling: boolean;
};

export const IDLE: SendState = {
  status: "idle",
  planned: 0,
  attempts: [],
  waiting: null,
  runs: [],
  outcome: null,
  error: null,
  cancelling: false,
};

/** The state after one progress message. */
export function advance(state: SendState, progress: SendProgress): SendState {
  switch (progress.kind) {
    case "started":
      return { ...state, planned: state.planned + progress.planned };
    case "attempt":
      return { ...state, attempts: [...state.attempts, progress.delivery], waiting: null };
    case "waiting":
      return { ...state, waiting: { nextAttempt: progress.nextAttempt, atMs: progress.atMs } };
    case "finished":
      return { ...state, runs: [...state.runs, progress.run], waiting: null };
  }
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * One send at a time with its progress, outcome and cancel. `start` takes the
 * IPC call (resend, resendShuffled…) and how to put its result in words.
 */
export function useSend() {
  const [state, setState] = useState<SendState>(IDLE);
  const running = useRef<RunningSend<unknown> | null>(null);
  const seq = useRef(0);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const start = useCallback(
    <T>(
      launch: (onProgress: (p: SendProgress) => void) => RunningSend<T>,
      outcome: (result: T) => string,
      /** Events whose deliveries list should reload as attempts land. */
      eventsOf: (p: SendProgress) => (number | null)[] = () => [],
    ) => {
      if (running.current) return;
      const mine = ++seq.current;
      const current = () => mounted.current && seq.current === mine;
      setState({ ...IDLE, status: "running" });
      let send: RunningSend<T>;
      try {
        send = launch((p) => {
          // Lists of deliveries reload even after the dialog closed.
          if (p.kind === "attempt" || p.kind === "finished") for (const id of new Set(eventsOf(p))) notifyRunsChanged(id);
          if (current()) setState((s) => advance(s, p));
        });
      } catch (err: unknown) {
        setState({ ...IDLE, status: "failed", error: errorText(err) });
        return;
      }
      running.current = send;
      send.done.then(
        (result) => {
          running.current = null;
          if (current()) setState((s) => ({ ...s, status: "finished", waiting: null, cancelling: false, outcome: outcome(result) }));
        },
        (err: unknown) => {
          running.current = null;
          if (current()) setState((s) => ({ ...s, status: "failed", waiting: null, cancelling: false, error: errorText(err) }));
        },
      );
    },
    [],
  );

  const cancel = useCallback(() => {
    const send = running.current;
    if (!send) return;
    setState((s) => ({ ...s, cancelling: true }));
    send.cancel().catch((err: unknown) => {
      if (mounted.current) setState((s) => ({ ...s, cancelling: false, error: `Could not cancel: ${errorText(err)}` }));
    });
  }, []);

  return { state, start, cancel };
}
