//! Provider presets: how to read a captured request's event type, provider
//! event id, merchant/account id and extra reference ids, and how to tell
//! which provider sent a request that landed on the default endpoint.
//!
//! Headers and bodies come straight off the wire, so nothing here may panic on
//! any input, and every extracted value is capped in length.

pub mod delivery;
mod detect;
#[cfg(test)]
mod tests;

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::signature::{HmacSpec, Scheme};
use crate::wire::StoredHeader;

use delivery::{DeliveryRule, Success, assumed, stated};
pub use detect::detect;
pub mod samples;
pub mod schedules;

/// Longest extracted value, in chars. Extracted values are indexed and shown
/// in the timeline; without a cap a hostile body could bloat the index.
pub const MAX_VALUE_CHARS: usize = 512;

/// Stable preset ids, as stored in the database and accepted by the CLI.
pub mod ids {
    pub const KUSTOM: &str = "kustom";
    pub const KUSTOM_IPP: &str = "kustom-ipp";
    pub const CHECKOUT: &str = "checkout";
    pub const USAEPAY: &str = "usaepay";
    pub const KULMIPAY: &str = "kulmipay";
    pub const STRIPE: &str = "stripe";
    pub const GITHUB: &str = "github";
    pub const SHOPIFY: &str = "shopify";
    pub const SLACK: &str = "slack";
    pub const STANDARD_WEBHOOKS: &str = "standard-webhooks";
    pub const GENERIC: &str = "generic";
}

/// How one value is found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Source {
    /// An RFC 6901 pointer into the body parsed as JSON.
    JsonPointer { pointer: String },
    /// A request header, matched case-insensitively.
    Header { name: String },
}

impl Source {
    pub fn pointer(pointer: impl Into<String>) -> Self {
        Source::JsonPointer {
            pointer: pointer.into(),
        }
    }

    pub fn header(name: impl Into<String>) -> Self {
        Source::Header { name: name.into() }
    }
}

/// Where a provider puts the values Hooklens indexes. For each field the
/// first source that yields a non-empty value wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractionRules {
    pub event_type: Vec<Source>,
    pub event_id: Vec<Source>,
    pub merchant_id: Vec<Source>,
    /// Labelled extra ids, e.g. `("session_id", /data/session_id)`.
    pub refs: Vec<(String, Source)>,
}

#[derive(Debug)]
pub struct Preset {
    /// Stable id used in the database and the CLI (see [`ids`]).
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    pub rules: ExtractionRules,
    /// How the provider signs its requests; None when it does not.
    pub scheme: Option<Scheme>,
    /// The provider does not publish its signing construction and `scheme`
    /// is an educated guess. Every verdict under it says so, and the user can
    /// change any part of it or discover the real one from a request.
    pub assumed: bool,
    /// What the provider counts as delivered, and how long it waits for the
    /// answer (see [`delivery`]).
    pub delivery: DeliveryRule,
}

/// What the rules found in one request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extracted {
    pub event_type: Option<String>,
    pub event_id: Option<String>,
    pub merchant_id: Option<String>,
    pub refs: Vec<(String, String)>,
}

/// Shorthands for the preset table.
fn ptr(pointer: &str) -> Source {
    Source::pointer(pointer)
}

fn hdr(name: &str) -> Source {
    Source::header(name)
}

fn refs<const N: usize>(pairs: [(&str, Source); N]) -> Vec<(String, Source)> {
    pairs
        .into_iter()
        .map(|(label, source)| (label.to_owned(), source))
        .collect()
}

fn preset_entry(
    id: &'static str,
    name: &'static str,
    rules: ExtractionRules,
    delivery: DeliveryRule,
) -> Preset {
    Preset {
        id,
        name,
        scheme: Scheme::by_id(match id {
            ids::STRIPE => "stripe",
            ids::GITHUB => "github",
            ids::SHOPIFY => "shopify",
            ids::SLACK => "slack",
            ids::STANDARD_WEBHOOKS => "standard-webhooks",
            _ => "",
        }),
        rules,
        assumed: false,
        delivery,
    }
}

/// A preset whose provider does not publish how it signs: `scheme` is the
/// construction its documentation points to, marked assumed.
fn assumed_entry(
    id: &'static str,
    name: &'static str,
    rules: ExtractionRules,
    scheme: Scheme,
    delivery: DeliveryRule,
) -> Preset {
    Preset {
        scheme: Some(scheme),
        assumed: true,
        ..preset_entry(id, name, rules, delivery)
    }
}

/// Kustom does not say how long it waits; its signing is assumed to be
/// Standard Webhooks, whose common sender (Svix) waits 15 s.
const KUSTOM_DEADLINE: delivery::Basis = assumed(
    "the docs give no time limit; assumed 15 s, as Svix-style senders wait (Kustom's signing is assumed to be Standard Webhooks)",
);

/// Kustom signs with a per-destination secret, rotated with old and new both
/// signing; the construction is not published. Standard Webhooks is the
/// common form of exactly that contract.
fn kustom_scheme() -> Scheme {
    Scheme::StandardWebhooks {
        tolerance_s: crate::signature::DEFAULT_TOLERANCE_S,
    }
}

/// Display order: the payment providers Hooklens was specified for, then the
/// common public schemes, then the fallback. `generic` must stay last (see
/// [`generic`]).
static PRESETS: LazyLock<[Preset; 11]> = LazyLock::new(|| {
    [
        assumed_entry(
            ids::KUSTOM,
            "Kustom",
            ExtractionRules {
                event_type: vec![ptr("/type")],
                event_id: vec![ptr("/id")],
                merchant_id: vec![ptr("/merchant_id")],
                // In-Person Payments events arrive at the same destination.
                refs: refs([
                    ("session_id", ptr("/data/session_id")),
                    ("order_id", ptr("/data/order_id")),
                ]),
            },
            kustom_scheme(),
            DeliveryRule::new(
                Success::Any2xx,
                stated(
                    "\"If your endpoint does not respond with a successful status code, Kustom retries\" (successful: the 2xx class)",
                ),
                15,
                KUSTOM_DEADLINE,
            ),
        ),
        assumed_entry(
            ids::KUSTOM_IPP,
            "Kustom In-Person Payments",
            ExtractionRules {
                event_type: vec![ptr("/type")],
                event_id: vec![ptr("/id")],
                merchant_id: vec![ptr("/merchant_id")],
                refs: refs([
                    ("session_id", ptr("/data/session_id")),
                    ("order_id", ptr("/data/order_id")),
                    ("failure_reason", ptr("/data/failure_reason")),
                ]),
            },
            kustom_scheme(),
            DeliveryRule::new(
                Success::Only200,
                stated("\"must respond 200 to acknowledge each event\""),
                15,
                KUSTOM_DEADLINE,
            ),
        ),
        assumed_entry(
            ids::CHECKOUT,
            "Checkout",
            ExtractionRules {
                event_type: vec![ptr("/type")],
                // Delivered Standard-Webhooks style: the message id is the
                // stable id across retries.
                event_id: vec![hdr("webhook-id"), ptr("/id")],
                merchant_id: vec![],
                refs: refs([("checkout_id", ptr("/metadata/checkoutId"))]),
            },
            // Its retry schedule is Svix's; Svix signs Standard Webhooks.
            kustom_scheme(),
            DeliveryRule::new(
                Success::Any2xx,
                stated(
                    "\"respond with a 2xx status code\"; otherwise \"we will continue sending events\"",
                ),
                15,
                stated("\"It is recommended to send the response within 15 seconds\""),
            ),
        ),
        assumed_entry(
            ids::USAEPAY,
            "USAePay",
            ExtractionRules {
                event_type: vec![ptr("/event_type")],
                event_id: vec![ptr("/event_id")],
                merchant_id: vec![ptr("/event_body/merchant/merch_key")],
                refs: refs([("object_key", ptr("/event_body/object/key"))]),
            },
            // Optional Basic auth and an optional `X-Signature` keyed with the
            // merchant's signature key; the digest is not published.
            Scheme::Combined {
                schemes: vec![Scheme::BasicAuth, Scheme::Hmac(HmacSpec::default())],
            },
            DeliveryRule::new(
                Success::Any2xx,
                assumed("the webhook docs say nothing about the answer; assumed any 2xx"),
                30,
                assumed("the webhook docs give no time limit; assumed Hooklens's 30 s"),
            ),
        ),
        Preset {
            // Published: the X-Challenge header carries the shared secret itself.
            scheme: Some(Scheme::SharedSecret {
                header: "X-Challenge".into(),
            }),
            ..preset_entry(
                ids::KULMIPAY,
                "Kulmi Pay",
                ExtractionRules {
                    event_type: vec![ptr("/topic")],
                    // The documented payload is a `topic` and the changed
                    // resource in `data`: no event id. `data.id` names the
                    // invoice (file, chargeback…), so an invoice's pending and
                    // complete updates would number as redeliveries of each
                    // other; id + state is not unique either (a subscription's
                    // billing cycles repeat a status). Nothing is numbered.
                    event_id: vec![],
                    merchant_id: vec![],
                    refs: refs([("resource_id", ptr("/data/id"))]),
                },
                DeliveryRule::new(
                    Success::Only200,
                    stated("\"Kulmi Pay considers any non-200 response a delivery failure\""),
                    10,
                    assumed(
                        "the docs ask for a 200 \"as quickly as possible\" and give no figure; assumed 10 s",
                    ),
                ),
            )
        },
        preset_entry(
            ids::STRIPE,
            "Stripe",
            ExtractionRules {
                event_type: vec![ptr("/type")],
                event_id: vec![ptr("/id")],
                // Set only on Connect events.
                merchant_id: vec![ptr("/account")],
                refs: vec![],
            },
            DeliveryRule::new(
                Success::Any2xx,
                assumed("generally known: Stripe expects a status in the 200–299 range"),
                30,
                assumed(
                    "Stripe asks for a quick 2xx and publishes no figure; assumed Hooklens's 30 s",
                ),
            ),
        ),
        preset_entry(
            ids::GITHUB,
            "GitHub",
            ExtractionRules {
                event_type: vec![hdr("x-github-event")],
                event_id: vec![hdr("x-github-delivery")],
                merchant_id: vec![ptr("/repository/full_name"), ptr("/organization/login")],
                refs: refs([("hook_id", hdr("x-github-hook-id"))]),
            },
            DeliveryRule::new(
                Success::Any2xx,
                assumed("generally known: GitHub wants \"a 2XX response\""),
                10,
                assumed("generally known: GitHub wants the answer \"within 10 seconds\""),
            ),
        ),
        preset_entry(
            ids::SHOPIFY,
            "Shopify",
            ExtractionRules {
                event_type: vec![hdr("x-shopify-topic")],
                event_id: vec![hdr("x-shopify-event-id"), hdr("x-shopify-webhook-id")],
                merchant_id: vec![hdr("x-shopify-shop-domain")],
                refs: vec![],
            },
            DeliveryRule::new(
                Success::Any2xx,
                assumed("generally known: Shopify counts a 200-series response as received"),
                5,
                assumed("generally known: Shopify waits 5 seconds for the answer"),
            ),
        ),
        preset_entry(
            ids::SLACK,
            "Slack",
            ExtractionRules {
                // Events API callbacks carry the interesting type inside
                // `event`; url_verification has only the outer one.
                event_type: vec![ptr("/event/type"), ptr("/type")],
                event_id: vec![ptr("/event_id")],
                merchant_id: vec![ptr("/team_id")],
                refs: vec![],
            },
            DeliveryRule::new(
                Success::Any2xx,
                assumed("generally known: Slack wants \"an HTTP 2xx\""),
                3,
                assumed("generally known: Slack wants the answer \"within three seconds\""),
            ),
        ),
        preset_entry(
            ids::STANDARD_WEBHOOKS,
            "Standard Webhooks / Svix",
            ExtractionRules {
                event_type: vec![ptr("/type")],
                event_id: vec![hdr("webhook-id"), hdr("svix-id")],
                merchant_id: vec![],
                refs: vec![],
            },
            DeliveryRule::new(
                Success::Any2xx,
                assumed("generally known: Svix counts a 2xx (200–299) as delivered"),
                15,
                assumed("generally known: Svix waits 15 s for the answer"),
            ),
        ),
        preset_entry(
            ids::GENERIC,
            "Generic",
            ExtractionRules {
                event_type: vec![
                    ptr("/type"),
                    ptr("/event_type"),
                    ptr("/event"),
                    ptr("/topic"),
                ],
                event_id: vec![ptr("/id"), ptr("/event_id")],
                merchant_id: vec![],
                refs: vec![],
            },
            // No provider is known: Hooklens's own rule, not a guess about one.
            DeliveryRule::new(
                Success::Any2xx,
                stated("no provider is known: Hooklens's own rule"),
                delivery::GENERIC_DEADLINE.as_secs(),
                stated("no provider is known: Hooklens's own rule"),
            ),
        ),
    ]
});

/// All presets, in display order.
pub fn presets() -> &'static [Preset] {
    PRESETS.as_slice()
}

/// The preset with this id, compared case-insensitively.
/// The presets as the endpoint editor lists them.
pub fn preset_infos() -> Vec<crate::model::PresetInfo> {
    presets()
        .iter()
        .map(|p| crate::model::PresetInfo {
            id: p.id.to_owned(),
            name: p.name.to_owned(),
            scheme: p.scheme.clone(),
            assumed: p.assumed,
            delivery: p.delivery_info(),
        })
        .collect()
}

pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id.eq_ignore_ascii_case(id))
}

/// The best-effort preset used when detection finds nothing.
pub fn generic() -> &'static Preset {
    let [.., generic] = &*PRESETS;
    generic
}

/// Applies `rules` to one request. Never fails: what cannot be found is left
/// empty.
pub fn extract(rules: &ExtractionRules, headers: &[StoredHeader], body: &[u8]) -> Extracted {
    extract_from(rules, headers, &Body::new(body))
}

/// Detects the provider of a request on the default endpoint and extracts its
/// values with that preset's rules, or [`generic`]'s when nothing matches,
/// parsing the body at most once for both steps.
pub fn detect_and_extract(headers: &[StoredHeader], body: &[u8]) -> (&'static Preset, Extracted) {
    let body = Body::new(body);
    let preset = detect::detect_in(headers, &body).unwrap_or_else(generic);
    (preset, extract_from(&preset.rules, headers, &body))
}

/// A request body read as JSON by pointer, without building a tree: any
/// size and depth costs time linear in the body and no more memory.
type Body<'a> = crate::json::LazyJson<'a>;

fn extract_from(rules: &ExtractionRules, headers: &[StoredHeader], body: &Body) -> Extracted {
    // The body is parsed only if a pointer source is actually consulted.
    let lookup = |source: &Source| match source {
        Source::JsonPointer { pointer } => body.scalar_at(pointer).as_ref().and_then(scalar_text),
        Source::Header { name } => header_text(headers, name),
    };
    let first = |sources: &[Source]| sources.iter().find_map(lookup);
    Extracted {
        event_type: first(&rules.event_type),
        event_id: first(&rules.event_id),
        merchant_id: first(&rules.merchant_id),
        refs: rules
            .refs
            .iter()
            .filter_map(|(label, source)| Some((label.clone(), lookup(source)?)))
            .collect(),
    }
}

/// A JSON scalar as text: strings as they are, numbers and bools as serde_json
/// writes them (integers exactly as sent; a number's text is always short, so
/// it needs no cap). Null, objects, arrays and empty strings yield nothing.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(capped(s)),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The first non-empty UTF-8 value of the header `name`; values that are not
/// UTF-8 are skipped.
fn header_text(headers: &[StoredHeader], name: &str) -> Option<String> {
    headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case(name))
        .filter_map(|h| h.value.as_deref())
        .find(|v| !v.is_empty())
        .map(capped)
}

fn has_header(headers: &[StoredHeader], name: &str) -> bool {
    headers.iter().any(|h| h.name.eq_ignore_ascii_case(name))
}

/// `s` cut to at most [`MAX_VALUE_CHARS`] chars, on a char boundary.
fn capped(s: &str) -> String {
    match s.char_indices().nth(MAX_VALUE_CHARS) {
        Some((end, _)) => s[..end].to_owned(),
        None => s.to_owned(),
    }
}

/// The scheme that applies, and whether its construction is assumed: the
/// endpoint's own choice, else its (or the detected) provider's, else what
/// the request's headers suggest.
pub fn scheme_for(
    endpoint: Option<&crate::model::Endpoint>,
    provider: Option<&str>,
    headers: &[StoredHeader],
) -> Option<(Scheme, bool)> {
    if let Some(scheme) = endpoint.and_then(|e| e.scheme.clone()) {
        return Some((scheme, false));
    }
    if let Some(preset) = provider.and_then(preset)
        && let Some(scheme) = &preset.scheme
    {
        return Some((scheme.clone(), preset.assumed));
    }
    crate::signature::detect_scheme(headers).map(|scheme| (scheme, false))
}
