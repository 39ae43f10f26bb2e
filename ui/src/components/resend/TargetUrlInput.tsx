import { useId } from "react";

type Props = {
  value: string;
  onChange: (value: string) => void;
  onBlur?: (() => void) | undefined;
  /** Where sends went lately, offered as suggestions. */
  recent: readonly string[];
  /** The id of the field's error (FieldError), when it shows one. */
  errorId: string | null;
  testId: string;
  id?: string | undefined;
};

/** The URL a send goes to, with the recent targets to pick from. */
export function TargetUrlInput({ value, onChange, onBlur, recent, errorId, testId, id }: Props) {
  const listId = `${useId()}-targets`;
  return (
    <>
      <input
        id={id}
        className="mono"
        type="text"
        inputMode="url"
        list={listId}
        value={value}
        placeholder="http://localhost:3000/webhooks"
        spellCheck={false}
        autoComplete="off"
        data-autofocus
        data-testid={testId}
        aria-invalid={errorId ? true : undefined}
        aria-describedby={errorId ?? undefined}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
      />
      <datalist id={listId}>
        {recent.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
    </>
  );
}
