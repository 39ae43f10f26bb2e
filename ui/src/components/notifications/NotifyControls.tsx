import { useCallback, useEffect, useId, useRef, useState } from "react";
import { usePopover } from "../../lib/usePopover";
import { IpcError, notifyState, setNotifySettings, type NotifyRule, type NotifySettings, type NotifyState } from "../../ipc";
import { errorMessage } from "../../state/useTimeline";
import "./notifications.css";

/** How long typing in the notification query pauses before it is saved. */
export const NOTIFY_QUERY_DEBOUNCE_MS = 400;
/** While the shell has not yet asked the desktop for a notification service: poll this often… */
export const STATUS_POLL_MS = 500;
/** …this many times at most. */
export const STATUS_POLLS = 12;

export type BellState = "on" | "paused" | "off" | "unavailable" | "unknown";

/** What the bell shows: pause first (the user's own switch), then a missing service, then the rule. */
export function bellState(state: NotifyState | null): BellState {
  if (!state) return "unknown";
  if (state.settings.paused) return "paused";
  if (state.status.state === "unavailable") return "unavailable";
  if (state.settings.rule === "none") return "off";
  return "on";
}

const RULES: { rule: NotifyRule; label: string; hint: string }[] = [
  { rule: "all", label: "All events", hint: "every new event" },
  { rule: "invalid", label: "Only invalid signatures", hint: "events whose signature is not valid" },
  { rule: "query", label: "Only events matching a search", hint: "events matching the search below" },
  { rule: "none", label: "None", hint: "no notifications" },
];

const BELL_LABEL: Record<BellState, string> = {
  on: "On",
  paused: "Paused",
  off: "Off",
  unavailable: "Unavailable",
  unknown: "Notifications",
};

function ruleHint(rule: NotifyRule): string {
  return RULES.find((r) => r.rule === rule)?.hint ?? "";
}

function bellTitle(bell: BellState, state: NotifyState | null, loadError: string | null): string {
  if (!state) return loadError ? `Notification settings unavailable: ${loadError}` : "Notifications: loading…";
  const { settings, status } = state;
  switch (bell) {
    case "paused":
      return "Notifications paused (do not disturb). Click to resume.";
    case "unavailable":
      return `Notifications unavailable: ${status.state === "unavailable" ? status.reason : ""}. Events are still captured. Click to pause.`;
    case "off":
      return "Notifications off (rule: none). Click to pause; change the rule in the settings.";
    default:
      return `Notifications on: ${ruleHint(settings.rule)}. Click to pause (do not disturb).`;
  }
}

function statusText(state: NotifyState | null, loadError: string | null): string {
  if (!state) return loadError ? `Unavailable: ${loadError}` : "Checking for a notification service…";
  const { status } = state;
  switch (status.state) {
    case "available":
      return `Shown by ${status.server}`;
    case "unavailable":
      return `Unavailable: ${status.reason} — events are still captured`;
    case "unknown":
      return "Checking for a notification service…";
  }
}

const BELL = "M8 2.2a3.8 3.8 0 0 0-3.8 3.8v2.6L3 10.6v.9h10v-.9l-1.2-2V6A3.8 3.8 0 0 0 8 2.2z";
const CLAPPER = "M6.5 13a1.6 1.6 0 0 0 3 0";

/** A bell: filled when on, with a "z" when paused, struck through when off, with a "!" when unavailable. */
function BellIcon({ bell }: { bell: BellState }) {
  const badged = bell === "paused" || bell === "unavailable";
  return (
    <svg className="notify-icon" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" strokeLinecap="round" strokeLinejoin="round">
      <g transform={badged ? "translate(-1.2 1.2) scale(0.9)" : undefined} strokeWidth={badged ? 1.45 : 1.3}>
        <path d={BELL} fill={bell === "on" ? "currentColor" : "none"} fillOpacity={bell === "on" ? 0.18 : undefined} />
        <path d={CLAPPER} />
      </g>
      {bell === "off" && <path d="M2.5 2.5l11 11" strokeWidth="1.4" />}
      {bell === "paused" && <path d="M10.6 0.9h4.2l-4.2 4.6h4.2" strokeWidth="1.4" />}
      {bell === "unavailable" && (
        <>
          <path d="M12.6 0.8v3.4" strokeWidth="1.6" />
          <circle cx="12.6" cy="6.3" r="0.9" fill="currentColor" stroke="none" />
        </>
      )}
    </svg>
  );
}

/**
 * The header's notification controls: a bell that toggles pause (do not
 * disturb) and shows whether notifications are on, paused, off or cannot be
 * shown here, and a settings popover with the rule, its search and the
 * notification service's status. Every change is saved at once (the search
 * after a pause in typing).
 */
export function NotifyControls() {
  const [state, setState] = useState<NotifyState | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const settingsButton = useRef<HTMLButtonElement>(null);
  const { open, setOpen, wrap, onKeyDown } = usePopover<HTMLDivElement>(() => settingsButton.current?.focus());
  // The rule and query as chosen here; they differ from `state` while the query does not parse.
  const [rule, setRule] = useState<NotifyRule>("all");
  const [query, setQuery] = useState("");
  const [queryError, setQueryError] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const queryInput = useRef<HTMLInputElement>(null);
  const timer = useRef<number | undefined>(undefined);
  const seq = useRef(0);
  const mounted = useRef(true);
  const stateRef = useRef(state);
  stateRef.current = state;
  const id = useId();
  const queryErrorId = `${id}-query-error`;

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      window.clearTimeout(timer.current);
    };
  }, []);

  const adopt = useCallback((next: NotifyState) => {
    setState(next);
    setLoadError(null);
    setRule(next.settings.rule);
    setQuery(next.settings.query);
  }, []);

  // Loads the settings; while the shell has not checked for a notification service yet, asks again a few times.
  useEffect(() => {
    let cancelled = false;
    let polls = 0;
    let poll: number | undefined;
    const load = (first: boolean) => {
      notifyState().then(
        (s) => {
          if (cancelled) return;
          if (first) adopt(s);
          else setState((cur) => (cur ? { ...cur, status: s.status } : s));
          if (s.status.state === "unknown" && polls < STATUS_POLLS) {
            polls += 1;
            poll = window.setTimeout(() => load(false), STATUS_POLL_MS);
          }
        },
        (err: unknown) => {
          if (!cancelled && first) setLoadError(errorMessage(err));
        },
      );
    };
    load(true);
    return () => {
      cancelled = true;
      window.clearTimeout(poll);
    };
  }, [adopt]);

  /** Saves `settings`; only the latest save's answer counts. A save of the pause alone says nothing about the search typed here. */
  const save = useCallback((settings: NotifySettings, pauseOnly = false) => {
    seq.current += 1;
    const mine = seq.current;
    setNotifySettings(settings).then(
      (next) => {
        if (!mounted.current || mine !== seq.current) return;
        setState(next);
        if (!pauseOnly) setQueryError(null);
        setSaveError(null);
      },
      (err: unknown) => {
        if (!mounted.current || mine !== seq.current) return;
        if (err instanceof IpcError && err.kind === "query") {
          setQueryError(err.message);
          setSaveError(null);
        } else {
          setSaveError(`Could not save the notification settings: ${errorMessage(err)}`);
        }
        // What the core holds now (the pause may have been saved before).
        notifyState().then(
          (s) => mounted.current && mine === seq.current && setState(s),
          () => {},
        );
      },
    );
  }, []);

  const togglePause = () => {
    const cur = stateRef.current;
    if (!cur) return;
    const paused = !cur.settings.paused;
    const settings = { ...cur.settings, paused };
    // Shown at once; the answer (or the reload after a failure) settles it. The rule saved stays:
    // a search still being typed here may not parse, and must not keep the pause from saving.
    stateRef.current = { ...cur, settings };
    setState(stateRef.current);
    save(settings, true);
  };

  const chooseRule = (next: NotifyRule) => {
    const cur = stateRef.current;
    if (!cur) return;
    window.clearTimeout(timer.current);
    setRule(next);
    if (next !== "query") setQueryError(null);
    if (next === "query" && query.trim() === "") {
      // Nothing to match yet: saved once a search is typed.
      window.setTimeout(() => queryInput.current?.focus(), 0);
      return;
    }
    save({ rule: next, query, paused: cur.settings.paused });
  };

  const typeQuery = (next: string) => {
    setQuery(next);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      const cur = stateRef.current;
      if (cur) save({ rule: "query", query: next, paused: cur.settings.paused });
    }, NOTIFY_QUERY_DEBOUNCE_MS);
  };

  // Refreshes the status when the settings open (a service can appear or go away). A search
  // rule chosen without a search was never saved: closed, the settings show the rule in force.
  useEffect(() => {
    if (!open) {
      const cur = stateRef.current;
      if (cur && rule === "query" && query.trim() === "") setRule(cur.settings.rule);
      return;
    }
    notifyState().then(
      (s) => mounted.current && setState((cur) => (cur ? { ...cur, status: s.status } : s)),
      () => {},
    );
  }, [open]);

  const bell = bellState(state);
  const paused = state?.settings.paused ?? false;
  const statusKind = state ? state.status.state : loadError !== null ? "unavailable" : "unknown";

  return (
    <div className="notify" ref={wrap} onKeyDown={onKeyDown}>
      <button
        type="button"
        className={`notify-bell ${bell}`}
        aria-pressed={paused}
        aria-label={`Pause notifications (${BELL_LABEL[bell].toLowerCase()})`}
        title={bellTitle(bell, state, loadError)}
        disabled={state === null}
        onClick={togglePause}
        data-testid="notify-pause"
        data-state={bell}
      >
        <BellIcon bell={bell} />
        <span className="notify-bell-text">{BELL_LABEL[bell]}</span>
      </button>
      <button
        type="button"
        className="notify-more"
        ref={settingsButton}
        aria-label="Notification settings"
        title="Notification settings"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        aria-haspopup="dialog"
        onClick={() => setOpen((o) => !o)}
        data-testid="notify-settings-open"
      >
        <svg viewBox="0 0 10 10" aria-hidden="true">
          <path d="M2 3.5l3 3 3-3" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </button>
      {open && (
        <div className="notify-popover" id={id} role="dialog" aria-label="Notification settings" data-testid="notify-settings">
          <h2 className="notify-heading">Desktop notifications</h2>
          <fieldset className="notify-rules" disabled={state === null}>
            <legend>Notify for</legend>
            {RULES.map((r) => (
              <div key={r.rule} className="notify-rule-row">
                <label className="notify-rule">
                  <input
                    type="radio"
                    name={`${id}-rule`}
                    value={r.rule}
                    checked={rule === r.rule}
                    onChange={() => chooseRule(r.rule)}
                    data-testid={`notify-rule-${r.rule}`}
                  />
                  {r.label}
                </label>
                {r.rule === "query" && (
                  <>
                    <input
                      type="text"
                      className={`notify-query${queryError && rule === "query" ? " invalid" : ""}`}
                      ref={queryInput}
                      aria-label="Search that events must match to notify"
                      placeholder="e.g. type:order.created -status:valid"
                      spellCheck={false}
                      autoComplete="off"
                      autoCapitalize="off"
                      value={query}
                      disabled={rule !== "query"}
                      aria-invalid={queryError !== null && rule === "query"}
                      aria-describedby={queryError && rule === "query" ? queryErrorId : undefined}
                      onChange={(e) => typeQuery(e.target.value)}
                      onKeyDown={(e) => {
                        if (e.key === "Enter") {
                          e.preventDefault();
                          window.clearTimeout(timer.current);
                          const cur = stateRef.current;
                          if (cur) save({ rule: "query", query, paused: cur.settings.paused });
                        }
                      }}
                      data-testid="notify-query"
                    />
                    {queryError && rule === "query" && (
                      <p className="search-error notify-query-error" role="alert" id={queryErrorId} data-testid="notify-query-error">
                        {queryError}
                      </p>
                    )}
                  </>
                )}
              </div>
            ))}
          </fieldset>
          <label className="notify-pause-toggle">
            <input
              type="checkbox"
              checked={paused}
              disabled={state === null}
              onChange={togglePause}
              data-testid="notify-settings-pause"
            />
            Pause (do not disturb)
          </label>
          <p className="notify-note muted">
            A burst becomes one summary every 5 s. Events already in view in the focused window do not notify.
          </p>
          <p className={`notify-status ${statusKind}`} data-testid="notify-status" role="status">
            {statusText(state, loadError)}
          </p>
          {saveError && (
            <p className="search-error" role="alert" data-testid="notify-error">
              {saveError}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
