// Signature schemes as the endpoint editor edits them: defaults per kind
// (the core's `Scheme::by_id`), and a checker for schemes typed as JSON.
import { DEFAULT_TOLERANCE_S, SCHEME_DEFAULTS } from "../../ipc";
import type { Algorithm, Encoding, Part, PresetInfo, Scheme, SecretEncoding } from "../../ipc";
import { schemeName } from "../verdictText";

export type SchemeKind = Scheme["kind"];

/** In the order the core lists them (`Scheme::IDS`). */
export const SCHEME_KINDS: readonly SchemeKind[] = SCHEME_DEFAULTS.map((s) => s.kind);

export { DEFAULT_TOLERANCE_S };

export function isSchemeKind(value: string): value is SchemeKind {
  return (SCHEME_KINDS as readonly string[]).includes(value);
}

/** Kinds with a timestamp tolerance field. */
export function hasTolerance(kind: SchemeKind): kind is "standard-webhooks" | "stripe" | "slack" {
  return kind === "standard-webhooks" || kind === "stripe" || kind === "slack";
}

/** Kinds edited as JSON: too many parts for a form. */
export function editedAsJson(kind: SchemeKind): kind is "hmac" | "combined" {
  return kind === "hmac" || kind === "combined";
}

/** The core's default configuration of a kind (generated from `Scheme::by_id`). */
export function defaultScheme(kind: SchemeKind): Scheme {
  const found = SCHEME_DEFAULTS.find((s) => s.kind === kind);
  if (!found) throw new Error(`the core has no scheme kind ${kind}`);
  // A copy: the editor may change it, the generated table must stay as it is.
  return structuredClone(found);
}

/**
 * The scheme a kind starts from in the editor: the endpoint's own when it is
 * of that kind, else the preset's, else the default.
 */
export function startingScheme(kind: SchemeKind, own: Scheme | null, preset: PresetInfo | undefined): Scheme {
  if (own?.kind === kind) return own;
  if (preset?.scheme?.kind === kind) return preset.scheme;
  return defaultScheme(kind);
}

/** "Standard Webhooks", "Shared secret (X-Challenge)", "Custom HMAC (X-Signature)", … */
export function describeScheme(scheme: Scheme): string {
  switch (scheme.kind) {
    case "shared-secret":
      return `${schemeName(scheme.kind)} (${scheme.header})`;
    case "hmac":
      return `${schemeName(scheme.kind)} (${scheme.header})`;
    case "combined":
      return `${schemeName(scheme.kind)}: ${scheme.schemes.map(describeScheme).join(" + ")}`;
    default:
      return schemeName(scheme.kind);
  }
}

/** The same configuration, whatever the key order. */
export function sameScheme(a: Scheme | null, b: Scheme | null): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

const ALGORITHMS: readonly Algorithm[] = ["sha1", "sha256", "sha512"];
const ENCODINGS: readonly Encoding[] = ["hex_lower", "hex_upper", "base64", "base64_url"];
const SECRET_ENCODINGS: readonly SecretEncoding[] = ["utf8", "base64", "hex", "whsec"];
const PARTS = ["body", "timestamp", "id", "url", "method", "literal"] as const;

type Obj = Record<string, unknown>;

class SchemeError extends Error {}

function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const list = (values: readonly string[]) => values.map((v) => `"${v}"`).join(", ");

function str(o: Obj, key: string, at: string, nonEmpty = false): string {
  const v = o[key];
  if (typeof v !== "string" || (nonEmpty && v.trim() === "")) {
    throw new SchemeError(`${at}"${key}" must be ${nonEmpty ? "a non-empty" : "a"} string`);
  }
  return v;
}

function optStr(o: Obj, key: string, at: string): string | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw new SchemeError(`${at}"${key}" must be a string or null`);
  return v === "" ? null : v;
}

function seconds(o: Obj, key: string, at: string, optional: boolean): number | null {
  const v = o[key];
  if (optional && (v === undefined || v === null)) return null;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    throw new SchemeError(`${at}"${key}" must be a whole number of seconds${optional ? " or null" : ""}`);
  }
  return v;
}

function oneOf<T extends string>(o: Obj, key: string, allowed: readonly T[], at: string): T {
  const v = o[key];
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
    throw new SchemeError(`${at}"${key}" must be one of ${list(allowed)}`);
  }
  return v as T;
}

function part(value: unknown, at: string): Part {
  if (!isObj(value)) throw new SchemeError(`${at}each template part must be an object like {"part": "body"}`);
  const kind = oneOf(value, "part", PARTS, at);
  if (kind === "literal") return { part: "literal", text: str(value, "text", at) };
  return { part: kind };
}

function template(o: Obj, at: string): Part[] {
  const parts = o.template;
  if (!Array.isArray(parts) || parts.length === 0) {
    throw new SchemeError(`${at}"template" must list the signed parts, e.g. [{"part": "body"}]`);
  }
  return parts.map((p, i) => part(p, `${at}template[${i}]: `));
}

// Fields are checked in the order they are written in the JSON.
function hmac(o: Obj, at: string): Scheme {
  return {
    kind: "hmac",
    header: str(o, "header", at, true),
    algorithm: oneOf(o, "algorithm", ALGORITHMS, at),
    template: template(o, at),
    encoding: oneOf(o, "encoding", ENCODINGS, at),
    prefix: o.prefix === undefined || o.prefix === null ? "" : str(o, "prefix", at),
    secretEncoding: oneOf(o, "secretEncoding", SECRET_ENCODINGS, at),
    timestampHeader: optStr(o, "timestampHeader", at),
    idHeader: optStr(o, "idHeader", at),
    toleranceS: seconds(o, "toleranceS", at, true),
    separator: o.separator === "" ? null : optStr(o, "separator", at),
  };
}

function scheme(value: unknown, at: string): Scheme {
  if (!isObj(value)) throw new SchemeError(`${at}a scheme must be a JSON object with a "kind"`);
  const kind = value.kind;
  if (typeof kind !== "string" || !isSchemeKind(kind)) {
    throw new SchemeError(`${at}"kind" must be one of ${list(SCHEME_KINDS)}`);
  }
  switch (kind) {
    case "standard-webhooks":
    case "stripe":
    case "slack":
      return { kind, toleranceS: seconds(value, "toleranceS", at, false) ?? DEFAULT_TOLERANCE_S };
    case "shared-secret":
      return { kind, header: str(value, "header", at, true) };
    case "hmac":
      return hmac(value, at);
    case "combined": {
      const schemes = value.schemes;
      if (!Array.isArray(schemes) || schemes.length === 0) {
        throw new SchemeError(`${at}"schemes" must list at least one scheme`);
      }
      return { kind, schemes: schemes.map((s, i) => scheme(s, `${at}schemes[${i}]: `)) };
    }
    default:
      return { kind };
  }
}

export type ParsedScheme = { ok: true; scheme: Scheme } | { ok: false; error: string };

/** A scheme of `kind` typed as JSON, checked field by field. */
export function parseScheme(text: string, kind: SchemeKind): ParsedScheme {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err: unknown) {
    return { ok: false, error: `Not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  try {
    const parsed = scheme(value, "");
    if (parsed.kind !== kind) {
      return { ok: false, error: `"kind" is "${parsed.kind}" but the scheme chosen is "${kind}"` };
    }
    return { ok: true, scheme: parsed };
  } catch (err: unknown) {
    if (err instanceof SchemeError) return { ok: false, error: err.message };
    throw err;
  }
}
