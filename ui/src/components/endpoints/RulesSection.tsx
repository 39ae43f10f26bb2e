import { useId, useRef, useState, type DragEvent, type KeyboardEvent } from "react";
import { IpcError, previewRules, resetRuleCounts, type AnswerRecord, type ResponseRule } from "../../ipc";
import { FieldError } from "../FieldError";
import { HeaderRowsEditor } from "../HeaderRowsEditor";
import { headerRow } from "./form";
import { answersText, draftFrom, moved, randomSeed, ruleFrom, type RuleDraft, type RuleErrors } from "./rules";

type Props = {
  rules: ResponseRule[];
  onChange: (rules: ResponseRule[]) => void;
  /** The stored endpoint's id (null before it is created): resetting counts needs it. */
  endpointId: number | null;
  /** The event open in the detail pane, to try the rules on. */
  testEvent: { id: number; label: string } | null;
};

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** What a rule would answer, in words. */
function answerWords(a: AnswerRecord): string {
  const what = a.closed ? "close the connection without answering" : `answer ${a.status ?? ""}`;
  return `Rule “${a.rule ?? ""}” would ${what}${a.delayMs > 0 ? ` after ${a.delayMs.toLocaleString()} ms` : ""}`;
}

/** An endpoint's response rules: the first enabled one whose condition matches answers. */
export function RulesSection({ rules, onChange, endpointId, testEvent }: Props) {
  const uid = useId();
  /** The rule being edited: its index, or "new". */
  const [editing, setEditing] = useState<number | "new" | null>(null);
  const [draft, setDraft] = useState<RuleDraft>(() => draftFrom(null));
  const [errors, setErrors] = useState<RuleErrors>({});
  const [coreError, setCoreError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [tested, setTested] = useState<{ eventLabel: string; answer: AnswerRecord | null } | { error: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const dragged = useRef<number | null>(null);
  const list = useRef<HTMLOListElement>(null);

  const edit = (at: number | "new") => {
    setEditing(at);
    setDraft(draftFrom(at === "new" ? null : (rules[at] ?? null)));
    setErrors({});
    setCoreError(null);
  };

  const setField = <K extends keyof RuleDraft>(key: K, value: RuleDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setCoreError(null);
  };

  const done = () => {
    if (editing === null || checking) return;
    const others = rules.filter((_, i) => i !== editing);
    const built = ruleFrom(draft, others);
    if ("errors" in built) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    const next = editing === "new" ? [...rules, built.rule] : rules.map((r, i) => (i === editing ? built.rule : r));
    // The core checks what it alone knows: the condition's search language and the body template.
    setChecking(true);
    previewRules(null, [built.rule]).then(
      () => {
        setChecking(false);
        onChange(next);
        setEditing(null);
        setTested(null);
      },
      (err: unknown) => {
        setChecking(false);
        setCoreError(err instanceof IpcError && err.kind === "invalid" ? errorText(err) : `Could not check it: ${errorText(err)}`);
      },
    );
  };

  const move = (from: number, to: number) => {
    if (to < 0 || to >= rules.length || from === to) return;
    onChange(moved(rules, from, to));
    setTested(null);
    // Keep the moved row focused for the next Alt+arrow.
    requestAnimationFrame(() => list.current?.querySelectorAll<HTMLElement>("[data-rule-row]")[to]?.focus());
  };

  const onRowKey = (e: KeyboardEvent<HTMLLIElement>, at: number) => {
    if (!e.altKey || (e.key !== "ArrowUp" && e.key !== "ArrowDown")) return;
    e.preventDefault();
    move(at, e.key === "ArrowUp" ? at - 1 : at + 1);
  };

  const onDrop = (e: DragEvent<HTMLLIElement>, at: number) => {
    e.preventDefault();
    if (dragged.current !== null) move(dragged.current, at);
    dragged.current = null;
  };

  const test = () => {
    if (!testEvent) return;
    setTested(null);
    previewRules(testEvent.id, rules).then(
      (answer) => setTested({ eventLabel: testEvent.label, answer }),
      (err: unknown) => setTested({ error: errorText(err) }),
    );
  };

  const reset = () => {
    if (endpointId === null) return;
    resetRuleCounts(endpointId).then(
      () => setNotice("Every sequence and chance starts over with the next request."),
      (err: unknown) => setNotice(`Could not reset: ${errorText(err)}`),
    );
  };

  const field = (name: keyof RuleErrors) =>
    errors[name] ? { "aria-invalid": true as const, "aria-describedby": `${uid}-${name}-error` } : {};
  const statuses = draft.statuses.split(",").filter((s) => s.trim() !== "").length;

  return (
    <section className="editor-section rules-section" aria-labelledby={`${uid}-title`} data-testid="rules-section">
      <h3 id={`${uid}-title`}>Response rules</h3>
      <p className="muted section-help">
        Answer some requests differently: the first enabled rule whose condition matches answers (conditions use the
        search box's language); the others get the configured response above. Every event records which rule answered.
      </p>
      {rules.length > 0 && (
        <ol className="rule-list" ref={list} data-testid="rule-list" aria-label="Rules, in the order they are tried">
          {rules.map((rule, i) => (
            <li
              key={`${rule.name}-${i}`}
              className={`rule-row${rule.enabled ? "" : " off"}`}
              tabIndex={0}
              data-rule-row
              data-testid="rule-row"
              draggable
              onDragStart={() => (dragged.current = i)}
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => onDrop(e, i)}
              onKeyDown={(e) => onRowKey(e, i)}
              aria-label={`Rule ${i + 1}: ${rule.name}. Alt+Up and Alt+Down move it.`}
            >
              <span className="rule-grip" aria-hidden="true" title="Drag to reorder">
                ⋮⋮
              </span>
              <input
                type="checkbox"
                checked={rule.enabled}
                onChange={(e) => onChange(rules.map((r, j) => (j === i ? { ...r, enabled: e.target.checked } : r)))}
                aria-label={`Use rule ${rule.name}`}
                data-testid="rule-enabled"
              />
              <span className="rule-text">
                <span className="rule-name" data-testid="rule-name">
                  {rule.name}
                </span>
                <span className="mono rule-condition">{rule.condition || "every request"}</span>
                <span className="muted" data-testid="rule-answers">
                  {answersText(rule)}
                  {rule.chance ? ` · ${rule.chance.percent} % of matches (seed ${rule.chance.seed})` : ""}
                </span>
              </span>
              <span className="rule-actions">
                <button type="button" className="icon-button" onClick={() => move(i, i - 1)} disabled={i === 0} aria-label={`Move ${rule.name} up`}>
                  ↑
                </button>
                <button
                  type="button"
                  className="icon-button"
                  onClick={() => move(i, i + 1)}
                  disabled={i === rules.length - 1}
                  aria-label={`Move ${rule.name} down`}
                >
                  ↓
                </button>
                <button type="button" className="link-button" onClick={() => edit(i)} data-testid="rule-edit">
                  Edit
                </button>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => onChange(rules.filter((_, j) => j !== i))}
                  data-testid="rule-remove"
                >
                  Remove
                </button>
              </span>
            </li>
          ))}
        </ol>
      )}

      {editing !== null ? (
        <div className="rule-editor" data-testid="rule-editor" role="group" aria-label={editing === "new" ? "New rule" : "Edit rule"}>
          <div className="field-row">
            <label className="field">
              <span>Name</span>
              <input value={draft.name} onChange={(e) => setField("name", e.target.value)} placeholder="fail-refunds" data-testid="rule-name-input" {...field("name")} />
            </label>
            <label className="field grow">
              <span>When (search language; empty: every request)</span>
              <input
                className="mono"
                value={draft.condition}
                onChange={(e) => setField("condition", e.target.value)}
                placeholder="type:refund.* json.data.amount:12000"
                spellCheck={false}
                data-testid="rule-condition"
                {...(coreError ? { "aria-invalid": true as const, "aria-describedby": `${uid}-core-error` } : {})}
              />
            </label>
          </div>
          <FieldError id={`${uid}-name-error`} error={errors.name} testId="rule-name-error" />
          <label className="field-check">
            <input type="checkbox" checked={draft.close} onChange={(e) => setField("close", e.target.checked)} data-testid="rule-close" />
            <span>Close the connection without answering (the request is still stored)</span>
          </label>
          <div className="field-row">
            {!draft.close && (
              <label className="field">
                <span>Status, or several in turn</span>
                <input className="mono" value={draft.statuses} onChange={(e) => setField("statuses", e.target.value)} placeholder="503, 503, 200" data-testid="rule-statuses" {...field("statuses")} />
              </label>
            )}
            <label className="field">
              <span>Delay (ms)</span>
              <input className="narrow" inputMode="numeric" value={draft.delayMs} onChange={(e) => setField("delayMs", e.target.value)} data-testid="rule-delay" {...field("delayMs")} />
            </label>
          </div>
          <FieldError id={`${uid}-statuses-error`} error={errors.statuses} testId="rule-statuses-error" />
          <FieldError id={`${uid}-delayMs-error`} error={errors.delayMs} testId="rule-delay-error" />
          {!draft.close && statuses > 1 && (
            <fieldset className="rule-sequence">
              <legend>Give them in turn to</legend>
              <label>
                <input type="radio" name={`${uid}-seq`} checked={draft.sequence === "event-id"} onChange={() => setField("sequence", "event-id")} />
                each provider event's retries
              </label>
              <label>
                <input type="radio" name={`${uid}-seq`} checked={draft.sequence === "arrival"} onChange={() => setField("sequence", "arrival")} />
                every request, whatever its event
              </label>
            </fieldset>
          )}
          {!draft.close && (
            <>
              <fieldset className="headers-fieldset">
                <legend>Headers</legend>
                <HeaderRowsEditor rows={draft.headers} onChange={(rows) => setField("headers", rows)} rowClass="header-edit-row" testId="rule-header" />
                <button type="button" className="link-button" onClick={() => setField("headers", [...draft.headers, headerRow()])}>
                  Add a header
                </button>
                <FieldError id={`${uid}-headers-error`} error={errors.headers} testId="rule-headers-error" />
              </fieldset>
              <label className="field" htmlFor={`${uid}-body`}>
                <span>
                  Body: text, or a template with values from the request:{" "}
                  <span className="mono">{"{{ json.data.order_id }}"}</span>, <span className="mono">{'{{ header["webhook-id"] }}'}</span>,{" "}
                  <span className="mono">{"{{ event.type }}"}</span>
                </span>
              </label>
              <textarea id={`${uid}-body`} className="mono" rows={3} value={draft.body} onChange={(e) => setField("body", e.target.value)} spellCheck={false} data-testid="rule-body" />
            </>
          )}
          <label className="field-check">
            <input type="checkbox" checked={draft.chanceOn} onChange={(e) => setField("chanceOn", e.target.checked)} data-testid="rule-chance" />
            <span>Only a share of the matching requests (the others go on to the next rule)</span>
          </label>
          {draft.chanceOn && (
            <div className="field-row">
              <label className="field">
                <span>Percent</span>
                <input className="narrow" inputMode="numeric" value={draft.percent} onChange={(e) => setField("percent", e.target.value)} data-testid="rule-percent" {...field("chance")} />
              </label>
              <label className="field">
                <span>Seed (the same seed repeats the same pattern after a reset)</span>
                <span className="with-toggle">
                  <input className="mono" inputMode="numeric" value={draft.seed} onChange={(e) => setField("seed", e.target.value)} data-testid="rule-seed" {...field("chance")} />
                  <button type="button" className="link-button" onClick={() => setField("seed", String(randomSeed()))}>
                    New seed
                  </button>
                </span>
              </label>
            </div>
          )}
          <FieldError id={`${uid}-chance-error`} error={errors.chance} testId="rule-chance-error" />
          {coreError && (
            <p className="field-error" id={`${uid}-core-error`} role="alert" data-testid="rule-error">
              {coreError}
            </p>
          )}
          <div className="rule-editor-actions">
            <button type="button" className="secondary-button" onClick={() => setEditing(null)} data-testid="rule-cancel">
              Cancel
            </button>
            <button type="button" className="primary-button" onClick={done} disabled={checking} data-testid="rule-done">
              {checking ? "Checking…" : editing === "new" ? "Add rule" : "Keep changes"}
            </button>
          </div>
        </div>
      ) : (
        <div className="rule-tools">
          <button type="button" className="link-button" onClick={() => edit("new")} data-testid="rule-add">
            Add a rule
          </button>
          {rules.length > 0 && (
            <button
              type="button"
              className="link-button"
              onClick={test}
              disabled={!testEvent}
              title={testEvent ? undefined : "Open an event in the timeline first"}
              data-testid="rule-test"
            >
              {testEvent ? `Try on ${testEvent.label}` : "Try on the open event"}
            </button>
          )}
          {rules.length > 0 && endpointId !== null && (
            <button type="button" className="link-button" onClick={reset} data-testid="rule-reset">
              Reset counts
            </button>
          )}
        </div>
      )}
      {tested && (
        <div className="rule-tested" role="status" data-testid="rule-tested">
          {"error" in tested ? (
            <p className="field-error">{tested.error}</p>
          ) : tested.answer ? (
            <>
              <p>
                {answerWords(tested.answer)} to {tested.eventLabel}
                {tested.answer.why ? ` (${tested.answer.why})` : ""}.
              </p>
              {tested.answer.templateError && <p className="field-error">Its template fails: {tested.answer.templateError}</p>}
              {tested.answer.body && <pre className="mono rule-tested-body">{tested.answer.body}</pre>}
            </>
          ) : (
            <p>No rule takes {tested.eventLabel}: the configured response would answer it.</p>
          )}
        </div>
      )}
      {notice && (
        <p className="muted section-help" role="status" data-testid="rule-notice">
          {notice}
        </p>
      )}
    </section>
  );
}
