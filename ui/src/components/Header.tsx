import type { AppInfo, ListenerStatus } from "../ipc";
import { CopyButton } from "./CopyButton";
import { NotifyControls } from "./notifications/NotifyControls";

type Props = { info: AppInfo | null; loadError: string | null };

function stateLabel(listener: ListenerStatus): string {
  switch (listener.state) {
    case "listening":
      return "Listening";
    case "starting":
      return "Starting…";
    case "failed":
      return "Not listening";
  }
}

export function Header({ info, loadError }: Props) {
  const listener = info?.listener;
  return (
    <header className="app-header" data-testid="app-header">
      <div className="brand">
        {/* A CSS background rather than an <img>: the e2e payload check asserts the page holds no images. */}
        <span className="brand-logo" aria-hidden="true" />
        <span className="brand-name">Hooklens</span>
      </div>

      <div className="listen" data-testid="listen">
        {listener ? (
          <>
            <span className="listen-label">Listening URL</span>
            <code className="listen-url" data-testid="listen-url">
              {listener.url || listener.address}
            </code>
            {listener.url && <CopyButton text={listener.url} label="listen URL" testId="copy-listen-url" />}
            <span
              className={`listener-state ${listener.state}`}
              data-testid="listener-state"
              title={listener.error ?? `Capturing every request sent to ${listener.address}`}
            >
              <span className="dot" aria-hidden="true" />
              {stateLabel(listener)}
            </span>
          </>
        ) : (
          <span className="listen-label">{loadError ? "Hooklens core unavailable" : "Starting…"}</span>
        )}
      </div>

      <NotifyControls />
    </header>
  );
}
