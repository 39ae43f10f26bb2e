use std::collections::HashSet;

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde_json::Value;

use super::ctx::Rng;
use super::*;
use crate::providers::{Preset, Source, detect, extract, ids, presets};
use crate::store::StoredHeader;

/// 2026-06-05T18:37:41.232Z
const NOW_MS: i64 = 1_780_684_661_232;
const NOW_S: i64 = 1_780_684_661;

fn all_samples(now_ms: i64) -> Vec<(&'static Preset, SampleType, SampleEvent)> {
    presets()
        .iter()
        .flat_map(|preset| {
            sample_types(preset.id).unwrap().iter().map(move |ty| {
                let sample = sample_event(preset.id, ty.event_type, now_ms)
                    .unwrap_or_else(|e| panic!("{} {}: {e}", preset.id, ty.event_type));
                (preset, *ty, sample)
            })
        })
        .collect()
}

fn samples_of(preset_id: &str) -> Vec<(SampleType, SampleEvent)> {
    sample_types(preset_id)
        .unwrap()
        .iter()
        .map(|ty| (*ty, sample_event(preset_id, ty.event_type, NOW_MS).unwrap()))
        .collect()
}

fn json(sample: &SampleEvent) -> Value {
    serde_json::from_slice(&sample.body).unwrap_or_else(|e| {
        panic!(
            "{} is not JSON ({e}):\n{}",
            sample.event_type,
            String::from_utf8_lossy(&sample.body)
        )
    })
}

fn text(sample: &SampleEvent) -> &str {
    std::str::from_utf8(&sample.body).unwrap()
}

fn header<'a>(sample: &'a SampleEvent, name: &str) -> Option<&'a str> {
    sample
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn str_at<'a>(body: &'a Value, pointer: &str) -> &'a str {
    body.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer} in {body}"))
}

fn reads_header(sources: &[Source], header: &str) -> bool {
    sources
        .iter()
        .any(|s| matches!(s, Source::Header { name } if name.eq_ignore_ascii_case(header)))
}

/// The sample's headers as the listener would store them, plus the
/// `webhook-id` the signer adds for presets whose rules read it.
fn captured_headers(preset: &Preset, sample: &SampleEvent) -> Vec<StoredHeader> {
    let mut headers: Vec<StoredHeader> = sample
        .headers
        .iter()
        .map(|(n, v)| StoredHeader::new(n, v.as_bytes()))
        .collect();
    if reads_header(&preset.rules.event_id, "webhook-id") {
        headers.push(StoredHeader::new("webhook-id", id_of(sample).as_bytes()));
    }
    headers
}

/// The sample's event id, for presets whose samples all carry one.
fn id_of(sample: &SampleEvent) -> &str {
    match &sample.event_id {
        Some(id) => id,
        None => panic!("the sample has no event id: {}", text(sample)),
    }
}

fn is_uuid_v4(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
        && b.iter()
            .enumerate()
            .filter(|(i, _)| ![8, 13, 18, 23].contains(i))
            .all(|(_, c)| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
        && b[14] == b'4'
        && b"89ab".contains(&b[19])
}

fn is_from(s: &str, alphabet: &[u8]) -> bool {
    s.bytes().all(|c| alphabet.contains(&c))
}

fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len && is_from(s, b"0123456789abcdef")
}

/// The merchant/account id each preset's rules should find in its samples.
fn expected_merchant(preset_id: &str, event_type: &str) -> Option<&'static str> {
    match preset_id {
        ids::KUSTOM | ids::KUSTOM_IPP => Some("DM11917000"),
        ids::USAEPAY => Some("7qwnw4j2kmqvrb3"),
        ids::GITHUB => Some("octocat/Hello-World"),
        ids::SHOPIFY => Some("hooklens-demo.myshopify.com"),
        ids::SLACK if event_type != "url_verification" => Some("T061EG9R6"),
        _ => None,
    }
}

#[test]
fn every_sample_is_json_that_its_preset_reads_back() {
    let samples = all_samples(NOW_MS);
    assert!(samples.len() > 60, "only {} samples", samples.len());
    for (preset, ty, sample) in &samples {
        let what = format!("{} {}", preset.id, ty.event_type);
        assert!(json(sample).is_object(), "{what}");
        assert_eq!(sample.event_type, ty.event_type, "{what}");
        assert_eq!(sample.headers[0].0, "Content-Type", "{what}");
        assert!(
            sample.headers[0].1.starts_with("application/json"),
            "{what}"
        );

        let found = extract(
            &preset.rules,
            &captured_headers(preset, sample),
            &sample.body,
        );
        assert_eq!(found.event_type.as_deref(), Some(ty.event_type), "{what}");
        if (preset.id, ty.event_type) == (ids::SLACK, "url_verification") {
            // Slack's verification request carries no event id at all.
            assert_eq!(found.event_id, None, "{what}");
            assert_eq!(str_at(&json(sample), "/challenge"), id_of(sample));
        } else {
            // Kulmi Pay sends no event id: neither sample nor rules have one.
            assert_eq!(found.event_id, sample.event_id, "{what}");
            assert_eq!(sample.event_id.is_none(), preset.id == ids::KULMIPAY);
        }
        assert_eq!(
            found.merchant_id.as_deref(),
            expected_merchant(preset.id, ty.event_type),
            "{what}"
        );
    }
}

#[test]
fn every_preset_but_generic_has_samples_with_unique_types() {
    for preset in presets() {
        let types = sample_types(preset.id).unwrap();
        if preset.id == ids::GENERIC {
            assert!(types.is_empty());
            continue;
        }
        assert!(!types.is_empty(), "{} has no samples", preset.id);
        let unique: HashSet<_> = types.iter().map(|t| t.event_type).collect();
        assert_eq!(unique.len(), types.len(), "{} repeats a type", preset.id);
        for ty in types {
            assert!(!ty.description.trim().is_empty(), "{ty:?}");
            assert!(!ty.description.contains('\n'), "{ty:?}");
        }
    }
}

#[test]
fn the_required_types_are_offered_in_order() {
    let names = |id: &str| -> Vec<&str> {
        sample_types(id)
            .unwrap()
            .iter()
            .map(|t| t.event_type)
            .collect()
    };
    assert_eq!(
        names("kustom"),
        [
            "order.created",
            "capture.created",
            "refund.created",
            "dispute.created",
            "dispute.updated"
        ]
    );
    assert_eq!(
        names("kustom-ipp"),
        [
            "ipp.session.created",
            "ipp.session.activated",
            "ipp.payment.failed",
            "ipp.session.finalized",
            "ipp.session.cancelled"
        ]
    );
    assert_eq!(
        names("checkout"),
        [
            "payment.succeeded",
            "payment.failed",
            "payment.pending",
            "refund.succeeded",
            "refund.failed"
        ]
    );
    assert_eq!(
        names("kulmipay"),
        [
            "collection_event",
            "send_money_event",
            "reversal_event",
            "wallet_transfer_event",
            "subscription_event"
        ]
    );
    assert_eq!(
        names("stripe"),
        [
            "payment_intent.succeeded",
            "payment_intent.payment_failed",
            "charge.refunded",
            "checkout.session.completed",
            "customer.subscription.created",
            "invoice.paid"
        ]
    );
    assert_eq!(
        names("github"),
        ["ping", "push", "pull_request", "issues", "release"]
    );
    assert_eq!(
        names("shopify"),
        [
            "orders/create",
            "orders/paid",
            "refunds/create",
            "products/update",
            "app/uninstalled"
        ]
    );
    assert_eq!(
        names("slack"),
        ["url_verification", "app_mention", "message"]
    );
    let standard = names("standard-webhooks");
    assert!(standard.contains(&"invoice.paid") && standard.contains(&"user.created"));
}

#[test]
fn generic_has_no_samples() {
    assert_eq!(sample_types("generic"), Ok(&[][..]));
    let err = sample_event("generic", "order.created", NOW_MS).unwrap_err();
    assert_eq!(
        err,
        SampleError::UnknownType {
            preset: "generic".into(),
            event_type: "order.created".into(),
            known: "none".into(),
        }
    );
    assert_eq!(
        err.to_string(),
        "generic has no sample of \"order.created\"; it has: none"
    );
}

#[test]
fn an_unknown_preset_is_an_error() {
    let err = sample_types("paypal").unwrap_err();
    assert!(matches!(&err, SampleError::UnknownPreset(id, _) if id == "paypal"));
    assert_eq!(
        sample_event("paypal", "payment.succeeded", NOW_MS),
        Err(err.clone())
    );
    let message = err.to_string();
    assert!(
        message
            .starts_with("there is no provider preset \"paypal\"; presets with samples: kustom, "),
        "{message}"
    );
    assert!(!message.contains("generic"), "{message}");
}

#[test]
fn an_unknown_type_lists_the_known_ones() {
    let err = sample_event("kustom", "order.deleted", NOW_MS).unwrap_err();
    assert_eq!(
        err,
        SampleError::UnknownType {
            preset: "kustom".into(),
            event_type: "order.deleted".into(),
            known: "order.created, capture.created, refund.created, dispute.created, \
                    dispute.updated"
                .into(),
        }
    );
    assert!(
        err.to_string()
            .starts_with("kustom has no sample of \"order.deleted\"; it has: order.created, ")
    );
    // Another preset's type is unknown too.
    assert!(matches!(
        sample_event("github", "orders/create", NOW_MS),
        Err(SampleError::UnknownType { .. })
    ));
}

#[test]
fn presets_and_types_match_case_insensitively() {
    assert_eq!(sample_types("KUSTOM"), sample_types("kustom"));
    let sample = sample_event("Stripe", "INVOICE.PAID", NOW_MS).unwrap();
    assert_eq!(sample.event_type, "invoice.paid");
    assert_eq!(str_at(&json(&sample), "/type"), "invoice.paid");
}

#[test]
fn ids_are_fresh_on_every_call() {
    let first = all_samples(NOW_MS);
    let second = all_samples(NOW_MS);
    for ((preset, ty, a), (_, _, b)) in first.iter().zip(&second) {
        let what = format!("{} {}", preset.id, ty.event_type);
        if a.event_id.is_some() {
            assert_ne!(a.event_id, b.event_id, "{what}");
        }
        // A ping's body is the hook's and does not change; its delivery does.
        assert!(a.body != b.body || a.headers != b.headers, "{what}");
    }
    let many: HashSet<Option<String>> = (0..500)
        .map(|_| {
            sample_event("kustom", "order.created", NOW_MS)
                .unwrap()
                .event_id
        })
        .collect();
    assert_eq!(many.len(), 500);
}

#[test]
fn event_ids_look_like_the_providers_own() {
    for (preset, ty, sample) in all_samples(NOW_MS) {
        if preset.id == ids::KULMIPAY {
            assert_eq!(sample.event_id, None, "Kulmi Pay sends no event id");
            continue;
        }
        let id = id_of(&sample);
        let what = format!("{} {}: {id}", preset.id, ty.event_type);
        let ok = match preset.id {
            ids::KUSTOM | ids::KUSTOM_IPP => {
                id.len() == 27 && id.starts_with("kevt_") && is_from(&id[5..], BASE62)
            }
            ids::CHECKOUT => id.len() == 28 && id.starts_with("evt_") && is_from(&id[4..], BASE62),
            ids::STRIPE => id.len() == 28 && id.starts_with("evt_") && is_from(&id[4..], BASE62),
            ids::USAEPAY => is_lower_hex(id, 64),
            ids::KULMIPAY | ids::GITHUB | ids::SHOPIFY => is_uuid_v4(id),
            ids::SLACK if ty.event_type == "url_verification" => {
                id.len() == 52 && is_from(id, BASE62)
            }
            ids::SLACK => id.len() == 12 && id.starts_with("Ev") && is_from(&id[2..], UPPER_ALNUM),
            ids::STANDARD_WEBHOOKS => {
                id.len() == 31 && id.starts_with("msg_") && is_from(&id[4..], BASE62)
            }
            other => panic!("no expectation for {other}"),
        };
        assert!(ok, "{what}");
    }
}

/// Where each sample states when it happened, read back as a Timestamp.
fn sample_time(preset_id: &str, event_type: &str, sample: &SampleEvent) -> Option<Timestamp> {
    let body = json(sample);
    let parse = |s: &str| -> Timestamp { s.parse().unwrap_or_else(|e| panic!("{s}: {e}")) };
    let seconds = |pointer: &str| {
        let s = body.pointer(pointer).and_then(Value::as_i64).unwrap();
        Timestamp::from_second(s).unwrap()
    };
    Some(match preset_id {
        ids::KUSTOM | ids::KUSTOM_IPP | ids::STANDARD_WEBHOOKS => {
            parse(str_at(&body, "/timestamp"))
        }
        ids::CHECKOUT => parse(str_at(&body, "/created")),
        ids::USAEPAY => parse(&format!(
            "{}Z",
            str_at(&body, "/event_triggered").replace(' ', "T")
        )),
        ids::KULMIPAY => parse(str_at(&body, "/created_at")),
        ids::STRIPE => seconds("/created"),
        ids::GITHUB => parse(str_at(
            &body,
            match event_type {
                "ping" => "/hook/created_at",
                "push" => "/head_commit/timestamp",
                "pull_request" => "/pull_request/created_at",
                "issues" => "/issue/created_at",
                _ => "/release/published_at",
            },
        )),
        ids::SHOPIFY => parse(header(sample, "X-Shopify-Triggered-At").unwrap()),
        ids::SLACK if event_type == "url_verification" => return None,
        ids::SLACK => seconds("/event_time"),
        other => panic!("no expectation for {other}"),
    })
}

#[test]
fn sample_times_are_the_given_time() {
    // The second time is a day and a bit later, with other milliseconds, so
    // a fixed or rounded time cannot pass.
    for now_ms in [NOW_MS, NOW_MS + 86_400_000 + 3_600_000 + 1_111] {
        let now = Timestamp::from_millisecond(now_ms).unwrap();
        for (preset, ty, sample) in all_samples(now_ms) {
            let Some(time) = sample_time(preset.id, ty.event_type, &sample) else {
                continue;
            };
            let what = format!("{} {}: {time} for {now}", preset.id, ty.event_type);
            let to_the_ms = matches!(
                preset.id,
                ids::KUSTOM
                    | ids::KUSTOM_IPP
                    | ids::STANDARD_WEBHOOKS
                    | ids::CHECKOUT
                    | ids::SHOPIFY
            );
            if to_the_ms {
                assert_eq!(time, now, "{what}");
            } else {
                assert_eq!(time.as_second(), now.as_second(), "{what}");
            }
        }
    }
}

#[test]
fn sample_times_are_written_as_each_provider_writes_them() {
    let body = |preset: &str, ty: &str| json(&sample_event(preset, ty, NOW_MS).unwrap());
    // Nanosecond precision, as in Kustom's examples.
    assert_eq!(
        str_at(&body("kustom", "capture.created"), "/timestamp"),
        "2026-06-05T18:37:41.232000000Z"
    );
    assert_eq!(
        str_at(&body("kustom-ipp", "ipp.session.created"), "/timestamp"),
        "2026-06-05T18:37:41.232000000Z"
    );
    assert_eq!(
        str_at(&body("usaepay", "ach.settled"), "/event_triggered"),
        "2026-06-05 18:37:41"
    );
    assert_eq!(
        str_at(&body("kulmipay", "collection_event"), "/created_at"),
        "2026-06-05T18:37:41Z"
    );
    assert_eq!(
        str_at(&body("kulmipay", "collection_event"), "/data/updated_at"),
        "2026-06-05T18:37:41Z"
    );
    assert_eq!(body("stripe", "invoice.paid")["created"], NOW_S);
    assert_eq!(
        body("stripe", "customer.subscription.created")["data"]["object"]["current_period_end"],
        Timestamp::from_second(NOW_S)
            .unwrap()
            .to_zoned_datetime(TimeZone::UTC)
            .checked_add(1.month())
            .unwrap()
            .timestamp()
            .as_second()
    );
    let push = body("github", "push");
    assert_eq!(
        str_at(&push, "/head_commit/timestamp"),
        "2026-06-05T18:37:41+00:00"
    );
    assert_eq!(push["repository"]["pushed_at"], NOW_S);
    assert_eq!(
        str_at(&body("github", "issues"), "/issue/created_at"),
        "2026-06-05T18:37:41Z"
    );
    assert_eq!(
        str_at(&body("shopify", "orders/create"), "/created_at"),
        "2026-06-05T13:37:41-05:00"
    );
    let shopify = sample_event("shopify", "orders/create", NOW_MS).unwrap();
    assert_eq!(
        header(&shopify, "X-Shopify-Triggered-At"),
        Some("2026-06-05T18:37:41.232000000Z")
    );
    let mention = body("slack", "app_mention");
    assert_eq!(mention["event_time"], NOW_S);
    assert_eq!(str_at(&mention, "/event/ts"), "1780684661.232000");
    assert_eq!(
        str_at(&body("standard-webhooks", "user.created"), "/timestamp"),
        "2026-06-05T18:37:41.232000Z"
    );
}

#[test]
fn times_beyond_the_calendar_still_make_samples() {
    for now_ms in [i64::MIN, -1, 0, i64::MAX] {
        for (preset, ty, sample) in all_samples(now_ms) {
            let found = extract(
                &preset.rules,
                &captured_headers(preset, &sample),
                &sample.body,
            );
            assert_eq!(
                found.event_type.as_deref(),
                Some(ty.event_type),
                "{now_ms} {} {}",
                preset.id,
                ty.event_type
            );
        }
    }
}

#[test]
fn kustom_events_keep_the_documented_key_order() {
    for preset_id in ["kustom", "kustom-ipp"] {
        for (ty, sample) in samples_of(preset_id) {
            let body = text(&sample);
            let positions: Vec<usize> = [
                "\"id\":",
                "\"merchant_id\":",
                "\"timestamp\":",
                "\"type\":",
                "\"data\":",
            ]
            .iter()
            .map(|key| body.find(key).unwrap_or_else(|| panic!("{key} in {body}")))
            .collect();
            assert!(
                positions.windows(2).all(|w| w[0] < w[1]),
                "{}: {body}",
                ty.event_type
            );
            assert!(body.starts_with("{\"id\":\"kevt_"), "{body}");
        }
    }
}

#[test]
fn kustom_order_events_carry_an_order_and_minor_unit_amounts() {
    for (ty, sample) in samples_of("kustom") {
        let body = json(&sample);
        assert!(
            is_uuid_v4(str_at(&body, "/data/order_id")),
            "{}",
            ty.event_type
        );
        let data = body["data"].as_object().unwrap();
        let amount = data
            .iter()
            .find(|(k, _)| k.ends_with("_amount"))
            .map(|(_, v)| v);
        assert!(
            amount.is_some_and(|v| v.as_u64().is_some_and(|n| n > 0)),
            "{}: {body}",
            ty.event_type
        );
        assert!(
            data.contains_key("currency") || data.contains_key("purchase_currency"),
            "{body}"
        );
    }
}

#[test]
fn kustom_ipp_sets_failure_reason_and_order_id_only_where_documented() {
    for (ty, sample) in samples_of("kustom-ipp") {
        let body = json(&sample);
        let data = body["data"].as_object().unwrap();
        let keys: Vec<&str> = data.keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 3, "{body}");
        for key in ["session_id", "order_id", "failure_reason"] {
            assert!(data.contains_key(key), "{key} missing in {body}");
        }
        assert!(is_uuid_v4(str_at(&body, "/data/session_id")));

        let failure = &data["failure_reason"];
        if ty.event_type == "ipp.payment.failed" {
            assert!(failure.as_str().is_some_and(|s| !s.is_empty()), "{body}");
        } else {
            assert!(failure.is_null(), "{}: {body}", ty.event_type);
        }
        let order = &data["order_id"];
        if ty.event_type == "ipp.session.finalized" {
            assert!(order.as_str().is_some_and(is_uuid_v4), "{body}");
        } else {
            assert!(order.is_null(), "{}: {body}", ty.event_type);
        }
        // The data keys in the documented order too.
        let text = text(&sample);
        let (s, o, f) = (
            text.find("\"session_id\"").unwrap(),
            text.find("\"order_id\"").unwrap(),
            text.find("\"failure_reason\"").unwrap(),
        );
        assert!(s < o && o < f, "{text}");
    }
}

#[test]
fn checkout_events_carry_checkout_id_mode_and_payment_data() {
    for (ty, sample) in samples_of("checkout") {
        let body = json(&sample);
        let what = format!("{}: {body}", ty.event_type);
        assert!(ty.description.contains("illustrative"), "{what}");
        assert_eq!(str_at(&body, "/id"), id_of(&sample), "{what}");
        assert!(
            str_at(&body, "/metadata/checkoutId").starts_with("chk_"),
            "{what}"
        );
        assert_eq!(body["livemode"], false, "{what}");
        assert!(body["data"]["amount"].as_u64().is_some(), "{what}");
        assert_eq!(str_at(&body, "/data/currency"), "EUR", "{what}");
        let status = ty.event_type.split('.').nth(1).unwrap();
        assert_eq!(str_at(&body, "/data/status"), status, "{what}");
        assert_eq!(
            body["data"]["failure_code"].is_string(),
            status == "failed",
            "{what}"
        );
        let refs = extract(
            &crate::providers::preset("checkout").unwrap().rules,
            &[],
            &sample.body,
        )
        .refs;
        assert_eq!(refs[0].0, "checkout_id");
    }
}

const USAEPAY_DOCUMENTED: [&str; 23] = [
    "cau.submitted",
    "cau.updated_expiration",
    "cau.updated_card",
    "cau.contact_customer",
    "cau.account_closed",
    "ach.submitted",
    "ach.settled",
    "ach.returned",
    "ach.failed",
    "ach.note_added",
    "product.inventory.ordered",
    "product.inventory.adjusted",
    "transaction.sale.success",
    "transaction.sale.failure",
    "transaction.sale.voided",
    "transaction.sale.captured",
    "transaction.sale.adjusted",
    "transaction.sale.queued",
    "transaction.sale.unvoided",
    "transaction.refund.success",
    "transaction.refund.voided",
    "settlement.batch.success",
    "settlement.batch.failure",
];

#[test]
fn usaepay_covers_every_documented_event_in_the_documented_envelope() {
    let samples = samples_of("usaepay");
    let types: Vec<&str> = samples.iter().map(|(t, _)| t.event_type).collect();
    assert_eq!(types, USAEPAY_DOCUMENTED);
    for (ty, sample) in samples {
        let body = json(&sample);
        let what = format!("{}: {body}", ty.event_type);
        let keys: Vec<&str> = body
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = vec![
            "event_body",
            "event_id",
            "event_triggered",
            "event_type",
            "type",
        ];
        expected.sort_unstable();
        assert_eq!(keys, expected, "{what}");
        assert_eq!(body["type"], "event", "{what}");
        assert_eq!(body["event_type"], ty.event_type, "{what}");
        assert!(is_lower_hex(str_at(&body, "/event_id"), 64), "{what}");
        assert_eq!(
            str_at(&body, "/event_body/merchant/merch_key"),
            "7qwnw4j2kmqvrb3"
        );
        let family = match ty.event_type.split('.').next().unwrap() {
            "transaction" => "transaction",
            "ach" => "ach",
            "cau" => "cau",
            "product" => "product",
            "settlement" => "batch",
            other => panic!("{other}"),
        };
        assert_eq!(str_at(&body, "/event_body/object/type"), family, "{what}");
        let key = str_at(&body, "/event_body/object/key");
        assert!(key.len() == 15 && is_from(key, LOWER_ALNUM), "{what}");
        // The documented example's order: type first, event_id last.
        let text = text(&sample);
        assert!(
            text.starts_with("{\"type\":\"event\",\"event_triggered\":"),
            "{text}"
        );
        assert!(text.contains(",\"event_id\":\""), "{text}");
        assert!(text.ends_with("\"}"), "{text}");
    }
}

#[test]
fn usaepay_transactions_report_their_outcome() {
    let object = |ty: &str| {
        json(&sample_event("usaepay", ty, NOW_MS).unwrap())["event_body"]["object"].clone()
    };
    assert_eq!(object("transaction.sale.success")["result_code"], "A");
    assert_eq!(object("transaction.sale.failure")["result_code"], "D");
    assert_eq!(object("transaction.sale.voided")["status"], "Voided");
    assert_eq!(
        object("transaction.refund.success")["trantype"],
        "Credit Card Refund"
    );
    assert!(object("settlement.batch.failure")["error"].is_string());
    assert!(object("settlement.batch.success")["error"].is_null());
    assert!(object("cau.updated_card")["updated"].is_object());
    assert!(object("cau.submitted")["updated"].is_null());
    assert!(object("ach.returned")["reason"].is_string());
    assert!(object("ach.note_added")["note"].is_string());
}

#[test]
fn kulmipay_events_name_their_topic_event_and_resource() {
    let rules = &crate::providers::preset("kulmipay").unwrap().rules;
    for (ty, sample) in samples_of("kulmipay") {
        let body = json(&sample);
        let what = format!("{}: {body}", ty.event_type);
        assert_eq!(str_at(&body, "/topic"), ty.event_type, "{what}");
        // The documented envelope: the topic and the resource, no event id.
        assert!(body.get("id").is_none() && body.get("event_id").is_none());
        assert_eq!(sample.event_id, None, "{what}");
        let resource = str_at(&body, "/data/id");
        assert!(!resource.is_empty(), "{what}");
        assert!(
            body["data"]["status"].is_string() || body["data"]["state"].is_string(),
            "{what}"
        );
        let found = extract(rules, &[], &sample.body);
        assert_eq!(
            found.refs,
            [("resource_id".to_owned(), resource.to_owned())]
        );
        assert!(text(&sample).starts_with("{\"topic\":"), "{what}");
    }
}

#[test]
fn stripe_events_use_stripes_envelope() {
    let objects = [
        ("payment_intent.succeeded", "payment_intent"),
        ("payment_intent.payment_failed", "payment_intent"),
        ("charge.refunded", "charge"),
        ("checkout.session.completed", "checkout.session"),
        ("customer.subscription.created", "subscription"),
        ("invoice.paid", "invoice"),
    ];
    for (ty, sample) in samples_of("stripe") {
        let body = json(&sample);
        let what = format!("{}: {body}", ty.event_type);
        assert_eq!(body["object"], "event", "{what}");
        assert_eq!(body["livemode"], false, "{what}");
        assert!(body["api_version"].is_string(), "{what}");
        assert!(body["pending_webhooks"].is_u64(), "{what}");
        assert!(body["request"].is_object(), "{what}");
        assert_eq!(body["type"], ty.event_type, "{what}");
        let (_, object) = objects.iter().find(|(t, _)| *t == ty.event_type).unwrap();
        assert_eq!(body["data"]["object"]["object"], *object, "{what}");
        assert_eq!(body["data"]["object"]["livemode"], false, "{what}");
        // Stripe sends its JSON pretty-printed, two spaces deep.
        let text = text(&sample);
        assert!(text.starts_with("{\n  \"id\": \"evt_"), "{text}");
        assert!(
            text.contains("\n    \"object\": {\n      \"id\": "),
            "{text}"
        );
        assert_eq!(
            header(&sample, "User-Agent"),
            Some("Stripe/1.0 (+https://stripe.com/docs/webhooks)")
        );
    }
    let refunded = json(&sample_event("stripe", "charge.refunded", NOW_MS).unwrap());
    assert_eq!(refunded["data"]["previous_attributes"]["refunded"], false);
    let failed = json(&sample_event("stripe", "payment_intent.payment_failed", NOW_MS).unwrap());
    assert_eq!(
        failed["data"]["object"]["last_payment_error"]["charge"],
        failed["data"]["object"]["latest_charge"]
    );
}

#[test]
fn github_events_carry_githubs_headers() {
    for (ty, sample) in samples_of("github") {
        let body = json(&sample);
        let what = format!("{}: {body}", ty.event_type);
        assert_eq!(header(&sample, "X-GitHub-Event"), Some(ty.event_type));
        assert_eq!(header(&sample, "X-GitHub-Delivery"), Some(id_of(&sample)));
        assert!(header(&sample, "X-GitHub-Hook-ID").is_some_and(|v| v.parse::<u64>().is_ok()));
        assert!(header(&sample, "User-Agent").is_some_and(|v| v.starts_with("GitHub-Hookshot/")));
        assert_eq!(
            str_at(&body, "/repository/full_name"),
            "octocat/Hello-World",
            "{what}"
        );
        assert_eq!(str_at(&body, "/sender/login"), "octocat", "{what}");
        let action = body.get("action").and_then(Value::as_str);
        match ty.event_type {
            "pull_request" | "issues" => assert_eq!(action, Some("opened"), "{what}"),
            "release" => assert_eq!(action, Some("published"), "{what}"),
            _ => assert_eq!(action, None, "{what}"),
        }
        assert!(!text(&sample).contains('\n'), "GitHub sends compact JSON");
    }
    let ping = sample_event("github", "ping", NOW_MS).unwrap();
    assert_eq!(
        json(&ping)["hook_id"].to_string(),
        header(&ping, "X-GitHub-Hook-ID").unwrap()
    );
    let push = json(&sample_event("github", "push", NOW_MS).unwrap());
    assert_eq!(push["after"], push["head_commit"]["id"]);
    assert!(is_lower_hex(push["after"].as_str().unwrap(), 40));
}

#[test]
fn shopify_events_carry_shopifys_headers() {
    let names = [
        "Content-Type",
        "X-Shopify-Topic",
        "X-Shopify-Shop-Domain",
        "X-Shopify-API-Version",
        "X-Shopify-Webhook-Id",
        "X-Shopify-Event-Id",
        "X-Shopify-Triggered-At",
    ];
    for (ty, sample) in samples_of("shopify") {
        let sent: Vec<&str> = sample.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(sent, names);
        assert_eq!(header(&sample, "X-Shopify-Topic"), Some(ty.event_type));
        assert_eq!(header(&sample, "X-Shopify-Event-Id"), Some(id_of(&sample)));
        let webhook_id = header(&sample, "X-Shopify-Webhook-Id").unwrap();
        assert!(is_uuid_v4(webhook_id) && webhook_id != id_of(&sample));
        assert!(!text(&sample).contains('\n'), "Shopify sends compact JSON");
    }
    let create = json(&sample_event("shopify", "orders/create", NOW_MS).unwrap());
    let paid = json(&sample_event("shopify", "orders/paid", NOW_MS).unwrap());
    assert_eq!(create["financial_status"], "pending");
    assert_eq!(paid["financial_status"], "paid");
    assert_eq!(
        create["name"].as_str().unwrap(),
        format!("#{}", create["order_number"])
    );
    let uninstalled = json(&sample_event("shopify", "app/uninstalled", NOW_MS).unwrap());
    assert_eq!(
        uninstalled["myshopify_domain"],
        "hooklens-demo.myshopify.com"
    );
    // A `$` inside a JSON string is text, not a placeholder.
    assert_eq!(uninstalled["money_format"], "${{amount}}");
}

#[test]
fn slack_events_are_verification_or_event_callbacks() {
    for (ty, sample) in samples_of("slack") {
        let body = json(&sample);
        let what = format!("{}: {body}", ty.event_type);
        if ty.event_type == "url_verification" {
            assert_eq!(body["type"], "url_verification", "{what}");
            assert_eq!(str_at(&body, "/challenge"), id_of(&sample));
        } else {
            assert_eq!(body["type"], "event_callback", "{what}");
            assert_eq!(body["event"]["type"], ty.event_type, "{what}");
            assert_eq!(str_at(&body, "/event_id"), id_of(&sample), "{what}");
            assert_eq!(body["event"]["ts"], body["event"]["event_ts"], "{what}");
        }
    }
}

#[test]
fn standard_webhooks_events_follow_the_specifications_payload() {
    for (ty, sample) in samples_of("standard-webhooks") {
        let body = json(&sample);
        let keys: Vec<&str> = body
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["data", "timestamp", "type"], "{body}");
        assert_eq!(body["type"], ty.event_type);
        assert!(body["data"].is_object());
        assert!(text(&sample).starts_with("{\"type\":"));
        // The id travels in the `webhook-id` header the signer adds.
        assert!(!text(&sample).contains(id_of(&sample)));
    }
}

/// Headers the signer adds for each preset's scheme; values do not matter
/// to detection, only names.
fn signature_headers(preset_id: &str) -> &'static [&'static str] {
    match preset_id {
        ids::KUSTOM | ids::KUSTOM_IPP | ids::CHECKOUT | ids::STANDARD_WEBHOOKS => {
            &["webhook-id", "webhook-timestamp", "webhook-signature"]
        }
        ids::STRIPE => &["Stripe-Signature"],
        ids::GITHUB => &["X-Hub-Signature-256"],
        ids::SHOPIFY => &["X-Shopify-Hmac-Sha256"],
        ids::SLACK => &["X-Slack-Request-Timestamp", "X-Slack-Signature"],
        ids::KULMIPAY => &["X-Challenge"],
        _ => &[],
    }
}

#[test]
fn signed_samples_are_detected_as_their_preset() {
    for (preset, ty, sample) in all_samples(NOW_MS) {
        let mut headers = captured_headers(preset, &sample);
        for name in signature_headers(preset.id) {
            headers.push(StoredHeader::new(name, b"x"));
        }
        assert_eq!(
            detect(&headers, &sample.body).map(|p| p.id),
            Some(preset.id),
            "{} {}",
            preset.id,
            ty.event_type
        );
    }
}

#[test]
fn render_replaces_placeholders_outside_strings_only() {
    let vars = [("y", "1".to_owned()), ("s", js("a \"quoted\" $y"))];
    assert_eq!(
        render(r#"{ "a": "x $y \" $s", "b": $y, "c": [$s] }"#, &vars),
        r#"{"a":"x $y \" $s","b":1,"c":["a \"quoted\" $y"]}"#
    );
    // Unbound placeholders stay, so the result is not JSON and tests notice.
    let unbound = render(r#"{"a": $nope}"#, &vars);
    assert_eq!(unbound, r#"{"a":$nope}"#);
    assert!(serde_json::from_str::<Value>(&unbound).is_err());
    // Text that is not ASCII passes through.
    assert_eq!(render("{\"c\": \"Bogotá €\"}", &[]), "{\"c\":\"Bogotá €\"}");
}

#[test]
fn render_lays_out_nested_values_like_their_template() {
    let inner = "{\n  \"b\": 1,\n  \"c\": [\n    2\n  ]\n}".to_owned();
    assert_eq!(
        render_pretty("{\n  \"a\": $v,\n  \"z\": 0\n}", &[("v", inner.clone())]),
        "{\n  \"a\": {\n    \"b\": 1,\n    \"c\": [\n      2\n    ]\n  },\n  \"z\": 0\n}"
    );
    assert_eq!(
        render("{\n  \"a\": $v\n}", &[("v", inner)]),
        r#"{"a":{"b":1,"c":[2]}}"#
    );
}

#[test]
fn fallback_ids_differ_between_samples_made_in_the_same_millisecond() {
    let mut a = Rng::new(NOW_MS);
    let mut b = Rng::new(NOW_MS);
    let (mut x, mut y) = ([0u8; 32], [0u8; 32]);
    a.fill_fallback(&mut x);
    b.fill_fallback(&mut y);
    assert_ne!(x, y);
    let mut z = [0u8; 32];
    a.fill_fallback(&mut z);
    assert_ne!(x, z);
    // An odd length fills completely.
    let mut odd = [0u8; 13];
    a.fill_fallback(&mut odd);
    assert!(odd.iter().any(|&b| b != 0));
}

#[test]
fn random_ids_have_their_shape() {
    let mut rng = Rng::new(NOW_MS);
    for _ in 0..50 {
        let s = rng.chars(BASE62, 22);
        assert!(s.len() == 22 && is_from(&s, BASE62), "{s}");
        let u = rng.uuid();
        assert!(is_uuid_v4(&u), "{u}");
        assert!(is_lower_hex(&rng.hex(32), 64));
        assert!((5..=7).contains(&rng.number(5..=7)));
    }
    // Every base62 character turns up: the alphabet is fully used.
    let seen: HashSet<u8> = rng.chars(BASE62, 5000).bytes().collect();
    assert_eq!(seen.len(), 62);
    // The full range does not overflow.
    rng.number(0..=u64::MAX);
}

// ---------------------------------------------------------------- templates

/// Every `.json` file under `dir`, as a path relative to `providers/`.
fn template_files(dir: &std::path::Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            template_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            let providers = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/providers");
            let relative = path.strip_prefix(&providers).unwrap();
            out.push(relative.to_str().unwrap().replace('\\', "/"));
        }
    }
}

#[test]
fn every_template_file_belongs_to_exactly_one_sample() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/providers/samples");
    let mut on_disk = Vec::new();
    template_files(&dir, &mut on_disk);
    on_disk.sort();
    let mut listed: Vec<String> = presets()
        .iter()
        .flat_map(|p| p.samples.types.iter().map(|t| t.file.to_owned()))
        .collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    // A provider's templates sit in its own folder.
    for p in presets() {
        for t in p.samples.types {
            assert_eq!(t.file, format!("samples/{}/{}.json", p.id, t.event_type));
        }
    }
}

#[test]
fn every_placeholder_is_filled_and_every_fill_is_used() {
    let with = SampleValues::default();
    for provider in presets() {
        let catalogue = &provider.samples;
        let mut used_by_any = HashSet::new();
        for ty in catalogue.types {
            let (_, used, unresolved) = Maker::new(catalogue, ty, &with).make_reporting();
            let what = format!("{} {}", provider.id, ty.event_type);
            assert_eq!(unresolved, Vec::<String>::new(), "{what}");
            for (name, _) in ty.fills {
                assert!(used.contains(name), "{what}: its fill {name} is never used");
            }
            used_by_any.extend(used);
        }
        for (name, _) in catalogue.fills {
            assert!(
                used_by_any.contains(name),
                "{}: no sample uses the fill {name}",
                provider.id
            );
        }
    }
}

#[test]
fn a_fill_that_refers_to_itself_is_reported_not_looped() {
    const LOOP: SampleType = SampleType {
        event_type: "loop",
        description: "loop",
        file: "",
        template: r#"{"a": $a}"#,
        fills: &[
            ("a", Fill::Text(&[Part::Var("b")])),
            ("b", Fill::Text(&[Part::Var("a")])),
        ],
    };
    let catalogue = Catalogue {
        types: &[LOOP],
        ..Catalogue::NONE
    };
    let with = SampleValues::default();
    let (sample, _, unresolved) = Maker::new(&catalogue, &LOOP, &with).make_reporting();
    assert_eq!(unresolved, ["a"]);
    assert_eq!(text(&sample), r#"{"a":"$a"}"#);
}

#[test]
fn a_seed_makes_the_same_sample_and_another_seed_another() {
    let with = |seed| SampleValues {
        now_ms: NOW_MS,
        seed: Some(seed),
        values: &[],
    };
    for (preset, ty, _) in all_samples(NOW_MS) {
        let a = render_sample(preset.id, ty.event_type, &with(7)).unwrap();
        let b = render_sample(preset.id, ty.event_type, &with(7)).unwrap();
        let c = render_sample(preset.id, ty.event_type, &with(8)).unwrap();
        let what = format!("{} {}", preset.id, ty.event_type);
        assert_eq!(a, b, "{what}");
        // A ping's body is the hook's and does not change; its delivery does.
        assert!(a.body != c.body || a.headers != c.headers, "{what}");
    }
}

#[test]
fn given_values_replace_placeholders_by_name() {
    let values = [
        ("merchant_id", Value::from("m_1042")),
        ("amount", Value::from(1250)),
        ("currency", Value::from("NOK")),
        ("description", Value::from("gift \"wrap\" please")),
        ("unused", Value::from(true)),
    ];
    let with = SampleValues {
        now_ms: NOW_MS,
        seed: Some(1),
        values: &values,
    };
    let sample = render_sample("kustom", "capture.created", &with).unwrap();
    let body = json(&sample);
    assert_eq!(body["merchant_id"], "m_1042");
    assert_eq!(body["data"]["captured_amount"], 1250);
    assert_eq!(body["data"]["currency"], "NOK");
    assert_eq!(body["data"]["description"], "gift \"wrap\" please");
    // What the caller did not give is the template's own.
    assert!(str_at(&body, "/id").starts_with("kevt_"));
    // A value given for a placeholder used in a header lands there too.
    let values = [("shop_domain", Value::from("shop7.myshopify.com"))];
    let shop = render_sample(
        "shopify",
        "orders/create",
        &SampleValues {
            values: &values,
            ..with
        },
    )
    .unwrap();
    assert_eq!(
        header(&shop, "X-Shopify-Shop-Domain"),
        Some("shop7.myshopify.com")
    );
}
