// Pure helpers for the detail pane's body, header and query views. Nothing
// here touches the DOM: payload content is only ever turned into strings that
// React renders as text nodes (or CodeMirror shows as a document).
import { parse as losslessParse } from "lossless-json";

/** Above this many bytes, Pretty is formatted on demand rather than up front. */
export const PRETTY_AUTO_LIMIT = 2 * 1024 * 1024;

export type BodyTab = "pretty" | "raw" | "hex" | "form";

/** `application/json` for `Application/JSON; charset=utf-8`; "" when absent. */
export function mediaType(contentType: string | null | undefined): string {
  if (!contentType) return "";
  return (contentType.split(";")[0] ?? "").trim().toLowerCase();
}

/** application/json, text/json and any `+json` type (e.g. application/cloudevents+json). */
export function isJsonType(contentType: string | null | undefined): boolean {
  const t = mediaType(contentType);
  return t === "application/json" || t === "text/json" || t.endsWith("+json");
}

export function isFormType(contentType: string | null | undefined): boolean {
  return mediaType(contentType) === "application/x-www-form-urlencoded";
}

/** The text starts (after whitespace and a BOM) like a JSON object or array. */
export function looksLikeJson(text: string): boolean {
  const m = /^[\uFEFF\s]*([[{])/.exec(text.slice(0, 1024));
  return m !== null;
}

/** Standard base64 → bytes. */
export function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The exact bytes of a body: the UTF-8 text encoded again, or the base64 decoded. */
export function bodyBytes(bodyText: string | null, bodyBase64: string | null): Uint8Array {
  if (bodyText !== null) return new TextEncoder().encode(bodyText);
  if (bodyBase64 !== null) return decodeBase64(bodyBase64);
  return new Uint8Array(0);
}

/**
 * Deeper than this, a body is neither parsed nor re-indented. lossless-json
 * parses recursively (a few thousand levels overflow the stack) and each
 * level indents every line below it, so depth is what makes formatting
 * blow up; the core's serde_json stops at the same depth.
 */
export const MAX_PRETTY_DEPTH = 128;

/**
 * How long re-indented text may grow for an input of `length` characters.
 * Even at the depth cap, a line can gain 2 × 128 spaces of indentation per
 * two input characters (`1,`), so a hostile 25 MB body could still ask for
 * gigabytes; the slack covers small documents that legitimately grow a lot.
 */
export function prettyLengthLimit(length: number): number {
  return 16 * length + 64 * 1024;
}

export type PrettyJson =
  | { ok: true; text: string; duplicateKeys: string[] }
  /** Not JSON: `error` says where it stops being JSON. */
  | { ok: false; reason: "invalid"; error: string }
  /** Nested deeper than `limit`: not parsed at all, so the raw text is the view. */
  | { ok: false; reason: "too_deep"; error: string; limit: number }
  /** Formatting would grow it past `limit` characters: stopped there, raw text is the view. */
  | { ok: false; reason: "too_large"; error: string; limit: number };

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
// Characters that end a literal (number, true, false, null).
const DELIMS = new Set([0x20, 0x09, 0x0a, 0x0d, 0x2c, 0x3a, 0x5b, 0x5d, 0x7b, 0x7d, 0x22]);

/** The index of the quote closing the string that opens at `start` (the last index when unterminated). */
function stringEnd(text: string, start: number): number {
  let j = start + 1;
  for (;;) {
    const c = text.charCodeAt(j);
    if (Number.isNaN(c)) return text.length - 1;
    if (c === 0x5c) j += 2;
    else if (c === 0x22) return j;
    else j += 1;
  }
}

export type DepthScan = {
  /** The deepest nesting seen, at most `cap + 1`. */
  depth: number;
  /** How many characters were looked at: fewer than the text's length when the scan stopped early. */
  scanned: number;
};

/**
 * How deeply `text` nests arrays and objects, counted without parsing: one
 * pass with a counter, so no input can exhaust the stack. Brackets inside
 * strings do not count. It stops at the first bracket that goes past `cap`,
 * since nothing after it can change the answer. On text that is not JSON it
 * still never undercounts what a parser reading from the start would reach
 * before failing, which is what makes it a safe guard in front of one.
 */
export function scanDepth(text: string, cap: number = MAX_PRETTY_DEPTH): DepthScan {
  let depth = 0;
  let max = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = stringEnd(text, i);
    } else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > max) {
        max = depth;
        if (max > cap) return { depth: max, scanned: i + 1 };
      }
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) {
      depth -= 1;
    }
  }
  return { depth: max, scanned: n };
}

/** `text` nests arrays and objects deeper than `cap`. */
export function tooDeep(text: string, cap: number = MAX_PRETTY_DEPTH): boolean {
  return scanDepth(text, cap).depth > cap;
}

function decodeKey(token: string): string {
  try {
    const key: unknown = JSON.parse(token);
    return typeof key === "string" ? key : token;
  } catch {
    return token;
  }
}

/**
 * Re-indents valid JSON token by token: every string, number and literal is
 * kept exactly as sent (1.0 stays 1.0, 12345678901234567890 stays exact,
 * escapes stay escapes, duplicate keys stay), only whitespace changes.
 * Null once the output would pass `maxLength` characters: indentation grows
 * with depth, so without a bound the work could be quadratic in the input.
 */
export function reindentJson(
  text: string,
  indent = "  ",
  maxLength: number = prettyLengthLimit(text.length),
): { text: string; duplicateKeys: string[] } | null {
  const out: string[] = [];
  let length = 0;
  const emit = (part: string) => {
    out.push(part);
    length += part.length;
  };
  const duplicates = new Set<string>();
  // One entry per open container: the keys of an object, or null for an array.
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  const n = text.length;
  const newline = () => "\n" + indent.repeat(stack.length);
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n) {
    // Checked per token: one token adds at most one indentation, at most
    // twice as long as the input read so far, so the overshoot stays linear.
    if (length > maxLength) return null;
    const c = text.charCodeAt(i);
    if (WS.has(c)) {
      i += 1;
    } else if (c === 0x22) {
      const end = stringEnd(text, i);
      const token = text.slice(i, end + 1);
      const keys = stack[stack.length - 1];
      if (expectKey && keys) {
        const key = decodeKey(token);
        if (keys.has(key)) duplicates.add(key);
        else keys.add(key);
        expectKey = false;
      }
      emit(token);
      i = end + 1;
    } else if (c === 0x7b || c === 0x5b) {
      let j = i + 1;
      while (j < n && WS.has(text.charCodeAt(j))) j += 1;
      const close = c === 0x7b ? 0x7d : 0x5d;
      if (text.charCodeAt(j) === close) {
        emit(c === 0x7b ? "{}" : "[]");
        i = j + 1;
        continue;
      }
      stack.push(c === 0x7b ? new Set<string>() : null);
      expectKey = c === 0x7b;
      emit(text[i] ?? "");
      emit(newline());
      i += 1;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      emit(newline());
      emit(text[i] ?? "");
      expectKey = false;
      i += 1;
    } else if (c === 0x2c) {
      emit(",");
      emit(newline());
      expectKey = stack.length > 0 && stack[stack.length - 1] !== null;
      i += 1;
    } else if (c === 0x3a) {
      emit(": ");
      i += 1;
    } else {
      let j = i;
      while (j < n && !DELIMS.has(text.charCodeAt(j))) j += 1;
      emit(text.slice(i, Math.max(j, i + 1)));
      i = Math.max(j, i + 1);
    }
  }
  if (length > maxLength) return null;
  return { text: out.join(""), duplicateKeys: [...duplicates] };
}

/**
 * Pretty JSON, or why it is not shown. Depth is checked first, without
 * parsing, so a hostile body never reaches the recursive parser.
 * lossless-json then checks the syntax (its messages give the position); the
 * text itself is re-indented token by token so nothing but whitespace
 * differs from what was received.
 */
export function prettyJson(text: string): PrettyJson {
  if (tooDeep(text)) {
    return {
      ok: false,
      reason: "too_deep",
      error: `nested more than ${MAX_PRETTY_DEPTH} levels deep`,
      limit: MAX_PRETTY_DEPTH,
    };
  }
  try {
    losslessParse(text);
  } catch (err: unknown) {
    const message = err instanceof Error ? err.message : String(err);
    // Valid JSON all the same (RFC 8259 only says keys SHOULD be unique).
    if (!/^Duplicate key/.test(message)) return { ok: false, reason: "invalid", error: message };
  }
  const limit = prettyLengthLimit(text.length);
  const pretty = reindentJson(text, "  ", limit);
  if (!pretty) {
    return { ok: false, reason: "too_large", error: `formatted, it would be over ${limit} characters`, limit };
  }
  return { ok: true, ...pretty };
}

/** Why Pretty shows the raw text instead, in words; null when it shows pretty JSON or a syntax error. */
export function prettyFallbackWords(result: PrettyJson): string | null {
  if (result.ok) return null;
  switch (result.reason) {
    case "invalid":
      return null;
    case "too_deep":
      return `Too deeply nested to pretty-print (more than ${result.limit} levels); showing the raw text.`;
    case "too_large":
      return "Too large to pretty-print: the indentation alone would make it more than 16 times its size. Showing the raw text.";
  }
}

export type Trailing = "none" | "lf" | "crlf" | "cr";

export type LineEndings = {
  crlf: number;
  /** Bare \n (not preceded by \r). */
  lf: number;
  /** Bare \r (not followed by \n). */
  cr: number;
  trailing: Trailing;
  bom: boolean;
};

export function lineEndings(text: string): LineEndings {
  let crlf = 0;
  let lf = 0;
  let cr = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0d) {
      if (text.charCodeAt(i + 1) === 0x0a) {
        crlf += 1;
        i += 1;
      } else cr += 1;
    } else if (c === 0x0a) lf += 1;
  }
  const trailing: Trailing = text.endsWith("\r\n")
    ? "crlf"
    : text.endsWith("\n")
      ? "lf"
      : text.endsWith("\r")
        ? "cr"
        : "none";
  return { crlf, lf, cr, trailing, bom: text.charCodeAt(0) === 0xfeff };
}

export type Hint = { text: string; warn: boolean };

/** What signature checks care about in a text body's line structure, in words. */
export function lineEndingHints(text: string): Hint[] {
  const le = lineEndings(text);
  const hints: Hint[] = [];
  hints.push(
    le.trailing === "none"
      ? { text: "no trailing newline", warn: false }
      : le.trailing === "lf"
        ? { text: "ends with a newline (LF)", warn: false }
        : le.trailing === "crlf"
          ? { text: "ends with CRLF", warn: true }
          : { text: "ends with CR", warn: true },
  );
  const kinds = [
    le.crlf > 0 ? `${le.crlf} CRLF` : null,
    le.lf > 0 ? `${le.lf} LF` : null,
    le.cr > 0 ? `${le.cr} bare CR` : null,
  ].filter((x): x is string => x !== null);
  if (kinds.length > 1) hints.push({ text: `mixed line endings: ${kinds.join(", ")}`, warn: true });
  else if (le.crlf > 0) hints.push({ text: `CRLF line endings (${le.crlf})`, warn: true });
  else if (le.cr > 0) hints.push({ text: `bare CR line endings (${le.cr})`, warn: true });
  else if (le.lf > 0) hints.push({ text: `LF line endings (${le.lf})`, warn: false });
  else hints.push({ text: "one line", warn: false });
  if (le.bom) hints.push({ text: "starts with a byte order mark (EF BB BF)", warn: true });
  return hints;
}

/** One row of a hex dump: offset | 16 bytes in hex | the printable ASCII. */
export type HexRow = { offset: string; hex: string; ascii: string };

export const HEX_ROW_BYTES = 16;

export function hexRow(bytes: Uint8Array, start: number): HexRow {
  let hex = "";
  let ascii = "";
  for (let k = 0; k < HEX_ROW_BYTES; k++) {
    if (k === 8) hex += " ";
    const i = start + k;
    if (i < bytes.length) {
      const b = bytes[i] ?? 0;
      hex += b.toString(16).padStart(2, "0") + (k === HEX_ROW_BYTES - 1 ? "" : " ");
      ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
    } else {
      hex += k === HEX_ROW_BYTES - 1 ? "  " : "   ";
    }
  }
  return { offset: start.toString(16).padStart(8, "0"), hex, ascii };
}

/** Hex rows for bytes [from, to), a row per 16 bytes. */
export function hexRows(bytes: Uint8Array, from: number, to: number): HexRow[] {
  const rows: HexRow[] = [];
  const end = Math.min(to, bytes.length);
  for (let start = from; start < end; start += HEX_ROW_BYTES) rows.push(hexRow(bytes, start));
  return rows;
}

/** Name/value pairs of an urlencoded string, in order, duplicates kept (`+` is a space). */
export function decodeParams(encoded: string): [string, string][] {
  return [...new URLSearchParams(encoded.startsWith("?") ? encoded.slice(1) : encoded)];
}

/** The query string of a URL (without `?` and any fragment); null when there is none. */
export function queryOf(url: string): string | null {
  const q = url.indexOf("?");
  if (q < 0) return null;
  const hash = url.indexOf("#", q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  return query === "" ? null : query;
}

/** `1st`, `2nd`, `3rd`, `11th`, `22nd`. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

/** A search-language filter, quoting the value when it is not one plain word. */
export function searchTerm(field: string, value: string): string {
  if (/^[^\s"'()]+$/.test(value)) return `${field}:${value}`;
  return `${field}:"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** "+5 s", "+3 min", "+2 h 5 min", "+1 d 4 h" between two deliveries. */
export function gapWords(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `+${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `+${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `+${h} h ${m % 60} min` : `+${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `+${d} d ${h % 24} h` : `+${d} d`;
}
