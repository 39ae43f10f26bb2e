import type { Endpoint, SignMode } from "../../ipc";
import { schemeName } from "../verdictText";
import { Choice } from "./Choice";
import type { Signing } from "./useResendDraft";

const SIGN_OPTIONS: { mode: SignMode; label: string; help: string }[] = [
  { mode: "resign", label: "Re-sign", help: "Fresh signature, timestamp and id for this body." },
  { mode: "keep", label: "Keep original headers", help: "Sent as in the table: an edited body fails the check." },
  { mode: "missign", label: "Mis-sign", help: "A wrong signature, to test the rejection path." },
  { mode: "stale", label: "Stale timestamp", help: "Signed, but an hour past the timestamp tolerance." },
];

/** For a new request there are no original headers: "keep" sends the rows as typed. */
const BLANK_KEEP = { mode: "keep" as const, label: "Headers as typed", help: "Sent exactly as in the table, not signed." };

/** A message from the core ("endpoint … has no secret") ended as a sentence. */
const ended = (text: string) => (/[.!?…]$/.test(text) ? text : `${text}.`);

type Props = {
  uid: string;
  /** A new request has no original headers to keep. */
  hasSource: boolean;
  endpoints: readonly Endpoint[];
  signing: Signing;
  signMode: SignMode;
  secretLabel: string | null;
  onPickEndpoint: (value: string) => void;
  onPickSecret: (label: string | null) => void;
  onPickMode: (mode: SignMode) => void;
};

/** How the request is signed: whose endpoint and secret, and which way (re-signed, kept, mis-signed, stale), in the core's words. */
export function SigningFieldset({ uid, hasSource, endpoints, signing, signMode, secretLabel, onPickEndpoint, onPickSecret, onPickMode }: Props) {
  const { info, error, loading, secrets, shownEndpointId } = signing;
  const options = hasSource ? SIGN_OPTIONS : SIGN_OPTIONS.map((o) => (o.mode === "keep" ? BLANK_KEEP : o));
  return (
    <fieldset className="resend-fieldset" data-testid="resend-signing" aria-busy={loading || undefined}>
      <legend>Signing</legend>
      <div className="field-row">
        <label className="field grow">
          Endpoint
          <select value={shownEndpointId ?? ""} data-testid="resend-sign-endpoint" onChange={(e) => onPickEndpoint(e.target.value)}>
            {shownEndpointId === null && <option value="">None chosen</option>}
            {endpoints.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
                {e.id === signing.eventEndpointId ? " (event's)" : ""}
              </option>
            ))}
          </select>
        </label>
        <label className="field grow">
          Secret
          <select
            value={secretLabel ?? ""}
            disabled={secrets.length === 0}
            data-testid="resend-sign-secret"
            onChange={(e) => onPickSecret(e.target.value || null)}
          >
            {secrets.length === 0 && <option value="">{loading ? "…" : "No secret"}</option>}
            {secrets.map((label, i) => (
              <option key={label} value={label}>
                {label}
                {i === secrets.length - 1 && secrets.length > 1 ? " (newest)" : ""}
              </option>
            ))}
          </select>
        </label>
      </div>
      {loading ? (
        <p className="muted small scheme-line" data-testid="resend-sign-loading" role="status">
          Checking how it would be signed…
        </p>
      ) : (
        <>
          <p className="muted small scheme-line" data-testid="resend-scheme">
            {info?.scheme
              ? `Scheme: ${schemeName(info.scheme.kind)}${info.assumed ? " (assumed construction)" : ""}`
              : error
                ? "Signing is unknown."
                : shownEndpointId === null
                  ? "No endpoint chosen to sign with."
                  : "No signature scheme for this endpoint."}
          </p>
          {error && (
            <p className="small warn-text" data-testid="resend-sign-error" role="alert">
              Could not check how it would be signed: {ended(error)} The headers can still be sent as they are.
            </p>
          )}
          <div className="choice-list" role="radiogroup" aria-label="How to sign">
            {options.map((o) => (
              <Choice
                key={o.mode}
                name={`${uid}-sign`}
                value={o.mode}
                checked={signMode === o.mode}
                disabled={error !== null && o.mode !== "keep"}
                testId={`sign-${o.mode}`}
                onPick={() => onPickMode(o.mode)}
                label={o.label}
                help={o.help}
                note={
                  o.mode === "stale" &&
                  info?.scheme &&
                  !info.signsTimestamp && (
                    <span className="choice-help warn-text" data-testid="sign-stale-warning">
                      {schemeName(info.scheme.kind)} signs no timestamp whose age is checked, so a stale one cannot be tested.
                    </span>
                  )
                }
              />
            ))}
          </div>
          {signMode === "keep" && info?.problem && (
            <p className="muted small" data-testid="resend-sign-reason">
              Not re-signed: {ended(info.problem)}
            </p>
          )}
          {signMode !== "keep" && info?.problem && (
            <p className="small warn-text" data-testid="resend-sign-problem">
              Cannot sign: {ended(info.problem)}
            </p>
          )}
        </>
      )}
      {signing.keptSignatureBroken && (
        <p className="small warn-text" data-testid="resend-keep-warning">
          The body was edited: the original signature no longer matches it.
        </p>
      )}
    </fieldset>
  );
}
