// The endpoint editor's form: what the inputs hold (strings, as typed) and
// the EndpointSpec built from them, or why it cannot be built.
import { MAX_FORWARD_TARGETS } from "../../ipc";
import type { Endpoint, EndpointSpec, ForwardMode, ForwardTarget, HeaderPair, PresetInfo, ResponseRule, Scheme } from "../../ipc";
import {
  DEFAULT_TOLERANCE_S,
  editedAsJson,
  hasTolerance,
  isSchemeKind,
  parseScheme,
  startingScheme,
  type SchemeKind,
} from "./scheme";

export type HeaderRow = { key: number; name: string; value: string };

/** One forward target as its inputs hold it. */
export type TargetRow = { key: number; url: string; mode: ForwardMode; condition: string; exactUrl: boolean };

export type EndpointForm = {
  name: string;
  pathPrefix: string;
  /** "" = detect the provider from each request's headers. */
  preset: string;
  /** "" = the preset's scheme. */
  schemeKind: SchemeKind | "";
  tolerance: string;
  header: string;
  schemeJson: string;
  status: string;
  delayMs: string;
  body: string;
  headers: HeaderRow[];
  /** Empty: no forwarding. */
  forwards: TargetRow[];
  /** The response rules, kept as they are when the rest is edited. */
  rules: ResponseRule[];
};

/** `forward` is the targets list as a whole (two relaying, too many). */
export type Field = "name" | "pathPrefix" | "scheme" | "status" | "delayMs" | "headers" | "forward";
/** Each target's URL problem, by its row's key. */
export type TargetErrors = Readonly<Record<number, string>>;
export type FieldErrors = { [K in Field]?: string | undefined } & { targets?: TargetErrors };

/** Whether any field or target has a problem. */
export function hasErrors(errors: FieldErrors): boolean {
  const { targets, ...fields } = errors;
  return Object.values(fields).some(Boolean) || Object.values(targets ?? {}).some(Boolean);
}

/** The core's maximum response delay. */
export const MAX_DELAY_MS = 60_000;

let rowKey = 0;
export const headerRow = (name = "", value = ""): HeaderRow => ({ key: ++rowKey, name, value });
export const targetRow = (target?: ForwardTarget): TargetRow => ({
  key: ++rowKey,
  url: target?.url ?? "",
  mode: target?.mode ?? "respond",
  condition: target?.condition ?? "",
  exactUrl: target?.exactUrl ?? false,
});

/** The scheme inputs for `kind`, filled from the scheme it starts from. */
export function schemeInputs(
  kind: SchemeKind | "",
  own: Scheme | null,
  preset: PresetInfo | undefined,
): Pick<EndpointForm, "tolerance" | "header" | "schemeJson"> {
  if (kind === "") return { tolerance: String(DEFAULT_TOLERANCE_S), header: "", schemeJson: "" };
  const start = startingScheme(kind, own, preset);
  return {
    tolerance: String("toleranceS" in start && start.toleranceS !== null ? start.toleranceS : DEFAULT_TOLERANCE_S),
    header: start.kind === "shared-secret" ? start.header : "",
    schemeJson: editedAsJson(kind) ? JSON.stringify(start, null, 2) : "",
  };
}

export function formFrom(endpoint: Endpoint | null, presets: readonly PresetInfo[]): EndpointForm {
  const preset = presets.find((p) => p.id === endpoint?.preset);
  const kind = endpoint?.scheme?.kind ?? "";
  return {
    name: endpoint?.name ?? "",
    pathPrefix: endpoint?.pathPrefix ?? "",
    preset: endpoint?.preset ?? "",
    schemeKind: kind,
    ...schemeInputs(kind, endpoint?.scheme ?? null, preset),
    status: String(endpoint?.response.status ?? 200),
    delayMs: String(endpoint?.response.delayMs ?? 0),
    body: endpoint?.response.body ?? "",
    headers: (endpoint?.response.headers ?? []).map((h) => headerRow(h.name, h.value)),
    forwards: (endpoint?.forwards ?? []).map((t) => targetRow(t)),
    rules: endpoint?.rules ?? [],
  };
}

/**
 * Why `text` (trimmed, not empty) is not an http(s) URL with a host, or null.
 * `to` starts the sentence that asks for http(s): "Forward to", "Send to".
 */
export function httpUrlProblem(text: string, to: string): string | null {
  const url = text.trim();
  const notUrl = `“${url}” is not a URL; it looks like http://localhost:3000/webhooks.`;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    // localhost:3000/hooks parses as a URL of scheme "localhost:": say what is missing.
    return /^[\w.-]+(:\d+)?(\/\S*)?$/.test(url) ? `Start with http:// or https://, e.g. http://${url}` : notUrl;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return notUrl;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return `${to} an http:// or https:// URL.`;
  if (parsed.hostname === "") return "The URL names no host.";
  return null;
}

/** Why a target's URL cannot be forwarded to, or null. */
export function targetUrlProblem(url: string): string | null {
  if (url.trim() === "") return "Give the handler's URL, e.g. http://localhost:3000/webhooks, or remove this target.";
  return httpUrlProblem(url, "Forward to");
}

/**
 * The targets to save, or what is wrong: each target's URL by row key, and
 * the list's own problem (more than one relaying, too many). Conditions are
 * the core's to check (`checkCondition`).
 */
export function forwardsFrom(
  rows: readonly TargetRow[],
): { forwards: ForwardTarget[] } | { targets: TargetErrors; list: string | undefined } {
  const targets: Record<number, string> = {};
  for (const row of rows) {
    const problem = targetUrlProblem(row.url);
    if (problem) targets[row.key] = problem;
  }
  const list = forwardListProblem(rows);
  if (Object.keys(targets).length > 0 || list) return { targets, list };
  return {
    forwards: rows.map((row) => ({
      url: row.url.trim(),
      mode: row.mode,
      condition: row.condition.trim(),
      exactUrl: row.exactUrl,
    })),
  };
}

/** Why the list as a whole cannot be saved: more than one relaying target, or too many. */
export function forwardListProblem(rows: readonly TargetRow[]): string | undefined {
  if (rows.length > MAX_FORWARD_TARGETS) return `An endpoint forwards to at most ${MAX_FORWARD_TARGETS} targets.`;
  const relaying = rows.flatMap((row, i) => (row.mode === "relay" ? [i + 1] : []));
  if (relaying.length > 1) {
    const [a, b] = relaying;
    return `Only one target can answer the sender: targets ${a} and ${b} are both set to relay.`;
  }
  return undefined;
}

/**
 * Where a request below the endpoint's prefix goes, as the core composes
 * it: the path below the prefix and the query string added to the URL
 * (the default endpoint keeps the whole path). Null when the URL is not
 * usable yet.
 */
export function forwardExample(url: string, prefix: string): { request: string; sent: string } | null {
  if (httpUrlProblem(url, "Forward to") !== null) return null;
  let base: URL;
  try {
    base = new URL(url.trim());
  } catch {
    return null;
  }
  const request = `${prefix === "/" ? "" : prefix}/orders?x=1`;
  const path = `${base.pathname.replace(/\/+$/, "")}/orders`;
  const query = base.search.length > 1 ? `${base.search}&x=1` : "?x=1";
  return { request, sent: `${base.protocol}//${base.host}${path}${query}` };
}

/** `/kustom` for "Kustom", `/kulmi-pay` for "Kulmi Pay". */
export function prefixFor(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug ? `/${slug}` : "";
}

/** An HTTP header name (RFC 9110 token). */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function wholeNumber(text: string): number | null {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

function checkPrefix(prefix: string): string | null {
  const p = prefix.trim();
  if (!p) return "Give the path the provider sends to, e.g. /kustom.";
  if (!p.startsWith("/")) return "The path prefix must start with /, e.g. /kustom.";
  if (/[\s?#]/.test(p)) return "A path prefix has no spaces, ? or #.";
  if (p.replace(/\/+$/, "") === "") return "/ belongs to the default endpoint; choose e.g. /kustom.";
  return null;
}

function buildScheme(form: EndpointForm): { scheme: Scheme | null } | { error: string } {
  const kind = form.schemeKind;
  if (kind === "") return { scheme: null };
  if (!isSchemeKind(kind)) return { error: `Unknown scheme ${kind}.` };
  if (editedAsJson(kind)) {
    const parsed = parseScheme(form.schemeJson, kind);
    return parsed.ok ? { scheme: parsed.scheme } : { error: parsed.error };
  }
  if (hasTolerance(kind)) {
    const tolerance = wholeNumber(form.tolerance);
    if (tolerance === null) return { error: "The tolerance is a whole number of seconds, e.g. 300." };
    return { scheme: { kind, toleranceS: tolerance } };
  }
  if (kind === "shared-secret") {
    const header = form.header.trim();
    if (!header || !TOKEN.test(header)) return { error: "Name the header that carries the secret, e.g. X-Challenge." };
    return { scheme: { kind, header } };
  }
  return { scheme: { kind } };
}

/** The spec to save, or what is wrong with each field. */
export function specFrom(form: EndpointForm, isDefault: boolean): { spec: EndpointSpec } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!form.name.trim()) errors.name = "Give the endpoint a name.";
  if (!isDefault) {
    const bad = checkPrefix(form.pathPrefix);
    if (bad) errors.pathPrefix = bad;
  }
  const scheme = buildScheme(form);
  if ("error" in scheme) errors.scheme = scheme.error;
  const status = wholeNumber(form.status);
  if (status === null || status < 100 || status > 999) errors.status = "An HTTP status from 100 to 999, e.g. 200.";
  const delayMs = wholeNumber(form.delayMs);
  if (delayMs === null || delayMs > MAX_DELAY_MS) errors.delayMs = `A delay from 0 to ${MAX_DELAY_MS.toLocaleString()} ms.`;
  const headers: HeaderPair[] = [];
  for (const row of form.headers) {
    const name = row.name.trim();
    if (!name && !row.value) continue;
    if (!name || !TOKEN.test(name)) {
      errors.headers = `“${row.name}” is not a header name: letters, digits and - only, no spaces or colons.`;
      break;
    }
    if (/[\r\n]/.test(row.value)) {
      errors.headers = `The value of ${name} cannot contain a line break.`;
      break;
    }
    headers.push({ name, value: row.value });
  }
  const forwards = forwardsFrom(form.forwards);
  if ("targets" in forwards) {
    if (forwards.list) errors.forward = forwards.list;
    if (Object.keys(forwards.targets).length > 0) errors.targets = forwards.targets;
  }
  if (hasErrors(errors) || "error" in scheme || "targets" in forwards || status === null || delayMs === null) return { errors };
  return {
    spec: {
      name: form.name.trim(),
      pathPrefix: isDefault ? "/" : form.pathPrefix.trim(),
      preset: form.preset === "" ? null : form.preset,
      response: { status, headers, body: form.body, delayMs },
      scheme: scheme.scheme,
      forwards: forwards.forwards,
      rules: form.rules,
    },
  };
}
