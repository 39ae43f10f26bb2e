// Generated from the desktop shell's transport types (src-tauri/src/notify.rs,
// src-tauri/src/commands/) and its list of commands (src-tauri/src/commands/list.rs)
// by `cargo test -p hooklens bindings`. Do not edit by hand.

import type { EndpointSpec, ExportFormat, Format, ImportOutcome, ImportProgress, ListenerStatus, Redaction, ResponseRule, SavedTunnel, Signing, TunnelStatus } from "./bindings.gen";

export type AboutInfo = { version: string, dataDir: string, databasePath: string, 
/**
 * The database file and its write-ahead log, in bytes.
 */
databaseBytes: number, 
/**
 * Events stored.
 */
eventCount: number, 
/**
 * Where the log files are (hooklens.log and its rotated ones).
 */
logDir: string, listener: ListenerStatus, 
/**
 * False when another Hooklens captures into this data directory and
 * this window only reads it.
 */
capturing: boolean, };

export type Folder = "data" | "logs";

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

export type SearchEventsArgs = { 
/**
 * The search language; "" matches everything.
 */
query: string, limit: number, 
/**
 * Only events older than this cursor (an event's `cursor`).
 */
before: string | null, 
/**
 * Only events newer than this cursor (still returned newest first).
 */
after: string | null, 
/**
 * Only this endpoint's events.
 */
endpointId: number | null, };

export type CountEventsArgs = { query: string, endpointId: number | null, };

export type RevealHeaderArgs = { eventId: number, 
/**
 * The header's place in arrival order.
 */
index: number, };

export type SetPinnedArgs = { ids: Array<number>, pinned: boolean, };

export type PreviewImportArgs = { text: string, 
/**
 * None: detected from the text.
 */
format: Format | null, };

export type PreviewEntry = { 
/**
 * Its position in the source (1-based).
 */
entry: number, method: string, 
/**
 * The request target as given: a path, or a whole URL.
 */
target: string, bodyBytes: number, 
/**
 * What the reader noticed (e.g. a Content-Length the body disagrees with).
 */
warnings: Array<string>, };

export type ImportPreview = { 
/**
 * The format read: the one asked for, or the one detected; None when
 * the text is empty or its format cannot be told.
 */
format: Format | null, 
/**
 * The first requests, in order.
 */
entries: Array<PreviewEntry>, 
/**
 * Why entries cannot be read, with their positions ("entry 2 (line 9):
 * …"), or why nothing can; the first few.
 */
problems: Array<string>, 
/**
 * Requests that would be created (entries read without an error).
 */
total: number, 
/**
 * Entries that cannot be read.
 */
failed: number, 
/**
 * Reading stopped before the end: there are more than `total`.
 */
more: boolean, };

export type ImportTextArgs = { text: string, 
/**
 * None: detected from the text.
 */
format: Format | null, 
/**
 * Import into this endpoint; None routes each request by its path.
 */
endpointId: number | null, note: string | null, };

export type ImportFileArgs = { 
/**
 * Import into this endpoint; None routes each request by its path.
 */
endpointId: number | null, note: string | null, };

export type FilesProgress = { 
/**
 * The file's name, never its path.
 */
file: string, 
/**
 * Its place among the files, from 1.
 */
index: number, 
/**
 * How many files the import has.
 */
files: number, 
/**
 * How far into this file; all zero when it has just started.
 */
progress: ImportProgress, };

export type FileOutcome = { "status": "imported", file: string, outcome: ImportOutcome, } | { "status": "failed", file: string, message: string, };

export type FilesOutcome = { 
/**
 * The files that were started, in order.
 */
files: Array<FileOutcome>, 
/**
 * The files a cancel left out (names), in order.
 */
notStarted: Array<string>, 
/**
 * Stopped by the user; what was imported before stays.
 */
cancelled: boolean, imported: number, duplicates: number, skipped: number, warned: number, 
/**
 * The first event imported, from the first file that imported one.
 */
firstId: number | null, 
/**
 * Endpoints the files' bundles brought, each named once.
 */
endpointsAdded: Array<string>, 
/**
 * Secrets to add for the bundles' verdicts to hold, each named once.
 */
secretsToAdd: Array<string>, };

export type DropImport = { "kind": "hover", over: boolean, } | { "kind": "progress", progress: FilesProgress, } | { "kind": "finished", outcome: FilesOutcome, } | { "kind": "failed", files: Array<string>, message: string, };

export type ExportEventsArgs = { format: ExportFormat, redaction: Redaction, 
/**
 * These events (the selection); when empty, those matching `query`.
 */
ids: Array<number>, 
/**
 * The search language; "" matches everything.
 */
query: string, 
/**
 * Only this endpoint's events (with `query`).
 */
endpointId: number | null, };

export type UpdateEndpointArgs = { id: number, spec: EndpointSpec, };

export type PreviewRulesArgs = { 
/**
 * None: only check the rules, as saving would.
 */
eventId: number | null, 
/**
 * The rules as edited, saved or not.
 */
rules: Array<ResponseRule>, };

export type AddSecretArgs = { endpointId: number, label: string, value: string, };

export type SecretRef = { endpointId: number, label: string, };

export type ResendShuffledArgs = { eventIds: Array<number>, url: string, signing: Signing, };

export type SigningInfoArgs = { 
/**
 * Null: a new request.
 */
eventId: number | null, 
/**
 * Null: the event's endpoint.
 */
endpointId: number | null, };

export type EndpointUrl = { name: string, pathPrefix: string, url: string, };

export type TunnelView = { 
/**
 * The remembered choice, to fill the dialog in.
 */
saved: SavedTunnel | null, status: TunnelStatus, 
/**
 * The ngrok authtoken given to Hooklens, masked.
 */
ngrokAuthtoken: string | null, 
/**
 * Each endpoint's public URL while the tunnel is up.
 */
endpoints: Array<EndpointUrl>, 
/**
 * Requests a minute one sender may send through the tunnel (more get
 * 429), and how many at once.
 */
ratePerMinute: number, rateBurst: number, };

export type SetNgrokAuthtokenArgs = { 
/**
 * None removes the stored one.
 */
value: string | null, };

export type SetTunnelRateArgs = { perMinute: number, burst: number, };

/**
 * Every command the shell serves, by the name the webview invokes it by.
 */
export type Command = "app_info" | "about_info" | "open_folder" | "search_events" | "count_events" | "query_fields" | "get_event" | "curl_command" | "reveal_header" | "save_body" | "set_pinned" | "subscribe_events" | "preview_import" | "import_text" | "import_file" | "cancel_import" | "subscribe_imports" | "preview_export" | "export_events" | "cancel_export" | "list_endpoints" | "endpoint_counts" | "list_presets" | "add_endpoint" | "update_endpoint" | "check_condition" | "remove_endpoint" | "reset_rule_counts" | "preview_rules" | "add_secret" | "remove_secret" | "reveal_secret" | "reverify" | "cancel_reverify" | "listen_on" | "listener_stats" | "tunnel_view" | "start_tunnel" | "stop_tunnel" | "accept_tunnel_host_key" | "set_ngrok_authtoken" | "set_tunnel_rate" | "subscribe_tunnel" | "resend" | "resend_shuffled" | "send_test_event" | "cancel_send" | "list_runs" | "recent_targets" | "list_samples" | "list_schedules" | "signing_info" | "notify_state" | "set_notify_settings" | "set_view_context" | "subscribe_opens";
