import { describe, expect, it } from "vitest";
import { ev } from "../test-fixtures";
import { addBatch, countFor, countsFrom, eventsReducer, initialEventsState, MAX_ROWS } from "./events";

const batch = (...events: ReturnType<typeof ev>[]) => ({ type: "batch" as const, batch: { events, lagged: false, changed: false } });

describe("eventsReducer", () => {
  it("shows the loaded page newest first", () => {
    const s = eventsReducer(initialEventsState, { type: "loaded", filter: null, events: [ev(3), ev(2)] });
    expect(s.status).toBe("ready");
    expect(s.events.map((e) => e.id)).toEqual([3, 2]);
  });

  it("puts live batches (oldest first) on top, newest first", () => {
    let s = eventsReducer(initialEventsState, { type: "loaded", filter: null, events: [ev(1)] });
    s = eventsReducer(s, batch(ev(2), ev(3)));
    expect(s.events.map((e) => e.id)).toEqual([3, 2, 1]);
  });

  it("does not show an event twice when the page and a batch overlap", () => {
    let s = eventsReducer(initialEventsState, batch(ev(5)));
    s = eventsReducer(s, { type: "loaded", filter: null, events: [ev(5), ev(4)] });
    expect(s.events.map((e) => e.id)).toEqual([5, 4]);
    s = eventsReducer(s, batch(ev(5)));
    expect(s.events.map((e) => e.id)).toEqual([5, 4]);
  });

  it("keeps at most MAX_ROWS rows in memory", () => {
    const events = Array.from({ length: MAX_ROWS }, (_, i) => ev(MAX_ROWS - i));
    let s = eventsReducer(initialEventsState, { type: "loaded", filter: null, events });
    s = eventsReducer(s, batch(ev(MAX_ROWS + 1)));
    expect(s.events).toHaveLength(MAX_ROWS);
    expect(s.events[0]?.id).toBe(MAX_ROWS + 1);
  });

  it("with an endpoint selected, shows only that endpoint's live events", () => {
    let s = eventsReducer(initialEventsState, { type: "filter", filter: 2 });
    s = eventsReducer(s, { type: "loaded", filter: 2, events: [ev(1, { endpointId: 2 })] });
    s = eventsReducer(s, batch(ev(2, { endpointId: 1 }), ev(3, { endpointId: 2 })));
    expect(s.events.map((e) => e.id)).toEqual([3, 1]);
  });

  it("ignores a page that arrives for a filter the user already left", () => {
    let s = eventsReducer(initialEventsState, { type: "filter", filter: 2 });
    s = eventsReducer(s, { type: "filter", filter: 3 });
    s = eventsReducer(s, { type: "loaded", filter: 2, events: [ev(1, { endpointId: 2 })] });
    expect(s).toMatchObject({ status: "loading", filter: 3, events: [] });
  });

  it("keeps what it has when loading fails", () => {
    let s = eventsReducer(initialEventsState, batch(ev(1)));
    s = eventsReducer(s, { type: "failed", error: "database is locked" });
    expect(s).toMatchObject({ status: "error", error: "database is locked" });
    expect(s.events).toHaveLength(1);
  });
});

describe("counts", () => {
  it("start from the store and grow with live batches, per endpoint", () => {
    let c = countsFrom([
      { endpointId: 1, count: 10 },
      { endpointId: 2, count: 3 },
      { endpointId: null, count: 1 },
    ]);
    expect(countFor(c, null)).toBe(14);
    c = addBatch(c, { events: [ev(100, { endpointId: 2 }), ev(101, { endpointId: 5 })], lagged: false, changed: false });
    expect(countFor(c, 2)).toBe(4);
    expect(countFor(c, 5)).toBe(1);
    expect(countFor(c, 1)).toBe(10);
    expect(countFor(c, null)).toBe(16);
  });
});
