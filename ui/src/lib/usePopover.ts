import { useEffect, useRef, useState, type KeyboardEvent } from "react";

/**
 * A popover anchored in a wrapper element: closes on a mouse press outside
 * the wrapper and on Escape inside it (then `onEscape`, e.g. to give focus
 * back to the button that opened it).
 */
export function usePopover<T extends HTMLElement>(onEscape?: () => void) {
  const [open, setOpen] = useState(false);
  const wrap = useRef<T>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (wrap.current && e.target instanceof Node && !wrap.current.contains(e.target)) setOpen(false);
    };
    document.addEventListener("mousedown", onDown);
    return () => document.removeEventListener("mousedown", onDown);
  }, [open]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape" && open) {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
      onEscape?.();
    }
  };

  return { open, setOpen, wrap, onKeyDown };
}
