import type { EventBatch, EventPage, EventSummary } from "../ipc";

/** The timeline keeps at most this many rows in memory (it pages the rest). */
export const MAX_ROWS = 500;

export type EventsState =
  | { status: "loading"; events: EventSummary[]; total: number }
  | { status: "ready"; events: EventSummary[]; total: number }
  | { status: "error"; events: EventSummary[]; total: number; error: string };

export type EventsAction =
  | { type: "loaded"; page: EventPage }
  | { type: "batch"; batch: EventBatch }
  | { type: "failed"; error: string };

export const initialEventsState: EventsState = { status: "loading", events: [], total: 0 };

export function eventsReducer(state: EventsState, action: EventsAction): EventsState {
  switch (action.type) {
    case "loaded": {
      // Live events may have arrived while the page was loading: keep them.
      const merged = mergeNewestFirst(state.events, action.page.events);
      return {
        status: "ready",
        events: merged.slice(0, MAX_ROWS),
        total: Math.max(action.page.total, merged.length),
      };
    }
    case "batch": {
      const known = new Set(state.events.map((e) => e.id));
      const fresh = action.batch.events.filter((e) => !known.has(e.id)).reverse();
      if (fresh.length === 0) return state;
      const events = [...fresh, ...state.events].slice(0, MAX_ROWS);
      return { ...state, events, total: state.total + fresh.length };
    }
    case "failed":
      return { status: "error", events: state.events, total: state.total, error: action.error };
  }
}

function mergeNewestFirst(a: EventSummary[], b: EventSummary[]): EventSummary[] {
  const byId = new Map<number, EventSummary>();
  for (const e of [...a, ...b]) byId.set(e.id, e);
  return [...byId.values()].sort((x, y) => y.receivedAtMs - x.receivedAtMs || y.id - x.id);
}
