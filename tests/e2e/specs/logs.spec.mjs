// The app's log file (issue 19): with a data directory given, it is in
// <data dir>/state/logs/hooklens.log; it holds what the terminal shows,
// without colour codes, at the level HOOKLENS_LOG sets; and after a run
// that handled secrets every way the app handles them (a secret added in
// the endpoint editor and used to verify, revealed on request; requests
// carrying Authorization, Cookie and X-Challenge values, revealed on
// request; an ngrok authtoken stored), none of them is in it, even at the
// most verbose level of our own crates.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { addSecretInEditor, check, invoke, launchApp } from "../harness.mjs";

const ENDPOINT_SECRET = "whsec-logscan-3f9a1c7e-endpoint";
const BEARER = "tok-logscan-8d2b5e10-bearer";
const COOKIE = "sess-logscan-61c0a9d4-cookie";
const CHALLENGE = "chal-logscan-0b7e33f2-kulmi";
const BASIC_PASSWORD = "pw-logscan-9e4d21aa-basic";
const NGROK = "2abcLOGSCAN_ngrok_authtoken_55e1c9";
const SECRETS = [ENDPOINT_SECRET, BEARER, COOKIE, CHALLENGE, BASIC_PASSWORD, NGROK];

describe("log file", () => {
  it("is in the data directory's state, without colour codes, and holds no secret", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "hooklens-e2e-logs-"));
    let app;
    try {
      app = await launchApp("logs", {
        dataDir,
        env: { HOOKLENS_LOG: "debug,hooklens_app=trace,hooklens_core=trace,hooklens_signature=trace" },
      });
      const { browser, listenUrl } = app;
      await check(app, "handle secrets", async () => {
        await browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
        // The default endpoint gets a secret through the editor, as a person adds one.
        await addSecretInEditor(browser, 1, "production", ENDPOINT_SECRET);
        assert.equal(await invoke(browser, "reveal_secret", { args: { endpointId: 1, label: "production" } }), ENDPOINT_SECRET);
        const body = '{"action":"opened"}';
        const signature = `sha256=${createHmac("sha256", ENDPOINT_SECRET).update(body).digest("hex")}`;
        const basic = Buffer.from(`merchant:${BASIC_PASSWORD}`).toString("base64");
        for (const headers of [
          { "x-hub-signature-256": signature, "x-github-event": "issues" },
          { authorization: `Bearer ${BEARER}`, cookie: `session=${COOKIE}` },
          { "x-challenge": CHALLENGE },
          { authorization: `Basic ${basic}` },
        ]) {
          const res = await fetch(`${listenUrl}/logscan`, {
            method: "POST",
            headers: { "content-type": "application/json", ...headers },
            body,
          });
          assert.equal(res.status, 200);
        }
        await browser.waitUntil(async () => (await browser.$$('[data-testid="event-row"]').length) === 4, {
          timeout: 10_000,
          timeoutMsg: "the four requests did not arrive",
        });
        // The signed one verifies with the secret: the secret was used.
        const page = await invoke(browser, "search_events", {
          args: { query: "status:valid", limit: 10, before: null, after: null, endpointId: null },
        });
        assert.equal(page.events.length, 1, "the signed request did not verify with the added secret");
        // Every masked header revealed on request, as the detail pane's "reveal" does.
        const all = await invoke(browser, "search_events", {
          args: { query: "", limit: 10, before: null, after: null, endpointId: null },
        });
        let revealed = 0;
        for (const event of all.events) {
          const view = await invoke(browser, "get_event", { id: event.id });
          for (const [index, header] of view.headers.entries()) {
            if (!header.masked) continue;
            const shown = await invoke(browser, "reveal_header", { args: { eventId: event.id, index } });
            const plain = shown.value.startsWith("Basic ") ? Buffer.from(shown.value.slice(6), "base64").toString() : shown.value;
            assert.ok(
              SECRETS.some((secret) => plain.includes(secret)),
              `${header.name} revealed as ${shown.value}`,
            );
            revealed += 1;
          }
        }
        assert.equal(revealed, 4, "Authorization twice, Cookie and X-Challenge are masked and revealed");
        // An ngrok authtoken stored for the public URL.
        await invoke(browser, "set_ngrok_authtoken", { args: { value: NGROK } });
      });
      await app.stop();
      app = null;

      const dir = join(dataDir, "state", "logs");
      assert.ok(existsSync(join(dir, "hooklens.log")), `no log file in ${dir}`);
      const text = readdirSync(dir)
        .filter((name) => name.startsWith("hooklens.log"))
        .map((name) => readFileSync(join(dir, name), "utf8"))
        .join("");
      assert.match(text, /Hooklens started/, "the start is logged");
      assert.match(text, /TRACE hooklens_core::capture: stored event=\d+ method=POST path=\/logscan/, "HOOKLENS_LOG did not raise the level");
      assert.match(text, /stopped/, "the stop is logged");
      assert.ok(!text.includes("\x1b["), "colour codes in the log file");
      for (const secret of SECRETS) {
        const at = text.indexOf(secret);
        assert.equal(at, -1, `a secret is in the log: …${text.slice(Math.max(0, at - 200), at + 50)}…`);
      }
      // Nor the Basic credentials as sent.
      assert.ok(!text.includes(Buffer.from(`merchant:${BASIC_PASSWORD}`).toString("base64")), "Basic credentials in the log");
    } finally {
      await app?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
