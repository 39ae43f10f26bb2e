//! The tunnel ingress over real HTTP and a real SQLite file: what a tunnel
//! (cloudflared, ngrok, ssh -R) forwards to it is captured like anything
//! else, marked as tunnelled, verified against the public URL, and limited
//! per source.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use hooklens_core::capture::{IngressOptions, TunnelIngress};
use hooklens_core::model::{
    ConfiguredResponse, EndpointSpec, ForwardMode, ForwardTarget, HeaderPair, TunnelArrival,
};
use hooklens_core::signature::{Scheme, VerdictStatus};
use hooklens_core::store::PageQuery;
use hooklens_tests::handler::{Replies, TestHandler};
use hooklens_tests::{Harness, stored_id};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const PUBLIC: &str = "https://abc.trycloudflare.com";
const HANDLER: &str = env!("CARGO_BIN_EXE_hooklens-test-handler");

async fn ingress(h: &Harness, kind: &str) -> (TunnelIngress, String) {
    let ingress = h.listener.open_tunnel_ingress(kind).await.unwrap();
    let url = ingress.url();
    (ingress, url)
}

/// Names of the stored events matching `query`, by id, newest first.
fn search(h: &Harness, query: &str) -> Vec<i64> {
    let query = hooklens_core::query::parse(query, 0).unwrap();
    h.store
        .reader()
        .unwrap()
        .search_page(&PageQuery {
            limit: 100,
            query,
            ..PageQuery::default()
        })
        .unwrap()
        .events
        .into_iter()
        .map(|e| e.id)
        .collect()
}

#[tokio::test]
async fn a_tunnelled_request_is_stored_byte_for_byte_and_marked_before_it_is_acknowledged() {
    let h = Harness::start().await;
    let (ingress, url) = ingress(&h, "cloudflared").await;
    ingress.set_public_url(Some(format!("{PUBLIC}/"))).unwrap();
    assert_eq!(ingress.public_url().as_deref(), Some(PUBLIC));
    assert_eq!(ingress.kind(), "cloudflared");
    assert!(ingress.local_addr().ip().is_loopback());
    assert_ne!(ingress.local_addr(), h.listener.local_addr());

    // Header names as cloudflared (Go) writes them, not lowercased.
    let client = reqwest::Client::builder()
        .http1_title_case_headers()
        .build()
        .unwrap();
    let body: &[u8] = b"{\"id\":\"kevt_1\"}\r\n\xff\xfe";
    // What cloudflared passes on for a client that sent its own
    // X-Forwarded-For (cloudflare/cloudflared#1426).
    let send = |to: &str| {
        client
            .post(format!("{to}/kustom/orders?x=1"))
            .header("Cf-Connecting-Ip", "203.0.113.7")
            .header("X-Forwarded-For", "10.1.2.3, 203.0.113.7")
            .header("X-Forwarded-Proto", "https")
            .body(body.to_vec())
            .send()
    };
    let tunnelled = send(&url).await.unwrap();
    assert_eq!(tunnelled.status(), 200);
    let tunnelled = stored_id(&tunnelled);

    // The 200 came after the commit: a fresh reader sees it at once.
    let reader = h.store.reader().unwrap();
    let event = reader.event(tunnelled).unwrap();
    assert_eq!(event.body, body);
    assert!(event.summary.tunneled);
    assert_eq!(
        event.via,
        Some(TunnelArrival {
            kind: "cloudflared".into(),
            public_url: Some(PUBLIC.into()),
            client_addr: Some("203.0.113.7".into()),
            // As the request spelled it.
            client_header: Some("Cf-Connecting-Ip".into()),
            client_vouched: true,
        })
    );
    // The peer is the tunnel process on this machine.
    assert!(
        event
            .summary
            .remote_addr
            .as_deref()
            .unwrap()
            .starts_with("127.0.0.1:")
    );
    let view = hooklens_core::detail::event_view(&reader, tunnelled).unwrap();
    assert_eq!(view.url, format!("{PUBLIC}/kustom/orders?x=1"));
    assert_eq!(view.via, event.via);

    // The same request to the local port is not marked.
    let local = send(&h.url).await.unwrap();
    assert_eq!(local.status(), 200);
    let local = stored_id(&local);
    let event = reader.event(local).unwrap();
    assert_eq!(event.body, body);
    assert!(!event.summary.tunneled);
    assert_eq!(event.via, None);

    assert_eq!(search(&h, "via:tunnel"), vec![tunnelled]);
    assert_eq!(search(&h, "via:local"), vec![local]);
    assert_eq!(search(&h, "-via:tunnel"), vec![local]);

    // Before the public URL is known, arrivals are marked without one.
    ingress.set_public_url(None).unwrap();
    let early = stored_id(&send(&url).await.unwrap());
    let via = reader.event(early).unwrap().via.unwrap();
    assert_eq!(via.public_url, None);
    ingress.close().await;
}

#[tokio::test]
async fn the_ingress_answers_with_the_endpoints_configured_response() {
    let h = Harness::start().await;
    h.store
        .add_endpoint(&EndpointSpec {
            name: "slow".into(),
            path_prefix: "/slow".into(),
            preset: None,
            response: ConfiguredResponse {
                status: 202,
                headers: vec![HeaderPair {
                    name: "X-Handled-By".into(),
                    value: "hooklens".into(),
                }],
                body: "queued".into(),
                delay_ms: 0,
            },
            scheme: None,
            forwards: Vec::new(),
            rules: Vec::new(),
        })
        .unwrap();
    let (_ingress, url) = ingress(&h, "ngrok").await;
    let r = reqwest::Client::new()
        .post(format!("{url}/slow/x"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    assert_eq!(r.headers()["x-handled-by"], "hooklens");
    let id = stored_id(&r);
    assert_eq!(r.text().await.unwrap(), "queued");
    assert!(
        h.store
            .reader()
            .unwrap()
            .event(id)
            .unwrap()
            .summary
            .tunneled
    );
}

#[tokio::test]
async fn provider_to_tunnel_to_hooklens_to_the_local_handler_relays_its_reply() {
    let h = Harness::start().await;
    let handler = TestHandler::spawn(HANDLER, &[]).await;
    handler
        .set_replies(Replies {
            statuses: vec![201],
            body: Some("handled".into()),
            ..Replies::default()
        })
        .await;
    h.store
        .add_endpoint(&EndpointSpec {
            name: "fwd".into(),
            path_prefix: "/fwd".into(),
            preset: None,
            response: Default::default(),
            scheme: None,
            forwards: vec![ForwardTarget::new(
                format!("{}/in", handler.url()),
                ForwardMode::Relay,
            )],
            rules: Vec::new(),
        })
        .unwrap();
    let (_ingress, url) = ingress(&h, "cloudflared").await;
    let body = b"{\"n\":1}\xff".to_vec();
    let r = reqwest::Client::new()
        .post(format!("{url}/fwd/x"))
        .header("Cf-Connecting-Ip", "203.0.113.7")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "the handler's answer");
    let id = stored_id(&r);
    assert_eq!(r.text().await.unwrap(), "handled");
    let got = handler.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(got[0].body, body, "forwarded byte for byte");
    assert!(
        h.store
            .reader()
            .unwrap()
            .event(id)
            .unwrap()
            .summary
            .tunneled
    );
}

/// A raw request head with `Content-Length: 100` and no body: the answer
/// must come without the body being waited for.
async fn head_only(addr: std::net::SocketAddr, forwarded_for: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /kustom HTTP/1.1\r\nHost: abc.ngrok.app\r\nX-Forwarded-For: {forwarded_for}\r\n\
         Content-Length: 100\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    // Well under the body idle timeout (30 s): the limit does not read it.
    let answer = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(answer.is_ok(), "answered and closed without the body");
    String::from_utf8_lossy(&got).into_owned()
}

#[tokio::test]
async fn a_source_over_its_rate_gets_429_with_retry_after_and_nothing_is_stored() {
    let h = Harness::start().await;
    h.store.set_setting("tunnel_rate_burst", "3").unwrap();
    // One a minute: nothing refills during the test.
    h.store.set_setting("tunnel_rate_per_minute", "1").unwrap();
    // ngrok appends the client it saw to X-Forwarded-For: that hop keys the limit.
    let (ingress, url) = ingress(&h, "ngrok").await;
    let client = reqwest::Client::new();
    let post = |from: &'static str| {
        client
            .post(format!("{url}/kustom"))
            .header("X-Forwarded-For", from)
            .body("{\"n\":1}")
            .send()
    };
    for _ in 0..3 {
        assert_eq!(post("203.0.113.7").await.unwrap().status(), 200);
    }
    let limited = post("203.0.113.7").await.unwrap();
    assert_eq!(limited.status(), 429);
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert!(limited.headers().get("x-hooklens-event").is_none());
    assert!(limited.text().await.unwrap().contains("not stored"));
    assert_eq!(h.store.reader().unwrap().count().unwrap(), 3);

    // Another client is unaffected; the local port is not limited at all.
    assert_eq!(post("198.51.100.20").await.unwrap().status(), 200);
    for _ in 0..5 {
        let r = client
            .post(format!("{}/kustom", h.url))
            .header("X-Forwarded-For", "203.0.113.7")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }

    // The limit answers from the head: a body announced and never sent
    // does not hold the answer back.
    let answer = head_only(ingress.local_addr(), "203.0.113.7").await;
    assert!(answer.starts_with("HTTP/1.1 429"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("retry-after:"),
        "{answer}"
    );
    assert_eq!(h.store.reader().unwrap().count().unwrap(), 9);

    let stats = ingress.stats();
    assert_eq!(stats.rate_limited_tunnel, 2);
    assert_eq!(h.listener.stats().rate_limited_tunnel, 2);
    assert_eq!(ingress.tracked_sources(), 2);
}

#[tokio::test]
async fn bodies_over_the_limit_get_413_through_the_tunnel_too() {
    let h = Harness::with_body_limit(1024).await;
    let (_ingress, url) = ingress(&h, "cloudflared").await;
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{url}/big"))
        .header("Cf-Connecting-Ip", "203.0.113.7")
        .body(vec![b'a'; 1025])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(r.text().await.unwrap().contains("1024 bytes"));
    let ok = client
        .post(format!("{url}/ok"))
        .body(vec![b'a'; 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(h.store.reader().unwrap().count().unwrap(), 1);
}

#[tokio::test]
async fn forged_forwarded_for_values_cannot_grow_the_source_table() {
    let h = Harness::start().await;
    // A tunnel that vouches for the address it names: each distinct one
    // is a source, and the table stays within its cap.
    let ngrok = h
        .listener
        .open_tunnel_ingress_with("ngrok", IngressOptions { max_sources: 16 })
        .await
        .unwrap();
    let client = reqwest::Client::new();
    for n in 0..64u32 {
        let r = client
            .post(format!("{}/flood", ngrok.url()))
            .header(
                "X-Forwarded-For",
                format!("198.51.{}.{}", n / 250, n % 250 + 1),
            )
            .body("x")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(ngrok.tracked_sources() <= 16, "{}", ngrok.tracked_sources());
    }
    assert_eq!(ngrok.tracked_sources(), 16);

    // A tunnel that passes on whatever the sender claims (ssh services):
    // forged values all share the peer's bucket, and the burst ends them.
    h.store.set_setting("tunnel_rate_burst", "5").unwrap();
    h.store.set_setting("tunnel_rate_per_minute", "1").unwrap();
    let ssh = h.listener.open_tunnel_ingress("ssh").await.unwrap();
    let mut statuses = Vec::new();
    for n in 0..8u32 {
        let r = client
            .post(format!("{}/flood", ssh.url()))
            .header("X-Forwarded-For", format!("203.0.113.{}", n + 1))
            .body("x")
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
    assert_eq!(ssh.tracked_sources(), 1);
    assert_eq!(ssh.stats().rate_limited_tunnel, 3);
    assert_eq!(ngrok.stats().rate_limited_tunnel, 0);
    // What an ssh tunnel's request claims is shown as a claim.
    let newest = h.store.reader().unwrap().page(1, None).unwrap().events[0].id;
    let via = h
        .store
        .reader()
        .unwrap()
        .event(newest)
        .unwrap()
        .via
        .unwrap();
    assert_eq!(
        (via.client_addr.as_deref(), via.client_vouched),
        (Some("203.0.113.5"), false)
    );
}

/// Twilio's signature, computed here independently of hooklens-core: base64
/// HMAC-SHA1 over the URL and the sorted form parameters, each name then
/// its value.
fn twilio_signature(auth_token: &str, url: &str, form: &str) -> String {
    let mut params: Vec<(String, String)> = form_urlencoded::parse(form.as_bytes())
        .into_owned()
        .collect();
    params.sort();
    let mut signed = url.to_owned();
    for (name, value) in params {
        signed.push_str(&name);
        signed.push_str(&value);
    }
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(auth_token.as_bytes()).unwrap();
    mac.update(signed.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[tokio::test]
async fn twilio_requests_are_verified_against_the_public_url_they_were_signed_for() {
    let h = Harness::start().await;
    let endpoint = h
        .store
        .add_endpoint(&EndpointSpec {
            name: "twilio".into(),
            path_prefix: "/twilio".into(),
            preset: None,
            response: Default::default(),
            scheme: Some(Scheme::Twilio),
            forwards: Vec::new(),
            rules: Vec::new(),
        })
        .unwrap();
    h.store
        .add_secret(endpoint.id, "auth token", "12345")
        .unwrap();
    let (ingress, url) = ingress(&h, "cloudflared").await;
    ingress.set_public_url(Some(PUBLIC.into())).unwrap();

    let signed_for = format!("{PUBLIC}/twilio/sms");
    let form = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";
    let signature = twilio_signature("12345", &signed_for, form);
    let client = reqwest::Client::new();
    // cloudflared keeps the public Host by default; here it does not, so
    // only the public URL the ingress was told can make this verify.
    let send = |to: &str| {
        client
            .post(format!("{to}/twilio/sms"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("X-Twilio-Signature", &signature)
            .header("Cf-Connecting-Ip", "54.172.60.1")
            .body(form)
            .send()
    };
    let through = stored_id(&send(&url).await.unwrap());
    let local = stored_id(&send(&h.url).await.unwrap());

    let reader = h.store.reader().unwrap();
    let verdict = |id: i64| reader.event(id).unwrap().summary.verdict.unwrap();
    let v = verdict(through);
    assert_eq!(v.status, VerdictStatus::Valid, "{v:?}");
    assert_eq!(v.secret.as_deref(), Some("auth token"));
    let reason = v.reason.unwrap();
    assert!(reason.contains(&signed_for), "{reason}");

    let v = verdict(local);
    assert_eq!(v.status, VerdictStatus::Invalid, "{v:?}");
    // Another host is no variant a diagnosis can name; the reason says
    // which URL was checked, and where a tunnel's signature verifies.
    assert_eq!(v.diagnosis, None);
    let reason = v.reason.unwrap();
    let local_url = format!("{}/twilio/sms", h.url);
    assert!(
        reason.contains(&local_url) && reason.contains("tunnel"),
        "{reason}"
    );

    // The tunnel restarts with another URL: stored events keep the one
    // they arrived through, re-verified as well.
    ingress
        .set_public_url(Some("https://xyz.trycloudflare.com".into()))
        .unwrap();
    // A new secret alongside makes re-verification look at every event.
    h.store.add_secret(endpoint.id, "rotated", "67890").unwrap();
    let outcome =
        hooklens_core::verdict::reverify(&h.store, None, &AtomicBool::new(false), |_| {}).unwrap();
    assert_eq!(outcome.checked, 2);
    assert_eq!(verdict(through).status, VerdictStatus::Valid);
    assert_eq!(verdict(local).status, VerdictStatus::Invalid);

    // Arriving now, the same request was signed for a URL the tunnel no
    // longer has.
    let late = stored_id(&send(&url).await.unwrap());
    let v = verdict(late);
    assert_eq!(v.status, VerdictStatus::Invalid);
    assert!(
        v.reason
            .unwrap()
            .contains("https://xyz.trycloudflare.com/twilio/sms")
    );
}

#[tokio::test]
async fn a_closed_ingress_stops_accepting_and_the_listener_carries_on() {
    let h = Harness::start().await;
    let (ingress, url) = ingress(&h, "ssh").await;
    let addr = ingress.local_addr();
    assert_eq!(
        reqwest::Client::new()
            .post(format!("{url}/a"))
            .body("1")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    ingress.close().await;
    assert!(TcpStream::connect(addr).await.is_err(), "closed");

    // Dropping one closes it too.
    let dropped = h.listener.open_tunnel_ingress("ngrok").await.unwrap();
    let addr = dropped.local_addr();
    drop(dropped);
    let mut closed = false;
    for _ in 0..100 {
        if TcpStream::connect(addr).await.is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(closed, "a dropped ingress stops accepting");

    let r = reqwest::Client::new()
        .post(format!("{}/b", h.url))
        .body("2")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        h.listener
            .open_tunnel_ingress("not a kind")
            .await
            .err()
            .unwrap()
            .to_string()
            .contains("not a kind of tunnel")
    );
}
