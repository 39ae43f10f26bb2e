// Signature verdicts in the real app: what a request's signature looks like
// to the user, and that a secret added from hooklens-cli (beside the running
// app, on the same data directory) is used for the next request.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { check, launchApp } from "../harness.mjs";

// The example secret of GitHub's documentation.
const SECRET = "It's a Secret to Everybody";

const githubSignature = (body) => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;

/** Runs hooklens-cli on the app's data directory; `input` goes to its stdin. */
function cli(dataDir, args, input = "") {
  const binary = process.env.HOOKLENS_CLI;
  if (!binary) throw new Error("HOOKLENS_CLI must point at the debug build of hooklens-cli");
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ["--data-dir", dataDir, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe("signature verdicts", () => {
  let app;
  let sent = 0;

  before(async () => {
    app = await launchApp("signatures");
    await app.browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
  });

  after(async () => {
    await app?.stop();
  });

  /** Posts to the listener and returns the newest row's verdict badge once that row is there. */
  async function post(path, body, headers = {}) {
    const res = await fetch(`${app.listenUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    assert.equal(res.status, 200);
    sent += 1;
    const { browser } = app;
    await browser.waitUntil(async () => (await browser.$$('[data-testid="event-row"]').length) === sent, {
      timeout: 10_000,
      timeoutMsg: `the timeline does not show ${sent} events`,
    });
    return browser.$('[data-testid="event-row"]').$('[data-testid="verdict-badge"]');
  }

  it("marks a request without any signature header as unsigned", async () => {
    await check(app, "unsigned badge", async () => {
      const badge = await post("/plain", '{"hello":"world"}');
      assert.equal(await badge.getAttribute("data-status"), "unsigned");
      assert.match(await badge.getText(), /unsigned/i);
    });
  });

  it("marks a GitHub-signed request as signed but not checkable while no secret is set", async () => {
    await check(app, "no secret badge", async () => {
      const body = '{"action":"opened"}';
      const badge = await post("/github", body, { "x-hub-signature-256": githubSignature(body) });
      assert.equal(await badge.getAttribute("data-status"), "no_secret");
    });
  });

  it("uses a secret added with hooklens-cli: valid naming the secret, and an added newline explained", async () => {
    await check(app, "valid and diagnosed", async () => {
      const added = await cli(app.dataDir, ["secrets", "add", "1", "production"], `${SECRET}\n`);
      assert.equal(added.code, 0, added.stderr);
      assert.ok(!`${added.stdout}${added.stderr}`.includes(SECRET), "the CLI never echoes the secret");
      // The CLI re-verified the stored events: the signed request that had
      // no secret turns valid in place, without a reload.
      const { browser } = app;
      await browser.waitUntil(
        async () =>
          (await browser.$('[data-testid="event-row"]').$('[data-testid="verdict-badge"]').getAttribute("data-status")) ===
          "valid",
        { timeout: 5_000, timeoutMsg: "the no-secret event did not turn valid after the secret was added" },
      );
      // The running app picks up configuration changes within a second.
      await new Promise((r) => setTimeout(r, 1_500));

      const body = '{"action":"closed"}';
      const valid = await post("/github", body, { "x-hub-signature-256": githubSignature(body) });
      assert.equal(await valid.getAttribute("data-status"), "valid");

      const invalid = await post("/github", `${body}\n`, { "x-hub-signature-256": githubSignature(body) });
      assert.equal(await invalid.getAttribute("data-status"), "invalid");
      await browser.$('[data-testid="event-row"]').click();
      const card = browser.$('[data-testid="verdict-card"]');
      await card.waitForDisplayed({ timeout: 5_000 });
      const text = await card.getText();
      assert.match(text, /newline/i, `the card explains the cause: ${text}`);
      assert.ok(!text.includes(SECRET), "the card never shows the secret");
      await app.screenshot("diagnosis");
    });
  });
});
