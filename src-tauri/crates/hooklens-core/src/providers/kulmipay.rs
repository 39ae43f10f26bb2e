//! Kulmi Pay: `kulmipay-webhooks.txt`.

use super::delivery::{DeliveryRule, Success, assumed, stated};
use super::extract::{ExtractionRules, ptr, refs};
use super::samples::{
    Catalogue, DAY, Fill::*, LOWER_ALNUM, Layout, MINUTE, NOW, Part::*, Step::*, TimeFormat::*,
    UPPER_ALNUM, sample,
};
use super::{Provider, Rule, ids};
use crate::signature::Scheme;

pub(super) fn provider() -> Provider {
    Provider {
        id: ids::KULMIPAY,
        name: "Kulmi Pay",
        listed: 5,
        rules: ExtractionRules {
            event_type: vec![ptr("/topic")],
            // The documented payload is a `topic` and the changed resource in
            // `data`: no event id. `data.id` names the invoice (file,
            // chargeback…), so an invoice's pending and complete updates would
            // number as redeliveries of each other; id + state is not unique
            // either (a subscription's billing cycles repeat a status). Nothing
            // is numbered.
            event_id: vec![],
            merchant_id: vec![],
            refs: refs([("resource_id", ptr("/data/id"))]),
        },
        // Published: the X-Challenge header carries the shared secret itself.
        scheme: Some(Scheme::SharedSecret {
            header: "X-Challenge".into(),
        }),
        assumed: false,
        // The challenge header, else one of the documented event flags as the
        // topic.
        detect: Rule::Any(&[
            Rule::Header("x-challenge"),
            Rule::OneOf(
                "/topic",
                &[
                    "collection_event",
                    "send_money_event",
                    "reversal_event",
                    "wallet_transfer_event",
                    "subscription_event",
                ],
            ),
        ]),
        // Failed events are replayed by hand from the dashboard, not retried.
        schedule: None,
        delivery: DeliveryRule::new(
            Success::Only200,
            stated("\"Kulmi Pay considers any non-200 response a delivery failure\""),
            10,
            assumed(
                "the docs ask for a 200 \"as quickly as possible\" and give no figure; assumed 10 s",
            ),
        ),
        called: None,
        // `topic` and `data` as documented; `created_at` is the event record's.
        samples: Catalogue {
            layout: Layout::Compact,
            headers: &[("Content-Type", &[Lit("application/json")])],
            event_id: None,
            fills: &[("now", Text(&[Time(NOW, Utc(0))]))],
            types: &[
                sample!(
                    "kulmipay",
                    "collection_event",
                    "Payment invoice state changes (e.g. pending → complete)",
                    &[
                        ("invoice_id", Text(&[Chars(UPPER_ALNUM, 10)])),
                        ("api_ref", Text(&[Lit("ORDER-"), Number(1000, 9999)])),
                        ("mpesa_reference", Text(&[Chars(UPPER_ALNUM, 10)])),
                        // The customer took under a minute to approve the STK push.
                        ("created_at", Text(&[Time(&[Seconds(-54)], Utc(0))])),
                    ],
                ),
                sample!(
                    "kulmipay",
                    "send_money_event",
                    "Disbursement file state changes",
                    &[
                        ("file_id", Text(&[Lit("PF_"), Chars(UPPER_ALNUM, 8)])),
                        ("tracking_id", Text(&[Uuid])),
                        ("transaction_id", Text(&[Lit("TX_"), Chars(UPPER_ALNUM, 8)])),
                        ("idempotency_key", Text(&[Uuid])),
                        ("created_at", Text(&[Time(&[Seconds(-5 * MINUTE)], Utc(0))])),
                    ],
                ),
                sample!(
                    "kulmipay",
                    "reversal_event",
                    "Chargebacks and reversals",
                    &[
                        ("chargeback_id", Text(&[Lit("CB_"), Chars(UPPER_ALNUM, 8)])),
                        (
                            "transaction_id",
                            Text(&[Lit("txn_"), Chars(LOWER_ALNUM, 10)])
                        ),
                        (
                            "transaction_created_at",
                            Text(&[Time(&[Seconds(-2 * DAY)], Utc(0))])
                        ),
                    ],
                ),
                sample!(
                    "kulmipay",
                    "wallet_transfer_event",
                    "Intra-wallet transfers",
                    &[
                        ("transfer_id", Text(&[Lit("trf_"), Chars(LOWER_ALNUM, 10)])),
                        ("debit_id", Text(&[Lit("txn_"), Chars(LOWER_ALNUM, 10)])),
                        ("credit_id", Text(&[Lit("txn_"), Chars(LOWER_ALNUM, 10)])),
                    ],
                ),
                sample!(
                    "kulmipay",
                    "subscription_event",
                    "Subscription status and billing cycle changes (payload illustrative: not published)",
                    &[
                        (
                            "subscription_id",
                            Text(&[Lit("sub_"), Chars(LOWER_ALNUM, 12)])
                        ),
                        ("period_end", Text(&[Time(&[Months(1)], Utc(0))])),
                        ("created_at", Text(&[Time(&[Months(-2)], Utc(0))])),
                    ],
                ),
            ],
        },
    }
}
