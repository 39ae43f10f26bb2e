import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { getAppInfo, IpcError, searchEvents } from ".";

afterEach(() => clearMocks());

describe("ipc", () => {
  it("calls the shell's commands with their arguments", async () => {
    const calls: Array<[string, unknown]> = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "search_events") return { events: [], hasMore: false };
      return undefined;
    });
    await searchEvents("type:order.created", { limit: 50, before: "1:2" });
    await searchEvents("", { limit: 10, after: "3:4", endpointId: 3 });
    await searchEvents("", { limit: 10 });
    // Several values go as one `args` object (SearchEventsArgs, generated from the shell).
    expect(calls).toEqual([
      ["search_events", { args: { query: "type:order.created", limit: 50, before: "1:2", after: null, endpointId: null } }],
      ["search_events", { args: { query: "", limit: 10, before: null, after: "3:4", endpointId: 3 } }],
      ["search_events", { args: { query: "", limit: 10, before: null, after: null, endpointId: null } }],
    ]);
  });

  it("turns a {kind, message} rejection into an IpcError the UI can branch on", async () => {
    mockIPC(() => {
      throw { kind: "store", message: "cannot open the database" };
    });
    const err = await getAppInfo().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IpcError);
    expect(err).toMatchObject({ kind: "store", message: "cannot open the database" });
  });

  it("reports an unexpected rejection as internal", async () => {
    mockIPC(() => {
      throw "command app_info not allowed";
    });
    await expect(getAppInfo()).rejects.toMatchObject({ kind: "internal", message: "command app_info not allowed" });
  });
});
