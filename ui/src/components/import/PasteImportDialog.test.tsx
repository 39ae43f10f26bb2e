import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Format, ImportOutcome, ImportPreview, ImportTextArgs } from "../../ipc";
import { endpoint } from "../../test-fixtures";

const ipc = vi.hoisted(() => ({
  previewImport: vi.fn<(text: string, format: Format | null) => Promise<ImportPreview>>(),
  importText: vi.fn<(args: ImportTextArgs) => Promise<ImportOutcome>>(),
}));

vi.mock("../../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { IpcError } from "../../ipc";
import { PasteImportDialog } from "./PasteImportDialog";
import { importSummary } from "./summary";

const endpoints = [endpoint(1, "Default", "/", { isDefault: true }), endpoint(2, "Kustom", "/kustom")];

const RAW = "POST /kustom/hooks HTTP/1.1\nContent-Type: application/json\n\n{}";

function preview(over: Partial<ImportPreview> = {}): ImportPreview {
  return {
    format: "raw",
    entries: [{ entry: 1, method: "POST", target: "/kustom/hooks", bodyBytes: 2, warnings: [] }],
    problems: [],
    total: 1,
    failed: 0,
    more: false,
    ...over,
  };
}

function outcome(over: Partial<ImportOutcome> = {}): ImportOutcome {
  return {
    format: "raw",
    imported: 1,
    duplicates: 0,
    skipped: 0,
    deliveries: 0,
    problems: [],
    warned: 0,
    cancelled: false,
    firstId: 42,
    endpointsAdded: [],
    secretsToAdd: [],
    ...over,
  };
}

function renderDialog() {
  const onClose = vi.fn();
  const onImported = vi.fn();
  render(<PasteImportDialog endpoints={endpoints} onClose={onClose} onImported={onImported} />);
  return { onClose, onImported };
}

/** Types as a paste would: one change with the whole text. */
const paste = (text: string) => fireEvent.change(screen.getByTestId("paste-import-text"), { target: { value: text } });

describe("PasteImportDialog", () => {
  beforeEach(() => {
    ipc.previewImport.mockReset().mockResolvedValue(preview());
    ipc.importText.mockReset().mockResolvedValue(outcome());
  });

  it("offers detection first and every import format by its name", () => {
    renderDialog();
    const options = within(screen.getByTestId("paste-import-format")).getAllByRole("option");
    expect(options.map((o) => o.textContent)).toEqual([
      "Detect automatically",
      "raw HTTP request",
      "curl command",
      "HAR file",
      "Hooklens bundle",
      "event JSON",
    ]);
    const targets = within(screen.getByTestId("paste-import-endpoint")).getAllByRole("option");
    expect(targets[0]).toHaveTextContent("Route by path");
    expect(screen.getByTestId("paste-import-submit")).toBeDisabled();
  });

  it("previews once the typing pauses, with the detected format and the requests", async () => {
    renderDialog();
    const box = screen.getByTestId("paste-import-text");
    await userEvent.type(box, "POST /k");
    await waitFor(() => expect(screen.getByTestId("paste-import-detected")).toHaveTextContent("Detected: raw HTTP request"));
    // Debounced: one preview for the whole burst of keystrokes.
    expect(ipc.previewImport).toHaveBeenCalledTimes(1);
    expect(ipc.previewImport).toHaveBeenCalledWith("POST /k", null);
    const entry = screen.getByTestId("paste-import-entry");
    expect(entry).toHaveTextContent("#1");
    expect(entry).toHaveTextContent("POST");
    expect(entry).toHaveTextContent("/kustom/hooks");
    expect(entry).toHaveTextContent("2 bytes");
    expect(screen.getByTestId("paste-import-total")).toHaveTextContent("Will create 1 request.");
    expect(screen.getByTestId("paste-import-submit")).toHaveTextContent("Import 1 request");
    expect(screen.getByTestId("paste-import-submit")).toBeEnabled();
  });

  it("reads the text as the chosen format", async () => {
    ipc.previewImport.mockResolvedValue(preview({ format: "curl" }));
    renderDialog();
    await userEvent.selectOptions(screen.getByTestId("paste-import-format"), "curl");
    paste("curl http://x/y");
    await waitFor(() => expect(screen.getByTestId("paste-import-detected")).toHaveTextContent("Read as: curl command"));
    expect(ipc.previewImport).toHaveBeenLastCalledWith("curl http://x/y", "curl");
  });

  it("shows warnings, and entries that cannot be read with their position", async () => {
    ipc.previewImport.mockResolvedValue(
      preview({
        entries: [{ entry: 1, method: "POST", target: "/a", bodyBytes: 5, warnings: ["Content-Length says 9, the body has 5 bytes"] }],
        problems: ["entry 2 (line 9): curl's @file needs a file beside it; a paste has none"],
        failed: 1,
      }),
    );
    renderDialog();
    paste(RAW);
    await waitFor(() => expect(screen.getByTestId("paste-import-warning")).toHaveTextContent("Content-Length says 9"));
    expect(screen.getByTestId("paste-import-problem")).toHaveTextContent("entry 2 (line 9): curl's @file");
    expect(screen.getByTestId("paste-import-total")).toHaveTextContent("1 entry cannot be read");
  });

  it("says when the format cannot be told, and does not import", async () => {
    ipc.previewImport.mockResolvedValue(
      preview({ format: null, entries: [], total: 0, problems: ["cannot tell the format of this text; choose it above"] }),
    );
    renderDialog();
    paste("hello");
    await waitFor(() => expect(screen.getByTestId("paste-import-detected")).toHaveTextContent("Format not recognised"));
    expect(screen.getByTestId("paste-import-problem")).toHaveTextContent("choose it above");
    expect(screen.getByTestId("paste-import-submit")).toBeDisabled();
  });

  it("says how many are not listed", async () => {
    const entries = Array.from({ length: 50 }, (_, i) => ({ entry: i + 1, method: "GET", target: `/p${i}`, bodyBytes: 0, warnings: [] }));
    ipc.previewImport.mockResolvedValue(preview({ format: "har", entries, total: 120 }));
    renderDialog();
    paste("{}");
    await waitFor(() => expect(screen.getAllByTestId("paste-import-entry")).toHaveLength(50));
    expect(screen.getByTestId("paste-import-hidden")).toHaveTextContent("and 70 more not listed");
  });

  it("renders the pasted text as text, never as markup", async () => {
    const hostile = '<img src=x onerror="alert(1)">';
    ipc.previewImport.mockResolvedValue(
      preview({ entries: [{ entry: 1, method: "POST", target: hostile, bodyBytes: 0, warnings: [hostile] }] }),
    );
    renderDialog();
    paste(hostile);
    await waitFor(() => expect(screen.getByTestId("paste-import-entry")).toHaveTextContent(hostile));
    expect(document.querySelector("img")).toBeNull();
  });

  it("imports with the chosen endpoint and note, then hands the outcome on", async () => {
    const { onImported } = renderDialog();
    paste(RAW);
    await userEvent.selectOptions(screen.getByTestId("paste-import-endpoint"), "2");
    await userEvent.type(screen.getByTestId("paste-import-note"), " ticket 481 ");
    await waitFor(() => expect(screen.getByTestId("paste-import-submit")).toBeEnabled());
    await userEvent.click(screen.getByTestId("paste-import-submit"));
    await waitFor(() => expect(onImported).toHaveBeenCalledWith(outcome()));
    expect(ipc.importText).toHaveBeenCalledWith({ text: RAW, format: null, endpointId: 2, note: "ticket 481" });
  });

  it("keeps the dialog open with the error when the import fails", async () => {
    ipc.importText.mockRejectedValue(new IpcError({ kind: "store", message: "database is locked" }));
    const { onImported } = renderDialog();
    paste(RAW);
    await waitFor(() => expect(screen.getByTestId("paste-import-submit")).toBeEnabled());
    await userEvent.click(screen.getByTestId("paste-import-submit"));
    await waitFor(() => expect(screen.getByTestId("paste-import-error")).toHaveTextContent("database is locked"));
    expect(onImported).not.toHaveBeenCalled();
    expect(screen.getByTestId("paste-import-submit")).toBeEnabled();
  });

  it("shows a preview that failed", async () => {
    ipc.previewImport.mockRejectedValue(new IpcError({ kind: "internal", message: "boom" }));
    renderDialog();
    paste(RAW);
    await waitFor(() => expect(screen.getByTestId("paste-import-preview-error")).toHaveTextContent("boom"));
    expect(screen.getByTestId("paste-import-submit")).toBeDisabled();
  });

  it("closes on Cancel", async () => {
    const { onClose } = renderDialog();
    await userEvent.click(screen.getByTestId("paste-import-cancel"));
    expect(onClose).toHaveBeenCalled();
  });
});

describe("importSummary", () => {
  it("says what was imported, skipped and already there", () => {
    expect(importSummary(outcome({ imported: 412 }))).toBe("412 imported");
    expect(
      importSummary(outcome({ imported: 412, duplicates: 2, skipped: 3, problems: ["entry 17: body is not valid base64"] })),
    ).toBe("412 imported, 2 already imported before, 3 skipped: entry 17: body is not valid base64 …");
    expect(importSummary(outcome({ imported: 0, skipped: 1, problems: ["entry 1: no request line"] }))).toBe(
      "0 imported, 1 skipped: entry 1: no request line",
    );
    expect(importSummary(outcome({ cancelled: true }))).toBe("1 imported (cancelled)");
    expect(importSummary(outcome({ warned: 1 }))).toBe("1 imported; 1 with a warning (see the event)");
  });

  it("counts the deliveries a bundle brought, and says what of an imported entry was lost", () => {
    expect(importSummary(outcome({ imported: 3, deliveries: 1 }))).toBe("3 imported with 1 delivery");
    expect(importSummary(outcome({ imported: 3, deliveries: 4 }))).toBe("3 imported with 4 deliveries");
    expect(
      importSummary(
        outcome({ problems: ["entry 2: a delivery to http://h was not restored: its body is not valid base64"] }),
      ),
    ).toBe("1 imported; entry 2: a delivery to http://h was not restored: its body is not valid base64");
  });
});
