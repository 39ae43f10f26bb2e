use super::*;

const EPOCH: i64 = 0;
use crate::model::{Chance, HeaderPair};
use crate::signature::VerdictStatus;
use crate::wire::StoredHeader;

fn answer(status: u16) -> RuleAnswer {
    RuleAnswer {
        status,
        headers: Vec::new(),
        body: String::new(),
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

fn error(rules: &[ResponseRule]) -> String {
    match compile(rules) {
        Ok(_) => panic!("{rules:?} compiled"),
        Err(RuleError::Invalid(message)) => message,
    }
}

struct Request {
    headers: Vec<StoredHeader>,
    body: Vec<u8>,
    event_type: Option<&'static str>,
    id: Option<&'static str>,
}

impl Request {
    fn new(event_type: &'static str, id: &'static str, body: &str) -> Self {
        Request {
            headers: vec![
                StoredHeader::new("content-type", b"application/json"),
                StoredHeader::new("webhook-id", b"wh_123"),
            ],
            body: body.as_bytes().to_vec(),
            event_type: Some(event_type),
            id: Some(id),
        }
    }

    fn subject(&self) -> Subject<'_> {
        let mut s = Subject::new("POST", "/kustom/orders", &self.headers, &self.body);
        s.event_type = self.event_type;
        s.provider_event_id = self.id;
        s.provider = Some("kustom");
        s.verdict = Some(VerdictStatus::Valid);
        s.query = Some("x=1");
        s
    }
}

/// Statuses for `requests` on endpoint 7 after `epoch` resets.
fn statuses(
    compiled: &Compiled,
    counters: &Counters,
    epoch: i64,
    requests: &[Request],
) -> Vec<Option<u16>> {
    requests
        .iter()
        .map(|r| {
            let subject = r.subject();
            compiled
                .choose((7, epoch), &subject, counters)
                .map(|c| compiled.render(&c, &subject).status.unwrap_or(0))
        })
        .collect()
}

#[test]
fn saving_refuses_what_cannot_answer_and_names_the_rule() {
    assert!(error(&[rule("", "", vec![answer(200)])]).contains("rule 1 needs a name"));
    let twice = [
        rule("a", "", vec![answer(200)]),
        rule("A", "", vec![answer(500)]),
    ];
    assert!(error(&twice).contains("another rule has this name"));
    let bad = error(&[rule("refunds", "type:refund.* statux:x", vec![answer(500)])]);
    assert!(bad.starts_with("rule \"refunds\": condition:"), "{bad}");
    assert!(
        bad.contains("did you mean status:?") && bad.contains("character 15"),
        "{bad}"
    );
    assert!(error(&[rule("t", "after:1h", vec![answer(200)])]).contains("after:"));
    assert!(error(&[rule("none", "", vec![])]).contains("1 to 20 answers"));
    assert!(error(&[rule("s", "", vec![answer(42)])]).contains("status 42"));
    let mut slow = answer(200);
    slow.delay_ms = MAX_DELAY_MS + 1;
    assert!(error(&[rule("slow", "", vec![slow])]).contains("delay"));
    let mut header = answer(200);
    header.headers.push(HeaderPair {
        name: "bad name".into(),
        value: "x".into(),
    });
    assert!(error(&[rule("h", "", vec![header])]).contains("not a valid header name"));
    let mut chance = rule("c", "", vec![answer(500)]);
    chance.chance = Some(Chance {
        percent: 0,
        seed: 1,
    });
    assert!(error(&[chance]).contains("1 to 100 percent"));
    let mut template = answer(200);
    template.body = "{{ json.data.order_id ".into();
    let message = error(&[rule("tpl", "", vec![answer(503), template])]);
    assert!(
        message.starts_with("rule \"tpl\": answer 2: body template: syntax error"),
        "{message}"
    );
    let mut dashed = answer(200);
    dashed.body = r#"{"id": "{{ header.webhook-id }}"}"#.into();
    let message = error(&[rule("dash", "", vec![dashed])]);
    assert!(
        message.contains(r#"write header["webhook-id"] or header.webhook_id"#),
        "{message}"
    );
    // Closing needs no status.
    let mut close = answer(0);
    close.close = true;
    assert!(compile(&[rule("close", "", vec![close])]).is_ok());
}

#[test]
fn the_first_enabled_rule_that_matches_answers() {
    let mut off = rule("off", "", vec![answer(418)]);
    off.enabled = false;
    let compiled = compile(&[
        off,
        rule("refunds", "type:refund.*", vec![answer(500)]),
        rule("all", "", vec![answer(202)]),
    ])
    .unwrap();
    let counters = Counters::default();
    let got = statuses(
        &compiled,
        &counters,
        EPOCH,
        &[
            Request::new("refund.created", "e1", "{}"),
            Request::new("order.created", "e2", "{}"),
        ],
    );
    assert_eq!(got, [Some(500), Some(202)]);
    let only_refunds = compile(&[rule("refunds", "type:refund.*", vec![answer(500)])]).unwrap();
    assert_eq!(
        statuses(
            &only_refunds,
            &counters,
            EPOCH,
            &[Request::new("order.created", "e3", "{}")]
        ),
        [None]
    );
}

#[test]
fn a_sequence_answers_each_events_retries_in_turn_and_starts_over_on_reset() {
    let compiled = compile(&[rule(
        "flaky",
        "",
        vec![answer(503), answer(503), answer(200)],
    )])
    .unwrap();
    let counters = Counters::default();
    let e1 = || Request::new("order.created", "evt_1", "{}");
    let e2 = || Request::new("order.created", "evt_2", "{}");
    let got = statuses(
        &compiled,
        &counters,
        EPOCH,
        &[e1(), e1(), e2(), e1(), e1(), e2()],
    );
    assert_eq!(got, [503, 503, 503, 200, 200, 503].map(Some));
    let subject_request = e1();
    let subject = subject_request.subject();
    let chosen = compiled.choose((7, 0), &subject, &counters).unwrap();
    assert_eq!(chosen.why, "answer 3 of 3, arrival 5 of event evt_1");
    // A reset (the next epoch) starts every count over.
    assert_eq!(
        statuses(&compiled, &counters, EPOCH + 1, &[e1()]),
        [Some(503)]
    );

    let mut by_arrival = rule("arrivals", "", vec![answer(500), answer(200)]);
    by_arrival.sequence = SequenceBy::Arrival;
    let compiled = compile(&[by_arrival]).unwrap();
    let got = statuses(&compiled, &counters, EPOCH + 1, &[e1(), e2(), e2()]);
    assert_eq!(got, [500, 200, 200].map(Some));
}

#[test]
fn a_chance_with_a_seed_repeats_its_pattern_and_keeps_near_its_rate() {
    let mut chaos = rule("chaos", "", vec![answer(500)]);
    chaos.chance = Some(Chance {
        percent: 20,
        seed: 42,
    });
    let compiled = compile(&[chaos, rule("ok", "", vec![answer(200)])]).unwrap();
    let counters = Counters::default();
    let requests: Vec<Request> = (0..1000).map(|_| Request::new("t", "e", "{}")).collect();
    let first = statuses(&compiled, &counters, EPOCH, &requests);
    let failed = first.iter().filter(|s| **s == Some(500)).count();
    assert!((150..=250).contains(&failed), "{failed} of 1000 at 20 %");
    // The next epoch: same seed, same run.
    assert_eq!(
        statuses(&compiled, &counters, EPOCH + 1, &requests),
        first,
        "same seed, same run"
    );
    let mut other = rule("chaos", "", vec![answer(500)]);
    other.chance = Some(Chance {
        percent: 20,
        seed: 43,
    });
    let other = compile(&[other, rule("ok", "", vec![answer(200)])]).unwrap();
    // Another seed, in a third epoch, gives another run.
    assert_ne!(statuses(&other, &counters, EPOCH + 2, &requests), first);
}

#[test]
fn a_template_answers_with_values_from_the_request() {
    let mut templated = answer(200);
    templated.body = concat!(
        r#"{"order": {{ json.data.order_id|tojson }}, "hook": "{{ header["webhook-id"] }}","#,
        r#" "same": "{{ header.webhook_id }}", "type": "{{ event.type }}", "#,
        r#""q": "{{ request.query }}", "missing": "{{ json.nope.deeper }}"}"#
    )
    .into();
    let compiled = compile(&[rule("echo", "", vec![templated])]).unwrap();
    let request = Request::new("order.created", "e1", r#"{"data":{"order_id":"ord_\"7"}}"#);
    let subject = request.subject();
    let chosen = compiled
        .choose((1, 0), &subject, &Counters::default())
        .unwrap();
    let sent = compiled.render(&chosen, &subject);
    assert_eq!(
        String::from_utf8(sent.body).unwrap(),
        r#"{"order": "ord_\"7", "hook": "wh_123", "same": "wh_123", "type": "order.created", "q": "x=1", "missing": ""}"#
    );
    assert_eq!(sent.status, Some(200));
    assert_eq!(sent.record.rule.as_deref(), Some("echo"));
}

#[test]
fn a_template_that_runs_out_of_fuel_answers_500_and_says_why() {
    let mut endless = answer(200);
    endless.body =
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}".into();
    let compiled = compile(&[rule("loop", "", vec![endless])]).unwrap();
    let request = Request::new("t", "e", "{}");
    let subject = request.subject();
    let chosen = compiled
        .choose((1, 0), &subject, &Counters::default())
        .unwrap();
    let sent = compiled.render(&chosen, &subject);
    assert_eq!(sent.status, Some(500));
    let error = sent.record.template_error.unwrap();
    assert!(error.contains("fuel"), "{error}");
    assert!(
        String::from_utf8(sent.body)
            .unwrap()
            .contains("rule \"loop\" could not render")
    );
}

#[test]
fn a_sequence_remembers_a_bounded_number_of_event_ids() {
    let mut count = RuleCount::default();
    for n in 0..MAX_TRACKED_IDS + 10 {
        assert_eq!(count.arrival_of(&format!("evt_{n}")), 1);
    }
    assert_eq!(count.by_id.len(), MAX_TRACKED_IDS);
    // The oldest were forgotten and start over; a recent one goes on.
    assert_eq!(count.arrival_of("evt_0"), 1);
    assert_eq!(count.arrival_of(&format!("evt_{}", MAX_TRACKED_IDS + 9)), 2);
}
