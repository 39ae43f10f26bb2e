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
url: string, error: string | null, 
/**
 * When the address is taken: a free one nearby the user can switch to.
 */
suggestion: string | null, };

export type EventSummary = { id: number, 
/**
 * Opaque position in the timeline: pass it back to fetch older events.
 */
cursor: string, 
/**
 * Milliseconds since the Unix epoch (the store keeps nanoseconds).
 */
receivedAtMs: number, 
/**
 * None when the endpoint has since been removed.
 */
endpointId: number | null, method: string, path: string, query: string | null, size: number, contentType: string | null, remoteAddr: string | null, 
/**
 * The preset id that recognised the request (e.g. `kustom`), if any.
 */
provider: string | null, eventType: string | null, providerEventId: string | null, merchantId: string | null, 
/**
 * 1 for the first arrival of a provider event id, 2 for its first redelivery, …
 */
delivery: number, pinned: boolean, };

export type HeaderPair = { name: string, value: string, };

export type ConfiguredResponse = { status: number, headers: Array<HeaderPair>, body: string, 
/**
 * Wait this long (at most 60 000) after storing, before answering.
 */
delayMs: number, };

export type Endpoint = { id: number, name: string, 
/**
 * `/` for the default endpoint, else e.g. `/kustom`.
 */
pathPrefix: string, 
/**
 * Provider preset id; None = detect the provider from each request.
 */
preset: string | null, response: ConfiguredResponse, 
/**
 * Takes every path no other endpoint claims; cannot be removed.
 */
isDefault: boolean, };

export type EndpointCount = { endpointId: number | null, count: number, };

export type EventPage = { events: Array<EventSummary>, 
/**
 * The page is full: older events may follow (pass the last cursor).
 */
hasMore: boolean, };

export type EventBatch = { 
/**
 * Oldest first.
 */
events: Array<EventSummary>, 
/**
 * Some events were skipped because the UI fell behind: reload the page.
 */
lagged: boolean, };

export type ErrorKind = "config" | "store" | "capture" | "not_found" | "invalid" | "internal";

export type ErrorPayload = { kind: ErrorKind, message: string, };
