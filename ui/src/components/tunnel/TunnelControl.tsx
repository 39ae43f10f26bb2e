import { useCallback, useEffect, useId, useRef, useState } from "react";
import {
  acceptTunnelHostKey,
  setNgrokAuthtoken,
  startTunnel,
  stopTunnel,
  subscribeTunnel,
  tunnelView,
  type TunnelStatus,
  type TunnelView,
} from "../../ipc";
import { errorMessage } from "../../state/useTimeline";
import { CopyButton } from "../CopyButton";
import { Modal } from "../Modal";
import { RateLimit } from "./RateLimit";
import { CHOICES, formOf, pillLabel, running, specOf, stateWords, type Form } from "./choices";
import "./tunnel.css";

/**
 * The header's public URL: a pill saying whether the listener is reachable
 * from the internet (loud while it is), and the dialog that picks, starts
 * and stops the tunnel and lists each endpoint's public URL to copy.
 */
export function TunnelControl() {
  const [view, setView] = useState<TunnelView | null>(null);
  const [open, setOpen] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const pill = useRef<HTMLButtonElement>(null);

  const refresh = useCallback(() => {
    tunnelView().then(
      (v) => {
        setView(v);
        setLoadError(null);
      },
      (err: unknown) => setLoadError(errorMessage(err)),
    );
  }, []);

  useEffect(() => {
    refresh();
    // Status changes come from the shell; the endpoints' URLs are read again with them.
    let live = true;
    subscribeTunnel((status: TunnelStatus) => {
      if (!live) return;
      setView((v) => (v ? { ...v, status } : v));
      refresh();
    }).catch((err: unknown) => setLoadError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [refresh]);

  if (view === null) {
    return loadError ? (
      <span className="tunnel-pill failed" title={loadError} data-testid="tunnel-pill">
        Public URL unavailable
      </span>
    ) : null;
  }
  const state = view.status.state;
  const up = state.state === "up" ? state : null;
  return (
    <div className="tunnel-control">
      <button
        type="button"
        ref={pill}
        className={`tunnel-pill ${state.state}`}
        data-testid="tunnel-pill"
        data-state={state.state}
        aria-haspopup="dialog"
        title={stateWords(view.status)}
        onClick={() => {
          refresh();
          setOpen(true);
        }}
      >
        <span className="tunnel-dot" aria-hidden="true" />
        {pillLabel(state)}
        {up && (
          <code className="tunnel-pill-url" data-testid="tunnel-public-url">
            {up.publicUrl.replace(/^https?:\/\//, "")}
          </code>
        )}
      </button>
      {up && <CopyButton text={up.publicUrl} label="public URL" testId="copy-public-url" />}
      {open && (
        <TunnelDialog
          view={view}
          onView={setView}
          onClose={() => {
            setOpen(false);
            pill.current?.focus();
          }}
        />
      )}
    </div>
  );
}

function TunnelDialog({ view, onView, onClose }: { view: TunnelView; onView: (v: TunnelView) => void; onClose: () => void }) {
  const id = useId();
  const [form, setForm] = useState<Form>(() => formOf(view.saved?.spec ?? null));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [token, setToken] = useState("");
  const state = view.status.state;
  const on = running(state);
  const set = (patch: Partial<Form>) => {
    setForm((f) => ({ ...f, ...patch }));
    setError(null);
  };

  const act = (work: () => Promise<TunnelView>) => {
    setBusy(true);
    setError(null);
    work().then(
      (v) => {
        onView(v);
        setBusy(false);
      },
      (err: unknown) => {
        setError(errorMessage(err));
        setBusy(false);
      },
    );
  };

  const start = () => {
    const spec = specOf(form);
    if (typeof spec === "string") {
      setError(spec);
      return;
    }
    act(() => startTunnel(spec));
  };

  const saveToken = () => {
    setBusy(true);
    setNgrokAuthtoken(token.trim() === "" ? null : token).then(
      (masked) => {
        onView({ ...view, ngrokAuthtoken: masked });
        setToken("");
        setBusy(false);
      },
      (err: unknown) => {
        setError(errorMessage(err));
        setBusy(false);
      },
    );
  };

  const field = (key: keyof Form, label: string, placeholder: string, testId: string) => (
    <label className="tunnel-field">
      <span>{label}</span>
      <input
        value={form[key]}
        placeholder={placeholder}
        disabled={on}
        onChange={(e) => set({ [key]: e.target.value })}
        data-testid={testId}
        spellCheck={false}
      />
    </label>
  );

  return (
    <Modal title="Public URL" onClose={onClose} testId="tunnel-dialog" closeTestId="tunnel-close" className="tunnel-dialog form-dialog">
      <div className="modal-body tunnel-body">
        <p className="muted section-help">
          Providers deliver only to public HTTPS addresses. Hooklens starts a tunnel you already trust and captures what
          comes through it exactly like local requests. Only capture is reachable through it; requests from one sender
          are limited per minute.
        </p>

        <div className={`tunnel-state ${state.state}`} role="status" data-testid="tunnel-state">
          {stateWords(view.status)}
        </div>

        {state.state === "host-key-unknown" && (
          <div className="tunnel-hostkey" data-testid="tunnel-hostkey">
            <p>
              Compare this fingerprint with the one {state.host} publishes. Accept it only if they match: it is kept in
              Hooklens&apos;s own known_hosts file, and every later connection must present the same key.
              {form.choice === "own-server" && (
                <>
                  {" "}
                  On your server,{" "}
                  <code className="mono">ssh-keygen -lf /etc/ssh/ssh_host_{state.keyType.toLowerCase()}_key.pub</code> prints
                  it.
                </>
              )}
            </p>
            <code className="tunnel-fingerprint" data-testid="tunnel-fingerprint">
              {state.keyType} {state.fingerprint}
            </code>
            <button
              type="button"
              className="primary-button"
              disabled={busy}
              data-testid="tunnel-accept-host-key"
              onClick={() =>
                act(async () => {
                  await acceptTunnelHostKey(state.fingerprint);
                  return tunnelView();
                })
              }
            >
              Accept and connect
            </button>
          </div>
        )}

        {state.state === "up" && (
          <div className="tunnel-urls">
            <h3>Paste these into the provider&apos;s dashboard</h3>
            <ul data-testid="tunnel-endpoint-urls">
              {view.endpoints.map((e) => (
                <li key={e.url} data-testid="tunnel-endpoint-url">
                  <span className="tunnel-endpoint-name">{e.name}</span>
                  <code className="mono break">{e.url}</code>
                  <CopyButton text={e.url} label={`public URL of ${e.name}`} />
                </li>
              ))}
            </ul>
          </div>
        )}

        <fieldset className="tunnel-choices" disabled={on}>
          <legend>Tunnel</legend>
          {/* While it runs, the choice cannot change: only the picked one is shown, so the state above stays in view. */}
          {CHOICES.filter((c) => !on || c.id === form.choice).map((c) => (
            <label key={c.id} className={`tunnel-choice${form.choice === c.id ? " picked" : ""}`}>
              <input
                type="radio"
                name={`${id}-choice`}
                checked={form.choice === c.id}
                onChange={() => set({ choice: c.id })}
                data-testid={`tunnel-choice-${c.id}`}
              />
              <span className="tunnel-choice-label">{c.label}</span>
              <span className="tunnel-choice-help">{c.help}</span>
            </label>
          ))}
        </fieldset>

        {form.choice === "own-server" && (
          <div className="tunnel-fields">
            {field("host", "Server", "hooks.example.com or an ssh config alias", "tunnel-host")}
            {field("user", "User (optional)", "from your ssh config", "tunnel-user")}
            {field("port", "SSH port (optional)", "22", "tunnel-port")}
            {field("remotePort", "Port on the server", "8080", "tunnel-remote-port")}
            {field("publicBaseUrl", "Public URL of that port", "https://hooks.example.com", "tunnel-public-base")}
          </div>
        )}
        {form.choice === "cloudflared-named" && (
          <div className="tunnel-fields">
            {field("name", "Tunnel name", "hooklens", "tunnel-name")}
            {field("hostname", "Hostname", "hooks.example.com", "tunnel-hostname")}
          </div>
        )}
        {form.choice === "ngrok" && (
          <div className="tunnel-fields">
            <label className="tunnel-field">
              <span>Authtoken</span>
              <select
                value={form.ngrokAuth}
                disabled={on}
                onChange={(e) => set({ ngrokAuth: e.target.value === "stored" ? "stored" : "agent-config" })}
                data-testid="tunnel-ngrok-auth"
              >
                <option value="agent-config">From my ngrok config (ngrok config add-authtoken)</option>
                <option value="stored">One I give Hooklens</option>
              </select>
            </label>
            {form.ngrokAuth === "stored" && (
              <div className="tunnel-token">
                <span className="muted" data-testid="tunnel-ngrok-token">
                  {view.ngrokAuthtoken ? `Stored: ${view.ngrokAuthtoken}` : "No authtoken stored yet."}
                </span>
                <input
                  type="password"
                  value={token}
                  autoComplete="off"
                  placeholder="Paste the authtoken from dashboard.ngrok.com"
                  onChange={(e) => setToken(e.target.value)}
                  data-testid="tunnel-ngrok-token-input"
                />
                <button type="button" className="secondary-button" disabled={busy || token.trim() === ""} onClick={saveToken}>
                  Store
                </button>
              </div>
            )}
          </div>
        )}

        <RateLimit view={view} onView={onView} />

        {view.status.output.length > 0 && (
          <details className="tunnel-output">
            <summary>What {view.status.name} printed</summary>
            <pre data-testid="tunnel-output">{view.status.output.join("\n")}</pre>
          </details>
        )}

        {error && (
          <p className="field-error" role="alert" data-testid="tunnel-error">
            {error}
          </p>
        )}
      </div>
      <div className="modal-foot">
        <div className="foot-actions">
          <button type="button" className="secondary-button" onClick={onClose}>
            Close
          </button>
          {on ? (
            <button type="button" className="danger-button" disabled={busy} onClick={() => act(stopTunnel)} data-testid="tunnel-stop">
              Stop tunnel
            </button>
          ) : (
            <button type="button" className="primary-button" disabled={busy} onClick={start} data-testid="tunnel-start" data-autofocus>
              Start tunnel
            </button>
          )}
        </div>
      </div>
    </Modal>
  );
}
