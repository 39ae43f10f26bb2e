import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import {
  addEndpoint,
  checkCondition,
  IpcError,
  removeEndpoint,
  updateEndpoint,
  type ConditionProblem,
  type Endpoint,
  type PresetInfo,
} from "../../ipc";
import { FieldError } from "../FieldError";
import { HeaderRowsEditor } from "../HeaderRowsEditor";
import { schemeName } from "../verdictText";
import {
  formFrom,
  forwardListProblem,
  hasErrors,
  headerRow,
  MAX_DELAY_MS,
  prefixFor,
  schemeInputs,
  specFrom,
  targetUrlProblem,
  type EndpointForm,
  type Field,
  type FieldErrors,
  type TargetRow,
} from "./form";
import { ForwardSection } from "./ForwardSection";
import { ConfirmRemove } from "./ConfirmRemove";
import { Modal } from "../Modal";
import { ReverifyBar } from "./ReverifyBar";
import { RulesSection } from "./RulesSection";
import { describeScheme, editedAsJson, hasTolerance, isSchemeKind, SCHEME_KINDS, sameScheme } from "./scheme";
import { SecretsSection } from "./SecretsSection";
import type { Reverify } from "./useReverify";
import "../detail/controls.css";
import "../forms.css";
import "./endpoints.css";

type Props = {
  /** null: create a new endpoint. */
  endpoint: Endpoint | null;
  presets: PresetInfo[];
  reverify: Reverify;
  onClose: () => void;
  /**
   * The endpoint as now stored: after Save, and after each secret change.
   * It does not mean "close": the editor calls onClose itself (after saving
   * an existing endpoint; a new one stays open so its secrets can be added).
   */
  onSaved: (endpoint: Endpoint) => void;
  onRemoved: (id: number) => void;
  /** The listener's URL, to show the full capture URL (e.g. http://127.0.0.1:9494). */
  listenUrl?: string | null;
  /** The event open in the detail pane, to try response rules on. */
  testEvent?: { id: number; label: string } | null;
};

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Create or edit an endpoint: routing, provider, scheme, secrets, configured response, response rules, forwarding. */
export function EndpointEditor({ endpoint, presets, reverify, onClose, onSaved, onRemoved, listenUrl, testEvent = null }: Props) {
  // The endpoint as stored: null until a new one is created.
  const [current, setCurrent] = useState<Endpoint | null>(endpoint);
  const [form, setForm] = useState<EndpointForm>(() => formFrom(endpoint, presets));
  const [prefixTouched, setPrefixTouched] = useState(endpoint !== null);
  const [errors, setErrors] = useState<FieldErrors>({});
  // Each forward target's condition problem, by row key, as the core reported it.
  const [conditionProblems, setConditionProblems] = useState<Readonly<Record<number, ConditionProblem>>>({});
  const [coreError, setCoreError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const uid = useId();
  // The rows as last rendered, so a condition check that returns late is
  // dropped when its text has changed since.
  const forwardsRef = useRef(form.forwards);
  forwardsRef.current = form.forwards;

  // The parent's copy changed (e.g. re-listed): take its secrets, keep the form.
  useEffect(() => {
    if (endpoint && endpoint.id === current?.id) setCurrent((c) => (c ? { ...c, secrets: endpoint.secrets } : c));
  }, [endpoint]);

  const isDefault = current?.isDefault ?? false;
  const selectedPreset = presets.find((p) => p.id === form.preset);

  const set = <K extends keyof EndpointForm>(key: K, value: EndpointForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    const field: Field | null =
      key === "tolerance" || key === "header" || key === "schemeJson" || key === "schemeKind"
        ? "scheme"
        : key === "name" || key === "pathPrefix" || key === "status" || key === "delayMs" || key === "headers"
          ? key
          : null;
    if (field) setErrors((e) => (e[field] ? { ...e, [field]: undefined } : e));
  };

  const onName = (name: string) => {
    set("name", name);
    if (!prefixTouched && !isDefault) set("pathPrefix", prefixFor(name));
  };

  const onSchemeKind = (value: string) => {
    const kind = value === "" ? "" : isSchemeKind(value) ? value : "";
    setForm((f) => ({ ...f, schemeKind: kind, ...schemeInputs(kind, current?.scheme ?? null, selectedPreset) }));
    setErrors((e) => ({ ...e, scheme: undefined }));
  };

  const onSecretsChanged = (updated: Endpoint) => {
    setCurrent((c) => (c ? { ...c, secrets: updated.secrets } : updated));
    onSaved(updated);
    reverify.start(updated.id);
  };

  /** The core's verdict on each condition typed, by row key; a failed check leaves it to the save. */
  const conditionsChecked = async (rows: readonly TargetRow[]) => {
    const found: Record<number, ConditionProblem> = {};
    await Promise.all(
      rows.map(async (row) => {
        if (row.condition.trim() === "") return;
        const problem = await checkCondition(row.condition).catch(() => null);
        if (problem) found[row.key] = problem;
      }),
    );
    return found;
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (saving) return;
    setCoreError(null);
    setNotice(null);
    const built = specFrom(form, isDefault);
    if ("errors" in built) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    setSaving(true);
    const { spec } = built;
    const save = async () => {
      const problems = await conditionsChecked(form.forwards);
      setConditionProblems(problems);
      if (Object.keys(problems).length > 0) {
        setSaving(false);
        return;
      }
      const saved = await (current ? updateEndpoint(current.id, spec) : addEndpoint(spec));
      setSaving(false);
      onSaved(saved);
      if (current) {
        if (current.preset !== saved.preset || !sameScheme(current.scheme, saved.scheme)) reverify.start(saved.id);
        onClose();
      } else {
        setCurrent(saved);
        setPrefixTouched(true);
        setNotice(`Created “${saved.name}”. Add its signing secret below, or close.`);
      }
    };
    save().catch((err: unknown) => {
      setSaving(false);
      setCoreError(
        err instanceof IpcError && err.kind === "invalid" ? errorText(err) : `Could not save: ${errorText(err)}`,
      );
    });
  };

  const onRemove = () => {
    if (!current) return;
    setSaving(true);
    removeEndpoint(current.id).then(
      () => {
        setSaving(false);
        onRemoved(current.id);
        onClose();
      },
      (err: unknown) => {
        setSaving(false);
        setConfirmRemove(false);
        setCoreError(`Could not remove it: ${errorText(err)}`);
      },
    );
  };

  const onEscape = () => {
    if (confirmRemove) {
      setConfirmRemove(false);
      return true;
    }
    return false;
  };

  const onForwards = (rows: TargetRow[]) => {
    const before = new Map(form.forwards.map((r) => [r.key, r]));
    setForm((f) => ({ ...f, forwards: rows }));
    // What was edited loses its problem; the list's own is checked again.
    const edited = (row: TargetRow, field: "url" | "condition") => before.get(row.key)?.[field] !== row[field];
    setErrors((e) => {
      const targets = Object.fromEntries(
        rows.flatMap((row) => {
          const problem = e.targets?.[row.key];
          return problem && !edited(row, "url") ? [[row.key, problem]] : [];
        }),
      );
      return { ...e, targets, forward: e.forward ? forwardListProblem(rows) : undefined };
    });
    setConditionProblems((p) =>
      Object.fromEntries(
        rows.flatMap((row) => {
          const problem = p[row.key];
          return problem && !edited(row, "condition") ? [[row.key, problem]] : [];
        }),
      ),
    );
  };

  const checkUrl = (key: number) => {
    const row = form.forwards.find((r) => r.key === key);
    if (!row) return;
    const problem = targetUrlProblem(row.url);
    setErrors((e) => {
      const { [key]: _old, ...others } = e.targets ?? {};
      return { ...e, targets: problem ? { ...others, [key]: problem } : others };
    });
  };

  const checkOneCondition = (key: number) => {
    const text = form.forwards.find((r) => r.key === key)?.condition ?? "";
    const settle = (problem: ConditionProblem | null) => {
      // Typed on since: this answer is about text no longer there.
      if (forwardsRef.current.find((r) => r.key === key)?.condition !== text) return;
      setConditionProblems((p) => {
        const { [key]: _old, ...others } = p;
        return problem ? { ...others, [key]: problem } : others;
      });
    };
    if (text.trim() === "") {
      settle(null);
      return;
    }
    checkCondition(text).then(settle, () => settle(null));
  };

  const relaying = form.forwards.find((r) => r.url.trim() !== "" && r.mode === "relay");

  const ids = (field: string) => ({ input: `${uid}-${field}`, error: `${uid}-${field}-error` });
  const described = (field: Field) =>
    errors[field] ? { "aria-invalid": true as const, "aria-describedby": ids(field).error } : {};

  const prefix = form.pathPrefix.trim().replace(/\/+$/, "") || "/";
  const captureUrl = `${(listenUrl ?? "").replace(/\/$/, "")}${isDefault ? "/" : prefix}`;
  const presetScheme = selectedPreset?.scheme ?? null;
  const presetSchemeWords = !form.preset
    ? "detected from each request's headers"
    : presetScheme
      ? `${describeScheme(presetScheme)}${selectedPreset?.assumed ? ", assumed" : ""}`
      : "none: the provider does not sign";
  const job = reverify.job;
  const jobHere = current !== null && job.status !== "idle" && job.endpointId === current.id;

  return (
    <Modal
      title={current ? `Edit endpoint “${current.name}”` : "New endpoint"}
      onClose={onClose}
      onEscape={onEscape}
      className="endpoint-editor form-dialog"
      testId="endpoint-editor"
      closeTestId="endpoint-close"
    >
      <form className="editor-form" onSubmit={onSubmit} noValidate>
          <div className="modal-body">
            {notice && (
              <p className="notice" role="status" data-testid="endpoint-notice">
                {notice}
              </p>
            )}
            <section className="editor-section" aria-label="Routing">
              <label className="field" htmlFor={ids("name").input}>
                <span>Name</span>
              </label>
              <input
                id={ids("name").input}
                value={form.name}
                onChange={(e) => onName(e.target.value)}
                placeholder="Kustom"
                data-testid="endpoint-name"
                data-autofocus
                {...described("name")}
              />
              <FieldError id={ids("name").error} error={errors.name} testId="endpoint-name-error" />

              <label className="field" htmlFor={ids("prefix").input}>
                <span>Path prefix</span>
              </label>
              <input
                id={ids("prefix").input}
                className="mono"
                value={isDefault ? "/" : form.pathPrefix}
                disabled={isDefault}
                onChange={(e) => {
                  setPrefixTouched(true);
                  set("pathPrefix", e.target.value);
                }}
                placeholder="/kustom"
                spellCheck={false}
                data-testid="endpoint-prefix"
                {...described("pathPrefix")}
              />
              <FieldError id={ids("pathPrefix").error} error={errors.pathPrefix} testId="endpoint-prefix-error" />
              <p className="muted section-help" data-testid="endpoint-capture-url">
                {isDefault
                  ? "The default endpoint takes every path no other endpoint claims"
                  : listenUrl
                    ? "Give the provider this URL (paths below it land here too)"
                    : "Takes requests to this path and the paths below it"}
                : <span className="mono">{listenUrl ? captureUrl : prefix}</span>
              </p>
            </section>

            <section className="editor-section" aria-label="Provider and signature">
              <label className="field" htmlFor={ids("preset").input}>
                <span>Provider preset</span>
              </label>
              <select
                id={ids("preset").input}
                value={form.preset}
                onChange={(e) => set("preset", e.target.value)}
                data-testid="endpoint-preset"
              >
                <option value="">Detect from headers</option>
                {presets.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                    {p.assumed ? " (assumed signing)" : ""}
                  </option>
                ))}
                {form.preset && !selectedPreset && <option value={form.preset}>{form.preset}</option>}
              </select>
              {selectedPreset?.assumed && (
                <p className="section-help warn-text" data-testid="endpoint-preset-assumed">
                  {selectedPreset.name} does not publish its signing construction; Hooklens assumes one. Check it
                  against a known-good request, and choose the scheme below if it differs.
                </p>
              )}

              <label className="field" htmlFor={ids("scheme").input}>
                <span>Signature scheme</span>
              </label>
              <select
                id={ids("scheme").input}
                value={form.schemeKind}
                onChange={(e) => onSchemeKind(e.target.value)}
                data-testid="endpoint-scheme"
                {...described("scheme")}
              >
                <option value="">Preset's scheme ({presetSchemeWords})</option>
                {SCHEME_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {schemeName(k)}
                  </option>
                ))}
              </select>
              {form.schemeKind !== "" && hasTolerance(form.schemeKind) && (
                <label className="field inline">
                  <span>Timestamp tolerance</span>
                  <input
                    className="narrow"
                    inputMode="numeric"
                    value={form.tolerance}
                    onChange={(e) => set("tolerance", e.target.value)}
                    data-testid="endpoint-scheme-tolerance"
                    {...described("scheme")}
                  />
                  <span className="muted">seconds, either way</span>
                </label>
              )}
              {form.schemeKind === "shared-secret" && (
                <label className="field inline">
                  <span>Header</span>
                  <input
                    className="mono"
                    value={form.header}
                    onChange={(e) => set("header", e.target.value)}
                    placeholder="X-Challenge"
                    spellCheck={false}
                    data-testid="endpoint-scheme-header"
                    {...described("scheme")}
                  />
                  <span className="muted">holds the secret itself</span>
                </label>
              )}
              {form.schemeKind !== "" && editedAsJson(form.schemeKind) && (
                <>
                  <p className="muted section-help">
                    {form.schemeKind === "hmac"
                      ? "Header, algorithm (sha1, sha256, sha512), the signed parts in order (body, timestamp, id, url, method, literal), encoding (hex_lower, hex_upper, base64, base64_url), prefix, secret encoding (utf8, base64, hex, whsec), timestamp and id headers, tolerance and separator:"
                      : "Each listed scheme whose header is present must verify:"}
                  </p>
                  <textarea
                    className="mono scheme-json"
                    value={form.schemeJson}
                    onChange={(e) => set("schemeJson", e.target.value)}
                    rows={12}
                    spellCheck={false}
                    aria-label="Scheme as JSON"
                    data-testid="endpoint-scheme-json"
                    {...described("scheme")}
                  />
                </>
              )}
              <FieldError id={ids("scheme").error} error={errors.scheme} testId="endpoint-scheme-error" />
            </section>

            {current ? (
              <SecretsSection endpoint={current} onChanged={onSecretsChanged} />
            ) : (
              <section className="editor-section" data-testid="secrets">
                <h3>Signing secrets</h3>
                <p className="muted">Create the endpoint first; then add its secrets here.</p>
              </section>
            )}

            <section className="editor-section" aria-labelledby={`${uid}-response`}>
              <h3 id={`${uid}-response`}>Configured response</h3>
              <p className="muted section-help">
                What Hooklens answers after storing a request: return a 500 or a delay to watch the provider retry.
              </p>
              {relaying && (
                <p className="section-help relay-note" data-testid="response-relay-note">
                  {relaying.condition.trim() === "" ? (
                    "Not used in relay mode: the sender gets the handler's own reply instead (see Forwarding below)."
                  ) : (
                    <>
                      Used only for requests the relaying target does not take: those matching{" "}
                      <span className="mono">{relaying.condition.trim()}</span> get the handler's own reply (see
                      Forwarding below).
                    </>
                  )}
                </p>
              )}
              <div className="field-row">
                <label className="field">
                  <span>Status</span>
                  <input
                    className="narrow"
                    inputMode="numeric"
                    value={form.status}
                    onChange={(e) => set("status", e.target.value)}
                    data-testid="endpoint-status"
                    {...described("status")}
                  />
                </label>
                <label className="field">
                  <span>Delay (ms)</span>
                  <input
                    className="narrow"
                    inputMode="numeric"
                    value={form.delayMs}
                    onChange={(e) => set("delayMs", e.target.value)}
                    data-testid="endpoint-delay"
                    title={`0 to ${MAX_DELAY_MS.toLocaleString()} ms`}
                    {...described("delayMs")}
                  />
                </label>
              </div>
              <FieldError id={ids("status").error} error={errors.status} testId="endpoint-status-error" />
              <FieldError id={ids("delayMs").error} error={errors.delayMs} testId="endpoint-delay-error" />

              <fieldset className="headers-fieldset">
                <legend>Headers</legend>
                <HeaderRowsEditor
                  rows={form.headers}
                  onChange={(rows) => set("headers", rows)}
                  rowClass="header-edit-row"
                  testId="response-header"
                />
                <button
                  type="button"
                  className="link-button"
                  data-testid="response-header-add"
                  onClick={() => set("headers", [...form.headers, headerRow()])}
                >
                  Add a header
                </button>
                <FieldError id={ids("headers").error} error={errors.headers} testId="endpoint-headers-error" />
              </fieldset>

              <label className="field" htmlFor={ids("body").input}>
                <span>Body</span>
              </label>
              <textarea
                id={ids("body").input}
                className="mono"
                rows={3}
                value={form.body}
                onChange={(e) => set("body", e.target.value)}
                spellCheck={false}
                data-testid="endpoint-body"
              />
            </section>

            <RulesSection
              rules={form.rules}
              onChange={(rules) => set("rules", rules)}
              endpointId={current?.id ?? null}
              testEvent={testEvent}
            />

            <ForwardSection
              rows={form.forwards}
              urlErrors={errors.targets ?? {}}
              conditionProblems={conditionProblems}
              listError={errors.forward}
              prefix={isDefault ? "/" : prefix}
              onChange={onForwards}
              onCheckUrl={checkUrl}
              onCheckCondition={checkOneCondition}
            />

            {jobHere && <ReverifyBar reverify={reverify} endpoints={[current]} />}
          </div>

          <div className="modal-foot">
            {coreError && (
              <p className="field-error foot-error" role="alert" data-testid="endpoint-error">
                {coreError}
              </p>
            )}
            {(hasErrors(errors) || Object.keys(conditionProblems).length > 0) && !coreError && (
              <p className="field-error foot-error" role="alert" data-testid="endpoint-form-errors">
                Some fields need attention.
              </p>
            )}
            <div className="foot-actions">
              {current && !isDefault && (
                <span className="foot-left">
                  <ConfirmRemove
                    confirming={confirmRemove}
                    onAsk={() => setConfirmRemove(true)}
                    onKeep={() => setConfirmRemove(false)}
                    onConfirm={onRemove}
                    busy={saving}
                    question={<>Remove “{current.name}”? Its events stay.</>}
                    ariaLabel="Remove this endpoint?"
                    testId="endpoint-remove"
                  >
                    Remove endpoint
                  </ConfirmRemove>
                </span>
              )}
              <button type="button" className="secondary-button" data-testid="endpoint-cancel" onClick={onClose}>
                {notice ? "Close" : "Cancel"}
              </button>
              <button type="submit" className="primary-button" data-testid="endpoint-save" disabled={saving}>
                {saving ? "Saving…" : current ? "Save" : "Create"}
              </button>
            </div>
          </div>
        </form>
    </Modal>
  );
}
