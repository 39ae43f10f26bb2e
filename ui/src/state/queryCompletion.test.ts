import { describe, expect, it } from "vitest";
import type { QueryField } from "../ipc";
import { applyCompletion, completionsAt, quoteValue, wordAt } from "./queryCompletion";

const fields: QueryField[] = [
  { name: "type", description: "Event type", example: "type:order.created", values: ["order.created", "order.updated", "refund.created"] },
  { name: "provider", description: "Provider preset", example: "provider:kustom", values: ["kustom", "github"] },
  { name: "path", description: "Request path", example: "path:/orders", values: [] },
  { name: "endpoint", description: "Endpoint name", example: 'endpoint:"Kustom live"', values: ["Kustom live", "Default"] },
  { name: "header.", description: "A header's value", example: "header.x-request-id:abc", values: [] },
  { name: "json.", description: "A JSON body field", example: "json.data.id:42", values: [] },
];

const labels = (text: string, caret = text.length) => completionsAt(text, caret, fields).map((c) => c.label);

describe("query completion", () => {
  it("suggests field names as they are typed, with their descriptions", () => {
    const found = completionsAt("p", 1, fields);
    expect(found.map((c) => c.label)).toEqual(["provider:", "path:"]);
    expect(found[0]?.detail).toBe("Provider preset");
    expect(labels("zebra t")).toEqual(["type:"]);
    expect(labels("")).toEqual([]);
    expect(completionsAt("", 0, fields, true)).toHaveLength(fields.length);
  });

  it("completes header. and json. to their prefix only", () => {
    expect(labels("he")).toEqual(["header."]);
    expect(labels("header.x-sig")).toEqual([]);
    expect(labels("json.data.id:")).toEqual([]);
  });

  it("after field: suggests that field's known values by prefix", () => {
    expect(labels("type:")).toEqual(["order.created", "order.updated", "refund.created"]);
    expect(labels("type:order.c")).toEqual(["order.created"]);
    expect(labels("TYPE:Ref")).toEqual(["refund.created"]);
    expect(labels("path:")).toEqual([]);
    expect(labels("-provider:g")).toEqual(["github"]);
  });

  it("does not offer what is already typed", () => {
    expect(labels("type:order.created")).toEqual([]);
  });

  it("completes the word at the caret, not the end of the text", () => {
    const text = "typ zebra";
    expect(labels(text, 3)).toEqual(["type:"]);
    const [c] = completionsAt(text, 3, fields);
    expect(applyCompletion(text, c!)).toEqual({ text: "type: zebra", caret: 5 });
  });

  it("applies a field, then a value followed by a space", () => {
    const [field] = completionsAt("-ty", 3, fields);
    expect(applyCompletion("-ty", field!)).toEqual({ text: "-type:", caret: 6 });
    const [value] = completionsAt("-type:ord", 9, fields);
    expect(applyCompletion("-type:ord", value!)).toEqual({ text: "-type:order.created ", caret: 20 });
  });

  it("quotes values with spaces, also inside a started quote", () => {
    expect(quoteValue("Kustom live")).toBe('"Kustom live"');
    expect(quoteValue("kustom")).toBe("kustom");
    const text = 'endpoint:"Kus';
    const [c] = completionsAt(text, text.length, fields);
    expect(c?.label).toBe("Kustom live");
    expect(applyCompletion(text, c!).text).toBe('endpoint:"Kustom live" ');
  });

  it("finds the word around a quoted phrase", () => {
    expect(wordAt('a endpoint:"Kustom li', 21)).toEqual({ start: 2, end: 21 });
    expect(wordAt("ab cd", 4)).toEqual({ start: 3, end: 5 });
  });
});
