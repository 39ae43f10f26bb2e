import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { endpoint } from "../../test-fixtures";
import { ReverifyBar } from "./ReverifyBar";
import type { Reverify, ReverifyJob } from "./useReverify";

const endpoints = [endpoint(1, "Default", "/"), endpoint(2, "Kustom", "/kustom")];

function bar(job: ReverifyJob) {
  const reverify: Reverify = { job, start: vi.fn(), cancel: vi.fn(), dismiss: vi.fn() };
  const utils = render(<ReverifyBar reverify={reverify} endpoints={endpoints} />);
  return { ...utils, reverify };
}

describe("ReverifyBar", () => {
  it("renders nothing when idle", () => {
    const { container } = bar({ status: "idle" });
    expect(container).toBeEmptyDOMElement();
  });

  it("shows progress with the endpoint's name and cancels", async () => {
    const { reverify } = bar({ status: "running", endpointId: 2, done: 12_345, total: 40_000, cancelling: false });
    expect(screen.getByTestId("reverify-bar")).toHaveTextContent("Re-verifying Kustom: 12,345 of 40,000");
    const progress = screen.getByTestId("reverify-progress");
    expect(progress).toHaveAttribute("role", "progressbar");
    expect(progress).toHaveAttribute("aria-valuenow", "12345");
    expect(progress).toHaveAttribute("aria-valuemax", "40000");
    expect(screen.getByRole("progressbar")).toBe(progress);
    await userEvent.click(screen.getByTestId("reverify-cancel"));
    expect(reverify.cancel).toHaveBeenCalledTimes(1);
  });

  it("says it is cancelling and does not offer Cancel twice", () => {
    bar({ status: "running", endpointId: 2, done: 10, total: 40, cancelling: true });
    const cancel = screen.getByTestId("reverify-cancel");
    expect(cancel).toHaveTextContent("Cancelling…");
    expect(cancel).toBeDisabled();
  });

  it("names all endpoints, and waits for the first count", () => {
    bar({ status: "running", endpointId: null, done: 0, total: 0, cancelling: false });
    expect(screen.getByTestId("reverify-text")).toHaveTextContent(/^Re-verifying all endpoints…$/);
  });

  it("reports how many verdicts changed, and can be dismissed", async () => {
    const { reverify } = bar({
      status: "finished",
      endpointId: 2,
      total: 40_000,
      outcome: { total: 40_000, checked: 40_000, changed: 1203, cancelled: false },
    });
    expect(screen.getByTestId("reverify-bar")).toHaveTextContent(
      "Re-verified 40,000 events on Kustom: 1,203 verdicts changed",
    );
    expect(screen.queryByTestId("reverify-progress")).toBeNull();
    await userEvent.click(screen.getByTestId("reverify-dismiss"));
    expect(reverify.dismiss).toHaveBeenCalledTimes(1);
  });

  it("says so when nothing changed, in the singular too", () => {
    const { rerender, reverify } = bar({
      status: "finished",
      endpointId: 2,
      total: 1,
      outcome: { total: 1, checked: 1, changed: 0, cancelled: false },
    });
    expect(screen.getByTestId("reverify-text")).toHaveTextContent("Re-verified 1 event on Kustom: no verdicts changed");
    rerender(
      <ReverifyBar
        reverify={{ ...reverify, job: { status: "finished", endpointId: 2, total: 5, outcome: { total: 5, checked: 5, changed: 1, cancelled: false } } }}
        endpoints={endpoints}
      />,
    );
    expect(screen.getByTestId("reverify-text")).toHaveTextContent("Re-verified 5 events on Kustom: 1 verdict changed");
  });

  it("says what a cancelled run kept", () => {
    bar({ status: "finished", endpointId: 2, total: 40_000, outcome: { total: 40_000, checked: 12_345, changed: 7, cancelled: true } });
    expect(screen.getByTestId("reverify-text")).toHaveTextContent(
      "Cancelled after 12,345 of 40,000; those keep their new verdicts",
    );
  });

  it("says why it failed", () => {
    bar({ status: "failed", endpointId: 9, error: "a re-verification is already running" });
    expect(screen.getByRole("alert")).toHaveTextContent("Could not re-verify endpoint #9: a re-verification is already running");
    expect(screen.getByTestId("reverify-dismiss")).toBeInTheDocument();
  });
});
