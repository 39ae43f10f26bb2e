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
    match scheme {
        Scheme::SharedSecret { header } => {
            if secret.value.chars().any(char::is_control) {
                return Err(SignError::NotAHeaderValue {
                    label: secret.label.clone(),
                });
            }
            Ok(vec![(header.clone(), secret.value.clone())])
        }
        Scheme::BasicAuth => {
            if !secret.value.contains(':') {
                return Err(SignError::NotUserPassword {
                    label: secret.label.clone(),
                });
            }
            Ok(vec![(
                "Authorization".to_owned(),
                format!("Basic {}", codec::encode_base64(secret.value.as_bytes())),
            )])
        }
        Scheme::Combined { schemes } => {
            let mut out: Vec<(String, String)> = Vec::new();
            for member in schemes {
                for (name, value) in sign(member, secret, input)? {
                    // A header two members share (say a timestamp) is sent once.
                    if !out.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
                        out.push((name, value));
                    }
                }
            }
            Ok(out)
        }
        _ => match Construction::of(scheme).first() {
            Some(c) => sign_construction(c, scheme, secret, input),
            None => Ok(Vec::new()),
        },
    }
}

fn sign_construction(
    c: &Construction,
    scheme: &Scheme,
    secret: &Secret,
    input: &SignInput,
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
    let mac = codec::hmac(c.algorithm, &key, &message);
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
