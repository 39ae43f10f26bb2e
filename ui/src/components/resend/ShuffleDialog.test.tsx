import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { DeliveryRun, RunningSend, SendProgress, Signing, SigningInfo } from "../../ipc";
import { deliveryRule } from "../../test-fixtures";

const ipc = vi.hoisted(() => ({
  resendShuffled: vi.fn<
    (ids: number[], url: string, signing: Signing, onProgress: (p: SendProgress) => void) => RunningSend<DeliveryRun[]>
  >(),
  recentTargets: vi.fn<() => Promise<string[]>>(),
  signingInfo: vi.fn<(eventId: number | null, endpointId: number | null) => Promise<SigningInfo>>(),
}));

vi.mock("../../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { ShuffleDialog } from "./ShuffleDialog";

const github: SigningInfo = {
  endpointId: 1,
  scheme: { kind: "github" },
  assumed: false,
  headers: ["X-Hub-Signature-256", "X-Hub-Signature"],
  signsTimestamp: false,
  secretLabels: ["production"],
  defaultMode: "resign",
  problem: null,
  delivery: deliveryRule(),
};
const NO_SECRET = 'endpoint "Orders" has no secret to sign with; add one, or keep the headers as they are';

beforeEach(() => {
  for (const fn of Object.values(ipc)) fn.mockReset();
  ipc.recentTargets.mockResolvedValue(["http://localhost:3000/hooks"]);
  ipc.resendShuffled.mockReturnValue({ done: new Promise<DeliveryRun[]>(() => {}), cancel: vi.fn() });
});

const open = (ids: number[]) => render(<ShuffleDialog eventIds={ids} describe={(id) => `#${id}`} onClose={vi.fn()} />);

describe("ShuffleDialog signing", () => {
  it("asks the core nothing while the events go as captured", async () => {
    open([1, 2]);
    await waitFor(() => expect(screen.getByTestId("shuffle-url")).toHaveValue("http://localhost:3000/hooks"));
    expect(screen.getByTestId("shuffle-sign-keep")).toBeChecked();
    expect(ipc.signingInfo).not.toHaveBeenCalled();
    expect(screen.queryByTestId("shuffle-sign-problem")).not.toBeInTheDocument();
  });

  it("asks the core how each event's own endpoint signs, and says which cannot, in its words", async () => {
    ipc.signingInfo.mockImplementation(async (eventId) => {
      if (eventId === 3) throw new Error("there is no event 3");
      return eventId === 1 ? github : { ...github, secretLabels: [], defaultMode: "keep", problem: NO_SECRET };
    });
    open([1, 2, 3]);
    await userEvent.click(screen.getByTestId("shuffle-sign-resign"));
    const problems = await screen.findByTestId("shuffle-sign-problem");
    expect(ipc.signingInfo.mock.calls).toEqual([
      [1, null],
      [2, null],
      [3, null],
    ]);
    expect(problems).toHaveTextContent(`1 of 3 events: ${NO_SECRET}`);
    expect(problems).toHaveTextContent("1 of 3 events: could not be checked: there is no event 3");
    // A stale timestamp also needs a scheme that signs one: GitHub's does not.
    await userEvent.click(screen.getByTestId("shuffle-sign-stale"));
    expect(screen.getByTestId("shuffle-sign-problem")).toHaveTextContent("1 of 3 events: its scheme signs no timestamp");
    // Asked once; the send is still the core's to refuse.
    expect(ipc.signingInfo).toHaveBeenCalledTimes(3);
    await userEvent.click(screen.getByTestId("shuffle-send"));
    expect(ipc.resendShuffled.mock.calls[0]?.[2]).toEqual({ mode: "stale", endpointId: null, secretLabel: null });
  });

  it("shows no warning when every event can be signed", async () => {
    ipc.signingInfo.mockResolvedValue({ ...github, signsTimestamp: true });
    open([1, 2]);
    await userEvent.click(screen.getByTestId("shuffle-sign-stale"));
    await waitFor(() => expect(screen.queryByTestId("shuffle-sign-loading")).not.toBeInTheDocument());
    expect(screen.queryByTestId("shuffle-sign-problem")).not.toBeInTheDocument();
  });
});
