import { describe, expect, it } from "vitest";
import { MAX_SPEED, MAX_TIMES, TRANSPORT_HEADERS, type EventView } from "../../ipc";
import { ev } from "../../test-fixtures";
import {
  base64Size,
  expectsJson,
  formFrom,
  headerDiff,
  headerRow,
  isTransportHeader,
  jsonStatus,
  jsonStatusWords,
  lineColumn,
  originalOf,
  pickSchedule,
  specFrom,
  urlProblem,
  type ResendForm,
} from "./form";

function view(over: Partial<EventView> = {}, summary: Parameters<typeof ev>[1] = {}): EventView {
  const s = ev(7, summary);
  return {
    summary: s,
    url: `http://127.0.0.1:9494${s.path}`,
    target: "/",
    httpVersion: "HTTP/1.1",
    trailers: [],
    headers: [
      { name: "Content-Type", value: "application/json", binary: false, masked: false },
      { name: "X-Hub-Signature-256", value: "sha256=abc", binary: false, masked: false },
    ],
    bodyText: '{"action":"opened"}',
    bodyBase64: null,
    refs: [],
    deliveries: [],
    source: null,
    via: null,
    answer: null,
    ...over,
  };
}

describe("form and spec", () => {
  it("starts from the event: its method, headers, body, the last target; signed by the event's own endpoint", () => {
    const form = formFrom(view(), { recentTargets: ["http://localhost:3000/hooks", "http://x"] });
    expect(form).toMatchObject({
      eventId: 7,
      method: "POST",
      url: "http://localhost:3000/hooks",
      bodyText: '{"action":"opened"}',
      bodyBase64: null,
      // The core says how it signs (signingInfo): until then the headers are kept and no secret is chosen.
      signMode: "keep",
      signEndpointId: null,
      secretLabel: null,
      pattern: "once",
    });
    expect(form.headers.map((h) => [h.name, h.value])).toEqual([
      ["Content-Type", "application/json"],
      ["X-Hub-Signature-256", "sha256=abc"],
    ]);
  });

  it("starts a new request blank, with a JSON content type", () => {
    const blank = formFrom(null, { recentTargets: [] });
    expect(blank).toMatchObject({ eventId: null, method: "POST", url: "", bodyText: "", signMode: "keep", signEndpointId: null });
    expect(blank.headers.map((h) => h.name)).toEqual(["Content-Type"]);
  });

  it("keeps a binary body as base64", () => {
    const v = view({ bodyText: null, bodyBase64: "AAEC/w==" });
    const form = formFrom(v, { recentTargets: [] });
    expect(form.bodyText).toBeNull();
    expect(form.bodyBase64).toBe("AAEC/w==");
    const built = specFrom({ ...form, url: "http://localhost:3000" });
    expect("spec" in built && built.spec).toMatchObject({ bodyText: null, bodyBase64: "AAEC/w==" });
    expect(base64Size("AAEC/w==")).toBe(4);
    expect(originalOf(v)).toEqual({ headers: expect.any(Array), bodyText: null, bodyBase64: "AAEC/w==" });
  });

  it("builds the spec from the edits: order and duplicates kept, empty rows dropped", () => {
    const form: ResendForm = {
      ...formFrom(view({}, { provider: "github" }), { recentTargets: [] }),
      method: " put ",
      url: " https://handler.test/hook ",
      headers: [headerRow("X-A", "1"), headerRow("", ""), headerRow("X-A", "2"), headerRow(" Content-Type ", "text/plain")],
      bodyText: "not json",
      signMode: "resign",
      signEndpointId: 1,
      secretLabel: "old",
      pattern: "times",
      count: "3",
    };
    expect(specFrom(form)).toEqual({
      spec: {
        eventId: 7,
        method: "put",
        url: "https://handler.test/hook",
        headers: [
          { name: "X-A", value: "1" },
          { name: "X-A", value: "2" },
          { name: "Content-Type", value: "text/plain" },
        ],
        bodyText: "not json",
        bodyBase64: null,
        signing: { mode: "resign", endpointId: 1, secretLabel: "old" },
        pattern: { kind: "times", count: 3 },
      },
    });
  });

  it("builds a schedule pattern and checks its bounds", () => {
    const base = formFrom(view(), { recentTargets: ["http://localhost:1"] });
    expect(specFrom({ ...base, pattern: "schedule", scheduleProvider: "checkout", speed: "3600×" })).toMatchObject({
      spec: { pattern: { kind: "schedule", provider: "checkout", speed: 3600 } },
    });
    expect(specFrom({ ...base, pattern: "schedule", scheduleProvider: "checkout", speed: "0.5" })).toMatchObject({
      errors: { speed: expect.stringMatching(/from 1/) },
    });
    expect(specFrom({ ...base, pattern: "schedule", scheduleProvider: "checkout", speed: String(MAX_SPEED + 1) })).toMatchObject({
      errors: { speed: expect.stringMatching(/to 1,000,000/) },
    });
    expect(specFrom({ ...base, pattern: "times", count: String(MAX_TIMES) })).toMatchObject({ spec: { pattern: { count: MAX_TIMES } } });
    expect(specFrom({ ...base, pattern: "times", count: String(MAX_TIMES + 1) })).toMatchObject({ errors: { count: "Send 1 to 100 times." } });
    expect(specFrom({ ...base, pattern: "times", count: "2.5" })).toMatchObject({ errors: { count: expect.any(String) } });
  });

  it("refuses what the core would refuse, and says why", () => {
    const base = formFrom(null, { recentTargets: [] });
    const built = specFrom({ ...base, method: "BAD METHOD", url: "ftp://x", headers: [headerRow("", "orphan")] });
    expect(built).toEqual({
      errors: {
        method: "“BAD METHOD” is not an HTTP method.",
        url: "Only http:// and https:// URLs can be sent to.",
        headers: "A header has a value but no name.",
      },
    });
    expect(urlProblem("")).toMatch(/Enter the URL/);
    expect(urlProblem("localhost:3000")).toMatch(/Only http/);
    expect(urlProblem("not a url")).toMatch(/Not a URL/);
    expect(urlProblem("http://localhost:3000/webhooks")).toBeNull();
    expect(specFrom({ ...base, url: "http://x", headers: [headerRow("Bad Name", "v")] })).toMatchObject({
      errors: { headers: "“Bad Name” is not a valid header name." },
    });
  });

  it("leaves signing to the core: the event's own endpoint (null) unless another is chosen, no secret label when kept", () => {
    const base = formFrom(view(), { recentTargets: ["http://x"] });
    expect(specFrom({ ...base, signMode: "resign", secretLabel: "new" })).toMatchObject({
      spec: { signing: { mode: "resign", endpointId: null, secretLabel: "new" } },
    });
    expect(specFrom({ ...base, signMode: "keep", signEndpointId: 2, secretLabel: "new" })).toMatchObject({
      spec: { signing: { mode: "keep", endpointId: 2, secretLabel: null } },
    });
  });

  it("marks the transport headers the core lists, whatever their case", () => {
    for (const name of TRANSPORT_HEADERS) expect(isTransportHeader(name.toUpperCase())).toBe(true);
    expect(isTransportHeader(" Host ")).toBe(true);
    expect(isTransportHeader("X-Hub-Signature-256")).toBe(false);
  });

  it("offers the event's provider's schedule first", () => {
    const schedules = [
      { preset: "checkout", name: "Checkout", waitsS: [5], assumed: false, source: "" },
      { preset: "kustom", name: "Kustom", waitsS: [60], assumed: true, source: "" },
    ];
    expect(pickSchedule(schedules, "kustom")).toBe("kustom");
    expect(pickSchedule(schedules, "github")).toBe("checkout");
    expect(pickSchedule(schedules, "kustom", "checkout")).toBe("checkout");
    expect(pickSchedule([], null)).toBe("");
  });
});

describe("header diff", () => {
  const h = (name: string, value: string) => ({ name, value });

  it("marks changed, added and removed rows in order", () => {
    const before = [h("Content-Type", "application/json"), h("X-Sig", "a"), h("X-Old", "1"), h("Accept", "*/*")];
    const after = [h("content-type", "application/json"), h("X-Sig", "b"), h("Accept", "*/*"), h("X-New", "2")];
    expect(headerDiff(before, after)).toEqual([
      { kind: "same", name: "content-type", before: "application/json", after: "application/json" },
      { kind: "changed", name: "X-Sig", before: "a", after: "b" },
      { kind: "removed", name: "X-Old", before: "1", after: null },
      { kind: "same", name: "Accept", before: "*/*", after: "*/*" },
      { kind: "added", name: "X-New", before: null, after: "2" },
    ]);
  });

  it("pairs duplicates in order", () => {
    const rows = headerDiff([h("X-A", "1"), h("X-A", "2")], [h("X-A", "1"), h("X-A", "3"), h("X-A", "4")]);
    expect(rows.map((r) => r.kind)).toEqual(["same", "changed", "added"]);
    expect(rows[1]).toMatchObject({ before: "2", after: "3" });
  });

  it("is empty for no headers and all-same for no edits", () => {
    expect(headerDiff([], [])).toEqual([]);
    expect(headerDiff([h("A", "1")], [h("A", "1")]).every((r) => r.kind === "same")).toBe(true);
  });
});

describe("JSON status", () => {
  it("says valid, or where it breaks as line and column", () => {
    expect(jsonStatus('{"a": 1}')).toEqual({ state: "valid", duplicateKeys: false });
    expect(jsonStatus('{"a": 1, "a": 2}')).toEqual({ state: "valid", duplicateKeys: true });
    expect(jsonStatus("  \n")).toEqual({ state: "empty" });
    const bad = jsonStatus('{\n  "a": 1,\n  "b": x\n}');
    expect(bad).toMatchObject({ state: "invalid", line: 3, column: 8 });
    expect(jsonStatusWords(bad)).toMatch(/^Not valid JSON: line 3 col 8: .+ — it can still be sent as raw text$/);
    expect(jsonStatusWords(jsonStatus("[1, 2]"))).toBe("Valid JSON");
  });

  it.each([129, 1_000, 10_000, 100_000, 1_000_000])(
    "says a body nested %i levels deep is too deep to check, rather than overflowing or calling it invalid",
    (depth) => {
      for (const text of ["[".repeat(depth) + "]".repeat(depth), '{"a":'.repeat(depth) + "1" + "}".repeat(depth)]) {
        const status = jsonStatus(text);
        expect(status).toEqual({ state: "too_deep", limit: 128 });
        expect(jsonStatusWords(status)).toBe(
          "Nested too deeply to check (more than 128 levels) — it can still be sent as raw text",
        );
      }
    },
  );

  it("still checks JSON nested up to 128 levels", () => {
    expect(jsonStatus("[".repeat(128) + "]".repeat(128))).toEqual({ state: "valid", duplicateKeys: false });
    expect(jsonStatus("[".repeat(128) + "x" + "]".repeat(128))).toMatchObject({ state: "invalid", line: 1, column: 129 });
  });

  it("converts string positions to lines and columns", () => {
    expect(lineColumn("abc", 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn("ab\n", 3)).toEqual({ line: 2, column: 1 });
  });

  it("checks a body as JSON when its type says so or it looks like JSON", () => {
    expect(expectsJson("application/json; charset=utf-8", null, "oops")).toBe(true);
    expect(expectsJson(null, '{"a":1}', "edited")).toBe(true);
    expect(expectsJson("text/plain", "a=1&b=2", "a=1")).toBe(false);
  });
});
