import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { PresetInfo, SampleInfo } from "../ipc";
import { endpoint, deliveryRule } from "../test-fixtures";

const ipc = vi.hoisted(() => ({
  listSamples: vi.fn<() => Promise<SampleInfo[]>>(),
}));

vi.mock("../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { Sidebar } from "./Sidebar";
import { resetSampleCache } from "./testevents/TestEventDialog";

const presets: PresetInfo[] = [
  { id: "kustom", name: "Kustom", scheme: { kind: "standard-webhooks", toleranceS: 300 }, assumed: true, delivery: deliveryRule() },
];

const endpoints = [
  endpoint(1, "Default", "/", { isDefault: true }),
  endpoint(2, "Kustom", "/kustom", {
    preset: "kustom",
    forwards: [{ url: "http://localhost:3000/webhooks", mode: "relay", condition: "", exactUrl: false }],
  }),
  endpoint(3, "Plain", "/plain"),
  endpoint(4, "Fanned", "/fan", {
    forwards: [
      { url: "http://localhost:3000/all", mode: "respond", condition: "", exactUrl: false },
      { url: "http://localhost:4000/disputes", mode: "respond", condition: "type:dispute.*", exactUrl: true },
    ],
  }),
];

function renderSidebar() {
  render(
    <Sidebar
      endpoints={endpoints}
      counts={{ byEndpoint: { "1": 3, "2": 1 }, total: 4 }}
      selected={null}
      onSelect={vi.fn()}
      onAdd={vi.fn()}
      onEdit={vi.fn()}
      presets={presets}
      listenUrl="http://127.0.0.1:9494"
    />,
  );
}

beforeEach(() => {
  resetSampleCache();
  ipc.listSamples.mockReset();
  ipc.listSamples.mockResolvedValue([{ preset: "kustom", eventType: "order.created", description: "A new order" }]);
});

describe("Sidebar", () => {
  it("marks an endpoint that forwards, with the URL in the marker's title", () => {
    renderSidebar();
    const markers = screen.getAllByTestId("endpoint-forward-marker");
    expect(markers).toHaveLength(2);
    const marker = markers[0] as HTMLElement;
    expect(marker).toHaveTextContent("→ forwards");
    expect(marker).toHaveAttribute("title", expect.stringContaining("http://localhost:3000/webhooks"));
    expect(marker).toHaveAttribute("title", expect.stringContaining("handler's reply"));
    expect(screen.getByTestId("endpoint-2")).toContainElement(marker);
    expect(screen.getByTestId("endpoint-3")).not.toHaveTextContent("forwards");
  });

  it("names each of an endpoint's targets, with its condition, in the marker's title", () => {
    renderSidebar();
    const marker = screen.getAllByTestId("endpoint-forward-marker")[1] as HTMLElement;
    expect(screen.getByTestId("endpoint-4")).toContainElement(marker);
    expect(marker).toHaveTextContent("→ forwards");
    expect(marker.getAttribute("title")).toBe(
      "Forwards to 2 targets:\n" +
        "1. each request to http://localhost:3000/all: the sender gets the configured response at once\n" +
        "2. requests matching type:dispute.* to http://localhost:4000/disputes: the sender gets the configured response at once",
    );
  });

  it("opens the test-event dialog from its button and closes it again", async () => {
    renderSidebar();
    expect(screen.queryByTestId("test-event-dialog")).toBeNull();
    await userEvent.click(screen.getByTestId("test-event-open"));
    expect(await screen.findByTestId("test-event-dialog")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("test-event-endpoint")).toHaveValue("2"));
    expect(screen.getByTestId("test-event-target")).toHaveTextContent("http://127.0.0.1:9494/kustom");
    await userEvent.click(screen.getByTestId("test-event-close"));
    expect(screen.queryByTestId("test-event-dialog")).toBeNull();
    expect(screen.getByTestId("test-event-open")).toHaveFocus();
  });
});
