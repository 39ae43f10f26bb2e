import { language } from "@codemirror/language";
import { EditorView } from "@codemirror/view";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type {
  Delivery,
  DeliveryRun,
  Endpoint,
  EventView,
  HeaderView,
  ResendSpec,
  RunningSend,
  ScheduleInfo,
  SendProgress,
  SigningInfo,
} from "../../ipc";
import { endpoint, ev, verdict, deliveryRule } from "../../test-fixtures";
import { editorIn } from "../detail/CodeView";

const ipc = vi.hoisted(() => ({
  resend: vi.fn<(spec: ResendSpec, onProgress: (p: SendProgress) => void) => RunningSend<DeliveryRun>>(),
  recentTargets: vi.fn<() => Promise<string[]>>(),
  listSchedules: vi.fn<() => Promise<ScheduleInfo[]>>(),
  signingInfo: vi.fn<(eventId: number | null, endpointId: number | null) => Promise<SigningInfo>>(),
  revealHeader: vi.fn<(eventId: number, index: number) => Promise<HeaderView>>(),
}));

vi.mock("../../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { ResendEditor } from "./ResendEditor";

const secret = (label: string) => ({ label, masked: "…", createdAtMs: 1 });
const withSecret = endpoint(1, "Default", "/", { secrets: [secret("old"), secret("production")] });
const stripeEndpoint = endpoint(2, "Stripe", "/stripe", { preset: "stripe", secrets: [secret("whsec")] });

/** How the core says the event's GitHub endpoint signs: re-signs with its newest secret. */
function githubSigning(over: Partial<SigningInfo> = {}): SigningInfo {
  return {
    endpointId: 1,
    scheme: { kind: "github" },
    assumed: false,
    headers: ["X-Hub-Signature-256", "X-Hub-Signature"],
    signsTimestamp: false,
    secretLabels: ["old", "production"],
    defaultMode: "resign",
    problem: null,
    delivery: deliveryRule(),
    ...over,
  };
}

const NO_SECRET = 'endpoint "Default" has no secret to sign with; add one, or keep the headers as they are';
const NO_ENDPOINT = "choose the endpoint whose secret signs this request, or keep the headers as they are";

/** A promise resolved (or rejected) when the test says. */
function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  let reject: (err: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const schedules: ScheduleInfo[] = [
  { preset: "checkout", name: "Checkout", waitsS: [5, 300, 1800, 7200, 18000, 36000, 36000], assumed: false, source: "documented" },
  { preset: "kustom", name: "Kustom", waitsS: [60, 120], assumed: true, source: "Kustom documents backoff, not the waits" },
];

function githubEvent(over: Partial<EventView> = {}): EventView {
  const summary = ev(7, { provider: "github", path: "/github", verdict: verdict("valid", { scheme: "github", secret: "production" }) });
  return {
    summary,
    url: "http://127.0.0.1:9494/github",
    target: "/",
    httpVersion: "HTTP/1.1",
    trailers: [],
    headers: [
      { name: "Host", value: "127.0.0.1:9494", binary: false, masked: false },
      { name: "Content-Type", value: "application/json", binary: false, masked: false },
      { name: "X-Hub-Signature-256", value: "sha256=abc", binary: false, masked: false },
    ],
    bodyText: '{"action":"opened","number":1}',
    bodyBase64: null,
    refs: [],
    deliveries: [],
    source: null,
    via: null,
    answer: null,
    ...over,
  };
}

type Sent = {
  spec: ResendSpec;
  progress: (p: SendProgress) => void;
  resolve: (run: DeliveryRun) => void;
  reject: (err: unknown) => void;
  cancel: ReturnType<typeof vi.fn<() => Promise<void>>>;
};
let sent: Sent[] = [];
const lastSent = () => {
  const s = sent[sent.length - 1];
  if (!s) throw new Error("nothing sent");
  return s;
};

beforeEach(() => {
  sent = [];
  for (const fn of Object.values(ipc)) fn.mockReset();
  ipc.recentTargets.mockResolvedValue(["http://localhost:3000/webhooks", "http://localhost:4000/old"]);
  ipc.listSchedules.mockResolvedValue(schedules);
  ipc.signingInfo.mockResolvedValue(githubSigning());
  ipc.resend.mockImplementation((spec, progress) => {
    const cancel = vi.fn<() => Promise<void>>().mockResolvedValue();
    let resolve: (run: DeliveryRun) => void = () => {};
    let reject: (err: unknown) => void = () => {};
    const done = new Promise<DeliveryRun>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    sent.push({ spec, progress, resolve, reject, cancel });
    return { done, cancel };
  });
});

function render_(source: EventView | null, endpoints: Endpoint[]) {
  const onClose = vi.fn();
  const utils = render(<ResendEditor source={source} endpoints={endpoints} onClose={onClose} />);
  return { ...utils, onClose };
}

/** Opens the editor and waits for the core's answer on signing. */
async function open(source: EventView | null, endpoints: Endpoint[] = [withSecret]) {
  const utils = render_(source, endpoints);
  await screen.findByTestId("resend-scheme");
  // The body editor is made in an effect, which may run a moment later.
  await waitFor(() => {
    const body = screen.queryByTestId("resend-body");
    if (body && !editorIn(body)) throw new Error("the body editor is not made yet");
  });
  return utils;
}

const editor = () => {
  const view = editorIn(screen.getByTestId("resend-body"));
  if (!view) throw new Error("no body editor");
  return view;
};

function typeBody(text: string) {
  const view = editor();
  act(() => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }));
}

function delivery(attempt: number, over: Partial<Delivery> = {}): Delivery {
  return {
    id: attempt,
    runId: 1,
    eventId: 7,
    kind: "resend",
    attempt,
    sentAtMs: 1_700_000_000_000,
    method: "POST",
    url: "http://localhost:3000/webhooks",
    headers: [],
    bodyText: "{}",
    bodyBase64: null,
    signing: 're-signed (github) with the secret "production" of endpoint "Default"',
    response: { status: 200, reason: "OK", headers: [], bodyText: '{"ok":true}', bodyBase64: null, bodyTruncated: false, redirectTo: null },
    error: null,
    delivered: true,
    failure: null,
    durationMs: 12,
    ...over,
  };
}

function run(attempts: Delivery[], outcome: string): DeliveryRun {
  return {
    id: 1,
    eventId: 7,
    kind: "resend",
    target: "http://localhost:3000/webhooks",
    pattern: "once",
    rule: null,
    startedAtMs: 1_700_000_000_000,
    finishedAtMs: 1_700_000_000_100,
    outcome,
    attempts,
  };
}

const url = () => screen.getByTestId("resend-url") as HTMLInputElement;

describe("ResendEditor", () => {
  it("starts from the event and sends the edited request: re-signed by default, last target, headers in order", async () => {
    await open(githubEvent());
    await waitFor(() => expect(url().value).toBe("http://localhost:3000/webhooks"));
    // The core was asked how the event's own endpoint signs.
    expect(ipc.signingInfo).toHaveBeenCalledTimes(1);
    expect(ipc.signingInfo).toHaveBeenCalledWith(7, null);
    expect(screen.getByTestId("resend-editor")).toHaveTextContent("Resend POST /github");
    expect(screen.getByTestId("sign-resign")).toBeChecked();
    expect(screen.getByTestId("resend-sign-secret")).toHaveValue("production");
    expect(screen.getByTestId("resend-scheme")).toHaveTextContent("Scheme: GitHub");
    expect(screen.getByTestId("resend-json-status")).toHaveTextContent(/^Valid JSON$/);
    // Transport and signature headers are marked.
    const rows = screen.getAllByTestId("resend-header-row");
    expect(within(rows[0] as HTMLElement).getByTestId("header-transport")).toBeInTheDocument();
    expect(within(rows[2] as HTMLElement).getByTestId("header-replaced")).toHaveTextContent("replaced when re-signing");

    typeBody('{"action":"closed","number":1}');
    await userEvent.selectOptions(screen.getByTestId("resend-method"), "PUT");
    await userEvent.click(screen.getByTestId("resend-header-add"));
    const names = screen.getAllByTestId("resend-header-name");
    const values = screen.getAllByTestId("resend-header-value");
    await userEvent.type(names[names.length - 1] as HTMLElement, "X-Debug");
    await userEvent.type(values[values.length - 1] as HTMLElement, "1");
    await userEvent.click(screen.getByTestId("resend-send"));

    expect(ipc.resend).toHaveBeenCalledTimes(1);
    expect(lastSent().spec).toEqual({
      eventId: 7,
      method: "PUT",
      url: "http://localhost:3000/webhooks",
      headers: [
        { name: "Host", value: "127.0.0.1:9494" },
        { name: "Content-Type", value: "application/json" },
        { name: "X-Hub-Signature-256", value: "sha256=abc" },
        { name: "X-Debug", value: "1" },
      ],
      bodyText: '{"action":"closed","number":1}',
      bodyBase64: null,
      signing: { mode: "resign", endpointId: null, secretLabel: "production" },
      pattern: { kind: "once" },
    });
  });

  it("shows a secret header masked and locked, sends the mask for the core to replace, and reveals it to edit", async () => {
    const source = githubEvent({
      headers: [
        { name: "Content-Type", value: "application/json", binary: false, masked: false },
        { name: "Authorization", value: "Basic ••••••••", binary: false, masked: true },
        { name: "X-Challenge", value: "••••••••", binary: false, masked: true },
      ],
    });
    ipc.revealHeader.mockResolvedValue({ name: "X-Challenge", value: "kulmi-challenge", binary: false, masked: false });
    await open(source);
    const rows = screen.getAllByTestId("resend-header-row");
    const auth = rows[1] as HTMLElement;
    expect(within(auth).getByTestId("header-masked-tag")).toHaveTextContent("masked — sent with the captured value");
    expect(within(auth).getByTestId("resend-header-value")).toHaveValue("Basic ••••••••");
    expect(within(auth).getByTestId("resend-header-value")).toHaveAttribute("readonly");
    expect(within(auth).getByTestId("resend-header-name")).toHaveAttribute("readonly");
    expect(screen.getByTestId("resend-editor")).not.toHaveTextContent("kulmi-challenge");

    // Revealed in the editor, the row holds the captured value and is an ordinary row.
    await userEvent.click(within(rows[2] as HTMLElement).getByTestId("resend-header-reveal"));
    expect(ipc.revealHeader).toHaveBeenCalledWith(7, 2);
    const challenge = within(screen.getAllByTestId("resend-header-row")[2] as HTMLElement);
    await waitFor(() => expect(challenge.getByTestId("resend-header-value")).toHaveValue("kulmi-challenge"));
    expect(challenge.getByTestId("resend-header-value")).not.toHaveAttribute("readonly");
    expect(challenge.queryByTestId("header-masked-tag")).toBeNull();

    await userEvent.click(screen.getByTestId("resend-send"));
    expect(lastSent().spec.headers).toEqual([
      { name: "Content-Type", value: "application/json" },
      // Left masked: the core sends the captured value in its place.
      { name: "Authorization", value: "Basic ••••••••" },
      { name: "X-Challenge", value: "kulmi-challenge" },
    ]);
  });

  it("keeps the original headers by default when the core says it cannot re-sign, in the core's words", async () => {
    // The endpoints list has secrets: the editor believes the core, not its own reading of them.
    ipc.signingInfo.mockResolvedValue(githubSigning({ secretLabels: [], defaultMode: "keep", problem: NO_SECRET }));
    await open(githubEvent());
    expect(screen.getByTestId("sign-keep")).toBeChecked();
    expect(screen.getByTestId("resend-sign-reason")).toHaveTextContent(`Not re-signed: ${NO_SECRET}.`);
    expect(screen.getByTestId("resend-sign-secret")).toBeDisabled();
    expect(screen.getByTestId("resend-sign-secret")).toHaveTextContent("No secret");
    expect(screen.queryByTestId("header-replaced")).not.toBeInTheDocument();
    expect(screen.queryByTestId("resend-sign-problem")).not.toBeInTheDocument();
    // Re-signing, mis-signing or a stale timestamp anyway: each warns with the core's reason.
    for (const mode of ["resign", "missign", "stale"]) {
      await userEvent.click(screen.getByTestId(`sign-${mode}`));
      expect(screen.getByTestId("resend-sign-problem")).toHaveTextContent(`Cannot sign: ${NO_SECRET}.`);
      expect(screen.queryByTestId("resend-sign-reason")).not.toBeInTheDocument();
    }
  });

  it("marks the headers the core says signing writes, whatever their case", async () => {
    ipc.signingInfo.mockResolvedValue(githubSigning({ headers: ["content-type"] }));
    await open(githubEvent());
    const rows = screen.getAllByTestId("resend-header-row");
    expect(within(rows[1] as HTMLElement).getByTestId("header-replaced")).toBeInTheDocument();
    expect(within(rows[2] as HTMLElement).queryByTestId("header-replaced")).not.toBeInTheDocument();
    // Kept headers are not replaced: the mark goes.
    await userEvent.click(screen.getByTestId("sign-keep"));
    expect(screen.queryByTestId("header-replaced")).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId("sign-resign"));
    await userEvent.click(screen.getByTestId("resend-diff"));
    const diffRows = within(screen.getByTestId("resend-diff-view")).getAllByTestId("header-diff-row");
    expect(diffRows[1]).toHaveTextContent("re-signed");
    expect(diffRows[2]).not.toHaveTextContent("re-signed");
  });

  it("names the core's scheme, says when its construction is assumed, and warns when a stale timestamp cannot be tested", async () => {
    ipc.signingInfo.mockResolvedValue(githubSigning());
    const first = await open(githubEvent());
    expect(screen.getByTestId("resend-scheme")).toHaveTextContent(/^Scheme: GitHub$/);
    expect(screen.getByTestId("sign-stale-warning")).toHaveTextContent("signs no timestamp whose age is checked");
    first.unmount();

    ipc.signingInfo.mockResolvedValue(
      githubSigning({ scheme: { kind: "standard-webhooks", toleranceS: 300 }, assumed: true, signsTimestamp: true }),
    );
    await open(githubEvent());
    expect(screen.getByTestId("resend-scheme")).toHaveTextContent("(assumed construction)");
    expect(screen.queryByTestId("sign-stale-warning")).not.toBeInTheDocument();
  });

  it("waits for the core before it can send, and re-asks when the signing endpoint changes", async () => {
    const own = deferred<SigningInfo>();
    const other = deferred<SigningInfo>();
    ipc.signingInfo.mockImplementation((_eventId, endpointId) => (endpointId === 2 ? other.promise : own.promise));
    render_(githubEvent(), [withSecret, stripeEndpoint]);
    await waitFor(() => expect(url().value).not.toBe(""));
    expect(screen.getByTestId("resend-sign-loading")).toHaveTextContent("Checking how it would be signed");
    expect(screen.queryByTestId("sign-resign")).not.toBeInTheDocument();
    expect(screen.getByTestId("resend-send")).toBeDisabled();
    expect(screen.getByTestId("resend-sign-endpoint")).toHaveValue("1");

    await act(async () => own.resolve(githubSigning()));
    expect(screen.getByTestId("sign-resign")).toBeChecked();
    expect(screen.getByTestId("resend-send")).toBeEnabled();

    // Another endpoint: asked again, loading meanwhile; the core's answer for it is shown.
    await userEvent.selectOptions(screen.getByTestId("resend-sign-endpoint"), "2");
    expect(ipc.signingInfo).toHaveBeenLastCalledWith(7, 2);
    expect(screen.getByTestId("resend-sign-loading")).toBeInTheDocument();
    expect(screen.getByTestId("resend-send")).toBeDisabled();
    await act(async () =>
      other.resolve({
        endpointId: 2,
        scheme: { kind: "stripe", toleranceS: 300 },
        assumed: false,
        headers: ["Stripe-Signature"],
        signsTimestamp: true,
        secretLabels: ["whsec"],
        defaultMode: "resign",
        problem: null,
        delivery: deliveryRule(),
      }),
    );
    expect(screen.getByTestId("resend-scheme")).toHaveTextContent(/^Scheme: Stripe$/);
    expect(screen.getByTestId("resend-sign-secret")).toHaveValue("whsec");
    expect(screen.queryByTestId("sign-stale-warning")).not.toBeInTheDocument();
    expect(screen.queryByTestId("header-replaced")).not.toBeInTheDocument();

    await userEvent.click(screen.getByTestId("resend-send"));
    expect(lastSent().spec.signing).toEqual({ mode: "resign", endpointId: 2, secretLabel: "whsec" });

    // Back to the event's own endpoint: that is null again.
    await userEvent.selectOptions(screen.getByTestId("resend-sign-endpoint"), "1");
    expect(ipc.signingInfo).toHaveBeenLastCalledWith(7, null);
    expect(await screen.findByTestId("resend-scheme")).toHaveTextContent("GitHub");
    expect(screen.getByTestId("resend-sign-secret")).toHaveValue("production");
  });

  it("uses the core's default mode only until the user picks one", async () => {
    ipc.signingInfo.mockImplementation(async (_eventId, endpointId) =>
      endpointId === 2 ? githubSigning({ endpointId: 2, defaultMode: "keep", problem: NO_SECRET }) : githubSigning(),
    );
    await open(githubEvent(), [withSecret, stripeEndpoint]);
    expect(screen.getByTestId("sign-resign")).toBeChecked();
    // Not picked yet: the new endpoint's default applies.
    await userEvent.selectOptions(screen.getByTestId("resend-sign-endpoint"), "2");
    await waitFor(() => expect(screen.getByTestId("sign-keep")).toBeChecked());
    await userEvent.selectOptions(screen.getByTestId("resend-sign-endpoint"), "1");
    await waitFor(() => expect(screen.getByTestId("sign-resign")).toBeChecked());
    // Picked: it stays, whatever the core's default for the next endpoint.
    await userEvent.click(screen.getByTestId("sign-missign"));
    await userEvent.selectOptions(screen.getByTestId("resend-sign-endpoint"), "2");
    expect(await screen.findByTestId("resend-sign-problem")).toHaveTextContent(NO_SECRET);
    expect(screen.getByTestId("sign-missign")).toBeChecked();
  });

  it("says when the core cannot be asked, and still sends the headers as they are", async () => {
    const { IpcError } = await import("../../ipc");
    ipc.signingInfo.mockRejectedValue(new IpcError({ kind: "not_found", message: "there is no event 7" }));
    await open(githubEvent());
    expect(screen.getByTestId("resend-sign-error")).toHaveTextContent(
      "Could not check how it would be signed: there is no event 7. The headers can still be sent as they are.",
    );
    expect(screen.getByTestId("sign-keep")).toBeChecked();
    expect(screen.getByTestId("sign-keep")).toBeEnabled();
    for (const mode of ["resign", "missign", "stale"]) expect(screen.getByTestId(`sign-${mode}`)).toBeDisabled();
    await waitFor(() => expect(url().value).not.toBe(""));
    await userEvent.click(screen.getByTestId("resend-send"));
    expect(lastSent().spec.signing).toEqual({ mode: "keep", endpointId: null, secretLabel: null });
  });

  it("warns about invalid JSON but still sends it as raw text", async () => {
    await open(githubEvent());
    await waitFor(() => expect(url().value).not.toBe(""));
    typeBody('{"action": closed}');
    const status = screen.getByTestId("resend-json-status");
    expect(status).toHaveTextContent(/^Not valid JSON: line 1 col 12: .* — it can still be sent as raw text$/);
    expect(status).toHaveAttribute("data-state", "invalid");
    expect(screen.getByTestId("resend-format")).toBeDisabled();
    const send = screen.getByTestId("resend-send");
    expect(send).toBeEnabled();
    await userEvent.click(send);
    expect(lastSent().spec.bodyText).toBe('{"action": closed}');
  });

  it("formats only when asked, keeping every token", async () => {
    await open(githubEvent({ bodyText: '{"n":12345678901234567890}' }));
    expect(editor().state.doc.toString()).toBe('{"n":12345678901234567890}');
    await userEvent.click(screen.getByTestId("resend-format"));
    expect(editor().state.doc.toString()).toBe('{\n  "n": 12345678901234567890\n}');
  });

  it("does not parse or highlight a body nested 100,000 levels deep, and still sends it exactly", async () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    await open(githubEvent({ bodyText: deep }));
    await waitFor(() => expect(url().value).not.toBe(""));
    const status = screen.getByTestId("resend-json-status");
    expect(status).toHaveTextContent(/^Nested too deeply to check \(more than 128 levels\) — it can still be sent as raw text$/);
    expect(status).toHaveAttribute("data-state", "too_deep");
    expect(screen.getByTestId("resend-format")).toBeDisabled();
    expect(editor().state.facet(language)).toBeNull();
    await userEvent.click(screen.getByTestId("resend-send"));
    expect(lastSent().spec.bodyText).toBe(deep);
  });

  it("turns JSON highlighting off when a too-deep body is typed, and back on for JSON", async () => {
    await open(githubEvent());
    expect(editor().state.facet(language)?.name).toBe("json");
    typeBody('{"a":'.repeat(1_000) + "1" + "}".repeat(1_000));
    expect(screen.getByTestId("resend-json-status")).toHaveAttribute("data-state", "too_deep");
    expect(editor().state.facet(language)).toBeNull();
    typeBody('{"a": 1}');
    expect(screen.getByTestId("resend-json-status")).toHaveAttribute("data-state", "valid");
    expect(editor().state.facet(language)?.name).toBe("json");
  });

  it("says why Format left a body alone when formatting would blow it up", async () => {
    // Legal depth, but each `1,` would gain 256 spaces of indentation. Lines
    // of its own keep the editor quick to render.
    const wide = "[".repeat(128) + "\n" + "1,\n".repeat(1_000) + "1\n" + "]".repeat(128);
    await open(githubEvent({ bodyText: wide }));
    expect(screen.getByTestId("resend-json-status")).toHaveAttribute("data-state", "valid");
    expect(screen.queryByTestId("resend-format-problem")).toBeNull();
    await userEvent.click(screen.getByTestId("resend-format"));
    expect(screen.getByTestId("resend-format-problem")).toHaveTextContent(
      "Too large to pretty-print: the indentation alone would make it more than 16 times its size. Showing the raw text.",
    );
    expect(editor().state.doc.toString()).toBe(wide);
    // The note is about that text: an edit clears it.
    typeBody("[1, 2]");
    expect(screen.queryByTestId("resend-format-problem")).toBeNull();
  });

  it("shows each attempt as it arrives, the wait before the next, and the outcome", async () => {
    vi.spyOn(Date, "now").mockReturnValue(1_000_000);
    await open(githubEvent());
    await waitFor(() => expect(url().value).not.toBe(""));
    await userEvent.click(screen.getByTestId("pattern-schedule"));
    await waitFor(() => expect(screen.getByTestId("pattern-provider")).toHaveValue("checkout"));
    expect(screen.getByTestId("pattern-preview")).toHaveTextContent("8 attempts over 27 h 35 min; at 3600× about 28 s");
    await userEvent.click(screen.getByTestId("resend-send"));
    expect(lastSent().spec.pattern).toEqual({ kind: "schedule", provider: "checkout", speed: 3600 });
    expect(screen.getByTestId("resend-send")).toBeDisabled();

    const s = lastSent();
    act(() => s.progress({ kind: "started", runId: 1, planned: 8, rule: deliveryRule() }));
    expect(screen.getByTestId("resend-running")).toHaveTextContent("Sending…");
    const refusedWords = "connection refused by 127.0.0.1:3000: nothing is listening there";
    const failed = delivery(1, {
      response: null,
      error: { kind: "connection_refused", message: refusedWords },
      delivered: false,
      failure: refusedWords,
    });
    act(() => s.progress({ kind: "attempt", delivery: failed }));
    act(() => s.progress({ kind: "waiting", nextAttempt: 2, atMs: 1_004_000 }));
    expect(screen.getByTestId("resend-running")).toHaveTextContent("Waiting — attempt 2 of 8 in 4 s");
    const redirected = delivery(2, {
      response: { status: 302, reason: "Found", headers: [], bodyText: null, bodyBase64: null, bodyTruncated: false, redirectTo: "https://elsewhere.test/" },
      delivered: false,
      failure: "GitHub counts any 2xx as delivered (assumed); the handler answered 302",
    });
    act(() => s.progress({ kind: "attempt", delivery: redirected }));
    act(() => s.progress({ kind: "attempt", delivery: delivery(3) }));
    const attempts = screen.getAllByTestId("resend-attempt");
    expect(attempts).toHaveLength(3);
    expect(attempts[0]).toHaveTextContent("error");
    expect(attempts[0]).toHaveTextContent("connection refused by 127.0.0.1:3000: nothing is listening there");
    // The error says why already: not said twice.
    expect(within(attempts[0] as HTMLElement).queryByTestId("resend-attempt-failure")).toBeNull();
    expect(attempts[1]).toHaveTextContent("302 Found");
    expect(attempts[1]).toHaveTextContent("redirect to https://elsewhere.test/ — not followed");
    // A status outside 2xx speaks for itself.
    expect(within(attempts[1] as HTMLElement).queryByTestId("resend-attempt-failure")).toBeNull();
    expect(attempts[2]).toHaveTextContent("200 OK");
    expect(attempts[2]).toHaveTextContent("12 ms");

    await act(async () => s.resolve(run([failed, redirected, delivery(3)], "answered 200 on attempt 3 of 8; the provider stops here")));
    expect(screen.getByTestId("resend-outcome")).toHaveTextContent("answered 200 on attempt 3 of 8");
    // The dialog stays open to send again.
    expect(screen.getByTestId("resend-send")).toHaveTextContent("Send again");
    expect(screen.getByTestId("resend-send")).toBeEnabled();
  });

  it("notes the delivery rule in force, assumed parts marked, and why an attempt was not delivered", async () => {
    const kulmi = deliveryRule({
      preset: "kulmipay",
      name: "Kulmi Pay",
      success: "only-200",
      successSource: '"Kulmi Pay considers any non-200 response a delivery failure"',
      deadlineS: 10,
      deadlineAssumed: true,
      deadlineSource: 'the docs ask for a 200 "as quickly as possible" and give no figure; assumed 10 s',
      successWords: "Kulmi Pay counts only 200 as delivered",
      deadlineWords: "answer within 10 s",
    });
    ipc.signingInfo.mockResolvedValue(githubSigning({ delivery: kulmi }));
    await open(githubEvent(), [withSecret, stripeEndpoint]);
    const note = screen.getByTestId("resend-delivery-rule");
    expect(note).toHaveTextContent(/^Kulmi Pay counts only 200 as delivered · answer within 10 s assumed$/);
    expect(within(note).queryByTestId("delivery-rule-success-assumed")).toBeNull();
    expect(within(note).getByTestId("delivery-rule-deadline-assumed")).toHaveAttribute("title", kulmi.deadlineSource);
    expect(within(note).getByText("Kulmi Pay counts only 200 as delivered")).toHaveAttribute("title", kulmi.successSource);

    // A rule the docs state for both parts carries no mark; one starting in lower case reads as a line.
    ipc.signingInfo.mockResolvedValue(
      githubSigning({
        endpointId: 2,
        delivery: deliveryRule({
          preset: "checkout",
          successWords: "the checkout provider counts any 2xx as delivered",
          deadlineWords: "answer within 15 s",
        }),
      }),
    );
    await userEvent.selectOptions(screen.getByTestId("resend-sign-endpoint"), "2");
    await waitFor(() => expect(screen.getByTestId("resend-delivery-rule")).toHaveAttribute("data-preset", "checkout"));
    expect(screen.getByTestId("resend-delivery-rule")).toHaveTextContent(/^The checkout provider counts any 2xx as delivered · answer within 15 s$/);

    await waitFor(() => expect(url().value).not.toBe(""));
    await userEvent.click(screen.getByTestId("resend-send"));
    const s = lastSent();
    const refused = delivery(1, {
      response: { status: 201, reason: "Created", headers: [], bodyText: '{"ok":true}', bodyBase64: null, bodyTruncated: false, redirectTo: null },
      delivered: false,
      failure: "Kulmi Pay counts only 200 as delivered; the handler answered 201",
    });
    act(() => s.progress({ kind: "started", runId: 1, planned: 1, rule: kulmi }));
    act(() => s.progress({ kind: "attempt", delivery: refused }));
    const line = screen.getByTestId("resend-attempt");
    expect(within(line).getByTestId("resend-attempt-failure")).toHaveTextContent(
      "Not delivered: Kulmi Pay counts only 200 as delivered; the handler answered 201",
    );
    // A 201 the provider does not count is not shown as a success.
    expect(within(line).getByTestId("status-chip")).toHaveClass("tone-bad");
    expect(line).toHaveAttribute("data-delivered", "false");
    // No answer in the provider's time: its words beside the error's.
    const late = delivery(2, {
      response: null,
      error: { kind: "timeout", message: "127.0.0.1:3000 did not answer within 15 s" },
      delivered: false,
      failure: "the checkout provider waits 15 s for an answer; none came",
    });
    act(() => s.progress({ kind: "attempt", delivery: late }));
    const lines = screen.getAllByTestId("resend-attempt");
    expect(lines[1]).toHaveTextContent("127.0.0.1:3000 did not answer within 15 s");
    expect(within(lines[1] as HTMLElement).getByTestId("resend-attempt-failure")).toHaveTextContent(
      "Not delivered: the checkout provider waits 15 s for an answer; none came",
    );
  });

  it("cancels a running send", async () => {
    await open(githubEvent());
    await waitFor(() => expect(url().value).not.toBe(""));
    await userEvent.click(screen.getByTestId("pattern-times"));
    await userEvent.clear(screen.getByTestId("pattern-count"));
    await userEvent.type(screen.getByTestId("pattern-count"), "5");
    await userEvent.click(screen.getByTestId("resend-send"));
    expect(lastSent().spec.pattern).toEqual({ kind: "times", count: 5 });
    await userEvent.click(screen.getByTestId("resend-cancel"));
    expect(lastSent().cancel).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId("resend-cancel")).toHaveTextContent("Cancelling…");
    await act(async () => lastSent().resolve(run([delivery(1)], "cancelled after 1 of 5 attempts: 200")));
    expect(screen.getByTestId("resend-outcome")).toHaveTextContent("cancelled after 1 of 5 attempts");
    expect(screen.queryByTestId("resend-cancel")).not.toBeInTheDocument();
  });

  it("says why a send failed", async () => {
    const { IpcError } = await import("../../ipc");
    await open(githubEvent());
    await waitFor(() => expect(url().value).not.toBe(""));
    await userEvent.click(screen.getByTestId("resend-send"));
    await act(async () => lastSent().reject(new IpcError({ kind: "send", message: 'endpoint "Default" has no secret to sign with' })));
    expect(screen.getByTestId("resend-outcome")).toHaveTextContent('Not sent: endpoint "Default" has no secret to sign with');
  });

  it("checks the URL inline and does not send to a bad one", async () => {
    ipc.recentTargets.mockResolvedValue([]);
    await open(null);
    expect(url()).toHaveAttribute("placeholder", "http://localhost:3000/webhooks");
    await userEvent.click(screen.getByTestId("resend-send"));
    expect(screen.getByTestId("resend-url-error")).toHaveTextContent("Enter the URL");
    await userEvent.type(url(), "ftp://files.test");
    await userEvent.tab();
    expect(screen.getByTestId("resend-url-error")).toHaveTextContent("Only http:// and https://");
    expect(ipc.resend).not.toHaveBeenCalled();
    await userEvent.clear(url());
    await userEvent.type(url(), "https://handler.test/hook");
    expect(screen.queryByTestId("resend-url-error")).not.toBeInTheDocument();
  });

  it("writes a new request from scratch, unsigned until an endpoint is chosen", async () => {
    const noScheme = 'endpoint "Default" has no signature scheme to sign with; choose one in its settings, or keep the headers as they are';
    ipc.signingInfo.mockImplementation(async (_eventId, endpointId) => ({
      ...githubSigning({ endpointId, scheme: null, headers: [], secretLabels: endpointId === null ? [] : ["production"] }),
      defaultMode: "keep",
      problem: endpointId === null ? NO_ENDPOINT : noScheme,
    }));
    await open(null);
    expect(ipc.signingInfo).toHaveBeenCalledWith(null, null);
    expect(screen.getByTestId("resend-editor")).toHaveTextContent("New request");
    expect(screen.getByTestId("sign-keep")).toBeChecked();
    expect(screen.getByTestId("resend-scheme")).toHaveTextContent("No endpoint chosen");
    expect(screen.getByTestId("resend-sign-reason")).toHaveTextContent(NO_ENDPOINT);
    await userEvent.selectOptions(screen.getByTestId("resend-sign-endpoint"), "1");
    expect(ipc.signingInfo).toHaveBeenLastCalledWith(null, 1);
    // The core finds no scheme for it, so it still cannot re-sign.
    expect(await screen.findByTestId("resend-sign-reason")).toHaveTextContent(noScheme);
    expect(screen.getByTestId("resend-scheme")).toHaveTextContent("No signature scheme for this endpoint.");
    expect(screen.getByTestId("sign-keep")).toBeChecked();
    await waitFor(() => expect(url().value).toBe("http://localhost:3000/webhooks"));
    typeBody('{"hello":"world"}');
    await userEvent.click(screen.getByTestId("resend-send"));
    expect(lastSent().spec).toMatchObject({
      eventId: null,
      method: "POST",
      headers: [{ name: "Content-Type", value: "application/json" }],
      bodyText: '{"hello":"world"}',
      signing: { mode: "keep", endpointId: 1, secretLabel: null },
    });
  });

  it("keeps a binary body unchanged", async () => {
    await open(githubEvent({ bodyText: null, bodyBase64: "AAEC/w==" }));
    await waitFor(() => expect(url().value).not.toBe(""));
    expect(screen.getByTestId("resend-body-binary")).toHaveTextContent("Binary body, 4 B (4 bytes), sent unchanged");
    expect(screen.queryByTestId("resend-body")).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId("resend-send"));
    expect(lastSent().spec).toMatchObject({ bodyText: null, bodyBase64: "AAEC/w==" });
  });

  it("shows the changes: the body side by side and the header rows that differ", async () => {
    await open(githubEvent());
    expect(screen.getByTestId("resend-change-count")).toHaveTextContent("none");
    typeBody('{"action":"closed","number":1}');
    const values = screen.getAllByTestId("resend-header-value");
    await userEvent.clear(values[1] as HTMLElement);
    await userEvent.type(values[1] as HTMLElement, "text/plain");
    await userEvent.click(screen.getAllByTestId("resend-header-remove")[0] as HTMLElement);
    expect(screen.getByTestId("resend-change-count")).toHaveTextContent("3");
    await userEvent.click(screen.getByTestId("resend-diff"));
    const diff = screen.getByTestId("resend-diff-view");
    const body = within(diff).getByTestId("resend-body-diff");
    expect(body.querySelectorAll(".cm-editor")).toHaveLength(2);
    expect(body).toHaveTextContent('"opened"');
    expect(body).toHaveTextContent('"closed"');
    const rows = within(diff).getAllByTestId("header-diff-row");
    expect(rows.map((r) => r.getAttribute("data-kind"))).toEqual(["removed", "changed", "same"]);
    expect(rows[1]).toHaveTextContent("application/json");
    expect(rows[1]).toHaveTextContent("text/plain");
    // Back to editing: the edits are still there.
    await userEvent.click(screen.getByTestId("resend-edit-tab"));
    expect(editor().state.doc.toString()).toBe('{"action":"closed","number":1}');
  });

  it("compares a too-deep original as plain text, and the edit as JSON", async () => {
    const deep = "[".repeat(1_000) + "]".repeat(1_000);
    await open(githubEvent({ bodyText: deep }));
    typeBody('{"action":"closed"}');
    await userEvent.click(screen.getByTestId("resend-diff"));
    const sides = [...screen.getByTestId("resend-body-diff").querySelectorAll(".cm-editor")].map((el) =>
      el instanceof HTMLElement ? EditorView.findFromDOM(el) : null,
    );
    expect(sides.map((side) => side?.state.doc.toString())).toEqual([deep, '{"action":"closed"}']);
    expect(sides.map((side) => side?.state.facet(language)?.name ?? null)).toEqual([null, "json"]);
  });

  it("sends with Ctrl+Enter, from the body too, without adding a line to it", async () => {
    await open(githubEvent());
    await waitFor(() => expect(url().value).not.toBe(""));
    const content = screen.getByTestId("resend-body").querySelector(".cm-content");
    if (!(content instanceof HTMLElement)) throw new Error("no editor content");
    fireEvent.keyDown(content, { key: "Enter", code: "Enter", keyCode: 13, ctrlKey: true });
    expect(ipc.resend).toHaveBeenCalledTimes(1);
    expect(lastSent().spec.bodyText).toBe('{"action":"opened","number":1}');
    expect(editor().state.doc.toString()).toBe('{"action":"opened","number":1}');
  });

  it("has no original to compare for a new request", async () => {
    await open(null);
    expect(screen.queryByTestId("resend-diff")).not.toBeInTheDocument();
    expect(screen.queryByTestId("resend-body-restore")).not.toBeInTheDocument();
    expect(screen.getByTestId("sign-keep").closest("label")).toHaveTextContent("Headers as typed");
  });

  it("asks before discarding unsent edits, and closes at once otherwise", async () => {
    const { onClose } = await open(githubEvent());
    await userEvent.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledTimes(1);
    onClose.mockReset();
    typeBody("edited");
    await userEvent.click(screen.getByTestId("resend-close"));
    expect(onClose).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId("resend-discard"));
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
