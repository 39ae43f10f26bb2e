//! Hostile nesting through capture, `verify` and re-verification, under an
//! address-space cap: one request used to abort the listener (a 200 KB body
//! of 100,000 nested arrays asked for 6.5 GB).
//!
//! Its own test binary: the cap applies to the whole process.

use std::sync::atomic::AtomicBool;

use hooklens_core::model::EndpointSpec;
use hooklens_core::verdict::{self, Diagnose, Subject};
use hooklens_tests::{Harness, stored_id};

/// Address space for the whole test process (runtime, client, listener,
/// SQLite): far below what one hostile body cost before.
const ADDRESS_SPACE: u64 = 3 << 30;

fn arrays(depth: usize) -> Vec<u8> {
    let mut body = Vec::with_capacity(2 * depth);
    body.extend(std::iter::repeat_n(b'[', depth));
    body.extend(std::iter::repeat_n(b']', depth));
    body
}

fn objects(depth: usize) -> Vec<u8> {
    let mut body = Vec::with_capacity(6 * depth + 1);
    for _ in 0..depth {
        body.extend_from_slice(b"{\"a\":");
    }
    body.push(b'1');
    body.extend(std::iter::repeat_n(b'}', depth));
    body
}

/// Peak resident memory of this process so far, in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deeply_nested_bodies_are_stored_and_verified_within_bounded_memory() {
    rlimit::setrlimit(rlimit::Resource::AS, ADDRESS_SPACE, rlimit::INFINITY).unwrap();
    let h = Harness::start().await;
    let endpoint = h
        .store
        .add_endpoint(&EndpointSpec {
            name: "github".into(),
            path_prefix: "/gh".into(),
            preset: Some("github".into()),
            response: Default::default(),
            scheme: None,
            forwards: Vec::new(),
            // Response rules read the same bodies: a condition on a JSON path
            // and words, and a template that reads the parsed body.
            rules: serde_json::from_str(
                r#"[{"name": "deep", "condition": "json.a.a.a:* header.x-github-event:push \"never\"",
                     "answers": [{"status": 418}]},
                    {"name": "echo", "condition": "-method:PUT",
                     "answers": [{"status": 200, "body": "{{ json.a|length }} {{ request.body|length }}"}]}]"#,
            )
            .unwrap(),
        })
        .unwrap();
    h.store.add_secret(endpoint.id, "main", "s3cret").unwrap();
    let client = reqwest::Client::new();

    // Warm up so the baseline holds the runtime, client and caches.
    client
        .post(format!("{}/gh/warm", h.url))
        .body("[]")
        .send()
        .await
        .unwrap();
    let baseline = peak_rss();

    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("arrays 10^2", arrays(100)),
        ("arrays 10^3", arrays(1_000)),
        ("arrays 10^4", arrays(10_000)),
        ("arrays 10^5 (200 KB)", arrays(100_000)),
        ("arrays 10^6 (2 MB)", arrays(1_000_000)),
        ("objects 10^5", objects(100_000)),
        ("objects 4*10^6 (24 MB)", objects(4_000_000)),
    ];
    let largest = cases.iter().map(|(_, b)| b.len()).max().unwrap() as u64;
    for (name, body) in &cases {
        let response = client
            .post(format!("{}/gh/hook", h.url))
            .header("content-type", "application/json")
            .header("x-github-event", "push")
            .header("x-hub-signature-256", format!("sha256={}", "0".repeat(64)))
            .body(body.clone())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{name}: the listener did not answer: {e}"));
        assert_eq!(response.status(), 200, "{name}");
        let id = stored_id(&response);
        let event = h.store.reader().unwrap().event(id).unwrap();
        assert_eq!(&event.body, body, "{name}: stored exactly");
        let stored = event.summary.verdict.clone().unwrap();
        assert_eq!(stored.status.as_str(), "invalid", "{name}");

        // What `hooklens-cli verify` does: the full diagnosis, any size.
        let full = verdict::verdict_with(
            &h.store.endpoints(),
            &h.store.secrets(),
            &Subject {
                endpoint_id: event.summary.endpoint_id,
                provider: event.summary.provider.as_deref(),
                method: &event.summary.method,
                path: &event.summary.path,
                query: None,
                headers: &event.headers,
                body: &event.body,
                received_at_ns: event.received_at_ns,
                public_url: None,
            },
            Diagnose::Full,
        );
        assert_eq!(full.status.as_str(), "invalid", "{name}");
        let grown = peak_rss().saturating_sub(baseline);
        assert!(
            grown < 16 * largest + (64 << 20),
            "{name}: peak memory grew by {} MB",
            grown >> 20
        );
    }
    // Re-verifying every stored event runs the same code again.
    let outcome =
        hooklens_core::verdict::reverify(&h.store, None, &AtomicBool::new(false), |_| {}).unwrap();
    assert!(outcome.checked >= cases.len() as u64);
    // The listener is still there.
    let after = client
        .post(format!("{}/after", h.url))
        .body("still here")
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 200);
}
