import { useEffect, useId, useRef, useState } from "react";
import { addSecret, removeSecret, revealSecret, type Endpoint, type SecretInfo } from "../../ipc";
import { CopyButton } from "../CopyButton";
import { ConfirmRemove } from "./ConfirmRemove";

/** A revealed secret hides itself again after this long. */
export const REVEAL_MS = 30_000;

const dateFormat = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

type Props = {
  endpoint: Endpoint;
  /** The endpoint as stored after a secret was added, replaced or removed. */
  onChanged: (endpoint: Endpoint) => void;
};

function SecretRow({
  endpointId,
  secret,
  onRemoved,
}: {
  endpointId: number;
  secret: SecretInfo;
  onRemoved: (endpoint: Endpoint) => void;
}) {
  const [revealed, setRevealed] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<number | undefined>(undefined);

  const hide = () => {
    window.clearTimeout(timer.current);
    setRevealed(null);
  };

  useEffect(() => () => window.clearTimeout(timer.current), []);

  const onReveal = () => {
    setError(null);
    revealSecret(endpointId, secret.label).then(
      (value) => {
        setRevealed(value);
        window.clearTimeout(timer.current);
        timer.current = window.setTimeout(() => setRevealed(null), REVEAL_MS);
      },
      (err: unknown) => setError(`Could not reveal it: ${errorText(err)}`),
    );
  };

  const onRemove = () => {
    setBusy(true);
    setError(null);
    removeSecret(endpointId, secret.label).then(
      (endpoint) => {
        hide();
        onRemoved(endpoint);
      },
      (err: unknown) => {
        setBusy(false);
        setConfirming(false);
        setError(`Could not remove it: ${errorText(err)}`);
      },
    );
  };

  return (
    <li className="secret-row" data-testid="secret-row">
      <div className="secret-main">
        <span className="secret-label" data-testid="secret-label-text">
          {secret.label}
        </span>
        {revealed === null ? (
          <span className="mono muted secret-masked" data-testid="secret-masked">
            {secret.masked}
          </span>
        ) : (
          <span className="secret-revealed">
            <input
              className="mono"
              readOnly
              value={revealed}
              aria-label={`Value of secret ${secret.label}`}
              data-testid="secret-revealed"
              spellCheck={false}
              onFocus={(e) => e.currentTarget.select()}
            />
            <CopyButton text={revealed} label={`secret ${secret.label}`} className="compact" testId="secret-copy" />
          </span>
        )}
        <span className="muted secret-date">added {dateFormat.format(new Date(secret.createdAtMs))}</span>
      </div>
      <div className="secret-actions">
        {revealed === null ? (
          <button type="button" className="secondary-button compact" data-testid="secret-reveal" onClick={onReveal}>
            Reveal
          </button>
        ) : (
          <button type="button" className="secondary-button compact" data-testid="secret-hide" onClick={hide}>
            Hide
          </button>
        )}
        <ConfirmRemove
          confirming={confirming}
          onAsk={() => setConfirming(true)}
          onKeep={() => setConfirming(false)}
          onConfirm={onRemove}
          busy={busy}
          question={<>Remove “{secret.label}”?</>}
          ariaLabel={`Remove secret ${secret.label}?`}
          testId="secret-remove"
        >
          Remove
        </ConfirmRemove>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

/** The endpoint's labelled secrets: reveal, remove, add or rotate. */
export function SecretsSection({ endpoint, onChanged }: Props) {
  const [label, setLabel] = useState("");
  const [value, setValue] = useState("");
  const [show, setShow] = useState(false);
  const [replacing, setReplacing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const id = useId();

  const trimmed = label.trim();
  const exists = endpoint.secrets.some((s) => s.label === trimmed);

  const save = () => {
    setBusy(true);
    setError(null);
    setDone(null);
    addSecret(endpoint.id, trimmed, value).then(
      (updated) => {
        setBusy(false);
        setReplacing(false);
        setDone(exists ? `Replaced the value of “${trimmed}”.` : `Added “${trimmed}”.`);
        setLabel("");
        setValue("");
        setShow(false);
        onChanged(updated);
      },
      (err: unknown) => {
        setBusy(false);
        setError(errorText(err));
      },
    );
  };

  const onSubmit = (e: { preventDefault(): void }) => {
    e.preventDefault();
    if (!trimmed) return setError("Give the secret a label, e.g. “production” or “rotated-2025-06”.");
    if (!value) return setError("Paste the secret's value.");
    if (exists && !replacing) return setReplacing(true);
    save();
  };

  return (
    <section className="editor-section" aria-labelledby={`${id}-title`} data-testid="secrets">
      <h3 id={`${id}-title`}>Signing secrets</h3>
      <p className="muted section-help">
        To rotate, add the new secret and remove the old one later: while both are listed, requests signed with
        either verify.
      </p>
      {endpoint.secrets.length === 0 ? (
        <p className="muted" data-testid="secrets-empty">
          No secrets yet: signed requests to this endpoint show “no secret”.
        </p>
      ) : (
        <ul className="secret-list">
          {endpoint.secrets.map((s) => (
            <SecretRow key={s.label} endpointId={endpoint.id} secret={s} onRemoved={onChanged} />
          ))}
        </ul>
      )}
      {/* Not a <form>: it sits inside the endpoint form. Enter adds. */}
      <div
        className="secret-add"
        role="group"
        aria-label="Add a secret"
        onKeyDown={(e) => {
          if (e.key === "Enter" && e.target instanceof HTMLInputElement) onSubmit(e);
        }}
      >
        <label className="field">
          <span>Label</span>
          <input
            value={label}
            onChange={(e) => {
              setLabel(e.target.value);
              setReplacing(false);
            }}
            placeholder="production"
            maxLength={64}
            autoComplete="off"
            spellCheck={false}
            data-testid="secret-label"
          />
        </label>
        <label className="field grow">
          <span>Value</span>
          <span className="with-toggle">
            <input
              type={show ? "text" : "password"}
              className="mono"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              placeholder="whsec_…"
              autoComplete="off"
              spellCheck={false}
              data-testid="secret-value"
            />
            <button
              type="button"
              className="secondary-button compact"
              aria-pressed={show}
              data-testid="secret-value-toggle"
              onClick={() => setShow((s) => !s)}
            >
              {show ? "Hide" : "Show"}
            </button>
          </span>
        </label>
        {replacing ? (
          <span className="confirm" role="group" aria-label="Replace the secret?">
            <span>“{trimmed}” exists.</span>
            <button type="button" className="danger-button solid" data-testid="secret-replace" disabled={busy} onClick={save}>
              Replace
            </button>
            <button type="button" className="secondary-button compact" autoFocus onClick={() => setReplacing(false)}>
              Keep it
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="secondary-button"
            data-testid="secret-add"
            disabled={busy}
            onClick={(e) => onSubmit(e)}
          >
            {busy ? "Adding…" : "Add"}
          </button>
        )}
      </div>
      {replacing && (
        <p className="muted section-help">
          Replacing changes the value under this label; add it under a new label instead to keep both valid during a
          rotation.
        </p>
      )}
      {error && (
        <p className="field-error" role="alert" data-testid="secret-error">
          {error}
        </p>
      )}
      {done && (
        <p className="ok-text" role="status" data-testid="secret-done">
          {done}
        </p>
      )}
    </section>
  );
}
