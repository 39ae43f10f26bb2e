import type { EventSummary, ListenerStatus } from "../ipc";
import { formatAge, formatDateTime, formatSize } from "../lib/format";

type Props = { event: EventSummary | null; listener: ListenerStatus | null; now: number };

export function DetailPane({ event, listener, now }: Props) {
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
  return (
    <aside className="detail" aria-label="Event detail" data-testid="detail">
      <div className="pane-header">
        <h2>
          <span className={`method method-${event.method.toLowerCase()}`}>{event.method}</span>{" "}
          <span className="detail-path">{event.path}</span>
        </h2>
      </div>
      <dl className="facts" data-testid="detail-facts">
        <dt>URL</dt>
        <dd className="mono break">{fullUrl}</dd>
        <dt>Received</dt>
        <dd>
          {formatDateTime(event.receivedAtMs)} <span className="muted">({formatAge(event.receivedAtMs, now)})</span>
        </dd>
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
    </aside>
  );
}
