import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
  type MouseEvent,
  type RefObject,
} from "react";
import type { EventSummary, ListenerStatus, PresetInfo, QueryField } from "../ipc";
import { formatCount, formatEventCount } from "../lib/format";
import { isFollowing, sameView } from "../state/timeline";
import type { TimelineApi } from "../state/useTimeline";
import { EmptyState } from "./EmptyState";
import { QueryBox } from "./QueryBox";
import { SelectionBar } from "./timeline/SelectionBar";
import { TimelineList, type TimelineListHandle } from "./timeline/TimelineList";

type Props = {
  api: TimelineApi;
  /** The selected endpoint's name, or "All events". */
  title: string;
  /** Events stored for the selected endpoint (all of them for "All events"). */
  captured: number;
  listener: ListenerStatus | null;
  onListenOn: (address: string) => void;
  presets: readonly PresetInfo[];
  fields: readonly QueryField[];
  queryText: string;
  onQueryText: (text: string) => void;
  onQueryCommit: (query: string) => void;
  searchRef: RefObject<HTMLInputElement | null>;
  openedId: number | null;
  /** Show this event in the detail pane; `focus`: and move the keyboard there. */
  onOpen: (event: EventSummary, focus: boolean) => void;
  /** Local midnight today. */
  today: number;
  /** False while a dialog is open: the shortcuts stay out of its way. */
  keyboard: boolean;
  /** Opens the resend editor with a new, blank request. */
  onNewRequest?: () => void;
  /** Opens the paste-import dialog. */
  onPasteRequest?: () => void;
  /** Imports a file picked in the native dialog. */
  onImportFile?: () => void;
  /** A file import runs: another cannot start. */
  importBusy?: boolean;
  /** Opens the export dialog: for these ids, or (empty) the current search. */
  onExport?: (ids: number[]) => void;
};

/** Typing in a field, or anywhere in an editor: shortcuts are for the text. */
function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target.closest(".cm-editor")) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = (target as HTMLInputElement).type;
    return !["button", "checkbox", "radio", "submit", "reset"].includes(type);
  }
  return false;
}

const inDialog = (target: EventTarget | null) =>
  target instanceof Element && target.closest('dialog, [role="dialog"], [role="alertdialog"]') !== null;

const plain = (e: KeyboardEvent | ReactKeyboardEvent) => !e.ctrlKey && !e.metaKey && !e.altKey;

type PendingMove = { kind: "step"; from: number; delta: 1 | -1 } | { kind: "first" };

/** The timeline pane: search, result count and the virtualized rows with keyboard and multi-selection. */
export function Timeline({
  api,
  title,
  captured,
  listener,
  onListenOn,
  presets,
  fields,
  queryText,
  onQueryText,
  onQueryCommit,
  searchRef,
  openedId,
  onOpen,
  today,
  keyboard,
  onNewRequest,
  onPasteRequest,
  onImportFile,
  importBusy = false,
  onExport,
}: Props) {
  // The hook's functions are stable; the api object itself is new each render.
  const { state, rows, match, loadOlder, loadNewer, jumpToNewest: toNewest, pin, setAtTop } = api;
  const list = useRef<TimelineListHandle>(null);
  const [cursorId, setCursorId] = useState<number | null>(null);
  const [multi, setMulti] = useState<ReadonlySet<number>>(() => new Set());
  const anchorId = useRef<number | null>(null);
  const pending = useRef<PendingMove | null>(null);

  const rowIndex = useMemo(() => new Map(rows.map((e, i) => [e.id, i])), [rows]);

  // Handlers read the latest of these without re-creating the rows' click handler.
  const latest = useRef({ rows, rowIndex, cursorId, multi, onOpen });
  latest.current = { rows, rowIndex, cursorId, multi, onOpen };

  const cursorTo = useCallback((index: number) => {
    const { rows: r } = latest.current;
    const e = r[index];
    if (!e) return;
    setCursorId(e.id);
    list.current?.scrollToIndex(index);
  }, []);

  // A move that waited for a page: do it now that the rows are here.
  useEffect(() => {
    const p = pending.current;
    if (!p) return;
    if (p.kind === "first") {
      if (state.status === "ready" && !state.hasNewer && rows.length > 0) {
        pending.current = null;
        cursorTo(0);
      }
      return;
    }
    const at = rowIndex.get(p.from);
    if (at === undefined) {
      pending.current = null;
      return;
    }
    const next = at + p.delta;
    if (next >= 0 && next < rows.length) {
      pending.current = null;
      cursorTo(next);
    }
  }, [rows, rowIndex, state.status, state.hasNewer, cursorTo]);

  // The detail pane opened another event (e.g. another delivery): follow it here.
  useEffect(() => {
    if (openedId === null) return;
    const at = latest.current.rowIndex.get(openedId);
    if (at === undefined) return;
    setCursorId(openedId);
    list.current?.scrollToIndex(at);
  }, [openedId]);

  const move = useCallback(
    (delta: 1 | -1) => {
      const { rows: r, rowIndex: idx, cursorId: cur } = latest.current;
      if (r.length === 0) return;
      const at = cur === null ? undefined : idx.get(cur);
      if (at === undefined) {
        cursorTo(list.current?.firstVisibleIndex() ?? 0);
        return;
      }
      const next = at + delta;
      if (next >= r.length) {
        if (state.hasOlder && cur !== null) {
          pending.current = { kind: "step", from: cur, delta };
          loadOlder();
        }
        return;
      }
      if (next < 0) {
        if (state.hasNewer && cur !== null) {
          pending.current = { kind: "step", from: cur, delta };
          loadNewer();
        }
        return;
      }
      cursorTo(next);
    },
    [loadOlder, loadNewer, cursorTo, state.hasOlder, state.hasNewer],
  );

  const toggle = useCallback((id: number) => {
    anchorId.current = id;
    setMulti((m) => {
      const next = new Set(m);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);

  const clearMulti = useCallback(() => setMulti((m) => (m.size === 0 ? m : new Set())), []);

  const onRowClick = useCallback(
    (id: number, e: MouseEvent) => {
      const { rows: r, rowIndex: idx, onOpen: open } = latest.current;
      setCursorId(id);
      if (e.shiftKey) {
        const from = idx.get(anchorId.current ?? latest.current.cursorId ?? id);
        const to = idx.get(id);
        if (from === undefined || to === undefined) {
          toggle(id);
          return;
        }
        const [lo, hi] = from < to ? [from, to] : [to, from];
        setMulti((m) => {
          const next = new Set(m);
          for (let i = lo; i <= hi; i += 1) {
            const row = r[i];
            if (row) next.add(row.id);
          }
          return next;
        });
        return;
      }
      if (e.ctrlKey || e.metaKey) {
        toggle(id);
        return;
      }
      anchorId.current = id;
      clearMulti();
      const event = r[idx.get(id) ?? -1];
      if (event) open(event, false);
    },
    [toggle, clearMulti],
  );

  const jumpToNewest = useCallback(() => {
    if (state.hasNewer) {
      pending.current = { kind: "first" };
      toNewest();
    } else {
      toNewest();
      cursorTo(0);
    }
  }, [toNewest, cursorTo, state.hasNewer]);

  const pinCursor = useCallback(() => {
    const { rows: r, rowIndex: idx, cursorId: cur } = latest.current;
    const id = cur ?? openedId;
    const event = id === null ? undefined : r[idx.get(id) ?? -1];
    if (event) pin([event.id], !event.pinned);
  }, [pin, openedId]);

  const clearSearch = useCallback(() => {
    onQueryText("");
    onQueryCommit("");
  }, [onQueryText, onQueryCommit]);

  /** Escape outside the box: the selection first, then the search. */
  const escape = useCallback((): boolean => {
    if (latest.current.multi.size > 0) {
      clearMulti();
      return true;
    }
    if (queryText !== "") {
      clearSearch();
      return true;
    }
    return false;
  }, [clearMulti, clearSearch, queryText]);

  const onListKeyDown = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if (!keyboard || !plain(e)) return;
    const { rows: r, rowIndex: idx, cursorId: cur } = latest.current;
    let handled = true;
    switch (e.key) {
      case "j":
      case "ArrowDown":
        move(1);
        break;
      case "k":
      case "ArrowUp":
        move(-1);
        break;
      case "Home":
        jumpToNewest();
        break;
      case "End":
        list.current?.scrollToBottom();
        if (r.length > 0) setCursorId(r[r.length - 1]?.id ?? null);
        break;
      case "Enter": {
        const event = cur === null ? undefined : r[idx.get(cur) ?? -1];
        if (event) onOpen(event, true);
        break;
      }
      case " ":
      case "x":
        if (cur !== null && idx.has(cur)) toggle(cur);
        break;
      case "p":
        pinCursor();
        break;
      case "Escape":
        handled = escape();
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  };

  // Shortcuts that work from anywhere but a text field or a dialog.
  useEffect(() => {
    if (!keyboard) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || !plain(e) || isEditable(e.target) || inDialog(e.target)) return;
      const target = e.target instanceof Element ? e.target : null;
      const fromBody = target === null || target === document.body || target === document.documentElement;
      const fromDetail = target !== null && target.closest('[data-pane="detail"]') !== null;
      switch (e.key) {
        case "/":
          e.preventDefault();
          searchRef.current?.focus();
          searchRef.current?.select();
          return;
        case "Escape":
          if (escape()) e.preventDefault();
          return;
        case "j":
        case "k":
          if (!fromBody && !fromDetail) return;
          e.preventDefault();
          list.current?.focus();
          move(e.key === "j" ? 1 : -1);
          return;
        case "p":
          if (!fromBody && !fromDetail) return;
          e.preventDefault();
          pinCursor();
          return;
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [keyboard, escape, move, pinCursor, searchRef]);

  // Another query or endpoint: the selection was of rows no longer listed.
  const viewKey = `${state.view.endpointId ?? "*"}:${state.view.query}`;
  useEffect(() => {
    setMulti((m) => (m.size === 0 ? m : new Set()));
    anchorId.current = null;
  }, [viewKey]);

  const following = isFollowing(state);
  const switching = state.status === "loading" && !sameView(state.requested, state.view);
  const dimmed = state.queryError !== null || switching;
  const applied = state.view.query;

  let countText: string;
  if (applied === "") countText = formatEventCount(captured);
  else if (match === null) countText = "Counting…";
  else if (match.count === 0 && !match.capped) countText = "No events match";
  else countText = formatEventCount(match.count, match.capped);

  const resultCount = (
    <span className={`result-count${dimmed ? " dimmed" : ""}`} data-testid="result-count" aria-live="polite">
      {countText}
    </span>
  );

  let body;
  if (rows.length > 0) {
    body = (
      <TimelineList
        handle={list}
        rows={rows}
        pageCount={state.pages.length}
        hasOlder={state.hasOlder}
        hasNewer={state.hasNewer}
        following={following}
        scrollToTopToken={state.scrollToTop}
        atEnd={state.status === "ready" && !state.hasOlder}
        dimmed={dimmed}
        presets={presets}
        cursorId={cursorId}
        openedId={openedId}
        multi={multi}
        today={today}
        onRowClick={onRowClick}
        onKeyDown={onListKeyDown}
        onLoadOlder={loadOlder}
        onLoadNewer={loadNewer}
        onAtTop={setAtTop}
      />
    );
  } else if (state.queryError !== null) {
    body = <p className="timeline-note muted">Fix the search above to see results.</p>;
  } else if (state.status === "loading" && state.viewSeq === 0) {
    body = <p className="timeline-note muted">Loading…</p>;
  } else if (applied === "") {
    body = <EmptyState listener={listener} onListenOn={onListenOn} />;
  } else {
    body = (
      <div className="timeline-note" data-testid="no-matches">
        <p>
          No events match <code>{applied}</code>.
        </p>
        <p className="muted">Check the spelling, drop a term, or open ? for the fields you can search.</p>
      </div>
    );
  }

  return (
    <section className="timeline" aria-label="Timeline" data-testid="timeline">
      <div className="pane-header">
        <h2>{title}</h2>
        <span className="pane-count" data-testid="event-count">
          {state.viewSeq === 0 && state.status === "loading" ? "Loading…" : `${formatCount(captured)} stored`}
        </span>
        {onNewRequest && (
          <button
            type="button"
            className="bar-button new-request"
            onClick={onNewRequest}
            title="Write a request from scratch and send it to your handler"
            data-testid="new-request"
          >
            New request…
          </button>
        )}
        {onPasteRequest && (
          <button
            type="button"
            className="bar-button paste-request"
            onClick={onPasteRequest}
            title="Import a request pasted as raw HTTP, a curl command, HAR, a bundle or event JSON"
            data-testid="paste-request"
          >
            Paste request…
          </button>
        )}
        {onImportFile && (
          <button
            type="button"
            className="bar-button import-file"
            onClick={onImportFile}
            disabled={importBusy}
            title="Import a HAR file, a request, a curl command or a Hooklens bundle (or drop one on the window)"
            data-testid="import-file"
          >
            Import…
          </button>
        )}
        {onExport && (
          <button
            type="button"
            className="bar-button export-events"
            onClick={() => onExport([...multi])}
            title="Export the selected events, or those the search shows, redacted"
            data-testid="export-events"
          >
            Export…
          </button>
        )}
      </div>
      <div className="timeline-toolbar">
        <QueryBox
          value={queryText}
          onChange={onQueryText}
          onCommit={onQueryCommit}
          error={state.queryError}
          fields={fields}
          inputRef={searchRef}
          aside={resultCount}
        />
      </div>
      {state.error && (
        <p className="banner error" role="alert" data-testid="events-error">
          Could not load events: {state.error}
        </p>
      )}
      <div className="timeline-body">
        {body}
        {state.pendingNew > 0 && !following && (
          <button
            type="button"
            className="new-events-pill"
            onClick={() => {
              jumpToNewest();
              list.current?.focus();
            }}
            data-testid="new-events-marker"
          >
            ↑ {formatCount(state.pendingNew)}
            {state.pendingCapped ? "+" : ""} new
          </button>
        )}
        {multi.size > 0 && (
          <SelectionBar
            count={multi.size}
            ids={[...multi]}
            describe={(id) => {
              const row = rows[rowIndex.get(id) ?? -1];
              return row ? `${row.method} ${row.path} (#${id})` : `#${id}`;
            }}
            onPin={() => pin([...multi], true)}
            onUnpin={() => pin([...multi], false)}
            onClear={clearMulti}
            {...(onExport ? { onExport: () => onExport([...multi]) } : {})}
          />
        )}
      </div>
    </section>
  );
}
