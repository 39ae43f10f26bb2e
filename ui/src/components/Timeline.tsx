import type { EventSummary, ListenerStatus } from "../ipc";
import type { EventsState } from "../state/events";
import { formatSize, formatTime } from "../lib/format";
import { EmptyState } from "./EmptyState";
import { VerdictBadge } from "./VerdictBadge";
import { providerName } from "./verdictText";

type Props = {
  state: EventsState;
  count: number;
  title: string;
  listener: ListenerStatus | null;
  selectedId: number | null;
  onSelect: (id: number) => void;
  onListenOn: (address: string) => void;
};

const countFormat = new Intl.NumberFormat();

/** "kustom · order.created", or whatever part of it is known. */
export function describeEvent(e: EventSummary): string {
  return [e.provider, e.eventType].filter((x): x is string => Boolean(x)).join(" · ");
}

function Row({ event, selected, onSelect }: { event: EventSummary; selected: boolean; onSelect: () => void }) {
  const what = describeEvent(event);
  return (
    <li role="option" aria-selected={selected}>
      <button
        type="button"
        className={`event-row${selected ? " selected" : ""}`}
        onClick={onSelect}
        data-testid="event-row"
        data-event-id={event.id}
      >
        <span className="col-time">{formatTime(event.receivedAtMs)}</span>
        <span className={`method method-${event.method.toLowerCase()}`}>{event.method}</span>
        <span className="col-path" title={event.path}>
          {event.path}
          {event.query && <span className="query">?{event.query}</span>}
        </span>
        <span className="col-type" title={what || (event.contentType ?? "")}>
          <span className="what">{what || <span className="muted">{event.contentType ?? "—"}</span>}</span>
          {event.delivery > 1 && (
            <span
              className="redelivery"
              data-testid="redelivery"
              title={`Delivery ${event.delivery} of ${event.providerEventId ?? "this event"}`}
            >
              ×{event.delivery}
            </span>
          )}
          <VerdictBadge verdict={event.verdict} provider={providerName(event.provider)} />
        </span>
        <span className="col-size">{formatSize(event.size)}</span>
      </button>
    </li>
  );
}

export function Timeline({ state, count, title, listener, selectedId, onSelect, onListenOn }: Props) {
  const empty = state.status !== "loading" && state.events.length === 0;
  return (
    <section className="timeline" aria-label="Timeline" data-testid="timeline">
      <div className="pane-header">
        <h2>{title}</h2>
        <span className="pane-count" data-testid="event-count">
          {state.status === "loading" ? "Loading…" : `${countFormat.format(count)} captured`}
        </span>
      </div>
      {state.status === "error" && (
        <p className="banner error" role="alert" data-testid="events-error">
          Could not load events: {state.error}
        </p>
      )}
      {empty ? (
        <EmptyState listener={listener} onListenOn={onListenOn} />
      ) : (
        <ul className="event-list" role="listbox" aria-label="Captured events">
          {state.events.map((event) => (
            <Row key={event.id} event={event} selected={event.id === selectedId} onSelect={() => onSelect(event.id)} />
          ))}
        </ul>
      )}
    </section>
  );
}
