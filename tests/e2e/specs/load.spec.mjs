// Capture under load inside the app, while a person works in it: eight
// senders post Kustom events (some redelivered) to a forwarding endpoint for
// a dozen seconds while the timeline is searched, events are pinned, the
// endpoint's response is edited and a secret is added (which re-verifies
// every event of the endpoint). Each of those writes shares the store's one
// writer with capture; no sender may be refused and nothing acknowledged
// may go missing.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, it } from "node:test";
import { addSecretInEditor, check, freePort, invoke, launchApp, waitGone } from "../harness.mjs";

const SENDERS = 8;
const LOAD_MS = 12_000;
const MARKERS = 5;
const WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

describe("capture under load", () => {
  let app;
  let handler;
  let forwarded = 0;

  before(async () => {
    app = await launchApp("load");
    await app.browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
  });

  after(async () => {
    await app?.stop();
    handler?.close();
  });

  /** Posts events from `SENDERS` clients until `until`; returns what the senders saw. */
  async function load(until) {
    const seen = { acknowledged: 0, refused: [], errors: [] };
    let n = 0;
    const sender = async () => {
      while (Date.now() < until) {
        n += 1;
        // Every tenth event is a redelivery of an earlier one: the writer
        // numbers deliveries of the same provider event id.
        const id = n % 10 === 0 ? `evt_${n - 5}` : `evt_${n}`;
        const body = JSON.stringify({ id, type: "order.created", merchant_id: "M42", data: { order_id: `o-${n}`, amount: n } });
        try {
          const res = await fetch(`${app.listenUrl}/kustom/orders`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body,
          });
          await res.arrayBuffer();
          if (res.status >= 200 && res.status < 300) seen.acknowledged += 1;
          else seen.refused.push(res.status);
        } catch (err) {
          seen.errors.push(String(err?.cause ?? err));
        }
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, sender));
    return seen;
  }

  it("refuses no sender and loses nothing while the user pins, edits and adds a secret", async () => {
    await check(app, "load", async () => {
      const { browser } = app;
      const port = await freePort();
      handler = createServer((req, res) => {
        req.resume();
        req.on("end", () => {
          forwarded += 1;
          res.writeHead(200);
          res.end("ok");
        });
      });
      await new Promise((r) => handler.listen(port, "127.0.0.1", r));
      const endpoint = await invoke(browser, "add_endpoint", {
        spec: {
          name: "Kustom",
          pathPrefix: "/kustom",
          preset: "kustom",
          response: { status: 200, headers: [], body: "", delayMs: 0 },
          scheme: null,
          forwards: [{ url: `http://127.0.0.1:${port}/in`, mode: "respond", condition: "", exactUrl: false }],
        },
      });
      for (let i = 0; i < MARKERS; i += 1) {
        const res = await fetch(`${app.listenUrl}/kustom/orders`, {
          method: "POST",
          body: JSON.stringify({ id: `marker_${i}`, type: "order.created", note: "pinme" }),
        });
        assert.equal(res.status, 200);
      }

      const running = load(Date.now() + LOAD_MS);

      // The person's work, all of it writes beside capture.
      const input = browser.$('[data-testid="search-input"]');
      await input.setValue("pinme");
      await browser.keys(["Enter"]);
      await browser.waitUntil(async () => (await browser.$$('[data-testid="event-row"]').length) === MARKERS, {
        timeout: 10_000,
        timeoutMsg: "the search does not narrow the timeline to the marked events",
      });
      const ids = [];
      for (const row of await browser.$$('[data-testid="event-row"]')) ids.push(await row.getAttribute("data-event-id"));
      for (const id of ids.slice(0, 3)) {
        await browser.$(`[data-testid="event-row"][data-event-id="${id}"]`).click();
        await browser.waitUntil(async () => (await browser.$('[data-testid="detail-facts"]').getText()).includes(`#${id}`), {
          timeout: 5_000,
          timeoutMsg: `the detail pane does not show #${id}`,
        });
        await browser.$('[data-testid="pin-toggle"]').click();
        await browser.waitUntil(async () => /^Pinned/.test(await browser.$('[data-testid="pinned-state"]').getText()), {
          timeout: 5_000,
          timeoutMsg: `event #${id} was not pinned`,
        });
      }

      const edit = browser.$(`[data-testid="edit-endpoint"][data-endpoint-id="${endpoint.id}"]`);
      await edit.moveTo();
      await edit.click();
      await browser.$('[data-testid="endpoint-editor"]').waitForDisplayed({ timeout: 5_000 });
      const status = browser.$('[data-testid="endpoint-status"]');
      await status.scrollIntoView();
      await status.click();
      await browser.keys(["Control", "a"]);
      await browser.keys(["Backspace"]);
      await status.setValue("202");
      await browser.$('[data-testid="endpoint-save"]').click();
      await waitGone(browser, '[data-testid="endpoint-editor"]', "the endpoint editor");

      await addSecretInEditor(browser, endpoint.id, "current", WHSEC);
      await app.screenshot("during-load");

      const seen = await running;
      assert.deepEqual(seen.errors.slice(0, 3), [], `${seen.errors.length} requests failed`);
      assert.deepEqual(seen.refused.slice(0, 10), [], `${seen.refused.length} requests were refused`);
      assert.ok(seen.acknowledged > 500, `only ${seen.acknowledged} requests went through`);

      // Everything acknowledged is stored, and everything stored was forwarded.
      const stored = MARKERS + seen.acknowledged;
      let counted;
      const total = async () => (await invoke(browser, "endpoint_counts")).reduce((sum, c) => sum + c.count, 0);
      await browser
        .waitUntil(async () => (counted = await total()) === stored, { timeout: 15_000 })
        .catch(() => assert.fail(`the store holds ${counted} events, not the ${stored} acknowledged`));
      await browser.waitUntil(async () => forwarded === stored, {
        timeout: 30_000,
        timeoutMsg: `the handler got ${forwarded} of ${stored} forwards`,
      });
      for (const [i, id] of ids.entries()) {
        const view = await invoke(browser, "get_event", { id: Number(id) });
        assert.equal(view.summary.pinned, i < 3, `event #${id} pinned as the user left it`);
      }
      const stats = await invoke(browser, "listener_stats");
      assert.equal(stats.refused, 0, "no connection was refused");

      // The header's connection figures say the same to the user.
      assert.equal(await browser.$$('[data-testid="listener-refused"]').length, 0, "no refused chip");
      await browser.$('[data-testid="listener-state"]').click();
      await browser.$('[data-testid="listener-stats"]').waitForDisplayed({ timeout: 5_000 });
      await browser.waitUntil(async () => (await browser.$('[data-testid="stat-open"]').getAttribute("data-max")) !== null, {
        timeout: 5_000,
        timeoutMsg: "the connection figures did not load",
      });
      assert.equal(await browser.$('[data-testid="stat-refused"]').getAttribute("data-value"), "0");
      assert.equal(Number(await browser.$('[data-testid="stat-open"]').getAttribute("data-max")), stats.maxConnections);
      await app.screenshot("connections");
      await browser.keys(["Escape"]);
      console.log(
        `load: ${seen.acknowledged} events from ${SENDERS} senders in ${LOAD_MS / 1000} s, 0 refused, ${forwarded} forwarded; ` +
          `connections: ${stats.openConnections} open, ${stats.evicted} evicted, ${stats.timedOut} timed out`,
      );
    });
  });
});
