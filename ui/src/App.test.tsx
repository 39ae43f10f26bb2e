import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  IpcError,
  type AboutInfo,
  type AppInfo,
  type Endpoint,
  type EndpointCount,
  type EventBatch,
  type EventPage,
  type EventSummary,
  type FilesOutcome,
  type FilesProgress,
  type ImportFileArgs,
  type ImportOutcome,
  type ListenerStatus,
  type MatchCount,
  type PageRequest,
  type PresetInfo,
  type QueryField,
} from "./ipc";
import { endpoint, ev as event, verdict, deliveryRule } from "./test-fixtures";
import { installLayout, scrollTo } from "./components/timeline/testLayout";
import { MAX_PAGES, MAX_ROWS, PAGE_SIZE } from "./state/timeline";

const ipc = vi.hoisted(() => ({
  getAppInfo: vi.fn<() => Promise<AppInfo>>(),
  searchEvents: vi.fn<(query: string, page: PageRequest) => Promise<EventPage>>(),
  countEvents: vi.fn<(query: string, endpointId?: number | null) => Promise<MatchCount>>(),
  queryFields: vi.fn<() => Promise<QueryField[]>>(),
  listPresets: vi.fn<() => Promise<PresetInfo[]>>(),
  setPinned: vi.fn<(ids: number[], pinned: boolean) => Promise<void>>(),
  listEndpoints: vi.fn<() => Promise<Endpoint[]>>(),
  endpointCounts: vi.fn<() => Promise<EndpointCount[]>>(),
  listenOn: vi.fn<(address: string) => Promise<ListenerStatus>>(),
  subscribeEvents: vi.fn<(onBatch: (b: EventBatch) => void) => Promise<() => void>>(),
  copyText: vi.fn<(text: string) => Promise<void>>(),
  subscribeImports: vi.fn<() => Promise<void>>(),
  importFile: vi.fn<(args: ImportFileArgs, onProgress: (p: FilesProgress) => void) => Promise<FilesOutcome | null>>(),
  aboutInfo: vi.fn<() => Promise<AboutInfo>>(),
}));

vi.mock("./ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

// The detail pane and the endpoint editor are tested on their own; here they
// only show what the app hands them and call back.
type DetailProps = {
  eventId: number | null;
  summary: EventSummary | null;
  onSearch: (query: string) => void;
  onPin: (id: number, pinned: boolean) => void;
  onSelectEvent: (id: number) => void;
};
vi.mock("./components/DetailPane", () => ({
  DetailPane: ({ eventId, summary, onSearch, onPin, onSelectEvent }: DetailProps) => (
    <aside data-testid="detail" data-event-id={eventId ?? ""}>
      <span data-testid="detail-summary">
        {summary ? `${summary.path} pinned=${String(summary.pinned)} verdict=${summary.verdict?.status ?? "none"}` : ""}
      </span>
      <button type="button" data-testid="detail-search" onClick={() => onSearch("type:order.created")}>
        search
      </button>
      <button type="button" data-testid="detail-pin" onClick={() => eventId !== null && onPin(eventId, true)}>
        pin
      </button>
      <button type="button" data-testid="detail-select-3" onClick={() => onSelectEvent(3)}>
        select 3
      </button>
    </aside>
  ),
}));

type EditorProps = {
  endpoint: Endpoint | null;
  onClose: () => void;
  onSaved: (e: Endpoint) => void;
  onRemoved: (id: number) => void;
};
vi.mock("./components/endpoints/EndpointEditor", () => ({
  EndpointEditor: ({ endpoint: editing, onClose, onSaved, onRemoved }: EditorProps) => (
    <div role="dialog" aria-modal="true" data-testid="endpoint-editor">
      <span data-testid="editing">{editing ? editing.name : "new"}</span>
      <input data-testid="editor-input" />
      <button
        type="button"
        data-testid="editor-save"
        onClick={() =>
          onSaved({
            id: editing?.id ?? 9,
            name: editing ? `${editing.name} (renamed)` : "Kulmi",
            pathPrefix: "/kulmi",
            preset: null,
            response: { status: 200, headers: [], body: "", delayMs: 0 },
            isDefault: false,
            scheme: null,
            secrets: [],
            forwards: [],
            rules: [],
            rulesEpoch: 0,
          })
        }
      >
        save
      </button>
      <button type="button" data-testid="editor-remove" onClick={() => editing && onRemoved(editing.id)}>
        remove
      </button>
      <button type="button" data-testid="editor-close" onClick={onClose}>
        close
      </button>
    </div>
  ),
}));
type PasteProps = { onClose: () => void; onImported: (outcome: ImportOutcome) => void };
vi.mock("./components/import/PasteImportDialog", () => ({
  PasteImportDialog: ({ onClose, onImported }: PasteProps) => (
    <div role="dialog" aria-modal="true" data-testid="paste-import-dialog">
      <button
        type="button"
        data-testid="paste-import-done"
        onClick={() =>
          onImported({
            format: "raw",
            imported: 1,
            duplicates: 0,
            skipped: 1,
            deliveries: 0,
            problems: ["entry 2: no request line"],
            warned: 0,
            cancelled: false,
            firstId: 7,
            endpointsAdded: [],
            secretsToAdd: [],
          })
        }
      >
        import
      </button>
      <button type="button" data-testid="paste-import-close" onClick={onClose}>
        close
      </button>
    </div>
  ),
}));
vi.mock("./components/endpoints/useReverify", () => ({
  useReverify: () => ({ job: { status: "idle" }, start: () => {}, cancel: () => {}, dismiss: () => {} }),
}));
vi.mock("./components/endpoints/ReverifyBar", () => ({ ReverifyBar: () => null }));

import { App } from "./App";

const listening: AppInfo = {
  version: "0.1.0",
  dataDir: "/home/ada/.local/share/hooklens",
  databasePath: "/home/ada/.local/share/hooklens/hooklens.sqlite3",
  listener: {
    state: "listening",
    address: "127.0.0.1:9494",
    url: "http://127.0.0.1:9494",
    error: null,
    suggestion: null,
  },
};

const ev = (id: number, path: string, endpointId = 1) => event(id, { path, endpointId });
const page = (events: EventSummary[], hasMore = false): EventPage => ({ events, hasMore });
const noMore = (events: EventSummary[]) => Promise.resolve(page(events));
const batch = (events: EventSummary[], over: Partial<EventBatch> = {}): EventBatch => ({
  events,
  lagged: false,
  changed: false,
  ...over,
});

/** The id inside a test fixture's cursor (`<ns>:<id>`). */
const cursorId = (cursor: string) => Number(cursor.split(":")[1]);

/**
 * A store of `total` events with ids 1..total, paged by keyset like the core:
 * `before`: the next older page; `after`: the page just newer, still newest first.
 */
function keysetStore(size: number | (() => number)) {
  return (_query: string, req: PageRequest): Promise<EventPage> => {
    const total = typeof size === "number" ? size : size();
    const limit = req.limit;
    if (req.after) {
      const from = cursorId(req.after) + 1;
      const to = Math.min(total, from + limit - 1);
      const events = [];
      for (let id = to; id >= from; id -= 1) events.push(event(id));
      return Promise.resolve(page(events, to < total));
    }
    const top = req.before ? cursorId(req.before) - 1 : total;
    const bottom = Math.max(1, top - limit + 1);
    const events = [];
    for (let id = top; id >= bottom; id -= 1) events.push(event(id));
    return Promise.resolve(page(events, bottom > 1));
  };
}

let pushBatch: (b: EventBatch) => void = () => {};
let undoLayout: () => void;

beforeEach(() => {
  undoLayout = installLayout();
  ipc.getAppInfo.mockResolvedValue(listening);
  ipc.searchEvents.mockResolvedValue(page([]));
  ipc.countEvents.mockResolvedValue({ count: 0, capped: false });
  ipc.queryFields.mockResolvedValue([]);
  ipc.listPresets.mockResolvedValue([{ id: "kustom", name: "Kustom", scheme: null, assumed: true, delivery: deliveryRule() }]);
  ipc.setPinned.mockResolvedValue();
  ipc.listEndpoints.mockResolvedValue([endpoint(1, "Default", "/"), endpoint(2, "Kustom", "/kustom")]);
  ipc.endpointCounts.mockResolvedValue([]);
  ipc.copyText.mockResolvedValue();
  ipc.subscribeImports.mockResolvedValue();
  ipc.importFile.mockResolvedValue(null);
  ipc.subscribeEvents.mockImplementation((onBatch) => {
    pushBatch = onBatch;
    return Promise.resolve(() => {});
  });
});

afterEach(() => undoLayout());

const rowIds = () => screen.queryAllByTestId("event-row").map((r) => Number(r.dataset.eventId));
const scroller = () => screen.getByTestId("timeline-scroller");

describe("App shell", () => {
  it("shows the listen URL, the listener state and an empty state with a ready curl", async () => {
    render(<App />);
    expect(await screen.findByTestId("listen-url")).toHaveTextContent("http://127.0.0.1:9494");
    expect(screen.getByTestId("listener-state")).toHaveTextContent("Listening");
    const curl = await screen.findByTestId("curl-command");
    expect(curl.textContent).toContain("curl -X POST http://127.0.0.1:9494/webhooks/test");
    expect(screen.getByTestId("event-count")).toHaveTextContent("0 stored");
    expect(screen.getByTestId("app-header").querySelector("img")).toBeNull();
  });

  it("copies the listen URL and says so", async () => {
    render(<App />);
    await userEvent.click(await screen.findByTestId("copy-listen-url"));
    expect(ipc.copyText).toHaveBeenCalledWith("http://127.0.0.1:9494");
    expect(await screen.findByText("Copied")).toBeInTheDocument();
  });

  it("replaces the empty state with live events and counts them in the sidebar", async () => {
    render(<App />);
    await screen.findByTestId("empty-state");
    act(() => pushBatch(batch([ev(1, "/kustom/orders"), ev(2, "/kulmi")])));
    const rows = await screen.findAllByTestId("event-row");
    expect(rows.map((r) => r.dataset.eventId)).toEqual(["2", "1"]);
    expect(rows[0]).toHaveTextContent("/kulmi");
    expect(screen.queryByTestId("empty-state")).toBeNull();
    expect(screen.getByTestId("endpoint-all-count")).toHaveTextContent("2");
    expect(screen.getByTestId("endpoint-default-count")).toHaveTextContent("2");
    expect(screen.getByTestId("event-count")).toHaveTextContent("2 stored");
    expect(screen.getByTestId("result-count")).toHaveTextContent("2 events");
  });

  it("reloads the rows when stored events changed in place, e.g. verdicts re-verified", async () => {
    const stored = event(7, { path: "/github", verdict: verdict("no_secret", { scheme: "github" }) });
    ipc.searchEvents.mockImplementation(() => noMore([stored]));
    render(<App />);
    const badge = () => within(screen.getByTestId("event-row")).getByTestId("verdict-badge");
    await waitFor(() => expect(badge()).toHaveAttribute("data-status", "no_secret"));
    await userEvent.click(screen.getByTestId("event-row"));
    ipc.searchEvents.mockImplementation(() =>
      noMore([{ ...stored, verdict: verdict("valid", { scheme: "github", secret: "production" }) }]),
    );
    act(() => pushBatch(batch([], { changed: true })));
    await waitFor(() => expect(badge()).toHaveAttribute("data-status", "valid"));
    // The detail pane gets the re-verified summary too.
    expect(screen.getByTestId("detail-summary")).toHaveTextContent("verdict=valid");
  });

  it("reloads the rows and the counts when the channel fell behind", async () => {
    ipc.searchEvents.mockImplementation(() => noMore([ev(1, "/a")]));
    render(<App />);
    await waitFor(() => expect(rowIds()).toEqual([1]));
    ipc.searchEvents.mockImplementation(() => noMore([ev(3, "/c"), ev(2, "/b"), ev(1, "/a")]));
    ipc.endpointCounts.mockResolvedValue([{ endpointId: 1, count: 3 }]);
    act(() => pushBatch(batch([ev(3, "/c")], { lagged: true })));
    await waitFor(() => expect(rowIds()).toEqual([3, 2, 1]));
    await waitFor(() => expect(screen.getByTestId("endpoint-all-count")).toHaveTextContent("3"));
  });

  it("opens a clicked row in the detail pane with its summary", async () => {
    ipc.searchEvents.mockImplementation(() => noMore([ev(7, "/stripe")]));
    render(<App />);
    await userEvent.click(await screen.findByTestId("event-row"));
    expect(screen.getByTestId("detail")).toHaveAttribute("data-event-id", "7");
    expect(screen.getByTestId("detail-summary")).toHaveTextContent("/stripe");
  });

  it("opens the About dialog from the status bar's version, and the keys wait while it is open", async () => {
    ipc.aboutInfo.mockResolvedValue({
      version: "0.1.0",
      dataDir: "/tmp/data",
      databasePath: "/tmp/data/hooklens.sqlite3",
      databaseBytes: 4096,
      eventCount: 0,
      logDir: "/tmp/data/state/logs",
      listener: listening.listener,
      capturing: true,
    });
    render(<App />);
    const opener = await screen.findByRole("button", { name: "About Hooklens 0.1.0" });
    await userEvent.click(opener);
    expect(await screen.findByRole("dialog", { name: "About Hooklens" })).toBeInTheDocument();
    expect(await screen.findByTestId("about-log-dir")).toHaveTextContent("/tmp/data/state/logs");
    // "/" would focus the search box; with the dialog open it does not.
    await userEvent.keyboard("/");
    expect(screen.getByTestId("search-input")).not.toHaveFocus();
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByTestId("about-dialog")).toBeNull();
    expect(opener).toHaveFocus();
  });

  it("says plainly why nothing is listening, and moves to the free port offered", async () => {
    ipc.getAppInfo.mockResolvedValue({
      ...listening,
      listener: {
        state: "failed",
        address: "127.0.0.1:9494",
        url: "http://127.0.0.1:9494",
        error: "127.0.0.1:9494 is already in use by another program; choose another address",
        suggestion: "127.0.0.1:9495",
      },
    });
    ipc.listenOn.mockResolvedValue({
      state: "listening",
      address: "127.0.0.1:9495",
      url: "http://127.0.0.1:9495",
      error: null,
      suggestion: null,
    });
    render(<App />);
    expect(await screen.findByTestId("listener-state")).toHaveTextContent("Not listening");
    expect(await screen.findByTestId("listener-error")).toHaveTextContent("already in use");
    expect(screen.queryByTestId("curl-command")).toBeNull();
    await userEvent.click(await screen.findByTestId("listen-on-suggestion"));
    expect(ipc.listenOn).toHaveBeenCalledWith("127.0.0.1:9495");
    expect(await screen.findByTestId("listen-url")).toHaveTextContent("http://127.0.0.1:9495");
    expect((await screen.findByTestId("curl-command")).textContent).toContain("http://127.0.0.1:9495/webhooks/test");
  });

  it("narrows the timeline to the endpoint picked in the sidebar, with the search", async () => {
    ipc.endpointCounts.mockResolvedValue([
      { endpointId: 1, count: 5 },
      { endpointId: 2, count: 1 },
    ]);
    ipc.searchEvents.mockImplementation((_q, req) =>
      noMore(req.endpointId === 2 ? [ev(9, "/kustom/orders", 2)] : [ev(9, "/kustom/orders", 2), ev(8, "/other")]),
    );
    render(<App />);
    await waitFor(() => expect(rowIds()).toEqual([9, 8]));
    expect(screen.getByTestId("endpoint-2-count")).toHaveTextContent("1");
    await userEvent.click(screen.getByTestId("endpoint-2"));
    expect(ipc.searchEvents).toHaveBeenLastCalledWith("", { limit: PAGE_SIZE, endpointId: 2 });
    await screen.findByText("1 stored");
    await waitFor(() => expect(rowIds()).toEqual([9]));
    act(() => pushBatch(batch([ev(10, "/elsewhere", 1), ev(11, "/kustom/refunds", 2)])));
    await waitFor(() => expect(rowIds()).toEqual([11, 9]));
    expect(screen.getByTestId("event-count")).toHaveTextContent("2 stored");
    // A search now runs within the endpoint.
    await userEvent.type(screen.getByTestId("search-input"), "refunds{Enter}");
    await waitFor(() => expect(ipc.searchEvents).toHaveBeenLastCalledWith("refunds", { limit: PAGE_SIZE, endpointId: 2 }));
    expect(ipc.countEvents).toHaveBeenLastCalledWith("refunds", 2);
  });

  it("picks up an endpoint added elsewhere when its first event arrives", async () => {
    render(<App />);
    await screen.findByTestId("endpoint-2");
    ipc.listEndpoints.mockResolvedValue([
      endpoint(1, "Default", "/"),
      endpoint(2, "Kustom", "/kustom"),
      endpoint(7, "Kulmi", "/kulmi"),
    ]);
    act(() => pushBatch(batch([ev(40, "/kulmi/x", 7)])));
    expect(await screen.findByTestId("endpoint-7-count")).toHaveTextContent("1");
  });

  it("marks redeliveries and names the provider from the presets", async () => {
    ipc.searchEvents.mockImplementation(() =>
      noMore([
        event(3, {
          provider: "kustom",
          eventType: "order.created",
          providerEventId: "kevt_1",
          merchantId: "M1",
          delivery: 2,
        }),
      ]),
    );
    render(<App />);
    const row = await screen.findByTestId("event-row");
    await waitFor(() => expect(row).toHaveTextContent("Kustom"));
    expect(row).toHaveTextContent("order.created");
    expect(row).toHaveTextContent("kevt_1");
    expect(within(row).getByTestId("redelivery")).toHaveTextContent("×2");
  });

  it("reports a core that cannot be reached instead of spinning", async () => {
    ipc.getAppInfo.mockRejectedValue(new Error("command app_info not allowed"));
    render(<App />);
    expect(await screen.findByRole("alert")).toHaveTextContent("command app_info not allowed");
  });
});

describe("paste request", () => {
  it("opens the paste dialog from the timeline, then reports the import and opens the first imported event", async () => {
    render(<App />);
    await userEvent.click(await screen.findByTestId("paste-request"));
    expect(await screen.findByTestId("paste-import-dialog")).toBeInTheDocument();
    await userEvent.click(screen.getByTestId("paste-import-done"));
    expect(screen.queryByTestId("paste-import-dialog")).toBeNull();
    expect(screen.getByTestId("import-notice")).toHaveTextContent("1 imported, 1 skipped: entry 2: no request line");
    expect(screen.getByTestId("detail")).toHaveAttribute("data-event-id", "7");
    await userEvent.click(within(screen.getByTestId("import-notice")).getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("import-notice")).toBeNull();
  });

  it("imports files picked through the Import… dialog, sums them up and opens the first imported event", async () => {
    const har = (imported: number, duplicates: number, firstId: number | null): ImportOutcome => ({
      format: "har",
      imported,
      duplicates,
      skipped: 0,
      deliveries: 0,
      problems: [],
      warned: 0,
      cancelled: false,
      firstId,
      endpointsAdded: [],
      secretsToAdd: [],
    });
    ipc.importFile.mockImplementation((_args, onProgress) => {
      onProgress({ file: "orders.har", index: 1, files: 2, progress: { entries: 0, imported: 0 } });
      return Promise.resolve({
        files: [
          { status: "imported", file: "orders.har", outcome: har(2, 1, 11) },
          { status: "imported", file: "refunds.har", outcome: har(1, 0, 14) },
        ],
        notStarted: [],
        cancelled: false,
        imported: 3,
        duplicates: 1,
        skipped: 0,
        warned: 0,
        firstId: 11,
        endpointsAdded: [],
        secretsToAdd: [],
      });
    });
    render(<App />);
    await userEvent.click(await screen.findByTestId("import-file"));
    const dialog = await screen.findByTestId("import-file-dialog");
    await userEvent.selectOptions(within(dialog).getByLabelText("Endpoint"), "2");
    await userEvent.click(within(dialog).getByTestId("import-file-choose"));
    expect(ipc.importFile).toHaveBeenCalledWith({ endpointId: 2, note: null }, expect.any(Function));
    await waitFor(() => expect(screen.queryByTestId("import-file-dialog")).toBeNull());
    expect(await screen.findByTestId("import-notice-text")).toHaveTextContent("2 files: 3 imported, 1 already imported before");
    const lines = within(screen.getByTestId("import-notice-files")).getAllByTestId("import-notice-file");
    expect(lines.map((l) => l.textContent)).toEqual(["orders.har: 2 imported, 1 already imported before", "refunds.har: 1 imported"]);
    expect(screen.getByTestId("detail")).toHaveAttribute("data-event-id", "11");
  });

  it("keeps the Import… dialog open when the file dialog is closed without a file", async () => {
    render(<App />);
    await userEvent.click(await screen.findByTestId("import-file"));
    await userEvent.click(await screen.findByTestId("import-file-choose"));
    await waitFor(() => expect(screen.getByTestId("import-file-choose")).toBeEnabled());
    expect(screen.getByTestId("import-file-dialog")).toBeInTheDocument();
    expect(screen.queryByTestId("import-notice")).toBeNull();
    await userEvent.click(screen.getByTestId("import-file-cancel"));
    expect(screen.queryByTestId("import-file-dialog")).toBeNull();
  });

  it("closes without importing", async () => {
    render(<App />);
    await userEvent.click(await screen.findByTestId("paste-request"));
    await userEvent.click(screen.getByTestId("paste-import-close"));
    expect(screen.queryByTestId("paste-import-dialog")).toBeNull();
    expect(screen.queryByTestId("import-notice")).toBeNull();
  });
});

describe("search", () => {
  const zebras = [ev(5, "/z5"), ev(3, "/z3"), ev(1, "/z1")];
  const everything = [ev(6, "/x6"), ...zebras];

  beforeEach(() => {
    ipc.searchEvents.mockImplementation((query) => {
      if (query === "") return noMore(everything);
      if (query === "zebra") return noMore(zebras);
      if (query === "zebra method:put") return noMore([]);
      return Promise.reject(new IpcError({ kind: "query", message: `unknown field "typo" at column 7` }));
    });
    ipc.countEvents.mockImplementation((query) =>
      Promise.resolve(query === "zebra" ? { count: 3, capped: false } : { count: 0, capped: false }),
    );
    ipc.endpointCounts.mockResolvedValue([{ endpointId: 1, count: 4 }]);
  });

  it("runs as you type, counts the matches and replaces the rows", async () => {
    render(<App />);
    await waitFor(() => expect(rowIds()).toEqual([6, 5, 3, 1]));
    expect(screen.getByTestId("result-count")).toHaveTextContent("4 events");
    await userEvent.type(screen.getByTestId("search-input"), "zebra");
    await waitFor(() => expect(rowIds()).toEqual([5, 3, 1]));
    expect(ipc.searchEvents).toHaveBeenLastCalledWith("zebra", { limit: PAGE_SIZE, endpointId: null });
    // Typing is debounced: no request per keystroke.
    expect(ipc.searchEvents.mock.calls.filter(([q]) => q.startsWith("z") && q !== "zebra")).toEqual([]);
    await waitFor(() => expect(screen.getByTestId("result-count")).toHaveTextContent("3 events"));
  });

  it("keeps the last results on screen, dimmed, beside the parse error", async () => {
    render(<App />);
    await userEvent.type(screen.getByTestId("search-input"), "zebra{Enter}");
    await waitFor(() => expect(rowIds()).toEqual([5, 3, 1]));
    await userEvent.type(screen.getByTestId("search-input"), " typo:x{Enter}");
    expect(await screen.findByTestId("search-error")).toHaveTextContent('unknown field "typo" at column 7');
    expect(rowIds()).toEqual([5, 3, 1]);
    expect(scroller()).toHaveClass("dimmed");
    expect(screen.getByTestId("result-count")).toHaveTextContent("3 events");
    // Fixing the query clears the error.
    await userEvent.clear(screen.getByTestId("search-input"));
    await userEvent.type(screen.getByTestId("search-input"), "zebra{Enter}");
    await waitFor(() => expect(screen.queryByTestId("search-error")).toBeNull());
    expect(scroller()).not.toHaveClass("dimmed");
  });

  it("says when nothing matches instead of showing the first-run screen", async () => {
    render(<App />);
    await userEvent.type(screen.getByTestId("search-input"), "zebra method:put{Enter}");
    expect(await screen.findByTestId("no-matches")).toHaveTextContent("zebra method:put");
    expect(screen.getByTestId("result-count")).toHaveTextContent("No events match");
    expect(screen.queryByTestId("empty-state")).toBeNull();
  });

  it("Esc outside the box clears the search", async () => {
    render(<App />);
    await userEvent.type(screen.getByTestId("search-input"), "zebra{Enter}");
    await waitFor(() => expect(rowIds()).toEqual([5, 3, 1]));
    await userEvent.click(screen.getAllByTestId("event-row")[0]!);
    await userEvent.keyboard("{Escape}");
    expect(screen.getByTestId("search-input")).toHaveValue("");
    await waitFor(() => expect(rowIds()).toEqual([6, 5, 3, 1]));
  });

  it("runs a search the detail pane asks for", async () => {
    render(<App />);
    await waitFor(() => expect(rowIds()).toHaveLength(4));
    await userEvent.click(screen.getByTestId("detail-search"));
    expect(screen.getByTestId("search-input")).toHaveValue("type:order.created");
    expect(ipc.searchEvents).toHaveBeenLastCalledWith("type:order.created", { limit: PAGE_SIZE, endpointId: null });
  });

  it("asks the core what is new when live events arrive during a search, and counts again", async () => {
    render(<App />);
    await userEvent.type(screen.getByTestId("search-input"), "zebra{Enter}");
    await waitFor(() => expect(rowIds()).toEqual([5, 3, 1]));
    const newest = zebras[0]!.cursor;
    ipc.searchEvents.mockImplementation((query, req) =>
      query === "zebra" && req.after === newest ? noMore([ev(8, "/z8")]) : noMore([]),
    );
    ipc.countEvents.mockResolvedValue({ count: 4, capped: false });
    // Two events arrive; only the core knows that one of them matches.
    act(() => pushBatch(batch([ev(7, "/x7"), ev(8, "/z8")])));
    await waitFor(() => expect(rowIds()).toEqual([8, 5, 3, 1]));
    expect(ipc.searchEvents).toHaveBeenCalledWith("zebra", { limit: PAGE_SIZE, after: newest, endpointId: null });
    await waitFor(() => expect(screen.getByTestId("result-count")).toHaveTextContent("4 events"));
  });

  it("suggests the fields of the language and their values", async () => {
    ipc.queryFields.mockResolvedValue([
      { name: "type", description: "Event type", example: "type:order.created", values: ["order.created"] },
    ]);
    render(<App />);
    await waitFor(() => expect(ipc.queryFields).toHaveBeenCalled());
    await userEvent.type(screen.getByTestId("search-input"), "ty");
    const list = await screen.findByRole("listbox", { name: "Suggestions" });
    expect(within(list).getByText("Event type")).toBeInTheDocument();
    await userEvent.keyboard("{Tab}");
    expect(screen.getByTestId("search-input")).toHaveValue("type:");
    expect(screen.getByTestId("completion-option")).toHaveTextContent("order.created");
  });
});

describe("a million events", () => {
  const TOTAL = 1_000_000;

  it("pages with cursors and never holds more than a few pages", async () => {
    ipc.searchEvents.mockImplementation(keysetStore(TOTAL));
    ipc.endpointCounts.mockResolvedValue([{ endpointId: 1, count: TOTAL }]);
    render(<App />);
    await waitFor(() => expect(rowIds()[0]).toBe(TOTAL));
    expect(screen.getByTestId("event-count")).toHaveTextContent("1,000,000 stored");
    const requests = () => ipc.searchEvents.mock.calls.length;

    // Down: each time the end of what is held comes into view, the next older page.
    for (let i = 0; i < MAX_PAGES + 3; i += 1) {
      const before = requests();
      // Scrolled again until it asks: a scroll while the last page is still
      // being applied is ignored (one request at a time), as in the app.
      await waitFor(() => {
        scrollTo(scroller(), scroller().scrollHeight);
        expect(requests()).toBe(before + 1);
      });
      await waitFor(() => expect(Number(scroller().dataset.rows)).toBeGreaterThan(0));
      expect(Number(scroller().dataset.pages)).toBeLessThanOrEqual(MAX_PAGES);
      expect(Number(scroller().dataset.rows)).toBeLessThanOrEqual(MAX_ROWS);
    }
    const lastCall = ipc.searchEvents.mock.calls.at(-1)!;
    expect(lastCall[1].before).toBeTruthy();
    expect(lastCall[1].limit).toBe(PAGE_SIZE);
    // The newest pages were dropped, and the view stayed on the rows it showed.
    await waitFor(() => expect(rowIds()[0]).toBeLessThan(TOTAL - PAGE_SIZE));
    expect(scroller()).toHaveAttribute("data-at-end", "false");

    // Up again: newer pages come back with `after`, until the newest.
    for (let i = 0; i < 10 && !rowIds().includes(TOTAL); i += 1) {
      const before = requests();
      await waitFor(() => {
        scrollTo(scroller(), 0);
        expect(requests()).toBe(before + 1);
      });
      expect(ipc.searchEvents.mock.calls.at(-1)![1].after).toBeTruthy();
      expect(Number(scroller().dataset.pages)).toBeLessThanOrEqual(MAX_PAGES);
    }
    act(() => scrollTo(scroller(), 0));
    await waitFor(() => expect(rowIds()[0]).toBe(TOTAL));
  });

  it("reaches the oldest event and says so", async () => {
    ipc.searchEvents.mockImplementation(keysetStore(450));
    render(<App />);
    await waitFor(() => expect(rowIds()[0]).toBe(450));
    for (let i = 0; i < 5 && scroller().dataset.atEnd !== "true"; i += 1) {
      act(() => scrollTo(scroller(), scroller().scrollHeight));
      await waitFor(() => expect(Number(scroller().dataset.rows)).toBeGreaterThan(PAGE_SIZE * Math.min(i + 1, 2) - 1));
    }
    await waitFor(() => expect(scroller()).toHaveAttribute("data-at-end", "true"));
    expect(scroller()).toHaveAttribute("data-rows", "450");
  });

  it("while scrolled away, counts new events in a marker that leads back to the top", async () => {
    let stored = 1_000;
    ipc.searchEvents.mockImplementation(keysetStore(() => stored));
    render(<App />);
    await waitFor(() => expect(rowIds()[0]).toBe(1_000));
    act(() => scrollTo(scroller(), 150 * 32));
    const shown = rowIds();
    const top = scroller().scrollTop;
    stored = 1_002;
    act(() => pushBatch(batch([event(1_001), event(1_002)])));
    const marker = await screen.findByTestId("new-events-marker");
    expect(marker).toHaveTextContent("2 new");
    expect(rowIds()).toEqual(shown);
    expect(scroller().scrollTop).toBe(top);
    await userEvent.click(marker);
    await waitFor(() => expect(rowIds()[0]).toBe(1_002));
    expect(scroller().scrollTop).toBe(0);
    expect(screen.queryByTestId("new-events-marker")).toBeNull();
  });
});

describe("new events near the top", () => {
  it("load above the rows in view without moving them", async () => {
    let stored = 1_000;
    ipc.searchEvents.mockImplementation(keysetStore(() => stored));
    render(<App />);
    await waitFor(() => expect(rowIds()[0]).toBe(1_000));
    act(() => scrollTo(scroller(), 20 * 32));
    const shown = rowIds();
    const top = scroller().scrollTop;
    stored = 1_002;
    act(() => pushBatch(batch([event(1_001), event(1_002)])));
    await waitFor(() =>
      expect(ipc.searchEvents).toHaveBeenLastCalledWith("", {
        limit: PAGE_SIZE,
        after: event(1_000).cursor,
        endpointId: null,
      }),
    );
    await waitFor(() => expect(scroller().scrollTop).toBe(top + 2 * 32));
    expect(rowIds()).toEqual(shown);
    expect(screen.getByTestId("new-events-marker")).toHaveTextContent("2 new");
    // At the top, the marker has done its job.
    act(() => scrollTo(scroller(), 0));
    await waitFor(() => expect(screen.queryByTestId("new-events-marker")).toBeNull());
    expect(rowIds().slice(0, 3)).toEqual([1_002, 1_001, 1_000]);
  });
});

describe("pins, endpoints and keys", () => {
  it("p pins the selected event; a failure puts it back and says why", async () => {
    ipc.searchEvents.mockImplementation(() => noMore([ev(2, "/b"), ev(1, "/a")]));
    render(<App />);
    const first = await screen.findByText("/b");
    await userEvent.click(first);
    await userEvent.keyboard("p");
    expect(ipc.setPinned).toHaveBeenCalledWith([2], true);
    const row = () => screen.getAllByTestId("event-row")[0]!;
    expect(within(row()).getByTestId("pin-marker")).toBeInTheDocument();
    expect(screen.getByTestId("detail-summary")).toHaveTextContent("pinned=true");

    ipc.setPinned.mockRejectedValue(new IpcError({ kind: "store", message: "database is locked" }));
    await userEvent.keyboard("p");
    expect(ipc.setPinned).toHaveBeenLastCalledWith([2], false);
    expect(await screen.findByText(/Could not unpin: database is locked/)).toBeInTheDocument();
    expect(within(row()).getByTestId("pin-marker")).toBeInTheDocument();
  });

  it("the detail pane's pin goes through setPinned", async () => {
    ipc.searchEvents.mockImplementation(() => noMore([ev(2, "/b")]));
    render(<App />);
    await userEvent.click(await screen.findByText("/b"));
    await userEvent.click(screen.getByTestId("detail-pin"));
    expect(ipc.setPinned).toHaveBeenCalledWith([2], true);
  });

  it("opens the endpoint editor to add and to edit, and keeps the keys out of it", async () => {
    ipc.searchEvents.mockImplementation(() => noMore([ev(2, "/b"), ev(1, "/a")]));
    render(<App />);
    await userEvent.click(await screen.findByTestId("add-endpoint"));
    expect(await screen.findByTestId("editing")).toHaveTextContent("new");
    const fieldsBefore = ipc.queryFields.mock.calls.length;
    await userEvent.click(screen.getByTestId("editor-save"));
    expect(await screen.findByTestId("endpoint-9")).toHaveTextContent("Kulmi");
    // Endpoint names are values of the search language: fetched again.
    await waitFor(() => expect(ipc.queryFields.mock.calls.length).toBeGreaterThan(fieldsBefore));
    await userEvent.click(screen.getByTestId("editor-close"));
    expect(screen.queryByTestId("endpoint-editor")).toBeNull();

    const edit = screen.getAllByTestId("edit-endpoint").find((b) => b.dataset.endpointId === "2")!;
    await userEvent.click(edit);
    expect(await screen.findByTestId("editing")).toHaveTextContent("Kustom");
    // Typing "/" or "p" in the dialog is for the dialog.
    fireEvent.keyDown(screen.getByTestId("editing"), { key: "/" });
    expect(screen.getByTestId("search-input")).not.toHaveFocus();
    await userEvent.click(screen.getByTestId("editor-remove"));
    expect(screen.queryByTestId("endpoint-editor")).toBeNull();
    expect(screen.queryByTestId("endpoint-2")).toBeNull();
  });

  it("/ focuses the search box from anywhere, j/k move from the detail pane, Enter focuses the detail", async () => {
    ipc.searchEvents.mockImplementation(() => noMore([ev(3, "/c"), ev(2, "/b"), ev(1, "/a")]));
    render(<App />);
    await userEvent.click(await screen.findByText("/c"));
    await userEvent.keyboard("j{Enter}");
    expect(screen.getByTestId("detail")).toHaveAttribute("data-event-id", "2");
    const slot = screen.getByTestId("detail").parentElement!;
    expect(slot).toHaveFocus();
    await userEvent.keyboard("j");
    const selected = screen.getAllByTestId("event-row").filter((r) => r.getAttribute("aria-selected") === "true");
    expect(selected.map((r) => r.dataset.eventId)).toEqual(["1"]);
    await userEvent.keyboard("/");
    expect(screen.getByTestId("search-input")).toHaveFocus();
  });

  it("follows the detail pane to another event", async () => {
    ipc.searchEvents.mockImplementation(() => noMore([ev(3, "/c"), ev(2, "/b"), ev(1, "/a")]));
    render(<App />);
    await userEvent.click(await screen.findByText("/a"));
    await userEvent.click(screen.getByTestId("detail-select-3"));
    expect(screen.getByTestId("detail")).toHaveAttribute("data-event-id", "3");
    expect(screen.getByTestId("detail-summary")).toHaveTextContent("/c");
  });
});
