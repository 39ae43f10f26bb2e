import { useCallback, useEffect, useReducer, useState } from "react";
import { endpointCounts, IpcError, searchEvents, subscribeEvents, type EventBatch } from "../ipc";
import {
  addBatch,
  countsFrom,
  emptyCounts,
  eventsReducer,
  initialEventsState,
  MAX_ROWS,
  type Counts,
  type EndpointFilter,
  type EventsState,
} from "./events";

function message(err: unknown): string {
  return err instanceof IpcError || err instanceof Error ? err.message : String(err);
}

export type Timeline = {
  events: EventsState;
  counts: Counts;
  setFilter: (filter: EndpointFilter) => void;
};

/**
 * The newest events of the selected endpoint and the per-endpoint counts,
 * kept current by one live channel for the life of the window.
 */
export function useEvents(): Timeline {
  const [events, dispatch] = useReducer(eventsReducer, initialEventsState);
  const [counts, setCounts] = useState<Counts>(emptyCounts);
  // Bumped when the live channel says it dropped events, or that stored
  // events changed in place (re-verified verdicts): reload everything.
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let cancelled = false;
    let unsubscribe: (() => void) | undefined;
    subscribeEvents((batch: EventBatch) => {
      dispatch({ type: "batch", batch });
      setCounts((c) => addBatch(c, batch));
      if (batch.lagged || batch.changed) setGeneration((g) => g + 1);
    }).then(
      (stop) => {
        if (cancelled) stop();
        else unsubscribe = stop;
      },
      (err: unknown) => !cancelled && dispatch({ type: "failed", error: message(err) }),
    );
    return () => {
      cancelled = true;
      unsubscribe?.();
    };
  }, []);

  useEffect(() => {
    let cancelled = false;
    endpointCounts().then(
      (rows) => !cancelled && setCounts(countsFrom(rows)),
      (err: unknown) => !cancelled && dispatch({ type: "failed", error: message(err) }),
    );
    return () => {
      cancelled = true;
    };
  }, [generation]);

  const filter = events.filter;
  useEffect(() => {
    let cancelled = false;
    searchEvents("", { limit: MAX_ROWS, endpointId: filter }).then(
      (page) => !cancelled && dispatch({ type: "loaded", filter, events: page.events }),
      (err: unknown) => !cancelled && dispatch({ type: "failed", error: message(err) }),
    );
    return () => {
      cancelled = true;
    };
  }, [filter, generation]);

  const setFilter = useCallback((next: EndpointFilter) => dispatch({ type: "filter", filter: next }), []);
  return { events, counts, setFilter };
}
