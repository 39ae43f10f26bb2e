// Generated from the Rust transport types in hooklens-core/src/api.rs by
// `cargo test -p hooklens-core bindings`. Do not edit by hand.

export type AppInfo = { version: string, dataDir: string, databasePath: string, listener: ListenerStatus, };

export type ListenerState = "starting" | "listening" | "failed";

export type ListenerStatus = { state: ListenerState, 
/**
 * The configured socket address, e.g. `127.0.0.1:9494`.
 */
address: string, 
/**
 * The URL to give a provider, e.g. `http://127.0.0.1:9494`.
 */
url: string, error: string | null, };

export type EventSummary = { id: number, 
/**
 * Opaque position in the timeline: pass it back to fetch older events.
 */
cursor: string, 
/**
 * Milliseconds since the Unix epoch (the store keeps nanoseconds).
 */
receivedAtMs: number, method: string, path: string, query: string | null, size: number, contentType: string | null, remoteAddr: string | null, };

export type EventPage = { events: Array<EventSummary>, total: number, };

export type EventBatch = { 
/**
 * Oldest first.
 */
events: Array<EventSummary>, 
/**
 * Some events were skipped because the UI fell behind: reload the page.
 */
lagged: boolean, };

export type ErrorKind = "config" | "store" | "capture" | "not_found" | "internal";

export type ErrorPayload = { kind: ErrorKind, message: string, };
