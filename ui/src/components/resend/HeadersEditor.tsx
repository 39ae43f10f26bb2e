import { headerRow, isTransportHeader, type HeaderRow } from "./form";

type Props = {
  rows: HeaderRow[];
  onChange: (rows: HeaderRow[]) => void;
  /** The headers signing writes, as the core says (signingInfo), in lower case. */
  signatureNames: readonly string[];
  /** Re-signing, mis-signing or a stale timestamp: those headers are replaced. */
  replacing: boolean;
  error: string | undefined;
  errorId: string;
};

/** Editable name/value rows, in order, duplicates allowed. */
export function HeadersEditor({ rows, onChange, signatureNames, replacing, error, errorId }: Props) {
  const update = (key: number, change: Partial<HeaderRow>) =>
    onChange(rows.map((r) => (r.key === key ? { ...r, ...change } : r)));
  // The transport headers in the table, each name once, as typed.
  const transportNames = [...new Map(rows.filter((r) => isTransportHeader(r.name)).map((r) => [r.name.trim().toLowerCase(), r.name.trim()])).values()];
  return (
    <div className="headers-editor" data-testid="resend-headers">
      {rows.length === 0 ? (
        <p className="muted">No headers.</p>
      ) : (
        <div className="resend-header-rows" role="group" aria-label="Request headers" aria-describedby={error ? errorId : undefined}>
          {rows.map((row, i) => {
            const transport = isTransportHeader(row.name);
            const signature = signatureNames.includes(row.name.trim().toLowerCase());
            const classes = ["resend-header-row", transport ? "transport" : "", signature && replacing ? "replaced" : ""]
              .filter(Boolean)
              .join(" ");
            return (
              <div className={classes} key={row.key} data-testid="resend-header-row">
                <input
                  className="mono"
                  value={row.name}
                  placeholder="Name"
                  aria-label={`Header ${i + 1} name`}
                  spellCheck={false}
                  autoComplete="off"
                  data-testid="resend-header-name"
                  onChange={(e) => update(row.key, { name: e.target.value })}
                />
                <input
                  className="mono"
                  value={row.value}
                  placeholder="Value"
                  aria-label={`Header ${i + 1} value`}
                  spellCheck={false}
                  autoComplete="off"
                  data-testid="resend-header-value"
                  onChange={(e) => update(row.key, { value: e.target.value })}
                />
                <button
                  type="button"
                  className="secondary-button compact"
                  aria-label={`Remove header ${i + 1} (${row.name || "unnamed"})`}
                  title="Remove this header"
                  data-testid="resend-header-remove"
                  onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
                >
                  ✕
                </button>
                {(transport || signature || row.binary) && (
                  <div className="resend-header-tags">
                    {transport && (
                      <span className="tag" data-testid="header-transport" title="The HTTP client sets this header from the URL and the body">
                        set by the transport — not sent as typed
                      </span>
                    )}
                    {signature && replacing && (
                      <span className="tag info" data-testid="header-replaced" title="The signing scheme writes this header for every attempt">
                        replaced when re-signing
                      </span>
                    )}
                    {signature && !replacing && (
                      <span className="tag" title="Sent exactly as captured">
                        original signature, sent as is
                      </span>
                    )}
                    {row.binary && (
                      <span className="tag warn" title="The captured value was not valid text; its bytes are shown escaped and sent as shown">
                        binary value, sent as shown
                      </span>
                    )}
                  </div>
                )}
              </div>
            );
          })}
        </div>
      )}
      {error && (
        <span className="field-error" id={errorId} data-testid="resend-headers-error">
          {error}
        </span>
      )}
      <div className="headers-foot">
        <button type="button" className="secondary-button" data-testid="resend-header-add" onClick={() => onChange([...rows, headerRow()])}>
          + Add header
        </button>
        {transportNames.length > 0 && (
          <span className="muted small" data-testid="resend-transport-note">
            {transportNames.join(", ")} {transportNames.length === 1 ? "is" : "are"} set by the transport from the URL and the body.
          </span>
        )}
      </div>
    </div>
  );
}
