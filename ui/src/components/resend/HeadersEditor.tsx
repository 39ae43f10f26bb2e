import { useState } from "react";
import { revealHeader } from "../../ipc";
import { FieldError } from "../FieldError";
import { HeaderRowsEditor } from "../HeaderRowsEditor";
import { headerRow, isTransportHeader, type HeaderRow } from "./form";

type Props = {
  /** The captured event the rows came from: masked rows reveal from it. */
  eventId: number | null;
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
export function HeadersEditor({ eventId, rows, onChange, signatureNames, replacing, error, errorId }: Props) {
  const [revealError, setRevealError] = useState<string | null>(null);
  // The captured value replaces the mask in the row: from then on it is sent as typed.
  const reveal = (row: HeaderRow) => {
    if (eventId === null || row.source === null) return;
    setRevealError(null);
    revealHeader(eventId, row.source).then(
      (h) => onChange(rows.map((r) => (r.key === row.key ? { ...r, value: h.value, binary: h.binary, masked: false } : r))),
      (err: unknown) => setRevealError(`Could not reveal ${row.name}: ${err instanceof Error ? err.message : String(err)}`),
    );
  };
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
            extra={(row) => (
              <HeaderTags
                row={row}
                transport={isTransportHeader(row.name)}
                signature={isSignature(row)}
                replacing={replacing}
                onReveal={eventId !== null && row.source !== null ? () => reveal(row) : null}
              />
            )}
            locked={(row) => row.masked}
          />
        </div>
      )}
      <FieldError id={errorId} error={error} testId="resend-headers-error" />
      {revealError && (
        <p className="field-error" role="alert" data-testid="resend-header-reveal-error">
          {revealError}
        </p>
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

/** How a row will be sent, when not simply as typed. */
function HeaderTags({
  row,
  transport,
  signature,
  replacing,
  onReveal,
}: {
  row: HeaderRow;
  transport: boolean;
  signature: boolean;
  replacing: boolean;
  onReveal: (() => void) | null;
}) {
  if (!transport && !signature && !row.binary && !row.masked) return null;
  return (
    <div className="resend-header-tags">
      {row.masked && (
        <>
          <span className="tag info" data-testid="header-masked-tag" title="This header carries a secret: the value is not shown, and the captured value is sent">
            masked — sent with the captured value
          </span>
          {onReveal && (
            <button type="button" className="link-button small" data-testid="resend-header-reveal" onClick={onReveal}>
              Reveal to edit
            </button>
          )}
        </>
      )}
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
