//! A condition (response rules, forward targets) means what the same text
//! means in the search box: for each query, the events the in-memory
//! matcher accepts are exactly the ones the store's search returns, on a
//! real SQLite file.

use std::time::{Duration, Instant};

use hooklens_core::EventSummary;
use hooklens_core::model::{ConfiguredResponse, EndpointSpec};
use hooklens_core::query::{Condition, Subject};
use hooklens_core::signature::{Verdict, VerdictStatus};
use hooklens_core::store::{NewEvent, PageQuery, Store};
use hooklens_core::wire::StoredHeader;

struct Sent {
    summary: EventSummary,
    headers: Vec<StoredHeader>,
    body: Vec<u8>,
}

fn verdict(status: VerdictStatus) -> Option<Verdict> {
    Some(Verdict {
        status,
        scheme: Some("hmac-sha256".into()),
        secret: None,
        age_s: None,
        diagnosis: None,
        reason: None,
        assumed: false,
    })
}

#[allow(clippy::too_many_arguments)]
fn event(
    n: i64,
    endpoint: i64,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
    provider: Option<&str>,
    event_type: Option<&str>,
    id: Option<&str>,
    merchant: Option<&str>,
    status: Option<VerdictStatus>,
) -> NewEvent {
    NewEvent {
        received_at_ns: 1_790_000_000_000_000_000 + n * 1_000_000,
        endpoint_id: Some(endpoint),
        method: method.into(),
        path: path.into(),
        headers: headers
            .iter()
            .map(|(n, v)| StoredHeader::new(n, v.as_bytes()))
            .collect(),
        body: body.as_bytes().to_vec(),
        provider: provider.map(str::to_owned),
        event_type: event_type.map(str::to_owned),
        provider_event_id: id.map(str::to_owned),
        merchant_id: merchant.map(str::to_owned),
        verdict: status.and_then(verdict),
        remote_addr: Some("127.0.0.1:4000".into()),
        ..NewEvent::default()
    }
}

#[tokio::test]
async fn a_condition_accepts_exactly_what_the_search_box_finds() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let kustom = store
        .add_endpoint(&EndpointSpec {
            name: "Kustom shop".into(),
            path_prefix: "/kustom".into(),
            preset: Some("kustom".into()),
            response: ConfiguredResponse::default(),
            scheme: None,
            forwards: Vec::new(),
            rules: Vec::new(),
        })
        .unwrap()
        .id;
    let json = r#"{"type":"refund.created","data":{"amount":12000,"order_id":"ord_7","live":true,"tags":["a","b"],"note":null}}"#;
    let events = vec![
        event(
            1,
            kustom,
            "POST",
            "/kustom/orders",
            &[
                ("content-type", "application/json"),
                ("user-agent", "Kustom-Webhooks/2.1"),
            ],
            json,
            Some("kustom"),
            Some("refund.created"),
            Some("evt_1"),
            Some("m_42"),
            Some(VerdictStatus::Valid),
        ),
        event(
            2,
            kustom,
            "POST",
            "/kustom/orders",
            &[("user-agent", "Kustom-Webhooks/2.1")],
            json,
            Some("kustom"),
            Some("refund.created"),
            Some("evt_1"),
            Some("m_42"),
            Some(VerdictStatus::Invalid),
        ),
        event(
            3,
            kustom,
            "POST",
            "/kustom/refunds/9",
            &[("authorization", "Bearer sk_live_abcdef123456")],
            r#"{"type":"order.created","data":{"amount":500,"order_id":"ord_8","quote":"say \"hi\" \u00e9"}}"#,
            Some("kustom"),
            Some("order.created"),
            Some("evt_2"),
            Some("m_7"),
            Some(VerdictStatus::Unsigned),
        ),
        event(
            4,
            1,
            "PUT",
            "/other/path",
            &[("x-request-id", "Abc-123")],
            "plain text body with Dispute words",
            None,
            None,
            None,
            None,
            None,
        ),
        event(
            5,
            1,
            "POST",
            "/hook",
            &[("content-type", "application/json")],
            r#"{"data":{"amount":"12000","order_id":"ord_70"}}"#,
            Some("checkout"),
            Some("dispute.opened"),
            Some("evt_3"),
            None,
            Some(VerdictStatus::Stale),
        ),
        event(6, 1, "GET", "/", &[], "", None, None, None, None, None),
    ];
    let mut sent = Vec::new();
    for e in events {
        let (headers, body) = (e.headers.clone(), e.body.clone());
        let summary = store.insert(e).await.unwrap();
        sent.push(Sent {
            summary,
            headers,
            body,
        });
    }
    let reader = store.reader().unwrap();
    let search = |text: &str| -> Vec<i64> {
        let mut ids: Vec<i64> = reader
            .query(&PageQuery {
                limit: 100,
                query: hooklens_core::query::parse(text, 0).unwrap(),
                ..PageQuery::default()
            })
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect();
        ids.sort_unstable();
        ids
    };
    // Words reach the full-text index shortly after they are stored.
    let deadline = Instant::now() + Duration::from_secs(10);
    while search("plain").is_empty() || search("ord_8").is_empty() {
        assert!(Instant::now() < deadline, "the text was not indexed");
        std::thread::sleep(Duration::from_millis(20));
    }
    let endpoints = store.endpoints();
    let queries = [
        "",
        "type:refund.created",
        "type:refund.*",
        "type:*",
        "-type:refund.*",
        "provider:kustom",
        "provider:checkout -status:stale",
        "endpoint:Kustom shop",
        "endpoint:/kustom",
        "endpoint:\"kustom shop\"",
        &format!("endpoint:{kustom}"),
        "endpoint:nothing",
        "method:put",
        "method:POST path:/kustom",
        "path:/kustom/*/9",
        "path:/kustom/refunds",
        "path:\"/kustom/*\"",
        "status:valid",
        "status:invalid",
        "status:unverified",
        "-status:unverified",
        "id:evt_1",
        "id:#3",
        "merchant:m_42",
        "header.user-agent:kustom",
        "header.user-agent:*",
        "-header.user-agent:*",
        "header.x-request-id:abc-1",
        "header.authorization:sk_live",
        "json.data.amount:12000",
        "json.data.amount:*",
        "json.data.order_id:ord_7*",
        "json.data.order_id:ord_7",
        "json.data.live:true",
        "json.data.note:null",
        "json.data.tags.1:b",
        "json.data.quote:say*",
        "json.data.quote:\"say \\\"hi\\\" é\"",
        "json.data.tags:*",
        "json.data:*",
        "dup:yes",
        "dup:no",
        "source:live",
        "source:import",
        "via:local",
        "via:tunnel",
        "dispute",
        "disput*",
        "\"with dispute\"",
        "kustom webhooks",
        "order created",
        "refunds 9",
        "sk_live",
        "-plain -ord_8",
        "orders status:invalid dup:yes",
    ];
    // Agreement on empty answers proves little: most queries must pick
    // some events and leave others.
    let mut telling = 0;
    for text in queries {
        let condition = Condition::parse(text).unwrap();
        let mut matched: Vec<i64> = sent
            .iter()
            .filter(|s| {
                condition.matches(&Subject::stored(
                    &s.summary, &s.headers, &s.body, &endpoints,
                ))
            })
            .map(|s| s.summary.id)
            .collect();
        matched.sort_unstable();
        assert_eq!(matched, search(text), "{text:?}: matcher vs search");
        telling += usize::from(!matched.is_empty() && matched.len() < sent.len());
    }
    assert!(telling >= 40, "only {telling} queries told events apart");
    // A JSON string with escapes is compared by its text, not its source.
    for text in [
        "json.data.quote:say*",
        "json.data.quote:\"say \\\"hi\\\" é\"",
    ] {
        assert_eq!(search(text).len(), 1, "{text:?}");
    }
    // The store numbered the redelivery the matcher read.
    assert_eq!(sent[1].summary.delivery, 2);
}

#[test]
fn a_condition_refuses_times_and_names_where() {
    let err = Condition::parse("type:a after:1h").unwrap_err();
    assert_eq!((err.start, err.end), (7, 15), "{err:?}");
    assert!(err.message.contains("after:"), "{}", err.message);
    let err = Condition::parse("type:").unwrap_err();
    assert!(!err.message.is_empty());
}
