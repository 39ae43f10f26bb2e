import { useEffect, useId, useRef, type ReactNode } from "react";
import "./modal.css";

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** A modal dialog: focus moves in and stays in, Esc closes, focus returns on close. */
export function Modal({
  title,
  onClose,
  onEscape,
  children,
  className,
  testId,
  closeTestId,
}: {
  title: string;
  /** Extra class on the dialog box (sizes it). */
  className: string;
  testId: string;
  closeTestId: string;
  onClose: () => void;
  /** Return true when Esc was handled inside (e.g. a confirmation dismissed). */
  onEscape?: () => boolean;
  children: ReactNode;
}) {
  const titleId = useId();
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const before = document.activeElement;
    const first = box.current?.querySelector<HTMLElement>("[data-autofocus]") ?? box.current?.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? box.current)?.focus();
    return () => {
      if (before instanceof HTMLElement && before.isConnected) before.focus();
    };
  }, []);

  // Keys are handled on the document: focus can fall out of the dialog when
  // the focused control goes away (e.g. a confirmation replacing a button).
  const latest = useRef({ onClose, onEscape });
  latest.current = { onClose, onEscape };
  useEffect(() => {
    const onKeyDown = (e: globalThis.KeyboardEvent) => {
      const dialog = box.current;
      if (!dialog) return;
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        if (!latest.current.onEscape?.()) latest.current.onClose();
        return;
      }
      if (e.key !== "Tab") return;
      const items = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)];
      const first = items[0];
      const last = items[items.length - 1];
      if (!first || !last) {
        e.preventDefault();
        return;
      }
      const active = document.activeElement;
      const inside = active instanceof Node && dialog.contains(active);
      if (e.shiftKey && (active === first || !inside)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (active === last || !inside)) {
        e.preventDefault();
        first.focus();
      }
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);

  return (
    <div className="modal-backdrop">
      <div
        className={`modal ${className}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        tabIndex={-1}
        ref={box}
      >
        <div className="modal-head">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="secondary-button compact" aria-label="Close" data-testid={closeTestId} onClick={onClose}>
            ✕
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}
