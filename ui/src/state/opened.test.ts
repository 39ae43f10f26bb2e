import { describe, expect, it } from "vitest";
import { ev } from "../test-fixtures";
import { withNewerSummary } from "./opened";

describe("the opened event's summary", () => {
  it("takes the newer summary of the event still opened", () => {
    const before = ev(5);
    const pinned = { ...before, pinned: true };
    expect(withNewerSummary({ id: 5, summary: before }, 5, pinned)).toEqual({ id: 5, summary: pinned });
  });

  it("leaves another event opened since then in place", () => {
    const clicked = { id: 4, summary: ev(4) };
    expect(withNewerSummary(clicked, 5, { ...ev(5), pinned: true })).toBe(clicked);
    expect(withNewerSummary(null, 5, ev(5))).toBeNull();
  });

  it("changes nothing when the summary is the one held", () => {
    const summary = ev(5);
    const opened = { id: 5, summary };
    expect(withNewerSummary(opened, 5, summary)).toBe(opened);
  });
});
