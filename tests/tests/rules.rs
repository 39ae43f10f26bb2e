//! Response rules over real HTTP and a real SQLite file: which rule answers,
//! sequences a retrying provider walks through, closing without an answer,
//! templated bodies, chance with a seed, and the record of every answer.

use std::time::{Duration, Instant};

use hooklens_core::model::{
    AnswerRecord, Chance, ConfiguredResponse, EndpointSpec, HeaderPair, ResponseRule, RuleAnswer,
    SequenceBy,
};
use hooklens_core::store::PageQuery;
use hooklens_tests::{Harness, stored_id};

fn answer(status: u16, body: &str) -> RuleAnswer {
    RuleAnswer {
        status,
        headers: Vec::new(),
        body: body.into(),
        delay_ms: 0,
        close: false,
    }
}

fn rule(name: &str, condition: &str, answers: Vec<RuleAnswer>) -> ResponseRule {
    ResponseRule {
        name: name.into(),
        enabled: true,
        condition: condition.into(),
        answers,
        sequence: SequenceBy::EventId,
        chance: None,
    }
}

/// The default endpoint (every path) with these rules, answering 200
/// "fallback" when none matches.
fn set_rules(h: &Harness, rules: Vec<ResponseRule>) {
    h.store
        .update_endpoint(
            1,
            &EndpointSpec {
                name: "Default".into(),
                path_prefix: "/".into(),
                preset: None,
                response: ConfiguredResponse {
                    status: 200,
                    body: "fallback".into(),
                    ..ConfiguredResponse::default()
                },
                scheme: None,
                forwards: Vec::new(),
                rules,
            },
        )
        .unwrap();
}

async fn post(
    client: &reqwest::Client,
    h: &Harness,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> reqwest::Response {
    let mut request = client
        .post(format!("{}{path}", h.url))
        .header("content-type", "application/json")
        .body(body.to_owned());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

/// The writer records answers just after their events: wait for it.
fn answer_of(h: &Harness, id: i64) -> AnswerRecord {
    let reader = h.store.reader().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(record) = reader.answer_of(id).unwrap() {
            return record;
        }
        assert!(
            Instant::now() < deadline,
            "no answer recorded for event {id}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn the_first_rule_whose_condition_holds_answers_and_is_recorded() {
    let h = Harness::start().await;
    set_rules(
        &h,
        vec![
            rule(
                "refunds",
                "type:refund.*",
                vec![answer(500, "no refunds today")],
            ),
            rule("big", "json.data.amount:12000", vec![answer(202, "big")]),
            rule(
                "curl",
                "header.user-agent:curl",
                vec![answer(418, "teapot")],
            ),
            rule("retries", "dup:yes", vec![answer(409, "seen it")]),
            rule(
                "merchant",
                "merchant:m_42 path:/kustom",
                vec![answer(201, "m")],
            ),
        ],
    );
    let client = reqwest::Client::new();
    let cases = [
        (
            r#"{"type":"refund.created","id":"e1"}"#,
            &[][..],
            500,
            "no refunds today",
        ),
        (
            r#"{"type":"order.created","id":"e2","data":{"amount":12000}}"#,
            &[][..],
            202,
            "big",
        ),
        (
            r#"{"type":"order.created","id":"e3"}"#,
            &[("user-agent", "curl/8.1")][..],
            418,
            "teapot",
        ),
        (
            r#"{"type":"order.created","id":"e3"}"#,
            &[][..],
            409,
            "seen it",
        ),
        (
            r#"{"type":"order.created","id":"e4"}"#,
            &[][..],
            200,
            "fallback",
        ),
    ];
    let mut ids = Vec::new();
    for (body, headers, status, text) in cases {
        let response = post(&client, &h, "/orders", headers, body).await;
        assert_eq!(response.status(), status, "{body}");
        let id = stored_id(&response);
        assert_eq!(response.text().await.unwrap(), text);
        ids.push(id);
    }
    let refunds = answer_of(&h, ids[0]);
    assert_eq!(refunds.rule.as_deref(), Some("refunds"));
    assert_eq!(refunds.status, Some(500));
    assert_eq!(refunds.body, "no refunds today");
    let fallback = answer_of(&h, ids[4]);
    assert_eq!(fallback.rule, None);
    assert_eq!(fallback.status, Some(200));
    // The event's detail says so, and `rule:` finds what a rule answered.
    let reader = h.store.reader().unwrap();
    let view = hooklens_core::detail::event_view(&reader, ids[1]).unwrap();
    assert_eq!(view.answer.unwrap().rule.as_deref(), Some("big"));
    let found: Vec<i64> = reader
        .query(&PageQuery {
            limit: 10,
            query: hooklens_core::query::parse("rule:REFUNDS", 0).unwrap(),
            ..PageQuery::default()
        })
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(found, [ids[0]]);
}

/// A provider that retries each event until a 2xx: 503, 503, then 200.
#[tokio::test]
async fn a_retrying_provider_walks_through_a_sequence_per_event() {
    let h = Harness::start().await;
    set_rules(
        &h,
        vec![rule(
            "flaky",
            "",
            vec![answer(503, "down"), answer(503, "down"), answer(200, "ok")],
        )],
    );
    let client = reqwest::Client::new();
    for event in ["evt_a", "evt_b"] {
        let body = format!(r#"{{"type":"order.created","id":"{event}"}}"#);
        let mut seen = Vec::new();
        loop {
            let response = post(&client, &h, "/hooks", &[], &body).await;
            seen.push(response.status().as_u16());
            if response.status().is_success() || seen.len() > 5 {
                break;
            }
        }
        assert_eq!(seen, [503, 503, 200], "{event}");
    }
    // Reset: the same event starts over.
    h.store.reset_rule_counts(1).unwrap();
    let response = post(&client, &h, "/hooks", &[], r#"{"type":"x","id":"evt_a"}"#).await;
    assert_eq!(response.status(), 503);
    let record = answer_of(&h, stored_id(&response));
    assert_eq!(record.why, "answer 1 of 3, arrival 1 of event evt_a");
}

#[tokio::test]
async fn closing_without_an_answer_still_stores_the_request_first() {
    let h = Harness::start().await;
    let mut close = answer(0, "");
    close.close = true;
    close.delay_ms = 200;
    set_rules(&h, vec![rule("hang-up", "type:charge.*", vec![close])]);
    let client = reqwest::Client::new();
    let started = Instant::now();
    let sent = client
        .post(format!("{}/pay", h.url))
        .body(r#"{"type":"charge.failed","id":"c1"}"#)
        .send()
        .await;
    let err = sent.expect_err("the connection closes without an answer");
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "after the delay"
    );
    assert!(!err.is_timeout() && !err.is_status(), "{err:?}");
    let reader = h.store.reader().unwrap();
    let stored = reader.page(10, None).unwrap().events;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].provider_event_id.as_deref(), Some("c1"));
    let record = answer_of(&h, stored[0].id);
    assert!(record.closed && record.status.is_none(), "{record:?}");
    // Other requests on the listener are answered as before.
    let ok = post(&client, &h, "/pay", &[], r#"{"type":"order.created"}"#).await;
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn a_templated_body_carries_values_from_the_request() {
    let h = Harness::start().await;
    let mut echo = answer(
        200,
        r#"{"received":{{ json.data.order_id|tojson }},"hook":"{{ header.webhook_id }}","type":"{{ event.type }}","n":{{ event.delivery }}}"#,
    );
    echo.headers.push(HeaderPair {
        name: "content-type".into(),
        value: "application/json".into(),
    });
    set_rules(&h, vec![rule("echo", "", vec![echo])]);
    let client = reqwest::Client::new();
    let response = post(
        &client,
        &h,
        "/orders",
        &[("webhook-id", "wh_9")],
        r#"{"type":"order.paid","id":"o1","data":{"order_id":"ord_7"}}"#,
    )
    .await;
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(
        response.text().await.unwrap(),
        r#"{"received":"ord_7","hook":"wh_9","type":"order.paid","n":1}"#
    );
}

#[tokio::test]
async fn a_chance_with_a_fixed_seed_gives_the_same_answers_again() {
    let h = Harness::start().await;
    let mut chaos = rule("chaos", "", vec![answer(500, "chaos")]);
    chaos.chance = Some(Chance {
        percent: 30,
        seed: 7,
    });
    set_rules(&h, vec![chaos]);
    let client = reqwest::Client::new();
    let run = || async {
        let mut statuses = Vec::new();
        for n in 0..40 {
            let body = format!(r#"{{"type":"t","id":"e{n}"}}"#);
            statuses.push(post(&client, &h, "/x", &[], &body).await.status().as_u16());
        }
        statuses
    };
    let first = run().await;
    let failed = first.iter().filter(|s| **s == 500).count();
    assert!(
        (4..=20).contains(&failed),
        "{failed} of 40 at 30 %: {first:?}"
    );
    h.store.reset_rule_counts(1).unwrap();
    assert_eq!(run().await, first);
}

#[test]
fn a_rule_that_cannot_answer_is_not_saved() {
    let dir = tempfile::tempdir().unwrap();
    let store = hooklens_core::Store::open(dir.path()).unwrap();
    let spec = EndpointSpec {
        name: "Kustom".into(),
        path_prefix: "/kustom".into(),
        preset: None,
        response: ConfiguredResponse::default(),
        scheme: None,
        forwards: Vec::new(),
        rules: vec![rule("bad", "type:refund.* stauts:x", vec![answer(500, "")])],
    };
    let err = store.add_endpoint(&spec).unwrap_err().to_string();
    assert!(
        err.contains("rule \"bad\": condition:") && err.contains("status"),
        "{err}"
    );
    assert!(store.endpoints().iter().all(|e| e.path_prefix != "/kustom"));
}
