//! Request heads stored exactly as they arrived, over a raw socket: name
//! case, order across names, duplicates, chunked trailers, every
//! request-target form, pipelined requests; and what `show`'s sources and
//! Copy as curl make of them.

use std::time::Duration;

use hooklens_core::detail;
use hooklens_core::store::{EventDetail, StoredHeader};
use hooklens_tests::Harness;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends `raw` on one connection and reads until `answers` responses'
/// status lines have arrived (or the connection closes).
async fn exchange(h: &Harness, raw: &[u8], answers: usize) -> String {
    let mut stream = TcpStream::connect(h.listener.local_addr()).await.unwrap();
    stream.write_all(raw).await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let read = async {
        loop {
            if String::from_utf8_lossy(&got).matches("HTTP/1.1 ").count() >= answers
                && got.ends_with(b"\n")
            {
                break;
            }
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(5), read).await;
    String::from_utf8_lossy(&got).into_owned()
}

fn pairs(headers: &[StoredHeader]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|h| {
            (
                h.name.clone(),
                String::from_utf8_lossy(h.bytes()).into_owned(),
            )
        })
        .collect()
}

fn owned(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

fn event(h: &Harness, id: i64) -> EventDetail {
    h.store.reader().unwrap().event(id).unwrap()
}

const MIXED: &[u8] = b"POST /hook/a?x=1 HTTP/1.1\r\n\
    Host: 127.0.0.1\r\n\
    X-Foo: a\r\n\
    Authorization: Bearer t0k3n\r\n\
    x-foo: b\r\n\
    Content-TYPE: application/json\r\n\
    Transfer-Encoding: chunked\r\n\
    Trailer: X-Checksum\r\n\
    \r\n\
    7\r\n{\"a\":1}\r\n\
    0\r\n\
    X-Checksum: sha256=abc\r\n\
    x-Late-Note: done\r\n\
    \r\n";

#[tokio::test]
async fn headers_and_trailers_are_stored_as_they_arrived() {
    let h = Harness::start().await;
    let said = exchange(&h, MIXED, 1).await;
    assert!(said.starts_with("HTTP/1.1 200"), "{said}");
    let e = event(&h, 1);
    assert_eq!(
        pairs(&e.headers),
        owned(&[
            ("Host", "127.0.0.1"),
            ("X-Foo", "a"),
            ("Authorization", "Bearer t0k3n"),
            ("x-foo", "b"),
            ("Content-TYPE", "application/json"),
            ("Transfer-Encoding", "chunked"),
            ("Trailer", "X-Checksum"),
        ]),
        "case, order across names and duplicates as sent"
    );
    assert_eq!(
        pairs(&e.trailers),
        owned(&[("X-Checksum", "sha256=abc"), ("x-Late-Note", "done")])
    );
    assert_eq!(e.body, b"{\"a\":1}", "the body, de-chunked");
    assert_eq!(e.request_target(), "/hook/a?x=1");
    assert_eq!(e.http_version.as_deref(), Some("HTTP/1.1"));
    assert_eq!(e.summary.path, "/hook/a");
    assert_eq!(e.summary.content_type.as_deref(), Some("application/json"));

    // Header filters stay case-insensitive.
    let reader = h.store.reader().unwrap();
    let found = |text: &str| {
        reader
            .count_matching(&hooklens_core::query::parse(text, 0).unwrap(), None, 100)
            .unwrap()
            .count
    };
    assert_eq!(found("header.X-FOO:b"), 1);
    assert_eq!(found("header.content-type:application/json"), 1);

    // Copy as curl: the same names, case and order (transport headers are
    // curl's own), and a word on the trailers curl cannot send.
    let curl = detail::curl_command(&e, &h.store.endpoints(), None);
    // One argument per line: `-H \` then `'Name: value' \`.
    let lines: Vec<&str> = curl
        .lines()
        .map(|l| l.trim().trim_end_matches(" \\"))
        .collect();
    let sent: Vec<&str> = lines
        .windows(2)
        .filter(|w| w[0] == "-H")
        .map(|w| w[1].trim_matches('\''))
        .collect();
    assert_eq!(sent.len(), 5, "{curl}");
    assert_eq!(sent[0], "X-Foo: a");
    // The credential is masked: read from the environment, never printed.
    assert!(
        sent[1].starts_with("Authorization: ") && sent[1].contains("HOOKLENS_AUTHORIZATION"),
        "{}",
        sent[1]
    );
    assert!(!curl.contains("t0k3n"), "{curl}");
    assert_eq!(
        sent[2..],
        [
            "x-foo: b",
            "Content-TYPE: application/json",
            "Trailer: X-Checksum"
        ]
    );
    assert!(
        curl.starts_with(
            "# The sender also sent trailers after its chunked body (X-Checksum, x-Late-Note)"
        ),
        "{curl}"
    );
}

#[tokio::test]
async fn every_request_target_form_is_kept() {
    let h = Harness::start().await;
    let said = exchange(
        &h,
        b"POST http://Example.COM:8080/hook/abs?q=1 HTTP/1.1\r\nHost: Example.COM:8080\r\nContent-Length: 2\r\n\r\nhi",
        1,
    )
    .await;
    assert!(said.starts_with("HTTP/1.1 200"), "{said}");
    let e = event(&h, 1);
    assert_eq!(e.request_target(), "http://Example.COM:8080/hook/abs?q=1");
    assert_eq!(
        e.summary.path, "/hook/abs",
        "routing and search use the path"
    );

    let said = exchange(&h, b"OPTIONS * HTTP/1.0\r\n\r\n", 1).await;
    assert!(said.contains(" 200 "), "{said}");
    let e = event(&h, 2);
    assert_eq!(e.request_target(), "*");
    assert_eq!(e.http_version.as_deref(), Some("HTTP/1.0"));

    let said = exchange(
        &h,
        b"CONNECT pay.example:443 HTTP/1.1\r\nHost: pay.example:443\r\n\r\n",
        1,
    )
    .await;
    assert!(said.starts_with("HTTP/1.1 "), "{said}");
    let e = event(&h, 3);
    assert_eq!(e.summary.method, "CONNECT");
    assert_eq!(
        e.request_target(),
        "pay.example:443",
        "the authority is kept"
    );
}

#[tokio::test]
async fn pipelined_requests_each_keep_their_own_head() {
    let h = Harness::start().await;
    let mut raw = Vec::new();
    raw.extend_from_slice(
        b"POST /p/1 HTTP/1.1\r\nHost: x\r\nX-One: 1\r\nContent-Length: 3\r\n\r\none",
    );
    raw.extend_from_slice(MIXED);
    raw.extend_from_slice(b"GET /p/3 HTTP/1.1\r\nhost: x\r\nX-three: 3\r\nx-THREE: 33\r\n\r\n");
    let said = exchange(&h, &raw, 3).await;
    assert_eq!(said.matches("HTTP/1.1 200").count(), 3, "{said}");
    let first = event(&h, 1);
    assert_eq!(
        pairs(&first.headers),
        owned(&[("Host", "x"), ("X-One", "1"), ("Content-Length", "3")])
    );
    assert_eq!(first.body, b"one");
    assert!(first.trailers.is_empty());
    let second = event(&h, 2);
    assert_eq!(second.request_target(), "/hook/a?x=1");
    assert_eq!(second.trailers.len(), 2);
    let third = event(&h, 3);
    assert_eq!(
        pairs(&third.headers),
        owned(&[("host", "x"), ("X-three", "3"), ("x-THREE", "33")])
    );
    assert_eq!(third.request_target(), "/p/3");
}

#[tokio::test]
async fn requests_from_ordinary_clients_keep_their_heads_too() {
    let h = Harness::start().await;
    let response = reqwest::Client::new()
        .post(format!("{}/plain", h.url))
        .header("X-Mixed-Case", "v")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let e = event(&h, 1);
    // reqwest itself sends lowercase names; what arrived is what is stored.
    assert!(e.headers.iter().any(|h| h.name == "x-mixed-case"));
    assert_eq!(e.request_target(), "/plain");
}

/// A raw-socket handler: answers 200 to one request and hands back the
/// bytes it received.
async fn raw_handler() -> (String, tokio::task::JoinHandle<Vec<u8>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/handler", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = socket.read(&mut buf).await.unwrap();
            got.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&got);
            if let Some(end) = text.find("\r\n\r\n") {
                let length = text[..end]
                    .lines()
                    .find_map(|l| l.strip_prefix("Content-Length: "))
                    .and_then(|l| l.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if got.len() >= end + 4 + length {
                    break;
                }
            }
        }
        socket
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            .await
            .unwrap();
        got
    });
    (url, task)
}

#[tokio::test]
async fn a_resend_keeping_the_original_headers_sends_them_as_they_arrived() {
    use hooklens_core::model::{HeaderPair, Pattern, ResendSpec, SignMode, Signing};
    use hooklens_core::resend::{Cancel, Sender};

    let h = Harness::start().await;
    exchange(&h, MIXED, 1).await;
    let e = event(&h, 1);
    let (url, got) = raw_handler().await;
    let spec = ResendSpec {
        event_id: Some(1),
        method: e.summary.method.clone(),
        url,
        // What the resend editor starts from: the stored headers.
        headers: e
            .headers
            .iter()
            .map(|hd| HeaderPair {
                name: hd.name.clone(),
                value: String::from_utf8_lossy(hd.bytes()).into_owned(),
            })
            .collect(),
        body_text: Some(String::from_utf8(e.body.clone()).unwrap()),
        body_base64: None,
        signing: Signing {
            mode: SignMode::Keep,
            ..Signing::default()
        },
        pattern: Pattern::Once,
    };
    let run = Sender::new(h.store.clone())
        .unwrap()
        .resend(&spec, &mut |_| {}, &Cancel::new())
        .await
        .unwrap();
    assert_eq!(
        run.attempts[0].response.as_ref().map(|r| r.status),
        Some(200)
    );
    let got = String::from_utf8(got.await.unwrap()).unwrap();
    let (head, body) = got.split_once("\r\n\r\n").unwrap();
    let lines: Vec<&str> = head.lines().collect();
    assert_eq!(lines[0], "POST /handler HTTP/1.1");
    // Host names the handler and Content-Length the body: the transport's
    // own; the rest exactly as the provider sent them.
    assert_eq!(
        lines[1..],
        [
            lines[1],
            "X-Foo: a",
            "Authorization: Bearer t0k3n",
            "x-foo: b",
            "Content-TYPE: application/json",
            "Trailer: X-Checksum",
            "Content-Length: 7",
        ]
    );
    assert!(lines[1].starts_with("Host: 127.0.0.1:"), "{}", lines[1]);
    assert_eq!(body, "{\"a\":1}");
    // And what is recorded as sent is what went on the wire, the
    // credential shown masked.
    let recorded: Vec<String> = run.attempts[0]
        .headers
        .iter()
        .map(|hd| format!("{}: {}", hd.name, hd.value))
        .collect();
    let expected: Vec<String> = lines[1..]
        .iter()
        .map(|l| {
            if l.starts_with("Authorization: ") {
                "Authorization: Bearer ••••••••".to_owned()
            } else {
                (*l).to_owned()
            }
        })
        .collect();
    assert_eq!(recorded, expected);
}
