import type { ReactNode } from "react";

/** A header being edited: `key` stays with the row while rows come and go. */
export type EditableHeader = { key: number; name: string; value: string };

type Props<R extends EditableHeader> = {
  rows: readonly R[];
  onChange: (rows: R[]) => void;
  /** The row's class (its grid); may depend on the row. */
  rowClass: string | ((row: R) => string);
  /** Test ids `${testId}-row`, `-name`, `-value` and `-remove`. */
  testId: string;
  /** Under a row, e.g. tags saying how it will be sent. */
  extra?: (row: R) => ReactNode;
  /** Rows shown but not typed into (e.g. a masked secret); they can still be removed. */
  locked?: (row: R) => boolean;
};

/** Editable name/value header rows, in order, duplicates allowed: two fields and a remove button each. */
export function HeaderRowsEditor<R extends EditableHeader>({ rows, onChange, rowClass, testId, extra, locked }: Props<R>) {
  const update = (key: number, change: Pick<EditableHeader, "name"> | Pick<EditableHeader, "value">) =>
    onChange(rows.map((r) => (r.key === key ? { ...r, ...change } : r)));
  return (
    <>
      {rows.map((row, i) => (
        <div className={typeof rowClass === "string" ? rowClass : rowClass(row)} key={row.key} data-testid={`${testId}-row`}>
          <input
            className="mono"
            value={row.name}
            placeholder="Name"
            aria-label={`Header ${i + 1} name`}
            spellCheck={false}
            autoComplete="off"
            data-testid={`${testId}-name`}
            readOnly={locked?.(row)}
            onChange={(e) => update(row.key, { name: e.target.value })}
          />
          <input
            className="mono"
            value={row.value}
            placeholder="Value"
            aria-label={`Header ${i + 1} value`}
            spellCheck={false}
            autoComplete="off"
            data-testid={`${testId}-value`}
            readOnly={locked?.(row)}
            onChange={(e) => update(row.key, { value: e.target.value })}
          />
          <button
            type="button"
            className="secondary-button compact"
            aria-label={`Remove header ${i + 1} (${row.name || "unnamed"})`}
            title="Remove this header"
            data-testid={`${testId}-remove`}
            onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
          >
            ✕
          </button>
          {extra?.(row)}
        </div>
      ))}
    </>
  );
}
