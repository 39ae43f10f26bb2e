import { act, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ViewContext } from "../../ipc";
import { initialTimelineState, type TimelineState } from "../../state/timeline";

const ipc = vi.hoisted(() => ({
  setViewContext: vi.fn<(v: ViewContext) => Promise<void>>(),
  subscribeOpens: vi.fn<(onOpen: (id: number) => void) => Promise<void>>(),
}));

vi.mock("../../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { useNotifyBridge, VIEW_CONTEXT_INTERVAL_MS, viewContextOf } from "./useNotifyBridge";

const ready: TimelineState = { ...initialTimelineState, status: "ready" };

function timeline(patch: Partial<TimelineState>): TimelineState {
  return { ...ready, ...patch };
}

let opened: ((id: number) => void) | null;

beforeEach(() => {
  vi.useFakeTimers();
  opened = null;
  ipc.setViewContext.mockReset();
  ipc.setViewContext.mockResolvedValue(undefined);
  ipc.subscribeOpens.mockReset();
  ipc.subscribeOpens.mockImplementation((onOpen) => {
    opened = onOpen;
    return Promise.resolve();
  });
});

afterEach(() => {
  vi.useRealTimers();
});

describe("viewContextOf", () => {
  it("follows only at the top with nothing newer missing", () => {
    expect(viewContextOf(ready)).toEqual({ following: true, query: "", endpointId: null });
    expect(viewContextOf(timeline({ atTop: false })).following).toBe(false);
    expect(viewContextOf(timeline({ hasNewer: true })).following).toBe(false);
    const view = { query: "type:order.created", endpointId: 2 };
    expect(viewContextOf(timeline({ view, requested: { ...view, seq: 1 } }))).toEqual({ following: true, query: "type:order.created", endpointId: 2 });
  });
});

describe("useNotifyBridge", () => {
  it("tells the shell what the timeline shows, at once and then at most every interval", () => {
    const onOpen = vi.fn();
    const { rerender } = renderHook(({ state }) => useNotifyBridge(state, onOpen), { initialProps: { state: ready } });
    expect(ipc.setViewContext).toHaveBeenCalledTimes(1);
    expect(ipc.setViewContext).toHaveBeenLastCalledWith({ following: true, query: "", endpointId: null });

    // The same view again: nothing to say.
    rerender({ state: { ...ready } });
    act(() => {
      vi.advanceTimersByTime(VIEW_CONTEXT_INTERVAL_MS);
    });
    expect(ipc.setViewContext).toHaveBeenCalledTimes(1);

    // Scrolling away then a filter within one interval: one call, with the latest view.
    rerender({ state: timeline({ atTop: false }) });
    expect(ipc.setViewContext).toHaveBeenCalledTimes(2);
    rerender({ state: timeline({ atTop: true }) });
    rerender({ state: timeline({ atTop: true, view: { query: "zebra", endpointId: 3 } }) });
    expect(ipc.setViewContext).toHaveBeenCalledTimes(2);
    act(() => {
      vi.advanceTimersByTime(VIEW_CONTEXT_INTERVAL_MS);
    });
    expect(ipc.setViewContext).toHaveBeenCalledTimes(3);
    expect(ipc.setViewContext).toHaveBeenLastCalledWith({ following: true, query: "zebra", endpointId: 3 });
  });

  it("sends nothing when the view changes and changes back within an interval", () => {
    const { rerender } = renderHook(({ state }) => useNotifyBridge(state, vi.fn()), { initialProps: { state: ready } });
    act(() => {
      vi.advanceTimersByTime(VIEW_CONTEXT_INTERVAL_MS);
    });
    rerender({ state: timeline({ atTop: false }) });
    expect(ipc.setViewContext).toHaveBeenCalledTimes(2);
    rerender({ state: timeline({ atTop: true }) });
    rerender({ state: timeline({ atTop: false }) });
    act(() => {
      vi.advanceTimersByTime(VIEW_CONTEXT_INTERVAL_MS);
    });
    expect(ipc.setViewContext).toHaveBeenCalledTimes(2);
  });

  it("subscribes once and opens the event a notification asks for, with the latest callback", () => {
    const first = vi.fn();
    const second = vi.fn();
    const { rerender, unmount } = renderHook(({ onOpen }) => useNotifyBridge(ready, onOpen), {
      initialProps: { onOpen: first },
    });
    rerender({ onOpen: second });
    expect(ipc.subscribeOpens).toHaveBeenCalledTimes(1);
    act(() => opened?.(42));
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledWith(42);
    unmount();
    opened?.(43);
    expect(second).toHaveBeenCalledTimes(1);
  });

  it("carries on without a shell", async () => {
    ipc.setViewContext.mockRejectedValue(new Error("no shell"));
    ipc.subscribeOpens.mockRejectedValue(new Error("no shell"));
    const { rerender } = renderHook(({ state }) => useNotifyBridge(state, vi.fn()), { initialProps: { state: ready } });
    await act(async () => {
      vi.advanceTimersByTime(VIEW_CONTEXT_INTERVAL_MS);
      await Promise.resolve();
    });
    rerender({ state: timeline({ atTop: false }) });
    expect(ipc.setViewContext).toHaveBeenCalledTimes(2);
  });
});
