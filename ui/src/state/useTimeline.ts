import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import {
  countEvents,
  endpointCounts,
  IpcError,
  searchEvents,
  setPinned,
  subscribeEvents,
  type EventBatch,
  type EventPage,
  type EventSummary,
  type MatchCount,
} from "../ipc";
import { addBatch, countsFrom, emptyCounts, type Counts, type EndpointFilter } from "./counts";
import { earlyValue, takeEarly } from "./early";
import {
  firstRow,
  initialTimelineState,
  isFollowing,
  lastRow,
  MAX_ROWS,
  PAGE_SIZE,
  rowCount,
  timelineReducer,
  type TimelineState,
  type View,
} from "./timeline";

/** How long live batches gather before a search view asks the core what is new. */
export const LIVE_REFRESH_MS = 250;
/** How long changed/lagged notices gather before the held window reloads. */
export const RELOAD_MS = 100;

export function errorMessage(err: unknown): string {
  return err instanceof IpcError || err instanceof Error ? err.message : String(err);
}

const isQueryError = (err: unknown) => err instanceof IpcError && err.kind === "query";

const viewKey = (v: View) => `${v.endpointId ?? "*"}\u0000${v.query}`;

export type TimelineApi = {
  state: TimelineState;
  /** The held rows, newest first. */
  rows: EventSummary[];
  /** Stored events per endpoint, live. */
  counts: Counts;
  /** Matches of the shown view's query; null for the empty query, or while counting. */
  match: MatchCount | null;
  setView: (query: string, endpointId: EndpointFilter) => void;
  loadOlder: () => void;
  loadNewer: () => void;
  /** Back to the newest events: reloads the top page when it is not held, and scrolls up. */
  jumpToNewest: () => void;
  setAtTop: (atTop: boolean) => void;
  pin: (ids: number[], pinned: boolean) => void;
};

/**
 * Runs `task` `delayMs` after the first call, once; calls while it waits
 * join that run, calls while it runs schedule one more. One request per
 * burst of live batches, never two at once.
 */
function useCoalesced(task: () => Promise<void>, delayMs: number): () => void {
  const taskRef = useRef(task);
  taskRef.current = task;
  const schedule = useRef<() => void>(() => {});
  const st = useRef({ timer: undefined as number | undefined, running: false, again: false, live: true });
  useEffect(() => {
    const s = st.current;
    s.live = true;
    schedule.current = () => {
      if (!s.live) return;
      if (s.running) {
        s.again = true;
        return;
      }
      if (s.timer !== undefined) return;
      s.timer = window.setTimeout(() => {
        s.timer = undefined;
        s.running = true;
        taskRef
          .current()
          .catch(() => {})
          .finally(() => {
            s.running = false;
            if (s.again) {
              s.again = false;
              schedule.current();
            }
          });
      }, delayMs);
    };
    return () => {
      s.live = false;
      window.clearTimeout(s.timer);
      s.timer = undefined;
    };
  }, [delayMs]);
  return useCallback(() => schedule.current(), []);
}

/** The first page, when main.tsx's early request already brought it: the first render shows its rows. */
function withEarlyPage(initial: TimelineState): TimelineState {
  const page = earlyValue("page");
  if (page === null) return initial;
  const view = { query: initial.requested.query, endpointId: initial.requested.endpointId };
  const seq = initial.requested.seq + 1;
  return timelineReducer(timelineReducer(initial, { type: "request", seq, view }), { type: "loaded", seq, view, page });
}

/**
 * The timeline window (state/timeline.ts), the per-endpoint counts and the
 * search's match count, kept current by one live channel for the life of
 * the window. `onError` hears about failed actions (pins).
 */
export function useTimeline(onError: (message: string) => void): TimelineApi {
  const [state, dispatch] = useReducer(timelineReducer, initialTimelineState, withEarlyPage);
  const [counts, setCounts] = useState<Counts>(() => {
    const early = earlyValue("counts");
    return early === null ? emptyCounts : countsFrom(early);
  });
  const [matches, setMatches] = useState<{ key: string; n: number; count: MatchCount }[]>([]);
  const stateRef = useRef(state);
  stateRef.current = state;
  const seq = useRef(state.requested.seq);
  // Whether the first render showed main.tsx's early answers (then they are not asked for again).
  const seeded = useRef({ page: state.status === "ready", counts: counts !== emptyCounts });
  const countSeq = useRef(0);
  const loading = useRef({ older: false, newer: false });
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;

  const pages = state.pages;
  const rows = useMemo(() => pages.flat(), [pages]);

  const count = useCallback((view: View) => {
    if (view.query === "") return;
    countSeq.current += 1;
    const n = countSeq.current;
    const key = viewKey(view);
    countEvents(view.query, view.endpointId).then(
      (c) =>
        setMatches((prev) => {
          const old = prev.find((m) => m.key === key);
          if (old && old.n > n) return prev;
          return [...prev.filter((m) => m.key !== key), { key, n, count: c }].slice(-4);
        }),
      () => {}, // the page request reports why
    );
  }, []);

  /** Shows `view`'s first page: `asked`, when it was already asked for, or a new request. */
  const load = useCallback(
    (view: View, asked?: Promise<EventPage>) => {
      seq.current += 1;
      const mine = seq.current;
      dispatch({ type: "request", seq: mine, view });
      (asked ?? searchEvents(view.query, { limit: PAGE_SIZE, endpointId: view.endpointId })).then(
        (page) => dispatch({ type: "loaded", seq: mine, view, page }),
        (err: unknown) => dispatch({ type: "failed", seq: mine, error: errorMessage(err), query: isQueryError(err) }),
      );
      count(view);
    },
    [count],
  );

  const setView = useCallback(
    (query: string, endpointId: EndpointFilter) => {
      const s = stateRef.current;
      const r = s.requested;
      // The same view again: nothing to do, unless it failed (then retry).
      if (r.query === query && r.endpointId === endpointId && s.queryError === null && s.error === null) return;
      load({ query, endpointId });
    },
    [load],
  );

  const loadOlder = useCallback(() => {
    const s = stateRef.current;
    const last = lastRow(s);
    if (!s.hasOlder || !last || loading.current.older || s.status === "loading") return;
    loading.current.older = true;
    const { viewSeq, view } = s;
    searchEvents(view.query, { limit: PAGE_SIZE, before: last.cursor, endpointId: view.endpointId })
      .then(
        (page) => dispatch({ type: "older", viewSeq, cursor: last.cursor, page }),
        (err: unknown) => dispatch({ type: "pageFailed", error: errorMessage(err) }),
      )
      .finally(() => {
        loading.current.older = false;
      });
  }, []);

  const loadNewer = useCallback(() => {
    const s = stateRef.current;
    const first = firstRow(s);
    if (!s.hasNewer || !first || loading.current.newer || s.status === "loading") return;
    loading.current.newer = true;
    const { viewSeq, view } = s;
    searchEvents(view.query, { limit: PAGE_SIZE, after: first.cursor, endpointId: view.endpointId })
      .then(
        (page) => dispatch({ type: "newer", viewSeq, cursor: first.cursor, page }),
        (err: unknown) => dispatch({ type: "pageFailed", error: errorMessage(err) }),
      )
      .finally(() => {
        loading.current.newer = false;
      });
  }, []);

  const jumpToNewest = useCallback(() => {
    const s = stateRef.current;
    if (s.hasNewer) load(s.view);
    else dispatch({ type: "scrollToTop" });
  }, [load]);

  const setAtTop = useCallback((atTop: boolean) => dispatch({ type: "atTop", atTop }), []);

  const pin = useCallback((ids: number[], pinned: boolean) => {
    if (ids.length === 0) return;
    const before = new Map<number, boolean>();
    for (const p of stateRef.current.pages) for (const e of p) before.set(e.id, e.pinned);
    dispatch({ type: "pinned", ids, pinned });
    setPinned(ids, pinned).catch((err: unknown) => {
      // Put back what the core did not store.
      const revert = ids.filter((id) => before.has(id) && before.get(id) !== pinned);
      if (revert.length > 0) dispatch({ type: "pinned", ids: revert, pinned: !pinned });
      onErrorRef.current(`Could not ${pinned ? "pin" : "unpin"}: ${errorMessage(err)}`);
    });
  }, []);

  // A search cannot be matched against live events here: ask the core what is new.
  const refreshSearch = useCoalesced(async () => {
    const s = stateRef.current;
    if (s.view.query === "" || s.status === "loading") return;
    const { viewSeq, view, newestCursor: cursor } = s;
    count(view);
    const page = await searchEvents(view.query, { limit: PAGE_SIZE, after: cursor, endpointId: view.endpointId });
    const now = stateRef.current;
    if (cursor !== null && page.hasMore && now.viewSeq === viewSeq && isFollowing(now)) {
      // More arrived than a page holds: start again from the newest.
      load(view);
      return;
    }
    dispatch({ type: "liveSearch", viewSeq, cursor, page });
  }, LIVE_REFRESH_MS);

  // The channel dropped events, or stored events changed in place: reload the held window.
  const reloadWindow = useCoalesced(async () => {
    endpointCounts().then(
      (r) => setCounts(countsFrom(r)),
      () => {},
    );
    const s = stateRef.current;
    if (s.status === "loading") return;
    const { viewSeq, view } = s;
    count(view);
    const first = firstRow(s);
    const limit = Math.min(MAX_ROWS, Math.max(PAGE_SIZE, rowCount(s)));
    if (!first || isFollowing(s)) {
      const page = await searchEvents(view.query, { limit, endpointId: view.endpointId });
      dispatch({ type: "reload", viewSeq, page, hasNewer: false, newer: null });
      return;
    }
    // Keep the same rows in view: start just above the first one held.
    const above = await searchEvents(view.query, { limit: PAGE_SIZE, after: first.cursor, endpointId: view.endpointId });
    const upper = above.events[above.events.length - 1]?.cursor ?? null;
    const page = await searchEvents(view.query, { limit, before: upper, endpointId: view.endpointId });
    dispatch({
      type: "reload",
      viewSeq,
      page,
      hasNewer: upper !== null,
      newer: s.hasNewer ? null : { count: above.events.length, capped: above.hasMore },
    });
  }, RELOAD_MS);

  const onBatch = useRef<(batch: EventBatch) => void>(() => {});
  onBatch.current = (batch: EventBatch) => {
    setCounts((c) => addBatch(c, batch));
    if (batch.lagged || batch.changed) {
      reloadWindow();
      return;
    }
    if (batch.events.length === 0) return;
    if (stateRef.current.view.query === "") dispatch({ type: "live", batch });
    else refreshSearch();
  };

  useEffect(() => {
    let cancelled = false;
    let unsubscribe: (() => void) | undefined;
    const early = takeEarly("live");
    early?.deliverTo((batch) => onBatch.current(batch));
    (early?.subscribed ?? subscribeEvents((batch) => onBatch.current(batch))).then(
      (stop) => {
        if (cancelled) stop();
        else unsubscribe = stop;
      },
      (err: unknown) => !cancelled && dispatch({ type: "pageFailed", error: errorMessage(err) }),
    );
    return () => {
      cancelled = true;
      unsubscribe?.();
    };
  }, []);

  useEffect(() => {
    let cancelled = false;
    const earlyCounts = takeEarly("counts");
    if (!seeded.current.counts) {
      (earlyCounts?.promise ?? endpointCounts()).then(
        (r) => !cancelled && setCounts(countsFrom(r)),
        (err: unknown) => !cancelled && dispatch({ type: "pageFailed", error: errorMessage(err) }),
      );
    }
    const earlyPage = takeEarly("page");
    if (!seeded.current.page) {
      const { query, endpointId } = stateRef.current.requested;
      load({ query, endpointId }, earlyPage?.promise);
    }
    return () => {
      cancelled = true;
    };
  }, [load]);

  const shownKey = viewKey(state.view);
  const match = state.view.query === "" ? null : (matches.find((m) => m.key === shownKey)?.count ?? null);

  return { state, rows, counts, match, setView, loadOlder, loadNewer, jumpToNewest, setAtTop, pin };
}
