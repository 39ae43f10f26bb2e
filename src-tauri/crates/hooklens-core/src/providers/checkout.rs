//! The checkout provider: `checkout-listen-for-events.txt`. Its documentation
//! lists no event names and no payload beyond `metadata.checkoutId` and a
//! mode flag, so the samples' names and data are illustrative.

use super::delivery::{DeliveryRule, Success, stated};
use super::extract::{ExtractionRules, hdr, ptr, refs};
use super::samples::{BASE62, Catalogue, Fill::*, Layout, NOW, Part::*, TimeFormat::*, sample};
use super::schedules::{Schedule, svix};
use super::{Provider, Rule, ids};
use crate::signature::{DEFAULT_TOLERANCE_S, Scheme};

pub(super) fn provider() -> Provider {
    Provider {
        id: ids::CHECKOUT,
        name: "Checkout",
        listed: 3,
        rules: ExtractionRules {
            event_type: vec![ptr("/type")],
            // Delivered Standard-Webhooks style: the message id is the stable id
            // across retries.
            event_id: vec![hdr("webhook-id"), ptr("/id")],
            merchant_id: vec![],
            refs: refs([("checkout_id", ptr("/metadata/checkoutId"))]),
        },
        // Its retry schedule is Svix's; Svix signs Standard Webhooks.
        scheme: Some(Scheme::StandardWebhooks {
            tolerance_s: DEFAULT_TOLERANCE_S,
        }),
        assumed: true,
        // Delivered Standard-Webhooks style; its checkoutId is what sets it apart
        // from any other Standard Webhooks sender.
        detect: Rule::All(&[
            Rule::Any(&[
                Rule::Header("webhook-id"),
                Rule::Header("webhook-signature"),
            ]),
            Rule::Present("/metadata/checkoutId"),
        ]),
        schedule: Some(Schedule {
            waits: svix,
            assumed: false,
            source: "the checkout provider's documented schedule",
        }),
        delivery: DeliveryRule::new(
            Success::Any2xx,
            stated(
                "\"respond with a 2xx status code\"; otherwise \"we will continue sending events\"",
            ),
            15,
            stated("\"It is recommended to send the response within 15 seconds\""),
        ),
        // Its documentation does not name it.
        called: Some("the checkout provider"),
        samples: Catalogue {
            layout: Layout::Compact,
            headers: &[("Content-Type", &[Lit("application/json")])],
            event_id: Some("id"),
            fills: &[
                ("id", Text(&[Lit("evt_"), Chars(BASE62, 24)])),
                ("created", Text(&[Time(NOW, Utc(3))])),
                ("checkout_id", Text(&[Lit("chk_"), Chars(BASE62, 24)])),
                ("payment_id", Text(&[Lit("pay_"), Chars(BASE62, 24)])),
                ("refund_id", Text(&[Lit("re_"), Chars(BASE62, 24)])),
                ("amount", Json(&[Lit("4999")])),
                ("currency", Text(&[Lit("EUR")])),
            ],
            types: &[
                sample!(
                    "checkout",
                    "payment.succeeded",
                    "A payment succeeded (illustrative name: the docs list none)",
                ),
                sample!(
                    "checkout",
                    "payment.failed",
                    "A payment failed (illustrative name: the docs list none)",
                ),
                // A pending payment is typically a bank transfer waiting for funds.
                sample!(
                    "checkout",
                    "payment.pending",
                    "A payment is waiting to complete (illustrative name: the docs list none)",
                ),
                sample!(
                    "checkout",
                    "refund.succeeded",
                    "A refund succeeded (illustrative name: the docs list none)",
                ),
                sample!(
                    "checkout",
                    "refund.failed",
                    "A refund failed (illustrative name: the docs list none)",
                ),
            ],
        },
    }
}
