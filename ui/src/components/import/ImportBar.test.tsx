import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { DropImport, ImportFileArgs, ImportOutcome, ImportProgress } from "../../ipc";

const ipc = vi.hoisted(() => ({
  subscribeImports: vi.fn<(onEvent: (event: DropImport) => void) => Promise<void>>(),
  importFile: vi.fn<(args: ImportFileArgs, onProgress: (p: ImportProgress) => void) => Promise<ImportOutcome | null>>(),
  cancelImport: vi.fn<() => Promise<void>>(),
}));

vi.mock("../../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { IpcError } from "../../ipc";
import { DropOverlay, ImportBar } from "./ImportBar";
import { useFileImport } from "./useFileImport";

function outcome(over: Partial<ImportOutcome> = {}): ImportOutcome {
  return {
    format: "har",
    imported: 3,
    duplicates: 0,
    skipped: 0,
    deliveries: 0,
    problems: [],
    warned: 0,
    cancelled: false,
    firstId: 9,
    endpointsAdded: [],
    secretsToAdd: [],
    ...over,
  };
}

function Harness({ onFinished }: { onFinished: (o: ImportOutcome) => void }) {
  const fileImport = useFileImport(onFinished);
  return (
    <>
      <button type="button" data-testid="pick" onClick={fileImport.pick}>
        Import…
      </button>
      <ImportBar fileImport={fileImport} />
      <DropOverlay fileImport={fileImport} />
    </>
  );
}

let shellSays: (event: DropImport) => void = () => {};

describe("file import", () => {
  beforeEach(() => {
    ipc.subscribeImports.mockReset().mockImplementation((onEvent) => {
      shellSays = onEvent;
      return Promise.resolve();
    });
    ipc.importFile.mockReset();
    ipc.cancelImport.mockReset().mockResolvedValue();
  });

  it("shows the progress of a picked file with Cancel, then hands the outcome on", async () => {
    let progress: (p: ImportProgress) => void = () => {};
    let finish: (o: ImportOutcome | null) => void = () => {};
    ipc.importFile.mockImplementation((_args, onProgress) => {
      progress = onProgress;
      return new Promise((resolve) => {
        finish = resolve;
      });
    });
    const onFinished = vi.fn();
    render(<Harness onFinished={onFinished} />);
    await userEvent.click(screen.getByTestId("pick"));
    expect(ipc.importFile).toHaveBeenCalledWith({ endpointId: null, note: null }, expect.any(Function));
    expect(screen.getByTestId("import-bar-text")).toHaveTextContent("Importing…");
    act(() => progress({ entries: 1200, imported: 1100 }));
    expect(screen.getByTestId("import-bar-text")).toHaveTextContent("Importing: 1,200 read, 1,100 imported");
    expect(screen.getByRole("progressbar", { name: "Import progress" })).toBeInTheDocument();

    await userEvent.click(screen.getByTestId("import-cancel"));
    expect(ipc.cancelImport).toHaveBeenCalled();
    expect(screen.getByTestId("import-cancel")).toHaveTextContent("Cancelling…");
    expect(screen.getByTestId("import-cancel")).toBeDisabled();

    const done = outcome({ cancelled: true });
    await act(async () => finish(done));
    expect(onFinished).toHaveBeenCalledWith(done);
    expect(screen.queryByTestId("import-bar")).toBeNull();
  });

  it("does nothing when the dialog is closed", async () => {
    ipc.importFile.mockResolvedValue(null);
    const onFinished = vi.fn();
    render(<Harness onFinished={onFinished} />);
    await userEvent.click(screen.getByTestId("pick"));
    await waitFor(() => expect(screen.queryByTestId("import-bar")).toBeNull());
    expect(onFinished).not.toHaveBeenCalled();
  });

  it("says why a file could not be imported, until dismissed", async () => {
    ipc.importFile.mockRejectedValue(new IpcError({ kind: "invalid", message: "cannot tell the format of notes.bin" }));
    render(<Harness onFinished={vi.fn()} />);
    await userEvent.click(screen.getByTestId("pick"));
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent("Could not import: cannot tell the format of notes.bin"));
    await userEvent.click(screen.getByTestId("import-dismiss"));
    expect(screen.queryByTestId("import-bar")).toBeNull();
  });

  it("follows an import of a dropped file that the shell reports", async () => {
    const onFinished = vi.fn();
    render(<Harness onFinished={onFinished} />);
    await waitFor(() => expect(ipc.subscribeImports).toHaveBeenCalled());

    act(() => shellSays({ kind: "hover", over: true }));
    expect(screen.getByTestId("drop-overlay")).toHaveTextContent("Drop a HAR file");
    act(() => shellSays({ kind: "hover", over: false }));
    expect(screen.queryByTestId("drop-overlay")).toBeNull();

    act(() => shellSays({ kind: "started", file: "case-481.har" }));
    expect(screen.getByTestId("import-bar-text")).toHaveTextContent("Importing case-481.har…");
    act(() => shellSays({ kind: "progress", progress: { entries: 10, imported: 8 } }));
    expect(screen.getByTestId("import-bar-text")).toHaveTextContent("Importing case-481.har: 10 read, 8 imported");
    const done = outcome();
    act(() => shellSays({ kind: "finished", file: "case-481.har", outcome: done }));
    expect(onFinished).toHaveBeenCalledWith(done);
    expect(screen.queryByTestId("import-bar")).toBeNull();

    act(() => shellSays({ kind: "failed", file: "other.har", message: "an import is already running" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Could not import other.har: an import is already running");
  });
});
