import { useCallback, useEffect, useRef, useState } from "react";
import { listRuns, type Delivery, type DeliveryKind, type DeliveryRun, type HeaderView } from "../../ipc";
import { formatDateTime, formatSize } from "../../lib/format";
import { base64Size } from "../resend/form";
import { useRunsChanged } from "../resend/runsChanged";
import { AttemptSummary, StatusChip } from "../resend/StatusChip";
import { bodyPreview, durationMs } from "../resend/words";
import "../forms.css";
import "../resend/resend.css";
import "./deliveries.css";

const kindWords: Record<DeliveryKind, string> = { resend: "resend", forward: "forward", test: "test event" };

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

type Loaded = { eventId: number; runs: DeliveryRun[] } | null;

/** Everything sent from this event (resends, forwards, tests), newest first, each attempt with its reply. */
export function Deliveries({ eventId }: { eventId: number }) {
  const [loaded, setLoaded] = useState<Loaded>(null);
  const [error, setError] = useState<string | null>(null);
  // A reply for an event no longer shown is dropped.
  const shown = useRef(eventId);
  shown.current = eventId;

  const load = useCallback(() => {
    listRuns(eventId).then(
      (runs) => {
        if (shown.current !== eventId) return;
        setLoaded({ eventId, runs });
        setError(null);
      },
      (err: unknown) => {
        if (shown.current === eventId) setError(errorText(err));
      },
    );
  }, [eventId]);

  useEffect(() => {
    setError(null);
    load();
  }, [load]);
  useRunsChanged(eventId, load);

  // Another event's list is not shown while this one's loads.
  const runs = loaded && loaded.eventId === eventId ? loaded.runs : null;
  const attempts = runs?.reduce((n, r) => n + r.attempts.length, 0) ?? 0;

  return (
    <section className="detail-section deliveries-section" aria-label="Sent from this event" data-testid="deliveries">
      <div className="section-head">
        <h3>
          Sent from this event{" "}
          {runs && runs.length > 0 && (
            <span className="muted">
              ({runs.length} {runs.length === 1 ? "send" : "sends"}, {attempts} {attempts === 1 ? "request" : "requests"})
            </span>
          )}
        </h3>
        <button type="button" className="secondary-button compact" data-testid="deliveries-refresh" onClick={load}>
          Refresh
        </button>
      </div>
      {error && (
        <p className="error-text" role="alert" data-testid="deliveries-error">
          Could not load what was sent: {error}
        </p>
      )}
      {runs === null ? (
        !error && <p className="muted">Loading…</p>
      ) : runs.length === 0 ? (
        <p className="muted" data-testid="deliveries-empty">
          Nothing sent from this event yet.
        </p>
      ) : (
        <ol className="run-list">
          {runs.map((run) => (
            <Run key={run.id} run={run} />
          ))}
        </ol>
      )}
    </section>
  );
}

function Run({ run }: { run: DeliveryRun }) {
  const running = run.finishedAtMs === null;
  return (
    <li className="run" data-testid="delivery-run" data-run-id={run.id}>
      <div className="run-head">
        <span className={`tag run-kind kind-${run.kind}`}>{kindWords[run.kind]}</span>
        <span className="run-pattern">{run.pattern}</span>
        <span className="muted run-time" title={formatDateTime(run.startedAtMs)}>
          {formatDateTime(run.startedAtMs)}
        </span>
      </div>
      <div className="run-target mono break" data-testid="delivery-target">
        → {run.target}
      </div>
      <p className={running ? "run-outcome muted" : "run-outcome"} data-testid="delivery-outcome">
        {running ? "Still sending…" : (run.outcome ?? "Finished.")}
      </p>
      {run.attempts.length > 0 && (
        <ol className="run-attempts">
          {run.attempts.map((d) => (
            <Attempt key={d.id} delivery={d} />
          ))}
        </ol>
      )}
    </li>
  );
}

function Attempt({ delivery: d }: { delivery: Delivery }) {
  const [open, setOpen] = useState(false);
  const { response, error } = d;
  const panelId = `delivery-${d.id}`;
  return (
    <li className={open ? "attempt open" : "attempt"} data-testid="delivery-attempt" data-attempt={d.attempt}>
      <button
        type="button"
        className="attempt-toggle"
        aria-expanded={open}
        aria-controls={panelId}
        data-testid="delivery-attempt-toggle"
        onClick={() => setOpen((o) => !o)}
      >
        <span className="disclosure" aria-hidden="true">
          {open ? "▾" : "▸"}
        </span>
        <AttemptSummary delivery={d} />
        {!error && response && !response.redirectTo && response.bodyText && (
          <span className="attempt-peek mono muted" data-testid="delivery-preview">
            {bodyPreview(response.bodyText, 80)}
          </span>
        )}
      </button>
      {error && (
        <p className="attempt-error error-text" data-testid="delivery-error" data-kind={error.kind}>
          {error.message}
        </p>
      )}
      {response?.redirectTo && (
        <p className="attempt-note warn-text" data-testid="delivery-redirect">
          Redirect to <span className="mono break">{response.redirectTo}</span> — not followed.
        </p>
      )}
      <p className="attempt-signing muted">{d.signing}</p>
      {open && (
        <div className="attempt-detail" id={panelId}>
          <div className="exchange">
            <h4>Request as sent</h4>
            <p className="mono break request-line-sent">
              {d.method} {d.url}
            </p>
            <p className="muted small">Sent {formatDateTime(d.sentAtMs)}</p>
            <Headers headers={d.headers} label="Request headers as sent" />
            <Body text={d.bodyText} base64={d.bodyBase64} truncated={false} testId="delivery-request-body" />
          </div>
          <div className="exchange">
            <h4>Response</h4>
            {response ? (
              <>
                <p className="response-status">
                  <StatusChip delivery={d} /> <span className="muted small">after {durationMs(d.durationMs)}</span>
                </p>
                <Headers headers={response.headers} label="Response headers" />
                <Body
                  text={response.bodyText}
                  base64={response.bodyBase64}
                  truncated={response.bodyTruncated}
                  testId="delivery-response-body"
                />
              </>
            ) : (
              <p className="error-text">{error ? `No response: ${error.message}` : "No response recorded."}</p>
            )}
          </div>
        </div>
      )}
    </li>
  );
}

function Headers({ headers, label }: { headers: HeaderView[]; label: string }) {
  if (headers.length === 0) return <p className="muted small">No headers.</p>;
  return (
    <table className="kv-table exchange-headers" aria-label={label}>
      <colgroup>
        <col className="kv-col-name" />
        <col />
      </colgroup>
      <tbody>
        {headers.map((h, i) => (
          <tr key={i}>
            <td className="kv-name">{h.name}</td>
            <td className="kv-value">
              {h.value === "" ? <span className="muted">(empty)</span> : h.value}
              {h.binary && <span className="tag warn">binary</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A body as text only: React text nodes, never markup. */
function Body({ text, base64, truncated, testId }: { text: string | null; base64: string | null; truncated: boolean; testId: string }) {
  const note = truncated ? (
    <p className="body-note warn small" data-testid="delivery-truncated">
      Truncated at 1 MiB: only the first part of the body is kept.
    </p>
  ) : null;
  if (text !== null && text !== "") {
    return (
      <>
        {note}
        <pre className="body-box exchange-body" data-testid={testId}>
          {text}
        </pre>
      </>
    );
  }
  if (base64) {
    const size = base64Size(base64);
    return (
      <>
        {note}
        <p className="muted small" data-testid={testId}>
          Binary body, {formatSize(size)} ({size.toLocaleString()} bytes): not text, so not shown.
        </p>
      </>
    );
  }
  return (
    <p className="muted small" data-testid={testId}>
      Empty body.
    </p>
  );
}
