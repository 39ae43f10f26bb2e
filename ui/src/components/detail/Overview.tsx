import { Fragment } from "react";
import { IMPORT_FORMAT_NAMES } from "../../ipc";
import type { AnswerRecord, Endpoint, EventSummary, EventView, ImportSource, PresetInfo, TunnelArrival } from "../../ipc";
import { formatAge, formatDateTime, formatSize, formatTime } from "../../lib/format";
import { CopyButton } from "../CopyButton";
import { badgeStatus, providerName, shortLabel } from "../verdictText";
import { gapWords, ordinal, searchTerm } from "./body";

type Props = {
  view: EventView;
  /** The freshest summary of the event (the timeline's, when it has it). */
  summary: EventSummary;
  url: string;
  endpoints: Endpoint[];
  presets: PresetInfo[];
  now: number;
  onSelectEvent: (id: number) => void;
  onSearch: (query: string) => void;
  onPin: (id: number, pinned: boolean) => void;
};

const count = new Intl.NumberFormat();


/** Where an imported event came from, which time judged its signature, and what the importer noticed. */
function ImportedFrom({ source }: { source: ImportSource }) {
  const format = IMPORT_FORMAT_NAMES[source.format] ?? source.format;
  return (
    <>
      <span>
        {source.file ? (
          <>
            <span className="mono break">{source.file}</span> ({format}, entry {count.format(source.entry)})
          </>
        ) : (
          <>
            pasted {format}
            {source.entry > 1 ? `, entry ${count.format(source.entry)}` : ""}
          </>
        )}
      </span>
      <span className="muted"> · timestamps judged against the {source.arrival}</span>
      {source.note && <div className="import-note">“{source.note}”</div>}
      {source.warnings.map((w, i) => (
        <div key={i} className="import-warning" data-testid="import-warning">
          ⚠ {w}
        </div>
      ))}
      {source.recordedVerdict && (
        <div data-testid="recorded-verdict">
          Where it was exported from, its signature was{" "}
          <strong>{shortLabel(badgeStatus(source.recordedVerdict))}</strong>
          {source.recordedVerdict.secret ? ` (secret “${source.recordedVerdict.secret}”)` : ""}
          {source.recordedVerdict.reason ? `: ${source.recordedVerdict.reason}` : ""}
          <span className="muted"> · the verdict above is judged here, with this machine’s secrets</span>
        </div>
      )}
      {source.redactions.length > 0 && (
        <div className="import-warning" data-testid="import-redactions">
          ⚠ Redacted before export, so this is not the request that was judged there:{" "}
          {source.redactions.join("; ")}
        </div>
      )}
    </>
  );
}

/** A kind of tunnel as people name it. */
export function tunnelName(kind: string): string {
  return kind === "ssh" ? "SSH" : kind;
}

/** Which tunnel an event came through, at which public URL, and from which client. */
function TunnelFrom({ via }: { via: TunnelArrival }) {
  return (
    <>
      Came through the {tunnelName(via.kind)} tunnel
      {via.publicUrl ? (
        <>
          {" "}
          at <span className="mono break">{via.publicUrl}</span>
        </>
      ) : (
        <span className="muted"> (its public URL was not known yet)</span>
      )}
      {via.clientAddr ? (
        <>
          ; original client <span className="mono">{via.clientAddr}</span>
          {via.clientHeader && (
            <span className={via.clientVouched ? undefined : "muted"}>
              {" "}
              ({via.clientHeader}
              {via.clientVouched ? "" : ", as the request claims it: the tunnel does not vouch for it"})
            </span>
          )}
        </>
      ) : (
        <span className="muted">; the tunnel passed on no original client address</span>
      )}
    </>
  );
}

/** What the endpoint's response rules answered: "rule flaky: 503 (answer 1 of 3, …)". */
function Answered({ answer, onSearch }: { answer: AnswerRecord; onSearch: (query: string) => void }) {
  const what = answer.closed
    ? "closed the connection without answering"
    : `answered ${answer.status ?? ""}`;
  const after = answer.delayMs > 0 ? ` after ${count.format(answer.delayMs)} ms` : "";
  return (
    <>
      {answer.rule ? (
        <>
          Rule{" "}
          <button
            type="button"
            className="link-button"
            data-testid="answer-rule-search"
            title="Show every event this rule answered"
            onClick={() => onSearch(searchTerm("rule", answer.rule ?? ""))}
          >
            {answer.rule}
          </button>{" "}
          {what}
          {after}
        </>
      ) : (
        <>
          No rule matched: the configured response {what}
          {after}
        </>
      )}
      {answer.rule && answer.why && <span className="muted"> · {answer.why}</span>}
      {answer.templateError && <div className="warn-text">Its body template failed: {answer.templateError}</div>}
    </>
  );
}

/** Deliveries listed before "show all in timeline" takes over. */
const MAX_DELIVERIES = 12;

function Deliveries({
  deliveries,
  current,
  onSelectEvent,
}: {
  deliveries: EventSummary[];
  current: number;
  onSelectEvent: (id: number) => void;
}) {
  const shown = deliveries.slice(0, MAX_DELIVERIES);
  // Keep the current one visible even when it is past the cut.
  const here = deliveries.findIndex((d) => d.id === current);
  if (here >= MAX_DELIVERIES) shown.push(deliveries[here] as EventSummary);
  return (
    <ol className="deliveries" aria-label="Deliveries of this event" data-testid="redeliveries">
      {shown.map((d) => {
        const index = deliveries.indexOf(d);
        const prev = index > 0 ? deliveries[index - 1] : undefined;
        const isCurrent = d.id === current;
        return (
          <li key={d.id} className={isCurrent ? "current" : undefined}>
            <button
              type="button"
              className="link-button delivery-link"
              data-testid="delivery-link"
              data-event-id={d.id}
              aria-current={isCurrent ? "true" : undefined}
              disabled={isCurrent}
              title={formatDateTime(d.receivedAtMs)}
              onClick={() => onSelectEvent(d.id)}
            >
              <span className="delivery-n">{ordinal(index + 1)}</span> {formatTime(d.receivedAtMs)}
            </button>
            {prev && <span className="muted delivery-gap"> {gapWords(d.receivedAtMs - prev.receivedAtMs)}</span>}
            {isCurrent && <span className="delivery-here"> ← this one</span>}
          </li>
        );
      })}
      {deliveries.length > shown.length && (
        <li className="muted">…and {count.format(deliveries.length - shown.length)} more</li>
      )}
    </ol>
  );
}

/** What arrived, from where, and what Hooklens recognised in it. */
export function Overview({ view, summary, url, endpoints, presets, now, onSelectEvent, onSearch, onPin }: Props) {
  const endpoint = endpoints.find((e) => e.id === summary.endpointId);
  const provider = providerName(summary.provider, presets);
  const deliveries = view.deliveries;
  return (
    <dl className="facts" data-testid="detail-facts">
      <dt>Method</dt>
      <dd>
        <span className={`method method-${summary.method.toLowerCase()}`}>{summary.method}</span>
      </dd>
      <dt>URL</dt>
      <dd className="fact-with-action">
        <span className="mono break" data-testid="detail-url">
          {url}
        </span>
        <CopyButton text={url} label="URL" testId="copy-url" className="compact" />
      </dd>
      <dt>Received</dt>
      <dd>
        {formatDateTime(summary.receivedAtMs)} <span className="muted">({formatAge(summary.receivedAtMs, now)})</span>
      </dd>
      <dt>Size</dt>
      <dd>
        {formatSize(summary.size)} <span className="muted">({count.format(summary.size)} bytes)</span>
      </dd>
      <dt>Content type</dt>
      <dd className="mono break">{summary.contentType ?? "—"}</dd>
      <dt>From</dt>
      <dd>
        <span className="mono">{summary.remoteAddr ?? "—"}</span>
        {view.via && <span className="muted"> · the tunnel, on this machine</span>}
      </dd>
      <dt>Endpoint</dt>
      <dd>
        {endpoint ? (
          <>
            {endpoint.name} <span className="muted mono">{endpoint.pathPrefix}</span>
          </>
        ) : (
          <span className="muted">removed endpoint</span>
        )}
      </dd>
      <dt>Provider</dt>
      <dd data-testid="detail-provider">{provider ?? <span className="muted">not recognised</span>}</dd>
      {summary.eventType && (
        <>
          <dt>Event type</dt>
          <dd className="mono break">{summary.eventType}</dd>
        </>
      )}
      {summary.providerEventId && (
        <>
          <dt>Event id</dt>
          <dd className="delivery-facts">
            <span className="mono break">{summary.providerEventId}</span>{" "}
            <span className={summary.delivery > 1 ? "redelivery" : "muted"} data-testid="delivery">
              {summary.delivery > 1 ? `${ordinal(summary.delivery)} delivery` : "first delivery"}
            </span>
            {deliveries.length > 1 && (
              <div className="deliveries-box">
                <span className="muted">{count.format(deliveries.length)} deliveries:</span>
                <Deliveries deliveries={deliveries} current={summary.id} onSelectEvent={onSelectEvent} />
              </div>
            )}
            <button
              type="button"
              className="link-button"
              data-testid="deliveries-search"
              onClick={() => onSearch(searchTerm("id", summary.providerEventId ?? ""))}
            >
              Show all in timeline
            </button>
          </dd>
        </>
      )}
      {summary.merchantId && (
        <>
          <dt>Merchant</dt>
          <dd>
            <button
              type="button"
              className="link-button mono"
              data-testid="merchant-search"
              title="Show this merchant's events in the timeline"
              onClick={() => onSearch(searchTerm("merchant", summary.merchantId ?? ""))}
            >
              {summary.merchantId}
            </button>
          </dd>
        </>
      )}
      {view.refs.map((ref, i) => (
        <Fragment key={`${i}-${ref.name}`}>
          <dt className="ref-name">{ref.name}</dt>
          <dd className="mono break" data-testid="detail-ref">
            {ref.value}
          </dd>
        </Fragment>
      ))}
      <dt>Pinned</dt>
      <dd className="fact-with-action">
        <span data-testid="pinned-state">
          {summary.pinned ? "Pinned: retention keeps it" : <span className="muted">Not pinned</span>}
        </span>
        <button
          type="button"
          className="secondary-button compact"
          data-testid="pin-toggle"
          aria-pressed={summary.pinned}
          onClick={() => onPin(summary.id, !summary.pinned)}
        >
          {summary.pinned ? "Unpin" : "Pin"}
        </button>
      </dd>
      {view.answer && (
        <>
          <dt>Answered</dt>
          <dd data-testid="detail-answer">
            <Answered answer={view.answer} onSearch={onSearch} />
          </dd>
        </>
      )}
      {view.via && (
        <>
          <dt>Via</dt>
          <dd data-testid="detail-via">
            <TunnelFrom via={view.via} />
          </dd>
        </>
      )}
      {view.source && (
        <>
          <dt>Imported</dt>
          <dd data-testid="detail-source">
            <ImportedFrom source={view.source} />
          </dd>
        </>
      )}
      <dt>Stored as</dt>
      <dd className="mono">#{summary.id}</dd>
    </dl>
  );
}
