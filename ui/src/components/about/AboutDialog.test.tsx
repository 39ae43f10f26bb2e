import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AboutInfo, Folder } from "../../ipc";

const ipc = vi.hoisted(() => ({
  aboutInfo: vi.fn<() => Promise<AboutInfo>>(),
  openFolder: vi.fn<(folder: Folder) => Promise<void>>(),
  copyText: vi.fn<(text: string) => Promise<void>>(),
}));

vi.mock("../../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { IpcError } from "../../ipc";
import { AboutDialog } from "./AboutDialog";

function about(over: Partial<AboutInfo> = {}): AboutInfo {
  return {
    version: "0.1.0",
    dataDir: "/home/ana/.local/share/hooklens",
    databasePath: "/home/ana/.local/share/hooklens/hooklens.sqlite3",
    databaseBytes: 3 * 1024 * 1024 + 200 * 1024,
    eventCount: 12_345,
    logDir: "/home/ana/.local/state/hooklens/logs",
    listener: { state: "listening", address: "127.0.0.1:9494", url: "http://127.0.0.1:9494", error: null, suggestion: null },
    capturing: true,
    ...over,
  };
}

function renderDialog() {
  const onClose = vi.fn();
  render(<AboutDialog onClose={onClose} />);
  return { onClose };
}

describe("AboutDialog", () => {
  beforeEach(() => {
    vi.resetAllMocks();
    ipc.aboutInfo.mockResolvedValue(about());
    ipc.openFolder.mockResolvedValue();
    ipc.copyText.mockResolvedValue();
  });

  it("shows the version, where it listens, the database and both folders", async () => {
    renderDialog();
    const dialog = screen.getByRole("dialog", { name: "About Hooklens" });
    const facts = await screen.findByTestId("about-facts");
    expect(screen.getByTestId("about-version")).toHaveTextContent("0.1.0");
    expect(screen.getByTestId("about-listen")).toHaveTextContent("http://127.0.0.1:9494");
    expect(screen.getByTestId("about-database")).toHaveTextContent("12,345 events · 3.2 MB on disk");
    expect(screen.getByTestId("about-database")).toHaveAttribute("title", "/home/ana/.local/share/hooklens/hooklens.sqlite3");
    expect(screen.getByTestId("about-data-dir")).toHaveTextContent("/home/ana/.local/share/hooklens");
    expect(screen.getByTestId("about-log-dir")).toHaveTextContent("/home/ana/.local/state/hooklens/logs");
    expect(within(facts).getByText("Log folder")).toBeInTheDocument();
    // Close has the focus: Enter or Esc closes.
    expect(within(dialog).getByTestId("about-done")).toHaveFocus();
  });

  it("has the shell open the data or the log folder, naming it and never a path", async () => {
    renderDialog();
    await screen.findByTestId("about-facts");
    await userEvent.click(screen.getByRole("button", { name: "Open log folder" }));
    expect(ipc.openFolder).toHaveBeenLastCalledWith("logs");
    await userEvent.click(screen.getByRole("button", { name: "Open data folder" }));
    expect(ipc.openFolder).toHaveBeenLastCalledWith("data");
    expect(ipc.openFolder).toHaveBeenCalledTimes(2);
    expect(screen.queryByTestId("about-error")).not.toBeInTheDocument();
  });

  it("says when a folder could not be opened, and the buttons work again", async () => {
    ipc.openFolder.mockRejectedValueOnce(new IpcError({ kind: "internal", message: "xdg-open did not start (not found)" }));
    renderDialog();
    await screen.findByTestId("about-facts");
    await userEvent.click(screen.getByTestId("about-open-logs"));
    expect(await screen.findByTestId("about-error")).toHaveTextContent(
      "Could not open the log folder: xdg-open did not start (not found)",
    );
    expect(screen.getByTestId("about-open-logs")).toBeEnabled();
  });

  it("the folder buttons wait for the facts", async () => {
    let settle: (info: AboutInfo) => void = () => {};
    ipc.aboutInfo.mockReturnValue(new Promise((resolve) => (settle = resolve)));
    renderDialog();
    expect(screen.getByTestId("about-open-data")).toBeDisabled();
    expect(screen.getByTestId("about-open-logs")).toBeDisabled();
    await act(async () => settle(about()));
    expect(screen.getByTestId("about-open-logs")).toBeEnabled();
  });

  it("says where it is not listening, and when another Hooklens captures", async () => {
    ipc.aboutInfo.mockResolvedValue(
      about({
        listener: { state: "failed", address: "127.0.0.1:9494", url: "", error: "address in use", suggestion: "127.0.0.1:9495" },
      }),
    );
    renderDialog();
    expect(await screen.findByTestId("about-listen")).toHaveTextContent("127.0.0.1:9494: not listening (address in use)");
  });

  it("says when this window only reads", async () => {
    ipc.aboutInfo.mockResolvedValue(about({ capturing: false, eventCount: 1 }));
    renderDialog();
    expect(await screen.findByTestId("about-listen")).toHaveTextContent(
      "127.0.0.1:9494: not capturing (another Hooklens captures into this data folder)",
    );
    expect(screen.getByTestId("about-database")).toHaveTextContent("1 event ·");
  });

  it("says when the facts cannot be read", async () => {
    ipc.aboutInfo.mockRejectedValue(new IpcError({ kind: "store", message: "database is locked" }));
    renderDialog();
    expect(await screen.findByTestId("about-error")).toHaveTextContent("Could not read the facts: database is locked");
    expect(screen.queryByTestId("about-facts")).not.toBeInTheDocument();
  });

  it("closes with Close and with Esc", async () => {
    const { onClose } = renderDialog();
    await screen.findByTestId("about-facts");
    await userEvent.click(screen.getByTestId("about-done"));
    expect(onClose).toHaveBeenCalledTimes(1);
    await userEvent.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledTimes(2);
  });
});
