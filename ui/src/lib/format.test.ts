import { describe, expect, it } from "vitest";
import {
  formatAge,
  formatCount,
  formatEventCount,
  formatRowTime,
  formatSize,
  sampleCurl,
  shellQuote,
  startOfDay,
} from "./format";

describe("format", () => {
  it("sizes read like a file manager's", () => {
    expect(formatSize(0)).toBe("0 B");
    expect(formatSize(1023)).toBe("1023 B");
    expect(formatSize(1536)).toBe("1.5 KB");
    expect(formatSize(25 * 1024 * 1024)).toBe("25.0 MB");
  });

  it("ages are relative to now", () => {
    expect(formatAge(10_000, 10_500)).toBe("just now");
    expect(formatAge(0, 42_000)).toBe("42 s ago");
    expect(formatAge(0, 3 * 3600_000)).toBe("3 h ago");
  });

  it("shell quoting survives single quotes", () => {
    expect(shellQuote("http://127.0.0.1:9494/x")).toBe("http://127.0.0.1:9494/x");
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
  });

  it("the sample curl posts JSON to the listen URL", () => {
    const curl = sampleCurl("http://127.0.0.1:9494");
    expect(curl).toContain("curl -X POST http://127.0.0.1:9494/webhooks/test");
    expect(curl).toContain("-H 'Content-Type: application/json'");
    const body = /-d '(.*)'$/m.exec(curl)?.[1];
    expect(JSON.parse(body ?? "")).toMatchObject({ type: "hello.hooklens" });
  });
});

describe("row times and counts", () => {
  it("show today's times to the millisecond and other days with their date", () => {
    const today = startOfDay(new Date(2024, 2, 13, 15, 0).getTime());
    expect(formatRowTime(new Date(2024, 2, 13, 14, 3, 22, 123).getTime(), today)).toBe("14:03:22.123");
    const other = formatRowTime(new Date(2024, 2, 3, 9, 5, 1).getTime(), today);
    expect(other).toMatch(/3/);
    expect(other).toMatch(/09:05$/);
    expect(other).not.toMatch(/\./);
  });

  it("counts events in words", () => {
    expect(formatEventCount(1)).toBe("1 event");
    expect(formatEventCount(0)).toBe("0 events");
    expect(formatEventCount(1234)).toBe(`${formatCount(1234)} events`);
    expect(formatEventCount(10_000, true)).toBe(`${formatCount(10_000)}+ events`);
  });
});
