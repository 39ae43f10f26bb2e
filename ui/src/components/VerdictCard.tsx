import type { Endpoint, Verdict } from "../ipc";
import {
  ageWords,
  assumedNote,
  badgeStatus,
  durationWords,
  headline,
  schemeName,
  sentence,
  toleranceFor,
} from "./verdictText";

type Props = {
  verdict: Verdict | null;
  /** The event's endpoint, if it still exists: its scheme sets the tolerance. */
  endpoint: Endpoint | undefined;
  /** Display name of the provider, if known. */
  provider: string | null;
};

/** What the card says below the facts when the core gave no reason. */
function fallback(verdict: Verdict): string | null {
  switch (verdict.status) {
    case "unsigned":
      return verdict.scheme
        ? `No ${schemeName(verdict.scheme)} signature in this request.`
        : "No signature header of a known scheme.";
    case "no_secret":
      return "The request is signed, but no secret is configured to check it.";
    default:
      return null;
  }
}

function Explanation({ verdict }: { verdict: Verdict }) {
  const { diagnosis } = verdict;
  if (diagnosis) {
    return (
      <div className="verdict-diagnosis" data-testid="verdict-diagnosis" data-code={diagnosis.code}>
        <p className="verdict-diagnosis-message">{diagnosis.message}</p>
        {diagnosis.secret && (
          <p className="verdict-diagnosis-secret">
            Matches with secret <span className="verdict-label">“{diagnosis.secret}”</span>
          </p>
        )}
        {verdict.reason && <p className="muted">{sentence(verdict.reason)}</p>}
      </div>
    );
  }
  // Unsigned without a scheme: the core's reason says the same in more words.
  const text =
    verdict.status === "unsigned" && !verdict.scheme
      ? fallback(verdict)
      : verdict.reason
        ? sentence(verdict.reason)
        : fallback(verdict);
  if (!text) return null;
  const prominent = verdict.status === "invalid" || verdict.status === "malformed" || verdict.status === "stale";
  return (
    <p className={prominent ? "verdict-reason prominent" : "verdict-reason"} data-testid="verdict-reason">
      {text}
    </p>
  );
}

/** The signature verdict of the selected event, in words a support engineer can act on. */
export function VerdictCard({ verdict, endpoint, provider }: Props) {
  const status = badgeStatus(verdict);
  if (!verdict) {
    return (
      <section className={`verdict-card verdict-${status}`} data-testid="verdict-card" data-status={status}>
        <h3 className="verdict-headline">{headline(status)}</h3>
        <p className="verdict-reason">
          Stored before Hooklens verified signatures; it gets a verdict when events are re-verified.
        </p>
      </section>
    );
  }
  const tolerance = toleranceFor(verdict.scheme, endpoint);
  return (
    <section
      className={`verdict-card verdict-${status}`}
      data-testid="verdict-card"
      data-status={status}
      aria-label="Signature verdict"
    >
      <h3 className="verdict-headline">
        {headline(status)}
        {verdict.assumed && <span className="verdict-assumed-tag">assumed</span>}
      </h3>
      {(verdict.scheme || verdict.secret || verdict.ageS !== null) && (
        <dl className="verdict-facts">
          {verdict.scheme && (
            <>
              <dt>Scheme</dt>
              <dd data-testid="verdict-scheme">{schemeName(verdict.scheme)}</dd>
            </>
          )}
          {verdict.secret && (
            <>
              <dt>Secret</dt>
              <dd data-testid="verdict-secret">
                matched secret <span className="verdict-label">“{verdict.secret}”</span>
              </dd>
            </>
          )}
          {verdict.ageS !== null && (
            <>
              <dt>Timestamp</dt>
              <dd data-testid="verdict-age">
                {ageWords(verdict.ageS)}
                {tolerance !== null && <span className="muted nowrap">; tolerance {durationWords(tolerance)}</span>}
              </dd>
            </>
          )}
        </dl>
      )}
      <Explanation verdict={verdict} />
      {verdict.status === "no_secret" && (
        <p className="verdict-hint" data-testid="verdict-hint">
          Add a secret to this endpoint to verify it: edit the endpoint in the sidebar.
        </p>
      )}
      {verdict.assumed && (
        <p className="verdict-assumed-note" data-testid="verdict-assumed-note">
          {assumedNote(provider, verdict.scheme)}
        </p>
      )}
    </section>
  );
}
