//! Which provider sent a request that landed on the default endpoint.
//!
//! Rules run from the most specific to the least; the first match wins.
//! Headers that only one provider sends are checked before the body is
//! looked at, and the body is parsed at most once.

use super::{Body, Preset, has_header, ids, preset};
use crate::json::Kind;
use crate::wire::StoredHeader;

/// Bodies larger than this are not parsed for detection: a provider's event
/// envelope is small, and detection runs on every captured request.
const MAX_DETECT_BODY: usize = 5 * 1024 * 1024;

/// Kulmi Pay's event flags, sent as the body's `topic`.
const KULMIPAY_TOPICS: [&str; 5] = [
    "collection_event",
    "send_money_event",
    "reversal_event",
    "wallet_transfer_event",
    "subscription_event",
];

/// The preset of the provider that sent this request, or None when nothing
/// identifies one (the caller then uses [`super::generic`]).
pub fn detect(headers: &[StoredHeader], body: &[u8]) -> Option<&'static Preset> {
    detect_in(headers, &Body::new(body))
}

pub(super) fn detect_in(headers: &[StoredHeader], body: &Body) -> Option<&'static Preset> {
    detect_id(headers, body).and_then(preset)
}

fn detect_id(headers: &[StoredHeader], body: &Body) -> Option<&'static str> {
    let has = |name: &str| has_header(headers, name);

    // Provider-specific signature or event headers: decisive on their own.
    if has("stripe-signature") {
        return Some(ids::STRIPE);
    }
    if has("x-github-event") {
        return Some(ids::GITHUB);
    }
    if has("x-shopify-topic") || has("x-shopify-hmac-sha256") {
        return Some(ids::SHOPIFY);
    }
    if has("x-slack-signature") {
        return Some(ids::SLACK);
    }
    if has("x-challenge") {
        return Some(ids::KULMIPAY);
    }

    if let Some(id) = json_for_detection(body).and_then(|json| detect_by_body(headers, json)) {
        return Some(id);
    }

    // Last: any Standard Webhooks sender whose body told us nothing more.
    if (has("webhook-id") && has("webhook-signature")) || (has("svix-id") && has("svix-signature"))
    {
        return Some(ids::STANDARD_WEBHOOKS);
    }
    None
}

/// Providers recognised by the shape of their JSON envelope.
fn detect_by_body(headers: &[StoredHeader], json: &Body<'_>) -> Option<&'static str> {
    let str_at = |pointer: &str| json.str_at(pointer);

    if str_at("/topic").is_some_and(|topic| KULMIPAY_TOPICS.contains(&topic.as_str())) {
        return Some(ids::KULMIPAY);
    }
    if json.kind_at("/event_type") == Some(Kind::String)
        && json.kind_at("/event_body") == Some(Kind::Object)
    {
        return Some(ids::USAEPAY);
    }
    if str_at("/id").is_some_and(|id| id.starts_with("kevt_")) {
        // In-Person Payments events share Kustom's destination and id space.
        if str_at("/type").is_some_and(|t| t.starts_with("ipp.")) {
            return Some(ids::KUSTOM_IPP);
        }
        return Some(ids::KUSTOM);
    }
    // The checkout provider delivers Standard-Webhooks style; its checkoutId
    // is what sets it apart from any other Standard Webhooks sender.
    if (has_header(headers, "webhook-id") || has_header(headers, "webhook-signature"))
        && json
            .kind_at("/metadata/checkoutId")
            .is_some_and(|k| k != Kind::Null)
    {
        return Some(ids::CHECKOUT);
    }
    None
}

/// The body as JSON if it is worth parsing for detection: not too large and
/// looking like a JSON object (every envelope detected here is one).
fn json_for_detection<'b, 'a>(body: &'b Body<'a>) -> Option<&'b Body<'a>> {
    if body.bytes().len() > MAX_DETECT_BODY {
        return None;
    }
    let first = body.bytes().iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' {
        return None;
    }
    body.root().map(|_| body)
}
