//! Fan-out and routed forwarding over real HTTP and a real SQLite file: an
//! endpoint forwards each captured request to every target whose condition
//! (the search language) it matches, keeping the path below the prefix and
//! the query string unless a target sends to its exact URL; one relaying
//! target's reply answers the sender when it matches. Three local axum
//! handlers stand in for the services.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use hooklens_core::capture::Listener;
use hooklens_core::model::{
    ConfiguredResponse, DeliveryKind, DeliveryRun, EndpointSpec, ForwardMode, ForwardTarget,
};
use hooklens_core::store::{DATABASE_FILE, Store, StoreError};
use hooklens_tests::{Harness, stored_id};

/// One request as a handler got it.
#[derive(Debug, Clone)]
struct Got {
    path: String,
    query: Option<String>,
    body: String,
    forwarded: bool,
}

/// A local handler: records what it gets, answers `status` with `reply`.
struct Handler {
    url: String,
    got: Arc<Mutex<Vec<Got>>>,
}

#[derive(Clone)]
struct Script {
    status: u16,
    reply: &'static str,
    got: Arc<Mutex<Vec<Got>>>,
}

async fn record(
    State(script): State<Script>,
    uri: Uri,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    script.got.lock().unwrap().push(Got {
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        body: String::from_utf8_lossy(&body).into_owned(),
        forwarded: headers.contains_key("x-hooklens-forwarded"),
    });
    (StatusCode::from_u16(script.status).unwrap(), script.reply)
}

impl Handler {
    async fn start(status: u16, reply: &'static str) -> Handler {
        let got = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new().fallback(record).with_state(Script {
            status,
            reply,
            got: got.clone(),
        });
        let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", tcp.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(tcp, app).await.unwrap() });
        Handler { url, got }
    }

    fn got(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }

    /// Waits until `n` requests arrived, then a little longer, so a request
    /// that should not have come has had its chance.
    async fn wait_for(&self, n: usize) -> Vec<Got> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.got().len() < n && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.got()
    }
}

fn kustom(forwards: Vec<ForwardTarget>) -> EndpointSpec {
    EndpointSpec {
        name: "Kustom".into(),
        path_prefix: "/kustom".into(),
        preset: Some("kustom".into()),
        response: ConfiguredResponse {
            status: 202,
            body: "configured".into(),
            ..ConfiguredResponse::default()
        },
        scheme: None,
        forwards,
        rules: Vec::new(),
    }
}

fn when(url: String, mode: ForwardMode, condition: &str) -> ForwardTarget {
    ForwardTarget {
        condition: condition.into(),
        ..ForwardTarget::new(url, mode)
    }
}

async fn post(h: &Harness, path_and_query: &str, body: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}{path_and_query}", h.url))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

/// The event's forward runs once each has finished, oldest first.
async fn finished_runs(store: &Store, event: i64, n: usize) -> Vec<DeliveryRun> {
    let reader = store.reader().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut runs = reader.runs_of_event(event, 50).unwrap();
        let done = runs.len() >= n && runs.iter().all(|r| r.finished_at_ms.is_some());
        if done || Instant::now() > deadline {
            runs.reverse();
            return runs;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn paths(got: &[Got]) -> Vec<(String, Option<String>)> {
    let mut out: Vec<_> = got
        .iter()
        .map(|g| (g.path.clone(), g.query.clone()))
        .collect();
    out.sort();
    out
}

fn at(path: &str, query: Option<&str>) -> (String, Option<String>) {
    (path.to_owned(), query.map(str::to_owned))
}

#[tokio::test]
async fn each_request_goes_to_every_target_whose_condition_it_matches_with_its_sub_path() {
    let h = Harness::start().await;
    let disputes = Handler::start(200, "disputes").await;
    let everything = Handler::start(200, "all").await;
    let big = Handler::start(201, "big").await;
    h.store
        .add_endpoint(&kustom(vec![
            when(
                format!("{}/disputes", disputes.url),
                ForwardMode::Respond,
                "type:dispute.*",
            ),
            ForwardTarget::new(
                format!("{}/webhooks/", everything.url),
                ForwardMode::Respond,
            ),
            when(
                format!("{}/big?source=hooklens", big.url),
                ForwardMode::Respond,
                "json.data.amount:*",
            ),
        ]))
        .unwrap();

    let order = post(
        &h,
        "/kustom/orders?x=1&y=%20two",
        r#"{"id":"kevt_1","type":"order.created","data":{"amount":1000}}"#,
    )
    .await;
    assert_eq!(order.status(), 202, "the configured response, at once");
    assert_eq!(order.text().await.unwrap(), "configured");
    let dispute = post(
        &h,
        "/kustom/disputes/d_1",
        r#"{"id":"kevt_2","type":"dispute.created","data":{"reason":"fraud"}}"#,
    )
    .await;
    assert_eq!(dispute.status(), 202);
    let dispute_id = stored_id(&dispute);
    let refund = post(
        &h,
        "/kustom?only=query",
        r#"{"id":"kevt_3","type":"refund.created","data":{}}"#,
    )
    .await;
    assert_eq!(refund.status(), 202);
    let refund_id = stored_id(&refund);

    let to_disputes = disputes.wait_for(1).await;
    assert_eq!(
        paths(&to_disputes),
        [at("/disputes/disputes/d_1", None)],
        "only the dispute, its sub-path kept"
    );
    assert!(to_disputes[0].body.contains("dispute.created"));
    assert!(to_disputes[0].forwarded, "marked as forwarded");
    assert_eq!(
        paths(&everything.wait_for(3).await),
        [
            at("/webhooks/", Some("only=query")),
            at("/webhooks/disputes/d_1", None),
            at("/webhooks/orders", Some("x=1&y=%20two")),
        ],
        "every request; one slash between base and sub-path; the base as written when there \
         is no sub-path; the query as received"
    );
    let to_big = big.wait_for(1).await;
    assert_eq!(
        paths(&to_big),
        [at("/big/orders", Some("source=hooklens&x=1&y=%20two"))],
        "only the one with data.amount; the base's query kept, the request's appended"
    );

    // Each attempt is recorded under its event, per target, with the URL it
    // really went to.
    let runs = finished_runs(&h.store, dispute_id, 2).await;
    assert_eq!(runs.len(), 2, "{runs:#?}");
    assert!(runs.iter().all(|r| r.kind == DeliveryKind::Forward));
    let mut targets: Vec<String> = runs.iter().map(|r| r.target.clone()).collect();
    targets.sort();
    let mut expected = vec![
        format!("{}/disputes/disputes/d_1", disputes.url),
        format!("{}/webhooks/disputes/d_1", everything.url),
    ];
    expected.sort();
    assert_eq!(targets, expected);
    let to_disputes_run = runs
        .iter()
        .find(|r| r.target.starts_with(&disputes.url))
        .unwrap();
    assert_eq!(
        to_disputes_run.pattern,
        "forward when type:dispute.* (sender answered at once)"
    );
    assert_eq!(
        to_disputes_run.attempts[0].url,
        format!("{}/disputes/disputes/d_1", disputes.url)
    );
    assert_eq!(
        to_disputes_run.attempts[0]
            .response
            .as_ref()
            .unwrap()
            .body_text
            .as_deref(),
        Some("disputes")
    );
    let runs = finished_runs(&h.store, refund_id, 1).await;
    assert_eq!(runs.len(), 1, "the refund went to one target only");
    assert_eq!(runs[0].pattern, "forward (sender answered at once)");
    assert_eq!(
        runs[0].target,
        format!("{}/webhooks/?only=query", everything.url)
    );
}

#[tokio::test]
async fn the_default_endpoint_keeps_the_whole_path_and_the_exact_url_switch_adds_nothing() {
    let h = Harness::start().await;
    let handler = Handler::start(200, "ok").await;
    let mut exact = ForwardTarget::new(format!("{}/fixed?v=2", handler.url), ForwardMode::Respond);
    exact.exact_url = true;
    h.store.add_endpoint(&kustom(vec![exact.clone()])).unwrap();
    let default = h.store.endpoints()[0].clone();
    assert!(default.is_default);
    let mut spec = EndpointSpec::from(&default);
    spec.forwards = vec![ForwardTarget::new(
        format!("{}/catchall", handler.url),
        ForwardMode::Respond,
    )];
    h.store.update_endpoint(default.id, &spec).unwrap();

    post(&h, "/kustom/a/b?x=1", "{}").await;
    post(&h, "/github/push?delivery=7", "{}").await;
    assert_eq!(
        paths(&handler.wait_for(2).await),
        [
            at("/catchall/github/push", Some("delivery=7")),
            at("/fixed", Some("v=2")),
        ]
    );
}

#[tokio::test]
async fn a_matching_relay_target_answers_the_sender_and_a_non_matching_one_leaves_the_configured_response()
 {
    let h = Harness::start().await;
    let relay = Handler::start(409, "dispute seen by the handler").await;
    let everything = Handler::start(200, "all").await;
    h.store
        .add_endpoint(&kustom(vec![
            ForwardTarget::new(format!("{}/all", everything.url), ForwardMode::Respond),
            when(
                format!("{}/disputes", relay.url),
                ForwardMode::Relay,
                "type:dispute.* -json.data.test:true",
            ),
        ]))
        .unwrap();

    let answered = post(
        &h,
        "/kustom/d?x=1",
        r#"{"type":"dispute.updated","data":{"test":false}}"#,
    )
    .await;
    assert_eq!(answered.status(), 409, "the relaying handler's status");
    let id = stored_id(&answered);
    assert_eq!(
        answered.text().await.unwrap(),
        "dispute seen by the handler"
    );
    assert_eq!(
        paths(&relay.got()),
        [at("/disputes/d", Some("x=1"))],
        "relayed before the answer"
    );

    let configured = post(
        &h,
        "/kustom/o",
        r#"{"type":"order.created","data":{"test":false}}"#,
    )
    .await;
    assert_eq!(configured.status(), 202, "no relay target matched");
    assert_eq!(configured.text().await.unwrap(), "configured");
    let test_dispute = post(
        &h,
        "/kustom/d",
        r#"{"type":"dispute.created","data":{"test":true}}"#,
    )
    .await;
    assert_eq!(test_dispute.status(), 202, "excluded by the negated term");

    assert_eq!(
        relay.wait_for(1).await.len(),
        1,
        "only the matching request was relayed"
    );
    assert_eq!(
        everything.wait_for(3).await.len(),
        3,
        "the respond target got all three"
    );
    let runs = finished_runs(&h.store, id, 2).await;
    let relayed = runs
        .iter()
        .find(|r| r.target.starts_with(&relay.url))
        .unwrap();
    assert_eq!(
        relayed.pattern,
        "forward when type:dispute.* -json.data.test:true (handler's reply relayed to the sender)"
    );
    assert_eq!(relayed.attempts[0].response.as_ref().unwrap().status, 409);
}

#[tokio::test]
async fn targets_that_cannot_work_are_refused_at_save_with_the_reason() {
    let h = Harness::start().await;
    let refused = |targets| match h.store.add_endpoint(&kustom(targets)) {
        Err(StoreError::Invalid(why)) => why,
        other => panic!("not refused: {other:?}"),
    };
    let why = refused(vec![
        ForwardTarget::new("http://localhost:3000/a", ForwardMode::Relay),
        ForwardTarget::new("http://localhost:3000/b", ForwardMode::Relay),
    ]);
    assert_eq!(
        why,
        "only one target can answer the sender: target 1 (http://localhost:3000/a) and target 2 \
         (http://localhost:3000/b) are both set to relay; set one of them to respond"
    );
    let why = refused(vec![
        ForwardTarget::new("http://localhost:3000/a", ForwardMode::Respond),
        when(
            "http://localhost:3000/b".into(),
            ForwardMode::Respond,
            "type:dispute.* json.data..amount:1",
        ),
    ]);
    assert!(
        why.starts_with(
            "forward target 2: the condition \"type:dispute.* json.data..amount:1\" does not parse at characters 16–32: "
        ),
        "{why}"
    );
    assert!(why.contains("empty key"), "{why}");
    assert_eq!(h.store.endpoints().len(), 1, "nothing saved");
}

/// The migrations up to version 10, the last before forward targets.
const VERSION_10: [&str; 10] = [
    include_str!("../../src-tauri/crates/hooklens-core/migrations/0001_events.sql"),
    include_str!("../../src-tauri/crates/hooklens-core/migrations/0002_signatures.sql"),
    include_str!("../../src-tauri/crates/hooklens-core/migrations/0003_search.sql"),
    include_str!("../../src-tauri/crates/hooklens-core/migrations/0004_deliveries.sql"),
    include_str!("../../src-tauri/crates/hooklens-core/migrations/0005_fts_outbox.sql"),
    include_str!("../../src-tauri/crates/hooklens-core/migrations/0006_install_key.sql"),
    include_str!("../../src-tauri/crates/hooklens-core/migrations/0007_request_line.sql"),
    include_str!("../../src-tauri/crates/hooklens-core/migrations/0008_delivery_rules.sql"),
    include_str!("../../src-tauri/crates/hooklens-core/migrations/0009_import_source.sql"),
    include_str!("../../src-tauri/crates/hooklens-core/migrations/0010_tunnel_arrival.sql"),
];

#[tokio::test]
async fn an_old_single_forward_is_migrated_to_a_target_that_keeps_the_sub_path() {
    let handler = Handler::start(200, "ok").await;
    let dir = tempfile::tempdir().unwrap();
    {
        let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        for (i, sql) in VERSION_10.iter().enumerate() {
            conn.execute_batch(&format!(
                "BEGIN; {sql}; PRAGMA user_version = {}; COMMIT;",
                i + 1
            ))
            .unwrap();
        }
        conn.execute(
            "INSERT INTO endpoints (name, path_prefix, preset, response_status, response_headers,
                                    response_body, response_delay_ms, created_at, forward_url, forward_mode)
             VALUES ('Kustom', '/kustom', 'kustom', 200, '[]', '', 0, 1, ?1, 'respond')",
            [format!("{}/webhooks", handler.url)],
        )
        .unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    let endpoint = store
        .endpoints()
        .iter()
        .find(|e| e.path_prefix == "/kustom")
        .cloned()
        .unwrap();
    assert_eq!(
        endpoint.forwards,
        [ForwardTarget::new(
            format!("{}/webhooks", handler.url),
            ForwardMode::Respond
        )]
    );
    let listener = Listener::start("127.0.0.1:0".parse().unwrap(), store.clone())
        .await
        .unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}/kustom/orders?x=1", listener.status().url))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        paths(&handler.wait_for(1).await),
        [at("/webhooks/orders", Some("x=1"))],
        "the sub-path and query the old forward dropped"
    );
    listener.shutdown().await;
}
