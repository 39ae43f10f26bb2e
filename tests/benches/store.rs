//! The store alone: 1 KB events (Kustom's sample event, padded) committed
//! through `Store::insert` by 1 and 32 concurrent tasks, no HTTP. Next to
//! `ingest` it shows how much of the listener's cost is the single writer
//! (SQLite, indexes, full-text index) and how much is HTTP. Prints figures;
//! never fails the build.

use std::time::Instant;

use hooklens_core::providers::samples::{self, SampleEvent, SampleValues};
use hooklens_core::store::{NewEvent, Store, StoredHeader};

const EVENTS: usize = 32_000;
const BODY_BYTES: usize = 1024;

/// A Kustom `capture.created` from the provider's own sample template, its
/// description padded so the body is exactly `BODY_BYTES`, with a fresh
/// event id (from the task and the count).
fn event(task: usize, n: usize, pad: usize) -> NewEvent {
    let sample = capture(((task as u64) << 32) | n as u64, &"x".repeat(pad));
    NewEvent {
        received_at_ns: hooklens_core::store::now_ns(),
        endpoint_id: Some(hooklens_core::store::DEFAULT_ENDPOINT_ID),
        method: "POST".into(),
        path: "/webhooks/bench".into(),
        headers: vec![
            StoredHeader::new("content-type", b"application/json"),
            StoredHeader::new("user-agent", b"hooklens-bench/1"),
        ],
        body: sample.body,
        provider: Some("kustom".into()),
        event_type: Some(sample.event_type),
        provider_event_id: sample.event_id,
        merchant_id: Some("DM11917000".into()),
        ..NewEvent::default()
    }
}

fn capture(seed: u64, description: &str) -> SampleEvent {
    let values = [("description", serde_json::Value::from(description))];
    let with = SampleValues {
        now_ms: hooklens_core::store::now_ns() / 1_000_000,
        seed: Some(seed),
        values: &values,
    };
    samples::render_sample("kustom", "capture.created", &with).expect("kustom capture.created")
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    // Ids and times have fixed widths, so one measurement fits every body.
    let pad = BODY_BYTES.saturating_sub(capture(0, "").body.len());
    assert_eq!(capture(1, &"x".repeat(pad)).body.len(), BODY_BYTES);
    println!("store only (no HTTP), 1 KB events      events/s");
    for concurrency in [1usize, 32] {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("open store");
        let per_task = EVENTS / concurrency / if concurrency == 1 { 4 } else { 1 };
        let started = Instant::now();
        runtime.block_on(async {
            let tasks: Vec<_> = (0..concurrency)
                .map(|task| {
                    let store = store.clone();
                    tokio::spawn(async move {
                        for n in 0..per_task {
                            store.insert(event(task, n, pad)).await.expect("insert");
                        }
                    })
                })
                .collect();
            for t in tasks {
                t.await.expect("task");
            }
        });
        let rate = (per_task * concurrency) as f64 / started.elapsed().as_secs_f64();
        println!("  c={concurrency:<2}                                {rate:>9.0}");
    }
}
