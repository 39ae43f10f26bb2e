import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { getAppInfo, IpcError, listEvents } from ".";

afterEach(() => clearMocks());

describe("ipc", () => {
  it("calls the shell's commands with their arguments", async () => {
    const calls: Array<[string, unknown]> = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "list_events") return { events: [], hasMore: false };
      return undefined;
    });
    await listEvents(50, "1:2");
    await listEvents(10, undefined, 3);
    await listEvents(10);
    expect(calls).toEqual([
      ["list_events", { limit: 50, before: "1:2", endpointId: null }],
      ["list_events", { limit: 10, before: null, endpointId: 3 }],
      ["list_events", { limit: 10, before: null, endpointId: null }],
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
