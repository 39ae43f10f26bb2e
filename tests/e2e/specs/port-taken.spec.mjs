// When the configured port is taken, the window still opens and says plainly
// that nothing is listening, and why.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { check, freePort, launchApp } from "../harness.mjs";

describe("listen port already in use", () => {
  let app;
  let squatter;

  before(async () => {
    const port = await freePort();
    squatter = createServer();
    await new Promise((r) => squatter.listen(port, "127.0.0.1", r));
    app = await launchApp("port-taken", { listenPort: port });
  });

  after(async () => {
    await app?.stop();
    squatter?.close();
  });

  it("shows 'Not listening' and the reason instead of a curl to nowhere", async () => {
    await check(app, "port taken", async () => {
      const { browser, listen } = app;
      const state = browser.$('[data-testid="listener-state"]');
      await state.waitForDisplayed({ timeout: 15_000 });
      assert.equal(await state.getText(), "Not listening");
      const reason = await browser.$('[data-testid="listener-error"]').getText();
      assert.equal(reason, `${listen} is already in use by another program; choose another address`);
      assert.equal(await browser.$('[data-testid="curl-command"]').isExisting(), false);
    });
  });

  it("offers a free port nearby and captures there after one click", async () => {
    await check(app, "listen on suggestion", async () => {
      const { browser, listen } = app;
      const offer = browser.$('[data-testid="listen-on-suggestion"]');
      const label = await offer.getText();
      const suggested = /Listen on (\S+) instead/.exec(label)?.[1];
      assert.ok(suggested, `offer reads ${JSON.stringify(label)}`);
      assert.notEqual(suggested, listen);
      await offer.click();
      await browser.waitUntil(
        async () => (await browser.$('[data-testid="listener-state"]').getText()) === "Listening",
        { timeout: 5_000, timeoutMsg: "the listener did not move" },
      );
      assert.equal(await browser.$('[data-testid="listen-url"]').getText(), `http://${suggested}`);
      const res = await fetch(`http://${suggested}/moved`, { method: "POST", body: "{}" });
      assert.equal(res.status, 200);
      await browser.$('[data-testid="event-row"]').waitForDisplayed({ timeout: 5_000 });
    });
  });
});
