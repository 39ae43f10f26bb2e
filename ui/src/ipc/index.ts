// The only place the UI talks to Tauri. Everything else imports from here,
// so components can be tested with this module mocked.
import { Channel, invoke } from "@tauri-apps/api/core";
import { writeText } from "@tauri-apps/plugin-clipboard-manager";
import type {
  AnswerRecord,
  AppInfo,
  ConditionProblem,
  DeliveryRun,
  Endpoint,
  EndpointCount,
  ErrorKind,
  ErrorPayload,
  Format,
  EventBatch,
  EndpointSpec,
  EventPage,
  EventView,
  HeaderView,
  ExportOutcome,
  ExportProgress,
  ImportOutcome,
  ListenerStats,
  ListenerStatus,
  MatchCount,
  PresetInfo,
  QueryField,
  RedactionPreview,
  ResendSpec,
  ReverifyOutcome,
  ResponseRule,
  ReverifyProgress,
  SampleInfo,
  ScheduleInfo,
  SendProgress,
  Signing,
  SigningInfo,
  TestEventSpec,
  TunnelSpec,
  TunnelStatus,
} from "./bindings.gen";
import type {
  AboutInfo,
  AddSecretArgs,
  PreviewRulesArgs,
  Command,
  CountEventsArgs,
  DropImport,
  ExportEventsArgs,
  FilesOutcome,
  FilesProgress,
  Folder,
  ImportFileArgs,
  ImportPreview,
  ImportTextArgs,
  NotifySettings,
  NotifyState,
  PreviewImportArgs,
  ResendShuffledArgs,
  RevealHeaderArgs,
  SearchEventsArgs,
  SecretRef,
  SetNgrokAuthtokenArgs,
  SetPinnedArgs,
  SetTunnelRateArgs,
  SigningInfoArgs,
  TunnelView,
  UpdateEndpointArgs,
  ViewContext,
} from "./shell.gen";

export type * from "./bindings.gen";
export {
  DEFAULT_TOLERANCE_S,
  IMPORT_FORMAT_NAMES,
  MAX_FORWARD_TARGETS,
  MAX_SPEED,
  MAX_TIMES,
  MIN_SPEED,
  SCHEME_DEFAULTS,
  SCHEME_NAMES,
  TRANSPORT_HEADERS,
} from "./bindings.gen";

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

/**
 * Invokes one of the shell's commands. `Command` is generated from the
 * shell's list of them; a command taking several values takes them as one
 * `args` object of a generated `…Args` type.
 */
async function call<T>(command: Command, args?: Record<string, unknown>): Promise<T> {
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

/** The About dialog's facts: version, folders, database size, events, listener. */
export function aboutInfo(): Promise<AboutInfo> {
  return call<AboutInfo>("about_info");
}

/** Has the shell open the data or the log folder in the file manager (the shell knows the paths). */
export function openFolder(folder: Folder): Promise<void> {
  return call<void>("open_folder", { folder });
}

/** Where a timeline page starts. Cursors are the opaque `cursor` of an event. */
export type PageRequest = {
  limit: number;
  /** Events strictly older than this cursor. */
  before?: string | null;
  /** Events strictly newer than this cursor (still returned newest first). */
  after?: string | null;
  /** Only this endpoint's events. */
  endpointId?: number | null;
};

/**
 * A page of events matching `query` (the search language; "" matches
 * everything), newest first. A query that does not parse fails with kind
 * "query" and a message saying where and why.
 */
export function searchEvents(query: string, page: PageRequest): Promise<EventPage> {
  const args: SearchEventsArgs = {
    query,
    limit: page.limit,
    before: page.before ?? null,
    after: page.after ?? null,
    endpointId: page.endpointId ?? null,
  };
  return call<EventPage>("search_events", { args });
}

/** How many events match `query` (capped: see MatchCount). */
export function countEvents(query: string, endpointId?: number | null): Promise<MatchCount> {
  const args: CountEventsArgs = { query, endpointId: endpointId ?? null };
  return call<MatchCount>("count_events", { args });
}

/** The fields of the search language with the values seen so far, for autocomplete. */
export function queryFields(): Promise<QueryField[]> {
  return call<QueryField[]>("query_fields");
}

/** Everything stored about one event: headers, body, other deliveries. */
export function getEvent(id: number): Promise<EventView> {
  return call<EventView>("get_event", { id });
}

/**
 * A shell command that sends the event again exactly as received. Secret-bearing
 * headers are not in it: it reads them from environment variables it names.
 */
export function curlCommand(id: number): Promise<string> {
  return call<string>("curl_command", { id });
}

/**
 * The value of a masked header (`index` in arrival order), for an explicit
 * "reveal" by the user only: getEvent sends masked headers' values masked.
 */
export function revealHeader(eventId: number, index: number): Promise<HeaderView> {
  const args: RevealHeaderArgs = { eventId, index };
  return call<HeaderView>("reveal_header", { args });
}

/** Asks where to save the body (native dialog) and writes its exact bytes; null when cancelled. */
export function saveBody(id: number): Promise<string | null> {
  return call<string | null>("save_body", { id });
}

/** Pinned events are never removed by retention. */
export function setPinned(ids: number[], pinned: boolean): Promise<void> {
  const args: SetPinnedArgs = { ids, pinned };
  return call<void>("set_pinned", { args });
}

/**
 * What importing `text` would create, read as `format` (null: detected);
 * nothing is stored. The text is never interpreted here: the shell reads it.
 */
export function previewImport(text: string, format: Format | null): Promise<ImportPreview> {
  const args: PreviewImportArgs = { text, format };
  return call<ImportPreview>("preview_import", { args });
}

/** Stores the requests of a pasted text as imported events. */
export function importText(args: ImportTextArgs): Promise<ImportOutcome> {
  return call<ImportOutcome>("import_text", { args });
}

/**
 * Asks (in the native dialog, run by the shell) which files to import and
 * imports them one after another. Progress names the file (n of m) and
 * arrives on `onProgress`, each file's start included; null when the dialog
 * was closed. One import runs at a time: another fails with kind "invalid".
 */
export async function importFile(
  args: ImportFileArgs,
  onProgress: (progress: FilesProgress) => void,
): Promise<FilesOutcome | null> {
  const channel = new Channel<FilesProgress>();
  channel.onmessage = onProgress;
  return call<FilesOutcome | null>("import_file", { args, onProgress: channel });
}

/** Stops the running file import and the files after it; what was imported stays. */
export function cancelImport(): Promise<void> {
  return call<void>("cancel_import");
}

/**
 * Files dropped on the window are imported by the shell (all of them, one
 * after another), which names no path to the page: it reports each drop's
 * import here.
 */
export async function subscribeImports(onEvent: (event: DropImport) => void): Promise<void> {
  const channel = new Channel<DropImport>();
  channel.onmessage = onEvent;
  await call<void>("subscribe_imports", { onEvent: channel });
}

/** What an export with these arguments would remove; nothing is written. */
export function previewExport(args: ExportEventsArgs): Promise<RedactionPreview> {
  return call<RedactionPreview>("preview_export", { args });
}

/**
 * Asks (in the native save dialog, run by the shell) where to write, then
 * exports there with progress on `onProgress`. Null when the dialog was closed.
 */
export async function exportEvents(
  args: ExportEventsArgs,
  onProgress: (progress: ExportProgress) => void,
): Promise<ExportOutcome | null> {
  const channel = new Channel<ExportProgress>();
  channel.onmessage = onProgress;
  return call<ExportOutcome | null>("export_events", { args, onProgress: channel });
}

/** Stops the running export; the file written so far stays whole. */
export function cancelExport(): Promise<void> {
  return call<void>("cancel_export");
}

export function listPresets(): Promise<PresetInfo[]> {
  return call<PresetInfo[]>("list_presets");
}

export function addEndpoint(spec: EndpointSpec): Promise<Endpoint> {
  return call<Endpoint>("add_endpoint", { spec });
}

export function updateEndpoint(id: number, spec: EndpointSpec): Promise<Endpoint> {
  const args: UpdateEndpointArgs = { id, spec };
  return call<Endpoint>("update_endpoint", { args });
}

/**
 * Why `text` cannot be a forward target's condition (the search language),
 * with the culprit's place in code points, or null when it can.
 */
export function checkCondition(text: string): Promise<ConditionProblem | null> {
  return call<ConditionProblem | null>("check_condition", { text });
}

/** Every sequence and chance of the endpoint's response rules counts from zero again. */
export function resetRuleCounts(id: number): Promise<void> {
  return call<void>("reset_rule_counts", { id });
}

/**
 * What `rules` (as edited, saved or not) would answer stored event `eventId`
 * as a first arrival; null when no rule takes it, or when `eventId` is null
 * (then the rules are only checked). Rules that cannot be saved fail with
 * kind "invalid" and the message saving would give.
 */
export function previewRules(eventId: number | null, rules: ResponseRule[]): Promise<AnswerRecord | null> {
  const args: PreviewRulesArgs = { eventId, rules };
  return call<AnswerRecord | null>("preview_rules", { args });
}

/** Its events stay, marked as of a removed endpoint. */
export function removeEndpoint(id: number): Promise<void> {
  return call<void>("remove_endpoint", { id });
}

/** Adds a labelled secret (or replaces the value under an existing label); returns the endpoint as now stored. */
export function addSecret(endpointId: number, label: string, value: string): Promise<Endpoint> {
  const args: AddSecretArgs = { endpointId, label, value };
  return call<Endpoint>("add_secret", { args });
}

export function removeSecret(endpointId: number, label: string): Promise<Endpoint> {
  const args: SecretRef = { endpointId, label };
  return call<Endpoint>("remove_secret", { args });
}

/** The secret's value, for an explicit "reveal" by the user only. */
export function revealSecret(endpointId: number, label: string): Promise<string> {
  const args: SecretRef = { endpointId, label };
  return call<string>("reveal_secret", { args });
}

/**
 * Re-verifies the stored events of one endpoint (null: all) with the current
 * schemes and secrets. Progress arrives on `onProgress`; resolves when done or
 * cancelled. One runs at a time: a second call fails with kind "invalid".
 */
export async function reverify(
  endpointId: number | null,
  onProgress: (progress: ReverifyProgress) => void,
): Promise<ReverifyOutcome> {
  const channel = new Channel<ReverifyProgress>();
  channel.onmessage = onProgress;
  return call<ReverifyOutcome>("reverify", { endpointId, onProgress: channel });
}

/** Stops the running re-verification after its current batch. */
export function cancelReverify(): Promise<void> {
  return call<void>("cancel_reverify");
}

let nextSendToken = 1;

/**
 * A send in progress: `done` settles with the result; `cancel()` stops it (a
 * schedule stops while waiting; an attempt in flight finishes and is
 * recorded).
 */
export interface RunningSend<T> {
  done: Promise<T>;
  cancel: () => Promise<void>;
}

/** The commands that send, each given a token (to cancel by) and a progress channel. */
type SendCommand = Extract<Command, "resend" | "resend_shuffled" | "send_test_event">;

function startSend<T>(
  command: SendCommand,
  args: Record<string, unknown>,
  onProgress: (progress: SendProgress) => void,
): RunningSend<T> {
  const token = nextSendToken++;
  const channel = new Channel<SendProgress>();
  channel.onmessage = onProgress;
  return {
    done: call<T>(command, { ...args, token, onProgress: channel }),
    cancel: () => call<void>("cancel_send", { token }),
  };
}

/** Sends the resend editor's request as `spec.pattern` says. */
export function resend(
  spec: ResendSpec,
  onProgress: (progress: SendProgress) => void,
): RunningSend<DeliveryRun> {
  return startSend<DeliveryRun>("resend", { spec }, onProgress);
}

/** Sends each event once, as captured, in a shuffled order. */
export function resendShuffled(
  eventIds: number[],
  url: string,
  signing: Signing,
  onProgress: (progress: SendProgress) => void,
): RunningSend<DeliveryRun[]> {
  const args: ResendShuffledArgs = { eventIds, url, signing };
  return startSend<DeliveryRun[]>("resend_shuffled", { args }, onProgress);
}

/** Sends a fresh, signed sample event (by default to Hooklens's own listener). */
export function sendTestEvent(
  spec: TestEventSpec,
  onProgress: (progress: SendProgress) => void,
): RunningSend<DeliveryRun> {
  return startSend<DeliveryRun>("send_test_event", { spec }, onProgress);
}

/** Sends from one event (newest first), or with null the newest sends of any kind. */
export function listRuns(eventId: number | null): Promise<DeliveryRun[]> {
  return call<DeliveryRun[]>("list_runs", { eventId });
}

/**
 * How a resend of `eventId` (null: a new request) would be signed by
 * `endpointId` (null: the event's endpoint): the core's answer, so the editor
 * never guesses differently from what the core will do.
 */
export function signingInfo(eventId: number | null, endpointId: number | null): Promise<SigningInfo> {
  const args: SigningInfoArgs = { eventId, endpointId };
  return call<SigningInfo>("signing_info", { args });
}

/** URLs requests were recently sent to, most recent first. */
export function recentTargets(): Promise<string[]> {
  return call<string[]>("recent_targets");
}

export function listSamples(): Promise<SampleInfo[]> {
  return call<SampleInfo[]>("list_samples");
}

export function listSchedules(): Promise<ScheduleInfo[]> {
  return call<ScheduleInfo[]>("list_schedules");
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

/** What the listener's connection limits have done since it started; null while nothing listens. */
export function listenerStats(): Promise<ListenerStats | null> {
  return call<ListenerStats | null>("listener_stats");
}

/** The public URL's tunnel: what was picked, its state, and each endpoint's public URL while it is up. */
export function tunnelView(): Promise<TunnelView> {
  return call<TunnelView>("tunnel_view");
}

/** Starts the tunnel (stopping one that runs); it is remembered as on and starts again with the app. */
export function startTunnel(spec: TunnelSpec): Promise<TunnelView> {
  return call<TunnelView>("start_tunnel", { spec });
}

/** Stops the tunnel; it is remembered as off. */
export function stopTunnel(): Promise<TunnelView> {
  return call<TunnelView>("stop_tunnel");
}

/** Accepts the SSH host key the tunnel showed (only if `fingerprint` is the one shown). */
export function acceptTunnelHostKey(fingerprint: string): Promise<void> {
  return call<void>("accept_tunnel_host_key", { fingerprint });
}

/** Stores the ngrok authtoken the user gave (null removes it); resolves to it masked. */
export function setNgrokAuthtoken(value: string | null): Promise<string | null> {
  const args: SetNgrokAuthtokenArgs = { value };
  return call<string | null>("set_ngrok_authtoken", { args });
}

/** Sets how many requests a minute (and at once) one sender may send through the tunnel. */
export function setTunnelRate(args: SetTunnelRateArgs): Promise<TunnelView> {
  return call<TunnelView>("set_tunnel_rate", { args });
}

/** Every state of the tunnel, as it changes (one subscriber: this window). */
export async function subscribeTunnel(onStatus: (status: TunnelStatus) => void): Promise<void> {
  const channel = new Channel<TunnelStatus>();
  channel.onmessage = onStatus;
  await call<void>("subscribe_tunnel", { onStatus: channel });
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

export type * from "./shell.gen";

/** Notification rules, and whether this desktop can show notifications. */
export function notifyState(): Promise<NotifyState> {
  return call<NotifyState>("notify_state");
}

/** Stores new rules; a query rule whose query does not parse fails with kind "query". */
export function setNotifySettings(settings: NotifySettings): Promise<NotifyState> {
  return call<NotifyState>("set_notify_settings", { settings });
}

/** Tells the shell what the timeline shows, so events already in view do not notify. */
export function setViewContext(view: ViewContext): Promise<void> {
  return call<void>("set_view_context", { view });
}

/** Calls `onOpen` with the event a clicked notification should open. */
export async function subscribeOpens(onOpen: (eventId: number) => void): Promise<void> {
  const channel = new Channel<number>();
  channel.onmessage = onOpen;
  await call<void>("subscribe_opens", { onOpen: channel });
}
