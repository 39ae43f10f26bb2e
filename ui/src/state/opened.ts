import type { EventSummary } from "../ipc";

/** The event shown in the detail pane, with the last summary seen of it. */
export type Opened = { id: number; summary: EventSummary | null };

/**
 * `current` with event `id`'s newer summary (a pin, a re-verified verdict),
 * or `current` itself when another event was opened since: the refresh is
 * worked out from an earlier render, and a click on another row may have
 * been applied before it. Under live load that click lost to the refresh,
 * and the pane went back to the earlier event.
 */
export function withNewerSummary(current: Opened | null, id: number, summary: EventSummary): Opened | null {
  if (current === null || current.id !== id || current.summary === summary) return current;
  return { id, summary };
}
