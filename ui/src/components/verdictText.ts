import { SCHEME_DEFAULTS, SCHEME_NAMES } from "../ipc";
import type { Endpoint, PresetInfo, Scheme, Verdict, VerdictStatus } from "../ipc";

/** The status a badge shows: the verdict's, or "unverified" when it has none. */
export type BadgeStatus = VerdictStatus | "unverified";

export function badgeStatus(verdict: Verdict | null): BadgeStatus {
  return verdict ? verdict.status : "unverified";
}

const shortLabels: Record<BadgeStatus, string> = {
  valid: "valid",
  invalid: "invalid",
  stale: "stale",
  malformed: "malformed",
  no_secret: "no secret",
  unsigned: "unsigned",
  unverified: "not verified",
};

/** The badge text: one or two words. */
export function shortLabel(status: BadgeStatus): string {
  return shortLabels[status];
}

const headlines: Record<BadgeStatus, string> = {
  valid: "Signature valid",
  invalid: "Signature invalid",
  stale: "Timestamp outside tolerance",
  malformed: "Malformed signature header",
  no_secret: "Signed, but no secret configured",
  unsigned: "Not signed",
  unverified: "Not verified",
};

/** The verdict card's headline. */
export function headline(status: BadgeStatus): string {
  return headlines[status];
}

/** "Standard Webhooks" for `standard-webhooks` (names come from the core); an unknown id as is. */
export function schemeName(id: string): string {
  return SCHEME_NAMES[id] ?? id;
}

/**
 * The display name of a provider preset id (as the core lists its presets),
 * else the id as is; null when there is none.
 */
export function providerName(id: string | null | undefined, presets: readonly PresetInfo[]): string | null {
  if (!id) return null;
  return presets.find((p) => p.id === id)?.name ?? id;
}

/** The badge tooltip for a verdict whose construction Hooklens assumed. */
export function assumedTitle(provider: string | null): string {
  return `Assumed construction: ${provider ?? "this provider"} does not publish how it signs`;
}

/** The card's note for an assumed construction. */
export function assumedNote(provider: string | null, scheme: string | null): string {
  const who = provider ? `${provider} does not` : "This provider does not";
  const what = scheme ? `${schemeName(scheme)}-style signing` : "a signing construction";
  return `Assumed construction — ${who} publish its signing construction; Hooklens assumes ${what}. Check with a known-good request.`;
}

/** "45 s", "10 min", "3 h", "2 days": the core's own units for an age. */
export function durationWords(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 120) return `${s} s`;
  if (s < 2 * 3600) return `${Math.floor(s / 60)} min`;
  if (s < 2 * 86_400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86_400)} days`;
}

/** How old the signed timestamp was when the request arrived. */
export function ageWords(ageS: number): string {
  if (ageS === 0) return "signed at arrival";
  return ageS > 0
    ? `signed ${durationWords(ageS)} before arrival`
    : `signed ${durationWords(ageS)} in the future (the sender's clock is ahead)`;
}

function toleranceIn(scheme: Scheme, id: string): number | null | undefined {
  if (scheme.kind === "combined") {
    for (const inner of scheme.schemes) {
      const found = toleranceIn(inner, id);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (scheme.kind !== id) return undefined;
  return "toleranceS" in scheme ? scheme.toleranceS : null;
}

/**
 * The timestamp tolerance that applies to a verdict of scheme `id`, in
 * seconds: the endpoint's own setting, else the core's default for the
 * named timestamped schemes; null when there is no age check.
 */
export function toleranceFor(id: string | null, endpoint: Endpoint | undefined): number | null {
  if (!id) return null;
  const configured = endpoint?.scheme ? toleranceIn(endpoint.scheme, id) : undefined;
  if (configured !== undefined) return configured;
  // The core's default for that kind, when the kind checks timestamps at all.
  const defaults = SCHEME_DEFAULTS.find((s) => s.kind === id);
  return defaults && "toleranceS" in defaults ? defaults.toleranceS : null;
}

/** Plain words from the core, as a sentence. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
