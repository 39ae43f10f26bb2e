//! Kustom (orders, captures, refunds, disputes): `kustom-webhooks.txt`.

use super::delivery::{Basis, DeliveryRule, Success, assumed, stated};
use super::extract::{ExtractionRules, ptr, refs};
use super::samples::{
    BASE62, Catalogue, DAY, Fill, Fill::*, Layout, NOW, Part::*, Step::*, TimeFormat::*, sample,
};
use super::schedules::{Schedule, exponential_three_days};
use super::{Provider, Rule, ids};
use crate::signature::{DEFAULT_TOLERANCE_S, Scheme};

pub(super) fn provider() -> Provider {
    Provider {
        id: ids::KUSTOM,
        name: "Kustom",
        listed: 1,
        rules: ExtractionRules {
            event_type: vec![ptr("/type")],
            event_id: vec![ptr("/id")],
            merchant_id: vec![ptr("/merchant_id")],
            // In-Person Payments events arrive at the same destination.
            refs: refs([
                ("session_id", ptr("/data/session_id")),
                ("order_id", ptr("/data/order_id")),
            ]),
        },
        // Kustom signs with a per-destination secret, rotated with old and new
        // both signing; the construction is not published. Standard Webhooks is
        // the common form of exactly that contract.
        scheme: Some(Scheme::StandardWebhooks {
            tolerance_s: DEFAULT_TOLERANCE_S,
        }),
        assumed: true,
        // Its event ids; In-Person Payments' share them and are told apart first.
        detect: Rule::StartsWith("/id", "kevt_"),
        schedule: Some(SCHEDULE),
        delivery: DeliveryRule::new(
            Success::Any2xx,
            stated(
                "\"If your endpoint does not respond with a successful status code, Kustom retries\" (successful: the 2xx class)",
            ),
            15,
            DEADLINE,
        ),
        called: None,
        samples: Catalogue {
            layout: Layout::Compact,
            headers: &[("Content-Type", &[Lit("application/json")])],
            event_id: Some("id"),
            fills: &[
                ("id", EVENT_ID),
                ("merchant_id", MERCHANT_ID),
                ("timestamp", TIMESTAMP),
                ("order_id", Text(&[Uuid])),
                ("at", Text(&[Time(NOW, Utc(3))])),
                ("amount", Json(&[Lit("59800")])),
                ("currency", Text(&[Lit("SEK")])),
            ],
            types: &[
                sample!(
                    "kustom",
                    "order.created",
                    "A new order has been created",
                    &[("reference", Text(&[Lit("ORD-"), Number(100_000, 999_999)]))],
                ),
                sample!(
                    "kustom",
                    "capture.created",
                    "A capture has been made on an order",
                    &[
                        ("capture_id", Text(&[Uuid])),
                        ("description", Text(&[Lit("Shipped in full")])),
                    ],
                ),
                sample!(
                    "kustom",
                    "refund.created",
                    "A refund has been issued on an order",
                    &[
                        ("refund_id", Text(&[Uuid])),
                        ("amount", Json(&[Lit("19900")])),
                        ("description", Text(&[Lit("Returned item")])),
                    ],
                ),
                sample!(
                    "kustom",
                    "dispute.created",
                    "A new dispute has been opened on an order",
                    &[
                        ("dispute_id", Text(&[Uuid])),
                        ("opened_at", Text(&[Time(NOW, Utc(3))])),
                        ("respond_by", Text(&[Time(&[Seconds(14 * DAY)], Utc(3))])),
                    ],
                ),
                sample!(
                    "kustom",
                    "dispute.updated",
                    "An existing dispute has been updated",
                    &[
                        ("dispute_id", Text(&[Uuid])),
                        ("opened_at", Text(&[Time(&[Seconds(-3 * DAY)], Utc(3))])),
                        (
                            "respond_by",
                            Text(&[Time(&[Seconds(-3 * DAY), Seconds(14 * DAY)], Utc(3))]),
                        ),
                    ],
                ),
            ],
        },
    }
}

/// Kustom does not say how long it waits; its signing is assumed to be
/// Standard Webhooks, whose common sender (Svix) waits 15 s.
pub(super) const DEADLINE: Basis = assumed(
    "the docs give no time limit; assumed 15 s, as Svix-style senders wait (Kustom's signing is assumed to be Standard Webhooks)",
);

/// "Kustom retries delivery automatically using an exponential backoff
/// strategy. Retries continue for up to 3 days."
pub(super) const SCHEDULE: Schedule = Schedule {
    waits: exponential_three_days,
    assumed: true,
    source: "Kustom documents exponential backoff for up to 3 days, not the waits: assumed 1 min doubling, capped at 12 h",
};

/// Kustom's event ids: `kevt_` and 22 base62 characters, as in its examples.
pub(super) const EVENT_ID: Fill = Text(&[Lit("kevt_"), Chars(BASE62, 22)]);

/// The merchant id of Kustom's own examples, so samples group under one
/// merchant in the timeline.
pub(super) const MERCHANT_ID: Fill = Text(&[Lit("DM11917000")]);

/// Nanosecond precision, as in Kustom's examples.
pub(super) const TIMESTAMP: Fill = Text(&[Time(NOW, Utc(9))]);
