import type { ReactNode } from "react";

type Props = {
  /** The question is showing: Remove confirms, Keep backs out. */
  confirming: boolean;
  onAsk: () => void;
  onKeep: () => void;
  onConfirm: () => void;
  busy: boolean;
  /** e.g. Remove “Kustom”? Its events stay. */
  question: ReactNode;
  ariaLabel: string;
  /** The first button's testid; the confirming one is `${testId}-confirm`. */
  testId: string;
  /** The first button's text. */
  children: ReactNode;
};

/** A remove button that asks in place before it removes. */
export function ConfirmRemove({ confirming, onAsk, onKeep, onConfirm, busy, question, ariaLabel, testId, children }: Props) {
  if (!confirming) {
    return (
      <button type="button" className="danger-button" data-testid={testId} onClick={onAsk}>
        {children}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={ariaLabel}>
      <span>{question}</span>
      <button
        type="button"
        className="danger-button solid"
        data-testid={`${testId}-confirm`}
        disabled={busy}
        onClick={onConfirm}
      >
        Remove
      </button>
      <button type="button" className="secondary-button compact" autoFocus onClick={onKeep}>
        Keep
      </button>
    </span>
  );
}
