import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Delivery, DeliveryRun, PresetInfo, RunningSend, SampleInfo, SendProgress, TestEventSpec } from "../../ipc";
import { endpoint, deliveryRule } from "../../test-fixtures";

const ipc = vi.hoisted(() => ({
  listSamples: vi.fn<() => Promise<SampleInfo[]>>(),
  sendTestEvent: vi.fn<(spec: TestEventSpec, onProgress: (p: SendProgress) => void) => RunningSend<DeliveryRun>>(),
}));

vi.mock("../../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { IpcError } from "../../ipc";
import { resetSampleCache, TestEventDialog } from "./TestEventDialog";

const presets: PresetInfo[] = [
  { id: "kustom", name: "Kustom", scheme: { kind: "standard-webhooks", toleranceS: 300 }, assumed: true, delivery: deliveryRule() },
  { id: "github", name: "GitHub", scheme: { kind: "github" }, assumed: false, delivery: deliveryRule() },
];

const samples: SampleInfo[] = [
  { preset: "kustom", eventType: "order.created", description: "A new order has been created" },
  { preset: "kustom", eventType: "refund.created", description: "A refund has been issued on an order" },
  { preset: "github", eventType: "push", description: "Commits were pushed to a branch" },
];

const secret = (label: string, createdAtMs: number) => ({ label, masked: "whsec_…abcd", createdAtMs });
const endpoints = [
  endpoint(1, "Default", "/", { isDefault: true }),
  endpoint(2, "Kustom", "/kustom", { preset: "kustom", secrets: [secret("old", 1), secret("current", 2)] }),
];

const LISTEN = "http://127.0.0.1:9494";

function delivery(over: Partial<Delivery> = {}): Delivery {
  return {
    id: 1,
    runId: 1,
    eventId: null,
    kind: "test",
    attempt: 1,
    sentAtMs: 1_700_000_000_000,
    method: "POST",
    url: `${LISTEN}/kustom`,
    headers: [],
    bodyText: "{}",
    bodyBase64: null,
    signing: "re-signed (standard-webhooks) with the secret \"current\" of endpoint \"Kustom\"",
    response: { status: 200, reason: "OK", headers: [], bodyText: "stored", bodyBase64: null, bodyTruncated: false, redirectTo: null },
    error: null,
    delivered: true,
    failure: null,
    durationMs: 12,
    ...over,
  };
}

function run(attempt: Delivery): DeliveryRun {
  return {
    id: 1,
    eventId: null,
    kind: "test",
    target: attempt.url,
    pattern: "once",
    rule: null,
    startedAtMs: 0,
    finishedAtMs: 1,
    outcome: "answered",
    attempts: [attempt],
  };
}

/** The next send settles with `run`, or fails with `error`. */
function sends(result: DeliveryRun | Error) {
  ipc.sendTestEvent.mockImplementationOnce(() => ({
    done: result instanceof Error ? Promise.reject(result) : Promise.resolve(result),
    cancel: vi.fn(() => Promise.resolve()),
  }));
}

async function open(props: Partial<Parameters<typeof TestEventDialog>[0]> = {}) {
  const onClose = vi.fn();
  render(<TestEventDialog endpoints={endpoints} presets={presets} listenUrl={LISTEN} onClose={onClose} {...props} />);
  await waitFor(() => expect(screen.getByTestId("test-event-type")).toHaveValue("order.created"));
  return { onClose };
}

const select = (testId: string) => screen.getByTestId(testId) as HTMLSelectElement;

beforeEach(() => {
  resetSampleCache();
  ipc.listSamples.mockReset();
  ipc.sendTestEvent.mockReset();
  ipc.listSamples.mockResolvedValue(samples);
});

describe("TestEventDialog", () => {
  it("starts on the first provider, its endpoint and Hooklens's own listener", async () => {
    await open();
    const dialog = screen.getByRole("dialog");
    expect(dialog).toHaveAccessibleName("Send test event");
    expect(select("test-event-provider")).toHaveValue("kustom");
    expect(within(select("test-event-provider")).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "Kustom",
      "GitHub",
    ]);
    expect(screen.getByTestId("test-event-type-description")).toHaveTextContent("A new order has been created");
    expect(select("test-event-endpoint")).toHaveValue("2");
    expect(screen.getByTestId("test-event-signing")).toHaveTextContent(
      "Signed with “current” (Standard Webhooks, assumed construction)",
    );
    expect(select("test-event-url")).toHaveValue("listener");
    expect(screen.getByTestId("test-event-target")).toHaveTextContent(`Goes to ${LISTEN}/kustom`);
    await waitFor(() => expect(select("test-event-provider")).toHaveFocus());

    await userEvent.selectOptions(select("test-event-type"), "refund.created");
    expect(screen.getByTestId("test-event-type-description")).toHaveTextContent("A refund has been issued");
  });

  it("falls back to the default endpoint, and says when the event goes unsigned", async () => {
    await open();
    await userEvent.selectOptions(select("test-event-provider"), "github");
    expect(select("test-event-type")).toHaveValue("push");
    expect(select("test-event-endpoint")).toHaveValue("1");
    expect(screen.getByTestId("test-event-signing")).toHaveTextContent(
      "Unsigned: this endpoint has no secret — add one in its settings",
    );
    expect(screen.getByTestId("test-event-target")).toHaveTextContent(`Goes to ${LISTEN}, the default endpoint.`);
  });

  it("starts on the selected endpoint's provider", async () => {
    render(
      <TestEventDialog endpoints={endpoints} presets={presets} listenUrl={LISTEN} initialPreset="github" onClose={vi.fn()} />,
    );
    await waitFor(() => expect(select("test-event-type")).toHaveValue("push"));
    expect(select("test-event-provider")).toHaveValue("github");
  });

  it("sends to the listener, shows the reply, and sends another", async () => {
    await open();
    sends(run(delivery()));
    await userEvent.click(screen.getByTestId("test-event-send"));
    expect(ipc.sendTestEvent).toHaveBeenCalledWith(
      { preset: "kustom", eventType: "order.created", endpointId: 2, url: null },
      expect.any(Function),
    );
    const result = await screen.findByTestId("test-event-result");
    await waitFor(() => expect(screen.getByTestId("test-event-result-status")).toHaveTextContent("200 OK"));
    expect(within(result).getByTestId("test-event-duration")).toHaveTextContent("in 12 ms");
    expect(within(result).getByTestId("test-event-response-body")).toHaveTextContent("stored");
    expect(within(result).getByTestId("test-event-in-timeline")).toHaveTextContent("appears in the timeline");
    expect(result).toHaveTextContent(`Kustom order.created to ${LISTEN}/kustom`);

    const again = screen.getByTestId("test-event-send");
    expect(again).toHaveTextContent("Send another");
    sends(run(delivery({ durationMs: 1500 })));
    await userEvent.click(again);
    await waitFor(() => expect(screen.getByTestId("test-event-duration")).toHaveTextContent("in 1.5 s"));
    expect(ipc.sendTestEvent).toHaveBeenCalledTimes(2);
    expect(screen.getByTestId("test-event-dialog")).toBeInTheDocument();
  });

  it("validates a custom URL inline and sends to it", async () => {
    await open();
    await userEvent.selectOptions(select("test-event-url"), "custom");
    const url = screen.getByTestId("test-event-custom-url");
    await waitFor(() => expect(url).toHaveFocus());
    await userEvent.click(screen.getByTestId("test-event-send"));
    expect(screen.getByTestId("test-event-url-error")).toHaveTextContent("Give the URL to send to");
    await userEvent.type(url, "ftp://example.com/hook");
    await userEvent.tab();
    expect(screen.getByTestId("test-event-url-error")).toHaveTextContent("Send to an http:// or https:// URL.");
    expect(url).toHaveAttribute("aria-invalid", "true");
    await userEvent.click(screen.getByTestId("test-event-send"));
    expect(ipc.sendTestEvent).not.toHaveBeenCalled();

    await userEvent.clear(url);
    await userEvent.type(url, "http://localhost:3000/webhooks");
    expect(screen.queryByTestId("test-event-url-error")).toBeNull();
    sends(run(delivery({ url: "http://localhost:3000/webhooks" })));
    await userEvent.click(screen.getByTestId("test-event-send"));
    expect(ipc.sendTestEvent).toHaveBeenCalledWith(
      { preset: "kustom", eventType: "order.created", endpointId: 2, url: "http://localhost:3000/webhooks" },
      expect.any(Function),
    );
    await screen.findByTestId("test-event-result-status");
    // Not our listener: nothing promised about the timeline.
    expect(screen.queryByTestId("test-event-in-timeline")).toBeNull();
  });

  it("sends unsigned when no endpoint is chosen", async () => {
    await open();
    await userEvent.selectOptions(select("test-event-endpoint"), "");
    expect(screen.getByTestId("test-event-signing")).toHaveTextContent("Unsigned: no endpoint chosen");
    sends(run(delivery()));
    await userEvent.click(screen.getByTestId("test-event-send"));
    expect(ipc.sendTestEvent).toHaveBeenCalledWith(
      { preset: "kustom", eventType: "order.created", endpointId: null, url: null },
      expect.any(Function),
    );
  });

  it("says in words why a send failed", async () => {
    await open();
    sends(
      run(
        delivery({
          response: null,
          error: { kind: "connection_refused", message: "connection refused by 127.0.0.1:3000: nothing is listening there" },
          durationMs: 3,
        }),
      ),
    );
    await userEvent.click(screen.getByTestId("test-event-send"));
    await waitFor(() => expect(screen.getByTestId("test-event-result-status")).toHaveTextContent("Not delivered"));
    expect(screen.getByTestId("test-event-error")).toHaveTextContent("nothing is listening there");
    expect(screen.queryByTestId("test-event-in-timeline")).toBeNull();

    sends(new IpcError({ kind: "send", message: "give the URL to send the test event to" }));
    await userEvent.click(screen.getByTestId("test-event-send"));
    await waitFor(() => expect(screen.getByTestId("test-event-error")).toHaveTextContent("give the URL to send the test event to"));
  });

  it("says the event is in the timeline unless the listener could not store it", async () => {
    await open();
    const reply = (status: number, reason: string) =>
      run(delivery({ response: { status, reason, headers: [], bodyText: "", bodyBase64: null, bodyTruncated: false, redirectTo: null } }));
    // A relayed 502 (the handler is down): stored all the same.
    sends(reply(502, "Bad Gateway"));
    await userEvent.click(screen.getByTestId("test-event-send"));
    await waitFor(() => expect(screen.getByTestId("test-event-result-status")).toHaveTextContent("502 Bad Gateway"));
    expect(screen.getByTestId("test-event-in-timeline")).toBeInTheDocument();
    expect(screen.getByTestId("test-event-response-body")).toHaveTextContent("(empty)");
    sends(reply(503, "Service Unavailable"));
    await userEvent.click(screen.getByTestId("test-event-send"));
    await waitFor(() => expect(screen.getByTestId("test-event-result-status")).toHaveTextContent("503 Service Unavailable"));
    expect(screen.queryByTestId("test-event-in-timeline")).toBeNull();
  });

  it("renders a reply's markup as text", async () => {
    await open();
    const hostile = '<img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script>';
    sends(
      run(
        delivery({
          response: { status: 500, reason: "Internal Server Error", headers: [], bodyText: hostile, bodyBase64: null, bodyTruncated: false, redirectTo: null },
        }),
      ),
    );
    await userEvent.click(screen.getByTestId("test-event-send"));
    const body = await screen.findByTestId("test-event-response-body");
    expect(body.textContent).toBe(hostile);
    const dialog = screen.getByTestId("test-event-dialog");
    expect(dialog.querySelector("img, script")).toBeNull();
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
    expect(screen.getByTestId("test-event-result-status")).toHaveTextContent("500 Internal Server Error");
  });

  it("says when a reply's body is not text", async () => {
    await open();
    sends(
      run(
        delivery({
          response: { status: 200, reason: "OK", headers: [], bodyText: null, bodyBase64: "AAECAw==", bodyTruncated: false, redirectTo: null },
        }),
      ),
    );
    await userEvent.click(screen.getByTestId("test-event-send"));
    await waitFor(() => expect(screen.getByTestId("test-event-response-body")).toHaveTextContent("Not text: 4 bytes"));
  });

  it("closes with Esc and the Close button", async () => {
    const { onClose } = await open();
    await userEvent.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledTimes(1);
    await userEvent.click(screen.getByTestId("test-event-cancel"));
    expect(onClose).toHaveBeenCalledTimes(2);
  });

  it("reports samples that cannot be loaded", async () => {
    ipc.listSamples.mockReset();
    ipc.listSamples.mockRejectedValue(new IpcError({ kind: "internal", message: "core unavailable" }));
    render(<TestEventDialog endpoints={endpoints} presets={presets} listenUrl={LISTEN} onClose={vi.fn()} />);
    expect(await screen.findByTestId("test-event-load-error")).toHaveTextContent("core unavailable");
    expect(screen.getByTestId("test-event-send")).toBeDisabled();
  });
});
