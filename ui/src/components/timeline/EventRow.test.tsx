import { render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { EventSummary } from "../../ipc";
import { ev } from "../../test-fixtures";
import { EventRow } from "./EventRow";

function row(event: EventSummary) {
  return render(
    <EventRow
      event={event}
      provider={null}
      top={0}
      selected={false}
      cursor={false}
      opened={false}
      today={0}
      onClick={vi.fn()}
    />,
  );
}

describe("EventRow", () => {
  it("marks an event that came through the tunnel with a chip before its path", () => {
    row(ev(3, { tunneled: true, path: "/twilio/sms" }));
    const chip = screen.getByTestId("tunnel-chip");
    expect(chip).toHaveTextContent(/^tunnel$/);
    expect(chip).toHaveAttribute("title", expect.stringContaining("tunnel"));
    expect(chip.closest(".col-path")).toHaveTextContent(/^tunnel\/twilio\/sms$/);
    expect(screen.queryByTestId("imported-chip")).toBeNull();
  });

  it("has no tunnel chip for an event sent to the local address, nor for an import", () => {
    const { unmount } = row(ev(4));
    expect(screen.queryByTestId("tunnel-chip")).toBeNull();
    unmount();
    row(ev(5, { imported: true }));
    expect(screen.getByTestId("imported-chip")).toBeInTheDocument();
    expect(screen.queryByTestId("tunnel-chip")).toBeNull();
  });
});
