//! Resend, duplicates, retry schedules, forwarding and test events against a
//! real handler process that checks signatures with its own implementation
//! of each scheme (tests/src/bin/test-handler.rs).

use std::time::Duration;

use hooklens_core::model::{
    ConfiguredResponse, DeliveryErrorKind, DeliveryKind, EndpointSpec, ForwardMode, ForwardTarget,
    HeaderPair, Pattern, ResendSpec, SendProgress, SignMode, Signing, TestEventSpec,
};
use hooklens_core::providers::{self, samples};
use hooklens_core::resend::{Cancel, Sender};
use hooklens_core::signature::{self, Scheme, Secret, SignInput};
use hooklens_core::store::now_ns;
use hooklens_tests::handler::{Replies, TestHandler};
use hooklens_tests::{Harness, stored_id};

const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const HANDLER: &str = env!("CARGO_BIN_EXE_hooklens-test-handler");

fn endpoint(name: &str, prefix: &str, preset: Option<&str>) -> EndpointSpec {
    EndpointSpec {
        name: name.into(),
        path_prefix: prefix.into(),
        preset: preset.map(str::to_owned),
        response: ConfiguredResponse::default(),
        scheme: None,
        forwards: Vec::new(),
        rules: Vec::new(),
    }
}

/// A Kustom event captured by the listener, signed as Kustom (assumed
/// Standard Webhooks) would sign it.
async fn capture_kustom(h: &Harness) -> (i64, i64) {
    let ep = h
        .store
        .add_endpoint(&endpoint("Kustom", "/kustom", Some("kustom")))
        .unwrap();
    h.store.add_secret(ep.id, "current", WHSEC).unwrap();
    let body = br#"{"id":"kevt_754uIatTW0hmi10Gggqe2H","merchant_id":"DM11917000","type":"order.created","data":{"order_id":"o-1","amount":1000}}"#;
    let now = now_ns() / 1_000_000_000;
    let headers = signature::sign(
        &Scheme::by_id("standard-webhooks").unwrap(),
        &Secret::new("current", WHSEC),
        &SignInput {
            body,
            url: "",
            id: Some("msg_original"),
            timestamp: now,
        },
    )
    .unwrap();
    let mut request = reqwest::Client::new()
        .post(format!("{}/kustom/orders", h.url))
        .header("content-type", "application/json")
        .body(body.to_vec());
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    let id = stored_id(&response);
    (ep.id, id)
}

/// The editor's request for stored event `id`, with `edit` applied to its body.
fn spec_for(h: &Harness, id: i64, url: String, edit: impl Fn(&str) -> String) -> ResendSpec {
    let detail = h.store.reader().unwrap().event(id).unwrap();
    ResendSpec {
        event_id: Some(id),
        method: detail.summary.method.clone(),
        url,
        headers: detail
            .headers
            .iter()
            .map(|hd| HeaderPair {
                name: hd.name.clone(),
                value: String::from_utf8_lossy(hd.bytes()).into_owned(),
            })
            .collect(),
        body_text: Some(edit(std::str::from_utf8(&detail.body).unwrap())),
        body_base64: None,
        signing: Signing::default(),
        pattern: Pattern::Once,
    }
}

fn no_progress() -> impl FnMut(SendProgress) + Send {
    |_| {}
}

#[tokio::test]
async fn an_edited_body_resent_with_re_signing_verifies_and_without_it_fails() {
    let h = Harness::start().await;
    let handler = TestHandler::spawn(HANDLER, &[("standard-webhooks", WHSEC)]).await;
    let (_, id) = capture_kustom(&h).await;
    let sender = Sender::new(h.store.clone()).unwrap();
    let url = format!("{}/standard-webhooks/hooks", handler.url());
    let edited = |b: &str| b.replace("\"amount\":1000", "\"amount\":2500");

    let mut spec = spec_for(&h, id, url.clone(), edited);
    let run = sender
        .resend(&spec, &mut no_progress(), &Cancel::new())
        .await
        .unwrap();
    assert_eq!(run.attempts.len(), 1);
    let d = &run.attempts[0];
    assert_eq!(d.response.as_ref().map(|r| r.status), Some(200), "{d:?}");
    assert!(d.signing.starts_with("re-signed"), "{}", d.signing);
    assert_eq!(run.outcome.as_deref(), Some("answered 200"));

    // The handler refuses the edited body sent with its original headers,
    // a wrong signature and a replayed timestamp alike.
    for mode in [SignMode::Keep, SignMode::Missign, SignMode::Stale] {
        spec.signing.mode = mode;
        let run = sender
            .resend(&spec, &mut no_progress(), &Cancel::new())
            .await
            .unwrap();
        let status = run.attempts[0].response.as_ref().map(|r| r.status);
        assert_eq!(status, Some(401), "{mode:?}");
    }

    let got = handler.requests().await;
    assert_eq!(got.len(), 4);
    assert_eq!(got[0].verified, Some(true));
    assert!(got[0].body_text().contains("\"amount\":2500"));
    // One signature header, the new one: the original's was replaced.
    assert_eq!(
        got[0]
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("webhook-signature"))
            .count(),
        1
    );
    assert_ne!(got[0].header("webhook-id"), Some("msg_original"));
    assert_eq!(got[1].verified, Some(false));
    assert_eq!(got[1].header("webhook-id"), Some("msg_original"));
    assert_eq!(got[2].verified, Some(false));
    assert_eq!(got[3].verified, Some(false));
    assert!(
        got[3].reason.as_deref().unwrap_or("").contains("timestamp"),
        "{:?}",
        got[3].reason
    );

    // Every send is recorded under its event, newest first, exactly as sent.
    let runs = h.store.reader().unwrap().runs_of_event(id, 10).unwrap();
    assert_eq!(runs.len(), 4);
    assert!(runs.iter().all(|r| r.kind == DeliveryKind::Resend));
    let first = &runs[3].attempts[0];
    assert_eq!(
        first.body_text.as_deref(),
        Some(got[0].body_text().as_str())
    );
    let sent_sig = first
        .headers
        .iter()
        .find(|hd| hd.name.eq_ignore_ascii_case("webhook-signature"))
        .map(|hd| hd.value.clone());
    assert_eq!(sent_sig.as_deref(), got[0].header("webhook-signature"));
    // The recorded headers are the ones the handler got, transport's included.
    let mut recorded: Vec<(String, String)> = first
        .headers
        .iter()
        .map(|hd| (hd.name.to_ascii_lowercase(), hd.value.clone()))
        .collect();
    let mut received: Vec<(String, String)> = got[0]
        .headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .collect();
    recorded.sort();
    received.sort();
    assert_eq!(recorded, received);
    let recent = h.store.reader().unwrap().recent_targets(5).unwrap();
    assert_eq!(recent, [url]);
}

#[tokio::test]
async fn duplicates_arrive_n_times_with_one_event_id() {
    let h = Harness::start().await;
    let handler = TestHandler::spawn(HANDLER, &[("standard-webhooks", WHSEC)]).await;
    let (_, id) = capture_kustom(&h).await;
    let sender = Sender::new(h.store.clone()).unwrap();
    let mut spec = spec_for(
        &h,
        id,
        format!("{}/standard-webhooks", handler.url()),
        |b| b.to_owned(),
    );
    spec.pattern = Pattern::Times { count: 3 };
    let mut attempts = 0;
    let run = sender
        .resend(
            &spec,
            &mut |p| {
                if matches!(p, SendProgress::Attempt { .. }) {
                    attempts += 1;
                }
            },
            &Cancel::new(),
        )
        .await
        .unwrap();
    assert_eq!(attempts, 3);
    assert_eq!(run.attempts.len(), 3);
    let got = handler.requests().await;
    assert_eq!(got.len(), 3);
    assert!(got.iter().all(|r| r.verified == Some(true)));
    let ids: Vec<_> = got.iter().map(|r| r.header("webhook-id")).collect();
    assert!(
        ids[0].is_some() && ids.iter().all(|i| *i == ids[0]),
        "{ids:?}"
    );
    assert!(
        got.iter()
            .all(|r| r.body_text().contains("kevt_754uIatTW0hmi10Gggqe2H"))
    );
    assert_eq!(run.outcome.as_deref(), Some("sent 3 times: 200, 200, 200"));
}

#[tokio::test]
async fn a_compressed_schedule_stops_at_the_first_2xx_and_records_each_attempt() {
    let h = Harness::start().await;
    let handler = TestHandler::spawn(HANDLER, &[("standard-webhooks", WHSEC)]).await;
    handler
        .set_replies(Replies {
            statuses: vec![500, 503, 200, 500],
            ..Replies::default()
        })
        .await;
    let (_, id) = capture_kustom(&h).await;
    let sender = Sender::new(h.store.clone()).unwrap();
    let mut spec = spec_for(
        &h,
        id,
        format!("{}/standard-webhooks", handler.url()),
        |b| b.to_owned(),
    );
    // The checkout schedule (37.5 h in all) at 100 000×: about 1.4 s.
    spec.pattern = Pattern::Schedule {
        provider: "checkout".into(),
        speed: 100_000.0,
    };
    let mut waits = Vec::new();
    let run = sender
        .resend(
            &spec,
            &mut |p| {
                if let SendProgress::Waiting { next_attempt, .. } = p {
                    waits.push(next_attempt);
                }
            },
            &Cancel::new(),
        )
        .await
        .unwrap();
    let statuses: Vec<_> = run
        .attempts
        .iter()
        .map(|d| d.response.as_ref().map(|r| r.status))
        .collect();
    assert_eq!(statuses, [Some(500), Some(503), Some(200)]);
    assert_eq!(waits, [2, 3]);
    assert_eq!(handler.requests().await.len(), 3);
    let outcome = run.outcome.unwrap();
    assert!(outcome.contains("attempt 3 of 8"), "{outcome}");
    // Each attempt is signed afresh, all with the message's one id.
    let got = handler.requests().await;
    assert!(got.iter().all(|r| r.verified == Some(true)));
    assert!(
        got.windows(2)
            .all(|w| w[0].header("webhook-id") == w[1].header("webhook-id"))
    );
}

#[tokio::test]
async fn a_schedule_can_be_cancelled_while_it_waits() {
    let h = Harness::start().await;
    let handler = TestHandler::spawn(HANDLER, &[]).await;
    handler
        .set_replies(Replies {
            statuses: vec![500; 10],
            ..Replies::default()
        })
        .await;
    let (_, id) = capture_kustom(&h).await;
    let sender = Sender::new(h.store.clone()).unwrap();
    let mut spec = spec_for(&h, id, format!("{}/open", handler.url()), |b| b.to_owned());
    spec.signing.mode = SignMode::Keep;
    // Real time: the second attempt would come 5 s later.
    spec.pattern = Pattern::Schedule {
        provider: "checkout".into(),
        speed: 1.0,
    };
    let cancel = Cancel::new();
    let canceller = cancel.clone();
    let run = sender
        .resend(
            &spec,
            &mut move |p| {
                if matches!(p, SendProgress::Waiting { .. }) {
                    canceller.cancel();
                }
            },
            &cancel,
        )
        .await
        .unwrap();
    assert_eq!(run.attempts.len(), 1);
    let outcome = run.outcome.unwrap();
    assert!(outcome.starts_with("cancelled after 1 of 8"), "{outcome}");
    assert!(run.finished_at_ms.is_some());
}

#[tokio::test]
async fn refused_connections_timeouts_and_redirects_are_recorded_in_words() {
    let h = Harness::start().await;
    let (_, id) = capture_kustom(&h).await;

    // Nothing listens on a port that was just free.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sender = Sender::with_timeout(h.store.clone(), Duration::from_secs(1)).unwrap();
    let mut spec = spec_for(&h, id, format!("http://127.0.0.1:{port}/hook"), |b| {
        b.to_owned()
    });
    spec.signing.mode = SignMode::Keep;
    let run = sender
        .resend(&spec, &mut no_progress(), &Cancel::new())
        .await
        .unwrap();
    let err = run.attempts[0].error.clone().unwrap();
    assert_eq!(err.kind, DeliveryErrorKind::ConnectionRefused);
    assert!(
        err.message.contains("connection refused"),
        "{}",
        err.message
    );
    assert!(run.outcome.unwrap().starts_with("failed"));

    let handler = TestHandler::spawn(HANDLER, &[]).await;
    handler
        .set_replies(Replies {
            delay_ms: 3_000,
            ..Replies::default()
        })
        .await;
    spec.url = format!("{}/open", handler.url());
    let run = sender
        .resend(&spec, &mut no_progress(), &Cancel::new())
        .await
        .unwrap();
    let err = run.attempts[0].error.clone().unwrap();
    assert_eq!(err.kind, DeliveryErrorKind::Timeout, "{}", err.message);
    assert!(
        err.message.contains("did not answer within"),
        "{}",
        err.message
    );

    handler
        .set_replies(Replies {
            statuses: vec![302],
            headers: vec![("Location".into(), "http://example.invalid/elsewhere".into())],
            ..Replies::default()
        })
        .await;
    handler.reset().await;
    let run = sender
        .resend(&spec, &mut no_progress(), &Cancel::new())
        .await
        .unwrap();
    let response = run.attempts[0].response.clone().unwrap();
    assert_eq!(response.status, 302);
    assert_eq!(response.reason.as_deref(), Some("Found"));
    assert_eq!(
        response.redirect_to.as_deref(),
        Some("http://example.invalid/elsewhere")
    );
    assert_eq!(
        handler.requests().await.len(),
        1,
        "the redirect was not followed"
    );
}

async fn forwarding_endpoint(h: &Harness, url: String, mode: ForwardMode) -> i64 {
    let mut spec = endpoint("Fwd", "/fwd", None);
    spec.response.status = 202;
    spec.forwards = vec![ForwardTarget::new(url, mode)];
    h.store.add_endpoint(&spec).unwrap().id
}

#[tokio::test]
async fn forwarding_answers_at_once_and_records_the_handler_reply() {
    let h = Harness::start().await;
    let handler = TestHandler::spawn(HANDLER, &[]).await;
    handler
        .set_replies(Replies {
            statuses: vec![201],
            body: Some("handled".into()),
            ..Replies::default()
        })
        .await;
    forwarding_endpoint(
        &h,
        format!("{}/open/in", handler.url()),
        ForwardMode::Respond,
    )
    .await;
    let body = b"{\"n\":1}\xff".to_vec();
    let response = reqwest::Client::new()
        .post(format!("{}/fwd/x", h.url))
        .header("x-custom", "kept")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202, "the configured response, at once");
    let id: i64 = stored_id(&response);
    let got = handler.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(got[0].body, body, "forwarded byte for byte");
    assert_eq!(got[0].header("x-custom"), Some("kept"));
    let mark = got[0].header("x-hooklens-forwarded").unwrap_or_default();
    let (marked_id, mac) = mark.split_once('.').unwrap_or_default();
    assert_eq!(marked_id, id.to_string(), "the mark names the stored event");
    assert_eq!(mac.len(), 32, "and carries a MAC: {mark}");

    // The reply is recorded once the handler answered.
    let mut runs = Vec::new();
    for _ in 0..100 {
        runs = h.store.reader().unwrap().runs_of_event(id, 5).unwrap();
        if runs.first().is_some_and(|r| r.finished_at_ms.is_some()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].kind, DeliveryKind::Forward);
    let reply = runs[0].attempts[0].response.clone().unwrap();
    assert_eq!(reply.status, 201);
    assert_eq!(reply.body_text.as_deref(), Some("handled"));
}

#[tokio::test]
async fn relayed_forwarding_gives_the_sender_the_handler_reply() {
    let h = Harness::start().await;
    let handler = TestHandler::spawn(HANDLER, &[]).await;
    handler
        .set_replies(Replies {
            statuses: vec![418],
            body: Some("short and stout".into()),
            headers: vec![("x-handler".into(), "yes".into())],
            ..Replies::default()
        })
        .await;
    forwarding_endpoint(&h, format!("{}/open", handler.url()), ForwardMode::Relay).await;
    let response = reqwest::Client::new()
        .post(format!("{}/fwd", h.url))
        .body("hi")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 418);
    assert_eq!(response.headers()["x-handler"], "yes");
    let id: i64 = stored_id(&response);
    assert_eq!(response.text().await.unwrap(), "short and stout");
    let runs = h.store.reader().unwrap().runs_of_event(id, 5).unwrap();
    assert_eq!(runs[0].attempts[0].response.as_ref().unwrap().status, 418);

    // No handler: the sender learns the request is stored and why it got no
    // answer.
    drop(handler);
    let response = reqwest::Client::new()
        .post(format!("{}/fwd", h.url))
        .body("again")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    let text = response.text().await.unwrap();
    assert!(text.contains("stored this request"), "{text}");
    assert!(text.contains("connection refused"), "{text}");
    assert_eq!(h.store.reader().unwrap().count().unwrap(), 2);
}

#[tokio::test]
async fn a_forward_back_to_this_hooklens_stops_but_a_forged_mark_does_not_skip_forwarding() {
    let h = Harness::start().await;
    // The endpoint forwards to itself: without the mark this would loop.
    forwarding_endpoint(&h, format!("{}/fwd/again", h.url), ForwardMode::Respond).await;
    let response = reqwest::Client::new()
        .post(format!("{}/fwd", h.url))
        .body("once")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let first = stored_id(&response);
    let reader = h.store.reader().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while reader.count().unwrap() < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(reader.count().unwrap(), 2, "forwarded once, then stopped");
    let runs = |id| reader.runs_of_event(id, 5).unwrap().len();
    assert_eq!(runs(first), 1);
    assert_eq!(
        runs(first + 1),
        0,
        "the copy that came back is not forwarded"
    );

    // A sender cannot skip forwarding with the header: not with the old
    // fixed value, nor with a genuine mark taken from another body.
    let genuine = reader
        .event(first + 1)
        .unwrap()
        .headers
        .iter()
        .find(|hd| hd.name.eq_ignore_ascii_case("x-hooklens-forwarded"))
        .map(|hd| String::from_utf8_lossy(hd.bytes()).into_owned())
        .unwrap();
    let handler = TestHandler::spawn(HANDLER, &[]).await;
    let mut spec = endpoint("Fwd2", "/other", None);
    spec.forwards = vec![ForwardTarget::new(
        format!("{}/in", handler.url()),
        ForwardMode::Respond,
    )];
    h.store.add_endpoint(&spec).unwrap();
    for (mark, body) in [("1", "forged"), (genuine.as_str(), "another body")] {
        let response = reqwest::Client::new()
            .post(format!("{}/other", h.url))
            .header("x-hooklens-forwarded", mark)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    let got = handler.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 2, "both forwarded despite the header");
}

/// Which handler path checks a preset's scheme, and the secret the endpoint
/// and the handler share.
fn handler_scheme(preset: &str) -> Option<(&'static str, &'static str)> {
    Some(match preset {
        "kustom" | "kustom-ipp" | "checkout" | "standard-webhooks" => ("standard-webhooks", WHSEC),
        "stripe" => ("stripe", "whsec_stripe_test_secret"),
        "github" => ("github", "It's a Secret to Everybody"),
        "shopify" => ("shopify", "shpss_test_secret"),
        "slack" => ("slack", "8f742231b10e8888abcd99yyyzzz85a5"),
        "kulmipay" => ("shared-secret", "kulmi-challenge-secret"),
        "usaepay" => ("usaepay", "merchant:sig-key"),
        _ => return None,
    })
}

#[tokio::test]
async fn every_preset_test_event_verifies_at_an_independent_handler() {
    let h = Harness::start().await;
    let mut secrets: Vec<(&str, &str)> = providers::presets()
        .iter()
        .filter_map(|p| handler_scheme(p.id))
        .collect();
    secrets.push(("basic-auth", "merchant:sig-key"));
    secrets.dedup();
    let handler = TestHandler::spawn(HANDLER, &secrets).await;
    let sender = Sender::new(h.store.clone()).unwrap();
    let mut sent = 0;
    for preset in providers::presets() {
        let Some((path, secret)) = handler_scheme(preset.id) else {
            assert!(
                samples::sample_types(preset.id).unwrap().is_empty() || preset.scheme.is_none()
            );
            continue;
        };
        let ep = h
            .store
            .add_endpoint(&endpoint(
                preset.name,
                &format!("/{}", preset.id),
                Some(preset.id),
            ))
            .unwrap();
        h.store.add_secret(ep.id, "main", secret).unwrap();
        for sample in samples::sample_types(preset.id).unwrap() {
            let run = sender
                .send_test(
                    &TestEventSpec {
                        preset: preset.id.into(),
                        event_type: sample.event_type.into(),
                        endpoint_id: Some(ep.id),
                        url: Some(format!("{}/{path}/{}", handler.url(), preset.id)),
                    },
                    None,
                    &mut no_progress(),
                    &Cancel::new(),
                )
                .await
                .unwrap();
            let d = &run.attempts[0];
            assert_eq!(run.kind, DeliveryKind::Test);
            assert_eq!(
                d.response.as_ref().map(|r| r.status),
                Some(200),
                "{} {}: {:?} {:?}",
                preset.id,
                sample.event_type,
                d.response.as_ref().and_then(|r| r.body_text.clone()),
                d.error
            );
            sent += 1;
        }
    }
    let got = handler.requests().await;
    assert_eq!(got.len(), sent);
    assert!(sent >= 40, "only {sent} samples");
    assert!(got.iter().all(|r| r.verified == Some(true)));
}

#[tokio::test]
async fn a_test_event_sent_to_our_own_listener_lands_in_the_timeline_as_valid() {
    let h = Harness::start().await;
    let ep = h
        .store
        .add_endpoint(&endpoint("GitHub", "/github", Some("github")))
        .unwrap();
    h.store
        .add_secret(ep.id, "hook", "It's a Secret to Everybody")
        .unwrap();
    let sender = Sender::new(h.store.clone()).unwrap();
    let run = sender
        .send_test(
            &TestEventSpec {
                preset: "github".into(),
                event_type: "push".into(),
                endpoint_id: Some(ep.id),
                url: None,
            },
            Some(&h.url),
            &mut no_progress(),
            &Cancel::new(),
        )
        .await
        .unwrap();
    assert_eq!(run.target, format!("{}/github", h.url));
    assert_eq!(run.attempts[0].response.as_ref().unwrap().status, 200);
    let page = h.store.reader().unwrap().page(5, None).unwrap();
    let event = &page.events[0];
    assert_eq!(event.provider.as_deref(), Some("github"));
    assert_eq!(event.event_type.as_deref(), Some("push"));
    let verdict = event.verdict.as_ref().unwrap();
    assert_eq!(verdict.status.as_str(), "valid", "{verdict:?}");
}

#[tokio::test]
async fn a_secret_sent_as_a_header_is_masked_in_the_delivery_record() {
    let h = Harness::start().await;
    let secret = "kulmi-challenge-secret";
    let handler = TestHandler::spawn(HANDLER, &[("shared-secret", secret)]).await;
    let ep = h
        .store
        .add_endpoint(&endpoint("Kulmi Pay", "/kulmi", Some("kulmipay")))
        .unwrap();
    h.store.add_secret(ep.id, "challenge", secret).unwrap();
    let sender = Sender::new(h.store.clone()).unwrap();
    let run = sender
        .send_test(
            &TestEventSpec {
                preset: "kulmipay".into(),
                event_type: "collection_event".into(),
                endpoint_id: Some(ep.id),
                url: Some(format!("{}/shared-secret", handler.url())),
            },
            None,
            &mut no_progress(),
            &Cancel::new(),
        )
        .await
        .unwrap();
    let got = handler.requests().await;
    assert_eq!(
        got[0].verified,
        Some(true),
        "the handler got the real secret"
    );
    assert!(
        run.attempts[0].signing.starts_with("signed (Shared secret"),
        "{}",
        run.attempts[0].signing
    );
    let stored = h.store.reader().unwrap().run(run.id).unwrap();
    let challenge = stored.attempts[0]
        .headers
        .iter()
        .find(|hd| hd.name.eq_ignore_ascii_case("x-challenge"))
        .map(|hd| hd.value.clone())
        .unwrap();
    assert_eq!(challenge, "•••• (secret \"challenge\")");
}

#[tokio::test]
async fn an_endpoint_chosen_to_sign_signs_as_its_own_provider() {
    let h = Harness::start().await;
    let handler = TestHandler::spawn(HANDLER, &[("standard-webhooks", WHSEC)]).await;
    // A GitHub delivery captured on the default endpoint…
    let response = reqwest::Client::new()
        .post(format!("{}/gh", h.url))
        .header("x-github-event", "ping")
        .header("x-hub-signature-256", "sha256=00")
        .body("{\"zen\":\"Keep it logically awesome.\"}")
        .send()
        .await
        .unwrap();
    let id: i64 = stored_id(&response);
    // …sent to a Svix handler, signed by the Svix endpoint.
    let svix = h
        .store
        .add_endpoint(&endpoint("Svix", "/svix", Some("standard-webhooks")))
        .unwrap();
    h.store.add_secret(svix.id, "main", WHSEC).unwrap();
    let mut spec = spec_for(
        &h,
        id,
        format!("{}/standard-webhooks", handler.url()),
        |b| b.to_owned(),
    );
    spec.signing.endpoint_id = Some(svix.id);
    let run = Sender::new(h.store.clone())
        .unwrap()
        .resend(&spec, &mut no_progress(), &Cancel::new())
        .await
        .unwrap();
    assert_eq!(
        run.attempts[0].response.as_ref().unwrap().status,
        200,
        "{:?}",
        run.attempts[0].signing
    );
    assert_eq!(handler.requests().await[0].verified, Some(true));
}

#[tokio::test]
async fn the_editor_learns_how_a_resend_would_be_signed() {
    let h = Harness::start().await;
    let (kustom, id) = capture_kustom(&h).await;
    let event = h.store.reader().unwrap().event(id).unwrap();
    let info = hooklens_core::resend::signing_info(&h.store, Some(&event), None);
    assert_eq!(info.endpoint_id, Some(kustom));
    assert_eq!(
        info.scheme.as_ref().map(Scheme::id),
        Some("standard-webhooks")
    );
    assert!(info.assumed, "Kustom's construction is assumed");
    assert!(info.signs_timestamp);
    for name in [
        "webhook-signature",
        "webhook-timestamp",
        "webhook-id",
        "svix-signature",
    ] {
        assert!(
            info.headers.iter().any(|h| h == name),
            "{name} in {:?}",
            info.headers
        );
    }
    assert_eq!(info.secret_labels, ["current"]);
    assert_eq!(info.default_mode, SignMode::Resign);
    assert_eq!(info.problem, None);

    // Signed by an endpoint without a secret: sent as it is, and why.
    let bare = h
        .store
        .add_endpoint(&endpoint("GitHub", "/gh", Some("github")))
        .unwrap();
    let info = hooklens_core::resend::signing_info(&h.store, Some(&event), Some(bare.id));
    assert_eq!(info.scheme.as_ref().map(Scheme::id), Some("github"));
    assert_eq!(info.headers, ["X-Hub-Signature-256", "X-Hub-Signature"]);
    assert!(!info.signs_timestamp);
    assert_eq!(info.default_mode, SignMode::Keep);
    assert!(info.problem.unwrap().contains("no secret"));
}

#[tokio::test]
async fn masked_headers_left_untouched_in_the_editor_are_resent_with_their_captured_values() {
    let h = Harness::start().await;
    let challenge = "kulmiChallengeS3cret";
    let basic = "Basic bWVyY2hhbnQ6YmFzaWNTM2NyZXQ=";
    let handler = TestHandler::spawn(HANDLER, &[("shared-secret", challenge)]).await;
    let ep = h
        .store
        .add_endpoint(&endpoint("Kulmi Pay", "/kulmi", Some("kulmipay")))
        .unwrap();
    h.store.add_secret(ep.id, "challenge", challenge).unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}/kulmi/events", h.url))
        .header("content-type", "application/json")
        .header("X-Challenge", challenge)
        .header("Authorization", basic)
        .body(r#"{"id":"evt_9","topic":"collection_event","data":{"id":"inv_9"}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let id = stored_id(&response);

    // What the editor starts from: the detail view, secrets masked.
    let view = hooklens_core::detail::event_view(&h.store.reader().unwrap(), id).unwrap();
    let shown = serde_json::to_string(&view).unwrap();
    assert!(!shown.contains(challenge), "{shown}");
    assert!(!shown.contains("bWVyY2hhbnQ6YmFzaWNTM2NyZXQ"), "{shown}");
    let masked: Vec<&str> = view
        .headers
        .iter()
        .filter(|hd| hd.masked)
        .map(|hd| hd.value.as_str())
        .collect();
    assert_eq!(masked, ["••••••••", "Basic ••••••••"]);
    let spec = ResendSpec {
        event_id: Some(id),
        method: "POST".into(),
        url: format!("{}/shared-secret", handler.url()),
        headers: view
            .headers
            .iter()
            .map(|hd| HeaderPair {
                name: hd.name.clone(),
                value: hd.value.clone(),
            })
            .collect(),
        body_text: view.body_text.clone(),
        body_base64: None,
        signing: Signing {
            mode: SignMode::Keep,
            ..Signing::default()
        },
        pattern: Pattern::Once,
    };
    let sender = Sender::new(h.store.clone()).unwrap();
    let run = sender
        .resend(&spec, &mut no_progress(), &Cancel::new())
        .await
        .unwrap();
    assert_eq!(
        run.attempts[0].response.as_ref().map(|r| r.status),
        Some(200)
    );
    let got = handler.requests().await;
    assert_eq!(
        got[0].verified,
        Some(true),
        "the handler got the real challenge"
    );
    assert_eq!(got[0].header("x-challenge"), Some(challenge));
    assert_eq!(got[0].header("authorization"), Some(basic));
    // The delivery record keeps what was sent; the run shown masks it.
    let shown = serde_json::to_string(&h.store.reader().unwrap().run(run.id).unwrap()).unwrap();
    assert!(!shown.contains(challenge), "{shown}");
    assert!(!shown.contains("bWVyY2hhbnQ6YmFzaWNTM2NyZXQ"), "{shown}");
    assert!(shown.contains("Basic ••••••••"), "{shown}");

    // A mask moved to another header name stands for nothing: refused, not sent.
    let mut renamed = spec.clone();
    renamed.headers.push(HeaderPair {
        name: "X-Other".into(),
        value: "••••••••".into(),
    });
    let err = sender
        .resend(&renamed, &mut no_progress(), &Cancel::new())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("masked value"), "{err}");
    assert_eq!(handler.requests().await.len(), 1);
}

// ------------------------------------------------- provider delivery rules

const KULMI_SECRET: &str = "kulmi-challenge-secret";

/// A Kulmi Pay collection event (the documented payload: topic and data)
/// captured on a Kulmi Pay endpoint; its id.
async fn capture_kulmi(h: &Harness) -> i64 {
    let ep = h
        .store
        .add_endpoint(&endpoint("Kulmi Pay", "/kulmi", Some("kulmipay")))
        .unwrap();
    h.store
        .add_secret(ep.id, "challenge", KULMI_SECRET)
        .unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}/kulmi", h.url))
        .header("content-type", "application/json")
        .header("x-challenge", KULMI_SECRET)
        .body(r#"{"topic":"collection_event","data":{"id":"INV-7XQ2LP","state":"COMPLETE"}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    stored_id(&response)
}

#[tokio::test]
async fn a_kulmi_pay_event_answered_201_is_a_failed_delivery() {
    let h = Harness::start().await;
    let handler = TestHandler::spawn(HANDLER, &[("shared-secret", KULMI_SECRET)]).await;
    handler
        .set_replies(Replies {
            statuses: vec![201],
            ..Replies::default()
        })
        .await;
    let id = capture_kulmi(&h).await;
    let sender = Sender::new(h.store.clone()).unwrap();
    let spec = spec_for(&h, id, format!("{}/shared-secret", handler.url()), |b| {
        b.to_owned()
    });
    let mut rule = None;
    let run = sender
        .resend(
            &spec,
            &mut |p| {
                if let SendProgress::Started { rule: r, .. } = p {
                    rule = Some(r);
                }
            },
            &Cancel::new(),
        )
        .await
        .unwrap();
    let rule = rule.expect("the run names its rule when it starts");
    assert_eq!(rule.preset, "kulmipay");
    assert_eq!(rule.success_words, "Kulmi Pay counts only 200 as delivered");

    // The handler got it, verified, and answered 201: Kulmi Pay would mark
    // the event FAILED.
    let got = handler.requests().await;
    assert_eq!(got[0].verified, Some(true), "{:?}", got[0].reason);
    let recorded = h.store.reader().unwrap().run(run.id).unwrap();
    let d = &recorded.attempts[0];
    assert_eq!(d.response.as_ref().map(|r| r.status), Some(201));
    assert!(!d.delivered, "{d:?}");
    assert_eq!(
        d.failure.as_deref(),
        Some("Kulmi Pay counts only 200 as delivered; the handler answered 201")
    );
    assert_eq!(
        recorded.rule.as_deref(),
        Some("Kulmi Pay counts only 200 as delivered · answer within 10 s (assumed)")
    );
    let outcome = recorded.outcome.unwrap_or_default();
    assert!(
        outcome.starts_with("failed: Kulmi Pay counts only 200"),
        "{outcome}"
    );

    // A 200 is a delivery.
    handler
        .set_replies(Replies {
            statuses: vec![200],
            ..Replies::default()
        })
        .await;
    let run = sender
        .resend(&spec, &mut no_progress(), &Cancel::new())
        .await
        .unwrap();
    assert!(run.attempts[0].delivered);
    assert_eq!(run.attempts[0].failure, None);
}

#[tokio::test]
async fn a_forward_of_a_kulmi_pay_event_answered_201_is_recorded_as_not_delivered() {
    let h = Harness::start().await;
    let handler = TestHandler::spawn(HANDLER, &[]).await;
    handler
        .set_replies(Replies {
            statuses: vec![201],
            ..Replies::default()
        })
        .await;
    let mut spec = endpoint("Kulmi Pay", "/kulmi", Some("kulmipay"));
    spec.forwards = vec![ForwardTarget::new(
        format!("{}/open", handler.url()),
        ForwardMode::Relay,
    )];
    h.store.add_endpoint(&spec).unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}/kulmi", h.url))
        .header("x-challenge", KULMI_SECRET)
        .body(r#"{"topic":"collection_event","data":{"id":"INV-1","state":"PENDING"}}"#)
        .send()
        .await
        .unwrap();
    // Relayed as the handler answered: Kulmi Pay itself would see the 201.
    assert_eq!(response.status(), 201);
    let id = stored_id(&response);
    let runs = h.store.reader().unwrap().runs_of_event(id, 5).unwrap();
    let d = &runs[0].attempts[0];
    assert_eq!(runs[0].kind, DeliveryKind::Forward);
    assert!(!d.delivered);
    assert_eq!(
        d.failure.as_deref(),
        Some("Kulmi Pay counts only 200 as delivered; the handler answered 201")
    );
    assert!(
        runs[0]
            .outcome
            .as_deref()
            .is_some_and(|o| o.contains("not delivered")),
        "{:?}",
        runs[0].outcome
    );
}

#[tokio::test]
async fn a_schedule_stops_only_on_the_providers_own_success() {
    let h = Harness::start().await;
    let handler = TestHandler::spawn(HANDLER, &[("shared-secret", KULMI_SECRET)]).await;
    handler
        .set_replies(Replies {
            statuses: vec![201, 201, 200, 201],
            ..Replies::default()
        })
        .await;
    let id = capture_kulmi(&h).await;
    let sender = Sender::new(h.store.clone()).unwrap();
    let mut spec = spec_for(&h, id, format!("{}/shared-secret", handler.url()), |b| {
        b.to_owned()
    });
    // Kulmi Pay does not retry on its own; the checkout provider's schedule
    // replays the event, judged by Kulmi Pay's rule: a 201 is no success.
    spec.pattern = Pattern::Schedule {
        provider: "checkout".into(),
        speed: 100_000.0,
    };
    let run = sender
        .resend(&spec, &mut no_progress(), &Cancel::new())
        .await
        .unwrap();
    let statuses: Vec<_> = run
        .attempts
        .iter()
        .map(|d| (d.response.as_ref().map(|r| r.status), d.delivered))
        .collect();
    assert_eq!(
        statuses,
        [(Some(201), false), (Some(201), false), (Some(200), true)]
    );
    assert_eq!(handler.requests().await.len(), 3);
    let outcome = run.outcome.unwrap_or_default();
    assert!(
        outcome.contains("answered 200 on attempt 3 of 8"),
        "{outcome}"
    );

    // Never a 200: the whole schedule runs and the provider gives up.
    handler
        .set_replies(Replies {
            statuses: vec![201; 8],
            ..Replies::default()
        })
        .await;
    let run = sender
        .resend(&spec, &mut no_progress(), &Cancel::new())
        .await
        .unwrap();
    assert_eq!(run.attempts.len(), 8);
    assert!(run.attempts.iter().all(|d| !d.delivered));
    let outcome = run.outcome.unwrap_or_default();
    assert!(
        outcome.starts_with("not delivered in 8 attempts"),
        "{outcome}"
    );
}

#[tokio::test]
async fn a_checkout_event_answered_after_16_s_is_a_failed_delivery() {
    // The checkout provider's documented 15 s, in real time: the product has
    // no per-provider deadline setting, so this test waits them out.
    let h = Harness::start().await;
    let handler = TestHandler::spawn(HANDLER, &[]).await;
    handler
        .set_replies(Replies {
            delay_ms: 16_000,
            ..Replies::default()
        })
        .await;
    h.store
        .add_endpoint(&endpoint("Checkout", "/checkout", Some("checkout")))
        .unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}/checkout", h.url))
        .header("content-type", "application/json")
        .header("webhook-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")
        .body(r#"{"id":"evt_1","type":"payment.succeeded","metadata":{"checkoutId":"chk_1"}}"#)
        .send()
        .await
        .unwrap();
    let id = stored_id(&response);
    let sender = Sender::new(h.store.clone()).unwrap();
    let mut spec = spec_for(&h, id, format!("{}/open", handler.url()), |b| b.to_owned());
    spec.signing.mode = SignMode::Keep;
    let run = sender
        .resend(&spec, &mut no_progress(), &Cancel::new())
        .await
        .unwrap();
    let d = &run.attempts[0];
    assert_eq!(d.response, None, "answered within the deadline: {d:?}");
    assert_eq!(
        d.error.as_ref().map(|e| e.kind),
        Some(DeliveryErrorKind::Timeout)
    );
    assert!(!d.delivered);
    assert_eq!(
        d.failure.as_deref(),
        Some("the checkout provider waits 15 s for an answer; none came")
    );
    assert_eq!(handler.requests().await.len(), 1, "the request did arrive");
}
