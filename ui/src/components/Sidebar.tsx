type Props = { total: number; loading: boolean };

const countFormat = new Intl.NumberFormat();

/** Endpoints and their live counts. Until endpoints are configured, every
 * path lands on the default endpoint. */
export function Sidebar({ total, loading }: Props) {
  return (
    <nav className="sidebar" aria-label="Endpoints" data-testid="sidebar">
      <h2 className="sidebar-title">Endpoints</h2>
      <ul className="endpoint-list">
        <li>
          <button type="button" className="endpoint selected" aria-current="true" data-testid="endpoint-default">
            <span className="endpoint-main">
              <span className="endpoint-name">Default</span>
              <span className="endpoint-path">all paths</span>
            </span>
            <span className="endpoint-count" data-testid="endpoint-count">
              {loading ? "…" : countFormat.format(total)}
            </span>
          </button>
        </li>
      </ul>
    </nav>
  );
}
