import { useEffect, useRef } from "react";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import { bracketMatching, syntaxHighlighting } from "@codemirror/language";
import { Compartment, EditorState, type Extension } from "@codemirror/state";
import { EditorView, highlightSpecialChars, keymap, lineNumbers, placeholder } from "@codemirror/view";
import { jsonHighlighter } from "../detail/CodeView";
import "../detail/codemirror.css";
import "../detail/detail.css";

type Props = {
  /** The document: replaced when it differs from what the editor holds (e.g. after Format). */
  value: string;
  onChange: (text: string) => void;
  /** JSON highlighting. */
  json: boolean;
  /** Accessible name of the editor's content. */
  label: string;
  testId?: string;
};

const language = (isJson: boolean): Extension => (isJson ? [json(), bracketMatching(), syntaxHighlighting(jsonHighlighter)] : []);

/**
 * An editable CodeMirror 6 view of a request body. Only \n separates lines,
 * so a \r stays in the document and the text sent is the text shown. No
 * auto-closing or re-formatting: what is typed is what is sent. Tab is left
 * to move focus (keyboard users must be able to leave the editor).
 */
export function BodyEditor({ value, onChange, json: isJson, label, testId }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const lang = useRef(new Compartment());
  const latest = useRef(onChange);
  latest.current = onChange;
  // The text last reported: when it comes back as `value`, the editor already holds it.
  const emitted = useRef(value);

  useEffect(() => {
    const parent = host.current;
    if (!parent) return;
    const state = EditorState.create({
      doc: value,
      extensions: [
        EditorState.lineSeparator.of("\n"),
        EditorView.contentAttributes.of({ "aria-label": label }),
        lineNumbers(),
        highlightSpecialChars(),
        placeholder("The request body, sent exactly as typed"),
        history(),
        EditorView.lineWrapping,
        // Mod-Enter is left to the dialog (send), not taken for a blank line.
        keymap.of([...historyKeymap, ...defaultKeymap.filter((b) => b.key !== "Mod-Enter")]),
        lang.current.of(language(isJson)),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          emitted.current = update.state.doc.toString();
          latest.current(emitted.current);
        }),
      ],
    });
    view.current = new EditorView({ parent, state });
    return () => {
      view.current?.destroy();
      view.current = null;
    };
    // Created once; later values arrive through the effects below.
  }, []);

  useEffect(() => {
    const v = view.current;
    if (!v || value === emitted.current) return;
    emitted.current = value;
    const current = v.state.doc.toString();
    if (current !== value) v.dispatch({ changes: { from: 0, to: current.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: lang.current.reconfigure(language(isJson)) });
  }, [isJson]);

  return <div className="code-view body-editor" ref={host} data-testid={testId} />;
}
