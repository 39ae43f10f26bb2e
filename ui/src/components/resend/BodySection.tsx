import { formatSize } from "../../lib/format";
import { BodyEditor } from "./BodyEditor";
import { base64Size, jsonStatusWords } from "./form";
import { Section } from "./Section";
import type { BodyCheck } from "./useResendDraft";

type Props = {
  body: BodyCheck;
  /** Sent unchanged when the body is not text. */
  bodyBase64: string | null;
  /** The captured body as text; null for a new request or a body that is not text. */
  originalText: string | null;
  /** Restoring needs a captured event to restore from. */
  hasSource: boolean;
  onChange: (text: string) => void;
  onRestore: () => void;
  onFormat: () => void;
};

/** The body being edited, with its JSON check, Format and Restore; a body that is not text is only described. */
export function BodySection({ body, bodyBase64, originalText, hasSource, onChange, onRestore, onFormat }: Props) {
  const { text, isJson, status } = body;
  const statusTone = status?.state === "invalid" || status?.state === "too_deep" ? "warn" : status?.state === "valid" ? "ok" : "plain";
  return (
    <Section
      title="Body"
      aside={
        text !== null && (
          <div className="body-tools">
            {hasSource && text !== originalText && originalText !== null && (
              <button type="button" className="secondary-button compact" data-testid="resend-body-restore" onClick={onRestore}>
                Restore original
              </button>
            )}
            {isJson && (
              <button
                type="button"
                className="secondary-button compact"
                data-testid="resend-format"
                disabled={status?.state !== "valid"}
                title="Pretty-print the JSON: only whitespace changes, but the bytes sent do"
                onClick={onFormat}
              >
                Format
              </button>
            )}
          </div>
        )
      }
    >
      {text === null ? (
        <p className="body-note" data-testid="resend-body-binary">
          Binary body, {formatSize(base64Size(bodyBase64 ?? ""))} ({base64Size(bodyBase64 ?? "").toLocaleString()} bytes), sent unchanged:
          it is not text, so it cannot be edited here.
        </p>
      ) : (
        <>
          <p className={`json-status ${statusTone}`} data-testid="resend-json-status" data-state={status?.state ?? "text"} aria-live="polite">
            {status ? jsonStatusWords(status) : "Text body: sent exactly as typed"}
          </p>
          {body.formatWords !== null && (
            <p className="json-status warn" data-testid="resend-format-problem" role="status">
              {body.formatWords}
            </p>
          )}
          <BodyEditor value={text} onChange={onChange} json={body.highlightJson} label="Request body" testId="resend-body" />
        </>
      )}
    </Section>
  );
}
