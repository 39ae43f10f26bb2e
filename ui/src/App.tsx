import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import {
  getAppInfo,
  listEndpoints,
  listenOn,
  listPresets,
  queryFields,
  type AppInfo,
  type Endpoint,
  type EventSummary,
  type FilesOutcome,
  type ImportOutcome,
  type PresetInfo,
  type QueryField,
} from "./ipc";
import { Header } from "./components/Header";
import { useNotifyBridge } from "./components/notifications/useNotifyBridge";
import { Sidebar } from "./components/Sidebar";
import { Timeline } from "./components/Timeline";
import { DetailPane } from "./components/DetailPane";
import { AboutDialog, EndpointEditor, ExportDialog, ImportFileDialog, PasteImportDialog, ResendEditor } from "./components/lazy";
import { filesSummary, importSummary, type ImportNotice } from "./components/import/summary";
import { DropOverlay, ImportBar } from "./components/import/ImportBar";
import { useFileImport } from "./components/import/useFileImport";
import { exportSummary } from "./components/export/summary";
import { ReverifyBar } from "./components/endpoints/ReverifyBar";
import { useReverify } from "./components/endpoints/useReverify";
import { startOfDay } from "./lib/format";
import { countFor, type EndpointFilter, unknownEndpointIds } from "./state/counts";
import { earlyValue, takeEarly } from "./state/early";
import { type Opened, withNewerSummary } from "./state/opened";
import { errorMessage, useTimeline } from "./state/useTimeline";

/** The search language's known values grow as events arrive: refresh them this often. */
const FIELDS_REFRESH_MS = 3 * 60_000;

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(id);
  }, [intervalMs]);
  return now;
}

type EditorState = { endpoint: Endpoint | null };

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(() => earlyValue("info"));
  const [infoError, setInfoError] = useState<string | null>(null);
  const [endpoints, setEndpoints] = useState<Endpoint[]>(() => earlyValue("endpoints") ?? []);
  const [endpointsLoaded, setEndpointsLoaded] = useState(() => earlyValue("endpoints") !== null);
  const [presets, setPresets] = useState<PresetInfo[]>([]);
  const [fields, setFields] = useState<QueryField[]>([]);
  const [actionError, setActionError] = useState<string | null>(null);
  const [queryText, setQueryText] = useState("");
  const [opened, setOpened] = useState<Opened | null>(null);
  const [editor, setEditor] = useState<EditorState | null>(null);
  const [newRequest, setNewRequest] = useState(false);
  const [pasting, setPasting] = useState(false);
  const [choosingFiles, setChoosingFiles] = useState(false);
  const [notice, setNotice] = useState<ImportNotice | null>(null);
  /** The export dialog's events: the selection's ids, or empty for the search. */
  const [exporting, setExporting] = useState<number[] | null>(null);
  const [showingAbout, setShowingAbout] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const detailRef = useRef<HTMLDivElement>(null);
  const now = useNow(15_000);
  const today = startOfDay(now);
  const reverify = useReverify();
  const timeline = useTimeline(setActionError);
  const { state, rows, counts, setView, pin } = timeline;
  const filter: EndpointFilter = state.requested.endpointId;

  useEffect(() => {
    // main.tsx asked for these early; when the first render showed the answers, setting them again changes nothing.
    (takeEarly("info")?.promise ?? getAppInfo()).then(setInfo, (err: unknown) => setInfoError(errorMessage(err)));
    (takeEarly("endpoints")?.promise ?? listEndpoints()).then(
      (list) => {
        setEndpoints(list);
        setEndpointsLoaded(true);
      },
      (err: unknown) => setInfoError(errorMessage(err)),
    );
    listPresets().then(setPresets, (err: unknown) => setActionError(`Could not load the provider presets: ${errorMessage(err)}`));
  }, []);

  // Field values (endpoint names, event types, …) change with the endpoints and as events arrive.
  const refreshFields = useCallback(() => {
    queryFields().then(setFields, () => {}); // autocomplete is a help, not a requirement
  }, []);
  useEffect(() => {
    refreshFields();
  }, [endpoints, refreshFields]);
  useEffect(() => {
    const id = window.setInterval(refreshFields, FIELDS_REFRESH_MS);
    return () => window.clearInterval(id);
  }, [refreshFields]);

  // An endpoint added elsewhere (hooklens-cli) shows up with its first event.
  const unknown = unknownEndpointIds(
    counts,
    endpoints.map((e) => e.id),
  ).join(",");
  useEffect(() => {
    if (unknown !== "" && endpointsLoaded) {
      listEndpoints().then(setEndpoints, (err: unknown) => setActionError(errorMessage(err)));
    }
  }, [unknown, endpointsLoaded]);

  const onListenOn = useCallback((address: string) => {
    setActionError(null);
    listenOn(address).then(
      (listener) => setInfo((current) => (current ? { ...current, listener } : current)),
      (err: unknown) => setActionError(errorMessage(err)),
    );
  }, []);

  const onQueryCommit = useCallback((query: string) => setView(query.trim(), filter), [setView, filter]);
  const onSelectEndpoint = useCallback(
    (endpointId: EndpointFilter) => setView(state.requested.query, endpointId),
    [setView, state.requested.query],
  );
  const onSearch = useCallback(
    (query: string) => {
      setQueryText(query);
      setView(query.trim(), filter);
    },
    [setView, filter],
  );

  const byId = useMemo(() => new Map(rows.map((e) => [e.id, e])), [rows]);
  // The opened event's summary: the held row when there is one (a re-verified verdict, a pin), else the last seen.
  const openedSummary = opened ? (byId.get(opened.id) ?? opened.summary) : null;
  useEffect(() => {
    if (opened && openedSummary && openedSummary !== opened.summary)
      setOpened((current) => withNewerSummary(current, opened.id, openedSummary));
  }, [opened, openedSummary]);

  const onOpen = useCallback((event: EventSummary, focus: boolean) => {
    setOpened({ id: event.id, summary: event });
    if (focus) detailRef.current?.focus();
  }, []);
  const onSelectEvent = useCallback((id: number) => setOpened({ id, summary: byId.get(id) ?? null }), [byId]);
  // A clicked notification opens its event, even when it is not among the loaded rows.
  useNotifyBridge(state, onSelectEvent);
  const onPin = useCallback((id: number, pinned: boolean) => pin([id], pinned), [pin]);
  const afterImport = useCallback(
    (notice: ImportNotice, firstId: number | null, endpointsAdded: readonly string[]) => {
      setNotice(notice);
      if (firstId !== null) onSelectEvent(firstId);
      // A bundle may have brought endpoints this store did not have.
      if (endpointsAdded.length > 0) {
        listEndpoints().then(setEndpoints, (err: unknown) => setActionError(errorMessage(err)));
      }
    },
    [onSelectEvent],
  );
  const onImported = useCallback(
    (outcome: ImportOutcome) => {
      setPasting(false);
      afterImport({ text: importSummary(outcome), details: [] }, outcome.firstId, outcome.endpointsAdded);
    },
    [afterImport],
  );
  const onFilesImported = useCallback(
    (outcome: FilesOutcome) => afterImport(filesSummary(outcome), outcome.firstId, outcome.endpointsAdded),
    [afterImport],
  );
  const fileImport = useFileImport(onFilesImported);

  const onSaved = useCallback((saved: Endpoint) => {
    setEndpoints((list) => (list.some((e) => e.id === saved.id) ? list.map((e) => (e.id === saved.id ? saved : e)) : [...list, saved]));
  }, []);
  const onRemoved = useCallback(
    (id: number) => {
      setEndpoints((list) => list.filter((e) => e.id !== id));
      setEditor(null);
      if (filter === id) setView(state.requested.query, null);
    },
    [filter, setView, state.requested.query],
  );

  const listener = info?.listener ?? null;
  const filtered = endpoints.find((e) => e.id === filter);
  const problem = infoError ? `Hooklens could not reach its core: ${infoError}` : actionError;

  return (
    <div className="app">
      <Header info={info} loadError={infoError} />
      <ReverifyBar reverify={reverify} endpoints={endpoints} />
      <ImportBar fileImport={fileImport} />
      {problem && (
        <p className="banner error" role="alert">
          {problem}
          {!infoError && (
            <button type="button" className="banner-dismiss" onClick={() => setActionError(null)} aria-label="Dismiss">
              ×
            </button>
          )}
        </p>
      )}
      {notice && (
        <div className="banner import-notice" role="status" data-testid="import-notice">
          <div className="import-notice-body">
            <p data-testid="import-notice-text">{notice.text}</p>
            {notice.details.length > 0 && (
              <ul className="import-notice-files" data-testid="import-notice-files">
                {notice.details.map((line, i) => (
                  <li key={i} data-testid="import-notice-file">
                    {line}
                  </li>
                ))}
              </ul>
            )}
          </div>
          <button type="button" className="banner-dismiss" onClick={() => setNotice(null)} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      <main className="workspace">
        <Sidebar
          endpoints={endpoints}
          counts={counts}
          selected={filter}
          onSelect={onSelectEndpoint}
          onAdd={() => setEditor({ endpoint: null })}
          onEdit={(endpoint) => setEditor({ endpoint })}
          presets={presets}
          listenUrl={listener?.url ?? null}
        />
        <Timeline
          api={timeline}
          title={filtered ? filtered.name : "All events"}
          captured={countFor(counts, filter)}
          listener={listener}
          onListenOn={onListenOn}
          presets={presets}
          fields={fields}
          queryText={queryText}
          onQueryText={setQueryText}
          onQueryCommit={onQueryCommit}
          searchRef={searchRef}
          openedId={opened?.id ?? null}
          onOpen={onOpen}
          today={today}
          keyboard={editor === null && !newRequest && !pasting && !choosingFiles && exporting === null && !showingAbout}
          onNewRequest={() => setNewRequest(true)}
          onPasteRequest={() => setPasting(true)}
          onImportFile={() => setChoosingFiles(true)}
          importBusy={fileImport.job.status === "running" || fileImport.job.status === "choosing"}
          onExport={setExporting}
        />
        <div className="detail-slot" ref={detailRef} tabIndex={-1} data-pane="detail">
          <DetailPane
            eventId={opened?.id ?? null}
            summary={openedSummary}
            endpoints={endpoints}
            presets={presets}
            listener={listener}
            now={now}
            onSelectEvent={onSelectEvent}
            onSearch={onSearch}
            onPin={onPin}
          />
        </div>
      </main>
      {info && (
        <footer className="status-bar" data-testid="status-bar">
          <button
            type="button"
            className="link-button status-about"
            data-testid="about-open"
            title="About Hooklens: version, data and log folders, database size"
            onClick={() => setShowingAbout(true)}
          >
            About Hooklens {info.version}
          </button>
          <span className="muted" title={info.databasePath}>
            Data: <span data-testid="data-dir">{info.dataDir}</span>
          </span>
        </footer>
      )}
      <DropOverlay fileImport={fileImport} />
      {showingAbout && <AboutDialog onClose={() => setShowingAbout(false)} />}
      {exporting && (
        <ExportDialog
          ids={exporting}
          query={state.requested.query}
          endpointId={filter}
          onClose={() => setExporting(null)}
          onExported={(outcome) => {
            setExporting(null);
            setNotice({ text: exportSummary(outcome), details: [] });
          }}
        />
      )}
      {choosingFiles && <ImportFileDialog endpoints={endpoints} pick={fileImport.pick} onClose={() => setChoosingFiles(false)} />}
      {pasting && <PasteImportDialog endpoints={endpoints} onClose={() => setPasting(false)} onImported={onImported} />}
      {newRequest && <ResendEditor source={null} endpoints={endpoints} onClose={() => setNewRequest(false)} />}
      {editor && (
        <EndpointEditor
          endpoint={editor.endpoint}
          presets={presets}
          reverify={reverify}
          onClose={() => setEditor(null)}
          onSaved={onSaved}
          onRemoved={onRemoved}
          listenUrl={listener?.url ?? null}
          testEvent={
            opened
              ? { id: opened.id, label: `event #${opened.id}${openedSummary?.eventType ? ` (${openedSummary.eventType})` : ""}` }
              : null
          }
        />
      )}
    </div>
  );
}
