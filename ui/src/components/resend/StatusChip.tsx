import type { Delivery, DeliveryError, DeliveryResponse } from "../../ipc";
import { durationMs, statusTone, statusWords } from "./words";
import "./status.css";

/** What an attempt came to: its response, or the error that stood in for one. */
type Answer = {
  response: Pick<DeliveryResponse, "status" | "reason"> | null;
  error: Pick<DeliveryError, "message"> | null;
};

type Props = {
  delivery: Answer & { delivered?: boolean };
  /** Words when there is no response; "error" (or "no answer" when nothing was recorded) if not given. */
  failedText?: string;
  testId?: string;
};

/** A 2xx the provider does not count (Kulmi Pay's 201) must not look like a success. */
function tone(status: number, delivered: boolean | undefined) {
  const byStatus = statusTone(status);
  return byStatus === "ok" && delivered === false ? "bad" : byStatus;
}

/**
 * An attempt's result as a coloured chip: the status and its reason phrase
 * (2xx green, 3xx amber, 4xx/5xx red; red too for a 2xx the provider does not
 * count as delivered, such as Kulmi Pay's 201), or that it failed.
 */
export function StatusChip({ delivery, failedText, testId = "status-chip" }: Props) {
  const { response, error } = delivery;
  if (error || !response) {
    return (
      <span className="status-chip tone-bad" data-testid={testId} data-status="error">
        {failedText ?? (error ? "error" : "no answer")}
      </span>
    );
  }
  return (
    <span
      className={`status-chip tone-${tone(response.status, delivery.delivered)}`}
      data-testid={testId}
      data-status={response.status}
    >
      {statusWords(response)}
    </span>
  );
}

/** One attempt in a line's worth: its label ("#2"), its status chip and how long it took. */
export function AttemptSummary({ delivery, label }: { delivery: Delivery; label?: string | undefined }) {
  return (
    <>
      <span className="attempt-n">{label ?? `#${delivery.attempt}`}</span>
      <StatusChip delivery={delivery} />
      <span className="attempt-ms muted">{durationMs(delivery.durationMs)}</span>
    </>
  );
}
