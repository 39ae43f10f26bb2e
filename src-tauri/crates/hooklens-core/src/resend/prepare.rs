//! From what the user wants sent to requests ready to go: which headers are
//! kept, which scheme and secret sign, and a fresh signature per attempt.

use std::sync::atomic::{AtomicU64, Ordering};

use reqwest::{Method, Url};

use super::client::{Outgoing, is_transport_header};
use super::{ResendError, target_url};
use crate::model::{Endpoint, ResendSpec, SignMode, Signing};
use crate::secret_headers;
use crate::signature::{self, Scheme, Secret, SignInput};
use crate::store::{EventDetail, Store, StoredHeader};
use crate::verdict;

/// A request as the user wants it sent, before signing.
#[derive(Debug, Clone)]
pub struct Draft {
    pub event_id: Option<i64>,
    pub method: Method,
    pub url: Url,
    /// In order, duplicates kept; values as bytes, so a captured header that
    /// is not UTF-8 goes out unchanged.
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
}

impl Draft {
    /// The editor's request.
    pub fn from_spec(spec: &ResendSpec) -> Result<Draft, ResendError> {
        use base64::Engine as _;
        let body = match (&spec.body_text, &spec.body_base64) {
            (_, Some(b64)) => base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|e| ResendError::Invalid(format!("the body is not valid base64: {e}")))?,
            (Some(text), None) => text.clone().into_bytes(),
            (None, None) => Vec::new(),
        };
        Ok(Draft {
            event_id: spec.event_id,
            method: method(&spec.method)?,
            url: target_url(&spec.url)?,
            headers: spec
                .headers
                .iter()
                .map(|h| (h.name.clone(), h.value.clone().into_bytes()))
                .collect(),
            body,
        })
    }

    /// A captured event as it arrived, addressed to `url`.
    pub fn from_event(detail: &EventDetail, url: &str) -> Result<Draft, ResendError> {
        Ok(Draft {
            event_id: Some(detail.summary.id),
            method: method(&detail.summary.method)?,
            url: target_url(url)?,
            headers: detail
                .headers
                .iter()
                .map(|h| (h.name.clone(), h.bytes().to_vec()))
                .collect(),
            body: detail.body.clone(),
        })
    }
}

impl Draft {
    /// The editor shows secret-bearing headers masked (`Basic ••••••••`);
    /// a masked value left as it was stands for the captured value. Each
    /// one is matched, in order, with a `captured` header of the same name
    /// whose mask it is, and gets its exact bytes. A mask that matches none
    /// (renamed, or no captured event) is refused: sending the bullets
    /// would never be what the user meant.
    pub fn restore_masked(&mut self, captured: &[StoredHeader]) -> Result<(), ResendError> {
        let mut used = vec![false; captured.len()];
        for (name, value) in &mut self.headers {
            if !secret_headers::is_mask(value) {
                continue;
            }
            let found = captured.iter().enumerate().find(|(i, h)| {
                !used[*i]
                    && h.name.eq_ignore_ascii_case(name.trim())
                    && secret_headers::masked_value(&h.name, h.bytes()).as_bytes()
                        == value.as_slice()
            });
            match found {
                Some((i, h)) => {
                    used[i] = true;
                    *value = h.bytes().to_vec();
                }
                None => {
                    return Err(ResendError::Invalid(format!(
                        "the header {:?} holds a masked value that stands for no captured {:?} \
                         header: reveal the value in the editor, or type the value to send",
                        name.trim(),
                        name.trim()
                    )));
                }
            }
        }
        Ok(())
    }
}

fn method(raw: &str) -> Result<Method, ResendError> {
    Method::from_bytes(raw.trim().to_ascii_uppercase().as_bytes())
        .map_err(|_| ResendError::Invalid(format!("{raw:?} is not an HTTP method")))
}

/// How each attempt is signed.
#[derive(Debug, Clone)]
pub(crate) struct Signer {
    pub scheme: Scheme,
    pub secret: Secret,
    pub mode: SignMode,
    /// One id for every attempt of a run: retries and duplicates of one
    /// message carry the same id, as providers send them.
    pub message_id: Option<String>,
}

/// A draft with its signing resolved.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub draft: Draft,
    pub signer: Option<Signer>,
    /// How it is signed, in words, recorded with each delivery.
    pub note: String,
}

impl Plan {
    /// Attempt at `now_s` (Unix seconds): a fresh timestamp and signature.
    pub fn outgoing(&self, now_s: i64) -> Result<Outgoing, ResendError> {
        let mut headers: Vec<(String, Vec<u8>)> = self
            .draft
            .headers
            .iter()
            .filter(|(name, _)| !is_transport_header(name))
            .cloned()
            .collect();
        if let Some(s) = &self.signer {
            let timestamp = match s.mode {
                SignMode::Stale => now_s - stale_by(&s.scheme),
                _ => now_s,
            };
            let input = SignInput {
                body: &self.draft.body,
                url: self.draft.url.as_str(),
                id: s.message_id.as_deref(),
                timestamp,
            };
            let signed = match s.mode {
                SignMode::Missign => signature::missign(&s.scheme, &s.secret, &input),
                _ => signature::sign(&s.scheme, &s.secret, &input),
            }
            .map_err(|e| ResendError::Signing(format!("cannot sign: {e}")))?;
            headers.extend(signed.into_iter().map(|(n, v)| (n, v.into_bytes())));
        }
        Ok(Outgoing {
            method: self.draft.method.clone(),
            url: self.draft.url.clone(),
            headers,
            body: self.draft.body.clone(),
        })
    }
}

/// How far past its tolerance a stale timestamp is: an hour, so clock skew
/// at the handler cannot make it pass.
fn stale_by(scheme: &Scheme) -> i64 {
    let max_age = signature::max_age_s(scheme).unwrap_or(0);
    i64::try_from(max_age).unwrap_or(i64::MAX / 2) + 3600
}

/// Resolves `signing` for `draft`, which came from `event` if any.
pub(crate) fn plan(
    store: &Store,
    draft: Draft,
    event: Option<&EventDetail>,
    provider: Option<&str>,
    signing: &Signing,
    message_id: Option<String>,
) -> Result<Plan, ResendError> {
    if signing.mode == SignMode::Keep {
        return Ok(Plan {
            draft,
            signer: None,
            note: "headers sent as given (not re-signed)".into(),
        });
    }
    let (endpoint, scheme, assumed) =
        signing_scheme(store, event, provider, signing.endpoint_id, &draft.headers)?;
    let endpoint = &endpoint;
    let secret = choose_secret(store, endpoint, signing.secret_label.as_deref())?;
    if signing.mode == SignMode::Stale && signature::max_age_s(&scheme).is_none() {
        return Err(ResendError::Signing(format!(
            "{} signs no timestamp that is checked for age, so a stale one cannot be tested",
            scheme.name()
        )));
    }
    let message_id =
        signature::signs_id(&scheme).then(|| message_id.unwrap_or_else(|| fresh_id("msg_")));
    let how = match signing.mode {
        SignMode::Resign => "re-signed",
        SignMode::Missign => "mis-signed on purpose",
        SignMode::Stale => "signed with a stale timestamp",
        SignMode::Keep => "not re-signed",
    };
    let mut note = format!(
        "{how} ({}) with the secret {:?} of endpoint {:?}",
        scheme.name(),
        secret.label,
        endpoint.name
    );
    if signing.mode == SignMode::Stale {
        note.push_str(&format!(", {} s old", stale_by(&scheme)));
    }
    if assumed {
        note.push_str("; the provider's construction is assumed");
    }
    // The original's signature, timestamp and id headers would contradict
    // (or duplicate) the new ones.
    let replaced = signature::signature_headers(&scheme);
    let mut draft = draft;
    draft
        .headers
        .retain(|(name, _)| !replaced.iter().any(|r| r.eq_ignore_ascii_case(name)));
    Ok(Plan {
        draft,
        signer: Some(Signer {
            scheme,
            secret,
            mode: signing.mode,
            message_id,
        }),
        note,
    })
}

/// The endpoint that signs a resend and its scheme (with whether the
/// construction is assumed): `endpoint_id` when given, with its own scheme or
/// preset's; else the event's endpoint, with the scheme its verdict used.
pub fn signing_scheme(
    store: &Store,
    event: Option<&EventDetail>,
    provider: Option<&str>,
    endpoint_id: Option<i64>,
    headers: &[(String, Vec<u8>)],
) -> Result<(Endpoint, Scheme, bool), ResendError> {
    let endpoints = store.endpoints();
    let chosen = endpoint_id;
    let endpoint_id = chosen
        .or_else(|| event.and_then(|e| e.summary.endpoint_id))
        .ok_or_else(|| {
            ResendError::Signing(
                "choose the endpoint whose secret signs this request, or keep the headers as they are"
                    .into(),
            )
        })?;
    let endpoint = endpoints
        .iter()
        .find(|e| e.id == endpoint_id)
        .ok_or_else(|| ResendError::Signing(format!("there is no endpoint {endpoint_id}")))?;
    // An endpoint chosen to sign signs as its own provider; otherwise the
    // event's (detected) provider decides, as it did for the verdict.
    let event_provider = event.and_then(|e| e.summary.provider.clone());
    let provider = match (provider, chosen) {
        (Some(p), _) => Some(p.to_owned()),
        (None, Some(_)) => endpoint.preset.clone().or(event_provider),
        (None, None) => event_provider.or_else(|| endpoint.preset.clone()),
    };
    let stored: Vec<StoredHeader> = match event {
        Some(e) => e.headers.clone(),
        None => headers
            .iter()
            .map(|(n, v)| StoredHeader::new(n, v))
            .collect(),
    };
    let (scheme, assumed) = verdict::scheme_for(Some(endpoint), provider.as_deref(), &stored)
        .ok_or_else(|| {
            ResendError::Signing(format!(
                "endpoint {:?} has no signature scheme to sign with; choose one in its settings, or keep the headers as they are",
                endpoint.name
            ))
        })?;
    Ok((endpoint.clone(), scheme, assumed))
}

/// How a resend of `event` (or a new request) would be signed by
/// `endpoint_id` (None: the event's endpoint).
pub fn signing_info(
    store: &Store,
    event: Option<&EventDetail>,
    endpoint_id: Option<i64>,
) -> crate::model::SigningInfo {
    let (mode, problem) = default_sign_mode(store, event, endpoint_id);
    let delivery = super::judge::delivery_preset(store, event, None, endpoint_id).delivery_info();
    let resolved = signing_scheme(store, event, None, endpoint_id, &[]).ok();
    let endpoint_id = endpoint_id.or_else(|| event.and_then(|e| e.summary.endpoint_id));
    let secret_labels = endpoint_id
        .and_then(|id| store.secrets().get(&id).cloned())
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.label)
        .collect();
    match resolved {
        Some((endpoint, scheme, assumed)) => crate::model::SigningInfo {
            endpoint_id: Some(endpoint.id),
            headers: signature::signature_headers(&scheme),
            signs_timestamp: signature::max_age_s(&scheme).is_some(),
            scheme: Some(scheme),
            assumed,
            secret_labels,
            default_mode: mode,
            problem,
            delivery,
        },
        None => crate::model::SigningInfo {
            endpoint_id,
            scheme: None,
            assumed: false,
            headers: Vec::new(),
            signs_timestamp: false,
            secret_labels,
            default_mode: mode,
            problem,
            delivery,
        },
    }
}

/// Re-sign when the signing endpoint has a scheme and a secret, else send
/// the headers as they are; the reason says why not, in words.
pub fn default_sign_mode(
    store: &Store,
    event: Option<&EventDetail>,
    endpoint_id: Option<i64>,
) -> (SignMode, Option<String>) {
    let headers: Vec<(String, Vec<u8>)> = Vec::new();
    match signing_scheme(store, event, None, endpoint_id, &headers)
        .and_then(|(endpoint, _, _)| choose_secret(store, &endpoint, None))
    {
        Ok(_) => (SignMode::Resign, None),
        Err(err) => (SignMode::Keep, Some(err.to_string())),
    }
}

/// The secret labelled `label`, else the endpoint's newest (during a
/// rotation providers sign with the new one).
fn choose_secret(
    store: &Store,
    endpoint: &Endpoint,
    label: Option<&str>,
) -> Result<Secret, ResendError> {
    let secrets = store.secrets();
    let list = secrets.get(&endpoint.id).map(Vec::as_slice).unwrap_or(&[]);
    match label {
        Some(label) => list.iter().find(|s| s.label == label).cloned().ok_or_else(|| {
            ResendError::Signing(format!(
                "endpoint {:?} has no secret labelled {label:?}",
                endpoint.name
            ))
        }),
        None => list.last().cloned().ok_or_else(|| {
            ResendError::Signing(format!(
                "endpoint {:?} has no secret to sign with; add one, or keep the headers as they are",
                endpoint.name
            ))
        }),
    }
}

/// A new random id such as `msg_2KWPBgLlAfxdpx2AI54pPJ85`: 24 base62 chars.
pub fn fresh_id(prefix: &str) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut bytes = [0u8; 24];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness: time and a counter still give distinct ids.
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let seed = crate::store::now_ns() as u64 ^ COUNTER.fetch_add(1, Ordering::Relaxed) << 48;
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (seed.rotate_left((i as u32) * 7) as u8).wrapping_add(i as u8);
        }
    }
    let mut id = String::with_capacity(prefix.len() + bytes.len());
    id.push_str(prefix);
    id.extend(
        bytes
            .iter()
            .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char),
    );
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(headers: &[(&str, &str)]) -> Draft {
        Draft {
            event_id: Some(1),
            method: Method::POST,
            url: Url::parse("http://localhost:3000/hook").unwrap(),
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.as_bytes().to_vec()))
                .collect(),
            body: Vec::new(),
        }
    }

    fn values(d: &Draft) -> Vec<String> {
        d.headers
            .iter()
            .map(|(n, v)| format!("{n}: {}", String::from_utf8_lossy(v)))
            .collect()
    }

    #[test]
    fn an_untouched_mask_sends_the_captured_value_and_an_edit_sends_the_edit() {
        let captured = [
            StoredHeader::new("Authorization", b"Basic dXNlcjpwYXNz"),
            StoredHeader::new("X-Challenge", b"first"),
            StoredHeader::new("X-Challenge", b"second"),
            StoredHeader::new("Authorization", b"Bearer tok"),
        ];
        let mut d = draft(&[
            ("authorization", "Basic ••••••••"),
            ("X-Challenge", "••••••••"),
            ("X-Challenge", "typed"),
            ("Authorization", "Bearer ••••••••"),
            ("X-Other", "Basic ••••• but typed"),
        ]);
        d.restore_masked(&captured).unwrap();
        assert_eq!(
            values(&d),
            [
                "authorization: Basic dXNlcjpwYXNz",
                "X-Challenge: first",
                "X-Challenge: typed",
                "Authorization: Bearer tok",
                "X-Other: Basic ••••• but typed",
            ]
        );
    }

    #[test]
    fn a_mask_that_stands_for_no_captured_header_is_refused() {
        let captured = [StoredHeader::new("Authorization", b"Basic dXNlcjpwYXNz")];
        // Renamed, or the scheme word changed: the bullets would be sent.
        for (name, value) in [
            ("X-Auth", "Basic ••••••••"),
            ("Authorization", "Bearer ••••••••"),
        ] {
            let err = draft(&[(name, value)])
                .restore_masked(&captured)
                .unwrap_err()
                .to_string();
            assert!(err.contains("masked value"), "{err}");
        }
        // Each captured header stands for one mask.
        let twice = draft(&[
            ("Authorization", "Basic ••••••••"),
            ("Authorization", "Basic ••••••••"),
        ]);
        assert!(twice.clone().restore_masked(&captured).is_err());
        assert!(
            draft(&[("Authorization", "Basic ••••••••")])
                .restore_masked(&[])
                .is_err()
        );
    }
}
