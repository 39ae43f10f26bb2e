import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { TunnelSpec, TunnelStatus, TunnelView } from "../../ipc";
import { IpcError } from "../../ipc";
import { formOf, specOf, EMPTY_FORM } from "./choices";

const ipc = vi.hoisted(() => ({
  tunnelView: vi.fn<() => Promise<TunnelView>>(),
  startTunnel: vi.fn<(spec: TunnelSpec) => Promise<TunnelView>>(),
  stopTunnel: vi.fn<() => Promise<TunnelView>>(),
  acceptTunnelHostKey: vi.fn<(fingerprint: string) => Promise<void>>(),
  setNgrokAuthtoken: vi.fn<(value: string | null) => Promise<string | null>>(),
  subscribeTunnel: vi.fn<(on: (s: TunnelStatus) => void) => Promise<void>>(),
  setTunnelRate: vi.fn<(args: { perMinute: number; burst: number }) => Promise<TunnelView>>(),
  copyText: vi.fn<(text: string) => Promise<void>>(),
}));

vi.mock("../../ipc", async (importOriginal) => ({ ...(await importOriginal<object>()), ...ipc }));

import { TunnelControl } from "./TunnelControl";

const status = (state: TunnelStatus["state"], name = "localhost.run (ssh)"): TunnelStatus => ({ state, name, output: [] });

const off: TunnelView = {
  saved: null,
  status: status({ state: "stopped" }, ""),
  ngrokAuthtoken: null,
  endpoints: [],
  ratePerMinute: 300,
  rateBurst: 60,
};

const up: TunnelView = {
  saved: { spec: { kind: "ssh", service: { type: "localhost-run" } }, enabled: true },
  status: status({ state: "up", publicUrl: "https://f27f2133f61afa.lhr.life" }),
  ngrokAuthtoken: null,
  ratePerMinute: 300,
  rateBurst: 60,
  endpoints: [
    { name: "Default", pathPrefix: "/", url: "https://f27f2133f61afa.lhr.life/" },
    { name: "Kustom", pathPrefix: "/kustom", url: "https://f27f2133f61afa.lhr.life/kustom" },
  ],
};

/** The callback the control gave `subscribeTunnel`. */
let push: (s: TunnelStatus) => void = () => {};

beforeEach(() => {
  for (const f of Object.values(ipc)) f.mockReset();
  ipc.tunnelView.mockResolvedValue(off);
  ipc.subscribeTunnel.mockImplementation((on) => {
    push = on;
    return Promise.resolve();
  });
  ipc.copyText.mockResolvedValue();
});

describe("the tunnel choices", () => {
  it("build each kind's spec and read a saved one back", () => {
    const own = {
      ...EMPTY_FORM,
      choice: "own-server" as const,
      host: "hooks.example.com",
      port: "2222",
      remotePort: "8080",
      publicBaseUrl: "https://hooks.example.com",
    };
    const spec = specOf(own);
    expect(spec).toEqual({
      kind: "ssh",
      service: {
        type: "own-server",
        host: "hooks.example.com",
        user: null,
        port: 2222,
        remotePort: 8080,
        publicBaseUrl: "https://hooks.example.com",
      },
    });
    if (typeof spec === "string") throw new Error(spec);
    expect(specOf(formOf(spec))).toEqual(spec);
    expect(specOf({ ...EMPTY_FORM, choice: "cloudflared-quick" })).toEqual({ kind: "cloudflared", mode: { type: "quick" } });
    expect(specOf({ ...EMPTY_FORM, choice: "ngrok", ngrokAuth: "stored" })).toEqual({ kind: "ngrok", authtoken: "stored" });
  });

  it("say what is missing before anything starts", () => {
    expect(specOf({ ...EMPTY_FORM, choice: "own-server" })).toMatch(/host name/);
    expect(specOf({ ...EMPTY_FORM, choice: "own-server", host: "h", remotePort: "0" })).toMatch(/1 to 65535/);
    expect(specOf({ ...EMPTY_FORM, choice: "own-server", host: "h", publicBaseUrl: "hooks.example.com" })).toMatch(
      /public URL/,
    );
    expect(specOf({ ...EMPTY_FORM, choice: "cloudflared-named", name: "n" })).toMatch(/hostname/);
  });
});

describe("TunnelControl", () => {
  it("says the listener is not public, and starts the picked tunnel", async () => {
    ipc.startTunnel.mockResolvedValue({ ...off, status: status({ state: "starting" }, "cloudflared quick tunnel") });
    render(<TunnelControl />);
    const pill = await screen.findByTestId("tunnel-pill");
    expect(pill).toHaveTextContent("Public URL: off");
    await userEvent.click(pill);
    const dialog = await screen.findByTestId("tunnel-dialog");
    expect(within(dialog).getByTestId("tunnel-state")).toHaveTextContent("reachable from this machine only");
    await userEvent.click(within(dialog).getByTestId("tunnel-choice-cloudflared-quick"));
    await userEvent.click(within(dialog).getByTestId("tunnel-start"));
    expect(ipc.startTunnel).toHaveBeenCalledWith({ kind: "cloudflared", mode: { type: "quick" } });
    expect(await within(dialog).findByTestId("tunnel-state")).toHaveTextContent("Starting cloudflared quick tunnel");
    expect(within(dialog).getByTestId("tunnel-stop")).toBeInTheDocument();
  });

  it("shows the public URL loudly while up, and each endpoint's URL to copy", async () => {
    ipc.tunnelView.mockResolvedValue(up);
    render(<TunnelControl />);
    const pill = await screen.findByTestId("tunnel-pill");
    expect(pill).toHaveAttribute("data-state", "up");
    expect(screen.getByTestId("tunnel-public-url")).toHaveTextContent("f27f2133f61afa.lhr.life");
    await userEvent.click(pill);
    const urls = await screen.findAllByTestId("tunnel-endpoint-url");
    // The running tunnel's choice is the only one listed, so the URLs stay near the top.
    expect(screen.getByTestId("tunnel-choice-localhost-run")).toBeChecked();
    expect(screen.queryByTestId("tunnel-choice-pinggy")).not.toBeInTheDocument();
    expect(urls.map((u) => u.textContent)).toEqual([
      expect.stringContaining("https://f27f2133f61afa.lhr.life/"),
      expect.stringContaining("https://f27f2133f61afa.lhr.life/kustom"),
    ]);
    await userEvent.click(within(urls[1] as HTMLElement).getByRole("button"));
    expect(ipc.copyText).toHaveBeenCalledWith("https://f27f2133f61afa.lhr.life/kustom");
  });

  it("follows the states the shell sends", async () => {
    render(<TunnelControl />);
    const pill = await screen.findByTestId("tunnel-pill");
    ipc.tunnelView.mockResolvedValue({
      ...off,
      status: status({ state: "reconnecting", attempt: 2, nextInMs: 4000, reason: "ssh exited (255)" }),
    });
    act(() => push(status({ state: "reconnecting", attempt: 2, nextInMs: 4000, reason: "ssh exited (255)" })));
    expect(pill).toHaveTextContent("Public URL: reconnecting…");
    expect(pill).toHaveAttribute("title", expect.stringContaining("trying again in 4 s (attempt 2)"));
  });

  it("shows an unknown host key's fingerprint and accepts it only when asked", async () => {
    const unknown = status({
      state: "host-key-unknown",
      host: "[hooks.example.com]:2222",
      keyType: "ED25519",
      fingerprint: "SHA256:kcNFqn5DzT62uinKlXKqcEQgUQEA4nBwNOsQW9vLChI",
    });
    ipc.tunnelView.mockResolvedValue({ ...off, status: unknown });
    ipc.acceptTunnelHostKey.mockResolvedValue();
    render(<TunnelControl />);
    await userEvent.click(await screen.findByTestId("tunnel-pill"));
    expect(await screen.findByTestId("tunnel-fingerprint")).toHaveTextContent(
      "ED25519 SHA256:kcNFqn5DzT62uinKlXKqcEQgUQEA4nBwNOsQW9vLChI",
    );
    expect(ipc.acceptTunnelHostKey).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId("tunnel-accept-host-key"));
    expect(ipc.acceptTunnelHostKey).toHaveBeenCalledWith("SHA256:kcNFqn5DzT62uinKlXKqcEQgUQEA4nBwNOsQW9vLChI");
  });

  it("changes how much one sender may send through the tunnel", async () => {
    ipc.setTunnelRate.mockResolvedValue({ ...off, ratePerMinute: 30, rateBurst: 5 });
    render(<TunnelControl />);
    await userEvent.click(await screen.findByTestId("tunnel-pill"));
    const perMinute = screen.getByTestId("tunnel-rate-per-minute");
    expect(perMinute).toHaveValue("300");
    expect(screen.queryByTestId("tunnel-rate-save")).toBeNull();
    await userEvent.clear(perMinute);
    await userEvent.type(perMinute, "30");
    await userEvent.clear(screen.getByTestId("tunnel-rate-burst"));
    await userEvent.type(screen.getByTestId("tunnel-rate-burst"), "5");
    await userEvent.click(screen.getByTestId("tunnel-rate-save"));
    expect(ipc.setTunnelRate).toHaveBeenCalledWith({ perMinute: 30, burst: 5 });
    await waitFor(() => expect(screen.queryByTestId("tunnel-rate-save")).toBeNull());
  });

  it("shows why a start was refused", async () => {
    ipc.startTunnel.mockRejectedValue(new IpcError({ kind: "invalid", message: "the host name `-oProxyCommand` is not allowed" }));
    render(<TunnelControl />);
    await userEvent.click(await screen.findByTestId("tunnel-pill"));
    await userEvent.click(screen.getByTestId("tunnel-start"));
    expect(await screen.findByTestId("tunnel-error")).toHaveTextContent("is not allowed");
  });
});
