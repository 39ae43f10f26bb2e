import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppInfo, Endpoint, EndpointCount, EventBatch, EventPage, PageRequest } from "../ipc";
import { endpoint, ev } from "../test-fixtures";

const ipc = vi.hoisted(() => ({
  order: [] as string[],
  subscribeEvents: vi.fn<(onBatch: (b: EventBatch) => void) => Promise<() => void>>(),
  searchEvents: vi.fn<(query: string, page: PageRequest) => Promise<EventPage>>(),
  endpointCounts: vi.fn<() => Promise<EndpointCount[]>>(),
  getAppInfo: vi.fn<() => Promise<AppInfo>>(),
  listEndpoints: vi.fn<() => Promise<Endpoint[]>>(),
}));

vi.mock("../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

const info: AppInfo = {
  version: "0.1.0",
  dataDir: "/data",
  databasePath: "/data/hooklens.sqlite3",
  listener: { state: "listening", address: "127.0.0.1:9494", url: "http://127.0.0.1:9494", error: null, suggestion: null },
};
const page: EventPage = { events: [ev(2), ev(1)], hasMore: false };
const batch = (id: number): EventBatch => ({ events: [ev(id)], lagged: false, changed: false });

// early.ts keeps the requests of the one page start: a fresh module per test.
async function freshEarly() {
  vi.resetModules();
  return import("./early");
}

let deliver: (b: EventBatch) => void = () => {};

beforeEach(() => {
  ipc.order.length = 0;
  ipc.subscribeEvents.mockImplementation((onBatch) => {
    ipc.order.push("subscribe");
    deliver = onBatch;
    return Promise.resolve(() => {});
  });
  ipc.searchEvents.mockImplementation(() => {
    ipc.order.push("search");
    return Promise.resolve(page);
  });
  ipc.endpointCounts.mockResolvedValue([{ endpointId: 1, count: 2 }]);
  ipc.getAppInfo.mockResolvedValue(info);
  ipc.listEndpoints.mockResolvedValue([endpoint(1, "Default", "/")]);
});

describe("early requests", () => {
  it("opens the live channel before reading the first page, and hands each answer out once", async () => {
    const early = await freshEarly();
    expect(early.earlyValue("page")).toBeNull();
    await early.askEarly();
    expect(ipc.order).toEqual(["subscribe", "search"]);
    expect(ipc.searchEvents).toHaveBeenCalledWith("", { limit: 200, endpointId: null });
    expect(early.earlyValue("page")).toBe(page);
    expect(early.earlyValue("info")).toBe(info);
    // Read for a first render's state as often as it is rendered; taken once, by the mount.
    expect(early.earlyValue("page")).toBe(page);
    await expect(early.takeEarly("page")?.promise).resolves.toBe(page);
    expect(early.takeEarly("page")).toBeNull();
    expect(early.earlyValue("page")).toBeNull();
  });

  it("gives nothing when main.tsx did not ask (tests, a second window)", async () => {
    const early = await freshEarly();
    expect(early.takeEarly("live")).toBeNull();
    expect(early.earlyValue("counts")).toBeNull();
  });

  it("keeps a failed answer out of the first render, and its error for the mount", async () => {
    ipc.getAppInfo.mockRejectedValue(new Error("core gone"));
    const early = await freshEarly();
    await early.askEarly();
    expect(early.earlyValue("info")).toBeNull();
    await expect(early.takeEarly("info")?.promise).rejects.toThrow("core gone");
  });

  it("holds live batches until the timeline takes the channel, then delivers them in order", async () => {
    const early = await freshEarly();
    await early.askEarly();
    deliver(batch(3));
    deliver(batch(4));
    const seen: number[] = [];
    early.takeEarly("live")?.deliverTo((b) => seen.push(...b.events.map((e) => e.id)));
    expect(seen).toEqual([3, 4]);
    deliver(batch(5));
    expect(seen).toEqual([3, 4, 5]);
  });
});
