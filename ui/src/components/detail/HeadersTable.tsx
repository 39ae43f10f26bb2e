import { useEffect, useRef, useState } from "react";
import { revealHeader, type HeaderView } from "../../ipc";
import { CopyButton } from "../CopyButton";
import { REVEAL_MS } from "../endpoints/SecretsSection";

/** `Name: value` lines, as the headers arrived (masked values as shown). */
export function headerLines(headers: readonly HeaderView[]): string {
  return headers.map((h) => `${h.name}: ${h.value}`).join("\n");
}

type Props = {
  eventId: number;
  headers: readonly HeaderView[];
  /** The request line as it arrived (`POST /a?b HTTP/1.1`), shown above the headers. */
  requestLine?: string;
  /** "Trailers" for the fields sent after a chunked body. */
  kind?: "headers" | "trailers";
};

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The request headers (or trailers) exactly as they arrived: name case,
 * order, duplicates. Secret-bearing values (credentials, cookies, a shared
 * secret) arrive masked; Reveal asks the core for one header's value, which
 * hides itself again after REVEAL_MS. A masked trailer stays masked.
 */
export function HeadersTable({ eventId, headers, requestLine, kind = "headers" }: Props) {
  const trailers = kind === "trailers";
  // Revealed values by header index; the table is keyed by event, so they never carry over.
  const [revealed, setRevealed] = useState<ReadonlyMap<number, string>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const timers = useRef(new Map<number, number>());

  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach((t) => window.clearTimeout(t));
  }, []);

  const hide = (index: number) => {
    window.clearTimeout(timers.current.get(index));
    timers.current.delete(index);
    setRevealed((r) => {
      const next = new Map(r);
      next.delete(index);
      return next;
    });
  };

  const reveal = (index: number) => {
    setError(null);
    revealHeader(eventId, index).then(
      (h) => {
        setRevealed((r) => new Map(r).set(index, h.value));
        window.clearTimeout(timers.current.get(index));
        timers.current.set(
          index,
          window.setTimeout(() => hide(index), REVEAL_MS),
        );
      },
      (err: unknown) => setError(`Could not reveal it: ${errorText(err)}`),
    );
  };

  const shown = headers.map((h, i) => {
    const value = revealed.get(i);
    return value === undefined ? h : { ...h, value };
  });
  const seen = new Map<string, number>();
  for (const h of headers) seen.set(h.name.toLowerCase(), (seen.get(h.name.toLowerCase()) ?? 0) + 1);
  const title = trailers ? "Trailers" : "Headers";
  const copied = requestLine ? `${requestLine}\n${headerLines(shown)}` : headerLines(shown);
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
            {shown.map((h, i) => {
              const repeated = (seen.get(h.name.toLowerCase()) ?? 0) > 1;
              const open = revealed.has(i);
              const masked = h.masked && !open;
              return (
                <tr
                  key={i}
                  data-testid={trailers ? "trailer-row" : "header-row"}
                  data-masked={h.masked ? (open ? "revealed" : "masked") : undefined}
                  className={repeated ? "repeated" : undefined}
                >
                  <td className="kv-name">
                    {h.name}
                    {repeated && (
                      <span className="tag" title="This header arrived more than once">
                        repeated
                      </span>
                    )}
                  </td>
                  <td className="kv-value">
                    {masked ? (
                      <span className="masked-value" data-testid="header-masked" title="Carries a secret: masked until revealed">
                        {h.value}
                      </span>
                    ) : h.value === "" ? (
                      <span className="muted">(empty)</span>
                    ) : (
                      <span data-testid={open ? "header-revealed" : undefined}>{h.value}</span>
                    )}
                    {h.binary && (
                      <span
                        className="tag warn"
                        data-testid="header-binary"
                        title="The value is not valid text; non-text bytes are shown escaped"
                      >
                        binary
                      </span>
                    )}
                    {h.masked && !trailers && (
                      <button
                        type="button"
                        className="link-button reveal-toggle"
                        data-testid={open ? "header-hide" : "header-reveal"}
                        aria-label={`${open ? "Hide" : "Reveal"} the value of ${h.name}`}
                        onClick={() => (open ? hide(i) : reveal(i))}
                      >
                        {open ? "Hide" : "Reveal"}
                      </button>
                    )}
                  </td>
                  <td className="kv-copy">
                    <CopyButton
                      // A masked value is fetched for the copy only, never shown.
                      text={masked && !trailers ? () => revealHeader(eventId, i).then((r) => r.value) : h.value}
                      label={`value of ${h.name}`}
                      className="compact"
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {error && (
        <p className="field-error" role="alert" data-testid="header-reveal-error">
          {error}
        </p>
      )}
    </section>
  );
}
