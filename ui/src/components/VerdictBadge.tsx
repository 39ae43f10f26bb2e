import type { Verdict } from "../ipc";
import { assumedTitle, badgeStatus, headline, schemeName, shortLabel } from "./verdictText";

type Props = {
  verdict: Verdict | null;
  /** Display name of the provider, for the assumed-construction tooltip. */
  provider: string | null;
};

function title(verdict: Verdict | null, provider: string | null): string {
  if (!verdict) return "Not verified: stored before Hooklens verified signatures";
  const parts = [headline(verdict.status)];
  if (verdict.scheme) parts.push(schemeName(verdict.scheme));
  if (verdict.secret) parts.push(`secret “${verdict.secret}”`);
  const text = parts.join(" · ");
  return verdict.assumed ? `${text}\n${assumedTitle(provider)}` : text;
}

/** A timeline row's signature verdict, in a word and a colour. */
export function VerdictBadge({ verdict, provider }: Props) {
  const status = badgeStatus(verdict);
  const assumed = verdict?.assumed ?? false;
  return (
    <span
      className={`verdict-badge verdict-${status}`}
      data-testid="verdict-badge"
      data-status={status}
      data-assumed={assumed || undefined}
      title={title(verdict, provider)}
    >
      {shortLabel(status)}
      {assumed && (
        <span className="verdict-assumed-mark" data-testid="verdict-assumed">
          *
        </span>
      )}
    </span>
  );
}
