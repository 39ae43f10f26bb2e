import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Delivery, DeliveryRun, Endpoint, EventView, PresetInfo, ResendSpec, RunningSend, ScheduleInfo, SendProgress } from "../../ipc";
import { endpoint, ev, verdict } from "../../test-fixtures";
import { editorIn } from "../detail/CodeView";

const ipc = vi.hoisted(() => ({
  resend: vi.fn<(spec: ResendSpec, onProgress: (p: SendProgress) => void) => RunningSend<DeliveryRun>>(),
  recentTargets: vi.fn<() => Promise<string[]>>(),
  listSchedules: vi.fn<() => Promise<ScheduleInfo[]>>(),
}));

vi.mock("../../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { ResendEditor } from "./ResendEditor";

const presets: PresetInfo[] = [
  { id: "github", name: "GitHub", scheme: { kind: "github" }, assumed: false },
  { id: "kustom", name: "Kustom", scheme: { kind: "standard-webhooks", toleranceS: 300 }, assumed: true },
];

const secret = (label: string) => ({ label, masked: "…", createdAtMs: 1 });
const withSecret = endpoint(1, "Default", "/", { secrets: [secret("old"), secret("production")] });
const noSecret = endpoint(1, "Default", "/");

const schedules: ScheduleInfo[] = [
  { preset: "checkout", name: "Checkout", waitsS: [5, 300, 1800, 7200, 18000, 36000, 36000], assumed: false, source: "documented" },
  { preset: "kustom", name: "Kustom", waitsS: [60, 120], assumed: true, source: "Kustom documents backoff, not the waits" },
];

function githubEvent(over: Partial<EventView> = {}): EventView {
  const summary = ev(7, { provider: "github", path: "/github", verdict: verdict("valid", { scheme: "github", secret: "production" }) });
  return {
    summary,
    url: "http://127.0.0.1:9494/github",
    headers: [
      { name: "Host", value: "127.0.0.1:9494", binary: false },
      { name: "Content-Type", value: "application/json", binary: false },
      { name: "X-Hub-Signature-256", value: "sha256=abc", binary: false },
    ],
    bodyText: '{"action":"opened","number":1}',
    bodyBase64: null,
    refs: [],
    deliveries: [],
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

function open(source: EventView | null, endpoints: Endpoint[] = [withSecret]) {
  const onClose = vi.fn();
  const utils = render(<ResendEditor source={source} endpoints={endpoints} presets={presets} onClose={onClose} />);
  return { ...utils, onClose };
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
    response: { status: 200, headers: [], bodyText: '{"ok":true}', bodyBase64: null, bodyTruncated: false, redirectTo: null },
    error: null,
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
    startedAtMs: 1_700_000_000_000,
    finishedAtMs: 1_700_000_000_100,
    outcome,
    attempts,
  };
}

const url = () => screen.getByTestId("resend-url") as HTMLInputElement;

describe("ResendEditor", () => {
  it("starts from the event and sends the edited request: re-signed by default, last target, headers in order", async () => {
    open(githubEvent());
    await waitFor(() => expect(url().value).toBe("http://localhost:3000/webhooks"));
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
      signing: { mode: "resign", endpointId: 1, secretLabel: "production" },
      pattern: { kind: "once" },
    });
  });

  it("keeps the original headers by default when the endpoint has no secret, and says why", async () => {
    open(githubEvent(), [noSecret]);
    expect(screen.getByTestId("sign-keep")).toBeChecked();
    expect(screen.getByTestId("resend-sign-reason")).toHaveTextContent("Endpoint “Default” has no secret");
    expect(screen.queryByTestId("header-replaced")).not.toBeInTheDocument();
    // Choosing to re-sign anyway says what is missing.
    await userEvent.click(screen.getByTestId("sign-resign"));
    expect(screen.getByTestId("resend-sign-problem")).toHaveTextContent("no secret");
  });

  it("warns about invalid JSON but still sends it as raw text", async () => {
    open(githubEvent());
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
    open(githubEvent({ bodyText: '{"n":12345678901234567890}' }));
    expect(editor().state.doc.toString()).toBe('{"n":12345678901234567890}');
    await userEvent.click(screen.getByTestId("resend-format"));
    expect(editor().state.doc.toString()).toBe('{\n  "n": 12345678901234567890\n}');
  });

  it("shows each attempt as it arrives, the wait before the next, and the outcome", async () => {
    vi.spyOn(Date, "now").mockReturnValue(1_000_000);
    open(githubEvent());
    await waitFor(() => expect(url().value).not.toBe(""));
    await userEvent.click(screen.getByTestId("pattern-schedule"));
    await waitFor(() => expect(screen.getByTestId("pattern-provider")).toHaveValue("checkout"));
    expect(screen.getByTestId("pattern-preview")).toHaveTextContent("8 attempts over 27 h 35 min; at 3600× about 28 s");
    await userEvent.click(screen.getByTestId("resend-send"));
    expect(lastSent().spec.pattern).toEqual({ kind: "schedule", provider: "checkout", speed: 3600 });
    expect(screen.getByTestId("resend-send")).toBeDisabled();

    const s = lastSent();
    act(() => s.progress({ kind: "started", runId: 1, planned: 8 }));
    expect(screen.getByTestId("resend-running")).toHaveTextContent("Sending…");
    const failed = delivery(1, {
      response: null,
      error: { kind: "connection_refused", message: "connection refused by 127.0.0.1:3000: nothing is listening there" },
    });
    act(() => s.progress({ kind: "attempt", delivery: failed }));
    act(() => s.progress({ kind: "waiting", nextAttempt: 2, atMs: 1_004_000 }));
    expect(screen.getByTestId("resend-running")).toHaveTextContent("Waiting — attempt 2 of 8 in 4 s");
    const redirected = delivery(2, {
      response: { status: 302, headers: [], bodyText: null, bodyBase64: null, bodyTruncated: false, redirectTo: "https://elsewhere.test/" },
    });
    act(() => s.progress({ kind: "attempt", delivery: redirected }));
    act(() => s.progress({ kind: "attempt", delivery: delivery(3) }));
    const attempts = screen.getAllByTestId("resend-attempt");
    expect(attempts).toHaveLength(3);
    expect(attempts[0]).toHaveTextContent("error");
    expect(attempts[0]).toHaveTextContent("connection refused by 127.0.0.1:3000: nothing is listening there");
    expect(attempts[1]).toHaveTextContent("302 Found");
    expect(attempts[1]).toHaveTextContent("redirect to https://elsewhere.test/ — not followed");
    expect(attempts[2]).toHaveTextContent("200 OK");
    expect(attempts[2]).toHaveTextContent("12 ms");

    await act(async () => s.resolve(run([failed, redirected, delivery(3)], "answered 200 on attempt 3 of 8; the provider stops here")));
    expect(screen.getByTestId("resend-outcome")).toHaveTextContent("answered 200 on attempt 3 of 8");
    // The dialog stays open to send again.
    expect(screen.getByTestId("resend-send")).toHaveTextContent("Send again");
    expect(screen.getByTestId("resend-send")).toBeEnabled();
  });

  it("cancels a running send", async () => {
    open(githubEvent());
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
    open(githubEvent());
    await waitFor(() => expect(url().value).not.toBe(""));
    await userEvent.click(screen.getByTestId("resend-send"));
    await act(async () => lastSent().reject(new IpcError({ kind: "send", message: 'endpoint "Default" has no secret to sign with' })));
    expect(screen.getByTestId("resend-outcome")).toHaveTextContent('Not sent: endpoint "Default" has no secret to sign with');
  });

  it("checks the URL inline and does not send to a bad one", async () => {
    ipc.recentTargets.mockResolvedValue([]);
    open(null);
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
    open(null);
    expect(screen.getByTestId("resend-editor")).toHaveTextContent("New request");
    expect(screen.getByTestId("sign-keep")).toBeChecked();
    expect(screen.getByTestId("resend-sign-reason")).toHaveTextContent("No endpoint chosen");
    await userEvent.selectOptions(screen.getByTestId("resend-sign-endpoint"), "1");
    // The endpoint's preset decides nothing here (none), so it still cannot re-sign.
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
    open(githubEvent({ bodyText: null, bodyBase64: "AAEC/w==" }));
    await waitFor(() => expect(url().value).not.toBe(""));
    expect(screen.getByTestId("resend-body-binary")).toHaveTextContent("Binary body, 4 B (4 bytes), sent unchanged");
    expect(screen.queryByTestId("resend-body")).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId("resend-send"));
    expect(lastSent().spec).toMatchObject({ bodyText: null, bodyBase64: "AAEC/w==" });
  });

  it("shows the changes: the body side by side and the header rows that differ", async () => {
    open(githubEvent());
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

  it("sends with Ctrl+Enter, from the body too, without adding a line to it", async () => {
    open(githubEvent());
    await waitFor(() => expect(url().value).not.toBe(""));
    const content = screen.getByTestId("resend-body").querySelector(".cm-content");
    if (!(content instanceof HTMLElement)) throw new Error("no editor content");
    fireEvent.keyDown(content, { key: "Enter", code: "Enter", keyCode: 13, ctrlKey: true });
    expect(ipc.resend).toHaveBeenCalledTimes(1);
    expect(lastSent().spec.bodyText).toBe('{"action":"opened","number":1}');
    expect(editor().state.doc.toString()).toBe('{"action":"opened","number":1}');
  });

  it("has no original to compare for a new request", async () => {
    open(null);
    expect(screen.queryByTestId("resend-diff")).not.toBeInTheDocument();
    expect(screen.queryByTestId("resend-body-restore")).not.toBeInTheDocument();
    expect(screen.getByTestId("sign-keep").closest("label")).toHaveTextContent("Headers as typed");
  });

  it("asks before discarding unsent edits, and closes at once otherwise", async () => {
    const { onClose } = open(githubEvent());
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
