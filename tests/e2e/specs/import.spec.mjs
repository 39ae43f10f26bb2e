// Import in the real app as support staff use it: a raw request copied from
// a merchant's logs is pasted in "Paste request…", previewed as it is
// typed, imported, and shown in the timeline with the "imported" chip and
// the verdict its signature earns against the endpoint's secret. Pasting it
// again adds nothing. HAR files and a raw request are dragged out of another
// application (a small GTK window, tests/e2e/dragsource.py) and dropped on
// the window with a real X11 drag and drop: one file, then two at once,
// summed up file by file. Import… imports a file picked in the native open
// dialog into the endpoint chosen, with a note. Then two events selected in
// the timeline with Ctrl+click are exported as HAR with redaction: the
// preview names the bearer token, the native save dialog (run by the shell)
// is answered with xdotool, and the file holds those two events and no token.
import assert from "node:assert/strict";
import { execFile, execFileSync, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { closeSync, constants, createWriteStream, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { check, invoke, launchApp, waitGone } from "../harness.mjs";

const DRAG_SOURCE = join(dirname(fileURLToPath(import.meta.url)), "..", "dragsource.py");

// The example secret of GitHub's documentation.
const SECRET = "It's a Secret to Everybody";
const BODY = '{"action":"opened","number":481}';
const TOKEN = "Bearer sk_live_e2eNotARealToken481";
const signature = (body) => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;

/** A request as a log shows it: request line, headers, blank line, body. */
const raw = (body, sig) =>
  [
    "POST /github/hooks HTTP/1.1",
    "Host: merchant.example",
    `Authorization: ${TOKEN}`,
    "Content-Type: application/json",
    "X-GitHub-Event: pull_request",
    `X-Hub-Signature-256: ${sig}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    "",
    body,
  ].join("\n");

/** Runs xdotool on the test's X display; resolves to its output. */
const xdotool = (...args) =>
  new Promise((resolve, reject) =>
    execFile("xdotool", args, { timeout: 10_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout.trim()))),
  );

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A HAR entry as devtools writes one: `body` posted to merchant.example at `at`. */
const harEntry = ({ path, body, at, encoding }) => ({
  startedDateTime: at,
  request: {
    method: "POST",
    url: `https://merchant.example${path}`,
    httpVersion: "HTTP/1.1",
    headers: [{ name: "Content-Type", value: "application/json" }],
    queryString: [],
    cookies: [],
    headersSize: -1,
    bodySize: body.length,
    postData: { mimeType: "application/json", text: body, ...(encoding ? { encoding } : {}) },
  },
  response: { status: 200, statusText: "OK", httpVersion: "HTTP/1.1", headers: [], content: { size: 0, mimeType: "text/plain" } },
  cache: {},
  timings: { send: 0, wait: 1, receive: 0 },
});

const HAR_START = '{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[';
const HAR_END = "]}}";

/** A HAR 1.2 file as devtools saves one, of the entries given as { path, body, at, encoding? }. */
const har = (entries) => HAR_START + entries.map((e) => JSON.stringify(harEntry(e))).join(",") + HAR_END;

/** Where the app's window is (setWindowRect in before) and where files are dropped on it. */
const WINDOW = { width: 1280, height: 800 };
const DROP_AT = { x: 640, y: 450 };
/** The drag source's window, beside the app's (no window manager moves it under Xvfb). */
const SOURCE_AT = { x: 1500, y: 200 };

/**
 * Drags `files` out of another application and drops them on the app's
 * window, as a person drags files out of a file manager: a GTK window
 * (dragsource.py) offers them as text/uri-list, and xdotool presses on it,
 * moves the pointer in small steps onto the app's window and releases.
 * `whileOver` runs while the files hover over the window, before the drop.
 */
async function dropFiles(files, whileOver = async () => {}) {
  const source = spawn("/usr/bin/python3", [DRAG_SOURCE, String(SOURCE_AT.x), String(SOURCE_AT.y), ...files], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let said = "";
  let errors = "";
  source.stdout.on("data", (chunk) => (said += chunk));
  source.stderr.on("data", (chunk) => (errors += chunk));
  const exited = new Promise((resolve) => source.once("exit", resolve));
  const heard = async (pattern, what, timeout = 10_000) => {
    const deadline = Date.now() + timeout;
    while (!pattern.test(said)) {
      if (source.exitCode !== null || Date.now() > deadline) {
        throw new Error(`the drag source ${what}; it said ${JSON.stringify(said)} ${errors}`);
      }
      await sleep(25);
    }
  };
  try {
    await heard(/^ready .*\n/m, "did not open");
    const [x, y, width, height] = said.match(/^ready (\d+) (\d+) (\d+) (\d+)$/m).slice(1).map(Number);
    const from = { x: x + Math.round(width / 2), y: y + Math.round(height / 2) };
    await xdotool("mousemove", "--sync", String(from.x), String(from.y));
    await sleep(100);
    await xdotool("mousedown", "1");
    // Small steps: GTK starts a drag once the pointer has moved past its threshold, and the target hears each position.
    const steps = 24;
    for (let i = 1; i <= steps; i += 1) {
      const px = Math.round(from.x + ((DROP_AT.x - from.x) * i) / steps);
      const py = Math.round(from.y + ((DROP_AT.y - from.y) * i) / steps);
      await xdotool("mousemove", String(px), String(py));
      await sleep(30);
    }
    await heard(/^drag-begin$/m, "did not start a drag");
    await whileOver();
    await xdotool("mouseup", "1");
    await heard(/^drag-end$/m, "did not see the drag end");
    assert.match(said, /^data-get \d+$/m, `the app never asked for the dropped files: ${said}`);
    assert.doesNotMatch(said, /^drag-failed/m, said);
    await exited;
  } finally {
    if (source.exitCode === null) source.kill();
  }
}

describe("import and export", () => {
  let app;
  let files;

  before(async () => {
    app = await launchApp("import");
    await app.browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
    await app.browser.setWindowRect(0, 0, WINDOW.width, WINDOW.height);
    const endpoint = await invoke(app.browser, "add_endpoint", {
      spec: {
        name: "GitHub",
        pathPrefix: "/github",
        preset: "github",
        response: { status: 200, headers: [], body: "", delayMs: 0 },
        scheme: null,
        forwards: [],
      },
    });
    await invoke(app.browser, "add_secret", { args: { endpointId: endpoint.id, label: "docs", value: SECRET } });
    files = mkdtempSync(join(tmpdir(), "hooklens-e2e-import-"));
  });

  after(async () => {
    await app?.stop();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  /** Writes a file for the user to import; resolves to its path. */
  const file = (name, contents) => {
    const path = join(files, name);
    writeFileSync(path, contents);
    return path;
  };

  /** The timeline's rows as text, newest first. */
  const rowTexts = () =>
    app.browser.execute(() => [...document.querySelectorAll('[data-testid="event-row"]')].map((r) => r.textContent));

  /** Clicks `element` with Ctrl held, as a person adds a row to the selection. */
  async function ctrlClick(element) {
    await element.scrollIntoView({ block: "center" });
    const CTRL = "\uE009";
    await app.browser.performActions([
      {
        type: "key",
        id: "keyboard",
        actions: [{ type: "keyDown", value: CTRL }, { type: "pause" }, { type: "pause" }, { type: "pause" }, { type: "keyUp", value: CTRL }],
      },
      {
        type: "pointer",
        id: "mouse",
        parameters: { pointerType: "mouse" },
        actions: [
          { type: "pointerMove", origin: { "element-6066-11e4-a52e-4f735466cecf": element.elementId }, x: 0, y: 0 },
          { type: "pointerDown", button: 0 },
          { type: "pointerUp", button: 0 },
          { type: "pause" },
          { type: "pause" },
        ],
      },
    ]);
    await app.browser.releaseActions();
  }

  /** Waits for the rows whose path is `path`, and checks each is marked imported. */
  async function importedRows(path, count) {
    const { browser } = app;
    await browser.waitUntil(async () => (await rowTexts()).filter((t) => t.includes(path)).length === count, {
      timeout: 10_000,
      timeoutMsg: `not ${count} rows of ${path}: ${JSON.stringify(await rowTexts())}`,
    });
    const chips = await browser.execute(
      (p) =>
        [...document.querySelectorAll('[data-testid="event-row"]')]
          .filter((r) => r.querySelector(".col-path")?.textContent.endsWith(p))
          .map((r) => r.querySelector('[data-testid="imported-chip"]') !== null),
      path,
    );
    assert.deepEqual(chips, Array(count).fill(true), `rows of ${path} without the imported chip`);
  }

  const text = (el) => el.getProperty("textContent");

  async function waitForText(selector, pattern, what) {
    const el = app.browser.$(selector);
    await app.browser.waitUntil(async () => pattern.test((await text(el).catch(() => "")) ?? ""), {
      timeout: 15_000,
      timeoutMsg: `${what}: ${JSON.stringify(await text(el).catch(() => null))}`,
    });
    return el;
  }

  async function paste(request) {
    const { browser } = app;
    await browser.$('[data-testid="paste-request"]').click();
    await browser.$('[data-testid="paste-import-dialog"]').waitForDisplayed({ timeout: 5_000 });
    // Set as a paste would, in one change, then let React hear it.
    await browser.execute((value) => {
      const box = document.querySelector('[data-testid="paste-import-text"]');
      const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
      setter.call(box, value);
      box.dispatchEvent(new Event("input", { bubbles: true }));
    }, request);
  }

  it("previews a pasted raw request, imports it, and shows it imported with a valid verdict", async () => {
    await check(app, "paste import", async () => {
      const { browser } = app;
      await paste(raw(BODY, signature(BODY)));
      await waitForText('[data-testid="paste-import-detected"]', /Detected: raw HTTP request/, "the detected format");
      await waitForText('[data-testid="paste-import-entry"]', /POST\s+\/github\/hooks/, "the previewed request");
      await app.screenshot("preview");
      await browser.$('[data-testid="paste-import-submit"]').click();
      await waitGone(browser, '[data-testid="paste-import-dialog"]', "the paste dialog");
      await waitForText('[data-testid="import-notice"]', /^1 imported/, "the import summary");

      const row = browser.$('[data-testid="event-row"]');
      await row.waitForDisplayed({ timeout: 10_000 });
      assert.match(await text(row), /\/github\/hooks/);
      assert.ok(await row.$('[data-testid="imported-chip"]').isExisting(), "the row has no imported chip");
      const badge = row.$('[data-testid="verdict-badge"]');
      await browser.waitUntil(async () => (await badge.getAttribute("data-status")) === "valid", {
        timeout: 10_000,
        timeoutMsg: `the imported event's verdict is ${await badge.getAttribute("data-status")}, not valid`,
      });
      // The first imported event is opened.
      await waitForText('[data-testid="detail"]', /\/github\/hooks/, "the opened event");
      await app.screenshot("imported");
    });
  });

  it("adds nothing when the same request is pasted again", async () => {
    await check(app, "paste again", async () => {
      const { browser } = app;
      await paste(raw(BODY, signature(BODY)));
      await waitForText('[data-testid="paste-import-total"]', /Will create 1 request/, "the preview");
      await browser.$('[data-testid="paste-import-submit"]').click();
      await waitGone(browser, '[data-testid="paste-import-dialog"]', "the paste dialog");
      await waitForText('[data-testid="import-notice"]', /0 imported, 1 already imported before/, "the summary");
      assert.equal((await browser.$$('[data-testid="event-row"]')).length, 1);
    });
  });

  it("judges a tampered body invalid", async () => {
    await check(app, "paste tampered", async () => {
      const { browser } = app;
      const tampered = BODY.replace("481", "482");
      await paste(raw(tampered, signature(BODY)));
      await waitForText('[data-testid="paste-import-total"]', /Will create 1 request/, "the preview");
      await browser.$('[data-testid="paste-import-submit"]').click();
      await waitForText('[data-testid="import-notice"]', /^1 imported/, "the import summary");
      await browser.waitUntil(async () => (await browser.$$('[data-testid="event-row"]')).length === 2, {
        timeout: 10_000,
        timeoutMsg: "the tampered request is not in the timeline",
      });
      const badge = browser.$('[data-testid="event-row"]').$('[data-testid="verdict-badge"]');
      await browser.waitUntil(async () => (await badge.getAttribute("data-status")) === "invalid", {
        timeout: 10_000,
        timeoutMsg: `the tampered event's verdict is ${await badge.getAttribute("data-status")}, not invalid`,
      });
    });
  });

  it("imports a HAR file dragged from another application and dropped on the window", async () => {
    await check(app, "drop one", async () => {
      const { browser } = app;
      const path = file(
        "case-481.har",
        har([
          { path: "/shop/orders", body: '{"order":1}', at: "2024-05-01T10:00:00.000Z" },
          { path: "/shop/orders", body: '{"order":2}', at: "2024-05-01T10:00:05.000Z" },
        ]),
      );
      await dropFiles([path], async () => {
        // While the file hovers, the window says what a drop does.
        const overlay = browser.$('[data-testid="drop-overlay"]');
        await overlay.waitForDisplayed({ timeout: 5_000, timeoutMsg: "no drop hint while the file hovers over the window" });
        assert.match(await text(overlay), /goes to the endpoint its path matches, with no note/);
        await app.screenshot("drop-hover");
      });
      await waitGone(browser, '[data-testid="drop-overlay"]', "the drop hint");
      await waitForText('[data-testid="import-notice-text"]', /^case-481\.har: 2 imported$/, "the drop's summary");
      await importedRows("/shop/orders", 2);
      // The first imported event is opened, and says where it came from.
      await waitForText('[data-testid="detail-source"]', /case-481\.har \(HAR file, entry 1\)/, "the opened event's source");
      await app.screenshot("dropped-one");
    });
  });

  it("imports two dropped files one after another and sums them up file by file", async () => {
    await check(app, "drop two", async () => {
      const { browser } = app;
      const disputes = file(
        "disputes.har",
        har([
          { path: "/shop/disputes", body: '{"dispute":1}', at: "2024-05-02T09:00:00.000Z" },
          { path: "/shop/disputes", body: "not base64!", at: "2024-05-02T09:00:01.000Z", encoding: "base64" },
        ]),
      );
      const refund = file(
        "refund.http",
        "POST /shop/refunds HTTP/1.1\r\nHost: merchant.example\r\nContent-Type: application/json\r\n\r\n{\"refund\":1}",
      );
      await dropFiles([disputes, refund]);
      const summary = await waitForText('[data-testid="import-notice-text"]', /^2 files: /, "the drop's summary");
      assert.match(
        await text(summary),
        /^2 files: 2 imported, 1 skipped — disputes\.har: entry 2\b.*body is not valid base64$/,
        "the summary of both files",
      );
      const lines = await browser.execute(() =>
        [...document.querySelectorAll('[data-testid="import-notice-file"]')].map((l) => l.textContent),
      );
      assert.equal(lines.length, 2, JSON.stringify(lines));
      assert.match(lines[0], /^disputes\.har: 1 imported, 1 skipped: entry 2\b.*body is not valid base64$/);
      assert.equal(lines[1], "refund.http: 1 imported");
      await importedRows("/shop/disputes", 1);
      await importedRows("/shop/refunds", 1);
      await app.screenshot("dropped-two");
    });
  });

  it("imports a file picked in Import… into the endpoint chosen, with a note", async () => {
    await check(app, "import dialog", async () => {
      const { browser } = app;
      const path = file("ticket-482.har", har([{ path: "/hooks/ticket", body: '{"ticket":482}', at: "2024-05-03T08:00:00.000Z" }]));
      await browser.$('[data-testid="import-file"]').click();
      await browser.$('[data-testid="import-file-dialog"]').waitForDisplayed({ timeout: 5_000 });
      await browser.$('[data-testid="import-file-endpoint"]').selectByVisibleText("GitHub (/github)");
      await browser.$('[data-testid="import-file-note"]').setValue("ticket 482");
      await app.screenshot("import-dialog");
      await browser.$('[data-testid="import-file-choose"]').click();
      // The shell's native open dialog: type the file's path into its location field.
      let dialog = "";
      await browser.waitUntil(
        async () => {
          dialog = await xdotool("search", "--onlyvisible", "--name", "^Import requests$").catch(() => "");
          return dialog !== "";
        },
        { timeout: 10_000, timeoutMsg: "the open dialog did not open" },
      );
      const id = dialog.split("\n").at(-1);
      await xdotool("windowfocus", "--sync", id);
      await xdotool("key", "--window", id, "ctrl+l");
      await xdotool("type", "--window", id, "--delay", "20", path);
      // Sent to the window with the focus, as a key press is: the open dialog
      // does not act on a Return sent to it directly (a synthetic event).
      await sleep(200);
      await xdotool("key", "Return");
      await waitGone(browser, '[data-testid="import-file-dialog"]', "the Import… dialog", 10_000);
      await waitForText('[data-testid="import-notice-text"]', /^ticket-482\.har: 1 imported$/, "the import's summary");
      await importedRows("/hooks/ticket", 1);
      // Into GitHub, not routed by its path, and with the note.
      const facts = await waitForText('[data-testid="detail-facts"]', /ticket-482\.har/, "the opened event");
      assert.match(await text(facts), /Endpoint\s*GitHub/);
      assert.match(await text(browser.$('[data-testid="detail-source"]')), /“ticket 482”/);
    });
  });

  it("exports the two events selected with Ctrl+click as HAR, the bearer token redacted, to the file chosen in the save dialog", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hooklens-e2e-export-"));
    const target = join(dir, "case.har");
    try {
      await check(app, "export", async () => {
        const { browser } = app;
        // The two pasted GitHub requests, among the dropped and imported ones.
        const rows = await browser.$$('[data-testid="event-row"]');
        const github = [];
        for (const row of rows) if ((await text(row)).includes("/github/hooks")) github.push(row);
        assert.equal(github.length, 2, "the two pasted requests are not both listed");
        assert.ok(rows.length > 2, "nothing else is listed: a selection would not be told from every event");
        const ids = await Promise.all(github.map((row) => row.getAttribute("data-event-id")));
        // Ctrl+click toggles a row into the selection (a plain click opens the row; see Timeline.tsx).
        for (const row of github) await ctrlClick(row);
        // The pointer leaves the rows, so no row's tooltip covers what follows.
        await browser.$('[data-testid="event-count"]').moveTo();
        await waitForText('[data-testid="selection-count"]', /^2 selected$/, "two rows are not selected");
        const selected = await browser.execute(() =>
          [...document.querySelectorAll('[data-testid="event-row"][aria-selected="true"]')].map((r) => r.dataset.eventId),
        );
        assert.deepEqual(selected.sort(), [...ids].sort());
        await app.screenshot("export-selection");

        await browser.$('[data-testid="selection-export"]').click();
        await browser.$('[data-testid="export-dialog"]').waitForDisplayed({ timeout: 5_000 });
        await waitForText('[data-testid="export-scope"]', /^The 2 selected events\.$/, "the export scope");
        await browser.$('[data-testid="export-preview"]').click();
        await waitForText('[data-testid="export-preview-summary"]', /removed from 2 events of 2/, "the preview summary");
        const listed = await browser.execute(() =>
          [...document.querySelectorAll('[data-testid="export-preview-item"]')].map((i) => i.textContent),
        );
        assert.ok(listed.some((t) => /header Authorization: value removed/.test(t)), JSON.stringify(listed));
        await app.screenshot("export-preview");

        await browser.$('[data-testid="export-submit"]').click();
        // The shell's native save dialog: type the path into its name field.
        let dialog = "";
        await browser.waitUntil(
          async () => {
            dialog = await xdotool("search", "--onlyvisible", "--name", "^Export events$").catch(() => "");
            return dialog !== "";
          },
          { timeout: 10_000, timeoutMsg: "the save dialog did not open" },
        );
        const id = dialog.split("\n").at(-1);
        await xdotool("windowfocus", "--sync", id);
        await xdotool("key", "--window", id, "ctrl+a");
        await xdotool("type", "--window", id, "--delay", "20", target);
        await xdotool("key", "--window", id, "Return");
        await waitForText('[data-testid="import-notice"]', /^Exported 2 events; 2 events were redacted/, "the export summary");
        assert.ok(existsSync(target), "no file was written");
        const written = readFileSync(target, "utf8");
        assert.ok(!written.includes("sk_live_e2eNotARealToken481"), "the token is in the file");
        // Exactly the two selected events: the signed body and the tampered one, nothing dropped or imported.
        const entries = JSON.parse(written).log.entries;
        assert.equal(entries.length, 2);
        assert.deepEqual(entries.map((e) => new URL(e.request.url).pathname), ["/github/hooks", "/github/hooks"]);
        assert.deepEqual(entries.map((e) => e.request.postData.text).sort(), [BODY, BODY.replace("481", "482")].sort());
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stops a drop of two files at Cancel: the file being read stops, the next is not started, what was stored stays", async () => {
    // A named pipe stands in for a large HAR file, so the test decides how
    // far the import can read: 600 entries, then Cancel, then the rest.
    const bulk = join(files, "bulk.har");
    execFileSync("mkfifo", [bulk]);
    const late = file("late.har", har([{ path: "/shop/late", body: '{"late":1}', at: "2024-05-04T08:00:00.000Z" }]));
    const entries = (from, to) =>
      Array.from({ length: to - from }, (_, i) =>
        JSON.stringify(harEntry({ path: `/bulk/${from + i}`, body: `{"n":${from + i}}`, at: "2024-04-01T00:00:00.000Z" })),
      ).join(",");
    // Opens once the app opens the pipe to read it.
    const pipe = createWriteStream(bulk);
    try {
      await check(app, "cancel", async () => {
        const { browser } = app;
        const captured = async () => Number((await text(browser.$('[data-testid="event-count"]'))).replace(/\D/g, ""));
        const before = await captured();
        pipe.write(HAR_START + entries(0, 600));
        await dropFiles([bulk, late]);
        await waitForText('[data-testid="import-bar-text"]', /^Importing bulk\.har \(1 of 2\)/, "the import bar");
        await app.screenshot("import-bar");
        await browser.$('[data-testid="import-cancel"]').click();
        await waitForText('[data-testid="import-cancel"]', /^Cancelling…$/, "the Cancel button");
        // Room for the cancel to reach the shell before the import can read on.
        await sleep(500);
        pipe.end("," + entries(600, 700) + HAR_END);
        await waitGone(browser, '[data-testid="import-bar"]', "the import bar", 10_000);
        await waitForText(
          '[data-testid="import-notice-text"]',
          /^2 files: 600 imported \(cancelled; 1 file not started\)$/,
          "the summary of a cancelled import",
        );
        const lines = await browser.execute(() =>
          [...document.querySelectorAll('[data-testid="import-notice-file"]')].map((l) => l.textContent),
        );
        assert.deepEqual(lines, ["bulk.har: 600 imported (cancelled)", "late.har: not started (cancelled)"]);
        // The 600 stored before the cancel stay; nothing of the file after it was imported.
        await browser.waitUntil(async () => (await captured()) === before + 600, {
          timeout: 10_000,
          timeoutMsg: `captured: ${await captured()}, not ${before + 600}`,
        });
        assert.ok(!(await rowTexts()).some((t) => t.includes("/shop/late")), "late.har was imported");
        await app.screenshot("cancelled");
      });
    } finally {
      // A writer still waiting for the app to open the pipe is let go.
      if (pipe.pending) closeSync(openSync(bulk, constants.O_RDONLY | constants.O_NONBLOCK));
      pipe.destroy();
    }
  });
});
