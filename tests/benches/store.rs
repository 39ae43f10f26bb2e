//! The store alone: 1 KB events committed through `Store::insert` by 1 and 32
//! concurrent tasks, no HTTP. Next to `ingest` it shows how much of the
//! listener's cost is the single writer (SQLite, indexes, full-text index) and
//! how much is HTTP. Prints figures; never fails the build.

use std::time::Instant;

use hooklens_core::store::{NewEvent, Store, StoredHeader};

const EVENTS: usize = 32_000;

fn event(task: usize, n: usize) -> NewEvent {
    let id = format!("evt_{task}_{n}");
    let body = format!(
        "{{\"id\":\"{id}\",\"type\":\"payment.succeeded\",\"data\":{{\"pad\":\"{}\"}}}}",
        "x".repeat(950)
    );
    NewEvent {
        received_at_ns: hooklens_core::store::now_ns(),
        endpoint_id: Some(hooklens_core::store::DEFAULT_ENDPOINT_ID),
        method: "POST".into(),
        path: "/webhooks/bench".into(),
        headers: vec![
            StoredHeader::new("content-type", b"application/json"),
            StoredHeader::new("user-agent", b"hooklens-bench/1"),
        ],
        body: body.into_bytes(),
        event_type: Some("payment.succeeded".into()),
        provider_event_id: Some(id),
        ..NewEvent::default()
    }
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
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
                            store.insert(event(task, n)).await.expect("insert");
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
