//! The independent test handler itself: its verifiers against published
//! vectors and against signatures computed here, and its recording and reply
//! script over real HTTP.
//!
//! The signing helpers in this file are written separately from the handler's
//! verifiers (and from hooklens-core), straight from each provider's
//! documentation.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use hooklens_tests::handler::verify::{self, Scheme};
use hooklens_tests::handler::{Replies, TestHandler};

const BIN: &str = env!("CARGO_BIN_EXE_hooklens-test-handler");

// Published vectors (../shared/vectors/signatures.json).
const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SW_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SW_TS: i64 = 1614265330;
const SW_BODY: &str = r#"{"test": 2432232314}"#;
const SW_SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

const GH_SECRET: &str = "It's a Secret to Everybody";
const GH_BODY: &str = "Hello, World!";
const GH_SIG: &str = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const SLACK_TS: i64 = 1531420618;
const SLACK_SIG: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const SLACK_BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

const TWILIO_SECRET: &str = "12345";
const TWILIO_URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
const TWILIO_SIG: &str = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
const TWILIO_BODY: &str = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";

// ---------------------------------------------------------------------------
// Signing helpers, independent of the handler's verifiers.

fn hmac256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn hmac1(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key).unwrap();
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn sign_standard(secret: &str, id: &str, ts: i64, body: &[u8]) -> String {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut content = format!("{id}.{ts}.").into_bytes();
    content.extend_from_slice(body);
    format!("v1,{}", STANDARD.encode(hmac256(&key, &content)))
}

fn sign_stripe(secret: &str, ts: i64, body: &[u8]) -> String {
    let mut content = format!("{ts}.").into_bytes();
    content.extend_from_slice(body);
    format!(
        "t={ts},v1={}",
        hex::encode(hmac256(secret.as_bytes(), &content))
    )
}

fn sign_slack(secret: &str, ts: i64, body: &[u8]) -> String {
    let mut content = format!("v0:{ts}:").into_bytes();
    content.extend_from_slice(body);
    format!("v0={}", hex::encode(hmac256(secret.as_bytes(), &content)))
}

/// Twilio's documented construction, for a body whose parameters are given
/// already decoded and in any order.
fn sign_twilio(secret: &str, url: &str, params: &[(&str, &str)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    let mut data = url.to_string();
    for (k, v) in sorted {
        data.push_str(k);
        data.push_str(v);
    }
    STANDARD.encode(hmac1(secret.as_bytes(), data.as_bytes()))
}

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

fn secrets(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    headers(pairs)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

async fn reply_json(response: reqwest::Response) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

// ---------------------------------------------------------------------------
// The pure verifiers against fixed vectors and a fixed clock.

#[test]
fn standard_webhooks_published_vector_with_a_fixed_clock() {
    let s = secrets(&[("standard-webhooks", SW_SECRET)]);
    let h = headers(&[
        ("webhook-id", SW_ID),
        ("webhook-timestamp", &SW_TS.to_string()),
        ("webhook-signature", SW_SIG),
    ]);
    let req = verify::Request {
        path: "/standard-webhooks/hook",
        query: None,
        headers: &h,
        body: SW_BODY.as_bytes(),
    };
    assert_eq!(
        verify::verify(Scheme::StandardWebhooks, &req, &s, SW_TS),
        Ok(())
    );
    // My own signer agrees with the published signature.
    assert_eq!(
        sign_standard(SW_SECRET, SW_ID, SW_TS, SW_BODY.as_bytes()),
        SW_SIG
    );
    // Within tolerance both ways, out of it past 300 s.
    assert_eq!(
        verify::verify(Scheme::StandardWebhooks, &req, &s, SW_TS + 300),
        Ok(())
    );
    assert_eq!(
        verify::verify(Scheme::StandardWebhooks, &req, &s, SW_TS - 300),
        Ok(())
    );
    let stale = verify::verify(Scheme::StandardWebhooks, &req, &s, SW_TS + 600).unwrap_err();
    assert!(stale.contains("600 s old"), "{stale}");
    let future = verify::verify(Scheme::StandardWebhooks, &req, &s, SW_TS - 301).unwrap_err();
    assert!(future.contains("future"), "{future}");

    // The published negative: last character changed.
    let bad = headers(&[
        ("webhook-id", SW_ID),
        ("webhook-timestamp", &SW_TS.to_string()),
        (
            "webhook-signature",
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=",
        ),
    ]);
    let req_bad = verify::Request {
        headers: &bad,
        ..req
    };
    let reason = verify::verify(Scheme::StandardWebhooks, &req_bad, &s, SW_TS).unwrap_err();
    assert!(reason.contains("no signature matched"), "{reason}");

    // Rotation: one of several signatures, one of several secrets, svix names
    // and a bare-base64 secret.
    let rotated = format!("v1,bm90IGl0 {SW_SIG}");
    let svix = headers(&[
        ("svix-id", SW_ID),
        ("svix-timestamp", &SW_TS.to_string()),
        ("svix-signature", &rotated),
    ]);
    let two = secrets(&[
        ("standard-webhooks", "whsec_c29tZSBvbGQgc2VjcmV0IGJ5dGVz"),
        (
            "standard-webhooks",
            SW_SECRET.strip_prefix("whsec_").unwrap(),
        ),
    ]);
    let req_svix = verify::Request {
        headers: &svix,
        ..req
    };
    assert_eq!(
        verify::verify(Scheme::StandardWebhooks, &req_svix, &two, SW_TS),
        Ok(())
    );
}

#[test]
fn github_slack_and_twilio_published_vectors() {
    let h = headers(&[("X-Hub-Signature-256", GH_SIG)]);
    let gh = secrets(&[("github", GH_SECRET)]);
    let req = verify::Request {
        path: "/github",
        query: None,
        headers: &h,
        body: GH_BODY.as_bytes(),
    };
    assert_eq!(verify::verify(Scheme::Github, &req, &gh, 0), Ok(()));
    let newline = verify::Request {
        body: b"Hello, World!\n",
        ..req
    };
    assert!(verify::verify(Scheme::Github, &newline, &gh, 0).is_err());

    let h = headers(&[
        ("X-Slack-Request-Timestamp", &SLACK_TS.to_string()),
        ("X-Slack-Signature", SLACK_SIG),
    ]);
    let slack = secrets(&[("slack", SLACK_SECRET)]);
    let req = verify::Request {
        path: "/slack",
        query: None,
        headers: &h,
        body: SLACK_BODY.as_bytes(),
    };
    assert_eq!(
        verify::verify(Scheme::Slack, &req, &slack, SLACK_TS),
        Ok(())
    );
    assert_eq!(
        sign_slack(SLACK_SECRET, SLACK_TS, SLACK_BODY.as_bytes()),
        SLACK_SIG
    );
    assert!(
        verify::verify(Scheme::Slack, &req, &slack, SLACK_TS + 301)
            .unwrap_err()
            .contains("tolerance")
    );

    let h = headers(&[
        ("X-Twilio-Signature", TWILIO_SIG),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ]);
    let twilio = secrets(&[("twilio", TWILIO_SECRET)]);
    let req = verify::Request {
        path: "/myapp.php",
        query: Some("foo=1&bar=2"),
        headers: &h,
        body: TWILIO_BODY.as_bytes(),
    };
    assert_eq!(verify::twilio(TWILIO_URL, &req, &twilio), Ok(()));
    let params = [
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+14158675309"),
        ("Digits", "1234"),
        ("From", "+14158675309"),
        ("To", "+18005551212"),
    ];
    assert_eq!(sign_twilio(TWILIO_SECRET, TWILIO_URL, &params), TWILIO_SIG);
    assert!(verify::twilio("https://mycompany.com/myapp.php", &req, &twilio).is_err());
}

#[test]
fn routing_by_first_segment_and_missing_secrets() {
    assert_eq!(Scheme::for_path("/github/hooks/x"), Some(Scheme::Github));
    assert_eq!(Scheme::for_path("/open/x"), None);
    assert_eq!(Scheme::for_path("/nope"), None);
    assert_eq!(Scheme::for_path("/"), None);
    assert_eq!(Scheme::for_path(""), None);
    for scheme in Scheme::ALL {
        assert_eq!(Scheme::from_id(scheme.id()), Some(scheme));
    }
    let req = verify::Request {
        path: "/stripe",
        query: None,
        headers: &[],
        body: b"",
    };
    let out = verify::verify_request(&req, &[], 0);
    assert_eq!(out.verified, Some(false));
    assert!(
        out.reason
            .unwrap()
            .contains("missing header Stripe-Signature")
    );
    let h = headers(&[("Stripe-Signature", &sign_stripe("sk", 10, b""))]);
    let req = verify::Request { headers: &h, ..req };
    let out = verify::verify_request(&req, &[], 10);
    assert_eq!(
        out.reason.as_deref(),
        Some("no secret configured for stripe")
    );
    // Stripe rejects only old timestamps.
    let s = secrets(&[("stripe", "sk")]);
    assert_eq!(verify::verify(Scheme::Stripe, &req, &s, 10 + 300), Ok(()));
    assert_eq!(verify::verify(Scheme::Stripe, &req, &s, 10 - 1000), Ok(()));
    assert!(
        verify::verify(Scheme::Stripe, &req, &s, 10 + 301)
            .unwrap_err()
            .contains("301 s old")
    );
}

// ---------------------------------------------------------------------------
// The process over real HTTP.

#[tokio::test]
async fn valid_requests_get_200_and_tampered_ones_401_with_a_reason() {
    let handler = TestHandler::spawn(BIN, &[("github", GH_SECRET)]).await;
    let url = format!("{}/github/hooks/x", handler.url());

    let r = client()
        .post(&url)
        .header("X-Hub-Signature-256", GH_SIG)
        .body(GH_BODY)
        .send()
        .await
        .unwrap();
    let (status, body) = reply_json(r).await;
    assert_eq!(status, 200);
    assert_eq!(body["verified"], true);
    assert_eq!(body["seq"], 1);

    let r = client()
        .post(&url)
        .header("X-Hub-Signature-256", GH_SIG)
        .body("Hello, World?")
        .send()
        .await
        .unwrap();
    let (status, body) = reply_json(r).await;
    assert_eq!(status, 401);
    assert_eq!(body["verified"], false);
    assert!(
        body["reason"]
            .as_str()
            .unwrap()
            .contains("no signature matched"),
        "{body}"
    );

    let r = client().post(&url).body(GH_BODY).send().await.unwrap();
    let (status, body) = reply_json(r).await;
    assert_eq!(status, 401);
    assert_eq!(body["reason"], "missing header X-Hub-Signature-256");

    let received = handler.requests().await;
    let verdicts: Vec<_> = received
        .iter()
        .map(|r| (r.seq, r.scheme.as_deref(), r.verified))
        .collect();
    assert_eq!(
        verdicts,
        [
            (1, Some("github"), Some(true)),
            (2, Some("github"), Some(false)),
            (3, Some("github"), Some(false)),
        ]
    );
    assert_eq!(received[0].reason, None);
    assert_eq!(received[0].path, "/github/hooks/x");
    assert_eq!(received[0].method, "POST");
}

#[tokio::test]
async fn every_scheme_verifies_fresh_signatures_and_rejects_tampering() {
    let handler = TestHandler::spawn(
        BIN,
        &[
            ("standard-webhooks", "whsec_c29tZSBvbGQgc2VjcmV0IGJ5dGVz"),
            ("standard-webhooks", SW_SECRET),
            ("stripe", "whsec_stripe_test"),
            ("shopify", "shpss_secret"),
            ("slack", SLACK_SECRET),
            ("shared-secret", "kulmi-challenge"),
            ("basic-auth", "merchant:pa:ss"),
            ("usaepay", "usaepay-signature-key"),
            ("twilio", TWILIO_SECRET),
        ],
    )
    .await;
    let base = handler.url().to_string();
    let c = client();
    let body = br#"{"id":"kevt_1","type":"order.created"}"#.to_vec();
    let tampered = br#"{"id":"kevt_1","type":"order.created" }"#.to_vec();
    let t = now();

    // Each case: (path, headers, body, expect verified).
    let sw = sign_standard(SW_SECRET, "msg_1", t, &body);
    let sw_stale = sign_standard(SW_SECRET, "msg_1", t - 400, &body);
    let stripe = sign_stripe("whsec_stripe_test", t, &body);
    let shopify = STANDARD.encode(hmac256(b"shpss_secret", &body));
    let slack = sign_slack(SLACK_SECRET, t, &body);
    let basic = format!("Basic {}", STANDARD.encode("merchant:pa:ss"));
    let wrong_basic = format!("Basic {}", STANDARD.encode("merchant:nope"));
    let usaepay = hex::encode(hmac256(b"usaepay-signature-key", &body));
    let form = b"To=%2B18005551212&Body=hi+there&From=%2B14158675309".to_vec();
    let host = base.strip_prefix("http://").unwrap();
    let twilio = sign_twilio(
        TWILIO_SECRET,
        &format!("http://{host}/twilio/sms?x=1"),
        &[
            ("To", "+18005551212"),
            ("Body", "hi there"),
            ("From", "+14158675309"),
        ],
    );
    let t_s = t.to_string();
    let stale_s = (t - 400).to_string();
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a [u8], bool, &'a str);
    let cases: Vec<Case> = vec![
        (
            "/standard-webhooks/x",
            vec![
                ("webhook-id", "msg_1"),
                ("webhook-timestamp", &t_s),
                ("webhook-signature", &sw),
            ],
            &body,
            true,
            "",
        ),
        (
            "/standard-webhooks/x",
            vec![
                ("svix-id", "msg_1"),
                ("svix-timestamp", &t_s),
                ("svix-signature", &sw),
            ],
            &body,
            true,
            "",
        ),
        (
            "/standard-webhooks/x",
            vec![
                ("webhook-id", "msg_1"),
                ("webhook-timestamp", &t_s),
                ("webhook-signature", &sw),
            ],
            &tampered,
            false,
            "no signature matched",
        ),
        (
            "/standard-webhooks/x",
            vec![
                ("webhook-id", "msg_1"),
                ("webhook-timestamp", &stale_s),
                ("webhook-signature", &sw_stale),
            ],
            &body,
            false,
            "stale timestamp",
        ),
        (
            "/stripe",
            vec![("Stripe-Signature", &stripe)],
            &body,
            true,
            "",
        ),
        (
            "/stripe",
            vec![("Stripe-Signature", &stripe)],
            &tampered,
            false,
            "no signature matched",
        ),
        (
            "/shopify/orders",
            vec![("X-Shopify-Hmac-Sha256", &shopify)],
            &body,
            true,
            "",
        ),
        (
            "/shopify/orders",
            vec![("X-Shopify-Hmac-Sha256", &shopify)],
            &tampered,
            false,
            "no signature matched",
        ),
        (
            "/slack",
            vec![
                ("X-Slack-Request-Timestamp", &t_s),
                ("X-Slack-Signature", &slack),
            ],
            &body,
            true,
            "",
        ),
        (
            "/slack",
            vec![
                ("X-Slack-Request-Timestamp", &t_s),
                ("X-Slack-Signature", &slack),
            ],
            &tampered,
            false,
            "no signature matched",
        ),
        (
            "/shared-secret/kulmi",
            vec![("X-Challenge", "kulmi-challenge")],
            &body,
            true,
            "",
        ),
        (
            "/shared-secret/kulmi",
            vec![("X-Challenge", "kulmi-challengE")],
            &body,
            false,
            "X-Challenge matched none",
        ),
        (
            "/shared-secret/kulmi",
            vec![],
            &body,
            false,
            "missing header X-Challenge",
        ),
        (
            "/basic-auth",
            vec![("Authorization", &basic)],
            &body,
            true,
            "",
        ),
        (
            "/basic-auth",
            vec![("Authorization", &wrong_basic)],
            &body,
            false,
            "Basic credentials matched none",
        ),
        ("/usaepay", vec![("X-Signature", &usaepay)], &body, true, ""),
        (
            "/usaepay",
            vec![("X-Signature", &usaepay), ("Authorization", &basic)],
            &body,
            true,
            "",
        ),
        (
            "/usaepay",
            vec![("X-Signature", &usaepay), ("Authorization", &wrong_basic)],
            &body,
            false,
            "Basic credentials matched none",
        ),
        (
            "/usaepay",
            vec![("X-Signature", &usaepay)],
            &tampered,
            false,
            "no signature matched",
        ),
        (
            "/usaepay",
            vec![("Authorization", &basic)],
            &body,
            false,
            "missing header X-Signature",
        ),
        (
            "/twilio/sms?x=1",
            vec![
                ("X-Twilio-Signature", &twilio),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            &form,
            true,
            "",
        ),
        (
            "/twilio/sms?x=2",
            vec![
                ("X-Twilio-Signature", &twilio),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            &form,
            false,
            "no signature matched",
        ),
    ];

    for (i, (path, hs, body, ok, why)) in cases.iter().enumerate() {
        let mut request = c.post(format!("{base}{path}")).body(body.to_vec());
        for (n, v) in hs {
            request = request.header(*n, *v);
        }
        let (status, reply) = reply_json(request.send().await.unwrap()).await;
        let case = format!("case {i} {path}: {reply}");
        assert_eq!(reply["verified"], *ok, "{case}");
        if *ok {
            assert_eq!(status, 200, "{case}");
            assert!(reply["reason"].is_null(), "{case}");
        } else {
            assert_eq!(status, 401, "{case}");
            assert!(reply["reason"].as_str().unwrap().contains(why), "{case}");
        }
    }
    assert_eq!(handler.requests().await.len(), cases.len());
}

#[tokio::test]
async fn open_and_unknown_paths_are_not_verified_and_a_missing_secret_fails() {
    let handler = TestHandler::spawn(BIN, &[]).await;
    for path in ["/open/anything", "/somewhere/else", "/"] {
        let r = client()
            .post(format!("{}{path}", handler.url()))
            .body("x")
            .send()
            .await
            .unwrap();
        let (status, body) = reply_json(r).await;
        assert_eq!(status, 200, "{path}");
        assert!(body["verified"].is_null(), "{path}");
    }
    let r = client()
        .post(format!("{}/github", handler.url()))
        .header("X-Hub-Signature-256", GH_SIG)
        .body(GH_BODY)
        .send()
        .await
        .unwrap();
    let (status, body) = reply_json(r).await;
    assert_eq!(status, 401);
    assert_eq!(body["reason"], "no secret configured for github");
    let received = handler.requests().await;
    assert_eq!(
        received
            .iter()
            .map(|r| (r.scheme.clone(), r.verified))
            .collect::<Vec<_>>(),
        [
            (None, None),
            (None, None),
            (None, None),
            (Some("github".to_string()), Some(false))
        ]
    );
}

#[tokio::test]
async fn scripted_statuses_are_consumed_in_order_then_the_default_applies() {
    let handler = TestHandler::spawn(BIN, &[("github", GH_SECRET)]).await;
    handler
        .set_replies(Replies {
            statuses: vec![500, 500],
            ..Replies::default()
        })
        .await;
    let send = |body: &'static str| {
        client()
            .post(format!("{}/github", handler.url()))
            .header("X-Hub-Signature-256", GH_SIG)
            .body(body)
            .send()
    };
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(send(GH_BODY).await.unwrap().status().as_u16());
    }
    statuses.push(send("tampered").await.unwrap().status().as_u16());
    assert_eq!(statuses, [500, 500, 200, 401]);

    // A new script starts over; the recorded requests stay.
    handler
        .set_replies(Replies {
            statuses: vec![503],
            body: Some("busy".to_string()),
            headers: vec![
                ("Retry-After".to_string(), "5".to_string()),
                ("x-multi".to_string(), "a".to_string()),
                ("x-multi".to_string(), "b".to_string()),
            ],
            ..Replies::default()
        })
        .await;
    let r = send(GH_BODY).await.unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "5");
    let multi: Vec<_> = r.headers().get_all("x-multi").iter().collect();
    assert_eq!(multi, ["a", "b"]);
    assert_eq!(r.text().await.unwrap(), "busy");
    let r = send(GH_BODY).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "busy");
    assert_eq!(handler.requests().await.len(), 6);

    // Invalid scripts are refused, leaving the old one in place.
    let bad = client()
        .post(format!("{}/_control", handler.url()))
        .body(r#"{"statuses":[42]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn the_reply_is_delayed_but_the_request_is_recorded_at_once() {
    let handler = TestHandler::spawn(BIN, &[]).await;
    handler
        .set_replies(Replies {
            delay_ms: 400,
            ..Replies::default()
        })
        .await;
    let url = format!("{}/open/slow", handler.url());
    let started = Instant::now();
    let pending = tokio::spawn(async move { client().post(url).body("x").send().await });
    let seen = handler.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(seen[0].path, "/open/slow");
    let response = pending.await.unwrap().unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "answered after {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn requests_are_recorded_byte_exact_and_control_paths_are_not() {
    let handler = TestHandler::spawn(BIN, &[]).await;
    let body: &[u8] = b"{\"a\":1}\r\n\xff\xfe\x00tail";
    let r = client()
        .request(
            reqwest::Method::PATCH,
            format!("{}/open/orders?x=1&x=2", handler.url()),
        )
        .header("content-type", "application/octet-stream")
        .header("x-dup", "first")
        .header("x-dup", "second")
        .header(
            "x-latin",
            reqwest::header::HeaderValue::from_bytes(b"caf\xe9").unwrap(),
        )
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    client()
        .get(format!("{}/open/empty", handler.url()))
        .send()
        .await
        .unwrap();
    handler.set_replies(Replies::default()).await;

    let before = now() * 1000;
    let received = handler.requests().await;
    assert_eq!(received.len(), 2, "control requests are not recorded");
    let first = &received[0];
    assert_eq!(first.body, body);
    assert_eq!(first.method, "PATCH");
    assert_eq!(first.path, "/open/orders");
    assert_eq!(first.query.as_deref(), Some("x=1&x=2"));
    let dups: Vec<_> = first
        .headers
        .iter()
        .filter(|(n, _)| n == "x-dup")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(dups, ["first", "second"]);
    assert_eq!(first.header("X-Latin"), Some("caf\u{fffd}"));
    assert_eq!(
        first.header("content-type"),
        Some("application/octet-stream")
    );
    assert!(first.received_at_ms <= before + 1000 && first.received_at_ms > before - 60_000);
    let second = &received[1];
    assert_eq!((second.seq, second.method.as_str()), (2, "GET"));
    assert!(second.body.is_empty());
    assert_eq!(second.query, None);

    // The JSON carries the body as base64.
    let raw = client()
        .get(format!("{}/_requests", handler.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        raw.contains(&format!("\"{}\"", STANDARD.encode(body))),
        "{raw}"
    );

    // Reset clears the record; numbering carries on.
    handler.reset().await;
    assert!(handler.requests().await.is_empty());
    client()
        .post(format!("{}/open", handler.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(handler.requests().await[0].seq, 3);
}

#[tokio::test]
async fn bodies_up_to_10_mib_are_accepted_and_larger_ones_refused() {
    let handler = TestHandler::spawn(BIN, &[]).await;
    let limit = 10 * 1024 * 1024;
    let ok = client()
        .post(format!("{}/open/big", handler.url()))
        .body(vec![b'a'; limit])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let too_big = client()
        .post(format!("{}/open/bigger", handler.url()))
        .body(vec![b'a'; limit + 1])
        .send()
        .await;
    // The handler answers 413 (the client may also see the connection close
    // while still sending).
    if let Ok(r) = too_big {
        assert_eq!(r.status(), 413);
    }
    let received = handler.requests().await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].body.len(), limit);
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    for args in [
        vec!["--secret", "no-equals-sign"],
        vec!["--secret", "unknown-scheme=x"],
        vec!["--secret", "github="],
        vec!["--secret", "standard-webhooks=whsec_not*base64!"],
        vec!["--secret", "basic-auth=nocolon"],
        vec!["--secret"],
        vec!["--listen", "not-an-address"],
        vec!["--bogus"],
    ] {
        let out = std::process::Command::new(BIN)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
}
