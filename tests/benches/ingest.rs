//! Ingest benchmark: requests per second through the real listener into a real
//! SQLite file, against a baseline measured in the same run (one committed
//! transaction per row on a plain connection, which is what storing each
//! request on its own would cost). Prints figures; never fails the build.

use std::time::{Duration, Instant};

use hooklens_tests::Harness;

const REQUESTS: usize = 4000;
const CONCURRENCY: usize = 16;
const BODY_BYTES: usize = 1024;

fn baseline(dir: &std::path::Path) -> f64 {
    let conn = rusqlite::Connection::open(dir.join("baseline.sqlite3")).expect("open baseline");
    conn.pragma_update(None, "journal_mode", "WAL")
        .expect("wal");
    conn.pragma_update(None, "synchronous", "NORMAL")
        .expect("sync");
    conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, at INTEGER, body BLOB)")
        .expect("table");
    let body = vec![b'x'; BODY_BYTES];
    let started = Instant::now();
    for i in 0..REQUESTS {
        conn.execute(
            "INSERT INTO t (at, body) VALUES (?1, ?2)",
            rusqlite::params![i as i64, body],
        )
        .expect("insert");
    }
    REQUESTS as f64 / started.elapsed().as_secs_f64()
}

async fn through_listener() -> (f64, Vec<Duration>) {
    let h = Harness::start().await;
    let client = reqwest::Client::new();
    let body = vec![b'x'; BODY_BYTES];
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..CONCURRENCY {
        let client = client.clone();
        let url = format!("{}/bench/{worker}", h.url);
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for _ in 0..REQUESTS / CONCURRENCY {
                let t = Instant::now();
                let r = client
                    .post(&url)
                    .body(body.clone())
                    .send()
                    .await
                    .expect("send");
                assert_eq!(r.status(), 200);
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("worker"));
    }
    let rate = latencies.len() as f64 / started.elapsed().as_secs_f64();
    assert_eq!(
        h.store.reader().expect("reader").count().expect("count") as usize,
        latencies.len()
    );
    latencies.sort();
    (rate, latencies)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = baseline(dir.path());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (rate, latencies) = runtime.block_on(through_listener());
    println!("ingest: {REQUESTS} POSTs of {BODY_BYTES} B, {CONCURRENCY} concurrent clients");
    println!("  baseline, one commit per row, no HTTP: {base:>9.0} rows/s");
    println!("  hooklens, HTTP + group commit:         {rate:>9.0} req/s");
    println!(
        "  ratio hooklens / baseline:             {:>9.2}",
        rate / base
    );
    println!(
        "  latency p50 {:?}  p99 {:?}  max {:?}",
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or_default()
    );
}
