import type { HeaderView } from "../../ipc";
import { CopyButton } from "../CopyButton";

/** `Name: value` lines, as the headers arrived. */
export function headerLines(headers: readonly HeaderView[]): string {
  return headers.map((h) => `${h.name}: ${h.value}`).join("\n");
}

/** The request headers in arrival order, duplicates kept. */
export function HeadersTable({ headers }: { headers: readonly HeaderView[] }) {
  const seen = new Map<string, number>();
  for (const h of headers) seen.set(h.name.toLowerCase(), (seen.get(h.name.toLowerCase()) ?? 0) + 1);
  return (
    <section className="detail-section" aria-label="Headers">
      <div className="section-head">
        <h3>
          Headers <span className="muted">({headers.length})</span>
        </h3>
        {headers.length > 0 && (
          <CopyButton text={headerLines(headers)} label="all headers" caption="Copy all" testId="copy-headers" />
        )}
      </div>
      {headers.length === 0 ? (
        <p className="muted">No headers.</p>
      ) : (
        <table className="kv-table headers-table" aria-label="Request headers" data-testid="headers-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
              <th scope="col">
                <span className="visually-hidden">Copy</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {headers.map((h, i) => {
              const repeated = (seen.get(h.name.toLowerCase()) ?? 0) > 1;
              return (
                <tr key={i} data-testid="header-row" className={repeated ? "repeated" : undefined}>
                  <td className="kv-name">
                    {h.name}
                    {repeated && (
                      <span className="tag" title="This header arrived more than once">
                        repeated
                      </span>
                    )}
                  </td>
                  <td className="kv-value">
                    {h.value === "" ? <span className="muted">(empty)</span> : h.value}
                    {h.binary && (
                      <span
                        className="tag warn"
                        data-testid="header-binary"
                        title="The value is not valid text; non-text bytes are shown escaped"
                      >
                        binary
                      </span>
                    )}
                  </td>
                  <td className="kv-copy">
                    <CopyButton text={h.value} label={`value of ${h.name}`} className="compact" />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
