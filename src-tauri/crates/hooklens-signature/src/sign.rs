//! Signing: the inverse of verification, through the same construction,
//! signed-bytes builder and encoders.

use std::borrow::Cow;

use super::codec;
use super::construction::{Construction, Layout, Material, messages, signed_bytes};
use super::{Part, Scheme, Secret, SignError, SignInput};

/// The headers (name, value) that make `input` verify under `scheme` with
/// `secret`. Timestamped and id schemes include their id and timestamp
/// headers; Twilio signs the URL as given (with `bodySHA256` in it, the URL
/// alone; otherwise a non-empty body is signed as form parameters);
/// [`Scheme::Combined`] signs every member; Basic auth gives `Authorization`.
/// Templates with [`Part::Method`] sign `POST`.
pub fn sign(
    scheme: &Scheme,
    secret: &Secret,
    input: &SignInput,
) -> Result<Vec<(String, String)>, SignError> {
    sign_as(scheme, secret, input, false)
}

/// Headers shaped exactly like [`sign`]'s whose signature is wrong: the MAC
/// has a flipped bit, a shared secret or password a changed character. For
/// testing that a handler rejects what it should.
pub fn missign(
    scheme: &Scheme,
    secret: &Secret,
    input: &SignInput,
) -> Result<Vec<(String, String)>, SignError> {
    sign_as(scheme, secret, input, true)
}

/// A different value of the same length and alphabet class.
fn altered(value: &str) -> String {
    let mut chars: Vec<char> = value.chars().collect();
    if let Some(last) = chars.last_mut() {
        *last = match *last {
            'a' => 'b',
            'A' => 'B',
            '0' => '1',
            _ if last.is_ascii_digit() => '0',
            _ if last.is_ascii_uppercase() => 'A',
            _ => 'a',
        };
    }
    chars.into_iter().collect()
}

fn sign_as(
    scheme: &Scheme,
    secret: &Secret,
    input: &SignInput,
    tamper: bool,
) -> Result<Vec<(String, String)>, SignError> {
    match scheme {
        Scheme::SharedSecret { header } => {
            if secret.value.chars().any(char::is_control) {
                return Err(SignError::NotAHeaderValue {
                    label: secret.label.clone(),
                });
            }
            let value = if tamper {
                altered(&secret.value)
            } else {
                secret.value.clone()
            };
            Ok(vec![(header.clone(), value)])
        }
        Scheme::BasicAuth => {
            if !secret.value.contains(':') {
                return Err(SignError::NotUserPassword {
                    label: secret.label.clone(),
                });
            }
            let value = if tamper {
                altered(&secret.value)
            } else {
                secret.value.clone()
            };
            Ok(vec![(
                "Authorization".to_owned(),
                format!("Basic {}", codec::encode_base64(value.as_bytes())),
            )])
        }
        Scheme::Combined { schemes } => {
            let mut out: Vec<(String, String)> = Vec::new();
            for member in schemes {
                for (name, value) in sign_as(member, secret, input, tamper)? {
                    // A header two members share (say a timestamp) is sent once.
                    if !out.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
                        out.push((name, value));
                    }
                }
            }
            Ok(out)
        }
        _ => match Construction::of(scheme).first() {
            Some(c) => sign_construction(c, scheme, secret, input, tamper),
            None => Ok(Vec::new()),
        },
    }
}

fn sign_construction(
    c: &Construction,
    scheme: &Scheme,
    secret: &Secret,
    input: &SignInput,
    tamper: bool,
) -> Result<Vec<(String, String)>, SignError> {
    let key = codec::decode_secret(&secret.value, c.secret_encoding).ok_or_else(|| {
        SignError::SecretEncoding {
            label: secret.label.clone(),
            expected: codec::secret_encoding_words(c.secret_encoding),
        }
    })?;
    let needs_id = c.template.contains(&Part::Id);
    if needs_id && input.id.is_none() {
        return Err(SignError::MissingId {
            scheme: scheme.name(),
        });
    }
    let timestamp = input.timestamp.to_string();
    let material = Material {
        method: "POST",
        url: Cow::Borrowed(input.url),
        body: Cow::Borrowed(input.body),
        timestamp: Some(&timestamp),
        id: input.id,
        content_type: None,
    };
    // The first message verify accepts; for a Twilio URL whose bodySHA256
    // does not match the body there is none, and the URL is signed as given.
    let message = messages(c, &material)
        .into_iter()
        .next()
        .or_else(|| signed_bytes(&c.template, &material))
        .ok_or_else(|| SignError::MissingId {
            scheme: scheme.name(),
        })?;
    let mut mac = codec::hmac(c.algorithm, &key, &message);
    if tamper && let Some(first) = mac.first_mut() {
        *first ^= 0x01;
    }
    let signature = format!("{}{}", c.prefix(), codec::encode(c.encoding, &mac));

    let mut headers = Vec::new();
    if let (Some(name), Some(id)) = (&c.id_header, input.id) {
        headers.push((name.clone(), id.to_owned()));
    }
    match &c.layout {
        Layout::Stripe => headers.push((c.header.clone(), format!("t={timestamp},v1={signature}"))),
        Layout::List { separator, .. } => match &c.timestamp_header {
            // A Stripe-like header carries its own `t=` field.
            Some(ts) if ts.eq_ignore_ascii_case(&c.header) => {
                let sep = separator.as_deref().unwrap_or(",");
                headers.push((c.header.clone(), format!("t={timestamp}{sep}{signature}")));
            }
            Some(ts) => {
                headers.push((ts.clone(), timestamp.clone()));
                headers.push((c.header.clone(), signature));
            }
            None => headers.push((c.header.clone(), signature)),
        },
    }
    Ok(headers)
}

/// Every header a scheme signs with, in any of its forms (e.g. both the
/// `webhook-` and `svix-` names): what a re-signed request must not keep
/// from the original.
pub fn signature_headers(scheme: &Scheme) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        if !out.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            out.push(name.to_owned());
        }
    };
    match scheme {
        Scheme::SharedSecret { header } => add(header),
        Scheme::BasicAuth => add("Authorization"),
        Scheme::Combined { schemes } => {
            for member in schemes {
                for name in signature_headers(member) {
                    add(&name);
                }
            }
        }
        _ => {
            for c in Construction::of(scheme) {
                add(&c.header);
                for name in [&c.timestamp_header, &c.id_header].into_iter().flatten() {
                    add(name);
                }
            }
        }
    }
    out
}

/// How old a signed timestamp may be before the scheme calls it stale; None
/// when the scheme signs no timestamp (or does not check its age).
pub fn max_age_s(scheme: &Scheme) -> Option<u64> {
    match scheme {
        Scheme::Combined { schemes } => schemes.iter().filter_map(max_age_s).max(),
        _ => Construction::of(scheme)
            .first()
            .and_then(|c| match c.tolerance {
                super::construction::Tolerance::Both(s)
                | super::construction::Tolerance::Past(s) => Some(s),
                super::construction::Tolerance::None => None,
            }),
    }
}

/// The scheme signs a message id, which a resend must provide.
pub fn signs_id(scheme: &Scheme) -> bool {
    match scheme {
        Scheme::Combined { schemes } => schemes.iter().any(signs_id),
        _ => Construction::of(scheme)
            .first()
            .is_some_and(|c| c.template.contains(&Part::Id)),
    }
}
