import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import {
  listSchedules,
  MAX_TIMES,
  recentTargets,
  resend,
  signingInfo,
  type Endpoint,
  type EventView,
  type ScheduleInfo,
  type SigningInfo,
  type SignMode,
} from "../../ipc";
import { formatSize } from "../../lib/format";
import { prettyFallbackWords, prettyJson } from "../detail/body";
import { FieldError } from "../FieldError";
import { Modal } from "../Modal";
import { schemeName } from "../verdictText";
import { BodyDiff } from "./BodyDiff";
import { BodyEditor } from "./BodyEditor";
import {
  base64Size,
  expectsJson,
  filledHeaders,
  formFrom,
  headerDiff,
  headerValue,
  jsonStatus,
  jsonStatusWords,
  METHODS,
  originalOf,
  pickSchedule,
  SPEED_PRESETS,
  specFrom,
  urlProblem,
  type Field,
  type FieldErrors,
  type PatternKind,
  type ResendForm,
} from "./form";
import { Choice } from "./Choice";
import { DeliveryRuleNote } from "./DeliveryRuleNote";
import { HeaderDiffTable } from "./HeaderDiffTable";
import { HeadersEditor } from "./HeadersEditor";
import { SendProgressView } from "./SendProgressView";
import { TargetUrlInput } from "./TargetUrlInput";
import { useSend } from "./useSend";
import { schedulePreview, speedWords } from "./words";
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

/** The core's answer on how the chosen endpoint signs, for the endpoint it was asked about. */
type SignAnswer = { endpointId: number | null } & ({ info: SigningInfo; error?: never } | { info?: never; error: string });

/** Bodies above this size are checked as JSON after typing pauses, not on every key. */
const CHECK_NOW_LIMIT = 256 * 1024;

function useSettled<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (delayMs === 0) {
      setSettled(value);
      return;
    }
    const id = window.setTimeout(() => setSettled(value), delayMs);
    return () => window.clearTimeout(id);
  }, [value, delayMs]);
  return delayMs === 0 ? value : settled;
}

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
  const [form, setForm] = useState<ResendForm>(() => formFrom(source, { recentTargets: [] }));
  const original = useMemo(() => originalOf(source), [source]);
  const [recent, setRecent] = useState<string[]>([]);
  const [schedules, setSchedules] = useState<ScheduleInfo[] | null>(null);
  const [methodOther, setMethodOther] = useState(() => !(METHODS as readonly string[]).includes(form.method));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [urlChecked, setUrlChecked] = useState(false);
  const [tab, setTab] = useState<Tab>("request");
  const [dirty, setDirty] = useState(false);
  const [confirmClose, setConfirmClose] = useState(false);
  const [signAnswer, setSignAnswer] = useState<SignAnswer | null>(null);
  // Why the last Format left the body as it was; for that text only.
  const [formatProblem, setFormatProblem] = useState<{ text: string; words: string } | null>(null);
  const signChosen = useRef(false);
  const urlTyped = useRef(false);
  const progressRef = useRef<HTMLDivElement>(null);
  const keepEditingRef = useRef<HTMLButtonElement>(null);
  const { state: send, start, cancel } = useSend();
  const running = send.status === "running";
  const uid = useId();
  const ids = (f: string) => ({ input: `${uid}-${f}`, error: `${uid}-${f}-error` });

  const provider = source?.summary.provider ?? null;

  const loadTargets = () =>
    recentTargets().then(
      (list) => {
        setRecent(list);
        // The last target is the likeliest next one, until the user types.
        setForm((f) => (urlTyped.current || f.url !== "" || !list[0] ? f : { ...f, url: list[0] }));
      },
      () => {}, // suggestions are a help, not a requirement
    );

  useEffect(() => {
    void loadTargets();
    listSchedules().then(
      (list) => {
        setSchedules(list);
        setForm((f) => ({ ...f, scheduleProvider: pickSchedule(list, provider, f.scheduleProvider) }));
      },
      () => setSchedules([]),
    );
  }, []);

  // How the chosen endpoint (null: the event's own) signs: asked of the core on
  // opening and whenever the endpoint changes. Its default mode holds until
  // the user picks one; its newest secret is offered first.
  useEffect(() => {
    let live = true;
    const endpointId = form.signEndpointId;
    signingInfo(form.eventId, endpointId).then(
      (info) => {
        if (!live) return;
        setSignAnswer({ endpointId, info });
        setForm((f) => ({
          ...f,
          signMode: signChosen.current ? f.signMode : info.defaultMode,
          secretLabel: info.secretLabels[info.secretLabels.length - 1] ?? null,
        }));
      },
      (err: unknown) => {
        if (!live) return;
        setSignAnswer({ endpointId, error: err instanceof Error ? err.message : String(err) });
        // Nothing is known about signing: only the headers as they are can be sent.
        setForm((f) => ({ ...f, signMode: "keep", secretLabel: null }));
      },
    );
    return () => {
      live = false;
    };
  }, [form.eventId, form.signEndpointId]);

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
    if (send.status === "finished") void loadTargets();
  }, [send.status]);

  const edit = (change: Partial<ResendForm>, field?: Field) => {
    setForm((f) => ({ ...f, ...change }));
    setDirty(true);
    setConfirmClose(false);
    if (field) setErrors((e) => (e[field] ? { ...e, [field]: undefined } : e));
  };

  // Signing: what the core answered for the endpoint chosen now (an older answer is not shown).
  const answer = signAnswer?.endpointId === form.signEndpointId ? signAnswer : null;
  const info = answer?.info ?? null;
  const signError = answer?.error ?? null;
  const signLoading = answer === null;
  const signatureNames = useMemo(() => (info?.headers ?? []).map((n) => n.toLowerCase()), [info]);
  const replacing = form.signMode !== "keep";
  const eventEndpointId = source?.summary.endpointId ?? null;
  const eventEndpoint = endpoints.find((e) => e.id === eventEndpointId);
  // null signs with the event's own endpoint: the select shows it.
  const shownEndpointId = form.signEndpointId ?? eventEndpoint?.id ?? null;

  const onSignEndpoint = (value: string) => {
    const picked = value === "" ? null : Number(value);
    // Back to the event's own endpoint is "the event's" again, as it opened.
    const id = picked !== null && picked === eventEndpoint?.id ? null : picked;
    setForm((f) => (f.signEndpointId === id ? f : { ...f, signEndpointId: id, secretLabel: null }));
  };

  // Body
  const contentType = headerValue(form.headers, "content-type");
  const text = form.bodyText;
  const isJson = text !== null && expectsJson(contentType, original.bodyText, text);
  const settledText = useSettled(text ?? "", (text?.length ?? 0) > CHECK_NOW_LIMIT ? 400 : 0);
  const status = useMemo(() => (isJson ? jsonStatus(settledText) : null), [isJson, settledText]);
  // The editor's JSON mode is what would choke on a hostile body: plain text past the depth cap.
  const highlightJson = isJson && status?.state !== "too_deep";
  const bodyChanged = text !== original.bodyText;
  const formatWords = formatProblem !== null && formatProblem.text === text ? formatProblem.words : null;

  const onFormat = () => {
    if (text === null) return;
    const pretty = prettyJson(text);
    if (pretty.ok) edit({ bodyText: pretty.text });
    else setFormatProblem({ text, words: prettyFallbackWords(pretty) ?? `Not formatted: ${pretty.error}.` });
  };

  // Changes
  const headerRows = useMemo(() => headerDiff(original.headers, filledHeaders(form.headers)), [original.headers, form.headers]);
  const changeCount = headerRows.filter((r) => r.kind !== "same").length + (bodyChanged ? 1 : 0);

  // Pattern
  const schedule = schedules?.find((s) => s.preset === form.scheduleProvider);
  const speed = Number(form.speed.trim().replace(/[x×]$/i, ""));
  const preview = schedule ? schedulePreview(schedule, speed) : null;

  const onSend = () => {
    if (running || signLoading) return;
    const built = specFrom(form);
    setUrlChecked(true);
    if ("errors" in built) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    setDirty(false);
    setConfirmClose(false);
    const eventId = form.eventId;
    start(
      (onProgress) => resend(built.spec, onProgress),
      (run) => run.outcome ?? "Finished.",
      () => [eventId],
    );
  };

  const requestClose = () => {
    if (dirty && !confirmClose) setConfirmClose(true);
    else onClose();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      onSend();
    }
  };

  // Checked live once the field was left (or a send tried); an empty field only complains on Send.
  const urlError = errors.url ?? (urlChecked && form.url.trim() !== "" ? (urlProblem(form.url) ?? undefined) : undefined);
  const hasErrors = Object.values(errors).some((v) => v !== undefined);
  const title = source ? `Resend ${source.summary.method} ${source.summary.path}` : "New request";
  const secrets = info?.secretLabels ?? [];
  const signOptions = source ? SIGN_OPTIONS : SIGN_OPTIONS.map((o) => (o.mode === "keep" ? BLANK_KEEP : o));

  return (
    <Modal
      title={title}
      className="resend-editor form-dialog"
      testId="resend-editor"
      closeTestId="resend-close"
      onClose={requestClose}
      onEscape={() => {
        if (dirty && !confirmClose) {
          setConfirmClose(true);
          return true;
        }
        return false;
      }}
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
                onChange={(e) => {
                  if (e.target.value === "") setMethodOther(true);
                  else {
                    setMethodOther(false);
                    edit({ method: e.target.value }, "method");
                  }
                }}
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
                onChange={(url) => {
                  urlTyped.current = true;
                  edit({ url }, "url");
                }}
                onBlur={() => setUrlChecked(true)}
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
                  onChange={(e) => onSignEndpoint(e.target.value)}
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
                  onChange={(e) => setForm((f) => ({ ...f, secretLabel: e.target.value || null }))}
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
                      onPick={() => {
                        signChosen.current = true;
                        edit({ signMode: o.mode });
                      }}
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
            {form.signMode === "keep" && bodyChanged && signatureNames.some((n) => form.headers.some((h) => h.name.trim().toLowerCase() === n)) && (
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
            <button type="button" className="secondary-button" ref={keepEditingRef} data-testid="resend-keep-editing" onClick={() => setConfirmClose(false)}>
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
