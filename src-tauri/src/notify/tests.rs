use hooklens_core::model::ConfiguredResponse;
use hooklens_core::signature::{Diagnosis, DiagnosisCode, Verdict};

use super::*;

fn event(id: i64, endpoint_id: i64, status: VerdictStatus) -> EventSummary {
    EventSummary {
        id,
        cursor: String::new(),
        received_at_ms: 0,
        endpoint_id: Some(endpoint_id),
        method: "POST".into(),
        path: "/kustom/orders".into(),
        query: None,
        size: 10,
        content_type: None,
        remote_addr: None,
        provider: Some("kustom".into()),
        event_type: Some("capture.created".into()),
        provider_event_id: Some(format!("kevt_{id}")),
        merchant_id: None,
        delivery: 1,
        pinned: false,
        verdict: Some(Verdict {
            status,
            scheme: Some("standard-webhooks".into()),
            secret: None,
            age_s: None,
            diagnosis: (status == VerdictStatus::Invalid).then(|| Diagnosis {
                code: DiagnosisCode::BodyTrailingNewline,
                message: "the body gained a trailing newline".into(),
                secret: None,
            }),
            reason: None,
            assumed: false,
        }),
        imported: false,
        tunneled: false,
    }
}

fn endpoints() -> Vec<Endpoint> {
    let ep = |id: i64, name: &str, prefix: &str| Endpoint {
        id,
        name: name.into(),
        path_prefix: prefix.into(),
        preset: None,
        response: ConfiguredResponse::default(),
        is_default: id == 1,
        scheme: None,
        secrets: Vec::new(),
        forwards: Vec::new(),
        rules: Vec::new(),
        rules_epoch: 0,
    };
    vec![
        ep(1, "Default", "/"),
        ep(2, "Kustom", "/kustom"),
        ep(3, "Kulmi", "/kulmi"),
    ]
}

#[test]
fn one_event_after_a_quiet_spell_notifies_at_once_and_a_burst_becomes_one_summary() {
    let t0 = Instant::now();
    let mut c = Coalescer::default();
    assert!(
        matches!(c.push(event(1, 2, VerdictStatus::Valid), t0), Some(Note::One(e)) if e.id == 1)
    );
    // 49 more within the window: nothing yet…
    for id in 2..=50 {
        assert_eq!(
            c.push(
                event(id, 2, VerdictStatus::Valid),
                t0 + Duration::from_millis(id as u64 * 10)
            ),
            None
        );
    }
    assert_eq!(
        c.tick(t0 + Duration::from_secs(1)),
        None,
        "the window is still open"
    );
    // …then one summary of all of them when it closes.
    match c.tick(t0 + WINDOW) {
        Some(Note::Burst(events)) => assert_eq!(events.len(), 49),
        other => panic!("expected a summary, got {other:?}"),
    }
    // A quiet window ends the spell: the next event notifies at once again.
    assert_eq!(c.tick(t0 + WINDOW * 2), None);
    assert_eq!(c.due(), None);
    assert!(matches!(
        c.push(event(51, 2, VerdictStatus::Valid), t0 + WINDOW * 3),
        Some(Note::One(_))
    ));
}

#[test]
fn a_single_straggler_in_a_window_is_shown_as_itself() {
    let t0 = Instant::now();
    let mut c = Coalescer::default();
    c.push(event(1, 2, VerdictStatus::Valid), t0);
    c.push(
        event(2, 2, VerdictStatus::Valid),
        t0 + Duration::from_secs(1),
    );
    assert!(matches!(c.tick(t0 + WINDOW), Some(Note::One(e)) if e.id == 2));
}

#[test]
fn a_notification_names_provider_type_endpoint_and_a_bad_signature() {
    let eps = endpoints();
    let (summary, body) = compose(
        &Note::One(Box::new(event(7, 2, VerdictStatus::Valid))),
        &eps,
    );
    assert_eq!(summary, "Kustom capture.created");
    assert_eq!(body, "/kustom/orders on /kustom · kevt_7");

    let (summary, body) = compose(
        &Note::One(Box::new(event(8, 2, VerdictStatus::Invalid))),
        &eps,
    );
    assert_eq!(summary, "⚠ Kustom capture.created");
    assert_eq!(
        body,
        "Signature not valid: the body gained a trailing newline\n/kustom/orders on /kustom · kevt_8"
    );

    let mut plain = event(9, 1, VerdictStatus::Unsigned);
    plain.provider = None;
    plain.event_type = None;
    plain.provider_event_id = None;
    plain.path = "/anything".into();
    let (summary, body) = compose(&Note::One(Box::new(plain)), &eps);
    assert_eq!(summary, "POST /anything");
    assert_eq!(body, "/anything on Default");
}

#[test]
fn a_summary_counts_events_and_invalid_signatures() {
    let eps = endpoints();
    let mut burst: Vec<_> = (1..=37)
        .map(|id| event(id, 2, VerdictStatus::Valid))
        .collect();
    burst[3] = event(4, 2, VerdictStatus::Invalid);
    burst[9] = event(10, 2, VerdictStatus::Stale);
    let note = Note::Burst(burst);
    let (summary, body) = compose(&note, &eps);
    assert_eq!(summary, "37 new events on /kustom");
    assert_eq!(
        body,
        "⚠ 2 with invalid signatures\nLatest: Kustom capture.created"
    );
    assert_eq!(opens(&note), Some(37));

    let mixed = Note::Burst(vec![
        event(1, 2, VerdictStatus::Valid),
        event(2, 3, VerdictStatus::Valid),
    ]);
    assert_eq!(compose(&mixed, &eps).0, "2 new events on 2 endpoints");
}

#[test]
fn markup_from_senders_is_escaped() {
    assert_eq!(
        escape_markup("<b>x</b> & y"),
        "&lt;b&gt;x&lt;/b&gt; &amp; y"
    );
}

#[test]
fn a_query_rule_needs_a_query_that_parses() {
    let bad = NotifySettings {
        rule: NotifyRule::Query,
        query: "typo:x".into(),
        paused: false,
    };
    assert!(matches!(parse(&bad), Err(NotifyError::Query(m)) if m.contains("typo")));
    let good = NotifySettings {
        query: "type:refund.*".into(),
        ..bad
    };
    assert!(parse(&good).unwrap().is_some());
    // Stored settings from an older version fill in what is missing.
    let old: NotifySettings = serde_json::from_str(r#"{"paused":true}"#).unwrap();
    assert_eq!(old.rule, NotifyRule::All);
    assert!(old.paused);
}
