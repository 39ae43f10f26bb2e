import { describe, expect, it } from "vitest";
import type { Delivery, DeliveryRun, PresetInfo, SampleInfo } from "../../ipc";
import { endpoint, deliveryRule } from "../../test-fixtures";
import {
  defaultEndpoint,
  listenerTarget,
  outcomeOf,
  providersWithSamples,
  samplesFor,
  signingWords,
  urlProblem,
} from "./testEvent";

const presets: PresetInfo[] = [
  { id: "kustom", name: "Kustom", scheme: { kind: "standard-webhooks", toleranceS: 300 }, assumed: true, delivery: deliveryRule() },
  { id: "github", name: "GitHub", scheme: { kind: "github" }, assumed: false, delivery: deliveryRule() },
  { id: "kulmipay", name: "Kulmi Pay", scheme: { kind: "shared-secret", header: "X-Challenge" }, assumed: false, delivery: deliveryRule() },
  { id: "generic", name: "Generic", scheme: null, assumed: false, delivery: deliveryRule() },
];

const samples: SampleInfo[] = [
  { preset: "github", eventType: "push", description: "Commits were pushed to a branch" },
  { preset: "kustom", eventType: "order.created", description: "A new order has been created" },
  { preset: "kustom", eventType: "refund.created", description: "A refund has been issued on an order" },
  { preset: "mystery", eventType: "x", description: "Not a listed preset" },
];

const secret = (label: string, createdAtMs: number) => ({ label, masked: "whsec_…abcd", createdAtMs });

const fallback = endpoint(1, "Default", "/", { isDefault: true });
const kustom = endpoint(2, "Kustom", "/kustom", { preset: "kustom", secrets: [secret("old", 1), secret("current", 2)] });
const kustom2 = endpoint(3, "Kustom B", "/kustom-b", { preset: "kustom" });
const github = endpoint(4, "GitHub", "/github", { preset: "github" });

describe("test events", () => {
  it("offers the presets that have samples, in the presets' order, by name", () => {
    expect(providersWithSamples(samples, presets)).toEqual([
      { id: "kustom", name: "Kustom" },
      { id: "github", name: "GitHub" },
      { id: "mystery", name: "mystery" },
    ]);
    expect(samplesFor(samples, "kustom").map((s) => s.eventType)).toEqual(["order.created", "refund.created"]);
  });

  it("signs by default with the first endpoint of the chosen provider, else the default endpoint", () => {
    const all = [fallback, kustom, kustom2, github];
    expect(defaultEndpoint(all, "kustom")).toBe(kustom);
    expect(defaultEndpoint(all, "github")).toBe(github);
    expect(defaultEndpoint(all, "kulmipay")).toBe(fallback);
    expect(defaultEndpoint([kustom2, github], "kulmipay")).toBe(kustom2);
    expect(defaultEndpoint([], "kustom")).toBeNull();
  });

  it("describes the signing: newest secret, scheme, assumed construction", () => {
    expect(signingWords(kustom, "kustom", presets)).toEqual({
      signed: true,
      warn: false,
      text: "Signed with “current” (Standard Webhooks, assumed construction)",
    });
    // The endpoint's own scheme wins over the provider's, and is not assumed.
    const own = { ...kustom, scheme: { kind: "stripe" as const, toleranceS: 300 } };
    expect(signingWords(own, "kustom", presets).text).toBe("Signed with “current” (Stripe)");
    // The chosen provider's scheme, not the endpoint's preset's.
    expect(signingWords(kustom, "kulmipay", presets).text).toBe("Signed with “current” (Shared secret (X-Challenge))");
    expect(signingWords(kustom2, "kustom", presets)).toEqual({
      signed: false,
      warn: true,
      text: "Unsigned: this endpoint has no secret — add one in its settings",
    });
    expect(signingWords(null, "kustom", presets).text).toBe("Unsigned: no endpoint chosen to sign with");
    const unknown = signingWords(kustom, "generic", presets);
    expect(unknown).toMatchObject({ signed: true, warn: true });
    expect(unknown.text).toContain("choose one in the endpoint's settings");
  });

  it("resolves Hooklens's own URL as the listener plus the endpoint's path prefix", () => {
    expect(listenerTarget("http://127.0.0.1:9494", kustom)).toBe("http://127.0.0.1:9494/kustom");
    expect(listenerTarget("http://127.0.0.1:9494/", kustom)).toBe("http://127.0.0.1:9494/kustom");
    expect(listenerTarget("http://127.0.0.1:9494", fallback)).toBe("http://127.0.0.1:9494");
    expect(listenerTarget("http://127.0.0.1:9494", null)).toBe("http://127.0.0.1:9494");
    expect(listenerTarget(null, kustom)).toBeNull();
  });

  it("accepts only http and https URLs with a host", () => {
    expect(urlProblem("http://localhost:3000/webhooks")).toBeNull();
    expect(urlProblem("  https://example.com/hook ")).toBeNull();
    expect(urlProblem("")).toMatch(/Give the URL/);
    expect(urlProblem("localhost:3000")).not.toBeNull();
    expect(urlProblem("not a url")).toMatch(/is not a URL/);
    expect(urlProblem("ftp://example.com/")).toBe("Send to an http:// or https:// URL.");
  });

  it("reads a run's attempt: response, binary body, transport error", () => {
    const attempt: Delivery = {
      id: 1,
      runId: 1,
      eventId: null,
      kind: "test",
      attempt: 1,
      sentAtMs: 0,
      method: "POST",
      url: "http://127.0.0.1:9494/kustom",
      headers: [],
      bodyText: "{}",
      bodyBase64: null,
      signing: "re-signed",
      response: { status: 200, reason: "OK", headers: [], bodyText: "ok", bodyBase64: null, bodyTruncated: false, redirectTo: null },
      error: null,
      delivered: true,
      failure: null,
      durationMs: 12,
    };
    const run = (a: Delivery[]): DeliveryRun => ({
      id: 1,
      eventId: null,
      kind: "test",
      target: "http://127.0.0.1:9494/kustom",
      pattern: "once",
      rule: null,
      startedAtMs: 0,
      finishedAtMs: 1,
      outcome: "answered 200",
      attempts: a,
    });
    expect(outcomeOf(run([attempt]))).toMatchObject({ kind: "response", status: 200, reason: "OK", bodyText: "ok", binaryBytes: null, durationMs: 12 });
    const binary = { ...attempt, response: { ...attempt.response!, bodyText: null, bodyBase64: "AAEC" } };
    expect(outcomeOf(run([binary]))).toMatchObject({ bodyText: null, binaryBytes: 3 });
    const failed = { ...attempt, response: null, error: { kind: "connection_refused" as const, message: "nothing is listening" } };
    expect(outcomeOf(run([failed]))).toMatchObject({ kind: "error", message: "nothing is listening" });
    expect(outcomeOf(run([]))).toMatchObject({ kind: "error", message: "answered 200" });
  });
});
