import type { ListenerStatus } from "../ipc";
import { sampleCurl } from "../lib/format";
import { CopyButton } from "./CopyButton";

type Props = { listener: ListenerStatus | null; onListenOn: (address: string) => void };

/** What a first-time user sees: where to send a request, ready to copy. */
export function EmptyState({ listener, onListenOn }: Props) {
  if (listener && listener.state === "failed") {
    return (
      <div className="empty-state" data-testid="empty-state">
        <h2>Nothing is listening</h2>
        <p className="error-text" data-testid="listener-error">
          {listener.error}
        </p>
        {listener.suggestion ? (
          <>
            <p>
              <button
                type="button"
                className="primary-button"
                onClick={() => listener.suggestion && onListenOn(listener.suggestion)}
                data-testid="listen-on-suggestion"
              >
                Listen on {listener.suggestion} instead
              </button>
            </p>
            <p className="muted">
              Or stop the program that holds the port and restart Hooklens, or start it with{" "}
              <code>HOOKLENS_LISTEN=HOST:PORT</code>.
            </p>
          </>
        ) : (
          <p className="muted">Fix the cause above and restart Hooklens. Stored events stay readable meanwhile.</p>
        )}
      </div>
    );
  }
  const url = listener?.url ?? "";
  const curl = sampleCurl(url);
  return (
    <div className="empty-state" data-testid="empty-state">
      <svg className="empty-art" viewBox="0 0 96 64" aria-hidden="true">
        <rect x="6" y="10" width="52" height="40" rx="6" className="art-card" />
        <path d="M16 22h32M16 30h24M16 38h28" className="art-line" />
        <path d="M62 30h14" className="art-arrow" />
        <path d="M72 25l6 5-6 5" className="art-arrow" />
        <circle cx="86" cy="30" r="6" className="art-dot" />
      </svg>
      <h2>Waiting for the first webhook</h2>
      <p>
        Point a provider’s webhook URL at <code data-testid="empty-url">{url}</code> (any path), or send a test
        request from a terminal:
      </p>
      <div className="curl-box">
        <pre data-testid="curl-command">{curl}</pre>
        <CopyButton text={curl} label="curl command" testId="copy-curl" />
      </div>
      <p className="muted">Every request is stored exactly as received and appears here the moment it arrives.</p>
    </div>
  );
}
