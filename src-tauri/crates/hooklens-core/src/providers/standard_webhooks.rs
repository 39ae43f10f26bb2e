//! Standard Webhooks / Svix: any sender of the specification.

use super::delivery::{DeliveryRule, Success, assumed};
use super::extract::{ExtractionRules, hdr, ptr};
use super::samples::{BASE62, Catalogue, Fill::*, Layout, NOW, Part::*, TimeFormat::*, sample};
use super::schedules::{Schedule, svix};
use super::{Provider, Rule, ids};
use crate::signature::Scheme;

pub(super) fn provider() -> Provider {
    Provider {
        id: ids::STANDARD_WEBHOOKS,
        name: "Standard Webhooks / Svix",
        listed: 10,
        rules: ExtractionRules {
            event_type: vec![ptr("/type")],
            event_id: vec![hdr("webhook-id"), hdr("svix-id")],
            merchant_id: vec![],
            refs: vec![],
        },
        scheme: Scheme::by_id("standard-webhooks"),
        assumed: false,
        // An id without a signature identifies nothing.
        detect: Rule::Any(&[
            Rule::All(&[
                Rule::Header("webhook-id"),
                Rule::Header("webhook-signature"),
            ]),
            Rule::All(&[Rule::Header("svix-id"), Rule::Header("svix-signature")]),
        ]),
        schedule: Some(Schedule {
            waits: svix,
            assumed: false,
            source: "Svix's documented schedule",
        }),
        delivery: DeliveryRule::new(
            Success::Any2xx,
            assumed("generally known: Svix counts a 2xx (200–299) as delivered"),
            15,
            assumed("generally known: Svix waits 15 s for the answer"),
        ),
        // The rule is Svix's.
        called: Some("Svix"),
        // The specification's payload structure: the id travels in `webhook-id`,
        // not in the body.
        samples: Catalogue {
            layout: Layout::Compact,
            headers: &[("Content-Type", &[Lit("application/json")])],
            event_id: Some("msg_id"),
            fills: &[
                // Message ids as Svix makes them: `msg_` and 27 base62 characters.
                ("msg_id", Text(&[Lit("msg_"), Chars(BASE62, 27)])),
                ("now", Text(&[Time(NOW, Utc(6))])),
            ],
            types: &[
                sample!(
                    "standard-webhooks",
                    "user.created",
                    "A user was created (generic example)",
                    &[("id", Text(&[Lit("user_"), Chars(BASE62, 24)]))],
                ),
                sample!(
                    "standard-webhooks",
                    "invoice.paid",
                    "An invoice was paid (generic example)",
                    &[
                        ("id", Text(&[Lit("inv_"), Chars(BASE62, 24)])),
                        ("customer_id", Text(&[Lit("cus_"), Chars(BASE62, 24)])),
                    ],
                ),
                sample!(
                    "standard-webhooks",
                    "contact.created",
                    "A contact was created (the specification's own example)",
                    &[("id", Text(&[Uuid]))],
                ),
            ],
        },
    }
}
