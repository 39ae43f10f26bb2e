import { useState } from "react";
import type { Endpoint, ForwardTarget, PresetInfo } from "../ipc";
import { formatCount } from "../lib/format";
import { countFor, type Counts, type EndpointFilter } from "../state/counts";
import { TestEventDialog } from "./lazy";
import "./sidebar.css";

type Props = {
  endpoints: Endpoint[];
  counts: Counts;
  selected: EndpointFilter;
  onSelect: (filter: EndpointFilter) => void;
  onAdd: () => void;
  onEdit: (endpoint: Endpoint) => void;
  presets: PresetInfo[];
  /** The capture listener's URL, where test events go by default. */
  listenUrl: string | null;
};

function Item({
  label,
  detail,
  count,
  selected,
  onClick,
  testId,
  onEdit,
  forwards,
}: {
  label: string;
  detail: string;
  count: number;
  selected: boolean;
  onClick: () => void;
  testId: string;
  onEdit?: { endpointId: number; run: () => void };
  forwards?: readonly ForwardTarget[];
}) {
  return (
    <li className="endpoint-item">
      <button
        type="button"
        className={`endpoint${selected ? " selected" : ""}`}
        aria-current={selected}
        onClick={onClick}
        data-testid={testId}
      >
        <span className="endpoint-main">
          <span className="endpoint-name">{label}</span>
          <span className="endpoint-detail">
            <span className="endpoint-path">{detail}</span>
            {forwards && forwards.length > 0 && (
              <span className="forward-marker" title={forwardTitle(forwards)} data-testid="endpoint-forward-marker">
                → forwards
              </span>
            )}
          </span>
        </span>
        <span className="endpoint-count" data-testid={`${testId}-count`}>
          {formatCount(count)}
        </span>
      </button>
      {onEdit && (
        <button
          type="button"
          className="icon-button endpoint-edit"
          aria-label={`Edit endpoint ${label}`}
          title={`Edit ${label}: path, provider, secrets, response`}
          onClick={onEdit.run}
          data-testid="edit-endpoint"
          data-endpoint-id={onEdit.endpointId}
        >
          <svg viewBox="0 0 16 16" aria-hidden="true" width="14" height="14">
            <path
              d="M10.8 2.6l2.6 2.6-7.6 7.6-3.2.6.6-3.2zM9.6 3.8l2.6 2.6"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.4"
              strokeLinejoin="round"
            />
          </svg>
        </button>
      )}
    </li>
  );
}

/** The marker's tooltip: where requests go on to, when, and who answers the sender. */
function forwardTitle(forwards: readonly ForwardTarget[]): string {
  const one = (t: ForwardTarget) => {
    const who =
      t.mode === "relay" ? "the sender gets the handler's reply" : "the sender gets the configured response at once";
    return `${t.condition ? `requests matching ${t.condition}` : "each request"} to ${t.url}: ${who}`;
  };
  const [first] = forwards;
  if (forwards.length === 1 && first) return `Forwards ${one(first)}`;
  return `Forwards to ${forwards.length} targets:\n${forwards.map((t, i) => `${i + 1}. ${one(t)}`).join("\n")}`;
}

function describe(e: Endpoint): string {
  const where = e.isDefault ? "unmatched paths" : e.pathPrefix;
  const status = e.response.status === 200 ? "" : ` · answers ${e.response.status}`;
  return `${where}${status}`;
}

/** Endpoints with live counts; selecting one narrows the timeline (together with the search). */
export function Sidebar({ endpoints, counts, selected, onSelect, onAdd, onEdit, presets, listenUrl }: Props) {
  const [testing, setTesting] = useState(false);
  const selectedPreset = endpoints.find((e) => e.id === selected)?.preset ?? null;
  return (
    <nav className="sidebar" aria-label="Endpoints" data-testid="sidebar">
      <h2 className="sidebar-title">Endpoints</h2>
      <ul className="endpoint-list">
        <Item
          label="All events"
          detail="every endpoint"
          count={counts.total}
          selected={selected === null}
          onClick={() => onSelect(null)}
          testId="endpoint-all"
        />
        {endpoints.map((e) => (
          <Item
            key={e.id}
            label={e.name}
            detail={describe(e)}
            count={countFor(counts, e.id)}
            selected={selected === e.id}
            onClick={() => onSelect(e.id)}
            testId={e.isDefault ? "endpoint-default" : `endpoint-${e.id}`}
            onEdit={{ endpointId: e.id, run: () => onEdit(e) }}
            forwards={e.forwards}
          />
        ))}
      </ul>
      <button type="button" className="add-endpoint" onClick={onAdd} data-testid="add-endpoint">
        + Add endpoint
      </button>
      <div className="sidebar-foot">
        <button
          type="button"
          className="test-event-open"
          onClick={() => setTesting(true)}
          title="Send a signed sample event of a provider, to Hooklens itself or to your handler"
          data-testid="test-event-open"
        >
          <svg viewBox="0 0 16 16" aria-hidden="true" width="14" height="14">
            <path d="M2 8l11-5-4 11-2-4.5z M7 9.5L13 3" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinejoin="round" />
          </svg>
          Send test event…
        </button>
      </div>
      {testing && (
        <TestEventDialog
          endpoints={endpoints}
          presets={presets}
          listenUrl={listenUrl}
          initialPreset={selectedPreset}
          onClose={() => setTesting(false)}
        />
      )}
    </nav>
  );
}
