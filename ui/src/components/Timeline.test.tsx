import { act, createEvent, fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createRef, type ComponentProps } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EventPage, EventSummary, PresetInfo } from "../ipc";
import { emptyCounts } from "../state/counts";
import {
  initialTimelineState,
  PAGE_SIZE,
  rowsOf,
  timelineReducer,
  type TimelineAction,
  type TimelineState,
  type View,
} from "../state/timeline";
import type { TimelineApi } from "../state/useTimeline";
import { ev, verdict, deliveryRule } from "../test-fixtures";
import { Timeline } from "./Timeline";
import { ROW_HEIGHT } from "./timeline/EventRow";
import { installLayout, scrollTo, VIEWPORT_HEIGHT } from "./timeline/testLayout";

const presets: PresetInfo[] = [
  { id: "kustom", name: "Kustom", scheme: null, assumed: true, delivery: deliveryRule() },
  { id: "github", name: "GitHub", scheme: { kind: "github" }, assumed: false, delivery: deliveryRule() },
];

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => ev(from - i));
const page = (events: EventSummary[], hasMore = false): EventPage => ({ events, hasMore });
const all: View = { query: "", endpointId: null };

function stateWith(events: EventSummary[], hasMore = false, view: View = all, ...more: TimelineAction[]): TimelineState {
  return [
    { type: "request", seq: 1, view } as TimelineAction,
    { type: "loaded", seq: 1, view, page: page(events, hasMore) } as TimelineAction,
    ...more,
  ].reduce(timelineReducer, initialTimelineState);
}

function apiFor(state: TimelineState, over: Partial<TimelineApi> = {}): TimelineApi {
  return {
    state,
    rows: rowsOf(state),
    counts: emptyCounts,
    match: null,
    setView: vi.fn(),
    loadOlder: vi.fn(),
    loadNewer: vi.fn(),
    jumpToNewest: vi.fn(),
    setAtTop: vi.fn(),
    pin: vi.fn(),
    ...over,
  };
}

type Props = ComponentProps<typeof Timeline>;

function props(api: TimelineApi, over: Partial<Props> = {}): Props {
  return {
    api,
    title: "All events",
    captured: api.rows.length,
    listener: null,
    onListenOn: vi.fn(),
    presets,
    fields: [],
    queryText: "",
    onQueryText: vi.fn(),
    onQueryCommit: vi.fn(),
    searchRef: createRef<HTMLInputElement>(),
    openedId: null,
    onOpen: vi.fn(),
    today: 0,
    keyboard: true,
    ...over,
  };
}

const rows = () => screen.getAllByTestId("event-row");
const rowIds = () => rows().map((r) => Number(r.dataset.eventId));
const scroller = () => screen.getByTestId("timeline-scroller");
const row = (id: number) => rows().find((r) => r.dataset.eventId === String(id))!;
const selectedIds = () => rows().filter((r) => r.getAttribute("aria-selected") === "true").map((r) => Number(r.dataset.eventId));

let undoLayout: () => void;
beforeEach(() => {
  undoLayout = installLayout();
});
afterEach(() => undoLayout());

describe("Timeline rows", () => {
  it("renders only the rows in view out of the pages it holds, and says what it holds", () => {
    render(<Timeline {...props(apiFor(stateWith(range(1_000, PAGE_SIZE), true)))} />);
    const shown = rows().length;
    expect(shown).toBeGreaterThanOrEqual(VIEWPORT_HEIGHT / ROW_HEIGHT);
    expect(shown).toBeLessThan(60);
    expect(rowIds().slice(0, 3)).toEqual([1_000, 999, 998]);
    expect(scroller()).toHaveAttribute("data-pages", "1");
    expect(scroller()).toHaveAttribute("data-rows", String(PAGE_SIZE));
    expect(scroller()).toHaveAttribute("data-at-end", "false");
    expect(scroller()).toHaveAttribute("role", "listbox");
    expect(rows()[0]).toHaveAttribute("role", "option");
  });

  it("marks the oldest event as held", () => {
    render(<Timeline {...props(apiFor(stateWith(range(3, 3), false)))} />);
    expect(scroller()).toHaveAttribute("data-at-end", "true");
  });

  it("shows provider, type, event id, verdict, redelivery and pin in each row", () => {
    render(
      <Timeline
        {...props(
          apiFor(
            stateWith([
              ev(3, {
                provider: "kustom",
                eventType: "order.created",
                providerEventId: "kevt_1",
                delivery: 2,
                pinned: true,
                verdict: verdict("invalid", { scheme: "standard-webhooks", assumed: true }),
              }),
              ev(2, { provider: "github", verdict: verdict("valid", { scheme: "github", secret: "production" }) }),
              ev(1, { verdict: null }),
            ]),
          ),
        )}
      />,
    );
    const [first, second, third] = rows().map((r) => within(r));
    expect(rows()[0]).toHaveTextContent("Kustom");
    expect(rows()[0]).toHaveTextContent("order.created");
    expect(rows()[0]).toHaveTextContent("kevt_1");
    expect(first!.getByTestId("redelivery")).toHaveTextContent("×2");
    expect(first!.getByTestId("pin-marker")).toBeInTheDocument();
    const badge = first!.getByTestId("verdict-badge");
    expect(badge).toHaveAttribute("data-status", "invalid");
    expect(badge.title).toContain("Kustom");
    expect(second!.getByTestId("verdict-badge")).toHaveTextContent(/^valid$/);
    expect(second!.queryByTestId("redelivery")).toBeNull();
    expect(second!.queryByTestId("pin-marker")).toBeNull();
    expect(third!.getByTestId("verdict-badge")).toHaveAttribute("data-status", "unverified");
  });

  it("asks for the next older page as the rows near the end, and for newer ones near the top", () => {
    const api = apiFor(stateWith(range(1_000, PAGE_SIZE), true, all, { type: "atTop", atTop: false }));
    render(<Timeline {...props(api)} />);
    expect(api.loadOlder).not.toHaveBeenCalled();
    act(() => scrollTo(scroller(), (PAGE_SIZE - 30) * ROW_HEIGHT));
    expect(api.loadOlder).toHaveBeenCalled();
    expect(api.loadNewer).not.toHaveBeenCalled();
  });

  it("keeps the rows in view where they are when a newer page comes in above", () => {
    let state = stateWith(range(1_000, PAGE_SIZE), true, all, { type: "atTop", atTop: false });
    // The window was scrolled down far enough that newer rows are not held.
    state = { ...state, hasNewer: true };
    const { rerender } = render(<Timeline {...props(apiFor(state))} />);
    act(() => scrollTo(scroller(), 100 * ROW_HEIGHT));
    const inView = rowIds().find((id) => row(id).style.transform === `translateY(${100 * ROW_HEIGHT}px)`);
    expect(inView).toBe(900);
    state = timelineReducer(state, {
      type: "newer",
      viewSeq: state.viewSeq,
      cursor: ev(1_000).cursor,
      page: page(range(1_200, PAGE_SIZE), true),
    });
    rerender(<Timeline {...props(apiFor(state))} />);
    expect(scroller().scrollTop).toBe((100 + PAGE_SIZE) * ROW_HEIGHT);
    expect(row(900).style.transform).toBe(`translateY(${(100 + PAGE_SIZE) * ROW_HEIGHT}px)`);
  });

  it("at the top, shows live rows at the top without moving", () => {
    let state = stateWith(range(100, 100));
    const { rerender } = render(<Timeline {...props(apiFor(state))} />);
    state = timelineReducer(state, { type: "live", batch: { events: [ev(101), ev(102)], lagged: false, changed: false } });
    rerender(<Timeline {...props(apiFor(state))} />);
    expect(scroller().scrollTop).toBe(0);
    expect(rowIds().slice(0, 3)).toEqual([102, 101, 100]);
    expect(screen.queryByTestId("new-events-marker")).toBeNull();
  });

  it("scrolled away, says how many new events wait above and goes to them on click", async () => {
    let state = stateWith(range(100, 100), false, all, { type: "atTop", atTop: false });
    state = timelineReducer(state, { type: "live", batch: { events: [ev(101), ev(102), ev(103)], lagged: false, changed: false } });
    const api = apiFor(state);
    render(<Timeline {...props(api)} />);
    expect(rowIds()[0]).toBe(100);
    const marker = screen.getByTestId("new-events-marker");
    expect(marker).toHaveTextContent("3 new");
    await userEvent.click(marker);
    expect(api.jumpToNewest).toHaveBeenCalled();
  });

  it("tells the list when it leaves and reaches the top", () => {
    const api = apiFor(stateWith(range(100, 100)));
    render(<Timeline {...props(api)} />);
    act(() => scrollTo(scroller(), 10 * ROW_HEIGHT));
    expect(api.setAtTop).toHaveBeenLastCalledWith(false);
    act(() => scrollTo(scroller(), 0));
    expect(api.setAtTop).toHaveBeenLastCalledWith(true);
  });
});

describe("Timeline search results", () => {
  it("keeps the last good rows on screen, dimmed, when the query does not parse", () => {
    const state = stateWith(range(5, 5), false, all, { type: "request", seq: 2, view: { query: "typo:x", endpointId: null } }, {
      type: "failed",
      seq: 2,
      error: "unknown field typo",
      query: true,
    });
    render(<Timeline {...props(apiFor(state), { queryText: "typo:x", captured: 5 })} />);
    expect(screen.getByTestId("search-error")).toHaveTextContent("unknown field typo");
    expect(rows()).toHaveLength(5);
    expect(scroller()).toHaveClass("dimmed");
    expect(screen.getByTestId("result-count")).toHaveClass("dimmed");
    expect(screen.queryByTestId("no-matches")).toBeNull();
  });

  it("counts the matches, capped, and says so when nothing matches", () => {
    const view: View = { query: "type:order.created", endpointId: null };
    const { rerender } = render(
      <Timeline {...props(apiFor(stateWith(range(5, 5), true, view), { match: { count: 10_000, capped: true } }))} />,
    );
    expect(screen.getByTestId("result-count")).toHaveTextContent(/^10,000\+ events$/);
    rerender(<Timeline {...props(apiFor(stateWith(range(1, 1), false, view), { match: { count: 1, capped: false } }))} />);
    expect(screen.getByTestId("result-count")).toHaveTextContent(/^1 event$/);
    rerender(<Timeline {...props(apiFor(stateWith([], false, view), { match: { count: 0, capped: false } }))} />);
    expect(screen.getByTestId("result-count")).toHaveTextContent("No events match");
    expect(screen.getByTestId("no-matches")).toHaveTextContent("type:order.created");
    expect(screen.queryByTestId("empty-state")).toBeNull();
  });

  it("shows the total for the empty query", () => {
    render(<Timeline {...props(apiFor(stateWith(range(5, 5), true)), { captured: 1_234 })} />);
    expect(screen.getByTestId("result-count")).toHaveTextContent(/^1,234 events$/);
    expect(screen.getByTestId("event-count")).toHaveTextContent("1,234 stored");
  });
});

describe("Timeline keyboard", () => {
  it("j/k and the arrows move the selection, Enter opens it in the detail pane", async () => {
    const user = userEvent.setup();
    const p = props(apiFor(stateWith(range(10, 10))));
    render(<Timeline {...p} />);
    await user.click(row(10));
    expect(p.onOpen).toHaveBeenLastCalledWith(expect.objectContaining({ id: 10 }), false);
    expect(scroller()).toHaveFocus();
    await user.keyboard("jj");
    expect(selectedIds()).toEqual([8]);
    expect(scroller()).toHaveAttribute("aria-activedescendant", row(8).id);
    await user.keyboard("{Enter}");
    expect(p.onOpen).toHaveBeenLastCalledWith(expect.objectContaining({ id: 8 }), true);
    await user.keyboard("k{ArrowDown}{ArrowDown}");
    expect(selectedIds()).toEqual([7]);
  });

  it("steps into the next page when the selection reaches the last row held", async () => {
    const user = userEvent.setup();
    const p = props(apiFor(stateWith(range(3, 3), true)));
    render(<Timeline {...p} />);
    await user.click(row(1));
    await user.keyboard("j");
    expect(p.api.loadOlder).toHaveBeenCalled();
    expect(selectedIds()).toEqual([1]);
  });

  it("/ goes to the search box; Esc clears the search", async () => {
    const user = userEvent.setup();
    const p = props(apiFor(stateWith(range(3, 3))), { queryText: "zebra" });
    render(<Timeline {...p} />);
    await user.click(row(3));
    await user.keyboard("/");
    expect(screen.getByTestId("search-input")).toHaveFocus();
    await user.click(row(2));
    await user.keyboard("{Escape}");
    expect(p.onQueryText).toHaveBeenCalledWith("");
    expect(p.onQueryCommit).toHaveBeenCalledWith("");
  });

  it("Home goes to the newest events, End to the last row held", async () => {
    const user = userEvent.setup();
    const p = props(apiFor(stateWith(range(100, 100), true)));
    render(<Timeline {...p} />);
    await user.click(row(100));
    await user.keyboard("{End}");
    expect(scroller().scrollTop).toBe(100 * ROW_HEIGHT - VIEWPORT_HEIGHT);
    expect(selectedIds()).toEqual([1]);
    await user.keyboard("{Home}");
    expect(p.api.jumpToNewest).toHaveBeenCalled();
    expect(selectedIds()).toEqual([100]);
  });

  it("p pins and unpins the selected event", async () => {
    const user = userEvent.setup();
    const p = props(apiFor(stateWith([ev(2), ev(1, { pinned: true })])));
    render(<Timeline {...p} />);
    await user.click(row(2));
    await user.keyboard("p");
    expect(p.api.pin).toHaveBeenLastCalledWith([2], true);
    await user.keyboard("jp");
    expect(p.api.pin).toHaveBeenLastCalledWith([1], false);
  });

  it("leaves the keys alone while a dialog is open", async () => {
    const user = userEvent.setup();
    const p = props(apiFor(stateWith(range(3, 3))), { keyboard: false });
    render(<Timeline {...p} />);
    await user.click(row(3));
    await user.keyboard("jp");
    expect(selectedIds()).toEqual([3]);
    expect(p.api.pin).not.toHaveBeenCalled();
  });
});

describe("Timeline multi-selection", () => {
  it("Space and x toggle rows; the bar counts them and pins, unpins or clears", async () => {
    const user = userEvent.setup();
    const p = props(apiFor(stateWith(range(10, 10))));
    render(<Timeline {...p} />);
    await user.click(row(10));
    await user.keyboard(" jjx");
    expect(selectedIds()).toEqual([10, 8]);
    expect(screen.getByTestId("selection-count")).toHaveTextContent("2 selected");
    await user.click(screen.getByTestId("selection-pin"));
    expect(p.api.pin).toHaveBeenLastCalledWith([10, 8], true);
    await user.click(screen.getByTestId("selection-unpin"));
    expect(p.api.pin).toHaveBeenLastCalledWith([10, 8], false);
    act(() => scroller().focus());
    await user.keyboard("x");
    expect(selectedIds()).toEqual([10]);
    await user.click(screen.getByTestId("selection-clear"));
    expect(screen.queryByTestId("selection-bar")).toBeNull();
  });

  it("Shift+click selects a range, Ctrl/Cmd+click toggles one, Esc clears", async () => {
    const user = userEvent.setup();
    const p = props(apiFor(stateWith(range(10, 10))));
    render(<Timeline {...p} />);
    await user.click(row(9));
    await user.keyboard("{Shift>}");
    await user.click(row(6));
    await user.keyboard("{/Shift}");
    expect(selectedIds()).toEqual([9, 8, 7, 6]);
    await user.keyboard("{Control>}");
    await user.click(row(8));
    await user.click(row(2));
    await user.keyboard("{/Control}");
    expect(selectedIds()).toEqual([9, 7, 6, 2]);
    fireEvent(row(1), createEvent.click(row(1), { metaKey: true }));
    expect(selectedIds()).toEqual([9, 7, 6, 2, 1]);
    expect(p.onOpen).toHaveBeenCalledTimes(1);
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("selection-bar")).toBeNull();
    expect(p.onQueryCommit).not.toHaveBeenCalled();
  });
});
