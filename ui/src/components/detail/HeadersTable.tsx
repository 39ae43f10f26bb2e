import type { HeaderView } from "../../ipc";
import { CopyButton } from "../CopyButton";

/** `Name: value` lines, as the headers arrived. */
export function headerLines(headers: readonly HeaderView[]): string {
  return headers.map((h) => `${h.name}: ${h.value}`).join("\n");
}

type Props = {
  headers: readonly HeaderView[];
  /** The request line as it arrived (`POST /a?b HTTP/1.1`), shown above the headers. */
  requestLine?: string;
  /** "Trailers" for the fields sent after a chunked body. */
  kind?: "headers" | "trailers";
};

/** The request headers (or trailers) exactly as they arrived: name case, order, duplicates. */
export function HeadersTable({ headers, requestLine, kind = "headers" }: Props) {
  const seen = new Map<string, number>();
  for (const h of headers) seen.set(h.name.toLowerCase(), (seen.get(h.name.toLowerCase()) ?? 0) + 1);
  const trailers = kind === "trailers";
  const title = trailers ? "Trailers" : "Headers";
  const copied = requestLine ? `${requestLine}\n${headerLines(headers)}` : headerLines(headers);
  return (
    <section className="detail-section" aria-label={title} data-testid={trailers ? "trailers" : undefined}>
      <div className="section-head">
        <h3>
          {title} <span className="muted">({headers.length})</span>
        </h3>
        {headers.length > 0 && (
          <CopyButton
            text={copied}
            label={trailers ? "all trailers" : "request line and headers"}
            caption="Copy all"
            testId={trailers ? "copy-trailers" : "copy-headers"}
          />
        )}
      </div>
      {trailers && <p className="muted small">Sent after the chunked body, in arrival order.</p>}
      {requestLine && (
        <p className="mono request-line" data-testid="request-line" title="The request line as it arrived">
          {requestLine}
        </p>
      )}
      {headers.length === 0 ? (
        <p className="muted">No headers.</p>
      ) : (
        <table
          className="kv-table headers-table"
          aria-label={trailers ? "Request trailers" : "Request headers"}
          data-testid={trailers ? "trailers-table" : "headers-table"}
        >
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
                <tr key={i} data-testid={trailers ? "trailer-row" : "header-row"} className={repeated ? "repeated" : undefined}>
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
