import type { Endpoint, EventSummary, ListenerStatus } from "../ipc";
import { formatAge, formatDateTime, formatSize } from "../lib/format";
import { VerdictCard } from "./VerdictCard";
import { providerName } from "./verdictText";

type Props = {
  event: EventSummary | null;
  endpoints: Endpoint[];
  listener: ListenerStatus | null;
  now: number;
};

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

export function DetailPane({ event, endpoints, listener, now }: Props) {
  if (!event) {
    return (
      <aside className="detail" aria-label="Event detail" data-testid="detail">
        <div className="detail-empty">
          <h2>No event selected</h2>
          <p>Select an event in the timeline to see what arrived: method, URL, time, sender and size.</p>
        </div>
      </aside>
    );
  }
  const base = listener?.url ?? "";
  const fullUrl = `${base}${event.path}${event.query ? `?${event.query}` : ""}`;
  const endpoint = endpoints.find((e) => e.id === event.endpointId);
  return (
    <aside className="detail" aria-label="Event detail" data-testid="detail">
      <div className="pane-header">
        <h2>
          <span className={`method method-${event.method.toLowerCase()}`}>{event.method}</span>{" "}
          <span className="detail-path">{event.path}</span>
        </h2>
      </div>
      <div className="detail-body">
        <VerdictCard
          verdict={event.verdict}
          endpoint={endpoint}
          provider={providerName(event.provider ?? endpoint?.preset)}
        />
        <dl className="facts" data-testid="detail-facts">
          <dt>URL</dt>
          <dd className="mono break">{fullUrl}</dd>
          <dt>Received</dt>
          <dd>
            {formatDateTime(event.receivedAtMs)} <span className="muted">({formatAge(event.receivedAtMs, now)})</span>
          </dd>
          <dt>Endpoint</dt>
          <dd>{endpoint ? endpoint.name : <span className="muted">removed endpoint</span>}</dd>
          <dt>Provider</dt>
          <dd>{event.provider ?? <span className="muted">not recognised</span>}</dd>
          {event.eventType && (
            <>
              <dt>Event type</dt>
              <dd className="mono">{event.eventType}</dd>
            </>
          )}
          {event.providerEventId && (
            <>
              <dt>Event id</dt>
              <dd className="mono break">
                {event.providerEventId}{" "}
                <span className={event.delivery > 1 ? "redelivery" : "muted"} data-testid="delivery">
                  {event.delivery > 1 ? `${ordinal(event.delivery)} delivery` : "first delivery"}
                </span>
              </dd>
            </>
          )}
          {event.merchantId && (
            <>
              <dt>Merchant</dt>
              <dd className="mono">{event.merchantId}</dd>
            </>
          )}
          <dt>Size</dt>
          <dd>
            {formatSize(event.size)} <span className="muted">({event.size.toLocaleString()} bytes)</span>
          </dd>
          <dt>Content type</dt>
          <dd className="mono">{event.contentType ?? "—"}</dd>
          <dt>From</dt>
          <dd className="mono">{event.remoteAddr ?? "—"}</dd>
          <dt>Stored as</dt>
          <dd className="mono">#{event.id}</dd>
        </dl>
      </div>
    </aside>
  );
}
