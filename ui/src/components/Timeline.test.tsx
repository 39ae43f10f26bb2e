import { render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { EventSummary } from "../ipc";
import { ev, verdict } from "../test-fixtures";
import { Timeline } from "./Timeline";

function renderRows(events: EventSummary[]) {
  render(
    <Timeline
      state={{ status: "ready", events, filter: null }}
      count={events.length}
      title="All events"
      listener={null}
      selectedId={null}
      onSelect={vi.fn()}
      onListenOn={vi.fn()}
    />,
  );
  return screen.getAllByTestId("event-row");
}

describe("Timeline verdicts", () => {
  it("shows each row's verdict beside its redelivery count", () => {
    const rows = renderRows([
      ev(3, {
        provider: "kustom",
        eventType: "order.created",
        providerEventId: "kevt_1",
        delivery: 2,
        verdict: verdict("invalid", { scheme: "standard-webhooks", assumed: true }),
      }),
      ev(2, { provider: "github", verdict: verdict("valid", { scheme: "github", secret: "production" }) }),
      ev(1, { verdict: null }),
    ]);
    const first = within(rows[0]!);
    expect(first.getByTestId("redelivery")).toHaveTextContent("×2");
    const badge = first.getByTestId("verdict-badge");
    expect(badge).toHaveAttribute("data-status", "invalid");
    expect(badge).toHaveTextContent("invalid*");
    expect(badge.title).toContain("Kustom does not publish how it signs");
    expect(within(rows[1]!).getByTestId("verdict-badge")).toHaveTextContent(/^valid$/);
    expect(within(rows[2]!).getByTestId("verdict-badge")).toHaveTextContent("not verified");
  });

  it("marks an unsigned request as unsigned", () => {
    const [row] = renderRows([ev(1)]);
    const badge = within(row!).getByTestId("verdict-badge");
    expect(badge).toHaveAttribute("data-status", "unsigned");
    expect(badge).toHaveTextContent("unsigned");
  });
});
