import { FieldError } from "../FieldError";
import { HeaderRowsEditor } from "../HeaderRowsEditor";
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

/** The request's header rows, marked where the transport or the signing sets them instead. */
export function HeadersEditor({ rows, onChange, signatureNames, replacing, error, errorId }: Props) {
  // The transport headers in the table, each name once, as typed.
  const transportNames = [...new Map(rows.filter((r) => isTransportHeader(r.name)).map((r) => [r.name.trim().toLowerCase(), r.name.trim()])).values()];
  const isSignature = (row: HeaderRow) => signatureNames.includes(row.name.trim().toLowerCase());
  return (
    <div className="headers-editor" data-testid="resend-headers">
      {rows.length === 0 ? (
        <p className="muted">No headers.</p>
      ) : (
        <div className="resend-header-rows" role="group" aria-label="Request headers" aria-describedby={error ? errorId : undefined}>
          <HeaderRowsEditor
            rows={rows}
            onChange={onChange}
            testId="resend-header"
            rowClass={(row) =>
              ["resend-header-row", isTransportHeader(row.name) ? "transport" : "", isSignature(row) && replacing ? "replaced" : ""]
                .filter(Boolean)
                .join(" ")
            }
            extra={(row) => <HeaderTags row={row} transport={isTransportHeader(row.name)} signature={isSignature(row)} replacing={replacing} />}
          />
        </div>
      )}
      <FieldError id={errorId} error={error} testId="resend-headers-error" />
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

/** How a row will be sent, when not simply as typed. */
function HeaderTags({ row, transport, signature, replacing }: { row: HeaderRow; transport: boolean; signature: boolean; replacing: boolean }) {
  if (!transport && !signature && !row.binary) return null;
  return (
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
  );
}
