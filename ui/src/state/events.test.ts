import { describe, expect, it } from "vitest";
import type { EventSummary } from "../ipc";
import { eventsReducer, initialEventsState, MAX_ROWS } from "./events";

function ev(id: number, at = 1_700_000_000_000 + id): EventSummary {
  return {
    id,
    cursor: `${at * 1_000_000}:${id}`,
    receivedAtMs: at,
    method: "POST",
    path: `/hook/${id}`,
    query: null,
    size: 2,
    contentType: "application/json",
    remoteAddr: "127.0.0.1:1",
  };
}

describe("eventsReducer", () => {
  it("shows the loaded page newest first with the store's total", () => {
    const s = eventsReducer(initialEventsState, { type: "loaded", page: { events: [ev(3), ev(2)], total: 40 } });
    expect(s.status).toBe("ready");
    expect(s.events.map((e) => e.id)).toEqual([3, 2]);
    expect(s.total).toBe(40);
  });

  it("puts live batches (oldest first) on top, newest first, and counts them", () => {
    let s = eventsReducer(initialEventsState, { type: "loaded", page: { events: [ev(1)], total: 1 } });
    s = eventsReducer(s, { type: "batch", batch: { events: [ev(2), ev(3)], lagged: false } });
    expect(s.events.map((e) => e.id)).toEqual([3, 2, 1]);
    expect(s.total).toBe(3);
  });

  it("does not count an event twice when the page and a batch overlap", () => {
    let s = eventsReducer(initialEventsState, { type: "batch", batch: { events: [ev(5)], lagged: false } });
    s = eventsReducer(s, { type: "loaded", page: { events: [ev(5), ev(4)], total: 2 } });
    expect(s.events.map((e) => e.id)).toEqual([5, 4]);
    expect(s.total).toBe(2);
    s = eventsReducer(s, { type: "batch", batch: { events: [ev(5)], lagged: false } });
    expect(s.total).toBe(2);
  });

  it("keeps at most MAX_ROWS rows in memory but the full count", () => {
    const page = { events: Array.from({ length: MAX_ROWS }, (_, i) => ev(MAX_ROWS - i)), total: MAX_ROWS };
    let s = eventsReducer(initialEventsState, { type: "loaded", page });
    s = eventsReducer(s, { type: "batch", batch: { events: [ev(MAX_ROWS + 1)], lagged: false } });
    expect(s.events).toHaveLength(MAX_ROWS);
    expect(s.events[0]?.id).toBe(MAX_ROWS + 1);
    expect(s.total).toBe(MAX_ROWS + 1);
  });

  it("keeps what it has when loading fails", () => {
    let s = eventsReducer(initialEventsState, { type: "batch", batch: { events: [ev(1)], lagged: false } });
    s = eventsReducer(s, { type: "failed", error: "database is locked" });
    expect(s).toMatchObject({ status: "error", error: "database is locked" });
    expect(s.events).toHaveLength(1);
  });
});
