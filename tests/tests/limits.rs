//! The listener's HTTP limits over real sockets: slow and half-sent
//! requests, a full connection table, and shutdown while they are open.

use std::time::{Duration, Instant};

use hooklens_core::capture::{Limits, Listener};
use hooklens_core::store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Server {
    _dir: tempfile::TempDir,
    store: Store,
    listener: Listener,
}

async fn server(limits: Limits) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let listener = Listener::start_with("127.0.0.1:0".parse().unwrap(), store.clone(), limits)
        .await
        .unwrap();
    Server {
        _dir: dir,
        store,
        listener,
    }
}

fn short() -> Limits {
    Limits {
        header_timeout: Duration::from_millis(600),
        body_idle_timeout: Duration::from_millis(600),
        idle_timeout: Duration::from_millis(1500),
        max_connections: 40,
        drain_deadline: Duration::from_secs(5),
    }
}

/// Reads until the server closes the connection (or `within` passes);
/// what it said, and whether it closed.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> (String, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&got).into(), true),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&got).into(), false),
        }
    }
}

async fn post(url: &str, body: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(url)
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_head_sent_too_slowly_is_cut_off_and_nothing_is_stored() {
    let s = server(short()).await;
    let mut slow = TcpStream::connect(s.listener.local_addr()).await.unwrap();
    slow.write_all(b"POST /slow HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    let started = Instant::now();
    let (_, closed) = read_until_closed(&mut slow, Duration::from_secs(5)).await;
    assert!(closed, "a half-sent head is not held for ever");
    assert!(started.elapsed() >= Duration::from_millis(500));
    assert_eq!(s.store.reader().unwrap().count().unwrap(), 0);
    assert_eq!(s.listener.stats().timed_out, 1);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let s = server(short()).await;
    let mut conn = TcpStream::connect(s.listener.local_addr()).await.unwrap();
    conn.write_all(b"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok")
        .await
        .unwrap();
    let (said, closed) = read_until_closed(&mut conn, Duration::from_secs(5)).await;
    assert!(said.starts_with("HTTP/1.1 200"), "{said}");
    assert!(closed, "closed after the idle timeout");
    assert_eq!(s.store.reader().unwrap().count().unwrap(), 1);
    let stats = s.listener.stats();
    assert_eq!(
        (stats.idle_closed, stats.timed_out),
        (1, 0),
        "routine, not a slow sender"
    );
}

#[tokio::test]
async fn a_body_that_stalls_gets_408_and_nothing_is_stored() {
    let s = server(short()).await;
    let mut conn = TcpStream::connect(s.listener.local_addr()).await.unwrap();
    conn.write_all(b"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhalf")
        .await
        .unwrap();
    let (said, closed) = read_until_closed(&mut conn, Duration::from_secs(5)).await;
    assert!(said.starts_with("HTTP/1.1 408"), "{said}");
    assert!(closed);
    assert_eq!(s.store.reader().unwrap().count().unwrap(), 0);
    assert_eq!(s.listener.stats().timed_out, 1, "counted as a slow sender");
}

#[tokio::test]
async fn a_sender_that_half_closes_after_its_request_still_gets_its_answer() {
    let s = server(short()).await;
    let mut conn = TcpStream::connect(s.listener.local_addr()).await.unwrap();
    conn.write_all(
        b"POST /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi",
    )
    .await
    .unwrap();
    conn.shutdown().await.unwrap();
    let (said, _) = read_until_closed(&mut conn, Duration::from_secs(5)).await;
    assert!(said.starts_with("HTTP/1.1 200"), "{said:?}");
    assert_eq!(s.store.reader().unwrap().count().unwrap(), 1);
}

#[tokio::test]
async fn a_full_connection_table_makes_room_for_a_real_request() {
    let s = server(short()).await;
    let addr = s.listener.local_addr();
    // More half-sent heads than the table holds.
    let mut lorises = Vec::new();
    for _ in 0..60 {
        let mut c = TcpStream::connect(addr).await.unwrap();
        c.write_all(b"POST /loris HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        lorises.push(c);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let url = format!("http://{addr}/probe");
    let started = Instant::now();
    let response = tokio::time::timeout(Duration::from_secs(3), post(&url, "probe"))
        .await
        .expect("the probe is answered within 3 s");
    assert_eq!(response.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(3));
    let stats = s.listener.stats();
    assert!(stats.open_connections <= 41, "{stats:?}");
    assert!(stats.evicted >= 20, "{stats:?}");
    assert_eq!(s.store.reader().unwrap().count().unwrap(), 1);
}

#[tokio::test]
async fn when_every_connection_is_busy_a_newcomer_gets_503_with_retry_after() {
    let s = server(Limits {
        max_connections: 5,
        body_idle_timeout: Duration::from_secs(5),
        ..short()
    })
    .await;
    let addr = s.listener.local_addr();
    // Requests in progress (bodies still coming) are never closed for room.
    let mut busy = Vec::new();
    for _ in 0..5 {
        let mut c = TcpStream::connect(addr).await.unwrap();
        c.write_all(b"POST /busy HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab")
            .await
            .unwrap();
        busy.push(c);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut late = TcpStream::connect(addr).await.unwrap();
    let (said, closed) = read_until_closed(&mut late, Duration::from_secs(3)).await;
    assert!(said.starts_with("HTTP/1.1 503"), "{said:?}");
    assert!(said.contains("Retry-After: 1"), "{said}");
    assert!(closed);
    assert_eq!(s.listener.stats().refused, 1);
    // The busy ones finish and are stored.
    for c in &mut busy {
        c.write_all(b"cdefghij").await.unwrap();
    }
    for c in &mut busy {
        let (said, _) = read_until_closed(c, Duration::from_millis(800)).await;
        assert!(said.starts_with("HTTP/1.1 200"), "{said}");
    }
    assert_eq!(s.store.reader().unwrap().count().unwrap(), 5);
}

#[tokio::test]
async fn shutdown_answers_what_was_stored_and_does_not_wait_for_half_sent_requests() {
    let s = server(Limits {
        header_timeout: Duration::from_secs(60),
        idle_timeout: Duration::from_secs(60),
        ..short()
    })
    .await;
    let addr = s.listener.local_addr();
    // An endpoint that answers after 30 s: stored at once, answered late.
    let spec = hooklens_core::store::EndpointSpec {
        name: "slow".into(),
        path_prefix: "/slow".into(),
        preset: None,
        response: hooklens_core::model::ConfiguredResponse {
            delay_ms: 30_000,
            ..Default::default()
        },
        scheme: None,
        forwards: Vec::new(),
        rules: Vec::new(),
    };
    s.store.add_endpoint(&spec).unwrap();
    let mut loris = TcpStream::connect(addr).await.unwrap();
    loris
        .write_all(b"POST /loris HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let waiting = tokio::spawn(post_owned(format!("http://{addr}/slow/x")));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(s.store.reader().unwrap().count().unwrap(), 1, "stored");

    let started = Instant::now();
    s.listener.shutdown().await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "a half-sent request does not hold the stop"
    );
    let answered = waiting.await.unwrap();
    assert_eq!(
        answered, 200,
        "the stored request was answered before the stop"
    );
    let (_, closed) = read_until_closed(&mut loris, Duration::from_secs(2)).await;
    assert!(closed);
}

async fn post_owned(url: String) -> u16 {
    post(&url, "{}").await.status().as_u16()
}
