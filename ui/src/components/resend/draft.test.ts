import { describe, expect, it } from "vitest";
import type { EventView, ScheduleInfo, SigningInfo } from "../../ipc";
import { deliveryRule, ev } from "../../test-fixtures";
import { draftReducer, initialDraft, type DraftAction, type DraftState } from "./draft";

function event(over: Partial<EventView> = {}): EventView {
  return {
    summary: ev(7, { provider: "checkout" }),
    url: "http://127.0.0.1:9494/hooks",
    target: "/",
    httpVersion: "HTTP/1.1",
    trailers: [],
    headers: [{ name: "Content-Type", value: "application/json", binary: false, masked: false }],
    bodyText: "{}",
    bodyBase64: null,
    refs: [],
    deliveries: [],
    source: null,
    via: null,
    answer: null,
    ...over,
  };
}

function signing(over: Partial<SigningInfo> = {}): SigningInfo {
  return {
    endpointId: 1,
    scheme: { kind: "github" },
    assumed: false,
    headers: ["X-Hub-Signature-256"],
    signsTimestamp: false,
    secretLabels: ["old", "production"],
    defaultMode: "resign",
    problem: null,
    delivery: deliveryRule(),
    ...over,
  };
}

const schedule = (preset: string): ScheduleInfo => ({ preset, name: preset, waitsS: [5], assumed: false, source: "documented" });

const run = (state: DraftState, ...actions: DraftAction[]) => actions.reduce(draftReducer, state);

describe("resend draft", () => {
  it("follows the core's default signing mode until the user picks one, and offers the newest secret", () => {
    let s = run(initialDraft(event()), { type: "signAnswered", endpointId: null, info: signing() });
    expect(s.form.signMode).toBe("resign");
    expect(s.form.secretLabel).toBe("production");
    // Another endpoint, not picked yet: its default applies.
    s = run(s, { type: "signAnswered", endpointId: 2, info: signing({ defaultMode: "keep", secretLabels: ["whsec"] }) });
    expect(s.form.signMode).toBe("keep");
    expect(s.form.secretLabel).toBe("whsec");

    s = run(s, { type: "signModePicked", mode: "missign" }, { type: "signAnswered", endpointId: null, info: signing() });
    expect(s.form.signMode).toBe("missign");
    expect(s.form.secretLabel).toBe("production");
  });

  it("can only keep the headers when the core cannot be asked, even after the user picked a mode", () => {
    const s = run(
      initialDraft(event()),
      { type: "signAnswered", endpointId: null, info: signing() },
      { type: "signModePicked", mode: "stale" },
      { type: "signFailed", endpointId: null, error: "there is no event 7" },
    );
    expect(s.form.signMode).toBe("keep");
    expect(s.form.secretLabel).toBeNull();
    expect(s.signAnswer).toEqual({ endpointId: null, error: "there is no event 7" });
  });

  it("fills the URL with the last target only until the user types one", () => {
    const targets = ["http://localhost:3000/webhooks", "http://localhost:4000/old"];
    const filled = run(initialDraft(event()), { type: "targetsLoaded", targets });
    expect(filled.form.url).toBe("http://localhost:3000/webhooks");
    expect(filled.recent).toEqual(targets);
    expect(filled.dirty).toBe(false);

    // Cleared by the user: a later list (after a send) does not put a target back.
    const cleared = run(initialDraft(event()), { type: "urlTyped", url: "" }, { type: "targetsLoaded", targets });
    expect(cleared.form.url).toBe("");
    expect(cleared.recent).toEqual(targets);
    const typed = run(initialDraft(event()), { type: "urlTyped", url: "http://h.test/" }, { type: "targetsLoaded", targets });
    expect(typed.form.url).toBe("http://h.test/");
  });

  it("clears only the edited field's error, and an edit withdraws the question about closing", () => {
    const errors = { url: "The URL names no host.", count: "Send 1 to 100 times." };
    let s = run(initialDraft(event()), { type: "sendChecked", errors }, { type: "edit", change: { bodyText: "[]" } }, { type: "closeAsked" });
    expect(s.confirmClose).toBe(true);
    s = run(s, { type: "edit", change: { count: "3", pattern: "times" }, field: "count" });
    expect(s.errors).toEqual({ url: "The URL names no host.", count: undefined });
    expect(s.confirmClose).toBe(false);
    expect(s.dirty).toBe(true);
  });

  it("opens the typed method field on Other… without changing the method, and a listed method closes it", () => {
    let s = run(initialDraft(event()), { type: "sendChecked", errors: { method: "Enter an HTTP method." } }, { type: "methodPicked", value: "" });
    expect(s.methodOther).toBe(true);
    expect(s.form.method).toBe("POST");
    expect(s.dirty).toBe(false);
    expect(s.errors.method).toBe("Enter an HTTP method.");
    s = run(s, { type: "methodPicked", value: "PUT" });
    expect(s.methodOther).toBe(false);
    expect(s.form.method).toBe("PUT");
    expect(s.errors.method).toBeUndefined();
    // A captured method that is not in the list opens typed.
    expect(initialDraft(event({ summary: ev(7, { method: "PURGE" }) })).methodOther).toBe(true);
  });

  it("asks the core again only for another signing endpoint, whose secrets are its own", () => {
    const answered = run(initialDraft(event()), { type: "signAnswered", endpointId: null, info: signing() });
    expect(draftReducer(answered, { type: "signEndpointPicked", endpointId: null })).toBe(answered);
    const other = draftReducer(answered, { type: "signEndpointPicked", endpointId: 2 });
    expect(other.form.signEndpointId).toBe(2);
    expect(other.form.secretLabel).toBeNull();
  });

  it("offers the event's provider's retry schedule, and keeps one already chosen", () => {
    const list = [schedule("kustom"), schedule("checkout")];
    expect(run(initialDraft(event()), { type: "schedulesLoaded", schedules: list, provider: "checkout" }).form.scheduleProvider).toBe("checkout");
    const chosen = run(
      initialDraft(event()),
      { type: "edit", change: { scheduleProvider: "kustom" } },
      { type: "schedulesLoaded", schedules: list, provider: "checkout" },
    );
    expect(chosen.form.scheduleProvider).toBe("kustom");
    expect(run(initialDraft(event()), { type: "schedulesFailed" }).schedules).toEqual([]);
  });

  it("counts edits as sent only when the send could start", () => {
    const edited = run(initialDraft(event()), { type: "edit", change: { bodyText: "[]" } });
    const refused = run(edited, { type: "sendChecked", errors: { url: "Enter the URL of your handler." } });
    expect(refused.dirty).toBe(true);
    expect(refused.urlChecked).toBe(true);
    const sent = run(refused, { type: "closeAsked" }, { type: "sendChecked", errors: null });
    expect(sent.dirty).toBe(false);
    expect(sent.confirmClose).toBe(false);
    expect(sent.errors).toEqual({});
  });
});
