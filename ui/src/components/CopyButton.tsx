import { useEffect, useRef, useState } from "react";
import { copyText } from "../ipc";

type Props = {
  /** What to copy, or a function that fetches it when the button is pressed. */
  text: string | (() => Promise<string>);
  /** Names what is copied, for the tooltip and screen readers: "Copy <label>". */
  label: string;
  /** The button's visible words while idle (default "Copy"). */
  caption?: string;
  className?: string;
  testId?: string;
};

type Feedback = "idle" | "busy" | "copied" | "failed";

/** Copies `text` and says so for a moment; `label` names what is copied. */
export function CopyButton({ text, label, caption, className, testId }: Props) {
  const [feedback, setFeedback] = useState<Feedback>("idle");
  const [problem, setProblem] = useState<string | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      window.clearTimeout(timer.current);
    };
  }, []);

  const settle = (next: Feedback, why: string | null) => {
    if (!mounted.current) return;
    setFeedback(next);
    setProblem(why);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      if (mounted.current) setFeedback("idle");
    }, 1600);
  };

  const onClick = () => {
    if (feedback === "busy") return;
    const source = typeof text === "string" ? Promise.resolve(text) : text();
    if (typeof text !== "string") setFeedback("busy");
    source.then(copyText).then(
      () => settle("copied", null),
      (err: unknown) => settle("failed", err instanceof Error ? err.message : String(err)),
    );
  };

  const words =
    feedback === "copied"
      ? "Copied"
      : feedback === "failed"
        ? "Copy failed"
        : feedback === "busy"
          ? "Copying…"
          : (caption ?? "Copy");
  const title = feedback === "failed" && problem ? `Copy ${label} failed: ${problem}` : `Copy ${label}`;
  return (
    <button
      type="button"
      className={`copy-button ${feedback} ${className ?? ""}`.trim()}
      onClick={onClick}
      aria-busy={feedback === "busy" || undefined}
      aria-label={`Copy ${label}`}
      title={title}
      data-testid={testId}
    >
      <svg viewBox="0 0 16 16" aria-hidden="true" className="copy-icon">
        {feedback === "copied" ? (
          <path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
        ) : (
          <>
            <rect x="5" y="5" width="8.5" height="8.5" rx="1.8" fill="none" stroke="currentColor" strokeWidth="1.4" />
            <path d="M3.5 10.5h-.3A1.2 1.2 0 0 1 2 9.3V3.2A1.2 1.2 0 0 1 3.2 2h6.1a1.2 1.2 0 0 1 1.2 1.2v.3" fill="none" stroke="currentColor" strokeWidth="1.4" />
          </>
        )}
      </svg>
      <span aria-live="polite">{words}</span>
    </button>
  );
}
