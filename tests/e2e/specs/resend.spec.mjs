// Resending as a person does it: a GitHub-signed request arrives, is opened,
// its body edited in the resend editor and sent to a local handler that
// checks GitHub's X-Hub-Signature-256 itself. Re-signed, the handler accepts
// the edited body (200); with the original headers kept, it rejects it (401).
// The event then lists both sends with the handler's replies. Screenshots
// of the editor (with its diff) and of the deliveries, light and dark.
import assert from "node:assert/strict";
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { after, before, describe, it } from "node:test";
import { addSecretInEditor, check, launchApp } from "../harness.mjs";

const SECRET = "It's a Secret to Everybody";
const sign = (body) => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
const ORIGINAL = '{"action":"opened","number":1,"repository":{"full_name":"octo/hooks"}}';
const EDITED = '{"action":"closed","number":1,"repository":{"full_name":"octo/hooks"}}';

/** A webhook handler on a free port that verifies GitHub signatures with node:crypto. */
function startHandler() {
  const received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const given = Buffer.from(String(req.headers["x-hub-signature-256"] ?? ""));
      const expected = Buffer.from(sign(body));
      const valid = given.length === expected.length && timingSafeEqual(given, expected);
      received.push({ method: req.method, url: req.url, headers: req.headers, body: body.toString("utf8"), valid });
      res.writeHead(valid ? 200 : 401, { "content-type": "application/json" });
      res.end(valid ? '{"ok":true}' : '{"ok":false,"error":"bad signature"}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, received, url: `http://127.0.0.1:${server.address().port}/webhooks` })),
  );
}

for (const theme of ["light", "dark"]) {
  describe(`resend (${theme})`, () => {
    let app;
    let handler;

    before(async () => {
      handler = await startHandler();
      app = await launchApp(`resend-${theme}`, { env: theme === "dark" ? { GTK_THEME: "Adwaita:dark" } : {} });
      await app.browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
      await app.browser.setWindowRect(0, 0, 1280, 800);
    });

    after(async () => {
      await app?.stop();
      await new Promise((r) => (handler ? handler.server.close(r) : r()));
    });

    const text = (el) => el.getProperty("textContent");
    async function waitForText(selector, pattern, what, timeout = 15_000) {
      const el = app.browser.$(selector);
      await app.browser.waitUntil(async () => pattern.test((await text(el).catch(() => "")) ?? ""), {
        timeout,
        timeoutMsg: `${what}: ${JSON.stringify(await text(el).catch(() => null))}`,
      });
      return el;
    }
    // The pointer rests outside the window's content: no hover effects in screenshots.
    const away = () => app.browser.$('[data-testid="app-header"]').moveTo({ xOffset: 5, yOffset: 5 }).catch(() => {});
    const bodyText = () =>
      app.browser.execute(() => {
        const lines = document.querySelectorAll('[data-testid="resend-body"] .cm-line');
        return [...lines].map((l) => l.textContent).join("\n");
      });

    /** Types text one key per command: WebKitWebDriver drops a repeated key within one sequence. */
    async function typeText(value) {
      for (const ch of value) await app.browser.keys([ch]);
    }

    async function openEditor() {
      const { browser } = app;
      await browser.$('[data-testid="resend-open"]').click();
      await browser.$('[data-testid="resend-editor"]').waitForDisplayed({ timeout: 5_000 });
      await browser.$('[data-testid="resend-body"] .cm-content').waitForDisplayed({ timeout: 5_000 });
    }

    /** Clicks into the body, selects the word "opened" and types over it. */
    async function editBody() {
      const { browser } = app;
      const word = browser.$('//*[@data-testid="resend-body"]//*[contains(@class,"cm-line")]//span[contains(., "opened")]');
      await word.waitForDisplayed({ timeout: 5_000 });
      await word.doubleClick();
      let selected = await browser.execute(() => String(window.getSelection()));
      if (selected !== "opened") {
        // The double-click took the quotes too (or nothing): select the value by keyboard instead.
        await browser.$('[data-testid="resend-body"] .cm-content').click();
        await browser.keys(["Control", "Home"]);
        for (let i = 0; i < '{"action":"'.length; i++) await browser.keys(["ArrowRight"]);
        await browser.keys(["Shift", "ArrowRight", "ArrowRight", "ArrowRight", "ArrowRight", "ArrowRight", "ArrowRight"]);
        await browser.keys(["Shift"]); // release
        selected = await browser.execute(() => String(window.getSelection()));
      }
      assert.equal(selected, "opened", "the word to replace is selected");
      await typeText("closed");
      await browser.waitUntil(async () => (await bodyText()) === EDITED, {
        timeout: 5_000,
        timeoutMsg: `the editor holds ${JSON.stringify(await bodyText())}`,
      });
    }

    async function setUrl(url) {
      const { browser } = app;
      const input = browser.$('[data-testid="resend-url"]');
      await input.click();
      await browser.keys(["Control", "a"]);
      await browser.keys(["Backspace"]);
      await input.setValue(url);
    }

    it("adds a secret to the default endpoint and captures a GitHub-signed event", async () => {
      await check(app, `${theme} capture`, async () => {
        const { browser, listenUrl } = app;
        await addSecretInEditor(browser, 1, "production", SECRET);

        const res = await fetch(`${listenUrl}/github`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-github-event": "pull_request",
            "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
            "x-hub-signature-256": sign(ORIGINAL),
          },
          body: ORIGINAL,
        });
        assert.equal(res.status, 200);
        const row = browser.$('[data-testid="event-row"]');
        await row.waitForDisplayed({ timeout: 10_000 });
        await browser.waitUntil(async () => (await row.$('[data-testid="verdict-badge"]').getAttribute("data-status")) === "valid", {
          timeout: 10_000,
          timeoutMsg: "the GitHub event is not verified as valid",
        });
        await row.click();
        await waitForText('[data-testid="deliveries"]', /Nothing sent from this event yet/, "the new event lists no sends");
      });
    });

    it("resends the edited body re-signed: the handler verifies it and answers 200", async () => {
      await check(app, `${theme} resend resigned`, async () => {
        const { browser } = app;
        await openEditor();
        assert.equal(await browser.$('[data-testid="sign-resign"]').isSelected(), true, "re-signing is the default");
        assert.match(await text(browser.$('[data-testid="resend-json-status"]')), /^Valid JSON$/);
        await setUrl(handler.url);
        await editBody();

        await browser.$('[data-testid="resend-diff"]').click();
        const diff = browser.$('[data-testid="resend-body-diff"]');
        await diff.waitForDisplayed({ timeout: 5_000 });
        assert.match(await text(diff), /opened[\s\S]*closed/);
        await away();
        await app.screenshot("editor-diff");
        await browser.$('[data-testid="resend-edit-tab"]').click();

        await browser.$('[data-testid="resend-send"]').click();
        await waitForText('[data-testid="resend-outcome"]', /answered 200/, "the outcome does not say 200");
        assert.equal(handler.received.length, 1);
        const got = handler.received[0];
        assert.equal(got.body, EDITED, "the handler received the edited body, byte for byte");
        assert.equal(got.valid, true, "the signature verifies at the handler");
        assert.equal(got.headers["x-github-event"], "pull_request", "the other headers go along");
        const attempt = browser.$('[data-testid="resend-attempt"]');
        assert.match(await text(attempt), /200 OK/);
        await away();
        await app.screenshot("editor-sent");
      });
    });

    it("with the original headers kept, the edited body is rejected (401)", async () => {
      await check(app, `${theme} resend kept`, async () => {
        const { browser } = app;
        await browser.$('[data-testid="sign-keep"]').click();
        await waitForText('[data-testid="resend-keep-warning"]', /no longer matches/, "no warning about the kept signature");
        await browser.$('[data-testid="resend-send"]').click();
        await waitForText('[data-testid="resend-outcome"]', /answered 401/, "the outcome does not say 401");
        assert.equal(handler.received.length, 2);
        assert.equal(handler.received[1].body, EDITED);
        assert.equal(handler.received[1].valid, false);
        assert.equal(handler.received[1].headers["x-hub-signature-256"], sign(ORIGINAL), "the original signature, untouched");
        await browser.keys(["Escape"]);
        await browser.$('[data-testid="resend-editor"]').waitForDisplayed({ reverse: true, timeout: 5_000 });
      });
    });

    it("lists both sends under the event, with the handler's replies", async () => {
      await check(app, `${theme} deliveries`, async () => {
        const { browser } = app;
        const section = browser.$('[data-testid="deliveries"]');
        await browser.waitUntil(async () => (await browser.$$('[data-testid="delivery-run"]').length) === 2, {
          timeout: 10_000,
          timeoutMsg: `the event lists ${await browser.$$('[data-testid="delivery-run"]').length} sends`,
        });
        const runs = await browser.$$('[data-testid="delivery-run"]');
        // Newest first: the kept headers (401), then the re-signed one (200).
        assert.match(await text(runs[0]), /401 Unauthorized/);
        assert.match(await text(runs[0]), /headers sent as given/);
        assert.match(await text(runs[1]), /200 OK/);
        assert.match(await text(runs[1]), /re-signed \(github\)/i);
        assert.match(await text(runs[1]), new RegExp(handler.url.replace(/[/.]/g, "\\$&")));
        await runs[1].$('[data-testid="delivery-attempt-toggle"]').click();
        const response = runs[1].$('[data-testid="delivery-response-body"]');
        await response.waitForDisplayed({ timeout: 5_000 });
        assert.equal(await text(response), '{"ok":true}');
        assert.equal(await text(runs[1].$('[data-testid="delivery-request-body"]')), EDITED);
        await browser.execute((el) => el.scrollIntoView({ block: "start" }), await section);
        await away();
        await app.screenshot("deliveries");
      });
    });

    if (theme === "light") {
      it("a new request replays a retry schedule, time compressed, until the provider gives up", async () => {
        await check(app, "new request schedule", async () => {
          const { browser } = app;
          await browser.$('[data-testid="new-request"]').click();
          const editor = browser.$('[data-testid="resend-editor"]');
          await editor.waitForDisplayed({ timeout: 5_000 });
          assert.match(await text(editor.$("h2")), /^New request$/);
          await browser.waitUntil(async () => (await browser.$('[data-testid="resend-url"]').getValue()) === handler.url, {
            timeout: 5_000,
            timeoutMsg: "the last target is not offered",
          });
          assert.equal(await browser.$('[data-testid="sign-keep"]').isSelected(), true, "unsigned: no endpoint chosen");
          await browser.$('[data-testid="resend-body"] .cm-content').click();
          await typeText('{"hello":"world"}');
          await browser.waitUntil(async () => (await bodyText()) === '{"hello":"world"}', {
            timeout: 5_000,
            timeoutMsg: `the editor holds ${JSON.stringify(await bodyText())}`,
          });
          await browser.$('[data-testid="pattern-schedule"]').click();
          await browser.$('[data-testid="pattern-provider"]').selectByAttribute("value", "checkout");
          const speed = browser.$('[data-testid="pattern-speed"]');
          await speed.click();
          await browser.keys(["Control", "a"]);
          await typeText("100000");
          await waitForText('[data-testid="pattern-preview"]', /8 attempts over 27 h 35 min; at 100000× about 1(\.0)? s/, "the preview");
          await away();
          await app.screenshot("new-request-schedule");
          const before = handler.received.length;
          await browser.$('[data-testid="resend-send"]').click();
          await waitForText('[data-testid="resend-outcome"]', /not delivered in 8 attempts/, "the schedule did not run to its end", 30_000);
          const attempts = await browser.$$('[data-testid="resend-editor"] [data-testid="resend-attempt"]');
          assert.equal(attempts.length, 8);
          for (const a of attempts) assert.match(await text(a), /401 Unauthorized/);
          const got = handler.received.slice(before);
          assert.equal(got.length, 8);
          assert.ok(got.every((r) => r.body === '{"hello":"world"}' && !r.valid));
          await away();
          await app.screenshot("new-request-sent");
          await browser.keys(["Escape"]);
          await editor.waitForDisplayed({ reverse: true, timeout: 5_000 });
        });
      });

      it("sends two selected events out of order and lists the order they went in", async () => {
        await check(app, "out of order", async () => {
          const { browser, listenUrl } = app;
          const body = '{"action":"synchronize","number":1}';
          const res = await fetch(`${listenUrl}/github`, {
            method: "POST",
            headers: { "content-type": "application/json", "x-github-event": "pull_request", "x-hub-signature-256": sign(body) },
            body,
          });
          assert.equal(res.status, 200);
          await browser.waitUntil(async () => (await browser.$$('[data-testid="event-row"]').length) === 2, {
            timeout: 10_000,
            timeoutMsg: "the second event is not in the timeline",
          });
          // Select both with the keyboard: x toggles the row under the cursor, j moves down.
          await browser.$('[data-testid="event-row"]').click();
          await browser.keys(["x"]);
          await browser.keys(["j"]);
          await browser.keys(["x"]);
          await waitForText('[data-testid="selection-count"]', /^2 selected$/, "two rows are not selected");
          await browser.$('[data-testid="selection-shuffle"]').click();
          const dialog = browser.$('[data-testid="shuffle-dialog"]');
          await dialog.waitForDisplayed({ timeout: 5_000 });
          await browser.waitUntil(async () => (await browser.$('[data-testid="shuffle-url"]').getValue()) === handler.url, {
            timeout: 5_000,
            timeoutMsg: "the last target is not offered",
          });
          await browser.$('[data-testid="shuffle-sign-resign"]').click();
          const before = handler.received.length;
          await browser.$('[data-testid="shuffle-send"]').click();
          await waitForText('[data-testid="resend-outcome"]', /Sent 2 events in shuffled order; 2 of 2 delivered/, "the shuffled send did not finish");
          const lines = await browser.$$('[data-testid="shuffle-dialog"] [data-testid="resend-attempt"]');
          assert.equal(lines.length, 2);
          const got = handler.received.slice(before);
          assert.equal(got.length, 2);
          assert.ok(got.every((r) => r.valid), "both re-signed and verified");
          assert.deepEqual(
            new Set(got.map((r) => JSON.parse(r.body).action)),
            new Set(["synchronize", "opened"]),
            "each event sent once, as captured",
          );
          await away();
          await app.screenshot("out-of-order");
          await browser.keys(["Escape"]);
          await dialog.waitForDisplayed({ reverse: true, timeout: 5_000 });
        });
      });
    }
  });
}
