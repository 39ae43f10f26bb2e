import { act, renderHook } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ReverifyOutcome, ReverifyProgress } from "../../ipc";

const ipc = vi.hoisted(() => ({
  reverify: vi.fn<(endpointId: number | null, onProgress: (p: ReverifyProgress) => void) => Promise<ReverifyOutcome>>(),
  cancelReverify: vi.fn<() => Promise<void>>(),
}));

vi.mock("../../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { IpcError } from "../../ipc";
import { useReverify } from "./useReverify";

type Run = {
  endpointId: number | null;
  progress: (p: ReverifyProgress) => void;
  resolve: (o: ReverifyOutcome) => void;
  reject: (e: unknown) => void;
};

let runs: Run[] = [];

beforeEach(() => {
  runs = [];
  ipc.reverify.mockReset();
  ipc.cancelReverify.mockReset();
  ipc.reverify.mockImplementation(
    (endpointId, progress) =>
      new Promise<ReverifyOutcome>((resolve, reject) => runs.push({ endpointId, progress, resolve, reject })),
  );
  ipc.cancelReverify.mockResolvedValue();
});

const lastRun = () => {
  const run = runs[runs.length - 1];
  if (!run) throw new Error("no reverify call");
  return run;
};

describe("useReverify", () => {
  it("starts idle, reports progress, then the outcome", async () => {
    const { result } = renderHook(() => useReverify());
    expect(result.current.job).toEqual({ status: "idle" });
    act(() => result.current.start(2));
    expect(ipc.reverify).toHaveBeenCalledWith(2, expect.any(Function));
    expect(result.current.job).toEqual({ status: "running", endpointId: 2, done: 0, total: 0, cancelling: false });
    act(() => lastRun().progress({ done: 500, total: 40_000 }));
    expect(result.current.job).toMatchObject({ status: "running", done: 500, total: 40_000 });
    await act(async () => lastRun().resolve({ total: 40_000, checked: 40_000, changed: 1203, cancelled: false }));
    expect(result.current.job).toEqual({
      status: "finished",
      endpointId: 2,
      outcome: { total: 40_000, checked: 40_000, changed: 1203, cancelled: false },
      total: 40_000,
    });
    act(() => result.current.dismiss());
    expect(result.current.job).toEqual({ status: "idle" });
  });

  it("cancels: says it is cancelling, then reports what was checked", async () => {
    const { result } = renderHook(() => useReverify());
    act(() => result.current.start(null));
    act(() => lastRun().progress({ done: 12_345, total: 40_000 }));
    act(() => result.current.cancel());
    expect(ipc.cancelReverify).toHaveBeenCalledTimes(1);
    expect(result.current.job).toMatchObject({ status: "running", cancelling: true, done: 12_345 });
    await act(async () => lastRun().resolve({ total: 12_345, checked: 12_345, changed: 3, cancelled: true }));
    expect(result.current.job).toMatchObject({
      status: "finished",
      endpointId: null,
      total: 40_000,
      outcome: { checked: 12_345, cancelled: true },
    });
  });

  it("lets the user cancel again when the cancel request fails", async () => {
    ipc.cancelReverify.mockRejectedValue(new IpcError({ kind: "internal", message: "gone" }));
    const { result } = renderHook(() => useReverify());
    act(() => result.current.start(1));
    await act(async () => result.current.cancel());
    expect(result.current.job).toMatchObject({ status: "running", cancelling: false });
  });

  it("reports a failure in words", async () => {
    const { result } = renderHook(() => useReverify());
    act(() => result.current.start(3));
    await act(async () => lastRun().reject(new IpcError({ kind: "invalid", message: "a re-verification is already running" })));
    expect(result.current.job).toEqual({ status: "failed", endpointId: 3, error: "a re-verification is already running" });
    act(() => result.current.dismiss());
    expect(result.current.job.status).toBe("idle");
  });

  it("queues a start that comes while a job runs, and runs it after", async () => {
    const { result } = renderHook(() => useReverify());
    act(() => result.current.start(2));
    act(() => result.current.start(2));
    expect(ipc.reverify).toHaveBeenCalledTimes(1);
    await act(async () => lastRun().resolve({ total: 10, checked: 10, changed: 0, cancelled: false }));
    expect(ipc.reverify).toHaveBeenCalledTimes(2);
    expect(lastRun().endpointId).toBe(2);
    expect(result.current.job).toMatchObject({ status: "running", endpointId: 2, done: 0 });
    await act(async () => lastRun().resolve({ total: 10, checked: 10, changed: 4, cancelled: false }));
    expect(result.current.job).toMatchObject({ status: "finished", outcome: { changed: 4 } });
  });

  it("merges queued starts for different endpoints into one for all", async () => {
    const { result } = renderHook(() => useReverify());
    act(() => result.current.start(2));
    act(() => result.current.start(3));
    act(() => result.current.start(4));
    await act(async () => lastRun().resolve({ total: 1, checked: 1, changed: 0, cancelled: false }));
    expect(runs.map((r) => r.endpointId)).toEqual([2, null]);
  });

  it("drops the queue when the user cancels", async () => {
    const { result } = renderHook(() => useReverify());
    act(() => result.current.start(2));
    act(() => result.current.start(2));
    act(() => result.current.cancel());
    await act(async () => lastRun().resolve({ total: 1, checked: 1, changed: 0, cancelled: true }));
    expect(ipc.reverify).toHaveBeenCalledTimes(1);
    expect(result.current.job.status).toBe("finished");
  });

  it("keeps the same functions across renders", () => {
    const { result, rerender } = renderHook(() => useReverify());
    const { start } = result.current;
    rerender();
    expect(result.current.start).toBe(start);
  });
});
