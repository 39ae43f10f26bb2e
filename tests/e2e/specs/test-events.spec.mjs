// Test events and forwarding as a person uses them: a Kustom endpoint is
// created and given a secret in the endpoint editor, a signed sample event is
// sent from the "Send test event…" dialog to this app's own listener and
// lands in the timeline as valid; then the endpoint forwards to a local
// handler, which receives the next test event exactly as Hooklens stored it,
// and fans out to a second target added in the editor (its condition checked
// inline), the event listing both attempts.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, it } from "node:test";
import { check, freePort, launchApp, waitGone } from "../harness.mjs";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

describe("test events", () => {
  let app;
  let handler;
  let second;
  const received = [];
  const receivedSecond = [];

  before(async () => {
    app = await launchApp("test-events");
    await app.browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
    await app.browser.setWindowRect(0, 0, 1280, 800);
  });

  after(async () => {
    await app?.stop();
    await new Promise((r) => (handler ? handler.close(r) : r()));
    await new Promise((r) => (second ? second.close(r) : r()));
  });

  const rows = () => app.browser.$$('[data-testid="event-row"]');
  const text = (el) => el.getProperty("textContent");

  async function waitForText(selector, pattern, what) {
    const el = app.browser.$(selector);
    await app.browser.waitUntil(async () => pattern.test(await text(el)), {
      timeout: 15_000,
      timeoutMsg: `${what}: ${JSON.stringify(await text(el).catch(() => null))}`,
    });
    return el;
  }

  it("creates a Kustom endpoint with a secret in the endpoint editor", async () => {
    await check(app, "kustom endpoint", async () => {
      const { browser } = app;
      await browser.$('[data-testid="add-endpoint"]').click();
      await browser.$('[data-testid="endpoint-editor"]').waitForDisplayed({ timeout: 5_000 });
      await browser.$('[data-testid="endpoint-name"]').setValue("Kustom");
      assert.equal(await browser.$('[data-testid="endpoint-prefix"]').getValue(), "/kustom");
      await browser.$('[data-testid="endpoint-preset"]').selectByAttribute("value", "kustom");
      await browser.$('[data-testid="endpoint-save"]').click();
      await waitForText('[data-testid="endpoint-notice"]', /Created “Kustom”/, "the endpoint was not created");
      await browser.$('[data-testid="secret-label"]').setValue("current");
      await browser.$('[data-testid="secret-value"]').setValue(SECRET);
      await browser.$('[data-testid="secret-add"]').click();
      await browser.$('[data-testid="secret-row"]').waitForDisplayed({ timeout: 5_000 });
      await browser.$('[data-testid="endpoint-close"]').click();
      await waitGone(browser, '[data-testid="endpoint-editor"]', "the endpoint editor");
    });
  });

  it("sends a signed Kustom order.created to this app's listener; it arrives valid", async () => {
    await check(app, "send test event", async () => {
      const { browser, listenUrl } = app;
      await browser.$('[data-testid="test-event-open"]').click();
      const dialog = browser.$('[data-testid="test-event-dialog"]');
      await dialog.waitForDisplayed({ timeout: 5_000 });
      const provider = browser.$('[data-testid="test-event-provider"]');
      await browser.waitUntil(async () => (await provider.getValue()) !== "", {
        timeout: 5_000,
        timeoutMsg: "the providers did not load",
      });
      await provider.selectByAttribute("value", "kustom");
      await browser.$('[data-testid="test-event-type"]').selectByAttribute("value", "order.created");
      // The Kustom endpoint signs by default, and the event goes to its path.
      await waitForText(
        '[data-testid="test-event-signing"]',
        /Signed with “current” \(Standard Webhooks, assumed construction\)/,
        "the signing line",
      );
      await waitForText('[data-testid="test-event-target"]', new RegExp(`${listenUrl}/kustom\\b`), "the target");
      await app.screenshot("dialog");

      const before = await rows().length;
      await browser.$('[data-testid="test-event-send"]').click();
      await waitForText('[data-testid="test-event-result-status"]', /^200 OK$/, "the result status");
      await waitForText('[data-testid="test-event-in-timeline"]', /appears in the timeline/, "the timeline note");
      assert.match(await text(browser.$('[data-testid="test-event-send"]')), /Send another/);
      await app.screenshot("result");

      await browser.$('[data-testid="test-event-close"]').click();
      await dialog.waitForDisplayed({ reverse: true, timeout: 5_000 });
      await browser.waitUntil(async () => (await rows().length) === before + 1, {
        timeout: 10_000,
        timeoutMsg: "no new row for the test event",
      });
      const first = rows()[0];
      assert.match(await text(first), /order\.created/);
      assert.match(await text(first), /\/kustom/);
      const badge = first.$('[data-testid="verdict-badge"]');
      await browser.waitUntil(async () => (await badge.getAttribute("data-status")) === "valid", {
        timeout: 10_000,
        timeoutMsg: `the test event's verdict is ${await badge.getAttribute("data-status")}, not valid`,
      });
      await app.screenshot("timeline");
    });
  });

  it("forwards each request to a local handler once the endpoint says so", async () => {
    await check(app, "forwarding", async () => {
      const { browser } = app;
      const port = await freePort();
      handler = createServer((req, res) => {
        const chunks = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", () => {
          received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
          res.writeHead(202, { "content-type": "text/plain" });
          res.end("handled");
        });
      });
      await new Promise((r) => handler.listen(port, "127.0.0.1", r));
      const target = `http://127.0.0.1:${port}/webhooks`;

      const edit = browser.$('//*[@data-testid="edit-endpoint"][@aria-label="Edit endpoint Kustom"]');
      await edit.moveTo();
      await edit.click();
      await browser.$('[data-testid="endpoint-editor"]').waitForDisplayed({ timeout: 5_000 });
      await browser.$('[data-testid="forward-none"]').scrollIntoView();
      await browser.$('[data-testid="forward-add"]').click();
      const url = browser.$('[data-testid="forward-url"]');
      await url.waitForDisplayed({ timeout: 5_000 });
      await url.setValue("localhost:3000");
      await browser.$('[data-testid="forward-relay"]').click();
      await waitForText('[data-testid="forward-url-error"]', /http:\/\/ or https:\/\//, "the inline URL error");
      await url.click();
      await browser.keys(["Control", "a"]);
      await browser.keys(["Backspace"]);
      await url.setValue(target);
      await browser.$('[data-testid="forward-relay"]').click();
      await browser.$('[data-testid="response-relay-note"]').waitForDisplayed({ timeout: 5_000 });
      // The test event goes to /kustom itself: nothing below the prefix to add.
      await waitForText(
        '[data-testid="forward-example"]',
        new RegExp(`/kustom/orders\\?x=1 goes to ${target.replace(/[/.]/g, "\\$&")}/orders\\?x=1`),
        "the composed URL example",
      );
      await app.screenshot("forwarding");
      await browser.$('[data-testid="endpoint-save"]').click();
      await waitGone(browser, '[data-testid="endpoint-editor"]', "the endpoint editor");
      const marker = browser.$('[data-testid="endpoint-forward-marker"]');
      await marker.waitForDisplayed({ timeout: 5_000 });
      assert.match(await marker.getAttribute("title"), new RegExp(target.replace(/[/.]/g, "\\$&")));

      // In relay mode the sender (here: the dialog) gets the handler's reply.
      await browser.$('[data-testid="test-event-open"]').click();
      await browser.$('[data-testid="test-event-dialog"]').waitForDisplayed({ timeout: 5_000 });
      await waitForText('[data-testid="test-event-signing"]', /Signed with “current”/, "the signing line");
      await browser.$('[data-testid="test-event-send"]').click();
      await waitForText('[data-testid="test-event-result-status"]', /^202 Accepted$/, "the relayed status");
      await waitForText('[data-testid="test-event-response-body"]', /^handled$/, "the relayed body");
      assert.equal(received.length, 1, "the handler got the event once");
      const [got] = received;
      assert.equal(got.method, "POST");
      assert.equal(got.url, "/webhooks");
      assert.ok(got.headers["webhook-signature"], "the signature travels with it");
      assert.ok(got.headers["x-hooklens-forwarded"], "it is marked as forwarded");
      assert.match(got.body, /"type":\s*"order\.created"/);
      await app.screenshot("relayed");
      await browser.$('[data-testid="test-event-close"]').click();
    });
  });
  it("fans out to a second target added in the editor; the event lists both attempts", async () => {
    await check(app, "fan-out", async () => {
      const { browser } = app;
      const port = await freePort();
      second = createServer((req, res) => {
        req.resume();
        req.on("end", () => {
          receivedSecond.push({ url: req.url, headers: req.headers });
          res.writeHead(200, { "content-type": "text/plain" });
          res.end("second");
        });
      });
      await new Promise((r) => second.listen(port, "127.0.0.1", r));
      const target = `http://127.0.0.1:${port}/orders-service`;

      const edit = browser.$('//*[@data-testid="edit-endpoint"][@aria-label="Edit endpoint Kustom"]');
      await edit.moveTo();
      await edit.click();
      await browser.$('[data-testid="endpoint-editor"]').waitForDisplayed({ timeout: 5_000 });
      assert.equal((await browser.$$('[data-testid="forward-target"]').length), 1, "the relaying target is kept");
      const add = browser.$('[data-testid="forward-add"]');
      await add.scrollIntoView();
      await add.click();
      await browser.waitUntil(async () => (await browser.$$('[data-testid="forward-target"]').length) === 2, {
        timeout: 5_000,
        timeoutMsg: "no second target row",
      });
      const row = (await browser.$$('[data-testid="forward-target"]'))[1];
      await row.$('[data-testid="forward-url"]').setValue(target);
      // A condition the core cannot read is underlined where it fails.
      const condition = row.$('[data-testid="forward-condition"]');
      await condition.setValue("type:order.* after:1h");
      await row.$('[data-testid="forward-url"]').click();
      const culprit = row.$('[data-testid="forward-condition-culprit"] mark');
      await culprit.waitForDisplayed({ timeout: 5_000 });
      assert.equal(await text(culprit), "after:1h");
      assert.match(await text(row.$('[data-testid="forward-condition-error"]')), /after: and before:/);
      await row.$('[data-testid="forward-condition-error"]').scrollIntoView({ block: "center" });
      await app.screenshot("fan-out-condition");
      await condition.click();
      await browser.keys(["Control", "a"]);
      await browser.keys(["Backspace"]);
      await condition.setValue("type:order.*");
      await row.$('[data-testid="forward-url"]').click();
      await waitGone(browser, '[data-testid="forward-condition-error"]', "the condition error");
      await app.screenshot("fan-out-editor");
      await browser.$('[data-testid="endpoint-save"]').click();
      await waitGone(browser, '[data-testid="endpoint-editor"]', "the endpoint editor");
      const marker = browser.$('[data-testid="endpoint-forward-marker"]');
      await browser.waitUntil(async () => /^Forwards to 2 targets:/.test(await marker.getAttribute("title")), {
        timeout: 5_000,
        timeoutMsg: `the sidebar marker's title: ${await marker.getAttribute("title")}`,
      });

      const before = await rows().length;
      await browser.$('[data-testid="test-event-open"]').click();
      await browser.$('[data-testid="test-event-dialog"]').waitForDisplayed({ timeout: 5_000 });
      await waitForText('[data-testid="test-event-signing"]', /Signed with “current”/, "the signing line");
      await browser.$('[data-testid="test-event-send"]').click();
      await waitForText('[data-testid="test-event-result-status"]', /^202 Accepted$/, "the relaying target still answers");
      await browser.$('[data-testid="test-event-close"]').click();
      await browser.waitUntil(async () => received.length === 2 && receivedSecond.length === 1, {
        timeout: 10_000,
        timeoutMsg: `the handlers got ${received.length} and ${receivedSecond.length} requests`,
      });
      assert.equal(receivedSecond[0].url, "/orders-service");
      assert.ok(receivedSecond[0].headers["x-hooklens-forwarded"], "marked as forwarded");

      // The handlers can hear of the event before the timeline shows it:
      // open the new row, not the one it pushes down.
      await browser.waitUntil(async () => (await rows().length) === before + 1, {
        timeout: 5_000,
        timeoutMsg: "the sent event is not in the timeline",
      });
      await rows()[0].click();
      await browser.waitUntil(async () => (await browser.$$('[data-testid="delivery-run"]').length) === 2, {
        timeout: 10_000,
        timeoutMsg: `the event lists ${await browser.$$('[data-testid="delivery-run"]').length} sends`,
      });
      const targets = [];
      for (const el of await browser.$$('[data-testid="delivery-target"]')) targets.push(await text(el));
      const esc = (s) => s.replace(/[/.?]/g, "\\$&");
      assert.ok(targets.some((t) => new RegExp(`${esc(target)}$`).test(t)), `the second target: ${targets}`);
      assert.ok(targets.some((t) => /\/webhooks$/.test(t)), `the relaying target: ${targets}`);
      const deliveries = browser.$('[data-testid="deliveries"]');
      await waitForText('[data-testid="deliveries"]', /forward when type:order\.\* \(sender answered at once\)/, "the conditional run");
      assert.match(await text(deliveries), /answered 202/);
      assert.match(await text(deliveries), /answered 200/);
      await browser.execute((el) => el.scrollIntoView({ block: "start" }), await deliveries);
      await app.screenshot("fan-out-deliveries");
    });
  });
});
