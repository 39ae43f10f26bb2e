//! Which scheme and secrets apply to a captured request, and its verdict.
//! Capture, re-verification and `hooklens-cli verify` all go through here, so
//! a verdict never depends on which of them computed it.

use crate::model::Endpoint;
use crate::signature::{self, Part, Scheme, Secret, SignedRequest, Verdict, VerdictStatus};
use crate::store::{Secrets, StoredHeader};

pub use crate::wire::Subject;

pub use crate::providers::scheme_for;

/// The URL the sender addressed, as its headers name it. Behind a tunnel
/// (ngrok, cloudflared) the forwarded headers name the public URL a provider
/// like Twilio signed; without them it is the listener's own http URL. A
/// request that came through Hooklens's tunnel ingress has a better answer:
/// [`subject_url`].
pub fn request_url(headers: &[StoredHeader], path: &str, query: Option<&str>) -> String {
    let first = |name: &str| {
        crate::wire::header_text(headers, name)
            .map(|v| v.split(',').next().unwrap_or(v).trim())
            .filter(|v| !v.is_empty())
    };
    let proto = first("x-forwarded-proto").unwrap_or("http");
    let host = first("x-forwarded-host")
        .or_else(|| first("host"))
        .unwrap_or("localhost");
    match query {
        Some(q) => format!("{proto}://{host}{path}?{q}"),
        None => format!("{proto}://{host}{path}"),
    }
}

/// The tunnel's public base URL plus the request's path and query: the URL
/// a provider was given and signed (`https://abc.trycloudflare.com` and
/// `/twilio/sms?a=1`).
pub fn public_request_url(base: &str, path: &str, query: Option<&str>) -> String {
    let base = base.trim_end_matches('/');
    match query {
        Some(q) => format!("{base}{path}?{q}"),
        None => format!("{base}{path}"),
    }
}

/// Where the URL a request is judged by came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlSource {
    /// The public URL of the tunnel it came through, as it was on arrival.
    Tunnel,
    /// Its Host and X-Forwarded-* headers.
    Headers,
}

impl UrlSource {
    fn words(self) -> &'static str {
        match self {
            UrlSource::Tunnel => "the tunnel's public URL when it arrived",
            UrlSource::Headers => "the URL its Host and X-Forwarded-* headers name",
        }
    }
}

/// The URL `subject` was sent to: through a tunnel whose public URL was
/// known, that URL plus the request target (forwarded headers are the
/// tunnel's or the sender's, and the sender's can say anything); otherwise
/// as its headers name it ([`request_url`]).
pub fn subject_url(subject: &Subject) -> (String, UrlSource) {
    match subject.public_url {
        Some(base) => (
            public_request_url(base, subject.path, subject.query),
            UrlSource::Tunnel,
        ),
        None => (
            request_url(subject.headers, subject.path, subject.query),
            UrlSource::Headers,
        ),
    }
}

/// The scheme signs the URL (Twilio, or an HMAC template with the URL in it).
fn signs_url(scheme: &Scheme) -> bool {
    match scheme {
        Scheme::Twilio => true,
        Scheme::Hmac(spec) => spec.template.contains(&Part::Url),
        Scheme::Combined { schemes } => schemes.iter().any(signs_url),
        _ => false,
    }
}

/// Bodies up to this size are diagnosed as they arrive (and when re-verified
/// in bulk). A diagnosis hashes the body a few dozen times; past this size
/// that is seconds of CPU a sender could make the listener spend per
/// request, so larger bodies are diagnosed when someone asks
/// ([`Diagnose::Full`], e.g. `hooklens-cli verify`).
pub const ARRIVAL_DIAGNOSIS_LIMIT: usize = 256 * 1024;

/// How much diagnosis a verdict gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Diagnose {
    /// Capture and bulk re-verification: bounded by [`ARRIVAL_DIAGNOSIS_LIMIT`].
    OnArrival,
    /// One event a person asked about: any size (still linear in it).
    Full,
}

/// The verdict for `subject` under the current configuration, diagnosed as
/// on arrival. Invalid and malformed verdicts carry a diagnosis, which may
/// name a secret of another endpoint (by endpoint name and label, never by
/// value).
pub fn verdict(endpoints: &[Endpoint], secrets: &Secrets, subject: &Subject) -> Verdict {
    verdict_with(endpoints, secrets, subject, Diagnose::OnArrival)
}

pub fn verdict_with(
    endpoints: &[Endpoint],
    secrets: &Secrets,
    subject: &Subject,
    diagnose: Diagnose,
) -> Verdict {
    let endpoint = subject
        .endpoint_id
        .and_then(|id| endpoints.iter().find(|e| e.id == id));
    let Some((scheme, assumed)) = scheme_for(endpoint, subject.provider, subject.headers) else {
        return Verdict {
            status: VerdictStatus::Unsigned,
            scheme: None,
            secret: None,
            age_s: None,
            diagnosis: None,
            reason: Some(
                "no signature header of a known scheme, and the endpoint has no scheme set".into(),
            ),
            assumed: false,
        };
    };
    let own: &[Secret] = endpoint
        .and_then(|e| secrets.get(&e.id))
        .map_or(&[], Vec::as_slice);
    let (url, url_source) = subject_url(subject);
    let request = SignedRequest {
        method: subject.method,
        url: &url,
        headers: subject.headers,
        body: subject.body,
    };
    let now_s = subject.received_at_ns.div_euclid(1_000_000_000);
    let mut verdict = signature::verify(&request, &scheme, own, now_s);
    let (mut scheme, mut assumed) = (scheme, assumed);
    // A preset is a guess from the body's shape; a signature header of
    // another known scheme is stronger evidence of how the request was signed.
    if verdict.status == VerdictStatus::Unsigned
        && endpoint.is_none_or(|e| e.scheme.is_none())
        && let Some(detected) = signature::detect_scheme(subject.headers)
        && detected.id() != scheme.id()
    {
        verdict = signature::verify(&request, &detected, own, now_s);
        (scheme, assumed) = (detected, false);
    }
    // Diagnosis tries dozens of variants: only for the requests that need it.
    if verdict.status == VerdictStatus::Invalid
        && diagnose == Diagnose::OnArrival
        && subject.body.len() > ARRIVAL_DIAGNOSIS_LIMIT
    {
        verdict.reason = Some(format!(
            "{}; not diagnosed on arrival: the body is {} KB, and bodies up to {} KB are \
             diagnosed as they arrive (`hooklens-cli verify` diagnoses any size)",
            verdict
                .reason
                .as_deref()
                .unwrap_or("the signature does not match"),
            subject.body.len().div_ceil(1024),
            ARRIVAL_DIAGNOSIS_LIMIT / 1024
        ));
    } else if matches!(
        verdict.status,
        VerdictStatus::Invalid | VerdictStatus::Malformed
    ) {
        let others = other_secrets(endpoints, secrets, endpoint.map(|e| e.id));
        verdict = signature::verify_and_diagnose(&request, &scheme, own, &others, now_s);
    }
    if signs_url(&scheme) {
        explain_url(&mut verdict, subject, &request, &scheme, own, url_source);
    }
    verdict.assumed = assumed;
    verdict
}

/// A URL-signed verdict says which URL it was checked against. When it does
/// not match the tunnel's public URL but matches the one the headers name,
/// it says that too: the sender was given another URL than the tunnel's.
fn explain_url(
    verdict: &mut Verdict,
    subject: &Subject,
    request: &SignedRequest,
    scheme: &Scheme,
    own: &[Secret],
    source: UrlSource,
) {
    let url = request.url;
    let now_s = subject.received_at_ns.div_euclid(1_000_000_000);
    let checked = format!("checked against {url}, {}", source.words());
    verdict.reason = match verdict.status {
        VerdictStatus::Valid => Some(checked),
        VerdictStatus::Invalid if verdict.diagnosis.is_some() => Some(checked),
        VerdictStatus::Invalid => {
            let alternative = (source == UrlSource::Tunnel)
                .then(|| request_url(subject.headers, subject.path, subject.query))
                .filter(|alt| alt != url);
            let matches_alternative = alternative.as_ref().is_some_and(|alt| {
                let other = SignedRequest {
                    url: alt,
                    ..*request
                };
                signature::verify(&other, scheme, own, now_s).status == VerdictStatus::Valid
            });
            Some(match alternative {
                Some(alt) if matches_alternative => format!(
                    "the signature matches {alt}, the URL its headers name, not the tunnel's \
                     public URL {url} it was checked against: the sender was given another URL \
                     than the tunnel's; give it the tunnel's URL"
                ),
                _ => {
                    let hint = match source {
                        UrlSource::Tunnel => "",
                        UrlSource::Headers => {
                            "; a request signed for a tunnel's public URL verifies when it comes \
                             in through that tunnel"
                        }
                    };
                    format!(
                        "the signature does not match; {}, which is what the sender must have \
                         signed{hint}",
                        checked
                    )
                }
            })
        }
        _ => verdict.reason.take(),
    };
}

/// Secrets configured on other endpoints, labelled "<endpoint>: <label>", in
/// endpoint order: a provider signing with the test endpoint's secret is a
/// common mix-up worth naming.
fn other_secrets(endpoints: &[Endpoint], secrets: &Secrets, own: Option<i64>) -> Vec<Secret> {
    endpoints
        .iter()
        .filter(|e| Some(e.id) != own)
        .filter_map(|e| Some((e, secrets.get(&e.id)?)))
        .flat_map(|(e, list)| {
            list.iter()
                .map(move |s| Secret::new(format!("{}: {}", e.name, s.label), s.value.clone()))
        })
        .collect()
}

/// Progress of a re-verification is reported at most this often (and always
/// for its first and last batch): a bar or a terminal line redrawn faster is
/// not seen, and each report crosses to the UI.
pub const PROGRESS_INTERVAL: std::time::Duration = std::time::Duration::from_millis(100);

/// Re-verifies the stored events of one endpoint (`None`: every event)
/// with the endpoints and secrets as they are in the database now, in short
/// batches beside capture. `progress` hears how far it got, at most every
/// [`PROGRESS_INTERVAL`]; setting `cancel` stops at the next batch. The app
/// and `hooklens-cli reverify` both run it.
pub fn reverify(
    store: &crate::store::Store,
    endpoint_id: Option<i64>,
    cancel: &std::sync::atomic::AtomicBool,
    mut progress: impl FnMut(crate::model::ReverifyProgress),
) -> Result<crate::model::ReverifyOutcome, crate::store::StoreError> {
    let mut last_sent: Option<std::time::Instant> = None;
    let throttled = |p: crate::model::ReverifyProgress| {
        let due = last_sent.is_none_or(|at| at.elapsed() >= PROGRESS_INTERVAL);
        if due || p.done == p.total {
            last_sent = Some(std::time::Instant::now());
            progress(p);
        }
    };
    store.reverify_with(endpoint_id, cancel, throttled, verdict)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ConfiguredResponse;
    use crate::signature::{DiagnosisCode, Scheme, SignInput, sign};

    fn endpoint(id: i64, name: &str, preset: Option<&str>, scheme: Option<Scheme>) -> Endpoint {
        Endpoint {
            id,
            name: name.into(),
            path_prefix: format!("/{name}"),
            preset: preset.map(str::to_owned),
            response: ConfiguredResponse::default(),
            is_default: id == 1,
            scheme,
            secrets: Vec::new(),
            forwards: Vec::new(),
            rules: Vec::new(),
            rules_epoch: 0,
        }
    }

    fn headers(pairs: &[(&str, &str)]) -> Vec<StoredHeader> {
        pairs
            .iter()
            .map(|(n, v)| StoredHeader::new(n, v.as_bytes()))
            .collect()
    }

    fn signed_headers(
        signed: Result<Vec<(String, String)>, crate::signature::SignError>,
    ) -> Vec<StoredHeader> {
        signed
            .unwrap()
            .iter()
            .map(|(n, v)| StoredHeader::new(n, v.as_bytes()))
            .collect()
    }

    #[test]
    fn the_endpoint_scheme_beats_the_preset_which_beats_the_headers() {
        let gh = headers(&[("x-hub-signature-256", "sha256=00")]);
        let chosen = endpoint(2, "x", Some("kustom"), Some(Scheme::Shopify));
        let pick = |e: Option<&Endpoint>, p: Option<&str>| {
            scheme_for(e, p, &gh).map(|(s, assumed)| (s.id(), assumed))
        };
        assert_eq!(
            pick(Some(&chosen), Some("kustom")),
            Some(("shopify", false))
        );
        let kustom = endpoint(2, "x", Some("kustom"), None);
        assert_eq!(
            pick(Some(&kustom), Some("kustom")),
            Some(("standard-webhooks", true))
        );
        assert_eq!(pick(None, None), Some(("github", false)));
        assert_eq!(scheme_for(None, None, &[]), None);
    }

    #[test]
    fn a_signature_header_of_another_scheme_beats_the_body_shape() {
        // Kustom-shaped body (so detected as Kustom), but signed GitHub-style.
        let body = br#"{"type":"order.created","id":"kevt_1","merchant_id":"m_1"}"#;
        let hs = signed_headers(sign(
            &Scheme::Github,
            &Secret::new("gh", "s3cret"),
            &SignInput {
                body,
                url: "",
                id: None,
                timestamp: 0,
            },
        ));
        let default = endpoint(1, "default", None, None);
        let mut secrets = Secrets::new();
        secrets.insert(1, vec![Secret::new("gh", "s3cret")]);
        let subject = Subject {
            endpoint_id: Some(1),
            provider: Some("kustom"),
            method: "POST",
            path: "/",
            query: None,
            headers: &hs,
            body,
            received_at_ns: 0,
            public_url: None,
        };
        let v = verdict(std::slice::from_ref(&default), &secrets, &subject);
        assert_eq!(v.status, VerdictStatus::Valid, "{v:?}");
        assert_eq!(v.scheme.as_deref(), Some("github"));
        assert!(!v.assumed);
        // An endpoint that chose its scheme keeps it.
        let chosen = endpoint(1, "default", None, Some(Scheme::Shopify));
        let v = verdict(&[chosen], &secrets, &subject);
        assert_eq!(v.status, VerdictStatus::Unsigned);
    }

    #[test]
    fn the_url_is_the_public_one_behind_a_tunnel() {
        let direct = headers(&[("host", "127.0.0.1:9494")]);
        assert_eq!(
            request_url(&direct, "/sms", Some("a=1")),
            "http://127.0.0.1:9494/sms?a=1"
        );
        let tunnel = headers(&[
            ("host", "127.0.0.1:9494"),
            ("x-forwarded-proto", "https, http"),
            ("x-forwarded-host", "abc.ngrok.app"),
        ]);
        assert_eq!(
            request_url(&tunnel, "/sms", None),
            "https://abc.ngrok.app/sms"
        );
    }

    /// The endpoints, their secrets, a body and its signature headers.
    type Signed = (Vec<Endpoint>, Secrets, Vec<u8>, Vec<(String, String)>);

    /// A Twilio request signed for `url`, on a `twilio` endpoint with the
    /// secret `12345`.
    fn twilio(url: &str) -> Signed {
        let body = b"From=%2B14158675309&Body=hello".to_vec();
        let signed = sign(
            &Scheme::Twilio,
            &Secret::new("auth token", "12345"),
            &SignInput {
                body: &body,
                url,
                id: None,
                timestamp: 0,
            },
        )
        .unwrap();
        let mut secrets = Secrets::new();
        secrets.insert(2, vec![Secret::new("auth token", "12345")]);
        (
            vec![endpoint(2, "twilio", None, Some(Scheme::Twilio))],
            secrets,
            body,
            signed,
        )
    }

    #[test]
    fn a_tunnelled_twilio_request_is_checked_against_the_public_url() {
        let (endpoints, secrets, body, signed) =
            twilio("https://abc.trycloudflare.com/twilio/sms?x=1");
        let mut pairs: Vec<(&str, &str)> = vec![
            ("Host", "127.0.0.1:9494"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ];
        pairs.extend(signed.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let hs = headers(&pairs);
        let subject = Subject {
            endpoint_id: Some(2),
            provider: None,
            method: "POST",
            path: "/twilio/sms",
            query: Some("x=1"),
            headers: &hs,
            body: &body,
            received_at_ns: 0,
            public_url: Some("https://abc.trycloudflare.com"),
        };
        assert_eq!(
            subject_url(&subject),
            (
                "https://abc.trycloudflare.com/twilio/sms?x=1".to_owned(),
                UrlSource::Tunnel
            )
        );
        let v = verdict(&endpoints, &secrets, &subject);
        assert_eq!(v.status, VerdictStatus::Valid, "{v:?}");
        let reason = v.reason.unwrap();
        assert!(
            reason.contains("https://abc.trycloudflare.com/twilio/sms?x=1")
                && reason.contains("tunnel's public URL"),
            "{reason}"
        );

        // The same request on the local port: the URL is the local one.
        let local = Subject {
            public_url: None,
            ..subject
        };
        let v = verdict(&endpoints, &secrets, &local);
        assert_eq!(v.status, VerdictStatus::Invalid, "{v:?}");
        let reason = v.reason.unwrap();
        assert!(
            reason.contains("http://127.0.0.1:9494/twilio/sms?x=1") && reason.contains("tunnel"),
            "{reason}"
        );

        // A tunnel whose public URL is not the one the sender was given,
        // while the forwarded headers name the signed one.
        let mut forwarded = pairs.clone();
        forwarded.push(("X-Forwarded-Proto", "https"));
        forwarded.push(("X-Forwarded-Host", "abc.trycloudflare.com"));
        let hs = headers(&forwarded);
        let moved = Subject {
            headers: &hs,
            public_url: Some("https://xyz.trycloudflare.com"),
            ..subject
        };
        let v = verdict(&endpoints, &secrets, &moved);
        assert_eq!(v.status, VerdictStatus::Invalid, "{v:?}");
        let reason = v.reason.unwrap();
        assert!(
            reason.contains("matches https://abc.trycloudflare.com/twilio/sms?x=1")
                && reason.contains("https://xyz.trycloudflare.com/twilio/sms?x=1"),
            "{reason}"
        );
    }

    #[test]
    fn schemes_that_do_not_sign_the_url_say_nothing_of_it() {
        let body = br#"{"a":1}"#;
        let hs = signed_headers(sign(
            &Scheme::Github,
            &Secret::new("gh", "s3cret"),
            &SignInput {
                body,
                url: "",
                id: None,
                timestamp: 0,
            },
        ));
        let mut secrets = Secrets::new();
        secrets.insert(2, vec![Secret::new("gh", "s3cret")]);
        let v = verdict(
            &[endpoint(2, "gh", None, Some(Scheme::Github))],
            &secrets,
            &Subject {
                endpoint_id: Some(2),
                provider: None,
                method: "POST",
                path: "/gh",
                query: None,
                headers: &hs,
                body,
                received_at_ns: 0,
                public_url: Some("https://abc.trycloudflare.com"),
            },
        );
        assert_eq!(v.status, VerdictStatus::Valid);
        assert_eq!(v.reason, None);
    }

    #[test]
    fn a_request_signed_with_another_endpoints_secret_says_so() {
        let live = endpoint(2, "kustom-live", Some("kustom"), None);
        let test = endpoint(3, "kustom-test", Some("kustom"), None);
        let mut secrets = Secrets::new();
        secrets.insert(
            2,
            vec![Secret::new(
                "live",
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            )],
        );
        secrets.insert(
            3,
            vec![Secret::new(
                "test",
                "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            )],
        );
        let body = br#"{"type":"order.created","id":"kevt_1"}"#;
        let hs = signed_headers(sign(
            &Scheme::StandardWebhooks { tolerance_s: 300 },
            &secrets[&3][0],
            &SignInput {
                body,
                url: "",
                id: Some("msg_1"),
                timestamp: 1_700_000_000,
            },
        ));
        let subject = Subject {
            endpoint_id: Some(2),
            provider: Some("kustom"),
            method: "POST",
            path: "/kustom-live",
            query: None,
            headers: &hs,
            body,
            received_at_ns: 1_700_000_010_000_000_000,
            public_url: None,
        };
        let v = verdict(&[live.clone(), test], &secrets, &subject);
        assert_eq!(v.status, VerdictStatus::Invalid);
        assert!(v.assumed, "Kustom's construction is assumed");
        let d = v.diagnosis.unwrap();
        assert_eq!(d.code, DiagnosisCode::OtherSecret);
        assert_eq!(d.secret.as_deref(), Some("kustom-test: test"));
        assert_eq!(
            verdict(
                &[live],
                &secrets,
                &Subject {
                    endpoint_id: Some(3),
                    ..subject
                }
            )
            .status,
            VerdictStatus::NoSecret,
            "an endpoint unknown here has no secrets of its own"
        );
    }
}
