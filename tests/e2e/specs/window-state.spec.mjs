// The window opens where it was left (issue 19): its size and position are
// saved when the app quits and applied before the window is first shown.
// The geometry is kept with the data directory's state
// (<data dir>/state/window-state.json when HOOKLENS_DATA_DIR is given), so
// an app on another data directory opens at the default size.
//
// No window manager runs under Xvfb, so xdotool moves and resizes the
// window directly (what a person does by dragging), and maximising, which
// is the window manager's to do, is not checked here.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { check, launchApp } from "../harness.mjs";

const xdotool = (...args) =>
  new Promise((done, reject) =>
    execFile("xdotool", args, { timeout: 10_000 }, (err, stdout) => (err ? reject(err) : done(stdout.trim()))),
  );

/** The app's visible top-level window, once it is on screen. */
async function windowOf(app) {
  await app.browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const id = (await xdotool("search", "--onlyvisible", "--pid", String(app.pid)).catch(() => "")).split("\n")[0];
    if (id) return id;
    assert.ok(Date.now() < deadline, "the app's window never showed");
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** { x, y, width, height } of an X window. */
async function geometry(id) {
  const out = await xdotool("getwindowgeometry", "--shell", id);
  const value = (name) => Number(new RegExp(`^${name}=(\\d+)$`, "m").exec(out)?.[1]);
  return { x: value("X"), y: value("Y"), width: value("WIDTH"), height: value("HEIGHT") };
}

describe("window state", () => {
  it("the window's size and position survive a restart, per data directory", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "hooklens-e2e-window-"));
    let app;
    let other;
    try {
      app = await launchApp("window-state", { dataDir });
      await check(app, "resize and move", async () => {
        const id = await windowOf(app);
        const { width, height } = await geometry(id);
        assert.deepEqual({ width, height }, { width: 1280, height: 800 }, "the default size");
        await xdotool("windowsize", "--sync", id, "1100", "700");
        await xdotool("windowmove", "--sync", id, "123", "77");
        assert.deepEqual(await geometry(id), { x: 123, y: 77, width: 1100, height: 700 });
      });
      await app.stop();
      app = null;

      const file = join(dataDir, "state", "window-state.json");
      assert.ok(existsSync(file), "the geometry was saved in the data directory's state");
      const saved = JSON.parse(readFileSync(file, "utf8")).main;
      assert.deepEqual(
        { x: saved.x, y: saved.y, width: saved.width, height: saved.height, maximized: saved.maximized },
        { x: 123, y: 77, width: 1100, height: 700, maximized: false },
      );

      app = await launchApp("window-state-again", { dataDir });
      await check(app, "restored", async () => {
        const id = await windowOf(app);
        assert.deepEqual(await geometry(id), { x: 123, y: 77, width: 1100, height: 700 });
        await app.screenshot("restored");
      });

      other = await launchApp("window-state-other");
      await check(other, "another data directory", async () => {
        const { width, height } = await geometry(await windowOf(other));
        assert.deepEqual({ width, height }, { width: 1280, height: 800 }, "another data directory's window took this one's size");
      });
    } finally {
      await other?.stop();
      await app?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
