// The test-event dialog's decisions, kept apart from React so they are tested
// on their own: which providers and types to offer, which endpoint signs by
// default, how the signing is described, and where the event goes.
import type { DeliveryRun, Endpoint, PresetInfo, SampleInfo } from "../../ipc";
import { httpUrlProblem } from "../endpoints/form";
import { describeScheme } from "../endpoints/scheme";

export type Provider = { id: string; name: string };

/** Presets that have samples, in the presets' order (then any the presets do not list), with display names. */
export function providersWithSamples(samples: readonly SampleInfo[], presets: readonly PresetInfo[]): Provider[] {
  const ids = [...new Set(samples.map((s) => s.preset))];
  const rank = (id: string) => {
    const i = presets.findIndex((p) => p.id === id);
    return i === -1 ? presets.length : i;
  };
  return ids
    .map((id, order) => ({ id, order }))
    .sort((a, b) => rank(a.id) - rank(b.id) || a.order - b.order)
    .map(({ id }) => ({ id, name: presets.find((p) => p.id === id)?.name ?? id }));
}

/** The sample event types of one preset, in the core's order. */
export function samplesFor(samples: readonly SampleInfo[], preset: string): SampleInfo[] {
  return samples.filter((s) => s.preset === preset);
}

/**
 * The endpoint that signs by default: the first one bound to `preset`, else
 * the default endpoint, else the first; null when there are none.
 */
export function defaultEndpoint(endpoints: readonly Endpoint[], preset: string): Endpoint | null {
  return endpoints.find((e) => e.preset === preset) ?? endpoints.find((e) => e.isDefault) ?? endpoints[0] ?? null;
}

export type SigningWords = {
  /** The core will sign it (given a scheme it can use). */
  signed: boolean;
  /** Worth a warning colour: unsigned, or signed with no known scheme. */
  warn: boolean;
  text: string;
};

/**
 * How the core will sign a test event of `preset` with `endpoint`: its
 * newest secret, under the endpoint's own scheme, else the chosen provider's.
 */
export function signingWords(endpoint: Endpoint | null, preset: string, presets: readonly PresetInfo[]): SigningWords {
  if (!endpoint) return { signed: false, warn: true, text: "Unsigned: no endpoint chosen to sign with" };
  // The core lists secrets oldest first and signs with the newest.
  const newest = endpoint.secrets[endpoint.secrets.length - 1];
  if (!newest) return { signed: false, warn: true, text: "Unsigned: this endpoint has no secret — add one in its settings" };
  const provider = presets.find((p) => p.id === preset);
  if (endpoint.scheme) {
    return { signed: true, warn: false, text: `Signed with “${newest.label}” (${describeScheme(endpoint.scheme)})` };
  }
  if (provider?.scheme) {
    const assumed = provider.assumed ? ", assumed construction" : "";
    return { signed: true, warn: false, text: `Signed with “${newest.label}” (${describeScheme(provider.scheme)}${assumed})` };
  }
  return {
    signed: true,
    warn: true,
    text: `Signed with “${newest.label}” only if the sample's headers suggest a scheme: neither this endpoint nor ${provider?.name ?? preset} names one — choose one in the endpoint's settings`,
  };
}

/**
 * Where the core sends a test event addressed to Hooklens itself: the
 * listener's URL plus the endpoint's path prefix (nothing for the default
 * endpoint's `/`); null when the listener's URL is not known.
 */
export function listenerTarget(listenUrl: string | null, endpoint: Endpoint | null): string | null {
  if (!listenUrl) return null;
  const base = listenUrl.replace(/\/+$/, "");
  const prefix = endpoint && endpoint.pathPrefix !== "/" ? endpoint.pathPrefix : "";
  return `${base}${prefix}`;
}

/** Why `text` cannot be sent to, or null when it can: an http(s) URL with a host. */
export function urlProblem(text: string): string | null {
  if (text.trim() === "") return "Give the URL to send to, e.g. http://localhost:3000/webhooks.";
  return httpUrlProblem(text, "Send to");
}

/** What one finished test send came to, for the result panel. */
export type Outcome =
  | {
      kind: "response";
      status: number;
      /** The status's standard reason phrase, as the core gives it. */
      reason: string | null;
      durationMs: number;
      url: string;
      signing: string;
      /** The body as text; null when it is not text (see `binaryBytes`). */
      bodyText: string | null;
      /** The size of a body that is not text; null when it is text. */
      binaryBytes: number | null;
      truncated: boolean;
      redirectTo: string | null;
    }
  | { kind: "error"; message: string; durationMs: number | null; url: string | null; signing: string | null };

/** Bytes in a standard base64 string. */
function base64Bytes(b64: string): number {
  const clean = b64.replace(/\s+/g, "");
  const padding = clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - padding);
}

/** The run's (only) attempt, as the result panel shows it. */
export function outcomeOf(run: DeliveryRun): Outcome {
  const attempt = run.attempts[run.attempts.length - 1];
  if (!attempt) return { kind: "error", message: run.outcome ?? "Nothing was sent.", durationMs: null, url: run.target, signing: null };
  const { response, error } = attempt;
  if (response) {
    return {
      kind: "response",
      status: response.status,
      reason: response.reason,
      durationMs: attempt.durationMs,
      url: attempt.url,
      signing: attempt.signing,
      bodyText: response.bodyText ?? (response.bodyBase64 === null ? "" : null),
      binaryBytes: response.bodyBase64 === null ? null : base64Bytes(response.bodyBase64),
      truncated: response.bodyTruncated,
      redirectTo: response.redirectTo,
    };
  }
  return {
    kind: "error",
    message: error?.message ?? run.outcome ?? "No answer.",
    durationMs: attempt.durationMs,
    url: attempt.url,
    signing: attempt.signing,
  };
}
