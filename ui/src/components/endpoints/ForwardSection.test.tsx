import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ConditionProblem, Endpoint, EndpointSpec, ForwardTarget, PresetInfo } from "../../ipc";
import { endpoint, deliveryRule } from "../../test-fixtures";

const ipc = vi.hoisted(() => ({
  addEndpoint: vi.fn<(spec: EndpointSpec) => Promise<Endpoint>>(),
  updateEndpoint: vi.fn<(id: number, spec: EndpointSpec) => Promise<Endpoint>>(),
  checkCondition: vi.fn<(text: string) => Promise<ConditionProblem | null>>(),
}));

vi.mock("../../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { IpcError } from "../../ipc";
import { EndpointEditor } from "./EndpointEditor";

const presets: PresetInfo[] = [
  { id: "kustom", name: "Kustom", scheme: { kind: "standard-webhooks", toleranceS: 300 }, assumed: true, delivery: deliveryRule() },
];

const kustom = endpoint(2, "Kustom", "/kustom", { preset: "kustom" });
const target = (url: string, over: Partial<ForwardTarget> = {}): ForwardTarget => ({
  url,
  mode: "respond",
  condition: "",
  exactUrl: false,
  ...over,
});

function open(ep: Endpoint | null) {
  const props = {
    endpoint: ep,
    presets,
    reverify: { job: { status: "idle" as const }, start: vi.fn(), cancel: vi.fn(), dismiss: vi.fn() },
    onClose: vi.fn(),
    onSaved: vi.fn(),
    onRemoved: vi.fn(),
  };
  render(<EndpointEditor {...props} listenUrl="http://127.0.0.1:9494" />);
  return props;
}

const targets = () => screen.queryAllByTestId("forward-target");
const nth = (i: number) => {
  const el = targets()[i];
  if (!el) throw new Error(`no target ${i + 1}`);
  return within(el);
};
const url = (i: number) => nth(i).getByTestId("forward-url") as HTMLInputElement;
const condition = (i: number) => nth(i).getByTestId("forward-condition") as HTMLInputElement;
const radio = (i: number, mode: "respond" | "relay") => nth(i).getByTestId(`forward-${mode}`) as HTMLInputElement;
const save = () => userEvent.click(screen.getByTestId("endpoint-save"));

/** The core's verdict on "type:dispute.* after:1h". */
const afterProblem: ConditionProblem = {
  message: "after: and before: search stored events; a condition is checked as each request arrives, so it cannot use them",
  start: 15,
  end: 23,
};

beforeEach(() => {
  ipc.addEndpoint.mockReset();
  ipc.updateEndpoint.mockReset();
  ipc.updateEndpoint.mockImplementation((id, spec) => Promise.resolve({ ...kustom, id, forwards: spec.forwards }));
  ipc.checkCondition.mockReset();
  ipc.checkCondition.mockImplementation((text) => Promise.resolve(text.includes("after:") ? afterProblem : null));
});

describe("ForwardSection", () => {
  it("is off by default: no targets, a way to add one, and forwards saved empty", async () => {
    const { onClose } = open(kustom);
    const section = screen.getByTestId("forward-section");
    // After the configured response.
    expect(screen.getByTestId("endpoint-body").compareDocumentPosition(section) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(targets()).toHaveLength(0);
    expect(screen.getByTestId("forward-none")).toHaveTextContent("Not forwarding");
    expect(screen.getByTestId("forward-add")).toHaveTextContent("Forward to a handler");
    expect(within(section).getByTestId("forward-note")).toHaveTextContent("stored before it is forwarded");
    expect(within(section).getByTestId("forward-note")).toHaveTextContent("not forwarded again");
    await save();
    expect(ipc.updateEndpoint).toHaveBeenCalledWith(2, expect.objectContaining({ forwards: [] }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it("adds a target with its modes explained, and says the configured response is not used when relaying", async () => {
    open(kustom);
    await userEvent.click(screen.getByTestId("forward-add"));
    expect(targets()).toHaveLength(1);
    expect(nth(0).getByRole("heading", { name: "Target 1" })).toBeInTheDocument();
    expect(radio(0, "respond")).toBeChecked();
    expect(targets()[0]).toHaveTextContent("The sender gets the configured response at once; the handler's reply is recorded.");
    expect(radio(0, "relay")).toHaveAccessibleDescription(/like a tunnel/);
    await userEvent.type(url(0), "http://localhost:3000/webhooks");
    expect(screen.queryByTestId("response-relay-note")).toBeNull();
    await userEvent.click(radio(0, "relay"));
    expect(screen.getByTestId("response-relay-note")).toHaveTextContent("Not used in relay mode");
    await save();
    expect(ipc.updateEndpoint).toHaveBeenCalledWith(
      2,
      expect.objectContaining({ forwards: [target("http://localhost:3000/webhooks", { mode: "relay" })] }),
    );
  });

  it("shows the composed URL under the exact-URL switch, which is off by default", async () => {
    open(kustom);
    await userEvent.click(screen.getByTestId("forward-add"));
    const exact = nth(0).getByRole("switch", { name: "Send to exactly this URL" });
    expect(exact).not.toBeChecked();
    expect(nth(0).getByTestId("forward-example")).toHaveTextContent("goes to the URL with /orders?x=1 added");
    await userEvent.type(url(0), "http://localhost:3000/webhooks");
    expect(nth(0).getByTestId("forward-example")).toHaveTextContent(
      "The path below the prefix and the query string are kept: /kustom/orders?x=1 goes to http://localhost:3000/webhooks/orders?x=1",
    );
    expect(exact).toHaveAccessibleDescription(/\/kustom\/orders\?x=1 goes to/);
    await userEvent.click(exact);
    expect(nth(0).getByTestId("forward-example")).toHaveTextContent(
      "Every request goes to http://localhost:3000/webhooks as written.",
    );
    await save();
    expect(ipc.updateEndpoint).toHaveBeenCalledWith(
      2,
      expect.objectContaining({ forwards: [target("http://localhost:3000/webhooks", { exactUrl: true })] }),
    );
  });

  it("keeps several targets with their conditions, and removes one", async () => {
    open({
      ...kustom,
      forwards: [
        target("http://localhost:3000/all"),
        target("http://localhost:4000/disputes", { condition: "type:dispute.*", mode: "relay" }),
        target("http://localhost:5000/big", { condition: "json.data.amount:*", exactUrl: true }),
      ],
    });
    expect(targets()).toHaveLength(3);
    expect(condition(1)).toHaveValue("type:dispute.*");
    expect(radio(1, "relay")).toBeChecked();
    expect(screen.getByTestId("response-relay-note")).toHaveTextContent(
      "Used only for requests the relaying target does not take: those matching type:dispute.* get the handler's own reply",
    );
    await userEvent.click(nth(0).getByRole("button", { name: "Remove target 1" }));
    expect(targets()).toHaveLength(2);
    expect(nth(0).getByRole("heading", { name: "Target 1" })).toBeInTheDocument();
    expect(url(0)).toHaveValue("http://localhost:4000/disputes");
    await userEvent.click(screen.getByTestId("forward-add"));
    await userEvent.type(url(2), "http://localhost:6000/new");
    await userEvent.type(condition(2), "provider:kustom -dup:yes");
    await save();
    expect(ipc.checkCondition).toHaveBeenCalledWith("provider:kustom -dup:yes");
    expect(ipc.updateEndpoint).toHaveBeenCalledWith(
      2,
      expect.objectContaining({
        forwards: [
          target("http://localhost:4000/disputes", { condition: "type:dispute.*", mode: "relay" }),
          target("http://localhost:5000/big", { condition: "json.data.amount:*", exactUrl: true }),
          target("http://localhost:6000/new", { condition: "provider:kustom -dup:yes" }),
        ],
      }),
    );
  });

  it("shows why a URL cannot be forwarded to, inline, and saves nothing", async () => {
    open(kustom);
    await userEvent.click(screen.getByTestId("forward-add"));
    await userEvent.type(url(0), "not a url");
    await userEvent.tab();
    expect(nth(0).getByTestId("forward-url-error")).toHaveTextContent("“not a url” is not a URL");
    expect(url(0)).toHaveAttribute("aria-invalid", "true");
    expect(url(0)).toHaveAccessibleDescription(/is not a URL/);

    await userEvent.clear(url(0));
    expect(screen.queryByTestId("forward-url-error")).toBeNull();
    await userEvent.type(url(0), "ftp://example.com/hook");
    await save();
    expect(ipc.updateEndpoint).not.toHaveBeenCalled();
    expect(nth(0).getByTestId("forward-url-error")).toHaveTextContent("Forward to an http:// or https:// URL.");
    expect(screen.getByTestId("endpoint-form-errors")).toHaveTextContent("Some fields need attention.");

    // An empty target is not silently dropped.
    await userEvent.clear(url(0));
    await save();
    expect(nth(0).getByTestId("forward-url-error")).toHaveTextContent("Give the handler's URL");
    expect(ipc.updateEndpoint).not.toHaveBeenCalled();
  });

  it("underlines the part of a condition the core cannot read, and saves nothing", async () => {
    open(kustom);
    await userEvent.click(screen.getByTestId("forward-add"));
    await userEvent.type(url(0), "http://localhost:3000/webhooks");
    await userEvent.type(condition(0), "type:dispute.* after:1h");
    await userEvent.tab();
    const error = await screen.findByTestId("forward-condition-error");
    expect(ipc.checkCondition).toHaveBeenCalledWith("type:dispute.* after:1h");
    expect(error).toHaveTextContent("after: and before: search stored events");
    expect(within(error).getByTestId("forward-condition-culprit")).toHaveTextContent("type:dispute.* after:1h");
    expect(within(error).getByTestId("forward-condition-culprit").querySelector("mark")).toHaveTextContent(/^after:1h$/);
    expect(condition(0)).toHaveAttribute("aria-invalid", "true");
    expect(condition(0)).toHaveAccessibleDescription(/after: and before:/);

    await save();
    expect(ipc.updateEndpoint).not.toHaveBeenCalled();
    expect(screen.getByTestId("endpoint-form-errors")).toBeInTheDocument();

    // Editing it clears the mark until it is checked again.
    await userEvent.clear(condition(0));
    await userEvent.type(condition(0), "type:dispute.*");
    expect(screen.queryByTestId("forward-condition-error")).toBeNull();
    await save();
    expect(ipc.updateEndpoint).toHaveBeenCalledWith(
      2,
      expect.objectContaining({ forwards: [target("http://localhost:3000/webhooks", { condition: "type:dispute.*" })] }),
    );
  });

  it("marks the culprit by code points, as the core counts chars", async () => {
    ipc.checkCondition.mockResolvedValue({ message: "no such field", start: 2, end: 8 });
    open(kustom);
    await userEvent.click(screen.getByTestId("forward-add"));
    await userEvent.type(condition(0), "🦀 nope:x");
    await userEvent.tab();
    const culprit = await screen.findByTestId("forward-condition-culprit");
    expect(culprit.querySelector("mark")).toHaveTextContent(/^nope:x$/);
  });

  it("refuses two relaying targets before the core does", async () => {
    open(kustom);
    await userEvent.click(screen.getByTestId("forward-add"));
    await userEvent.type(url(0), "http://localhost:3000/a");
    await userEvent.click(radio(0, "relay"));
    await userEvent.click(screen.getByTestId("forward-add"));
    await userEvent.type(url(1), "http://localhost:3000/b");
    await userEvent.click(radio(1, "relay"));
    await save();
    expect(ipc.updateEndpoint).not.toHaveBeenCalled();
    expect(screen.getByTestId("forward-list-error")).toHaveTextContent(
      "Only one target can answer the sender: targets 1 and 2 are both set to relay.",
    );
    await userEvent.click(radio(1, "respond"));
    expect(screen.queryByTestId("forward-list-error")).toBeNull();
  });

  it("shows the core's refusal when it still refuses", async () => {
    ipc.updateEndpoint.mockRejectedValue(new IpcError({ kind: "invalid", message: "forward target 1: the URL cannot be used: x" }));
    open({ ...kustom, forwards: [target("http://localhost:3000/a")] });
    await save();
    expect(await screen.findByTestId("endpoint-error")).toHaveTextContent("forward target 1: the URL cannot be used: x");
  });

  it("forwards from a new endpoint in respond mode", async () => {
    ipc.addEndpoint.mockImplementation((spec) => Promise.resolve({ ...kustom, id: 9, name: spec.name, forwards: spec.forwards }));
    open(null);
    await userEvent.type(screen.getByTestId("endpoint-name"), "Local");
    await userEvent.click(screen.getByTestId("forward-add"));
    await userEvent.type(url(0), "  http://127.0.0.1:3000/hook  ");
    expect(nth(0).getByTestId("forward-example")).toHaveTextContent("/local/orders?x=1 goes to http://127.0.0.1:3000/hook/orders?x=1");
    await save();
    expect(ipc.addEndpoint).toHaveBeenCalledWith(
      expect.objectContaining({ pathPrefix: "/local", forwards: [target("http://127.0.0.1:3000/hook")] }),
    );
  });
});
