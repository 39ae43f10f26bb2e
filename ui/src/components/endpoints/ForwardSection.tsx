import { useId } from "react";
import type { ForwardMode } from "../../ipc";
import { FieldError } from "../FieldError";

type Props = {
  url: string;
  mode: ForwardMode;
  /** Why the URL cannot be forwarded to (from `forwardFrom`). */
  error: string | undefined;
  onUrl: (url: string) => void;
  onMode: (mode: ForwardMode) => void;
  /** Check the URL now (on leaving the field). */
  onCheck: () => void;
};

const MODES: { mode: ForwardMode; label: string; help: string }[] = [
  {
    mode: "respond",
    label: "Answer at once",
    help: "The sender gets the configured response at once; the handler's reply is recorded.",
  },
  {
    mode: "relay",
    label: "Relay the handler's reply",
    help: "The sender waits and gets the handler's own reply (502 if it cannot be reached), like a tunnel.",
  },
];

/** Passing each captured request on to a local handler, and who answers the sender. */
export function ForwardSection({ url, mode, error, onUrl, onMode, onCheck }: Props) {
  const uid = useId();
  const on = url.trim() !== "";
  return (
    <section className="editor-section" aria-labelledby={`${uid}-title`} data-testid="forward-section">
      <h3 id={`${uid}-title`}>Forwarding</h3>
      <p className="muted section-help">
        Pass each request on to your handler, with its method, headers and body as received. Leave the URL empty to
        only capture.
      </p>
      <label className="field" htmlFor={`${uid}-url`}>
        <span>Forward to</span>
      </label>
      <input
        id={`${uid}-url`}
        className="mono"
        value={url}
        onChange={(e) => onUrl(e.target.value)}
        onBlur={onCheck}
        placeholder="http://localhost:3000/webhooks"
        spellCheck={false}
        autoComplete="off"
        data-testid="forward-url"
        {...(error ? { "aria-invalid": true as const, "aria-describedby": `${uid}-error` } : {})}
      />
      <FieldError id={`${uid}-error`} error={error} testId="forward-url-error" />
      <fieldset className="forward-modes" disabled={!on}>
        <legend>Who answers the sender</legend>
        {MODES.map((m) => (
          <label key={m.mode} className="forward-mode">
            <input
              type="radio"
              name={`${uid}-mode`}
              value={m.mode}
              checked={mode === m.mode}
              onChange={() => onMode(m.mode)}
              aria-describedby={`${uid}-${m.mode}-help`}
              data-testid={`forward-${m.mode}`}
            />
            <span className="forward-mode-text">
              <span>{m.label}</span>
              <span className="muted" id={`${uid}-${m.mode}-help`}>
                {m.help}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      <p className="muted section-help" data-testid="forward-note">
        Each request is stored before it is forwarded, and every forward is recorded under its event. Loops are
        prevented: a request Hooklens forwarded (it carries <span className="mono">X-Hooklens-Forwarded</span>) is not
        forwarded again.
      </p>
    </section>
  );
}
