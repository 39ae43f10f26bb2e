import { describe, expect, it } from "vitest";
import { ev } from "../test-fixtures";
import { addBatch, countFor, countsFrom, unknownEndpointIds } from "./counts";

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

  it("names endpoints that have events but are not listed", () => {
    const c = countsFrom([
      { endpointId: 1, count: 1 },
      { endpointId: 7, count: 2 },
      { endpointId: null, count: 1 },
    ]);
    expect(unknownEndpointIds(c, [1, 2])).toEqual([7]);
    expect(unknownEndpointIds(c, [1, 7])).toEqual([]);
  });
});
