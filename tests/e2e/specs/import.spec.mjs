// Import in the real app as support staff use it: a raw request copied from
// a merchant's logs is pasted in "Paste request…", previewed as it is
// typed, imported, and shown in the timeline with the "imported" chip and
// the verdict its signature earns against the endpoint's secret. Pasting it
// again adds nothing. Then the events are exported as HAR with redaction:
// the preview names the bearer token, the native save dialog (run by the
// shell) is answered with xdotool, and the file holds no token.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { check, invoke, launchApp, waitGone } from "../harness.mjs";

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

describe("paste request", () => {
  let app;

  before(async () => {
    app = await launchApp("import");
    await app.browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
    await app.browser.setWindowRect(0, 0, 1280, 800);
    const endpoint = await invoke(app.browser, "add_endpoint", {
      spec: {
        name: "GitHub",
        pathPrefix: "/github",
        preset: "github",
        response: { status: 200, headers: [], body: "", delayMs: 0 },
        scheme: null,
        forward: null,
      },
    });
    await invoke(app.browser, "add_secret", { args: { endpointId: endpoint.id, label: "docs", value: SECRET } });
  });

  after(async () => {
    await app?.stop();
  });

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

  it("exports the events as HAR with the bearer token redacted, to the file chosen in the save dialog", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hooklens-e2e-export-"));
    const target = join(dir, "case.har");
    try {
      await check(app, "export", async () => {
        const { browser } = app;
        await browser.$('[data-testid="export-events"]').click();
        await browser.$('[data-testid="export-dialog"]').waitForDisplayed({ timeout: 5_000 });
        await waitForText('[data-testid="export-scope"]', /Every event/, "the export scope");
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
        const har = readFileSync(target, "utf8");
        assert.ok(!har.includes("sk_live_e2eNotARealToken481"), "the token is in the file");
        assert.equal(JSON.parse(har).log.entries.length, 2);
        assert.match(har, /\/github\/hooks/);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
