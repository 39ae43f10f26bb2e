import type { ReactNode } from "react";
import { MAX_TIMES, type DeliveryRuleInfo, type ScheduleInfo } from "../../ipc";
import { FieldError } from "../FieldError";
import { Choice } from "./Choice";
import { DeliveryRuleNote } from "./DeliveryRuleNote";
import { SPEED_PRESETS, type Field, type FieldErrors, type PatternKind, type ResendForm } from "./form";
import type { FieldIds } from "./Section";
import type { PatternView } from "./useResendDraft";
import { speedWords } from "./words";

type Props = {
  uid: string;
  ids: FieldIds;
  form: Pick<ResendForm, "pattern" | "count" | "scheduleProvider" | "speed">;
  errors: FieldErrors;
  /** null until the core has listed them. */
  schedules: ScheduleInfo[] | null;
  pattern: PatternView;
  /** The rule that judges each attempt; null until the core has said how the request is signed. */
  rule: DeliveryRuleInfo | null;
  onEdit: (change: Partial<ResendForm>, field?: Field) => void;
};

/** How often the request is sent: once, the same event id N times, or a provider's retry schedule with time compressed. */
export function PatternFieldset({ uid, ids, form, errors, schedules, pattern, rule, onEdit }: Props) {
  const { schedule, speed, preview } = pattern;
  const pick = (kind: PatternKind) => onEdit({ pattern: kind });
  return (
    <fieldset className="resend-fieldset" data-testid="resend-pattern">
      <legend>Delivery</legend>
      {rule && <DeliveryRuleNote rule={rule} />}
      <div className="choice-list" role="radiogroup" aria-label="How often to send">
        <PatternChoice kind="once" current={form.pattern} uid={uid} onPick={pick} label="Once" />
        <PatternChoice
          kind="times"
          current={form.pattern}
          uid={uid}
          onPick={pick}
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
              onFocus={() => form.pattern !== "times" && onEdit({ pattern: "times" })}
              onChange={(e) => onEdit({ count: e.target.value, pattern: "times" }, "count")}
            />
          </label>
          <FieldError id={ids("count").error} error={errors.count} testId="pattern-count-error" />
        </PatternChoice>
        <PatternChoice
          kind="schedule"
          current={form.pattern}
          uid={uid}
          onPick={pick}
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
                    onChange={(e) => onEdit({ scheduleProvider: e.target.value, pattern: "schedule" }, "schedule")}
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
                    onChange={(e) => onEdit({ speed: e.target.value, pattern: "schedule" }, "speed")}
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
                    onClick={() => onEdit({ speed: String(p), pattern: "schedule" }, "speed")}
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
  );
}

function PatternChoice({
  kind,
  current,
  uid,
  onPick,
  label,
  help,
  children,
}: {
  kind: PatternKind;
  /** The pattern chosen now. */
  current: PatternKind;
  uid: string;
  onPick: (kind: PatternKind) => void;
  label: string;
  help?: string;
  children?: ReactNode;
}) {
  const selected = current === kind;
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
