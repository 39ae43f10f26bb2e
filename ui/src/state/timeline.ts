// The timeline's window onto the stored events: a few contiguous pages,
// newest first, paged with keyset cursors. A pure reducer; the IPC calls
// live in useTimeline.
import type { EventBatch, EventPage, EventSummary } from "../ipc";
import type { EndpointFilter } from "./counts";

/** Events per request. */
export const PAGE_SIZE = 200;
/** Pages held at most; scrolling further drops the page at the other end. */
export const MAX_PAGES = 4;
export const MAX_ROWS = PAGE_SIZE * MAX_PAGES;

/** What the timeline shows: a query of the search language within an endpoint (null: all). */
export type View = { query: string; endpointId: EndpointFilter };

export type TimelineState = {
  /** The view the held pages belong to. */
  view: View;
  /**
   * The view last asked for. It differs from `view` while it loads, and when
   * its query does not parse (the old pages stay, dimmed, beside the error).
   */
  requested: View & { seq: number };
  /** Bumped whenever the held pages are replaced wholesale: page loads for an older window are dropped. */
  viewSeq: number;
  /** Contiguous pages, newest first; each at most PAGE_SIZE rows, at most MAX_PAGES of them. */
  pages: EventSummary[][];
  /** Events newer than the first held row exist and are not held. */
  hasNewer: boolean;
  /** Events older than the last held row may exist and are not held. */
  hasOlder: boolean;
  /** "loading" until the requested view's first page arrived. */
  status: "loading" | "ready";
  /** Loading failed for another reason than the query. */
  error: string | null;
  /** The requested query does not parse: the core's message. */
  queryError: string | null;
  /** The list is scrolled to its very top. */
  atTop: boolean;
  /** Matching events that arrived while the user was away from the top. */
  pendingNew: number;
  /** There are more than `pendingNew` of them. */
  pendingCapped: boolean;
  /** The newest matching event known while the top was held: live refreshes look for events after it. */
  newestCursor: string | null;
  /** Bumped when the list must scroll back to its top (a new view, a jump to the newest). */
  scrollToTop: number;
};

export type TimelineAction =
  | { type: "request"; seq: number; view: View }
  | { type: "loaded"; seq: number; view: View; page: EventPage }
  | { type: "failed"; seq: number; error: string; query: boolean }
  | { type: "older"; viewSeq: number; cursor: string; page: EventPage }
  | { type: "newer"; viewSeq: number; cursor: string; page: EventPage }
  | { type: "live"; batch: EventBatch }
  | { type: "liveSearch"; viewSeq: number; cursor: string | null; page: EventPage }
  | {
      type: "reload";
      viewSeq: number;
      page: EventPage;
      hasNewer: boolean;
      /** Events found newer than the window when the top was held but the user was away from it. */
      newer: { count: number; capped: boolean } | null;
    }
  | { type: "atTop"; atTop: boolean }
  | { type: "scrollToTop" }
  | { type: "pinned"; ids: number[]; pinned: boolean }
  | { type: "pageFailed"; error: string };

export const initialView: View = { query: "", endpointId: null };

export const initialTimelineState: TimelineState = {
  view: initialView,
  requested: { ...initialView, seq: 0 },
  viewSeq: 0,
  pages: [],
  hasNewer: false,
  hasOlder: false,
  status: "loading",
  error: null,
  queryError: null,
  atTop: true,
  pendingNew: 0,
  pendingCapped: false,
  newestCursor: null,
  scrollToTop: 0,
};

export function sameView(a: View, b: View): boolean {
  return a.query === b.query && a.endpointId === b.endpointId;
}

/** All held rows, newest first. */
export function rowsOf(state: TimelineState): EventSummary[] {
  return state.pages.flat();
}

export function rowCount(state: TimelineState): number {
  let n = 0;
  for (const p of state.pages) n += p.length;
  return n;
}

export function firstRow(state: TimelineState): EventSummary | undefined {
  return state.pages[0]?.[0];
}

export function lastRow(state: TimelineState): EventSummary | undefined {
  const last = state.pages[state.pages.length - 1];
  return last?.[last.length - 1];
}

/** Live rows go straight in at the top: the user is there and nothing newer is missing. */
export function isFollowing(state: TimelineState): boolean {
  return state.atTop && !state.hasNewer;
}

/** `a` sorts before `b` in the timeline (newer; ties broken by id like the store's keyset). */
export function isNewer(a: EventSummary, b: EventSummary): boolean {
  return a.receivedAtMs > b.receivedAtMs || (a.receivedAtMs === b.receivedAtMs && a.id > b.id);
}

function chunk(rows: EventSummary[]): EventSummary[][] {
  const out: EventSummary[][] = [];
  for (let i = 0; i < rows.length; i += PAGE_SIZE) out.push(rows.slice(i, i + PAGE_SIZE));
  return out;
}

function heldIds(state: TimelineState): Set<number> {
  const ids = new Set<number>();
  for (const p of state.pages) for (const e of p) ids.add(e.id);
  return ids;
}

/** Drops pages at the bottom beyond MAX_PAGES; says whether it dropped any. */
function trimBottom(pages: EventSummary[][]): [EventSummary[][], boolean] {
  return pages.length > MAX_PAGES ? [pages.slice(0, MAX_PAGES), true] : [pages, false];
}

/** Drops pages at the top beyond MAX_PAGES; says whether it dropped any. */
function trimTop(pages: EventSummary[][]): [EventSummary[][], boolean] {
  return pages.length > MAX_PAGES ? [pages.slice(pages.length - MAX_PAGES), true] : [pages, false];
}

/**
 * `fresh` (newest first, not held) on top of the held rows, re-paged; the
 * oldest rows beyond MAX_ROWS go. Only while following: the user is at the
 * top, far from the rows that go.
 */
function prepend(state: TimelineState, fresh: EventSummary[]): TimelineState {
  if (fresh.length === 0) return state;
  const rows = [...fresh, ...rowsOf(state)];
  const trimmed = rows.length > MAX_ROWS;
  return { ...state, pages: chunk(trimmed ? rows.slice(0, MAX_ROWS) : rows), hasOlder: state.hasOlder || trimmed };
}

function normalize(state: TimelineState): TimelineState {
  let next = state;
  if (!next.hasNewer) {
    const cursor = firstRow(next)?.cursor ?? null;
    if (cursor !== next.newestCursor) next = { ...next, newestCursor: cursor };
  }
  if (next.atTop && !next.hasNewer && (next.pendingNew !== 0 || next.pendingCapped)) {
    next = { ...next, pendingNew: 0, pendingCapped: false };
  }
  return next;
}

function reduce(state: TimelineState, action: TimelineAction): TimelineState {
  switch (action.type) {
    case "request":
      return { ...state, requested: { ...action.view, seq: action.seq }, status: "loading" };

    case "loaded": {
      if (action.seq !== state.requested.seq) return state;
      // Live rows that arrived for this same view while its page loaded stay.
      const ids = new Set(action.page.events.map((e) => e.id));
      const top = action.page.events[0];
      const keep = sameView(action.view, state.view)
        ? rowsOf(state).filter((e) => !ids.has(e.id) && (top === undefined || isNewer(e, top)))
        : [];
      const [pages, trimmed] = trimBottom(chunk([...keep, ...action.page.events]));
      return {
        ...state,
        view: action.view,
        viewSeq: state.viewSeq + 1,
        pages,
        hasNewer: false,
        hasOlder: action.page.hasMore || trimmed,
        status: "ready",
        error: null,
        queryError: null,
        atTop: true,
        pendingNew: 0,
        pendingCapped: false,
        scrollToTop: state.scrollToTop + 1,
      };
    }

    case "failed":
      if (action.seq !== state.requested.seq) return state;
      return action.query
        ? { ...state, status: "ready", queryError: action.error }
        : { ...state, status: "ready", error: action.error };

    case "older": {
      if (action.viewSeq !== state.viewSeq || lastRow(state)?.cursor !== action.cursor) return state;
      const held = heldIds(state);
      const fresh = action.page.events.filter((e) => !held.has(e.id));
      const [pages, dropped] = trimTop([...state.pages, ...chunk(fresh)]);
      return {
        ...state,
        pages,
        hasOlder: action.page.hasMore,
        hasNewer: state.hasNewer || dropped,
        error: null,
      };
    }

    case "newer": {
      if (action.viewSeq !== state.viewSeq || firstRow(state)?.cursor !== action.cursor) return state;
      const held = heldIds(state);
      const fresh = action.page.events.filter((e) => !held.has(e.id));
      const [pages, dropped] = trimBottom([...chunk(fresh), ...state.pages]);
      return {
        ...state,
        pages,
        hasNewer: action.page.hasMore,
        hasOlder: state.hasOlder || dropped,
        error: null,
      };
    }

    case "live": {
      // Only an empty query can be matched here; a search refreshes through the core.
      if (state.view.query !== "") return state;
      const held = heldIds(state);
      const { endpointId } = state.view;
      const fresh = action.batch.events
        .filter((e) => !held.has(e.id) && (endpointId === null || e.endpointId === endpointId))
        .reverse();
      if (fresh.length === 0) return state;
      if (isFollowing(state)) return prepend(state, fresh);
      return { ...state, hasNewer: true, pendingNew: state.pendingNew + fresh.length };
    }

    case "liveSearch": {
      if (action.viewSeq !== state.viewSeq || action.cursor !== state.newestCursor) return state;
      const held = heldIds(state);
      const fresh = action.page.events.filter((e) => !held.has(e.id));
      if (action.cursor === null) {
        // Nothing was held: this is the top page itself.
        if (!isFollowing(state)) {
          return { ...state, hasNewer: fresh.length > 0, pendingNew: fresh.length, pendingCapped: action.page.hasMore };
        }
        const [pages, trimmed] = trimBottom(chunk(action.page.events));
        return { ...state, pages, hasOlder: action.page.hasMore || trimmed };
      }
      if (isFollowing(state)) {
        const next = prepend(state, fresh);
        return { ...next, hasNewer: action.page.hasMore };
      }
      return {
        ...state,
        hasNewer: state.hasNewer || action.page.events.length > 0,
        pendingNew: action.page.events.length,
        pendingCapped: action.page.hasMore,
      };
    }

    case "reload": {
      if (action.viewSeq !== state.viewSeq) return state;
      const [pages, trimmed] = trimBottom(chunk(action.page.events));
      const next: TimelineState = {
        ...state,
        pages,
        hasOlder: action.page.hasMore || trimmed,
        hasNewer: action.hasNewer,
        error: null,
      };
      if (action.newer && action.newer.count > 0) {
        return { ...next, pendingNew: action.newer.count, pendingCapped: action.newer.capped };
      }
      return next;
    }

    case "atTop":
      return action.atTop === state.atTop ? state : { ...state, atTop: action.atTop };

    case "scrollToTop":
      return { ...state, atTop: true, scrollToTop: state.scrollToTop + 1 };

    case "pinned": {
      const ids = new Set(action.ids);
      let changed = false;
      const pages = state.pages.map((p) =>
        p.some((e) => ids.has(e.id) && e.pinned !== action.pinned)
          ? p.map((e) => {
              if (!ids.has(e.id) || e.pinned === action.pinned) return e;
              changed = true;
              return { ...e, pinned: action.pinned };
            })
          : p,
      );
      return changed ? { ...state, pages } : state;
    }

    case "pageFailed":
      return { ...state, error: action.error };
  }
}

export function timelineReducer(state: TimelineState, action: TimelineAction): TimelineState {
  const next = reduce(state, action);
  return next === state ? state : normalize(next);
}
