// The inspector as a person uses it: requests arrive live with their verdict
// badges, the search box narrows the timeline, a selected event shows its
// headers and body, the keyboard drives the list, a secret added in the
// endpoint editor re-verifies earlier events, and hostile payloads stay text.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { addSecretInEditor, check, invoke, launchApp } from "../harness.mjs";

const SECRET = "It's a Secret to Everybody";
const githubSignature = (body) => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;

// Markup and script in every place a request can carry it. If any of it were
// rendered as HTML, an element would appear or a global would be set.
const HOSTILE = [
  "<script>window.__pwned = 'script'</script>",
  '<img src=x onerror="window.__pwned = \'img\'">',
  '<svg onload="window.__pwned = \'svg\'"><circle r="5"/></svg>',
  "</textarea><textarea>",
  '<a href="javascript:window.__pwned=\'link\'">click me</a>',
  '<iframe src="javascript:parent.__pwned=\'iframe\'"></iframe>',
];

describe("inspector", () => {
  let app;
  let sent = 0;

  before(async () => {
    app = await launchApp("inspector");
    await app.browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
  });

  after(async () => {
    await app?.stop();
  });

  const rows = () => app.browser.$$('[data-testid="event-row"]');
  const waitForRows = (n, what) =>
    app.browser.waitUntil(async () => (await rows().length) === n, {
      timeout: 10_000,
      timeoutMsg: `the timeline does not show ${n} rows ${what}`,
    });

  async function send(path, body, { method = "POST", headers = {} } = {}) {
    const res = await fetch(`${app.listenUrl}${path}`, {
      method,
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    assert.equal(res.status, 200);
    sent += 1;
  }

  async function search(text) {
    const { browser } = app;
    const input = browser.$('[data-testid="search-input"]');
    await input.click();
    await browser.keys(["Control", "a"]);
    await browser.keys(["Backspace"]);
    if (text) await input.setValue(text);
    await browser.keys(["Enter"]);
  }

  async function selectRow(eventId) {
    await app.browser.$(`[data-testid="event-row"][data-event-id="${eventId}"]`).click();
    await app.browser.waitUntil(
      async () => (await app.browser.$('[data-testid="detail-facts"]').getText()).includes(`#${eventId}`),
      { timeout: 5_000, timeoutMsg: `the detail pane does not show event #${eventId}` },
    );
  }

  it("shows requests live, newest first, with their verdict badges", async () => {
    await check(app, "live badges", async () => {
      await send("/orders", '{"type":"order.created","note":"zebra one"}');
      await waitForRows(1, "after the first request");
      const body = '{"action":"opened","note":"zebra two"}';
      await send("/github", body, { headers: { "x-hub-signature-256": githubSignature(body) } });
      await waitForRows(2, "after the signed request");
      const badges = await app.browser.$$('[data-testid="event-row"] [data-testid="verdict-badge"]');
      assert.equal(await badges[0].getAttribute("data-status"), "no_secret", "newest first: the signed one");
      assert.equal(await badges[1].getAttribute("data-status"), "unsigned");
    });
  });

  it("narrows the timeline with the search box and shows the count", async () => {
    await check(app, "search", async () => {
      await send("/orders", '{"type":"order.updated","note":"zebra three"}', { method: "PUT" });
      await send("/orders", '{"type":"order.created","note":"giraffe"}');
      await waitForRows(4, "before searching");
      const { browser } = app;
      const count = browser.$('[data-testid="result-count"]');

      await search("zebra");
      await waitForRows(3, "for the free text zebra");
      await browser.waitUntil(async () => /\b3 events\b/.test(await count.getText()), {
        timeout: 5_000,
        timeoutMsg: `the count says ${JSON.stringify(await count.getText())}`,
      });

      await search("zebra method:put");
      await waitForRows(1, "for zebra method:put");
      assert.match(await count.getText(), /\b1 event\b/);

      await search("zebra -three path:/orders");
      await waitForRows(1, "for zebra -three path:/orders");

      // A query that does not parse says why and keeps the previous results.
      await search("zebra typo:x");
      const error = browser.$('[data-testid="search-error"]');
      await error.waitForDisplayed({ timeout: 5_000 });
      assert.match(await error.getText(), /typo/);
      assert.equal(await rows().length, 1, "the last good results stay on screen");

      await search("");
      await waitForRows(4, "after clearing the search");
      await app.screenshot("searched");
    });
  });

  it("shows the selected event's headers and body", async () => {
    await check(app, "detail", async () => {
      const body = '{"type":"payment.succeeded","amount":12345678901234567890,"metadata":{"checkoutId":"co_42"}}';
      await send("/checkout?attempt=2", body, { headers: { "x-request-id": "req-77", "x-twice": "a" } });
      await waitForRows(5, "with the checkout event");
      const { browser } = app;
      const first = rows()[0];
      await selectRow(await first.getAttribute("data-event-id"));

      const headers = await browser.$('[data-testid="headers-table"]').getText();
      assert.match(headers, /x-request-id/i);
      assert.match(headers, /req-77/);
      const bodyView = browser.$('[data-testid="body-view"]');
      await bodyView.waitForDisplayed({ timeout: 5_000 });
      // The editor loads on first use (ui/src/components/lazy.tsx).
      await browser.waitUntil(async () => (await bodyView.$$(".cm-editor")).length > 0, {
        timeout: 5_000,
        timeoutMsg: "the body's editor did not load",
      });
      const shown = await bodyView.getText();
      // Pretty-printed, and the 20-digit amount survives exactly.
      assert.match(shown, /"checkoutId": "co_42"/);
      assert.match(shown, /12345678901234567890/);
      assert.match(await browser.$('[data-testid="query-params"]').getText(), /attempt[\s\S]*2/);

      await browser.$('[data-testid="body-tab-raw"]').click();
      await browser.waitUntil(async () => (await bodyView.getText()).includes(body), {
        timeout: 5_000,
        timeoutMsg: "the raw tab does not show the body exactly as received",
      });
      await app.screenshot("detail");
    });
  });

  it("moves through the timeline with the keyboard", async () => {
    await check(app, "keyboard", async () => {
      const { browser } = app;
      const ids = await rows().map((r) => r.getAttribute("data-event-id"));
      await selectRow(ids[0]);
      await browser.$(`[data-testid="event-row"][data-event-id="${ids[0]}"]`).click();
      await browser.keys(["j"]);
      await browser.keys(["j"]);
      await browser.keys(["Enter"]);
      await browser.waitUntil(
        async () => (await browser.$('[data-testid="detail-facts"]').getText()).includes(`#${ids[2]}`),
        { timeout: 5_000, timeoutMsg: "j j Enter did not open the third event" },
      );
      await browser.keys(["k"]);
      const selected = await browser.$('[data-testid="event-row"][aria-selected="true"]');
      assert.equal(await selected.getAttribute("data-event-id"), ids[1]);

      // "/" jumps to the search box, Esc clears it again.
      await browser.$('[data-testid="timeline-scroller"]').click();
      await browser.keys(["/"]);
      await browser.keys(["g", "i", "r"]);
      assert.equal(await browser.$('[data-testid="search-input"]').getValue(), "gir");
      await browser.keys(["Escape"]);
      await browser.waitUntil(async () => (await browser.$('[data-testid="search-input"]').getValue()) === "", {
        timeout: 5_000,
        timeoutMsg: "Esc did not clear the search",
      });
      await waitForRows(sent, "after Esc");
    });
  });

  it("re-verifies earlier events when a secret is added in the endpoint editor", async () => {
    await check(app, "secret in editor", async () => {
      const { browser } = app;
      await addSecretInEditor(browser, 1, "production", SECRET, { keepOpen: true });
      const secrets = await browser.$('[data-testid="secrets"]').getText();
      assert.ok(!secrets.includes(SECRET), "the secret is masked until revealed");
      await app.screenshot("endpoint-editor");
      await browser.keys(["Escape"]);

      const github = browser.$(
        '//*[@data-testid="event-row"][.//*[contains(., "/github")]]//*[@data-testid="verdict-badge"]',
      );
      await browser.waitUntil(async () => (await github.getAttribute("data-status")) === "valid", {
        timeout: 10_000,
        timeoutMsg: "the GitHub event did not turn valid after the secret was added",
      });
      // The bar outlives the editor and reports what changed.
      const bar = browser.$('[data-testid="reverify-text"]');
      await browser.waitUntil(async () => /Re-verified \d+ events? on Default: 1 verdict changed/.test(await bar.getProperty("textContent")), {
        timeout: 10_000,
        timeoutMsg: `the re-verification bar says ${JSON.stringify(await bar.getProperty("textContent"))}`,
      });
    });
  });

  it("renders markup and script in payloads as inert text", async () => {
    await check(app, "hostile payloads", async () => {
      const { browser } = app;
      const body = JSON.stringify({ html: HOSTILE.join("\n"), link: "javascript:alert(1)" });
      await send(`/evil/${encodeURIComponent("<img src=x onerror=alert(1)>")}?next=javascript:alert(1)`, body, {
        headers: { "x-evil": HOSTILE[1], "content-type": "text/html" },
      });
      await send("/evil/raw", HOSTILE.join("\n"), { headers: { "content-type": "text/html" } });
      await waitForRows(sent, "with the hostile requests");
      for (const id of (await rows().map((r) => r.getAttribute("data-event-id"))).slice(0, 2)) {
        await selectRow(id);
        await browser.$('[data-testid="body-view"]').waitForDisplayed({ timeout: 5_000 });
        const text = await browser.$('[data-testid="detail"]').getText();
        assert.ok(text.includes("<script>") || text.includes("onerror"), "the markup shows as text");
      }
      await browser.$('[data-testid="body-tab-raw"]').click();
      assert.match(await browser.$('[data-testid="body-view"]').getText(), /<svg onload=/);

      const findings = await browser.execute(() => ({
        pwned: window.__pwned ?? null,
        handlers: [...document.querySelectorAll("*")].filter((el) =>
          [...el.attributes].some((a) => a.name.startsWith("on")),
        ).length,
        frames: document.querySelectorAll("iframe, object, embed").length,
        // CodeMirror places empty <img class="cm-widgetBuffer"> spacers; an
        // image with a source or a handler could only come from a payload.
        images: [...document.querySelectorAll("img")]
          .filter((img) => img.hasAttribute("src") || img.hasAttribute("srcset"))
          .map((img) => img.outerHTML),
        scripts: [...document.querySelectorAll("script")].filter((s) => !s.src).length,
        jsLinks: document.querySelectorAll('a[href^="javascript:" i]').length,
        textareas: document.querySelectorAll("textarea").length,
      }));
      assert.deepEqual(findings, {
        pwned: null,
        handlers: 0,
        frames: 0,
        images: [],
        scripts: 0,
        jsLinks: 0,
        textareas: 0,
      });
      await app.screenshot("hostile");
    });
  });

  it("shows the request line, headers and trailers exactly as they arrived", async () => {
    await check(app, "exact head", async () => {
      const { browser } = app;
      const { port } = new URL(app.listenUrl);
      const raw =
        "POST http://Shop.Example:8080/heads/exact?x=1 HTTP/1.1\r\n" +
        "Host: Shop.Example:8080\r\n" +
        "X-Foo: a\r\n" +
        "Content-TYPE: application/json\r\n" +
        "x-foo: b\r\n" +
        "Transfer-Encoding: chunked\r\n\r\n" +
        "7\r\n{\"a\":1}\r\n0\r\nX-Checksum: abc\r\n\r\n";
      const answer = await new Promise((resolve, reject) => {
        const socket = connect(Number(port), "127.0.0.1", () => socket.write(raw));
        let got = "";
        socket.on("data", (d) => {
          got += d;
          if (got.includes("\r\n\r\n")) socket.end();
        });
        socket.on("close", () => resolve(got));
        socket.on("error", reject);
      });
      assert.match(answer, /^HTTP\/1\.1 200/);
      sent += 1;
      await waitForRows(sent, "with the raw request");
      const id = await rows()[0].getAttribute("data-event-id");
      await selectRow(id);
      const line = browser.$('[data-testid="request-line"]');
      await line.waitForDisplayed({ timeout: 5_000 });
      assert.equal(await line.getText(), "POST http://Shop.Example:8080/heads/exact?x=1 HTTP/1.1");
      const names = await browser
        .$$('[data-testid="headers-table"] [data-testid="header-row"] .kv-name')
        .map((cell) => cell.getText());
      assert.deepEqual(
        names.map((n) => n.replace(/repeated$/, "").trim()),
        ["Host", "X-Foo", "Content-TYPE", "x-foo", "Transfer-Encoding"],
        "case, order and repeats as sent",
      );
      const trailers = browser.$('[data-testid="trailers-table"]');
      // Bringing the trailers into view scrolls the detail pane, never the
      // window: the header stays where it is.
      await browser.execute((el) => el.scrollIntoView(), await trailers);
      const shifted = await browser.execute(() => ({
        window: document.scrollingElement?.scrollTop ?? 0,
        header: document.querySelector('[data-testid="app-header"]')?.getBoundingClientRect().top ?? -1,
      }));
      assert.deepEqual(shifted, { window: 0, header: 0 }, "the window itself scrolled");
      assert.match(await trailers.getText(), /X-Checksum\s*abc/);
      await app.screenshot("exact-head");
    });
  });

  it("masks secret-bearing headers in the detail pane, the event it loads and the curl, until revealed", async () => {
    await check(app, "masked headers", async () => {
      const { browser } = app;
      const challenge = "kulmiChallengeS3cretE2e";
      const credentials = Buffer.from("merchant:basicS3cretE2e").toString("base64");
      const secrets = [challenge, credentials, "basicS3cretE2e", "cookieS3cretE2e"];
      await send("/kulmi", '{"id":"evt_mask","topic":"collection_event","data":{"id":"inv_mask"}}', {
        headers: { authorization: `Basic ${credentials}`, "x-challenge": challenge, cookie: "sid=cookieS3cretE2e" },
      });
      await waitForRows(sent, "with the Kulmi Pay event");
      const id = await rows()[0].getAttribute("data-event-id");
      await selectRow(id);
      const table = browser.$('[data-testid="headers-table"]');
      // Scroll the detail pane to the headers.
      await browser.execute(() => {
        const t = document.querySelector('[data-testid="headers-table"]');
        const pane = t?.closest(".detail-body");
        if (t && pane) pane.scrollTop += t.getBoundingClientRect().top - pane.getBoundingClientRect().top - 60;
      });
      const masked = await browser.$$('[data-testid="header-masked"]').map((m) => m.getText());
      assert.deepEqual(masked.sort(), ["Basic ••••••••", "••••••••", "••••••••"]);
      // Nowhere in the window, nor in what the webview was sent.
      const page = await browser.getPageSource();
      const loaded = JSON.stringify(await invoke(browser, "get_event", { id: Number(id) }));
      const curl = await invoke(browser, "curl_command", { id: Number(id) });
      for (const secret of secrets) {
        assert.ok(!page.includes(secret), `the window shows ${secret}`);
        assert.ok(!loaded.includes(secret), `get_event sent ${secret}`);
        assert.ok(!curl.includes(secret), `the curl holds ${secret}`);
      }
      const note = curl.split("\n")[0];
      assert.match(note, /^# Hooklens masked .+: reveal them in Hooklens and export /);
      for (const name of ["authorization", "x-challenge", "cookie"]) assert.ok(note.includes(name), note);
      assert.match(curl, /HOOKLENS_X_CHALLENGE:\?masked by Hooklens/);
      await app.screenshot("masked-headers");

      // Reveal shows the one value asked for; Hide masks it again.
      const auth = browser.$('//*[@data-testid="header-row"][./td[1][starts-with(., "authorization")]]');
      await auth.$('[data-testid="header-reveal"]').click();
      const revealed = auth.$('[data-testid="header-revealed"]');
      await revealed.waitForDisplayed({ timeout: 5_000 });
      assert.equal(await revealed.getText(), `Basic ${credentials}`);
      assert.equal(await auth.getAttribute("data-masked"), "revealed");
      assert.ok(!(await table.getText()).includes(challenge), "only the header asked for is revealed");
      await app.screenshot("revealed-header");
      await auth.$('[data-testid="header-hide"]').click();
      await auth.$('[data-testid="header-masked"]').waitForDisplayed({ timeout: 5_000 });
      assert.ok(!(await browser.getPageSource()).includes(credentials), "hidden again");
    });
  });
});
