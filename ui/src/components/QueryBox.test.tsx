import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useRef, useState } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { QueryField } from "../ipc";
import { QueryBox, SEARCH_DEBOUNCE_MS } from "./QueryBox";

const fields: QueryField[] = [
  { name: "type", description: "Event type, e.g. order.created", example: "type:order.created", values: ["order.created", "order.updated"] },
  { name: "provider", description: "The provider preset", example: "provider:kustom", values: ["kustom"] },
  { name: "header.", description: "A header's value", example: "header.x-request-id:abc", values: [] },
];

function Box({ onCommit, error = null }: { onCommit: (q: string) => void; error?: string | null }) {
  const [value, setValue] = useState("");
  const ref = useRef<HTMLInputElement>(null);
  return <QueryBox value={value} onChange={setValue} onCommit={onCommit} error={error} fields={fields} inputRef={ref} />;
}

const input = () => screen.getByTestId("search-input") as HTMLInputElement;
const options = () => screen.queryAllByTestId("completion-option").map((o) => o.textContent);

describe("QueryBox", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    // Testing Library drains its async work with a timer and advances it
    // itself only when it sees Jest's fake timers: let it see Vitest's.
    vi.stubGlobal("jest", { advanceTimersByTime: (ms: number) => vi.advanceTimersByTime(ms) });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });
  const setup = () => userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) });

  it("runs the query once typing pauses", async () => {
    const user = setup();
    const onCommit = vi.fn();
    render(<Box onCommit={onCommit} />);
    await user.type(input(), "zebra");
    expect(onCommit).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS - 1));
    expect(onCommit).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(1));
    expect(onCommit).toHaveBeenCalledTimes(1);
    expect(onCommit).toHaveBeenCalledWith("zebra");
  });

  it("runs the query at once on Enter, and not again after the pause", async () => {
    const user = setup();
    const onCommit = vi.fn();
    render(<Box onCommit={onCommit} />);
    await user.type(input(), "zebra{Enter}");
    expect(onCommit).toHaveBeenCalledWith("zebra");
    act(() => vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS * 2));
    expect(onCommit).toHaveBeenCalledTimes(1);
  });

  it("shows the core's parse error under the box", () => {
    render(<Box onCommit={vi.fn()} error="unknown field `typo` at column 7" />);
    const error = screen.getByRole("alert");
    expect(error).toHaveAttribute("data-testid", "search-error");
    expect(error).toHaveTextContent("unknown field `typo` at column 7");
    expect(input()).toHaveAttribute("aria-invalid", "true");
  });

  it("suggests fields with their descriptions, then the chosen field's values", async () => {
    const user = setup();
    render(<Box onCommit={vi.fn()} />);
    await user.type(input(), "t");
    const list = screen.getByRole("listbox", { name: "Suggestions" });
    expect(within(list).getByText("type:")).toBeInTheDocument();
    expect(within(list).getByText("Event type, e.g. order.created")).toBeInTheDocument();
    await user.keyboard("{ArrowDown}{Enter}");
    expect(input().value).toBe("type:");
    expect(options()).toEqual(["order.created", "order.updated"]);
    await user.type(input(), "order.u");
    expect(options()).toEqual(["order.updated"]);
    await user.keyboard("{Tab}");
    expect(input().value).toBe("type:order.updated ");
    expect(options()).toEqual([]);
  });

  it("moves through the suggestions with the arrow keys", async () => {
    const user = setup();
    render(<Box onCommit={vi.fn()} />);
    await user.type(input(), "-type:");
    await user.keyboard("{ArrowDown}{ArrowDown}");
    const active = screen.getAllByTestId("completion-option").find((o) => o.getAttribute("aria-selected") === "true");
    expect(active).toHaveTextContent("order.updated");
    expect(input()).toHaveAttribute("aria-activedescendant", active?.id);
    await user.keyboard("{ArrowUp}{Enter}");
    expect(input().value).toBe("-type:order.created ");
  });

  it("completes header. to its prefix only", async () => {
    const user = setup();
    render(<Box onCommit={vi.fn()} />);
    await user.type(input(), "hea");
    await user.keyboard("{Tab}");
    expect(input().value).toBe("header.");
    await user.type(input(), "x-sig");
    expect(options()).toEqual([]);
  });

  it("Esc closes the suggestions, then clears the search, then leaves the box", async () => {
    const user = setup();
    const onCommit = vi.fn();
    render(<Box onCommit={onCommit} />);
    await user.type(input(), "ty");
    expect(options()).toHaveLength(1);
    await user.keyboard("{Escape}");
    expect(options()).toHaveLength(0);
    expect(input().value).toBe("ty");
    await user.keyboard("{Escape}");
    expect(input().value).toBe("");
    expect(onCommit).toHaveBeenLastCalledWith("");
    // What was typed before does not run after the clear.
    act(() => vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS * 2));
    expect(onCommit).toHaveBeenCalledTimes(1);
    expect(input()).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(input()).not.toHaveFocus();
  });

  it("explains the language from the core's fields, and adds an example to the search", async () => {
    const user = setup();
    const onCommit = vi.fn();
    render(<Box onCommit={onCommit} />);
    await user.click(screen.getByTestId("query-help"));
    const help = screen.getByTestId("query-help-popover");
    expect(help).toHaveTextContent("The provider preset");
    await user.click(within(help).getByRole("button", { name: "provider:kustom" }));
    expect(input().value).toBe("provider:kustom");
    expect(onCommit).toHaveBeenCalledWith("provider:kustom");
  });
});
