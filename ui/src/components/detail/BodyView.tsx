import { useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { EventView } from "../../ipc";
import { formatSize } from "../../lib/format";
import { CopyButton } from "../CopyButton";
import {
  decodeParams,
  isFormType,
  isJsonType,
  lineEndingHints,
  looksLikeJson,
  PRETTY_AUTO_LIMIT,
  prettyFallbackWords,
  prettyJson,
  type BodyTab,
  type PrettyJson,
} from "./body";
import { CodeView } from "../lazy";
import { HexDump } from "./HexDump";
import { ParamsTable } from "./ParamsTable";

/** Lines are wrapped by default up to this size: wrapping a huge single line is slow. */
const WRAP_LIMIT = 1024 * 1024;

const tabNames: Record<BodyTab, string> = { pretty: "Pretty", raw: "Raw", hex: "Hex", form: "Form" };

const count = new Intl.NumberFormat();

type Pretty =
  /** Not offered: the body is not JSON. */
  | { state: "none" }
  /** Too big to format up front: formatted when the user asks. */
  | { state: "deferred" }
  | { state: "done"; result: PrettyJson };

export type BodyModel = {
  kind: "empty" | "text" | "binary";
  size: number;
  text: string | null;
  pretty: Pretty;
  form: boolean;
  tabs: BodyTab[];
  defaultTab: BodyTab | null;
};

/** What can be shown of a body, and which tab shows it best. */
export function bodyModel(view: EventView): BodyModel {
  const { bodyText, bodyBase64, summary } = view;
  const contentType = summary.contentType;
  const size = summary.size;
  if ((bodyText === null || bodyText === "") && (bodyBase64 === null || bodyBase64 === "")) {
    return { kind: "empty", size: 0, text: null, pretty: { state: "none" }, form: false, tabs: [], defaultTab: null };
  }
  if (bodyText === null) {
    return { kind: "binary", size, text: null, pretty: { state: "none" }, form: false, tabs: ["hex"], defaultTab: "hex" };
  }
  const jsonType = isJsonType(contentType);
  let pretty: Pretty = { state: "none" };
  if (jsonType || looksLikeJson(bodyText)) {
    if (size > PRETTY_AUTO_LIMIT) pretty = { state: "deferred" };
    else {
      const result = prettyJson(bodyText);
      // A body that only looked like JSON is plain text; a body that claims
      // to be JSON keeps the tab, which says why it cannot be formatted. One
      // too deep or too big to format is still JSON-shaped: the tab says so.
      if (result.ok || jsonType || result.reason !== "invalid") pretty = { state: "done", result };
    }
  }
  const form = isFormType(contentType);
  const tabs: BodyTab[] = [...(pretty.state === "none" ? [] : ["pretty" as const]), "raw", "hex", ...(form ? ["form" as const] : [])];
  // A fallback opens on Pretty too: it shows the whole raw text, and the note on why.
  const prettyShows = pretty.state === "done" && (pretty.result.ok || pretty.result.reason !== "invalid");
  const defaultTab: BodyTab = form ? "form" : prettyShows ? "pretty" : "raw";
  return { kind: "text", size, text: bodyText, pretty, form, tabs, defaultTab };
}

type Props = {
  view: EventView;
  /** The tab the user last chose, kept across events that offer it. */
  preferred: BodyTab | null;
  onPreferred: (tab: BodyTab) => void;
};

export function BodyView({ view, preferred, onPreferred }: Props) {
  const model = useMemo(() => bodyModel(view), [view]);
  const tab = preferred && model.tabs.includes(preferred) ? preferred : model.defaultTab;
  const [wrapChoice, setWrapChoice] = useState<boolean | null>(null);
  const wrap = wrapChoice ?? model.size <= WRAP_LIMIT;
  const baseId = useId();
  const tabRefs = useRef(new Map<BodyTab, HTMLButtonElement>());

  const sizeWords = `${formatSize(model.size)} (${count.format(model.size)} bytes)`;

  if (model.kind === "empty" || tab === null) {
    return (
      <section className="detail-section body-view" aria-label="Body" data-testid="body-view" data-kind="empty">
        <div className="section-head">
          <h3>Body</h3>
        </div>
        <p className="body-empty" data-testid="body-empty">
          Empty body (0 bytes)
        </p>
      </section>
    );
  }

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = model.tabs.indexOf(tab);
    let next: BodyTab | undefined;
    if (e.key === "ArrowRight") next = model.tabs[(i + 1) % model.tabs.length];
    else if (e.key === "ArrowLeft") next = model.tabs[(i - 1 + model.tabs.length) % model.tabs.length];
    else if (e.key === "Home") next = model.tabs[0];
    else if (e.key === "End") next = model.tabs[model.tabs.length - 1];
    if (!next) return;
    e.preventDefault();
    onPreferred(next);
    tabRefs.current.get(next)?.focus();
  };

  const panelId = `${baseId}-panel`;
  return (
    <section className="detail-section body-view" aria-label="Body" data-testid="body-view" data-kind={model.kind}>
      <div className="section-head">
        <h3>
          Body <span className="muted">{sizeWords}</span>
        </h3>
        {(tab === "raw" || tab === "pretty") && (
          <label className="wrap-toggle">
            <input
              type="checkbox"
              checked={wrap}
              onChange={(e) => setWrapChoice(e.target.checked)}
              data-testid="body-wrap"
            />
            Wrap lines
          </label>
        )}
      </div>
      {model.kind === "binary" && (
        <p className="body-note" data-testid="body-binary-note">
          Not valid UTF-8 text: shown as bytes.
        </p>
      )}
      <div className="tabs" role="tablist" aria-label="Body views" onKeyDown={onKeyDown}>
        {model.tabs.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={`${baseId}-tab-${t}`}
            aria-selected={t === tab}
            aria-controls={panelId}
            tabIndex={t === tab ? 0 : -1}
            className={t === tab ? "tab selected" : "tab"}
            data-testid={`body-tab-${t}`}
            ref={(el) => {
              if (el) tabRefs.current.set(t, el);
              else tabRefs.current.delete(t);
            }}
            onClick={() => onPreferred(t)}
          >
            {tabNames[t]}
          </button>
        ))}
      </div>
      <div
        className="tab-panel"
        role="tabpanel"
        id={panelId}
        aria-labelledby={`${baseId}-tab-${tab}`}
        data-testid={`body-panel-${tab}`}
      >
        {tab === "pretty" && model.text !== null && (
          <PrettyPanel key={view.summary.id} text={model.text} pretty={model.pretty} size={model.size} wrap={wrap} />
        )}
        {tab === "raw" && model.text !== null && <RawPanel text={model.text} wrap={wrap} />}
        {tab === "hex" && <HexDump key={view.summary.id} bodyText={view.bodyText} bodyBase64={view.bodyBase64} />}
        {tab === "form" && model.text !== null && <FormPanel text={model.text} />}
      </div>
    </section>
  );
}

function PrettyPanel({ text, pretty, size, wrap }: { text: string; pretty: Pretty; size: number; wrap: boolean }) {
  const [requested, setRequested] = useState(false);
  const result = useMemo(
    () => (pretty.state === "done" ? pretty.result : requested ? prettyJson(text) : null),
    [pretty, requested, text],
  );
  if (!result) {
    return (
      <div className="body-note" data-testid="body-pretty-deferred">
        <p>
          This body is {formatSize(size)}: it is not formatted up front, so large events open quickly. Raw shows it
          exactly as received.
        </p>
        <button type="button" className="secondary-button" data-testid="body-pretty-load" onClick={() => setRequested(true)}>
          Format as JSON
        </button>
      </div>
    );
  }
  if (!result.ok && result.reason === "invalid") {
    return (
      <p className="body-note warn" data-testid="body-pretty-error">
        Not valid JSON, so it cannot be pretty-printed: {result.error}. Raw shows it exactly as received.
      </p>
    );
  }
  if (!result.ok) {
    return (
      <>
        <p className="body-note warn" data-testid="body-pretty-fallback" data-reason={result.reason}>
          {prettyFallbackWords(result)}
        </p>
        <div className="panel-bar">
          <span className="muted">Exactly as received.</span>
          <CopyButton text={text} label="body" testId="copy-body" className="compact" />
        </div>
        <CodeView text={text} json={false} wrap={wrap} label="Body, exactly as received" testId="body-pretty-raw" />
      </>
    );
  }
  return (
    <>
      <div className="panel-bar">
        <span className="muted">Formatted for reading; numbers, strings and keys exactly as sent.</span>
        <CopyButton text={result.text} label="pretty JSON" testId="copy-pretty" className="compact" />
      </div>
      {result.duplicateKeys.length > 0 && (
        <p className="body-note warn" data-testid="body-duplicate-keys">
          Duplicate keys: {result.duplicateKeys.slice(0, 5).map((k) => `“${k}”`).join(", ")}
          {result.duplicateKeys.length > 5 ? ` and ${result.duplicateKeys.length - 5} more` : ""}. Receivers may read
          either value.
        </p>
      )}
      <CodeView text={result.text} json wrap={wrap} label="Body, pretty JSON" testId="body-pretty" />
    </>
  );
}

function RawPanel({ text, wrap }: { text: string; wrap: boolean }) {
  const hints = useMemo(() => lineEndingHints(text), [text]);
  return (
    <>
      <div className="panel-bar">
        <ul className="hints" aria-label="Line endings" data-testid="body-raw-hints">
          {hints.map((h) => (
            <li key={h.text} className={h.warn ? "hint warn" : "hint"}>
              {h.text}
            </li>
          ))}
        </ul>
        <CopyButton text={text} label="body" testId="copy-body" className="compact" />
      </div>
      <CodeView text={text} json={false} wrap={wrap} label="Body, exactly as received" testId="body-raw" />
    </>
  );
}

function FormPanel({ text }: { text: string }) {
  const params = useMemo(() => decodeParams(text), [text]);
  if (params.length === 0) return <p className="muted">No form fields.</p>;
  return <ParamsTable params={params} label="Form fields" testId="form-params" rowTestId="form-param" />;
}
