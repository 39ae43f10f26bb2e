// The dialogs and the CodeMirror views, loaded on first use: none of them is
// on screen when the window opens, and with them the first bundle was most
// of a megabyte for WebKit to parse before the first rows could paint.
// Import them from here; their modules stay importable directly (tests).
import { lazy, Suspense, type ComponentType, type ReactElement } from "react";
import "./modal.css";

/**
 * While a dialog's code loads: the dimmed backdrop it opens on, so the click
 * answers at once and nothing but the box itself appears a moment later.
 */
function DialogLoading() {
  return <div className="modal-backdrop" aria-busy="true" data-testid="dialog-loading" />;
}

function onFirstUse<P extends object>(
  load: () => Promise<ComponentType<P>>,
  fallback: (props: P) => ReactElement,
): (props: P) => ReactElement {
  const Loaded = lazy(() => load().then((component) => ({ default: component })));
  return function OnFirstUse(props: P) {
    return (
      <Suspense fallback={fallback(props)}>
        <Loaded {...props} />
      </Suspense>
    );
  };
}

const dialog = <P extends object>(load: () => Promise<ComponentType<P>>) => onFirstUse(load, () => <DialogLoading />);

export const AboutDialog = dialog(() => import("./about/AboutDialog").then((m) => m.AboutDialog));
export const EndpointEditor = dialog(() => import("./endpoints/EndpointEditor").then((m) => m.EndpointEditor));
export const ExportDialog = dialog(() => import("./export/ExportDialog").then((m) => m.ExportDialog));
export const ImportFileDialog = dialog(() => import("./import/ImportFileDialog").then((m) => m.ImportFileDialog));
export const PasteImportDialog = dialog(() => import("./import/PasteImportDialog").then((m) => m.PasteImportDialog));
export const ResendEditor = dialog(() => import("./resend/ResendEditor").then((m) => m.ResendEditor));
export const ShuffleDialog = dialog(() => import("./resend/ShuffleDialog").then((m) => m.ShuffleDialog));
export const TestEventDialog = dialog(() => import("./testevents/TestEventDialog").then((m) => m.TestEventDialog));

/** The plain text shown before the editor: more than this is below the fold (the view is at most 60vh). */
const PLAIN_PREVIEW_CHARS = 64 * 1024;

type CodeViewProps = { text: string; json: boolean; wrap: boolean; label: string; testId?: string };

/**
 * While CodeMirror loads: the same text in the same box and font, so the
 * body is readable at once and the editor replaces it in place. No test id:
 * whatever waits for the editor waits for the real one.
 */
function PlainCode({ text, wrap, label }: CodeViewProps) {
  return (
    <div className="code-view" aria-busy="true">
      <pre className={`code-view-plain${wrap ? " wrap" : ""}`} aria-label={label}>
        {text.length > PLAIN_PREVIEW_CHARS ? text.slice(0, PLAIN_PREVIEW_CHARS) : text}
      </pre>
    </div>
  );
}

export const CodeView = onFirstUse<CodeViewProps>(() => import("./detail/CodeView").then((m) => m.CodeView), PlainCode);
