import { useEffect, useRef, useState } from "react";
import { getEvent, IpcError, type ErrorKind, type EventSummary, type EventView } from "../../ipc";

export type EventViewState = {
  /**
   * The last view that arrived. While another event loads it is still the
   * previous one (check `view.summary.id`), so the pane does not flash empty.
   */
  view: EventView | null;
  loading: boolean;
  error: { id: number; kind: ErrorKind; message: string } | null;
};

const idle: EventViewState = { view: null, loading: false, error: null };

/**
 * Fetches the event `eventId`, again whenever `summary` changes identity (its
 * verdict was re-verified in place, it was pinned, …). Responses that arrive
 * after a newer request was made are dropped.
 */
export function useEventView(eventId: number | null, summary: EventSummary | null): EventViewState {
  const [state, setState] = useState<EventViewState>(idle);
  const latest = useRef(0);

  useEffect(() => {
    const request = ++latest.current;
    if (eventId === null) {
      setState(idle);
      return;
    }
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    getEvent(eventId).then(
      (view) => {
        if (latest.current === request) setState({ view, loading: false, error: null });
      },
      (err: unknown) => {
        if (latest.current !== request) return;
        const kind: ErrorKind = err instanceof IpcError ? err.kind : "internal";
        const message = err instanceof Error ? err.message : String(err);
        setState((s) => ({
          // A failed refresh keeps what is shown; a failed switch must not
          // leave another event's content under this selection.
          view: s.view?.summary.id === eventId ? s.view : null,
          loading: false,
          error: { id: eventId, kind, message },
        }));
      },
    );
  }, [eventId, summary]);

  useEffect(
    () => () => {
      latest.current += 1;
    },
    [],
  );

  return state;
}
