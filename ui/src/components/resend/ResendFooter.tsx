import { useEffect, useRef } from "react";
import type { SignMode } from "../../ipc";
import type { ResendForm } from "./form";
import type { SendState } from "./useSend";

const signWords: Record<SignMode, string> = {
  resign: "re-signed",
  keep: "headers kept",
  missign: "mis-signed",
  stale: "stale timestamp",
};

type Props = {
  form: Pick<ResendForm, "method" | "url" | "signMode" | "pattern" | "count">;
  /** A new request's "keep" sends no signature at all. */
  hasSource: boolean;
  /** The retry schedule chosen, by name. */
  scheduleName: string | undefined;
  hasErrors: boolean;
  signLoading: boolean;
  send: SendState;
  /** Asking whether to discard unsent edits, in place of the buttons. */
  confirmClose: boolean;
  onKeepEditing: () => void;
  onDiscard: () => void;
  onCancel: () => void;
  onSend: () => void;
};

/** What Send will do, in one line, and the buttons; or the question whether to discard unsent edits. */
export function ResendFooter({ form, hasSource, scheduleName, hasErrors, signLoading, send, confirmClose, onKeepEditing, onDiscard, onCancel, onSend }: Props) {
  const keepEditingRef = useRef<HTMLButtonElement>(null);
  const running = send.status === "running";

  // The question replaces the buttons: focus goes to the safe answer.
  useEffect(() => {
    if (confirmClose) keepEditingRef.current?.focus();
  }, [confirmClose]);

  return (
    <div className="modal-foot">
      {confirmClose ? (
        <div className="foot-actions" role="alertdialog" aria-label="Discard edits">
          <span className="foot-left warn-text">Close and discard the edits you have not sent?</span>
          <button type="button" className="secondary-button" ref={keepEditingRef} data-testid="resend-keep-editing" onClick={onKeepEditing}>
            Keep editing
          </button>
          <button type="button" className="danger-button" data-testid="resend-discard" onClick={onDiscard}>
            Discard and close
          </button>
        </div>
      ) : (
        <div className="foot-actions">
          <span className="foot-left small muted send-summary">
            {hasErrors ? (
              <span className="error-text" role="alert">
                Fix what is marked above to send.
              </span>
            ) : running ? (
              "Closing keeps it going: every attempt is listed under the event."
            ) : signLoading ? (
              "Checking how it would be signed…"
            ) : (
              <>
                {form.method.trim() || "?"} → <span className="mono">{form.url.trim() || "…"}</span> ·{" "}
                {!hasSource && form.signMode === "keep" ? "unsigned" : signWords[form.signMode]} ·{" "}
                {form.pattern === "once" ? "once" : form.pattern === "times" ? `${form.count.trim()} times` : `${scheduleName ?? "retry"} schedule`}
              </>
            )}
          </span>
          {running && (
            <button type="button" className="secondary-button" data-testid="resend-cancel" disabled={send.cancelling} onClick={onCancel}>
              {send.cancelling ? "Cancelling…" : "Cancel"}
            </button>
          )}
          <button type="button" className="primary-button" data-testid="resend-send" disabled={running || signLoading} title="Send (Ctrl+Enter)" onClick={onSend}>
            {running ? "Sending…" : send.status === "idle" ? "Send" : "Send again"}
          </button>
        </div>
      )}
    </div>
  );
}
