//! Shopify, from its generally known behaviour (no provider document here).

use super::delivery::{DeliveryRule, Success, assumed};
use super::extract::{ExtractionRules, hdr};
use super::samples::{
    Catalogue, Fill, Fill::*, Layout, MINUTE, NOW, Part::*, Step::*, TimeFormat::*, UPPER_ALNUM,
    sample,
};
use super::{Provider, Rule, ids};
use crate::signature::Scheme;

pub(super) fn provider() -> Provider {
    Provider {
        id: ids::SHOPIFY,
        name: "Shopify",
        listed: 8,
        rules: ExtractionRules {
            event_type: vec![hdr("x-shopify-topic")],
            event_id: vec![hdr("x-shopify-event-id"), hdr("x-shopify-webhook-id")],
            merchant_id: vec![hdr("x-shopify-shop-domain")],
            refs: vec![],
        },
        scheme: Scheme::by_id("shopify"),
        assumed: false,
        detect: Rule::Any(&[
            Rule::Header("x-shopify-topic"),
            Rule::Header("x-shopify-hmac-sha256"),
        ]),
        schedule: None,
        delivery: DeliveryRule::new(
            Success::Any2xx,
            assumed("generally known: Shopify counts a 200-series response as received"),
            5,
            assumed("generally known: Shopify waits 5 seconds for the answer"),
        ),
        called: None,
        samples: Catalogue {
            layout: Layout::Compact,
            headers: &[
                ("Content-Type", &[Lit("application/json")]),
                ("X-Shopify-Topic", &[Var("event_type")]),
                ("X-Shopify-Shop-Domain", &[Var("shop_domain")]),
                ("X-Shopify-API-Version", &[Lit("2025-07")]),
                ("X-Shopify-Webhook-Id", &[Var("webhook_id")]),
                ("X-Shopify-Event-Id", &[Var("event_id")]),
                ("X-Shopify-Triggered-At", &[Time(NOW, Utc(9))]),
            ],
            event_id: Some("event_id"),
            fills: &[
                ("event_id", Text(&[Uuid])),
                ("webhook_id", Text(&[Uuid])),
                ("shop_domain", Text(&[Lit("hooklens-demo.myshopify.com")])),
                ("now", Text(&[Time(NOW, Offset(SHOP_OFFSET))])),
                // Orders.
                ("order_id", ID),
                (
                    "order_gid",
                    Text(&[Lit("gid://shopify/Order/"), Var("order_id")]),
                ),
                ("order_number", Json(&[Number(1001, 9999)])),
                ("name", Text(&[Lit("#"), Var("order_number")])),
                ("confirmation_number", Text(&[Chars(UPPER_ALNUM, 9)])),
                ("customer_id", ID),
                ("line_item_id", ID),
                (
                    "line_item_gid",
                    Text(&[Lit("gid://shopify/LineItem/"), Var("line_item_id")]),
                ),
                // Products.
                ("product_id", ID),
                (
                    "product_gid",
                    Text(&[Lit("gid://shopify/Product/"), Var("product_id")]),
                ),
                ("variant_id", ID),
                (
                    "variant_gid",
                    Text(&[Lit("gid://shopify/ProductVariant/"), Var("variant_id")]),
                ),
                ("option_id", ID),
                // Refunds.
                ("refund_id", ID),
                (
                    "refund_gid",
                    Text(&[Lit("gid://shopify/Refund/"), Var("refund_id")]),
                ),
                ("refund_line_item_id", ID),
                ("transaction_id", ID),
            ],
            types: &[
                sample!("shopify", "orders/create", "An order was created"),
                // Payment lands a few minutes after the order for deferred methods.
                sample!(
                    "shopify",
                    "orders/paid",
                    "An order's payment was completed",
                    &[(
                        "created_at",
                        Text(&[Time(&[Seconds(-3 * MINUTE)], Offset(SHOP_OFFSET))]),
                    )],
                ),
                sample!(
                    "shopify",
                    "refunds/create",
                    "A refund was issued on an order"
                ),
                sample!(
                    "shopify",
                    "products/update",
                    "A product was updated",
                    &[(
                        "created_at",
                        Text(&[Time(&[Months(-2)], Offset(SHOP_OFFSET))])
                    )],
                ),
                sample!(
                    "shopify",
                    "app/uninstalled",
                    "The app was uninstalled from the shop",
                    &[(
                        "created_at",
                        Text(&[Time(&[Months(-14)], Offset(SHOP_OFFSET))])
                    )],
                ),
            ],
        },
    }
}

/// Shopify writes times in the shop's zone; America/Bogota keeps one offset
/// all year, so a fixed offset is exact.
const SHOP_OFFSET: i8 = -5;

/// Shopify's REST ids are 13-digit integers, sent as JSON numbers.
const ID: Fill = Json(&[Number(5_000_000_000_000, 7_999_999_999_999)]);
