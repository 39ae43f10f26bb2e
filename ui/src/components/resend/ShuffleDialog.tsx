import { useEffect, useId, useState, type FormEvent } from "react";
import { recentTargets, resendShuffled, signingInfo, type Delivery, type SigningInfo, type SignMode } from "../../ipc";
import { FieldError } from "../FieldError";
import { Modal } from "../Modal";
import { Choice } from "./Choice";
import { urlProblem } from "./form";
import { SendProgressView } from "./SendProgressView";
import { TargetUrlInput } from "./TargetUrlInput";
import { useSend } from "./useSend";
import "../detail/controls.css";
import "../detail/detail.css";
import "../forms.css";
import "./resend.css";

type Props = {
  /** The selected events, at least two. */
  eventIds: readonly number[];
  /** How to name an event in the list of what was sent (e.g. "POST /orders"). */
  describe: (eventId: number) => string;
  onClose: () => void;
};

const MODES: { mode: SignMode; label: string; help: string }[] = [
  { mode: "keep", label: "As captured", help: "Each request exactly as it arrived, original signature headers included." },
  { mode: "resign", label: "Re-sign", help: "Fresh signatures with each event's endpoint and its newest secret." },
  { mode: "missign", label: "Mis-sign", help: "Wrong signatures on purpose." },
  { mode: "stale", label: "Stale timestamp", help: "Signed with a timestamp past the tolerance." },
];

/** What the core answered, per event, on how its own endpoint would sign it. */
type Answers = PromiseSettledResult<SigningInfo>[];

/** The events that cannot be signed with `mode`, grouped by the core's reason, in words. */
function signingWarnings(answers: Answers, mode: SignMode): string[] {
  const total = answers.length;
  const counts = new Map<string, number>();
  const add = (why: string) => counts.set(why, (counts.get(why) ?? 0) + 1);
  for (const a of answers) {
    if (a.status === "rejected") add(`could not be checked: ${a.reason instanceof Error ? a.reason.message : String(a.reason)}`);
    else if (a.value.problem) add(a.value.problem);
    else if (mode === "stale" && !a.value.signsTimestamp) add("its scheme signs no timestamp whose age is checked, so a stale one cannot be tested");
  }
  return [...counts].map(([why, n]) => `${n} of ${total} event${total === 1 ? "" : "s"}: ${why}`);
}

/** Sends the selected events once each, in a shuffled order, and lists the order they went in. */
export function ShuffleDialog({ eventIds, describe, onClose }: Props) {
  const [url, setUrl] = useState("");
  const [recent, setRecent] = useState<string[]>([]);
  const [mode, setMode] = useState<SignMode>("keep");
  const [urlError, setUrlError] = useState<string | null>(null);
  /** Asked of the core once a signing mode is picked; null until it answers. */
  const [answers, setAnswers] = useState<Answers | null>(null);
  const signs = mode !== "keep";
  const { state, start, cancel } = useSend();
  const running = state.status === "running";
  const uid = useId();

  useEffect(() => {
    recentTargets().then(
      (list) => {
        setRecent(list);
        setUrl((u) => (u === "" ? (list[0] ?? "") : u));
      },
      () => {},
    );
  }, []);

  // Each event signs with its own endpoint (and newest secret): ask the core
  // which of them cannot, before anything is sent.
  useEffect(() => {
    if (!signs || answers !== null) return;
    let live = true;
    void Promise.allSettled(eventIds.map((id) => signingInfo(id, null))).then((list) => {
      if (live) setAnswers(list);
    });
    return () => {
      live = false;
    };
  }, [signs, answers, eventIds]);

  const warnings = signs && answers ? signingWarnings(answers, mode) : [];

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (running) return;
    const problem = urlProblem(url);
    setUrlError(problem);
    if (problem) return;
    start(
      (onProgress) => resendShuffled([...eventIds], url.trim(), { mode, endpointId: null, secretLabel: null }, onProgress),
      (runs) => {
        // Delivered by each event's provider's rule (Kulmi Pay counts only 200), not just any 2xx.
        const ok = runs.filter((r) => r.attempts.some((a) => a.delivered)).length;
        return runs.length < eventIds.length
          ? `Stopped after ${runs.length} of ${eventIds.length} events; ${ok} delivered.`
          : `Sent ${runs.length} events in shuffled order; ${ok} of ${runs.length} delivered.`;
      },
      (p) => (p.kind === "attempt" ? [p.delivery.eventId] : p.kind === "finished" ? [p.run.eventId] : []),
    );
  };

  const labelOf = (d: Delivery, i: number) => `${i + 1}. ${d.eventId === null ? "?" : describe(d.eventId)}`;

  return (
    <Modal
      title={`Send ${eventIds.length} events out of order`}
      className="shuffle-dialog form-dialog"
      testId="shuffle-dialog"
      closeTestId="shuffle-close"
      onClose={onClose}
    >
      <form className="editor-form" onSubmit={onSubmit} noValidate>
        <div className="modal-body">
          <p className="muted small">
            Each selected event is sent once, as captured, in a random order: does your handler cope when a later event
            arrives first?
          </p>
          <label className="field">
            Target URL
            <TargetUrlInput
              value={url}
              recent={recent}
              testId="shuffle-url"
              errorId={urlError ? `${uid}-url-error` : null}
              onChange={(next) => {
                setUrl(next);
                setUrlError(null);
              }}
            />
          </label>
          <FieldError id={`${uid}-url-error`} error={urlError} testId="shuffle-url-error" />
          <fieldset className="resend-fieldset">
            <legend>Signing</legend>
            <div className="choice-list" role="radiogroup" aria-label="How to sign">
              {MODES.map((o) => (
                <Choice
                  key={o.mode}
                  name={`${uid}-sign`}
                  value={o.mode}
                  checked={mode === o.mode}
                  testId={`shuffle-sign-${o.mode}`}
                  onPick={() => setMode(o.mode)}
                  label={o.label}
                  help={o.help}
                />
              ))}
            </div>
            {signs && answers === null && (
              <p className="muted small" data-testid="shuffle-sign-loading" role="status">
                Checking how each event would be signed…
              </p>
            )}
            {warnings.length > 0 && (
              <div className="small warn-text sign-problems" data-testid="shuffle-sign-problem">
                <p>Some events cannot be signed this way: the send stops when it reaches one of them.</p>
                <ul>
                  {warnings.map((w) => (
                    <li key={w}>{w}</li>
                  ))}
                </ul>
              </div>
            )}
          </fieldset>
          <section className="resend-section send-section" aria-label="Sent order" data-testid="shuffle-progress">
            <h3>Order sent</h3>
            <SendProgressView state={state} labelOf={labelOf} idleText="Nothing sent yet." />
          </section>
        </div>
        <div className="modal-foot">
          <div className="foot-actions">
            {running && (
              <button type="button" className="secondary-button" data-testid="shuffle-cancel" disabled={state.cancelling} onClick={cancel}>
                {state.cancelling ? "Cancelling…" : "Cancel"}
              </button>
            )}
            <button type="submit" className="primary-button" data-testid="shuffle-send" disabled={running}>
              {running ? "Sending…" : state.status === "idle" ? "Send in shuffled order" : "Shuffle and send again"}
            </button>
          </div>
        </div>
      </form>
    </Modal>
  );
}
