import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppInfo, EventBatch, EventPage, EventSummary } from "./ipc";

const ipc = vi.hoisted(() => ({
  getAppInfo: vi.fn<() => Promise<AppInfo>>(),
  listEvents: vi.fn<(limit: number, before?: string) => Promise<EventPage>>(),
  subscribeEvents: vi.fn<(onBatch: (b: EventBatch) => void) => Promise<() => void>>(),
  copyText: vi.fn<(text: string) => Promise<void>>(),
}));

vi.mock("./ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { App } from "./App";

const listening: AppInfo = {
  version: "0.1.0",
  dataDir: "/home/ada/.local/share/hooklens",
  databasePath: "/home/ada/.local/share/hooklens/hooklens.sqlite3",
  listener: { state: "listening", address: "127.0.0.1:9494", url: "http://127.0.0.1:9494", error: null },
};

function ev(id: number, path: string): EventSummary {
  return {
    id,
    cursor: `${id}:${id}`,
    receivedAtMs: 1_700_000_000_000 + id,
    method: "POST",
    path,
    query: null,
    size: 120,
    contentType: "application/json",
    remoteAddr: "127.0.0.1:51000",
  };
}

let pushBatch: (b: EventBatch) => void = () => {};

beforeEach(() => {
  ipc.getAppInfo.mockResolvedValue(listening);
  ipc.listEvents.mockResolvedValue({ events: [], total: 0 });
  ipc.copyText.mockResolvedValue();
  ipc.subscribeEvents.mockImplementation((onBatch) => {
    pushBatch = onBatch;
    return Promise.resolve(() => {});
  });
});

describe("App shell", () => {
  it("shows the listen URL, the listener state and an empty state with a ready curl", async () => {
    render(<App />);
    expect(await screen.findByTestId("listen-url")).toHaveTextContent("http://127.0.0.1:9494");
    expect(screen.getByTestId("listener-state")).toHaveTextContent("Listening");
    const curl = await screen.findByTestId("curl-command");
    expect(curl.textContent).toContain("curl -X POST http://127.0.0.1:9494/webhooks/test");
    expect(screen.getByTestId("event-count")).toHaveTextContent("0 captured");
  });

  it("copies the listen URL and says so", async () => {
    render(<App />);
    await userEvent.click(await screen.findByTestId("copy-listen-url"));
    expect(ipc.copyText).toHaveBeenCalledWith("http://127.0.0.1:9494");
    expect(await screen.findByText("Copied")).toBeInTheDocument();
  });

  it("tells the user when copying fails", async () => {
    ipc.copyText.mockRejectedValue(new Error("no clipboard"));
    render(<App />);
    await userEvent.click(await screen.findByTestId("copy-curl"));
    expect(await screen.findByText("Copy failed")).toBeInTheDocument();
  });

  it("replaces the empty state with live events and counts them in the sidebar", async () => {
    render(<App />);
    await screen.findByTestId("empty-state");
    act(() => pushBatch({ events: [ev(1, "/kustom/orders"), ev(2, "/kulmi")], lagged: false }));
    const rows = await screen.findAllByTestId("event-row");
    expect(rows.map((r) => within(r).getByTitle(/\//).textContent)).toEqual(["/kulmi", "/kustom/orders"]);
    expect(screen.queryByTestId("empty-state")).toBeNull();
    expect(screen.getByTestId("endpoint-count")).toHaveTextContent("2");
    expect(screen.getByTestId("event-count")).toHaveTextContent("2 captured");
  });

  it("shows what arrived when a row is selected", async () => {
    ipc.listEvents.mockResolvedValue({ events: [ev(7, "/stripe")], total: 1 });
    render(<App />);
    await userEvent.click(await screen.findByTestId("event-row"));
    const facts = screen.getByTestId("detail-facts");
    expect(facts).toHaveTextContent("http://127.0.0.1:9494/stripe");
    expect(facts).toHaveTextContent("127.0.0.1:51000");
    expect(facts).toHaveTextContent("120 bytes");
  });

  it("says plainly why nothing is listening", async () => {
    ipc.getAppInfo.mockResolvedValue({
      ...listening,
      listener: {
        state: "failed",
        address: "127.0.0.1:9494",
        url: "http://127.0.0.1:9494",
        error: "127.0.0.1:9494 is already in use by another program; choose another address",
      },
    });
    render(<App />);
    expect(await screen.findByTestId("listener-state")).toHaveTextContent("Not listening");
    expect(await screen.findByTestId("listener-error")).toHaveTextContent("already in use");
    expect(screen.queryByTestId("curl-command")).toBeNull();
  });

  it("reports a core that cannot be reached instead of spinning", async () => {
    ipc.getAppInfo.mockRejectedValue(new Error("command app_info not allowed"));
    render(<App />);
    expect(await screen.findByRole("alert")).toHaveTextContent("command app_info not allowed");
  });
});
