import { useEffect, useLayoutEffect, useMemo, useRef } from "react";
import { defaultKeymap } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import { bracketMatching, foldGutter, foldKeymap, syntaxHighlighting } from "@codemirror/language";
import { Compartment, EditorState, type Extension } from "@codemirror/state";
import { EditorView, highlightSpecialChars, keymap, lineNumbers } from "@codemirror/view";
import { tagHighlighter, tags } from "@lezer/highlight";
import { tooDeep } from "./body";
import "./codemirror.css";

// Token classes, coloured in detail.css for the light and the dark theme
// (prefers-color-scheme), so no colour lives in JavaScript.
export const jsonHighlighter = tagHighlighter([
  { tag: tags.propertyName, class: "hl-key" },
  { tag: tags.string, class: "hl-string" },
  { tag: tags.number, class: "hl-number" },
  { tag: [tags.bool, tags.null], class: "hl-atom" },
  { tag: [tags.brace, tags.squareBracket, tags.separator], class: "hl-punct" },
  { tag: tags.invalid, class: "hl-invalid" },
]);

// No EditorView.theme: style-mod would mount it in a <style> element, which
// the app's CSP blocks. The editor's look lives in codemirror.css and
// detail.css instead, with the app's colour variables.

type Props = {
  /** The document, shown exactly: no line separator is normalised. */
  text: string;
  /** JSON highlighting and folding (dropped for text nested too deeply to parse in reasonable time). */
  json: boolean;
  wrap: boolean;
  /** Accessible name of the editor's content. */
  label: string;
  testId?: string;
};

function extensions(isJson: boolean, label: string, wrapping: Compartment, wrap: boolean): Extension[] {
  return [
    // Only \n separates lines: a \r stays in the document (shown as a
    // control character), so doc.toString() is the text as received.
    EditorState.lineSeparator.of("\n"),
    EditorState.readOnly.of(true),
    EditorView.contentAttributes.of({ "aria-label": label }),
    lineNumbers(),
    highlightSpecialChars(),
    wrapping.of(wrap ? EditorView.lineWrapping : []),
    keymap.of([...foldKeymap, ...defaultKeymap]),
    ...(isJson ? [json(), foldGutter(), bracketMatching(), syntaxHighlighting(jsonHighlighter)] : []),
  ];
}

/** A read-only CodeMirror 6 view of `text`. */
export function CodeView({ text, json: isJson, wrap, label, testId }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const wrapping = useRef(new Compartment());
  const wrapNow = useRef(wrap);
  wrapNow.current = wrap;
  // lezer would not overflow the stack on 10^6 levels, but it takes seconds
  // to parse them and folding/bracket matching walk the same tree: plain text.
  const highlight = useMemo(() => isJson && !tooDeep(text), [isJson, text]);

  // Before the browser paints: the text it replaces (components/lazy.tsx's
  // fallback on first use) never gives way to an empty box.
  useLayoutEffect(() => {
    const parent = host.current;
    if (!parent) return;
    const state = EditorState.create({
      doc: text,
      extensions: extensions(highlight, label, wrapping.current, wrapNow.current),
    });
    if (view.current) view.current.setState(state);
    else view.current = new EditorView({ parent, state });
  }, [text, highlight, label]);

  useEffect(() => {
    view.current?.dispatch({ effects: wrapping.current.reconfigure(wrap ? EditorView.lineWrapping : []) });
  }, [wrap]);

  useEffect(
    () => () => {
      view.current?.destroy();
      view.current = null;
    },
    [],
  );

  return <div className="code-view" ref={host} data-testid={testId} data-language={highlight ? "json" : "text"} />;
}

/** The CodeMirror view inside an element rendered by CodeView (for tests and tools). */
export function editorIn(element: Element): EditorView | null {
  const dom = element.querySelector(".cm-editor");
  return dom instanceof HTMLElement ? EditorView.findFromDOM(dom) : null;
}
