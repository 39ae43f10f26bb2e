import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { listSamples, sendTestEvent, type Endpoint, type PresetInfo, type SampleInfo, type TestEventSpec } from "../../ipc";
import { FieldError } from "../FieldError";
import { Modal } from "../Modal";
import { StatusChip } from "../resend/StatusChip";
import { durationMs } from "../resend/words";
import {
  defaultEndpoint,
  listenerTarget,
  outcomeOf,
  providersWithSamples,
  samplesFor,
  signingWords,
  urlProblem,
  type Outcome,
} from "./testEvent";
import "../detail/controls.css";
import "../forms.css";
import "./testevents.css";

type Props = {
  endpoints: Endpoint[];
  presets: PresetInfo[];
  /** The capture listener's URL, e.g. http://127.0.0.1:9494; null while unknown. */
  listenUrl: string | null;
  /** Start on this provider when it has samples (e.g. the selected endpoint's preset). */
  initialPreset?: string | null;
  onClose: () => void;
};

type Destination = "listener" | "custom";

/** What was sent, for the words around its result. */
type Sent = {
  preset: string;
  eventType: string;
  toListener: boolean;
  /** What the receiving endpoint is set to answer (when sent to Hooklens itself). */
  configuredStatus: number | null;
  outcome: Outcome;
};

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

// The samples are the core's constants: fetched once per session.
let cachedSamples: SampleInfo[] | null = null;

/** Forget the cached samples (tests start each case fresh). */
export function resetSampleCache() {
  cachedSamples = null;
}

function firstProvider(samples: readonly SampleInfo[], presets: readonly PresetInfo[], initial: string | null | undefined) {
  const providers = providersWithSamples(samples, presets);
  return providers.find((p) => p.id === initial)?.id ?? providers[0]?.id ?? "";
}

/** Sends a signed sample event of a provider, to Hooklens itself or to any URL, and shows the reply. */
export function TestEventDialog({ endpoints, presets, listenUrl, initialPreset, onClose }: Props) {
  const [samples, setSamples] = useState<SampleInfo[] | null>(cachedSamples);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [preset, setPreset] = useState(() => (cachedSamples ? firstProvider(cachedSamples, presets, initialPreset) : ""));
  const [eventType, setEventType] = useState(() => (cachedSamples ? (samplesFor(cachedSamples, preset)[0]?.eventType ?? "") : ""));
  const [endpointId, setEndpointId] = useState<number | null>(() => defaultEndpoint(endpoints, preset)?.id ?? null);
  const [destination, setDestination] = useState<Destination>("listener");
  const [customUrl, setCustomUrl] = useState("");
  const [urlError, setUrlError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState<Sent | null>(null);
  const uid = useId();
  const providerRef = useRef<HTMLSelectElement>(null);
  const customRef = useRef<HTMLInputElement>(null);
  const open = useRef(true);

  useEffect(
    () => () => {
      open.current = false;
    },
    [],
  );

  const choosePreset = (id: string, list: readonly SampleInfo[] | null = samples) => {
    setPreset(id);
    setEventType(list ? (samplesFor(list, id)[0]?.eventType ?? "") : "");
    setEndpointId(defaultEndpoint(endpoints, id)?.id ?? null);
  };

  useEffect(() => {
    if (cachedSamples) return;
    listSamples().then(
      (list) => {
        cachedSamples = list;
        if (!open.current) return;
        setSamples(list);
        choosePreset(firstProvider(list, presets, initialPreset), list);
        // Focus went to the close button while nothing could be chosen.
        const active = document.activeElement;
        if (!(active instanceof HTMLInputElement || active instanceof HTMLSelectElement)) {
          window.setTimeout(() => providerRef.current?.focus(), 0);
        }
      },
      (err: unknown) => {
        if (open.current) setLoadError(errorText(err));
      },
    );
    // Once, on open.
  }, []);

  const providers = samples ? providersWithSamples(samples, presets) : [];
  const types = samples ? samplesFor(samples, preset) : [];
  const sample = types.find((t) => t.eventType === eventType);
  const endpoint = endpoints.find((e) => e.id === endpointId) ?? null;
  const signing = signingWords(endpoint, preset, presets);
  const ownTarget = listenerTarget(listenUrl, endpoint);
  const canSend = samples !== null && preset !== "" && eventType !== "" && !sending;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!canSend) return;
    let url: string | null = null;
    if (destination === "custom") {
      const problem = urlProblem(customUrl);
      setUrlError(problem);
      if (problem) {
        customRef.current?.focus();
        return;
      }
      url = customUrl.trim();
    }
    const spec: TestEventSpec = { preset, eventType, endpointId, url };
    const toListener = url === null;
    // Without an endpoint the request lands on the default one.
    const receiver = endpoint ?? endpoints.find((e) => e.isDefault) ?? null;
    const configuredStatus = toListener ? (receiver?.response.status ?? null) : null;
    setSending(true);
    setSent(null);
    const running = sendTestEvent(spec, () => {});
    running.done.then(
      (run) => {
        if (!open.current) return;
        setSending(false);
        setSent({ preset, eventType, toListener, configuredStatus, outcome: outcomeOf(run) });
      },
      (err: unknown) => {
        if (!open.current) return;
        setSending(false);
        setSent({
          preset,
          eventType,
          toListener,
          configuredStatus,
          outcome: { kind: "error", message: errorText(err), durationMs: null, url, signing: null },
        });
      },
    );
  };

  const ids = (field: string) => `${uid}-${field}`;

  return (
    <Modal
      title="Send test event"
      onClose={onClose}
      className="test-event-dialog form-dialog"
      testId="test-event-dialog"
      closeTestId="test-event-close"
    >
      <form className="editor-form" onSubmit={onSubmit} noValidate>
        <div className="modal-body">
          <p className="muted section-help intro">
            A fresh sample of the provider's event, with a new id and timestamp, signed with the endpoint's newest
            secret.
          </p>
          {loadError && (
            <p className="field-error" role="alert" data-testid="test-event-load-error">
              Could not load the sample events: {loadError}
            </p>
          )}
          {!samples && !loadError && <p className="muted">Loading the sample events…</p>}
          {samples && providers.length === 0 && <p className="muted">No provider preset carries sample events.</p>}

          <div className="field-row">
            <div className="field-col">
              <label className="field" htmlFor={ids("provider")}>
                <span>Provider</span>
              </label>
              <select
                id={ids("provider")}
                ref={providerRef}
                value={preset}
                disabled={!samples}
                onChange={(e) => choosePreset(e.target.value)}
                data-testid="test-event-provider"
                data-autofocus
              >
                {providers.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="field-col">
              <label className="field" htmlFor={ids("type")}>
                <span>Event type</span>
              </label>
              <select
                id={ids("type")}
                className="mono"
                value={eventType}
                disabled={!samples}
                onChange={(e) => setEventType(e.target.value)}
                aria-describedby={ids("type-help")}
                data-testid="test-event-type"
              >
                {types.map((t) => (
                  <option key={t.eventType} value={t.eventType} title={t.description}>
                    {t.eventType}
                  </option>
                ))}
              </select>
              <p className="muted section-help type-help" id={ids("type-help")} data-testid="test-event-type-description">
                {sample?.description ?? "\u00a0"}
              </p>
            </div>
          </div>

          <label className="field" htmlFor={ids("endpoint")}>
            <span>Sign with the secret of</span>
          </label>
          <select
            id={ids("endpoint")}
            value={endpointId ?? ""}
            onChange={(e) => setEndpointId(e.target.value === "" ? null : Number(e.target.value))}
            aria-describedby={ids("signing")}
            data-testid="test-event-endpoint"
          >
            {endpoints.map((e) => (
              <option key={e.id} value={e.id}>
                {`${e.name} (${e.isDefault ? "unmatched paths" : e.pathPrefix})${e.secrets.length === 0 ? ", no secret" : ""}`}
              </option>
            ))}
            <option value="">No endpoint: send unsigned</option>
          </select>
          <p
            className={`section-help signing-line ${signing.signed && !signing.warn ? "ok-line" : "warn-line"}`}
            id={ids("signing")}
            data-testid="test-event-signing"
            data-signed={signing.signed}
          >
            <span aria-hidden="true">{signing.signed ? "✓" : "!"}</span> {signing.text}
          </p>

          <label className="field" htmlFor={ids("destination")}>
            <span>Send to</span>
          </label>
          <select
            id={ids("destination")}
            value={destination}
            onChange={(e) => {
              const next: Destination = e.target.value === "custom" ? "custom" : "listener";
              setDestination(next);
              setUrlError(null);
              if (next === "custom") window.setTimeout(() => customRef.current?.focus(), 0);
            }}
            data-testid="test-event-url"
          >
            <option value="listener">Hooklens (this app's listener)</option>
            <option value="custom">Another URL…</option>
          </select>
          {destination === "listener" ? (
            <p className="muted section-help" data-testid="test-event-target">
              {ownTarget ? (
                <>
                  Goes to <span className="mono target-url">{ownTarget}</span>
                  {endpoint && !endpoint.isDefault ? `, the path of “${endpoint.name}”.` : ", the default endpoint."}
                </>
              ) : (
                "The listener's address is not known yet."
              )}
            </p>
          ) : (
            <>
              <input
                ref={customRef}
                className="mono custom-url"
                value={customUrl}
                onChange={(e) => {
                  setCustomUrl(e.target.value);
                  if (urlError) setUrlError(null);
                }}
                onBlur={() => setUrlError(customUrl.trim() === "" ? null : urlProblem(customUrl))}
                placeholder="http://localhost:3000/webhooks"
                aria-label="URL to send the test event to"
                spellCheck={false}
                autoComplete="off"
                data-testid="test-event-custom-url"
                {...(urlError ? { "aria-invalid": true, "aria-describedby": ids("url-error") } : {})}
              />
              <FieldError id={ids("url-error")} error={urlError} testId="test-event-url-error" />
            </>
          )}

          {(sending || sent) && (
            <div className="test-event-result" role="status" aria-live="polite" data-testid="test-event-result">
              {sending ? (
                <p className="muted">Sending {eventType}…</p>
              ) : sent ? (
                <ResultView sent={sent} presets={presets} />
              ) : null}
            </div>
          )}
        </div>

        <div className="modal-foot">
          <div className="foot-actions">
            <button type="button" className="secondary-button" data-testid="test-event-cancel" onClick={onClose}>
              Close
            </button>
            <button type="submit" className="primary-button" data-testid="test-event-send" disabled={!canSend}>
              {sending ? "Sending…" : sent ? "Send another" : "Send"}
            </button>
          </div>
        </div>
      </form>
    </Modal>
  );
}

/**
 * Whether our own listener's answer means it stored the request: it answers
 * 503 (or 413, too large) only when it could not, unless the endpoint is set
 * to answer that; any other status is the configured one or a relayed reply.
 */
function storedBy(status: number, configuredStatus: number | null): boolean {
  return status === configuredStatus || (status !== 503 && status !== 413);
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function ResultView({ sent, presets }: { sent: Sent; presets: readonly PresetInfo[] }) {
  const { outcome } = sent;
  const provider = presets.find((p) => p.id === sent.preset)?.name ?? sent.preset;
  const what = (
    <>
      {provider} <span className="mono">{sent.eventType}</span>
    </>
  );
  if (outcome.kind === "error") {
    return (
      <>
        <p className="result-head">
          <StatusChip delivery={{ response: null, error: outcome }} failedText="Not delivered" testId="test-event-result-status" />
          {/* Worth saying for a timeout; "after 0 ms" is not. */}
          {outcome.durationMs !== null && outcome.durationMs >= 1000 && (
            <span className="muted">after {durationMs(outcome.durationMs)}</span>
          )}
        </p>
        <p className="result-error" data-testid="test-event-error">
          {outcome.message}
        </p>
        <p className="muted result-meta">
          {what}
          {outcome.url ? (
            <>
              {" "}
              to <span className="mono">{outcome.url}</span>
            </>
          ) : null}
        </p>
      </>
    );
  }
  return (
    <>
      <p className="result-head">
        <StatusChip delivery={{ response: outcome, error: null }} testId="test-event-result-status" />
        <span className="muted" data-testid="test-event-duration">
          in {durationMs(outcome.durationMs)}
        </span>
      </p>
      <p className="muted result-meta">
        {what} to <span className="mono">{outcome.url}</span>
        <br />
        {capitalized(outcome.signing)}
      </p>
      {sent.toListener && storedBy(outcome.status, sent.configuredStatus) && (
        <p className="ok-text result-timeline" data-testid="test-event-in-timeline">
          Hooklens stored it: the event appears in the timeline.
        </p>
      )}
      {outcome.redirectTo && (
        <p className="muted result-meta">
          Redirects to <span className="mono">{outcome.redirectTo}</span> (not followed).
        </p>
      )}
      <p className="field result-body-label">
        <span>Response body</span>
      </p>
      {outcome.bodyText !== null ? (
        outcome.bodyText === "" ? (
          <p className="muted" data-testid="test-event-response-body">
            (empty)
          </p>
        ) : (
          <pre className="body-box result-body" data-testid="test-event-response-body">
            {outcome.bodyText}
          </pre>
        )
      ) : (
        <p className="muted" data-testid="test-event-response-body">
          Not text: {outcome.binaryBytes ?? 0} bytes, not shown.
        </p>
      )}
      {outcome.truncated && <p className="muted result-meta">Only the first 1 MiB was kept.</p>}
    </>
  );
}
