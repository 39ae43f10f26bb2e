import { describe, expect, it } from "vitest";
import { attemptWords, bodyPreview, countdownWords, durationMs, schedulePreview, spanWords, statusTone, statusWords } from "./words";

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
    expect(statusWords(200)).toBe("200 OK");
    expect(statusWords(418)).toBe("418");
  });

  it("says what an attempt came to", () => {
    const response = { status: 302, headers: [], bodyText: null, bodyBase64: null, bodyTruncated: false, redirectTo: "https://elsewhere.test/" };
    expect(attemptWords({ response, error: null })).toBe("302 Found: redirect to https://elsewhere.test/ — not followed");
    expect(attemptWords({ response: null, error: { kind: "connection_refused", message: "connection refused by 127.0.0.1:3000" } })).toBe(
      "connection refused by 127.0.0.1:3000",
    );
    expect(attemptWords({ response: { ...response, status: 200, redirectTo: null }, error: null })).toBe("200 OK");
  });

  it("formats durations and previews", () => {
    expect(durationMs(12.4)).toBe("12 ms");
    expect(durationMs(1340)).toBe("1.3 s");
    expect(bodyPreview('{\n  "ok": true\n}')).toBe('{ "ok": true }');
    expect(bodyPreview("x".repeat(200), 10)).toBe("xxxxxxxxx…");
  });
});
