//! Verification: the fast path, without diagnosis.

use std::borrow::Cow;

use super::codec;
use super::construction::{
    Construction, ReadError, Reading, Tolerance, key_matches, messages, read, select, truncate,
};
use super::{
    DEFAULT_TOLERANCE_S, Scheme, Secret, SignedRequest, Verdict, VerdictStatus, header, header_text,
};
use crate::wire::StoredHeader;

use super::construction::Material;

/// Verifies `req` under `scheme` with the endpoint's `secrets`, in order.
pub fn verify(req: &SignedRequest, scheme: &Scheme, secrets: &[Secret], now_s: i64) -> Verdict {
    decide(req, scheme, secrets, now_s).0
}

/// The verdict and the scheme that decided it: for [`Scheme::Combined`], the
/// member whose check decided, so diagnosis can look at that member.
pub(crate) fn decide<'s>(
    req: &SignedRequest,
    scheme: &'s Scheme,
    secrets: &[Secret],
    now_s: i64,
) -> (Verdict, &'s Scheme) {
    match scheme {
        Scheme::SharedSecret { header } => (verify_shared(req, header, secrets), scheme),
        Scheme::BasicAuth => (verify_basic(req, secrets), scheme),
        Scheme::Combined { schemes } => verify_combined(req, scheme, schemes, secrets, now_s),
        _ => {
            let constructions = Construction::of(scheme);
            let verdict = match select(&constructions, req.headers) {
                Some(c) => verify_construction(c, req, secrets, now_s),
                None => Verdict::new(VerdictStatus::Unsigned, scheme.id()),
            };
            (verdict, scheme)
        }
    }
}

/// The material the signed bytes are built from, as received.
pub(crate) fn material<'a>(req: &SignedRequest<'a>, reading: &'a Reading) -> Material<'a> {
    Material {
        method: req.method,
        url: Cow::Borrowed(req.url),
        body: Cow::Borrowed(req.body),
        timestamp: reading.timestamp.as_ref().map(|t| t.text.as_str()),
        id: reading.id.as_deref(),
        content_type: header_text(req.headers, "content-type"),
    }
}

pub(crate) fn verify_construction(
    c: &Construction,
    req: &SignedRequest,
    secrets: &[Secret],
    now_s: i64,
) -> Verdict {
    let reading = match read(c, req.headers) {
        Ok(reading) => reading,
        Err(ReadError::Unsigned) => return Verdict::new(VerdictStatus::Unsigned, c.scheme_id),
        Err(ReadError::Malformed(reason)) => {
            return Verdict::new(VerdictStatus::Malformed, c.scheme_id).with_reason(reason);
        }
    };
    let age_s = reading
        .timestamp
        .as_ref()
        .map(|t| now_s.saturating_sub(t.value));
    let verdict = |status| Verdict {
        age_s,
        ..Verdict::new(status, c.scheme_id)
    };

    let decoded = reading.decoded(c.encoding);
    if decoded.is_empty() {
        let sample = reading.entries.first().map_or("", |e| e.text.as_str());
        return verdict(VerdictStatus::Malformed).with_reason(format!(
            "{} does not hold a {} signature: {:?}",
            c.header,
            codec::encoding_words(c.encoding),
            truncate(sample, 40)
        ));
    }
    if secrets.is_empty() {
        return verdict(VerdictStatus::NoSecret)
            .with_reason("the request is signed, but no secret is configured to check it");
    }

    // Entries without the expected prefix never verify; diagnosis looks at them.
    let signatures: Vec<Vec<u8>> = decoded
        .into_iter()
        .filter_map(|(bytes, prefixed)| prefixed.then_some(bytes))
        .collect();
    let material = material(req, &reading);
    let messages = messages(c, &material);
    let mut matched = None;
    let mut unreadable = Vec::new();
    for secret in secrets {
        match codec::decode_secret(&secret.value, c.secret_encoding) {
            Some(key) => {
                if key_matches(c, &key, &messages, &signatures) {
                    matched = Some(secret.label.clone());
                    break;
                }
            }
            None => unreadable.push(format!("\"{}\"", secret.label)),
        }
    }

    if let Some(stale) = age_s.and_then(|age| stale_reason(c.tolerance, age)) {
        let outcome = match &matched {
            Some(label) => format!("the signature matches the secret \"{label}\""),
            None => "the signature does not match any configured secret".to_owned(),
        };
        return Verdict {
            secret: matched,
            ..verdict(VerdictStatus::Stale)
        }
        .with_reason(format!("{stale}; {outcome}"));
    }
    if let Some(label) = matched {
        return Verdict {
            secret: Some(label),
            ..verdict(VerdictStatus::Valid)
        };
    }

    let reason = if c.twilio && messages.is_empty() {
        "the body does not match the bodySHA256 in the URL: the body changed after it was signed"
            .to_owned()
    } else if unreadable.len() == secrets.len() {
        format!(
            "no configured secret is {}: {}",
            codec::secret_encoding_words(c.secret_encoding),
            unreadable.join(", ")
        )
    } else if signatures.is_empty() {
        format!(
            "the signature lacks the prefix \"{}\" this scheme expects",
            c.prefix()
        )
    } else {
        "no configured secret produces this signature".to_owned()
    };
    verdict(VerdictStatus::Invalid).with_reason(reason)
}

/// Why a timestamp `age_s` seconds old is outside the tolerance, if it is.
fn stale_reason(tolerance: Tolerance, age_s: i64) -> Option<String> {
    let (limit, both_ways) = match tolerance {
        Tolerance::None => return None,
        Tolerance::Both(limit) => (limit, true),
        Tolerance::Past(limit) => (limit, false),
    };
    let distance = age_s.unsigned_abs();
    if distance <= limit || (!both_ways && age_s < 0) {
        return None;
    }
    Some(if age_s >= 0 {
        format!(
            "signed {} ago; tolerance is {}",
            duration_words(distance),
            duration_words(limit)
        )
    } else {
        format!(
            "signed {} in the future; tolerance is ± {}",
            duration_words(distance),
            duration_words(limit)
        )
    })
}

/// "45 s", "10 min", "3 h", "2 days": how a support engineer reads an age.
pub(crate) fn duration_words(seconds: u64) -> String {
    match seconds {
        s if s < 120 => format!("{s} s"),
        s if s < 2 * 3600 => format!("{} min", s / 60),
        s if s < 2 * 86_400 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

fn verify_shared(req: &SignedRequest, name: &str, secrets: &[Secret]) -> Verdict {
    const ID: &str = "shared-secret";
    let Some(h) = header(req.headers, name) else {
        return Verdict::new(VerdictStatus::Unsigned, ID);
    };
    if secrets.is_empty() {
        return Verdict::new(VerdictStatus::NoSecret, ID).with_reason(format!(
            "{name} is there, but no secret is configured to check it"
        ));
    }
    match secrets
        .iter()
        .find(|s| codec::ct_eq(h.bytes(), s.value.as_bytes()))
    {
        Some(s) => Verdict {
            secret: Some(s.label.clone()),
            ..Verdict::new(VerdictStatus::Valid, ID)
        },
        None => Verdict::new(VerdictStatus::Invalid, ID)
            .with_reason(format!("{name} does not equal any configured secret")),
    }
}

/// The decoded `user:pass` of an `Authorization: Basic` header; None when
/// the header is absent.
pub(crate) fn basic_credentials(headers: &[StoredHeader]) -> Option<Result<Vec<u8>, String>> {
    let h = header(headers, "authorization")?;
    let Ok(value) = std::str::from_utf8(h.bytes()) else {
        return Some(Err("Authorization is not text".into()));
    };
    let value = value.trim();
    let (kind, credentials) = value.split_once(' ').unwrap_or((value, ""));
    if !kind.eq_ignore_ascii_case("basic") {
        // Only a well-known scheme word is named: a bare token's first
        // characters are the secret itself.
        return Some(Err(
            match crate::wire::auth_scheme(value.as_bytes()) {
                Some(word) => format!("Authorization uses {word:?}, not Basic"),
                None => "Authorization does not start with Basic (its value is not shown: it may be a secret)".to_owned(),
            },
        ));
    }
    Some(
        codec::decode_base64_any(credentials.trim())
            .ok_or_else(|| "the Basic credentials are not base64".to_owned()),
    )
}

fn verify_basic(req: &SignedRequest, secrets: &[Secret]) -> Verdict {
    const ID: &str = "basic-auth";
    let credentials = match basic_credentials(req.headers) {
        None => return Verdict::new(VerdictStatus::Unsigned, ID),
        Some(Err(reason)) => return Verdict::new(VerdictStatus::Malformed, ID).with_reason(reason),
        Some(Ok(credentials)) => credentials,
    };
    if secrets.is_empty() {
        return Verdict::new(VerdictStatus::NoSecret, ID)
            .with_reason("Basic credentials are there, but no secret is configured to check them");
    }
    match secrets
        .iter()
        .find(|s| codec::ct_eq(&credentials, s.value.as_bytes()))
    {
        Some(s) => Verdict {
            secret: Some(s.label.clone()),
            ..Verdict::new(VerdictStatus::Valid, ID)
        },
        None => Verdict::new(VerdictStatus::Invalid, ID)
            .with_reason("the Basic credentials do not equal any configured user:password"),
    }
}

/// Every member whose header is present must be valid. The worst member
/// verdict decides (invalid, malformed, stale, then no secret), the first in
/// order among equals.
fn verify_combined<'s>(
    req: &SignedRequest,
    scheme: &'s Scheme,
    members: &'s [Scheme],
    secrets: &[Secret],
    now_s: i64,
) -> (Verdict, &'s Scheme) {
    fn rank(status: VerdictStatus) -> u8 {
        match status {
            VerdictStatus::Invalid => 0,
            VerdictStatus::Malformed => 1,
            VerdictStatus::Stale => 2,
            VerdictStatus::NoSecret => 3,
            VerdictStatus::Valid => 4,
            VerdictStatus::Unsigned => 5,
        }
    }
    let checked: Vec<(Verdict, &Scheme)> = members
        .iter()
        .map(|m| decide(req, m, secrets, now_s))
        .filter(|(v, _)| v.status != VerdictStatus::Unsigned)
        .collect();
    let Some(worst) = checked.iter().min_by_key(|(v, _)| rank(v.status)) else {
        return (Verdict::new(VerdictStatus::Unsigned, scheme.id()), scheme);
    };
    if worst.0.status != VerdictStatus::Valid || checked.len() == 1 {
        return worst.clone();
    }
    // Several members, all valid: the combination decided.
    let verdict = Verdict {
        secret: checked.iter().find_map(|(v, _)| v.secret.clone()),
        age_s: checked.iter().find_map(|(v, _)| v.age_s),
        ..Verdict::new(VerdictStatus::Valid, scheme.id())
    };
    (verdict, scheme)
}

/// The named schemes, in the order detection and diagnosis try them.
pub(crate) fn named_schemes() -> [Scheme; 6] {
    [
        Scheme::StandardWebhooks {
            tolerance_s: DEFAULT_TOLERANCE_S,
        },
        Scheme::Stripe {
            tolerance_s: DEFAULT_TOLERANCE_S,
        },
        Scheme::Github,
        Scheme::Shopify,
        Scheme::Slack {
            tolerance_s: DEFAULT_TOLERANCE_S,
        },
        Scheme::Twilio,
    ]
}

/// Which scheme a request's headers suggest, for endpoints with no scheme
/// configured. None when nothing looks signed.
pub fn detect_scheme(headers: &[StoredHeader]) -> Option<Scheme> {
    signature_headers()
        .iter()
        .find(|(_, names)| names.iter().any(|name| header(headers, name).is_some()))
        .map(|(scheme, _)| scheme.clone())
}

/// Each named scheme with the headers its constructions sign into, read
/// from the constructions once: detection runs for nearly every request
/// (verdict, masked header text, response rules), and building the
/// constructions each time was ~5 % of the listener's CPU per request.
fn signature_headers() -> &'static [(Scheme, Vec<String>)] {
    static HEADERS: std::sync::OnceLock<Vec<(Scheme, Vec<String>)>> = std::sync::OnceLock::new();
    HEADERS.get_or_init(|| {
        named_schemes()
            .into_iter()
            .map(|scheme| {
                let names = Construction::of(&scheme)
                    .into_iter()
                    .map(|c| c.header)
                    .collect();
                (scheme, names)
            })
            .collect()
    })
}
