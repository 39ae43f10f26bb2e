//! The handler's own signature checks: written from the providers' public
//! documentation and reference libraries, sharing nothing with
//! `hooklens_core::signature`. Pure: time is passed in.

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use hmac::{Hmac, Mac};
use subtle::ConstantTimeEq;

/// Timestamp tolerance of Standard Webhooks, Stripe and Slack, in seconds.
pub const TOLERANCE_SECS: i64 = 300;

/// Standard alphabet, padding optional: secrets and signatures are decoded
/// with it.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    StandardWebhooks,
    Stripe,
    Github,
    Shopify,
    Slack,
    SharedSecret,
    BasicAuth,
    Usaepay,
    Twilio,
}

impl Scheme {
    pub const ALL: [Scheme; 9] = [
        Scheme::StandardWebhooks,
        Scheme::Stripe,
        Scheme::Github,
        Scheme::Shopify,
        Scheme::Slack,
        Scheme::SharedSecret,
        Scheme::BasicAuth,
        Scheme::Usaepay,
        Scheme::Twilio,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Scheme::StandardWebhooks => "standard-webhooks",
            Scheme::Stripe => "stripe",
            Scheme::Github => "github",
            Scheme::Shopify => "shopify",
            Scheme::Slack => "slack",
            Scheme::SharedSecret => "shared-secret",
            Scheme::BasicAuth => "basic-auth",
            Scheme::Usaepay => "usaepay",
            Scheme::Twilio => "twilio",
        }
    }

    /// `None` for `open` and anything unknown.
    pub fn from_id(id: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.id() == id)
    }

    /// The scheme named by the first path segment.
    pub fn for_path(path: &str) -> Option<Scheme> {
        let first = path.trim_start_matches('/').split('/').next()?;
        Scheme::from_id(first)
    }
}

/// A request as the verifier sees it.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

/// The outcome for a whole request: which scheme its path named and the
/// verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub scheme: Option<Scheme>,
    pub verified: Option<bool>,
    pub reason: Option<String>,
}

/// Routes by the first path segment and verifies. `secrets` are
/// (scheme-id, secret) pairs; `now` is Unix seconds.
pub fn verify_request(req: &Request, secrets: &[(String, String)], now: i64) -> Outcome {
    match Scheme::for_path(req.path) {
        None => Outcome {
            scheme: None,
            verified: None,
            reason: None,
        },
        Some(scheme) => match verify(scheme, req, secrets, now) {
            Ok(()) => Outcome {
                scheme: Some(scheme),
                verified: Some(true),
                reason: None,
            },
            Err(reason) => Outcome {
                scheme: Some(scheme),
                verified: Some(false),
                reason: Some(reason),
            },
        },
    }
}

/// `Ok` when the request verifies under `scheme` with any configured
/// secret; otherwise why not.
pub fn verify(
    scheme: Scheme,
    req: &Request,
    secrets: &[(String, String)],
    now: i64,
) -> Result<(), String> {
    match scheme {
        Scheme::StandardWebhooks => standard_webhooks(req, secrets, now),
        Scheme::Stripe => stripe(req, secrets, now),
        Scheme::Github => github(req, secrets),
        Scheme::Shopify => shopify(req, secrets),
        Scheme::Slack => slack(req, secrets, now),
        Scheme::SharedSecret => shared_secret(req, secrets),
        Scheme::BasicAuth => basic_auth(req, secrets),
        Scheme::Usaepay => usaepay(req, secrets),
        Scheme::Twilio => twilio(&twilio_url(req)?, req, secrets),
    }
}

/// The first value of a header, name matched case-insensitively.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Decodes a Standard Webhooks secret: `whsec_<base64>` or bare base64.
pub fn standard_webhooks_key(secret: &str) -> Result<Vec<u8>, String> {
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    LENIENT
        .decode(encoded)
        .map_err(|e| format!("standard-webhooks secret is not base64: {e}"))
}

fn secrets_for(secrets: &[(String, String)], scheme: Scheme) -> Result<Vec<&str>, String> {
    let found: Vec<&str> = secrets
        .iter()
        .filter(|(s, _)| s == scheme.id())
        .map(|(_, v)| v.as_str())
        .collect();
    if found.is_empty() {
        Err(format!("no secret configured for {}", scheme.id()))
    } else {
        Ok(found)
    }
}

fn required<'a>(req: &Request<'a>, name: &str) -> Result<&'a str, String> {
    header(req.headers, name).ok_or_else(|| format!("missing header {name}"))
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Result<Vec<u8>, String> {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key)
        .map_err(|e| format!("HMAC-SHA256 key rejected: {e}"))?;
    for part in parts {
        mac.update(part);
    }
    Ok(mac.finalize().into_bytes().to_vec())
}

fn hmac_sha1(key: &[u8], parts: &[&[u8]]) -> Result<Vec<u8>, String> {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key)
        .map_err(|e| format!("HMAC-SHA1 key rejected: {e}"))?;
    for part in parts {
        mac.update(part);
    }
    Ok(mac.finalize().into_bytes().to_vec())
}

fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

fn parse_timestamp(name: &str, value: &str) -> Result<i64, String> {
    value
        .trim()
        .parse::<i64>()
        .map_err(|_| format!("malformed {name}: {value:?} is not Unix seconds"))
}

fn within_tolerance(ts: i64, now: i64) -> Result<(), String> {
    let age = now.saturating_sub(ts);
    if age.saturating_abs() > TOLERANCE_SECS {
        Err(stale(age))
    } else {
        Ok(())
    }
}

fn stale(age: i64) -> String {
    if age >= 0 {
        format!("stale timestamp: {age} s old, outside tolerance of {TOLERANCE_SECS} s")
    } else {
        format!(
            "timestamp {} s in the future, outside tolerance of {TOLERANCE_SECS} s",
            age.saturating_neg()
        )
    }
}

fn no_match(signatures: usize, secrets: usize) -> String {
    format!("no signature matched ({signatures} signature(s) tried against {secrets} secret(s))")
}

fn standard_webhooks(req: &Request, secrets: &[(String, String)], now: i64) -> Result<(), String> {
    let pick = |name: &str| {
        header(req.headers, &format!("webhook-{name}"))
            .or_else(|| header(req.headers, &format!("svix-{name}")))
            .ok_or_else(|| format!("missing header webhook-{name} (or svix-{name})"))
    };
    let id = pick("id")?;
    let timestamp = pick("timestamp")?;
    let signature = pick("signature")?;
    let ts = parse_timestamp("webhook-timestamp", timestamp)?;
    within_tolerance(ts, now)?;
    let signatures: Vec<&str> = signature
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .collect();
    if signatures.is_empty() {
        return Err("malformed webhook-signature: no v1,<base64> entry".to_string());
    }
    let configured = secrets_for(secrets, Scheme::StandardWebhooks)?;
    let ts_text = ts.to_string();
    for secret in &configured {
        let key = standard_webhooks_key(secret)?;
        let mac = hmac_sha256(
            &key,
            &[id.as_bytes(), b".", ts_text.as_bytes(), b".", req.body],
        )?;
        let expected = STANDARD.encode(mac);
        if signatures
            .iter()
            .any(|s| ct_eq(s.as_bytes(), expected.as_bytes()))
        {
            return Ok(());
        }
    }
    Err(no_match(signatures.len(), configured.len()))
}

fn stripe(req: &Request, secrets: &[(String, String)], now: i64) -> Result<(), String> {
    let value = required(req, "Stripe-Signature")?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for item in value.split(',') {
        match item.trim().split_once('=') {
            Some(("t", t)) => timestamp = Some(t),
            Some(("v1", v)) => signatures.push(v),
            _ => {}
        }
    }
    let Some(t) = timestamp else {
        return Err("malformed Stripe-Signature: no t=".to_string());
    };
    if signatures.is_empty() {
        return Err("malformed Stripe-Signature: no v1=".to_string());
    }
    let ts = parse_timestamp("Stripe-Signature t", t)?;
    let age = now.saturating_sub(ts);
    if age > TOLERANCE_SECS {
        return Err(stale(age));
    }
    let configured = secrets_for(secrets, Scheme::Stripe)?;
    for secret in &configured {
        let mac = hmac_sha256(secret.as_bytes(), &[t.as_bytes(), b".", req.body])?;
        let expected = hex::encode(mac);
        if signatures
            .iter()
            .any(|s| ct_eq(s.as_bytes(), expected.as_bytes()))
        {
            return Ok(());
        }
    }
    Err(no_match(signatures.len(), configured.len()))
}

fn github(req: &Request, secrets: &[(String, String)]) -> Result<(), String> {
    let value = required(req, "X-Hub-Signature-256")?;
    let Some(signature) = value.strip_prefix("sha256=") else {
        return Err("malformed X-Hub-Signature-256: no sha256= prefix".to_string());
    };
    let configured = secrets_for(secrets, Scheme::Github)?;
    for secret in &configured {
        let expected = hex::encode(hmac_sha256(secret.as_bytes(), &[req.body])?);
        if ct_eq(signature.as_bytes(), expected.as_bytes()) {
            return Ok(());
        }
    }
    Err(no_match(1, configured.len()))
}

fn shopify(req: &Request, secrets: &[(String, String)]) -> Result<(), String> {
    let signature = required(req, "X-Shopify-Hmac-Sha256")?;
    let configured = secrets_for(secrets, Scheme::Shopify)?;
    for secret in &configured {
        let expected = STANDARD.encode(hmac_sha256(secret.as_bytes(), &[req.body])?);
        if ct_eq(signature.as_bytes(), expected.as_bytes()) {
            return Ok(());
        }
    }
    Err(no_match(1, configured.len()))
}

fn slack(req: &Request, secrets: &[(String, String)], now: i64) -> Result<(), String> {
    let timestamp = required(req, "X-Slack-Request-Timestamp")?;
    let value = required(req, "X-Slack-Signature")?;
    let Some(signature) = value.strip_prefix("v0=") else {
        return Err("malformed X-Slack-Signature: no v0= prefix".to_string());
    };
    let ts = parse_timestamp("X-Slack-Request-Timestamp", timestamp)?;
    within_tolerance(ts, now)?;
    let configured = secrets_for(secrets, Scheme::Slack)?;
    for secret in &configured {
        let mac = hmac_sha256(
            secret.as_bytes(),
            &[b"v0:", timestamp.as_bytes(), b":", req.body],
        )?;
        let expected = hex::encode(mac);
        if ct_eq(signature.as_bytes(), expected.as_bytes()) {
            return Ok(());
        }
    }
    Err(no_match(1, configured.len()))
}

fn shared_secret(req: &Request, secrets: &[(String, String)]) -> Result<(), String> {
    let challenge = required(req, "X-Challenge")?;
    let configured = secrets_for(secrets, Scheme::SharedSecret)?;
    if configured
        .iter()
        .any(|s| ct_eq(challenge.as_bytes(), s.as_bytes()))
    {
        Ok(())
    } else {
        Err(format!(
            "X-Challenge matched none of {} secret(s)",
            configured.len()
        ))
    }
}

/// Checks an `Authorization: Basic …` value against `user:pass` secrets.
fn basic_matches(authorization: &str, configured: &[&str]) -> Result<(), String> {
    let Some((kind, credentials)) = authorization.trim().split_once(' ') else {
        return Err("malformed Authorization header".to_string());
    };
    if !kind.eq_ignore_ascii_case("basic") {
        return Err(format!("Authorization scheme is {kind:?}, not Basic"));
    }
    let decoded = LENIENT
        .decode(credentials.trim())
        .map_err(|_| "malformed Authorization: Basic credentials are not base64".to_string())?;
    if configured.iter().any(|s| ct_eq(&decoded, s.as_bytes())) {
        Ok(())
    } else {
        Err(format!(
            "Basic credentials matched none of {} secret(s)",
            configured.len()
        ))
    }
}

fn basic_auth(req: &Request, secrets: &[(String, String)]) -> Result<(), String> {
    let authorization = required(req, "Authorization")?;
    let configured = secrets_for(secrets, Scheme::BasicAuth)?;
    basic_matches(authorization, &configured)
}

fn usaepay(req: &Request, secrets: &[(String, String)]) -> Result<(), String> {
    let signature = required(req, "X-Signature")?;
    let configured = secrets_for(secrets, Scheme::Usaepay)?;
    let mut matched = false;
    for secret in &configured {
        let expected = hex::encode(hmac_sha256(secret.as_bytes(), &[req.body])?);
        if ct_eq(signature.as_bytes(), expected.as_bytes()) {
            matched = true;
        }
    }
    if !matched {
        return Err(no_match(1, configured.len()));
    }
    // Basic auth is optional at the provider: checked when the request
    // carries it and a basic-auth secret is configured.
    if let Some(authorization) = header(req.headers, "Authorization") {
        let basic = secrets_for(secrets, Scheme::BasicAuth).unwrap_or_default();
        if !basic.is_empty() {
            basic_matches(authorization, &basic)?;
        }
    }
    Ok(())
}

/// The URL Twilio signs, as this handler saw it:
/// `http://<Host><path>[?<query>]`.
pub fn twilio_url(req: &Request) -> Result<String, String> {
    let host = required(req, "Host")?;
    Ok(match req.query {
        Some(query) => format!("http://{host}{}?{query}", req.path),
        None => format!("http://{host}{}", req.path),
    })
}

/// Twilio: base64 HMAC-SHA1 over `url` followed by the form parameters
/// sorted by name (then value), each name immediately followed by its
/// value. Parameters are only taken from a form-encoded body.
pub fn twilio(url: &str, req: &Request, secrets: &[(String, String)]) -> Result<(), String> {
    let signature = required(req, "X-Twilio-Signature")?;
    let is_form = header(req.headers, "Content-Type").is_some_and(|ct| {
        ct.trim()
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    });
    let mut signed = url.to_string();
    if is_form {
        let mut params: Vec<(String, String)> = form_urlencoded::parse(req.body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        params.sort();
        for (name, value) in params {
            signed.push_str(&name);
            signed.push_str(&value);
        }
    }
    let configured = secrets_for(secrets, Scheme::Twilio)?;
    for secret in &configured {
        let expected = STANDARD.encode(hmac_sha1(secret.as_bytes(), &[signed.as_bytes()])?);
        if ct_eq(signature.as_bytes(), expected.as_bytes()) {
            return Ok(());
        }
    }
    Err(no_match(1, configured.len()))
}
