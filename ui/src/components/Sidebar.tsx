import type { Endpoint } from "../ipc";
import { countFor, type Counts, type EndpointFilter } from "../state/events";

type Props = {
  endpoints: Endpoint[];
  counts: Counts;
  selected: EndpointFilter;
  onSelect: (filter: EndpointFilter) => void;
};

const countFormat = new Intl.NumberFormat();

function Item({
  label,
  detail,
  count,
  selected,
  onClick,
  testId,
}: {
  label: string;
  detail: string;
  count: number;
  selected: boolean;
  onClick: () => void;
  testId: string;
}) {
  return (
    <li>
      <button
        type="button"
        className={`endpoint${selected ? " selected" : ""}`}
        aria-current={selected}
        onClick={onClick}
        data-testid={testId}
      >
        <span className="endpoint-main">
          <span className="endpoint-name">{label}</span>
          <span className="endpoint-path">{detail}</span>
        </span>
        <span className="endpoint-count" data-testid={`${testId}-count`}>
          {countFormat.format(count)}
        </span>
      </button>
    </li>
  );
}

function describe(e: Endpoint): string {
  const where = e.isDefault ? "unmatched paths" : e.pathPrefix;
  const status = e.response.status === 200 ? "" : ` · answers ${e.response.status}`;
  return `${where}${status}`;
}

/** Endpoints with live counts; selecting one narrows the timeline. */
export function Sidebar({ endpoints, counts, selected, onSelect }: Props) {
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
          />
        ))}
      </ul>
    </nav>
  );
}
