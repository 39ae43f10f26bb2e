//! The USAePay-style gateway: `usaepay-webhooks.txt`. The envelope is
//! documented; the objects inside it are plausible, not documented.

use super::delivery::{DeliveryRule, Success, assumed};
use super::extract::{ExtractionRules, ptr, refs};
use super::samples::{
    Catalogue, DAY, Fill, Fill::*, LOWER_ALNUM, Layout, NOW, Part::*, Step::*, TimeFormat::*,
    sample,
};
use super::{Provider, Rule, ids};
use crate::json::Kind;
use crate::signature::{HmacSpec, Scheme};

pub(super) fn provider() -> Provider {
    Provider {
        id: ids::USAEPAY,
        name: "USAePay",
        listed: 4,
        rules: ExtractionRules {
            event_type: vec![ptr("/event_type")],
            event_id: vec![ptr("/event_id")],
            merchant_id: vec![ptr("/event_body/merchant/merch_key")],
            refs: refs([("object_key", ptr("/event_body/object/key"))]),
        },
        // Optional Basic auth and an optional `X-Signature` keyed with the
        // merchant's signature key; the digest is not published.
        scheme: Some(Scheme::Combined {
            schemes: vec![Scheme::BasicAuth, Scheme::Hmac(HmacSpec::default())],
        }),
        assumed: true,
        // The documented envelope: `{type, event_triggered, event_type,
        // event_body{merchant, object}, event_id}`.
        detect: Rule::All(&[
            Rule::Is("/event_type", Kind::String),
            Rule::Is("/event_body", Kind::Object),
        ]),
        schedule: None,
        delivery: DeliveryRule::new(
            Success::Any2xx,
            assumed("the webhook docs say nothing about the answer; assumed any 2xx"),
            30,
            assumed("the webhook docs give no time limit; assumed Hooklens's 30 s"),
        ),
        called: None,
        samples: Catalogue {
            layout: Layout::Compact,
            headers: &[("Content-Type", &[Lit("application/json")])],
            event_id: Some("id"),
            fills: &[
                ("id", Text(&[Hex(32)])),
                ("triggered", Text(&[Time(NOW, DateTime)])),
                // The merchant key of USAePay's example, so samples group under
                // one merchant.
                ("merch_key", Text(&[Lit("7qwnw4j2kmqvrb3")])),
                ("key", KEY),
                ("refnum", Text(&[Number(3_100_000_000, 3_199_999_999)])),
                // Transactions.
                ("authcode", Text(&[Number(100_000, 999_999)])),
                ("amount", Text(&[Lit("5.00")])),
                ("invoice", Text(&[Number(10_000, 99_999)])),
                // Card updates: the card on file expires this month; an update
                // extends it three years.
                ("customer_key", KEY),
                ("paymethod_key", KEY),
                ("expiration", Text(&[Time(NOW, MonthYear)])),
                ("renewed", Text(&[Time(&[Months(36)], MonthYear)])),
                // Products.
                ("location_key", KEY),
                // Settlement batches: open for the day, closed now.
                ("sequence", Text(&[Number(100, 999)])),
                ("opened", Text(&[Time(&[Seconds(-DAY)], DateTime)])),
            ],
            types: &[
                sample!(
                    "usaepay",
                    "cau.submitted",
                    "Card has been submitted to processor for update"
                ),
                sample!(
                    "usaepay",
                    "cau.updated_expiration",
                    "An updated expiration date has been received"
                ),
                sample!(
                    "usaepay",
                    "cau.updated_card",
                    "An updated card number has been received"
                ),
                sample!(
                    "usaepay",
                    "cau.contact_customer",
                    "Received message from issuer to contact customer for a new card number",
                ),
                sample!(
                    "usaepay",
                    "cau.account_closed",
                    "Received notification of account closure"
                ),
                sample!(
                    "usaepay",
                    "ach.submitted",
                    "ACH status updated to submitted"
                ),
                sample!("usaepay", "ach.settled", "ACH status updated to settled"),
                sample!("usaepay", "ach.returned", "ACH status updated to returned"),
                sample!("usaepay", "ach.failed", "ACH status updated to failed"),
                sample!("usaepay", "ach.note_added", "Note added to ACH transaction"),
                sample!(
                    "usaepay",
                    "product.inventory.ordered",
                    "The inventory has been adjusted after a sale"
                ),
                sample!(
                    "usaepay",
                    "product.inventory.adjusted",
                    "The inventory has been adjusted in the Products Database",
                ),
                sample!(
                    "usaepay",
                    "transaction.sale.success",
                    "A sale transaction has been approved"
                ),
                sample!(
                    "usaepay",
                    "transaction.sale.failure",
                    "A sale transaction failed - includes declines and errors",
                ),
                sample!(
                    "usaepay",
                    "transaction.sale.voided",
                    "A sale transaction was voided"
                ),
                sample!(
                    "usaepay",
                    "transaction.sale.captured",
                    "A sale transaction was captured"
                ),
                sample!(
                    "usaepay",
                    "transaction.sale.adjusted",
                    "A sale transaction was adjusted",
                    &[("amount", Text(&[Lit("7.50")]))],
                ),
                sample!(
                    "usaepay",
                    "transaction.sale.queued",
                    "A sale transaction was queued"
                ),
                sample!(
                    "usaepay",
                    "transaction.sale.unvoided",
                    "A voided sale transaction was unvoided"
                ),
                sample!(
                    "usaepay",
                    "transaction.refund.success",
                    "A refund transaction approved"
                ),
                sample!(
                    "usaepay",
                    "transaction.refund.voided",
                    "A refund transaction voided"
                ),
                sample!(
                    "usaepay",
                    "settlement.batch.success",
                    "A batch settles successfully"
                ),
                sample!(
                    "usaepay",
                    "settlement.batch.failure",
                    "A batch receives an error when attempting to settle",
                ),
            ],
        },
    }
}

/// The gateway's object keys: 15 lowercase letters and digits.
const KEY: Fill = Text(&[Chars(LOWER_ALNUM, 15)]);
