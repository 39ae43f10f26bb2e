use std::sync::atomic::AtomicBool;

use super::*;
use crate::formats::{Arrival, Recorded};
use crate::signature::{Scheme, Secret, SignInput, VerdictStatus, sign};
use crate::store::EndpointSpec;
use crate::wire::StoredHeader;

const NOW: i64 = 1_795_176_000_000_000_000;

fn incoming(entry: u64, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Incoming {
    Incoming {
        entry,
        line: None,
        method: "POST".into(),
        target: target.into(),
        http_version: Some("HTTP/1.1".into()),
        headers: headers
            .iter()
            .map(|(n, v)| StoredHeader::new(n, v.as_bytes()))
            .collect(),
        body: body.to_vec(),
        arrived: None,
        warnings: Vec::new(),
        recorded: None,
    }
}

async fn run(
    store: &Store,
    entries: Vec<Result<Incoming, EntryError>>,
    spec: &ImportSpec,
) -> ImportOutcome {
    import(
        store,
        Format::Har,
        entries.into_iter(),
        spec,
        NOW,
        &AtomicBool::new(false),
        |_| {},
    )
    .await
    .unwrap()
}

const KUSTOM: &[u8] =
    br#"{"id":"kevt_1","merchant_id":"m_42","type":"order.created","data":{"order_id":"o_1"}}"#;

#[tokio::test]
async fn entries_take_the_listeners_path_and_a_bad_one_is_reported_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let entries = vec![
        Ok(incoming(
            1,
            "https://merchant.example/kustom/orders?x=1",
            &[("Content-Type", "application/json")],
            KUSTOM,
        )),
        Err(EntryError {
            entry: 2,
            line: Some(40),
            message: "body is not valid base64".into(),
        }),
        Ok(Incoming {
            warnings: vec!["the body is 3 bytes but Content-Length says 9".into()],
            ..incoming(
                3,
                "/kustom/orders",
                &[("Content-Type", "application/json")],
                KUSTOM,
            )
        }),
    ];
    let spec = ImportSpec {
        file: Some("case.har".into()),
        note: Some("ticket 4711".into()),
        endpoint_id: None,
    };
    let outcome = run(&store, entries, &spec).await;
    assert_eq!(
        (outcome.imported, outcome.skipped, outcome.warned),
        (2, 1, 1)
    );
    assert_eq!(
        outcome.problems,
        ["entry 2 (line 40): body is not valid base64"]
    );
    assert_eq!(
        outcome.summary(),
        "2 imported, 1 skipped: entry 2 (line 40): body is not valid base64"
    );

    let reader = store.reader().unwrap();
    let page = reader.page(10, None).unwrap().events;
    assert_eq!(page.len(), 2);
    // Recognised and numbered as captured events are: the second is a
    // redelivery of the same provider event.
    let mut deliveries: Vec<i64> = page.iter().map(|e| e.delivery).collect();
    deliveries.sort();
    assert_eq!(deliveries, [1, 2]);
    for e in &page {
        assert!(e.imported);
        assert_eq!(e.provider.as_deref(), Some("kustom"));
        assert_eq!(e.event_type.as_deref(), Some("order.created"));
        assert_eq!(e.path, "/kustom/orders");
        assert_eq!(e.received_at_ms, NOW / 1_000_000);
    }
    let first = reader.event(outcome.first_id.unwrap()).unwrap();
    assert_eq!(first.summary.query.as_deref(), Some("x=1"));
    assert_eq!(
        first.target.as_deref(),
        Some("https://merchant.example/kustom/orders?x=1")
    );
    assert_eq!(first.body, KUSTOM);
    let source = first.source.unwrap();
    assert_eq!(source.file.as_deref(), Some("case.har"));
    assert_eq!(source.note.as_deref(), Some("ticket 4711"));
    assert_eq!(source.arrival, "time of import");
}

#[tokio::test]
async fn the_same_import_twice_adds_nothing_but_two_identical_entries_stay_two() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let entries = || {
        vec![
            Ok(incoming(1, "/a", &[], b"same")),
            Ok(incoming(2, "/a", &[], b"same")),
        ]
    };
    let first = run(&store, entries(), &ImportSpec::default()).await;
    assert_eq!((first.imported, first.duplicates), (2, 0));
    let again = run(&store, entries(), &ImportSpec::default()).await;
    assert_eq!((again.imported, again.duplicates), (0, 2));
    assert_eq!(store.reader().unwrap().count().unwrap(), 2);
}

#[tokio::test]
async fn the_signature_is_judged_at_the_time_the_source_says_it_arrived() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let endpoint = store
        .add_endpoint(&EndpointSpec {
            name: "Hooks".into(),
            path_prefix: "/hooks".into(),
            preset: None,
            response: Default::default(),
            scheme: Some(Scheme::by_id("standard-webhooks").unwrap()),
            forwards: Vec::new(),
            rules: Vec::new(),
        })
        .unwrap();
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    store.add_secret(endpoint.id, "production", secret).unwrap();
    // Signed a week before this import runs.
    let signed_at_s = NOW / 1_000_000_000 - 7 * 86_400;
    let body = br#"{"type":"order.created"}"#;
    let headers = sign(
        &endpoint.scheme.clone().unwrap(),
        &Secret::new("production", secret),
        &SignInput {
            body,
            url: "http://localhost/hooks",
            id: Some("msg_1"),
            timestamp: signed_at_s,
        },
    )
    .unwrap();
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let at = |at_ns| Incoming {
        arrived: Some(Arrival {
            at_ns,
            from: ArrivalFrom::HarStartedDateTime,
        }),
        ..incoming(1, "/hooks/x", &headers, body)
    };
    let outcome = run(
        &store,
        vec![
            Ok(at(signed_at_s * 1_000_000_000 + 2_000_000_000)),
            Ok(at(NOW)),
        ],
        &ImportSpec::default(),
    )
    .await;
    assert_eq!(outcome.imported, 2);
    let reader = store.reader().unwrap();
    let page = reader.page(10, None).unwrap().events;
    let status = |ms: i64| {
        page.iter()
            .find(|e| e.received_at_ms == ms)
            .and_then(|e| e.verdict.as_ref())
            .map(|v| v.status)
    };
    // On time when judged at its own arrival; stale a week later.
    assert_eq!(
        status(signed_at_s * 1_000 + 2_000),
        Some(VerdictStatus::Valid)
    );
    assert_eq!(status(NOW / 1_000_000), Some(VerdictStatus::Stale));
    let detail = reader.event(page[0].id).unwrap();
    assert_eq!(
        detail.source.unwrap().arrival,
        "HAR entry's startedDateTime"
    );
}

#[tokio::test]
async fn a_chosen_endpoint_wins_over_the_path_and_a_cancel_keeps_what_was_stored() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let endpoint = store
        .add_endpoint(&EndpointSpec {
            name: "Case".into(),
            path_prefix: "/case".into(),
            preset: None,
            response: Default::default(),
            scheme: None,
            forwards: Vec::new(),
            rules: Vec::new(),
        })
        .unwrap();
    let cancel = AtomicBool::new(false);
    let entries = (1..=10u64).map(|n| {
        if n == 4 {
            cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(incoming(n, "/elsewhere", &[], format!("{n}").as_bytes()))
    });
    let spec = ImportSpec {
        endpoint_id: Some(endpoint.id),
        ..ImportSpec::default()
    };
    let outcome = import(&store, Format::Raw, entries, &spec, NOW, &cancel, |_| {})
        .await
        .unwrap();
    assert!(outcome.cancelled);
    assert_eq!(outcome.imported, 3);
    let page = store.reader().unwrap().page(10, None).unwrap().events;
    assert_eq!(page.len(), 3);
    assert!(page.iter().all(|e| e.endpoint_id == Some(endpoint.id)));
}

#[test]
fn targets_in_every_form_give_a_path_and_query() {
    assert_eq!(
        split_target("/a/b?x=1"),
        ("/a/b".into(), Some("x=1".into()))
    );
    assert_eq!(
        split_target("https://h.example:8443/a?"),
        ("/a".into(), Some(String::new()))
    );
    assert_eq!(split_target("http://h"), ("/".into(), None));
    assert_eq!(split_target("hooks/x"), ("/hooks/x".into(), None));
}

#[test]
fn a_bundles_recorded_address_and_trailers_ride_along() {
    let incoming = Incoming {
        recorded: Some(Box::new(Recorded {
            remote_addr: Some("10.0.0.7:5555".into()),
            trailers: vec![StoredHeader::new("X-Checksum", b"abc")],
            ..Recorded::default()
        })),
        ..incoming(1, "/a", &[], b"")
    };
    let arrived = arrived(
        Format::Hooklens,
        incoming,
        &ImportSpec::default(),
        vec![0; 32],
        NOW,
    );
    assert_eq!(arrived.remote_addr.as_deref(), Some("10.0.0.7:5555"));
    assert_eq!(arrived.trailers.len(), 1);
}

#[tokio::test]
async fn entries_are_stored_in_the_sources_order_so_redeliveries_number_as_they_came() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    // The same provider event delivered 300 times, more than one group.
    let entries: Vec<_> = (1..=300u64)
        .map(|n| {
            Ok(Incoming {
                arrived: Some(Arrival {
                    at_ns: NOW + n as i64,
                    from: ArrivalFrom::HarStartedDateTime,
                }),
                ..incoming(
                    n,
                    "/kustom/orders",
                    &[("Content-Type", "application/json")],
                    KUSTOM,
                )
            })
        })
        .collect();
    let outcome = run(&store, entries, &ImportSpec::default()).await;
    assert_eq!(outcome.imported, 300);
    let page = store.reader().unwrap().page(300, None).unwrap().events;
    // Newest first: the latest arrival has the highest id and delivery.
    for (i, e) in page.iter().enumerate() {
        let n = 300 - i as i64;
        assert_eq!(e.delivery, n, "{e:?}");
        assert_eq!(e.received_at_ms, (NOW + n) / 1_000_000);
    }
    let ids: Vec<i64> = page.iter().map(|e| e.id).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "ids follow the source");
}

/// A recorded run of `attempts`, as a bundle reader makes it.
fn recorded_run(id: i64, target: &str, attempts: Vec<Delivery>) -> DeliveryRun {
    DeliveryRun {
        id,
        event_id: Some(1),
        kind: crate::model::DeliveryKind::Resend,
        target: target.into(),
        pattern: "3 times".into(),
        rule: Some("any 2xx counts as delivered".into()),
        started_at_ms: 1_700_000_000_000,
        finished_at_ms: Some(1_700_000_000_900),
        outcome: Some("answered 503 on attempt 1".into()),
        attempts,
    }
}

fn recorded_attempt(attempt: u32, body_base64: &str) -> Delivery {
    serde_json::from_value(serde_json::json!({
        "id": 40 + attempt, "runId": 9, "eventId": 1, "kind": "resend", "attempt": attempt,
        "sentAtMs": 1_700_000_000_000i64 + i64::from(attempt), "method": "POST",
        "url": "http://localhost:3000/hooks",
        "headers": [{"name": "Content-Type", "value": "application/json", "binary": false}],
        "bodyText": null, "bodyBase64": body_base64, "signing": "kept as captured",
        "response": {"status": 503, "reason": "Service Unavailable", "headers": [],
                     "bodyText": "busy", "bodyBase64": null, "bodyTruncated": false,
                     "redirectTo": null},
        "error": null, "delivered": false, "failure": "not a 2xx: the handler answered 503",
        "durationMs": 12.5
    }))
    .expect("a delivery")
}

#[tokio::test]
async fn a_bundles_runs_are_put_back_under_their_event_and_one_that_cannot_be_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let with_runs = |entry, target: &str, runs| Incoming {
        recorded: Some(Box::new(Recorded {
            runs,
            ..Recorded::default()
        })),
        ..incoming(entry, target, &[], b"{}")
    };
    let outcome = run(
        &store,
        vec![
            Ok(with_runs(
                1,
                "/a",
                vec![recorded_run(
                    9,
                    "http://localhost:3000/hooks",
                    vec![recorded_attempt(1, "AAH/"), recorded_attempt(2, "e30=")],
                )],
            )),
            Ok(with_runs(
                2,
                "/b",
                vec![recorded_run(
                    10,
                    "http://localhost:4000/x",
                    vec![recorded_attempt(1, "not base64!")],
                )],
            )),
        ],
        &ImportSpec::default(),
    )
    .await;
    assert_eq!(
        (outcome.imported, outcome.deliveries, outcome.skipped),
        (2, 2, 0)
    );
    assert_eq!(
        outcome.problems,
        [
            "entry 2: a delivery to http://localhost:4000/x was not restored: its body is not valid base64"
        ]
    );
    assert!(
        outcome
            .summary()
            .starts_with("2 imported with 2 deliveries; entry 2:")
    );

    let reader = store.reader().unwrap();
    let runs = reader.runs_of_event(1, 10).unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(
        (
            run.target.as_str(),
            run.pattern.as_str(),
            run.started_at_ms,
            run.finished_at_ms
        ),
        (
            "http://localhost:3000/hooks",
            "3 times",
            1_700_000_000_000,
            Some(1_700_000_000_900)
        )
    );
    assert_eq!(run.outcome.as_deref(), Some("answered 503 on attempt 1"));
    assert_eq!(run.rule.as_deref(), Some("any 2xx counts as delivered"));
    let sent: Vec<_> = run
        .attempts
        .iter()
        .map(|d| (d.attempt, d.body_base64.clone(), d.body_text.clone()))
        .collect();
    // Bytes exact: the binary body stays binary, the JSON one is text.
    assert_eq!(
        sent,
        [(1, Some("AAH/".into()), None), (2, None, Some("{}".into()))]
    );
    let answer = run.attempts[0].response.as_ref().unwrap();
    assert_eq!(
        (answer.status, answer.body_text.as_deref()),
        (503, Some("busy"))
    );
    assert_eq!(run.attempts[0].duration_ms, 12.5);
    assert!(!run.attempts[0].delivered);
    // The second event is there, without the run that could not be read.
    assert!(reader.runs_of_event(2, 10).unwrap().is_empty());
    assert_eq!(reader.count().unwrap(), 2);
}

#[tokio::test]
async fn a_bundled_event_that_came_through_a_tunnel_keeps_its_public_url() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let via = crate::model::TunnelArrival {
        kind: "cloudflared".into(),
        public_url: Some("https://abc.trycloudflare.com".into()),
        client_addr: Some("203.0.113.7".into()),
        client_header: Some("Cf-Connecting-Ip".into()),
        client_vouched: true,
    };
    let incoming = Incoming {
        recorded: Some(Box::new(Recorded {
            via: Some(via.clone()),
            ..Recorded::default()
        })),
        ..incoming(1, "/twilio/sms", &[], b"Body=hi")
    };
    let outcome = run(&store, vec![Ok(incoming)], &ImportSpec::default()).await;
    assert_eq!(outcome.imported, 1);
    let id = outcome.first_id.unwrap();
    let detail = store.reader().unwrap().event(id).unwrap();
    // Re-verification judges a URL-signed scheme against this URL.
    assert_eq!(detail.via, Some(via));
    assert!(detail.summary.tunneled);
}
