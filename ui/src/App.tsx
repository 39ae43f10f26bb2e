import { useEffect, useState } from "react";
import { getAppInfo, type AppInfo } from "./ipc";
import { Header } from "./components/Header";
import { Sidebar } from "./components/Sidebar";
import { Timeline } from "./components/Timeline";
import { DetailPane } from "./components/DetailPane";
import { useEvents } from "./state/useEvents";

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(id);
  }, [intervalMs]);
  return now;
}

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [infoError, setInfoError] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const events = useEvents();
  const now = useNow(15_000);

  useEffect(() => {
    getAppInfo().then(setInfo, (err: unknown) => setInfoError(err instanceof Error ? err.message : String(err)));
  }, []);

  const selected = events.events.find((e) => e.id === selectedId) ?? null;
  const listener = info?.listener ?? null;

  return (
    <div className="app">
      <Header info={info} loadError={infoError} />
      {infoError && (
        <p className="banner error" role="alert">
          Hooklens could not reach its core: {infoError}
        </p>
      )}
      <main className="workspace">
        <Sidebar total={events.total} loading={events.status === "loading"} />
        <Timeline state={events} listener={listener} selectedId={selectedId} onSelect={setSelectedId} />
        <DetailPane event={selected} listener={listener} now={now} />
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
