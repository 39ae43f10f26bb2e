import { useId } from "react";
import { MAX_FORWARD_TARGETS, type ConditionProblem, type ForwardMode } from "../../ipc";
import { FieldError } from "../FieldError";
import { forwardExample, targetRow, type TargetErrors, type TargetRow } from "./form";

type Props = {
  rows: readonly TargetRow[];
  /** Each target's URL problem, by row key (from `forwardsFrom`). */
  urlErrors: TargetErrors;
  /** Each target's condition problem, by row key, as the core reported it. */
  conditionProblems: Readonly<Record<number, ConditionProblem>>;
  /** The list's own problem: two targets relaying, too many targets. */
  listError: string | undefined;
  /** The endpoint's path prefix (`/` for the default endpoint), for the example URL. */
  prefix: string;
  onChange: (rows: TargetRow[]) => void;
  /** Check a target's URL now (on leaving the field). */
  onCheckUrl: (key: number) => void;
  /** Have the core check a target's condition now (on leaving the field). */
  onCheckCondition: (key: number) => void;
};

const MODES: { mode: ForwardMode; label: string; help: string }[] = [
  {
    mode: "respond",
    label: "Answer at once",
    help: "The sender gets the configured response at once; the handler's reply is recorded.",
  },
  {
    mode: "relay",
    label: "Relay the handler's reply",
    help: "The sender waits and gets the handler's own reply (502 if it cannot be reached), like a tunnel.",
  },
];

/**
 * The condition with the part the core could not read marked. `start` and
 * `end` count code points, as the core counts chars; shown as text, never
 * as HTML.
 */
function ConditionError({ id, text, problem }: { id: string; text: string; problem: ConditionProblem }) {
  const chars = Array.from(text);
  const start = Math.min(problem.start, chars.length);
  const end = Math.min(Math.max(problem.end, start), chars.length);
  return (
    <span className="field-error condition-error" id={id} data-testid="forward-condition-error">
      <span>{problem.message}</span>
      {chars.length > 0 && (
        <code className="condition-culprit" data-testid="forward-condition-culprit">
          {chars.slice(0, start).join("")}
          <mark>{start === end ? " " : chars.slice(start, end).join("")}</mark>
          {chars.slice(end).join("")}
        </code>
      )}
    </span>
  );
}

function Target({
  row,
  n,
  uid,
  urlError,
  conditionProblem,
  prefix,
  onRow,
  onRemove,
  onCheckUrl,
  onCheckCondition,
}: {
  row: TargetRow;
  n: number;
  uid: string;
  urlError: string | undefined;
  conditionProblem: ConditionProblem | undefined;
  prefix: string;
  onRow: (row: TargetRow) => void;
  onRemove: () => void;
  onCheckUrl: () => void;
  onCheckCondition: () => void;
}) {
  const id = `${uid}-${row.key}`;
  const example = forwardExample(row.url, prefix);
  const shownPrefix = prefix === "/" ? "" : prefix;
  return (
    <li className="forward-target" data-testid="forward-target">
      <div className="forward-target-head">
        <h4 id={`${id}-title`}>Target {n}</h4>
        <button
          type="button"
          className="link-button"
          onClick={onRemove}
          aria-label={`Remove target ${n}`}
          data-testid="forward-remove"
        >
          Remove
        </button>
      </div>
      <label className="field" htmlFor={`${id}-url`}>
        <span>Forward to</span>
      </label>
      <input
        id={`${id}-url`}
        className="mono"
        value={row.url}
        onChange={(e) => onRow({ ...row, url: e.target.value })}
        onBlur={onCheckUrl}
        placeholder="http://localhost:3000/webhooks"
        spellCheck={false}
        autoComplete="off"
        data-testid="forward-url"
        {...(urlError ? { "aria-invalid": true as const, "aria-describedby": `${id}-url-error` } : {})}
      />
      <FieldError id={`${id}-url-error`} error={urlError} testId="forward-url-error" />

      <label className="field" htmlFor={`${id}-condition`}>
        <span>Only requests matching</span>
      </label>
      <input
        id={`${id}-condition`}
        className="mono"
        value={row.condition}
        onChange={(e) => onRow({ ...row, condition: e.target.value })}
        onBlur={onCheckCondition}
        placeholder="every request; e.g. type:dispute.*"
        spellCheck={false}
        autoComplete="off"
        data-testid="forward-condition"
        aria-describedby={conditionProblem ? `${id}-condition-error` : `${id}-condition-help`}
        {...(conditionProblem ? { "aria-invalid": true as const } : {})}
      />
      {conditionProblem ? (
        <ConditionError id={`${id}-condition-error`} text={row.condition} problem={conditionProblem} />
      ) : (
        <span className="muted field-help" id={`${id}-condition-help`}>
          The search language, as in the search box: <span className="mono">type:refund.*</span>,{" "}
          <span className="mono">json.data.amount:*</span>, <span className="mono">-provider:kustom</span>. Empty:
          every request.
        </span>
      )}

      <fieldset className="forward-modes">
        <legend>Who answers the sender</legend>
        {MODES.map((m) => (
          <label key={m.mode} className="forward-mode">
            <input
              type="radio"
              name={`${id}-mode`}
              value={m.mode}
              checked={row.mode === m.mode}
              onChange={() => onRow({ ...row, mode: m.mode })}
              aria-describedby={`${id}-${m.mode}-help`}
              data-testid={`forward-${m.mode}`}
            />
            <span className="forward-mode-text">
              <span>{m.label}</span>
              <span className="muted" id={`${id}-${m.mode}-help`}>
                {m.help}
              </span>
            </span>
          </label>
        ))}
      </fieldset>

      <label className="forward-exact">
        <input
          type="checkbox"
          role="switch"
          checked={row.exactUrl}
          onChange={(e) => onRow({ ...row, exactUrl: e.target.checked })}
          aria-describedby={`${id}-example`}
          data-testid="forward-exact"
        />
        <span>Send to exactly this URL</span>
      </label>
      <p className="muted section-help forward-example" id={`${id}-example`} data-testid="forward-example">
        {row.exactUrl ? (
          example ? (
            <>
              Every request goes to <span className="mono">{row.url.trim()}</span> as written.
            </>
          ) : (
            "Every request goes to the URL as written."
          )
        ) : example ? (
          <>
            The path below the prefix and the query string are kept: <span className="mono">{example.request}</span>{" "}
            goes to <span className="mono">{example.sent}</span>
          </>
        ) : (
          <>
            The path below the prefix and the query string are kept: <span className="mono">{shownPrefix}/orders?x=1</span>{" "}
            goes to the URL with <span className="mono">/orders?x=1</span> added.
          </>
        )}
      </p>
    </li>
  );
}

/** Passing each captured request on to handlers: a list of targets, each with a condition and who answers. */
export function ForwardSection({
  rows,
  urlErrors,
  conditionProblems,
  listError,
  prefix,
  onChange,
  onCheckUrl,
  onCheckCondition,
}: Props) {
  const uid = useId();
  const full = rows.length >= MAX_FORWARD_TARGETS;
  return (
    <section className="editor-section" aria-labelledby={`${uid}-title`} data-testid="forward-section">
      <h3 id={`${uid}-title`}>Forwarding</h3>
      <p className="muted section-help">
        Pass each request on to your handlers, with its method, headers and body as received: to every target whose
        condition it matches.
      </p>
      {rows.length === 0 ? (
        <p className="muted section-help" data-testid="forward-none">
          Not forwarding: requests are only captured.
        </p>
      ) : (
        <ol className="forward-targets" aria-label="Forward targets">
          {rows.map((row, i) => (
            <Target
              key={row.key}
              row={row}
              n={i + 1}
              uid={uid}
              urlError={urlErrors[row.key]}
              conditionProblem={conditionProblems[row.key]}
              prefix={prefix}
              onRow={(changed) => onChange(rows.map((r) => (r.key === row.key ? changed : r)))}
              onRemove={() => onChange(rows.filter((r) => r.key !== row.key))}
              onCheckUrl={() => onCheckUrl(row.key)}
              onCheckCondition={() => onCheckCondition(row.key)}
            />
          ))}
        </ol>
      )}
      <FieldError id={`${uid}-list-error`} error={listError} testId="forward-list-error" />
      <button
        type="button"
        className="link-button"
        onClick={() => onChange([...rows, targetRow()])}
        disabled={full}
        title={full ? `At most ${MAX_FORWARD_TARGETS} targets` : undefined}
        data-testid="forward-add"
      >
        {rows.length === 0 ? "Forward to a handler" : "Add a target"}
      </button>
      <p className="muted section-help" data-testid="forward-note">
        Each request is stored before it is forwarded, and every forward is recorded under its event. At most one
        target relays; when its condition does not match, the sender gets the configured response. Loops are
        prevented: a request Hooklens forwarded (it carries <span className="mono">X-Hooklens-Forwarded</span>) is not
        forwarded again.
      </p>
    </section>
  );
}
