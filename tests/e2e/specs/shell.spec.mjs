// The window opens on the real app shell, shows the configured listen URL,
// and talks to Rust both ways.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { check, childrenOf, invoke, launchApp } from "../harness.mjs";

describe("app shell", () => {
  let app;

  before(async () => {
    app = await launchApp("shell");
  });

  after(async () => {
    await app?.stop();
  });

  it("opens the Hooklens window with header, sidebar, timeline and detail pane", async () => {
    await check(app, "shell renders", async () => {
      const { browser } = app;
      await browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
      assert.equal(await browser.getTitle(), "Hooklens");
      for (const id of ["sidebar", "timeline", "detail", "endpoint-default"]) {
        assert.ok(await browser.$(`[data-testid="${id}"]`).isDisplayed(), `${id} is visible`);
      }
    });
  });

  it("shows the configured listen URL, listening, with a ready curl in the empty state", async () => {
    await check(app, "listen url", async () => {
      const { browser, listenUrl } = app;
      const url = browser.$('[data-testid="listen-url"]');
      await url.waitForDisplayed({ timeout: 10_000 });
      assert.equal(await url.getText(), listenUrl);
      await browser.waitUntil(
        async () => (await browser.$('[data-testid="listener-state"]').getText()) === "Listening",
        { timeout: 10_000, timeoutMsg: "listener never reported Listening" },
      );
      const curl = await browser.$('[data-testid="curl-command"]').getText();
      assert.match(curl, new RegExp(`curl -X POST ${listenUrl.replaceAll(".", "\\.")}/webhooks/test`));
    });
  });

  it("copies the listen URL through the clipboard permission and says so", async () => {
    await check(app, "copy listen url", async () => {
      const { browser } = app;
      const button = browser.$('[data-testid="copy-listen-url"]');
      await button.click();
      await browser.waitUntil(async () => (await button.getText()) === "Copied", {
        timeout: 5_000,
        timeoutMsg: `copy button says ${JSON.stringify(await button.getText())}, not "Copied"`,
      });
    });
  });

  it("answers a command from the UI with the data directory it was started with", async () => {
    await check(app, "command round trip", async () => {
      const info = await invoke(app.browser, "app_info");
      assert.equal(info.dataDir, app.dataDir);
      assert.equal(info.listener.state, "listening");
      assert.equal(info.listener.url, app.listenUrl);
      assert.equal(await app.browser.$('[data-testid="data-dir"]').getText(), app.dataDir);
    });
  });

  it("runs the page's JavaScript engine in its memory-saving mode (src-tauri/src/engine.rs)", async () => {
    await check(app, "engine options", async () => {
      // The web process WebKit started for the window: it must have
      // inherited the option the shell set before any thread started.
      const web = childrenOf(app.pid).find((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, "utf8").startsWith("WebKitWebProces");
        } catch {
          return false; // gone meanwhile
        }
      });
      assert.ok(web, `no WebKitWebProcess among the children of the app (pid ${app.pid})`);
      const environment = readFileSync(`/proc/${web}/environ`, "utf8").split("\0");
      assert.ok(
        environment.includes("JSC_forceMiniVMMode=true"),
        `the web process's JSC options: ${environment.filter((v) => v.startsWith("JSC_")).join(" ") || "none"}`,
      );
    });
  });

  it("shows a request sent to the listener live, and counts it", async () => {
    await check(app, "live event", async () => {
      const { browser, listenUrl } = app;
      const res = await fetch(`${listenUrl}/kustom/orders?attempt=1`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id: "kevt_e2e", type: "order.created" }),
      });
      assert.equal(res.status, 200);
      const row = browser.$('[data-testid="event-row"]');
      await row.waitForDisplayed({ timeout: 10_000 });
      assert.match(await row.getText(), /POST[\s\S]*\/kustom\/orders\?attempt=1/);
      assert.equal(await browser.$('[data-testid="event-count"]').getText(), "1 stored");
      assert.equal(await browser.$('[data-testid="endpoint-default-count"]').getText(), "1");
      assert.equal(await browser.$('[data-testid="endpoint-all-count"]').getText(), "1");
      await row.click();
      const facts = await browser.$('[data-testid="detail-facts"]').getText();
      assert.match(facts, new RegExp(`${listenUrl.replaceAll(".", "\\.")}/kustom/orders\\?attempt=1`));
    });
  });
});
