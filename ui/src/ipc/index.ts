// The only place the UI talks to Tauri. Everything else imports from here,
// so components can be tested with this module mocked.
import { Channel, invoke } from "@tauri-apps/api/core";
import { writeText } from "@tauri-apps/plugin-clipboard-manager";
import type {
  AppInfo,
  Endpoint,
  EndpointCount,
  ErrorKind,
  ErrorPayload,
  EventBatch,
  EventPage,
  ListenerStatus,
} from "./bindings.gen";

export type * from "./bindings.gen";

/** A failed command, as the shell reports it: branch on `kind`. */
export class IpcError extends Error {
  readonly kind: ErrorKind;

  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.name = "IpcError";
    this.kind = payload.kind;
  }
}

function isErrorPayload(value: unknown): value is ErrorPayload {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err: unknown) {
    if (isErrorPayload(err)) throw new IpcError(err);
    throw new IpcError({ kind: "internal", message: String(err) });
  }
}

export function getAppInfo(): Promise<AppInfo> {
  return call<AppInfo>("app_info");
}

/**
 * Newest first; pass the last event's `cursor` as `before` for the next page
 * and an endpoint id to see only that endpoint's events.
 */
export function listEvents(limit: number, before?: string, endpointId?: number | null): Promise<EventPage> {
  return call<EventPage>("list_events", { limit, before: before ?? null, endpointId: endpointId ?? null });
}

export function listEndpoints(): Promise<Endpoint[]> {
  return call<Endpoint[]>("list_endpoints");
}

export function endpointCounts(): Promise<EndpointCount[]> {
  return call<EndpointCount[]>("endpoint_counts");
}

/** Moves the capture listener, e.g. to the free port offered when ours was taken. */
export function listenOn(address: string): Promise<ListenerStatus> {
  return call<ListenerStatus>("listen_on", { address });
}

/**
 * Live batches of newly stored events. Returns a function that stops
 * delivering them to `onBatch` (the channel closes with the page).
 */
export async function subscribeEvents(onBatch: (batch: EventBatch) => void): Promise<() => void> {
  let active = true;
  const channel = new Channel<EventBatch>();
  channel.onmessage = (batch) => {
    if (active) onBatch(batch);
  };
  await call<void>("subscribe_events", { onBatch: channel });
  return () => {
    active = false;
  };
}

export async function copyText(text: string): Promise<void> {
  try {
    await writeText(text);
  } catch (err: unknown) {
    throw new IpcError({ kind: "internal", message: `Could not copy: ${String(err)}` });
  }
}
