// Starts the real Hooklens debug build through tauri-driver (which drives
// WebKitWebDriver) with its own data directory and listen address, and hands
// the spec a WebdriverIO session. Run it under xvfb-run inside
// dbus-run-session (see run.sh).
import { execFile, spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

const here = dirname(fileURLToPath(import.meta.url));
export const artifactsDir = join(here, "artifacts");

/** A port nobody listens on right now. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForDriver(port, driver, log) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) throw new Error(`tauri-driver exited with ${driver.exitCode}; see ${log}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tauri-driver did not answer on port ${port}; see ${log}`);
}

/** Process ids of running copies of the app binary. */
function appPids(application) {
  const found = spawnSync("pgrep", ["-f", resolve(application)], { encoding: "utf8" });
  return new Set(found.stdout.split("\n").filter(Boolean).map(Number));
}

/** Whether a process runs (a zombie waiting to be reaped, or a dead one, counts as gone). */
export function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !"ZX".includes(stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3));
  } catch {
    return false;
  }
}

/** Live children of process `parent`. */
export function childrenOf(parent) {
  const found = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || !alive(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === parent) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/**
 * Launches the app. `name` labels the artifacts of this run. A given
 * `dataDir` is used as it is and kept; otherwise a fresh one is removed at stop.
 * Returns { browser, listen, listenUrl, dataDir, pid, stop, screenshot }.
 */
export async function launchApp(name, { env = {}, listenPort, dataDir: givenDataDir } = {}) {
  const application = process.env.HOOKLENS_APP;
  if (!application) throw new Error("HOOKLENS_APP must point at the debug build of the app");
  mkdirSync(artifactsDir, { recursive: true });

  const dataDir = givenDataDir ?? mkdtempSync(join(tmpdir(), "hooklens-e2e-"));
  listenPort ??= await freePort();
  const driverPort = await freePort();
  const nativePort = await freePort();
  const listen = `127.0.0.1:${listenPort}`;
  const logPath = join(artifactsDir, `${name}.log`);
  const log = createWriteStream(logPath);

  const driver = spawn(
    process.env.TAURI_DRIVER ?? "tauri-driver",
    ["--port", String(driverPort), "--native-port", String(nativePort)],
    {
      // WebKitWebDriver starts the app with this environment.
      env: { ...process.env, HOOKLENS_DATA_DIR: dataDir, HOOKLENS_LISTEN: listen, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  driver.stdout.pipe(log);
  driver.stderr.pipe(log);
  await waitForDriver(driverPort, driver, logPath);

  const before = appPids(application);
  let browser;
  try {
    browser = await remote({
      hostname: "127.0.0.1",
      port: driverPort,
      logLevel: "warn",
      connectionRetryCount: 0,
      capabilities: { "tauri:options": { application: resolve(application) } },
    });
  } catch (err) {
    driver.kill();
    throw err;
  }

  // WebKitWebDriver's own screenshot command hangs under Xvfb, so the
  // harness photographs the X display instead: the window as a person sees it.
  const screenshot = (label) => captureDisplay(join(artifactsDir, `${name}-${label}.png`));

  // This launch's own process, so stop() can quit it as a person would.
  const pid = [...appPids(application)].find((p) => !before.has(p));

  const stop = async () => {
    // SIGTERM, as at logout: the app drains and records a clean stop. The
    // driver's session end kills it outright, which would leave the next
    // start to check the database as after a crash.
    if (pid && alive(pid)) {
      process.kill(pid, "SIGTERM");
      const deadline = Date.now() + 5_000;
      while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    }
    try {
      await browser.deleteSession();
    } catch {
      // the app may already be gone
    }
    driver.kill();
    await new Promise((r) => (driver.exitCode !== null ? r() : driver.once("exit", r)));
    log.end();
    if (!givenDataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  return { browser, listen, listenUrl: `http://${listen}`, dataDir, pid, stop, screenshot };
}

/** Saves a PNG of the whole (virtual) X display; resolves to the path or why not. */
export function captureDisplay(file) {
  return new Promise((done) => {
    if (!process.env.DISPLAY) return done("no screenshot (no DISPLAY)");
    execFile("import", ["-window", "root", file], { timeout: 15_000 }, (err) =>
      done(err ? `no screenshot (${err.message.trim()})` : file),
    );
  });
}

/** Runs one check; on failure saves a screenshot named after it and rethrows. */
export async function check(app, label, fn) {
  try {
    await fn();
  } catch (err) {
    const shot = await app.screenshot(label.replace(/[^a-z0-9]+/gi, "-").toLowerCase());
    err.message = `${err.message}\n  screenshot: ${shot}`;
    throw err;
  }
}

/** Calls a Rust command through the app's own IPC bridge. */
export async function invoke(browser, command, args = {}) {
  const result = await browser.executeAsync(
    (cmd, a, done) => {
      window.__TAURI_INTERNALS__
        .invoke(cmd, a)
        .then((value) => done({ ok: true, value }))
        .catch((error) => done({ ok: false, error }));
    },
    command,
    args,
  );
  if (!result.ok) throw new Error(`${command} failed: ${JSON.stringify(result.error)}`);
  return result.value;
}

/**
 * Adds a labelled secret to endpoint `endpointId` through the endpoint
 * editor, as a person would; leaves the editor open when `keepOpen`.
 */
export async function addSecretInEditor(browser, endpointId, label, value, { keepOpen = false } = {}) {
  await browser.$(`[data-testid="edit-endpoint"][data-endpoint-id="${endpointId}"]`).click();
  await browser.$('[data-testid="endpoint-editor"]').waitForDisplayed({ timeout: 5_000 });
  await browser.$('[data-testid="secret-label"]').setValue(label);
  await browser.$('[data-testid="secret-value"]').setValue(value);
  await browser.$('[data-testid="secret-add"]').click();
  await browser.$('[data-testid="secret-row"]').waitForDisplayed({ timeout: 5_000 });
  if (keepOpen) return;
  await browser.keys(["Escape"]);
  await waitGone(browser, '[data-testid="endpoint-editor"]', "the endpoint editor");
}

/**
 * Waits until nothing matches `selector`. Asking for matches again each time
 * cannot trip over an element that is being removed (a stale reference).
 */
export async function waitGone(browser, selector, what, timeout = 5_000) {
  await browser.waitUntil(async () => (await browser.$$(selector).length) === 0, {
    timeout,
    timeoutMsg: `${what} did not close`,
  });
}
