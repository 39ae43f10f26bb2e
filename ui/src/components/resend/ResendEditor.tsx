import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from "react";
import { MAX_TIMES, resend, type Endpoint, type EventView, type SignMode } from "../../ipc";
import { FieldError } from "../FieldError";
import { Modal } from "../Modal";
import { schemeName } from "../verdictText";
import { BodySection } from "./BodySection";
import { ChangesView } from "./ChangesView";
import { filledHeaders, SPEED_PRESETS, type PatternKind, type ResendForm } from "./form";
import { Choice } from "./Choice";
import { DeliveryRuleNote } from "./DeliveryRuleNote";
import { HeadersEditor } from "./HeadersEditor";
import { RequestLine } from "./RequestLine";
import { RequestViews } from "./RequestViews";
import { fieldIds, Section } from "./Section";
import { SendProgressView } from "./SendProgressView";
import { useResendDraft } from "./useResendDraft";
import { useSend } from "./useSend";
import { speedWords } from "./words";
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

const SIGN_OPTIONS: { mode: SignMode; label: string; help: string }[] = [
  { mode: "resign", label: "Re-sign", help: "Fresh signature, timestamp and id for this body." },
  { mode: "keep", label: "Keep original headers", help: "Sent as in the table: an edited body fails the check." },
  { mode: "missign", label: "Mis-sign", help: "A wrong signature, to test the rejection path." },
  { mode: "stale", label: "Stale timestamp", help: "Signed, but an hour past the timestamp tolerance." },
];

/** For a new request there are no original headers: "keep" sends the rows as typed. */
const BLANK_KEEP = { mode: "keep" as const, label: "Headers as typed", help: "Sent exactly as in the table, not signed." };

const signWords: Record<SignMode, string> = {
  resign: "re-signed",
  keep: "headers kept",
  missign: "mis-signed",
  stale: "stale timestamp",
};

/** A message from the core ("endpoint … has no secret") ended as a sentence. */
const ended = (text: string) => (/[.!?…]$/.test(text) ? text : `${text}.`);

/**
 * Edit a captured request (or write a new one) and send it to a handler:
 * method, URL, headers, body, how it is signed and how often it is sent.
 * It stays open after a send, so the user can tweak and send again.
 */
export function ResendEditor({ source, endpoints, onClose }: Props) {
  const draft = useResendDraft(source, endpoints);
  const { form, errors, signing, body, schedules, hasErrors, confirmClose, edit } = draft;
  const { info, error: signError, loading: signLoading, eventEndpointId, shownEndpointId, secrets } = signing;
  const { schedule, speed, preview } = draft.pattern;
  const progressRef = useRef<HTMLDivElement>(null);
  const keepEditingRef = useRef<HTMLButtonElement>(null);
  const { state: send, start, cancel } = useSend();
  const running = send.status === "running";
  const uid = useId();
  const ids = fieldIds(uid);
  const { reloadTargets } = draft;

  // The question replaces the buttons: focus goes to the safe answer.
  useEffect(() => {
    if (confirmClose) keepEditingRef.current?.focus();
  }, [confirmClose]);

  // Keep what was sent in view as attempts land.
  useEffect(() => {
    if (send.status !== "idle") progressRef.current?.scrollIntoView?.({ block: "nearest" });
  }, [send.status, send.attempts.length, send.waiting]);

  // A send records its URL: offer it next time.
  useEffect(() => {
    if (send.status === "finished") reloadTargets();
  }, [send.status, reloadTargets]);

  const onSend = () => {
    if (running || signLoading) return;
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
  const signOptions = source ? SIGN_OPTIONS : SIGN_OPTIONS.map((o) => (o.mode === "keep" ? BLANK_KEEP : o));

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
          <fieldset className="resend-fieldset" data-testid="resend-signing" aria-busy={signLoading || undefined}>
            <legend>Signing</legend>
            <div className="field-row">
              <label className="field grow">
                Endpoint
                <select
                  value={shownEndpointId ?? ""}
                  data-testid="resend-sign-endpoint"
                  onChange={(e) => draft.pickSignEndpoint(e.target.value)}
                >
                  {shownEndpointId === null && <option value="">None chosen</option>}
                  {endpoints.map((e) => (
                    <option key={e.id} value={e.id}>
                      {e.name}
                      {e.id === eventEndpointId ? " (event's)" : ""}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field grow">
                Secret
                <select
                  value={form.secretLabel ?? ""}
                  disabled={secrets.length === 0}
                  data-testid="resend-sign-secret"
                  onChange={(e) => draft.pickSecret(e.target.value || null)}
                >
                  {secrets.length === 0 && <option value="">{signLoading ? "…" : "No secret"}</option>}
                  {secrets.map((label, i) => (
                    <option key={label} value={label}>
                      {label}
                      {i === secrets.length - 1 && secrets.length > 1 ? " (newest)" : ""}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            {signLoading ? (
              <p className="muted small scheme-line" data-testid="resend-sign-loading" role="status">
                Checking how it would be signed…
              </p>
            ) : (
              <>
                <p className="muted small scheme-line" data-testid="resend-scheme">
                  {info?.scheme
                    ? `Scheme: ${schemeName(info.scheme.kind)}${info.assumed ? " (assumed construction)" : ""}`
                    : signError
                      ? "Signing is unknown."
                      : shownEndpointId === null
                        ? "No endpoint chosen to sign with."
                        : "No signature scheme for this endpoint."}
                </p>
                {signError && (
                  <p className="small warn-text" data-testid="resend-sign-error" role="alert">
                    Could not check how it would be signed: {ended(signError)} The headers can still be sent as they are.
                  </p>
                )}
                <div className="choice-list" role="radiogroup" aria-label="How to sign">
                  {signOptions.map((o) => (
                    <Choice
                      key={o.mode}
                      name={`${uid}-sign`}
                      value={o.mode}
                      checked={form.signMode === o.mode}
                      disabled={signError !== null && o.mode !== "keep"}
                      testId={`sign-${o.mode}`}
                      onPick={() => draft.pickSignMode(o.mode)}
                      label={o.label}
                      help={o.help}
                      note={
                        o.mode === "stale" &&
                        info?.scheme &&
                        !info.signsTimestamp && (
                          <span className="choice-help warn-text" data-testid="sign-stale-warning">
                            {schemeName(info.scheme.kind)} signs no timestamp whose age is checked, so a stale one cannot be tested.
                          </span>
                        )
                      }
                    />
                  ))}
                </div>
                {form.signMode === "keep" && info?.problem && (
                  <p className="muted small" data-testid="resend-sign-reason">
                    Not re-signed: {ended(info.problem)}
                  </p>
                )}
                {form.signMode !== "keep" && info?.problem && (
                  <p className="small warn-text" data-testid="resend-sign-problem">
                    Cannot sign: {ended(info.problem)}
                  </p>
                )}
              </>
            )}
            {draft.signing.keptSignatureBroken && (
              <p className="small warn-text" data-testid="resend-keep-warning">
                The body was edited: the original signature no longer matches it.
              </p>
            )}
          </fieldset>

          <fieldset className="resend-fieldset" data-testid="resend-pattern">
            <legend>Delivery</legend>
            {info && <DeliveryRuleNote rule={info.delivery} />}
            <div className="choice-list" role="radiogroup" aria-label="How often to send">
              <PatternChoice kind="once" form={form} uid={uid} onPick={(pattern) => edit({ pattern })} label="Once" />
              <PatternChoice
                kind="times"
                form={form}
                uid={uid}
                onPick={(pattern) => edit({ pattern })}
                label="Same event id, N times"
                help="Duplicate delivery: one message id, back to back."
              >
                <label className="field inline">
                  Times
                  <input
                    className="narrow"
                    type="number"
                    min={1}
                    max={MAX_TIMES}
                    value={form.count}
                    data-testid="pattern-count"
                    aria-invalid={errors.count ? true : undefined}
                    aria-describedby={errors.count ? ids("count").error : undefined}
                    onFocus={() => form.pattern !== "times" && edit({ pattern: "times" })}
                    onChange={(e) => edit({ count: e.target.value, pattern: "times" }, "count")}
                  />
                </label>
                <FieldError id={ids("count").error} error={errors.count} testId="pattern-count-error" />
              </PatternChoice>
              <PatternChoice
                kind="schedule"
                form={form}
                uid={uid}
                onPick={(pattern) => edit({ pattern })}
                label="A provider's retry schedule"
                help="Time compressed; stops at the first delivery by the rule above."
              >
                {schedules === null ? (
                  <p className="muted small">Loading schedules…</p>
                ) : schedules.length === 0 ? (
                  <p className="muted small">No retry schedules are known.</p>
                ) : (
                  <>
                    <div className="schedule-controls">
                      <label className="field inline">
                        Provider
                        <select
                          value={form.scheduleProvider}
                          data-testid="pattern-provider"
                          onChange={(e) => edit({ scheduleProvider: e.target.value, pattern: "schedule" }, "schedule")}
                        >
                          {schedules.map((s) => (
                            <option key={s.preset} value={s.preset}>
                              {s.name}
                            </option>
                          ))}
                        </select>
                      </label>
                      <label className="field inline">
                        Speed
                        <input
                          className="narrow"
                          inputMode="decimal"
                          value={form.speed}
                          data-testid="pattern-speed"
                          aria-invalid={errors.speed ? true : undefined}
                          aria-describedby={errors.speed ? ids("speed").error : undefined}
                          onChange={(e) => edit({ speed: e.target.value, pattern: "schedule" }, "speed")}
                        />
                        ×
                      </label>
                    </div>
                    <div className="speed-presets" role="group" aria-label="Speed presets">
                      {SPEED_PRESETS.map((p) => (
                        <button
                          key={p}
                          type="button"
                          className={speed === p ? "secondary-button compact pressed" : "secondary-button compact"}
                          aria-pressed={speed === p}
                          data-testid={`pattern-speed-${p}`}
                          onClick={() => edit({ speed: String(p), pattern: "schedule" }, "speed")}
                        >
                          {speedWords(p)}
                        </button>
                      ))}
                    </div>
                    <FieldError id={ids("speed").error} error={errors.speed} testId="pattern-speed-error" />
                    <FieldError id={ids("schedule").error} error={errors.schedule} testId="pattern-schedule-error" />
                    {preview && schedule && (
                      <div className="schedule-preview" data-testid="pattern-preview">
                        <p>{preview.summary}</p>
                        <p className="muted small">Waits: {preview.waits.join(", ")}</p>
                        {schedule.assumed && (
                          <p className="small">
                            <span className="tag warn" data-testid="pattern-assumed">
                              assumed waits
                            </span>{" "}
                            <span className="muted">{schedule.source}</span>
                          </p>
                        )}
                      </div>
                    )}
                  </>
                )}
              </PatternChoice>
            </div>
          </fieldset>

          <section className="resend-section send-section" aria-label="Sent" ref={progressRef} data-testid="resend-progress">
            <h3>Sent</h3>
            <SendProgressView state={send} idleText="Nothing sent yet. Each send is also listed under the event." />
          </section>
        </div>
      </div>

      <div className="modal-foot">
        {confirmClose ? (
          <div className="foot-actions" role="alertdialog" aria-label="Discard edits">
            <span className="foot-left warn-text">Close and discard the edits you have not sent?</span>
            <button type="button" className="secondary-button" ref={keepEditingRef} data-testid="resend-keep-editing" onClick={draft.keepEditing}>
              Keep editing
            </button>
            <button type="button" className="danger-button" data-testid="resend-discard" onClick={onClose}>
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
                  {!source && form.signMode === "keep" ? "unsigned" : signWords[form.signMode]} ·{" "}
                  {form.pattern === "once" ? "once" : form.pattern === "times" ? `${form.count.trim()} times` : `${schedule?.name ?? "retry"} schedule`}
                </>
              )}
            </span>
            {running && (
              <button type="button" className="secondary-button" data-testid="resend-cancel" disabled={send.cancelling} onClick={cancel}>
                {send.cancelling ? "Cancelling…" : "Cancel"}
              </button>
            )}
            <button
              type="button"
              className="primary-button"
              data-testid="resend-send"
              disabled={running || signLoading}
              title="Send (Ctrl+Enter)"
              onClick={onSend}
            >
              {running ? "Sending…" : send.status === "idle" ? "Send" : "Send again"}
            </button>
          </div>
        )}
      </div>
    </Modal>
  );
}

function PatternChoice({
  kind,
  form,
  uid,
  onPick,
  label,
  help,
  children,
}: {
  kind: PatternKind;
  form: ResendForm;
  uid: string;
  onPick: (kind: PatternKind) => void;
  label: string;
  help?: string;
  children?: ReactNode;
}) {
  const selected = form.pattern === kind;
  return (
    <div className={selected ? "choice selected" : "choice"}>
      <Choice
        className="choice-main"
        name={`${uid}-pattern`}
        value={kind}
        checked={selected}
        testId={`pattern-${kind}`}
        onPick={() => onPick(kind)}
        label={label}
        help={help}
      />
      {children && selected && <div className="choice-extra">{children}</div>}
    </div>
  );
}
