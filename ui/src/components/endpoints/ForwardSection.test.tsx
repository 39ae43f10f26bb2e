import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Endpoint, EndpointSpec, PresetInfo } from "../../ipc";
import { endpoint, deliveryRule } from "../../test-fixtures";

const ipc = vi.hoisted(() => ({
  addEndpoint: vi.fn<(spec: EndpointSpec) => Promise<Endpoint>>(),
  updateEndpoint: vi.fn<(id: number, spec: EndpointSpec) => Promise<Endpoint>>(),
}));

vi.mock("../../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { EndpointEditor } from "./EndpointEditor";

const presets: PresetInfo[] = [
  { id: "kustom", name: "Kustom", scheme: { kind: "standard-webhooks", toleranceS: 300 }, assumed: true, delivery: deliveryRule() },
];

const kustom = endpoint(2, "Kustom", "/kustom", { preset: "kustom" });

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

const url = () => screen.getByTestId("forward-url") as HTMLInputElement;
const radio = (mode: "respond" | "relay") => screen.getByTestId(`forward-${mode}`) as HTMLInputElement;

beforeEach(() => {
  ipc.addEndpoint.mockReset();
  ipc.updateEndpoint.mockReset();
  ipc.updateEndpoint.mockImplementation((id, spec) => Promise.resolve({ ...kustom, id, forward: spec.forward }));
});

describe("ForwardSection", () => {
  it("is off by default: an empty URL, the modes explained and disabled, forward null", async () => {
    const { onClose } = open(kustom);
    const section = screen.getByTestId("forward-section");
    // After the configured response.
    expect(screen.getByTestId("endpoint-body").compareDocumentPosition(section) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(url()).toHaveValue("");
    expect(radio("respond")).toBeChecked();
    expect(radio("respond")).toBeDisabled();
    expect(section).toHaveTextContent("The sender gets the configured response at once; the handler's reply is recorded.");
    expect(section).toHaveTextContent(
      "The sender waits and gets the handler's own reply (502 if it cannot be reached), like a tunnel.",
    );
    expect(radio("relay")).toHaveAccessibleDescription(/like a tunnel/);
    expect(within(section).getByTestId("forward-note")).toHaveTextContent("stored before it is forwarded");
    expect(within(section).getByTestId("forward-note")).toHaveTextContent("not forwarded again");
    await userEvent.click(screen.getByTestId("endpoint-save"));
    expect(ipc.updateEndpoint).toHaveBeenCalledWith(2, expect.objectContaining({ forward: null }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it("saves the URL and mode, and says the configured response is not used when relaying", async () => {
    open(kustom);
    await userEvent.type(url(), "http://localhost:3000/webhooks");
    expect(radio("relay")).toBeEnabled();
    expect(screen.queryByTestId("response-relay-note")).toBeNull();
    await userEvent.click(radio("relay"));
    expect(screen.getByTestId("response-relay-note")).toHaveTextContent("Not used in relay mode");
    await userEvent.click(screen.getByTestId("endpoint-save"));
    expect(ipc.updateEndpoint).toHaveBeenCalledWith(
      2,
      expect.objectContaining({ forward: { url: "http://localhost:3000/webhooks", mode: "relay" } }),
    );
  });

  it("shows why a URL cannot be forwarded to, inline, and saves nothing", async () => {
    open(kustom);
    await userEvent.type(url(), "not a url");
    await userEvent.tab();
    expect(screen.getByTestId("forward-url-error")).toHaveTextContent("“not a url” is not a URL");
    expect(url()).toHaveAttribute("aria-invalid", "true");
    expect(url()).toHaveAccessibleDescription(/is not a URL/);

    await userEvent.clear(url());
    expect(screen.queryByTestId("forward-url-error")).toBeNull();
    await userEvent.type(url(), "ftp://example.com/hook");
    await userEvent.click(screen.getByTestId("endpoint-save"));
    expect(ipc.updateEndpoint).not.toHaveBeenCalled();
    expect(screen.getByTestId("forward-url-error")).toHaveTextContent("Forward to an http:// or https:// URL.");
    expect(screen.getByTestId("endpoint-form-errors")).toHaveTextContent("Some fields need attention.");
  });

  it("starts from the endpoint's forwarding, and an emptied URL turns it off", async () => {
    open({ ...kustom, forward: { url: "http://localhost:4000/hooks", mode: "relay" } });
    expect(url()).toHaveValue("http://localhost:4000/hooks");
    expect(radio("relay")).toBeChecked();
    expect(screen.getByTestId("response-relay-note")).toBeInTheDocument();
    await userEvent.clear(url());
    expect(screen.queryByTestId("response-relay-note")).toBeNull();
    await userEvent.click(screen.getByTestId("endpoint-save"));
    expect(ipc.updateEndpoint).toHaveBeenCalledWith(2, expect.objectContaining({ forward: null }));
  });

  it("forwards from a new endpoint in respond mode", async () => {
    ipc.addEndpoint.mockImplementation((spec) => Promise.resolve({ ...kustom, id: 9, name: spec.name, forward: spec.forward }));
    open(null);
    await userEvent.type(screen.getByTestId("endpoint-name"), "Local");
    await userEvent.type(url(), "  http://127.0.0.1:3000/hook  ");
    await userEvent.click(screen.getByTestId("endpoint-save"));
    expect(ipc.addEndpoint).toHaveBeenCalledWith(
      expect.objectContaining({ pathPrefix: "/local", forward: { url: "http://127.0.0.1:3000/hook", mode: "respond" } }),
    );
  });
});
