import type { TunnelSpec, TunnelState, TunnelStatus } from "../../ipc";

/** The tunnels a user can pick, in the order the dialog lists them. */
export type ChoiceId = "localhost-run" | "pinggy" | "own-server" | "cloudflared-quick" | "cloudflared-named" | "ngrok";

export type Choice = { id: ChoiceId; label: string; help: string; tool: "ssh" | "cloudflared" | "ngrok" };

export const CHOICES: readonly Choice[] = [
  {
    id: "localhost-run",
    label: "localhost.run",
    help: "SSH, no account. A new https://….lhr.life address each time it starts.",
    tool: "ssh",
  },
  {
    id: "pinggy",
    label: "Pinggy",
    help: "SSH, no account. A new address each time it starts; free tunnels end after a while and reconnect.",
    tool: "ssh",
  },
  {
    id: "own-server",
    label: "Your own server",
    help: "ssh -R to a host you run, with GatewayPorts on; you say at which public URL its port is reached.",
    tool: "ssh",
  },
  {
    id: "cloudflared-quick",
    label: "cloudflared quick tunnel",
    help: "No account. A new https://….trycloudflare.com address each time it starts.",
    tool: "cloudflared",
  },
  {
    id: "cloudflared-named",
    label: "cloudflared named tunnel",
    help: "A tunnel you created with “cloudflared tunnel create”, routed to your hostname: the address stays.",
    tool: "cloudflared",
  },
  {
    id: "ngrok",
    label: "ngrok",
    help: "The ngrok agent from PATH, with your account's authtoken.",
    tool: "ngrok",
  },
];

/** What the dialog's fields hold; only those of the picked tunnel are used. */
export type Form = {
  choice: ChoiceId;
  host: string;
  user: string;
  port: string;
  remotePort: string;
  publicBaseUrl: string;
  name: string;
  hostname: string;
  ngrokAuth: "agent-config" | "stored";
};

export const EMPTY_FORM: Form = {
  choice: "localhost-run",
  host: "",
  user: "",
  port: "",
  remotePort: "8080",
  publicBaseUrl: "",
  name: "",
  hostname: "",
  ngrokAuth: "agent-config",
};

/** The form a remembered tunnel fills in. */
export function formOf(spec: TunnelSpec | null): Form {
  if (spec === null) return EMPTY_FORM;
  switch (spec.kind) {
    case "ssh": {
      const s = spec.service;
      if (s.type === "own-server") {
        return {
          ...EMPTY_FORM,
          choice: "own-server",
          host: s.host,
          user: s.user ?? "",
          port: s.port === null ? "" : String(s.port),
          remotePort: String(s.remotePort),
          publicBaseUrl: s.publicBaseUrl,
        };
      }
      return { ...EMPTY_FORM, choice: s.type };
    }
    case "cloudflared":
      return spec.mode.type === "named"
        ? { ...EMPTY_FORM, choice: "cloudflared-named", name: spec.mode.name, hostname: spec.mode.hostname }
        : { ...EMPTY_FORM, choice: "cloudflared-quick" };
    case "ngrok":
      return { ...EMPTY_FORM, choice: "ngrok", ngrokAuth: spec.authtoken };
  }
}

/** A port number typed in a field: 1–65535, or an error in words. */
function port(text: string, what: string): number | string {
  const n = Number(text.trim());
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : `${what} must be a number from 1 to 65535`;
}

/** The spec the form describes, or what is missing in words (the core checks it again). */
export function specOf(form: Form): TunnelSpec | string {
  switch (form.choice) {
    case "localhost-run":
    case "pinggy":
      return { kind: "ssh", service: { type: form.choice } };
    case "own-server": {
      const host = form.host.trim();
      if (host === "") return "Give the server's host name, address or ssh config alias";
      const remote = port(form.remotePort, "The remote port");
      if (typeof remote === "string") return remote;
      let sshPort: number | null = null;
      if (form.port.trim() !== "") {
        const p = port(form.port, "The SSH port");
        if (typeof p === "string") return p;
        sshPort = p;
      }
      const base = form.publicBaseUrl.trim();
      if (!/^https?:\/\/\S+$/.test(base)) return "Give the public URL the server's port is reached at, e.g. https://hooks.example.com";
      return {
        kind: "ssh",
        service: {
          type: "own-server",
          host,
          user: form.user.trim() === "" ? null : form.user.trim(),
          port: sshPort,
          remotePort: remote,
          publicBaseUrl: base,
        },
      };
    }
    case "cloudflared-quick":
      return { kind: "cloudflared", mode: { type: "quick" } };
    case "cloudflared-named": {
      const name = form.name.trim();
      const hostname = form.hostname.trim();
      if (name === "") return "Give the tunnel's name (as “cloudflared tunnel list” shows it)";
      if (hostname === "") return "Give the hostname routed to the tunnel, e.g. hooks.example.com";
      return { kind: "cloudflared", mode: { type: "named", name, hostname } };
    }
    case "ngrok":
      return { kind: "ngrok", authtoken: form.ngrokAuth };
  }
}

/** The header pill's words for a state. */
export function pillLabel(state: TunnelState): string {
  switch (state.state) {
    case "stopped":
      return "Public URL: off";
    case "starting":
      return "Public URL: starting…";
    case "up":
      return "Public";
    case "reconnecting":
      return "Public URL: reconnecting…";
    case "failed":
      return "Public URL: failed";
    case "host-key-unknown":
      return "Public URL: confirm host key";
  }
}

/** One line saying where the tunnel is, for the dialog. */
export function stateWords(status: TunnelStatus): string {
  const s = status.state;
  switch (s.state) {
    case "stopped":
      return "Off: the listener is reachable from this machine only.";
    case "starting":
      return `Starting ${status.name}…`;
    case "up":
      return `Up: ${status.name} sends what reaches ${s.publicUrl} to Hooklens.`;
    case "reconnecting": {
      const secs = Math.max(1, Math.round(s.nextInMs / 1000));
      return `Dropped (${s.reason}); trying again in ${secs} s (attempt ${s.attempt}).`;
    }
    case "failed":
      return `Stopped: ${s.reason}`;
    case "host-key-unknown":
      return `${s.host} presented a host key that is not known yet; nothing is forwarded until you accept it.`;
  }
}

/** "on" while the tunnel is running in any way (a stop is what ends it). */
export function running(state: TunnelState): boolean {
  return state.state !== "stopped" && state.state !== "failed";
}
