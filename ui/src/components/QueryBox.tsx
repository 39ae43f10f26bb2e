import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from "react";
import type { QueryField } from "../ipc";
import { usePopover } from "../lib/usePopover";
import { applyCompletion, completionsAt, type Completion } from "../state/queryCompletion";

/** How long typing pauses before the query runs. */
export const SEARCH_DEBOUNCE_MS = 150;

type Props = {
  value: string;
  /** Every keystroke (the box is controlled). */
  onChange: (value: string) => void;
  /** Run this query: after a pause in typing, at once on Enter or when cleared. */
  onCommit: (query: string) => void;
  /** The core's message when the query does not parse. */
  error: string | null;
  fields: readonly QueryField[];
  inputRef: RefObject<HTMLInputElement | null>;
  debounceMs?: number;
  /** Shown at the end of the line under the box (the result count). */
  aside?: ReactNode;
};

/** The search language, for the "?" popover: from the core's own field list. */
function QueryHelp({ fields, onExample }: { fields: readonly QueryField[]; onExample: (example: string) => void }) {
  const { open, setOpen, wrap, onKeyDown } = usePopover<HTMLDivElement>();
  const id = useId();

  return (
    <div className="query-help" ref={wrap} onKeyDown={onKeyDown}>
      <button
        type="button"
        className="icon-button"
        aria-label="Search language help"
        title="Search language help"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => setOpen((o) => !o)}
        data-testid="query-help"
      >
        ?
      </button>
      {open && (
        <div className="query-help-popover" id={id} role="dialog" aria-label="Search language" data-testid="query-help-popover">
          <p>
            Words search the path, headers and body. <code>field:value</code> narrows, <code>-field:value</code>{" "}
            excludes, <code>"a phrase"</code> matches exactly. Terms combine: all must hold.
          </p>
          {fields.length === 0 ? (
            <p className="muted">The list of fields is not available yet.</p>
          ) : (
            <table className="query-help-fields">
              <tbody>
                {fields.map((f) => (
                  <tr key={f.name}>
                    <th scope="row">
                      <code>{f.name.endsWith(".") ? `${f.name}…:` : `${f.name}:`}</code>
                    </th>
                    <td>
                      {f.description}
                      {f.example && (
                        <>
                          {" "}
                          <button
                            type="button"
                            className="help-example"
                            title="Add to the search"
                            onClick={() => onExample(f.example)}
                          >
                            {f.example}
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </div>
  );
}

/**
 * The one search box: debounced as you type, Enter runs at once, Esc closes
 * the suggestions, then clears, then leaves. Suggests field names, then the
 * chosen field's known values.
 */
export function QueryBox({
  value,
  onChange,
  onCommit,
  error,
  fields,
  inputRef,
  debounceMs = SEARCH_DEBOUNCE_MS,
  aside,
}: Props) {
  const [caret, setCaret] = useState(value.length);
  const [open, setOpen] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const [active, setActive] = useState(-1);
  const timer = useRef<number | undefined>(undefined);
  const pendingCaret = useRef<number | null>(null);
  const onCommitRef = useRef(onCommit);
  onCommitRef.current = onCommit;
  const listId = useId();
  const errorId = useId();

  useEffect(() => () => window.clearTimeout(timer.current), []);

  // Set from outside (cleared with Esc elsewhere, a search from the detail
  // pane): what was typed before must not run after it.
  const emitted = useRef(value);
  useEffect(() => {
    if (value !== emitted.current) {
      window.clearTimeout(timer.current);
      timer.current = undefined;
      emitted.current = value;
    }
  }, [value]);

  const items: Completion[] = useMemo(
    () => (open ? completionsAt(value, Math.min(caret, value.length), fields, showAll) : []),
    [open, value, caret, fields, showAll],
  );
  const listed = items.length > 0;
  const activeIndex = active < items.length ? active : -1;

  useLayoutEffect(() => {
    const at = pendingCaret.current;
    const input = inputRef.current;
    if (at === null || !input) return;
    pendingCaret.current = null;
    input.setSelectionRange(at, at);
  }, [value, inputRef]);

  useEffect(() => {
    if (activeIndex < 0) return;
    document.getElementById(`${listId}-${activeIndex}`)?.scrollIntoView?.({ block: "nearest" });
  }, [activeIndex, listId]);

  const schedule = (next: string) => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => onCommitRef.current(next), debounceMs);
  };

  const commitNow = (next: string) => {
    window.clearTimeout(timer.current);
    timer.current = undefined;
    onCommitRef.current(next);
  };

  const change = (next: string, at: number) => {
    emitted.current = next;
    onChange(next);
    setCaret(at);
    setActive(-1);
    setShowAll(false);
    schedule(next);
  };

  const accept = (index: number) => {
    const c = items[index];
    if (!c) return;
    const applied = applyCompletion(value, c);
    pendingCaret.current = applied.caret;
    change(applied.text, applied.caret);
    setOpen(true);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp": {
        const down = e.key === "ArrowDown";
        if (!listed) {
          // Open the list: every field when nothing is typed at the caret.
          setOpen(true);
          setShowAll(true);
          setActive(down ? 0 : -1);
          e.preventDefault();
          return;
        }
        e.preventDefault();
        const n = items.length;
        setActive(activeIndex < 0 ? (down ? 0 : n - 1) : (activeIndex + (down ? 1 : n - 1)) % n);
        return;
      }
      case "Tab":
        if (listed && !e.shiftKey) {
          e.preventDefault();
          accept(activeIndex >= 0 ? activeIndex : 0);
        }
        return;
      case "Enter":
        e.preventDefault();
        if (listed && activeIndex >= 0) {
          accept(activeIndex);
          return;
        }
        setOpen(false);
        commitNow(value);
        return;
      case "Escape":
        e.preventDefault();
        e.stopPropagation();
        if (listed) {
          setOpen(false);
        } else if (value !== "") {
          emitted.current = "";
          onChange("");
          setCaret(0);
          commitNow("");
        } else {
          e.currentTarget.blur();
        }
        return;
    }
  };

  const onExample = (example: string) => {
    const next = value.trim() === "" ? example : `${value.trimEnd()} ${example}`;
    emitted.current = next;
    onChange(next);
    setCaret(next.length);
    commitNow(next);
    inputRef.current?.focus();
  };

  return (
    <div className="query-box">
      <div className={`query-field${error ? " invalid" : ""}`}>
        <svg className="query-icon" viewBox="0 0 16 16" aria-hidden="true">
          <circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M10.5 10.5L14 14" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
        <input
          ref={inputRef}
          type="text"
          className="query-input"
          role="combobox"
          aria-label="Search events"
          aria-expanded={listed}
          aria-controls={listed ? listId : undefined}
          aria-autocomplete="list"
          aria-activedescendant={activeIndex >= 0 ? `${listId}-${activeIndex}` : undefined}
          aria-invalid={error !== null}
          aria-describedby={error ? errorId : undefined}
          placeholder="Search: words, type:order.created, -status:valid, json.data.id:…"
          spellCheck={false}
          autoComplete="off"
          autoCapitalize="off"
          value={value}
          onChange={(e) => {
            change(e.target.value, e.target.selectionStart ?? e.target.value.length);
            setOpen(true);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? value.length)}
          onKeyDown={onKeyDown}
          onBlur={() => setOpen(false)}
          data-testid="search-input"
        />
        {value !== "" && (
          <button
            type="button"
            className="icon-button query-clear"
            aria-label="Clear search"
            title="Clear search (Esc)"
            onClick={() => {
              emitted.current = "";
              onChange("");
              setCaret(0);
              commitNow("");
              inputRef.current?.focus();
            }}
            data-testid="search-clear"
          >
            ×
          </button>
        )}
        <QueryHelp fields={fields} onExample={onExample} />
      </div>
      {listed && (
        <ul className="completions" role="listbox" id={listId} aria-label="Suggestions" data-testid="search-completions">
          {items.map((c, i) => (
            <li
              key={`${c.kind}:${c.label}`}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === activeIndex}
              className={`completion${i === activeIndex ? " active" : ""}`}
              onMouseDown={(e) => {
                e.preventDefault();
                accept(i);
              }}
              data-testid="completion-option"
            >
              <span className="completion-label mono">{c.label}</span>
              {c.detail && <span className="completion-detail">{c.detail}</span>}
            </li>
          ))}
        </ul>
      )}
      <div className="query-status">
        {error ? (
          <p className="search-error" role="alert" id={errorId} data-testid="search-error">
            {error}
          </p>
        ) : (
          <span />
        )}
        {aside}
      </div>
    </div>
  );
}
