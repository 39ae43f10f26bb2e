import { useEffect, useId, useRef, useState } from "react";
import { listenerStats, type ListenerStats, type ListenerStatus } from "../ipc";
import { usePopover } from "../lib/usePopover";
import { errorMessage } from "../state/useTimeline";
import "./listener-stats.css";

/** While the connection figures are open: read them this often… */
export const STATS_OPEN_POLL_MS = 2000;
/** …and otherwise, while listening, this often (for the refused chip). */
export const STATS_BACKGROUND_POLL_MS = 5000;

const fmt = (n: number) => n.toLocaleString("en-US");

function stateLabel(listener: ListenerStatus): string {
  switch (listener.state) {
    case "listening":
      return "Listening";
    case "starting":
      return "Starting…";
    case "failed":
      return "Not listening";
  }
}

function pillTitle(listener: ListenerStatus): string {
  switch (listener.state) {
    case "listening":
      return `Capturing every request sent to ${listener.address}. Click for its connections.`;
    case "starting":
      return `Starting to listen on ${listener.address}…`;
    case "failed":
      return listener.error ?? `Not listening on ${listener.address}`;
  }
}

/** The refused chip's tooltip: what happened, what it cost, and what senders do about it. */
export function refusedTitle(stats: ListenerStats): string {
  const n = stats.refused;
  const requests = n === 1 ? "1 request was" : `${fmt(n)} requests were`;
  return (
    `${requests} answered 503 (Service Unavailable) because all ${fmt(stats.maxConnections)} connections ` +
    `were busy, so ${n === 1 ? "it was" : "they were"} not captured. Senders usually retry later ` +
    `(the answer asks them to with Retry-After). Click for the connection figures.`
  );
}

/** The figures read for one listener (its state and address): a new listener starts its counts afresh. */
type Reading = { key: string; stats: ListenerStats | null; error: string | null };

type Figure = {
  testId: string;
  label: string;
  value: (s: ListenerStats) => number;
  hint: string;
  tone?: "warn" | "muted";
};

const FIGURES: Figure[] = [
  {
    testId: "stat-refused",
    label: "Refused with 503",
    value: (s) => s.refused,
    hint: "Turned away because every connection was busy with a request. Not captured; senders usually retry.",
    tone: "warn",
  },
  {
    testId: "stat-rate-limited-tunnel",
    label: "Rate-limited (tunnel)",
    value: (s) => s.rateLimitedTunnel,
    hint: "Sent through the public URL's tunnel faster than one sender may (the tunnel_rate settings): answered 429 with Retry-After, not captured.",
    tone: "warn",
  },
  {
    testId: "stat-evicted",
    label: "Closed to make room",
    value: (s) => s.evicted,
    hint: "Idle or half-sent connections closed so that new senders could connect.",
  },
  {
    testId: "stat-timed-out",
    label: "Timed out",
    value: (s) => s.timedOut,
    hint: "Cut off for sending too slowly: headers not sent within 10\u00a0s, or a body stalled for 30\u00a0s (answered 408).",
  },
  {
    testId: "stat-idle-closed",
    label: "Idle keep-alive closed",
    value: (s) => s.idleClosed,
    hint: "Routine: connections left unused for 75\u00a0s. Nothing was lost.",
    tone: "muted",
  },
];

function Figures({ stats }: { stats: ListenerStats }) {
  return (
    <>
      <p className="lstats-open">
        <span data-testid="stat-open" data-value={stats.openConnections} data-max={stats.maxConnections}>
          {fmt(stats.openConnections)} open of {fmt(stats.maxConnections)}
        </span>
        <span className="lstats-hint">Senders connected now, of the most accepted at once.</span>
      </p>
      <dl className="lstats-list">
        {FIGURES.map((f) => {
          const value = f.value(stats);
          const tone = f.tone === "warn" ? (value > 0 ? " warn" : "") : f.tone === "muted" ? " muted" : "";
          return (
            <div key={f.testId} className={`lstats-row${tone}`}>
              <dt>
                <span className="lstats-label">{f.label}</span>
                <span className="lstats-hint">{f.hint}</span>
              </dt>
              <dd data-testid={f.testId} data-value={value}>
                {fmt(value)}
              </dd>
            </div>
          );
        })}
      </dl>
    </>
  );
}

/**
 * The header's listener state: a pill that opens the listener's connection
 * figures (what its connection limits did since it started), and, while it
 * listens, a warning chip once senders have been turned away with 503.
 */
export function ListenerStatsControl({ listener }: { listener: ListenerStatus }) {
  const pill = useRef<HTMLButtonElement>(null);
  const chip = useRef<HTMLButtonElement>(null);
  /** The button that opened the figures, to take focus back on Escape. */
  const opener = useRef<"pill" | "chip">("pill");
  const { open, setOpen, wrap, onKeyDown } = usePopover<HTMLDivElement>(() =>
    (opener.current === "chip" && chip.current ? chip.current : pill.current)?.focus(),
  );
  const id = useId();
  const headingId = `${id}-heading`;

  const listening = listener.state === "listening";
  const key = `${listener.state}\u0000${listener.address}`;
  const [reading, setReading] = useState<Reading | null>(null);
  const current = reading?.key === key ? reading : null;
  /** The listener whose figures were last asked for. */
  const readFor = useRef<string | null>(null);

  // Reads the figures while listening: every 2 s while open, every 5 s otherwise. The next read
  // waits for the answer, and an answer coming after a change (or after unmount) is dropped.
  useEffect(() => {
    if (!listening) return;
    let cancelled = false;
    let timer: number | undefined;
    const period = open ? STATS_OPEN_POLL_MS : STATS_BACKGROUND_POLL_MS;
    const next = () => {
      if (!cancelled) timer = window.setTimeout(read, period);
    };
    const read = () => {
      readFor.current = key;
      listenerStats().then(
        (stats) => {
          if (cancelled) return;
          setReading({ key, stats, error: null });
          next();
        },
        (err: unknown) => {
          if (cancelled) return;
          setReading((prev) => ({ key, stats: prev?.key === key ? prev.stats : null, error: errorMessage(err) }));
          next();
        },
      );
    };
    // Opening reads at once; closing waits a full period after the last read.
    timer = window.setTimeout(read, open || readFor.current !== key ? 0 : period);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [listening, open, key]);

  const stats = current?.stats ?? null;
  const refused = listening && stats !== null && stats.refused > 0 ? stats : null;

  /** Either button opens the figures; the one that opened them closes them again. */
  const toggle = (from: "pill" | "chip") => {
    const same = opener.current === from;
    opener.current = from;
    setOpen((o) => !(o && same));
  };

  let body;
  if (listener.state === "starting") {
    body = <p className="lstats-note">The listener is starting; its figures appear once it listens.</p>;
  } else if (listener.state === "failed") {
    body = <p className="lstats-note">Nothing is listening, so no connections are accepted.</p>;
  } else if (current === null) {
    body = <p className="lstats-note">Reading the connection figures…</p>;
  } else if (stats === null && current.error === null) {
    body = <p className="lstats-note">Nothing is listening right now.</p>;
  } else {
    body = (
      <>
        {stats && <Figures stats={stats} />}
        {current.error !== null && (
          <p className="lstats-error" role="alert" data-testid="listener-stats-error">
            {stats ? "Could not refresh the figures" : "Could not read the connection figures"}: {current.error}
          </p>
        )}
        {stats && <p className="lstats-foot">Counted since the listener started · updated every 2&nbsp;s</p>}
      </>
    );
  }

  return (
    <div className="listener-status" ref={wrap} onKeyDown={onKeyDown}>
      <button
        type="button"
        ref={pill}
        className={`listener-state ${listener.state}`}
        data-testid="listener-state"
        title={pillTitle(listener)}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => toggle("pill")}
      >
        <span className="dot" aria-hidden="true" />
        {stateLabel(listener)}
        <svg className="listener-state-chevron" viewBox="0 0 10 10" aria-hidden="true">
          <path d="M2 3.5l3 3 3-3" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </button>
      {refused && (
        <button
          type="button"
          ref={chip}
          className="listener-refused"
          data-testid="listener-refused"
          title={refusedTitle(refused)}
          aria-haspopup="dialog"
          aria-expanded={open}
          aria-controls={open ? id : undefined}
          onClick={() => toggle("chip")}
        >
          <svg className="listener-refused-icon" viewBox="0 0 16 16" aria-hidden="true">
            <path d="M8 2.2L14.2 13H1.8z" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinejoin="round" />
            <path d="M8 6.4v3" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
            <circle cx="8" cy="11.2" r="0.85" fill="currentColor" />
          </svg>
          {fmt(refused.refused)} refused
        </button>
      )}
      {open && (
        <div className="lstats-popover" id={id} role="dialog" aria-labelledby={headingId} data-testid="listener-stats">
          <h2 className="lstats-heading" id={headingId}>
            Connections
          </h2>
          {body}
        </div>
      )}
    </div>
  );
}
