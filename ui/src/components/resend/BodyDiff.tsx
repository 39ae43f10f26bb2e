import { useEffect, useRef } from "react";
import { json } from "@codemirror/lang-json";
import { syntaxHighlighting } from "@codemirror/language";
import { MergeView } from "@codemirror/merge";
import { EditorState, type Extension } from "@codemirror/state";
import { EditorView, highlightSpecialChars, lineNumbers } from "@codemirror/view";
import { tooDeep } from "../detail/body";
import { jsonHighlighter } from "../detail/CodeView";
import "../detail/codemirror.css";
import "./merge.css";

type Props = {
  original: string;
  edited: string;
  json: boolean;
};

function extensions(isJson: boolean, label: string): Extension[] {
  return [
    EditorState.lineSeparator.of("\n"),
    EditorState.readOnly.of(true),
    EditorView.editable.of(false),
    EditorView.contentAttributes.of({ "aria-label": label }),
    EditorView.lineWrapping,
    lineNumbers(),
    highlightSpecialChars(),
    ...(isJson ? [json(), syntaxHighlighting(jsonHighlighter)] : []),
  ];
}

/**
 * The original body beside the edited one (CodeMirror's MergeView): changed
 * lines and characters highlighted, long unchanged stretches collapsed. Its
 * styles ship in merge.css: the CSP blocks the ones it would inject.
 */
export function BodyDiff({ original, edited, json: isJson }: Props) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const parent = host.current;
    if (!parent) return;
    const merge = new MergeView({
      // Each side on its own: the captured body may be hostile while the edit is not.
      a: { doc: original, extensions: extensions(isJson && !tooDeep(original), "Original body") },
      b: { doc: edited, extensions: extensions(isJson && !tooDeep(edited), "Edited body") },
      parent,
      collapseUnchanged: { margin: 3, minSize: 6 },
    });
    return () => merge.destroy();
  }, [original, edited, isJson]);

  return (
    <div className="body-diff">
      <div className="body-diff-heads" aria-hidden="true">
        <span>Original</span>
        <span>Edited</span>
      </div>
      <div className="code-view merge-host" ref={host} data-testid="resend-body-diff" />
    </div>
  );
}
