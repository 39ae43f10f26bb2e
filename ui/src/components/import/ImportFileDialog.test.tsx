import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ImportFileArgs } from "../../ipc";
import { endpoint } from "../../test-fixtures";
import { ImportFileDialog } from "./ImportFileDialog";
import type { PickResult } from "./useFileImport";

const endpoints = [endpoint(1, "Default", "/", { isDefault: true }), endpoint(2, "Kustom", "/kustom")];

/** A pick that resolves when the test says how the native dialog ended. */
function pending() {
  let settle: (r: PickResult) => void = () => {};
  const pick = vi.fn<(args: ImportFileArgs) => Promise<PickResult>>(
    () =>
      new Promise((resolve) => {
        settle = resolve;
      }),
  );
  return { pick, settle: (r: PickResult) => act(async () => settle(r)) };
}

function renderDialog(pick: (args: ImportFileArgs) => Promise<PickResult>) {
  const onClose = vi.fn();
  render(<ImportFileDialog endpoints={endpoints} pick={pick} onClose={onClose} />);
  return { onClose };
}

describe("ImportFileDialog", () => {
  it("routes by path with no note unless told otherwise, and says what a drop does", async () => {
    const { pick, settle } = pending();
    const { onClose } = renderDialog(pick);
    expect(screen.getByRole("dialog", { name: "Import files" })).toBeInTheDocument();
    const target = screen.getByLabelText("Endpoint");
    expect(target).toHaveValue("");
    expect(screen.getByRole("option", { name: "Route by path" })).toBeInTheDocument();
    expect(screen.getByRole("option", { name: "Kustom (/kustom)" })).toBeInTheDocument();
    expect(screen.getByRole("option", { name: "Default (unmatched paths)" })).toBeInTheDocument();
    expect(screen.getByTestId("import-file-drop-hint")).toHaveTextContent("Files dropped on the window are routed by path, with no note.");
    // The button that opens the native dialog has the focus: Enter picks.
    expect(screen.getByTestId("import-file-choose")).toHaveFocus();

    await userEvent.click(screen.getByTestId("import-file-choose"));
    expect(pick).toHaveBeenCalledWith({ endpointId: null, note: null });
    await settle({ status: "started" });
    expect(onClose).toHaveBeenCalled();
  });

  it("imports into the endpoint chosen with the note given", async () => {
    const { pick, settle } = pending();
    const { onClose } = renderDialog(pick);
    await userEvent.selectOptions(screen.getByLabelText("Endpoint"), "2");
    await userEvent.type(screen.getByLabelText("Note (optional)"), "  ticket 481 ");
    await userEvent.click(screen.getByTestId("import-file-choose"));
    expect(pick).toHaveBeenCalledWith({ endpointId: 2, note: "ticket 481" });
    // While the native dialog is open, the button waits.
    expect(screen.getByTestId("import-file-choose")).toBeDisabled();
    expect(screen.getByTestId("import-file-choose")).toHaveTextContent("Choosing files…");
    expect(screen.getByTestId("import-file-choosing")).toHaveTextContent("Choose the files in the dialog that opened.");
    await settle({ status: "started" });
    expect(onClose).toHaveBeenCalled();
  });

  it("stays open, with the choices kept, when the native dialog is closed without a file", async () => {
    const { pick, settle } = pending();
    const { onClose } = renderDialog(pick);
    await userEvent.selectOptions(screen.getByLabelText("Endpoint"), "2");
    await userEvent.click(screen.getByTestId("import-file-choose"));
    await settle({ status: "closed" });
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByTestId("import-file-choose")).toBeEnabled();
    expect(screen.getByTestId("import-file-choose")).toHaveTextContent("Choose files…");
    expect(screen.queryByTestId("import-file-choosing")).toBeNull();
    expect(screen.getByLabelText("Endpoint")).toHaveValue("2");
  });

  it("says why the files could not be imported, and lets the user try again", async () => {
    const { pick, settle } = pending();
    const { onClose } = renderDialog(pick);
    await userEvent.click(screen.getByTestId("import-file-choose"));
    await settle({ status: "failed", error: "an import is already running; wait for it or cancel it" });
    expect(screen.getByRole("alert")).toHaveTextContent("Could not import: an import is already running; wait for it or cancel it");
    expect(onClose).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId("import-file-choose"));
    expect(pick).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("closes with Cancel or Esc without asking for files", async () => {
    const { pick } = pending();
    const { onClose } = renderDialog(pick);
    await userEvent.click(screen.getByTestId("import-file-cancel"));
    expect(onClose).toHaveBeenCalledTimes(1);
    await userEvent.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledTimes(2);
    expect(pick).not.toHaveBeenCalled();
  });
});
