import { language } from "@codemirror/language";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { EventView } from "../../ipc";
import { ev } from "../../test-fixtures";
import { BodyView } from "./BodyView";
import { CodeView, editorIn } from "./CodeView";

function view(bodyText: string, contentType: string | null = "application/json"): EventView {
  return {
    summary: ev(1, { contentType, size: bodyText.length }),
    url: "http://127.0.0.1:9494/hook/1",
    target: "/",
    httpVersion: "HTTP/1.1",
    trailers: [],
    headers: [],
    bodyText,
    bodyBase64: null,
    refs: [],
    deliveries: [],
    source: null,
    via: null,
    answer: null,
  };
}

/** The editor in `testId`, once CodeMirror has loaded (on first use, see components/lazy.tsx). */
const editorOf = async (testId: string) => {
  const editor = editorIn(await screen.findByTestId(testId, {}, { timeout: 5_000 }));
  if (!editor) throw new Error(`no editor in ${testId}`);
  return editor;
};

describe("BodyView on hostile nesting", () => {
  it("shows a body nested 100,000 levels deep as raw text on Pretty, with a note on why", async () => {
    const deep = '{"a":'.repeat(50_000) + "[".repeat(50_000) + "]".repeat(50_000) + "}".repeat(50_000);
    render(<BodyView view={view(deep)} preferred={null} onPreferred={() => {}} />);
    expect(screen.getByTestId("body-tab-pretty")).toHaveAttribute("aria-selected", "true");
    expect(screen.getByTestId("body-pretty-fallback")).toHaveTextContent(
      "Too deeply nested to pretty-print (more than 128 levels); showing the raw text.",
    );
    expect(screen.getByTestId("body-pretty-fallback")).toHaveAttribute("data-reason", "too_deep");
    expect(screen.queryByTestId("body-pretty-error")).toBeNull();
    expect(screen.queryByTestId("body-pretty")).toBeNull();
    // Nothing lost: the whole body, as received, and no JSON mode to parse it.
    const editor = await editorOf("body-pretty-raw");
    expect(editor.state.doc.toString()).toBe(deep);
    expect(editor.state.facet(language)).toBeNull();
    expect(screen.getByTestId("body-pretty-raw")).toHaveAttribute("data-language", "text");
  });

  it("formats a body at the depth limit as before", async () => {
    const body = "[".repeat(128) + "1" + "]".repeat(128);
    render(<BodyView view={view(body)} preferred={null} onPreferred={() => {}} />);
    const editor = await editorOf("body-pretty");
    expect(editor.state.doc.lines).toBe(2 * 128 + 1);
    expect(editor.state.facet(language)?.name).toBe("json");
    expect(screen.queryByTestId("body-pretty-fallback")).toBeNull();
  });
});

describe("CodeView", () => {
  it("drops the JSON mode for text nested too deeply, and keeps it otherwise", async () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const { rerender } = render(<CodeView text={deep} json wrap label="Body" testId="code" />);
    expect((await editorOf("code")).state.facet(language)).toBeNull();
    expect((await editorOf("code")).state.doc.toString()).toBe(deep);
    expect(screen.getByTestId("code")).toHaveAttribute("data-language", "text");
    rerender(<CodeView text={'{"a": [1]}'} json wrap label="Body" testId="code" />);
    expect((await editorOf("code")).state.facet(language)?.name).toBe("json");
    expect(screen.getByTestId("code")).toHaveAttribute("data-language", "json");
  });
});
