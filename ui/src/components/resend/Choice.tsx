import type { ReactNode } from "react";

type Props = {
  /** The radio group's name. */
  name: string;
  value: string;
  checked: boolean;
  onPick: () => void;
  label: string;
  help?: string | undefined;
  /** More under the help, e.g. why this choice cannot work here. */
  note?: ReactNode;
  disabled?: boolean | undefined;
  testId: string;
  /** The label's class: by default a row ("choice") that is marked when checked. */
  className?: string | undefined;
};

/** One radio choice with its label and help, clickable as a whole (signing modes, delivery patterns). */
export function Choice({ name, value, checked, onPick, label, help, note, disabled, testId, className }: Props) {
  return (
    <label className={className ?? (checked ? "choice selected" : "choice")}>
      <input type="radio" name={name} value={value} checked={checked} disabled={disabled} data-testid={testId} onChange={onPick} />
      <span className="choice-text">
        <span className="choice-label">{label}</span>
        {help && <span className="choice-help">{help}</span>}
        {note}
      </span>
    </label>
  );
}
