use proptest::prelude::*;

use super::construction::Construction;
use super::*;

const NOW: i64 = 1_700_000_000;
const URL: &str = "https://example.com/hooks/in?x=1";

fn headers(pairs: &[(String, String)]) -> Vec<StoredHeader> {
    pairs
        .iter()
        .map(|(name, value)| StoredHeader::new(name, value.as_bytes()))
        .collect()
}

fn request<'a>(headers: &'a [StoredHeader], body: &'a [u8], url: &'a str) -> SignedRequest<'a> {
    SignedRequest {
        method: "POST",
        url,
        headers,
        body,
    }
}

fn secret(label: &str, value: &str) -> Secret {
    Secret::new(label, value)
}

fn sign_ok(scheme: &Scheme, secret: &Secret, body: &[u8], url: &str, ts: i64) -> Vec<StoredHeader> {
    let input = SignInput {
        body,
        url,
        id: Some("msg_2b1TcxVx1RZ1E6b2"),
        timestamp: ts,
    };
    match sign(scheme, secret, &input) {
        Ok(pairs) => headers(&pairs),
        Err(e) => panic!("sign {}: {e}", scheme.id()),
    }
}

/// A tiny deterministic generator: the round trips need variety, not crypto.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let len = self.below(max + 1);
        (0..len).map(|_| self.next() as u8).collect()
    }
    fn word(&mut self, len: usize) -> String {
        const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        (0..len)
            .map(|_| ALNUM[self.below(ALNUM.len())] as char)
            .collect()
    }
}

fn lit(text: &str) -> Part {
    Part::Literal { text: text.into() }
}

/// Several configurable specs that exercise every option.
fn specs() -> Vec<HmacSpec> {
    vec![
        HmacSpec::default(),
        HmacSpec {
            header: "X-Sig".into(),
            algorithm: Algorithm::Sha512,
            template: vec![Part::Timestamp, lit("."), Part::Body],
            encoding: Encoding::Base64,
            timestamp_header: Some("X-Ts".into()),
            tolerance_s: Some(60),
            ..HmacSpec::default()
        },
        HmacSpec {
            header: "X-Legacy-Signature".into(),
            algorithm: Algorithm::Sha1,
            encoding: Encoding::HexUpper,
            prefix: "sha1=".into(),
            secret_encoding: SecretEncoding::Hex,
            ..HmacSpec::default()
        },
        HmacSpec {
            header: "X-Multi".into(),
            template: vec![
                Part::Method,
                lit(" "),
                Part::Url,
                lit("\n"),
                Part::Id,
                Part::Timestamp,
                Part::Body,
            ],
            encoding: Encoding::Base64Url,
            prefix: "v1,".into(),
            secret_encoding: SecretEncoding::Base64,
            timestamp_header: Some("X-Multi-Ts".into()),
            id_header: Some("X-Multi-Id".into()),
            separator: Some(" ".into()),
            ..HmacSpec::default()
        },
        HmacSpec {
            header: "X-Stripe-Like".into(),
            template: vec![Part::Timestamp, lit("."), Part::Body],
            prefix: "v1=".into(),
            secret_encoding: SecretEncoding::Whsec,
            timestamp_header: Some("X-Stripe-Like".into()),
            tolerance_s: Some(300),
            separator: Some(",".into()),
            ..HmacSpec::default()
        },
    ]
}

fn all_schemes() -> Vec<Scheme> {
    let mut schemes = vec![
        Scheme::StandardWebhooks { tolerance_s: 300 },
        Scheme::Stripe { tolerance_s: 300 },
        Scheme::Github,
        Scheme::Shopify,
        Scheme::Slack { tolerance_s: 300 },
        Scheme::Twilio,
        Scheme::SharedSecret {
            header: "X-Challenge".into(),
        },
        Scheme::BasicAuth,
        Scheme::Combined {
            schemes: vec![Scheme::BasicAuth, Scheme::Hmac(HmacSpec::default())],
        },
    ];
    schemes.extend(specs().into_iter().map(Scheme::Hmac));
    schemes
}

/// A random secret in the form the scheme reads.
fn random_secret(scheme: &Scheme, rng: &mut Rng) -> String {
    let key: Vec<u8> = (0..24).map(|_| rng.next() as u8).collect();
    match scheme {
        Scheme::BasicAuth | Scheme::Combined { .. } => {
            format!("{}:{}", rng.word(6), rng.word(12))
        }
        _ => match Construction::of(scheme).first().map(|c| c.secret_encoding) {
            Some(SecretEncoding::Whsec) => format!("whsec_{}", codec::encode_base64(&key)),
            Some(SecretEncoding::Base64) => codec::encode_base64(&key),
            Some(SecretEncoding::Hex) => hex::encode(&key),
            _ => rng.word(32),
        },
    }
}

/// The header carrying the signature (the HMAC member's, for Combined).
fn signature_header(scheme: &Scheme) -> String {
    match scheme {
        Scheme::SharedSecret { header } => header.clone(),
        Scheme::BasicAuth => "Authorization".into(),
        Scheme::Combined { schemes } => signature_header(&schemes[1]),
        other => Construction::of(other)[0].header.clone(),
    }
}

/// Replaces one character near the end of the header (inside the encoded
/// MAC) with a different one of the same alphabet that decodes differently.
fn flip_signature(headers: &mut [StoredHeader], name: &str, rng: &mut Rng) {
    let Some(h) = headers
        .iter_mut()
        .find(|h| h.name.eq_ignore_ascii_case(name))
    else {
        panic!("no {name} header");
    };
    let mut value: Vec<char> = h.value.clone().unwrap_or_default().chars().collect();
    let positions: Vec<usize> = (value.len().saturating_sub(12)..value.len())
        .filter(|&i| value[i].is_ascii_alphanumeric())
        .collect();
    let at = positions[rng.below(positions.len())];
    let old = value[at];
    const ALPHABET: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let replacement = ALPHABET
        .chars()
        .cycle()
        .skip(rng.below(ALPHABET.len()))
        .find(|c| !c.eq_ignore_ascii_case(&old))
        .unwrap_or('0');
    value[at] = replacement;
    *h = StoredHeader::new(&h.name, value.into_iter().collect::<String>().as_bytes());
}

fn is_url_only_twilio(scheme: &Scheme, url: &str) -> bool {
    matches!(scheme, Scheme::Twilio) && url.contains("bodySHA256")
}

#[test]
fn round_trip_every_scheme() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for scheme in all_schemes() {
        for round in 0..12 {
            let value = random_secret(&scheme, &mut rng);
            let key = secret("current", &value);
            let (body, url) = match scheme {
                // Twilio signs form parameters, or the URL binding a JSON body.
                Scheme::Twilio if round % 2 == 0 => {
                    let body = format!("A={}&B={}", rng.word(8), rng.word(5)).into_bytes();
                    (body, URL.to_owned())
                }
                Scheme::Twilio => {
                    let body = format!(r#"{{"n":"{}"}}"#, rng.word(10)).into_bytes();
                    let url = format!("{URL}&bodySHA256={}", codec::sha256_hex(&body));
                    (body, url)
                }
                _ => (rng.bytes(120), URL.to_owned()),
            };
            let signed = sign_ok(&scheme, &key, &body, &url, NOW);
            let secrets = [key.clone()];
            let req = request(&signed, &body, &url);
            let verdict = verify(&req, &scheme, &secrets, NOW + 5);
            assert_eq!(
                verdict.status,
                VerdictStatus::Valid,
                "{}: {verdict:?}",
                scheme.id()
            );
            assert_eq!(verdict.secret.as_deref(), Some("current"));

            // One changed body byte breaks every scheme that signs the body.
            let signs_body = !matches!(scheme, Scheme::SharedSecret { .. } | Scheme::BasicAuth);
            if signs_body {
                let mut tampered = body.clone();
                if tampered.is_empty() {
                    tampered.push(b'x');
                } else if matches!(scheme, Scheme::Twilio) && !is_url_only_twilio(&scheme, &url) {
                    // Change a value character: a=b&c vs ab=&c sign the same.
                    let last = tampered.len() - 1;
                    tampered[last] = if tampered[last] == b'q' { b'r' } else { b'q' };
                } else {
                    let at = rng.below(tampered.len());
                    tampered[at] ^= 1 + rng.below(255) as u8;
                }
                let verdict = verify(&request(&signed, &tampered, &url), &scheme, &secrets, NOW);
                assert_eq!(
                    verdict.status,
                    VerdictStatus::Invalid,
                    "{}: {verdict:?}",
                    scheme.id()
                );
            }

            let mut flipped = signed.clone();
            flip_signature(&mut flipped, &signature_header(&scheme), &mut rng);
            let verdict = verify(&request(&flipped, &body, &url), &scheme, &secrets, NOW);
            assert!(
                matches!(
                    verdict.status,
                    VerdictStatus::Invalid | VerdictStatus::Malformed
                ),
                "{}: {verdict:?}",
                scheme.id()
            );

            let wrong = [secret("other", &random_secret(&scheme, &mut rng))];
            let verdict = verify(&req, &scheme, &wrong, NOW);
            assert_eq!(
                verdict.status,
                VerdictStatus::Invalid,
                "{}: {verdict:?}",
                scheme.id()
            );
            assert_eq!(verdict.secret, None);
        }
    }
}

#[test]
fn unsigned_no_secret_and_malformed() {
    let empty: [StoredHeader; 0] = [];
    let key = [secret("live", "s3cret")];
    for scheme in all_schemes() {
        let verdict = verify(&request(&empty, b"{}", URL), &scheme, &key, NOW);
        assert_eq!(verdict.status, VerdictStatus::Unsigned, "{}", scheme.id());
        assert_eq!(verdict.scheme.as_deref(), Some(scheme.id()));
    }
    let signed = sign_ok(&Scheme::Github, &key[0], b"{}", URL, NOW);
    let verdict = verify(&request(&signed, b"{}", URL), &Scheme::Github, &[], NOW);
    assert_eq!(verdict.status, VerdictStatus::NoSecret);

    let cases: [(Scheme, &[(&str, &str)]); 5] = [
        (Scheme::Github, &[("X-Hub-Signature-256", "sha256=zz")]),
        (
            Scheme::Stripe { tolerance_s: 300 },
            &[("Stripe-Signature", "v1=abcd")],
        ),
        (
            Scheme::Stripe { tolerance_s: 300 },
            &[("Stripe-Signature", "t=123")],
        ),
        (
            Scheme::Slack { tolerance_s: 300 },
            &[
                ("X-Slack-Signature", "v0=abcd"),
                ("X-Slack-Request-Timestamp", "soon"),
            ],
        ),
        (Scheme::BasicAuth, &[("Authorization", "Basic %%%")]),
    ];
    for (scheme, pairs) in cases {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let hs = headers(&pairs);
        let verdict = verify(&request(&hs, b"{}", URL), &scheme, &key, NOW);
        assert_eq!(
            verdict.status,
            VerdictStatus::Malformed,
            "{pairs:?}: {verdict:?}"
        );
        assert!(verdict.reason.is_some());
    }
}

#[test]
fn a_malformed_authorization_names_its_scheme_word_but_never_a_bare_token() {
    let key = [secret("basic", "user:pass")];
    let verdict_of = |value: &str| {
        let hs = headers(&[("Authorization".to_owned(), value.to_owned())]);
        verify(&request(&hs, b"{}", URL), &Scheme::BasicAuth, &key, NOW)
    };
    let bearer = verdict_of("Bearer tok_S3cretValue");
    assert_eq!(bearer.status, VerdictStatus::Malformed);
    assert_eq!(
        bearer.reason.as_deref(),
        Some("Authorization uses \"Bearer\", not Basic")
    );
    for bare in ["sk_live_S3cretValue", "sk_live_S3cretValue trailing"] {
        let verdict = verdict_of(bare);
        assert_eq!(verdict.status, VerdictStatus::Malformed);
        let reason = verdict.reason.unwrap_or_default();
        assert!(!reason.contains("S3cret"), "{reason}");
        assert!(!reason.contains("sk_live"), "{reason}");
    }
}

#[test]
fn rotation_names_the_secret_that_matched() {
    let old = secret("old", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    let new = secret("new", "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD");
    let scheme = Scheme::StandardWebhooks { tolerance_s: 300 };
    let body = br#"{"type":"order.created"}"#;
    let with_old = sign_ok(&scheme, &old, body, URL, NOW);
    let with_new = sign_ok(&scheme, &new, body, URL, NOW);
    // During rotation the sender lists both signatures in one header.
    let mut both = with_new.clone();
    let sig = |hs: &[StoredHeader]| {
        hs.iter()
            .find(|h| h.name == "webhook-signature")
            .and_then(|h| h.value.clone())
            .unwrap_or_default()
    };
    let combined = format!("{} {}", sig(&with_old), sig(&with_new));
    for h in &mut both {
        if h.name == "webhook-signature" {
            *h = StoredHeader::new("webhook-signature", combined.as_bytes());
        }
    }
    let req = request(&both, body, URL);
    for (secrets, expected) in [
        (vec![old.clone()], "old"),
        (vec![new.clone()], "new"),
        (vec![new.clone(), old.clone()], "new"),
        (vec![old.clone(), new.clone()], "old"),
    ] {
        let verdict = verify(&req, &scheme, &secrets, NOW);
        assert_eq!(verdict.status, VerdictStatus::Valid);
        assert_eq!(verdict.secret.as_deref(), Some(expected));
    }
    let svix: Vec<StoredHeader> = both
        .iter()
        .map(|h| StoredHeader::new(&h.name.replace("webhook-", "svix-"), h.bytes()))
        .collect();
    let verdict = verify(&request(&svix, body, URL), &scheme, &[new], NOW);
    assert_eq!(
        verdict.status,
        VerdictStatus::Valid,
        "svix- headers are read too"
    );
}

#[test]
fn stale_timestamps() {
    let body = b"payload";
    let key = secret("live", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    let sw = Scheme::StandardWebhooks { tolerance_s: 300 };
    let signed = sign_ok(&sw, &key, body, URL, NOW);
    let req = request(&signed, body, URL);
    let secrets = [key.clone()];
    assert_eq!(
        verify(&req, &sw, &secrets, NOW + 300).status,
        VerdictStatus::Valid
    );
    for (now, age) in [(NOW + 600, 600), (NOW - 600, -600)] {
        let verdict = verify(&req, &sw, &secrets, now);
        assert_eq!(verdict.status, VerdictStatus::Stale);
        assert_eq!(verdict.age_s, Some(age));
        assert_eq!(verdict.secret.as_deref(), Some("live"));
        assert!(
            verdict
                .reason
                .as_deref()
                .unwrap_or_default()
                .contains("10 min")
        );
    }
    let verdict = verify(
        &req,
        &sw,
        &[secret("x", "whsec_AAAAAAAAAAAAAAAA")],
        NOW + 600,
    );
    assert_eq!(verdict.status, VerdictStatus::Stale);
    assert_eq!(verdict.secret, None);
    assert!(
        verdict
            .reason
            .unwrap_or_default()
            .contains("does not match")
    );

    let slack = Scheme::Slack { tolerance_s: 300 };
    let slack_key = secret("slack", "8f742231b10e8888abcd99yyyzzz85a5");
    let signed = sign_ok(&slack, &slack_key, body, URL, NOW);
    let req = request(&signed, body, URL);
    let secrets = [slack_key];
    assert_eq!(
        verify(&req, &slack, &secrets, NOW - 301).status,
        VerdictStatus::Stale
    );
    assert_eq!(
        verify(&req, &slack, &secrets, NOW + 301).status,
        VerdictStatus::Stale
    );
    assert_eq!(
        verify(&req, &slack, &secrets, NOW + 299).status,
        VerdictStatus::Valid
    );

    // Stripe only rejects old timestamps.
    let stripe = Scheme::Stripe { tolerance_s: 300 };
    let stripe_key = secret("stripe", "whsec_test_secret");
    let signed = sign_ok(&stripe, &stripe_key, body, URL, NOW);
    let req = request(&signed, body, URL);
    let secrets = [stripe_key];
    assert_eq!(
        verify(&req, &stripe, &secrets, NOW - 10_000).status,
        VerdictStatus::Valid
    );
    let verdict = verify(&req, &stripe, &secrets, NOW + 301);
    assert_eq!(verdict.status, VerdictStatus::Stale);
    assert_eq!(verdict.age_s, Some(301));
}

#[test]
fn twilio_ports_and_form_parameters() {
    let body = b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";
    let hs = headers(&[
        (
            "X-Twilio-Signature".into(),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8=".into(),
        ),
        (
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        ),
    ]);
    let secrets = [secret("token", "12345")];
    for url in [
        "https://mycompany.com/myapp.php?foo=1&bar=2",
        "https://mycompany.com:443/myapp.php?foo=1&bar=2",
    ] {
        let verdict = verify(&request(&hs, body, url), &Scheme::Twilio, &secrets, 0);
        assert_eq!(verdict.status, VerdictStatus::Valid, "{url}");
    }
    // Signed with the port, received without it.
    let key = secret("token", "12345");
    let signed = sign_ok(&Scheme::Twilio, &key, body, "http://example.com:80/sms", 0);
    let verdict = verify(
        &request(&signed, body, "http://example.com/sms"),
        &Scheme::Twilio,
        &secrets,
        0,
    );
    assert_eq!(verdict.status, VerdictStatus::Valid);
    // Parameter order does not matter: Twilio sorts them.
    let reordered = b"To=%2B18005551212&From=%2B14158675309&Digits=1234&Caller=%2B14158675309&CallSid=CA1234567890ABCDE";
    let verdict = verify(
        &request(
            &hs,
            reordered,
            "https://mycompany.com/myapp.php?foo=1&bar=2",
        ),
        &Scheme::Twilio,
        &secrets,
        0,
    );
    assert_eq!(verdict.status, VerdictStatus::Valid);

    assert_eq!(
        construction::toggle_default_port("https://user@[::1]:443/x?y=1").as_deref(),
        Some("https://user@[::1]/x?y=1")
    );
    assert_eq!(
        construction::toggle_default_port("https://h.example?y=1").as_deref(),
        Some("https://h.example:443?y=1")
    );
    assert_eq!(
        construction::toggle_default_port("https://h.example:8443/"),
        None
    );
}

/// Signs `body` at `sign_url` under `signer`, verifies `received` at `url`
/// under `verifier` with `secrets`/`others`, and checks the diagnosis code.
#[allow(clippy::too_many_arguments)]
fn expect_diagnosis(
    code: DiagnosisCode,
    signer: &Scheme,
    signing_secret: &Secret,
    body: &[u8],
    received: &[u8],
    verifier: &Scheme,
    secrets: &[Secret],
    others: &[Secret],
    urls: (&str, &str),
    status: VerdictStatus,
) {
    let signed = sign_ok(signer, signing_secret, body, urls.0, NOW);
    let req = request(&signed, received, urls.1);
    let verdict = verify_and_diagnose(&req, verifier, secrets, others, NOW);
    assert_eq!(verdict.status, status, "{code:?}: {verdict:?}");
    let Some(diagnosis) = &verdict.diagnosis else {
        panic!("{code:?}: no diagnosis in {verdict:?}");
    };
    assert_eq!(diagnosis.code, code, "{verdict:?}");
    assert!(diagnosis.secret.is_some());
    let shown = format!(
        "{verdict:?} {}",
        serde_json::to_string(&verdict).unwrap_or_default()
    );
    for s in secrets.iter().chain(others).chain([signing_secret]) {
        assert!(
            !shown.contains(&s.value),
            "{code:?} shows a secret: {shown}"
        );
    }
    // The fast path never diagnoses.
    assert_eq!(verify(&req, verifier, secrets, NOW).diagnosis, None);
}

fn spec(f: impl FnOnce(&mut HmacSpec)) -> Scheme {
    let mut spec = HmacSpec::default();
    f(&mut spec);
    Scheme::Hmac(spec)
}

#[test]
fn every_diagnosis_code() {
    use DiagnosisCode::*;
    use VerdictStatus::{Invalid, Malformed};
    let key = secret("live", "k3y-that-must-not-leak");
    let keys = std::slice::from_ref(&key);
    let gh = Scheme::Github;
    let both = (URL, URL);
    let compact = br#"{"a":1,"b":[1,2],"c":{}}"#.as_slice();
    let pretty = b"{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ],\n  \"c\": {}\n}".as_slice();

    expect_diagnosis(
        BodyTrailingNewline,
        &gh,
        &key,
        b"x",
        b"x\n",
        &gh,
        keys,
        &[],
        both,
        Invalid,
    );
    expect_diagnosis(
        BodyMissingTrailingNewline,
        &gh,
        &key,
        b"x\n",
        b"x",
        &gh,
        keys,
        &[],
        both,
        Invalid,
    );
    expect_diagnosis(
        BodyCrlf,
        &gh,
        &key,
        b"a\nb\nc",
        b"a\r\nb\r\nc",
        &gh,
        keys,
        &[],
        both,
        Invalid,
    );
    expect_diagnosis(
        BodyLf,
        &gh,
        &key,
        b"a\r\nb\r\nc",
        b"a\nb\nc",
        &gh,
        keys,
        &[],
        both,
        Invalid,
    );
    expect_diagnosis(
        BodyReserializedCompact,
        &gh,
        &key,
        compact,
        pretty,
        &gh,
        keys,
        &[],
        both,
        Invalid,
    );
    expect_diagnosis(
        BodyReserializedPretty,
        &gh,
        &key,
        pretty,
        compact,
        &gh,
        keys,
        &[],
        both,
        Invalid,
    );

    let hex_key = secret("hex", "00112233445566778899aabbccddeeff");
    let as_hex = spec(|s| s.secret_encoding = SecretEncoding::Hex);
    let as_text = spec(|_| {});
    expect_diagnosis(
        SecretDecoding,
        &as_hex,
        &hex_key,
        b"{}",
        b"{}",
        &as_text,
        std::slice::from_ref(&hex_key),
        &[],
        both,
        Invalid,
    );
    // A Standard Webhooks secret whose sender used the whsec_ text as is.
    let sw = Scheme::StandardWebhooks { tolerance_s: 300 };
    let whsec = secret("sw", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    let sw_as_text = spec(|s| {
        s.header = "webhook-signature".into();
        s.template = vec![Part::Id, lit("."), Part::Timestamp, lit("."), Part::Body];
        s.encoding = Encoding::Base64;
        s.prefix = "v1,".into();
        s.timestamp_header = Some("webhook-timestamp".into());
        s.id_header = Some("webhook-id".into());
        s.separator = Some(" ".into());
    });
    expect_diagnosis(
        SecretDecoding,
        &sw_as_text,
        &whsec,
        b"{}",
        b"{}",
        &sw,
        std::slice::from_ref(&whsec),
        &[],
        both,
        Invalid,
    );

    // Hex sent, base64 expected: hex text is valid base64 of the wrong length.
    let b64 = spec(|s| s.encoding = Encoding::Base64);
    expect_diagnosis(
        OutputEncoding,
        &as_text,
        &key,
        b"{}",
        b"{}",
        &b64,
        keys,
        &[],
        both,
        Invalid,
    );
    // Base64 sent, hex expected: not hex at all, so malformed, still explained.
    expect_diagnosis(
        OutputEncoding,
        &b64,
        &key,
        b"{}",
        b"{}",
        &as_text,
        keys,
        &[],
        both,
        Malformed,
    );

    let prefixed = spec(|s| s.prefix = "sha256=".into());
    expect_diagnosis(
        PrefixMissing,
        &as_text,
        &key,
        b"{}",
        b"{}",
        &prefixed,
        keys,
        &[],
        both,
        Invalid,
    );

    let theirs = secret("/kustom-test: live", "another-endpoint-secret");
    expect_diagnosis(
        OtherSecret,
        &gh,
        &theirs,
        b"{}",
        b"{}",
        &gh,
        keys,
        std::slice::from_ref(&theirs),
        both,
        Invalid,
    );

    // Configured as a SHA-1 HMAC on GitHub's header, but it is plain GitHub.
    let wrong_scheme = spec(|s| {
        s.header = "X-Hub-Signature-256".into();
        s.prefix = "sha256=".into();
        s.algorithm = Algorithm::Sha1;
    });
    expect_diagnosis(
        OtherScheme,
        &gh,
        &key,
        b"{}",
        b"{}",
        &wrong_scheme,
        keys,
        &[],
        both,
        Invalid,
    );

    let url_signed = spec(|s| s.template = vec![Part::Url, Part::Body]);
    expect_diagnosis(
        UrlPort,
        &url_signed,
        &key,
        b"{}",
        b"{}",
        &url_signed,
        keys,
        &[],
        ("https://example.com:443/hook", "https://example.com/hook"),
        Invalid,
    );
    expect_diagnosis(
        UrlScheme,
        &url_signed,
        &key,
        b"{}",
        b"{}",
        &url_signed,
        keys,
        &[],
        ("https://example.com/hook", "http://example.com/hook"),
        Invalid,
    );
    expect_diagnosis(
        UrlScheme,
        &Scheme::Twilio,
        &key,
        b"A=1",
        b"A=1",
        &Scheme::Twilio,
        keys,
        &[],
        ("https://example.com/sms", "http://example.com:80/sms"),
        Invalid,
    );
}

#[test]
fn diagnosis_codes_serialize_as_their_names() {
    for code in [
        DiagnosisCode::BodyTrailingNewline,
        DiagnosisCode::BodyReserializedCompact,
        DiagnosisCode::UrlScheme,
        DiagnosisCode::OtherSecret,
    ] {
        assert_eq!(serde_json::to_value(code).ok(), Some(code.as_str().into()));
    }
    for status in VerdictStatus::ALL {
        assert_eq!(VerdictStatus::parse(status.as_str()), Some(status));
        assert_eq!(
            serde_json::to_value(status).ok(),
            Some(status.as_str().into())
        );
    }
    assert_eq!(VerdictStatus::parse("nope"), None);
}

#[test]
fn schemes_serialize_tagged_and_round_trip() {
    for scheme in all_schemes() {
        let json = serde_json::to_value(&scheme).unwrap_or_default();
        assert_eq!(json["kind"], scheme.id());
        let back: Scheme = serde_json::from_value(json).unwrap_or(Scheme::Github);
        assert_eq!(back, scheme);
        assert_eq!(
            Scheme::by_id(scheme.id()).map(|s| s.id()),
            Some(scheme.id())
        );
    }
    let json = serde_json::to_value(Scheme::Stripe { tolerance_s: 300 }).unwrap_or_default();
    assert_eq!(
        json,
        serde_json::json!({"kind": "stripe", "toleranceS": 300})
    );
    assert_eq!(
        Scheme::SharedSecret {
            header: "X-Challenge".into()
        }
        .name(),
        "Shared secret (X-Challenge)"
    );
    assert_eq!(Scheme::by_id("adyen"), None);
}

#[test]
fn combined_checks_every_present_member() {
    let scheme = Scheme::by_id("combined").unwrap_or(Scheme::Github);
    let key = secret("merchant", "user:pass");
    let signed = sign_ok(&scheme, &key, b"{}", URL, NOW);
    let secrets = [key.clone()];
    let verdict = verify(&request(&signed, b"{}", URL), &scheme, &secrets, NOW);
    assert_eq!(verdict.status, VerdictStatus::Valid);
    assert_eq!(verdict.scheme.as_deref(), Some("combined"));
    // Only the HMAC present: it alone decides.
    let hmac_only: Vec<StoredHeader> = signed
        .iter()
        .filter(|h| h.name != "Authorization")
        .cloned()
        .collect();
    let verdict = verify(&request(&hmac_only, b"{}", URL), &scheme, &secrets, NOW);
    assert_eq!(verdict.status, VerdictStatus::Valid);
    assert_eq!(verdict.scheme.as_deref(), Some("hmac"));
    // Basic right, HMAC wrong: invalid, decided by the HMAC, and diagnosed there.
    let verdict = verify_and_diagnose(&request(&signed, b"{}\n", URL), &scheme, &secrets, &[], NOW);
    assert_eq!(verdict.status, VerdictStatus::Invalid);
    assert_eq!(verdict.scheme.as_deref(), Some("hmac"));
    assert_eq!(
        verdict.diagnosis.map(|d| d.code),
        Some(DiagnosisCode::BodyTrailingNewline)
    );
}

#[test]
fn discovery_finds_a_generic_construction() {
    let target = HmacSpec {
        header: "X-Sig".into(),
        algorithm: Algorithm::Sha512,
        template: vec![Part::Timestamp, lit("."), Part::Body],
        encoding: Encoding::Base64,
        timestamp_header: Some("X-Ts".into()),
        tolerance_s: Some(DEFAULT_TOLERANCE_S),
        ..HmacSpec::default()
    };
    let key = secret("known", "discover-me");
    let body = br#"{"event":"payment.captured","id":"evt_1"}"#;
    let mut signed = sign_ok(&Scheme::Hmac(target.clone()), &key, body, "", NOW);
    signed.push(StoredHeader::new("Content-Type", b"application/json"));
    signed.push(StoredHeader::new("User-Agent", b"Provider/1.0"));
    let found = discover(&request(&signed, body, ""), &key);
    let Some(first) = found.first() else {
        panic!("nothing discovered");
    };
    assert_eq!(first.scheme, Scheme::Hmac(target));
    assert_eq!(
        first.description,
        "HMAC-SHA512 of timestamp + \".\" + body, base64, in X-Sig, timestamp from X-Ts"
    );
    assert!(!first.description.contains(&key.value));

    // Prefix and Stripe-like headers.
    // Every spec but the one with an exotic template (method, URL, id, ...).
    for spec in specs()
        .into_iter()
        .filter(|s| !s.template.contains(&Part::Method))
    {
        let scheme = Scheme::Hmac(spec.clone());
        let value = random_secret(&scheme, &mut Rng(7));
        let key = secret("k", &value);
        let signed = sign_ok(&scheme, &key, body, URL, NOW);
        let req = request(&signed, body, URL);
        let found = discover(&req, &key);
        assert!(
            found
                .iter()
                .any(|d| matches!(&d.scheme, Scheme::Hmac(s) if s.header == spec.header)),
            "{spec:?} not discovered: {found:?}"
        );
        for d in &found {
            let verdict = verify(&req, &d.scheme, std::slice::from_ref(&key), NOW);
            assert_eq!(verdict.status, VerdictStatus::Valid, "{d:?}");
        }
    }
}

#[test]
fn discovery_prefers_named_schemes() {
    let key = secret("gh", "It's a Secret to Everybody");
    let signed = sign_ok(&Scheme::Github, &key, b"Hello, World!", URL, NOW);
    let found = discover(&request(&signed, b"Hello, World!", URL), &key);
    assert_eq!(found.first().map(|d| &d.scheme), Some(&Scheme::Github));
    assert_eq!(found.len(), 1, "{found:?}");

    let sw = Scheme::StandardWebhooks { tolerance_s: 300 };
    let key = secret("sw", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    let mut signed = sign_ok(&sw, &key, b"{}", URL, NOW);
    signed.push(StoredHeader::new("X-Challenge", key.value.as_bytes()));
    let found = discover(&request(&signed, b"{}", URL), &key);
    let schemes: Vec<&str> = found.iter().map(|d| d.scheme.id()).collect();
    assert_eq!(schemes, ["standard-webhooks", "shared-secret"]);
    assert_eq!(detect_scheme(&signed), Some(sw));
}

#[test]
fn detect_scheme_by_headers() {
    let detect = |name: &str| detect_scheme(&[StoredHeader::new(name, b"x")]).map(|s| s.id());
    assert_eq!(detect("svix-signature"), Some("standard-webhooks"));
    assert_eq!(detect("Stripe-Signature"), Some("stripe"));
    assert_eq!(detect("x-hub-signature"), Some("github"));
    assert_eq!(detect("X-Shopify-Hmac-Sha256"), Some("shopify"));
    assert_eq!(detect("X-Slack-Signature"), Some("slack"));
    assert_eq!(detect("X-Twilio-Signature"), Some("twilio"));
    assert_eq!(detect("X-Request-Id"), None);
}

#[test]
fn secrets_never_show() {
    let key = secret("live", "super-secret-value-42");
    assert_eq!(
        format!("{key:?}"),
        "Secret { label: \"live\", value: \"***\" }"
    );
    let mut rng = Rng(42);
    let mut shown = Vec::new();
    let mut values = vec![key.value.clone()];
    for scheme in all_schemes() {
        let configured = secret("live", &random_secret(&scheme, &mut rng));
        let wrong = secret("wrong", &random_secret(&scheme, &mut rng));
        let signed = sign_ok(&scheme, &wrong, b"{}", URL, NOW);
        let req = request(&signed, b"{}", URL);
        let keys = std::slice::from_ref(&configured);
        for now in [NOW, NOW + 100_000] {
            let verdict = verify_and_diagnose(&req, &scheme, keys, keys, now);
            assert_ne!(verdict.status, VerdictStatus::Valid);
            shown.push(format!("{verdict:?}"));
            shown.push(serde_json::to_string(&verdict).unwrap_or_default());
        }
        values.extend([configured.value, wrong.value]);
    }
    let bad = secret("bad", "not base64 at all!");
    let input = SignInput {
        body: b"",
        url: URL,
        id: None,
        timestamp: NOW,
    };
    for scheme in [
        Scheme::StandardWebhooks { tolerance_s: 300 },
        Scheme::BasicAuth,
    ] {
        let Err(error) = sign(&scheme, &bad, &input) else {
            panic!("{} signed with a bad secret", scheme.id());
        };
        shown.push(error.to_string());
        shown.push(format!("{error:?}"));
    }
    let good = secret("good", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    let missing_id = sign(
        &Scheme::StandardWebhooks { tolerance_s: 300 },
        &good,
        &input,
    );
    assert!(matches!(missing_id, Err(SignError::MissingId { .. })));
    let control = sign(
        &Scheme::SharedSecret {
            header: "X-Challenge".into(),
        },
        &secret("nl", "a\nb"),
        &input,
    );
    assert!(matches!(control, Err(SignError::NotAHeaderValue { .. })));
    values.push(bad.value.clone());
    for text in shown {
        for value in &values {
            assert!(!text.contains(value.as_str()), "{text}");
        }
    }
}

/// Values built from the characters signatures are made of, so the
/// generator reaches the parsers' interesting paths, plus raw bytes.
fn header_value() -> impl Strategy<Value = Vec<u8>> {
    let alphabet = b"0123456789abcdefABCDEF=,: t.v+/_-whsecBasic".to_vec();
    prop_oneof![
        prop::collection::vec(prop::sample::select(alphabet), 0..90),
        prop::collection::vec(any::<u8>(), 0..40),
    ]
}

const FUZZED_HEADERS: [&str; 16] = [
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-signature",
    "Stripe-Signature",
    "X-Hub-Signature-256",
    "X-Hub-Signature",
    "X-Shopify-Hmac-Sha256",
    "X-Slack-Signature",
    "X-Slack-Request-Timestamp",
    "X-Twilio-Signature",
    "X-Challenge",
    "Authorization",
    "X-Signature",
    "X-Ts",
    "Content-Type",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn nothing_panics_on_any_input(
        values in prop::collection::vec(header_value(), FUZZED_HEADERS.len()),
        present in prop::collection::vec(any::<bool>(), FUZZED_HEADERS.len()),
        body in prop::collection::vec(any::<u8>(), 0..200),
        url in "[a-z:/.?=&0-9\\[\\]@]{0,40}",
        now in any::<i64>(),
    ) {
        let headers: Vec<StoredHeader> = FUZZED_HEADERS
            .iter()
            .zip(&values)
            .zip(&present)
            .filter(|(_, p)| **p)
            .map(|((name, value), _)| StoredHeader::new(name, value))
            .collect();
        let req = request(&headers, &body, &url);
        let keys = [secret("a", "user:pass"), secret("b", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")];
        for scheme in all_schemes() {
            let _ = verify(&req, &scheme, &keys, now);
            let _ = verify_and_diagnose(&req, &scheme, &keys, &keys[..1], now);
        }
        let _ = detect_scheme(&headers);
        for key in &keys {
            let _ = discover(&req, key);
        }
    }
}

#[test]
fn typescript_declarations_match_the_serde_shapes() {
    use ts_rs::TS;
    let cfg = ts_rs::Config::default();
    let decls = [
        Scheme::decl(&cfg),
        HmacSpec::decl(&cfg),
        Part::decl(&cfg),
        Verdict::decl(&cfg),
        VerdictStatus::decl(&cfg),
        Diagnosis::decl(&cfg),
        DiagnosisCode::decl(&cfg),
        Discovery::decl(&cfg),
    ]
    .join("\n");
    println!("{decls}");
    for expected in [
        "\"kind\": \"standard-webhooks\", toleranceS: number",
        "\"kind\": \"hmac\" } & HmacSpec",
        "toleranceS: number | null",
        "ageS: number | null",
        "\"part\": \"literal\", text: string",
        "\"no_secret\"",
        "\"body_trailing_newline\"",
    ] {
        assert!(decls.contains(expected), "{expected} not in\n{decls}");
    }
}

#[test]
fn every_listed_id_has_a_default_scheme_with_that_id() {
    for id in Scheme::IDS {
        assert_eq!(Scheme::by_id(id).map(|s| s.id()), Some(id));
        assert!(
            Scheme::kind_name(id).is_some_and(|name| !name.is_empty()),
            "{id} has no name"
        );
    }
    for scheme in all_schemes() {
        assert!(
            Scheme::IDS.contains(&scheme.id()),
            "{} is not listed",
            scheme.id()
        );
    }
}
