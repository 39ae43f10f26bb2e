import { act, fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { IpcError, type ListenerStats, type ListenerStatus } from "../ipc";

const ipc = vi.hoisted(() => ({
  listenerStats: vi.fn<() => Promise<ListenerStats | null>>(),
}));

vi.mock("../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { ListenerStatsControl, STATS_BACKGROUND_POLL_MS, STATS_OPEN_POLL_MS } from "./ListenerStatsPopover";

const listening: ListenerStatus = {
  state: "listening",
  address: "127.0.0.1:9494",
  url: "http://127.0.0.1:9494",
  error: null,
  suggestion: null,
};

const failed: ListenerStatus = {
  ...listening,
  state: "failed",
  error: "127.0.0.1:9494 is already in use by another program; choose another address",
  suggestion: "127.0.0.1:9495",
};

function stats(over: Partial<ListenerStats> = {}): ListenerStats {
  return {
    openConnections: 3,
    maxConnections: 4096,
    refused: 0,
    evicted: 0,
    timedOut: 0,
    idleClosed: 0,
    rateLimitedTunnel: 0,
    ...over,
  };
}

/** What the core answers now. */
let current: ListenerStats | null;

beforeEach(() => {
  current = stats();
  ipc.listenerStats.mockReset();
  ipc.listenerStats.mockImplementation(() => Promise.resolve(current));
});

afterEach(() => {
  vi.useRealTimers();
});

/** Runs the timers due within `ms` and the answers they bring. */
async function tick(ms: number) {
  await act(() => vi.advanceTimersByTimeAsync(ms));
}

const text = (testId: string) => screen.getByTestId(testId).textContent;

describe("ListenerStatsControl", () => {
  it("opens the connection figures from the listener pill, explained and formatted", async () => {
    current = stats({ openConnections: 3, maxConnections: 4096, refused: 1234, evicted: 7, timedOut: 2, idleClosed: 56789 });
    render(<ListenerStatsControl listener={listening} />);
    const pill = screen.getByTestId("listener-state");
    expect(pill.tagName).toBe("BUTTON");
    expect(pill).toHaveTextContent("Listening");
    expect(pill).toHaveAttribute("aria-haspopup", "dialog");
    expect(pill).toHaveAttribute("aria-expanded", "false");
    expect(screen.queryByTestId("listener-stats")).toBeNull();

    await userEvent.click(pill);
    expect(pill).toHaveAttribute("aria-expanded", "true");
    const popover = screen.getByRole("dialog", { name: "Connections" });
    expect(popover).toHaveAttribute("data-testid", "listener-stats");
    expect(pill).toHaveAttribute("aria-controls", popover.id);

    expect(await screen.findByTestId("stat-open")).toHaveTextContent("3 open of 4,096");
    expect(text("stat-refused")).toBe("1,234");
    expect(text("stat-evicted")).toBe("7");
    expect(text("stat-timed-out")).toBe("2");
    expect(text("stat-idle-closed")).toBe("56,789");
    expect(screen.getByTestId("stat-refused")).toHaveAttribute("data-value", "1234");
    // Each figure says what it means; the routine one is shown muted.
    expect(popover).toHaveTextContent(/every connection was busy/);
    expect(popover).toHaveTextContent(/sending too slowly/);
    expect(popover).toHaveTextContent(/Routine/);
    expect(screen.getByTestId("stat-idle-closed").closest(".lstats-row")).toHaveClass("muted");
    expect(screen.getByTestId("stat-refused").closest(".lstats-row")).toHaveClass("warn");
    expect(screen.queryByTestId("listener-stats-error")).toBeNull();

    await userEvent.click(pill);
    expect(screen.queryByTestId("listener-stats")).toBeNull();
  });

  it("counts the tunnel requests answered 429 by the rate limit, as a warning once there are some", async () => {
    current = stats({ rateLimitedTunnel: 1500 });
    render(<ListenerStatsControl listener={listening} />);
    await userEvent.click(screen.getByTestId("listener-state"));
    const figure = await screen.findByTestId("stat-rate-limited-tunnel");
    expect(figure).toHaveTextContent("1,500");
    expect(figure).toHaveAttribute("data-value", "1500");
    const row = figure.closest(".lstats-row");
    expect(row).toHaveClass("warn");
    expect(row).toHaveTextContent("Rate-limited (tunnel)");
    expect(row).toHaveTextContent(/answered 429 with Retry-After, not captured/);
  });

  it("shows no warning for the tunnel rate limit while it has answered nothing", async () => {
    render(<ListenerStatsControl listener={listening} />);
    await userEvent.click(screen.getByTestId("listener-state"));
    const figure = await screen.findByTestId("stat-rate-limited-tunnel");
    expect(figure).toHaveTextContent("0");
    expect(figure.closest(".lstats-row")).not.toHaveClass("warn");
  });

  it("closes on Escape, giving focus back to the pill, and on a click outside", async () => {
    render(
      <>
        <ListenerStatsControl listener={listening} />
        <button type="button">elsewhere</button>
      </>,
    );
    const pill = screen.getByTestId("listener-state");
    await userEvent.click(pill);
    await screen.findByTestId("stat-open");
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByTestId("listener-stats")).toBeNull();
    expect(pill).toHaveFocus();

    await userEvent.click(pill);
    expect(screen.getByTestId("listener-stats")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "elsewhere" }));
    expect(screen.queryByTestId("listener-stats")).toBeNull();
  });

  it("shows a refused chip only once senders got 503, with the count, and opens the figures from it", async () => {
    vi.useFakeTimers();
    render(<ListenerStatsControl listener={listening} />);
    await tick(0);
    expect(ipc.listenerStats).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId("listener-refused")).toBeNull();

    current = stats({ refused: 12, maxConnections: 4096 });
    await tick(STATS_BACKGROUND_POLL_MS - 1);
    expect(ipc.listenerStats).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId("listener-refused")).toBeNull();
    await tick(1);
    expect(ipc.listenerStats).toHaveBeenCalledTimes(2);
    const chip = screen.getByTestId("listener-refused");
    expect(chip).toHaveTextContent("12 refused");
    const title = chip.getAttribute("title") ?? "";
    expect(title).toMatch(/503/);
    expect(title).toMatch(/all 4,096 connections were busy/);
    expect(title).toMatch(/retry/);

    current = stats({ refused: 1500 });
    await tick(STATS_BACKGROUND_POLL_MS);
    expect(screen.getByTestId("listener-refused")).toHaveTextContent("1,500 refused");

    fireEvent.click(screen.getByTestId("listener-refused"));
    expect(screen.getByTestId("listener-refused")).toHaveAttribute("aria-expanded", "true");
    await tick(0);
    expect(screen.getByTestId("listener-stats")).toBeInTheDocument();
    expect(text("stat-refused")).toBe("1,500");
  });

  it("refreshes the figures every 2 s while open, and stops when closed or unmounted", async () => {
    vi.useFakeTimers();
    const { unmount } = render(<ListenerStatsControl listener={listening} />);
    await tick(0);
    expect(ipc.listenerStats).toHaveBeenCalledTimes(1);

    fireEvent.click(screen.getByTestId("listener-state"));
    await tick(0);
    expect(ipc.listenerStats).toHaveBeenCalledTimes(2);
    expect(text("stat-open")).toBe("3 open of 4,096");

    current = stats({ openConnections: 40, timedOut: 5 });
    await tick(STATS_OPEN_POLL_MS);
    expect(ipc.listenerStats).toHaveBeenCalledTimes(3);
    expect(text("stat-open")).toBe("40 open of 4,096");
    expect(text("stat-timed-out")).toBe("5");

    current = stats({ openConnections: 41, evicted: 9 });
    await tick(STATS_OPEN_POLL_MS);
    expect(ipc.listenerStats).toHaveBeenCalledTimes(4);
    expect(text("stat-open")).toBe("41 open of 4,096");
    expect(text("stat-evicted")).toBe("9");

    // Closed: back to the background pace, a full period after the last read.
    fireEvent.click(screen.getByTestId("listener-state"));
    expect(screen.queryByTestId("listener-stats")).toBeNull();
    await tick(STATS_OPEN_POLL_MS * 2);
    expect(ipc.listenerStats).toHaveBeenCalledTimes(4);
    await tick(STATS_BACKGROUND_POLL_MS - STATS_OPEN_POLL_MS * 2);
    expect(ipc.listenerStats).toHaveBeenCalledTimes(5);

    // An answer coming after unmount is dropped, and nothing is asked again.
    let answer: (s: ListenerStats) => void = () => {};
    ipc.listenerStats.mockImplementation(() => new Promise((resolve) => (answer = resolve)));
    await tick(STATS_BACKGROUND_POLL_MS);
    expect(ipc.listenerStats).toHaveBeenCalledTimes(6);
    unmount();
    answer(stats({ refused: 3 }));
    await tick(STATS_BACKGROUND_POLL_MS * 4);
    expect(ipc.listenerStats).toHaveBeenCalledTimes(6);
  });

  it("asks nothing while the listener failed or is starting", async () => {
    vi.useFakeTimers();
    const { rerender } = render(<ListenerStatsControl listener={failed} />);
    await tick(STATS_BACKGROUND_POLL_MS * 3);
    expect(screen.getByTestId("listener-state")).toHaveTextContent("Not listening");
    expect(screen.getByTestId("listener-state")).toHaveAttribute("title", expect.stringContaining("already in use"));

    fireEvent.click(screen.getByTestId("listener-state"));
    await tick(STATS_OPEN_POLL_MS * 3);
    expect(screen.getByTestId("listener-stats")).toHaveTextContent("Nothing is listening");
    expect(screen.queryByTestId("stat-open")).toBeNull();
    expect(screen.queryByTestId("listener-refused")).toBeNull();

    rerender(<ListenerStatsControl listener={{ ...listening, state: "starting" }} />);
    await tick(STATS_BACKGROUND_POLL_MS * 3);
    expect(screen.getByTestId("listener-stats")).toHaveTextContent("starting");
    expect(ipc.listenerStats).not.toHaveBeenCalled();

    // Once it listens, the figures are read at once.
    rerender(<ListenerStatsControl listener={listening} />);
    await tick(0);
    expect(ipc.listenerStats).toHaveBeenCalledTimes(1);
    expect(text("stat-open")).toBe("3 open of 4,096");
  });

  it("starts the counts afresh for a new listener", async () => {
    vi.useFakeTimers();
    current = stats({ refused: 4 });
    const { rerender } = render(<ListenerStatsControl listener={listening} />);
    await tick(0);
    expect(screen.getByTestId("listener-refused")).toHaveTextContent("4 refused");

    let answer: (s: ListenerStats) => void = () => {};
    ipc.listenerStats.mockImplementation(() => new Promise((resolve) => (answer = resolve)));
    rerender(<ListenerStatsControl listener={{ ...listening, address: "127.0.0.1:9495", url: "http://127.0.0.1:9495" }} />);
    // The old listener's refusals are not shown against the new one.
    expect(screen.queryByTestId("listener-refused")).toBeNull();
    await tick(0);
    expect(ipc.listenerStats).toHaveBeenCalledTimes(2);
    await act(async () => answer(stats()));
    expect(screen.queryByTestId("listener-refused")).toBeNull();
  });

  it("says briefly when the figures cannot be read, and recovers", async () => {
    vi.useFakeTimers();
    ipc.listenerStats.mockRejectedValue(new IpcError({ kind: "internal", message: "core went away" }));
    render(<ListenerStatsControl listener={listening} />);
    fireEvent.click(screen.getByTestId("listener-state"));
    await tick(0);
    const error = screen.getByTestId("listener-stats-error");
    expect(error).toHaveTextContent("Could not read the connection figures: core went away");
    expect(error).toHaveAttribute("role", "alert");
    expect(screen.queryByTestId("stat-open")).toBeNull();
    expect(screen.queryByTestId("listener-refused")).toBeNull();

    // Still polling after a failure; the next good answer replaces the message.
    ipc.listenerStats.mockImplementation(() => Promise.resolve(stats({ refused: 2 })));
    await tick(STATS_OPEN_POLL_MS);
    expect(screen.queryByTestId("listener-stats-error")).toBeNull();
    expect(text("stat-refused")).toBe("2");

    // A failed refresh keeps the last figures and says they were not refreshed.
    ipc.listenerStats.mockRejectedValue(new Error("timeout"));
    await tick(STATS_OPEN_POLL_MS);
    expect(screen.getByTestId("listener-stats-error")).toHaveTextContent("Could not refresh the figures: timeout");
    expect(text("stat-refused")).toBe("2");
  });

  it("says so when the core answers that nothing listens", async () => {
    current = null;
    render(<ListenerStatsControl listener={listening} />);
    await userEvent.click(screen.getByTestId("listener-state"));
    expect(await screen.findByText("Nothing is listening right now.")).toBeInTheDocument();
    expect(screen.queryByTestId("stat-open")).toBeNull();
    expect(screen.queryByTestId("listener-refused")).toBeNull();
  });
});
