//! The capture contract over real HTTP and a real SQLite file.

use hooklens_tests::Harness;

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
    let id: i64 = response.headers()["x-hooklens-event"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();

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
async fn empty_bodies_and_odd_methods_are_captured_too() {
    let h = Harness::start().await;
    let client = reqwest::Client::new();
    for method in ["GET", "DELETE", "OPTIONS", "PURGE"] {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let r = client
            .request(m, format!("{}/", h.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{method}");
    }
    let methods: Vec<_> = h
        .store
        .reader()
        .unwrap()
        .page(10, None)
        .unwrap()
        .events
        .into_iter()
        .map(|e| e.method)
        .collect();
    assert_eq!(methods, ["PURGE", "OPTIONS", "DELETE", "GET"]);
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
