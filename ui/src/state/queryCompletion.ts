// Autocomplete for the search box: field names, then a field's known values.
import type { QueryField } from "../ipc";

export type Completion = {
  kind: "field" | "value";
  /** What the list shows. */
  label: string;
  /** One line beside it (a field's description). */
  detail: string;
  /** Replaces text[from, to). */
  insert: string;
  from: number;
  to: number;
};

/** At most this many suggestions are listed. */
export const MAX_COMPLETIONS = 50;

const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

/** The word around `caret`: [start, end), a quoted phrase counting as part of its word. */
export function wordAt(text: string, caret: number): { start: number; end: number } {
  // An odd number of quotes before the caret: we are inside a quoted phrase.
  let quotes = 0;
  let openQuote = -1;
  for (let i = 0; i < caret; i += 1) {
    if (text[i] === '"' && text[i - 1] !== "\\") {
      quotes += 1;
      openQuote = i;
    }
  }
  let start = quotes % 2 === 1 ? openQuote : caret;
  while (start > 0 && !isSpace(text[start - 1])) start -= 1;
  let end = caret;
  if (quotes % 2 === 0) while (end < text.length && !isSpace(text[end])) end += 1;
  return { start, end };
}

/** A value as the language reads it: quoted when it holds spaces or quotes. */
export function quoteValue(value: string): string {
  if (value !== "" && !/[\s"()]/.test(value)) return value;
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** Fields such as `header.` and `json.`: the name continues after the dot, they have no values to offer. */
const isPrefixField = (f: QueryField) => f.name.endsWith(".");

/**
 * What to suggest with the caret at `caret`. Typing a field name: the
 * fields that start with it; after `field:`, that field's known values that
 * start with what follows. `all` lists every field for an empty word.
 */
export function completionsAt(
  text: string,
  caret: number,
  fields: readonly QueryField[],
  all = false,
): Completion[] {
  const { start, end } = wordAt(text, caret);
  const neg = text[start] === "-" ? 1 : 0;
  const word = text.slice(start + neg, caret);
  const colon = word.indexOf(":");

  if (colon < 0) {
    if (word === "" && !all) return [];
    if (word.startsWith('"')) return [];
    const lower = word.toLowerCase();
    // Past `header.`: the user is typing the header's name.
    if (fields.some((f) => isPrefixField(f) && lower.startsWith(f.name.toLowerCase()) && lower.length > f.name.length)) {
      return [];
    }
    return fields
      .filter((f) => f.name.toLowerCase().startsWith(lower))
      .slice(0, MAX_COMPLETIONS)
      .map((f) => ({
        kind: "field" as const,
        label: isPrefixField(f) ? f.name : `${f.name}:`,
        detail: f.description,
        insert: isPrefixField(f) ? f.name : `${f.name}:`,
        from: start + neg,
        to: end,
      }));
  }

  const name = word.slice(0, colon).toLowerCase();
  const field = fields.find((f) => !isPrefixField(f) && f.name.toLowerCase() === name);
  if (!field) return [];
  const typed = word.slice(colon + 1);
  const prefix = (typed.startsWith('"') ? typed.slice(1) : typed).toLowerCase();
  const from = start + neg + colon + 1;
  return field.values
    .filter((v) => v.toLowerCase().startsWith(prefix) && quoteValue(v) !== typed)
    .slice(0, MAX_COMPLETIONS)
    .map((v) => ({ kind: "value" as const, label: v, detail: "", insert: quoteValue(v), from, to: end }));
}

/** The text with `c` applied, and where the caret goes. A value is followed by a space. */
export function applyCompletion(text: string, c: Completion): { text: string; caret: number } {
  const after = text.slice(c.to);
  const insert = c.kind === "value" && !isSpace(after[0]) ? `${c.insert} ` : c.insert;
  return { text: text.slice(0, c.from) + insert + after, caret: c.from + insert.length + (c.kind === "value" && isSpace(after[0]) ? 1 : 0) };
}
