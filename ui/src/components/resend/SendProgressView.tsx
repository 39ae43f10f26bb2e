import { useEffect, useState } from "react";
import type { Delivery } from "../../ipc";
import { AttemptSummary } from "./StatusChip";
import type { SendState } from "./useSend";
import { bodyPreview, countdownWords } from "./words";

/** Ticks while a countdown is shown. */
function useTick(active: boolean, ms = 250): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const id = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(id);
  }, [active, ms]);
  return now;
}

/** One attempt as it came back: status or the error in words, and how long it took. */
export function AttemptLine({ delivery, label }: { delivery: Delivery; label?: string }) {
  const { response, error } = delivery;
  // Why the provider would not count it, where the chip does not show it
  // already: a 2xx it refuses (Kulmi Pay's 201), or no answer in its time.
  const unexpected = response ? response.status >= 200 && response.status < 300 : delivery.failure !== error?.message;
  const why = !delivery.delivered && unexpected ? delivery.failure : null;
  return (
    <li className="attempt-line" data-testid="resend-attempt" data-attempt={delivery.attempt} data-delivered={delivery.delivered}>
      <AttemptSummary delivery={delivery} label={label} />
      {error && (
        <span className="attempt-error error-text" data-testid="resend-attempt-error">
          {error.message}
        </span>
      )}
      {why && (
        <span className="attempt-error error-text" data-testid="resend-attempt-failure">
          Not delivered: {why}
        </span>
      )}
      {response?.redirectTo && (
        <span className="attempt-note warn-text">
          redirect to <span className="mono break">{response.redirectTo}</span> — not followed
        </span>
      )}
      {!error && !why && !response?.redirectTo && response?.bodyText && (
        <span className="attempt-preview mono muted" title={bodyPreview(response.bodyText, 400)}>
          {bodyPreview(response.bodyText)}
        </span>
      )}
    </li>
  );
}

type Props = {
  state: SendState;
  /** A label per attempt instead of "#n" (e.g. which event it was). */
  labelOf?: (delivery: Delivery, index: number) => string;
  /** Shown while nothing has been sent yet. */
  idleText?: string;
};

/** The attempts of the running (or last) send, the wait before the next, and how it ended. */
export function SendProgressView({ state, labelOf, idleText }: Props) {
  const now = useTick(state.waiting !== null);
  if (state.status === "idle") {
    return idleText ? <p className="muted send-idle">{idleText}</p> : null;
  }
  return (
    <div className="send-progress" aria-live="polite">
      {state.attempts.length > 0 && (
        <ol className="attempt-list" data-testid="resend-attempts">
          {state.attempts.map((d, i) => (
            <AttemptLine key={d.id} delivery={d} {...(labelOf ? { label: labelOf(d, i) } : {})} />
          ))}
        </ol>
      )}
      {state.status === "running" && (
        <p className="send-status muted" data-testid="resend-running">
          {state.waiting
            ? `Waiting — attempt ${state.waiting.nextAttempt} of ${state.planned} ${countdownWords(state.waiting.atMs, now)}`
            : state.cancelling
              ? "Cancelling…"
              : state.attempts.length === 0
                ? "Sending…"
                : state.planned > state.attempts.length
                  ? `Sent ${state.attempts.length} of ${state.planned}…`
                  : "Finishing…"}
        </p>
      )}
      {state.status === "finished" && state.outcome && (
        <p className="send-outcome" data-testid="resend-outcome">
          {state.outcome}
        </p>
      )}
      {state.status === "failed" && (
        <p className="send-outcome error-text" role="alert" data-testid="resend-outcome">
          {state.attempts.length === 0 ? "Not sent" : "Stopped"}: {state.error}
        </p>
      )}
      {state.status !== "failed" && state.error && (
        <p className="error-text" role="alert">
          {state.error}
        </p>
      )}
    </div>
  );
}
