import { useEffect, useReducer } from "react";
import { IpcError, listEvents, subscribeEvents } from "../ipc";
import { eventsReducer, initialEventsState, MAX_ROWS, type EventsState } from "./events";

function message(err: unknown): string {
  return err instanceof IpcError || err instanceof Error ? err.message : String(err);
}

/** The newest events, kept current by the live channel. */
export function useEvents(): EventsState {
  const [state, dispatch] = useReducer(eventsReducer, initialEventsState);

  useEffect(() => {
    let cancelled = false;
    let unsubscribe: (() => void) | undefined;

    const load = () =>
      listEvents(MAX_ROWS).then(
        (page) => !cancelled && dispatch({ type: "loaded", page }),
        (err: unknown) => !cancelled && dispatch({ type: "failed", error: message(err) }),
      );

    // Subscribe first so nothing stored between the two calls is missed; the
    // reducer drops the duplicates.
    subscribeEvents((batch) => {
      dispatch({ type: "batch", batch });
      if (batch.lagged) void load();
    }).then(
      (stop) => {
        if (cancelled) stop();
        else unsubscribe = stop;
        void load();
      },
      (err: unknown) => !cancelled && dispatch({ type: "failed", error: message(err) }),
    );

    return () => {
      cancelled = true;
      unsubscribe?.();
    };
  }, []);

  return state;
}
