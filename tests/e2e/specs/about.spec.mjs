// The About dialog (issue 19), opened from the status bar: the version,
// where it listens, the database's size and event count, and the data and
// log folders, each of which the shell opens in the file manager when
// asked. The page names the folder; the shell runs the desktop's opener
// (xdg-open) on the path it knows. Here a stand-in xdg-open, first on the
// app's PATH, records what it was asked to open.
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { check, invoke, launchApp, waitGone } from "../harness.mjs";

describe("About dialog", () => {
  let app;
  let opener;
  const opened = () => (existsSync(join(opener, "opened")) ? readFileSync(join(opener, "opened"), "utf8").split("\n").filter(Boolean) : []);

  before(async () => {
    opener = mkdtempSync(join(tmpdir(), "hooklens-e2e-opener-"));
    writeFileSync(join(opener, "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$@" >> '${join(opener, "opened")}'\n`);
    chmodSync(join(opener, "xdg-open"), 0o755);
    app = await launchApp("about", { env: { PATH: `${opener}:${process.env.PATH}` } });
    await app.browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
  });

  after(async () => {
    await app?.stop();
    rmSync(opener, { recursive: true, force: true });
  });

  it("shows the version, the listener, the database and the folders", async () => {
    await check(app, "about facts", async () => {
      const { browser, listenUrl, dataDir } = app;
      for (const n of [1, 2]) {
        const res = await fetch(`${listenUrl}/kustom/orders`, { method: "POST", body: `{"n":${n}}` });
        assert.equal(res.status, 200);
      }
      await browser.waitUntil(async () => (await browser.$$('[data-testid="event-row"]').length) === 2, {
        timeout: 10_000,
        timeoutMsg: "the two requests did not arrive",
      });
      const { version } = await invoke(browser, "app_info");
      const button = browser.$('[data-testid="about-open"]');
      assert.equal(await button.getText(), `About Hooklens ${version}`);
      await button.click();
      await browser.$('[data-testid="about-facts"]').waitForDisplayed({ timeout: 5_000 });
      const text = async (id) => browser.$(`[data-testid="${id}"]`).getText();
      assert.equal(await text("about-version"), version);
      assert.match(version, /^\d+\.\d+\.\d+/);
      assert.equal(await text("about-listen"), listenUrl);
      assert.match(await text("about-database"), /^2 events · \d+(\.\d)? (KB|MB) on disk$/);
      assert.equal(await text("about-data-dir"), dataDir);
      assert.equal(await text("about-log-dir"), join(dataDir, "state", "logs"));
      assert.ok(existsSync(join(dataDir, "state", "logs", "hooklens.log")), "the log folder shown holds the log");
      await app.screenshot("dialog");
    });
  });

  it("opens the log folder and the data folder through the shell", async () => {
    await check(app, "about open folders", async () => {
      const { browser, dataDir } = app;
      await browser.$('[data-testid="about-open-logs"]').click();
      await browser.waitUntil(async () => opened().length === 1, { timeout: 5_000, timeoutMsg: "xdg-open was not run" });
      await browser.$('[data-testid="about-open-data"]').click();
      await browser.waitUntil(async () => opened().length === 2, { timeout: 5_000, timeoutMsg: "xdg-open was not run again" });
      assert.deepEqual(opened(), [join(dataDir, "state", "logs"), dataDir]);
      assert.equal(await browser.$$('[data-testid="about-error"]').length, 0);
      // The page cannot have a path of its choosing opened: the command takes a folder's name only.
      await assert.rejects(invoke(browser, "open_folder", { folder: "/etc" }), /unknown variant/);
      assert.equal(opened().length, 2);
      await browser.keys(["Escape"]);
      await waitGone(browser, '[data-testid="about-dialog"]', "the About dialog");
    });
  });
});
