import { useEffect, useRef, useState } from "react";
import { aboutInfo, openFolder, type AboutInfo, type Folder } from "../../ipc";
import { formatEventCount, formatSize } from "../../lib/format";
import { errorMessage } from "../../state/useTimeline";
import { CopyButton } from "../CopyButton";
import { Modal } from "../Modal";
import "../detail/controls.css";
import "../forms.css";
import "./about.css";

const FOLDER_NAMES: Record<Folder, string> = { data: "data folder", logs: "log folder" };

/** Where the listener is, in words: its URL, or why it is not listening. */
function listening(about: AboutInfo): string {
  const { listener } = about;
  if (!about.capturing) return `${listener.address}: not capturing (another Hooklens captures into this data folder)`;
  if (listener.state === "listening") return listener.url;
  if (listener.state === "starting") return `${listener.address} (starting)`;
  return `${listener.address}: not listening${listener.error ? ` (${listener.error})` : ""}`;
}

/**
 * About Hooklens: the version, where its data and logs are, how big the
 * database is, and where it listens; the folders open in the file manager
 * (the shell opens them: the page only names which).
 */
export function AboutDialog({ onClose }: { onClose: () => void }) {
  const [about, setAbout] = useState<AboutInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [opening, setOpening] = useState<Folder | null>(null);
  const open = useRef(true);
  useEffect(() => {
    open.current = true;
    aboutInfo().then(
      (info) => open.current && setAbout(info),
      (err: unknown) => open.current && setError(`Could not read the facts: ${errorMessage(err)}`),
    );
    return () => {
      open.current = false;
    };
  }, []);

  const onOpen = (folder: Folder) => {
    setError(null);
    setOpening(folder);
    openFolder(folder).then(
      () => open.current && setOpening(null),
      (err: unknown) => {
        if (!open.current) return;
        setOpening(null);
        setError(`Could not open the ${FOLDER_NAMES[folder]}: ${errorMessage(err)}`);
      },
    );
  };

  return (
    <Modal title="About Hooklens" onClose={onClose} className="about-dialog" testId="about-dialog" closeTestId="about-close">
      <div className="modal-body">
        <p className="about-title">
          <span className="about-name">Hooklens</span>{" "}
          <span className="about-version" data-testid="about-version">
            {about ? about.version : "…"}
          </span>
        </p>
        <p className="muted about-tagline">Capture, verify and replay webhooks locally.</p>
        {about && (
          <dl className="facts about-facts" data-testid="about-facts">
            <dt>Listening on</dt>
            <dd className="mono break" data-testid="about-listen">
              {listening(about)}
            </dd>
            <dt>Database</dt>
            <dd data-testid="about-database" title={about.databasePath}>
              {formatEventCount(about.eventCount)} · {formatSize(about.databaseBytes)} on disk
            </dd>
            <dt>Data folder</dt>
            <dd className="fact-with-action">
              <span className="mono break" data-testid="about-data-dir">
                {about.dataDir}
              </span>
              <CopyButton text={about.dataDir} label="data folder path" className="compact" testId="about-copy-data-dir" />
            </dd>
            <dt>Log folder</dt>
            <dd className="fact-with-action">
              <span className="mono break" data-testid="about-log-dir">
                {about.logDir}
              </span>
              <CopyButton text={about.logDir} label="log folder path" className="compact" testId="about-copy-log-dir" />
            </dd>
          </dl>
        )}
        {error && (
          <p className="field-error" role="alert" data-testid="about-error">
            {error}
          </p>
        )}
      </div>
      <div className="modal-foot">
        <div className="foot-actions">
          <div className="foot-left about-folders">
            <button
              type="button"
              className="secondary-button"
              data-testid="about-open-data"
              disabled={!about || opening !== null}
              onClick={() => onOpen("data")}
            >
              Open data folder
            </button>
            <button
              type="button"
              className="secondary-button"
              data-testid="about-open-logs"
              disabled={!about || opening !== null}
              onClick={() => onOpen("logs")}
            >
              Open log folder
            </button>
          </div>
          <button type="button" className="primary-button" data-testid="about-done" onClick={onClose} data-autofocus>
            Close
          </button>
        </div>
      </div>
    </Modal>
  );
}
