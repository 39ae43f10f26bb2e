import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Endpoint, EndpointSpec, PresetInfo } from "../../ipc";
import { endpoint, deliveryRule } from "../../test-fixtures";

const ipc = vi.hoisted(() => ({
  addEndpoint: vi.fn<(spec: EndpointSpec) => Promise<Endpoint>>(),
  updateEndpoint: vi.fn<(id: number, spec: EndpointSpec) => Promise<Endpoint>>(),
  removeEndpoint: vi.fn<(id: number) => Promise<void>>(),
  addSecret: vi.fn<(endpointId: number, label: string, value: string) => Promise<Endpoint>>(),
  removeSecret: vi.fn<(endpointId: number, label: string) => Promise<Endpoint>>(),
  revealSecret: vi.fn<(endpointId: number, label: string) => Promise<string>>(),
  copyText: vi.fn<(text: string) => Promise<void>>(),
}));

vi.mock("../../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { IpcError } from "../../ipc";
import { EndpointEditor } from "./EndpointEditor";
import { REVEAL_MS } from "./SecretsSection";
import type { Reverify, ReverifyJob } from "./useReverify";

const presets: PresetInfo[] = [
  { id: "kustom", name: "Kustom", scheme: { kind: "standard-webhooks", toleranceS: 300 }, assumed: true, delivery: deliveryRule() },
  { id: "github", name: "GitHub", scheme: { kind: "github" }, assumed: false, delivery: deliveryRule() },
  { id: "kulmipay", name: "Kulmi Pay", scheme: { kind: "shared-secret", header: "X-Challenge" }, assumed: false, delivery: deliveryRule() },
];

const secret = (label: string, createdAtMs = 1_700_000_000_000) => ({ label, masked: `whsec_…${label.slice(0, 4)}`, createdAtMs });

const kustom = endpoint(2, "Kustom", "/kustom", {
  preset: "kustom",
  secrets: [secret("production")],
  response: { status: 200, headers: [{ name: "X-Env", value: "test" }], body: "ok", delayMs: 0 },
});

function reverifyMock(job: ReverifyJob = { status: "idle" }): Reverify {
  return { job, start: vi.fn(), cancel: vi.fn(), dismiss: vi.fn() };
}

function open(ep: Endpoint | null, job?: ReverifyJob) {
  const props = {
    endpoint: ep,
    presets,
    reverify: reverifyMock(job),
    onClose: vi.fn(),
    onSaved: vi.fn(),
    onRemoved: vi.fn(),
  };
  const utils = render(<EndpointEditor {...props} listenUrl="http://127.0.0.1:9494" />);
  return { ...utils, ...props };
}

const input = (testId: string) => screen.getByTestId(testId) as HTMLInputElement;

async function retype(testId: string, text: string) {
  await userEvent.clear(input(testId));
  if (text) await userEvent.paste(text);
}

beforeEach(() => {
  for (const fn of Object.values(ipc)) fn.mockReset();
  ipc.copyText.mockResolvedValue();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("EndpointEditor", () => {
  it("is a modal dialog that starts on the name field", () => {
    open(kustom);
    const dialog = screen.getByRole("dialog");
    expect(dialog).toHaveAttribute("aria-modal", "true");
    expect(dialog).toHaveAccessibleName("Edit endpoint “Kustom”");
    expect(dialog).toBe(screen.getByTestId("endpoint-editor"));
    expect(input("endpoint-name")).toHaveFocus();
  });

  it("creates an endpoint, deriving the prefix from the name, and stays open for its secrets", async () => {
    const created = endpoint(7, "Kulmi Pay", "/kulmi-pay", { preset: "kulmipay" });
    ipc.addEndpoint.mockResolvedValue(created);
    const { onSaved, onClose, reverify } = open(null);
    expect(screen.getByRole("dialog")).toHaveAccessibleName("New endpoint");
    expect(within(screen.getByTestId("secrets")).queryByTestId("secret-label")).toBeNull();
    await userEvent.type(input("endpoint-name"), "Kulmi Pay");
    expect(input("endpoint-prefix")).toHaveValue("/kulmi-pay");
    expect(screen.getByTestId("endpoint-capture-url")).toHaveTextContent("http://127.0.0.1:9494/kulmi-pay");
    await userEvent.selectOptions(screen.getByTestId("endpoint-preset"), "kulmipay");
    await userEvent.click(screen.getByTestId("endpoint-save"));
    expect(ipc.addEndpoint).toHaveBeenCalledWith({
      name: "Kulmi Pay",
      pathPrefix: "/kulmi-pay",
      preset: "kulmipay",
      response: { status: 200, headers: [], body: "", delayMs: 0 },
      scheme: null,
      forwards: [],
      rules: [],
    });
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(created));
    expect(onClose).not.toHaveBeenCalled();
    expect(reverify.start).not.toHaveBeenCalled();
    expect(screen.getByTestId("endpoint-notice")).toHaveTextContent("Created “Kulmi Pay”");
    expect(screen.getByTestId("secret-label")).toBeInTheDocument();
    expect(screen.getByRole("dialog")).toHaveAccessibleName("Edit endpoint “Kulmi Pay”");
  });

  it("marks presets whose signing is assumed", () => {
    open(null);
    const options = within(screen.getByTestId("endpoint-preset"))
      .getAllByRole("option")
      .map((o) => [(o as HTMLOptionElement).value, o.textContent]);
    expect(options).toEqual([
      ["", "Detect from headers"],
      ["kustom", "Kustom (assumed signing)"],
      ["github", "GitHub"],
      ["kulmipay", "Kulmi Pay"],
    ]);
  });

  it("saves an edit, re-verifies when the scheme changed, and closes", async () => {
    const saved = { ...kustom, name: "Kustom live", scheme: { kind: "stripe" as const, toleranceS: 600 } };
    ipc.updateEndpoint.mockResolvedValue(saved);
    const { onSaved, onClose, reverify } = open(kustom);
    expect(input("endpoint-prefix")).toHaveValue("/kustom");
    await retype("endpoint-name", "Kustom live");
    await userEvent.selectOptions(screen.getByTestId("endpoint-scheme"), "stripe");
    expect(input("endpoint-scheme-tolerance")).toHaveValue("300");
    await retype("endpoint-scheme-tolerance", "600");
    await retype("endpoint-status", "503");
    await retype("endpoint-delay", "1500");
    await userEvent.click(screen.getByTestId("response-header-add"));
    const names = screen.getAllByTestId("response-header-name");
    const values = screen.getAllByTestId("response-header-value");
    await userEvent.type(names[1] as HTMLElement, "Retry-After");
    await userEvent.type(values[1] as HTMLElement, "30");
    await retype("endpoint-body", '{"error":"down"}');
    await userEvent.click(screen.getByTestId("endpoint-save"));
    expect(ipc.updateEndpoint).toHaveBeenCalledWith(2, {
      name: "Kustom live",
      pathPrefix: "/kustom",
      preset: "kustom",
      response: {
        status: 503,
        headers: [
          { name: "X-Env", value: "test" },
          { name: "Retry-After", value: "30" },
        ],
        body: '{"error":"down"}',
        delayMs: 1500,
      },
      scheme: { kind: "stripe", toleranceS: 600 },
      forwards: [],
      rules: [],
    });
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(onSaved).toHaveBeenCalledWith(saved);
    expect(reverify.start).toHaveBeenCalledWith(2);
  });

  it("does not re-verify when only the name or the response changed", async () => {
    ipc.updateEndpoint.mockImplementation((id, spec) => Promise.resolve({ ...kustom, id, name: spec.name }));
    const { onClose, reverify } = open(kustom);
    await retype("endpoint-name", "Renamed");
    await userEvent.click(screen.getByTestId("endpoint-save"));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(reverify.start).not.toHaveBeenCalled();
  });

  it("re-verifies when the preset changed", async () => {
    ipc.updateEndpoint.mockImplementation((id, spec) => Promise.resolve({ ...kustom, id, preset: spec.preset }));
    const { onClose, reverify } = open(kustom);
    await userEvent.selectOptions(screen.getByTestId("endpoint-preset"), "");
    await userEvent.click(screen.getByTestId("endpoint-save"));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(reverify.start).toHaveBeenCalledWith(2);
  });

  it("shows the core's validation error inline and loses nothing", async () => {
    ipc.updateEndpoint.mockRejectedValue(
      new IpcError({ kind: "invalid", message: "another endpoint already uses the path prefix /github" }),
    );
    const { onClose, onSaved } = open(kustom);
    await retype("endpoint-prefix", "/github");
    await retype("endpoint-status", "202");
    await userEvent.click(screen.getByTestId("endpoint-save"));
    expect(await screen.findByTestId("endpoint-error")).toHaveTextContent(
      "another endpoint already uses the path prefix /github",
    );
    expect(screen.getByRole("alert")).toBe(screen.getByTestId("endpoint-error"));
    expect(input("endpoint-prefix")).toHaveValue("/github");
    expect(input("endpoint-status")).toHaveValue("202");
    expect(onClose).not.toHaveBeenCalled();
    expect(onSaved).not.toHaveBeenCalled();
    expect(screen.getByTestId("endpoint-save")).toBeEnabled();
  });

  it("checks fields before asking the core", async () => {
    open(null);
    await userEvent.type(input("endpoint-name"), "X");
    await retype("endpoint-prefix", "kustom");
    await retype("endpoint-status", "99");
    await retype("endpoint-delay", "70000");
    await userEvent.click(screen.getByTestId("endpoint-save"));
    expect(ipc.addEndpoint).not.toHaveBeenCalled();
    expect(screen.getByTestId("endpoint-prefix-error")).toHaveTextContent("must start with /");
    expect(screen.getByTestId("endpoint-status-error")).toHaveTextContent("100 to 999");
    expect(screen.getByTestId("endpoint-delay-error")).toHaveTextContent("0 to 60,000 ms");
    expect(input("endpoint-prefix")).toHaveAttribute("aria-invalid", "true");
    await retype("endpoint-prefix", "/x");
    expect(screen.queryByTestId("endpoint-prefix-error")).toBeNull();
  });

  it("pre-fills a custom HMAC scheme as JSON and checks it on save", async () => {
    ipc.updateEndpoint.mockImplementation((id, spec) => Promise.resolve({ ...kustom, id, scheme: spec.scheme }));
    const { reverify } = open(kustom);
    await userEvent.selectOptions(screen.getByTestId("endpoint-scheme"), "hmac");
    const json = screen.getByTestId("endpoint-scheme-json") as HTMLTextAreaElement;
    expect(JSON.parse(json.value)).toMatchObject({ kind: "hmac", header: "X-Signature", algorithm: "sha256" });

    fireEvent.change(json, { target: { value: '{"kind":"hmac","header":"X-Sig","algorithm":"md5"}' } });
    await userEvent.click(screen.getByTestId("endpoint-save"));
    expect(screen.getByTestId("endpoint-scheme-error")).toHaveTextContent('"algorithm" must be one of "sha1", "sha256", "sha512"');
    expect(ipc.updateEndpoint).not.toHaveBeenCalled();

    fireEvent.change(json, { target: { value: "{not json" } });
    await userEvent.click(screen.getByTestId("endpoint-save"));
    expect(screen.getByTestId("endpoint-scheme-error")).toHaveTextContent("Not valid JSON");

    const scheme = {
      kind: "hmac",
      header: "X-Kustom-Signature",
      algorithm: "sha512",
      template: [{ part: "timestamp" }, { part: "literal", text: "." }, { part: "body" }],
      encoding: "base64",
      prefix: "v1=",
      secretEncoding: "base64",
      timestampHeader: "X-Kustom-Timestamp",
      idHeader: null,
      toleranceS: 600,
      separator: " ",
    };
    fireEvent.change(json, { target: { value: JSON.stringify(scheme) } });
    await userEvent.click(screen.getByTestId("endpoint-save"));
    expect(ipc.updateEndpoint).toHaveBeenCalledWith(2, expect.objectContaining({ scheme }));
    await waitFor(() => expect(reverify.start).toHaveBeenCalledWith(2));
  });

  it("starts a shared-secret scheme from the preset's header", async () => {
    open(endpoint(3, "Kulmi", "/kulmi", { preset: "kulmipay" }));
    await userEvent.selectOptions(screen.getByTestId("endpoint-scheme"), "shared-secret");
    expect(input("endpoint-scheme-header")).toHaveValue("X-Challenge");
  });

  it("keeps the default endpoint's prefix and offers no removal", () => {
    open(endpoint(1, "Default", "/"));
    expect(input("endpoint-prefix")).toBeDisabled();
    expect(input("endpoint-prefix")).toHaveValue("/");
    expect(screen.queryByTestId("endpoint-remove")).toBeNull();
  });

  it("removes an endpoint after confirmation", async () => {
    ipc.removeEndpoint.mockResolvedValue();
    const { onRemoved, onClose } = open(kustom);
    await userEvent.click(screen.getByTestId("endpoint-remove"));
    expect(ipc.removeEndpoint).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId("endpoint-remove-confirm"));
    expect(ipc.removeEndpoint).toHaveBeenCalledWith(2);
    await waitFor(() => expect(onRemoved).toHaveBeenCalledWith(2));
    expect(onClose).toHaveBeenCalled();
  });

  it("closes on Esc, and Esc first dismisses a pending confirmation", async () => {
    const { onClose } = open(kustom);
    await userEvent.click(screen.getByTestId("endpoint-remove"));
    await userEvent.keyboard("{Escape}");
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.queryByTestId("endpoint-remove-confirm")).toBeNull();
    await userEvent.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("keeps Tab inside the dialog", async () => {
    open(kustom);
    const save = screen.getByTestId("endpoint-save");
    save.focus();
    await userEvent.tab();
    expect(screen.getByTestId("endpoint-close")).toHaveFocus();
    await userEvent.tab({ shift: true });
    expect(save).toHaveFocus();
  });

  it("returns focus to where it was when it closes", () => {
    const opener = document.createElement("button");
    document.body.appendChild(opener);
    opener.focus();
    const { unmount } = open(kustom);
    expect(opener).not.toHaveFocus();
    unmount();
    expect(opener).toHaveFocus();
    opener.remove();
  });

  describe("secrets", () => {
    it("lists labels with masked values and the date added", () => {
      open(kustom);
      const row = screen.getByTestId("secret-row");
      expect(row).toHaveTextContent("production");
      expect(within(row).getByTestId("secret-masked")).toHaveTextContent("whsec_…prod");
      expect(row).toHaveTextContent("2023");
      expect(screen.getByTestId("secrets")).toHaveTextContent("while both are listed, requests signed with either verify");
    });

    it("adds a secret, then re-verifies the endpoint", async () => {
      const updated = { ...kustom, secrets: [secret("production"), secret("rotated")] };
      ipc.addSecret.mockResolvedValue(updated);
      const { onSaved, reverify, onClose } = open(kustom);
      expect(input("secret-value")).toHaveAttribute("type", "password");
      await userEvent.type(input("secret-label"), "rotated");
      await userEvent.type(input("secret-value"), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
      await userEvent.click(screen.getByTestId("secret-value-toggle"));
      expect(input("secret-value")).toHaveAttribute("type", "text");
      await userEvent.click(screen.getByTestId("secret-add"));
      expect(ipc.addSecret).toHaveBeenCalledWith(2, "rotated", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
      await waitFor(() => expect(reverify.start).toHaveBeenCalledWith(2));
      expect(onSaved).toHaveBeenCalledWith(updated);
      expect(onClose).not.toHaveBeenCalled();
      expect(screen.getAllByTestId("secret-row")).toHaveLength(2);
      expect(input("secret-value")).toHaveValue("");
      expect(input("secret-value")).toHaveAttribute("type", "password");
      expect(screen.getByTestId("secret-done")).toHaveTextContent("Added “rotated”.");
    });

    it("offers to replace a secret whose label exists", async () => {
      ipc.addSecret.mockResolvedValue(kustom);
      const { reverify } = open(kustom);
      await userEvent.type(input("secret-label"), "production");
      await userEvent.type(input("secret-value"), "new-value");
      await userEvent.click(screen.getByTestId("secret-add"));
      expect(ipc.addSecret).not.toHaveBeenCalled();
      await userEvent.click(screen.getByTestId("secret-replace"));
      expect(ipc.addSecret).toHaveBeenCalledWith(2, "production", "new-value");
      await waitFor(() => expect(reverify.start).toHaveBeenCalledWith(2));
      expect(screen.getByTestId("secret-done")).toHaveTextContent("Replaced the value of “production”.");
    });

    it("shows why a secret was refused and keeps what was typed", async () => {
      ipc.addSecret.mockRejectedValue(new IpcError({ kind: "invalid", message: "the secret \"x\" is longer than 4096 bytes" }));
      const { reverify } = open(kustom);
      await userEvent.type(input("secret-label"), "x");
      await userEvent.type(input("secret-value"), "abc");
      await userEvent.click(screen.getByTestId("secret-add"));
      expect(await screen.findByTestId("secret-error")).toHaveTextContent("longer than 4096 bytes");
      expect(input("secret-value")).toHaveValue("abc");
      expect(reverify.start).not.toHaveBeenCalled();
    });

    it("reveals a secret on request and hides it again after 30 seconds", async () => {
      vi.useFakeTimers({ shouldAdvanceTime: true });
      const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
      ipc.revealSecret.mockResolvedValue("whsec_s3cr3t");
      open(kustom);
      expect(screen.queryByTestId("secret-revealed")).toBeNull();
      await user.click(screen.getByTestId("secret-reveal"));
      expect(ipc.revealSecret).toHaveBeenCalledWith(2, "production");
      expect(await screen.findByTestId("secret-revealed")).toHaveValue("whsec_s3cr3t");
      expect(screen.getByTestId("secret-revealed")).toHaveClass("mono");
      await user.click(screen.getByTestId("secret-copy"));
      expect(ipc.copyText).toHaveBeenCalledWith("whsec_s3cr3t");
      act(() => vi.advanceTimersByTime(REVEAL_MS - 1000));
      expect(screen.getByTestId("secret-revealed")).toBeInTheDocument();
      act(() => vi.advanceTimersByTime(1000));
      expect(screen.queryByTestId("secret-revealed")).toBeNull();
      expect(screen.getByTestId("secret-masked")).toHaveTextContent("whsec_…prod");
    });

    it("hides a revealed secret on request", async () => {
      ipc.revealSecret.mockResolvedValue("whsec_s3cr3t");
      open(kustom);
      await userEvent.click(screen.getByTestId("secret-reveal"));
      await userEvent.click(await screen.findByTestId("secret-hide"));
      expect(screen.queryByTestId("secret-revealed")).toBeNull();
      expect(screen.getByTestId("secret-row")).not.toHaveTextContent("whsec_s3cr3t");
    });

    it("removes a secret after confirmation, then re-verifies", async () => {
      const updated = { ...kustom, secrets: [] };
      ipc.removeSecret.mockResolvedValue(updated);
      const { reverify, onSaved } = open(kustom);
      await userEvent.click(screen.getByTestId("secret-remove"));
      expect(ipc.removeSecret).not.toHaveBeenCalled();
      await userEvent.click(screen.getByTestId("secret-remove-confirm"));
      expect(ipc.removeSecret).toHaveBeenCalledWith(2, "production");
      await waitFor(() => expect(screen.queryByTestId("secret-row")).toBeNull());
      expect(screen.getByTestId("secrets-empty")).toBeInTheDocument();
      expect(reverify.start).toHaveBeenCalledWith(2);
      expect(onSaved).toHaveBeenCalledWith(updated);
    });
  });

  it("shows the re-verification of this endpoint, with Cancel", async () => {
    const { reverify } = open(kustom, { status: "running", endpointId: 2, done: 5, total: 50, cancelling: false });
    const bar = screen.getByTestId("reverify-bar");
    expect(bar).toHaveTextContent("Re-verifying Kustom: 5 of 50");
    await userEvent.click(within(bar).getByTestId("reverify-cancel"));
    expect(reverify.cancel).toHaveBeenCalled();
  });

  it("does not show another endpoint's re-verification", () => {
    open(kustom, { status: "running", endpointId: 3, done: 5, total: 50, cancelling: false });
    expect(screen.queryByTestId("reverify-bar")).toBeNull();
  });
});
