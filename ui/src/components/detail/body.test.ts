import { describe, expect, it } from "vitest";
import { ev } from "../../test-fixtures";
import {
  decodeParams,
  gapWords,
  hexRow,
  isFormType,
  isJsonType,
  lineEndingHints,
  PRETTY_AUTO_LIMIT,
  prettyJson,
  queryOf,
  reindentJson,
  searchTerm,
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
      headers: [],
      bodyText,
      bodyBase64,
      refs: [],
      deliveries: [],
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

  it("formats a body over the limit only on demand", () => {
    const big = `{"a":"${"x".repeat(PRETTY_AUTO_LIMIT)}"}`;
    const m = model(big, "application/json", big.length);
    expect(m.pretty).toEqual({ state: "deferred" });
    expect(m.tabs).toContain("pretty");
    expect(m.defaultTab).toBe("raw");
  });
});
