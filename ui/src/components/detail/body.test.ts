import { describe, expect, it } from "vitest";
import { ev } from "../../test-fixtures";
import {
  decodeParams,
  gapWords,
  hexRow,
  isFormType,
  isJsonType,
  lineEndingHints,
  MAX_PRETTY_DEPTH,
  PRETTY_AUTO_LIMIT,
  prettyFallbackWords,
  prettyJson,
  prettyLengthLimit,
  queryOf,
  reindentJson,
  scanDepth,
  searchTerm,
  tooDeep,
} from "./body";
import { bodyModel } from "./BodyView";

describe("prettyJson", () => {
  it("changes only whitespace", () => {
    const text = ' {"a" : [1, 2.50, {"b":true}], "c":{}, "d":"x,y:{}[]\\"\\\\"}\n';
    const pretty = prettyJson(text);
    expect(pretty).toEqual({
      ok: true,
      duplicateKeys: [],
      text: '{\n  "a": [\n    1,\n    2.50,\n    {\n      "b": true\n    }\n  ],\n  "c": {},\n  "d": "x,y:{}[]\\"\\\\"\n}',
    });
    if (pretty.ok) expect(pretty.text.replace(/\s+/g, "")).toBe(text.replace(/\s+/g, ""));
  });

  it("keeps duplicate keys, which lossless-json alone would merge or refuse, and names them", () => {
    expect(reindentJson('{"a":1,"a":1,"b":{"a":2}}')).toEqual({
      text: '{\n  "a": 1,\n  "a": 1,\n  "b": {\n    "a": 2\n  }\n}',
      duplicateKeys: ["a"],
    });
    const differing = prettyJson('{"id":"evt_1","id":"evt_2"}');
    expect(differing.ok && differing.duplicateKeys).toEqual(["id"]);
    expect(differing.ok && differing.text).toContain('"id": "evt_2"');
  });

  it("reports invalid JSON with a position", () => {
    const result = prettyJson('{"a": 1,}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/position \d+/);
  });

  it("formats a top-level scalar as is", () => {
    expect(prettyJson("12345678901234567890123")).toEqual({ ok: true, text: "12345678901234567890123", duplicateKeys: [] });
  });
});

/** `[[[…]]]`, `depth` levels. */
const arrays = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
/** `{"a":{"a":…1…}}`, `depth` levels. */
const objects = (depth: number) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
const DEPTHS = [129, 1_000, 10_000, 100_000, 1_000_000];

describe("nesting depth guard", () => {
  it("counts arrays and objects, not brackets inside strings or escaped quotes", () => {
    expect(scanDepth("1").depth).toBe(0);
    expect(scanDepth("[]").depth).toBe(1);
    expect(scanDepth('{"a":[1,{"b":[]}],"c":{}}').depth).toBe(4);
    expect(scanDepth(`["${"[{".repeat(1_000)}"]`).depth).toBe(1);
    expect(scanDepth(String.raw`["\\", ["\"[[[", []]]`).depth).toBe(3);
    expect(scanDepth(String.raw`[["\\"], ["\\\"]"]]`).depth).toBe(2);
  });

  it("stops at the first bracket past the cap, whatever follows", () => {
    for (const depth of DEPTHS) {
      for (const text of [arrays(depth), objects(depth)]) {
        const scan = scanDepth(text);
        expect(scan.depth).toBe(MAX_PRETTY_DEPTH + 1);
        const perLevel = text.startsWith("{") ? 5 : 1;
        // Up to and including the bracket that goes one past the cap.
        expect(scan.scanned).toBe(MAX_PRETTY_DEPTH * perLevel + 1);
        expect(tooDeep(text)).toBe(true);
      }
    }
  });

  it("is not fooled by closing brackets that come first, or an unterminated string", () => {
    expect(tooDeep("]".repeat(1_000) + arrays(200))).toBe(true);
    expect(scanDepth('["' + "[".repeat(1_000)).depth).toBe(1);
  });

  it("lets the cap itself through", () => {
    expect(tooDeep(arrays(MAX_PRETTY_DEPTH))).toBe(false);
    expect(tooDeep(objects(MAX_PRETTY_DEPTH))).toBe(false);
    expect(tooDeep(arrays(MAX_PRETTY_DEPTH + 1))).toBe(true);
  });
});

describe("prettyJson on hostile nesting", () => {
  it.each(DEPTHS)("falls back to the raw text for arrays %i levels deep", (depth) => {
    const result = prettyJson(arrays(depth));
    expect(result).toEqual({
      ok: false,
      reason: "too_deep",
      error: "nested more than 128 levels deep",
      limit: MAX_PRETTY_DEPTH,
    });
    expect(prettyFallbackWords(result)).toBe(
      "Too deeply nested to pretty-print (more than 128 levels); showing the raw text.",
    );
  });

  it.each(DEPTHS)("falls back to the raw text for objects %i levels deep", (depth) => {
    expect(prettyJson(objects(depth))).toMatchObject({ ok: false, reason: "too_deep", limit: MAX_PRETTY_DEPTH });
  });

  it("says too deep, not a syntax error, even when the deep text is broken too", () => {
    expect(prettyJson("[".repeat(100_000))).toMatchObject({ ok: false, reason: "too_deep" });
    expect(prettyJson('{"a": 1,}')).toMatchObject({ ok: false, reason: "invalid" });
    expect(prettyFallbackWords(prettyJson('{"a": 1,}'))).toBeNull();
  });

  it("still pretty-prints up to the cap, exactly as before", () => {
    const depth100 = prettyJson(arrays(100));
    expect(depth100.ok).toBe(true);
    const expected = (depth: number) => {
      const lines: string[] = [];
      for (let d = 0; d < depth - 1; d++) lines.push("  ".repeat(d) + "[");
      lines.push("  ".repeat(depth - 1) + "[]");
      for (let d = depth - 2; d >= 0; d--) lines.push("  ".repeat(d) + "]");
      return lines.join("\n");
    };
    expect(depth100.ok && depth100.text).toBe(expected(100));
    const depth128 = prettyJson(arrays(MAX_PRETTY_DEPTH));
    expect(depth128.ok && depth128.text).toBe(expected(MAX_PRETTY_DEPTH));
    const obj = prettyJson(objects(MAX_PRETTY_DEPTH));
    expect(obj.ok && obj.text.split("\n")).toHaveLength(2 * MAX_PRETTY_DEPTH + 1);
    expect(obj.ok && obj.text.replace(/\s+/g, "")).toBe(objects(MAX_PRETTY_DEPTH));
  });

  it("stops re-indenting once the output would outgrow the input", () => {
    // Legal depth, but every `1,` gains a line of 256 spaces: ~130 times the input.
    const wide = "[".repeat(MAX_PRETTY_DEPTH) + "1,".repeat(50_000) + "1" + "]".repeat(MAX_PRETTY_DEPTH);
    const result = prettyJson(wide);
    expect(result).toEqual({
      ok: false,
      reason: "too_large",
      error: `formatted, it would be over ${prettyLengthLimit(wide.length)} characters`,
      limit: prettyLengthLimit(wide.length),
    });
    expect(prettyFallbackWords(result)).toMatch(/^Too large to pretty-print: .* Showing the raw text\.$/);
    expect(reindentJson(wide)).toBeNull();
    // The same shape, small, formats: the slack is for documents like it.
    expect(prettyJson("[".repeat(MAX_PRETTY_DEPTH) + "1,1" + "]".repeat(MAX_PRETTY_DEPTH)).ok).toBe(true);
  });

  it("bounds what reindentJson builds even when called on its own, without the depth guard", () => {
    const deep = arrays(100_000);
    expect(reindentJson(deep)).toBeNull();
    expect(reindentJson(deep, "  ", 1_000)).toBeNull();
    expect(reindentJson("[1, 2]", "  ", 1_000)).toEqual({ text: "[\n  1,\n  2\n]", duplicateKeys: [] });
  });
});

describe("line ending hints", () => {
  const texts = (t: string) => lineEndingHints(t).map((h) => h.text);

  it("says when there is no trailing newline", () => {
    expect(texts("a\nb")).toEqual(["no trailing newline", "LF line endings (1)"]);
  });

  it("flags CRLF, mixed endings and a byte order mark", () => {
    expect(texts("a\r\nb\r\n")).toEqual(["ends with CRLF", "CRLF line endings (2)"]);
    expect(texts("\uFEFFa\r\nb\nc\rd")).toEqual([
      "no trailing newline",
      "mixed line endings: 1 CRLF, 1 LF, 1 bare CR",
      "starts with a byte order mark (EF BB BF)",
    ]);
    expect(lineEndingHints("a\r\n").every((h) => h.warn)).toBe(true);
  });
});

describe("hex rows", () => {
  it("pads a short last row so the ASCII column lines up", () => {
    const row = hexRow(new Uint8Array([0x48, 0x69, 0x00]), 0);
    expect(row.hex).toHaveLength(hexRow(new Uint8Array(16), 0).hex.length);
    expect(row).toEqual({ offset: "00000000", hex: `48 69 00${" ".repeat(40)}`, ascii: "Hi." });
  });

  it("starts each row at its offset", () => {
    const bytes = new Uint8Array(40).map((_, i) => i + 0x30);
    expect(hexRow(bytes, 32)).toMatchObject({ offset: "00000020", ascii: "PQRSTUVW" });
  });
});

describe("content types and parameters", () => {
  it("recognises JSON and form types", () => {
    expect(isJsonType("application/json; charset=utf-8")).toBe(true);
    expect(isJsonType("application/cloudevents+json")).toBe(true);
    expect(isJsonType("text/plain")).toBe(false);
    expect(isFormType("Application/X-WWW-Form-Urlencoded;charset=UTF-8")).toBe(true);
    expect(isFormType("multipart/form-data")).toBe(false);
  });

  it("decodes parameters in order, duplicates kept", () => {
    expect(decodeParams("?a=1&a=2&b=x+y&c=%E2%9C%93")).toEqual([
      ["a", "1"],
      ["a", "2"],
      ["b", "x y"],
      ["c", "✓"],
    ]);
  });

  it("finds the query of a URL", () => {
    expect(queryOf("http://h/p?a=1#frag")).toBe("a=1");
    expect(queryOf("http://h/p?")).toBeNull();
    expect(queryOf("http://h/p")).toBeNull();
  });

  it("quotes search values that are not one word", () => {
    expect(searchTerm("id", "kevt_1")).toBe("id:kevt_1");
    expect(searchTerm("merchant", 'a "b"')).toBe('merchant:"a \\"b\\""');
  });

  it("words the gap between deliveries", () => {
    expect(gapWords(5_000)).toBe("+5 s");
    expect(gapWords(30 * 60_000)).toBe("+30 min");
    expect(gapWords(2 * 3_600_000 + 5 * 60_000)).toBe("+2 h 5 min");
    expect(gapWords(26 * 3_600_000)).toBe("+1 d 2 h");
  });
});

describe("bodyModel", () => {
  const model = (bodyText: string | null, contentType: string | null, size?: number, bodyBase64: string | null = null) =>
    bodyModel({
      summary: ev(1, { contentType, size: size ?? (bodyText ?? "").length }),
      url: "http://127.0.0.1:9494/hook/1",
      target: "/",
      httpVersion: "HTTP/1.1",
      trailers: [],
      headers: [],
      bodyText,
      bodyBase64,
      refs: [],
      deliveries: [],
      source: null,
      via: null,
      answer: null,
    });

  it("defaults to Pretty for JSON, Raw for text, Form for forms, Hex for binary", () => {
    expect(model('{"a":1}', "application/json")).toMatchObject({ tabs: ["pretty", "raw", "hex"], defaultTab: "pretty" });
    expect(model('{"a":1}', null)).toMatchObject({ defaultTab: "pretty" });
    expect(model("hello", "text/plain")).toMatchObject({ tabs: ["raw", "hex"], defaultTab: "raw" });
    expect(model("{not json", "text/plain")).toMatchObject({ tabs: ["raw", "hex"], defaultTab: "raw" });
    expect(model("a=1", "application/x-www-form-urlencoded")).toMatchObject({
      tabs: ["raw", "hex", "form"],
      defaultTab: "form",
    });
    expect(model(null, "image/png", 3, "AAEC")).toMatchObject({ kind: "binary", tabs: ["hex"], defaultTab: "hex" });
    expect(model("", null, 0)).toMatchObject({ kind: "empty", tabs: [] });
  });

  it("opens a too-deep body on Pretty, as the raw-text fallback, whatever its content type says", () => {
    const deep = "[".repeat(10_000) + "]".repeat(10_000);
    for (const contentType of ["application/json", "text/plain", null]) {
      const m = model(deep, contentType);
      expect(m.tabs).toEqual(["pretty", "raw", "hex"]);
      expect(m.defaultTab).toBe("pretty");
      expect(m.pretty).toMatchObject({ state: "done", result: { ok: false, reason: "too_deep" } });
    }
  });

  it("formats a body over the limit only on demand", () => {
    const big = `{"a":"${"x".repeat(PRETTY_AUTO_LIMIT)}"}`;
    const m = model(big, "application/json", big.length);
    expect(m.pretty).toEqual({ state: "deferred" });
    expect(m.tabs).toContain("pretty");
    expect(m.defaultTab).toBe("raw");
  });
});
