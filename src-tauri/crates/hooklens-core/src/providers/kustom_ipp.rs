//! Kustom In-Person Payments: `kustom-ipp-callbacks.txt`. Its events reach
//! the same destination as Kustom's, with the same ids and signing.

use super::delivery::{DeliveryRule, Success, stated};
use super::extract::{ExtractionRules, ptr, refs};
use super::samples::{Catalogue, Fill::*, Layout, Part::*, sample};
use super::{Provider, Rule, ids, kustom};
use crate::signature::{DEFAULT_TOLERANCE_S, Scheme};

pub(super) fn provider() -> Provider {
    Provider {
        id: ids::KUSTOM_IPP,
        name: "Kustom In-Person Payments",
        listed: 2,
        rules: ExtractionRules {
            event_type: vec![ptr("/type")],
            event_id: vec![ptr("/id")],
            merchant_id: vec![ptr("/merchant_id")],
            refs: refs([
                ("session_id", ptr("/data/session_id")),
                ("order_id", ptr("/data/order_id")),
                ("failure_reason", ptr("/data/failure_reason")),
            ]),
        },
        // As Kustom's: not published, assumed Standard Webhooks.
        scheme: Some(Scheme::StandardWebhooks {
            tolerance_s: DEFAULT_TOLERANCE_S,
        }),
        assumed: true,
        // "All In-Person Payments events are prefixed with ipp. so you can
        // distinguish them from other Kustom webhooks".
        detect: Rule::All(&[
            Rule::StartsWith("/id", "kevt_"),
            Rule::StartsWith("/type", "ipp."),
        ]),
        schedule: Some(kustom::SCHEDULE),
        delivery: DeliveryRule::new(
            Success::Only200,
            stated("\"must respond 200 to acknowledge each event\""),
            15,
            kustom::DEADLINE,
        ),
        called: None,
        // Exactly the shape of Kustom's callback examples: every event carries
        // all three data fields, null where they do not apply.
        samples: Catalogue {
            layout: Layout::Compact,
            headers: &[("Content-Type", &[Lit("application/json")])],
            event_id: Some("id"),
            fills: &[
                ("id", kustom::EVENT_ID),
                ("merchant_id", kustom::MERCHANT_ID),
                ("timestamp", kustom::TIMESTAMP),
                ("session_id", Text(&[Uuid])),
            ],
            types: &[
                sample!(
                    "kustom-ipp",
                    "ipp.session.created",
                    "Session created and push notification sent to the device",
                ),
                sample!(
                    "kustom-ipp",
                    "ipp.session.activated",
                    "Clerk selected a payment method on the device",
                ),
                // The failure reason is not documented; the kind of reason a
                // terminal reports.
                sample!(
                    "kustom-ipp",
                    "ipp.payment.failed",
                    "An in-person payment attempt has failed (handled on the device)",
                ),
                // The order exists in Order Management only once the session is
                // finalized.
                sample!(
                    "kustom-ipp",
                    "ipp.session.finalized",
                    "Session collected and finalized; terminal, carries the order id",
                    &[("order_id", Text(&[Uuid]))],
                ),
                sample!(
                    "kustom-ipp",
                    "ipp.session.cancelled",
                    "Session cancelled by clerk or merchant backend; terminal",
                ),
            ],
        },
    }
}
