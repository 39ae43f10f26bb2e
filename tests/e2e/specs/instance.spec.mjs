// One Hooklens per data directory (issue 19): launching it again brings the
// running window to the front and the second process exits at once, before
// it opens the store or binds a port; a file named on the second launch is
// imported by the first, like a dropped file. An app on another data
// directory runs beside it (every spec relies on that: each has its own).
//
// There is no window manager under Xvfb, so nothing can minimise a window
// or stack another over it. The test hides the window the way a minimised
// one is gone from the screen (xdotool unmaps it) and checks that a second
// launch maps it again; and it gives the keyboard focus elsewhere (to the
// root window) and checks that a second launch gives it back. (Both at
// once is a window manager's job: without one, GTK asks for the focus of
// a window the X server has not mapped yet, which it refuses.)
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { check, freePort, invoke, launchApp } from "../harness.mjs";

const xdotool = (...args) =>
  new Promise((done, reject) =>
    execFile("xdotool", args, { timeout: 10_000 }, (err, stdout) => (err ? reject(err) : done(stdout.trim()))),
  );
/** The window with the X input focus (none: the root or PointerRoot). */
const focused = () => xdotool("getwindowfocus", "-f").catch(() => "none");
const mapState = (id) =>
  new Promise((done, reject) =>
    execFile("xwininfo", ["-id", id], { timeout: 10_000 }, (err, stdout) =>
      err ? reject(err) : done(/Map State: (\w+)/.exec(stdout)?.[1] ?? "unknown"),
    ),
  );

async function until(what, test, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await test()) return;
    assert.ok(Date.now() < deadline, what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Launches the app binary again as a person would (not through WebDriver),
 * on `dataDir`, and resolves to { code, ms, output } once it exits.
 */
function launchAgain(dataDir, args = [], cwd = undefined) {
  const started = Date.now();
  return new Promise((done, reject) => {
    const child = spawn(resolve(process.env.HOOKLENS_APP), args, {
      cwd,
      // A port of its own: were it to start instead of handing over, it
      // would say so in the output rather than fail to bind the first's.
      env: { ...process.env, HOOKLENS_DATA_DIR: dataDir, HOOKLENS_LISTEN: "127.0.0.1:0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      done({ code: code ?? signal, ms: Date.now() - started, output });
    });
  });
}

describe("single instance", () => {
  let app;
  let window;

  before(async () => {
    app = await launchApp("instance");
    await app.browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
    // The app's visible top-level window.
    await until("the app's window is on screen", async () => {
      window = (await xdotool("search", "--onlyvisible", "--pid", String(app.pid)).catch(() => "")).split("\n")[0];
      return Boolean(window);
    });
  });

  after(async () => {
    await app?.stop();
  });

  /** A second launch on the app's data directory, which must hand over and exit. */
  async function secondLaunch(args, cwd) {
    const again = await launchAgain(app.dataDir, args, cwd);
    assert.equal(again.code, 0, `the second launch exited with ${again.code}:\n${again.output}`);
    assert.ok(again.ms < 10_000, `the second launch took ${again.ms} ms to hand over`);
    assert.doesNotMatch(again.output, /capture listener started|Hooklens started/, "the second launch started");
  }

  it("a second launch on the same data shows the hidden window again and exits", async () => {
    await check(app, "second launch shows", async () => {
      await xdotool("windowunmap", "--sync", window);
      assert.equal(await mapState(window), "IsUnMapped");
      await secondLaunch();
      await until("the window was not shown again", async () => (await mapState(window)) === "IsViewable");
      // Still the one app, still capturing.
      const info = await invoke(app.browser, "app_info");
      assert.equal(info.listener.state, "listening");
    });
  });

  it("a second launch on the same data gives the window the focus and exits", async () => {
    await check(app, "second launch focuses", async () => {
      const root = /Window id: (0x[0-9a-f]+)/.exec(
        await new Promise((done, reject) =>
          execFile("xwininfo", ["-root"], (err, out) => (err ? reject(err) : done(out))),
        ),
      )[1];
      // From a known state: the window has the focus, then the root takes it.
      await xdotool("windowfocus", "--sync", window);
      await until("the page did not get the focus", () => app.browser.execute(() => document.hasFocus()));
      // The pointer off the window: with the focus on the root, X sends the
      // keys to the window under the pointer, and GTK counts that as focus.
      await xdotool("mousemove", "--sync", "0", "0");
      await xdotool("windowfocus", "--sync", root);
      assert.notEqual(await focused(), window, "the window kept the focus");
      await until("the page still has the focus", async () => !(await app.browser.execute(() => document.hasFocus())));
      await secondLaunch();
      await until("the window did not get the focus", async () => (await focused()) === window);
      await until("the page did not get the focus back", () => app.browser.execute(() => document.hasFocus()));
      await app.screenshot("focused-again");
    });
  });

  it("a file named on a second launch is imported by the first", async () => {
    await check(app, "second launch imports", async () => {
      const work = mkdtempSync(join(tmpdir(), "hooklens-e2e-open-"));
      try {
        writeFileSync(
          join(work, "ticket-481.txt"),
          'POST /kustom/orders HTTP/1.1\r\nHost: merchant.example\r\nContent-Type: application/json\r\n\r\n{"id":"kevt_open","type":"order.created"}',
        );
        // Named relative to the second launch's working directory.
        await secondLaunch(["ticket-481.txt"], work);
        const notice = app.browser.$('[data-testid="import-notice-text"]');
        await notice.waitForDisplayed({ timeout: 10_000 });
        assert.match(await notice.getText(), /^ticket-481\.txt: 1 imported/);
        const row = app.browser.$('[data-testid="event-row"]');
        await row.waitForDisplayed({ timeout: 10_000 });
        assert.match(await row.getText(), /\/kustom\/orders/);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
  });

  it("an app on another data directory runs beside it", async () => {
    let other;
    try {
      other = await launchApp("instance-other", { listenPort: await freePort() });
      await other.browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
      const info = await invoke(other.browser, "app_info");
      assert.equal(info.dataDir, other.dataDir);
      assert.equal(info.listener.state, "listening");
      assert.notEqual(other.pid, app.pid);
      process.kill(app.pid, 0); // the first still runs
      assert.equal((await invoke(app.browser, "app_info")).dataDir, app.dataDir);
    } finally {
      await other?.stop();
    }
  });
});
