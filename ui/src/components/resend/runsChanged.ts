// Sends started in a dialog tell the deliveries list of their event to
// reload, without threading callbacks through the app.
import { useEffect, useRef } from "react";

type Listener = (eventId: number | null) => void;

const listeners = new Set<Listener>();

/** Runs from `eventId` (null: from no event) were added or changed. */
export function notifyRunsChanged(eventId: number | null): void {
  for (const listener of [...listeners]) listener(eventId);
}

/** Calls `onChange` whenever runs from `eventId` change. */
export function useRunsChanged(eventId: number | null, onChange: () => void): void {
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    const listener: Listener = (changed) => {
      if (changed === eventId) latest.current();
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [eventId]);
}
