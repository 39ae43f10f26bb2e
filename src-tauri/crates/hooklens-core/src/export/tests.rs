//! Exports from a real store: what each format writes, that no secret or
//! redacted value leaves in any of them (scanned in the bytes, and in the
//! bodies a bundle or HAR carries in base64), that the preview lists what
//! the export removed, cancelling, and bulk.

use std::sync::atomic::AtomicBool;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use super::*;
use crate::formats::bundle::Line;
use crate::model::{ConfiguredResponse, DeliveryKind, Endpoint};
use crate::signature::{Scheme, Verdict, VerdictStatus};
use crate::store::{
    DEFAULT_ENDPOINT_ID, EndpointSpec, NewDelivery, NewEvent, NewResponse, NewRun, StoredHeader,
};

const KULMI_SECRET: &str = "kulmi-Challenge-S3cret-77";
const TOKEN_SECRET: &str = "tok-Sup3rS3cret-value";
const HMAC_SECRET: &str = "hmac-key-0123456789abcdef";
const BASIC_SECRET: &str = "merchant:Basic-Pa55word";
const COOKIE: &str = "sid=cookie-Secret-123";
const BEARER: &str = "Bearer bearer-Token-XYZ987";
const ACCOUNT: &str = "acct-PRIVATE-0042";

/// Values that must not be in any export with the test's redaction.
const GONE: [&str; 16] = [
    KULMI_SECRET,
    TOKEN_SECRET,
    HMAC_SECRET,
    BASIC_SECRET,
    "bWVyY2hhbnQ6QmFzaWMtUGE1NXdvcmQ", // base64 of BASIC_SECRET
    "cookie-Secret-123",
    "bearer-Token-XYZ987",
    ACCOUNT,
    "jane.doe@example.com",
    "buyer-one@example.org",
    "buyer-two@example.org",
    "ops-team@example.net",
    "text.person@example.com",
    "4111 1111 1111 1111",
    "5555555555554444",
    "4012888888881881",
];

/// A body with nothing to redact, odd spacing and a 20-digit number.
const PLAIN: &[u8] = b"{\"b\": 1,  \"a\":[1,2 ,3], \"big\": 12345678901234567890}\r\n";
/// Not UTF-8, nothing to redact.
const BINARY: &[u8] = &[0xff, 0x00, 0xfe, b'#', b'#', b'#', 0x80, b'\n', 0x01];

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    kulmi: i64,
    own: i64,
    basic: i64,
    plain: i64,
    binary: i64,
    delivery: i64,
}

fn add(
    store: &Store,
    name: &str,
    prefix: &str,
    preset: Option<&str>,
    scheme: Option<Scheme>,
) -> Endpoint {
    store
        .add_endpoint(&EndpointSpec {
            name: name.into(),
            path_prefix: prefix.into(),
            preset: preset.map(str::to_owned),
            response: ConfiguredResponse::default(),
            scheme,
            forwards: Vec::new(),
            rules: Vec::new(),
        })
        .unwrap()
}

fn verdict(status: VerdictStatus, scheme: &str) -> Option<Verdict> {
    Some(Verdict {
        status,
        scheme: Some(scheme.into()),
        secret: (status == VerdictStatus::Valid).then(|| "prod".into()),
        age_s: None,
        diagnosis: None,
        reason: None,
        assumed: false,
    })
}

fn headers(pairs: &[(&str, &[u8])]) -> Vec<StoredHeader> {
    pairs.iter().map(|(n, v)| StoredHeader::new(n, v)).collect()
}

fn new_event(
    endpoint: i64,
    n: i64,
    target: &str,
    headers: Vec<StoredHeader>,
    body: &[u8],
) -> NewEvent {
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (target.to_owned(), None),
    };
    NewEvent {
        received_at_ns: 1_700_000_000_000_000_000 + n * 1_000_000_000,
        endpoint_id: Some(endpoint),
        method: "POST".into(),
        path,
        query,
        target: Some(target.to_owned()),
        http_version: Some("HTTP/1.1".into()),
        headers,
        remote_addr: Some("203.0.113.9:5000".into()),
        body: body.to_vec(),
        ..NewEvent::default()
    }
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let kulmi = add(&store, "Kulmi", "/kulmi", Some("kulmipay"), None);
    let own = add(
        &store,
        "Own",
        "/own",
        None,
        Some(Scheme::SharedSecret {
            header: "X-Token".into(),
        }),
    );
    let hmac = add(&store, "Hooks", "/hmac", None, Scheme::by_id("hmac"));
    let basic = add(&store, "Basic", "/basic", None, Some(Scheme::BasicAuth));
    // No event refers to it: a bundle must not list it.
    let unused = add(&store, "Unused", "/unused", None, None);
    store.add_secret(kulmi.id, "prod", KULMI_SECRET).unwrap();
    store.add_secret(own.id, "prod", TOKEN_SECRET).unwrap();
    store.add_secret(hmac.id, "prod", HMAC_SECRET).unwrap();
    store.add_secret(basic.id, "prod", BASIC_SECRET).unwrap();
    store
        .add_secret(unused.id, "old", "unused-secret-value")
        .unwrap();

    let kulmi_body = r#"{"topic":"invoice","data":{"customer":{"email":"jane.doe@example.com","name":"Jane"}},"card":{"number":"4111 1111 1111 1111","cvc":"737"},"items":[{"email":"buyer-one@example.org","sku":"A"},{"email":"buyer-two@example.org"}],"note":"ask ops-team@example.net about 5555555555554444"}"#;
    let mut e = new_event(
        kulmi.id,
        1,
        "/kulmi/invoices",
        headers(&[
            ("Host", b"hooks.example.test"),
            ("Content-Type", b"application/json"),
            ("X-Challenge", KULMI_SECRET.as_bytes()),
            ("Cookie", COOKIE.as_bytes()),
            ("X-Account", ACCOUNT.as_bytes()),
        ]),
        kulmi_body.as_bytes(),
    );
    e.provider = Some("kulmipay".into());
    e.verdict = verdict(VerdictStatus::Valid, "shared-secret");
    let kulmi_event = store.insert(e).await.unwrap().id;

    let mut e = new_event(
        own.id,
        2,
        "/own/hook",
        headers(&[
            ("Host", b"hooks.example.test"),
            ("X-Token", TOKEN_SECRET.as_bytes()),
            ("Authorization", BEARER.as_bytes()),
            ("Content-Type", b"text/plain"),
        ]),
        format!("write to text.person@example.com, card 4012888888881881, token={TOKEN_SECRET}\n")
            .as_bytes(),
    );
    e.verdict = verdict(VerdictStatus::Valid, "shared-secret");
    let own_event = store.insert(e).await.unwrap().id;

    let mut e = new_event(
        hmac.id,
        3,
        "/hmac/in?user=query.person%40example.com&n=1",
        headers(&[
            ("Host", b"hooks.example.test"),
            ("Content-Type", b"application/octet-stream"),
            ("X-Signature", b"sha256=00ff00ff"),
        ]),
        BINARY,
    );
    e.verdict = verdict(VerdictStatus::Invalid, "hmac");
    let binary = store.insert(e).await.unwrap().id;

    let basic_auth = format!("Basic {}", STANDARD.encode(BASIC_SECRET));
    let e = new_event(
        basic.id,
        4,
        "/basic/x",
        headers(&[
            ("Host", b"hooks.example.test"),
            ("Authorization", basic_auth.as_bytes()),
        ]),
        b"{}",
    );
    let basic_event = store.insert(e).await.unwrap().id;

    let e = new_event(
        DEFAULT_ENDPOINT_ID,
        5,
        "/plain",
        headers(&[
            ("Host", b"127.0.0.1:9494"),
            ("Content-Type", b"application/json"),
        ]),
        PLAIN,
    );
    let plain = store.insert(e).await.unwrap().id;

    // A resend of the Kulmi event, with what came back.
    let run = store
        .start_run(&NewRun {
            event_id: Some(kulmi_event),
            kind: DeliveryKind::Resend,
            target: "http://localhost:3000/hook",
            pattern: "once",
            rule: None,
        })
        .unwrap();
    let delivery = store
        .record_delivery(
            run,
            &NewDelivery {
                attempt: 1,
                sent_at_ns: 1_700_000_100_000_000_000,
                method: "POST".into(),
                url: "http://localhost:3000/hook?notify=jane.doe@example.com".into(),
                headers: headers(&[
                    ("Content-Type", b"application/json"),
                    ("X-Challenge", KULMI_SECRET.as_bytes()),
                    ("X-Account", ACCOUNT.as_bytes()),
                ]),
                body: kulmi_body.as_bytes().to_vec(),
                signing: "kept the original headers".into(),
                response: Some(NewResponse {
                    status: 200,
                    headers: headers(&[
                        ("Set-Cookie", COOKIE.as_bytes()),
                        ("Content-Type", b"application/json"),
                    ]),
                    body: br#"{"ok":true,"for":"jane.doe@example.com"}"#.to_vec(),
                    truncated: false,
                }),
                error: None,
                delivered: true,
                failure: None,
                duration_us: 12_500,
            },
        )
        .unwrap()
        .id;
    store.finish_run(run, "answered 200").unwrap();
    Fixture {
        _dir: dir,
        store,
        kulmi: kulmi_event,
        own: own_event,
        basic: basic_event,
        plain,
        binary,
        delivery,
    }
}

impl Fixture {
    fn all(&self) -> Selection {
        Selection::Ids(vec![
            self.kulmi,
            self.own,
            self.binary,
            self.basic,
            self.plain,
        ])
    }
}

fn strict() -> Redaction {
    Redaction {
        default_headers: true,
        headers: vec!["x-account".into()],
        json_paths: vec![
            "data.customer.email".into(),
            "card.*".into(),
            "items[*].email".into(),
        ],
        patterns: vec![PatternKind::Email, PatternKind::CardNumber],
    }
}

fn spec(format: ExportFormat, redaction: Redaction) -> ExportSpec {
    ExportSpec { format, redaction }
}

fn run(store: &Store, selection: &Selection, spec: &ExportSpec) -> (Vec<u8>, ExportOutcome) {
    let mut out = Vec::new();
    let outcome = export(
        store,
        selection,
        spec,
        &mut out,
        &AtomicBool::new(false),
        |_| {},
    )
    .expect("export");
    (out, outcome)
}

/// The file's bytes, and every body it carries in base64, decoded.
fn readable(format: ExportFormat, out: &[u8]) -> Vec<u8> {
    let mut all = out.to_vec();
    let mut decode = |b: &str| all.extend(STANDARD.decode(b).expect("base64"));
    match format {
        ExportFormat::Bundle => {
            for line in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                match serde_json::from_slice::<Line>(line).expect("a bundle line") {
                    Line::Event(e) => decode(&e.body_base64),
                    Line::Delivery(d) => {
                        if let Some(b) = &d.delivery.body_base64 {
                            decode(b);
                        }
                    }
                    _ => {}
                }
            }
        }
        ExportFormat::Har => {
            let har: Value = serde_json::from_slice(out).expect("HAR is JSON");
            for entry in har["log"]["entries"].as_array().expect("entries") {
                let post = &entry["request"]["postData"];
                if post["encoding"] == "base64" {
                    decode(post["text"].as_str().unwrap_or_default());
                }
            }
        }
        ExportFormat::Curl | ExportFormat::Raw => {}
    }
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

const FORMATS: [ExportFormat; 4] = [
    ExportFormat::Har,
    ExportFormat::Bundle,
    ExportFormat::Curl,
    ExportFormat::Raw,
];

#[tokio::test]
async fn no_secret_or_redacted_value_leaves_in_any_format_and_the_preview_lists_what_went() {
    let f = fixture().await;
    for format in FORMATS {
        let spec = spec(format, strict());
        let (out, outcome) = run(&f.store, &f.all(), &spec);
        let bytes = readable(format, &out);
        for gone in GONE {
            assert!(!contains(&bytes, gone), "{format:?} still holds {gone:?}");
        }
        assert!(
            !contains(&bytes, "query.person"),
            "{format:?}: the email in the query"
        );
        // Signature headers are not secrets.
        if format != ExportFormat::Curl {
            assert!(contains(&bytes, "sha256=00ff00ff"), "{format:?}");
        }
        assert_eq!(outcome.events, 5);
        assert_eq!(outcome.missing, 0);
        assert_eq!(outcome.more_redactions, 0);
        let preview = preview(&f.store, &f.all(), &spec).unwrap();
        assert_eq!(preview.items, outcome.redactions, "{format:?}");
        assert_eq!(preview.redacted_events, outcome.redacted_events);
        assert_eq!(preview.events, 5);
    }
}

#[tokio::test]
async fn each_removal_is_listed_with_its_rule_and_place() {
    let f = fixture().await;
    let (_, outcome) = run(&f.store, &f.all(), &spec(ExportFormat::Har, strict()));
    let has = |event: i64, delivery: Option<i64>, part, rule, place: &str| {
        outcome.redactions.iter().any(|i| {
            i.event_id == event
                && i.delivery_id == delivery
                && i.part == part
                && i.rule == rule
                && i.place == place
        })
    };
    use RedactedPart as P;
    use RedactionRule as R;
    assert!(has(
        f.kulmi,
        None,
        P::Header,
        R::SecretHeader,
        "X-Challenge"
    ));
    assert!(has(f.kulmi, None, P::Header, R::SecretHeader, "Cookie"));
    assert!(has(f.kulmi, None, P::Header, R::Header, "X-Account"));
    for path in [
        "data.customer.email",
        "card.number",
        "card.cvc",
        "items[0].email",
        "items[1].email",
    ] {
        assert!(has(f.kulmi, None, P::Body, R::JsonPath, path), "{path}");
    }
    assert!(outcome.redactions.iter().any(|i| i.event_id == f.kulmi
        && i.rule == R::Email
        && i.part == P::Body
        && i.offset.is_some()));
    assert!(
        outcome
            .redactions
            .iter()
            .any(|i| i.event_id == f.kulmi && i.rule == R::CardNumber)
    );
    // The endpoint's shared-secret header, and the secret sent in the body too.
    assert!(has(f.own, None, P::Header, R::SecretHeader, "X-Token"));
    assert!(has(
        f.own,
        None,
        P::Header,
        R::SecretHeader,
        "Authorization"
    ));
    let in_body = outcome
        .redactions
        .iter()
        .find(|i| i.event_id == f.own && i.rule == R::SecretValue)
        .expect("the secret in the body");
    let body =
        format!("write to text.person@example.com, card 4012888888881881, token={TOKEN_SECRET}\n");
    assert_eq!(in_body.offset, body.find(TOKEN_SECRET).map(|o| o as u64));
    assert!(
        in_body.what.contains("\"prod\" of endpoint \"Own\""),
        "{}",
        in_body.what
    );
    assert!(!in_body.what.contains(TOKEN_SECRET));
    assert!(has(f.binary, None, P::Target, R::Email, "request target"));
    // The delivery: headers by the event's rules, bodies by paths and patterns.
    let d = Some(f.delivery);
    assert!(has(f.kulmi, d, P::Header, R::SecretHeader, "X-Challenge"));
    assert!(has(f.kulmi, d, P::Header, R::Header, "X-Account"));
    assert!(has(f.kulmi, d, P::Body, R::JsonPath, "data.customer.email"));
    assert!(has(
        f.kulmi,
        d,
        P::ResponseHeader,
        R::SecretHeader,
        "Set-Cookie"
    ));
    assert!(
        outcome
            .redactions
            .iter()
            .any(|i| i.delivery_id == d && i.part == P::Target)
    );
    // The plain and binary events lost nothing.
    assert!(
        !outcome
            .redactions
            .iter()
            .any(|i| i.event_id == f.plain || i.event_id == f.binary && i.part == P::Body)
    );
    assert_eq!(outcome.redacted_events, 4);
}

#[tokio::test]
async fn har_is_har_1_2_with_an_entry_per_event_and_delivery() {
    let f = fixture().await;
    let (out, outcome) = run(&f.store, &f.all(), &spec(ExportFormat::Har, strict()));
    let har: Value = serde_json::from_slice(&out).expect("valid JSON");
    let log = &har["log"];
    assert_eq!(log["version"], "1.2");
    assert_eq!(log["creator"]["name"], "Hooklens");
    assert!(log["creator"]["version"].is_string());
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(outcome.deliveries, 1);
    assert_eq!(entries.len() as u64, outcome.events + outcome.deliveries);
    for entry in entries {
        check_entry(entry);
    }
    // The delivery follows its event.
    assert_eq!(entries[0]["_hooklens"]["eventId"], f.kulmi);
    assert_eq!(entries[1]["_hooklens"]["kind"], "resend");
    assert_eq!(entries[1]["_hooklens"]["deliveryId"], f.delivery);
    assert_eq!(entries[1]["response"]["status"], 200);
    assert_eq!(entries[1]["time"], 12.5);

    let kulmi = &entries[0];
    assert_eq!(
        kulmi["request"]["url"],
        "http://hooks.example.test/kulmi/invoices"
    );
    assert_eq!(kulmi["response"]["status"], 0);
    assert!(kulmi["response"]["_hooklens"]["note"].is_string());
    let meta = &kulmi["_hooklens"];
    assert_eq!(meta["endpoint"], "Kulmi");
    assert_eq!(meta["provider"], "kulmipay");
    assert_eq!(meta["verdict"]["status"], "valid", "kept as recorded");
    assert_eq!(meta["verification"], "redacted: no longer verifies");
    assert_eq!(meta["redacted"], true);
    // The JSON body stays JSON, untouched parts byte-exact.
    let text = kulmi["request"]["postData"]["text"].as_str().unwrap();
    assert!(
        text.starts_with(
            r#"{"topic":"invoice","data":{"customer":{"email":"[REDACTED]","name":"Jane"}}"#
        ),
        "{text}"
    );
    let body: Value = serde_json::from_str(text).expect("still JSON");
    assert_eq!(body["card"]["cvc"], "[REDACTED]");
    assert_eq!(body["note"], "ask [REDACTED] about [REDACTED]");

    let binary = entries
        .iter()
        .find(|e| e["_hooklens"]["eventId"] == f.binary)
        .unwrap();
    let post = &binary["request"]["postData"];
    assert_eq!(post["encoding"], "base64");
    assert_eq!(
        STANDARD.decode(post["text"].as_str().unwrap()).unwrap(),
        BINARY
    );
    assert_eq!(binary["request"]["bodySize"], BINARY.len());
    let query = binary["request"]["queryString"].as_array().unwrap();
    assert_eq!(query[0]["name"], "user");
    assert_eq!(query[0]["value"], "[REDACTED]");
    assert_eq!(query[1]["value"], "1");
    assert_eq!(
        binary["_hooklens"]["redacted"], true,
        "the target lost an email"
    );

    let plain = entries
        .iter()
        .find(|e| e["_hooklens"]["eventId"] == f.plain)
        .unwrap();
    assert_eq!(
        plain["request"]["postData"]["text"]
            .as_str()
            .unwrap()
            .as_bytes(),
        PLAIN
    );
    assert_eq!(plain["_hooklens"]["redacted"], false);
    assert!(plain["_hooklens"].get("verification").is_none());
    assert_eq!(log["_hooklens"]["cancelled"], false);
}

/// The fields HAR 1.2 requires of an entry, with their types.
fn check_entry(entry: &Value) {
    let started = entry["startedDateTime"].as_str().expect("startedDateTime");
    assert!(started.parse::<jiff::Timestamp>().is_ok(), "{started}");
    assert!(entry["time"].is_number());
    assert!(entry["cache"].is_object());
    for t in ["send", "wait", "receive"] {
        assert!(entry["timings"][t].is_number(), "timings.{t}");
    }
    let request = &entry["request"];
    for field in ["method", "url", "httpVersion"] {
        assert!(request[field].is_string(), "request.{field}");
    }
    for field in ["cookies", "headers", "queryString"] {
        assert!(request[field].is_array(), "request.{field}");
    }
    for field in ["headersSize", "bodySize"] {
        assert!(request[field].is_i64(), "request.{field}");
    }
    for h in request["headers"].as_array().unwrap() {
        assert!(h["name"].is_string() && h["value"].is_string());
    }
    if let Some(post) = request.get("postData") {
        assert!(post["mimeType"].is_string() && post["text"].is_string());
    }
    let response = &entry["response"];
    assert!(response["status"].is_u64());
    for field in ["statusText", "httpVersion", "redirectURL"] {
        assert!(response[field].is_string(), "response.{field}");
    }
    for field in ["cookies", "headers"] {
        assert!(response[field].is_array(), "response.{field}");
    }
    assert!(response["content"]["size"].is_i64());
    assert!(response["content"]["mimeType"].is_string());
    assert!(response["headersSize"].is_i64() && response["bodySize"].is_i64());
}

#[tokio::test]
async fn a_bundle_lists_used_endpoints_without_secrets_and_keeps_bodies_exact() {
    let f = fixture().await;
    let (out, outcome) = run(&f.store, &f.all(), &spec(ExportFormat::Bundle, strict()));
    let lines: Vec<Line> = out
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).expect("each line is a bundle line"))
        .collect();
    let Line::Header(header) = &lines[0] else {
        panic!("header first");
    };
    assert_eq!(header.format, crate::formats::bundle::MAGIC);
    assert!(header.redaction.iter().any(|r| r == "JSON path card.*"));
    let endpoints: Vec<&str> = lines
        .iter()
        .filter_map(|l| match l {
            Line::Endpoint(e) => Some(e.name.as_str()),
            _ => None,
        })
        .collect();
    // In the store's order: the default first, then by name.
    assert_eq!(endpoints, ["Default", "Basic", "Hooks", "Kulmi", "Own"]);
    assert!(!contains(&out, "unused-secret-value") && !contains(&out, "Unused"));
    let events: Vec<&crate::formats::bundle::EventLine> = lines
        .iter()
        .filter_map(|l| match l {
            Line::Event(e) => Some(&**e),
            _ => None,
        })
        .collect();
    assert_eq!(events.len() as u64, outcome.events);
    let body = |id: i64| {
        let e = events.iter().find(|e| e.id == id).unwrap();
        STANDARD.decode(&e.body_base64).unwrap()
    };
    assert_eq!(body(f.plain), PLAIN);
    assert_eq!(body(f.binary), BINARY);
    let kulmi = events.iter().find(|e| e.id == f.kulmi).unwrap();
    assert_eq!(kulmi.verdict.as_ref().unwrap().status, VerdictStatus::Valid);
    assert!(
        kulmi
            .redactions
            .iter()
            .any(|r| r == "header X-Challenge: value removed")
    );
    assert!(
        events
            .iter()
            .find(|e| e.id == f.plain)
            .unwrap()
            .redactions
            .is_empty()
    );
    // The delivery line comes right after its event.
    let at = lines
        .iter()
        .position(|l| matches!(l, Line::Event(e) if e.id == f.kulmi))
        .unwrap();
    assert!(
        matches!(&lines[at + 1], Line::Delivery(d) if d.event == f.kulmi && d.delivery.id == f.delivery)
    );
}

#[tokio::test]
async fn raw_text_keeps_the_request_exactly_and_curl_masks_secret_headers() {
    let f = fixture().await;
    let sel = Selection::Ids(vec![f.plain, f.binary]);
    let (out, _) = run(&f.store, &sel, &spec(ExportFormat::Raw, strict()));
    let mut plain =
        b"POST /plain HTTP/1.1\r\nHost: 127.0.0.1:9494\r\nContent-Type: application/json\r\n\r\n"
            .to_vec();
    plain.extend_from_slice(PLAIN);
    plain.push(b'\n');
    assert!(out.starts_with(format!("### Hooklens event {} · ", f.plain).as_bytes()));
    assert!(contains_bytes(&out, &plain));
    assert!(contains(&out, &format!("body {} bytes\n", PLAIN.len())));
    let mut binary = b"\r\n\r\n".to_vec();
    binary.extend_from_slice(BINARY);
    assert!(contains_bytes(&out, &binary));

    // Without the default header rules, credentials that are not configured
    // secrets stay, and configured secret values still go.
    let loose = Redaction {
        default_headers: false,
        ..Redaction::default()
    };
    let (out, outcome) = run(&f.store, &f.all(), &spec(ExportFormat::Raw, loose.clone()));
    assert!(contains(&out, BEARER) && contains(&out, COOKIE));
    for secret in [
        KULMI_SECRET,
        TOKEN_SECRET,
        "bWVyY2hhbnQ6QmFzaWMtUGE1NXdvcmQ",
    ] {
        assert!(!contains(&out, secret));
    }
    assert!(
        outcome
            .redactions
            .iter()
            .all(|i| i.rule == RedactionRule::SecretValue)
    );
    // curl reads secret-bearing headers from the environment whatever the rules.
    let (out, _) = run(&f.store, &f.all(), &spec(ExportFormat::Curl, loose));
    assert!(!contains(&out, BEARER) && !contains(&out, "cookie-Secret"));
    assert!(contains(&out, "HOOKLENS_AUTHORIZATION"));
    assert!(contains(&out, "redacted: no longer verifies"));
}

fn contains_bytes(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn words_quoting_a_removed_value_are_scrubbed_too() {
    let f = fixture().await;
    let sig = "zz-not-a-hex-signature-but-long-enough-to-be-truncated-0123456789";
    let mut e = new_event(
        f.store.endpoints()[0].id,
        9,
        "/x",
        headers(&[("X-Signature", sig.as_bytes())]),
        b"",
    );
    let quoted: String = sig.chars().take(40).collect();
    e.verdict = Some(Verdict {
        reason: Some(format!(
            "X-Signature does not hold a hex signature: \"{quoted}…\""
        )),
        ..verdict(VerdictStatus::Malformed, "hmac").unwrap()
    });
    let id = f.store.insert(e).await.unwrap().id;
    let redaction = Redaction {
        headers: vec!["X-Signature".into()],
        ..Redaction::default()
    };
    let (out, outcome) = run(
        &f.store,
        &Selection::Ids(vec![id]),
        &spec(ExportFormat::Har, redaction),
    );
    assert!(
        !contains(&out, &quoted[..20]),
        "{}",
        String::from_utf8_lossy(&out)
    );
    assert!(
        outcome
            .redactions
            .iter()
            .any(|i| i.part == RedactedPart::Details
                && i.rule == RedactionRule::RedactedValue
                && i.place == "verdict reason")
    );
}

#[tokio::test]
async fn queries_run_oldest_first_and_missing_or_bad_input_is_reported() {
    let f = fixture().await;
    let (out, outcome) = run(
        &f.store,
        &Selection::Query {
            query: crate::query::parse("", 0).unwrap(),
            endpoint_id: None,
        },
        &spec(ExportFormat::Har, Redaction::default()),
    );
    assert_eq!(outcome.events, 5);
    let har: Value = serde_json::from_slice(&out).unwrap();
    let ids: Vec<i64> = har["log"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["_hooklens"]["kind"] == "captured")
        .map(|e| e["_hooklens"]["eventId"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [f.kulmi, f.own, f.binary, f.basic, f.plain]);

    let (_, outcome) = run(
        &f.store,
        &Selection::Ids(vec![f.plain, 999_999, f.plain]),
        &spec(ExportFormat::Bundle, Redaction::default()),
    );
    assert_eq!((outcome.events, outcome.missing), (1, 1));

    for (bad, words) in [
        (
            Redaction {
                json_paths: vec!["data..email".into()],
                ..Redaction::default()
            },
            "data..email",
        ),
        (
            Redaction {
                headers: vec!["X Bad".into()],
                ..Redaction::default()
            },
            "not a header name",
        ),
    ] {
        let mut out = Vec::new();
        let err = export(
            &f.store,
            &f.all(),
            &spec(ExportFormat::Har, bad),
            &mut out,
            &AtomicBool::new(false),
            |_| {},
        )
        .unwrap_err();
        assert!(matches!(err, ExportError::Redaction(_)));
        assert!(err.to_string().contains(words), "{err}");
        assert!(out.is_empty(), "nothing written before the rules apply");
    }
}

/// Flips `cancel` at its first write: with the export's buffer in front,
/// that is some way into the events.
struct CancelOnWrite<'a> {
    out: Vec<u8>,
    cancel: &'a AtomicBool,
}

impl std::io::Write for CancelOnWrite<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.cancel
            .store(true, std::sync::atomic::Ordering::Relaxed);
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn many(store: &Store, count: i64, body: impl Fn(i64) -> Vec<u8>) -> Vec<i64> {
    let mut ids = Vec::with_capacity(count as usize);
    // Inserts in flight together are committed in groups by the writer.
    for chunk in (0..count).collect::<Vec<_>>().chunks(500) {
        let tasks: Vec<_> = chunk
            .iter()
            .map(|&n| {
                let store = store.clone();
                let e = new_event(
                    DEFAULT_ENDPOINT_ID,
                    100 + n,
                    &format!("/bulk/{n}"),
                    headers(&[("Content-Type", b"application/json")]),
                    &body(n),
                );
                tokio::spawn(async move { store.insert(e).await.map(|s| s.id) })
            })
            .collect();
        for t in tasks {
            ids.push(t.await.unwrap().unwrap());
        }
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_export_is_still_a_valid_file() {
    let f = fixture().await;
    let ids = many(&f.store, 600, |n| {
        format!("{{\"n\":{n},\"pad\":\"{}\"}}", "x".repeat(300)).into_bytes()
    })
    .await;
    for format in [ExportFormat::Har, ExportFormat::Bundle, ExportFormat::Raw] {
        let cancel = AtomicBool::new(false);
        let mut out = CancelOnWrite {
            out: Vec::new(),
            cancel: &cancel,
        };
        let outcome = export(
            &f.store,
            &Selection::Ids(ids.clone()),
            &spec(format, Redaction::default()),
            &mut out,
            &cancel,
            |_| {},
        )
        .unwrap();
        assert!(outcome.cancelled, "{format:?}");
        assert!(
            outcome.events > 0 && outcome.events < 600,
            "{format:?}: {}",
            outcome.events
        );
        match format {
            ExportFormat::Har => {
                let har: Value = serde_json::from_slice(&out.out).expect("still valid JSON");
                assert_eq!(
                    har["log"]["entries"].as_array().unwrap().len() as u64,
                    outcome.events
                );
                assert_eq!(har["log"]["_hooklens"]["cancelled"], true);
            }
            ExportFormat::Bundle => {
                let lines: Vec<Line> = out
                    .out
                    .split(|&b| b == b'\n')
                    .filter(|l| !l.is_empty())
                    .map(|l| serde_json::from_slice(l).expect("whole lines only"))
                    .collect();
                let events = lines.iter().filter(|l| matches!(l, Line::Event(_))).count();
                assert_eq!(events as u64, outcome.events);
            }
            _ => assert!(contains(&out.out, "export cancelled after")),
        }
    }
}

/// Debug builds insert and export 10,000 events within a few seconds; the
/// 100,000-event figure and bounded memory are in
/// `tests/export_memory.rs` and `make bench`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_events_export_with_progress() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let ids = many(&store, 10_000, |n| {
        format!("{{\"type\":\"bulk\",\"n\":{n}}}").into_bytes()
    })
    .await;
    let mut reports = Vec::new();
    let mut out = Vec::new();
    let outcome = export(
        &store,
        &Selection::Ids(ids),
        &spec(ExportFormat::Bundle, Redaction::default()),
        &mut out,
        &AtomicBool::new(false),
        |p| reports.push(p),
    )
    .unwrap();
    assert_eq!(outcome.events, 10_000);
    assert_eq!(reports.first().map(|p| p.done), Some(0));
    assert_eq!(
        reports.last(),
        Some(&ExportProgress {
            done: 10_000,
            total: 10_000
        })
    );
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 10_002);
}
