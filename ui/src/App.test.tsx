import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppInfo, Endpoint, EndpointCount, EventBatch, EventPage, ListenerStatus } from "./ipc";
import { endpoint, ev as event, verdict } from "./test-fixtures";

const ipc = vi.hoisted(() => ({
  getAppInfo: vi.fn<() => Promise<AppInfo>>(),
  listEvents: vi.fn<(limit: number, before?: string, endpointId?: number | null) => Promise<EventPage>>(),
  listEndpoints: vi.fn<() => Promise<Endpoint[]>>(),
  endpointCounts: vi.fn<() => Promise<EndpointCount[]>>(),
  listenOn: vi.fn<(address: string) => Promise<ListenerStatus>>(),
  subscribeEvents: vi.fn<(onBatch: (b: EventBatch) => void) => Promise<() => void>>(),
  copyText: vi.fn<(text: string) => Promise<void>>(),
}));

vi.mock("./ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { App } from "./App";

const listening: AppInfo = {
  version: "0.1.0",
  dataDir: "/home/ada/.local/share/hooklens",
  databasePath: "/home/ada/.local/share/hooklens/hooklens.sqlite3",
  listener: {
    state: "listening",
    address: "127.0.0.1:9494",
    url: "http://127.0.0.1:9494",
    error: null,
    suggestion: null,
  },
};

const ev = (id: number, path: string, endpointId = 1) => event(id, { path, endpointId });

let pushBatch: (b: EventBatch) => void = () => {};

beforeEach(() => {
  ipc.getAppInfo.mockResolvedValue(listening);
  ipc.listEvents.mockResolvedValue({ events: [], hasMore: false });
  ipc.listEndpoints.mockResolvedValue([endpoint(1, "Default", "/"), endpoint(2, "Kustom", "/kustom")]);
  ipc.endpointCounts.mockResolvedValue([]);
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
    act(() => pushBatch({ events: [ev(1, "/kustom/orders"), ev(2, "/kulmi")], lagged: false, changed: false }));
    const rows = await screen.findAllByTestId("event-row");
    expect(rows.map((r) => r.dataset.eventId)).toEqual(["2", "1"]);
    expect(rows[0]).toHaveTextContent("/kulmi");
    expect(screen.queryByTestId("empty-state")).toBeNull();
    expect(screen.getByTestId("endpoint-all-count")).toHaveTextContent("2");
    expect(screen.getByTestId("endpoint-default-count")).toHaveTextContent("2");
    expect(screen.getByTestId("event-count")).toHaveTextContent("2 captured");
  });

  it("reloads the rows when stored events changed in place, e.g. verdicts re-verified", async () => {
    const stored = event(7, { path: "/github", verdict: verdict("no_secret", { scheme: "github" }) });
    ipc.listEvents.mockResolvedValue({ events: [stored], hasMore: false });
    render(<App />);
    const badge = () => within(screen.getByTestId("event-row")).getByTestId("verdict-badge");
    await waitFor(() => expect(badge()).toHaveAttribute("data-status", "no_secret"));
    ipc.listEvents.mockResolvedValue({
      events: [{ ...stored, verdict: verdict("valid", { scheme: "github", secret: "production" }) }],
      hasMore: false,
    });
    act(() => pushBatch({ events: [], lagged: false, changed: true }));
    await waitFor(() => expect(badge()).toHaveAttribute("data-status", "valid"));
  });

  it("shows what arrived when a row is selected", async () => {
    ipc.listEvents.mockResolvedValue({ events: [ev(7, "/stripe")], hasMore: false });
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
        suggestion: "127.0.0.1:9495",
      },
    });
    render(<App />);
    expect(await screen.findByTestId("listener-state")).toHaveTextContent("Not listening");
    expect(await screen.findByTestId("listener-error")).toHaveTextContent("already in use");
    expect(screen.queryByTestId("curl-command")).toBeNull();
  });

  it("offers a free port when its own is taken, and moves there", async () => {
    ipc.getAppInfo.mockResolvedValue({
      ...listening,
      listener: {
        state: "failed",
        address: "127.0.0.1:9494",
        url: "http://127.0.0.1:9494",
        error: "127.0.0.1:9494 is already in use by another program; choose another address",
        suggestion: "127.0.0.1:9495",
      },
    });
    ipc.listenOn.mockResolvedValue({
      state: "listening",
      address: "127.0.0.1:9495",
      url: "http://127.0.0.1:9495",
      error: null,
      suggestion: null,
    });
    render(<App />);
    await userEvent.click(await screen.findByTestId("listen-on-suggestion"));
    expect(ipc.listenOn).toHaveBeenCalledWith("127.0.0.1:9495");
    expect(await screen.findByTestId("listen-url")).toHaveTextContent("http://127.0.0.1:9495");
    expect(screen.getByTestId("listener-state")).toHaveTextContent("Listening");
    expect((await screen.findByTestId("curl-command")).textContent).toContain("http://127.0.0.1:9495/webhooks/test");
  });

  it("narrows the timeline to the endpoint picked in the sidebar", async () => {
    ipc.endpointCounts.mockResolvedValue([
      { endpointId: 1, count: 5 },
      { endpointId: 2, count: 1 },
    ]);
    ipc.listEvents.mockImplementation((_limit, _before, endpointId) =>
      Promise.resolve(
        endpointId === 2
          ? { events: [ev(9, "/kustom/orders", 2)], hasMore: false }
          : { events: [ev(9, "/kustom/orders", 2), ev(8, "/other")], hasMore: false },
      ),
    );
    render(<App />);
    expect(await screen.findAllByTestId("event-row")).toHaveLength(2);
    expect(screen.getByTestId("endpoint-2-count")).toHaveTextContent("1");
    await userEvent.click(screen.getByTestId("endpoint-2"));
    expect(ipc.listEvents).toHaveBeenLastCalledWith(500, undefined, 2);
    await screen.findByText("1 captured");
    expect(screen.getAllByTestId("event-row")).toHaveLength(1);
    act(() => pushBatch({ events: [ev(10, "/elsewhere", 1), ev(11, "/kustom/refunds", 2)], lagged: false, changed: false }));
    const rows = await screen.findAllByTestId("event-row");
    expect(rows.map((r) => r.dataset.eventId)).toEqual(["11", "9"]);
    expect(screen.getByTestId("event-count")).toHaveTextContent("2 captured");
  });

  it("picks up an endpoint added elsewhere when its first event arrives", async () => {
    render(<App />);
    await screen.findByTestId("endpoint-2");
    ipc.listEndpoints.mockResolvedValue([
      endpoint(1, "Default", "/"),
      endpoint(2, "Kustom", "/kustom"),
      endpoint(7, "Kulmi", "/kulmi"),
    ]);
    act(() => pushBatch({ events: [ev(40, "/kulmi/x", 7)], lagged: false, changed: false }));
    expect(await screen.findByTestId("endpoint-7-count")).toHaveTextContent("1");
  });

  it("marks redeliveries and names the provider event", async () => {
    ipc.listEvents.mockResolvedValue({
      events: [
        event(3, {
          provider: "kustom",
          eventType: "order.created",
          providerEventId: "kevt_1",
          merchantId: "M1",
          delivery: 2,
        }),
      ],
      hasMore: false,
    });
    render(<App />);
    const row = await screen.findByTestId("event-row");
    expect(row).toHaveTextContent("kustom · order.created");
    expect(within(row).getByTestId("redelivery")).toHaveTextContent("×2");
    await userEvent.click(row);
    expect(screen.getByTestId("detail-facts")).toHaveTextContent("kevt_1");
    expect(screen.getByTestId("delivery")).toHaveTextContent("2nd delivery");
    expect(screen.getByTestId("detail-facts")).toHaveTextContent("M1");
  });

  it("reports a core that cannot be reached instead of spinning", async () => {
    ipc.getAppInfo.mockRejectedValue(new Error("command app_info not allowed"));
    render(<App />);
    expect(await screen.findByRole("alert")).toHaveTextContent("command app_info not allowed");
  });
});
