import { describe, expect, it } from "vitest";
import type { PresetInfo } from "../../ipc";
import { endpoint, deliveryRule } from "../../test-fixtures";
import { formFrom, forwardFrom, prefixFor, schemeInputs, specFrom } from "./form";
import { defaultScheme, parseScheme, sameScheme, SCHEME_KINDS } from "./scheme";

const presets: PresetInfo[] = [
  { id: "usaepay", name: "USAePay", scheme: { kind: "combined", schemes: [{ kind: "basic-auth" }] }, assumed: true, delivery: deliveryRule() },
];

describe("endpoint form", () => {
  it("round-trips an endpoint into the same spec, its response rules kept", () => {
    const ep = endpoint(4, "Gateway", "/usaepay", {
      preset: "usaepay",
      scheme: { kind: "slack", toleranceS: 120 },
      response: { status: 500, headers: [{ name: "Retry-After", value: "5" }], body: "no", delayMs: 250 },
      rules: [
        {
          name: "flaky",
          enabled: true,
          condition: "type:refund.*",
          answers: [{ status: 503, headers: [], body: "", delayMs: 0, close: false }],
          sequence: "event-id",
          chance: null,
        },
      ],
    });
    expect(specFrom(formFrom(ep, presets), false)).toEqual({
      spec: {
        name: "Gateway",
        pathPrefix: "/usaepay",
        preset: "usaepay",
        response: ep.response,
        scheme: { kind: "slack", toleranceS: 120 },
        forward: null,
        rules: ep.rules,
      },
    });
  });

  it("skips blank header rows and refuses bad header names", () => {
    const form = { ...formFrom(endpoint(4, "G", "/g"), presets) };
    expect(specFrom({ ...form, headers: [{ key: 1, name: "", value: "" }] }, false)).toMatchObject({
      spec: { response: { headers: [] } },
    });
    expect(specFrom({ ...form, headers: [{ key: 1, name: "Bad Name", value: "x" }] }, false)).toEqual({
      errors: { headers: expect.stringContaining("not a header name") },
    });
  });

  it("sends / for the default endpoint whatever the field holds", () => {
    const form = formFrom(endpoint(1, "Default", "/"), presets);
    expect(specFrom({ ...form, pathPrefix: "" }, true)).toMatchObject({ spec: { pathPrefix: "/" } });
    expect(specFrom({ ...form, pathPrefix: "/" }, false)).toEqual({
      errors: { pathPrefix: expect.stringContaining("default endpoint") },
    });
  });

  it("starts a JSON-edited kind from the preset's scheme of that kind", () => {
    const inputs = schemeInputs("combined", null, presets[0]);
    expect(JSON.parse(inputs.schemeJson)).toEqual({ kind: "combined", schemes: [{ kind: "basic-auth" }] });
  });

  it("derives a prefix from a name", () => {
    expect(prefixFor("Kulmi Pay")).toBe("/kulmi-pay");
    expect(prefixFor("  Café Österreich! ")).toBe("/cafe-osterreich");
    expect(prefixFor("!!!")).toBe("");
  });
});

describe("schemes", () => {
  it("accepts every default scheme back", () => {
    for (const kind of SCHEME_KINDS) {
      expect(parseScheme(JSON.stringify(defaultScheme(kind)), kind)).toEqual({ ok: true, scheme: defaultScheme(kind) });
    }
  });

  it("checks nested schemes and names the place of the problem", () => {
    const text = JSON.stringify({ kind: "combined", schemes: [{ kind: "hmac", header: "X", algorithm: "sha256", template: [{ part: "nope" }] }] });
    expect(parseScheme(text, "combined")).toEqual({
      ok: false,
      error: 'schemes[0]: template[0]: "part" must be one of "body", "timestamp", "id", "url", "method", "literal"',
    });
  });

  it("refuses a kind other than the one chosen", () => {
    expect(parseScheme('{"kind":"github"}', "hmac")).toEqual({
      ok: false,
      error: '"kind" is "github" but the scheme chosen is "hmac"',
    });
  });

  it("compares schemes whatever the key order", () => {
    expect(sameScheme({ kind: "stripe", toleranceS: 300 }, JSON.parse('{"toleranceS":300,"kind":"stripe"}'))).toBe(true);
    expect(sameScheme({ kind: "stripe", toleranceS: 300 }, { kind: "stripe", toleranceS: 301 })).toBe(false);
    expect(sameScheme(null, null)).toBe(true);
    expect(sameScheme(null, { kind: "github" })).toBe(false);
  });

  it("builds the forwarding target, or says what is wrong with its URL", () => {
    const at = (forwardUrl: string, forwardMode: "respond" | "relay" = "respond") => forwardFrom({ forwardUrl, forwardMode });
    expect(at("")).toEqual({ forward: null });
    expect(at("   ")).toEqual({ forward: null });
    expect(at(" http://localhost:3000/webhooks ", "relay")).toEqual({
      forward: { url: "http://localhost:3000/webhooks", mode: "relay" },
    });
    expect(at("https://example.com/hook")).toEqual({ forward: { url: "https://example.com/hook", mode: "respond" } });
    expect(at("localhost:3000/hooks")).toEqual({ error: "Start with http:// or https://, e.g. http://localhost:3000/hooks" });
    expect(at("not a url")).toEqual({ error: "“not a url” is not a URL; it looks like http://localhost:3000/webhooks." });
    expect(at("mailto:someone")).toEqual({ error: expect.stringContaining("is not a URL") });
    expect(at("ftp://example.com/")).toEqual({ error: "Forward to an http:// or https:// URL." });
    const form = formFrom(endpoint(4, "G", "/g"), presets);
    expect(specFrom({ ...form, forwardUrl: "ftp://x" }, false)).toEqual({
      errors: { forward: "Forward to an http:// or https:// URL." },
    });
    expect(formFrom(endpoint(4, "G", "/g", { forward: { url: "http://h/", mode: "relay" } }), presets)).toMatchObject({
      forwardUrl: "http://h/",
      forwardMode: "relay",
    });
  });
});
