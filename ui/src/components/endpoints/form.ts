// The endpoint editor's form: what the inputs hold (strings, as typed) and
// the EndpointSpec built from them, or why it cannot be built.
import type { Endpoint, EndpointSpec, Forward, ForwardMode, HeaderPair, PresetInfo, ResponseRule, Scheme } from "../../ipc";
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
  /** "" = no forwarding. */
  forwardUrl: string;
  forwardMode: ForwardMode;
  /** The response rules, kept as they are when the rest is edited. */
  rules: ResponseRule[];
};

export type Field = "name" | "pathPrefix" | "scheme" | "status" | "delayMs" | "headers" | "forward";
export type FieldErrors = { [K in Field]?: string | undefined };

/** The core's maximum response delay. */
export const MAX_DELAY_MS = 60_000;

let rowKey = 0;
export const headerRow = (name = "", value = ""): HeaderRow => ({ key: ++rowKey, name, value });

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
    forwardUrl: endpoint?.forward?.url ?? "",
    forwardMode: endpoint?.forward?.mode ?? "respond",
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

/** The forwarding target, or why it cannot be one (null: not forwarding). */
export function forwardFrom(form: Pick<EndpointForm, "forwardUrl" | "forwardMode">): { forward: Forward | null } | { error: string } {
  const url = form.forwardUrl.trim();
  if (url === "") return { forward: null };
  const problem = httpUrlProblem(url, "Forward to");
  return problem ? { error: problem } : { forward: { url, mode: form.forwardMode } };
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

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

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
  const forward = forwardFrom(form);
  if ("error" in forward) errors.forward = forward.error;
  if (Object.keys(errors).length > 0 || "error" in scheme || "error" in forward || status === null || delayMs === null) return { errors };
  return {
    spec: {
      name: form.name.trim(),
      pathPrefix: isDefault ? "/" : form.pathPrefix.trim(),
      preset: form.preset === "" ? null : form.preset,
      response: { status, headers, body: form.body, delayMs },
      scheme: scheme.scheme,
      forward: forward.forward,
      rules: form.rules,
    },
  };
}
