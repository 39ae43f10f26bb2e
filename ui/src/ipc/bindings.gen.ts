// Generated from the Rust transport types in hooklens-core/src/model/ (listed in api/bindings.rs) by
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

export type ListenerStats = { openConnections: number, maxConnections: number, 
/**
 * Answered 503 because every connection was busy with a request.
 */
refused: number, 
/**
 * Idle or half-sent connections closed to make room for new ones.
 */
evicted: number, 
/**
 * Closed for a head or body not sent in time (a body gets 408).
 */
timedOut: number, 
/**
 * Keep-alive connections closed after idling: routine, not a problem.
 */
idleClosed: number, 
/**
 * Tunnel requests answered 429 because their source sent more than the
 * tunnel rate limit allows (the `tunnel_rate_*` settings); not stored.
 */
rateLimitedTunnel: number, };

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
delivery: number, pinned: boolean, 
/**
 * The signature verdict; None only for events stored before Hooklens
 * verified signatures, until they are re-verified.
 */
verdict: Verdict | null, 
/**
 * It came from an import, not the listener (see [`ImportSource`]).
 */
imported: boolean, 
/**
 * It came through a tunnel to the listener's tunnel ingress, not to its
 * local port (see [`TunnelArrival`]).
 */
tunneled: boolean, };

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
isDefault: boolean, 
/**
 * The scheme chosen for this endpoint; None: the preset's scheme, or the
 * one each request's headers suggest.
 */
scheme: Scheme | null, 
/**
 * Labels and masked values only: secret values never leave the core
 * unless explicitly revealed.
 */
secrets: Array<SecretInfo>, 
/**
 * Where each captured request is passed on, in order; empty: nowhere.
 */
forwards: Array<ForwardTarget>, 
/**
 * Answers chosen per request, before the configured response.
 */
rules: Array<ResponseRule>, 
/**
 * Bumped by each reset of the rules' counts: sequences and chances
 * count from zero again.
 */
rulesEpoch: number, };

export type SecretInfo = { label: string, 
/**
 * e.g. `whsec_…x9Qz`; never more than the prefix and the last 4 chars.
 */
masked: string, createdAtMs: number, };

export type Scheme = { "kind": "standard-webhooks", toleranceS: number, } | { "kind": "stripe", toleranceS: number, } | { "kind": "github" } | { "kind": "shopify" } | { "kind": "slack", toleranceS: number, } | { "kind": "twilio" } | { "kind": "shared-secret", header: string, } | { "kind": "basic-auth" } | { "kind": "hmac" } & HmacSpec | { "kind": "combined", schemes: Array<Scheme>, };

export type HmacSpec = { 
/**
 * Header holding the signature(s).
 */
header: string, algorithm: Algorithm, 
/**
 * The signed bytes: these parts, concatenated.
 */
template: Array<Part>, 
/**
 * Output encoding. Verification accepts hex in either case and base64
 * with or without padding.
 */
encoding: Encoding, 
/**
 * Stripped from each signature before decoding, e.g. `sha256=`, `v1,`.
 */
prefix: string, secretEncoding: SecretEncoding, 
/**
 * Header holding the signed timestamp (Unix seconds). When it names the
 * signature header itself, the timestamp is its `t=` field (Stripe-like
 * `t=..,v1=..` headers).
 */
timestampHeader: string | null, idHeader: string | null, 
/**
 * ± seconds when `timestamp_header` is set; None: no age check.
 */
toleranceS: number | null, 
/**
 * Several signatures in one header, e.g. `" "` or `","`.
 */
separator: string | null, };

export type Algorithm = "sha1" | "sha256" | "sha512";

export type Part = { "part": "body" } | { "part": "timestamp" } | { "part": "id" } | { "part": "url" } | { "part": "method" } | { "part": "literal", text: string, };

export type Encoding = "hex_lower" | "hex_upper" | "base64" | "base64_url";

export type SecretEncoding = "utf8" | "base64" | "hex" | "whsec";

export type Verdict = { status: VerdictStatus, 
/**
 * [`Scheme::id`] of the scheme that decided.
 */
scheme: string | null, 
/**
 * Label of the secret that matched (valid; stale when the signature itself matched).
 */
secret: string | null, 
/**
 * now - signed timestamp, for timestamped schemes (always set for stale).
 */
ageS: number | null, 
/**
 * For invalid verdicts, when one variant explains the mismatch.
 */
diagnosis: Diagnosis | null, 
/**
 * Plain words: why malformed / stale / invalid without a diagnosis.
 */
reason: string | null, 
/**
 * Always false from the engine; the caller sets it for presets whose
 * construction is assumed.
 */
assumed: boolean, };

export type VerdictStatus = "valid" | "invalid" | "unsigned" | "no_secret" | "stale" | "malformed";

export type Diagnosis = { code: DiagnosisCode, 
/**
 * For a support engineer; never holds a secret value.
 */
message: string, 
/**
 * Label of the secret the variant matched with.
 */
secret: string | null, };

export type DiagnosisCode = "body_trailing_newline" | "body_missing_trailing_newline" | "body_crlf" | "body_lf" | "body_reserialized_compact" | "body_reserialized_pretty" | "secret_decoding" | "output_encoding" | "prefix_missing" | "other_secret" | "other_scheme" | "url_port" | "url_scheme";

export type Discovery = { 
/**
 * A named scheme when one matched, else [`Scheme::Hmac`].
 */
scheme: Scheme, 
/**
 * e.g. `HMAC-SHA256 of the body, hex, in X-Signature with prefix "sha256="`.
 */
description: string, };

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
lagged: boolean, 
/**
 * Stored events changed in place (verdicts re-verified after a secret
 * or scheme change, pins), here or in another process: reload the page.
 */
changed: boolean, };

export type EventView = { summary: EventSummary, 
/**
 * The URL the sender addressed (forwarded headers honoured).
 */
url: string, 
/**
 * The request-target as written in the request line (`/a?b`,
 * `http://host/a`, `host:443`, `*`).
 */
target: string, 
/**
 * `HTTP/1.1` or `HTTP/1.0`; None for events stored before it was kept.
 */
httpVersion: string | null, 
/**
 * As they arrived: name case, order across names, duplicates.
 */
headers: Array<HeaderView>, 
/**
 * Trailer fields sent after a chunked body, in arrival order.
 */
trailers: Array<HeaderView>, 
/**
 * The body when it is valid UTF-8 (exactly as received, no reformatting).
 */
bodyText: string | null, 
/**
 * Otherwise the body's bytes in standard base64.
 */
bodyBase64: string | null, 
/**
 * What the preset extracted besides the summary fields (e.g. session id).
 */
refs: Array<HeaderPair>, 
/**
 * Every delivery of the same provider event id, oldest first (this one
 * included); empty when the event has no provider event id.
 */
deliveries: Array<EventSummary>, 
/**
 * Where it came from when it was imported; None for captured events.
 */
source: ImportSource | null, 
/**
 * How it came through a tunnel; None for requests sent to the local
 * port and for imports.
 */
via: TunnelArrival | null, 
/**
 * What it was answered, when its endpoint had response rules.
 */
answer: AnswerRecord | null, };

export type ImportSource = { 
/**
 * `raw`, `curl`, `har`, `hooklens` or `json`.
 */
format: string, 
/**
 * The file's name (not its path), when it came from a file.
 */
file: string | null, 
/**
 * What the person importing wrote about it.
 */
note: string | null, 
/**
 * 1-based entry of the source it was read from.
 */
entry: number, 
/**
 * Which time the verdict's timestamp check used, in words: "HAR
 * startedDateTime", "Date header", "recorded in the bundle", or "time of
 * import" when the source had none.
 */
arrival: string, 
/**
 * What the importer noticed, e.g. a body shorter than its Content-Length.
 */
warnings: Array<string>, 
/**
 * The verdict a Hooklens bundle recorded when it was exported. The
 * event's own verdict is judged here, with this store's secrets.
 */
recordedVerdict: Verdict | null, 
/**
 * What that export redacted in the request, in words; non-empty means
 * the request is no longer the one the recorded verdict judged.
 */
redactions: Array<string>, };

export type TunnelArrival = { 
/**
 * The kind of tunnel, as the tunnel settings name it: `ssh`,
 * `cloudflared`, `ngrok`.
 */
kind: string, 
/**
 * The tunnel's public base URL when the request arrived (e.g.
 * `https://abc.trycloudflare.com`); None while it was not known yet.
 * URL-signed schemes (Twilio) are verified against this URL plus the
 * request target, also when re-verified later.
 */
publicUrl: string | null, 
/**
 * The original client's address as the tunnel passed it on, e.g.
 * `203.0.113.7`; None when the request named none that could be read.
 */
clientAddr: string | null, 
/**
 * The header it was read from, as the request spelled it
 * (`Cf-Connecting-Ip`, `X-Forwarded-For`).
 */
clientHeader: string | null, 
/**
 * The tunnel itself sets that header, so a sender cannot forge it
 * (cloudflared's `Cf-Connecting-Ip`, the hop ngrok appends to
 * `X-Forwarded-For`); false: it is what the request claims.
 */
clientVouched: boolean, };

export type ImportProgress = { 
/**
 * Entries read so far, imported or not.
 */
entries: number, imported: number, };

export type ImportOutcome = { 
/**
 * The format read.
 */
format: string, imported: number, 
/**
 * Entries an earlier run of this import already brought in.
 */
duplicates: number, 
/**
 * Entries that could not be read or stored.
 */
skipped: number, 
/**
 * Why each skipped entry was skipped, with its position ("entry 17:
 * body is not valid base64"), and what was lost from an imported one
 * (a delivery that could not be restored); the first 100.
 */
problems: Array<string>, 
/**
 * Deliveries a bundle recorded, restored under their events.
 */
deliveries: number, 
/**
 * Imported events that carry a warning (see their detail).
 */
warned: number, 
/**
 * Stopped by the user; what was imported before stays.
 */
cancelled: boolean, 
/**
 * The first imported event, to show it.
 */
firstId: number | null, 
/**
 * Endpoints a bundle brought that this store did not have, made
 * without their secrets: "Kustom (/kustom)".
 */
endpointsAdded: Array<string>, 
/**
 * The secrets a bundle's endpoints were verified with, by label, for
 * the verdicts to hold here: "Kustom (/kustom): production".
 */
secretsToAdd: Array<string>, };

export type Format = "raw" | "curl" | "har" | "hooklens" | "json";

export type HeaderView = { name: string, value: string, binary: boolean, 
/**
 * A secret-bearing header (credentials, cookies, a shared secret):
 * `value` is its mask, e.g. `Basic ••••••••`; `reveal_header` gives
 * the value. A resend that leaves the mask unchanged sends the
 * captured value.
 */
masked: boolean, };

export type MatchCount = { count: number, 
/**
 * There are more than `count` matches.
 */
capped: boolean, };

export type QueryField = { 
/**
 * As typed before the colon: `type`, `header.`, `json.`, …
 */
name: string, 
/**
 * One line for people: what it matches.
 */
description: string, 
/**
 * e.g. `type:order.created`.
 */
example: string, 
/**
 * Known values to complete (event types seen, presets, endpoint names, …).
 */
values: Array<string>, };

export type PresetInfo = { id: string, name: string, 
/**
 * How the provider signs; None when it does not.
 */
scheme: Scheme | null, 
/**
 * The construction is not published and `scheme` is an educated guess.
 */
assumed: boolean, 
/**
 * What the provider counts as delivered, and how long it waits.
 */
delivery: DeliveryRuleInfo, };

export type DeliverySuccess = "any-2xx" | "only-200";

export type DeliveryRuleInfo = { 
/**
 * The preset the rule belongs to (`generic` when no provider is known).
 */
preset: string, name: string, success: DeliverySuccess, successAssumed: boolean, 
/**
 * A phrase from the documentation, or what the assumption rests on.
 */
successSource: string, 
/**
 * Seconds the provider waits for the answer.
 */
deadlineS: number, deadlineAssumed: boolean, deadlineSource: string, 
/**
 * E.g. "Kulmi Pay counts only 200 as delivered".
 */
successWords: string, 
/**
 * E.g. "answer within 10 s".
 */
deadlineWords: string, 
/**
 * Both in one line, assumed parts marked "(assumed)".
 */
words: string, };

export type EndpointSpec = { name: string, pathPrefix: string, preset: string | null, response: ConfiguredResponse, 
/**
 * None: the preset's scheme, or the one each request's headers suggest.
 */
scheme: Scheme | null, 
/**
 * Where each captured request is passed on; at most
 * [`MAX_FORWARD_TARGETS`], at most one of them relaying.
 */
forwards: Array<ForwardTarget>, rules: Array<ResponseRule>, };

export type ReverifyProgress = { done: number, total: number, };

export type ReverifyOutcome = { 
/**
 * Events the run set out to check.
 */
total: number, checked: number, 
/**
 * Events whose verdict changed.
 */
changed: number, 
/**
 * Stopped by the user; the events checked so far keep their new verdicts.
 */
cancelled: boolean, };

export type ForwardTarget = { 
/**
 * The handler's URL, e.g. `http://localhost:3000/webhooks`. The
 * request goes with its method, headers and body as received.
 */
url: string, mode: ForwardMode, 
/**
 * In the search language (`type:dispute.*`): only requests it matches
 * are forwarded here. Empty: every request.
 */
condition: string, 
/**
 * Send to `url` exactly as written. False (the default): the request's
 * path below the endpoint's prefix and its query string are added to
 * it (`/kustom/orders?x=1` → `http://localhost:3000/webhooks/orders?x=1`).
 */
exactUrl: boolean, };

export type ConditionProblem = { message: string, start: number, end: number, };

export type ForwardMode = "respond" | "relay";

export type ResponseRule = { 
/**
 * Unique within the endpoint; `rule:NAME` finds the events it answered.
 */
name: string, enabled: boolean, 
/**
 * In the search language (`type:refund.* header.user-agent:Kustom*`);
 * empty: every request.
 */
condition: string, 
/**
 * One answer, or several given in turn (see `sequence`): `503, 503,
 * 200` answers the first two arrivals 503 and every later one 200.
 */
answers: Array<RuleAnswer>, 
/**
 * What counts arrivals when there are several answers.
 */
sequence: SequenceBy, 
/**
 * Answer only this share of the requests that match; the others go on
 * to the next rule.
 */
chance: Chance | null, };

export type RuleAnswer = { status: number, headers: Array<HeaderPair>, 
/**
 * Sent as written, or rendered as a template (minijinja) when it holds
 * `{{` or `{%`: `{{ json.data.order_id }}`, `{{ header["webhook-id"] }}`,
 * `{{ event.type }}`.
 */
body: string, 
/**
 * Wait this long after storing, before answering (or closing).
 */
delayMs: number, 
/**
 * Close the connection without an answer (after the delay): the
 * request is stored, the sender sees its connection drop.
 */
close: boolean, };

export type SequenceBy = "event-id" | "arrival";

export type Chance = { 
/**
 * 1–100.
 */
percent: number, seed: number, };

export type AnswerRecord = { 
/**
 * The rule that answered; None: no rule matched and the endpoint's
 * configured response answered.
 */
rule: string | null, 
/**
 * None when the connection was closed without an answer.
 */
status: number | null, headers: Array<HeaderPair>, 
/**
 * As sent (a template rendered), cut at 64 KiB for the record.
 */
body: string, delayMs: number, closed: boolean, 
/**
 * Why this answer: "answer 2 of 3, arrival 2 of event evt_1",
 * "chance 20 % (seed 42): request 7 taken".
 */
why: string, 
/**
 * The template could not be rendered: the answer was a 500 saying so.
 */
templateError: string | null, };

export type SignMode = "resign" | "keep" | "missign" | "stale";

export type Signing = { mode: SignMode, 
/**
 * The endpoint whose scheme and secrets sign; None: the source event's.
 */
endpointId: number | null, 
/**
 * The secret to sign with; None: the endpoint's newest.
 */
secretLabel: string | null, };

export type Pattern = { "kind": "once" } | { "kind": "times", count: number, } | { "kind": "schedule", provider: string, speed: number, };

export type ResendSpec = { 
/**
 * The captured event it started from; None for a blank request.
 */
eventId: number | null, method: string, url: string, 
/**
 * In order, duplicates kept. Host, Content-Length, Transfer-Encoding and
 * Connection are set by the transport.
 */
headers: Array<HeaderPair>, 
/**
 * The body as text (sent as its UTF-8 bytes)…
 */
bodyText: string | null, 
/**
 * …or as standard base64 for bodies that are not text.
 */
bodyBase64: string | null, signing: Signing, pattern: Pattern, };

export type SigningInfo = { 
/**
 * The endpoint that signs (the one asked for, else the event's).
 */
endpointId: number | null, scheme: Scheme | null, 
/**
 * The provider does not publish the construction.
 */
assumed: boolean, 
/**
 * Headers signing writes; the original's of these names are replaced.
 */
headers: Array<string>, 
/**
 * The scheme signs a timestamp whose age is checked (a stale one can
 * be tested).
 */
signsTimestamp: boolean, 
/**
 * Secret labels, oldest first; the newest signs unless one is chosen.
 */
secretLabels: Array<string>, 
/**
 * Re-sign when it can, else send the headers as they are.
 */
defaultMode: SignMode, 
/**
 * Why it cannot re-sign, in words; None when it can.
 */
problem: string | null, 
/**
 * The delivery rule a send judges its attempts by: that of the provider
 * the request is sent as (the chosen endpoint's preset, else the
 * event's provider; no provider: any 2xx within 30 s).
 */
delivery: DeliveryRuleInfo, };

export type DeliveryErrorKind = "connection_refused" | "timeout" | "tls" | "dns" | "invalid" | "other";

export type DeliveryError = { kind: DeliveryErrorKind, 
/**
 * In words, e.g. "connection refused by 127.0.0.1:3000: nothing is listening there".
 */
message: string, };

export type DeliveryResponse = { status: number, 
/**
 * The status's standard reason phrase ("Service Unavailable"), if any.
 */
reason: string | null, headers: Array<HeaderView>, bodyText: string | null, bodyBase64: string | null, 
/**
 * The body was longer than what is kept (1 MiB).
 */
bodyTruncated: boolean, 
/**
 * For a redirect: where it pointed. Redirects are never followed.
 */
redirectTo: string | null, };

export type DeliveryKind = "resend" | "forward" | "test";

export type Delivery = { id: number, runId: number, 
/**
 * The captured event it was sent from, if any.
 */
eventId: number | null, kind: DeliveryKind, 
/**
 * 1 for the first attempt of its run.
 */
attempt: number, sentAtMs: number, method: string, url: string, 
/**
 * As sent, in order, including those the transport adds (Host,
 * Content-Length).
 */
headers: Array<HeaderView>, bodyText: string | null, bodyBase64: string | null, 
/**
 * How it was signed, in words, e.g. "re-signed (standard-webhooks) with
 * \"current\"" or "not re-signed: the endpoint has no secret".
 */
signing: string, response: DeliveryResponse | null, error: DeliveryError | null, 
/**
 * Delivered by the provider's rule (see the run's `rule`): answered in
 * time with a status the provider counts as success.
 */
delivered: boolean, 
/**
 * Why it is not a delivery, in words, e.g. "Kulmi Pay counts only 200
 * as delivered; the handler answered 201"; None when delivered.
 */
failure: string | null, 
/**
 * From sending the first byte to the end of the response body.
 */
durationMs: number, };

export type DeliveryRun = { id: number, eventId: number | null, kind: DeliveryKind, target: string, 
/**
 * E.g. "once", "3 times", "checkout retry schedule at 600×".
 */
pattern: string, 
/**
 * The delivery rule its attempts were judged by, in words, e.g. "Kulmi
 * Pay counts only 200 as delivered · answer within 10 s (assumed)";
 * None for runs recorded before Hooklens judged by provider rules.
 */
rule: string | null, startedAtMs: number, 
/**
 * None while it is still running.
 */
finishedAtMs: number | null, 
/**
 * How it ended, in words: "answered 200 on attempt 3", "cancelled
 * after 2 attempts", "not delivered in 8 attempts".
 */
outcome: string | null, attempts: Array<Delivery>, };

export type SendProgress = { "kind": "started", runId: number, 
/**
 * Attempts planned (a schedule may stop sooner).
 */
planned: number, 
/**
 * The delivery rule each attempt is judged by.
 */
rule: DeliveryRuleInfo, } | { "kind": "attempt", delivery: Delivery, } | { "kind": "waiting", nextAttempt: number, atMs: number, } | { "kind": "finished", run: DeliveryRun, };

export type SampleInfo = { preset: string, eventType: string, description: string, };

export type ScheduleInfo = { preset: string, name: string, 
/**
 * Seconds before each retry (the first attempt is immediate).
 */
waitsS: Array<number>, 
/**
 * The provider does not publish the exact waits.
 */
assumed: boolean, 
/**
 * Where the schedule comes from, in one line.
 */
source: string, };

export type TestEventSpec = { preset: string, eventType: string, 
/**
 * Whose scheme and newest secret sign it; None: sent unsigned.
 */
endpointId: number | null, 
/**
 * None: Hooklens's own listener, at the endpoint's path.
 */
url: string | null, };

export type ExportFormat = "har" | "bundle" | "curl" | "raw";

export type ExportSpec = { format: ExportFormat, redaction: Redaction, };

export type Redaction = { 
/**
 * The secret-bearing headers: Authorization, Proxy-Authorization,
 * Cookie, Set-Cookie, X-Challenge and the header an endpoint's
 * shared-secret scheme reads. On unless turned off.
 */
defaultHeaders: boolean, 
/**
 * More header names (any case) whose values are removed.
 */
headers: Array<string>, 
/**
 * JSON paths (`data.customer.email`, `card.*`, `items[*].email`) whose
 * values become the string `"[REDACTED]"`.
 */
jsonPaths: Array<string>, 
/**
 * Kinds of value removed wherever they appear.
 */
patterns: Array<PatternKind>, };

export type PatternKind = "email" | "card_number";

export type RedactedPart = "target" | "header" | "trailer" | "body" | "response_header" | "response_body" | "details";

export type RedactionRule = "secret_header" | "header" | "json_path" | "email" | "card_number" | "secret_value" | "redacted_value";

export type RedactionItem = { eventId: number, 
/**
 * The delivery (resend, forward, test send) of the event it was in;
 * None: the event as captured.
 */
deliveryId: number | null, part: RedactedPart, rule: RedactionRule, 
/**
 * Where in the part: a header's name, a JSON value's path
 * (`items[2].email`), `byte 120`, or which detail (`verdict reason`).
 */
place: string, 
/**
 * For matches inside a target, value or body: the byte offset in it as
 * stored.
 */
offset: number | null, 
/**
 * E.g. "value removed", "email removed".
 */
what: string, };

export type RedactionPreview = { events: number, redactedEvents: number, 
/**
 * The values an export would remove, the first 10,000 (`MAX_ITEMS`).
 */
items: Array<RedactionItem>, more: number, };

export type ExportProgress = { done: number, total: number, };

export type ExportOutcome = { 
/**
 * Events written.
 */
events: number, 
/**
 * Deliveries written (HAR entries or bundle lines after their event).
 */
deliveries: number, 
/**
 * Events whose request was changed by redaction: their recorded
 * verdict no longer holds for what was written.
 */
redactedEvents: number, 
/**
 * Selected events gone before they were read (removed meanwhile).
 */
missing: number, 
/**
 * The values removed, the first 10,000 (`MAX_ITEMS`) of them.
 */
redactions: Array<RedactionItem>, 
/**
 * Values removed beyond those listed.
 */
moreRedactions: number, 
/**
 * Stopped by the user. The file is still whole: a HAR is closed (its
 * `log._hooklens.cancelled` is true), a bundle ends after a complete
 * line, curl and raw text after a complete event and a line saying so.
 */
cancelled: boolean, };

export type TunnelSpec = { "kind": "ssh", service: SshService, } | { "kind": "cloudflared", mode: CloudflaredMode, } | { "kind": "ngrok", authtoken: NgrokAuth, };

export type SshService = { "type": "localhost-run" } | { "type": "pinggy" } | { "type": "own-server", 
/**
 * A host name, an address, or a `Host` alias of the user's ssh config.
 */
host: string, 
/**
 * None: the user's ssh config decides (else the local user name).
 */
user: string | null, 
/**
 * None: the user's ssh config decides (else 22).
 */
port: number | null, remotePort: number, 
/**
 * E.g. `https://hooks.example.com`; endpoint paths are appended.
 */
publicBaseUrl: string, };

export type CloudflaredMode = { "type": "quick" } | { "type": "named", name: string, hostname: string, };

export type NgrokAuth = "agent-config" | "stored";

export type SavedTunnel = { spec: TunnelSpec, enabled: boolean, };

export type TunnelState = { "state": "stopped" } | { "state": "starting" } | { "state": "up", 
/**
 * E.g. `https://f27f2133f61afa.lhr.life`, without a trailing slash;
 * an endpoint's public URL is this plus its path prefix.
 */
publicUrl: string, } | { "state": "reconnecting", 
/**
 * 1 for the first try after the drop.
 */
attempt: number, nextInMs: number, 
/**
 * Why the last try ended, in words.
 */
reason: string, } | { "state": "failed", 
/**
 * In words, e.g. "cloudflared is not installed: …".
 */
reason: string, } | { "state": "host-key-unknown", 
/**
 * As ssh names it, e.g. `localhost.run` or `[203.0.113.7]:2222`.
 */
host: string, 
/**
 * E.g. `ED25519`.
 */
keyType: string, 
/**
 * E.g. `SHA256:kcNFqn5DzT62uinKlXKqcEQgUQEA4nBwNOsQW9vLChI`.
 */
fingerprint: string, };

export type TunnelStatus = { state: TunnelState, 
/**
 * E.g. "localhost.run (ssh)" or "cloudflared quick tunnel".
 */
name: string, 
/**
 * Oldest first, at most a few dozen.
 */
output: Array<string>, };

export type ErrorKind = "config" | "store" | "capture" | "not_found" | "invalid" | "send" | "query" | "internal";

export type ErrorPayload = { kind: ErrorKind, message: string, };

/** Every scheme kind with its default configuration, in the core's order (`Scheme::IDS`). */
export const SCHEME_DEFAULTS: readonly Scheme[] = [
  {
    "kind": "standard-webhooks",
    "toleranceS": 300
  },
  {
    "kind": "stripe",
    "toleranceS": 300
  },
  {
    "kind": "github"
  },
  {
    "kind": "shopify"
  },
  {
    "kind": "slack",
    "toleranceS": 300
  },
  {
    "kind": "twilio"
  },
  {
    "kind": "shared-secret",
    "header": "X-Webhook-Secret"
  },
  {
    "kind": "basic-auth"
  },
  {
    "kind": "hmac",
    "header": "X-Signature",
    "algorithm": "sha256",
    "template": [
      {
        "part": "body"
      }
    ],
    "encoding": "hex_lower",
    "prefix": "",
    "secretEncoding": "utf8",
    "timestampHeader": null,
    "idHeader": null,
    "toleranceS": null,
    "separator": null
  },
  {
    "kind": "combined",
    "schemes": [
      {
        "kind": "basic-auth"
      },
      {
        "kind": "hmac",
        "header": "X-Signature",
        "algorithm": "sha256",
        "template": [
          {
            "part": "body"
          }
        ],
        "encoding": "hex_lower",
        "prefix": "",
        "secretEncoding": "utf8",
        "timestampHeader": null,
        "idHeader": null,
        "toleranceS": null,
        "separator": null
      }
    ]
  }
];

/** How far a signed timestamp may be from the arrival time by default. */
export const DEFAULT_TOLERANCE_S = 300;

/** The name of each scheme kind as the UI shows it. */
export const SCHEME_NAMES: Readonly<Record<string, string>> = {
  "standard-webhooks": "Standard Webhooks",
  "stripe": "Stripe",
  "github": "GitHub",
  "shopify": "Shopify",
  "slack": "Slack",
  "twilio": "Twilio",
  "shared-secret": "Shared secret",
  "basic-auth": "Basic auth",
  "hmac": "Custom HMAC",
  "combined": "Combined checks"
};

/** The name of each import format as the UI shows it. */
export const IMPORT_FORMAT_NAMES: Readonly<Record<string, string>> = {
  "raw": "raw HTTP request",
  "curl": "curl command",
  "har": "HAR file",
  "hooklens": "Hooklens bundle",
  "json": "event JSON"
};

/** Headers the HTTP client sets from the URL and body; typed values are not sent. */
export const TRANSPORT_HEADERS: readonly string[] = ["host","content-length","transfer-encoding","connection","keep-alive","expect","upgrade"];

/** The most copies one duplicate delivery sends. */
export const MAX_TIMES = 100;

/** The speed factors a compressed retry schedule accepts. */
export const MIN_SPEED = 1;
export const MAX_SPEED = 1000000;

/** The most forward targets one endpoint can have. */
export const MAX_FORWARD_TARGETS = 16;
