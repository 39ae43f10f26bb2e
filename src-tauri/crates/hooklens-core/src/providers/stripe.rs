//! Stripe, from its generally known behaviour (no provider document here).

use super::delivery::{DeliveryRule, Success, assumed};
use super::extract::{ExtractionRules, ptr};
use super::samples::{
    BASE62, Catalogue, DAY, Fill, Fill::*, HOUR, Layout, MINUTE, NOW, Part::*, Step::*,
    TimeFormat::*, sample,
};
use super::schedules::{Schedule, exponential_three_days};
use super::{Provider, Rule, ids};
use crate::signature::Scheme;

pub(super) fn provider() -> Provider {
    Provider {
        id: ids::STRIPE,
        name: "Stripe",
        listed: 6,
        rules: ExtractionRules {
            event_type: vec![ptr("/type")],
            event_id: vec![ptr("/id")],
            // Set only on Connect events.
            merchant_id: vec![ptr("/account")],
            refs: vec![],
        },
        scheme: Scheme::by_id("stripe"),
        assumed: false,
        detect: Rule::Header("stripe-signature"),
        schedule: Some(Schedule {
            waits: exponential_three_days,
            assumed: true,
            source: "Stripe documents exponential backoff for up to 3 days, not the waits: assumed 1 min doubling, capped at 12 h",
        }),
        delivery: DeliveryRule::new(
            Success::Any2xx,
            assumed("generally known: Stripe expects a status in the 200–299 range"),
            30,
            assumed("Stripe asks for a quick 2xx and publishes no figure; assumed Hooklens's 30 s"),
        ),
        called: None,
        // Stripe sends its events pretty-printed with two-space indents, shaped
        // for API version 2024-06-20. Events that follow an API call name its
        // request; those Stripe raises on its own (a customer paying, a renewal)
        // carry nulls.
        samples: Catalogue {
            layout: Layout::Pretty,
            headers: &[
                ("Content-Type", &[Lit("application/json; charset=utf-8")]),
                (
                    "User-Agent",
                    &[Lit("Stripe/1.0 (+https://stripe.com/docs/webhooks)")],
                ),
            ],
            event_id: Some("id"),
            fills: &[
                ("id", Text(&[Lit("evt_"), Chars(BASE62, 24)])),
                ("created", SECONDS),
                ("request_id", Text(&[Lit("req_"), Chars(BASE62, 14)])),
                ("idempotency_key", Text(&[Uuid])),
                ("pi", Text(&[Lit("pi_"), Chars(BASE62, 24)])),
                ("ch", Text(&[Lit("ch_"), Chars(BASE62, 24)])),
                ("pm", Text(&[Lit("pm_"), Chars(BASE62, 24)])),
                ("cus", Text(&[Lit("cus_"), Chars(BASE62, 14)])),
                ("sub", Text(&[Lit("sub_"), Chars(BASE62, 24)])),
                ("in", Text(&[Lit("in_"), Chars(BASE62, 24)])),
            ],
            types: &[
                sample!(
                    "stripe",
                    "payment_intent.succeeded",
                    "A PaymentIntent has succeeded",
                    PAYMENT_INTENT,
                ),
                sample!(
                    "stripe",
                    "payment_intent.payment_failed",
                    "A payment attempt on a PaymentIntent failed",
                    PAYMENT_INTENT,
                ),
                // An update event: Stripe lists the changed fields' old values.
                sample!(
                    "stripe",
                    "charge.refunded",
                    "A charge was refunded in full",
                    &[
                        ("txn", Text(&[Lit("txn_"), Chars(BASE62, 24)])),
                        (
                            "object_created",
                            Json(&[Time(&[Seconds(-DAY)], UnixSeconds)])
                        ),
                    ],
                ),
                sample!(
                    "stripe",
                    "checkout.session.completed",
                    "A Checkout Session was completed and paid",
                    &[
                        ("cs", Text(&[Lit("cs_test_a1"), Chars(BASE62, 56)])),
                        (
                            "object_created",
                            Json(&[Time(&[Seconds(-4 * MINUTE)], UnixSeconds)])
                        ),
                        (
                            "expires_at",
                            Json(&[Time(&[Seconds(-4 * MINUTE), Seconds(DAY)], UnixSeconds)]),
                        ),
                    ],
                ),
                sample!(
                    "stripe",
                    "customer.subscription.created",
                    "A customer was signed up for a new plan",
                    &[
                        ("start", SECONDS),
                        ("period_end", Json(&[Time(&[Months(1)], UnixSeconds)])),
                        ("si", Text(&[Lit("si_"), Chars(BASE62, 14)])),
                        ("price", Text(&[Lit("price_"), Chars(BASE62, 24)])),
                        ("prod", Text(&[Lit("prod_"), Chars(BASE62, 14)])),
                        (
                            "items_url",
                            Text(&[Lit("/v1/subscription_items?subscription="), Var("sub")]),
                        ),
                    ],
                ),
                // Renewal invoices are drafted an hour before they are finalized
                // and paid.
                sample!(
                    "stripe",
                    "invoice.paid",
                    "A subscription invoice was paid",
                    &[
                        (
                            "object_created",
                            Json(&[Time(&[Seconds(-HOUR)], UnixSeconds)])
                        ),
                        ("number", Text(&[HexUpper(4), Lit("-"), Padded(2, 24, 4)])),
                        (
                            "period_start",
                            Json(&[Time(&[Seconds(-HOUR), Months(-1)], UnixSeconds)]),
                        ),
                        ("paid_at", SECONDS),
                    ],
                ),
            ],
        },
    }
}

/// The sample's time as Stripe writes times: Unix seconds.
const SECONDS: Fill = Json(&[Time(NOW, UnixSeconds)]);

const PAYMENT_INTENT: &[(&str, Fill)] = &[
    (
        "client_secret",
        Text(&[Var("pi"), Lit("_secret_"), Chars(BASE62, 25)]),
    ),
    ("object_created", Json(&[Time(&[Seconds(-5)], UnixSeconds)])),
    ("order_id", Text(&[Number(1000, 9999)])),
];
