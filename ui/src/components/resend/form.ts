// The resend editor's form: what the inputs hold (strings, as typed), the
// ResendSpec built from them (or why it cannot be built), and the comparisons
// it shows (header diff, JSON validity). Nothing here touches the DOM. How a
// request is signed is not decided here: the core answers it (signingInfo).
import { parse as losslessParse } from "lossless-json";
import {
  MAX_SPEED,
  MAX_TIMES,
  MIN_SPEED,
  TRANSPORT_HEADERS,
  type EventView,
  type HeaderPair,
  type Pattern,
  type ResendSpec,
  type ScheduleInfo,
  type SignMode,
} from "../../ipc";
import { isJsonType, looksLikeJson, MAX_PRETTY_DEPTH, tooDeep } from "../detail/body";

/** Offered in the method select; anything else is typed ("Other…"). */
export const METHODS = ["POST", "PUT", "PATCH", "GET", "DELETE", "HEAD", "OPTIONS"] as const;

export const SPEED_PRESETS = [1, 60, 600, 3600] as const;
export const DEFAULT_SPEED = 3600;

/** Set by the HTTP client from the URL and the body (the core's list): a typed value is not sent. */
export function isTransportHeader(name: string): boolean {
  return TRANSPORT_HEADERS.includes(name.trim().toLowerCase());
}

export type HeaderRow = {
  key: number;
  name: string;
  value: string;
  /** Captured with bytes that are not text: the value holds them escaped. */
  binary: boolean;
  /**
   * A secret-bearing captured header whose value is its mask (e.g. "Basic ••••••••"):
   * sent as is, the core sends the captured value instead. Revealing it in the
   * editor makes it an ordinary row.
   */
  masked: boolean;
  /** Which captured header (arrival order) the row started as; null for a row added here. */
  source: number | null;
};

let rowKey = 0;
export const headerRow = (name = "", value = "", binary = false, masked = false, source: number | null = null): HeaderRow => ({
  key: ++rowKey,
  name,
  value,
  binary,
  masked,
  source,
});

export type PatternKind = Pattern["kind"];

export type ResendForm = {
  /** The captured event it started from; null for a new request. */
  eventId: number | null;
  method: string;
  url: string;
  headers: HeaderRow[];
  /** The body as text; null when the source body is not text (then `bodyBase64` is sent unchanged). */
  bodyText: string | null;
  bodyBase64: string | null;
  /** "keep" until the core has said how it would sign (then its default, until the user picks). */
  signMode: SignMode;
  /** Whose scheme and secrets sign; null: the source event's own (none for a new request). */
  signEndpointId: number | null;
  /** null: the endpoint's newest. */
  secretLabel: string | null;
  pattern: PatternKind;
  count: string;
  /** Preset id of the retry schedule. */
  scheduleProvider: string;
  speed: string;
};

/** What the editor compares the edits with. */
export type Original = {
  headers: HeaderPair[];
  bodyText: string | null;
  bodyBase64: string | null;
};

export type Field = "method" | "url" | "headers" | "count" | "speed" | "schedule";
export type FieldErrors = { [K in Field]?: string | undefined };

// --- Form ⇄ spec -------------------------------------------------------------

/** The body of an event as the form holds it. */
function bodyOf(view: EventView | null): Pick<ResendForm, "bodyText" | "bodyBase64"> {
  if (!view) return { bodyText: "", bodyBase64: null };
  if (view.bodyText !== null) return { bodyText: view.bodyText, bodyBase64: null };
  if (view.bodyBase64) return { bodyText: null, bodyBase64: view.bodyBase64 };
  return { bodyText: "", bodyBase64: null };
}

/** The schedule offered first: the event's provider's, else the first. */
export function pickSchedule(schedules: readonly ScheduleInfo[], provider: string | null, current = ""): string {
  if (current && schedules.some((s) => s.preset === current)) return current;
  const own = provider ? schedules.find((s) => s.preset === provider) : undefined;
  return own?.preset ?? schedules[0]?.preset ?? "";
}

/**
 * The form for a resend of `view` (null: a new, blank request). It signs with
 * the event's own endpoint; the mode and secret wait for the core's answer.
 */
export function formFrom(view: EventView | null, ctx: { recentTargets: readonly string[] }): ResendForm {
  return {
    eventId: view?.summary.id ?? null,
    method: view?.summary.method ?? "POST",
    url: ctx.recentTargets[0] ?? "",
    headers: view
      ? view.headers.map((h, i) => headerRow(h.name, h.value, h.binary, h.masked, i))
      : [headerRow("Content-Type", "application/json")],
    ...bodyOf(view),
    signMode: "keep",
    signEndpointId: null,
    secretLabel: null,
    pattern: "once",
    count: "3",
    scheduleProvider: "",
    speed: String(DEFAULT_SPEED),
  };
}

export function originalOf(view: EventView | null): Original {
  return {
    headers: view ? view.headers.map((h) => ({ name: h.name, value: h.value })) : [],
    ...bodyOf(view),
  };
}

/** Why `raw` cannot be sent to, or null when it can: http or https with a host. */
export function urlProblem(raw: string): string | null {
  const text = raw.trim();
  if (text === "") return "Enter the URL of your handler, e.g. http://localhost:3000/webhooks.";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "Not a URL: it looks like http://localhost:3000/webhooks.";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "Only http:// and https:// URLs can be sent to.";
  if (url.hostname === "") return "The URL names no host.";
  return null;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Whole numbers only: "3" and "3.0" are 3, "3.5" and "" are not. */
function wholeNumber(text: string): number | null {
  const t = text.trim();
  if (!/^\d+(\.0*)?$/.test(t)) return null;
  return Number(t);
}

/** The rows that are sent: fully empty rows are left out. */
export function filledHeaders(rows: readonly HeaderRow[]): HeaderPair[] {
  return rows.filter((r) => r.name.trim() !== "" || r.value !== "").map((r) => ({ name: r.name.trim(), value: r.value }));
}

/** The ResendSpec of the form, or what is wrong with it. */
export function specFrom(form: ResendForm): { spec: ResendSpec } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const method = form.method.trim();
  if (method === "") errors.method = "Enter an HTTP method.";
  else if (!TOKEN.test(method)) errors.method = `“${method}” is not an HTTP method.`;

  const url = urlProblem(form.url);
  if (url) errors.url = url;

  const headers = filledHeaders(form.headers);
  const named = headers.findIndex((h) => h.name === "");
  const badName = headers.find((h) => h.name !== "" && !TOKEN.test(h.name));
  if (named >= 0) errors.headers = "A header has a value but no name.";
  else if (badName) errors.headers = `“${badName.name}” is not a valid header name.`;

  let pattern: Pattern = { kind: "once" };
  if (form.pattern === "times") {
    const count = wholeNumber(form.count);
    if (count === null || count < 1 || count > MAX_TIMES) errors.count = `Send 1 to ${MAX_TIMES} times.`;
    else pattern = { kind: "times", count };
  } else if (form.pattern === "schedule") {
    const speed = Number(form.speed.trim().replace(/[x×]$/i, ""));
    if (form.speed.trim() === "" || !Number.isFinite(speed) || speed < MIN_SPEED || speed > MAX_SPEED) {
      errors.speed = `A speed from ${MIN_SPEED} (real time) to ${MAX_SPEED.toLocaleString("en-US")}.`;
    }
    if (form.scheduleProvider === "") errors.schedule = "Choose whose retry schedule to replay.";
    if (!errors.speed && !errors.schedule) pattern = { kind: "schedule", provider: form.scheduleProvider, speed };
  }

  if (Object.values(errors).some((e) => e !== undefined)) return { errors };
  return {
    spec: {
      eventId: form.eventId,
      method,
      url: form.url.trim(),
      headers,
      bodyText: form.bodyText,
      bodyBase64: form.bodyText === null ? form.bodyBase64 : null,
      signing: {
        mode: form.signMode,
        endpointId: form.signEndpointId,
        secretLabel: form.signMode === "keep" ? null : form.secretLabel,
      },
      pattern,
    },
  };
}

// --- Comparisons ---------------------------------------------------------------

export type HeaderDiffKind = "same" | "changed" | "added" | "removed";
export type HeaderDiffRow = { kind: HeaderDiffKind; name: string; before: string | null; after: string | null };

const sameHeader = (a: HeaderPair, b: HeaderPair) => a.name.toLowerCase() === b.name.toLowerCase() && a.value === b.value;

type Op = { op: "same"; i: number; j: number } | { op: "del"; i: number } | { op: "ins"; j: number };

/** The longest common subsequence of two header lists, as an edit script in order. */
function editScript(a: readonly HeaderPair[], b: readonly HeaderPair[]): Op[] {
  const n = a.length;
  const m = b.length;
  const ops: Op[] = [];
  if (n * m > 250_000) {
    // Too many to align: pair in order.
    for (let k = 0; k < Math.max(n, m); k++) {
      const x = a[k];
      const y = b[k];
      if (x && y && sameHeader(x, y)) ops.push({ op: "same", i: k, j: k });
      else {
        if (x) ops.push({ op: "del", i: k });
        if (y) ops.push({ op: "ins", j: k });
      }
    }
    return ops;
  }
  // lcs[i][j]: the LCS length of a[i..] and b[j..].
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as number[];
    const next = lcs[i + 1] as number[];
    for (let j = m - 1; j >= 0; j--) {
      row[j] = sameHeader(a[i] as HeaderPair, b[j] as HeaderPair)
        ? (next[j + 1] as number) + 1
        : Math.max(next[j] as number, row[j + 1] as number);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && sameHeader(a[i] as HeaderPair, b[j] as HeaderPair)) {
      ops.push({ op: "same", i, j });
      i++;
      j++;
    } else if (i < n && (j >= m || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      // Removals first: a removed header shows where it was.
      ops.push({ op: "del", i });
      i++;
    } else {
      ops.push({ op: "ins", j });
      j++;
    }
  }
  return ops;
}

/**
 * Original against edited headers, in the edited order with removed rows
 * where they were: a header whose value changed (same name, nth of that
 * name on both sides) is one "changed" row, where the first of the two was.
 */
export function headerDiff(before: readonly HeaderPair[], after: readonly HeaderPair[]): HeaderDiffRow[] {
  const ops = editScript(before, after);
  // Pair each removed header with an added one of the same name: a change.
  const pairOf = new Map<number, number>(); // op index → its partner's op index, both ways
  ops.forEach((op, k) => {
    if (op.op !== "del") return;
    const name = (before[op.i] as HeaderPair).name.toLowerCase();
    const found = ops.findIndex(
      (o, x) => o.op === "ins" && !pairOf.has(x) && (after[o.j] as HeaderPair).name.toLowerCase() === name,
    );
    if (found >= 0) {
      pairOf.set(k, found);
      pairOf.set(found, k);
    }
  });
  const rows: HeaderDiffRow[] = [];
  ops.forEach((op, k) => {
    const partner = pairOf.get(k);
    if (partner !== undefined) {
      if (partner < k) return; // shown with its partner
      const del = op.op === "del" ? op : ops[partner];
      const ins = op.op === "ins" ? op : ops[partner];
      if (del?.op !== "del" || ins?.op !== "ins") return;
      const h = after[ins.j] as HeaderPair;
      rows.push({ kind: "changed", name: h.name, before: (before[del.i] as HeaderPair).value, after: h.value });
    } else if (op.op === "same") {
      const h = after[op.j] as HeaderPair;
      rows.push({ kind: "same", name: h.name, before: (before[op.i] as HeaderPair).value, after: h.value });
    } else if (op.op === "ins") {
      const h = after[op.j] as HeaderPair;
      rows.push({ kind: "added", name: h.name, before: null, after: h.value });
    } else {
      const h = before[op.i] as HeaderPair;
      rows.push({ kind: "removed", name: h.name, before: h.value, after: null });
    }
  });
  return rows;
}

export type JsonStatus =
  | { state: "empty" }
  | { state: "valid"; duplicateKeys: boolean }
  | { state: "invalid"; line: number; column: number; message: string }
  /** Nested deeper than `limit`: not parsed, so neither valid nor invalid as far as the editor knows. */
  | { state: "too_deep"; limit: number };

/** Line and column (both from 1) of a string index. */
export function lineColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  const end = Math.min(index, text.length);
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) {
    line += 1;
    start = i + 1;
  }
  return { line, column: end - start + 1 };
}

/** Whether `text` is JSON, and where it stops being JSON when it is not. */
export function jsonStatus(text: string): JsonStatus {
  if (text.trim() === "") return { state: "empty" };
  // lossless-json (like JSON.parse in some engines) recurses per level: a
  // hostile body would overflow the stack, or pass as a "syntax error".
  if (tooDeep(text)) return { state: "too_deep", limit: MAX_PRETTY_DEPTH };
  try {
    losslessParse(text);
    return { state: "valid", duplicateKeys: false };
  } catch (err: unknown) {
    const message = err instanceof Error ? err.message : String(err);
    // RFC 8259 only says keys SHOULD be unique: still JSON.
    if (/^Duplicate key/.test(message)) return { state: "valid", duplicateKeys: true };
    const at = / at position (\d+)\s*$/.exec(message);
    const where = lineColumn(text, at ? Number(at[1]) : text.length);
    return { state: "invalid", ...where, message: at ? message.slice(0, at.index) : message };
  }
}

/** "Valid JSON", or "Not valid JSON: line L col C …" ready to show. */
export function jsonStatusWords(status: JsonStatus): string {
  switch (status.state) {
    case "empty":
      return "Empty body";
    case "valid":
      return status.duplicateKeys ? "Valid JSON (with duplicate keys: receivers may read either value)" : "Valid JSON";
    case "invalid":
      return `Not valid JSON: line ${status.line} col ${status.column}: ${status.message} — it can still be sent as raw text`;
    case "too_deep":
      return `Nested too deeply to check (more than ${status.limit} levels) — it can still be sent as raw text`;
  }
}

/** The value of a header in a list (the first of that name), case-insensitively. */
export function headerValue(headers: readonly { name: string; value: string }[], name: string): string | null {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.trim().toLowerCase() === lower)?.value ?? null;
}

/** The body is checked as JSON when it says so, or looks like it (now or as captured). */
export function expectsJson(contentType: string | null, original: string | null, current: string | null): boolean {
  return isJsonType(contentType) || looksLikeJson(original ?? "") || looksLikeJson(current ?? "");
}

/** How many bytes a standard base64 string decodes to. */
export function base64Size(b64: string): number {
  const clean = b64.replace(/\s+/g, "");
  const padding = clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - padding);
}
