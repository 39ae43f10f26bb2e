import { describe, expect, it } from "vitest";
import { formatAge, formatSize, sampleCurl, shellQuote } from "./format";

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
