import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Delivery, DeliveryRun, RunningSend, SendProgress, Signing } from "../../ipc";
import { deliveryRule } from "../../test-fixtures";

const ipc = vi.hoisted(() => ({
  resendShuffled: vi.fn<
    (ids: number[], url: string, signing: Signing, onProgress: (p: SendProgress) => void) => RunningSend<DeliveryRun[]>
  >(),
  recentTargets: vi.fn<() => Promise<string[]>>(),
}));

vi.mock("../../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { SelectionBar } from "./SelectionBar";

function delivery(eventId: number, status: number, reason: string): Delivery {
  return {
    id: eventId,
    runId: eventId,
    eventId,
    kind: "resend",
    attempt: 1,
    sentAtMs: 1,
    method: "POST",
    url: "http://localhost:3000/hooks",
    headers: [],
    bodyText: null,
    bodyBase64: null,
    signing: "headers sent as given (not re-signed)",
    response: { status, reason, headers: [], bodyText: null, bodyBase64: null, bodyTruncated: false, redirectTo: null },
    error: null,
    delivered: status >= 200 && status < 300,
    failure: status >= 200 && status < 300 ? null : `no provider rule: any 2xx counts as delivered; the handler answered ${status}`,
    durationMs: 3,
  };
}

const runOf = (d: Delivery): DeliveryRun => ({
  id: d.runId,
  eventId: d.eventId,
  kind: "resend",
  target: d.url,
  pattern: "1 of 3 in shuffled order",
  rule: null,
  startedAtMs: 1,
  finishedAtMs: 2,
  outcome: `answered ${d.response?.status ?? ""}`,
  attempts: [d],
});

const props = (ids: number[]) => ({
  count: ids.length,
  ids,
  describe: (id: number) => `POST /orders/${id} (#${id})`,
  onPin: vi.fn(),
  onUnpin: vi.fn(),
  onClear: vi.fn(),
});

let progress: (p: SendProgress) => void = () => {};
let resolve: (runs: DeliveryRun[]) => void = () => {};
const cancel = vi.fn<() => Promise<void>>();

beforeEach(() => {
  ipc.recentTargets.mockReset().mockResolvedValue(["http://localhost:3000/hooks"]);
  cancel.mockReset().mockResolvedValue();
  ipc.resendShuffled.mockReset().mockImplementation((_ids, _url, _signing, onProgress) => {
    progress = onProgress;
    return { done: new Promise<DeliveryRun[]>((res) => (resolve = res)), cancel };
  });
});

describe("SelectionBar: out of order", () => {
  it("offers it only for two or more events", () => {
    const { rerender } = render(<SelectionBar {...props([1])} />);
    expect(screen.queryByTestId("selection-shuffle")).not.toBeInTheDocument();
    rerender(<SelectionBar {...props([1, 2])} />);
    expect(screen.getByTestId("selection-shuffle")).toHaveTextContent("Send out of order…");
  });

  it("sends the selection in shuffled order and lists the order with each status", async () => {
    render(<SelectionBar {...props([1, 2, 3])} />);
    await userEvent.click(screen.getByTestId("selection-shuffle"));
    const dialog = await screen.findByTestId("shuffle-dialog");
    // The dialog covers the window: it is not inside the (transformed) bar.
    expect(screen.getByTestId("selection-bar").contains(dialog)).toBe(false);
    const url = within(dialog).getByTestId("shuffle-url") as HTMLInputElement;
    await vi.waitFor(() => expect(url.value).toBe("http://localhost:3000/hooks"));
    await userEvent.click(within(dialog).getByTestId("shuffle-sign-resign"));
    await userEvent.click(within(dialog).getByTestId("shuffle-send"));
    expect(ipc.resendShuffled).toHaveBeenCalledWith(
      [1, 2, 3],
      "http://localhost:3000/hooks",
      { mode: "resign", endpointId: null, secretLabel: null },
      expect.any(Function),
    );
    const order = [delivery(3, 200, "OK"), delivery(1, 409, "Conflict"), delivery(2, 200, "OK")];
    for (const d of order) {
      act(() => progress({ kind: "started", runId: d.runId, planned: 1, rule: deliveryRule() }));
      act(() => progress({ kind: "attempt", delivery: d }));
      act(() => progress({ kind: "finished", run: runOf(d) }));
    }
    const lines = within(dialog).getAllByTestId("resend-attempt");
    expect(lines.map((l) => l.textContent)).toEqual([
      expect.stringMatching(/^1\. POST \/orders\/3 \(#3\)200 OK/),
      expect.stringMatching(/^2\. POST \/orders\/1 \(#1\)409 Conflict/),
      expect.stringMatching(/^3\. POST \/orders\/2 \(#2\)200 OK/),
    ]);
    await act(async () => resolve(order.map(runOf)));
    expect(within(dialog).getByTestId("resend-outcome")).toHaveTextContent("Sent 3 events in shuffled order; 2 of 3 delivered.");
  });

  it("can be cancelled, and checks the URL first", async () => {
    ipc.recentTargets.mockResolvedValue([]);
    render(<SelectionBar {...props([1, 2])} />);
    await userEvent.click(screen.getByTestId("selection-shuffle"));
    await userEvent.click(await screen.findByTestId("shuffle-send"));
    expect(screen.getByTestId("shuffle-url-error")).toHaveTextContent("Enter the URL");
    expect(ipc.resendShuffled).not.toHaveBeenCalled();
    await userEvent.type(screen.getByTestId("shuffle-url"), "http://localhost:3000/hooks");
    await userEvent.click(screen.getByTestId("shuffle-send"));
    expect(ipc.resendShuffled.mock.calls[0]?.[2]).toEqual({ mode: "keep", endpointId: null, secretLabel: null });
    await userEvent.click(screen.getByTestId("shuffle-cancel"));
    expect(cancel).toHaveBeenCalledTimes(1);
    await act(async () => resolve([]));
    expect(screen.getByTestId("resend-outcome")).toHaveTextContent("Stopped after 0 of 2 events");
    await userEvent.click(screen.getByTestId("shuffle-close"));
    expect(screen.queryByTestId("shuffle-dialog")).not.toBeInTheDocument();
  });
});
