import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { MAX_TIMES, resend, type Endpoint, type EventView, type SignMode } from "../../ipc";
import { formatSize } from "../../lib/format";
import { FieldError } from "../FieldError";
import { Modal } from "../Modal";
import { schemeName } from "../verdictText";
import { BodyDiff } from "./BodyDiff";
import { BodyEditor } from "./BodyEditor";
import { base64Size, filledHeaders, jsonStatusWords, METHODS, SPEED_PRESETS, type PatternKind, type ResendForm } from "./form";
import { Choice } from "./Choice";
import { DeliveryRuleNote } from "./DeliveryRuleNote";
import { HeaderDiffTable } from "./HeaderDiffTable";
import { HeadersEditor } from "./HeadersEditor";
import { SendProgressView } from "./SendProgressView";
import { TargetUrlInput } from "./TargetUrlInput";
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

type Tab = "request" | "changes";

/** A message from the core ("endpoint … has no secret") ended as a sentence. */
const ended = (text: string) => (/[.!?…]$/.test(text) ? text : `${text}.`);

function Section({ title, aside, children, testId }: { title: string; aside?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className="resend-section" aria-label={title} data-testid={testId}>
      <div className="section-head">
        <h3>{title}</h3>
        {aside}
      </div>
      {children}
    </section>
  );
}

/**
 * Edit a captured request (or write a new one) and send it to a handler:
 * method, URL, headers, body, how it is signed and how often it is sent.
 * It stays open after a send, so the user can tweak and send again.
 */
export function ResendEditor({ source, endpoints, onClose }: Props) {
  const draft = useResendDraft(source, endpoints);
  const { form, errors, original, methodOther, recent, schedules, urlError, hasErrors, confirmClose, edit } = draft;
  const { info, error: signError, loading: signLoading, signatureNames, replacing, eventEndpointId, shownEndpointId, secrets } = draft.signing;
  const { text, isJson, status, highlightJson, changed: bodyChanged, formatWords } = draft.body;
  const { headerRows, count: changeCount } = draft.changes;
  const { schedule, speed, preview } = draft.pattern;
  const [tab, setTab] = useState<Tab>("request");
  const progressRef = useRef<HTMLDivElement>(null);
  const keepEditingRef = useRef<HTMLButtonElement>(null);
  const { state: send, start, cancel } = useSend();
  const running = send.status === "running";
  const uid = useId();
  const ids = (f: string) => ({ input: `${uid}-${f}`, error: `${uid}-${f}-error` });
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
          <div className="request-line">
            <label className="field method-field">
              Method
              <select
                value={methodOther ? "" : form.method}
                data-testid="resend-method"
                aria-invalid={errors.method ? true : undefined}
                onChange={(e) => draft.pickMethod(e.target.value)}
              >
                {METHODS.map((m) => (
                  <option key={m} value={m}>
                    {m}
                  </option>
                ))}
                <option value="">Other…</option>
              </select>
            </label>
            {methodOther && (
              <label className="field method-other">
                Other method
                <input
                  className="mono"
                  value={form.method}
                  spellCheck={false}
                  autoComplete="off"
                  data-testid="resend-method-other"
                  aria-invalid={errors.method ? true : undefined}
                  aria-describedby={errors.method ? ids("method").error : undefined}
                  onChange={(e) => edit({ method: e.target.value }, "method")}
                />
              </label>
            )}
            <label className="field grow">
              Target URL
              <TargetUrlInput
                id={ids("url").input}
                value={form.url}
                recent={recent}
                testId="resend-url"
                errorId={urlError ? ids("url").error : null}
                onChange={draft.typeUrl}
                onBlur={draft.leaveUrl}
              />
            </label>
          </div>
          <FieldError id={ids("method").error} error={errors.method} testId="resend-method-error" />
          <FieldError id={ids("url").error} error={urlError} testId="resend-url-error" />

          {source && (
            <div
              className="tabs"
              role="tablist"
              aria-label="Request views"
              onKeyDown={(e) => {
                if (e.key !== "ArrowLeft" && e.key !== "ArrowRight" && e.key !== "Home" && e.key !== "End") return;
                e.preventDefault();
                const next: Tab = e.key === "Home" ? "request" : e.key === "End" ? "changes" : tab === "request" ? "changes" : "request";
                setTab(next);
                document.getElementById(`${uid}-tab-${next}`)?.focus();
              }}
            >
              <button
                type="button"
                role="tab"
                id={`${uid}-tab-request`}
                tabIndex={tab === "request" ? 0 : -1}
                aria-selected={tab === "request"}
                aria-controls={`${uid}-panel`}
                className={tab === "request" ? "tab selected" : "tab"}
                data-testid="resend-edit-tab"
                onClick={() => setTab("request")}
              >
                Request
              </button>
              <button
                type="button"
                role="tab"
                id={`${uid}-tab-changes`}
                tabIndex={tab === "changes" ? 0 : -1}
                aria-selected={tab === "changes"}
                aria-controls={`${uid}-panel`}
                className={tab === "changes" ? "tab selected" : "tab"}
                data-testid="resend-diff"
                onClick={() => setTab("changes")}
              >
                Changes{" "}
                <span className={changeCount > 0 ? "tab-count active" : "tab-count"} data-testid="resend-change-count">
                  {changeCount === 0 ? "none" : changeCount}
                </span>
              </button>
            </div>
          )}

          <div
            className={source ? "resend-panel" : "resend-panel untabbed"}
            {...(source ? { role: "tabpanel", id: `${uid}-panel`, "aria-labelledby": `${uid}-tab-${tab}` } : {})}
          >
            {tab === "request" || !source ? (
              <>
                <Section
                  title="Body"
                  aside={
                    text !== null && (
                      <div className="body-tools">
                        {source && text !== original.bodyText && original.bodyText !== null && (
                          <button
                            type="button"
                            className="secondary-button compact"
                            data-testid="resend-body-restore"
                            onClick={() => edit({ bodyText: original.bodyText })}
                          >
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
                            onClick={draft.format}
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
                      Binary body, {formatSize(base64Size(form.bodyBase64 ?? ""))} ({base64Size(form.bodyBase64 ?? "").toLocaleString()} bytes),
                      sent unchanged: it is not text, so it cannot be edited here.
                    </p>
                  ) : (
                    <>
                      <p
                        className={`json-status ${status?.state === "invalid" || status?.state === "too_deep" ? "warn" : status?.state === "valid" ? "ok" : "plain"}`}
                        data-testid="resend-json-status"
                        data-state={status?.state ?? "text"}
                        aria-live="polite"
                      >
                        {status ? jsonStatusWords(status) : "Text body: sent exactly as typed"}
                      </p>
                      {formatWords !== null && (
                        <p className="json-status warn" data-testid="resend-format-problem" role="status">
                          {formatWords}
                        </p>
                      )}
                      <BodyEditor
                        value={text}
                        onChange={(next) => edit({ bodyText: next })}
                        json={highlightJson}
                        label="Request body"
                        testId="resend-body"
                      />
                    </>
                  )}
                </Section>
                <Section title={`Headers (${filledHeaders(form.headers).length})`}>
                  <HeadersEditor
                    eventId={form.eventId}
                    rows={form.headers}
                    onChange={(rows) => edit({ headers: rows }, "headers")}
                    signatureNames={signatureNames}
                    replacing={replacing}
                    error={errors.headers}
                    errorId={ids("headers").error}
                  />
                </Section>
              </>
            ) : (
              <div data-testid="resend-diff-view">
                <Section title="Body">
                  {text === null ? (
                    <p className="muted">Binary body: sent unchanged.</p>
                  ) : !bodyChanged ? (
                    <p className="muted" data-testid="resend-body-unchanged">
                      The body is unchanged.
                    </p>
                  ) : (
                    <BodyDiff original={original.bodyText ?? ""} edited={text} json={highlightJson} />
                  )}
                </Section>
                <Section title="Headers">
                  {replacing && signatureNames.length > 0 && (
                    <p className="muted small">
                      Rows marked “re-signed” are written again for every attempt, whatever they say here.
                    </p>
                  )}
                  <HeaderDiffTable rows={headerRows} replaced={replacing ? signatureNames : []} />
                </Section>
              </div>
            )}
          </div>
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
