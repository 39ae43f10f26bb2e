import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { DropImport, FilesOutcome, FilesProgress, ImportFileArgs, ImportOutcome } from "../../ipc";

const ipc = vi.hoisted(() => ({
  subscribeImports: vi.fn<(onEvent: (event: DropImport) => void) => Promise<void>>(),
  importFile: vi.fn<(args: ImportFileArgs, onProgress: (p: FilesProgress) => void) => Promise<FilesOutcome | null>>(),
  cancelImport: vi.fn<() => Promise<void>>(),
}));

vi.mock("../../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { IpcError } from "../../ipc";
import { DropOverlay, ImportBar } from "./ImportBar";
import { useFileImport, type PickResult } from "./useFileImport";

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

function filesOutcome(over: Partial<FilesOutcome> = {}): FilesOutcome {
  return {
    files: [{ status: "imported", file: "case.har", outcome: outcome() }],
    notStarted: [],
    cancelled: false,
    imported: 3,
    duplicates: 0,
    skipped: 0,
    warned: 0,
    firstId: 9,
    endpointsAdded: [],
    secretsToAdd: [],
    ...over,
  };
}

const at = (file: string, index: number, files: number, entries = 0, imported = 0): FilesProgress => ({
  file,
  index,
  files,
  progress: { entries, imported },
});

const ARGS: ImportFileArgs = { endpointId: 2, note: "ticket 481" };

function Harness({ onFinished, onPicked = () => {} }: { onFinished: (o: FilesOutcome) => void; onPicked?: (r: PickResult) => void }) {
  const fileImport = useFileImport(onFinished);
  return (
    <>
      <button type="button" data-testid="pick" onClick={() => void fileImport.pick(ARGS).then(onPicked)}>
        Choose files…
      </button>
      <span data-testid="job">{fileImport.job.status}</span>
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

  it("imports the picked files with the dialog's endpoint and note, naming each file in the progress, with Cancel", async () => {
    let progress: (p: FilesProgress) => void = () => {};
    let finish: (o: FilesOutcome | null) => void = () => {};
    ipc.importFile.mockImplementation((_args, onProgress) => {
      progress = onProgress;
      return new Promise((resolve) => {
        finish = resolve;
      });
    });
    const onFinished = vi.fn();
    const onPicked = vi.fn();
    render(<Harness onFinished={onFinished} onPicked={onPicked} />);
    await userEvent.click(screen.getByTestId("pick"));
    expect(ipc.importFile).toHaveBeenCalledWith(ARGS, expect.any(Function));
    // The native dialog is open: no bar yet, and the pick has not resolved.
    expect(screen.getByTestId("job")).toHaveTextContent("choosing");
    expect(screen.queryByTestId("import-bar")).toBeNull();
    expect(onPicked).not.toHaveBeenCalled();

    await act(async () => progress(at("orders.har", 1, 3)));
    expect(onPicked).toHaveBeenCalledWith({ status: "started" });
    expect(screen.getByTestId("import-bar-text")).toHaveTextContent("Importing orders.har (1 of 3)…");
    act(() => progress(at("orders.har", 1, 3, 1200, 1100)));
    expect(screen.getByTestId("import-bar-text")).toHaveTextContent("Importing orders.har (1 of 3): 1,200 read, 1,100 imported");
    act(() => progress(at("case.har", 2, 3)));
    expect(screen.getByTestId("import-bar-text")).toHaveTextContent("Importing case.har (2 of 3)…");
    expect(screen.getByRole("progressbar", { name: "Import progress" })).toBeInTheDocument();

    await userEvent.click(screen.getByTestId("import-cancel"));
    expect(ipc.cancelImport).toHaveBeenCalled();
    expect(screen.getByTestId("import-cancel")).toHaveTextContent("Cancelling…");
    expect(screen.getByTestId("import-cancel")).toBeDisabled();
    // Progress that was on its way keeps the bar cancelling.
    act(() => progress(at("case.har", 2, 3, 10, 10)));
    expect(screen.getByTestId("import-cancel")).toBeDisabled();

    const done = filesOutcome({ cancelled: true, notStarted: ["refund.txt"] });
    await act(async () => finish(done));
    expect(onFinished).toHaveBeenCalledWith(done);
    expect(screen.queryByTestId("import-bar")).toBeNull();
    expect(onPicked).toHaveBeenCalledTimes(1);
  });

  it("names a single file without counting it", async () => {
    let progress: (p: FilesProgress) => void = () => {};
    ipc.importFile.mockImplementation((_args, onProgress) => {
      progress = onProgress;
      return new Promise(() => {});
    });
    render(<Harness onFinished={vi.fn()} />);
    await userEvent.click(screen.getByTestId("pick"));
    act(() => progress(at("case.har", 1, 1, 10, 8)));
    expect(screen.getByTestId("import-bar-text")).toHaveTextContent(/^Importing case\.har: 10 read, 8 imported$/);
  });

  it("comes back with nothing when the dialog is closed", async () => {
    ipc.importFile.mockResolvedValue(null);
    const onFinished = vi.fn();
    const onPicked = vi.fn();
    render(<Harness onFinished={onFinished} onPicked={onPicked} />);
    await userEvent.click(screen.getByTestId("pick"));
    await waitFor(() => expect(onPicked).toHaveBeenCalledWith({ status: "closed" }));
    expect(screen.getByTestId("job")).toHaveTextContent("idle");
    expect(screen.queryByTestId("import-bar")).toBeNull();
    expect(onFinished).not.toHaveBeenCalled();
  });

  it("hands a refusal before anything started back to the one who asked", async () => {
    ipc.importFile.mockRejectedValue(new IpcError({ kind: "invalid", message: "an import is already running; wait for it or cancel it" }));
    const onPicked = vi.fn();
    render(<Harness onFinished={vi.fn()} onPicked={onPicked} />);
    await userEvent.click(screen.getByTestId("pick"));
    await waitFor(() =>
      expect(onPicked).toHaveBeenCalledWith({ status: "failed", error: "an import is already running; wait for it or cancel it" }),
    );
    expect(screen.queryByTestId("import-bar")).toBeNull();
  });

  it("keeps following a drop that started while the native dialog was open, when the pick is then refused", async () => {
    let refuse: (err: Error) => void = () => {};
    ipc.importFile.mockImplementation(
      () =>
        new Promise((_resolve, reject) => {
          refuse = reject;
        }),
    );
    const onPicked = vi.fn();
    render(<Harness onFinished={vi.fn()} onPicked={onPicked} />);
    await waitFor(() => expect(ipc.subscribeImports).toHaveBeenCalled());
    await userEvent.click(screen.getByTestId("pick"));
    act(() => shellSays({ kind: "progress", progress: at("dropped.har", 1, 1, 300, 300) }));
    await act(async () => refuse(new IpcError({ kind: "invalid", message: "an import is already running; wait for it or cancel it" })));
    expect(onPicked).toHaveBeenCalledWith({ status: "failed", error: "an import is already running; wait for it or cancel it" });
    expect(screen.getByTestId("import-bar-text")).toHaveTextContent("Importing dropped.har: 300 read, 300 imported");
  });

  it("finishes an import whose outcome arrives before its progress", async () => {
    ipc.importFile.mockResolvedValue(filesOutcome());
    const onFinished = vi.fn();
    const onPicked = vi.fn();
    render(<Harness onFinished={onFinished} onPicked={onPicked} />);
    await userEvent.click(screen.getByTestId("pick"));
    await waitFor(() => expect(onFinished).toHaveBeenCalled());
    expect(onPicked).toHaveBeenCalledWith({ status: "started" });
    expect(screen.getByTestId("job")).toHaveTextContent("idle");
  });

  it("shows it failed, until dismissed, when no file could be read", async () => {
    ipc.importFile.mockResolvedValue(
      filesOutcome({
        files: [
          {
            status: "failed",
            file: "notes.bin",
            message: "cannot tell the format of notes.bin: it is not a raw request, a curl command, HAR, a Hooklens bundle or event JSON",
          },
        ],
        imported: 0,
        firstId: null,
      }),
    );
    const onFinished = vi.fn();
    render(<Harness onFinished={onFinished} />);
    await userEvent.click(screen.getByTestId("pick"));
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent(/^Could not import: cannot tell the format of notes\.bin: /));
    expect(onFinished).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId("import-dismiss"));
    expect(screen.queryByTestId("import-bar")).toBeNull();
  });

  it("follows an import of dropped files that the shell reports", async () => {
    const onFinished = vi.fn();
    render(<Harness onFinished={onFinished} />);
    await waitFor(() => expect(ipc.subscribeImports).toHaveBeenCalled());

    act(() => shellSays({ kind: "hover", over: true }));
    const overlay = screen.getByTestId("drop-overlay");
    expect(overlay).toHaveTextContent("Drop files to import them");
    // What a drop cannot ask for, it says.
    expect(overlay).toHaveTextContent("goes to the endpoint its path matches, with no note");
    act(() => shellSays({ kind: "hover", over: false }));
    expect(screen.queryByTestId("drop-overlay")).toBeNull();

    act(() => shellSays({ kind: "progress", progress: at("case-481.har", 1, 2) }));
    expect(screen.getByTestId("import-bar-text")).toHaveTextContent("Importing case-481.har (1 of 2)…");
    act(() => shellSays({ kind: "progress", progress: at("case-482.har", 2, 2, 10, 8) }));
    expect(screen.getByTestId("import-bar-text")).toHaveTextContent("Importing case-482.har (2 of 2): 10 read, 8 imported");
    const done = filesOutcome();
    act(() => shellSays({ kind: "finished", outcome: done }));
    expect(onFinished).toHaveBeenCalledWith(done);
    expect(screen.queryByTestId("import-bar")).toBeNull();

    act(() => shellSays({ kind: "failed", files: ["other.har"], message: "an import is already running; wait for it or cancel it" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Could not import other.har: an import is already running");
    act(() => shellSays({ kind: "failed", files: ["a.har", "b.har"], message: "an import is already running; wait for it or cancel it" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Could not import 2 files: an import is already running");
  });
});
