// The public URL from the header, end to end against a real OpenSSH server:
// the spec starts a throwaway sshd on loopback (Debian's openssh-server,
// unpacked by scripts/setup.sh; a new host key, GatewayPorts), and the app
// reaches it through the system's ssh client under an alias of an ssh config
// of the spec's own. The user picks "Your own server", starts the tunnel,
// compares the unknown host key with the server's and accepts it; the pill
// turns loud. The GitHub endpoint's public URL is copied from the dialog and
// a GitHub-signed request is sent to it: it travels through sshd's remote
// forward to the app's tunnel ingress and shows up in the timeline marked as
// tunnelled, with a valid verdict and the tunnel named in the detail pane.
// Through the tunnel any method and path is capture, exactly as the local
// listener answers it, and nothing else. Stop ends ssh: the pill says off and
// the server's port no longer connects.
//
// How ssh gets the spec's files: OpenSSH finds ~/.ssh from the password
// database (getpwuid), not from $HOME, so launching the app with another HOME
// would not change which config ssh reads. Instead the app runs with a PATH
// whose first `ssh` is a two-line script that execs the real /usr/bin/ssh with
// `-F <the spec's config>` in front of the app's own arguments. Everything
// else is the product as a user runs it: the same command line, the same host
// key check, the same OpenSSH client.
import assert from "node:assert/strict";
import { execFile, execFileSync, spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { alive, artifactsDir, check, childrenOf, freePort, invoke, launchApp, waitGone } from "../harness.mjs";

// The example secret of GitHub's documentation.
const SECRET = "It's a Secret to Everybody";
const BODY = '{"ref":"refs/heads/main","after":"4a2f1c0","repository":{"full_name":"octo/hooks"}}';
const signature = (body) => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
/** The server as the user names it: an alias in their ssh config. */
const ALIAS = "hooklens-e2e-sshd";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The sshd scripts/setup.sh unpacks (not installed as a service), or HOOKLENS_SSHD. */
function sshdPath() {
  if (process.env.HOOKLENS_SSHD) return process.env.HOOKLENS_SSHD;
  const cache = process.env.HOOKLENS_CACHE_DIR ?? join(homedir(), ".cache", "hooklens");
  return join(cache, "openssh-server", "usr", "sbin", "sshd");
}

/** Where a program is on PATH. */
const which = (program) => execFileSync("sh", ["-c", `command -v ${program}`], { encoding: "utf8" }).trim();

/** Live processes whose command line contains `needle`. */
function processesMentioning(needle) {
  const found = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid || !alive(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8").replaceAll("\0", " ");
      if (cmdline.includes(needle)) found.push(`${name}: ${cmdline}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
const connects = (port) =>
  new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

/**
 * One HTTP request (a fresh connection each time, so no keep-alive socket of
 * the tunnel outlives a test); resolves to { status, headers, body }.
 */
const send = (url, { method = "GET", headers = {}, body } = {}) =>
  new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { connection: "close", ...headers }, agent: false, timeout: 15_000 }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${url}: no answer within 15 s`)));
    req.on("error", reject);
    req.end(body);
  });

/** The text on the X clipboard, read as another application pastes it (GTK, as tests/e2e/dragsource.py). */
const clipboardText = () =>
  new Promise((resolve, reject) =>
    execFile(
      "/usr/bin/python3",
      [
        "-c",
        [
          "import gi, sys",
          "gi.require_version('Gtk', '3.0')",
          "from gi.repository import Gtk, Gdk",
          "sys.stdout.write(Gtk.Clipboard.get(Gdk.SELECTION_CLIPBOARD).wait_for_text() or '')",
        ].join("\n"),
      ],
      { timeout: 10_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`reading the clipboard: ${err.message} ${stderr}`)) : resolve(stdout)),
    ),
  );

/** A throwaway OpenSSH server on 127.0.0.1:`port` that lets `authorized` in as the current user. */
async function startSshd(dir, port, authorized) {
  const sshd = sshdPath();
  assert.ok(existsSync(sshd), `${sshd} is missing: run \`make setup\` (scripts/setup.sh unpacks sshd from Debian's openssh-server)`);
  mkdirSync(dir, { recursive: true });
  const hostKey = join(dir, "host_ed25519");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "hooklens-e2e-host", "-f", hostKey]);
  const root = process.getuid() === 0;
  // As root, sshd insists on its privilege separation directory, which the
  // Debian package leaves to systemd to create.
  if (root) mkdirSync("/run/sshd", { recursive: true });
  const user = execFileSync("id", ["-un"], { encoding: "utf8" }).trim();
  const config = join(dir, "sshd_config");
  writeFileSync(
    config,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${authorized}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      "StrictModes no",
      "UsePAM no",
      "GatewayPorts yes",
      "AllowTcpForwarding yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      `AllowUsers ${user}`,
      ...(root ? ["PermitRootLogin prohibit-password"] : []),
      "",
    ].join("\n"),
  );
  // Kept with the other artifacts of the run.
  mkdirSync(artifactsDir, { recursive: true });
  const logPath = join(artifactsDir, "tunnel-sshd.log");
  const child = spawn(sshd, ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr.on("data", (chunk) => (log += chunk));
  const deadline = Date.now() + 10_000;
  while (!(await connects(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`sshd did not listen on ${port}: ${log}`);
    }
    await sleep(20);
  }
  const fingerprint = execFileSync("ssh-keygen", ["-l", "-f", `${hostKey}.pub`], { encoding: "utf8" }).split(/\s+/)[1];
  return {
    child,
    user,
    fingerprint,
    log: () => log,
    logPath,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", r)));
      }
      writeFileSync(logPath, log);
    },
  };
}

describe("public URL through an SSH tunnel", () => {
  let app;
  let work;
  let sshd;
  let sshdPort;
  let remotePort;
  let userKnownHosts;
  let userKnownHostsBefore;
  /** What the copy button put on the clipboard. */
  let copied;
  let appEnv;
  let dataDir;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "hooklens-e2e-tunnel-"));
    const userKey = join(work, "id_ed25519");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "hooklens-e2e-user", "-f", userKey]);
    const authorized = join(work, "authorized_keys");
    writeFileSync(authorized, readFileSync(`${userKey}.pub`));
    sshdPort = await freePort();
    remotePort = await freePort();
    sshd = await startSshd(join(work, "sshd"), sshdPort, authorized);

    // The user's ssh config: the server under an alias, with its port, user and key.
    const sshDir = join(work, "ssh");
    mkdirSync(sshDir, { mode: 0o700 });
    const config = join(sshDir, "config");
    writeFileSync(
      config,
      [
        `Host ${ALIAS}`,
        "  HostName 127.0.0.1",
        `  Port ${sshdPort}`,
        `  User ${sshd.user}`,
        `  IdentityFile ${userKey}`,
        "  IdentitiesOnly yes",
        // The app's command line names the known_hosts files itself (the
        // user's ~/.ssh/known_hosts, read only, and its own): this line is
        // overridden, and kept so a mistake there could not touch ~/.ssh.
        `  UserKnownHostsFile ${join(sshDir, "known_hosts")}`,
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
    const bin = join(work, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "ssh"), `#!/bin/sh\nexec '${which("ssh")}' -F '${config}' "$@"\n`);
    chmodSync(join(bin, "ssh"), 0o755);
    // ssh only reads the user's own known_hosts; this spec checks it stays as it was.
    userKnownHosts = join(homedir(), ".ssh", "known_hosts");
    userKnownHostsBefore = existsSync(userKnownHosts) ? readFileSync(userKnownHosts) : null;

    // No agent: only the spec's key is offered.
    appEnv = { PATH: `${bin}:${process.env.PATH}`, SSH_AUTH_SOCK: "" };
    // Kept across the restart below.
    dataDir = join(work, "data");
    mkdirSync(dataDir);
    app = await launchApp("tunnel", { env: appEnv, dataDir });
    await app.browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
    await app.browser.setWindowRect(0, 0, 1280, 800);
    const endpoint = await invoke(app.browser, "add_endpoint", {
      spec: {
        name: "GitHub",
        pathPrefix: "/github",
        preset: "github",
        response: { status: 200, headers: [], body: "", delayMs: 0 },
        scheme: null,
        forwards: [],
      },
    });
    await invoke(app.browser, "add_secret", { args: { endpointId: endpoint.id, label: "docs", value: SECRET } });
  });

  after(async () => {
    await app?.stop();
    const sshdPid = sshd?.child.pid;
    await sshd?.stop();
    // Nothing the spec or the app started is left running.
    const left = work ? processesMentioning(work) : [];
    if (sshdPid) left.push(...childrenOf(sshdPid).map((pid) => `${pid}: a session of sshd ${sshdPid}`));
    if (work) rmSync(work, { recursive: true, force: true });
    assert.deepEqual(left, [], "ssh or sshd processes outlived the spec");
  });

  const text = (el) => el.getProperty("textContent");

  async function waitForText(selector, pattern, what, timeout = 15_000) {
    const el = app.browser.$(selector);
    await app.browser.waitUntil(async () => pattern.test((await text(el).catch(() => "")) ?? ""), {
      timeout,
      timeoutMsg: `${what}: ${JSON.stringify(await text(el).catch(() => null))}`,
    });
    return el;
  }

  const pillState = () => app.browser.$('[data-testid="tunnel-pill"]').getAttribute("data-state");

  async function waitForPill(state, timeout = 30_000) {
    await app.browser.waitUntil(async () => (await pillState()) === state, {
      timeout,
      timeoutMsg: `the pill is ${await pillState()}, not ${state}; the dialog says ${JSON.stringify(
        await text(app.browser.$('[data-testid="tunnel-state"]')).catch(() => null),
      )}; sshd: ${sshd.log()}`,
    });
  }

  it("starts the SSH tunnel to your own server and shows the unknown host key to compare", async () => {
    await check(app, "start tunnel", async () => {
      const { browser } = app;
      assert.equal(await pillState(), "stopped");
      assert.equal(await text(browser.$('[data-testid="tunnel-pill"]')), "Public URL: off");
      await browser.$('[data-testid="tunnel-pill"]').click();
      await browser.$('[data-testid="tunnel-dialog"]').waitForDisplayed({ timeout: 5_000 });
      await browser.$('[data-testid="tunnel-choice-own-server"]').click();
      await browser.$('[data-testid="tunnel-host"]').setValue(ALIAS);
      // User and SSH port come from the ssh config.
      await browser.$('[data-testid="tunnel-remote-port"]').clearValue();
      await browser.$('[data-testid="tunnel-remote-port"]').setValue(String(remotePort));
      await browser.$('[data-testid="tunnel-public-base"]').setValue(`http://127.0.0.1:${remotePort}`);
      await app.screenshot("own-server-form");
      await browser.$('[data-testid="tunnel-start"]').click();

      const fingerprint = browser.$('[data-testid="tunnel-fingerprint"]');
      await fingerprint.waitForDisplayed({
        timeout: 30_000,
        timeoutMsg: `no host key to confirm; the dialog says ${JSON.stringify(await text(browser.$('[data-testid="tunnel-state"]')).catch(() => null))}`,
      });
      assert.equal(await text(fingerprint), `ED25519 ${sshd.fingerprint}`);
      assert.equal(await pillState(), "host-key-unknown");
      await waitForText('[data-testid="tunnel-state"]', new RegExp(`\\[127\\.0\\.0\\.1\\]:${sshdPort}`), "the host named");
      // Nothing is forwarded until the user accepts.
      assert.equal(await connects(remotePort), false, "the server's port is open before the host key was accepted");
      assert.ok(!existsSync(join(app.dataDir, "known_hosts")), "a host key was accepted without the user");
      await app.screenshot("host-key");
    });
  });

  it("connects once the host key is accepted: the pill is loud and each endpoint has its public URL", async () => {
    await check(app, "accept host key", async () => {
      const { browser } = app;
      await browser.$('[data-testid="tunnel-accept-host-key"]').click();
      await waitForPill("up");
      const pill = browser.$('[data-testid="tunnel-pill"]');
      assert.equal(await text(pill), `Public127.0.0.1:${remotePort}`);
      // Filled with the warning colour, as nothing else in the header is.
      const look = await browser.execute(() => {
        const el = document.querySelector('[data-testid="tunnel-pill"]');
        const probe = document.createElement("span");
        probe.style.background = "var(--warn)";
        document.body.append(probe);
        const warn = getComputedStyle(probe).backgroundColor;
        probe.remove();
        return { background: getComputedStyle(el).backgroundColor, warn, classes: el.className };
      });
      assert.equal(look.background, look.warn, `the pill while up: ${JSON.stringify(look)}`);
      assert.match(look.classes, /\bup\b/);
      await waitForText('[data-testid="tunnel-state"]', new RegExp(`^Up: .*http://127\\.0\\.0\\.1:${remotePort}`), "the state while up");
      const known = readFileSync(join(app.dataDir, "known_hosts"), "utf8");
      assert.match(known, new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sshdPort} ssh-ed25519 AAAA`), known);
      await waitForText('[data-testid="tunnel-endpoint-urls"]', /\/github/, "the endpoints' public URLs");
      await app.screenshot("up-dialog");
    });
  });

  it("copies the GitHub endpoint's public URL to the clipboard", async () => {
    await check(app, "copy endpoint url", async () => {
      const { browser } = app;
      const rows = await browser.$$('[data-testid="tunnel-endpoint-url"]');
      let github;
      for (const row of rows) if ((await text(row)).startsWith("GitHub")) github = row;
      assert.ok(github, "no public URL for the GitHub endpoint");
      const button = github.$("button");
      await button.click();
      await browser.waitUntil(async () => (await button.getText()) === "Copied", {
        timeout: 5_000,
        timeoutMsg: `the copy button says ${JSON.stringify(await button.getText())}`,
      });
      copied = await clipboardText();
      assert.equal(copied, `http://127.0.0.1:${remotePort}/github`);
      await browser.$('[data-testid="tunnel-close"]').click();
      await waitGone(browser, '[data-testid="tunnel-dialog"]', "the public URL dialog");
      await app.screenshot("up-header");
    });
  });

  it("captures a GitHub-signed request sent to the copied URL as valid and tunnelled", async () => {
    await check(app, "tunnelled request", async () => {
      const { browser } = app;
      const sent = await send(copied, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "push",
          "x-github-delivery": randomUUID(),
          "x-hub-signature-256": signature(BODY),
        },
        body: BODY,
      });
      assert.equal(sent.status, 200, `the tunnel answered ${sent.status}: ${sent.body}`);

      const row = browser.$('[data-testid="event-row"]');
      await row.waitForDisplayed({ timeout: 10_000 });
      assert.match(await text(row), /POST.*\/github/);
      assert.ok(await row.$('[data-testid="tunnel-chip"]').isExisting(), "the row has no tunnel chip");
      const badge = row.$('[data-testid="verdict-badge"]');
      await browser.waitUntil(async () => (await badge.getAttribute("data-status")) === "valid", {
        timeout: 10_000,
        timeoutMsg: `the verdict is ${await badge.getAttribute("data-status")}, not valid`,
      });
      await row.click();
      const via = await waitForText('[data-testid="detail-via"]', /SSH tunnel/, "the detail's Via line");
      assert.match(await text(via), new RegExp(`^Came through the SSH tunnel at http://127\\.0\\.0\\.1:${remotePort}`));
      await app.screenshot("tunnelled-event");
    });
  });

  it("serves capture only through the tunnel: any method and path is answered as the listener answers it, and stored", async () => {
    await check(app, "capture only", async () => {
      const { browser, listenUrl } = app;
      const count = async () => Number((await text(browser.$('[data-testid="event-count"]'))).replace(/\D/g, ""));
      const before = await count();
      // Paths an admin API, the UI or Tauri's IPC would use, were any of them served.
      const probes = [
        ["GET", "/"],
        ["GET", "/index.html"],
        ["GET", "/api/events"],
        ["POST", "/ipc/app_info"],
        ["GET", "/__tauri__/invoke"],
        ["DELETE", "/endpoints/1"],
        ["OPTIONS", "/"],
      ];
      for (const [method, path] of probes) {
        const through = await send(`http://127.0.0.1:${remotePort}${path}`, { method });
        const local = await send(`${listenUrl}${path}`, { method });
        assert.deepEqual(
          { status: through.status, type: through.headers["content-type"], body: through.body },
          { status: local.status, type: local.headers["content-type"], body: local.body },
          `${method} ${path} through the tunnel`,
        );
      }
      // Each of them was captured (through the tunnel and locally): none reached anything else.
      await browser.waitUntil(async () => (await count()) === before + 2 * probes.length, {
        timeout: 10_000,
        timeoutMsg: `stored ${await count()}, not ${before + 2 * probes.length}`,
      });
      const tunnelled = await browser.execute(
        () => document.querySelectorAll('[data-testid="event-row"] [data-testid="tunnel-chip"]').length,
      );
      assert.equal(tunnelled, 1 + probes.length, "not every request through the tunnel is marked tunnelled");
    });
  });

  it("starts again with the app when it was on, at the same public URL", async () => {
    await check(app, "restart", async () => {
      // Quit as a person would: the tunnel ends with the app…
      await app.stop();
      app = await launchApp("tunnel-restart", { env: appEnv, dataDir });
      await app.browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
      await app.browser.setWindowRect(0, 0, 1280, 800);
      // …and comes back by itself: the choice and the accepted host key are remembered.
      await waitForPill("up");
      const res = await fetch(`http://127.0.0.1:${remotePort}/github/after-restart`, { method: "POST", body: "{}" });
      assert.equal(res.status, 200);
      await app.browser.waitUntil(
        async () => /after-restart/.test((await text(app.browser.$('[data-testid="timeline"]')).catch(() => "")) ?? ""),
        { timeout: 10_000, timeoutMsg: "the request sent after the restart is not in the timeline" },
      );
      await app.screenshot("restarted");
    });
  });

  it("stops from the dialog: ssh ends, the pill says off and the server's port no longer connects", async () => {
    await check(app, "stop tunnel", async () => {
      const { browser } = app;
      await browser.$('[data-testid="tunnel-pill"]').click();
      await browser.$('[data-testid="tunnel-dialog"]').waitForDisplayed({ timeout: 5_000 });
      await browser.$('[data-testid="tunnel-stop"]').click();
      await waitForPill("stopped", 10_000);
      assert.equal(await text(browser.$('[data-testid="tunnel-pill"]')), "Public URL: off");
      await waitForText('[data-testid="tunnel-state"]', /^Off: the listener is reachable from this machine only\.$/, "the state");
      await browser.waitUntil(async () => !(await connects(remotePort)), {
        timeout: 10_000,
        timeoutMsg: `127.0.0.1:${remotePort} still connects after Stop`,
      });
      await browser.waitUntil(async () => processesMentioning(ALIAS).length === 0 && childrenOf(sshd.child.pid).length === 0, {
        timeout: 10_000,
        timeoutMsg: `still running after Stop: ${JSON.stringify(processesMentioning(ALIAS))}, sshd sessions ${childrenOf(sshd.child.pid)}`,
      });
      await app.screenshot("stopped");
      await browser.$('[data-testid="tunnel-close"]').click();
      // The user's own known_hosts was read, never written.
      const now = existsSync(userKnownHosts) ? readFileSync(userKnownHosts) : null;
      assert.deepEqual(now, userKnownHostsBefore, `${userKnownHosts} changed`);
    });
  });
});
