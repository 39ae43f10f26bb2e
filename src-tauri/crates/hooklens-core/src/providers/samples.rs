//! Sample events for "Send test event": for each preset, realistic payloads
//! of its event types with fresh ids and the caller's time. Samples are
//! unsigned; the signature engine signs them on the way out.
//!
//! Payloads are JSON templates written the way the providers' documentation
//! shows them: `$name` outside a JSON string is a placeholder, replaced by a
//! JSON value when the sample is made. Templates rather than `json!` because
//! serde_json here sorts object keys (no `preserve_order`), and the key order
//! a provider sends is part of what a sample must look like.
//!
//! Where a provider publishes no payload (Kustom's order events, the checkout
//! provider, USAePay's objects, Kulmi Pay's subscriptions) the data is
//! plausible rather than documented; the envelopes and the fields the presets
//! extract follow the documentation wherever it exists.

#[cfg(test)]
mod tests;

use std::sync::atomic::{AtomicU64, Ordering};

use jiff::tz::{self, Offset, TimeZone};
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde_json::Value;

use super::ids;

/// One event type a preset can send a sample of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleType {
    pub event_type: &'static str,
    /// One short line, e.g. "A capture has been made on an order".
    pub description: &'static str,
}

/// A freshly generated sample request, unsigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleEvent {
    pub event_type: String,
    /// The provider event id inside the sample (fresh each call), e.g. `kevt_…`;
    /// for GitHub/Shopify the delivery/event id header value; None where the
    /// provider sends none (Kulmi Pay). Schemes that sign a message id
    /// (Standard Webhooks) use this as the message id.
    pub event_id: Option<String>,
    /// Headers the provider sends besides signature headers, in order:
    /// always `Content-Type`, plus e.g. `X-GitHub-Event`, `X-GitHub-Delivery`,
    /// `X-Shopify-Topic`, `X-Shopify-Shop-Domain`, `X-Shopify-Webhook-Id`, `X-Shopify-Event-Id`, `User-Agent` where the provider documents one.
    pub headers: Vec<(String, String)>,
    /// The body as the provider would send it (compact or pretty JSON; the
    /// exact bytes are what gets signed).
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SampleError {
    #[error("there is no provider preset \"{0}\"; presets with samples: {1}")]
    UnknownPreset(String, String),
    #[error("{preset} has no sample of \"{event_type}\"; it has: {known}")]
    UnknownType {
        preset: String,
        event_type: String,
        known: String,
    },
}

/// The presets that have samples, for error messages.
fn with_samples() -> String {
    super::presets()
        .iter()
        .filter(|p| sample_types(p.id).is_ok_and(|t| !t.is_empty()))
        .map(|p| p.id)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The sample types of a preset (by preset id, case-insensitive), in a sensible display order; empty for `generic`.
pub fn sample_types(preset_id: &str) -> Result<&'static [SampleType], SampleError> {
    let preset = super::preset(preset_id)
        .ok_or_else(|| SampleError::UnknownPreset(preset_id.to_owned(), with_samples()))?;
    Ok(catalog(preset.id).map_or(&[][..], |(types, _)| types))
}

/// A new sample of `event_type`, with fresh ids and `now_ms` (Unix ms) as its time.
pub fn sample_event(
    preset_id: &str,
    event_type: &str,
    now_ms: i64,
) -> Result<SampleEvent, SampleError> {
    let preset = super::preset(preset_id)
        .ok_or_else(|| SampleError::UnknownPreset(preset_id.to_owned(), with_samples()))?;
    let (types, build): (&[SampleType], Build) = catalog(preset.id).unwrap_or((&[], no_samples));
    let unknown = || SampleError::UnknownType {
        preset: preset.id.to_owned(),
        event_type: event_type.to_owned(),
        known: if types.is_empty() {
            "none".to_owned()
        } else {
            types
                .iter()
                .map(|t| t.event_type)
                .collect::<Vec<_>>()
                .join(", ")
        },
    };
    // Types are matched like preset ids, so a CLI user need not mind case; the
    // sample carries the provider's own spelling.
    let sample_type = types
        .iter()
        .find(|t| t.event_type.eq_ignore_ascii_case(event_type))
        .ok_or_else(unknown)?;
    build(&mut Ctx::new(now_ms), sample_type.event_type).ok_or_else(unknown)
}

/// Makes the sample of one listed type; None for a type it does not know,
/// which the tests rule out for every listed type.
type Build = fn(&mut Ctx, &'static str) -> Option<SampleEvent>;

fn catalog(preset_id: &str) -> Option<(&'static [SampleType], Build)> {
    let entry: (&'static [SampleType], Build) = match preset_id {
        ids::KUSTOM => (KUSTOM_TYPES, kustom),
        ids::KUSTOM_IPP => (KUSTOM_IPP_TYPES, kustom_ipp),
        ids::CHECKOUT => (CHECKOUT_TYPES, checkout),
        ids::USAEPAY => (USAEPAY_TYPES, usaepay),
        ids::KULMIPAY => (KULMIPAY_TYPES, kulmipay),
        ids::STRIPE => (STRIPE_TYPES, stripe),
        ids::GITHUB => (GITHUB_TYPES, github),
        ids::SHOPIFY => (SHOPIFY_TYPES, shopify),
        ids::SLACK => (SLACK_TYPES, slack),
        ids::STANDARD_WEBHOOKS => (STANDARD_WEBHOOKS_TYPES, standard_webhooks),
        _ => return None,
    };
    Some(entry)
}

fn no_samples(_: &mut Ctx, _: &'static str) -> Option<SampleEvent> {
    None
}

const fn sample(event_type: &'static str, description: &'static str) -> SampleType {
    SampleType {
        event_type,
        description,
    }
}

// ---------------------------------------------------------------------------
// Kustom

const KUSTOM_TYPES: &[SampleType] = &[
    sample("order.created", "A new order has been created"),
    sample("capture.created", "A capture has been made on an order"),
    sample("refund.created", "A refund has been issued on an order"),
    sample(
        "dispute.created",
        "A new dispute has been opened on an order",
    ),
    sample("dispute.updated", "An existing dispute has been updated"),
];

/// The merchant id of Kustom's own examples, so samples group under one
/// merchant in the timeline.
const KUSTOM_MERCHANT_ID: &str = "DM11917000";

const KUSTOM_ENVELOPE: &str = r#"{
  "id": $id,
  "merchant_id": $merchant_id,
  "timestamp": $timestamp,
  "type": $type,
  "data": $data
}"#;

const KUSTOM_ORDER: &str = r#"{
  "order_id": $order_id,
  "merchant_reference1": $reference,
  "status": "AUTHORIZED",
  "purchase_country": "SE",
  "purchase_currency": "SEK",
  "locale": "sv-SE",
  "order_amount": 59800,
  "order_tax_amount": 11960
}"#;

const KUSTOM_CAPTURE: &str = r#"{
  "order_id": $order_id,
  "capture_id": $capture_id,
  "captured_amount": 59800,
  "currency": "SEK",
  "description": "Shipped in full",
  "captured_at": $at
}"#;

const KUSTOM_REFUND: &str = r#"{
  "order_id": $order_id,
  "refund_id": $refund_id,
  "refunded_amount": 19900,
  "currency": "SEK",
  "description": "Returned item",
  "refunded_at": $at
}"#;

const KUSTOM_DISPUTE: &str = r#"{
  "order_id": $order_id,
  "dispute_id": $dispute_id,
  "status": $status,
  "reason": "goods_not_received",
  "disputed_amount": 59800,
  "currency": "SEK",
  "opened_at": $opened_at,
  "updated_at": $at,
  "respond_by": $respond_by
}"#;

/// Kustom's event ids: `kevt_` and 22 base62 characters, as in its examples.
fn kustom_event_id(rng: &mut Rng) -> String {
    format!("kevt_{}", rng.chars(BASE62, 22))
}

fn kustom(ctx: &mut Ctx, event_type: &'static str) -> Option<SampleEvent> {
    let order_id = js(ctx.rng.uuid());
    let at = js(utc(ctx.now, 3));
    let data = match event_type {
        "order.created" => {
            let reference = format!("ORD-{}", ctx.rng.number(100_000..=999_999));
            render(
                KUSTOM_ORDER,
                &[("order_id", order_id), ("reference", js(reference))],
            )
        }
        "capture.created" => render(
            KUSTOM_CAPTURE,
            &[
                ("order_id", order_id),
                ("capture_id", js(ctx.rng.uuid())),
                ("at", at),
            ],
        ),
        "refund.created" => render(
            KUSTOM_REFUND,
            &[
                ("order_id", order_id),
                ("refund_id", js(ctx.rng.uuid())),
                ("at", at),
            ],
        ),
        "dispute.created" | "dispute.updated" => {
            let (status, opened) = if event_type == "dispute.created" {
                ("open", ctx.now)
            } else {
                ("under_review", ctx.at(-3 * DAY))
            };
            render(
                KUSTOM_DISPUTE,
                &[
                    ("order_id", order_id),
                    ("dispute_id", js(ctx.rng.uuid())),
                    ("status", js(status)),
                    ("opened_at", js(utc(opened, 3))),
                    ("at", at),
                    ("respond_by", js(utc(add(opened, 14 * DAY), 3))),
                ],
            )
        }
        _ => return None,
    };
    let id = kustom_event_id(&mut ctx.rng);
    let body = render(
        KUSTOM_ENVELOPE,
        &[
            ("id", js(&id)),
            ("merchant_id", js(KUSTOM_MERCHANT_ID)),
            ("timestamp", js(utc(ctx.now, 9))),
            ("type", js(event_type)),
            ("data", data),
        ],
    );
    Some(event(event_type, id, json_headers(), body))
}

// ---------------------------------------------------------------------------
// Kustom In-Person Payments

const KUSTOM_IPP_TYPES: &[SampleType] = &[
    sample(
        "ipp.session.created",
        "Session created and push notification sent to the device",
    ),
    sample(
        "ipp.session.activated",
        "Clerk selected a payment method on the device",
    ),
    sample(
        "ipp.payment.failed",
        "An in-person payment attempt has failed (handled on the device)",
    ),
    sample(
        "ipp.session.finalized",
        "Session collected and finalized; terminal, carries the order id",
    ),
    sample(
        "ipp.session.cancelled",
        "Session cancelled by clerk or merchant backend; terminal",
    ),
];

/// Exactly the shape of Kustom's callback examples: every event carries all
/// three data fields, null where they do not apply.
const KUSTOM_IPP_EVENT: &str = r#"{
  "id": $id,
  "merchant_id": $merchant_id,
  "timestamp": $timestamp,
  "type": $type,
  "data": {
    "session_id": $session_id,
    "order_id": $order_id,
    "failure_reason": $failure_reason
  }
}"#;

fn kustom_ipp(ctx: &mut Ctx, event_type: &'static str) -> Option<SampleEvent> {
    let (order_id, failure_reason) = match event_type {
        "ipp.session.created" | "ipp.session.activated" | "ipp.session.cancelled" => (None, None),
        // The order exists in Order Management only once the session is finalized.
        "ipp.session.finalized" => (Some(ctx.rng.uuid()), None),
        // Not documented; the kind of reason a terminal reports.
        "ipp.payment.failed" => (None, Some("card_declined")),
        _ => return None,
    };
    let id = kustom_event_id(&mut ctx.rng);
    let body = render(
        KUSTOM_IPP_EVENT,
        &[
            ("id", js(&id)),
            ("merchant_id", js(KUSTOM_MERCHANT_ID)),
            ("timestamp", js(utc(ctx.now, 9))),
            ("type", js(event_type)),
            ("session_id", js(ctx.rng.uuid())),
            ("order_id", js_opt(order_id.as_deref())),
            ("failure_reason", js_opt(failure_reason)),
        ],
    );
    Some(event(event_type, id, json_headers(), body))
}

// ---------------------------------------------------------------------------
// The checkout provider (providers/checkout-listen-for-events.txt)

const CHECKOUT_TYPES: &[SampleType] = &[
    sample(
        "payment.succeeded",
        "A payment succeeded (illustrative name: the docs list none)",
    ),
    sample(
        "payment.failed",
        "A payment failed (illustrative name: the docs list none)",
    ),
    sample(
        "payment.pending",
        "A payment is waiting to complete (illustrative name: the docs list none)",
    ),
    sample(
        "refund.succeeded",
        "A refund succeeded (illustrative name: the docs list none)",
    ),
    sample(
        "refund.failed",
        "A refund failed (illustrative name: the docs list none)",
    ),
];

/// The docs promise only `metadata.checkoutId` and a mode flag; the rest is
/// the usual shape of a payment event.
const CHECKOUT_ENVELOPE: &str = r#"{
  "id": $id,
  "type": $type,
  "created": $created,
  "livemode": false,
  "metadata": {
    "checkoutId": $checkout_id
  },
  "data": $data
}"#;

const CHECKOUT_PAYMENT: &str = r#"{
  "id": $payment_id,
  "object": "payment",
  "amount": 4999,
  "currency": "EUR",
  "status": $status,
  "payment_method": $payment_method,
  "failure_code": $failure_code,
  "failure_message": $failure_message,
  "created": $created
}"#;

const CHECKOUT_REFUND: &str = r#"{
  "id": $refund_id,
  "object": "refund",
  "payment_id": $payment_id,
  "amount": 4999,
  "currency": "EUR",
  "status": $status,
  "failure_code": $failure_code,
  "failure_message": $failure_message,
  "created": $created
}"#;

fn checkout(ctx: &mut Ctx, event_type: &'static str) -> Option<SampleEvent> {
    let (template, status, failure) = match event_type {
        "payment.succeeded" => (CHECKOUT_PAYMENT, "succeeded", None),
        "payment.failed" => (
            CHECKOUT_PAYMENT,
            "failed",
            Some(("card_declined", "The card was declined by the issuer.")),
        ),
        "payment.pending" => (CHECKOUT_PAYMENT, "pending", None),
        "refund.succeeded" => (CHECKOUT_REFUND, "succeeded", None),
        "refund.failed" => (
            CHECKOUT_REFUND,
            "failed",
            Some((
                "insufficient_balance",
                "The account balance does not cover the refund.",
            )),
        ),
        _ => return None,
    };
    let created = js(utc(ctx.now, 3));
    let data = render(
        template,
        &[
            (
                "payment_id",
                js(format!("pay_{}", ctx.rng.chars(BASE62, 24))),
            ),
            ("refund_id", js(format!("re_{}", ctx.rng.chars(BASE62, 24)))),
            ("status", js(status)),
            // A pending payment is typically a bank transfer waiting for funds.
            (
                "payment_method",
                js(if status == "pending" {
                    "bank_transfer"
                } else {
                    "card"
                }),
            ),
            ("failure_code", js_opt(failure.map(|f| f.0))),
            ("failure_message", js_opt(failure.map(|f| f.1))),
            ("created", created.clone()),
        ],
    );
    let id = format!("evt_{}", ctx.rng.chars(BASE62, 24));
    let body = render(
        CHECKOUT_ENVELOPE,
        &[
            ("id", js(&id)),
            ("type", js(event_type)),
            ("created", created),
            (
                "checkout_id",
                js(format!("chk_{}", ctx.rng.chars(BASE62, 24))),
            ),
            ("data", data),
        ],
    );
    Some(event(event_type, id, json_headers(), body))
}

// ---------------------------------------------------------------------------
// USAePay

const USAEPAY_TYPES: &[SampleType] = &[
    sample(
        "cau.submitted",
        "Card has been submitted to processor for update",
    ),
    sample(
        "cau.updated_expiration",
        "An updated expiration date has been received",
    ),
    sample(
        "cau.updated_card",
        "An updated card number has been received",
    ),
    sample(
        "cau.contact_customer",
        "Received message from issuer to contact customer for a new card number",
    ),
    sample(
        "cau.account_closed",
        "Received notification of account closure",
    ),
    sample("ach.submitted", "ACH status updated to submitted"),
    sample("ach.settled", "ACH status updated to settled"),
    sample("ach.returned", "ACH status updated to returned"),
    sample("ach.failed", "ACH status updated to failed"),
    sample("ach.note_added", "Note added to ACH transaction"),
    sample(
        "product.inventory.ordered",
        "The inventory has been adjusted after a sale",
    ),
    sample(
        "product.inventory.adjusted",
        "The inventory has been adjusted in the Products Database",
    ),
    sample(
        "transaction.sale.success",
        "A sale transaction has been approved",
    ),
    sample(
        "transaction.sale.failure",
        "A sale transaction failed - includes declines and errors",
    ),
    sample("transaction.sale.voided", "A sale transaction was voided"),
    sample(
        "transaction.sale.captured",
        "A sale transaction was captured",
    ),
    sample(
        "transaction.sale.adjusted",
        "A sale transaction was adjusted",
    ),
    sample("transaction.sale.queued", "A sale transaction was queued"),
    sample(
        "transaction.sale.unvoided",
        "A voided sale transaction was unvoided",
    ),
    sample(
        "transaction.refund.success",
        "A refund transaction approved",
    ),
    sample("transaction.refund.voided", "A refund transaction voided"),
    sample("settlement.batch.success", "A batch settles successfully"),
    sample(
        "settlement.batch.failure",
        "A batch receives an error when attempting to settle",
    ),
];

/// The merchant key of USAePay's example, so samples group under one merchant.
const USAEPAY_MERCH_KEY: &str = "7qwnw4j2kmqvrb3";

/// The envelope exactly as documented.
const USAEPAY_ENVELOPE: &str = r#"{
  "type": "event",
  "event_triggered": $triggered,
  "event_type": $type,
  "event_body": {
    "merchant": {
      "merch_key": $merch_key
    },
    "object": $object
  },
  "event_id": $id
}"#;

const USAEPAY_TRANSACTION: &str = r#"{
  "type": "transaction",
  "key": $key,
  "refnum": $refnum,
  "trantype": $trantype,
  "result_code": $result_code,
  "result": $result,
  "status": $status,
  "authcode": $authcode,
  "amount_detail": {
    "amount": $amount,
    "tax": "0.00",
    "tip": "0.00"
  },
  "creditcard": {
    "cardholder": "John Doe",
    "number": "4000xxxxxxxx2224"
  },
  "invoice": $invoice
}"#;

/// event type, trantype, result code, result, status, amount.
#[rustfmt::skip]
const USAEPAY_TRANSACTIONS: [(&str, &str, &str, &str, &str, &str); 9] = [
    ("transaction.sale.success",   "Credit Card Sale",   "A", "Approved", "Pending",  "5.00"),
    ("transaction.sale.failure",   "Credit Card Sale",   "D", "Declined", "Declined", "5.00"),
    ("transaction.sale.voided",    "Credit Card Sale",   "A", "Approved", "Voided",   "5.00"),
    ("transaction.sale.captured",  "Credit Card Sale",   "A", "Approved", "Pending",  "5.00"),
    ("transaction.sale.adjusted",  "Credit Card Sale",   "A", "Approved", "Pending",  "7.50"),
    ("transaction.sale.queued",    "Credit Card Sale",   "A", "Approved", "Queued",   "5.00"),
    ("transaction.sale.unvoided",  "Credit Card Sale",   "A", "Approved", "Pending",  "5.00"),
    ("transaction.refund.success", "Credit Card Refund", "A", "Approved", "Pending",  "5.00"),
    ("transaction.refund.voided",  "Credit Card Refund", "A", "Approved", "Voided",   "5.00"),
];

const USAEPAY_ACH: &str = r#"{
  "type": "ach",
  "key": $key,
  "refnum": $refnum,
  "trantype": "Check Sale",
  "status": $status,
  "amount_detail": {
    "amount": "25.00"
  },
  "check": {
    "accountholder": "John Doe",
    "account_type": "checking",
    "account": "xxxxxx4567",
    "routing": "xxxxx0021",
    "checknum": "1042"
  },
  "reason": $reason,
  "note": $note
}"#;

const USAEPAY_CARD_UPDATE: &str = r#"{
  "type": "cau",
  "key": $key,
  "status": $status,
  "customer_key": $customer_key,
  "paymethod_key": $paymethod_key,
  "original": {
    "number": "4000xxxxxxxx2224",
    "expiration": $expiration
  },
  "updated": $updated
}"#;

const USAEPAY_CARD: &str = r#"{
  "number": $number,
  "expiration": $expiration
}"#;

const USAEPAY_PRODUCT: &str = r#"{
  "type": "product",
  "key": $key,
  "product_refnum": $refnum,
  "name": "Travel Mug",
  "sku": "MUG-TRVL-12",
  "price": "19.99",
  "inventory": [
    {
      "inventory_location_key": $location_key,
      "inventory_location_name": "Main Warehouse",
      "qty_on_hand": $qty_on_hand,
      "qty_on_order": "0"
    }
  ]
}"#;

const USAEPAY_BATCH: &str = r#"{
  "type": "batch",
  "key": $key,
  "batchrefnum": $refnum,
  "sequence": $sequence,
  "opened": $opened,
  "closed": $closed,
  "status": $status,
  "error": $error,
  "sales_count": "42",
  "sales_amount": "2841.57",
  "refunds_count": "2",
  "refunds_amount": "61.20",
  "net_amount": "2780.37"
}"#;

/// USAePay's `YYYY-MM-DD HH:MM:SS`. The docs do not say which zone; UTC is
/// the one a handler can check against without guessing.
fn usaepay_time(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%d %H:%M:%S").to_string()
}

fn usaepay(ctx: &mut Ctx, event_type: &'static str) -> Option<SampleEvent> {
    let object = usaepay_object(ctx, event_type)?;
    let id = ctx.rng.hex(32);
    let body = render(
        USAEPAY_ENVELOPE,
        &[
            ("triggered", js(usaepay_time(ctx.now))),
            ("type", js(event_type)),
            ("merch_key", js(USAEPAY_MERCH_KEY)),
            ("object", object),
            ("id", js(&id)),
        ],
    );
    Some(event(event_type, id, json_headers(), body))
}

/// The `event_body.object` of one event: the resource its family is about.
fn usaepay_object(ctx: &mut Ctx, event_type: &str) -> Option<String> {
    let key = js(ctx.rng.chars(LOWER_ALNUM, 15));
    let refnum = js(ctx.rng.number(3_100_000_000..=3_199_999_999).to_string());
    if let Some(&(_, trantype, result_code, result, status, amount)) = USAEPAY_TRANSACTIONS
        .iter()
        .find(|(name, ..)| *name == event_type)
    {
        let authcode = if result_code == "A" {
            ctx.rng.number(100_000..=999_999).to_string()
        } else {
            "000000".to_owned()
        };
        return Some(render(
            USAEPAY_TRANSACTION,
            &[
                ("key", key),
                ("refnum", refnum),
                ("trantype", js(trantype)),
                ("result_code", js(result_code)),
                ("result", js(result)),
                ("status", js(status)),
                ("authcode", js(authcode)),
                ("amount", js(amount)),
                ("invoice", js(ctx.rng.number(10_000..=99_999).to_string())),
            ],
        ));
    }
    let object = match event_type {
        "ach.submitted" | "ach.settled" | "ach.returned" | "ach.failed" | "ach.note_added" => {
            let (status, reason, note) = match event_type {
                "ach.submitted" => ("Submitted", None, None),
                "ach.settled" => ("Settled", None, None),
                "ach.returned" => ("Returned", Some("R01: Insufficient Funds"), None),
                "ach.failed" => ("Failed", Some("Invalid routing number"), None),
                _ => (
                    "Submitted",
                    None,
                    Some("Customer asked to re-present on the 15th"),
                ),
            };
            render(
                USAEPAY_ACH,
                &[
                    ("key", key),
                    ("refnum", refnum),
                    ("status", js(status)),
                    ("reason", js_opt(reason)),
                    ("note", js_opt(note)),
                ],
            )
        }
        "cau.submitted"
        | "cau.updated_expiration"
        | "cau.updated_card"
        | "cau.contact_customer"
        | "cau.account_closed" => {
            // The card on file expires this month; an update extends it three years.
            let expiration = ctx.now.strftime("%m%y").to_string();
            let renewed = months_later(ctx.now, 36).strftime("%m%y").to_string();
            let updated = |number: &str| {
                render(
                    USAEPAY_CARD,
                    &[("number", js(number)), ("expiration", js(&renewed))],
                )
            };
            let (status, updated) = match event_type {
                "cau.submitted" => ("Submitted", NULL.to_owned()),
                "cau.updated_expiration" => ("Updated Expiration", updated("4000xxxxxxxx2224")),
                "cau.updated_card" => ("Updated Card", updated("4000xxxxxxxx0119")),
                "cau.contact_customer" => ("Contact Customer", NULL.to_owned()),
                _ => ("Account Closed", NULL.to_owned()),
            };
            render(
                USAEPAY_CARD_UPDATE,
                &[
                    ("key", key),
                    ("status", js(status)),
                    ("customer_key", js(ctx.rng.chars(LOWER_ALNUM, 15))),
                    ("paymethod_key", js(ctx.rng.chars(LOWER_ALNUM, 15))),
                    ("expiration", js(expiration)),
                    ("updated", updated),
                ],
            )
        }
        "product.inventory.ordered" | "product.inventory.adjusted" => render(
            USAEPAY_PRODUCT,
            &[
                ("key", key),
                ("refnum", refnum),
                ("location_key", js(ctx.rng.chars(LOWER_ALNUM, 15))),
                (
                    "qty_on_hand",
                    js(if event_type == "product.inventory.ordered" {
                        "41"
                    } else {
                        "60"
                    }),
                ),
            ],
        ),
        "settlement.batch.success" | "settlement.batch.failure" => {
            let (status, error) = if event_type == "settlement.batch.success" {
                ("Settled", None)
            } else {
                (
                    "Error",
                    Some("Settlement rejected by processor: host not responding"),
                )
            };
            render(
                USAEPAY_BATCH,
                &[
                    ("key", key),
                    ("refnum", refnum),
                    ("sequence", js(ctx.rng.number(100..=999).to_string())),
                    ("opened", js(usaepay_time(ctx.at(-DAY)))),
                    ("closed", js(usaepay_time(ctx.now))),
                    ("status", js(status)),
                    ("error", js_opt(error)),
                ],
            )
        }
        _ => return None,
    };
    Some(object)
}

// ---------------------------------------------------------------------------
// Kulmi Pay

const KULMIPAY_TYPES: &[SampleType] = &[
    sample(
        "collection_event",
        "Payment invoice state changes (e.g. pending → complete)",
    ),
    sample("send_money_event", "Disbursement file state changes"),
    sample("reversal_event", "Chargebacks and reversals"),
    sample("wallet_transfer_event", "Intra-wallet transfers"),
    sample(
        "subscription_event",
        "Subscription status and billing cycle changes (payload illustrative: not published)",
    ),
];

/// `topic` and `data` as documented; `id` and `created_at` are the event
/// record's (the id a replay is requested with).
/// Kulmi Pay documents a `topic` and the changed resource in `data`; there is
/// no event id.
const KULMIPAY_ENVELOPE: &str = r#"{
  "topic": $topic,
  "created_at": $created_at,
  "data": $data
}"#;

const KULMIPAY_COLLECTION: &str = r#"{
  "id": $invoice_id,
  "invoice_id": $invoice_id,
  "state": "COMPLETE",
  "provider": "M-PESA",
  "charges": "45.00",
  "net_amount": "1455.00",
  "currency": "KES",
  "value": "1500.00",
  "account": "254712345678",
  "api_ref": $api_ref,
  "mpesa_reference": $mpesa_reference,
  "failed_reason": null,
  "created_at": $created_at,
  "updated_at": $updated_at
}"#;

const KULMIPAY_SEND_MONEY: &str = r#"{
  "id": $file_id,
  "file_id": $file_id,
  "tracking_id": $tracking_id,
  "batch_reference": "SUPPLIERS-WEEKLY",
  "status": "Processing payment",
  "status_code": "BP110",
  "total_amount": "18000.00",
  "transactions_count": 1,
  "transactions": [
    {
      "transaction_id": $transaction_id,
      "status": "Payment initiated",
      "status_code": "TP102",
      "provider": "MPESA-B2C",
      "account": "254722000111",
      "amount": "18000.00",
      "charge": "55.00",
      "currency": "KES",
      "narrative": "Supplier payment",
      "provider_reference": null,
      "idempotency_key": $idempotency_key
    }
  ],
  "created_at": $created_at,
  "updated_at": $updated_at
}"#;

const KULMIPAY_REVERSAL: &str = r#"{
  "id": $chargeback_id,
  "chargeback_id": $chargeback_id,
  "transaction": {
    "transaction_id": $transaction_id,
    "currency": "KES",
    "value": "2300.00",
    "narrative": "M-Pesa collection",
    "trans_type": "SALE",
    "status": "CHARGEBACK-PENDING",
    "created_at": $transaction_created_at
  },
  "amount": "2300.00",
  "reason": "Customer disputes the charge",
  "status": "DISPUTED",
  "resolution": null,
  "created_at": $created_at,
  "updated_at": $updated_at
}"#;

const KULMIPAY_WALLET_TRANSFER: &str = r#"{
  "id": $transfer_id,
  "status": "COMPLETED",
  "from_data": {
    "wallet": {
      "wallet_id": "wlt_k3v9q2mz",
      "label": "Settlement KES",
      "currency": "KES",
      "wallet_type": "SETTLEMENT",
      "available_balance": "90000.00"
    },
    "transaction": {
      "transaction_id": $debit_id,
      "currency": "KES",
      "value": "10000.00",
      "running_balance": "90000.00",
      "narrative": "Fund payroll wallet",
      "status": "AVAILABLE",
      "created_at": $created_at
    }
  },
  "to_data": {
    "wallet": {
      "wallet_id": "wlt_p7x4n8rd",
      "label": "Payroll",
      "currency": "KES",
      "wallet_type": "WORKING",
      "available_balance": "10000.00"
    },
    "transaction": {
      "transaction_id": $credit_id,
      "currency": "KES",
      "value": "10000.00",
      "running_balance": "10000.00",
      "narrative": "Fund payroll wallet",
      "status": "AVAILABLE",
      "created_at": $created_at
    }
  },
  "amount": "10000.00"
}"#;

const KULMIPAY_SUBSCRIPTION: &str = r#"{
  "id": $subscription_id,
  "status": "ACTIVE",
  "plan": "Premium monthly",
  "amount": "999.00",
  "currency": "KES",
  "interval": "MONTHLY",
  "account": "254712345678",
  "billing_cycle": 3,
  "current_period_start": $period_start,
  "current_period_end": $period_end,
  "created_at": $created_at,
  "updated_at": $updated_at
}"#;

fn kulmipay(ctx: &mut Ctx, event_type: &'static str) -> Option<SampleEvent> {
    let now = js(utc(ctx.now, 0));
    let data = match event_type {
        "collection_event" => render(
            KULMIPAY_COLLECTION,
            &[
                ("invoice_id", js(ctx.rng.chars(UPPER_ALNUM, 10))),
                (
                    "api_ref",
                    js(format!("ORDER-{}", ctx.rng.number(1000..=9999))),
                ),
                ("mpesa_reference", js(ctx.rng.chars(UPPER_ALNUM, 10))),
                // The customer took under a minute to approve the STK push.
                ("created_at", js(utc(ctx.at(-54), 0))),
                ("updated_at", now.clone()),
            ],
        ),
        "send_money_event" => render(
            KULMIPAY_SEND_MONEY,
            &[
                (
                    "file_id",
                    js(format!("PF_{}", ctx.rng.chars(UPPER_ALNUM, 8))),
                ),
                ("tracking_id", js(ctx.rng.uuid())),
                (
                    "transaction_id",
                    js(format!("TX_{}", ctx.rng.chars(UPPER_ALNUM, 8))),
                ),
                ("idempotency_key", js(ctx.rng.uuid())),
                ("created_at", js(utc(ctx.at(-5 * MINUTE), 0))),
                ("updated_at", now.clone()),
            ],
        ),
        "reversal_event" => render(
            KULMIPAY_REVERSAL,
            &[
                (
                    "chargeback_id",
                    js(format!("CB_{}", ctx.rng.chars(UPPER_ALNUM, 8))),
                ),
                (
                    "transaction_id",
                    js(format!("txn_{}", ctx.rng.chars(LOWER_ALNUM, 10))),
                ),
                ("transaction_created_at", js(utc(ctx.at(-2 * DAY), 0))),
                ("created_at", now.clone()),
                ("updated_at", now.clone()),
            ],
        ),
        "wallet_transfer_event" => render(
            KULMIPAY_WALLET_TRANSFER,
            &[
                (
                    "transfer_id",
                    js(format!("trf_{}", ctx.rng.chars(LOWER_ALNUM, 10))),
                ),
                (
                    "debit_id",
                    js(format!("txn_{}", ctx.rng.chars(LOWER_ALNUM, 10))),
                ),
                (
                    "credit_id",
                    js(format!("txn_{}", ctx.rng.chars(LOWER_ALNUM, 10))),
                ),
                ("created_at", now.clone()),
            ],
        ),
        "subscription_event" => render(
            KULMIPAY_SUBSCRIPTION,
            &[
                (
                    "subscription_id",
                    js(format!("sub_{}", ctx.rng.chars(LOWER_ALNUM, 12))),
                ),
                ("period_start", now.clone()),
                ("period_end", js(utc(months_later(ctx.now, 1), 0))),
                ("created_at", js(utc(months_later(ctx.now, -2), 0))),
                ("updated_at", now.clone()),
            ],
        ),
        _ => return None,
    };
    let body = render(
        KULMIPAY_ENVELOPE,
        &[
            ("topic", js(event_type)),
            ("created_at", now),
            ("data", data),
        ],
    );
    Some(event(event_type, None, json_headers(), body))
}

// ---------------------------------------------------------------------------
// Stripe

const STRIPE_TYPES: &[SampleType] = &[
    sample("payment_intent.succeeded", "A PaymentIntent has succeeded"),
    sample(
        "payment_intent.payment_failed",
        "A payment attempt on a PaymentIntent failed",
    ),
    sample("charge.refunded", "A charge was refunded in full"),
    sample(
        "checkout.session.completed",
        "A Checkout Session was completed and paid",
    ),
    sample(
        "customer.subscription.created",
        "A customer was signed up for a new plan",
    ),
    sample("invoice.paid", "A subscription invoice was paid"),
];

/// The API version the objects below are shaped for.
const STRIPE_API_VERSION: &str = "2024-06-20";

/// Stripe sends its events pretty-printed with two-space indents.
const STRIPE_ENVELOPE: &str = r#"{
  "id": $id,
  "object": "event",
  "api_version": $api_version,
  "created": $created,
  "data": $data,
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": $request_id,
    "idempotency_key": $idempotency_key
  },
  "type": $type
}"#;

const STRIPE_DATA: &str = r#"{
  "object": $object
}"#;

/// `charge.refunded` is an update event: Stripe lists the changed fields'
/// old values.
const STRIPE_DATA_REFUNDED: &str = r#"{
  "object": $object,
  "previous_attributes": {
    "amount_refunded": 0,
    "refunded": false
  }
}"#;

const STRIPE_PAYMENT_INTENT: &str = r#"{
  "id": $pi,
  "object": "payment_intent",
  "amount": 2000,
  "amount_capturable": 0,
  "amount_received": $amount_received,
  "capture_method": "automatic_async",
  "client_secret": $client_secret,
  "confirmation_method": "automatic",
  "created": $created,
  "currency": "usd",
  "customer": null,
  "description": null,
  "last_payment_error": $last_payment_error,
  "latest_charge": $ch,
  "livemode": false,
  "metadata": {
    "order_id": $order_id
  },
  "payment_method": $pm,
  "payment_method_types": [
    "card"
  ],
  "status": $status
}"#;

const STRIPE_CARD_DECLINED: &str = r#"{
  "charge": $ch,
  "code": "card_declined",
  "decline_code": "generic_decline",
  "doc_url": "https://stripe.com/docs/error-codes/card-declined",
  "message": "Your card was declined.",
  "type": "card_error"
}"#;

const STRIPE_CHARGE: &str = r#"{
  "id": $ch,
  "object": "charge",
  "amount": 2000,
  "amount_captured": 2000,
  "amount_refunded": 2000,
  "balance_transaction": $txn,
  "captured": true,
  "created": $created,
  "currency": "usd",
  "customer": null,
  "description": null,
  "livemode": false,
  "metadata": {},
  "paid": true,
  "payment_intent": $pi,
  "payment_method": $pm,
  "refunded": true,
  "status": "succeeded"
}"#;

const STRIPE_CHECKOUT_SESSION: &str = r#"{
  "id": $cs,
  "object": "checkout.session",
  "amount_subtotal": 3000,
  "amount_total": 3000,
  "client_reference_id": null,
  "created": $created,
  "currency": "usd",
  "customer": $cus,
  "customer_details": {
    "email": "jenny.rosen@example.com",
    "name": "Jenny Rosen"
  },
  "expires_at": $expires_at,
  "livemode": false,
  "metadata": {},
  "mode": "payment",
  "payment_intent": $pi,
  "payment_status": "paid",
  "status": "complete",
  "success_url": "https://example.com/checkout/success",
  "url": null
}"#;

const STRIPE_SUBSCRIPTION: &str = r#"{
  "id": $sub,
  "object": "subscription",
  "billing_cycle_anchor": $start,
  "cancel_at_period_end": false,
  "collection_method": "charge_automatically",
  "created": $start,
  "currency": "usd",
  "current_period_end": $period_end,
  "current_period_start": $start,
  "customer": $cus,
  "items": {
    "object": "list",
    "data": [
      {
        "id": $si,
        "object": "subscription_item",
        "created": $start,
        "price": {
          "id": $price,
          "object": "price",
          "currency": "usd",
          "product": $prod,
          "recurring": {
            "interval": "month",
            "interval_count": 1
          },
          "type": "recurring",
          "unit_amount": 1500
        },
        "quantity": 1,
        "subscription": $sub
      }
    ],
    "has_more": false,
    "url": $items_url
  },
  "latest_invoice": $in,
  "livemode": false,
  "metadata": {},
  "start_date": $start,
  "status": "active"
}"#;

const STRIPE_INVOICE: &str = r#"{
  "id": $in,
  "object": "invoice",
  "amount_due": 1500,
  "amount_paid": 1500,
  "amount_remaining": 0,
  "billing_reason": "subscription_cycle",
  "collection_method": "charge_automatically",
  "created": $created,
  "currency": "usd",
  "customer": $cus,
  "customer_email": "jenny.rosen@example.com",
  "livemode": false,
  "number": $number,
  "paid": true,
  "period_end": $period_end,
  "period_start": $period_start,
  "status": "paid",
  "status_transitions": {
    "finalized_at": $created,
    "paid_at": $paid_at
  },
  "subscription": $sub,
  "total": 1500
}"#;

fn stripe(ctx: &mut Ctx, event_type: &'static str) -> Option<SampleEvent> {
    let now = ctx.now.as_second().to_string();
    let pi_id = stripe_id(&mut ctx.rng, "pi");
    let pi = js(&pi_id);
    let ch = js(stripe_id(&mut ctx.rng, "ch"));
    let pm = js(stripe_id(&mut ctx.rng, "pm"));
    let cus = js(format!("cus_{}", ctx.rng.chars(BASE62, 14)));
    // Events that follow an API call name its request; those Stripe raises
    // on its own (a customer paying, a renewal) carry nulls.
    let from_api = !matches!(event_type, "checkout.session.completed" | "invoice.paid");
    let (data_template, object) = match event_type {
        "payment_intent.succeeded" | "payment_intent.payment_failed" => {
            let succeeded = event_type == "payment_intent.succeeded";
            let secret = format!("{pi_id}_secret_{}", ctx.rng.chars(BASE62, 25));
            let object = render_pretty(
                STRIPE_PAYMENT_INTENT,
                &[
                    ("pi", pi),
                    (
                        "amount_received",
                        if succeeded { "2000" } else { "0" }.to_owned(),
                    ),
                    ("client_secret", js(secret)),
                    ("created", ctx.at(-5).as_second().to_string()),
                    (
                        "last_payment_error",
                        if succeeded {
                            NULL.to_owned()
                        } else {
                            render_pretty(STRIPE_CARD_DECLINED, &[("ch", ch.clone())])
                        },
                    ),
                    ("ch", ch),
                    ("order_id", js(ctx.rng.number(1000..=9999).to_string())),
                    ("pm", pm),
                    (
                        "status",
                        js(if succeeded {
                            "succeeded"
                        } else {
                            "requires_payment_method"
                        }),
                    ),
                ],
            );
            (STRIPE_DATA, object)
        }
        "charge.refunded" => {
            let object = render_pretty(
                STRIPE_CHARGE,
                &[
                    ("ch", ch),
                    ("txn", js(stripe_id(&mut ctx.rng, "txn"))),
                    ("created", ctx.at(-DAY).as_second().to_string()),
                    ("pi", pi),
                    ("pm", pm),
                ],
            );
            (STRIPE_DATA_REFUNDED, object)
        }
        "checkout.session.completed" => {
            let created = ctx.at(-4 * MINUTE);
            let object = render_pretty(
                STRIPE_CHECKOUT_SESSION,
                &[
                    ("cs", js(format!("cs_test_a1{}", ctx.rng.chars(BASE62, 56)))),
                    ("created", created.as_second().to_string()),
                    ("cus", cus),
                    ("expires_at", add(created, DAY).as_second().to_string()),
                    ("pi", pi),
                ],
            );
            (STRIPE_DATA, object)
        }
        "customer.subscription.created" => {
            let sub = stripe_id(&mut ctx.rng, "sub");
            let object = render_pretty(
                STRIPE_SUBSCRIPTION,
                &[
                    ("sub", js(&sub)),
                    ("start", now.clone()),
                    (
                        "period_end",
                        months_later(ctx.now, 1).as_second().to_string(),
                    ),
                    ("cus", cus),
                    ("si", js(format!("si_{}", ctx.rng.chars(BASE62, 14)))),
                    ("price", js(stripe_id(&mut ctx.rng, "price"))),
                    ("prod", js(format!("prod_{}", ctx.rng.chars(BASE62, 14)))),
                    (
                        "items_url",
                        js(format!("/v1/subscription_items?subscription={sub}")),
                    ),
                    ("in", js(stripe_id(&mut ctx.rng, "in"))),
                ],
            );
            (STRIPE_DATA, object)
        }
        "invoice.paid" => {
            // Renewal invoices are drafted an hour before they are finalized
            // and paid.
            let created = ctx.at(-HOUR);
            let number = format!(
                "{}-{:04}",
                ctx.rng.hex(4).to_uppercase(),
                ctx.rng.number(2..=24)
            );
            let object = render_pretty(
                STRIPE_INVOICE,
                &[
                    ("in", js(stripe_id(&mut ctx.rng, "in"))),
                    ("created", created.as_second().to_string()),
                    ("cus", cus),
                    ("number", js(number)),
                    ("period_end", created.as_second().to_string()),
                    (
                        "period_start",
                        months_later(created, -1).as_second().to_string(),
                    ),
                    ("paid_at", now.clone()),
                    ("sub", js(stripe_id(&mut ctx.rng, "sub"))),
                ],
            );
            (STRIPE_DATA, object)
        }
        _ => return None,
    };
    let (request_id, idempotency_key) = if from_api {
        (
            js(format!("req_{}", ctx.rng.chars(BASE62, 14))),
            js(ctx.rng.uuid()),
        )
    } else {
        (NULL.to_owned(), NULL.to_owned())
    };
    let id = stripe_id(&mut ctx.rng, "evt");
    let body = render_pretty(
        STRIPE_ENVELOPE,
        &[
            ("id", js(&id)),
            ("api_version", js(STRIPE_API_VERSION)),
            ("created", now),
            ("data", render_pretty(data_template, &[("object", object)])),
            ("request_id", request_id),
            ("idempotency_key", idempotency_key),
            ("type", js(event_type)),
        ],
    );
    let headers = headers(&[
        ("Content-Type", "application/json; charset=utf-8"),
        (
            "User-Agent",
            "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        ),
    ]);
    Some(event(event_type, id, headers, body))
}

/// Stripe object ids: a type prefix and 24 base62 characters.
fn stripe_id(rng: &mut Rng, prefix: &str) -> String {
    format!("{prefix}_{}", rng.chars(BASE62, 24))
}

// ---------------------------------------------------------------------------
// GitHub

const GITHUB_TYPES: &[SampleType] = &[
    sample("ping", "Sent once when the webhook is created"),
    sample("push", "Commits were pushed to a branch"),
    sample(
        "pull_request",
        "A pull request was opened (action \"opened\")",
    ),
    sample("issues", "An issue was opened (action \"opened\")"),
    sample("release", "A release was published (action \"published\")"),
];

/// One webhook on one repository: a hook's id and its repository stay the
/// same across deliveries.
const GITHUB_HOOK_ID: u64 = 498_734_112;
const GITHUB_REPO_ID: u64 = 1_296_269;
const GITHUB_REPO_CREATED: i64 = 1_296_068_472;

const GITHUB_USER: &str = r#"{
  "login": "octocat",
  "id": 583231,
  "node_id": "MDQ6VXNlcjU4MzIzMQ==",
  "avatar_url": "https://avatars.githubusercontent.com/u/583231?v=4",
  "url": "https://api.github.com/users/octocat",
  "html_url": "https://github.com/octocat",
  "type": "User",
  "site_admin": false
}"#;

const GITHUB_REPOSITORY: &str = r#"{
  "id": $repo_id,
  "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5",
  "name": "Hello-World",
  "full_name": "octocat/Hello-World",
  "private": false,
  "owner": $owner,
  "html_url": "https://github.com/octocat/Hello-World",
  "description": "My first repository on GitHub!",
  "fork": false,
  "url": "https://api.github.com/repos/octocat/Hello-World",
  "created_at": $created_at,
  "updated_at": $updated_at,
  "pushed_at": $pushed_at,
  "git_url": "git://github.com/octocat/Hello-World.git",
  "ssh_url": "git@github.com:octocat/Hello-World.git",
  "clone_url": "https://github.com/octocat/Hello-World.git",
  "homepage": null,
  "size": 1,
  "stargazers_count": 80,
  "watchers_count": 80,
  "language": null,
  "forks_count": 9,
  "open_issues_count": 3,
  "default_branch": "main",
  "visibility": "public"
}"#;

const GITHUB_PING: &str = r#"{
  "zen": "Design for failure.",
  "hook_id": $hook_id,
  "hook": {
    "type": "Repository",
    "id": $hook_id,
    "name": "web",
    "active": true,
    "events": ["issues", "pull_request", "push", "release"],
    "config": {
      "content_type": "json",
      "insecure_ssl": "0",
      "url": "https://example.com/webhooks/github"
    },
    "updated_at": $now,
    "created_at": $now,
    "url": $hook_url,
    "test_url": $test_url,
    "ping_url": $ping_url,
    "deliveries_url": $deliveries_url,
    "last_response": {
      "code": null,
      "status": "unused",
      "message": null
    }
  },
  "repository": $repository,
  "sender": $sender
}"#;

const GITHUB_PUSH: &str = r#"{
  "ref": "refs/heads/main",
  "before": $before,
  "after": $after,
  "repository": $repository,
  "pusher": {
    "name": "octocat",
    "email": "octocat@github.com"
  },
  "sender": $sender,
  "created": false,
  "deleted": false,
  "forced": false,
  "base_ref": null,
  "compare": $compare,
  "commits": [$commit],
  "head_commit": $commit
}"#;

const GITHUB_COMMIT: &str = r#"{
  "id": $sha,
  "tree_id": $tree_id,
  "distinct": true,
  "message": "Fix typo in README",
  "timestamp": $timestamp,
  "url": $url,
  "author": {
    "name": "The Octocat",
    "email": "octocat@github.com",
    "username": "octocat"
  },
  "committer": {
    "name": "GitHub",
    "email": "noreply@github.com",
    "username": "web-flow"
  },
  "added": [],
  "removed": [],
  "modified": ["README.md"]
}"#;

const GITHUB_PULL_REQUEST: &str = r#"{
  "action": "opened",
  "number": $number,
  "pull_request": {
    "url": $api_url,
    "id": $pr_id,
    "html_url": $html_url,
    "number": $number,
    "state": "open",
    "locked": false,
    "title": "Explain the setup steps in the README",
    "user": $sender,
    "body": "Adds the two steps new contributors keep asking about.",
    "created_at": $now,
    "updated_at": $now,
    "closed_at": null,
    "merged_at": null,
    "merge_commit_sha": null,
    "draft": false,
    "head": {
      "label": "octocat:docs/setup",
      "ref": "docs/setup",
      "sha": $head_sha
    },
    "base": {
      "label": "octocat:main",
      "ref": "main",
      "sha": $base_sha
    },
    "author_association": "OWNER",
    "merged": false,
    "mergeable": null,
    "comments": 0,
    "review_comments": 0,
    "commits": 1,
    "additions": 12,
    "deletions": 1,
    "changed_files": 1
  },
  "repository": $repository,
  "sender": $sender
}"#;

const GITHUB_ISSUE: &str = r#"{
  "action": "opened",
  "issue": {
    "url": $api_url,
    "html_url": $html_url,
    "id": $issue_id,
    "number": $number,
    "title": "Typo in the README",
    "user": $sender,
    "labels": [],
    "state": "open",
    "locked": false,
    "assignee": null,
    "assignees": [],
    "comments": 0,
    "created_at": $now,
    "updated_at": $now,
    "closed_at": null,
    "author_association": "OWNER",
    "body": "The second paragraph says \"recieve\"."
  },
  "repository": $repository,
  "sender": $sender
}"#;

const GITHUB_RELEASE: &str = r#"{
  "action": "published",
  "release": {
    "url": $api_url,
    "html_url": $html_url,
    "id": $release_id,
    "tag_name": $tag,
    "target_commitish": "main",
    "name": $tag,
    "draft": false,
    "prerelease": false,
    "author": $sender,
    "created_at": $created_at,
    "published_at": $now,
    "assets": [],
    "tarball_url": $tarball_url,
    "zipball_url": $zipball_url,
    "body": "Bug fixes and a faster startup."
  },
  "repository": $repository,
  "sender": $sender
}"#;

fn github(ctx: &mut Ctx, event_type: &'static str) -> Option<SampleEvent> {
    const REPO_API: &str = "https://api.github.com/repos/octocat/Hello-World";
    const REPO_HTML: &str = "https://github.com/octocat/Hello-World";
    let now = js(utc(ctx.now, 0));
    let sender = render(GITHUB_USER, &[]);
    let at = ctx.now;
    // Events other than a push find the repository as it was at its last push.
    let repository = |push: bool| {
        let pushed = if push { at } else { add(at, -DAY) };
        github_repository(pushed, push, &sender)
    };
    let body = match event_type {
        "ping" => {
            let hook_url = format!("{REPO_API}/hooks/{GITHUB_HOOK_ID}");
            render(
                GITHUB_PING,
                &[
                    ("hook_id", GITHUB_HOOK_ID.to_string()),
                    ("now", now),
                    ("test_url", js(format!("{hook_url}/test"))),
                    ("ping_url", js(format!("{hook_url}/pings"))),
                    ("deliveries_url", js(format!("{hook_url}/deliveries"))),
                    ("hook_url", js(hook_url)),
                    ("repository", repository(false)),
                    ("sender", sender.clone()),
                ],
            )
        }
        "push" => {
            let before = ctx.rng.hex(20);
            let after = ctx.rng.hex(20);
            let commit = render(
                GITHUB_COMMIT,
                &[
                    ("sha", js(&after)),
                    ("tree_id", js(ctx.rng.hex(20))),
                    (
                        "timestamp",
                        js(format!("{:.0}", ctx.now.display_with_offset(Offset::UTC))),
                    ),
                    ("url", js(format!("{REPO_HTML}/commit/{after}"))),
                ],
            );
            render(
                GITHUB_PUSH,
                &[
                    (
                        "compare",
                        js(format!(
                            "{REPO_HTML}/compare/{}...{}",
                            &before[..12],
                            &after[..12]
                        )),
                    ),
                    ("before", js(before)),
                    ("after", js(after)),
                    ("repository", repository(true)),
                    ("sender", sender.clone()),
                    ("commit", commit),
                ],
            )
        }
        "pull_request" => {
            let number = ctx.rng.number(2..=400);
            render(
                GITHUB_PULL_REQUEST,
                &[
                    ("number", number.to_string()),
                    ("api_url", js(format!("{REPO_API}/pulls/{number}"))),
                    ("html_url", js(format!("{REPO_HTML}/pull/{number}"))),
                    (
                        "pr_id",
                        ctx.rng.number(1_000_000_000..=2_999_999_999).to_string(),
                    ),
                    ("now", now),
                    ("head_sha", js(ctx.rng.hex(20))),
                    ("base_sha", js(ctx.rng.hex(20))),
                    ("repository", repository(false)),
                    ("sender", sender.clone()),
                ],
            )
        }
        "issues" => {
            let number = ctx.rng.number(2..=400);
            render(
                GITHUB_ISSUE,
                &[
                    ("api_url", js(format!("{REPO_API}/issues/{number}"))),
                    ("html_url", js(format!("{REPO_HTML}/issues/{number}"))),
                    (
                        "issue_id",
                        ctx.rng.number(1_000_000_000..=2_999_999_999).to_string(),
                    ),
                    ("number", number.to_string()),
                    ("now", now),
                    ("repository", repository(false)),
                    ("sender", sender.clone()),
                ],
            )
        }
        "release" => {
            let release_id = ctx.rng.number(100_000_000..=299_999_999);
            let tag = format!("v1.{}.{}", ctx.rng.number(0..=20), ctx.rng.number(0..=9));
            render(
                GITHUB_RELEASE,
                &[
                    ("api_url", js(format!("{REPO_API}/releases/{release_id}"))),
                    ("html_url", js(format!("{REPO_HTML}/releases/tag/{tag}"))),
                    ("release_id", release_id.to_string()),
                    ("created_at", js(utc(ctx.at(-10 * MINUTE), 0))),
                    ("now", now),
                    ("tarball_url", js(format!("{REPO_API}/tarball/{tag}"))),
                    ("zipball_url", js(format!("{REPO_API}/zipball/{tag}"))),
                    ("tag", js(tag)),
                    ("repository", repository(false)),
                    ("sender", sender.clone()),
                ],
            )
        }
        _ => return None,
    };
    let delivery = ctx.rng.uuid();
    let headers = headers(&[
        ("Content-Type", "application/json"),
        ("User-Agent", "GitHub-Hookshot/7e1b3c4"),
        ("X-GitHub-Event", event_type),
        ("X-GitHub-Delivery", &delivery),
        ("X-GitHub-Hook-ID", &GITHUB_HOOK_ID.to_string()),
        (
            "X-GitHub-Hook-Installation-Target-ID",
            &GITHUB_REPO_ID.to_string(),
        ),
        ("X-GitHub-Hook-Installation-Target-Type", "repository"),
    ]);
    Some(event(event_type, delivery, headers, body))
}

/// The repository as events of one kind show it; `now` is the last push.
fn github_repository(now: Timestamp, push: bool, owner: &str) -> String {
    let created = Timestamp::from_second(GITHUB_REPO_CREATED).unwrap_or(Timestamp::UNIX_EPOCH);
    // Push events give the repository's times as Unix seconds, every other
    // event as RFC 3339 strings.
    let time = |ts: Timestamp| {
        if push {
            ts.as_second().to_string()
        } else {
            js(utc(ts, 0))
        }
    };
    render(
        GITHUB_REPOSITORY,
        &[
            ("repo_id", GITHUB_REPO_ID.to_string()),
            ("owner", owner.to_owned()),
            ("created_at", time(created)),
            // The repository's metadata changes on every push.
            ("updated_at", js(utc(now, 0))),
            ("pushed_at", time(now)),
        ],
    )
}

// ---------------------------------------------------------------------------
// Shopify

const SHOPIFY_TYPES: &[SampleType] = &[
    sample("orders/create", "An order was created"),
    sample("orders/paid", "An order's payment was completed"),
    sample("refunds/create", "A refund was issued on an order"),
    sample("products/update", "A product was updated"),
    sample("app/uninstalled", "The app was uninstalled from the shop"),
];

const SHOPIFY_SHOP_DOMAIN: &str = "hooklens-demo.myshopify.com";
const SHOPIFY_SHOP_ID: u64 = 60_412_887_171;
const SHOPIFY_API_VERSION: &str = "2025-07";
/// Shopify writes times in the shop's zone; America/Bogota keeps one offset
/// all year, so a fixed offset is exact.
const SHOPIFY_OFFSET: Offset = tz::offset(-5);

const SHOPIFY_ORDER: &str = r#"{
  "id": $order_id,
  "admin_graphql_api_id": $order_gid,
  "confirmation_number": $confirmation_number,
  "contact_email": "bob.norman@example.com",
  "created_at": $created_at,
  "currency": "USD",
  "current_subtotal_price": "179.98",
  "current_total_price": "194.38",
  "current_total_tax": "14.40",
  "email": "bob.norman@example.com",
  "financial_status": $financial_status,
  "fulfillment_status": null,
  "name": $name,
  "order_number": $order_number,
  "presentment_currency": "USD",
  "processed_at": $created_at,
  "subtotal_price": "179.98",
  "tags": "",
  "test": false,
  "total_price": "194.38",
  "total_tax": "14.40",
  "updated_at": $updated_at,
  "customer": {
    "id": $customer_id,
    "email": "bob.norman@example.com",
    "first_name": "Bob",
    "last_name": "Norman"
  },
  "line_items": [
    {
      "id": $line_item_id,
      "admin_graphql_api_id": $line_item_gid,
      "name": "Aviator sunglasses",
      "price": "89.99",
      "product_id": $product_id,
      "quantity": 2,
      "sku": "SUN-AVI-01",
      "title": "Aviator sunglasses",
      "variant_id": $variant_id,
      "variant_title": null,
      "vendor": "Hooklens Demo"
    }
  ]
}"#;

const SHOPIFY_REFUND: &str = r#"{
  "id": $refund_id,
  "admin_graphql_api_id": $refund_gid,
  "created_at": $now,
  "note": "Customer returned one pair",
  "order_id": $order_id,
  "processed_at": $now,
  "user_id": null,
  "refund_line_items": [
    {
      "id": $refund_line_item_id,
      "line_item_id": $line_item_id,
      "quantity": 1,
      "restock_type": "return",
      "subtotal": 89.99,
      "total_tax": 7.2
    }
  ],
  "transactions": [
    {
      "id": $transaction_id,
      "amount": "97.19",
      "created_at": $now,
      "currency": "USD",
      "gateway": "shopify_payments",
      "kind": "refund",
      "order_id": $order_id,
      "processed_at": $now,
      "status": "success",
      "test": false
    }
  ],
  "order_adjustments": []
}"#;

const SHOPIFY_PRODUCT: &str = r#"{
  "admin_graphql_api_id": $product_gid,
  "body_html": "<p>Polarised lenses in a lightweight frame.</p>",
  "created_at": $created_at,
  "handle": "aviator-sunglasses",
  "id": $product_id,
  "product_type": "Accessories",
  "published_at": $created_at,
  "template_suffix": null,
  "title": "Aviator sunglasses",
  "updated_at": $now,
  "vendor": "Hooklens Demo",
  "status": "active",
  "published_scope": "global",
  "tags": "summer, sunglasses",
  "variants": [
    {
      "admin_graphql_api_id": $variant_gid,
      "barcode": null,
      "compare_at_price": "109.99",
      "created_at": $created_at,
      "id": $variant_id,
      "inventory_policy": "deny",
      "position": 1,
      "price": "89.99",
      "product_id": $product_id,
      "sku": "SUN-AVI-01",
      "taxable": true,
      "title": "Default Title",
      "updated_at": $now,
      "inventory_quantity": 41
    }
  ],
  "options": [
    {
      "name": "Title",
      "id": $option_id,
      "product_id": $product_id,
      "position": 1,
      "values": ["Default Title"]
    }
  ],
  "images": [],
  "image": null
}"#;

const SHOPIFY_SHOP: &str = r#"{
  "id": $shop_id,
  "name": "Hooklens Demo",
  "email": "owner@hooklens-demo.example",
  "domain": $shop_domain,
  "province": "Bogota, D.C.",
  "country": "CO",
  "address1": "Carrera 7 71-21",
  "zip": "110231",
  "city": "Bogota",
  "phone": "",
  "created_at": $created_at,
  "updated_at": $now,
  "country_code": "CO",
  "country_name": "Colombia",
  "currency": "USD",
  "customer_email": null,
  "timezone": "(GMT-05:00) America/Bogota",
  "iana_timezone": "America/Bogota",
  "shop_owner": "Ana Gomez",
  "money_format": "${{amount}}",
  "weight_unit": "kg",
  "plan_name": "basic",
  "plan_display_name": "Basic",
  "myshopify_domain": $shop_domain,
  "primary_locale": "en"
}"#;

fn shopify_time(ts: Timestamp) -> String {
    format!("{:.0}", ts.display_with_offset(SHOPIFY_OFFSET))
}

fn shopify(ctx: &mut Ctx, event_type: &'static str) -> Option<SampleEvent> {
    // Shopify's REST ids are 13-digit integers, sent as JSON numbers.
    const IDS: std::ops::RangeInclusive<u64> = 5_000_000_000_000..=7_999_999_999_999;
    let now = js(shopify_time(ctx.now));
    let gid = |kind: &str, id: u64| js(format!("gid://shopify/{kind}/{id}"));
    let order_id = ctx.rng.number(IDS);
    let product_id = ctx.rng.number(IDS);
    let variant_id = ctx.rng.number(IDS);
    let line_item_id = ctx.rng.number(IDS);
    let body = match event_type {
        "orders/create" | "orders/paid" => {
            let paid = event_type == "orders/paid";
            // Payment lands a few minutes after the order for deferred methods.
            let created = if paid { ctx.at(-3 * MINUTE) } else { ctx.now };
            let order_number = ctx.rng.number(1001..=9999);
            render(
                SHOPIFY_ORDER,
                &[
                    ("order_id", order_id.to_string()),
                    ("order_gid", gid("Order", order_id)),
                    ("confirmation_number", js(ctx.rng.chars(UPPER_ALNUM, 9))),
                    ("created_at", js(shopify_time(created))),
                    (
                        "financial_status",
                        js(if paid { "paid" } else { "pending" }),
                    ),
                    ("name", js(format!("#{order_number}"))),
                    ("order_number", order_number.to_string()),
                    ("updated_at", now),
                    ("customer_id", ctx.rng.number(IDS).to_string()),
                    ("line_item_id", line_item_id.to_string()),
                    ("line_item_gid", gid("LineItem", line_item_id)),
                    ("product_id", product_id.to_string()),
                    ("variant_id", variant_id.to_string()),
                ],
            )
        }
        "refunds/create" => {
            let refund_id = ctx.rng.number(IDS);
            render(
                SHOPIFY_REFUND,
                &[
                    ("refund_id", refund_id.to_string()),
                    ("refund_gid", gid("Refund", refund_id)),
                    ("now", now),
                    ("order_id", order_id.to_string()),
                    ("refund_line_item_id", ctx.rng.number(IDS).to_string()),
                    ("line_item_id", line_item_id.to_string()),
                    ("transaction_id", ctx.rng.number(IDS).to_string()),
                ],
            )
        }
        "products/update" => render(
            SHOPIFY_PRODUCT,
            &[
                ("product_gid", gid("Product", product_id)),
                ("created_at", js(shopify_time(months_later(ctx.now, -2)))),
                ("product_id", product_id.to_string()),
                ("now", now),
                ("variant_gid", gid("ProductVariant", variant_id)),
                ("variant_id", variant_id.to_string()),
                ("option_id", ctx.rng.number(IDS).to_string()),
            ],
        ),
        "app/uninstalled" => render(
            SHOPIFY_SHOP,
            &[
                ("shop_id", SHOPIFY_SHOP_ID.to_string()),
                ("shop_domain", js(SHOPIFY_SHOP_DOMAIN)),
                ("created_at", js(shopify_time(months_later(ctx.now, -14)))),
                ("now", now),
            ],
        ),
        _ => return None,
    };
    let event_id = ctx.rng.uuid();
    let headers = headers(&[
        ("Content-Type", "application/json"),
        ("X-Shopify-Topic", event_type),
        ("X-Shopify-Shop-Domain", SHOPIFY_SHOP_DOMAIN),
        ("X-Shopify-API-Version", SHOPIFY_API_VERSION),
        ("X-Shopify-Webhook-Id", &ctx.rng.uuid()),
        ("X-Shopify-Event-Id", &event_id),
        ("X-Shopify-Triggered-At", &utc(ctx.now, 9)),
    ]);
    Some(event(event_type, event_id, headers, body))
}

// ---------------------------------------------------------------------------
// Slack

const SLACK_TYPES: &[SampleType] = &[
    sample(
        "url_verification",
        "Slack checks the Request URL; the handler must answer with the challenge",
    ),
    sample(
        "app_mention",
        "The app was mentioned in a channel (an event_callback)",
    ),
    sample(
        "message",
        "A message was posted in a channel the app is in (an event_callback)",
    ),
];

const SLACK_TEAM_ID: &str = "T061EG9R6";
/// The app's verification token (deprecated, still sent).
const SLACK_TOKEN: &str = "ZkXJ3c9v1Qp4Lw7sT2nB8yHd";

const SLACK_URL_VERIFICATION: &str = r#"{
  "token": $token,
  "challenge": $challenge,
  "type": "url_verification"
}"#;

const SLACK_EVENT_CALLBACK: &str = r#"{
  "token": $token,
  "team_id": $team_id,
  "api_app_id": "A0KRD7HC3",
  "event": $event,
  "type": "event_callback",
  "event_id": $event_id,
  "event_time": $event_time,
  "authorizations": [
    {
      "enterprise_id": null,
      "team_id": $team_id,
      "user_id": "U0LAN0Z89",
      "is_bot": true,
      "is_enterprise_install": false
    }
  ],
  "is_ext_shared_channel": false
}"#;

const SLACK_APP_MENTION: &str = r#"{
  "type": "app_mention",
  "user": "U061F7AUR",
  "text": "<@U0LAN0Z89> is the deploy done?",
  "ts": $ts,
  "channel": "C0LAN2Q65",
  "event_ts": $ts
}"#;

const SLACK_MESSAGE: &str = r#"{
  "type": "message",
  "channel": "C0LAN2Q65",
  "user": "U061F7AUR",
  "text": "Deploy finished :tada:",
  "ts": $ts,
  "event_ts": $ts,
  "channel_type": "channel"
}"#;

fn slack(ctx: &mut Ctx, event_type: &'static str) -> Option<SampleEvent> {
    let (event_id, body) = match event_type {
        // A verification request has no event id; its challenge is the one
        // value that is fresh each time, so it stands in.
        "url_verification" => {
            let challenge = ctx.rng.chars(BASE62, 52);
            let body = render(
                SLACK_URL_VERIFICATION,
                &[("token", js(SLACK_TOKEN)), ("challenge", js(&challenge))],
            );
            (challenge, body)
        }
        "app_mention" | "message" => {
            let template = if event_type == "app_mention" {
                SLACK_APP_MENTION
            } else {
                SLACK_MESSAGE
            };
            // Slack's message ts: Unix seconds and microseconds.
            let ts = format!(
                "{}.{:06}",
                ctx.now.as_second(),
                ctx.now.subsec_microsecond()
            );
            let event_id = format!("Ev{}", ctx.rng.chars(UPPER_ALNUM, 10));
            let body = render(
                SLACK_EVENT_CALLBACK,
                &[
                    ("token", js(SLACK_TOKEN)),
                    ("team_id", js(SLACK_TEAM_ID)),
                    ("event", render(template, &[("ts", js(ts))])),
                    ("event_id", js(&event_id)),
                    ("event_time", ctx.now.as_second().to_string()),
                ],
            );
            (event_id, body)
        }
        _ => return None,
    };
    let headers = headers(&[
        ("Content-Type", "application/json"),
        ("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)"),
    ]);
    Some(event(event_type, event_id, headers, body))
}

// ---------------------------------------------------------------------------
// Standard Webhooks

const STANDARD_WEBHOOKS_TYPES: &[SampleType] = &[
    sample("user.created", "A user was created (generic example)"),
    sample("invoice.paid", "An invoice was paid (generic example)"),
    sample(
        "contact.created",
        "A contact was created (the specification's own example)",
    ),
];

/// The specification's payload structure: the id travels in `webhook-id`,
/// not in the body.
const STANDARD_WEBHOOKS_EVENT: &str = r#"{
  "type": $type,
  "timestamp": $timestamp,
  "data": $data
}"#;

const STANDARD_WEBHOOKS_USER: &str = r#"{
  "id": $id,
  "type": "user",
  "email": "jane.doe@example.com",
  "name": "Jane Doe",
  "created_at": $now
}"#;

const STANDARD_WEBHOOKS_INVOICE: &str = r#"{
  "id": $id,
  "type": "invoice",
  "customer_id": $customer_id,
  "amount": 4200,
  "currency": "USD",
  "status": "paid",
  "paid_at": $now
}"#;

const STANDARD_WEBHOOKS_CONTACT: &str = r#"{
  "id": $id,
  "type": "contact"
}"#;

fn standard_webhooks(ctx: &mut Ctx, event_type: &'static str) -> Option<SampleEvent> {
    let now = js(utc(ctx.now, 6));
    let data = match event_type {
        "user.created" => render(
            STANDARD_WEBHOOKS_USER,
            &[
                ("id", js(format!("user_{}", ctx.rng.chars(BASE62, 24)))),
                ("now", now.clone()),
            ],
        ),
        "invoice.paid" => render(
            STANDARD_WEBHOOKS_INVOICE,
            &[
                ("id", js(format!("inv_{}", ctx.rng.chars(BASE62, 24)))),
                (
                    "customer_id",
                    js(format!("cus_{}", ctx.rng.chars(BASE62, 24))),
                ),
                ("now", now.clone()),
            ],
        ),
        "contact.created" => render(STANDARD_WEBHOOKS_CONTACT, &[("id", js(ctx.rng.uuid()))]),
        _ => return None,
    };
    // Message ids as Svix makes them: `msg_` and 27 base62 characters.
    let id = format!("msg_{}", ctx.rng.chars(BASE62, 27));
    let body = render(
        STANDARD_WEBHOOKS_EVENT,
        &[("type", js(event_type)), ("timestamp", now), ("data", data)],
    );
    Some(event(event_type, id, json_headers(), body))
}

// ---------------------------------------------------------------------------
// Building blocks

fn event(
    event_type: &str,
    event_id: impl Into<Option<String>>,
    headers: Vec<(String, String)>,
    body: String,
) -> SampleEvent {
    SampleEvent {
        event_type: event_type.to_owned(),
        event_id: event_id.into(),
        headers,
        body: body.into_bytes(),
    }
}

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

fn json_headers() -> Vec<(String, String)> {
    headers(&[("Content-Type", "application/json")])
}

const NULL: &str = "null";

/// `text` as a JSON string literal.
fn js(text: impl Into<String>) -> String {
    Value::String(text.into()).to_string()
}

fn js_opt(text: Option<&str>) -> String {
    text.map_or_else(|| NULL.to_owned(), js)
}

/// Renders `template` compactly, as most providers send JSON.
fn render(template: &str, vars: &[(&str, String)]) -> String {
    render_with(template, vars, Layout::Compact)
}

/// Renders `template` keeping its line breaks and indentation.
fn render_pretty(template: &str, vars: &[(&str, String)]) -> String {
    render_with(template, vars, Layout::Pretty)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// No whitespace outside strings.
    Compact,
    /// As written; a multi-line value is indented to where it is placed.
    Pretty,
}

/// Replaces each `$name` outside JSON strings with the JSON text bound to
/// `name`. An unbound placeholder is left as it is: the result is then not
/// JSON, which the tests catch for every sample.
fn render_with(template: &str, vars: &[(&str, String)], layout: Layout) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut in_string = false;
    let mut escaped = false;
    let mut resume_at = 0;
    for (i, c) in template.char_indices() {
        if i < resume_at {
            continue;
        }
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '$' => {
                let rest = &template[i + 1..];
                let len = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                match vars.iter().find(|(name, _)| *name == &rest[..len]) {
                    Some((_, value)) => {
                        // Values are JSON already; rendering one again only
                        // brings its layout in line with the template's.
                        let value = render_with(value, &[], layout);
                        match layout {
                            Layout::Compact => out.push_str(&value),
                            Layout::Pretty => {
                                let line = &out[out.rfind('\n').map_or(0, |n| n + 1)..];
                                let indent = line.len() - line.trim_start().len();
                                let newline = format!("\n{}", " ".repeat(indent));
                                out.push_str(&value.replace('\n', &newline));
                            }
                        }
                        resume_at = i + 1 + len;
                    }
                    None => out.push(c),
                }
            }
            c if c.is_ascii_whitespace() && layout == Layout::Compact => {}
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Time

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// RFC 3339 in UTC (`Z`) with exactly `digits` fractional digits.
fn utc(ts: Timestamp, digits: usize) -> String {
    format!("{ts:.digits$}")
}

/// `ts` moved by `seconds`, held at the edge of jiff's range rather than
/// failing: a sample of an absurd time is still a sample.
fn add(ts: Timestamp, seconds: i64) -> Timestamp {
    ts.saturating_add(SignedDuration::from_secs(seconds))
        .unwrap_or(ts)
}

/// `ts` moved by whole calendar months in UTC, as billing periods are.
fn months_later(ts: Timestamp, months: i64) -> Timestamp {
    ts.to_zoned_datetime(TimeZone::UTC)
        .checked_add(months.months())
        .map_or(ts, |later| later.timestamp())
}

/// What one sample is made with: its time and its source of fresh ids.
struct Ctx {
    now: Timestamp,
    rng: Rng,
}

impl Ctx {
    fn new(now_ms: i64) -> Self {
        // Beyond jiff's years -9999..=9999 the time is held at the edge: the
        // caller passes a clock reading, and a sample must not fail over it.
        let now = Timestamp::from_millisecond(now_ms).unwrap_or(if now_ms < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        });
        Ctx {
            now,
            rng: Rng::new(now_ms),
        }
    }

    fn at(&self, seconds: i64) -> Timestamp {
        add(self.now, seconds)
    }
}

// ---------------------------------------------------------------------------
// Fresh ids

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const LOWER_ALNUM: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const UPPER_ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Random bytes from the operating system. Should that ever fail, a
/// splitmix64 stream seeded from the sample's time, the process id and a
/// per-process counter keeps ids distinct (not unpredictable, which a test
/// event does not need).
struct Rng {
    fallback: u64,
}

impl Rng {
    fn new(now_ms: i64) -> Self {
        static MADE: AtomicU64 = AtomicU64::new(0);
        let count = MADE.fetch_add(1, Ordering::Relaxed);
        Rng {
            fallback: now_ms.cast_unsigned()
                ^ count.wrapping_mul(0x9E37_79B9_7F4A_7C15)
                ^ (u64::from(std::process::id()) << 40),
        }
    }

    fn fill(&mut self, buf: &mut [u8]) {
        if getrandom::fill(buf).is_err() {
            self.fill_fallback(buf);
        }
    }

    fn fill_fallback(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            self.fallback = self.fallback.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.fallback;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }

    /// `len` characters drawn uniformly from `alphabet` (ASCII, at most 256).
    fn chars(&mut self, alphabet: &[u8], len: usize) -> String {
        // Bytes past the last whole multiple of the alphabet's size are
        // dropped, so no character is likelier than another.
        let limit = 256 - 256 % alphabet.len();
        let mut out = String::with_capacity(len);
        let mut buf = [0u8; 64];
        while out.len() < len {
            self.fill(&mut buf);
            for &byte in &buf {
                let byte = usize::from(byte);
                if byte < limit && out.len() < len {
                    out.push(char::from(alphabet[byte % alphabet.len()]));
                }
            }
        }
        out
    }

    /// `bytes` random bytes as lowercase hex.
    fn hex(&mut self, bytes: usize) -> String {
        let mut buf = vec![0u8; bytes];
        self.fill(&mut buf);
        hex::encode(buf)
    }

    /// A random (version 4) UUID, lowercase.
    fn uuid(&mut self) -> String {
        let mut b = [0u8; 16];
        self.fill(&mut b);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h = hex::encode(b);
        format!(
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..]
        )
    }

    /// A number in `range`; the modulo bias is far below anything a sample
    /// could show.
    fn number(&mut self, range: std::ops::RangeInclusive<u64>) -> u64 {
        let (low, high) = range.into_inner();
        let mut b = [0u8; 8];
        self.fill(&mut b);
        match high.saturating_sub(low).checked_add(1) {
            Some(span) => low + u64::from_le_bytes(b) % span,
            None => u64::from_le_bytes(b),
        }
    }
}
