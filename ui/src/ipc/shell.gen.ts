// Generated from the desktop shell's transport types (src-tauri/src/notify.rs) by
// `cargo test -p hooklens bindings`. Do not edit by hand.

export type NotifyRule = "all" | "invalid" | "query" | "none";

export type NotifySettings = { rule: NotifyRule, 
/**
 * For [`NotifyRule::Query`].
 */
query: string, 
/**
 * Do not disturb: nothing is shown until resumed.
 */
paused: boolean, };

export type NotifyStatus = { "state": "unknown" } | { "state": "available", 
/**
 * The notification server, e.g. "dunst" or "gnome-shell".
 */
server: string, } | { "state": "unavailable", reason: string, };

export type NotifyState = { settings: NotifySettings, status: NotifyStatus, };

export type ViewContext = { 
/**
 * The timeline is at the top, showing new events as they arrive.
 */
following: boolean, query: string, endpointId: number | null, };
