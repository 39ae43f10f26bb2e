//! Forwarding: each captured request passed on to the endpoint's handler
//! after it is stored, the handler's reply recorded.

use super::client::{Attempted, Outgoing, is_transport_header};
use reqwest::Url;

use super::{ResendError, Sender};
use crate::model::{DeliveryKind, ForwardMode, ForwardTarget};
use crate::providers;
use crate::store::{NewRun, StoredHeader};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Marks a request Hooklens forwarded, so one that comes back to this
/// Hooklens is not forwarded again (a loop), and so the handler can tell.
/// The value is `EVENT_ID.MAC`: the MAC, keyed with the store's install key,
/// covers the event id and the body, so a sender cannot forge the mark to
/// skip forwarding, nor reuse a seen one on another body.
pub const FORWARDED_HEADER: &str = "x-hooklens-forwarded";

/// Hex digits of the MAC kept in the mark (128 bits).
const MARK_MAC_HEX: usize = 32;

fn mark_mac(install_key: &[u8], event_id: &str, body: &[u8]) -> Option<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(install_key).ok()?;
    mac.update(event_id.as_bytes());
    mac.update(b"\n");
    mac.update(body);
    let mut hex = hex::encode(mac.finalize().into_bytes());
    hex.truncate(MARK_MAC_HEX);
    Some(hex)
}

/// The mark's value for stored event `event_id` with this `body`.
fn forwarded_mark(install_key: &[u8], event_id: i64, body: &[u8]) -> String {
    let id = event_id.to_string();
    let mac = mark_mac(install_key, &id, body).unwrap_or_default();
    format!("{id}.{mac}")
}

/// A stored request to forward, as it was received.
#[derive(Clone, Copy)]
pub struct Stored<'a> {
    pub event_id: i64,
    /// The event's provider, whose delivery rule judges the handler's reply.
    pub provider: Option<&'a str>,
    pub method: &'a str,
    pub headers: &'a [StoredHeader],
    pub body: &'a [u8],
}

impl Sender {
    /// Sends stored event `event_id` (method, headers and body as received)
    /// to `url`, where `target` sends it (see [`super::forward_url`]), and
    /// records the reply as a delivery run of its own, judged by the
    /// delivery rule of `provider` (the event's: its endpoint's preset or
    /// the detected one; None: any 2xx within 30 s).
    pub async fn forward(
        &self,
        request: &Stored<'_>,
        target: &ForwardTarget,
        url: Url,
    ) -> Result<Attempted, ResendError> {
        let Stored {
            event_id,
            provider,
            method,
            headers,
            body,
        } = *request;
        let rule = self.rule(
            provider
                .and_then(providers::preset)
                .unwrap_or_else(providers::generic),
        );
        let mut out_headers: Vec<(String, Vec<u8>)> = headers
            .iter()
            .filter(|h| !is_transport_header(&h.name))
            .map(|h| (h.name.clone(), h.bytes().to_vec()))
            .collect();
        out_headers.push((
            FORWARDED_HEADER.to_owned(),
            forwarded_mark(self.store.install_key(), event_id, body).into_bytes(),
        ));
        let out = Outgoing {
            method: reqwest::Method::from_bytes(method.as_bytes())
                .map_err(|_| ResendError::Invalid(format!("{method:?} is not an HTTP method")))?,
            url,
            headers: out_headers,
            body: body.to_vec(),
        };
        let pattern = forward_pattern(target);
        let target = out.url.to_string();
        let rule_words = rule.info().words;
        let run_id = self
            .write(move |s| {
                s.start_run(&NewRun {
                    event_id: Some(event_id),
                    kind: DeliveryKind::Forward,
                    target: &target,
                    pattern: &pattern,
                    rule: Some(&rule_words),
                })
            })
            .await?;
        let attempted = self.client.send(&out, rule.deadline).await;
        let judged = rule.judge(&attempted);
        self.record(
            run_id,
            1,
            &out,
            "forwarded as received",
            &attempted,
            &judged,
        )
        .await?;
        let outcome = match (&attempted.response, &judged.failure) {
            (Some(r), None) => format!("answered {}", r.status),
            (Some(r), Some(why)) => format!("answered {}, not delivered: {why}", r.status),
            (None, Some(why)) => format!("failed: {why}"),
            (None, None) => "no answer".to_owned(),
        };
        self.write(move |s| s.finish_run(run_id, &outcome)).await?;
        Ok(attempted)
    }
}

/// The run's pattern in words: which target condition let it through, and
/// who answered the sender.
fn forward_pattern(target: &ForwardTarget) -> String {
    let who = match target.mode {
        ForwardMode::Respond => "sender answered at once",
        ForwardMode::Relay => "handler's reply relayed to the sender",
    };
    match target.condition.trim() {
        "" => format!("forward ({who})"),
        condition => format!("forward when {condition} ({who})"),
    }
}

/// Whether this Hooklens forwarded the request (its mark is genuine): such a
/// request is not forwarded again. A mark made elsewhere, forged or moved to
/// another body does not count.
pub fn was_forwarded(install_key: &[u8], headers: &[StoredHeader], body: &[u8]) -> bool {
    if install_key.is_empty() {
        return false;
    }
    crate::wire::headers_named(headers, FORWARDED_HEADER)
        .filter_map(StoredHeader::text)
        .filter_map(|value| value.trim().split_once('.'))
        .any(|(id, mac)| {
            mark_mac(install_key, id, body)
                .is_some_and(|expected| bool::from(expected.as_bytes().ct_eq(mac.as_bytes())))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(value: &str) -> Vec<StoredHeader> {
        vec![StoredHeader::new(FORWARDED_HEADER, value.as_bytes())]
    }

    #[test]
    fn only_a_genuine_mark_on_the_same_body_counts() {
        let key = b"0123456789abcdef0123456789abcdef";
        let mark = forwarded_mark(key, 42, b"{}");
        assert!(was_forwarded(key, &header(&mark), b"{}"));
        assert!(!was_forwarded(key, &header(&mark), b"{ }"), "another body");
        assert!(!was_forwarded(b"another install", &header(&mark), b"{}"));
        assert!(
            !was_forwarded(key, &header("42"), b"{}"),
            "the old fixed mark"
        );
        assert!(!was_forwarded(key, &header("1"), b"{}"));
        let forged = format!("43.{}", mark.split_once('.').unwrap().1);
        assert!(!was_forwarded(key, &header(&forged), b"{}"), "another id");
        assert!(
            !was_forwarded(b"", &header(&mark), b"{}"),
            "no key, no skip"
        );
    }
}
