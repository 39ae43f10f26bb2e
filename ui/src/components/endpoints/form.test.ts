import { describe, expect, it } from "vitest";
import type { PresetInfo } from "../../ipc";
import { endpoint, deliveryRule } from "../../test-fixtures";
import { formFrom, forwardExample, forwardsFrom, prefixFor, schemeInputs, specFrom, targetRow } from "./form";
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
        forwards: [],
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

  it("builds the forward targets, or says what is wrong with each URL", () => {
    const row = (url: string, over: Partial<ReturnType<typeof targetRow>> = {}) => ({ ...targetRow(), url, ...over });
    expect(forwardsFrom([])).toEqual({ forwards: [] });
    expect(
      forwardsFrom([
        row(" http://localhost:3000/webhooks ", { mode: "relay" }),
        row("https://example.com/hook", { condition: "  type:dispute.* ", exactUrl: true }),
      ]),
    ).toEqual({
      forwards: [
        { url: "http://localhost:3000/webhooks", mode: "relay", condition: "", exactUrl: false },
        { url: "https://example.com/hook", mode: "respond", condition: "type:dispute.*", exactUrl: true },
      ],
    });
    const problems = (url: string) => {
      const r = row(url);
      const built = forwardsFrom([r]);
      return "targets" in built ? built.targets[r.key] : null;
    };
    expect(problems("   ")).toBe("Give the handler's URL, e.g. http://localhost:3000/webhooks, or remove this target.");
    expect(problems("localhost:3000/hooks")).toBe("Start with http:// or https://, e.g. http://localhost:3000/hooks");
    expect(problems("not a url")).toBe("“not a url” is not a URL; it looks like http://localhost:3000/webhooks.");
    expect(problems("mailto:someone")).toEqual(expect.stringContaining("is not a URL"));
    expect(problems("ftp://example.com/")).toBe("Forward to an http:// or https:// URL.");

    const form = formFrom(endpoint(4, "G", "/g"), presets);
    const bad = row("ftp://x");
    expect(specFrom({ ...form, forwards: [row("http://ok"), bad] }, false)).toEqual({
      errors: { targets: { [bad.key]: "Forward to an http:// or https:// URL." } },
    });
    const start = formFrom(
      endpoint(4, "G", "/g", { forwards: [{ url: "http://h/", mode: "relay", condition: "dup:yes", exactUrl: true }] }),
      presets,
    );
    expect(start.forwards).toEqual([{ key: expect.any(Number), url: "http://h/", mode: "relay", condition: "dup:yes", exactUrl: true }]);
  });

  it("refuses two relaying targets, naming them", () => {
    const form = formFrom(endpoint(4, "G", "/g"), presets);
    const rows = [
      { ...targetRow(), url: "http://a", mode: "relay" as const },
      { ...targetRow(), url: "http://b" },
      { ...targetRow(), url: "http://c", mode: "relay" as const },
    ];
    expect(specFrom({ ...form, forwards: rows }, false)).toEqual({
      errors: { forward: "Only one target can answer the sender: targets 1 and 3 are both set to relay." },
    });
  });

  it("shows where a request goes as the core composes it", () => {
    expect(forwardExample("http://localhost:3000/webhooks", "/kustom")).toEqual({
      request: "/kustom/orders?x=1",
      sent: "http://localhost:3000/webhooks/orders?x=1",
    });
    expect(forwardExample("http://localhost:3000/webhooks/?token=t", "/kustom")).toEqual({
      request: "/kustom/orders?x=1",
      sent: "http://localhost:3000/webhooks/orders?token=t&x=1",
    });
    expect(forwardExample("http://h:1", "/")).toEqual({ request: "/orders?x=1", sent: "http://h:1/orders?x=1" });
    expect(forwardExample("localhost:3000", "/kustom")).toBeNull();
  });
});
