import { useEffect, useState, type ReactNode } from "react";
import { createPortal } from "react-dom";
import {
  curlCommand,
  saveBody,
  type Endpoint,
  type EventSummary,
  type EventView,
  type ListenerStatus,
  type PresetInfo,
} from "../ipc";
import { CopyButton } from "./CopyButton";
import { VerdictCard } from "./VerdictCard";
import { providerName } from "./verdictText";
import { type BodyTab, decodeParams, queryOf } from "./detail/body";
import { BodyView } from "./detail/BodyView";
import { HeadersTable } from "./detail/HeadersTable";
import { Overview } from "./detail/Overview";
import { ParamsTable } from "./detail/ParamsTable";
import { useEventView } from "./detail/useEventView";
import { Deliveries } from "./detail/Deliveries";
import { ResendEditor } from "./lazy";
import "./detail/controls.css";
import "./detail/detail.css";

type Props = {
  eventId: number | null;
  /** The timeline's summary of the event; a new object means it changed in place. */
  summary: EventSummary | null;
  endpoints: Endpoint[];
  presets: PresetInfo[];
  listener: ListenerStatus | null;
  now: number;
  onSelectEvent: (id: number) => void;
  onSearch: (query: string) => void;
  onPin: (id: number, pinned: boolean) => void;
};

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

type SaveState = { state: "idle" } | { state: "saving" } | { state: "saved"; path: string } | { state: "failed"; message: string };

function Actions({ eventId, onResend }: { eventId: number; onResend: () => void }) {
  const [save, setSave] = useState<SaveState>({ state: "idle" });
  useEffect(() => setSave({ state: "idle" }), [eventId]);

  const onSave = () => {
    setSave({ state: "saving" });
    saveBody(eventId).then(
      (path) => setSave(path === null ? { state: "idle" } : { state: "saved", path }),
      (err: unknown) => setSave({ state: "failed", message: errorText(err) }),
    );
  };

  return (
    <div className="detail-actions">
      <button type="button" className="secondary-button" data-testid="resend-open" onClick={onResend}>
        Resend…
      </button>
      <CopyButton
        text={() => curlCommand(eventId)}
        label="a curl command that sends this request again"
        caption="Copy as curl"
        testId="copy-curl"
      />
      <button
        type="button"
        className="secondary-button"
        data-testid="save-body"
        disabled={save.state === "saving"}
        onClick={onSave}
      >
        {save.state === "saving" ? "Saving…" : "Save body…"}
      </button>
      {save.state === "saved" && (
        <span className="action-result" data-testid="save-body-result">
          Saved to <span className="mono break">{save.path}</span>
        </span>
      )}
      {save.state === "failed" && (
        <span className="action-result error-text" role="alert" data-testid="save-body-result">
          Could not save the body: {save.message}
        </span>
      )}
    </div>
  );
}

function Empty({ children }: { children: ReactNode }) {
  return (
    <aside className="detail" aria-label="Event detail" data-testid="detail">
      <div className="detail-empty">{children}</div>
    </aside>
  );
}

/** Everything stored about the selected event. */
/** The request line as it arrived; events stored before the version was kept show none. */
function requestLine(method: string, view: EventView): string {
  return view.httpVersion ? `${method} ${view.target} ${view.httpVersion}` : `${method} ${view.target}`;
}

export function DetailPane({
  eventId,
  summary,
  endpoints,
  presets,
  listener,
  now,
  onSelectEvent,
  onSearch,
  onPin,
}: Props) {
  const { view, loading, error } = useEventView(eventId, summary);
  const [tab, setTab] = useState<BodyTab | null>(null);
  // The event the resend editor was opened from (a snapshot: edits start from it).
  const [resending, setResending] = useState<EventView | null>(null);

  if (eventId === null) {
    return (
      <Empty>
        <h2>No event selected</h2>
        <p>Select an event in the timeline to see what arrived: headers, body, signature and deliveries.</p>
      </Empty>
    );
  }
  if (!view) {
    if (error && error.id === eventId) {
      return (
        <Empty>
          <h2>Could not open this event</h2>
          <p className="error-text" role="alert" data-testid="detail-error">
            {error.kind === "not_found" ? "This event is no longer stored." : error.message}
          </p>
        </Empty>
      );
    }
    return (
      <Empty>
        <p className="muted" data-testid="detail-loading" aria-busy="true">
          Loading event…
        </p>
      </Empty>
    );
  }
  return (
    <>
      <Detail
        view={view}
        summary={summary}
        switching={view.summary.id !== eventId}
        loading={loading}
        refreshError={error && error.id === view.summary.id ? error.message : null}
        endpoints={endpoints}
        presets={presets}
        listener={listener}
        now={now}
        tab={tab}
        onTab={setTab}
        onSelectEvent={onSelectEvent}
        onSearch={onSearch}
        onPin={onPin}
        onResend={() => setResending(view)}
      />
      {resending &&
        createPortal(
          <ResendEditor source={resending} endpoints={endpoints} onClose={() => setResending(null)} />,
          document.body,
        )}
    </>
  );
}

type DetailProps = {
  view: EventView;
  summary: EventSummary | null;
  /** `view` is the previous event's, shown until the selected one arrives. */
  switching: boolean;
  loading: boolean;
  refreshError: string | null;
  endpoints: Endpoint[];
  presets: PresetInfo[];
  listener: ListenerStatus | null;
  now: number;
  tab: BodyTab | null;
  onTab: (tab: BodyTab) => void;
  onSelectEvent: (id: number) => void;
  onSearch: (query: string) => void;
  onPin: (id: number, pinned: boolean) => void;
  onResend: () => void;
};

function Detail({ view, summary, switching, loading, refreshError, endpoints, presets, listener, now, tab, onTab, onResend, ...on }: DetailProps) {
  // The timeline's copy is the freshest (pins and verdicts update it first).
  const s = summary && summary.id === view.summary.id ? summary : view.summary;
  const endpoint = endpoints.find((e) => e.id === s.endpointId);
  const url = view.url || `${listener?.url ?? ""}${s.path}${s.query ? `?${s.query}` : ""}`;
  const query = s.query ?? queryOf(url);
  const params = query ? decodeParams(query) : [];
  return (
    <aside
      className={switching ? "detail switching" : "detail"}
      aria-label="Event detail"
      aria-busy={loading || undefined}
      data-testid="detail"
      data-event-id={s.id}
    >
      <div className="pane-header">
        <h2>
          <span className={`method method-${s.method.toLowerCase()}`}>{s.method}</span>{" "}
          <span className="detail-path">{s.path}</span>
        </h2>
        {loading && (
          <span className="muted detail-loading" data-testid="detail-loading">
            Loading…
          </span>
        )}
      </div>
      <div className="detail-body">
        {refreshError && (
          <p className="banner error" role="alert" data-testid="detail-error">
            Could not refresh this event: {refreshError}
          </p>
        )}
        <Actions eventId={s.id} onResend={onResend} />
        <VerdictCard verdict={s.verdict} endpoint={endpoint} provider={providerName(s.provider ?? endpoint?.preset, presets)} />
        <Overview view={view} summary={s} url={url} endpoints={endpoints} presets={presets} now={now} {...on} />
        {/* The body is what people open an event for: it comes before the headers. */}
        <BodyView view={view} preferred={tab} onPreferred={onTab} />
        <HeadersTable key={s.id} eventId={s.id} headers={view.headers} requestLine={requestLine(s.method, view)} />
        {view.trailers.length > 0 && (
          <HeadersTable key={`${s.id}-trailers`} eventId={s.id} headers={view.trailers} kind="trailers" />
        )}
        {params.length > 0 && (
          <section className="detail-section" aria-label="Query parameters">
            <div className="section-head">
              <h3>
                Query parameters <span className="muted">({params.length})</span>
              </h3>
            </div>
            <ParamsTable params={params} label="Query parameters" testId="query-params" rowTestId="query-param" />
          </section>
        )}
        <Deliveries eventId={s.id} />
      </div>
    </aside>
  );
}
