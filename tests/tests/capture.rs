//! The capture contract over real HTTP and a real SQLite file.

use hooklens_tests::{Harness, stored_id};

#[tokio::test]
async fn any_request_is_stored_byte_for_byte_before_it_is_acknowledged() {
    let h = Harness::start().await;
    let client = reqwest::Client::new();
    let body: &[u8] = b"{\"id\":\"kevt_1\"}\r\n\xff\xfe";
    let response = client
        .request(
            reqwest::Method::PATCH,
            format!("{}/kustom/orders?x=1&x=2", h.url),
        )
        .header("content-type", "application/json")
        .header("x-dup", "first")
        .header("x-dup", "second")
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let id: i64 = stored_id(&response);

    // The 200 came after the commit: a fresh reader sees the row right away.
    let reader = h.store.reader().unwrap();
    assert_eq!(reader.body(id).unwrap().unwrap(), body);
    let page = reader.page(10, None).unwrap();
    let event = &page.events[0];
    assert_eq!(
        (event.method.as_str(), event.path.as_str()),
        ("PATCH", "/kustom/orders")
    );
    assert_eq!(event.query.as_deref(), Some("x=1&x=2"));
    assert_eq!(event.size, body.len() as i64);
    assert_eq!(event.content_type.as_deref(), Some("application/json"));
    assert!(
        event
            .remote_addr
            .as_deref()
            .unwrap()
            .starts_with("127.0.0.1:")
    );

    let headers = reader.headers(id).unwrap().unwrap();
    let dups: Vec<_> = headers
        .iter()
        .filter(|h| h.name == "x-dup")
        .map(|h| h.value.as_deref().unwrap())
        .collect();
    assert_eq!(dups, ["first", "second"]);
}

#[tokio::test]
async fn empty_bodies_and_every_method_are_captured_too() {
    let h = Harness::start().await;
    let client = reqwest::Client::new();
    let methods = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "PURGE",
    ];
    for method in methods {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let r = client
            .request(m, format!("{}/", h.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{method}");
    }
    let stored: Vec<_> = h
        .store
        .reader()
        .unwrap()
        .page(20, None)
        .unwrap()
        .events
        .into_iter()
        .map(|e| (e.method, e.size))
        .collect();
    let expected: Vec<_> = methods.iter().rev().map(|m| (m.to_string(), 0)).collect();
    assert_eq!(stored, expected);
}

#[tokio::test]
async fn a_body_over_the_limit_gets_413_and_nothing_is_kept() {
    let h = Harness::with_body_limit(1024).await;
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{}/big", h.url))
        .body(vec![b'a'; 1025])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(r.text().await.unwrap().contains("1024 bytes"));

    // Chunked, so the size is only known while reading.
    let chunks = futures_chunks(vec![vec![b'b'; 700], vec![b'c'; 700]]);
    let r = client
        .post(format!("{}/big-chunked", h.url))
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);

    let exactly = client
        .post(format!("{}/ok", h.url))
        .body(vec![b'a'; 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(exactly.status(), 200);
    assert_eq!(h.store.reader().unwrap().count().unwrap(), 1);
}

#[tokio::test]
async fn a_request_that_cannot_be_stored_is_never_acknowledged() {
    let h = Harness::start().await;
    // Make every insert fail, as a full disk would.
    let db = rusqlite_conn(h.dir.path());
    db.execute_batch(
        "CREATE TRIGGER refuse BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
    )
    .unwrap();
    let r = reqwest::Client::new()
        .post(format!("{}/kustom", h.url))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(h.store.reader().unwrap().count().unwrap(), 0);

    // Once the disk recovers, capture carries on.
    db.execute_batch("DROP TRIGGER refuse;").unwrap();
    let r = reqwest::Client::new()
        .post(format!("{}/kustom", h.url))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

fn rusqlite_conn(dir: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("hooklens.sqlite3")).unwrap()
}

fn futures_chunks(
    chunks: Vec<Vec<u8>>,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
    futures_util::stream::iter(chunks.into_iter().map(Ok))
}

#[tokio::test]
async fn a_25_mb_body_is_stored_and_one_byte_more_is_refused() {
    let h = Harness::start().await;
    let client = reqwest::Client::new();
    let limit = hooklens_core::config::DEFAULT_BODY_LIMIT;
    let body: Vec<u8> = (0..limit).map(|i| (i % 251) as u8).collect();
    let r = client
        .post(format!("{}/big", h.url))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let id: i64 = stored_id(&r);
    assert_eq!(h.store.reader().unwrap().body(id).unwrap().unwrap(), body);

    let mut over = body;
    over.push(0);
    let r = client
        .post(format!("{}/bigger", h.url))
        .body(over)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(h.store.reader().unwrap().count().unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_clients_times_500_requests_are_each_stored_exactly_once() {
    let h = Harness::start().await;
    let mut tasks = Vec::new();
    for client_no in 0..64 {
        let url = h.url.clone();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut ids = Vec::with_capacity(500);
            for n in 0..500 {
                let r = client
                    .post(format!("{url}/load"))
                    .body(format!("{{\"client\":{client_no},\"n\":{n}}}"))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                ids.push(stored_id(&r));
            }
            ids
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.extend(t.await.unwrap());
    }
    let unique: std::collections::HashSet<_> = ids.iter().copied().collect();
    assert_eq!(
        unique.len(),
        64 * 500,
        "every acknowledgement names its own row"
    );

    // Every body is there once: no loss, no duplicates.
    let db = rusqlite_conn(h.dir.path());
    let (rows, distinct): (i64, i64) = db
        .query_row(
            "SELECT count(*), count(DISTINCT body) FROM events",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((rows, distinct), (64 * 500, 64 * 500));
}

#[tokio::test]
async fn an_endpoint_answers_with_its_configured_status_headers_body_and_delay() {
    use hooklens_core::model::{ConfiguredResponse, HeaderPair};
    use hooklens_core::store::EndpointSpec;
    let h = Harness::start().await;
    let failing = h
        .store
        .add_endpoint(&EndpointSpec {
            name: "Failing handler".into(),
            path_prefix: "/kustom".into(),
            preset: Some("kustom".into()),
            scheme: None,
            forwards: Vec::new(),
            response: ConfiguredResponse {
                status: 503,
                headers: vec![HeaderPair {
                    name: "Retry-After".into(),
                    value: "120".into(),
                }],
                body: "{\"error\":\"try later\"}".into(),
                delay_ms: 400,
            },
            rules: Vec::new(),
        })
        .unwrap();
    let client = reqwest::Client::new();
    let started = std::time::Instant::now();
    let r = client
        .post(format!("{}/kustom/orders", h.url))
        .body(r#"{"id":"kevt_1","type":"order.created","merchant_id":"M1"}"#)
        .send()
        .await
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "120");
    assert!(
        waited >= std::time::Duration::from_millis(400),
        "answered after {waited:?}"
    );
    assert_eq!(r.text().await.unwrap(), "{\"error\":\"try later\"}");

    // A 5xx that the user configured still means: stored.
    let event = &h.store.reader().unwrap().page(1, None).unwrap().events[0];
    assert_eq!(event.endpoint_id, Some(failing.id));
    assert_eq!(event.provider.as_deref(), Some("kustom"));
    assert_eq!(event.event_type.as_deref(), Some("order.created"));
    assert_eq!(event.merchant_id.as_deref(), Some("M1"));

    // Other paths keep the default endpoint's plain 200.
    let r = client
        .post(format!("{}/kustomer", h.url))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn redeliveries_of_a_provider_event_are_numbered_and_providers_detected() {
    let h = Harness::start().await;
    let client = reqwest::Client::new();
    // The Kustom IPP example from the provider's documentation, sent three
    // times like a retrying provider would, with another event in between.
    let finalized = r#"{
  "id": "kevt_62EvxyMEaAaHSGeoDTza47",
  "merchant_id": "DM11917000",
  "timestamp": "2026-06-05T18:33:39.608920367Z",
  "type": "ipp.session.finalized",
  "data": {
    "session_id": "dc01aa86-fb99-4d05-97dc-e79a22650f9a",
    "order_id": "ccf4e76a-f56d-4d3a-abf9-f4fe941f0a1f",
    "failure_reason": null
  }
}"#;
    let send = |body: &'static str| {
        let client = client.clone();
        let url = format!("{}/hooks", h.url);
        async move {
            let r = client
                .post(url)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
        }
    };
    send(finalized).await;
    send(r#"{"topic":"collection_event","id":"col_1","data":{"id":"inv_9"}}"#).await;
    send(finalized).await;
    send(finalized).await;

    let events = h.store.reader().unwrap().page(10, None).unwrap().events;
    let seen: Vec<_> = events
        .iter()
        .rev()
        .map(|e| (e.provider.as_deref(), e.event_type.as_deref(), e.delivery))
        .collect();
    assert_eq!(
        seen,
        [
            (Some("kustom-ipp"), Some("ipp.session.finalized"), 1),
            (Some("kulmipay"), Some("collection_event"), 1),
            (Some("kustom-ipp"), Some("ipp.session.finalized"), 2),
            (Some("kustom-ipp"), Some("ipp.session.finalized"), 3),
        ]
    );
    let detail = h.store.reader().unwrap().event(events[0].id).unwrap();
    assert!(detail.refs.contains(&(
        "session_id".into(),
        "dc01aa86-fb99-4d05-97dc-e79a22650f9a".into()
    )));
}

#[tokio::test]
async fn a_kulmi_invoices_pending_and_complete_updates_are_not_redeliveries() {
    let h = Harness::start().await;
    let client = reqwest::Client::new();
    // Kulmi Pay's documented payload: the topic and the changed invoice, no
    // event id. One invoice going pending → complete is two events.
    let update = |state: &str| {
        format!(
            r#"{{"topic":"collection_event","data":{{"id":"INV-7XQ2LP","invoice_id":"INV-7XQ2LP","state":"{state}","value":"1500.00","currency":"KES"}}}}"#
        )
    };
    for state in ["PENDING", "COMPLETE"] {
        let r = client
            .post(format!("{}/kulmi", h.url))
            .header("content-type", "application/json")
            .header("x-challenge", "s3cr3t")
            .body(update(state))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let events = h.store.reader().unwrap().page(10, None).unwrap().events;
    let seen: Vec<_> = events
        .iter()
        .rev()
        .map(|e| {
            (
                e.provider.as_deref(),
                e.provider_event_id.as_deref(),
                e.delivery,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [(Some("kulmipay"), None, 1), (Some("kulmipay"), None, 1)],
        "the complete update is not a redelivery of the pending one"
    );
    // The invoice is still what ties them together.
    for e in &events {
        let detail = h.store.reader().unwrap().event(e.id).unwrap();
        assert!(
            detail
                .refs
                .contains(&("resource_id".into(), "INV-7XQ2LP".into()))
        );
    }
}

#[tokio::test]
async fn a_database_at_its_size_cap_answers_5xx_never_2xx() {
    let h = Harness::with_options(hooklens_core::store::StoreOptions {
        max_page_count: Some(64),
        ..hooklens_core::store::StoreOptions::default()
    })
    .await;
    let client = reqwest::Client::new();
    let mut refused = 0;
    for n in 0..40 {
        let r = client
            .post(format!("{}/fill/{n}", h.url))
            .body(vec![b'z'; 20_000])
            .send()
            .await
            .unwrap();
        match r.status().as_u16() {
            200 => {}
            503 => refused += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(refused > 0, "the cap was never reached");
    // Exactly the acknowledged requests are stored.
    let stored = h.store.reader().unwrap().count().unwrap();
    assert_eq!(stored, 40 - refused);
}
