import type { EndpointCount, EventBatch, EventSummary } from "../ipc";

/** The timeline keeps at most this many rows in memory (it pages the rest). */
export const MAX_ROWS = 500;

/** null: every endpoint. */
export type EndpointFilter = number | null;

export type EventsState =
  | { status: "loading"; filter: EndpointFilter; events: EventSummary[] }
  | { status: "ready"; filter: EndpointFilter; events: EventSummary[] }
  | { status: "error"; filter: EndpointFilter; events: EventSummary[]; error: string };

export type EventsAction =
  | { type: "filter"; filter: EndpointFilter }
  | { type: "loaded"; filter: EndpointFilter; events: EventSummary[] }
  | { type: "batch"; batch: EventBatch }
  | { type: "failed"; error: string };

export const initialEventsState: EventsState = { status: "loading", filter: null, events: [] };

function matches(filter: EndpointFilter, e: EventSummary): boolean {
  return filter === null || e.endpointId === filter;
}

export function eventsReducer(state: EventsState, action: EventsAction): EventsState {
  switch (action.type) {
    case "filter":
      return { status: "loading", filter: action.filter, events: [] };
    case "loaded": {
      // A page for a filter the user has already left is stale.
      if (action.filter !== state.filter) return state;
      // Live events may have arrived while the page was loading: keep them.
      const merged = mergeNewestFirst(state.events, action.events);
      return { status: "ready", filter: state.filter, events: merged.slice(0, MAX_ROWS) };
    }
    case "batch": {
      const known = new Set(state.events.map((e) => e.id));
      const fresh = action.batch.events.filter((e) => !known.has(e.id) && matches(state.filter, e)).reverse();
      if (fresh.length === 0) return state;
      return { ...state, events: [...fresh, ...state.events].slice(0, MAX_ROWS) };
    }
    case "failed":
      return { status: "error", filter: state.filter, events: state.events, error: action.error };
  }
}

function mergeNewestFirst(a: EventSummary[], b: EventSummary[]): EventSummary[] {
  const byId = new Map<number, EventSummary>();
  for (const e of [...a, ...b]) byId.set(e.id, e);
  return [...byId.values()].sort((x, y) => y.receivedAtMs - x.receivedAtMs || y.id - x.id);
}

/** Stored events per endpoint id (the key "none" holds events whose endpoint was removed). */
export type Counts = { byEndpoint: Record<string, number>; total: number };

const key = (endpointId: number | null) => (endpointId === null ? "none" : String(endpointId));

export const emptyCounts: Counts = { byEndpoint: {}, total: 0 };

export function countsFrom(rows: EndpointCount[]): Counts {
  const byEndpoint: Record<string, number> = {};
  let total = 0;
  for (const r of rows) {
    byEndpoint[key(r.endpointId)] = r.count;
    total += r.count;
  }
  return { byEndpoint, total };
}

/** Adds a live batch (each stored event arrives in exactly one batch). */
export function addBatch(counts: Counts, batch: EventBatch): Counts {
  const byEndpoint = { ...counts.byEndpoint };
  for (const e of batch.events) {
    byEndpoint[key(e.endpointId)] = (byEndpoint[key(e.endpointId)] ?? 0) + 1;
  }
  return { byEndpoint, total: counts.total + batch.events.length };
}

export function countFor(counts: Counts, filter: EndpointFilter): number {
  return filter === null ? counts.total : (counts.byEndpoint[key(filter)] ?? 0);
}
