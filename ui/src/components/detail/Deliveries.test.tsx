import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Delivery, DeliveryResponse, DeliveryRun } from "../../ipc";

const ipc = vi.hoisted(() => ({
  listRuns: vi.fn<(eventId: number | null) => Promise<DeliveryRun[]>>(),
}));

vi.mock("../../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { notifyRunsChanged } from "../resend/runsChanged";
import { Deliveries } from "./Deliveries";

function response(status: number, reason: string | null, over: Partial<DeliveryResponse> = {}): DeliveryResponse {
  return {
    status,
    reason,
    headers: [{ name: "content-type", value: "application/json", binary: false, masked: false }],
    bodyText: '{"ok":true}',
    bodyBase64: null,
    bodyTruncated: false,
    redirectTo: null,
    ...over,
  };
}

let nextId = 1;
function attempt(n: number, over: Partial<Delivery> = {}): Delivery {
  return {
    id: nextId++,
    runId: 1,
    eventId: 5,
    kind: "resend",
    attempt: n,
    sentAtMs: 1_700_000_000_000,
    method: "POST",
    url: "http://localhost:3000/webhooks",
    headers: [
      { name: "content-type", value: "application/json", binary: false, masked: false },
      { name: "X-Hub-Signature-256", value: "sha256=fresh", binary: false, masked: false },
    ],
    bodyText: '{"action":"closed"}',
    bodyBase64: null,
    signing: 're-signed (github) with the secret "production" of endpoint "Default"',
    response: response(200, "OK"),
    error: null,
    delivered: true,
    failure: null,
    durationMs: 12,
    ...over,
  };
}

function run(id: number, attempts: Delivery[], over: Partial<DeliveryRun> = {}): DeliveryRun {
  return {
    id,
    eventId: 5,
    kind: "resend",
    target: "http://localhost:3000/webhooks",
    pattern: "once",
    rule: null,
    startedAtMs: 1_700_000_000_000,
    finishedAtMs: 1_700_000_000_050,
    outcome: "answered 200",
    attempts,
    ...over,
  };
}

beforeEach(() => {
  ipc.listRuns.mockReset();
});

describe("Deliveries", () => {
  it("says when nothing was sent from the event", async () => {
    ipc.listRuns.mockResolvedValue([]);
    render(<Deliveries eventId={5} />);
    expect(await screen.findByTestId("deliveries-empty")).toHaveTextContent("Nothing sent from this event yet.");
    expect(ipc.listRuns).toHaveBeenCalledWith(5);
  });

  it("lists each run with its attempts: statuses, redirects not followed, errors in words", async () => {
    ipc.listRuns.mockResolvedValue([
      run(
        2,
        [
          attempt(1, { response: null, error: { kind: "connection_refused", message: "connection refused by 127.0.0.1:3000: nothing is listening there" }, durationMs: 1 }),
          attempt(2, { response: response(302, "Found", { bodyText: null, redirectTo: "https://elsewhere.test/login" }) }),
          attempt(3, { response: response(500, "Internal Server Error", { bodyText: "boom" }) }),
          attempt(4),
        ],
        { pattern: "checkout retry schedule at 3600× (8 attempts)", outcome: "answered 200 on attempt 4 of 8; the provider stops here" },
      ),
      run(1, [attempt(1, { response: response(401, "Unauthorized", { bodyText: "bad signature" }) })], { kind: "forward", pattern: "forwarded", outcome: "answered 401" }),
    ]);
    render(<Deliveries eventId={5} />);
    const runs = await screen.findAllByTestId("delivery-run");
    expect(runs).toHaveLength(2);
    const [schedule, forward] = runs as [HTMLElement, HTMLElement];
    expect(schedule).toHaveTextContent("resend");
    expect(schedule).toHaveTextContent("checkout retry schedule at 3600× (8 attempts)");
    expect(schedule).toHaveTextContent("→ http://localhost:3000/webhooks");
    expect(within(schedule).getByTestId("delivery-outcome")).toHaveTextContent("answered 200 on attempt 4 of 8");
    const chips = within(schedule).getAllByTestId("status-chip");
    expect(chips.map((c) => [c.textContent, c.className])).toEqual([
      ["error", "status-chip tone-bad"],
      ["302 Found", "status-chip tone-redirect"],
      ["500 Internal Server Error", "status-chip tone-bad"],
      ["200 OK", "status-chip tone-ok"],
    ]);
    expect(within(schedule).getByTestId("delivery-error")).toHaveTextContent("connection refused by 127.0.0.1:3000: nothing is listening there");
    expect(within(schedule).getByTestId("delivery-redirect")).toHaveTextContent("Redirect to https://elsewhere.test/login — not followed.");
    expect(schedule).toHaveTextContent('re-signed (github) with the secret "production"');
    expect(forward).toHaveTextContent("forward");
    expect(within(forward).getByTestId("status-chip")).toHaveTextContent("401 Unauthorized");
    expect(screen.getByTestId("deliveries")).toHaveTextContent("(2 sends, 5 requests)");
  });

  it("expands an attempt: the request as sent and the response, text only", async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    ipc.listRuns.mockResolvedValue([
      run(1, [attempt(1, { response: response(200, "OK", { bodyText: hostile, bodyTruncated: true, headers: [{ name: "x-evil", value: "<b>bold</b>", binary: false, masked: false }] }) })]),
    ]);
    const { container } = render(<Deliveries eventId={5} />);
    const toggle = await screen.findByTestId("delivery-attempt-toggle");
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    expect(screen.queryByTestId("delivery-response-body")).not.toBeInTheDocument();
    await userEvent.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    const item = screen.getByTestId("delivery-attempt");
    expect(item).toHaveTextContent("Request as sent");
    expect(item).toHaveTextContent("POST http://localhost:3000/webhooks");
    expect(item).toHaveTextContent("X-Hub-Signature-256");
    expect(screen.getByTestId("delivery-request-body")).toHaveTextContent('{"action":"closed"}');
    expect(screen.getByTestId("delivery-response-body").textContent).toBe(hostile);
    expect(screen.getByTestId("delivery-truncated")).toHaveTextContent("Truncated at 1 MiB");
    expect(item).toHaveTextContent("<b>bold</b>");
    // Shown, never rendered.
    expect(container.querySelector("img, script, b")).toBeNull();
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it("notes a binary response body instead of showing it", async () => {
    ipc.listRuns.mockResolvedValue([run(1, [attempt(1, { response: response(200, "OK", { bodyText: null, bodyBase64: "AAECAw==" }) })])]);
    render(<Deliveries eventId={5} />);
    await userEvent.click(await screen.findByTestId("delivery-attempt-toggle"));
    expect(screen.getByTestId("delivery-response-body")).toHaveTextContent("Binary body, 4 B (4 bytes)");
  });

  it("reloads when a send from this event finishes, and for another event", async () => {
    ipc.listRuns.mockResolvedValue([]);
    const { rerender } = render(<Deliveries eventId={5} />);
    await screen.findByTestId("deliveries-empty");
    ipc.listRuns.mockResolvedValue([run(1, [attempt(1)])]);
    act(() => notifyRunsChanged(6)); // another event's send: no reload
    expect(ipc.listRuns).toHaveBeenCalledTimes(1);
    act(() => notifyRunsChanged(5));
    expect(await screen.findByTestId("delivery-run")).toHaveTextContent("answered 200");
    expect(ipc.listRuns).toHaveBeenCalledTimes(2);

    ipc.listRuns.mockResolvedValue([]);
    rerender(<Deliveries eventId={9} />);
    await waitFor(() => expect(ipc.listRuns).toHaveBeenLastCalledWith(9));
    expect(await screen.findByTestId("deliveries-empty")).toBeInTheDocument();
  });

  it("drops a late reply for the event shown before", async () => {
    let late: (runs: DeliveryRun[]) => void = () => {};
    ipc.listRuns.mockImplementationOnce(() => new Promise((res) => (late = res)));
    ipc.listRuns.mockResolvedValueOnce([]);
    const { rerender } = render(<Deliveries eventId={5} />);
    rerender(<Deliveries eventId={9} />);
    expect(await screen.findByTestId("deliveries-empty")).toBeInTheDocument();
    await act(async () => late([run(1, [attempt(1)])]));
    expect(screen.getByTestId("deliveries-empty")).toBeInTheDocument();
    expect(screen.queryByTestId("delivery-run")).not.toBeInTheDocument();
  });

  it("says when the list cannot be loaded", async () => {
    const { IpcError } = await import("../../ipc");
    ipc.listRuns.mockRejectedValue(new IpcError({ kind: "store", message: "database is locked" }));
    render(<Deliveries eventId={5} />);
    expect(await screen.findByTestId("deliveries-error")).toHaveTextContent("database is locked");
  });
});
