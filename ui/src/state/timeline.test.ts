import { describe, expect, it } from "vitest";
import type { EventPage, EventSummary } from "../ipc";
import { ev } from "../test-fixtures";
import {
  initialTimelineState,
  isFollowing,
  MAX_PAGES,
  MAX_ROWS,
  PAGE_SIZE,
  rowCount,
  rowsOf,
  timelineReducer,
  type TimelineAction,
  type TimelineState,
  type View,
} from "./timeline";

/** Events `from` down to `from - n + 1`, newest first, like a page from the core. */
const range = (from: number, n: number, over: Partial<EventSummary> = {}) =>
  Array.from({ length: n }, (_, i) => ev(from - i, over));
const page = (events: EventSummary[], hasMore = false): EventPage => ({ events, hasMore });
const ids = (s: TimelineState) => rowsOf(s).map((e) => e.id);
const all: View = { query: "", endpointId: null };

function run(state: TimelineState, ...actions: TimelineAction[]): TimelineState {
  return actions.reduce(timelineReducer, state);
}

/** A timeline showing `view` with `events` loaded as its first page. */
function loaded(events: EventSummary[], hasMore = false, view: View = all): TimelineState {
  return run(
    initialTimelineState,
    { type: "request", seq: 1, view },
    { type: "loaded", seq: 1, view, page: page(events, hasMore) },
  );
}

const older = (s: TimelineState, events: EventSummary[], hasMore = true): TimelineState =>
  timelineReducer(s, { type: "older", viewSeq: s.viewSeq, cursor: rowsOf(s).at(-1)!.cursor, page: page(events, hasMore) });

const newer = (s: TimelineState, events: EventSummary[], hasMore = true): TimelineState =>
  timelineReducer(s, { type: "newer", viewSeq: s.viewSeq, cursor: rowsOf(s)[0]!.cursor, page: page(events, hasMore) });

const live = (...events: EventSummary[]): TimelineAction => ({
  type: "live",
  batch: { events, lagged: false, changed: false },
});

describe("timeline pages", () => {
  it("holds the first page newest first, in pages of PAGE_SIZE", () => {
    const s = loaded(range(10_000, PAGE_SIZE), true);
    expect(s.status).toBe("ready");
    expect(s.pages).toHaveLength(1);
    expect(ids(s).slice(0, 3)).toEqual([10_000, 9_999, 9_998]);
    expect(s.hasOlder).toBe(true);
    expect(s.hasNewer).toBe(false);
    expect(s.newestCursor).toBe(ev(10_000).cursor);
  });

  it("appends older pages and drops the newest beyond MAX_PAGES", () => {
    let s = loaded(range(10_000, PAGE_SIZE), true);
    for (let p = 1; p <= MAX_PAGES + 2; p += 1) {
      s = older(s, range(10_000 - p * PAGE_SIZE, PAGE_SIZE));
      expect(s.pages.length).toBeLessThanOrEqual(MAX_PAGES);
      expect(rowCount(s)).toBeLessThanOrEqual(MAX_ROWS);
    }
    // 7 pages were loaded; the last 4 are held, contiguous.
    const held = ids(s);
    expect(held[0]).toBe(10_000 - 3 * PAGE_SIZE);
    expect(held.at(-1)).toBe(10_000 - 7 * PAGE_SIZE + 1);
    expect(s.hasNewer).toBe(true);
    expect(s.hasOlder).toBe(true);
  });

  it("knows when the oldest event is held", () => {
    let s = loaded(range(300, PAGE_SIZE), true);
    s = older(s, range(100, 100), false);
    expect(s.hasOlder).toBe(false);
    expect(ids(s).at(-1)).toBe(1);
  });

  it("loads newer pages with `after` back on top and drops the oldest beyond MAX_PAGES", () => {
    let s = loaded(range(10_000, PAGE_SIZE), true);
    for (let p = 1; p <= MAX_PAGES; p += 1) s = older(s, range(10_000 - p * PAGE_SIZE, PAGE_SIZE));
    expect(ids(s)[0]).toBe(9_800);
    s = newer(s, range(10_000, PAGE_SIZE), false);
    expect(s.pages).toHaveLength(MAX_PAGES);
    expect(ids(s)[0]).toBe(10_000);
    expect(ids(s).at(-1)).toBe(10_000 - MAX_PAGES * PAGE_SIZE + 1);
    expect(s.hasNewer).toBe(false);
    expect(s.hasOlder).toBe(true);
  });

  it("drops a page that answers an older window or another view", () => {
    const s = loaded(range(1_000, PAGE_SIZE), true);
    const wrongCursor = timelineReducer(s, {
      type: "older",
      viewSeq: s.viewSeq,
      cursor: ev(5).cursor,
      page: page(range(700, PAGE_SIZE)),
    });
    expect(wrongCursor).toBe(s);
    const wrongView = timelineReducer(s, {
      type: "older",
      viewSeq: s.viewSeq - 1,
      cursor: ev(801).cursor,
      page: page(range(800, PAGE_SIZE)),
    });
    expect(wrongView).toBe(s);
  });

  it("does not hold an event twice when pages overlap", () => {
    let s = loaded(range(500, PAGE_SIZE), true);
    s = older(s, range(305, PAGE_SIZE));
    expect(new Set(ids(s)).size).toBe(ids(s).length);
    expect(ids(s)).toHaveLength(PAGE_SIZE + PAGE_SIZE - 5);
  });
});

describe("views and queries", () => {
  it("keeps the rows of the last good query when a query does not parse", () => {
    let s = loaded(range(10, 10));
    const bad: View = { query: "typo:x", endpointId: null };
    s = run(
      s,
      { type: "request", seq: 2, view: bad },
      { type: "failed", seq: 2, error: "unknown field typo at 1", query: true },
    );
    expect(s.queryError).toBe("unknown field typo at 1");
    expect(ids(s)).toHaveLength(10);
    expect(s.view.query).toBe("");
    const good: View = { query: "zebra", endpointId: null };
    s = run(s, { type: "request", seq: 3, view: good }, { type: "loaded", seq: 3, view: good, page: page([ev(4)]) });
    expect(s.queryError).toBeNull();
    expect(ids(s)).toEqual([4]);
    expect(s.view).toEqual(good);
  });

  it("ignores the answer to a query the user has already replaced", () => {
    let s = loaded(range(10, 10));
    const a: View = { query: "a", endpointId: null };
    const b: View = { query: "b", endpointId: null };
    s = run(s, { type: "request", seq: 2, view: a }, { type: "request", seq: 3, view: b });
    s = timelineReducer(s, { type: "loaded", seq: 2, view: a, page: page([ev(1)]) });
    expect(s.status).toBe("loading");
    expect(ids(s)).toHaveLength(10);
    s = timelineReducer(s, { type: "failed", seq: 2, error: "late", query: true });
    expect(s.queryError).toBeNull();
  });

  it("keeps live rows that arrived while the first page loaded, once", () => {
    let s = run(initialTimelineState, { type: "request", seq: 1, view: all }, live(ev(5), ev(6)));
    expect(ids(s)).toEqual([6, 5]);
    s = timelineReducer(s, { type: "loaded", seq: 1, view: all, page: page([ev(5), ev(4)]) });
    expect(ids(s)).toEqual([6, 5, 4]);
  });

  it("scrolls a new view to its top", () => {
    const s = loaded(range(10, 10));
    expect(s.scrollToTop).toBe(1);
    const next = run(
      s,
      { type: "request", seq: 2, view: { query: "x", endpointId: null } },
      { type: "loaded", seq: 2, view: { query: "x", endpointId: null }, page: page([]) },
    );
    expect(next.scrollToTop).toBe(2);
  });
});

describe("live batches", () => {
  it("at the top: new rows go in on top, newest first, without duplicates", () => {
    let s = loaded(range(10, 10));
    expect(isFollowing(s)).toBe(true);
    s = run(s, live(ev(11), ev(12)), live(ev(12)));
    expect(ids(s).slice(0, 3)).toEqual([12, 11, 10]);
    expect(s.pendingNew).toBe(0);
  });

  it("at the top: the oldest rows go when the bound is reached", () => {
    let s = loaded(range(MAX_ROWS, PAGE_SIZE), true);
    for (let p = 1; p < MAX_PAGES; p += 1) s = older(s, range(MAX_ROWS - p * PAGE_SIZE, PAGE_SIZE));
    expect(rowCount(s)).toBe(MAX_ROWS);
    s = timelineReducer(s, { type: "atTop", atTop: true });
    s = timelineReducer(s, live(...range(MAX_ROWS + 50, 50).reverse()));
    expect(rowCount(s)).toBe(MAX_ROWS);
    expect(s.pages.length).toBeLessThanOrEqual(MAX_PAGES);
    expect(ids(s)[0]).toBe(MAX_ROWS + 50);
    expect(ids(s).at(-1)).toBe(51);
    expect(s.hasOlder).toBe(true);
  });

  it("scrolled away: the rows stay put and the marker counts what arrived", () => {
    let s = loaded(range(100, 100));
    s = timelineReducer(s, { type: "atTop", atTop: false });
    const before = s.pages;
    s = run(s, live(ev(101), ev(102)), live(ev(103)));
    expect(s.pages).toBe(before);
    expect(s.pendingNew).toBe(3);
    expect(s.hasNewer).toBe(true);
    // Back at the top: the newer page is loaded and the marker goes.
    s = timelineReducer(s, { type: "atTop", atTop: true });
    expect(s.pendingNew).toBe(3);
    s = newer(s, [ev(103), ev(102), ev(101)], false);
    expect(ids(s).slice(0, 4)).toEqual([103, 102, 101, 100]);
    expect(s.pendingNew).toBe(0);
  });

  it("with an endpoint selected, takes only that endpoint's events", () => {
    const view: View = { query: "", endpointId: 2 };
    let s = loaded([ev(1, { endpointId: 2 })], false, view);
    s = timelineReducer(s, live(ev(2, { endpointId: 1 }), ev(3, { endpointId: 2 })));
    expect(ids(s)).toEqual([3, 1]);
  });

  it("with a search, leaves matching to the core", () => {
    const view: View = { query: "zebra", endpointId: null };
    const s = loaded([ev(1)], false, view);
    expect(timelineReducer(s, live(ev(2)))).toBe(s);
  });

  it("a search refresh at the top puts the matches on top", () => {
    const view: View = { query: "zebra", endpointId: null };
    let s = loaded([ev(5), ev(3)], false, view);
    s = timelineReducer(s, { type: "liveSearch", viewSeq: s.viewSeq, cursor: ev(5).cursor, page: page([ev(9), ev(7)]) });
    expect(ids(s)).toEqual([9, 7, 5, 3]);
    expect(s.newestCursor).toBe(ev(9).cursor);
  });

  it("a search refresh while scrolled away counts the matches, capped", () => {
    const view: View = { query: "zebra", endpointId: null };
    let s = loaded([ev(5), ev(3)], false, view);
    s = timelineReducer(s, { type: "atTop", atTop: false });
    s = timelineReducer(s, {
      type: "liveSearch",
      viewSeq: s.viewSeq,
      cursor: ev(5).cursor,
      page: page(range(500, PAGE_SIZE), true),
    });
    expect(ids(s)).toEqual([5, 3]);
    expect(s.pendingNew).toBe(PAGE_SIZE);
    expect(s.pendingCapped).toBe(true);
    // The next refresh still counts from the same newest event.
    expect(s.newestCursor).toBe(ev(5).cursor);
  });

  it("a reload replaces the held rows in place and reports what is new above", () => {
    let s = loaded(range(100, 100));
    s = timelineReducer(s, { type: "atTop", atTop: false });
    s = timelineReducer(s, {
      type: "reload",
      viewSeq: s.viewSeq,
      page: page(range(100, 100, { pinned: true })),
      hasNewer: true,
      newer: { count: 4, capped: false },
    });
    expect(rowsOf(s).every((e) => e.pinned)).toBe(true);
    expect(s.pendingNew).toBe(4);
    expect(s.hasNewer).toBe(true);
  });

  it("pins and unpins held rows", () => {
    let s = loaded(range(3, 3));
    s = timelineReducer(s, { type: "pinned", ids: [1, 3], pinned: true });
    expect(rowsOf(s).map((e) => e.pinned)).toEqual([true, false, true]);
    expect(timelineReducer(s, { type: "pinned", ids: [1], pinned: true })).toBe(s);
  });
});
