import type { Delivery } from "../../ipc";
import { statusTone, statusWords } from "./words";

/** An attempt's result as a coloured chip: the status (2xx green, 3xx amber, 4xx/5xx red) or "error". */
export function StatusChip({ delivery }: { delivery: Pick<Delivery, "response" | "error"> }) {
  if (delivery.error || !delivery.response) {
    return (
      <span className="status-chip tone-bad" data-testid="status-chip" data-status="error">
        {delivery.error ? "error" : "no answer"}
      </span>
    );
  }
  const { status } = delivery.response;
  return (
    <span className={`status-chip tone-${statusTone(status)}`} data-testid="status-chip" data-status={status}>
      {statusWords(status)}
    </span>
  );
}
