import { useCallback, useEffect, useState } from "react";
import { getAppInfo, IpcError, listEndpoints, listenOn, type AppInfo, type Endpoint } from "./ipc";
import { Header } from "./components/Header";
import { Sidebar } from "./components/Sidebar";
import { Timeline } from "./components/Timeline";
import { DetailPane } from "./components/DetailPane";
import { useEvents } from "./state/useEvents";
import { countFor } from "./state/events";

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(id);
  }, [intervalMs]);
  return now;
}

const errorText = (err: unknown) => (err instanceof IpcError || err instanceof Error ? err.message : String(err));

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [infoError, setInfoError] = useState<string | null>(null);
  const [endpoints, setEndpoints] = useState<Endpoint[]>([]);
  const [actionError, setActionError] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const { events, counts, setFilter } = useEvents();
  const now = useNow(15_000);

  useEffect(() => {
    getAppInfo().then(setInfo, (err: unknown) => setInfoError(errorText(err)));
    listEndpoints().then(setEndpoints, (err: unknown) => setInfoError(errorText(err)));
  }, []);

  // An endpoint added elsewhere (hooklens-cli) shows up with its first event.
  const unknownEndpoint = Object.keys(counts.byEndpoint).some(
    (id) => id !== "none" && endpoints.length > 0 && !endpoints.some((e) => String(e.id) === id),
  );
  useEffect(() => {
    if (unknownEndpoint) listEndpoints().then(setEndpoints, (err: unknown) => setActionError(errorText(err)));
  }, [unknownEndpoint]);

  const onListenOn = useCallback((address: string) => {
    setActionError(null);
    listenOn(address).then(
      (listener) => setInfo((current) => (current ? { ...current, listener } : current)),
      (err: unknown) => setActionError(errorText(err)),
    );
  }, []);

  const selected = events.events.find((e) => e.id === selectedId) ?? null;
  const listener = info?.listener ?? null;
  const filtered = endpoints.find((e) => e.id === events.filter);
  const problem = infoError ? `Hooklens could not reach its core: ${infoError}` : actionError;

  return (
    <div className="app">
      <Header info={info} loadError={infoError} />
      {problem && (
        <p className="banner error" role="alert">
          {problem}
        </p>
      )}
      <main className="workspace">
        <Sidebar endpoints={endpoints} counts={counts} selected={events.filter} onSelect={setFilter} />
        <Timeline
          state={events}
          count={countFor(counts, events.filter)}
          title={filtered ? filtered.name : "All events"}
          listener={listener}
          selectedId={selectedId}
          onSelect={setSelectedId}
          onListenOn={onListenOn}
        />
        <DetailPane event={selected} endpoints={endpoints} listener={listener} now={now} />
      </main>
      {info && (
        <footer className="status-bar" data-testid="status-bar">
          <span>Hooklens {info.version}</span>
          <span className="muted" title={info.databasePath}>
            Data: <span data-testid="data-dir">{info.dataDir}</span>
          </span>
        </footer>
      )}
    </div>
  );
}
