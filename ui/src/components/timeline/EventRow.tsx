import { memo, type MouseEvent } from "react";
import type { EventSummary } from "../../ipc";
import { formatDateTime, formatRowTime, formatSize } from "../../lib/format";
import { VerdictBadge } from "../VerdictBadge";

/** Every row is this tall (px): fixed, so nothing moves while events stream in. */
export const ROW_HEIGHT = 32;

export const optionId = (id: number) => `event-option-${id}`;

type Props = {
  event: EventSummary;
  /** Display name of the provider, if known. */
  provider: string | null;
  top: number;
  /** In the multi-selection; without one, the row under the keyboard cursor. */
  selected: boolean;
  /** The keyboard cursor is on it. */
  cursor: boolean;
  /** Shown in the detail pane. */
  opened: boolean;
  /** Local midnight today, for the time column. */
  today: number;
  onClick: (id: number, e: MouseEvent) => void;
};

/** A pushpin, for pinned events. */
export function PinIcon({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 16 16" aria-hidden="true" className={className}>
      <path
        d="M6 2h4l-.6 4.2L12 8.5v1H8.6V14L8 15l-.6-1V9.5H4v-1l2.6-2.3z"
        fill="currentColor"
        stroke="currentColor"
        strokeWidth="0.6"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** One timeline row: time, method, path, provider, event type, provider event id, size, verdict, ×N, pin. */
export const EventRow = memo(function EventRow({ event, provider, top, selected, cursor, opened, today, onClick }: Props) {
  const className = ["event-row", selected && "selected", cursor && "cursor", opened && "opened"].filter(Boolean).join(" ");
  return (
    <div
      role="option"
      id={optionId(event.id)}
      aria-selected={selected}
      className={className}
      style={{ transform: `translateY(${top}px)` }}
      onMouseDown={(e) => {
        // Shift+click selects a range: do not select text meanwhile.
        if (e.shiftKey) e.preventDefault();
      }}
      onClick={(e) => onClick(event.id, e)}
      data-testid="event-row"
      data-event-id={event.id}
    >
      <span className="col-time" title={formatDateTime(event.receivedAtMs)}>
        {formatRowTime(event.receivedAtMs, today)}
      </span>
      <span className="col-method">
        <span className={`method method-${event.method.toLowerCase()}`}>{event.method}</span>
      </span>
      <span className="col-path" title={event.query ? `${event.path}?${event.query}` : event.path}>
        {event.imported && (
          <span className="imported-chip" data-testid="imported-chip" title="Imported from a file or a paste, not captured">
            imported
          </span>
        )}
        {event.tunneled && (
          <span
            className="tunnel-chip"
            data-testid="tunnel-chip"
            title="Came in through the public URL's tunnel, not to the local address"
          >
            tunnel
          </span>
        )}
        {event.path}
        {event.query && <span className="query">?{event.query}</span>}
      </span>
      <span className="col-provider" title={provider ?? undefined}>
        {provider ?? <span className="none">—</span>}
      </span>
      <span className="col-type" title={event.eventType ?? event.contentType ?? undefined}>
        {event.eventType ?? <span className="none">{event.contentType ?? "—"}</span>}
      </span>
      <span className="col-eid" title={event.providerEventId ?? undefined}>
        {event.providerEventId ?? <span className="none">—</span>}
      </span>
      <span className="col-size">{formatSize(event.size)}</span>
      <span className="col-verdict">
        <VerdictBadge verdict={event.verdict} provider={provider} />
      </span>
      <span className="col-redelivery">
        {event.delivery > 1 && (
          <span
            className="redelivery"
            data-testid="redelivery"
            title={`Delivery ${event.delivery} of ${event.providerEventId ?? "this event"}`}
          >
            ×{event.delivery}
          </span>
        )}
      </span>
      <span className="col-pin">
        {event.pinned && (
          <span className="pin-marker" title="Pinned: kept by retention" data-testid="pin-marker">
            <PinIcon />
            <span className="sr-only">pinned</span>
          </span>
        )}
      </span>
    </div>
  );
});
