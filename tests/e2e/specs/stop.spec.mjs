// Quitting records a clean stop, so the next start does not check the whole
// database as after a crash (at a million events that check took seconds on
// every start). SIGTERM (logout, systemd) drains and exits through the same
// exit event as closing the window; WebDriver's own window close ends the
// process outright, so it cannot stand in for a person closing the window.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { launchApp } from "../harness.mjs";

const app = () => resolve(process.env.HOOKLENS_APP ?? "");
const running = () => spawnSync("pgrep", ["-f", app()]).status === 0;

async function until(what, test, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  while (!test()) {
    assert.ok(Date.now() < deadline, what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("quitting", () => {
  for (const [how, quit] of [["SIGTERM", () => spawnSync("pkill", ["-TERM", "-f", app()])]]) {
    it(`${how} records a clean stop`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "hooklens-e2e-stop-"));
      const mark = join(dataDir, "hooklens.running");
      let launched;
      try {
        launched = await launchApp(`stop-${how.replace(/\W+/g, "-")}`, { dataDir });
        await launched.browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
        assert.ok(existsSync(mark), "marked as running while it captures");
        const res = await fetch(`${launched.listenUrl}/stop/test`, { method: "POST", body: "{}" });
        assert.equal(res.status, 200);
        assert.ok(running(), "the app runs");
        quit(launched);
        await until("the app did not exit", () => !running());
        assert.ok(!existsSync(mark), "the stop was recorded as clean");
      } finally {
        await launched?.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});
