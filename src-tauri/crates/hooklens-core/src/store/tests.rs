//! The store over real SQLite files: what is stored and read back, the
//! full-text index and its outbox, retention, endpoints and secrets,
//! re-verification, the data directory's lock, and recovery after a crash.

use std::time::{Duration, Instant};

use super::open::RUNNING_MARK;
use super::writer::{INDEX_DELAY, RETENTION_EVERY};
use super::*;
use crate::model::{ConfiguredResponse, ReverifyProgress};

fn event(n: i64, body: &[u8]) -> NewEvent {
    NewEvent {
        received_at_ns: 1_700_000_000_000_000_000 + n,
        endpoint_id: Some(DEFAULT_ENDPOINT_ID),
        method: "POST".into(),
        path: format!("/hook/{n}"),
        headers: vec![StoredHeader::new("content-type", b"application/json")],
        remote_addr: Some("127.0.0.1:5000".into()),
        body: body.to_vec(),
        ..NewEvent::default()
    }
}

/// Text reaches the full-text index shortly after it is stored.
fn wait_until(done: impl FnMut() -> bool) {
    wait_within(Duration::from_secs(5), done);
}

fn wait_within(limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + limit;
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "not indexed within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Ids of the events whose text has all the words, newest first (ten).
fn search(store: &Store, text: &str) -> Vec<i64> {
    search_up_to(store, text, 10)
}

fn search_up_to(store: &Store, text: &str, limit: u32) -> Vec<i64> {
    store
        .reader()
        .unwrap()
        .query(&PageQuery {
            limit,
            query: crate::query::parse(text, 0).unwrap(),
            ..PageQuery::default()
        })
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect()
}

/// Databases whose full-text batches fail, as on a full disk, while the
/// events themselves still commit.
static FAIL_INDEX: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

pub(super) fn index_fails_for(path: Option<&str>) -> bool {
    path.is_some_and(|p| FAIL_INDEX.lock().unwrap().iter().any(|f| f == p))
}

fn set_index_failing(store: &Store, failing: bool) {
    let path = store.path().to_string_lossy().into_owned();
    let mut list = FAIL_INDEX.lock().unwrap();
    list.retain(|p| *p != path);
    if failing {
        list.push(path);
    }
}

#[tokio::test]
async fn text_that_failed_to_index_is_indexed_when_space_returns() {
    let dir = tempfile::tempdir().unwrap();
    let capture = StoreOptions {
        capture: true,
        ..StoreOptions::default()
    };
    let store = Store::open_with(dir.path(), capture).unwrap();
    let mut acknowledged = Vec::new();
    acknowledged.push(store.insert(event(1, b"zeta before")).await.unwrap().id);
    wait_within(Duration::from_secs(15), || {
        search(&store, "zeta").len() == 1
    });

    // The disk fills: events still commit (and are acknowledged), their text
    // cannot be indexed, batch after batch.
    set_index_failing(&store, true);
    for n in 2..40 {
        acknowledged.push(store.insert(event(n, b"zeta during")).await.unwrap().id);
        if n % 10 == 0 {
            std::thread::sleep(INDEX_DELAY * 2);
        }
    }
    std::thread::sleep(INDEX_DELAY * 2);
    assert_eq!(
        search(&store, "zeta").len(),
        1,
        "nothing new indexed while full"
    );

    // Space returns; later events index at once, the waiting ones on retry.
    set_index_failing(&store, false);
    for n in 40..60 {
        acknowledged.push(store.insert(event(n, b"zeta after")).await.unwrap().id);
    }
    wait_within(Duration::from_secs(15), || {
        search_up_to(&store, "zeta", 1000).len() == acknowledged.len()
    });
    let mut found = search_up_to(&store, "zeta", 1000);
    found.sort_unstable();
    assert_eq!(found, acknowledged, "every acknowledged event findable");
}

#[tokio::test]
async fn text_still_waiting_at_a_stop_is_indexed_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let capture = StoreOptions {
        capture: true,
        ..StoreOptions::default()
    };
    let store = Store::open_with(dir.path(), capture).unwrap();
    set_index_failing(&store, true);
    let mut acknowledged = Vec::new();
    for n in 1..30 {
        acknowledged.push(store.insert(event(n, b"kappa")).await.unwrap().id);
    }
    std::thread::sleep(INDEX_DELAY * 3);
    set_index_failing(&store, true);
    drop(store);
    std::thread::sleep(Duration::from_millis(300));
    let path = dir
        .path()
        .join(DATABASE_FILE)
        .to_string_lossy()
        .into_owned();
    FAIL_INDEX.lock().unwrap().retain(|p| *p != path);

    let store = Store::open_with(dir.path(), capture).unwrap();
    let mut found = search_up_to(&store, "kappa", 1000);
    found.sort_unstable();
    assert_eq!(found, acknowledged);
}

fn from_provider(n: i64, provider: &str, event_id: &str) -> NewEvent {
    NewEvent {
        provider: Some(provider.into()),
        provider_event_id: Some(event_id.into()),
        ..event(n, b"{}")
    }
}

#[tokio::test]
async fn stored_bytes_come_back_exactly_and_pages_are_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let raw = b"\xff\xfe not utf-8 \r\n".to_vec();
    let first = store.insert(event(1, &raw)).await.unwrap();
    for n in 2..=5 {
        store.insert(event(n, b"{}")).await.unwrap();
    }
    let reader = store.reader().unwrap();
    assert_eq!(reader.body(first.id).unwrap().unwrap(), raw);

    let page = reader.page(3, None).unwrap();
    assert!(page.has_more);
    let paths: Vec<_> = page.events.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["/hook/5", "/hook/4", "/hook/3"]);
    let last = page.events.last().unwrap();
    let next = reader.page(3, Some(last.cursor.parse().unwrap())).unwrap();
    let paths: Vec<_> = next.events.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["/hook/2", "/hook/1"]);
    assert!(!next.has_more);
}

#[test]
fn cursors_round_trip_and_reject_garbage() {
    let c = Cursor {
        received_at_ns: 1_700_000_000_123_456_789,
        id: 42,
    };
    assert_eq!(c.to_string().parse::<Cursor>().unwrap(), c);
    assert!("12".parse::<Cursor>().is_err());
    assert!("a:b".parse::<Cursor>().is_err());
}

#[tokio::test]
async fn non_utf8_header_values_are_kept_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut e = event(1, b"");
    e.headers.push(StoredHeader::new("x-odd", b"caf\xe9"));
    let saved = store.insert(e).await.unwrap();
    let headers = store.reader().unwrap().headers(saved.id).unwrap().unwrap();
    assert_eq!(headers[1].bytes(), b"caf\xe9");
    assert_eq!(headers[1].value, None);
}

#[tokio::test]
async fn reopening_keeps_history_and_subscribers_see_commits() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        let mut rx = store.subscribe();
        let saved = store.insert(event(1, b"a")).await.unwrap();
        assert_eq!(rx.recv().await.unwrap(), saved);
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.reader().unwrap().count().unwrap(), 1);
}

#[tokio::test]
async fn redeliveries_are_numbered_per_provider_event_id() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let a1 = store
        .insert(from_provider(1, "kustom", "kevt_A"))
        .await
        .unwrap();
    let b1 = store
        .insert(from_provider(2, "kustom", "kevt_B"))
        .await
        .unwrap();
    let a2 = store
        .insert(from_provider(3, "kustom", "kevt_A"))
        .await
        .unwrap();
    // The same id from another provider is another event.
    let other = store
        .insert(from_provider(4, "stripe", "kevt_A"))
        .await
        .unwrap();
    let a3 = store
        .insert(from_provider(5, "kustom", "kevt_A"))
        .await
        .unwrap();
    let none = store.insert(event(6, b"{}")).await.unwrap();
    assert_eq!(
        [
            a1.delivery,
            b1.delivery,
            a2.delivery,
            other.delivery,
            a3.delivery,
            none.delivery
        ],
        [1, 1, 2, 1, 3, 1]
    );

    let deliveries = store
        .reader()
        .unwrap()
        .deliveries(Some("kustom"), "kevt_A")
        .unwrap();
    let ids: Vec<_> = deliveries.iter().map(|e| (e.id, e.delivery)).collect();
    assert_eq!(ids, [(a1.id, 1), (a2.id, 2), (a3.id, 3)]);
}

#[tokio::test]
async fn full_text_search_finds_path_header_and_body_words() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut a = event(1, br#"{"type":"capture.created","note":"quoted \"word\""}"#);
    a.path = "/kustom/captures".into();
    let a = store.insert(a).await.unwrap();
    let mut b = event(2, b"\xff\xfe binary");
    b.headers.push(StoredHeader::new("x-trace", b"trace-9931"));
    let b = store.insert(b).await.unwrap();
    let find = |text: &str| search(&store, text);
    // Text is indexed in batches shortly after the burst.
    wait_until(|| find("9931") == [b.id]);
    assert_eq!(find("captures"), [a.id]);
    assert_eq!(find("capture created"), [a.id]);
    assert_eq!(find("9931"), [b.id]);
    assert_eq!(
        find(r#""quoted \"word\"""#),
        [a.id],
        "quotes in user text are not FTS syntax"
    );
    assert!(
        find("captures OR missing").is_empty(),
        "operators in user text are words"
    );
    assert!(find("missing").is_empty());
}

/// An endpoint whose shared-secret scheme reads `X-Token`.
fn token_endpoint(store: &Store) -> Endpoint {
    store
        .add_endpoint(&EndpointSpec {
            name: "Token".into(),
            path_prefix: "/token".into(),
            preset: None,
            scheme: Some(crate::signature::Scheme::SharedSecret {
                header: "X-Token".into(),
            }),
            forwards: Vec::new(),
            response: ConfiguredResponse::default(),
            rules: Vec::new(),
        })
        .unwrap()
}

#[tokio::test]
async fn secret_header_values_are_not_indexed_and_header_filters_see_only_the_mask() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let token = token_endpoint(&store);
    let mut a = event(1, b"{}");
    a.headers.extend([
        StoredHeader::new("Authorization", b"Basic dXNlcjpzZWNyZXRiYXNpYzE="),
        StoredHeader::new("X-Challenge", b"challengesecret111"),
        StoredHeader::new("Cookie", b"sid=cookiesecret111"),
        StoredHeader::new("x-trace", b"trace-9931"),
    ]);
    let a = store.insert(a).await.unwrap();
    let mut b = event(2, b"{}");
    b.headers.push(StoredHeader::new(
        "authorization",
        b"Bearer bearersecret111",
    ));
    b.endpoint_id = Some(token.id);
    b.headers
        .push(StoredHeader::new("X-Token", b"tokensecret111"));
    let b = store.insert(b).await.unwrap();
    // X-Token is a secret only where a shared-secret scheme reads it.
    let mut c = event(3, b"{}");
    c.headers
        .push(StoredHeader::new("X-Token", b"tokenopen111"));
    let c = store.insert(c).await.unwrap();
    let find = |text: &str| search(&store, text);
    wait_until(|| find("9931") == [a.id]);
    assert_eq!(find("tokenopen111"), [c.id]);
    for secret in [
        "dXNlcjpzZWNyZXRiYXNpYzE",
        "challengesecret111",
        "cookiesecret111",
        "bearersecret111",
        "tokensecret111",
    ] {
        assert!(find(secret).is_empty(), "{secret} is in the index");
        assert!(
            find(&format!("header.authorization:{secret}")).is_empty(),
            "{secret} through a filter"
        );
    }
    // Names and the scheme word stay searchable: they are what is shown.
    assert_eq!(find("challenge"), [a.id]);
    assert_eq!(find("basic"), [a.id]);
    assert_eq!(find("header.authorization:basic"), [a.id]);
    assert_eq!(find("header.Authorization:BEARER"), [b.id]);
    assert_eq!(find("header.authorization:*"), [b.id, a.id]);
    assert_eq!(find("header.authorization:••"), [b.id, a.id]);
    assert_eq!(find("-header.authorization:basic"), [c.id, b.id]);
    assert_eq!(find("header.x-challenge:*"), [a.id]);
    assert!(find("header.x-challenge:chall").is_empty());
    assert!(find("header.cookie:sid").is_empty());
    assert!(find("header.x-token:tokensecret").is_empty());
    // A header secret on some endpoint is never searched by value, even
    // where it is not secret: filters run over every event.
    assert!(find("header.x-token:tokenopen").is_empty());
    assert_eq!(find("header.x-token:*"), [c.id, b.id]);
    assert_eq!(find("header.x-trace:9931"), [a.id]);
}

#[tokio::test]
async fn a_header_that_becomes_a_shared_secret_leaves_the_index_when_its_events_are_reverified() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut e = event(1, b"{}");
    e.headers
        .push(StoredHeader::new("X-Token", b"tokenlater333"));
    let e = store.insert(e).await.unwrap();
    let find = |text: &str| search(&store, text);
    wait_until(|| find("tokenlater333") == [e.id]);
    let spec = EndpointSpec {
        name: "Default".into(),
        path_prefix: "/".into(),
        preset: None,
        scheme: Some(crate::signature::Scheme::SharedSecret {
            header: "X-Token".into(),
        }),
        forwards: Vec::new(),
        response: ConfiguredResponse::default(),
        rules: Vec::new(),
    };
    store.update_endpoint(DEFAULT_ENDPOINT_ID, &spec).unwrap();
    let cancel = std::sync::atomic::AtomicBool::new(false);
    crate::verdict::reverify(&store, Some(DEFAULT_ENDPOINT_ID), &cancel, |_| {}).unwrap();
    assert!(find("tokenlater333").is_empty());
    assert_eq!(find("token"), [e.id], "its name is still there");
    // Reverifying again changes nothing.
    crate::verdict::reverify(&store, None, &cancel, |_| {}).unwrap();
    assert!(find("tokenlater333").is_empty());
    assert_eq!(find("token"), [e.id]);
}

#[tokio::test]
async fn secret_headers_a_crash_left_unindexed_are_masked_when_indexed_at_start() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()).unwrap());
    let conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    let headers = serde_json::to_string(&[
        StoredHeader::new("Authorization", b"Basic latesecret222"),
        StoredHeader::new("x-trace", b"late-4471"),
    ])
    .unwrap();
    conn.execute(
        "INSERT INTO events (received_at, endpoint_id, method, path, headers, size, body)
         VALUES (1700000000000000099, 1, 'POST', '/late', ?1, 0, x'')",
        [headers],
    )
    .unwrap();
    let late = conn.last_insert_rowid();
    conn.execute("INSERT INTO fts_pending (id) VALUES (?1)", [late])
        .unwrap();
    drop(conn);
    let store = Store::open_with(
        dir.path(),
        StoreOptions {
            capture: true,
            ..StoreOptions::default()
        },
    )
    .unwrap();
    assert_eq!(search(&store, "4471"), [late], "recovered at start");
    assert!(search(&store, "latesecret222").is_empty());
    assert_eq!(search(&store, "basic"), [late]);
}

#[tokio::test]
async fn retention_drops_the_oldest_unpinned_events_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.set_setting("max_events", "10").unwrap();
    let first = store.insert(event(0, b"{}")).await.unwrap();
    store.set_pinned(first.id, true).unwrap();
    for n in 1..(RETENTION_EVERY as i64 + 5) {
        store.insert(event(n, b"{}")).await.unwrap();
    }
    let reader = store.reader().unwrap();
    let count = reader.count().unwrap();
    // Retention ran once, after RETENTION_EVERY inserts; a few came after.
    assert!((10..=15).contains(&count), "{count} events left");
    assert!(
        reader.body(first.id).unwrap().is_some(),
        "the pinned event stays"
    );
    let newest = reader.page(1, None).unwrap().events[0].path.clone();
    assert_eq!(newest, format!("/hook/{}", RETENTION_EVERY + 4));
}

#[tokio::test]
async fn a_full_database_refuses_writes_and_recovers_nothing_partial() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_with(
        dir.path(),
        StoreOptions {
            max_page_count: Some(40),
            ..StoreOptions::default()
        },
    )
    .unwrap();
    let err = store
        .insert(event(1, &vec![b'x'; 400_000]))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("could not store the request"),
        "{err}"
    );
    assert_eq!(store.reader().unwrap().count().unwrap(), 0);
    // Small events still fit.
    store.insert(event(2, b"{}")).await.unwrap();
}

#[test]
fn endpoints_can_be_added_changed_and_removed_but_not_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let spec = EndpointSpec {
        name: "Kustom".into(),
        path_prefix: "/kustom/".into(),
        preset: Some("kustom".into()),
        scheme: None,
        forwards: Vec::new(),
        response: ConfiguredResponse {
            status: 503,
            delay_ms: 1500,
            ..ConfiguredResponse::default()
        },
        rules: Vec::new(),
    };
    let added = store.add_endpoint(&spec).unwrap();
    assert_eq!(added.path_prefix, "/kustom");
    assert_eq!(store.endpoints().len(), 2);
    let dup = store.add_endpoint(&spec).unwrap_err().to_string();
    assert!(
        dup.contains("already uses the path prefix /kustom"),
        "{dup}"
    );
    let bad = EndpointSpec {
        preset: Some("nope".into()),
        path_prefix: "/x".into(),
        ..spec.clone()
    };
    assert!(
        store
            .add_endpoint(&bad)
            .unwrap_err()
            .to_string()
            .contains("unknown provider preset")
    );

    let changed = store
        .update_endpoint(
            added.id,
            &EndpointSpec {
                name: "Kustom live".into(),
                ..spec.clone()
            },
        )
        .unwrap();
    assert_eq!(changed.name, "Kustom live");
    assert_eq!(changed.response.status, 503);

    assert!(store.remove_endpoint(DEFAULT_ENDPOINT_ID).is_err());
    store.remove_endpoint(added.id).unwrap();
    assert_eq!(store.endpoints().len(), 1);
    assert!(matches!(
        store.remove_endpoint(added.id),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn one_process_at_a_time_serves_a_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let held = DataDirLock::acquire(dir.path()).unwrap();
    let err = DataDirLock::acquire(dir.path()).err().unwrap().to_string();
    assert!(err.contains("already serving"), "{err}");
    drop(held);
    assert!(DataDirLock::acquire(dir.path()).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_request_that_does_not_fit_does_not_cost_the_others_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_with(
        dir.path(),
        StoreOptions {
            max_page_count: Some(60),
            ..StoreOptions::default()
        },
    )
    .unwrap();
    // Queued together, so the writer commits them as one group.
    let mut inserts = Vec::new();
    inserts.push(tokio::spawn({
        let store = store.clone();
        async move { store.insert(event(0, &vec![b'x'; 400_000])).await }
    }));
    for n in 1..=20 {
        let store = store.clone();
        inserts.push(tokio::spawn(
            async move { store.insert(event(n, b"{}")).await },
        ));
    }
    let mut results = Vec::new();
    for i in inserts {
        results.push(i.await.unwrap());
    }
    assert!(results[0].is_err(), "the oversized request is refused");
    assert!(results[1..].iter().all(Result::is_ok), "{results:?}");
    assert_eq!(store.reader().unwrap().count().unwrap(), 20);
}

#[test]
fn the_next_delivery_number_is_an_index_seek_however_often_an_id_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let conn = Connection::open(store.path()).unwrap();
    let plan: String = conn
        .query_row(
            "EXPLAIN QUERY PLAN SELECT delivery FROM events WHERE provider IS 'kustom' AND provider_event_id = 'kevt_1'
             ORDER BY delivery DESC LIMIT 1",
            [],
            |r| r.get(3),
        )
        .unwrap();
    // A covering index with `delivery` in its key: no scan over earlier
    // deliveries, no sort.
    assert!(
        plan.contains("COVERING INDEX events_provider_event"),
        "{plan}"
    );
}

#[tokio::test]
async fn reading_each_events_deliveries_reuses_one_compiled_statement() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for n in 1..=5 {
        store.insert(event(n, b"{}")).await.unwrap();
    }
    let reader = store.reader().unwrap();
    for id in 1..=5 {
        assert!(reader.runs_of_event(id, 10_000).unwrap().is_empty());
    }
    // An export asks once per event: a statement SQLite compiles again at
    // each call costs more than the rows it reads.
    let stmt = reader
        .conn
        .prepare_cached(&super::deliveries::runs_of_event_sql())
        .unwrap();
    assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0);
}

#[tokio::test]
async fn text_a_crash_left_out_of_the_index_is_indexed_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let (store, indexed) = {
        let store = Store::open(dir.path()).unwrap();
        let indexed = store
            .insert(event(1, b"{\"note\":\"alpha\"}"))
            .await
            .unwrap();
        (store, indexed)
    };
    drop(store);
    // A row committed but never indexed, as after kill -9 inside the delay.
    let conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    conn.execute(
        "INSERT INTO events (received_at, endpoint_id, method, path, headers, size, body)
         VALUES (1700000000000000099, 1, 'POST', '/late', '[]', 16, CAST('{\"note\":\"omega\"}' AS BLOB))",
        [],
    )
    .unwrap();
    let late = conn.last_insert_rowid();
    // Its outbox row is committed with it, as capture does.
    conn.execute("INSERT INTO fts_pending (id) VALUES (?1)", [late])
        .unwrap();
    drop(conn);
    std::thread::sleep(Duration::from_millis(300));

    let reader_only = Store::open(dir.path()).unwrap();
    assert!(
        search(&reader_only, "omega").is_empty(),
        "only the capturing process indexes"
    );
    let store = Store::open_with(
        dir.path(),
        StoreOptions {
            capture: true,
            ..StoreOptions::default()
        },
    )
    .unwrap();
    assert_eq!(search(&store, "omega"), [late], "recovered at start");
    assert_eq!(
        search(&store, "alpha"),
        [indexed.id],
        "indexed once, not twice"
    );
}

mod signatures {
    use super::*;
    use crate::signature::{Scheme, Secret, SignInput, VerdictStatus, sign};
    use crate::verdict::{self, Subject};
    use std::sync::atomic::AtomicBool;

    const SECRET: &str = "It's a Secret to Everybody";

    fn github_endpoint(store: &Store) -> Endpoint {
        store
            .add_endpoint(&EndpointSpec {
                name: "GitHub".into(),
                path_prefix: "/gh".into(),
                preset: Some("github".into()),
                scheme: None,
                forwards: Vec::new(),
                response: ConfiguredResponse::default(),
                rules: Vec::new(),
            })
            .unwrap()
    }

    /// A GitHub-signed request on `endpoint`, with the verdict capture would
    /// give it under the store's configuration right now.
    fn signed_event(store: &Store, endpoint: &Endpoint, n: i64) -> NewEvent {
        let body = format!("{{\"n\":{n}}}").into_bytes();
        let headers: Vec<StoredHeader> = sign(
            &Scheme::Github,
            &Secret::new("gh", SECRET),
            &SignInput {
                body: &body,
                url: "",
                id: None,
                timestamp: 0,
            },
        )
        .unwrap()
        .into_iter()
        .map(|(name, value)| StoredHeader::new(&name, value.as_bytes()))
        .collect();
        let mut e = NewEvent {
            endpoint_id: Some(endpoint.id),
            provider: Some("github".into()),
            path: "/gh".into(),
            headers,
            body,
            ..event(n, b"")
        };
        e.verdict = Some(verdict::verdict(
            &store.endpoints(),
            &store.secrets(),
            &Subject {
                endpoint_id: e.endpoint_id,
                provider: e.provider.as_deref(),
                method: &e.method,
                path: &e.path,
                query: None,
                headers: &e.headers,
                body: &e.body,
                received_at_ns: e.received_at_ns,
                public_url: None,
            },
        ));
        e
    }

    fn with_verdict(store: &Store, status: VerdictStatus) -> Vec<i64> {
        store
            .reader()
            .unwrap()
            .query(&PageQuery {
                limit: 100,
                query: crate::query::parse(&format!("status:{}", status.as_str()), 0).unwrap(),
                ..PageQuery::default()
            })
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect()
    }

    #[tokio::test]
    async fn adding_a_secret_turns_stored_no_secret_verdicts_valid_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let gh = github_endpoint(&store);
        let saved = store.insert(signed_event(&store, &gh, 1)).await.unwrap();
        let verdict = saved.verdict.clone().unwrap();
        assert_eq!(verdict.status, VerdictStatus::NoSecret);
        assert_eq!(with_verdict(&store, VerdictStatus::NoSecret), [saved.id]);

        store.add_secret(gh.id, "production", SECRET).unwrap();
        let shown = store
            .endpoints()
            .iter()
            .find(|e| e.id == gh.id)
            .unwrap()
            .clone();
        assert_eq!(shown.secrets.len(), 1);
        assert_eq!(shown.secrets[0].label, "production");
        assert!(!shown.secrets[0].masked.contains("Secret"));
        let json = serde_json::to_string(&*store.endpoints()).unwrap();
        assert!(
            !json.contains(SECRET),
            "endpoint listings never hold values"
        );

        let mut seen = Vec::new();
        let done = crate::verdict::reverify(&store, Some(gh.id), &AtomicBool::new(false), |p| {
            seen.push(p)
        })
        .unwrap();
        assert_eq!((done.checked, done.changed, done.cancelled), (1, 1, false));
        assert_eq!(seen.last(), Some(&ReverifyProgress { done: 1, total: 1 }));
        let event = store.reader().unwrap().event(saved.id).unwrap();
        let verdict = event.summary.verdict.unwrap();
        assert_eq!(verdict.status, VerdictStatus::Valid);
        assert_eq!(verdict.secret.as_deref(), Some("production"));
        assert_eq!(with_verdict(&store, VerdictStatus::Valid), [saved.id]);
        assert!(with_verdict(&store, VerdictStatus::NoSecret).is_empty());

        // Nothing changes on a second run; removing the secret reverts it.
        // However few reports the run sends, the first and the last arrive.
        let mut heard = Vec::new();
        let again = crate::verdict::reverify(&store, Some(gh.id), &AtomicBool::new(false), |p| {
            heard.push(p)
        })
        .unwrap();
        assert_eq!(again.changed, 0);
        assert_eq!(heard.first().map(|p| p.done), Some(0));
        assert_eq!(
            heard.last().map(|p| (p.done, p.total)),
            Some((again.total, again.total))
        );
        store.remove_secret(gh.id, "production").unwrap();
        crate::verdict::reverify(&store, Some(gh.id), &AtomicBool::new(false), |_| {}).unwrap();
        assert_eq!(with_verdict(&store, VerdictStatus::NoSecret), [saved.id]);
        assert!(store.remove_secret(gh.id, "production").is_err());
    }

    #[tokio::test]
    async fn a_cancelled_reverification_keeps_what_it_checked_and_stops() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let gh = github_endpoint(&store);
        for n in 0..600 {
            store.insert(signed_event(&store, &gh, n)).await.unwrap();
        }
        store.add_secret(gh.id, "production", SECRET).unwrap();
        let cancel = AtomicBool::new(false);
        // The store reports every batch (the verdict layer thins that out
        // for the UI), so this stops after the first.
        let done = store
            .reverify_with(
                Some(gh.id),
                &cancel,
                |p| {
                    if p.done > 0 {
                        cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                },
                crate::verdict::verdict,
            )
            .unwrap();
        assert!(done.cancelled);
        assert_eq!(done.total, 600);
        assert!(done.checked > 0 && done.checked < 600, "{done:?}");
        assert_eq!(
            with_verdict(&store, VerdictStatus::Valid).len() as u64,
            done.checked.min(100)
        );
    }

    #[test]
    fn secrets_need_a_label_and_a_value_and_labels_are_unique() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let gh = github_endpoint(&store);
        assert!(store.add_secret(gh.id, " ", SECRET).is_err());
        assert!(store.add_secret(gh.id, "live", "\n").is_err());
        assert!(store.add_secret(999, "live", SECRET).is_err());
        store.add_secret(gh.id, "live", "whsec_abc\n").unwrap();
        let err = store
            .add_secret(gh.id, "live", SECRET)
            .unwrap_err()
            .to_string();
        assert!(err.contains("already has a secret labelled"), "{err}");
        assert!(!err.contains(SECRET));
        // The trailing line break of a paste is not part of the secret.
        assert_eq!(store.secrets()[&gh.id][0].value, "whsec_abc");
    }

    #[test]
    fn a_replaced_secret_takes_the_new_value_and_is_tried_after_the_older_ones() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let gh = github_endpoint(&store);
        store.set_secret(gh.id, "live", "old-value").unwrap();
        store.add_secret(gh.id, "next", "next-value").unwrap();
        store.set_secret(gh.id, "live", "new-value").unwrap();
        let labels: Vec<_> = store.secrets()[&gh.id]
            .iter()
            .map(|s| (s.label.clone(), s.value.clone()))
            .collect();
        assert_eq!(
            labels,
            [
                ("next".to_owned(), "next-value".to_owned()),
                ("live".to_owned(), "new-value".to_owned())
            ]
        );
        assert_eq!(store.reveal_secret(gh.id, "live").unwrap(), "new-value");
        let err = store.reveal_secret(gh.id, "gone").unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{err}");
        assert!(store.set_secret(gh.id, "live", "").is_err());
    }

    #[tokio::test]
    async fn pinning_several_events_is_all_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let a = store.insert(event(1, b"{}")).await.unwrap();
        let b = store.insert(event(2, b"{}")).await.unwrap();
        let pinned = |store: &Store| -> Vec<bool> {
            let page = store.reader().unwrap().page(10, None).unwrap();
            page.events.iter().rev().map(|e| e.pinned).collect()
        };
        let err = store.set_pinned_many(&[a.id, 999, b.id], true).unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{err}");
        assert_eq!(pinned(&store), [false, false], "nothing changed");
        let mut changes = store.subscribe_changes();
        store.set_pinned_many(&[a.id, b.id], true).unwrap();
        assert_eq!(pinned(&store), [true, true]);
        assert!(changes.try_recv().is_ok(), "an open window hears of it");
        store.set_pinned_many(&[b.id], false).unwrap();
        assert_eq!(pinned(&store), [true, false]);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_database_and_its_wal_are_readable_by_their_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.insert(event(1, b"{}")).await.unwrap();
        for file in [DATABASE_FILE, "hooklens.sqlite3-wal"] {
            let mode = std::fs::metadata(dir.path().join(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{file}: {mode:o}");
        }
    }
}

#[tokio::test]
async fn a_window_hears_when_another_process_changes_stored_events() {
    let dir = tempfile::tempdir().unwrap();
    let app = Store::open(dir.path()).unwrap();
    let saved = app.insert(event(1, b"{}")).await.unwrap();
    let mut changes = app.subscribe_changes();
    // New captures alone are not "changes in place".
    app.insert(event(2, b"{}")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(changes.try_recv().is_err());
    // Another process (here: a second handle, as hooklens-cli opens one) pins.
    let cli = Store::open(dir.path()).unwrap();
    cli.set_pinned(saved.id, true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), changes.recv())
        .await
        .expect("no change signal within 5 s")
        .unwrap();
}

#[tokio::test]
async fn one_event_is_matched_against_a_query_once_its_text_is_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let refund = store
        .insert(NewEvent {
            event_type: Some("refund.created".into()),
            ..event(1, b"{\"note\":\"walrus\"}")
        })
        .await
        .unwrap();
    let order = store
        .insert(NewEvent {
            event_type: Some("order.created".into()),
            ..event(2, b"{\"note\":\"walrus\"}")
        })
        .await
        .unwrap();
    let reader = store.reader().unwrap();
    let q = |text: &str| crate::query::parse(text, 0).unwrap();
    assert_eq!(
        reader
            .event_matches(&q("type:refund.*"), refund.id)
            .unwrap(),
        Some(true)
    );
    assert_eq!(
        reader.event_matches(&q("type:refund.*"), order.id).unwrap(),
        Some(false)
    );
    assert_eq!(
        reader
            .event_matches(&q("-type:refund.*"), order.id)
            .unwrap(),
        Some(true)
    );
    assert_eq!(reader.event_matches(&q(""), order.id).unwrap(), Some(true));
    // Free text is answered once the index has the event, never guessed.
    wait_until(|| {
        reader
            .event_matches(&q("walrus"), order.id)
            .unwrap()
            .is_some()
    });
    assert_eq!(
        reader
            .event_matches(&q("walrus type:order.created"), order.id)
            .unwrap(),
        Some(true)
    );
    assert_eq!(
        reader.event_matches(&q("narwhal"), order.id).unwrap(),
        Some(false)
    );
}

#[test]
fn preferences_are_kept_apart_from_settings_and_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.preference("notifications").unwrap(), None);
        store
            .set_preference("notifications", "{\"paused\":true}")
            .unwrap();
        store
            .set_preference("notifications", "{\"paused\":false}")
            .unwrap();
        // Not a setting: `settings` does not know it.
        assert!(store.set_setting("pref.notifications", "x").is_err());
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(
        store.preference("notifications").unwrap().as_deref(),
        Some("{\"paused\":false}")
    );
}

#[tokio::test]
async fn a_damaged_database_after_an_unclean_stop_is_reported_not_written_into() {
    let dir = tempfile::tempdir().unwrap();
    let capture = StoreOptions {
        capture: true,
        ..StoreOptions::default()
    };
    {
        let store = Store::open_with(dir.path(), capture).unwrap();
        for n in 0..200 {
            store.insert(event(n, &[b'x'; 2000])).await.unwrap();
        }
        // Dropped with the mark left behind, as by kill -9.
        std::mem::forget(store);
    }
    std::thread::sleep(Duration::from_millis(300));
    let db = dir.path().join(DATABASE_FILE);
    // Checkpoint everything into the file, then damage pages in its middle.
    {
        let conn = Connection::open(&db).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
    }
    let mut bytes = std::fs::read(&db).unwrap();
    let len = bytes.len();
    for b in &mut bytes[len / 3..len / 3 + 16384] {
        *b = 0x5a;
    }
    std::fs::write(&db, &bytes).unwrap();
    let before = std::fs::read(&db).unwrap();

    let err = Store::open_with(dir.path(), capture)
        .err()
        .expect("refused");
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("will not write into it"), "{message}");
    assert!(message.contains(".recover"), "{message}");
    assert_eq!(std::fs::read(&db).unwrap(), before, "nothing written");
}

#[test]
fn a_clean_stop_leaves_no_mark_and_the_data_dir_is_private() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("data");
    let capture = StoreOptions {
        capture: true,
        ..StoreOptions::default()
    };
    let store = Store::open_with(&dir, capture).unwrap();
    assert!(dir.join(RUNNING_MARK).exists());
    drop(store);
    std::thread::sleep(Duration::from_millis(200));
    assert!(!dir.join(RUNNING_MARK).exists(), "a clean stop removes it");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
    // The lock is on the directory: no file to delete around it.
    let held = DataDirLock::acquire(&dir).unwrap();
    assert!(matches!(
        DataDirLock::acquire(&dir),
        Err(StoreError::Locked { .. })
    ));
    drop(held);
    assert!(DataDirLock::acquire(&dir).is_ok());
}

#[tokio::test]
async fn another_connection_holding_the_write_lock_only_delays_capture() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .insert(from_provider(1, "kustom", "kevt_1"))
        .await
        .unwrap();
    // Another process writes for a while (as `hooklens-cli pin` would).
    let other = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    other
        .execute_batch("BEGIN IMMEDIATE; UPDATE events SET pinned = 1;")
        .unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(700));
        other.execute_batch("COMMIT").unwrap();
    });
    // Numbering reads before it writes: it must wait, not fail.
    let second = store.insert(from_provider(2, "kustom", "kevt_1")).await;
    release.join().unwrap();
    assert_eq!(second.unwrap().delivery, 2);
    // Opening beside a writer writes nothing, so it does not wait either.
    let other = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    other
        .execute_batch("BEGIN IMMEDIATE; UPDATE events SET pinned = 0;")
        .unwrap();
    let started = Instant::now();
    let reader = Store::open(dir.path()).unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(Store::open_read_only(dir.path()).is_ok());
    other.execute_batch("COMMIT").unwrap();
    drop(reader);
}

#[tokio::test]
async fn an_imported_event_says_where_it_came_from_and_is_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let source = ImportSource {
        format: "har".into(),
        file: Some("merchant.har".into()),
        note: Some("ticket 4711".into()),
        entry: 3,
        arrival: "HAR startedDateTime".into(),
        warnings: vec!["the body is 3 bytes but Content-Length says 9".into()],
        recorded_verdict: None,
        redactions: Vec::new(),
    };
    let imported = NewEvent {
        source: Some(source.clone()),
        fingerprint: Some(vec![1; 32]),
        ..event(1, b"abc")
    };
    let saved = store.insert(imported.clone()).await.unwrap();
    assert!(saved.imported);
    let live = store.insert(event(2, b"abc")).await.unwrap();
    assert!(!live.imported);

    let reader = store.reader().unwrap();
    let detail = reader.event(saved.id).unwrap();
    assert_eq!(detail.source, Some(source));
    assert!(detail.summary.imported);
    assert_eq!(reader.event(live.id).unwrap().source, None);
    assert_eq!(reader.imported_as(&[1; 32]).unwrap(), Some(saved.id));
    assert_eq!(reader.imported_as(&[2; 32]).unwrap(), None);

    // The same entry again is refused by the store itself, whatever the
    // importer checked before.
    assert!(store.insert(imported).await.is_err());
    assert_eq!(reader.count().unwrap(), 2);
}

fn forwarding(targets: Vec<crate::model::ForwardTarget>) -> EndpointSpec {
    EndpointSpec {
        name: "Kustom".into(),
        path_prefix: "/kustom".into(),
        preset: Some("kustom".into()),
        scheme: None,
        forwards: targets,
        response: ConfiguredResponse::default(),
        rules: Vec::new(),
    }
}

#[test]
fn forward_targets_are_kept_in_order_and_go_with_their_endpoint() {
    use crate::model::{ForwardMode, ForwardTarget};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let disputes = ForwardTarget {
        condition: " type:dispute.* ".into(),
        ..ForwardTarget::new(" http://localhost:4000/disputes ", ForwardMode::Relay)
    };
    let all = ForwardTarget {
        exact_url: true,
        ..ForwardTarget::new("http://localhost:3000/webhooks", ForwardMode::Respond)
    };
    let added = store
        .add_endpoint(&forwarding(vec![disputes, all.clone()]))
        .unwrap();
    assert_eq!(added.forwards.len(), 2);
    assert_eq!(
        added.forwards[0].url, "http://localhost:4000/disputes",
        "trimmed"
    );
    assert_eq!(added.forwards[0].condition, "type:dispute.*");
    assert_eq!(added.forwards[0].mode, ForwardMode::Relay);
    assert_eq!(added.forwards[1], all);

    // Reordered and replaced as a whole; another endpoint's stay.
    let other = store
        .add_endpoint(&EndpointSpec {
            name: "Other".into(),
            path_prefix: "/other".into(),
            ..forwarding(vec![all.clone()])
        })
        .unwrap();
    let mut spec = EndpointSpec::from(&added);
    spec.forwards.reverse();
    let changed = store.update_endpoint(added.id, &spec).unwrap();
    assert_eq!(changed.forwards[0], all);
    assert_eq!(changed.forwards[1].condition, "type:dispute.*");
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    let read = |id| {
        store
            .endpoints()
            .iter()
            .find(|e| e.id == id)
            .unwrap()
            .forwards
            .clone()
    };
    assert_eq!(read(added.id), changed.forwards, "across a restart");
    assert_eq!(read(other.id), [all]);
    store.remove_endpoint(added.id).unwrap();
    let conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    let left: i64 = conn
        .query_row("SELECT count(*) FROM forward_targets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 1, "only the other endpoint's target is left");
}

#[test]
fn forward_targets_that_cannot_work_are_refused_with_the_reason() {
    use crate::model::{ForwardMode, ForwardTarget, MAX_FORWARD_TARGETS};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let refused = |targets: Vec<ForwardTarget>| {
        let err = store.add_endpoint(&forwarding(targets)).unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
        err.to_string()
    };
    let ok = ForwardTarget::new("http://localhost:3000/a", ForwardMode::Respond);

    let why = refused(vec![
        ok.clone(),
        ForwardTarget::new("ftp://example.com/x", ForwardMode::Respond),
    ]);
    assert!(
        why.starts_with("forward target 2: the URL cannot be used"),
        "{why}"
    );
    assert!(why.contains("not an http or https URL"), "{why}");

    let why = refused(vec![ForwardTarget {
        condition: "type:dispute.* after:1h".into(),
        ..ok.clone()
    }]);
    assert!(
        why.starts_with(
            "forward target 1: the condition \"type:dispute.* after:1h\" does not parse at characters 16–23: after: and before:"
        ),
        "{why}"
    );

    let why = refused(vec![
        ForwardTarget::new("http://localhost:3000/a", ForwardMode::Relay),
        ok.clone(),
        ForwardTarget::new("http://localhost:4000/b", ForwardMode::Relay),
    ]);
    assert_eq!(
        why,
        "only one target can answer the sender: target 1 (http://localhost:3000/a) and target 3 \
         (http://localhost:4000/b) are both set to relay; set one of them to respond"
    );

    let why = refused(vec![ok.clone(); MAX_FORWARD_TARGETS + 1]);
    assert!(
        why.contains("at most 16 targets; this one lists 17"),
        "{why}"
    );
    assert_eq!(store.endpoints().len(), 1, "nothing was saved");
    store
        .add_endpoint(&forwarding(vec![ok; MAX_FORWARD_TARGETS]))
        .unwrap();
}

#[test]
fn a_single_forward_of_version_10_becomes_a_target_that_keeps_the_sub_path() {
    use crate::model::{ForwardMode, ForwardTarget};
    use rusqlite_migration::{M, Migrations};
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()).unwrap());
    std::fs::remove_file(dir.path().join(DATABASE_FILE)).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.path().join(format!("{DATABASE_FILE}{suffix}")));
    }
    {
        let mut conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        let version_10: Vec<M<'_>> = super::open::MIGRATION_SQL[..10]
            .iter()
            .map(|sql| M::up(sql))
            .collect();
        Migrations::new(version_10).to_latest(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO endpoints (name, path_prefix, response_status, response_headers,
                                    response_body, response_delay_ms, created_at, forward_url, forward_mode)
             VALUES ('Kustom', '/kustom', 200, '[]', '', 0, 1, 'http://localhost:3000/webhooks', 'relay'),
                    ('Plain', '/plain', 200, '[]', '', 0, 1, NULL, 'respond');
             UPDATE endpoints SET forward_url = 'http://localhost:3001/in' WHERE id = 1;",
        )
        .unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    let endpoints = store.endpoints();
    let forwards = |prefix: &str| {
        endpoints
            .iter()
            .find(|e| e.path_prefix == prefix)
            .unwrap()
            .forwards
            .clone()
    };
    assert_eq!(
        forwards("/kustom"),
        [ForwardTarget::new(
            "http://localhost:3000/webhooks",
            ForwardMode::Relay
        )]
    );
    assert_eq!(
        forwards("/"),
        [ForwardTarget::new(
            "http://localhost:3001/in",
            ForwardMode::Respond
        )]
    );
    assert!(forwards("/plain").is_empty());
    let conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    let old_columns: i64 = conn
        .query_row(
            "SELECT count(*) FROM pragma_table_info('endpoints') WHERE name LIKE 'forward%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(old_columns, 0, "the old columns are gone");
}

/// The program of a captured event's INSERT runs once per request: a
/// temporary b-tree in it (an IN list of three or more constants in a
/// partial index's condition builds one) would be built and freed for
/// every event.
#[test]
fn storing_an_event_builds_no_temporary_table() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let conn = Connection::open(store.path()).unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    let mut explain = conn
        .prepare(&format!("EXPLAIN {}", super::writer::INSERT_EVENT))
        .unwrap();
    // Its parameters left unbound: EXPLAIN lists the program without them.
    let mut rows = explain.raw_query();
    let mut opcodes: Vec<String> = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        opcodes.push(row.get(1).unwrap());
    }
    assert!(opcodes.iter().any(|op| op == "IdxInsert"), "{opcodes:?}");
    assert!(
        !opcodes.iter().any(|op| op == "OpenEphemeral"),
        "{opcodes:?}"
    );
}

fn answered(rule: &str) -> crate::model::AnswerRecord {
    crate::model::AnswerRecord {
        rule: Some(rule.into()),
        status: Some(202),
        headers: Vec::new(),
        body: String::new(),
        delay_ms: 0,
        closed: false,
        why: "first rule that holds".into(),
        template_error: None,
    }
}

/// What an event was answered is written in the transaction of the next
/// event's group: once that event is acknowledged, the record is readable.
#[tokio::test]
async fn an_answer_is_stored_with_the_next_group() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let first = store.insert(event(1, b"{}")).await.unwrap();
    store.record_answer(first.id, &answered("refunds"));
    store.insert(event(2, b"{}")).await.unwrap();
    let reader = store.reader().unwrap();
    assert_eq!(
        reader.answer_of(first.id).unwrap(),
        Some(answered("refunds"))
    );
}

/// An event removed (by retention) before its record is written: that
/// record is skipped, and the others written with it are stored.
#[tokio::test]
async fn an_answer_for_an_event_already_removed_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let gone = store.insert(event(1, b"{}")).await.unwrap();
    let kept = store.insert(event(2, b"{}")).await.unwrap();
    let other = Connection::open(store.path()).unwrap();
    other.pragma_update(None, "foreign_keys", "ON").unwrap();
    other
        .execute("DELETE FROM events WHERE id = ?1", [gone.id])
        .unwrap();
    store.record_answer(gone.id, &answered("refunds"));
    store.record_answer(kept.id, &answered("fallback"));
    store.insert(event(3, b"{}")).await.unwrap();
    let reader = store.reader().unwrap();
    assert_eq!(reader.answer_of(gone.id).unwrap(), None);
    assert_eq!(
        reader.answer_of(kept.id).unwrap(),
        Some(answered("fallback"))
    );
    let orphans: i64 = other
        .query_row(
            "SELECT count(*) FROM event_answers WHERE event_id NOT IN (SELECT id FROM events)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
}

/// A record that cannot be written (here a trigger refuses it) is dropped
/// and logged; the group it rode with is stored and acknowledged all the same.
#[tokio::test]
async fn an_answer_that_cannot_be_written_costs_no_event_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let other = Connection::open(store.path()).unwrap();
    other
        .execute_batch(
            "CREATE TRIGGER refuse_answers BEFORE INSERT ON event_answers
             BEGIN SELECT RAISE(ABORT, 'no room for answers'); END;",
        )
        .unwrap();
    let first = store.insert(event(1, b"{}")).await.unwrap();
    store.record_answer(first.id, &answered("refunds"));
    let second = store.insert(event(2, b"{}")).await;
    assert!(second.is_ok(), "{second:?}");
    let reader = store.reader().unwrap();
    assert_eq!(reader.count().unwrap(), 2);
    assert_eq!(reader.answer_of(first.id).unwrap(), None);

    other.execute_batch("DROP TRIGGER refuse_answers").unwrap();
    let second = second.unwrap();
    store.record_answer(second.id, &answered("fallback"));
    store.insert(event(3, b"{}")).await.unwrap();
    assert_eq!(
        reader.answer_of(second.id).unwrap(),
        Some(answered("fallback"))
    );
}
