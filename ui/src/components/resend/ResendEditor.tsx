import { useEffect, useId, useRef, type KeyboardEvent } from "react";
import { resend, type Endpoint, type EventView } from "../../ipc";
import { Modal } from "../Modal";
import { BodySection } from "./BodySection";
import { ChangesView } from "./ChangesView";
import { filledHeaders } from "./form";
import { HeadersEditor } from "./HeadersEditor";
import { PatternFieldset } from "./PatternFieldset";
import { RequestLine } from "./RequestLine";
import { RequestViews } from "./RequestViews";
import { ResendFooter } from "./ResendFooter";
import { fieldIds, Section } from "./Section";
import { SendProgressView } from "./SendProgressView";
import { SigningFieldset } from "./SigningFieldset";
import { useResendDraft } from "./useResendDraft";
import { useSend } from "./useSend";
import "../detail/controls.css";
import "../detail/detail.css";
import "../forms.css";
import "./resend.css";

type Props = {
  /** The captured event to start from; null for a new, blank request. */
  source: EventView | null;
  endpoints: readonly Endpoint[];
  onClose: () => void;
};

/**
 * Edit a captured request (or write a new one) and send it to a handler:
 * method, URL, headers, body, how it is signed and how often it is sent.
 * It stays open after a send, so the user can tweak and send again.
 */
export function ResendEditor({ source, endpoints, onClose }: Props) {
  const draft = useResendDraft(source, endpoints);
  const { form, errors, signing, body, reloadTargets } = draft;
  const { state: send, start, cancel } = useSend();
  const running = send.status === "running";
  const progressRef = useRef<HTMLDivElement>(null);
  const uid = useId();
  const ids = fieldIds(uid);

  // Keep what was sent in view as attempts land.
  useEffect(() => {
    if (send.status !== "idle") progressRef.current?.scrollIntoView?.({ block: "nearest" });
  }, [send.status, send.attempts.length, send.waiting]);

  // A send records its URL: offer it next time.
  useEffect(() => {
    if (send.status === "finished") reloadTargets();
  }, [send.status, reloadTargets]);

  const onSend = () => {
    if (running || signing.loading) return;
    const spec = draft.checkForSend();
    if (!spec) return;
    const eventId = form.eventId;
    start(
      (onProgress) => resend(spec, onProgress),
      (run) => run.outcome ?? "Finished.",
      () => [eventId],
    );
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      onSend();
    }
  };

  const title = source ? `Resend ${source.summary.method} ${source.summary.path}` : "New request";

  return (
    <Modal
      title={title}
      className="resend-editor form-dialog"
      testId="resend-editor"
      closeTestId="resend-close"
      onClose={() => {
        if (!draft.holdClose()) onClose();
      }}
      onEscape={draft.holdClose}
    >
      <div className="resend-layout" onKeyDown={onKeyDown}>
        <div className="resend-main">
          <RequestLine
            method={form.method}
            methodOther={draft.methodOther}
            url={form.url}
            recent={draft.recent}
            errors={errors}
            urlError={draft.urlError}
            ids={ids}
            onPickMethod={draft.pickMethod}
            onTypeMethod={(method) => draft.edit({ method }, "method")}
            onTypeUrl={draft.typeUrl}
            onLeaveUrl={draft.leaveUrl}
          />
          <RequestViews
            uid={uid}
            tabbed={source !== null}
            changeCount={draft.changes.count}
            request={
              <>
                <BodySection
                  body={body}
                  bodyBase64={form.bodyBase64}
                  originalText={draft.original.bodyText}
                  hasSource={source !== null}
                  onChange={(bodyText) => draft.edit({ bodyText })}
                  onRestore={() => draft.edit({ bodyText: draft.original.bodyText })}
                  onFormat={draft.format}
                />
                <Section title={`Headers (${filledHeaders(form.headers).length})`}>
                  <HeadersEditor
                    eventId={form.eventId}
                    rows={form.headers}
                    onChange={(rows) => draft.edit({ headers: rows }, "headers")}
                    signatureNames={signing.signatureNames}
                    replacing={signing.replacing}
                    error={errors.headers}
                    errorId={ids("headers").error}
                  />
                </Section>
              </>
            }
            changes={
              <ChangesView
                body={body}
                originalText={draft.original.bodyText}
                headerRows={draft.changes.headerRows}
                replacing={signing.replacing}
                signatureNames={signing.signatureNames}
              />
            }
          />
        </div>

        <div className="resend-side">
          <SigningFieldset
            uid={uid}
            hasSource={source !== null}
            endpoints={endpoints}
            signing={signing}
            signMode={form.signMode}
            secretLabel={form.secretLabel}
            onPickEndpoint={draft.pickSignEndpoint}
            onPickSecret={draft.pickSecret}
            onPickMode={draft.pickSignMode}
          />
          <PatternFieldset
            uid={uid}
            ids={ids}
            form={form}
            errors={errors}
            schedules={draft.schedules}
            pattern={draft.pattern}
            rule={signing.info?.delivery ?? null}
            onEdit={draft.edit}
          />
          <section className="resend-section send-section" aria-label="Sent" ref={progressRef} data-testid="resend-progress">
            <h3>Sent</h3>
            <SendProgressView state={send} idleText="Nothing sent yet. Each send is also listed under the event." />
          </section>
        </div>
      </div>

      <ResendFooter
        form={form}
        hasSource={source !== null}
        scheduleName={draft.pattern.schedule?.name}
        hasErrors={draft.hasErrors}
        signLoading={signing.loading}
        send={send}
        confirmClose={draft.confirmClose}
        onKeepEditing={draft.keepEditing}
        onDiscard={onClose}
        onCancel={cancel}
        onSend={onSend}
      />
    </Modal>
  );
}
