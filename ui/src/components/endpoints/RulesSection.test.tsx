import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AnswerRecord, ResponseRule } from "../../ipc";

const ipc = vi.hoisted(() => ({
  previewRules: vi.fn<(eventId: number | null, rules: ResponseRule[]) => Promise<AnswerRecord | null>>(),
  resetRuleCounts: vi.fn<(id: number) => Promise<void>>(),
}));

vi.mock("../../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { IpcError } from "../../ipc";
import { RulesSection } from "./RulesSection";
import { answersText, moved, ruleFrom, draftFrom } from "./rules";

const rule = (name: string, condition = "", statuses = [200]): ResponseRule => ({
  name,
  enabled: true,
  condition,
  answers: statuses.map((status) => ({ status, headers: [], body: "", delayMs: 0, close: false })),
  sequence: "event-id",
  chance: null,
});

/** The section with its rules held as the editor holds them. */
function Harness({ initial, onChange }: { initial: ResponseRule[]; onChange: (rules: ResponseRule[]) => void }) {
  const [rules, setRules] = useState(initial);
  return (
    <RulesSection
      rules={rules}
      onChange={(next) => {
        setRules(next);
        onChange(next);
      }}
      endpointId={2}
      testEvent={{ id: 12, label: "event #12 (refund.created)" }}
    />
  );
}

beforeEach(() => {
  ipc.previewRules.mockReset();
  ipc.resetRuleCounts.mockReset();
});

describe("response rules", () => {
  it("adds a sequence rule checked by the core, and lists it", async () => {
    ipc.previewRules.mockResolvedValue(null);
    const onChange = vi.fn();
    render(<Harness initial={[]} onChange={onChange} />);
    await userEvent.click(screen.getByTestId("rule-add"));
    await userEvent.type(screen.getByTestId("rule-name-input"), "flaky");
    await userEvent.type(screen.getByTestId("rule-condition"), "type:refund.*");
    await userEvent.clear(screen.getByTestId("rule-statuses"));
    await userEvent.type(screen.getByTestId("rule-statuses"), "503, 503, 200");
    await userEvent.click(screen.getByTestId("rule-done"));
    await waitFor(() => expect(onChange).toHaveBeenCalled());
    const added = onChange.mock.calls[0]?.[0] as ResponseRule[];
    expect(added).toEqual([rule("flaky", "type:refund.*", [503, 503, 200])]);
    // Checked alone, without an event: only what saving would refuse.
    expect(ipc.previewRules).toHaveBeenCalledWith(null, [added[0]]);
    expect(screen.getByTestId("rule-answers").textContent).toBe("503, 503, then 200 (per event)");
  });

  it("shows the core's condition error in the rule and keeps it open", async () => {
    ipc.previewRules.mockRejectedValue(
      new IpcError({ kind: "invalid", message: 'rule "bad": condition: unknown field stauts:; did you mean status:? (at character 15 of "type:a stauts:x")' }),
    );
    const onChange = vi.fn();
    render(<Harness initial={[]} onChange={onChange} />);
    await userEvent.click(screen.getByTestId("rule-add"));
    await userEvent.type(screen.getByTestId("rule-name-input"), "bad");
    await userEvent.type(screen.getByTestId("rule-condition"), "type:a stauts:x");
    await userEvent.click(screen.getByTestId("rule-done"));
    expect((await screen.findByTestId("rule-error")).textContent).toContain("did you mean status:?");
    expect(screen.getByTestId("rule-condition").getAttribute("aria-invalid")).toBe("true");
    expect(onChange).not.toHaveBeenCalled();
    expect(screen.getByTestId("rule-editor")).toBeTruthy();
  });

  it("refuses a duplicate name and statuses that are not HTTP statuses before asking the core", async () => {
    render(<Harness initial={[rule("flaky")]} onChange={vi.fn()} />);
    await userEvent.click(screen.getByTestId("rule-add"));
    await userEvent.type(screen.getByTestId("rule-name-input"), "FLAKY");
    await userEvent.clear(screen.getByTestId("rule-statuses"));
    await userEvent.type(screen.getByTestId("rule-statuses"), "503, x");
    await userEvent.click(screen.getByTestId("rule-done"));
    expect(screen.getByTestId("rule-name-error").textContent).toContain("Another rule has this name");
    expect(screen.getByTestId("rule-statuses-error").textContent).toContain("100 to 999");
    expect(ipc.previewRules).not.toHaveBeenCalled();
  });

  it("moves a rule with Alt+arrow keys and with its buttons", async () => {
    const onChange = vi.fn();
    render(<Harness initial={[rule("a"), rule("b"), rule("c")]} onChange={onChange} />);
    const rows = screen.getAllByTestId("rule-row");
    fireEvent.keyDown(rows[0]!, { key: "ArrowDown", altKey: true });
    expect((onChange.mock.calls[0]?.[0] as ResponseRule[]).map((r) => r.name)).toEqual(["b", "a", "c"]);
    await userEvent.click(screen.getByRole("button", { name: "Move c up" }));
    expect((onChange.mock.calls[1]?.[0] as ResponseRule[]).map((r) => r.name)).toEqual(["b", "c", "a"]);
    expect(screen.getAllByTestId("rule-name").map((n) => n.textContent)).toEqual(["b", "c", "a"]);
  });

  it("tries the rules on the open event and says what would answer", async () => {
    ipc.previewRules.mockResolvedValue({
      rule: "flaky",
      status: 503,
      headers: [],
      body: "<b>not html</b>",
      delayMs: 0,
      closed: false,
      why: "answer 1 of 3, arrival 1 of event rf_1",
      templateError: null,
    });
    render(<Harness initial={[rule("flaky", "type:refund.*", [503, 503, 200])]} onChange={vi.fn()} />);
    await userEvent.click(screen.getByTestId("rule-test"));
    const tested = await screen.findByTestId("rule-tested");
    expect(tested.textContent).toContain("Rule “flaky” would answer 503 to event #12 (refund.created)");
    // A body is text, never markup.
    expect(tested.querySelector("b")).toBeNull();
    expect(tested.textContent).toContain("<b>not html</b>");
    expect(ipc.previewRules).toHaveBeenCalledWith(12, [rule("flaky", "type:refund.*", [503, 503, 200])]);
  });

  it("resets the endpoint's counts", async () => {
    ipc.resetRuleCounts.mockResolvedValue();
    render(<Harness initial={[rule("flaky")]} onChange={vi.fn()} />);
    await userEvent.click(screen.getByTestId("rule-reset"));
    expect(ipc.resetRuleCounts).toHaveBeenCalledWith(2);
    expect((await screen.findByTestId("rule-notice")).textContent).toContain("starts over");
  });
});

describe("rule drafts", () => {
  it("round-trip a rule, closing needs no status, and a chance keeps its seed", () => {
    const r: ResponseRule = { ...rule("chaos", "", [500]), chance: { percent: 20, seed: 42 } };
    expect(ruleFrom(draftFrom(r), [])).toEqual({ rule: r });
    const close = { ...draftFrom(null), name: "hang-up", close: true, statuses: "" };
    const built = ruleFrom(close, []);
    expect("rule" in built && built.rule.answers).toEqual([{ status: 200, headers: [], body: "", delayMs: 0, close: true }]);
    expect(answersText({ ...rule("x"), answers: [{ status: 200, headers: [], body: "", delayMs: 2000, close: true }] })).toBe(
      "closes the connection after 2,000 ms",
    );
    expect(moved(["a", "b", "c"], 2, 0)).toEqual(["c", "a", "b"]);
  });
});
