import { describe, expect, it } from "vitest";
import { bodyPreview, countdownWords, durationMs, schedulePreview, spanWords, statusTone, statusWords } from "./words";

describe("spans of time", () => {
  it("says them briefly", () => {
    expect(spanWords(0)).toBe("0 s");
    expect(spanWords(0.01)).toBe("under 0.1 s");
    expect(spanWords(0.4)).toBe("0.4 s");
    expect(spanWords(5)).toBe("5 s");
    expect(spanWords(37.6)).toBe("38 s");
    expect(spanWords(305)).toBe("5 min 5 s");
    expect(spanWords(1800)).toBe("30 min");
    expect(spanWords(37.5 * 3600)).toBe("37 h 30 min");
    expect(spanWords(99_305)).toBe("27 h 35 min");
    expect(spanWords(3 * 3600 + 35 * 60 + 5)).toBe("3 h 35 min");
    expect(spanWords(71 * 3600)).toBe("2 d 23 h");
    expect(spanWords(72 * 3600)).toBe("3 d");
  });

  it("counts down to the next attempt", () => {
    expect(countdownWords(10_000, 6_100)).toBe("in 4 s");
    expect(countdownWords(10_000, 10_000)).toBe("any moment now");
    expect(countdownWords(200_000, 0)).toBe("in 3 min 20 s");
  });
});

describe("retry schedule preview", () => {
  const svix = { preset: "checkout", name: "Checkout", waitsS: [5, 300, 1800, 7200, 18000, 36000, 36000], assumed: false, source: "" };

  it("says how many attempts over how long, and how long at the chosen speed", () => {
    expect(schedulePreview(svix, 3600).summary).toBe("8 attempts over 27 h 35 min; at 3600× about 28 s");
    expect(schedulePreview(svix, 1).summary).toBe("8 attempts over 27 h 35 min, in real time");
    expect(schedulePreview(svix, 60).waits.slice(0, 2)).toEqual(["5 s → 0.1 s", "5 min → 5 s"]);
    expect(schedulePreview({ ...svix, waitsS: [] }, 60).summary).toBe("1 attempt over 0 s; at 60× about 0 s");
    expect(schedulePreview(svix, Number.NaN).summary).toBe("8 attempts over 27 h 35 min");
  });
});

describe("statuses", () => {
  it("colours and words", () => {
    expect([statusTone(204), statusTone(302), statusTone(401), statusTone(503), statusTone(101)]).toEqual([
      "ok",
      "redirect",
      "bad",
      "bad",
      "info",
    ]);
    // The reason phrase is the core's; without one, the bare number.
    expect(statusWords({ status: 503, reason: "Service Unavailable" })).toBe("503 Service Unavailable");
    expect(statusWords({ status: 418, reason: null })).toBe("418");
    expect(statusWords({ status: 299, reason: "" })).toBe("299");
  });

  it("formats durations and previews", () => {
    expect(durationMs(12.4)).toBe("12 ms");
    expect(durationMs(1340)).toBe("1.3 s");
    expect(durationMs(12_000)).toBe("12 s");
    expect(bodyPreview('{\n  "ok": true\n}')).toBe('{ "ok": true }');
    expect(bodyPreview("x".repeat(200), 10)).toBe("xxxxxxxxx…");
  });
});
