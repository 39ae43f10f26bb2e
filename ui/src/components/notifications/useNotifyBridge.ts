import { useEffect, useRef } from "react";
import { setViewContext, subscribeOpens, type ViewContext } from "../../ipc";
import { isFollowing, type TimelineState } from "../../state/timeline";

/** The shell hears about the timeline's view at most this often. */
export const VIEW_CONTEXT_INTERVAL_MS = 300;

/** What the timeline shows, as the shell's notifier wants it: new events in view do not notify. */
export function viewContextOf(state: TimelineState): ViewContext {
  return { following: isFollowing(state), query: state.view.query, endpointId: state.view.endpointId };
}

const keyOf = (v: ViewContext) => `${v.following ? 1 : 0}\u0000${v.endpointId ?? "*"}\u0000${v.query}`;

/**
 * Connects the timeline to the shell's notifications: tells the shell what
 * the timeline shows (following at the top, the search, the endpoint) when
 * that changes, at most every VIEW_CONTEXT_INTERVAL_MS with the latest
 * view last; and calls `onOpen` with the event a clicked notification opens.
 * Neither is essential: failures (no shell) are ignored.
 */
export function useNotifyBridge(timeline: TimelineState, onOpen: (eventId: number) => void): void {
  const view = viewContextOf(timeline);
  const key = keyOf(view);
  const latest = useRef(view);
  latest.current = view;
  const sent = useRef<{ key: string | null; at: number }>({ key: null, at: Number.NEGATIVE_INFINITY });
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => {
    const send = () => {
      timer.current = undefined;
      const v = latest.current;
      const k = keyOf(v);
      if (k === sent.current.key) return;
      sent.current = { key: k, at: Date.now() };
      setViewContext(v).catch(() => {});
    };
    if (timer.current !== undefined) return; // the pending call sends the latest view
    const wait = sent.current.at + VIEW_CONTEXT_INTERVAL_MS - Date.now();
    if (wait <= 0) send();
    else timer.current = window.setTimeout(send, wait);
  }, [key]);

  useEffect(
    () => () => {
      window.clearTimeout(timer.current);
      timer.current = undefined;
    },
    [],
  );

  const onOpenRef = useRef(onOpen);
  onOpenRef.current = onOpen;
  useEffect(() => {
    let active = true;
    subscribeOpens((id) => {
      if (active) onOpenRef.current(id);
    }).catch(() => {});
    return () => {
      active = false;
    };
  }, []);
}
