//! Search over a real SQLite file: every field, negation, words, and that
//! every plan the planner can choose returns the same pages.

use std::collections::HashMap;

use super::compile::fts_string;
use super::filters::{json_path, path_glob, successor};
use super::plan::{Tuning, with_tuning};
use super::*;
use crate::model::EndpointSpec;
use crate::query::parse;
use crate::signature::{Verdict, VerdictStatus};
use crate::store::{DEFAULT_ENDPOINT_ID, NewEvent, PageQuery, Reader, Store, StoredHeader};

/// 2026-11-20T00:00:00Z
const BASE: i64 = 1_795_132_800_000_000_000;
const HOUR: i64 = 3_600_000_000_000;
/// `now` for relative times: 2026-11-20T08:00:00Z.
const NOW_MS: i64 = (BASE + 8 * HOUR) / 1_000_000;

/// Thresholds that force each kind of plan on a small store.
const SORTED: Tuning = Tuning {
    sort_at_most: i64::MAX / 4,
    selective_share: 1,
    newest_max_hits: 0,
    ..Tuning::DEFAULT
};
const WALKS: Tuning = Tuning {
    sort_at_most: 0,
    selective_share: 1,
    count_selective_share: 1,
    first_chunk: 2,
    max_chunk: 3,
    query_cost_in_postings: 0.0,
    min_gap: 1,
    newest_max_hits: 0,
    newest_estimate_every: 1,
};
const TIMELINE: Tuning = Tuning {
    sort_at_most: 0,
    selective_share: i64::MAX,
    count_selective_share: i64::MAX,
    first_chunk: 1,
    max_chunk: 2,
    query_cost_in_postings: 0.0,
    min_gap: 1,
    newest_max_hits: 0,
    newest_estimate_every: 1,
};
/// Pages of words from the newest full-text hits, an estimate after every
/// hit, however many it takes.
const NEWEST: Tuning = Tuning {
    newest_max_hits: usize::MAX / 4,
    newest_estimate_every: 1,
    ..Tuning::DEFAULT
};
const TUNINGS: [(&str, Tuning); 5] = [
    ("default", Tuning::DEFAULT),
    ("sorted", SORTED),
    ("walks", WALKS),
    ("timeline", TIMELINE),
    ("newest", NEWEST),
];

fn verdict(status: VerdictStatus) -> Option<Verdict> {
    Some(Verdict {
        status,
        scheme: Some("standard-webhooks".into()),
        secret: None,
        age_s: None,
        diagnosis: None,
        reason: None,
        assumed: false,
    })
}

fn headers(pairs: &[(&str, &[u8])]) -> Vec<StoredHeader> {
    pairs
        .iter()
        .map(|(name, value)| StoredHeader::new(name, value))
        .collect()
}

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    /// Event ids by name.
    ids: HashMap<&'static str, i64>,
    github: i64,
}

/// The two endpoints both fixtures route to, by path and preset: their ids.
fn kustom_and_github(store: &Store) -> (i64, i64) {
    let endpoint = |name: &str, prefix: &str, preset: &str| {
        store
            .add_endpoint(&EndpointSpec {
                name: name.into(),
                path_prefix: prefix.into(),
                preset: Some(preset.into()),
                response: Default::default(),
                scheme: None,
                forwards: Vec::new(),
                rules: Vec::new(),
            })
            .unwrap()
            .id
    };
    (
        endpoint("Kustom", "/kustom", "kustom"),
        endpoint("GitHub", "/github", "github"),
    )
}

impl Fixture {
    async fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let (kustom, github) = kustom_and_github(&store);
        let kustom_headers: &[(&str, &[u8])] = &[
            ("content-type", b"application/json"),
            ("user-agent", b"Kustom-Webhooks/2.1"),
        ];
        let created_body = br#"{"id":"k1","type":"order.created","metadata":{"checkoutId":"chk_1"},"amount":100,"paid":true,"note":"gift wrap please","items":[{"sku":"A-1"}]}"#;
        let kustom_event = |n: i64, path: &str, event_type: &str, id: &str, body: &[u8]| NewEvent {
            received_at_ns: BASE + n * HOUR,
            endpoint_id: Some(kustom),
            method: "POST".into(),
            path: path.into(),
            headers: headers(kustom_headers),
            body: body.to_vec(),
            provider: Some("kustom".into()),
            event_type: Some(event_type.into()),
            provider_event_id: Some(id.into()),
            ..NewEvent::default()
        };
        let events = [
            (
                "created",
                NewEvent {
                    merchant_id: Some("m_1".into()),
                    verdict: verdict(VerdictStatus::Valid),
                    ..kustom_event(1, "/kustom/orders", "order.created", "k1", created_body)
                },
            ),
            (
                "refunded",
                NewEvent {
                    merchant_id: Some("m_2".into()),
                    verdict: verdict(VerdictStatus::Invalid),
                    ..kustom_event(
                        2,
                        "/kustom/refunds",
                        "order.refunded",
                        "k2",
                        br#"{"id":"k2","type":"order.refunded","metadata":{"checkoutId":"chk_2"},"amount":100.50,"paid":false,"note":"gift card refund"}"#,
                    )
                },
            ),
            (
                "again",
                NewEvent {
                    merchant_id: Some("m_1".into()),
                    verdict: verdict(VerdictStatus::Valid),
                    ..kustom_event(3, "/kustom/orders", "order.created", "k1", created_body)
                },
            ),
            (
                "push",
                NewEvent {
                    received_at_ns: BASE + 4 * HOUR,
                    endpoint_id: Some(github),
                    method: "POST".into(),
                    path: "/github/hooks".into(),
                    headers: headers(&[
                        ("content-type", b"application/json"),
                        ("X-GitHub-Event", b"push"),
                        ("user-agent", b"GitHub-Hookshot/1"),
                    ]),
                    body: br#"{"ref":"refs/heads/main","head_commit":{"message":"fix refund rounding"}}"#
                        .to_vec(),
                    provider: Some("github".into()),
                    event_type: Some("push".into()),
                    provider_event_id: Some("gh-1".into()),
                    merchant_id: Some("acme/shop".into()),
                    // Came through a tunnel to the tunnel ingress.
                    via: Some(crate::model::TunnelArrival {
                        kind: "cloudflared".into(),
                        public_url: Some("https://abc.trycloudflare.com".into()),
                        client_addr: Some("203.0.113.7".into()),
                        client_header: Some("Cf-Connecting-Ip".into()),
                        client_vouched: true,
                    }),
                    ..NewEvent::default()
                },
            ),
            (
                "ping",
                NewEvent {
                    received_at_ns: BASE + 5 * HOUR,
                    endpoint_id: Some(DEFAULT_ENDPOINT_ID),
                    method: "GET".into(),
                    path: "/hooks/ping".into(),
                    headers: headers(&[("X-Trace", b"Trace-ABC-9")]),
                    body: b"hello there, no json".to_vec(),
                    verdict: verdict(VerdictStatus::Unsigned),
                    // Brought in by an import, not the listener.
                    source: Some(crate::model::ImportSource {
                        format: "raw".into(),
                        file: Some("case-42.txt".into()),
                        note: None,
                        entry: 1,
                        arrival: "time of import".into(),
                        warnings: Vec::new(),
                        recorded_verdict: None,
                        redactions: Vec::new(),
                    }),
                    fingerprint: Some(vec![7; 32]),
                    ..NewEvent::default()
                },
            ),
            (
                "dispute",
                NewEvent {
                    merchant_id: Some("m_1".into()),
                    verdict: verdict(VerdictStatus::Stale),
                    ..kustom_event(
                        6,
                        "/kustom/disputes",
                        "dispute.opened",
                        "k3",
                        br#"{"id":"k3","type":"dispute.opened","note":"customer says item never arrived","odd":"a\"quote"}"#,
                    )
                },
            ),
            (
                "binary",
                NewEvent {
                    received_at_ns: BASE + 7 * HOUR,
                    endpoint_id: Some(DEFAULT_ENDPOINT_ID),
                    method: "PUT".into(),
                    path: "/odd*path?[x]".into(),
                    headers: headers(&[("x-odd", b"caf\xe9")]),
                    body: b"\xff\xfe\x00binary".to_vec(),
                    ..NewEvent::default()
                },
            ),
        ];
        let mut ids = HashMap::new();
        for (name, event) in events {
            ids.insert(name, store.insert(event).await.unwrap().id);
        }
        let fixture = Fixture {
            _dir: dir,
            store,
            ids,
            github,
        };
        fixture.wait_until_indexed();
        fixture
    }

    /// Text reaches the full-text index shortly after it is stored.
    fn wait_until_indexed(&self) {
        wait_until_indexed(
            &self.store,
            self.ids.values().copied().max().unwrap_or_default(),
        );
    }

    fn names(&self, ids: &[i64]) -> Vec<&'static str> {
        ids.iter()
            .map(|id| {
                *self
                    .ids
                    .iter()
                    .find(|(_, v)| *v == id)
                    .map(|(k, _)| k)
                    .unwrap_or(&"?")
            })
            .collect()
    }

    /// The names a query finds, newest first, under every plan; they must
    /// agree, and the capped count must match.
    fn find(&self, text: &str) -> Vec<&'static str> {
        let reader = self.store.reader().unwrap();
        let query = parse(text, NOW_MS).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        let mut found: Option<Vec<&'static str>> = None;
        for (name, tuning) in TUNINGS {
            let names = with_tuning(tuning, || {
                let page = reader
                    .query(&PageQuery {
                        limit: 100,
                        query: query.clone(),
                        ..PageQuery::default()
                    })
                    .unwrap();
                let count = reader.count_matching(&query, None, 100).unwrap();
                assert_eq!(count.count as usize, page.len(), "{text} ({name}): count");
                assert!(!count.capped);
                self.names(&page.iter().map(|e| e.id).collect::<Vec<_>>())
            });
            match &found {
                None => found = Some(names),
                Some(first) => assert_eq!(&names, first, "{text}: {name} disagrees"),
            }
        }
        found.unwrap_or_default()
    }
}

const ALL: [&str; 7] = [
    "binary", "dispute", "ping", "push", "again", "refunded", "created",
];

fn all_but(excluded: &[&str]) -> Vec<&'static str> {
    ALL.iter()
        .copied()
        .filter(|n| !excluded.contains(n))
        .collect()
}

#[tokio::test]
async fn every_field_filters_and_negates() {
    let f = Fixture::new().await;
    let ping = f.ids["ping"];
    let cases: Vec<(String, Vec<&str>)> = vec![
        ("".into(), ALL.to_vec()),
        ("type:order.created".into(), vec!["again", "created"]),
        ("type:order.*".into(), vec!["again", "refunded", "created"]),
        ("type:order".into(), vec![]),
        (
            "type:*".into(),
            vec!["dispute", "push", "again", "refunded", "created"],
        ),
        // Negation keeps events that have no value at all.
        ("-type:order.created".into(), all_but(&["again", "created"])),
        (
            "provider:KUSTOM".into(),
            vec!["dispute", "again", "refunded", "created"],
        ),
        ("-provider:kustom".into(), vec!["binary", "ping", "push"]),
        // Endpoints by name (any case), path prefix or id.
        (
            "endpoint:kustom".into(),
            vec!["dispute", "again", "refunded", "created"],
        ),
        (
            "endpoint:/kustom/".into(),
            vec!["dispute", "again", "refunded", "created"],
        ),
        (format!("endpoint:{}", f.github), vec!["push"]),
        ("endpoint:/".into(), vec!["binary", "ping"]),
        ("endpoint:nosuch".into(), vec![]),
        ("method:get".into(), vec!["ping"]),
        ("-method:POST".into(), vec!["binary", "ping"]),
        ("path:/kustom/r".into(), vec!["refunded"]),
        ("path:/*/hooks".into(), vec!["push"]),
        // Quoted: GLOB's specials and the star are literal.
        (r#"path:"/odd*path?[x]""#.into(), vec!["binary"]),
        (r#"path:"/o*""#.into(), vec![]),
        ("path:/o*path".into(), vec!["binary"]),
        ("status:valid".into(), vec!["again", "created"]),
        ("status:invalid".into(), vec!["refunded"]),
        ("status:stale".into(), vec!["dispute"]),
        ("status:unsigned".into(), vec!["ping"]),
        ("status:unverified".into(), vec!["binary", "push"]),
        ("-status:valid".into(), all_but(&["again", "created"])),
        // Both deliveries of a provider event id; our own id with # or digits.
        ("id:k1".into(), vec!["again", "created"]),
        (format!("id:#{ping}"), vec!["ping"]),
        (format!("id:{ping}"), vec!["ping"]),
        ("id:nosuch".into(), vec![]),
        ("-id:k1".into(), all_but(&["again", "created"])),
        ("merchant:m_1".into(), vec!["dispute", "again", "created"]),
        ("merchant:M_1".into(), vec![]),
        // A header by name, value contained, any case.
        ("header.x-trace:abc".into(), vec!["ping"]),
        ("header.X-TRACE:trace-abc-9".into(), vec!["ping"]),
        ("header.x-trace:zzz".into(), vec![]),
        ("header.x-github-event:push".into(), vec!["push"]),
        ("header.x-github-event:*".into(), vec!["push"]),
        ("-header.x-github-event:*".into(), all_but(&["push"])),
        ("header.x-odd:*".into(), vec!["binary"]),
        (
            "header.user-agent:kustom".into(),
            vec!["dispute", "again", "refunded", "created"],
        ),
        // The JSON body's value at a path: strings, numbers as written,
        // booleans, array indexes.
        (
            "json.metadata.checkoutId:chk_1".into(),
            vec!["again", "created"],
        ),
        ("json.amount:100".into(), vec!["again", "created"]),
        ("json.amount:100.50".into(), vec!["refunded"]),
        ("json.amount:100.5".into(), vec![]),
        ("json.paid:true".into(), vec!["again", "created"]),
        ("json.paid:false".into(), vec!["refunded"]),
        ("json.items.0.sku:A-1".into(), vec!["again", "created"]),
        (r#"json.note:"gift card refund""#.into(), vec!["refunded"]),
        (r#"json.odd:"a\"quote""#.into(), vec!["dispute"]),
        (
            "json.metadata:*".into(),
            vec!["again", "refunded", "created"],
        ),
        (
            r#"json.head_commit.message:"fix refund rounding""#.into(),
            vec!["push"],
        ),
        // Not JSON (or no such value): kept by a negation.
        ("-json.paid:true".into(), all_but(&["again", "created"])),
        // Times: absolute (inclusive after, exclusive before) and relative.
        (
            "after:2026-11-20T04:00:00Z".into(),
            vec!["binary", "dispute", "ping", "push"],
        ),
        (
            "before:2026-11-20T03:00Z".into(),
            vec!["refunded", "created"],
        ),
        (
            "after:2026-11-20T02:00Z before:2026-11-20T04:00Z".into(),
            vec!["again", "refunded"],
        ),
        ("after:3h".into(), vec!["binary", "dispute", "ping"]),
        (
            "-after:3h".into(),
            vec!["push", "again", "refunded", "created"],
        ),
        ("dup:yes".into(), vec!["again"]),
        ("dup:no".into(), all_but(&["again"])),
        ("source:import".into(), vec!["ping"]),
        ("-source:import".into(), all_but(&["ping"])),
        ("source:live".into(), all_but(&["ping"])),
        ("source:import method:get".into(), vec!["ping"]),
        ("via:tunnel".into(), vec!["push"]),
        ("-via:tunnel".into(), all_but(&["push"])),
        ("via:local".into(), all_but(&["push", "ping"])),
        ("-via:local".into(), vec!["ping", "push"]),
        ("via:tunnel provider:github".into(), vec!["push"]),
        ("via:tunnel provider:kustom".into(), vec![]),
    ];
    for (query, expected) in cases {
        assert_eq!(f.find(&query), expected, "{query}");
    }
}

#[tokio::test]
async fn words_phrases_prefixes_and_exclusions_search_path_headers_and_body() {
    let f = Fixture::new().await;
    for (query, expected) in [
        ("refund", vec!["push", "refunded"]),
        ("gift", vec!["again", "refunded", "created"]),
        (r#""gift card""#, vec!["refunded"]),
        (r#""card gift""#, vec![]),
        ("gif*", vec!["again", "refunded", "created"]),
        // Excluding a word keeps events without text (binary bodies).
        ("-gift", vec!["binary", "dispute", "ping", "push"]),
        ("-gif*", vec!["binary", "dispute", "ping", "push"]),
        ("hookshot", vec!["push"]),
        ("disputes", vec!["dispute"]),
        ("hello there", vec!["ping"]),
        ("zeppelin", vec![]),
        (
            "gift -card provider:kustom status:valid",
            vec!["again", "created"],
        ),
        ("refund type:push", vec!["push"]),
        ("refund -type:push after:1d", vec!["refunded"]),
        ("gif* json.paid:false", vec!["refunded"]),
        ("-gift -refund status:unverified", vec!["binary"]),
        // User text is never FTS5 or SQL syntax.
        (r#""refund OR gift""#, vec![]),
        ("refund OR gift", vec![]),
        (r#""path : refunds""#, vec![]),
        (r#""'; DROP TABLE events; --""#, vec![]),
        (r#"json.note:"'); DROP TABLE events; --""#, vec![]),
    ] {
        assert_eq!(f.find(query), expected, "{query}");
    }
    assert_eq!(f.store.reader().unwrap().count().unwrap(), 7);
}

#[tokio::test]
async fn json_and_header_filters_find_events_before_their_text_is_indexed() {
    let f = Fixture::new().await;
    let body = br#"{"metadata":{"checkoutId":"chk_fresh"}}"#;
    let fresh = f
        .store
        .insert(NewEvent {
            received_at_ns: BASE + 9 * HOUR,
            method: "POST".into(),
            path: "/fresh".into(),
            headers: headers(&[("x-fresh", b"yes")]),
            body: body.to_vec(),
            ..NewEvent::default()
        })
        .await
        .unwrap();
    // Right after the commit (text is indexed in batches, later).
    let reader = f.store.reader().unwrap();
    for text in ["json.metadata.checkoutId:chk_fresh", "header.x-fresh:yes"] {
        for (name, tuning) in TUNINGS {
            let found = with_tuning(tuning, || {
                reader
                    .query(&PageQuery {
                        limit: 10,
                        query: parse(text, NOW_MS).unwrap(),
                        ..PageQuery::default()
                    })
                    .unwrap()
            });
            assert_eq!(
                found.iter().map(|e| e.id).collect::<Vec<_>>(),
                [fresh.id],
                "{text} ({name})"
            );
        }
    }
}

/// Waits (up to 5 s) until the full-text index holds every event up to id
/// `newest`: text reaches it shortly after it is stored.
fn wait_until_indexed(store: &Store, newest: i64) {
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while crate::store::fulltext::first_pending(&conn).unwrap() <= newest {
        assert!(std::time::Instant::now() < deadline, "not indexed in 5 s");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// A store of many events with ties in time, for paging.
async fn many(n: i64) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for i in 0..n {
        let kind = ["order.created", "order.refunded", "push"][(i % 3) as usize];
        let word = if i % 4 == 0 { "gift" } else { "plain" };
        store
            .insert(NewEvent {
                // Pairs share a time: the id breaks the tie.
                received_at_ns: BASE + (i / 2) * HOUR,
                method: "POST".into(),
                path: format!("/p/{i}"),
                body: format!(r#"{{"n":{i},"note":"{word} {kind}"}}"#).into_bytes(),
                provider: Some(if i % 5 == 0 { "github" } else { "kustom" }.into()),
                event_type: Some(kind.into()),
                merchant_id: Some(format!("m_{}", i % 7)),
                verdict: verdict(if i % 6 == 0 {
                    VerdictStatus::Invalid
                } else {
                    VerdictStatus::Valid
                }),
                ..NewEvent::default()
            })
            .await
            .unwrap();
    }
    wait_until_indexed(&store, n);
    (dir, store)
}

fn page(
    reader: &Reader,
    text: &str,
    limit: u32,
    before: Option<Cursor>,
    after: Option<Cursor>,
) -> Vec<EventSummary> {
    reader
        .query(&PageQuery {
            limit,
            before,
            after,
            query: parse(text, NOW_MS).unwrap(),
            ..PageQuery::default()
        })
        .unwrap()
}

fn cursor(e: &EventSummary) -> Cursor {
    e.cursor.parse().unwrap()
}

#[tokio::test]
async fn pages_follow_each_other_without_gaps_or_repeats_both_ways() {
    let (_dir, store) = many(90).await;
    let reader = store.reader().unwrap();
    for text in [
        "",
        "type:order.created",
        "gift",
        "gift provider:kustom -status:invalid",
        "-gift merchant:m_3",
        "json.note:\"plain push\"",
        "type:order.*",
    ] {
        for (name, tuning) in TUNINGS {
            with_tuning(tuning, || {
                let everything = page(&reader, text, 1000, None, None);
                assert!(!everything.is_empty(), "{text}");
                // Newest first by (received_at, id).
                let keys: Vec<(i64, i64)> = everything
                    .iter()
                    .map(|e| (cursor(e).received_at_ns, e.id))
                    .collect();
                let mut sorted = keys.clone();
                sorted.sort_by(|a, b| b.cmp(a));
                assert_eq!(keys, sorted, "{text} ({name}): order");

                // Older pages from each last cursor.
                let mut walked = Vec::new();
                let mut before = None;
                loop {
                    let p = page(&reader, text, 7, before, None);
                    walked.extend(p.iter().map(|e| e.id));
                    match p.last() {
                        Some(last) if p.len() == 7 => before = Some(cursor(last)),
                        _ => break,
                    }
                }
                let all: Vec<i64> = everything.iter().map(|e| e.id).collect();
                assert_eq!(walked, all, "{text} ({name}): older pages");

                // Newer pages from the oldest, each still newest first.
                let mut after = everything.last().map(cursor);
                let mut up = vec![everything.last().unwrap().id];
                loop {
                    let p = page(&reader, text, 7, None, after);
                    let keys: Vec<i64> = p.iter().map(|e| e.id).collect();
                    let mut ids = keys.clone();
                    ids.reverse();
                    up.extend(ids);
                    match p.first() {
                        Some(newest) if p.len() == 7 => after = Some(cursor(newest)),
                        _ => break,
                    }
                }
                up.reverse();
                assert_eq!(up, all, "{text} ({name}): newer pages");

                // Between two cursors.
                if all.len() > 4 {
                    let between = page(
                        &reader,
                        text,
                        100,
                        Some(cursor(&everything[0])),
                        Some(cursor(&everything[3])),
                    );
                    let ids: Vec<i64> = between.iter().map(|e| e.id).collect();
                    assert_eq!(ids, all[1..3], "{text} ({name}): between");
                }
            });
        }
    }
}

#[tokio::test]
async fn counts_stop_at_the_cap() {
    let (_dir, store) = many(60).await;
    let reader = store.reader().unwrap();
    for (name, tuning) in TUNINGS {
        with_tuning(tuning, || {
            let count = |text: &str, cap: u32| {
                reader
                    .count_matching(&parse(text, NOW_MS).unwrap(), None, cap)
                    .unwrap()
            };
            assert_eq!(
                count("", 10),
                MatchCount {
                    count: 10,
                    capped: true
                },
                "{name}"
            );
            assert_eq!(
                count("", 60),
                MatchCount {
                    count: 60,
                    capped: false
                },
                "{name}"
            );
            assert_eq!(
                count("gift", 100),
                MatchCount {
                    count: 15,
                    capped: false
                },
                "{name}"
            );
            assert_eq!(
                count("gift", 14),
                MatchCount {
                    count: 14,
                    capped: true
                },
                "{name}"
            );
            assert_eq!(
                count("type:push", 20),
                MatchCount {
                    count: 20,
                    capped: false
                },
                "{name}"
            );
            assert_eq!(count("zeppelin", 5).count, 0, "{name}");
        });
    }
}

/// One generated event of [`varied`], as the test knows it.
struct Made {
    id: i64,
    github: bool,
    delivery: i64,
    verdict: Option<VerdictStatus>,
    method: &'static str,
    kind: &'static str,
    merchant: String,
    gift: bool,
    minute: i64,
}

/// A store where every filter kind matches some events and not others:
/// two endpoints, redeliveries (every fifth event repeats the fourth
/// before it), unverified events, two methods, types, merchants and words.
async fn varied(n: i64) -> (tempfile::TempDir, Store, Vec<Made>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let (kustom, github) = kustom_and_github(&store);
    let mut made = Vec::new();
    for i in 0..n {
        // A redelivery carries its first delivery's request.
        let first = if i % 5 == 4 { i - 4 } else { i };
        let on_github = first % 3 == 0;
        let kind = ["push", "order.created", "order.refunded"][(first % 3) as usize];
        let gift = first % 4 == 1;
        let verdict = match i % 7 {
            0 => None,
            1 => Some(VerdictStatus::Invalid),
            2 => Some(VerdictStatus::Unsigned),
            _ => Some(VerdictStatus::Valid),
        };
        let method = if first % 4 == 0 { "GET" } else { "POST" };
        let merchant = format!("m_{}", first % 4);
        let (provider, path, agent): (&str, String, &[u8]) = if on_github {
            (
                "github",
                format!("/github/hooks/{first}"),
                b"GitHub-Hookshot/1",
            )
        } else {
            ("kustom", format!("/kustom/{first}"), b"Kustom-Webhooks/2.1")
        };
        let word = if gift { "gift" } else { "plain" };
        let stored = store
            .insert(NewEvent {
                received_at_ns: BASE + i * HOUR / 60,
                endpoint_id: Some(if on_github { github } else { kustom }),
                method: method.into(),
                path,
                headers: headers(&[("user-agent", agent)]),
                body: format!(r#"{{"n":{first},"kind":"{kind}","note":"{word} note"}}"#)
                    .into_bytes(),
                provider: Some(provider.into()),
                event_type: Some(kind.into()),
                provider_event_id: Some(format!("ev{first}")),
                merchant_id: Some(merchant.clone()),
                verdict: verdict.and_then(self::verdict),
                ..NewEvent::default()
            })
            .await
            .unwrap();
        made.push(Made {
            id: stored.id,
            github: on_github,
            delivery: if first == i { 1 } else { 2 },
            verdict,
            method,
            kind,
            merchant,
            gift,
            minute: i,
        });
    }
    wait_until_indexed(&store, n);
    (dir, store, made)
}

#[tokio::test]
async fn counts_are_exact_under_the_cap_and_capped_above_for_every_filter_kind() {
    let (_dir, store, made) = varied(120).await;
    let reader = store.reader().unwrap();
    let valid = Some(VerdictStatus::Valid);
    type Expect = fn(&Made) -> bool;
    let cases: [(&str, Expect); 27] = [
        ("", |_| true),
        ("status:unverified", |m| m.verdict.is_none()),
        ("status:unverified endpoint:GitHub", |m| {
            m.verdict.is_none() && m.github
        }),
        ("-status:unverified", |m| m.verdict.is_some()),
        ("status:invalid", |m| {
            m.verdict == Some(VerdictStatus::Invalid)
        }),
        ("status:invalid provider:kustom", |m| {
            m.verdict == Some(VerdictStatus::Invalid) && !m.github
        }),
        ("dup:yes", |m| m.delivery > 1),
        ("dup:yes provider:github", |m| m.delivery > 1 && m.github),
        ("dup:yes status:unverified", |m| {
            m.delivery > 1 && m.verdict.is_none()
        }),
        ("dup:no", |m| m.delivery == 1),
        ("-dup:yes", |m| m.delivery == 1),
        ("type:push", |m| m.kind == "push"),
        ("type:order.*", |m| m.kind.starts_with("order.")),
        ("-type:push method:POST", |m| {
            m.kind != "push" && m.method == "POST"
        }),
        ("provider:kustom", |m| !m.github),
        ("endpoint:GitHub", |m| m.github),
        ("method:GET", |m| m.method == "GET"),
        ("path:/github/*", |m| m.github),
        ("merchant:m_1", |m| m.merchant == "m_1"),
        ("header.user-agent:hookshot", |m| m.github),
        ("json.kind:order.refunded", |m| m.kind == "order.refunded"),
        ("after:2026-11-20T01:00:00Z", |m| m.minute >= 60),
        ("before:2026-11-20T00:30:00Z dup:yes", |m| {
            m.minute < 30 && m.delivery > 1
        }),
        ("gift", |m| m.gift),
        ("gift dup:yes", |m| m.gift && m.delivery > 1),
        ("gift status:unverified endpoint:GitHub", |m| {
            m.gift && m.verdict.is_none() && m.github
        }),
        ("-gift provider:github", |m| !m.gift && m.github),
    ];
    assert!(made.iter().any(|m| m.verdict == valid));
    for (text, expect) in cases {
        let query = parse(text, NOW_MS).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        let mut truth: Vec<i64> = made.iter().filter(|m| expect(m)).map(|m| m.id).collect();
        truth.reverse();
        let t = truth.len() as u32;
        assert!(
            t > 1 && t < made.len() as u32 || text.is_empty(),
            "{text}: {t} match"
        );
        for (name, tuning) in TUNINGS {
            with_tuning(tuning, || {
                let count = |cap: u32| reader.count_matching(&query, None, cap).unwrap();
                let exact = MatchCount {
                    count: i64::from(t),
                    capped: false,
                };
                assert_eq!(count(t), exact, "{text} ({name}): cap at the count");
                assert_eq!(count(t + 10), exact, "{text} ({name}): under the cap");
                let capped = |n: u32| MatchCount {
                    count: i64::from(n),
                    capped: true,
                };
                assert_eq!(count(t - 1), capped(t - 1), "{text} ({name}): one over");
                assert_eq!(count(1), capped(1), "{text} ({name}): far over");
                let page = reader
                    .query(&PageQuery {
                        limit: 1000,
                        query: query.clone(),
                        ..PageQuery::default()
                    })
                    .unwrap();
                let ids: Vec<i64> = page.iter().map(|e| e.id).collect();
                assert_eq!(ids, truth, "{text} ({name}): page");
            });
        }
    }
}

#[tokio::test]
async fn the_endpoint_tab_narrows_every_query() {
    let f = Fixture::new().await;
    let reader = f.store.reader().unwrap();
    for (name, tuning) in TUNINGS {
        with_tuning(tuning, || {
            let found = reader
                .query(&PageQuery {
                    limit: 10,
                    endpoint_id: Some(f.github),
                    query: parse("refund", NOW_MS).unwrap(),
                    ..PageQuery::default()
                })
                .unwrap();
            let ids: Vec<i64> = found.iter().map(|e| e.id).collect();
            assert_eq!(f.names(&ids), ["push"], "{name}");
            let count = reader
                .count_matching(&Query::default(), Some(f.github), 10)
                .unwrap();
            assert_eq!(count.count, 1, "{name}");
        });
    }
}

#[tokio::test]
async fn query_fields_offer_what_is_stored() {
    let f = Fixture::new().await;
    let fields = f
        .store
        .reader()
        .unwrap()
        .query_fields(&f.store.endpoints())
        .unwrap();
    let values = |name: &str| {
        fields
            .iter()
            .find(|field| field.name == name)
            .unwrap()
            .values
            .clone()
    };
    assert_eq!(
        values("type"),
        ["dispute.opened", "order.created", "order.refunded", "push"]
    );
    assert_eq!(values("method"), ["GET", "POST", "PUT"]);
    let endpoints: Vec<String> = f.store.endpoints().iter().map(|e| e.name.clone()).collect();
    assert_eq!(values("endpoint"), endpoints);
    assert!(endpoints.contains(&"Kustom".to_owned()));
    let providers = values("provider");
    assert_eq!(providers[0], "kustom", "presets first");
    assert!(providers.contains(&"github".to_owned()));
    assert!(values("status").contains(&"unverified".to_owned()));
    // Every field is there, described.
    assert_eq!(fields.len(), crate::query::fields().len());
}

#[test]
fn successors_bound_every_string_with_the_prefix() {
    assert_eq!(successor("dispute.").as_deref(), Some("dispute/"));
    assert_eq!(successor("a\u{10FFFF}").as_deref(), Some("b"));
    assert_eq!(successor("\u{10FFFF}"), None);
    assert_eq!(successor("\u{D7FF}").as_deref(), Some("\u{E000}"));
}

#[test]
fn paths_become_globs_with_their_specials_literal() {
    assert_eq!(path_glob("/a/*/b", false), "/a/*/b*");
    assert_eq!(path_glob("/a*?[", true), "/a[*][?][[]*");
}

#[test]
fn text_reaches_fts5_quoted() {
    assert_eq!(fts_string(r#"a "b" OR c"#, false), r#""a ""b"" OR c""#);
    assert_eq!(fts_string("checko", true), "\"checko\" *");
}

#[test]
fn json_paths_quote_keys_and_index_arrays() {
    assert_eq!(
        json_path(&["metadata".into(), "checkoutId".into()]),
        r#"$."metadata"."checkoutId""#
    );
    assert_eq!(
        json_path(&["items".into(), "0".into(), "sku".into()]),
        r#"$."items"[0]."sku""#
    );
    // Quoted labels read JSON escapes: a quote, a backslash or a control
    // character in a key is escaped, never a "bad JSON path".
    assert_eq!(json_path(&["a\"b".into()]), r#"$."a\"b""#);
    assert_eq!(json_path(&["a\\".into()]), r#"$."a\\""#);
    assert_eq!(
        json_path(&["a:1".into(), "x\0".into()]),
        r#"$."a:1"."x\u0000""#
    );
    // Past 32 bits SQLite would wrap the index round: a member's name.
    assert_eq!(json_path(&["4294967296".into()]), r#"$."4294967296""#);
}

/// `json.…:pend*` matches values that start with `pend` (strings by
/// content, numbers as written), under every plan; quoted, the star is
/// literal; GLOB's own specials in the stem are literal too.
#[tokio::test]
async fn a_json_value_ending_in_a_star_matches_a_prefix() {
    let f = Fixture::new().await;
    for (query, expected) in [
        ("json.note:gift*", vec!["again", "refunded", "created"]),
        ("json.note:customer*", vec!["dispute"]),
        (
            "json.metadata.checkoutId:chk_*",
            vec!["again", "refunded", "created"],
        ),
        ("json.metadata.checkoutId:chk_2*", vec!["refunded"]),
        // Numbers and booleans as written.
        ("json.amount:10*", vec!["again", "refunded", "created"]),
        ("json.amount:100.*", vec!["refunded"]),
        ("json.paid:tr*", vec!["again", "created"]),
        // Case matters, as for exact values.
        ("json.note:Gift*", vec![]),
        // An object has no text to start with anything.
        ("json.metadata:chk*", vec![]),
        (
            "-json.note:gift*",
            all_but(&["again", "refunded", "created"]),
        ),
        ("wrap json.note:gift*", vec!["again", "created"]),
        // Quoted: a literal star, which no note has.
        (r#"json.note:"gift*""#, vec![]),
    ] {
        assert_eq!(f.find(query), expected, "{query}");
    }

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut ids = Vec::new();
    for (n, body) in [
        r#"{"data":{"status":"pend*"}}"#,
        r#"{"data":{"status":"pending"}}"#,
        r#"{"data":{"status":"pe?d[1]"}}"#,
        r#"{"data":{"status":"pexd1"}}"#,
    ]
    .into_iter()
    .enumerate()
    {
        let event = store
            .insert(NewEvent {
                received_at_ns: BASE + n as i64 * HOUR,
                method: "POST".into(),
                path: "/s".into(),
                body: body.as_bytes().to_vec(),
                ..NewEvent::default()
            })
            .await
            .unwrap();
        ids.push(event.id);
    }
    let reader = store.reader().unwrap();
    for (text, expected) in [
        ("json.data.status:pend*", vec![ids[1], ids[0]]),
        (r#"json.data.status:"pend*""#, vec![ids[0]]),
        ("json.data.status:pending*", vec![ids[1]]),
        ("json.data.status:pe?d*", vec![ids[2]]),
        ("json.data.status:pe?d[1*", vec![ids[2]]),
        ("json.data.status:p*", vec![ids[3], ids[2], ids[1], ids[0]]),
    ] {
        let query = parse(text, NOW_MS).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        for (name, tuning) in TUNINGS {
            let found = with_tuning(tuning, || {
                reader
                    .query(&PageQuery {
                        limit: 10,
                        query: query.clone(),
                        ..PageQuery::default()
                    })
                    .unwrap_or_else(|e| panic!("{text} ({name}): {e}"))
            });
            assert_eq!(
                found.iter().map(|e| e.id).collect::<Vec<_>>(),
                expected,
                "{text} ({name})"
            );
        }
    }
}

/// `json.` keys with a colon, a dot, a backslash, a quote or a space: found
/// through the query language's escapes, where SQLite once answered "bad
/// JSON path".
#[tokio::test]
async fn json_query_keys_with_odd_characters_find_their_event() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let odd = store
        .insert(NewEvent {
            received_at_ns: BASE,
            method: "POST".into(),
            path: "/odd".into(),
            body:
                br#"{"a:1":"value","a\\":"back","a\"q":"quote","a.b":{"c d":7},"4294967296":"big"}"#
                    .to_vec(),
            ..NewEvent::default()
        })
        .await
        .unwrap();
    let plain = store
        .insert(NewEvent {
            received_at_ns: BASE + HOUR,
            method: "POST".into(),
            path: "/plain".into(),
            body: br#"{"a":{"1":"value"},"a\\":"other","items":["big"]}"#.to_vec(),
            ..NewEvent::default()
        })
        .await
        .unwrap();
    let reader = store.reader().unwrap();
    for (text, expected) in [
        (r"json.a\:1:value", vec![odd.id]),
        (r"json.a\:1:*", vec![odd.id]),
        (r"json.a\\:back", vec![odd.id]),
        (r"json.a\\:other", vec![plain.id]),
        (r#"json.a\"q:quote"#, vec![odd.id]),
        (r"json.a\.b.c\ d:7", vec![odd.id]),
        (r"json.4294967296:big", vec![odd.id]),
        (r"-json.a\:1:*", vec![plain.id]),
    ] {
        let query = parse(text, NOW_MS).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        for (name, tuning) in TUNINGS {
            let found = with_tuning(tuning, || {
                reader
                    .query(&PageQuery {
                        limit: 10,
                        query: query.clone(),
                        ..PageQuery::default()
                    })
                    .unwrap_or_else(|e| panic!("{text} ({name}): {e}"))
            });
            assert_eq!(
                found.iter().map(|e| e.id).collect::<Vec<_>>(),
                expected,
                "{text} ({name})"
            );
        }
    }
}

/// Where event ids stop following the timeline: the first id from which
/// every event is newer than all events more than `slack` ids before it,
/// by brute force.
fn ordered_from_by_hand(keys: &[(i64, i64)], slack: i64) -> i64 {
    let mut from = 0;
    for &(at_b, b) in keys {
        if keys
            .iter()
            .any(|&(at_a, a)| a < b - slack && (at_a, a) > (at_b, b))
        {
            from = from.max(b + 1);
        }
    }
    from
}

#[tokio::test]
async fn pages_of_words_read_newest_hits_first_equal_the_truth_whatever_the_disorder() {
    const SLACK: i64 = 3;
    const MINUTE: i64 = HOUR / 60;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    conn.execute("UPDATE timeline_order SET slack = ?1", [SLACK])
        .unwrap();
    let ordered_from = || -> i64 {
        conn.query_row("SELECT ordered_from FROM timeline_order", [], |r| r.get(0))
            .unwrap()
    };
    let mut made: Vec<Disordered> = Vec::new();
    let mut seed: u64 = 7;
    let n = 160;
    for i in 0..n {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let roll = (seed >> 33) % 10;
        let at = match i {
            // Late by far more than the slack allows: a slow request.
            40..=44 => BASE + (i - 20) * MINUTE,
            // An import of old events.
            70..=74 => BASE - (i + 1) * HOUR,
            // Stamped a little before or after their neighbours, within
            // the slack: newer than the next two or three events, or at
            // the same nanosecond as an earlier one.
            _ if roll < 2 => BASE + (i + 2 + roll as i64) * MINUTE + 1,
            _ if roll == 2 => BASE + (i - 1) * MINUTE,
            _ => BASE + i * MINUTE,
        };
        let gift = i % 3 != 0;
        let github = i % 4 == 1;
        let invalid = i % 5 == 2;
        let stored = store
            .insert(NewEvent {
                received_at_ns: at,
                method: "POST".into(),
                path: format!("/p/{i}"),
                body: format!(
                    r#"{{"n":{i},"note":"{} note"}}"#,
                    if gift { "gift" } else { "plain" }
                )
                .into_bytes(),
                provider: Some(if github { "github" } else { "kustom" }.into()),
                verdict: verdict(if invalid {
                    VerdictStatus::Invalid
                } else {
                    VerdictStatus::Valid
                }),
                ..NewEvent::default()
            })
            .await
            .unwrap();
        made.push((at, stored.id, gift, github, invalid));
        if i == 60 {
            // The late requests moved the promise past themselves, and
            // at most `slack` ids further.
            let from = ordered_from();
            let past = made[44].1 + 1;
            assert!(
                (past..=past + SLACK).contains(&from),
                "after the late requests: {from}"
            );
        }
    }
    wait_until_indexed(&store, n);
    // The writer kept what a walk over every pair finds (give or take the
    // `slack` it skips past a break), and the migration computes it exactly
    // for a store that has events already.
    let keys: Vec<(i64, i64)> = made.iter().map(|m| (m.0, m.1)).collect();
    let by_hand = ordered_from_by_hand(&keys, SLACK);
    assert_eq!(by_hand, made[74].1 + 1, "the import is the last break");
    let from = ordered_from();
    assert!((by_hand..=by_hand + SLACK).contains(&from), "{from}");
    let migration = crate::store::open::MIGRATION_SQL[13];
    let computed = migration
        .split("INSERT INTO timeline_order (ordered_from, slack)")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .unwrap()
        .replace("256", &SLACK.to_string());
    let from_migration: i64 = conn
        .query_row(&computed, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{computed}: {e}"));
    assert_eq!(from_migration, by_hand);

    let reader = store.reader().unwrap();
    let cases: [(&str, Expect); 6] = [
        ("gift", |m| m.2),
        ("plain", |m| !m.2),
        ("gift provider:github", |m| m.2 && m.3),
        ("plain -status:invalid", |m| !m.2 && !m.4),
        ("\"gift note\" provider:kustom", |m| m.2 && !m.3),
        ("note -gift status:invalid", |m| !m.2 && m.4),
    ];
    for (text, expect) in cases {
        let truth = truth_of(&made, expect);
        for (name, tuning) in TUNINGS {
            with_tuning(tuning, || {
                let ids = |p: &[EventSummary]| p.iter().map(|e| e.id).collect::<Vec<_>>();
                assert_eq!(
                    ids(&page(&reader, text, 1000, None, None)),
                    truth,
                    "{text} ({name}): all"
                );
                for limit in [1, 7] {
                    let mut walked = Vec::new();
                    let mut before = None;
                    loop {
                        let p = page(&reader, text, limit, before, None);
                        walked.extend(ids(&p));
                        match p.last() {
                            Some(last) if p.len() == limit as usize => {
                                before = Some(cursor(last));
                            }
                            _ => break,
                        }
                    }
                    assert_eq!(walked, truth, "{text} ({name}): pages of {limit}");
                }
            });
        }
    }

    // The newest hits answer pages within the promise, and leave pages
    // below it to the planner.
    let query = parse("gift", NOW_MS).unwrap();
    let newest = |window: Window| {
        let compiled = compile::compile(&reader.conn, &query, None).unwrap();
        newest::newest_hits(&reader.conn, &compiled, window, 10)
            .unwrap()
            .map(|events| events.iter().map(|e| e.id).collect::<Vec<_>>())
    };
    let first = newest(Window::default());
    assert_eq!(first.as_deref(), Some(&truth_of(&made, |m| m.2)[..10]));
    let deep = newest(Window {
        before: Some(Cursor {
            received_at_ns: made[72].0,
            id: made[72].1,
        }),
        after: None,
    });
    assert_eq!(deep, None);
}

/// An event of the disorder test: (received_at, id, gift, github, invalid).
type Disordered = (i64, i64, bool, bool, bool);
type Expect = fn(&Disordered) -> bool;

/// The ids `expect` keeps, newest first in the timeline.
fn truth_of(made: &[Disordered], expect: Expect) -> Vec<i64> {
    let mut keys: Vec<(i64, i64)> = made
        .iter()
        .filter(|m| expect(m))
        .map(|m| (m.0, m.1))
        .collect();
    keys.sort_by(|a, b| b.cmp(a));
    keys.into_iter().map(|(_, id)| id).collect()
}

/// A page of a common word reads its newest hits and stops: the statement
/// must take the hits in FTS5's own order. Were SQLite to sort them instead,
/// every hit of the word (half of a million events) would be read and
/// sorted for each page.
#[tokio::test]
async fn newest_hits_are_read_in_the_index_order_without_a_sort() {
    let f = Fixture::new().await;
    let reader = f.store.reader().unwrap();
    let window = Window {
        before: Some(Cursor {
            received_at_ns: BASE + 9 * HOUR,
            id: 1_000,
        }),
        after: None,
    };
    let query = parse(
        "gift provider:kustom status:valid -type:order.refunded",
        NOW_MS,
    )
    .unwrap();
    let compiled = compile::compile(&reader.conn, &query, None).unwrap();
    let bounds = window.conds(None);
    let checks = newest::row_checks(&compiled, &bounds);
    assert!(checks.len() >= 3, "the filters are checked on the rows");
    let (sql, _) = newest::hits_sql(&checks);
    let mut explain = reader
        .conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap();
    let unbound = explain.parameter_count();
    let plan: Vec<String> = explain
        .query_map(
            rusqlite::params_from_iter(std::iter::repeat_n(rusqlite::types::Value::Null, unbound)),
            |r| r.get(3),
        )
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let plan = plan.join("\n");
    assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    assert!(plan.starts_with("SCAN events_fts VIRTUAL TABLE"), "{plan}");
    assert!(
        plan.contains("SEARCH e USING INTEGER PRIMARY KEY"),
        "{plan}"
    );
}

/// `status:invalid` and its kin walk events_failed, which only a condition
/// repeating the index's own (word for word) may use: change one without
/// the other and SQLite cannot plan the walk at all.
#[tokio::test]
async fn failed_verdicts_walk_their_partial_index() {
    let (_dir, store, made) = varied(120).await;
    let reader = store.reader().unwrap();
    for text in ["status:invalid", "status:invalid provider:kustom"] {
        let q = PageQuery {
            limit: 50,
            query: parse(text, NOW_MS).unwrap(),
            ..PageQuery::default()
        };
        let plan = reader.query_plan(&q).unwrap();
        assert!(plan.contains("events_failed"), "{text}: {plan}");
        let got: Vec<i64> = reader.query(&q).unwrap().iter().map(|e| e.id).collect();
        let mut want: Vec<i64> = made
            .iter()
            .filter(|m| m.verdict == Some(VerdictStatus::Invalid))
            .filter(|m| !text.contains("kustom") || !m.github)
            .map(|m| m.id)
            .collect();
        want.reverse();
        assert_eq!(got, want, "{text}");
    }
}
