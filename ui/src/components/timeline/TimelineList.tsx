import {
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
  type Ref,
} from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { EventSummary, PresetInfo } from "../../ipc";
import { providerName } from "../verdictText";
import { EventRow, optionId, ROW_HEIGHT } from "./EventRow";

/** A performance mark set once, when the first rows were painted (read by the start-up benchmark). */
export const FIRST_ROWS_MARK = "hooklens:first-rows";

/** Load the next page when the rendered rows come this close to the end of what is held. */
export const LOAD_AHEAD = 60;

export type TimelineListHandle = {
  /** Scrolls the row at `index` into view (no scrolling when it already is). */
  scrollToIndex: (index: number) => void;
  scrollToTop: () => void;
  scrollToBottom: () => void;
  focus: () => void;
  /** Index of the first row in view. */
  firstVisibleIndex: () => number;
};

type Props = {
  rows: EventSummary[];
  pageCount: number;
  hasOlder: boolean;
  hasNewer: boolean;
  /** Live rows come in at the top: do not hold the view on the rows it shows. */
  following: boolean;
  /** Bumped when the list must go back to its top. */
  scrollToTopToken: number;
  atEnd: boolean;
  dimmed: boolean;
  presets: readonly PresetInfo[];
  cursorId: number | null;
  openedId: number | null;
  multi: ReadonlySet<number>;
  today: number;
  onRowClick: (id: number, e: MouseEvent) => void;
  onKeyDown: (e: KeyboardEvent<HTMLDivElement>) => void;
  onLoadOlder: () => void;
  onLoadNewer: () => void;
  onAtTop: (atTop: boolean) => void;
  handle: Ref<TimelineListHandle>;
};

/**
 * The virtualized rows: only those in view (and a few around) are in the
 * DOM. When rows are added or dropped above the view, the virtualizer keeps
 * the first row in view where it was (anchorTo "end" keys the scroll offset
 * to that row), so paging and live rows never move what the user reads —
 * except at the very top while following, where new rows should appear.
 */
export function TimelineList({
  rows,
  pageCount,
  hasOlder,
  hasNewer,
  following,
  scrollToTopToken,
  atEnd,
  dimmed,
  presets,
  cursorId,
  openedId,
  multi,
  today,
  onRowClick,
  onKeyDown,
  onLoadOlder,
  onLoadNewer,
  onAtTop,
  handle,
}: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const getItemKey = useCallback((index: number) => rows[index]?.id ?? `missing-${index}`, [rows]);
  const virtualizer = useVirtualizer<HTMLDivElement, HTMLDivElement>({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey,
    overscan: 12,
    anchorTo: following ? "start" : "end",
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  useImperativeHandle(
    handle,
    () => ({
      scrollToIndex: (index) => virtualizer.scrollToIndex(index, { align: "auto" }),
      scrollToTop: () => virtualizer.scrollToOffset(0),
      scrollToBottom: () => virtualizer.scrollToIndex(rows.length - 1, { align: "end" }),
      focus: () => scroller.current?.focus({ preventScroll: true }),
      firstVisibleIndex: () => {
        const offset = scroller.current?.scrollTop ?? 0;
        return Math.min(rows.length - 1, Math.max(0, Math.ceil(offset / ROW_HEIGHT)));
      },
    }),
    [virtualizer, rows.length],
  );

  // A new view, or a jump to the newest: back to the top.
  const lastToken = useRef(scrollToTopToken);
  useLayoutEffect(() => {
    if (lastToken.current === scrollToTopToken) return;
    lastToken.current = scrollToTopToken;
    virtualizer.scrollToOffset(0);
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [scrollToTopToken, virtualizer]);

  // Page in as the rendered rows near either end of what is held.
  useEffect(() => {
    if (rows.length === 0 || last < 0) return;
    if (hasOlder && last >= rows.length - LOAD_AHEAD) onLoadOlder();
    if (hasNewer && first <= LOAD_AHEAD) onLoadNewer();
  }, [first, last, rows.length, hasOlder, hasNewer, onLoadOlder, onLoadNewer]);

  // For the start-up benchmark: when the first rows reached the screen.
  const hasRows = rows.length > 0;
  useEffect(() => {
    if (!hasRows || typeof performance === "undefined" || typeof performance.mark !== "function") return;
    if (performance.getEntriesByName(FIRST_ROWS_MARK).length > 0) return;
    const frame = requestAnimationFrame(() =>
      window.setTimeout(() => {
        if (performance.getEntriesByName(FIRST_ROWS_MARK).length === 0) performance.mark(FIRST_ROWS_MARK);
      }, 0),
    );
    return () => cancelAnimationFrame(frame);
  }, [hasRows]);

  const atTopRef = useRef(true);
  const onScroll = () => {
    const atTop = (scroller.current?.scrollTop ?? 0) <= 1;
    if (atTop !== atTopRef.current) {
      atTopRef.current = atTop;
      onAtTop(atTop);
    }
  };

  const names = useMemo(() => {
    const m = new Map<string, string | null>();
    return (id: string | null) => {
      if (id === null) return null;
      if (!m.has(id)) m.set(id, providerName(id, presets));
      return m.get(id) ?? null;
    };
  }, [presets]);

  const cursorRendered = cursorId !== null && items.some((i) => rows[i.index]?.id === cursorId);
  const hasMulti = multi.size > 0;

  // The column titles sit above the scroller: pad them by its scrollbar so the columns line up.
  const [gutter, setGutter] = useState(0);
  useLayoutEffect(() => {
    const el = scroller.current;
    const width = el ? el.offsetWidth - el.clientWidth : 0;
    if (width !== gutter) setGutter(width);
  });

  return (
    <>
      <div
        className="timeline-columns"
        aria-hidden="true"
        style={gutter > 0 ? { paddingRight: 12 + gutter } : undefined}
      >
        <span className="col-time">Time</span>
        <span className="col-method">Method</span>
        <span className="col-path">Path</span>
        <span className="col-provider">Provider</span>
        <span className="col-type">Event type</span>
        <span className="col-eid">Event id</span>
        <span className="col-size">Size</span>
        <span className="col-verdict">Signature</span>
        <span className="col-redelivery" />
        <span className="col-pin" />
      </div>
      <div
        ref={scroller}
        className={`timeline-scroller${dimmed ? " dimmed" : ""}`}
        role="listbox"
        aria-label="Captured events"
        aria-multiselectable="true"
        aria-activedescendant={cursorRendered && cursorId !== null ? optionId(cursorId) : undefined}
        aria-busy={dimmed || undefined}
        tabIndex={0}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        data-testid="timeline-scroller"
        data-pages={pageCount}
        data-rows={rows.length}
        data-at-end={atEnd ? "true" : "false"}
      >
        <div className="timeline-canvas" role="presentation" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const event = rows[item.index];
            if (!event) return null;
            return (
              <EventRow
                key={event.id}
                event={event}
                provider={names(event.provider)}
                top={item.start}
                selected={hasMulti ? multi.has(event.id) : event.id === cursorId}
                cursor={event.id === cursorId}
                opened={event.id === openedId}
                today={today}
                onClick={onRowClick}
              />
            );
          })}
        </div>
      </div>
    </>
  );
}
