import { useEffect, useRef, useState } from "react";
import { copyText } from "../ipc";

type Props = {
  text: string;
  label: string;
  className?: string;
  testId?: string;
};

type Feedback = "idle" | "copied" | "failed";

/** Copies `text` and says so for a moment; `label` names what is copied. */
export function CopyButton({ text, label, className, testId }: Props) {
  const [feedback, setFeedback] = useState<Feedback>("idle");
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  const onClick = () => {
    copyText(text).then(
      () => setFeedback("copied"),
      () => setFeedback("failed"),
    );
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setFeedback("idle"), 1600);
  };

  const caption = feedback === "copied" ? "Copied" : feedback === "failed" ? "Copy failed" : "Copy";
  return (
    <button
      type="button"
      className={`copy-button ${feedback} ${className ?? ""}`.trim()}
      onClick={onClick}
      aria-label={`Copy ${label}`}
      title={`Copy ${label}`}
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
      <span aria-live="polite">{caption}</span>
    </button>
  );
}
