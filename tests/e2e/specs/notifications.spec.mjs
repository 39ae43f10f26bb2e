// Desktop notifications from the real app, as the desktop sees them: a
// notification daemon (dunst) on the private D-Bus session of run.sh and
// dbus-monitor recording every org.freedesktop.Notifications.Notify call.
// One event gives one notification naming it, a burst gives a summary, the
// rule and the pause hold, events already in view in the focused window stay
// quiet, a click opens the event; without a D-Bus session the app still
// captures and says notifications are unavailable.
import assert from "node:assert/strict";
import { execFile, execFileSync, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { addSecretInEditor, artifactsDir, check, invoke, launchApp, waitGone } from "../harness.mjs";

const SECRET = "It's a Secret to Everybody";
const githubSignature = (body, secret = SECRET) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

/** The notifier gathers what follows a notification for this long (src-tauri/src/notify.rs WINDOW). */
const WINDOW_MS = 5_000;
/** Long enough for a window to close, with room for a slow machine. */
const QUIET_MS = WINDOW_MS + 1_500;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const dunstctl = (...args) =>
  new Promise((resolve, reject) =>
    execFile("dunstctl", args, { timeout: 5_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );

function notificationServerRunning() {
  try {
    const out = execFileSync(
      "dbus-send",
      [
        "--session",
        "--print-reply",
        "--dest=org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus.NameHasOwner",
        "string:org.freedesktop.Notifications",
      ],
      { encoding: "utf8", timeout: 5_000 },
    );
    return /boolean true/.test(out);
  } catch {
    return false;
  }
}

/** The Notify calls dbus-monitor has written so far: { summary, body, actions }. */
function parseNotifies(text) {
  return text
    .split(/^(?=method call |signal |method return |error )/m)
    .filter((block) => /^method call .*member=Notify\b/.test(block))
    .map((block) => {
      // app name, icon, summary, body, then the actions (id, label pairs); a body may span lines.
      const strings = [...block.matchAll(/^\s*string "([^"]*)"$/gms)].map((m) => m[1]);
      const [appName, icon, summary, body, ...actions] = strings;
      return { appName, icon, summary, body, actions };
    });
}

let dunst = null;
let monitor = null;
const monitorLog = join(artifactsDir, "notifications-dbus-monitor.log");
const notifies = () => parseNotifies(readFileSync(monitorLog, "utf8"));
const since = (mark) => notifies().slice(mark);

before(async () => {
  mkdirSync(artifactsDir, { recursive: true });
  // run.sh runs every spec inside dbus-run-session: bring a notification server unless one answers already.
  if (!notificationServerRunning()) {
    const out = openSync(join(artifactsDir, "notifications-dunst.log"), "w");
    dunst = spawn("dunst", [], { stdio: ["ignore", out, out] });
    closeSync(out);
    const deadline = Date.now() + 10_000;
    while (!notificationServerRunning()) {
      if (dunst.exitCode !== null) throw new Error(`dunst exited with ${dunst.exitCode}`);
      if (Date.now() > deadline) throw new Error("dunst did not take org.freedesktop.Notifications");
      await sleep(100);
    }
  }
  const out = openSync(monitorLog, "w");
  monitor = spawn("dbus-monitor", ["--session", "interface='org.freedesktop.Notifications',member='Notify'"], {
    stdio: ["ignore", out, out],
  });
  closeSync(out);
  // The monitor is listening once it has its name.
  const deadline = Date.now() + 5_000;
  while (!/NameAcquired/.test(readFileSync(monitorLog, "utf8")) && Date.now() < deadline) await sleep(50);
});

after(() => {
  monitor?.kill();
  dunst?.kill();
});

describe("desktop notifications", () => {
  let app;

  before(async () => {
    app = await launchApp("notifications");
    const { browser } = app;
    await browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
    await browser.setWindowRect(0, 0, 1280, 800);
    // The shell asks the desktop for its notification server at start-up.
    const bell = browser.$('[data-testid="notify-pause"]');
    await browser.waitUntil(async () => (await bell.getAttribute("data-state")) === "on", {
      timeout: 10_000,
      timeoutMsg: `the bell says ${await bell.getAttribute("data-state")}`,
    });
  });

  after(async () => {
    await app?.stop();
  });

  let sent = 0;
  async function send(path, body, headers = {}) {
    const res = await fetch(`${app.listenUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    assert.equal(res.status, 200);
    sent += 1;
  }
  const kustom = (id) => send("/kustom", JSON.stringify({ id, type: "order.created" }));

  async function search(text) {
    const { browser } = app;
    const input = browser.$('[data-testid="search-input"]');
    await input.click();
    await browser.keys(["Control", "a"]);
    await browser.keys(["Backspace"]);
    if (text) await input.setValue(text);
    await browser.keys(["Enter"]);
    // The view reaches the shell at most every 300 ms.
    await sleep(1_000);
  }

  async function waitForNotifies(mark, n, what) {
    await app.browser.waitUntil(async () => since(mark).length >= n, {
      timeout: 10_000,
      timeoutMsg: `${what}: ${since(mark).length} notifications, expected ${n}`,
    });
  }

  async function openSettings() {
    const { browser } = app;
    const panel = browser.$('[data-testid="notify-settings"]');
    if (!(await panel.isExisting())) await browser.$('[data-testid="notify-settings-open"]').click();
    await panel.waitForDisplayed({ timeout: 5_000 });
    return panel;
  }

  async function closeSettings() {
    const { browser } = app;
    await browser.keys(["Escape"]);
    await waitGone(browser, '[data-testid="notify-settings"]', "the notification settings");
  }

  async function chooseRule(rule) {
    const { browser } = app;
    await openSettings();
    await browser.$(`[data-testid="notify-rule-${rule}"]`).click();
    // Saved: the shell's settings say so.
    await browser.waitUntil(
      async () =>
        (await invoke(browser, "notify_state")).settings.rule === rule,
      { timeout: 5_000, timeoutMsg: `the rule did not become ${rule}` },
    );
    await closeSettings();
  }

  it("stays quiet for an event already in view in the focused window, and notifies once it is not", async () => {
    await check(app, "focus suppression", async () => {
      const { browser } = app;
      // Under Xvfb without a window manager the one window has the focus: GTK reports it focused.
      const focused = await browser.execute(() => document.hasFocus());
      assert.ok(focused, "the app window is expected to have the focus under Xvfb");
      const mark = notifies().length;
      // Following the newest events, no search, all endpoints: the new row appears in front of the user.
      await kustom("kevt_0");
      await browser.$('[data-testid="event-row"]').waitForDisplayed({ timeout: 10_000 });
      await sleep(QUIET_MS);
      assert.deepEqual(since(mark), [], "no notification for an event shown at the top of the focused window");

      // A search the next events do not match: they are not in view, so they notify.
      await search("path:/elsewhere");
      await kustom("kevt_1");
      await waitForNotifies(mark, 1, "after an event outside the search");
      await sleep(QUIET_MS);
      const shown = since(mark);
      assert.equal(shown.length, 1, JSON.stringify(shown));
    });
  });

  it("names what arrived: provider and type, path, endpoint and id", async () => {
    await check(app, "one notification", async () => {
      const [note] = notifies().slice(-1);
      assert.equal(note.appName, "Hooklens");
      assert.equal(note.summary, "Kustom order.created");
      assert.equal(note.body, "/kustom on Default · kevt_1");
      assert.deepEqual(note.actions, ["default", "Open"]);
    });
  });

  it("opens the event when the notification is clicked", async () => {
    await check(app, "click opens", async () => {
      const { browser } = app;
      // Only this one on screen: dunst acts on the notification at a position.
      await dunstctl("close-all");
      const mark = notifies().length;
      await kustom("kevt_click");
      await waitForNotifies(mark, 1, "for the event to click");
      // The newest event's id: the one notified.
      const page = await invoke(browser, "search_events", {
        args: { query: "", limit: 1, before: null, after: null, endpointId: null },
      });
      const id = page.events[0].id;
      // dunst's default action on the notification shown: what a click does.
      await dunstctl("action", "0");
      await browser.waitUntil(
        async () => {
          const facts = browser.$('[data-testid="detail-facts"]');
          return (await facts.isExisting()) && (await facts.getText()).includes(`#${id}`);
        },
        { timeout: 10_000, timeoutMsg: `the detail pane does not show event #${id} after the click` },
      );
      await sleep(QUIET_MS);
    });
  });

  it("turns a burst of 50 requests into at most 3 notifications, one of them a summary", async () => {
    await check(app, "burst", async () => {
      await sleep(QUIET_MS);
      const mark = notifies().length;
      await Promise.all(Array.from({ length: 50 }, (_, i) => kustom(`kevt_burst_${i}`)));
      // The first at once, the rest gathered at the end of the window, and one more window for stragglers.
      await sleep(2 * WINDOW_MS + 2_000);
      const shown = since(mark);
      assert.ok(shown.length >= 1 && shown.length <= 3, `${shown.length} notifications: ${JSON.stringify(shown)}`);
      const summary = shown.find((n) => /^\d+ new events on /.test(n.summary));
      assert.ok(summary, `no summary among ${JSON.stringify(shown.map((n) => n.summary))}`);
      assert.match(summary.summary, /^\d+ new events on Default$/);
      assert.match(summary.body, /Latest: Kustom order\.created/);
      // Every event is accounted for: one notification each, or counted in a summary.
      const accounted = shown.reduce((n, note) => n + (Number(/^(\d+) new events on /.exec(note.summary)?.[1]) || 1), 0);
      assert.equal(accounted, 50, JSON.stringify(shown.map((n) => n.summary)));
      await app.screenshot("burst");
    });
  });

  it("with 'only invalid signatures', stays quiet for a valid event and notifies an invalid one", async () => {
    await check(app, "only invalid", async () => {
      const { browser } = app;
      await chooseRule("invalid");

      // A secret for GitHub's signatures on the default endpoint, through the endpoint editor.
      await addSecretInEditor(browser, 1, "production", SECRET);

      await sleep(QUIET_MS);
      const mark = notifies().length;
      const body = '{"action":"opened","number":7}';
      await send("/github", body, { "x-github-event": "pull_request", "x-hub-signature-256": githubSignature(body) });
      await sleep(QUIET_MS);
      assert.deepEqual(since(mark), [], "a valid signature does not notify under 'only invalid signatures'");

      const forged = '{"action":"closed","number":7}';
      await send("/github", forged, { "x-github-event": "pull_request", "x-hub-signature-256": githubSignature(forged, "not the secret") });
      await waitForNotifies(mark, 1, "after a wrongly signed request");
      await sleep(QUIET_MS);
      const shown = since(mark);
      assert.equal(shown.length, 1, JSON.stringify(shown));
      assert.ok(shown[0].summary.startsWith("⚠"), shown[0].summary);
      assert.match(shown[0].summary, /GitHub pull_request/);
      assert.match(shown[0].body, /Signature not valid/);
      assert.match(shown[0].body, /\/github on Default/);
      await chooseRule("all");
    });
  });

  it("never shows a secret header's value: not a challenge, not a bare token in Authorization", async () => {
    await check(app, "secret headers", async () => {
      await sleep(QUIET_MS);
      const mark = notifies().length;
      // A USAePay-style event whose Authorization holds a bare token instead of Basic credentials:
      // the verdict is malformed, and its reason must not quote the token.
      const token = "sk_live_S3cretTokenE2e";
      await send(
        "/usaepay",
        JSON.stringify({ type: "event", event_type: "transaction.sale.success", event_body: { merchant: {}, object: {} }, event_id: "ev_tok" }),
        { authorization: token },
      );
      await waitForNotifies(mark, 1, "after the USAePay event");
      await sleep(QUIET_MS);
      // Kulmi Pay sends its shared secret itself.
      await send("/kulmi", JSON.stringify({ id: "evt_chal", topic: "collection_event", data: { id: "inv_1" } }), {
        "x-challenge": "kulmiChallengeS3cretE2e",
      });
      await waitForNotifies(mark, 2, "after the Kulmi Pay event");
      const shown = since(mark);
      assert.ok(shown[0].summary.startsWith("⚠"), shown[0].summary);
      assert.match(shown[0].body, /Signature not valid: Authorization does not start with Basic/);
      for (const note of shown) {
        const text = `${note.summary}\n${note.body}`;
        for (const secret of ["S3cretTokenE2e", "sk_live", "kulmiChallengeS3cretE2e"]) {
          assert.ok(!text.includes(secret), `a notification shows ${secret}: ${text}`);
        }
      }
      // Everything the daemon was asked to show in this test.
      const raw = readFileSync(monitorLog, "utf8");
      assert.ok(!raw.includes("S3cretTokenE2e") && !raw.includes("kulmiChallengeS3cretE2e"), "on the bus");
    });
  });

  it("shows nothing while paused from the header, and notifies again once resumed", async () => {
    await check(app, "pause", async () => {
      const { browser } = app;
      const bell = browser.$('[data-testid="notify-pause"]');
      await sleep(QUIET_MS);
      const mark = notifies().length;
      await bell.click();
      await browser.waitUntil(async () => (await bell.getAttribute("aria-pressed")) === "true", { timeout: 5_000 });
      await browser.waitUntil(
        async () => (await invoke(browser, "notify_state")).settings.paused,
        { timeout: 5_000, timeoutMsg: "the pause was not saved" },
      );
      await app.screenshot("paused");
      await kustom("kevt_paused_1");
      await kustom("kevt_paused_2");
      await sleep(QUIET_MS);
      assert.deepEqual(since(mark), [], "no notification while paused");

      await bell.click();
      await browser.waitUntil(async () => (await bell.getAttribute("aria-pressed")) === "false", { timeout: 5_000 });
      await browser.waitUntil(
        async () => !(await invoke(browser, "notify_state")).settings.paused,
        { timeout: 5_000, timeoutMsg: "the resume was not saved" },
      );
      await kustom("kevt_resumed");
      await waitForNotifies(mark, 1, "after resuming");
      assert.match(since(mark)[0].body, /kevt_resumed/);
    });
  });

  it("shows the settings with the service that shows notifications (light theme, 1280×800)", async () => {
    await check(app, "settings light", async () => {
      const { browser } = app;
      await search("");
      await app.screenshot("header-light");
      const panel = await openSettings();
      assert.equal(await browser.$('[data-testid="notify-status"]').getText(), "Shown by dunst");
      assert.ok(await browser.$('[data-testid="notify-rule-all"]').isSelected());
      // A search that does not parse says why, inline.
      await browser.$('[data-testid="notify-rule-query"]').click();
      await browser.$('[data-testid="notify-query"]').setValue("type:order.created typo:x");
      const error = browser.$('[data-testid="notify-query-error"]');
      await error.waitForDisplayed({ timeout: 5_000 });
      assert.match(await error.getText(), /typo/);
      assert.ok(await panel.isDisplayed());
      await app.screenshot("settings-light");
      await browser.$('[data-testid="notify-rule-all"]').click();
      await closeSettings();
    });
  });
});

describe("desktop notifications in the dark theme", () => {
  let app;

  after(async () => {
    await app?.stop();
  });

  it("lays out the bell and the settings at 1280×800", async () => {
    app = await launchApp("notifications-dark", { env: { GTK_THEME: "Adwaita:dark" } });
    await check(app, "settings dark", async () => {
      const { browser } = app;
      await browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
      await browser.setWindowRect(0, 0, 1280, 800);
      assert.ok(await browser.execute(() => matchMedia("(prefers-color-scheme: dark)").matches));
      const bell = browser.$('[data-testid="notify-pause"]');
      await browser.waitUntil(async () => (await bell.getAttribute("data-state")) === "on", { timeout: 10_000 });
      await app.screenshot("header-dark");
      await bell.click();
      await browser.waitUntil(async () => (await bell.getAttribute("aria-pressed")) === "true", { timeout: 5_000 });
      await browser.$('[data-testid="notify-settings-open"]').click();
      await browser.$('[data-testid="notify-settings"]').waitForDisplayed({ timeout: 5_000 });
      await app.screenshot("settings-dark");
      await bell.click();
    });
  });
});

describe("without a D-Bus session", () => {
  let app;

  after(async () => {
    await app?.stop();
  });

  it("still captures and shows events, and says notifications are unavailable", async () => {
    app = await launchApp("notifications-no-dbus", { env: { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent" } });
    await check(app, "no dbus", async () => {
      const { browser, listenUrl } = app;
      await browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
      await browser.setWindowRect(0, 0, 1280, 800);
      const res = await fetch(`${listenUrl}/kustom`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id: "kevt_nodbus", type: "order.created" }),
      });
      assert.equal(res.status, 200);
      await browser.$('[data-testid="event-row"]').waitForDisplayed({ timeout: 10_000 });
      assert.match(await browser.$('[data-testid="event-row"]').getProperty("textContent"), /order\.created/);

      const bell = browser.$('[data-testid="notify-pause"]');
      await browser.waitUntil(async () => (await bell.getAttribute("data-state")) === "unavailable", {
        timeout: 10_000,
        timeoutMsg: `the bell says ${await bell.getAttribute("data-state")}`,
      });
      await browser.$('[data-testid="notify-settings-open"]').click();
      const status = browser.$('[data-testid="notify-status"]');
      await status.waitForDisplayed({ timeout: 5_000 });
      assert.match(await status.getText(), /^Unavailable: .+ — events are still captured$/);
      await app.screenshot("unavailable");

      // A second request is captured as quickly as the first.
      const started = Date.now();
      const again = await fetch(`${listenUrl}/kustom`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id: "kevt_nodbus_2", type: "order.created" }),
      });
      assert.equal(again.status, 200);
      assert.ok(Date.now() - started < 2_000, `capture took ${Date.now() - started} ms`);
      await browser.waitUntil(async () => (await browser.$$('[data-testid="event-row"]').length) === 2, {
        timeout: 10_000,
        timeoutMsg: "the second event does not show",
      });
    });
  });
});
