import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { DeliveryRun, EventSummary, EventView, HeaderView, PresetInfo, ScheduleInfo } from "../ipc";
import { endpoint, ev, deliveryRule, verdict } from "../test-fixtures";
import { editorIn } from "./detail/CodeView";

const ipc = vi.hoisted(() => ({
  getEvent: vi.fn<(id: number) => Promise<EventView>>(),
  curlCommand: vi.fn<(id: number) => Promise<string>>(),
  saveBody: vi.fn<(id: number) => Promise<string | null>>(),
  copyText: vi.fn<(text: string) => Promise<void>>(),
  listRuns: vi.fn<(eventId: number | null) => Promise<DeliveryRun[]>>(),
  recentTargets: vi.fn<() => Promise<string[]>>(),
  listSchedules: vi.fn<() => Promise<ScheduleInfo[]>>(),
  revealHeader: vi.fn<(eventId: number, index: number) => Promise<HeaderView>>(),
}));

vi.mock("../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { IpcError } from "../ipc";
import { DetailPane } from "./DetailPane";

const presets: PresetInfo[] = [
  { id: "kustom", name: "Kustom", scheme: { kind: "standard-webhooks", toleranceS: 300 }, assumed: true, delivery: deliveryRule() },
  { id: "github", name: "GitHub", scheme: { kind: "github" }, assumed: false, delivery: deliveryRule() },
];

const endpoints = [endpoint(1, "Default", "/"), endpoint(2, "Kustom", "/kustom", { preset: "kustom" })];

function view(id: number, over: Partial<EventView> = {}, summary: Partial<EventSummary> = {}): EventView {
  const s = ev(id, summary);
  return {
    summary: s,
    url: `http://127.0.0.1:9494${s.path}${s.query ? `?${s.query}` : ""}`,
    target: "/",
    httpVersion: "HTTP/1.1",
    trailers: [],
    headers: [{ name: "Content-Type", value: "application/json", binary: false, masked: false }],
    bodyText: '{"ok":true}',
    bodyBase64: null,
    refs: [],
    deliveries: [],
    source: null,
    via: null,
    answer: null,
    ...over,
  };
}

/** A promise the test settles when it wants. */
function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  let reject: (err: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const handlers = () => ({ onSelectEvent: vi.fn(), onSearch: vi.fn(), onPin: vi.fn() });

function renderPane(eventId: number | null, summary: EventSummary | null = null, on = handlers()) {
  const utils = render(
    <DetailPane
      eventId={eventId}
      summary={summary}
      endpoints={endpoints}
      presets={presets}
      listener={null}
      now={1_700_000_060_000}
      {...on}
    />,
  );
  const rerender = (id: number | null, s: EventSummary | null = null) =>
    utils.rerender(
      <DetailPane
        eventId={id}
        summary={s}
        endpoints={endpoints}
        presets={presets}
        listener={null}
        now={1_700_000_060_000}
        {...on}
      />,
    );
  return { ...utils, rerender, on };
}

const docNow = (testId: string) => {
  const editor = editorIn(screen.getByTestId(testId));
  if (!editor) throw new Error(`no editor in ${testId}`);
  return editor.state.doc.toString();
};

/** The editor is made in an effect, which may run a moment after its element appears. */
const docOf = async (testId: string) => {
  await waitFor(() => docNow(testId));
  return docNow(testId);
};

beforeEach(() => {
  for (const fn of Object.values(ipc)) fn.mockReset();
  ipc.copyText.mockResolvedValue();
  ipc.listRuns.mockResolvedValue([]);
  ipc.recentTargets.mockResolvedValue([]);
  ipc.listSchedules.mockResolvedValue([]);
});

describe("DetailPane", () => {
  it("asks for a selection when nothing is selected, without fetching", () => {
    renderPane(null);
    expect(screen.getByTestId("detail")).toHaveTextContent("No event selected");
    expect(ipc.getEvent).not.toHaveBeenCalled();
  });

  it("shows the overview: URL, size, endpoint, provider display name, refs", async () => {
    ipc.getEvent.mockResolvedValue(
      view(
        5,
        { refs: [{ name: "Session id", value: "ipps_42" }] },
        { endpointId: 2, provider: "kustom", eventType: "order.created", path: "/kustom/orders", size: 2048 },
      ),
    );
    renderPane(5);
    const facts = await screen.findByTestId("detail-facts");
    expect(ipc.getEvent).toHaveBeenCalledWith(5);
    expect(screen.getByTestId("detail-url")).toHaveTextContent("http://127.0.0.1:9494/kustom/orders");
    expect(facts).toHaveTextContent("2.0 KB (2,048 bytes)");
    expect(facts).toHaveTextContent("Kustom /kustom");
    expect(screen.getByTestId("detail-provider")).toHaveTextContent(/^Kustom$/);
    expect(facts).toHaveTextContent("order.created");
    expect(facts).toHaveTextContent("127.0.0.1:51000");
    expect(facts).toHaveTextContent("1 min ago");
    expect(screen.getByTestId("detail-ref")).toHaveTextContent("ipps_42");
    expect(facts).toHaveTextContent("Session id");
  });

  it("says where an imported event came from, which time judged it, and what the importer noticed", async () => {
    ipc.getEvent.mockResolvedValue(
      view(
        6,
        {
          source: {
            format: "har",
            file: "merchant-4711.har",
            note: "sent by the merchant on Tuesday",
            entry: 17,
            arrival: "HAR entry's startedDateTime",
            warnings: ["the body is 12 bytes but Content-Length says 20; imported as given"],
            recordedVerdict: null,
            redactions: [],
          },
        },
        { imported: true },
      ),
    );
    renderPane(6);
    const source = await screen.findByTestId("detail-source");
    expect(source).toHaveTextContent("merchant-4711.har (HAR file, entry 17)");
    expect(source).toHaveTextContent("timestamps judged against the HAR entry's startedDateTime");
    expect(source).toHaveTextContent("sent by the merchant on Tuesday");
    expect(screen.getByTestId("import-warning")).toHaveTextContent("Content-Length says 20");
  });

  it("shows the verdict a bundle recorded where it was exported, and what its export redacted", async () => {
    ipc.getEvent.mockResolvedValue(
      view(
        8,
        {
          source: {
            format: "hooklens",
            file: "case-4711.ndjson",
            note: null,
            entry: 2,
            arrival: "time the bundle recorded",
            warnings: [],
            recordedVerdict: verdict("valid", { scheme: "github", secret: "production" }),
            redactions: ["header Authorization: value removed"],
          },
        },
        { imported: true },
      ),
    );
    renderPane(8);
    expect(await screen.findByTestId("recorded-verdict")).toHaveTextContent(
      "Where it was exported from, its signature was valid (secret “production”)",
    );
    expect(screen.getByTestId("import-redactions")).toHaveTextContent("header Authorization: value removed");
  });

  it("has no import line for a captured event", async () => {
    ipc.getEvent.mockResolvedValue(view(7));
    renderPane(7);
    await screen.findByTestId("detail-facts");
    expect(screen.queryByTestId("detail-source")).toBeNull();
    expect(screen.queryByTestId("detail-via")).toBeNull();
  });

  it("says which response rule answered and what, and searches for what it answered", async () => {
    ipc.getEvent.mockResolvedValue(
      view(14, {
        answer: {
          rule: "flaky",
          status: 503,
          headers: [],
          body: "down",
          delayMs: 1500,
          closed: false,
          why: "answer 1 of 3, arrival 1 of event rf_1",
          templateError: null,
        },
      }),
    );
    const on = handlers();
    renderPane(14, null, on);
    const answer = await screen.findByTestId("detail-answer");
    expect(answer).toHaveTextContent("Rule flaky answered 503 after 1,500 ms · answer 1 of 3, arrival 1 of event rf_1");
    await userEvent.click(screen.getByTestId("answer-rule-search"));
    expect(on.onSearch).toHaveBeenCalledWith("rule:flaky");
  });

  const record = { rule: null, status: 200, headers: [], body: "", delayMs: 0, closed: false, why: "no rule matched", templateError: null };

  it("says when no rule matched and the configured response answered", async () => {
    ipc.getEvent.mockResolvedValue(view(15, { answer: record }));
    renderPane(15);
    expect(await screen.findByTestId("detail-answer")).toHaveTextContent("No rule matched: the configured response answered 200");
  });

  it("says when a rule closed the connection without answering", async () => {
    ipc.getEvent.mockResolvedValue(view(16, { answer: { ...record, rule: "hang-up", status: null, closed: true, why: "" } }));
    renderPane(16);
    expect(await screen.findByTestId("detail-answer")).toHaveTextContent("Rule hang-up closed the connection without answering");
  });

  it("says which tunnel an event came through, at which public URL, and the original client", async () => {
    ipc.getEvent.mockResolvedValue(
      view(
        9,
        {
          url: "https://abc.trycloudflare.com/twilio/sms",
          via: {
            kind: "cloudflared",
            publicUrl: "https://abc.trycloudflare.com",
            clientAddr: "203.0.113.7",
            clientHeader: "Cf-Connecting-Ip",
            clientVouched: true,
          },
        },
        { tunneled: true, path: "/twilio/sms" },
      ),
    );
    renderPane(9);
    const via = await screen.findByTestId("detail-via");
    expect(via).toHaveTextContent(
      "Came through the cloudflared tunnel at https://abc.trycloudflare.com; original client 203.0.113.7 (Cf-Connecting-Ip)",
    );
    expect(via).not.toHaveTextContent("claims");
    expect(screen.getByTestId("detail-url")).toHaveTextContent("https://abc.trycloudflare.com/twilio/sms");
    expect(screen.getByTestId("detail-facts")).toHaveTextContent("the tunnel, on this machine");
  });

  it("calls a client address the tunnel does not vouch for a claim, and says what is not known", async () => {
    ipc.getEvent.mockResolvedValue(
      view(
        10,
        {
          via: {
            kind: "ssh",
            publicUrl: null,
            clientAddr: "198.51.100.1",
            clientHeader: "X-Forwarded-For",
            clientVouched: false,
          },
        },
        { tunneled: true },
      ),
    );
    renderPane(10);
    const via = await screen.findByTestId("detail-via");
    expect(via).toHaveTextContent(
      "Came through the SSH tunnel (its public URL was not known yet); original client 198.51.100.1 (X-Forwarded-For, as the request claims it",
    );

    ipc.getEvent.mockResolvedValue(
      view(
        11,
        { via: { kind: "ngrok", publicUrl: "https://abc.ngrok.app", clientAddr: null, clientHeader: null, clientVouched: false } },
        { tunneled: true },
      ),
    );
    renderPane(11);
    await waitFor(() =>
      expect(screen.getAllByTestId("detail-via").at(-1)).toHaveTextContent(
        "Came through the ngrok tunnel at https://abc.ngrok.app; the tunnel passed on no original client address",
      ),
    );
  });

  it("lists headers in arrival order with duplicates, flags binary values, copies them all", async () => {
    const headers: HeaderView[] = [
      { name: "Host", value: "127.0.0.1:9494", binary: false, masked: false },
      { name: "X-Trace", value: "first", binary: false, masked: false },
      { name: "Content-Type", value: "application/json", binary: false, masked: false },
      { name: "x-trace", value: "second", binary: false, masked: false },
      { name: "X-Raw", value: "\\xff\\xfe", binary: true, masked: false },
    ];
    ipc.getEvent.mockResolvedValue(view(1, { headers, target: "/hook?a=1", httpVersion: "HTTP/1.1" }));
    renderPane(1);
    const rows = await screen.findAllByTestId("header-row");
    expect(screen.getByTestId("request-line")).toHaveTextContent("POST /hook?a=1 HTTP/1.1");
    expect(rows.map((r) => within(r).getAllByRole("cell").slice(0, 2).map((c) => c.textContent))).toEqual([
      ["Host", "127.0.0.1:9494"],
      ["X-Tracerepeated", "first"],
      ["Content-Type", "application/json"],
      ["x-tracerepeated", "second"],
      ["X-Raw", "\\xff\\xfebinary"],
    ]);
    expect(within(rows[4] as HTMLElement).getByTestId("header-binary")).toBeInTheDocument();
    expect(screen.getAllByTestId("header-binary")).toHaveLength(1);

    await userEvent.click(screen.getByTestId("copy-headers"));
    expect(ipc.copyText).toHaveBeenCalledWith(
      "POST /hook?a=1 HTTP/1.1\nHost: 127.0.0.1:9494\nX-Trace: first\nContent-Type: application/json\nx-trace: second\nX-Raw: \\xff\\xfe",
    );
    await userEvent.click(within(rows[3] as HTMLElement).getByRole("button", { name: "Copy value of x-trace" }));
    expect(ipc.copyText).toHaveBeenLastCalledWith("second");
  });

  it("shows an absolute-form target as sent, and trailers apart from the headers", async () => {
    const trailers: HeaderView[] = [
      { name: "X-Checksum", value: "abc", binary: false, masked: false },
      { name: "x-Late", value: "1", binary: false, masked: false },
    ];
    ipc.getEvent.mockResolvedValue(view(1, { target: "http://Example.com:8080/hook", httpVersion: "HTTP/1.0", trailers }));
    renderPane(1);
    expect(await screen.findByTestId("request-line")).toHaveTextContent("POST http://Example.com:8080/hook HTTP/1.0");
    const rows = within(screen.getByTestId("trailers-table")).getAllByTestId("trailer-row");
    expect(rows.map((r) => within(r).getAllByRole("cell")[0]?.textContent)).toEqual(["X-Checksum", "x-Late"]);
    expect(within(screen.getByTestId("headers-table")).queryAllByTestId("trailer-row")).toHaveLength(0);
  });

  it("shows no trailers section when none were sent", async () => {
    ipc.getEvent.mockResolvedValue(view(1));
    renderPane(1);
    await screen.findByTestId("request-line");
    expect(screen.queryByTestId("trailers")).toBeNull();
  });

  it("masks secret-bearing headers until revealed, and copies the mask, not the value", async () => {
    const headers: HeaderView[] = [
      { name: "Content-Type", value: "application/json", binary: false, masked: false },
      { name: "Authorization", value: "Basic ••••••••", binary: false, masked: true },
    ];
    ipc.getEvent.mockResolvedValue(view(3, { headers }));
    ipc.revealHeader.mockResolvedValue({ name: "Authorization", value: "Basic dXNlcjpwYXNz", binary: false, masked: false });
    renderPane(3);
    const rows = await screen.findAllByTestId("header-row");
    const auth = within(rows[1] as HTMLElement);
    expect(auth.getByTestId("header-masked")).toHaveTextContent("Basic ••••••••");
    expect(rows[1]).toHaveAttribute("data-masked", "masked");
    expect(screen.getByTestId("headers-table")).not.toHaveTextContent("dXNlcjpwYXNz");
    expect(ipc.revealHeader).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId("copy-headers"));
    expect(ipc.copyText).toHaveBeenCalledWith("POST / HTTP/1.1\nContent-Type: application/json\nAuthorization: Basic ••••••••");

    await userEvent.click(auth.getByTestId("header-reveal"));
    expect(ipc.revealHeader).toHaveBeenCalledWith(3, 1);
    expect(await auth.findByTestId("header-revealed")).toHaveTextContent("Basic dXNlcjpwYXNz");
    expect(rows[1]).toHaveAttribute("data-masked", "revealed");
    await userEvent.click(auth.getByTestId("header-hide"));
    expect(auth.getByTestId("header-masked")).toHaveTextContent("Basic ••••••••");
    expect(screen.getByTestId("headers-table")).not.toHaveTextContent("dXNlcjpwYXNz");
  });

  it("says when a header cannot be revealed", async () => {
    ipc.getEvent.mockResolvedValue(
      view(3, { headers: [{ name: "X-Challenge", value: "••••••••", binary: false, masked: true }] }),
    );
    ipc.revealHeader.mockRejectedValue(new IpcError({ kind: "not_found", message: "no event 3" }));
    renderPane(3);
    await userEvent.click(await screen.findByTestId("header-reveal"));
    expect(await screen.findByTestId("header-reveal-error")).toHaveTextContent("Could not reveal it: no event 3");
    expect(screen.getByTestId("header-masked")).toHaveTextContent("••••••••");
  });

  it("decodes the query string into a table", async () => {
    ipc.getEvent.mockResolvedValue(view(1, {}, { path: "/hook", query: "a=1&b=two+words&b=%3Cx%3E&flag" }));
    renderPane(1);
    const table = await screen.findByTestId("query-params");
    const rows = within(table).getAllByTestId("query-param").map((r) => [...r.children].map((c) => c.textContent));
    expect(rows).toEqual([
      ["a", "1"],
      ["b", "two words"],
      ["b", "<x>"],
      ["flag", "(empty)"],
    ]);
  });

  it("has no query table when the URL has no query", async () => {
    ipc.getEvent.mockResolvedValue(view(1));
    renderPane(1);
    await screen.findByTestId("detail-facts");
    expect(screen.queryByTestId("query-params")).toBeNull();
  });

  it("pretty-prints JSON by default, keeping big integers, number spelling and escapes exact", async () => {
    const body = '{"amount":12345678901234567890,"rate":1.0,"exp":-0.0e+5,"name":"caf\\u00e9","tags":[],"n":{"a":null}}';
    ipc.getEvent.mockResolvedValue(view(1, { bodyText: body }));
    renderPane(1);
    const tab = await screen.findByTestId("body-tab-pretty");
    expect(tab).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("tablist")).toBeInTheDocument();
    expect(await docOf("body-pretty")).toBe(
      [
        "{",
        '  "amount": 12345678901234567890,',
        '  "rate": 1.0,',
        '  "exp": -0.0e+5,',
        '  "name": "caf\\u00e9",',
        '  "tags": [],',
        '  "n": {',
        '    "a": null',
        "  }",
        "}",
      ].join("\n"),
    );
    // Highlighted: the number is a token of its own.
    const numbers = [...screen.getByTestId("body-pretty").querySelectorAll(".hl-number")].map((n) => n.textContent);
    expect(numbers).toContain("12345678901234567890");
  });

  it("formats a body over 2 MB only when asked", async () => {
    // The size decides; a small text stands in for the big body.
    ipc.getEvent.mockResolvedValue(view(1, { bodyText: '{"a":1.50}' }, { size: 3 * 1024 * 1024 }));
    renderPane(1);
    expect(await screen.findByTestId("body-tab-raw")).toHaveAttribute("aria-selected", "true");
    await userEvent.click(screen.getByTestId("body-tab-pretty"));
    expect(screen.getByTestId("body-pretty-deferred")).toHaveTextContent("This body is 3.0 MB");
    expect(screen.queryByTestId("body-pretty")).toBeNull();
    await userEvent.click(screen.getByTestId("body-pretty-load"));
    expect(await docOf("body-pretty")).toBe('{\n  "a": 1.50\n}');
  });

  it("says why a body that claims to be JSON cannot be pretty-printed, and opens Raw", async () => {
    ipc.getEvent.mockResolvedValue(view(1, { bodyText: '{"a": 1,}' }));
    renderPane(1);
    expect(await screen.findByTestId("body-tab-raw")).toHaveAttribute("aria-selected", "true");
    await userEvent.click(screen.getByTestId("body-tab-pretty"));
    expect(screen.getByTestId("body-pretty-error")).toHaveTextContent("Not valid JSON");
  });

  it("shows text exactly in Raw: CRLF and a missing trailing newline survive and are called out", async () => {
    const body = "line one\r\nline two\nlast line";
    ipc.getEvent.mockResolvedValue(view(1, { bodyText: body }, { contentType: "text/plain" }));
    renderPane(1);
    expect(await screen.findByTestId("body-tab-raw")).toHaveAttribute("aria-selected", "true");
    expect(screen.queryByTestId("body-tab-pretty")).toBeNull();
    expect(await docOf("body-raw")).toBe(body);
    const hints = screen.getByTestId("body-raw-hints");
    expect(hints).toHaveTextContent("no trailing newline");
    expect(hints).toHaveTextContent("mixed line endings: 1 CRLF, 1 LF");
    // The \r is shown, not swallowed.
    expect(screen.getByTestId("body-raw").querySelector(".cm-specialChar")).not.toBeNull();
    await userEvent.click(screen.getByTestId("copy-body"));
    expect(ipc.copyText).toHaveBeenCalledWith(body);
  });

  it("shows JSON in Raw exactly as it arrived, trailing newline included", async () => {
    const body = '{"a": 1,   "b":[1,2]}\n';
    ipc.getEvent.mockResolvedValue(view(1, { bodyText: body }));
    renderPane(1);
    await userEvent.click(await screen.findByTestId("body-tab-raw"));
    expect(await docOf("body-raw")).toBe(body);
    expect(screen.getByTestId("body-raw-hints")).toHaveTextContent("ends with a newline (LF)");
  });

  it("dumps a binary body as offset | hex | ASCII", async () => {
    const bytes = [0x00, 0xff, 0x41, 0x42, 0x0a, 0x7e, 0x7f, 0x80, 0x20, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0xc3];
    const b64 = btoa(String.fromCharCode(...bytes));
    ipc.getEvent.mockResolvedValue(view(1, { bodyText: null, bodyBase64: b64 }, { contentType: "application/octet-stream", size: bytes.length }));
    renderPane(1);
    const tabs = await screen.findAllByRole("tab");
    expect(tabs.map((t) => t.textContent)).toEqual(["Hex"]);
    expect(tabs[0]).toHaveAttribute("aria-selected", "true");
    expect(screen.getByTestId("body-binary-note")).toHaveTextContent("Not valid UTF-8");
    const lines = (screen.getByTestId("hex-dump").textContent ?? "").split("\n");
    expect(lines[0]).toBe("00000000  00 ff 41 42 0a 7e 7f 80  20 43 44 45 46 47 48 49  |..AB.~.. CDEFGHI|");
    expect(lines[1]).toBe(`00000010  4a c3${" ".repeat(43)}  |J.|`);
  });

  it("dumps a text body's UTF-8 bytes in Hex", async () => {
    ipc.getEvent.mockResolvedValue(view(1, { bodyText: "é\n" }, { contentType: "text/plain" }));
    renderPane(1);
    await userEvent.click(await screen.findByTestId("body-tab-hex"));
    expect(screen.getByTestId("hex-dump").textContent).toContain("c3 a9 0a");
  });

  it("shows a big body's hex a slice at a time", async () => {
    const big = "x".repeat(40_000);
    ipc.getEvent.mockResolvedValue(view(1, { bodyText: big }, { contentType: "text/plain", size: big.length }));
    renderPane(1);
    await userEvent.click(await screen.findByTestId("body-tab-hex"));
    expect(screen.getByTestId("hex-dump").querySelectorAll(".hex-row")).toHaveLength(1024);
    expect(screen.getByTestId("hex-shown")).toHaveTextContent("Showing 16,384 of 40,000 bytes.");
    await userEvent.click(screen.getByTestId("hex-more"));
    expect(screen.getByTestId("hex-dump").querySelectorAll(".hex-row")).toHaveLength(2500);
    expect(screen.queryByTestId("hex-more")).toBeNull();
  });

  it("decodes a form body into fields, in order with duplicates", async () => {
    ipc.getEvent.mockResolvedValue(
      view(
        1,
        { bodyText: "name=Ada+Lovelace&tag=a&tag=b%26c&empty=&pct=100%25" },
        { contentType: "application/x-www-form-urlencoded; charset=utf-8" },
      ),
    );
    renderPane(1);
    expect(await screen.findByTestId("body-tab-form")).toHaveAttribute("aria-selected", "true");
    const rows = within(screen.getByTestId("form-params"))
      .getAllByTestId("form-param")
      .map((r) => [...r.children].map((c) => c.textContent));
    expect(rows).toEqual([
      ["name", "Ada Lovelace"],
      ["tag", "a"],
      ["tag", "b&c"],
      ["empty", "(empty)"],
      ["pct", "100%"],
    ]);
  });

  it("offers Form only for form content types", async () => {
    ipc.getEvent.mockResolvedValue(view(1, { bodyText: "a=1&b=2" }, { contentType: "text/plain" }));
    renderPane(1);
    await screen.findByTestId("body-tab-raw");
    expect(screen.queryByTestId("body-tab-form")).toBeNull();
  });

  it("says an empty body is empty", async () => {
    ipc.getEvent.mockResolvedValue(view(1, { bodyText: "" }, { size: 0, contentType: null }));
    renderPane(1);
    expect(await screen.findByTestId("body-empty")).toHaveTextContent("Empty body (0 bytes)");
    expect(screen.queryByRole("tablist")).toBeNull();
  });

  it("keeps the tab the user chose when the next event offers it", async () => {
    ipc.getEvent.mockImplementation((id) =>
      Promise.resolve(
        id === 3
          ? view(3, { bodyText: null, bodyBase64: btoa("\u00ff\u0000") }, { contentType: "application/octet-stream" })
          : view(id, { bodyText: `{"id":${id}}` }),
      ),
    );
    const { rerender } = renderPane(1);
    await userEvent.click(await screen.findByTestId("body-tab-raw"));
    expect(await docOf("body-raw")).toBe('{"id":1}');
    rerender(2);
    await waitFor(() => expect(docNow("body-raw")).toBe('{"id":2}'));
    expect(screen.getByTestId("body-tab-raw")).toHaveAttribute("aria-selected", "true");
    rerender(3);
    await waitFor(() => expect(screen.getByTestId("body-tab-hex")).toHaveAttribute("aria-selected", "true"));
    rerender(4);
    await waitFor(() => expect(screen.getByTestId("detail")).toHaveAttribute("data-event-id", "4"));
    expect(screen.getByTestId("body-tab-raw")).toHaveAttribute("aria-selected", "true");
  });

  it("moves between tabs with the arrow keys", async () => {
    ipc.getEvent.mockResolvedValue(view(1));
    renderPane(1);
    const pretty = await screen.findByTestId("body-tab-pretty");
    pretty.focus();
    await userEvent.keyboard("{ArrowRight}");
    expect(screen.getByTestId("body-tab-raw")).toHaveAttribute("aria-selected", "true");
    expect(screen.getByTestId("body-tab-raw")).toHaveFocus();
  });

  it("lists the other deliveries of the provider event and opens one on click", async () => {
    const summary = { providerEventId: "kevt_1", merchantId: "M 1", delivery: 2, provider: "kustom" };
    const d1 = ev(10, { ...summary, delivery: 1, receivedAtMs: 1_700_000_000_000 });
    const d2 = ev(11, { ...summary, delivery: 2, receivedAtMs: 1_700_000_300_000 });
    const d3 = ev(12, { ...summary, delivery: 3, receivedAtMs: 1_700_001_800_000 });
    ipc.getEvent.mockResolvedValue({ ...view(11, {}, summary), summary: d2, deliveries: [d1, d2, d3] });
    const { on } = renderPane(11);
    const links = await screen.findAllByTestId("delivery-link");
    expect(screen.getByTestId("detail-facts")).toHaveTextContent("3 deliveries:");
    expect(links.map((l) => l.textContent?.slice(0, 3))).toEqual(["1st", "2nd", "3rd"]);
    expect(links[1]).toHaveAttribute("aria-current", "true");
    expect(screen.getByTestId("redeliveries")).toHaveTextContent("← this one");
    expect(screen.getByTestId("redeliveries")).toHaveTextContent("+5 min");
    expect(screen.getByTestId("delivery")).toHaveTextContent("2nd delivery");
    await userEvent.click(links[2] as HTMLElement);
    expect(on.onSelectEvent).toHaveBeenCalledWith(12);
    await userEvent.click(links[1] as HTMLElement);
    expect(on.onSelectEvent).toHaveBeenCalledTimes(1);

    await userEvent.click(screen.getByTestId("deliveries-search"));
    expect(on.onSearch).toHaveBeenCalledWith("id:kevt_1");
    await userEvent.click(screen.getByTestId("merchant-search"));
    expect(on.onSearch).toHaveBeenLastCalledWith('merchant:"M 1"');
  });

  it("opens the resend editor on the event, and lists what was sent from it", async () => {
    ipc.getEvent.mockResolvedValue(view(4));
    renderPane(4);
    expect(await screen.findByTestId("deliveries-empty")).toHaveTextContent("Nothing sent from this event yet.");
    expect(ipc.listRuns).toHaveBeenCalledWith(4);
    await userEvent.click(screen.getByTestId("resend-open"));
    const editor = await screen.findByTestId("resend-editor");
    expect(editor).toHaveTextContent("Resend POST /hook/4");
    // Over the whole window, not inside the pane.
    expect(screen.getByTestId("detail").contains(editor)).toBe(false);
    await userEvent.click(screen.getByTestId("resend-close"));
    expect(screen.queryByTestId("resend-editor")).not.toBeInTheDocument();
  });

  it("pins and unpins", async () => {
    ipc.getEvent.mockResolvedValue(view(4));
    const { on, rerender } = renderPane(4);
    const toggle = await screen.findByTestId("pin-toggle");
    expect(toggle).toHaveTextContent("Pin");
    await userEvent.click(toggle);
    expect(on.onPin).toHaveBeenCalledWith(4, true);
    // The timeline's updated summary shows at once and triggers a refetch.
    ipc.getEvent.mockResolvedValue(view(4, {}, { pinned: true }));
    rerender(4, ev(4, { pinned: true }));
    expect(screen.getByTestId("pin-toggle")).toHaveTextContent("Unpin");
    expect(screen.getByTestId("pinned-state")).toHaveTextContent("Pinned");
    await waitFor(() => expect(ipc.getEvent).toHaveBeenCalledTimes(2));
    await userEvent.click(screen.getByTestId("pin-toggle"));
    expect(on.onPin).toHaveBeenLastCalledWith(4, false);
  });

  it("ignores a response that arrives after a newer selection", async () => {
    const first = deferred<EventView>();
    const second = deferred<EventView>();
    ipc.getEvent.mockImplementation((id) => (id === 1 ? first.promise : second.promise));
    const { rerender } = renderPane(1);
    rerender(2);
    await act(async () => second.resolve(view(2, {}, { path: "/second" })));
    expect(await screen.findByTestId("detail")).toHaveAttribute("data-event-id", "2");
    await act(async () => first.resolve(view(1, {}, { path: "/first" })));
    expect(screen.getByTestId("detail")).toHaveAttribute("data-event-id", "2");
    expect(screen.getByTestId("detail")).toHaveTextContent("/second");
    expect(screen.getByTestId("detail")).not.toHaveTextContent("/first");
  });

  it("keeps showing the current event while a re-verified copy loads, then shows the new verdict", async () => {
    ipc.getEvent.mockResolvedValueOnce(view(7, {}, { path: "/seven" }));
    const { rerender } = renderPane(7, ev(7));
    await screen.findByTestId("verdict-card");
    expect(screen.getByTestId("verdict-card")).toHaveAttribute("data-status", "unsigned");
    const later = deferred<EventView>();
    ipc.getEvent.mockReturnValueOnce(later.promise);
    const updated = ev(7, {
      path: "/seven",
      verdict: { status: "valid", scheme: "github", secret: "prod", ageS: null, diagnosis: null, reason: null, assumed: false },
    });
    rerender(7, updated);
    expect(ipc.getEvent).toHaveBeenCalledTimes(2);
    // No flash of an empty or loading pane: the content stays.
    expect(screen.getByTestId("detail-facts")).toBeInTheDocument();
    expect(screen.getByTestId("body-view")).toBeInTheDocument();
    expect(screen.getByTestId("verdict-card")).toHaveAttribute("data-status", "valid");
    await act(async () => later.resolve({ ...view(7), summary: updated }));
    expect(screen.queryByTestId("detail-loading")).toBeNull();
  });

  it("keeps the previous event on screen until the next one arrives", async () => {
    const next = deferred<EventView>();
    ipc.getEvent.mockResolvedValueOnce(view(1, {}, { path: "/one" })).mockReturnValueOnce(next.promise);
    const { rerender } = renderPane(1);
    await screen.findByTestId("detail-facts");
    rerender(2);
    expect(screen.getByTestId("detail")).toHaveTextContent("/one");
    expect(screen.getByTestId("detail-loading")).toBeInTheDocument();
    await act(async () => next.resolve(view(2, {}, { path: "/two" })));
    expect(screen.getByTestId("detail")).toHaveTextContent("/two");
  });

  it("says when the event cannot be loaded", async () => {
    ipc.getEvent.mockRejectedValue(new IpcError({ kind: "not_found", message: "no event 9" }));
    renderPane(9);
    expect(await screen.findByTestId("detail-error")).toHaveTextContent("This event is no longer stored.");
  });

  it("copies a curl command from the core and saves the body", async () => {
    ipc.getEvent.mockResolvedValue(view(3));
    ipc.curlCommand.mockResolvedValue("curl -X POST http://127.0.0.1:9494/hook/3 --data-binary @-");
    ipc.saveBody.mockResolvedValueOnce("/home/ada/body-3.json").mockResolvedValueOnce(null);
    renderPane(3);
    await userEvent.click(await screen.findByTestId("copy-curl"));
    expect(ipc.curlCommand).toHaveBeenCalledWith(3);
    await waitFor(() =>
      expect(ipc.copyText).toHaveBeenCalledWith("curl -X POST http://127.0.0.1:9494/hook/3 --data-binary @-"),
    );
    expect(await screen.findByText("Copied")).toBeInTheDocument();

    await userEvent.click(screen.getByTestId("save-body"));
    expect(ipc.saveBody).toHaveBeenCalledWith(3);
    expect(await screen.findByTestId("save-body-result")).toHaveTextContent("Saved to /home/ada/body-3.json");
    // Cancelled in the dialog: nothing to say.
    await userEvent.click(screen.getByTestId("save-body"));
    await waitFor(() => expect(screen.queryByTestId("save-body-result")).toBeNull());
  });

  it("says why saving failed", async () => {
    ipc.getEvent.mockResolvedValue(view(3));
    ipc.saveBody.mockRejectedValue(new IpcError({ kind: "store", message: "permission denied: /root/x" }));
    renderPane(3);
    await userEvent.click(await screen.findByTestId("save-body"));
    expect(await screen.findByTestId("save-body-result")).toHaveTextContent(
      "Could not save the body: permission denied: /root/x",
    );
  });

  it("shows hostile payload content as text only and creates no elements from it", async () => {
    const evil = [
      "<script>alert(1)</script>",
      "<img src=x onerror=alert(1)>",
      "javascript:alert(1)",
      "</textarea><iframe src=javascript:alert(1)>",
      "<a href=\"javascript:alert(1)\">x</a>",
    ];
    const text = evil.join(" ");
    const json = JSON.stringify({ html: text, url: "javascript:alert(1)" });
    ipc.getEvent.mockResolvedValue({
      ...view(
        6,
        {
          url: `http://127.0.0.1:9494/<script>alert(1)</script>?next=javascript:alert(1)&x=${encodeURIComponent(evil[1] ?? "")}`,
          headers: evil.map((v, i) => ({ name: `X-Evil-${i}`, value: v, binary: false, masked: false })),
          bodyText: json,
          refs: [{ name: "<img src=x onerror=alert(2)>", value: "<script>alert(3)</script>" }],
          deliveries: [],
        },
        {
          path: "/<script>alert(1)</script>",
          query: `next=javascript:alert(1)&x=${encodeURIComponent(evil[1] ?? "")}`,
          method: "POST",
          eventType: "<img src=x onerror=alert(4)>",
          providerEventId: "<script>alert(5)</script>",
          merchantId: "javascript:alert(6)",
          contentType: "application/json",
          remoteAddr: "<b>bold</b>",
        },
      ),
    });
    const { container } = renderPane(6);
    await screen.findByTestId("body-pretty");
    const pane = screen.getByTestId("detail");
    expect(container.querySelectorAll("script, img, iframe, a, b, textarea, object, embed")).toHaveLength(0);
    expect(pane.querySelectorAll("[onerror], [href], [src]")).toHaveLength(0);
    expect(screen.getByTestId("detail-url")).toHaveTextContent("/<script>alert(1)</script>?next=javascript:alert(1)");
    expect(screen.getByTestId("headers-table")).toHaveTextContent("<img src=x onerror=alert(1)>");
    expect(screen.getByTestId("headers-table")).toHaveTextContent("</textarea><iframe src=javascript:alert(1)>");
    expect(screen.getByTestId("query-params")).toHaveTextContent("<img src=x onerror=alert(1)>");
    expect(screen.getByTestId("detail-facts")).toHaveTextContent("<script>alert(3)</script>");
    expect(screen.getByTestId("detail-facts")).toHaveTextContent("<b>bold</b>");
    expect(await docOf("body-pretty")).toContain("<script>alert(1)</script>");
    await userEvent.click(screen.getByTestId("body-tab-raw"));
    expect(await docOf("body-raw")).toBe(json);
    await userEvent.click(screen.getByTestId("body-tab-hex"));
    expect(container.querySelectorAll("script, img, iframe, a, b, textarea")).toHaveLength(0);
  });
});
