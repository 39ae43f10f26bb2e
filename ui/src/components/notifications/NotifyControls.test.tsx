import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { IpcError, type NotifySettings, type NotifyState, type NotifyStatus } from "../../ipc";

const ipc = vi.hoisted(() => ({
  notifyState: vi.fn<() => Promise<NotifyState>>(),
  setNotifySettings: vi.fn<(s: NotifySettings) => Promise<NotifyState>>(),
}));

vi.mock("../../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { bellState, NOTIFY_QUERY_DEBOUNCE_MS, NotifyControls, STATUS_POLL_MS } from "./NotifyControls";

const dunst: NotifyStatus = { state: "available", server: "dunst" };

function state(settings: Partial<NotifySettings> = {}, status: NotifyStatus = dunst): NotifyState {
  return { settings: { rule: "all", query: "", paused: false, ...settings }, status };
}

/** The core as the commands see it: stores what parses. */
let stored: NotifyState;

beforeEach(() => {
  stored = state();
  ipc.notifyState.mockReset();
  ipc.notifyState.mockImplementation(() => Promise.resolve(stored));
  ipc.setNotifySettings.mockReset();
  ipc.setNotifySettings.mockImplementation((settings) => {
    if (settings.rule === "query" && settings.query.includes("typo:")) {
      return Promise.reject(new IpcError({ kind: "query", message: 'unknown field "typo" at 1' }));
    }
    stored = { ...stored, settings };
    return Promise.resolve(stored);
  });
});

afterEach(() => {
  vi.useRealTimers();
});

async function renderLoaded() {
  render(<NotifyControls />);
  const bell = screen.getByTestId("notify-pause");
  await waitFor(() => expect(bell).toBeEnabled());
  return bell;
}

async function openSettings() {
  await userEvent.click(screen.getByTestId("notify-settings-open"));
  return screen.getByTestId("notify-settings");
}

describe("bellState", () => {
  it("puts the pause first, then a missing service, then the rule", () => {
    expect(bellState(null)).toBe("unknown");
    expect(bellState(state())).toBe("on");
    expect(bellState(state({ rule: "none" }))).toBe("off");
    expect(bellState(state({ paused: true }, { state: "unavailable", reason: "x" }))).toBe("paused");
    expect(bellState(state({ rule: "none" }, { state: "unavailable", reason: "x" }))).toBe("unavailable");
  });
});

describe("NotifyControls", () => {
  it("toggles the pause from the bell and saves it at once", async () => {
    const bell = await renderLoaded();
    expect(bell).toHaveAttribute("aria-pressed", "false");
    expect(bell).toHaveAttribute("data-state", "on");
    expect(bell).toHaveAttribute("title", expect.stringContaining("every new event"));

    await userEvent.click(bell);
    expect(ipc.setNotifySettings).toHaveBeenLastCalledWith({ rule: "all", query: "", paused: true });
    expect(bell).toHaveAttribute("aria-pressed", "true");
    expect(bell).toHaveTextContent("Paused");
    expect(bell).toHaveAttribute("title", expect.stringContaining("Click to resume"));

    await userEvent.click(bell);
    expect(ipc.setNotifySettings).toHaveBeenLastCalledWith({ rule: "all", query: "", paused: false });
    await waitFor(() => expect(bell).toHaveAttribute("aria-pressed", "false"));
  });

  it("goes back to what the core holds when the pause cannot be saved", async () => {
    const bell = await renderLoaded();
    ipc.setNotifySettings.mockRejectedValueOnce(new IpcError({ kind: "internal", message: "disk full" }));
    await userEvent.click(bell);
    await waitFor(() => expect(bell).toHaveAttribute("aria-pressed", "false"));
    await openSettings();
    expect(screen.getByTestId("notify-error")).toHaveTextContent("disk full");
  });

  it("saves a rule as soon as it is chosen", async () => {
    await renderLoaded();
    await openSettings();
    expect(screen.getByTestId("notify-rule-all")).toBeChecked();
    expect(screen.getByTestId("notify-query")).toBeDisabled();

    await userEvent.click(screen.getByTestId("notify-rule-invalid"));
    expect(ipc.setNotifySettings).toHaveBeenLastCalledWith({ rule: "invalid", query: "", paused: false });
    await userEvent.click(screen.getByTestId("notify-rule-none"));
    expect(ipc.setNotifySettings).toHaveBeenLastCalledWith({ rule: "none", query: "", paused: false });
    await waitFor(() => expect(screen.getByTestId("notify-pause")).toHaveAttribute("data-state", "off"));
  });

  it("keeps the query rule until a search is typed, then saves it after a pause in typing", async () => {
    await renderLoaded();
    await openSettings();
    await userEvent.click(screen.getByTestId("notify-rule-query"));
    expect(ipc.setNotifySettings).not.toHaveBeenCalled();
    const input = screen.getByTestId("notify-query");
    expect(input).toBeEnabled();
    await waitFor(() => expect(input).toHaveFocus());

    vi.useFakeTimers({ shouldAdvanceTime: true });
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime.bind(vi) });
    await user.type(input, "type:order.created");
    expect(ipc.setNotifySettings).not.toHaveBeenCalled();
    await act(async () => {
      vi.advanceTimersByTime(NOTIFY_QUERY_DEBOUNCE_MS);
    });
    expect(ipc.setNotifySettings).toHaveBeenCalledTimes(1);
    expect(ipc.setNotifySettings).toHaveBeenLastCalledWith({ rule: "query", query: "type:order.created", paused: false });
  });

  it("shows the rule in force again when the search rule was left without a search", async () => {
    await renderLoaded();
    await openSettings();
    await userEvent.click(screen.getByTestId("notify-rule-query"));
    await userEvent.keyboard("{Escape}");
    await openSettings();
    expect(screen.getByTestId("notify-rule-all")).toBeChecked();
    expect(screen.getByTestId("notify-query")).toBeDisabled();
    expect(ipc.setNotifySettings).not.toHaveBeenCalled();
  });

  it("shows the core's query error inline, and pausing still saves", async () => {
    stored = state({ rule: "query", query: "zebra" });
    const bell = await renderLoaded();
    await openSettings();
    const input = screen.getByTestId("notify-query");
    expect(input).toHaveValue("zebra");
    await userEvent.type(input, " typo:x{Enter}");
    const error = await screen.findByTestId("notify-query-error");
    expect(error).toHaveTextContent('unknown field "typo"');
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input).toHaveAttribute("aria-describedby", error.id);

    // The pause is saved with the rule the core holds, not the search that does not parse.
    await userEvent.click(bell);
    expect(ipc.setNotifySettings).toHaveBeenLastCalledWith({ rule: "query", query: "zebra", paused: true });
    expect(screen.getByTestId("notify-settings-pause")).toBeChecked();
    await waitFor(() => expect(ipc.setNotifySettings).toHaveBeenCalledTimes(2));
    await act(async () => {
      await Promise.resolve();
    });
    expect(screen.getByTestId("notify-query-error")).toBeInTheDocument();

    // Fixing the search clears the error.
    await userEvent.clear(input);
    await userEvent.type(input, "zebra -typo{Enter}");
    await waitFor(() => expect(screen.queryByTestId("notify-query-error")).toBeNull());
    expect(ipc.setNotifySettings).toHaveBeenLastCalledWith({ rule: "query", query: "zebra -typo", paused: true });
  });

  it("says which service shows notifications", async () => {
    await renderLoaded();
    await openSettings();
    expect(screen.getByTestId("notify-status")).toHaveTextContent("Shown by dunst");
  });

  it("says when notifications are unavailable, and that events are still captured", async () => {
    stored = state({}, { state: "unavailable", reason: "no notification service answered: no D-Bus session" });
    const bell = await renderLoaded();
    expect(bell).toHaveAttribute("data-state", "unavailable");
    expect(bell).toHaveTextContent("Unavailable");
    expect(bell).toHaveAttribute("title", expect.stringContaining("Events are still captured"));
    await openSettings();
    expect(screen.getByTestId("notify-status")).toHaveTextContent(
      "Unavailable: no notification service answered: no D-Bus session — events are still captured",
    );
  });

  it("asks again while the status is not known yet", async () => {
    vi.useFakeTimers();
    stored = state({}, { state: "unknown" });
    render(<NotifyControls />);
    await act(async () => {
      await Promise.resolve();
    });
    expect(ipc.notifyState).toHaveBeenCalledTimes(1);
    await act(async () => {
      vi.advanceTimersByTime(STATUS_POLL_MS);
      await Promise.resolve();
    });
    expect(ipc.notifyState).toHaveBeenCalledTimes(2);
    stored = state();
    await act(async () => {
      vi.advanceTimersByTime(STATUS_POLL_MS);
      await Promise.resolve();
    });
    expect(ipc.notifyState).toHaveBeenCalledTimes(3);
    await act(async () => {
      vi.advanceTimersByTime(STATUS_POLL_MS * 5);
      await Promise.resolve();
    });
    expect(ipc.notifyState).toHaveBeenCalledTimes(3);
    expect(screen.getByTestId("notify-pause")).toHaveAttribute("data-state", "on");
  });

  it("closes the settings with Esc and returns focus to their button", async () => {
    await renderLoaded();
    await openSettings();
    await userEvent.click(screen.getByTestId("notify-rule-invalid"));
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByTestId("notify-settings")).toBeNull();
    expect(screen.getByTestId("notify-settings-open")).toHaveFocus();
  });

  it("stays usable without a shell", async () => {
    ipc.notifyState.mockRejectedValue(new IpcError({ kind: "internal", message: "no shell" }));
    render(<NotifyControls />);
    await openSettings();
    await waitFor(() => expect(screen.getByTestId("notify-status")).toHaveTextContent("Unavailable: no shell"));
    expect(screen.getByTestId("notify-pause")).toBeDisabled();
  });
});
