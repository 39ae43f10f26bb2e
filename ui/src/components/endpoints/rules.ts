import type { Chance, HeaderPair, ResponseRule, RuleAnswer, SequenceBy } from "../../ipc";
import { headerRow, TOKEN, type HeaderRow } from "./form";

/** The core's limits (src-tauri/crates/hooklens-core/src/rules/mod.rs). */
export const MAX_RULE_DELAY_MS = 300_000;
export const MAX_ANSWERS = 20;

/** A rule being edited: statuses as typed ("503, 503, 200"), the rest as fields. */
export type RuleDraft = {
  name: string;
  enabled: boolean;
  condition: string;
  statuses: string;
  close: boolean;
  delayMs: string;
  headers: HeaderRow[];
  body: string;
  sequence: SequenceBy;
  chanceOn: boolean;
  percent: string;
  seed: string;
};

export type RuleField = "name" | "statuses" | "delayMs" | "headers" | "chance";
export type RuleErrors = { [K in RuleField]?: string | undefined };

export function randomSeed(): number {
  const bytes = new Uint32Array(1);
  crypto.getRandomValues(bytes);
  return bytes[0] ?? 1;
}

export function draftFrom(rule: ResponseRule | null): RuleDraft {
  const first = rule?.answers[0];
  return {
    name: rule?.name ?? "",
    enabled: rule?.enabled ?? true,
    condition: rule?.condition ?? "",
    statuses: rule ? rule.answers.map((a) => String(a.status)).join(", ") : "200",
    close: first?.close ?? false,
    delayMs: String(first?.delayMs ?? 0),
    headers: (first?.headers ?? []).map((h) => headerRow(h.name, h.value)),
    body: first?.body ?? "",
    sequence: rule?.sequence ?? "event-id",
    chanceOn: rule?.chance != null,
    percent: String(rule?.chance?.percent ?? 20),
    seed: String(rule?.chance?.seed ?? randomSeed()),
  };
}

const whole = (text: string): number | null => (/^\s*\d+\s*$/.test(text) ? Number(text) : null);

/**
 * The rule a draft describes, or what is wrong with it. The condition and the
 * body template are checked by the core (previewRules with no event), which
 * knows the search language and the template engine.
 */
export function ruleFrom(draft: RuleDraft, others: readonly ResponseRule[]): { rule: ResponseRule } | { errors: RuleErrors } {
  const errors: RuleErrors = {};
  const name = draft.name.trim();
  if (!name) errors.name = "A rule needs a name; rule:NAME finds what it answered.";
  else if (others.some((r) => r.name.trim().toLowerCase() === name.toLowerCase())) errors.name = "Another rule has this name.";
  const statuses = draft.close ? [200] : draft.statuses.split(",").map((s) => whole(s));
  if (statuses.length > MAX_ANSWERS) errors.statuses = `At most ${MAX_ANSWERS} answers.`;
  else if (statuses.some((s) => s === null || s < 100 || s > 999))
    errors.statuses = "HTTP statuses from 100 to 999, separated by commas: 503, 503, 200.";
  const delayMs = whole(draft.delayMs);
  if (delayMs === null || delayMs > MAX_RULE_DELAY_MS)
    errors.delayMs = `A delay from 0 to ${MAX_RULE_DELAY_MS.toLocaleString()} ms.`;
  const headers: HeaderPair[] = [];
  for (const row of draft.headers) {
    const header = row.name.trim();
    if (!header && !row.value) continue;
    if (!TOKEN.test(header)) {
      errors.headers = `“${row.name}” is not a header name.`;
      break;
    }
    headers.push({ name: header, value: row.value });
  }
  let chance: Chance | null = null;
  if (draft.chanceOn) {
    const percent = whole(draft.percent);
    const seed = whole(draft.seed);
    if (percent === null || percent < 1 || percent > 100) errors.chance = "A chance from 1 to 100 percent.";
    else if (seed === null || seed > 4_294_967_295) errors.chance = "A seed from 0 to 4294967295.";
    else chance = { percent, seed };
  }
  if (Object.values(errors).some(Boolean) || delayMs === null) return { errors };
  const answers: RuleAnswer[] = statuses.map((status) => ({
    status: status ?? 200,
    headers,
    body: draft.close ? "" : draft.body,
    delayMs,
    close: draft.close,
  }));
  return {
    rule: {
      name,
      enabled: draft.enabled,
      condition: draft.condition.trim(),
      answers,
      sequence: draft.sequence,
      chance,
    },
  };
}

/** "503, 503, then 200 (per event)", "closes after 2,000 ms". */
export function answersText(rule: ResponseRule): string {
  const first = rule.answers[0];
  const after = first && first.delayMs > 0 ? ` after ${first.delayMs.toLocaleString()} ms` : "";
  if (first?.close) return `closes the connection${after}`;
  const statuses = rule.answers.map((a) => String(a.status));
  if (statuses.length === 1) return `${statuses[0]}${after}`;
  const last = statuses.pop();
  const per = rule.sequence === "event-id" ? "per event" : "per request";
  return `${statuses.join(", ")}, then ${last ?? ""}${after} (${per})`;
}

/** `rules` with the one at `from` moved to `to`. */
export function moved<T>(rules: readonly T[], from: number, to: number): T[] {
  const next = [...rules];
  const [rule] = next.splice(from, 1);
  if (rule === undefined) return next;
  next.splice(Math.max(0, Math.min(to, next.length)), 0, rule);
  return next;
}
