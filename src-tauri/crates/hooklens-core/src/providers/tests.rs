use super::*;

fn headers(pairs: &[(&str, &str)]) -> Vec<StoredHeader> {
    pairs
        .iter()
        .map(|(name, value)| StoredHeader::new(name, value.as_bytes()))
        .collect()
}

fn detected(headers: &[StoredHeader], body: &[u8]) -> Option<&'static str> {
    detect(headers, body).map(|p| p.id)
}

fn rules(id: &str) -> &'static ExtractionRules {
    match preset(id) {
        Some(p) => &p.rules,
        None => panic!("no preset {id}"),
    }
}

fn owned(s: &str) -> Option<String> {
    Some(s.to_owned())
}

fn pairs(refs: &[(&str, &str)]) -> Vec<(String, String)> {
    refs.iter()
        .map(|(label, value)| ((*label).to_owned(), (*value).to_owned()))
        .collect()
}

fn expected(
    event_type: Option<&str>,
    event_id: Option<&str>,
    merchant_id: Option<&str>,
    refs: &[(&str, &str)],
) -> Extracted {
    Extracted {
        event_type: event_type.map(str::to_owned),
        event_id: event_id.map(str::to_owned),
        merchant_id: merchant_id.map(str::to_owned),
        refs: pairs(refs),
    }
}

// ---------------------------------------------------------------- payloads

/// Verbatim from kustom-ipp-callbacks.txt ("Session Activated").
const KUSTOM_IPP_ACTIVATED: &str = r#"{
  "id": "kevt_754uIatTW0hmi10Gggqe2H",
  "merchant_id": "DM11917000",
  "timestamp": "2026-06-05T18:37:41.232733416Z",
  "type": "ipp.session.activated",
  "data": {
    "session_id": "c749c48d-df11-4ae3-8e5f-2c8491b16214",
    "order_id": null,
    "failure_reason": null
  }
}"#;

/// Verbatim from kustom-ipp-callbacks.txt ("Session Finalized").
const KUSTOM_IPP_FINALIZED: &str = r#"{
  "id": "kevt_62EvxyMEaAaHSGeoDTza47",
  "merchant_id": "DM11917000",
  "timestamp": "2026-06-05T18:33:39.608920367Z",
  "type": "ipp.session.finalized",
  "data": {
    "session_id": "dc01aa86-fb99-4d05-97dc-e79a22650f9a",
    "order_id": "ccf4e76a-f56d-4d3a-abf9-f4fe941f0a1f",
    "failure_reason": null
  }
}"#;

/// Verbatim from usaepay-webhooks.txt ("Example").
const USAEPAY_SALE: &str = r#"{
"type": "event",
"event_triggered": "2021-04-07 15:14:26",
"event_type": "transaction.sale.success",
"event_body": {
"merchant": {
"merch_key": "7qwnw4j2kmqvrb3"
},
"object": {
"type": "transaction",
"key": "1nftvzx7xtcggm3",
"amount_detail": {
"amount": "5.00"
},
"authcode": "538228"
}
},
"event_id": "c088bc2884a2c3b4043991b04d96ceda7c65043778233dedb26bfd5853705dfd"
}"#;

const KUSTOM_ORDER_CREATED: &str = r#"{
  "id": "kevt_4Tq8ZbWcN1rLx0Yd7Hs2Kf",
  "merchant_id": "DM11917000",
  "timestamp": "2026-06-05T17:02:11.514202911Z",
  "type": "order.created",
  "data": {
    "order_id": "5b8e2f0a-93c1-4d7e-b6a4-1f2c3d4e5f60",
    "purchase_currency": "SEK",
    "order_amount": 49900
  }
}"#;

const KULMIPAY_COLLECTION: &str = r#"{
  "topic": "collection_event",
  "created_at": "2026-03-14T09:26:53Z",
  "data": {
    "id": "INV-7XQ2LP",
    "state": "COMPLETE",
    "value": "1500.00",
    "currency": "KES",
    "provider": "M-PESA"
  }
}"#;

const CHECKOUT_PAYMENT: &str = r#"{
  "id": "evt_01HZX3M8Q4K2R7",
  "type": "payment.succeeded",
  "livemode": false,
  "created": "2026-05-20T12:00:04Z",
  "data": {"id": "pay_01HZX3M7V1", "status": "succeeded", "amount": 2500, "currency": "EUR"},
  "metadata": {"checkoutId": "chk_8d2f61c4"}
}"#;

fn checkout_headers() -> Vec<StoredHeader> {
    headers(&[
        ("content-type", "application/json"),
        ("webhook-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"),
        ("webhook-timestamp", "1747742404"),
        (
            "webhook-signature",
            "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
        ),
    ])
}

const STRIPE_CONNECT: &str = r#"{
  "id": "evt_1NG8Du2eZvKYlo2CUI79vXWy",
  "object": "event",
  "account": "acct_1032D82eZvKYlo2C",
  "api_version": "2024-06-20",
  "created": 1686089970,
  "data": {"object": {"id": "pi_3NG8Dt2eZvKYlo2C0x4gM1Zy", "object": "payment_intent"}},
  "livemode": false,
  "pending_webhooks": 1,
  "request": {"id": null, "idempotency_key": null},
  "type": "payment_intent.succeeded"
}"#;

const GITHUB_PUSH: &str = r#"{
  "ref": "refs/heads/main",
  "repository": {"id": 1296269, "full_name": "octocat/Hello-World"},
  "organization": {"login": "octo-org"},
  "sender": {"login": "octocat"}
}"#;

fn github_headers() -> Vec<StoredHeader> {
    // Mixed case on purpose: HTTP/2 and proxies differ in what they send.
    headers(&[
        ("X-GitHub-Event", "push"),
        ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
        ("X-GitHub-Hook-ID", "292430182"),
        (
            "X-Hub-Signature-256",
            "sha256=d57c68ca6f92289e6987922ff26938930f6e66a2d161ef06abdf1859230aa23c",
        ),
        ("Content-Type", "application/json"),
    ])
}

const SLACK_EVENT_CALLBACK: &str = r#"{
  "token": "XXYYZZ",
  "team_id": "T123ABC456",
  "api_app_id": "A123ABC456",
  "event": {
    "type": "app_mention",
    "user": "U123ABC456",
    "text": "<@U0LAN0Z89> is it everything a river should be?",
    "ts": "1515449522.000016",
    "channel": "C123ABC456",
    "event_ts": "1515449522000016"
  },
  "type": "event_callback",
  "authed_users": ["U0LAN0Z89"],
  "event_id": "Ev123ABC456",
  "event_time": 1515449522000016
}"#;

const STANDARD_WEBHOOKS_BODY: &str = r#"{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z","data":{"id":"1f81eb52-5198-4599-803e-771906343485","type":"contact"}}"#;

// ---------------------------------------------------------------- providers

#[test]
fn kustom_ipp_session_activated_doc_example() {
    let body = KUSTOM_IPP_ACTIVATED.as_bytes();
    assert_eq!(detected(&[], body), Some("kustom-ipp"));
    assert_eq!(
        extract(rules("kustom-ipp"), &[], body),
        expected(
            Some("ipp.session.activated"),
            Some("kevt_754uIatTW0hmi10Gggqe2H"),
            Some("DM11917000"),
            // order_id and failure_reason are null: no refs for them.
            &[("session_id", "c749c48d-df11-4ae3-8e5f-2c8491b16214")],
        )
    );
}

#[test]
fn kustom_ipp_session_finalized_doc_example() {
    let body = KUSTOM_IPP_FINALIZED.as_bytes();
    assert_eq!(detected(&[], body), Some("kustom-ipp"));
    assert_eq!(
        extract(rules("kustom-ipp"), &[], body),
        expected(
            Some("ipp.session.finalized"),
            Some("kevt_62EvxyMEaAaHSGeoDTza47"),
            Some("DM11917000"),
            &[
                ("session_id", "dc01aa86-fb99-4d05-97dc-e79a22650f9a"),
                ("order_id", "ccf4e76a-f56d-4d3a-abf9-f4fe941f0a1f"),
            ],
        )
    );
}

#[test]
fn kustom_ipp_payment_failed_has_failure_reason() {
    let body = br#"{"id":"kevt_1aB2cD3eF4gH5iJ6kL7mN8","merchant_id":"DM11917000","timestamp":"2026-06-05T18:35:12.004Z","type":"ipp.payment.failed","data":{"session_id":"c749c48d-df11-4ae3-8e5f-2c8491b16214","order_id":null,"failure_reason":"card_declined"}}"#;
    assert_eq!(detected(&[], body), Some("kustom-ipp"));
    assert_eq!(
        extract(rules("kustom-ipp"), &[], body).refs,
        pairs(&[
            ("session_id", "c749c48d-df11-4ae3-8e5f-2c8491b16214"),
            ("failure_reason", "card_declined"),
        ])
    );
}

#[test]
fn kustom_order_created() {
    let body = KUSTOM_ORDER_CREATED.as_bytes();
    assert_eq!(detected(&[], body), Some("kustom"));
    assert_eq!(
        extract(rules("kustom"), &[], body),
        expected(
            Some("order.created"),
            Some("kevt_4Tq8ZbWcN1rLx0Yd7Hs2Kf"),
            Some("DM11917000"),
            &[("order_id", "5b8e2f0a-93c1-4d7e-b6a4-1f2c3d4e5f60")],
        )
    );
}

#[test]
fn kustom_preset_also_reads_ipp_refs() {
    // IPP events reach the same Kustom destination, so an endpoint bound to
    // `kustom` still indexes their session and order.
    assert_eq!(
        extract(rules("kustom"), &[], KUSTOM_IPP_FINALIZED.as_bytes()).refs,
        pairs(&[
            ("session_id", "dc01aa86-fb99-4d05-97dc-e79a22650f9a"),
            ("order_id", "ccf4e76a-f56d-4d3a-abf9-f4fe941f0a1f"),
        ])
    );
}

#[test]
fn usaepay_doc_example() {
    let body = USAEPAY_SALE.as_bytes();
    assert_eq!(detected(&[], body), Some("usaepay"));
    let signed = headers(&[("X-Signature", "5f0c0e3d4b")]);
    assert_eq!(detected(&signed, body), Some("usaepay"));
    assert_eq!(
        extract(rules("usaepay"), &signed, body),
        expected(
            Some("transaction.sale.success"),
            Some("c088bc2884a2c3b4043991b04d96ceda7c65043778233dedb26bfd5853705dfd"),
            Some("7qwnw4j2kmqvrb3"),
            &[("object_key", "1nftvzx7xtcggm3")],
        )
    );
}

#[test]
fn kulmipay_collection_event_by_body() {
    let body = KULMIPAY_COLLECTION.as_bytes();
    assert_eq!(detected(&[], body), Some("kulmipay"));
    assert_eq!(
        extract(rules("kulmipay"), &[], body),
        expected(
            Some("collection_event"),
            None,
            None,
            &[("resource_id", "INV-7XQ2LP")],
        )
    );
}

#[test]
fn kulmipay_by_challenge_header() {
    let challenge = headers(&[("X-Challenge", "s3cr3t")]);
    // An unknown topic: only the header identifies Kulmi Pay.
    let body = br#"{"topic":"payout_event","data":{"id":"PF-1"}}"#;
    assert_eq!(detected(&[], body), None);
    assert_eq!(detected(&challenge, body), Some("kulmipay"));
    assert_eq!(
        extract(rules("kulmipay"), &challenge, body),
        expected(Some("payout_event"), None, None, &[("resource_id", "PF-1")])
    );
}

#[test]
fn an_invoices_pending_and_complete_updates_have_no_shared_event_id() {
    // Two documented updates of one invoice: the same resource, not the same
    // event. The resource id stays findable; no event id numbers them.
    let update = |state: &str| {
        format!(
            r#"{{"topic":"collection_event","data":{{"id":"INV-7XQ2LP","invoice_id":"INV-7XQ2LP","state":"{state}"}}}}"#
        )
    };
    for state in ["PENDING", "COMPLETE"] {
        let found = extract(rules("kulmipay"), &[], update(state).as_bytes());
        assert_eq!(found.event_id, None, "{state}");
        assert_eq!(found.refs, pairs(&[("resource_id", "INV-7XQ2LP")]));
    }
}

#[test]
fn no_preset_takes_its_event_id_from_inside_the_changed_resource() {
    // An event id names one event; a pointer below the envelope's top level
    // (`/data/id`, `/event_body/object/key`) names the resource, which every
    // update of it shares.
    for p in presets() {
        for source in &p.rules.event_id {
            if let Source::JsonPointer { pointer } = source {
                assert_eq!(
                    pointer.matches('/').count(),
                    1,
                    "{}: {pointer} is not at the envelope's top level",
                    p.id
                );
            }
        }
    }
}

#[test]
fn checkout_payment_event() {
    let hs = checkout_headers();
    let body = CHECKOUT_PAYMENT.as_bytes();
    assert_eq!(detected(&hs, body), Some("checkout"));
    assert_eq!(
        extract(rules("checkout"), &hs, body),
        expected(
            Some("payment.succeeded"),
            // The delivery's message id wins over the body's id.
            Some("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"),
            None,
            &[("checkout_id", "chk_8d2f61c4")],
        )
    );
    // Without the header the body's id is used.
    assert_eq!(
        extract(rules("checkout"), &[], body).event_id,
        owned("evt_01HZX3M8Q4K2R7")
    );
}

#[test]
fn checkout_needs_both_webhook_headers_and_checkout_id() {
    let body = CHECKOUT_PAYMENT.as_bytes();
    assert_eq!(detected(&[], body), None);
    let only_signature = headers(&[("webhook-signature", "v1,abc=")]);
    assert_eq!(detected(&only_signature, body), Some("checkout"));
    let no_checkout_id = br#"{"id":"evt_1","type":"payment.succeeded","metadata":{}}"#;
    assert_eq!(
        detected(&checkout_headers(), no_checkout_id),
        Some("standard-webhooks")
    );
}

#[test]
fn stripe_connect_event() {
    let hs = headers(&[(
        "Stripe-Signature",
        "t=1686089970,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd",
    )]);
    let body = STRIPE_CONNECT.as_bytes();
    assert_eq!(detected(&hs, body), Some("stripe"));
    assert_eq!(detected(&[], body), None);
    assert_eq!(
        extract(rules("stripe"), &hs, body),
        expected(
            Some("payment_intent.succeeded"),
            Some("evt_1NG8Du2eZvKYlo2CUI79vXWy"),
            Some("acct_1032D82eZvKYlo2C"),
            &[],
        )
    );
}

#[test]
fn github_push_from_headers_with_mixed_case_names() {
    let hs = github_headers();
    let body = GITHUB_PUSH.as_bytes();
    assert_eq!(detected(&hs, body), Some("github"));
    assert_eq!(
        extract(rules("github"), &hs, body),
        expected(
            Some("push"),
            Some("72d3162e-cc78-11e3-81ab-4c9367dc0958"),
            Some("octocat/Hello-World"),
            &[("hook_id", "292430182")],
        )
    );
    // An organization hook without a repository falls back to the org login.
    let org_only = br#"{"action":"member_added","organization":{"login":"octo-org"}}"#;
    assert_eq!(
        extract(rules("github"), &hs, org_only).merchant_id,
        owned("octo-org")
    );
}

#[test]
fn shopify_from_headers() {
    let hs = headers(&[
        ("X-Shopify-Topic", "orders/create"),
        (
            "X-Shopify-Hmac-Sha256",
            "XWmrwMey6OsLMeiZKwP4FppHH3cmAiiJJAweH5Jo4bM=",
        ),
        ("X-Shopify-Shop-Domain", "johns-apparel.myshopify.com"),
        ("X-Shopify-API-Version", "2024-07"),
        (
            "X-Shopify-Webhook-Id",
            "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        ),
        ("X-Shopify-Event-Id", "98880550-7158-44d4-b7cd-2c97c8a091b5"),
    ]);
    let body = br#"{"id":820982911946154508,"email":"jon@example.com"}"#;
    assert_eq!(detected(&hs, body), Some("shopify"));
    assert_eq!(
        extract(rules("shopify"), &hs, body),
        expected(
            Some("orders/create"),
            Some("98880550-7158-44d4-b7cd-2c97c8a091b5"),
            Some("johns-apparel.myshopify.com"),
            &[],
        )
    );
    // The HMAC header alone is enough to recognise Shopify.
    let hmac_only = headers(&[("x-shopify-hmac-sha256", "abc=")]);
    assert_eq!(detected(&hmac_only, b""), Some("shopify"));
}

#[test]
fn slack_event_callback() {
    let hs = headers(&[
        ("X-Slack-Request-Timestamp", "1531420618"),
        (
            "X-Slack-Signature",
            "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
        ),
    ]);
    let body = SLACK_EVENT_CALLBACK.as_bytes();
    assert_eq!(detected(&hs, body), Some("slack"));
    assert_eq!(
        extract(rules("slack"), &hs, body),
        expected(
            Some("app_mention"),
            Some("Ev123ABC456"),
            Some("T123ABC456"),
            &[],
        )
    );
    // url_verification has no inner event: the outer type is used.
    let challenge = br#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    assert_eq!(
        extract(rules("slack"), &hs, challenge),
        expected(Some("url_verification"), None, None, &[])
    );
}

#[test]
fn standard_webhooks_and_svix() {
    let body = STANDARD_WEBHOOKS_BODY.as_bytes();
    let standard = headers(&[
        ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
        ("webhook-timestamp", "1614265330"),
        (
            "webhook-signature",
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        ),
    ]);
    assert_eq!(detected(&standard, body), Some("standard-webhooks"));
    assert_eq!(
        extract(rules("standard-webhooks"), &standard, body),
        expected(
            Some("contact.created"),
            Some("msg_p5jXN8AQM9LWM0D4loKWxJek"),
            None,
            &[]
        )
    );
    let svix = headers(&[
        ("Svix-Id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"),
        ("Svix-Timestamp", "1674087231"),
        (
            "Svix-Signature",
            "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
        ),
    ]);
    assert_eq!(detected(&svix, body), Some("standard-webhooks"));
    assert_eq!(
        extract(rules("standard-webhooks"), &svix, body).event_id,
        owned("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")
    );
    // An id without a signature identifies nothing.
    let id_only = headers(&[("webhook-id", "msg_1")]);
    assert_eq!(detected(&id_only, body), None);
}

#[test]
fn specific_headers_win_over_body_shape() {
    let stripe = headers(&[("stripe-signature", "t=1,v1=00")]);
    assert_eq!(
        detected(&stripe, KUSTOM_ORDER_CREATED.as_bytes()),
        Some("stripe")
    );
    // A Kustom event delivered with Standard Webhooks headers is still Kustom.
    assert_eq!(
        detected(&checkout_headers(), KUSTOM_ORDER_CREATED.as_bytes()),
        Some("kustom")
    );
    // A kevt_ id whose type is not ipp.* is plain Kustom.
    assert_eq!(
        detected(&[], br#"{"id":"kevt_1","type":"refund.created"}"#),
        Some("kustom")
    );
}

#[test]
fn unknown_request_is_not_detected_and_falls_back_to_generic() {
    let body = br#"{"event":"invoice.paid","event_id":"inv_evt_1"}"#;
    assert_eq!(
        detected(&headers(&[("user-agent", "curl/8.5.0")]), body),
        None
    );
    let (preset, values) = detect_and_extract(&[], body);
    assert_eq!(preset.id, "generic");
    assert_eq!(
        values,
        expected(Some("invoice.paid"), Some("inv_evt_1"), None, &[])
    );
}

#[test]
fn detect_and_extract_uses_the_detected_preset() {
    let (preset, values) = detect_and_extract(&[], USAEPAY_SALE.as_bytes());
    assert_eq!(preset.id, "usaepay");
    // Generic rules would have read the envelope's `"type": "event"`.
    assert_eq!(values.event_type, owned("transaction.sale.success"));
    assert_eq!(values.merchant_id, owned("7qwnw4j2kmqvrb3"));
}

// ---------------------------------------------------------------- hostile and odd input

#[test]
fn invalid_utf8_body() {
    let body = b"{\"type\":\"a\xff\xfe\",\"id\":\"kevt_1\"}";
    assert_eq!(detected(&[], body), None);
    assert_eq!(extract(rules("generic"), &[], body), Extracted::default());
    // Header sources still work.
    let hs = github_headers();
    assert_eq!(detected(&hs, b"\xff\xfe\x00\x01"), Some("github"));
    assert_eq!(
        extract(rules("github"), &hs, b"\xff\xfe\x00\x01"),
        expected(
            Some("push"),
            Some("72d3162e-cc78-11e3-81ab-4c9367dc0958"),
            None,
            &[("hook_id", "292430182")],
        )
    );
}

#[test]
fn empty_body() {
    assert_eq!(detected(&[], b""), None);
    assert_eq!(detected(&[], b"  \r\n"), None);
    assert_eq!(extract(rules("generic"), &[], b""), Extracted::default());
    let hs = headers(&[
        ("x-shopify-topic", "app/uninstalled"),
        ("x-shopify-shop-domain", "shop.myshopify.com"),
    ]);
    assert_eq!(
        extract(rules("shopify"), &hs, b""),
        expected(
            Some("app/uninstalled"),
            None,
            Some("shop.myshopify.com"),
            &[]
        )
    );
}

#[test]
fn json_array_body() {
    let body = br#"[{"id":"kevt_1","type":"ipp.session.created","topic":"collection_event"}]"#;
    assert_eq!(detected(&[], body), None);
    assert_eq!(extract(rules("generic"), &[], body), Extracted::default());
    // A user's own rule can still point into the array.
    let custom = ExtractionRules {
        event_type: vec![Source::pointer("/0/type")],
        event_id: vec![],
        merchant_id: vec![],
        refs: vec![],
    };
    assert_eq!(
        extract(&custom, &[], body).event_type,
        owned("ipp.session.created")
    );
}

#[test]
fn ten_megabyte_body() {
    let padding = "a".repeat(10 * 1024 * 1024);
    let body = format!(
        r#"{{"id":"kevt_big","merchant_id":"DM1","type":"order.created","pad":"{padding}"}}"#
    );
    // Too large to be worth parsing for detection...
    assert_eq!(detected(&[], body.as_bytes()), None);
    // ...but an endpoint bound to a preset still gets its values.
    assert_eq!(
        extract(rules("kustom"), &[], body.as_bytes()),
        expected(Some("order.created"), Some("kevt_big"), Some("DM1"), &[])
    );
    let (preset, values) = detect_and_extract(&[], body.as_bytes());
    assert_eq!(preset.id, "generic");
    assert_eq!(values.event_id, owned("kevt_big"));

    let binary = vec![0xffu8; 10 * 1024 * 1024];
    assert_eq!(detected(&[], &binary), None);
    assert_eq!(
        extract(rules("generic"), &[], &binary),
        Extracted::default()
    );
}

#[test]
fn hostile_nesting_does_not_overflow_the_stack() {
    let deep = format!("{}{}", r#"{"a":"#.repeat(100_000), "1");
    assert_eq!(detected(&[], deep.as_bytes()), None);
    let brackets = "[".repeat(1_000_000);
    assert_eq!(
        extract(rules("generic"), &[], brackets.as_bytes()),
        Extracted::default()
    );
}

#[test]
fn numbers_and_bools_are_taken_as_json_text() {
    assert_eq!(
        extract(rules("generic"), &[], br#"{"id": 12345}"#).event_id,
        owned("12345")
    );
    assert_eq!(
        extract(rules("generic"), &[], br#"{"id": -7, "type": true}"#),
        expected(Some("true"), Some("-7"), None, &[])
    );
    // Shopify's numeric order id is not lost to float rounding.
    assert_eq!(
        extract(rules("generic"), &[], br#"{"id":820982911946154508}"#).event_id,
        owned("820982911946154508")
    );
}

#[test]
fn null_empty_and_structured_values_yield_nothing() {
    assert_eq!(
        extract(rules("generic"), &[], br#"{"id": null, "type": null}"#),
        Extracted::default()
    );
    // Each of these falls through to the next source.
    let body = br#"{"type": null, "event_type": "", "event": {"name": "x"}, "topic": "t", "id": [1], "event_id": "e"}"#;
    assert_eq!(
        extract(rules("generic"), &[], body),
        expected(Some("t"), Some("e"), None, &[])
    );
}

#[test]
fn long_values_are_capped_on_a_char_boundary() {
    let ascii = format!(r#"{{"type":"{}"}}"#, "t".repeat(2000));
    assert_eq!(
        extract(rules("generic"), &[], ascii.as_bytes()).event_type,
        Some("t".repeat(512))
    );
    // Two bytes per char: a byte cut would split a char or keep 256 of them.
    let wide = format!(r#"{{"type":"{}"}}"#, "é".repeat(2000));
    assert_eq!(
        extract(rules("generic"), &[], wide.as_bytes()).event_type,
        Some("é".repeat(512))
    );
    let exact = format!(r#"{{"type":"{}"}}"#, "€".repeat(512));
    assert_eq!(
        extract(rules("generic"), &[], exact.as_bytes()).event_type,
        Some("€".repeat(512))
    );
    let long_header = "h".repeat(2000);
    let hs = headers(&[("X-Shopify-Topic", &long_header)]);
    assert_eq!(
        extract(rules("shopify"), &hs, b"").event_type,
        Some("h".repeat(512))
    );
}

#[test]
fn non_utf8_header_value_is_ignored() {
    let hs = vec![
        StoredHeader::new("X-Shopify-Topic", b"orders/\xffcreate"),
        StoredHeader::new("x-shopify-event-id", b"\xc3\x28"),
        StoredHeader::new("x-shopify-event-id", b""),
        StoredHeader::new(
            "X-Shopify-Webhook-Id",
            b"b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        ),
    ];
    // The header is still there, so detection still sees Shopify.
    assert_eq!(detected(&hs, b""), Some("shopify"));
    assert_eq!(
        extract(rules("shopify"), &hs, b""),
        expected(
            None,
            Some("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"),
            None,
            &[]
        )
    );
}

#[test]
fn pointers_that_resolve_to_no_scalar_yield_nothing() {
    let custom = ExtractionRules {
        // No leading slash; a path through a string; out of range.
        event_type: vec![
            Source::pointer("type"),
            Source::pointer("/type/0"),
            Source::pointer("/list/5"),
        ],
        // The empty pointer is the whole document, an object here.
        event_id: vec![Source::pointer("")],
        merchant_id: vec![Source::pointer("/list/1")],
        refs: vec![],
    };
    assert_eq!(
        extract(&custom, &[], br#"{"type":"x","list":[1,"m"]}"#),
        expected(None, None, Some("m"), &[])
    );
}

// ---------------------------------------------------------------- the table

#[test]
fn presets_in_display_order() {
    let ids: Vec<&str> = presets().iter().map(|p| p.id).collect();
    assert_eq!(
        ids,
        [
            "kustom",
            "kustom-ipp",
            "checkout",
            "usaepay",
            "kulmipay",
            "stripe",
            "github",
            "shopify",
            "slack",
            "standard-webhooks",
            "generic",
        ]
    );
    assert!(presets().iter().all(|p| !p.name.is_empty()));
    // Exactly the providers that do not publish their construction.
    let assumed: Vec<&str> = presets()
        .iter()
        .filter(|p| p.assumed)
        .map(|p| p.id)
        .collect();
    assert_eq!(assumed, ["kustom", "kustom-ipp", "checkout", "usaepay"]);
    let scheme = |id: &str| preset(id).and_then(|p| p.scheme.as_ref()).map(|s| s.id());
    assert_eq!(scheme("kulmipay"), Some("shared-secret"));
    assert_eq!(scheme("usaepay"), Some("combined"));
    assert_eq!(scheme("checkout"), Some("standard-webhooks"));
    assert_eq!(scheme("github"), Some("github"));
    assert_eq!(scheme("generic"), None);
    assert_eq!(generic().id, "generic");
}

#[test]
fn preset_lookup_is_case_insensitive() {
    assert_eq!(
        preset("KUSTOM-IPP").map(|p| p.name),
        Some("Kustom In-Person Payments")
    );
    assert_eq!(preset("GitHub").map(|p| p.id), Some("github"));
    assert!(preset("kustom_ipp").is_none());
    assert!(preset("").is_none());
}

#[test]
fn rules_serialize_with_a_from_tag() {
    let json = serde_json::to_value(rules("github")).ok();
    assert_eq!(
        json,
        Some(serde_json::json!({
            "event_type": [{"from": "header", "name": "x-github-event"}],
            "event_id": [{"from": "header", "name": "x-github-delivery"}],
            "merchant_id": [
                {"from": "json_pointer", "pointer": "/repository/full_name"},
                {"from": "json_pointer", "pointer": "/organization/login"}
            ],
            "refs": [["hook_id", {"from": "header", "name": "x-github-hook-id"}]]
        }))
    );
    let back: Option<ExtractionRules> = json.and_then(|v| serde_json::from_value(v).ok());
    assert_eq!(back.as_ref(), Some(rules("github")));
}

#[test]
fn every_provider_has_a_place_of_its_own_in_the_lists() {
    let places: Vec<u8> = presets().iter().map(|p| p.listed).collect();
    assert!(places.windows(2).all(|w| w[0] < w[1]), "{places:?}");
    assert_eq!(presets().len(), PROVIDERS.len());
    // generic matches nothing, so it is also last for detection.
    assert_eq!(in_detection_order().last().map(|p| p.id), Some("generic"));
    assert_eq!(generic().id, "generic");
    assert_eq!(generic().detect, Rule::Never);
}

#[test]
fn the_registry_order_decides_between_two_providers_marks() {
    // Decisive headers before Kulmi Pay's challenge, in registry order.
    let both = headers(&[("X-Challenge", "s"), ("Stripe-Signature", "t=1,v1=00")]);
    assert_eq!(detected(&both, b""), Some("stripe"));
    let both = headers(&[("X-Slack-Signature", "v0=00"), ("X-GitHub-Event", "push")]);
    assert_eq!(detected(&both, b""), Some("github"));
    // Kulmi Pay's topic before the envelope shapes.
    let body = br#"{"topic":"collection_event","id":"kevt_1","event_type":"x","event_body":{}}"#;
    assert_eq!(detected(&[], body), Some("kulmipay"));
    let body = br#"{"id":"kevt_1","type":"ipp.session.created","event_type":"x","event_body":{}}"#;
    assert_eq!(detected(&[], body), Some("usaepay"));
    // A Kustom event with a checkoutId, delivered Standard-Webhooks style.
    let body = br#"{"id":"kevt_1","type":"ipp.session.created","metadata":{"checkoutId":"c"}}"#;
    assert_eq!(detected(&checkout_headers(), body), Some("kustom-ipp"));
}
