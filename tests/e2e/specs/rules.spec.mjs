// Response rules as a person builds them: a rule made in the endpoint editor
// (a condition with a typo is refused inline first), two matching requests
// and one that does not match get their answers, the detail pane says which
// rule answered, and "Try on" previews a rule on the open event.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { check, launchApp, waitGone } from "../harness.mjs";

describe("response rules", () => {
  let app;

  before(async () => {
    app = await launchApp("rules");
    await app.browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
    await app.browser.setWindowRect(0, 0, 1280, 900);
  });

  after(async () => {
    await app?.stop();
  });

  const $ = (selector) => app.browser.$(selector);
  const text = (el) => el.getProperty("textContent");

  async function post(path, body) {
    const response = await fetch(`${app.listenUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text(), id: Number(response.headers.get("x-hooklens-event")) };
  }

  it("builds a rule in the editor and answers by it", async () => {
    const { browser } = app;
    await check(app, "open-editor", async () => {
      await $('[data-testid="edit-endpoint"][data-endpoint-id="1"]').click();
      await $('[data-testid="endpoint-editor"]').waitForDisplayed({ timeout: 5_000 });
      await $('[data-testid="rule-add"]').scrollIntoView();
      await $('[data-testid="rule-add"]').click();
    });

    await check(app, "condition-typo", async () => {
      await $('[data-testid="rule-name-input"]').setValue("fail-refunds");
      await $('[data-testid="rule-condition"]').setValue("typ:refund.*");
      await $('[data-testid="rule-statuses"]').setValue("503");
      await $('[data-testid="rule-body"]').setValue('{"refused":"{{ json.id }}"}');
      await $('[data-testid="rule-done"]').click();
      const error = $('[data-testid="rule-error"]');
      await error.waitForDisplayed({ timeout: 5_000 });
      assert.match(await text(error), /did you mean type:\?/);
    });

    await check(app, "add-rule", async () => {
      await $('[data-testid="rule-condition"]').setValue("type:refund.*");
      await $('[data-testid="rule-done"]').click();
      await $('[data-testid="rule-row"]').waitForDisplayed({ timeout: 5_000 });
      assert.equal(await text($('[data-testid="rule-name"]')), "fail-refunds");
      await app.screenshot("editor-with-rule");
      await $('[data-testid="endpoint-save"]').click();
      await waitGone(browser, '[data-testid="endpoint-editor"]', "the endpoint editor");
    });

    const first = await post("/shop/refunds", { type: "refund.created", id: "rf_1" });
    const second = await post("/shop/refunds", { type: "refund.updated", id: "rf_2" });
    const other = await post("/shop/orders", { type: "order.created", id: "or_1" });
    assert.deepEqual(
      [first.status, second.status, other.status],
      [503, 503, 200],
      "two matching requests get the rule's answer, the other the configured response",
    );
    assert.equal(first.text, '{"refused":"rf_1"}');

    await check(app, "answered-line", async () => {
      const row = $(`[data-testid="event-row"][data-event-id="${first.id}"]`);
      await row.waitForDisplayed({ timeout: 10_000 });
      await row.click();
      const answered = $('[data-testid="detail-answer"]');
      await answered.waitForDisplayed({ timeout: 10_000 });
      assert.match(await text(answered), /Rule fail-refunds answered 503/);
      await app.screenshot("answered");
    });

    await check(app, "answered-fallback", async () => {
      await $(`[data-testid="event-row"][data-event-id="${other.id}"]`).click();
      const answered = $('[data-testid="detail-answer"]');
      await browser.waitUntil(async () => /No rule matched/.test(await text(answered)), {
        timeout: 10_000,
        timeoutMsg: `the fallback answer line: ${await text(answered).catch(() => "none")}`,
      });
    });

    await check(app, "try-on-open-event", async () => {
      await $(`[data-testid="event-row"][data-event-id="${second.id}"]`).click();
      await $('[data-testid="edit-endpoint"][data-endpoint-id="1"]').click();
      await $('[data-testid="endpoint-editor"]').waitForDisplayed({ timeout: 5_000 });
      await $('[data-testid="rule-test"]').scrollIntoView();
      await $('[data-testid="rule-test"]').click();
      const tested = $('[data-testid="rule-tested"]');
      await tested.waitForDisplayed({ timeout: 5_000 });
      assert.match(await text(tested), /Rule “fail-refunds” would answer 503 to event #\d+ \(refund\.updated\)/);
      assert.match(await text(tested), /\{"refused":"rf_2"\}/);
      await app.screenshot("try-on");
      await browser.keys(["Escape"]);
    });
  });
});
