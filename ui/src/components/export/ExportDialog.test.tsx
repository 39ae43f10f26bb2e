import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ExportEventsArgs, ExportOutcome, ExportProgress, RedactionItem, RedactionPreview } from "../../ipc";

const ipc = vi.hoisted(() => ({
  previewExport: vi.fn<(args: ExportEventsArgs) => Promise<RedactionPreview>>(),
  exportEvents: vi.fn<(args: ExportEventsArgs, onProgress: (p: ExportProgress) => void) => Promise<ExportOutcome | null>>(),
  cancelExport: vi.fn<() => Promise<void>>(),
}));

vi.mock("../../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { IpcError } from "../../ipc";
import { ExportDialog, exportSummary, PREVIEW_ROWS, splitList } from "./ExportDialog";

function item(over: Partial<RedactionItem> = {}): RedactionItem {
  return {
    eventId: 4,
    deliveryId: null,
    part: "header",
    rule: "secret_header",
    place: "Authorization",
    offset: null,
    what: "value removed",
    ...over,
  };
}

function outcome(over: Partial<ExportOutcome> = {}): ExportOutcome {
  return { events: 3, deliveries: 0, redactedEvents: 1, missing: 0, redactions: [item()], moreRedactions: 0, cancelled: false, ...over };
}

function renderDialog(ids: number[] = [], query = "provider:kustom", endpointId: number | null = null) {
  const onClose = vi.fn();
  const onExported = vi.fn();
  render(<ExportDialog ids={ids} query={query} endpointId={endpointId} onClose={onClose} onExported={onExported} />);
  return { onClose, onExported };
}

const defaults = {
  format: "har",
  redaction: { defaultHeaders: true, headers: [], jsonPaths: [], patterns: [] },
  ids: [],
  query: "provider:kustom",
  endpointId: null,
};

describe("ExportDialog", () => {
  beforeEach(() => {
    ipc.previewExport.mockReset().mockResolvedValue({ events: 3, redactedEvents: 1, items: [item()], more: 0 });
    ipc.exportEvents.mockReset().mockResolvedValue(outcome());
    ipc.cancelExport.mockReset().mockResolvedValue();
  });

  it("says what it exports: the selection, or the search", () => {
    renderDialog([3, 5]);
    expect(screen.getByTestId("export-scope")).toHaveTextContent("The 2 selected events.");
  });

  it("exports the search as HAR with the secret-bearing headers redacted by default", async () => {
    const { onExported } = renderDialog();
    expect(screen.getByTestId("export-scope")).toHaveTextContent("The events matching provider:kustom.");
    expect(screen.getByTestId("export-default-headers")).toBeChecked();
    await userEvent.click(screen.getByTestId("export-submit"));
    await waitFor(() => expect(onExported).toHaveBeenCalledWith(outcome()));
    expect(ipc.exportEvents).toHaveBeenCalledWith(defaults, expect.any(Function));
  });

  it("sends the redaction chosen, and the selection's ids", async () => {
    renderDialog([7, 8]);
    await userEvent.selectOptions(screen.getByTestId("export-format"), "bundle");
    await userEvent.click(screen.getByTestId("export-default-headers"));
    await userEvent.type(screen.getByTestId("export-headers"), "X-Api-Key, X-Token");
    await userEvent.type(screen.getByTestId("export-json-paths"), "data.customer.email{enter}card.*");
    await userEvent.click(screen.getByTestId("export-emails"));
    await userEvent.click(screen.getByTestId("export-cards"));
    await userEvent.click(screen.getByTestId("export-preview"));
    await waitFor(() => expect(ipc.previewExport).toHaveBeenCalled());
    expect(ipc.previewExport).toHaveBeenCalledWith({
      format: "bundle",
      redaction: {
        defaultHeaders: false,
        headers: ["X-Api-Key", "X-Token"],
        jsonPaths: ["data.customer.email", "card.*"],
        patterns: ["email", "card_number"],
      },
      ids: [7, 8],
      query: "provider:kustom",
      endpointId: null,
    });
  });

  it("lists every redaction the preview finds, and says when the options changed since", async () => {
    ipc.previewExport.mockResolvedValue({
      events: 3,
      redactedEvents: 2,
      items: [item(), item({ eventId: 5, part: "body", rule: "json_path", place: "data.customer.email", what: "value removed" })],
      more: 0,
    });
    renderDialog();
    await userEvent.click(screen.getByTestId("export-preview"));
    await waitFor(() => expect(screen.getAllByTestId("export-preview-item")).toHaveLength(2));
    expect(screen.getByTestId("export-preview-summary")).toHaveTextContent("2 values removed from 2 events of 3");
    const [first, second] = screen.getAllByTestId("export-preview-item");
    expect(first).toHaveTextContent("#4 header Authorization: value removed");
    expect(second).toHaveTextContent("#5 body data.customer.email: value removed");

    await userEvent.click(screen.getByTestId("export-emails"));
    expect(screen.queryByTestId("export-preview-result")).toBeNull();
    expect(screen.getByTestId("export-preview-stale")).toBeInTheDocument();
  });

  it("draws the first rows of a long preview and counts the rest", async () => {
    const items = Array.from({ length: PREVIEW_ROWS + 20 }, (_, i) => item({ eventId: i + 1 }));
    ipc.previewExport.mockResolvedValue({ events: 300, redactedEvents: 220, items, more: 5 });
    renderDialog();
    await userEvent.click(screen.getByTestId("export-preview"));
    await waitFor(() => expect(screen.getAllByTestId("export-preview-item")).toHaveLength(PREVIEW_ROWS));
    expect(screen.getByTestId("export-preview-more")).toHaveTextContent("and 25 more");
  });

  it("shows a redaction the core refuses", async () => {
    ipc.previewExport.mockRejectedValue(new IpcError({ kind: "invalid", message: "JSON path data..x: empty step" }));
    renderDialog();
    await userEvent.click(screen.getByTestId("export-preview"));
    await waitFor(() => expect(screen.getByTestId("export-preview-error")).toHaveTextContent("empty step"));
  });

  it("shows progress with Cancel while writing", async () => {
    let progress: (p: ExportProgress) => void = () => {};
    let finish: (o: ExportOutcome | null) => void = () => {};
    ipc.exportEvents.mockImplementation((_args, onProgress) => {
      progress = onProgress;
      return new Promise((resolve) => {
        finish = resolve;
      });
    });
    const { onExported } = renderDialog();
    await userEvent.click(screen.getByTestId("export-submit"));
    expect(screen.getByTestId("export-progress")).toHaveTextContent("Choose where to save…");
    act(() => progress({ done: 40, total: 100 }));
    expect(screen.getByTestId("export-progress")).toHaveTextContent("Exporting: 40 of 100");
    await userEvent.click(screen.getByTestId("export-cancel"));
    expect(ipc.cancelExport).toHaveBeenCalled();
    expect(screen.getByTestId("export-cancel")).toHaveTextContent("Cancelling…");
    const done = outcome({ cancelled: true, events: 40 });
    await act(async () => finish(done));
    expect(onExported).toHaveBeenCalledWith(done);
  });

  it("stays open when the save dialog was closed, and says why an export failed", async () => {
    ipc.exportEvents.mockResolvedValueOnce(null);
    const { onExported } = renderDialog();
    await userEvent.click(screen.getByTestId("export-submit"));
    await waitFor(() => expect(screen.getByTestId("export-submit")).toBeEnabled());
    expect(onExported).not.toHaveBeenCalled();

    ipc.exportEvents.mockRejectedValueOnce(new IpcError({ kind: "invalid", message: "could not write /x.har: Permission denied" }));
    await userEvent.click(screen.getByTestId("export-submit"));
    await waitFor(() => expect(screen.getByTestId("export-error")).toHaveTextContent("Permission denied"));
  });
});

describe("export words", () => {
  it("splits lists on commas and lines", () => {
    expect(splitList(" a, b\n\nc ,")).toEqual(["a", "b", "c"]);
  });

  it("summarises an outcome", () => {
    expect(exportSummary(outcome({ redactedEvents: 0 }))).toBe("Exported 3 events");
    expect(exportSummary(outcome({ deliveries: 2, redactedEvents: 1 }))).toBe(
      "Exported 3 events (2 deliveries); 1 event was redacted, so their recorded verdict no longer holds for the file",
    );
    expect(exportSummary(outcome({ redactedEvents: 0, cancelled: true }))).toBe(
      "Exported 3 events (cancelled; the file is whole up to there)",
    );
  });
});
