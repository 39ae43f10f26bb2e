//! Import and export at 100,000 events, each figure beside its floor
//! measured in the same run:
//! - import of a 100,000-entry HAR: events/s and peak RSS, beside reading
//!   the HAR alone (no store) and storing the same requests already parsed
//!   (no reading);
//! - export of 100,000 events as HAR and as a bundle: events/s, beside
//!   reading the same events from the store alone (no redaction, no writing).
//!
//! Prints figures; never asserts timing. `HOOKLENS_BENCH_EVENTS` sets a
//! smaller size for a quick look.

use std::io::{BufReader, Write};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use hooklens_core::export::{self, ExportFormat, ExportSpec, Redaction, Selection};
use hooklens_core::formats::{self, Format};
use hooklens_core::import::{self, ImportSpec};
use hooklens_core::query::Query;
use hooklens_core::store::{Store, now_ns};
#[path = "common/report.rs"]
mod report;
use report::{Report, Want};

/// Targets of the import/export issue (17).
const IMPORT_AT_LEAST: f64 = 20_000.0;
const IMPORT_PEAK_UNDER_MB: f64 = 100.0;
const EXPORT_AT_LEAST: f64 = 50_000.0;

fn main() {
    let events: usize = std::env::var("HOOKLENS_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    if let Err(err) = run(events) {
        eprintln!("interchange bench: {err}");
        std::process::exit(1);
    }
}

fn run(events: usize) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let har = dir.path().join("case.har");
    write_har(&har, events).map_err(|e| e.to_string())?;
    let size = std::fs::metadata(&har).map_err(|e| e.to_string())?.len();
    println!(
        "interchange: {events} events, HAR {:.1} MB",
        size as f64 / 1e6
    );
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;

    // Floor 1: reading alone.
    let started = Instant::now();
    let file = std::fs::File::open(&har).map_err(|e| e.to_string())?;
    let read = formats::read(Format::Har, Box::new(BufReader::new(file)), None).count();
    let read_rate = read as f64 / started.elapsed().as_secs_f64();

    // The import itself, in a fresh store.
    let import_dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let store = Store::open(import_dir.path()).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let file = std::fs::File::open(&har).map_err(|e| e.to_string())?;
    let reader = formats::read(Format::Har, Box::new(BufReader::new(file)), None);
    let outcome = runtime
        .block_on(import::import_source(
            &store,
            Format::Har,
            reader,
            &ImportSpec::default(),
            now_ns(),
            &AtomicBool::new(false),
            |_| {},
        ))
        .map_err(|e| e.to_string())?;
    let import_rate = outcome.imported as f64 / started.elapsed().as_secs_f64();
    // Before the floor below holds every parsed request at once.
    let import_peak = peak_kib() / 1024;
    // Floor 2: storing the same requests, parsed beforehand.
    let floor_dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let floor_store = Store::open(floor_dir.path()).map_err(|e| e.to_string())?;
    let file = std::fs::File::open(&har).map_err(|e| e.to_string())?;
    let parsed: Vec<_> = formats::read(Format::Har, Box::new(BufReader::new(file)), None)
        .filter_map(Result::ok)
        .collect();
    let started = Instant::now();
    runtime.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for incoming in parsed {
            let store = floor_store.clone();
            let event = hooklens_core::store::NewEvent {
                received_at_ns: now_ns(),
                method: incoming.method,
                path: "/bench".into(),
                headers: incoming.headers,
                body: incoming.body,
                ..Default::default()
            };
            set.spawn(async move { store.insert(event).await });
            while set.len() >= 512 {
                set.join_next().await;
            }
        }
        while set.join_next().await.is_some() {}
    });
    let store_rate = events as f64 / started.elapsed().as_secs_f64();
    drop(floor_store);

    println!(
        "  import HAR        {import_rate:>9.0} events/s (target ≥ 20,000)   peak RSS {import_peak} MB (target < 100)"
    );
    println!(
        "    floors: reading alone {read_rate:>9.0}/s ({:.2}×), storing parsed requests {store_rate:>9.0}/s ({:.2}×)",
        import_rate / read_rate,
        import_rate / store_rate
    );

    let mut report = Report::new(&format!("interchange at {events} events"));
    report.row(
        "import HAR, events/s vs reading the HAR alone",
        import_rate,
        Some(read_rate),
        "/s",
        Want::None,
    );
    report.row(
        "import HAR, events/s vs storing parsed requests",
        import_rate,
        Some(store_rate),
        "/s",
        Want::None,
    );
    report.row(
        "import HAR, events/s",
        import_rate,
        None,
        "/s",
        Want::Over(IMPORT_AT_LEAST),
    );
    report.row(
        "import HAR, peak RSS",
        import_peak as f64,
        None,
        "MB",
        Want::Under(IMPORT_PEAK_UNDER_MB),
    );

    // Floor 3: reading the events back, one by one, as export does.
    let reader = store.reader().map_err(|e| e.to_string())?;
    let ids: Vec<i64> = (1..=events as i64).collect();
    let started = Instant::now();
    for id in &ids {
        let _ = reader.event(*id);
    }
    let read_back = events as f64 / started.elapsed().as_secs_f64();
    for format in [ExportFormat::Har, ExportFormat::Bundle] {
        let mut sink = Counting(0);
        let started = Instant::now();
        let outcome = export::export(
            &store,
            &Selection::Query {
                query: Query::default(),
                endpoint_id: None,
            },
            &ExportSpec {
                format,
                redaction: Redaction::default(),
            },
            &mut sink,
            &AtomicBool::new(false),
            |_| {},
        )
        .map_err(|e| e.to_string())?;
        let rate = outcome.events as f64 / started.elapsed().as_secs_f64();
        println!(
            "  export {:<10} {rate:>9.0} events/s (target ≥ 50,000)   {:.1} MB; floor: reading the events alone {read_back:>9.0}/s ({:.2}×)",
            format!("{format:?}"),
            sink.0 as f64 / 1e6,
            rate / read_back
        );
        report.row(
            format!("export {format:?}, events/s vs reading the events alone"),
            rate,
            Some(read_back),
            "/s",
            Want::None,
        );
        report.row(
            format!("export {format:?}, events/s"),
            rate,
            None,
            "/s",
            Want::Over(EXPORT_AT_LEAST),
        );
    }
    report.print();
    Ok(())
}

/// A HAR of `n` webhook-like POSTs, 1 s apart.
fn write_har(path: &std::path::Path, n: usize) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    write!(
        out,
        r#"{{"log":{{"version":"1.2","creator":{{"name":"bench","version":"1"}},"entries":["#
    )?;
    for i in 0..n {
        if i > 0 {
            write!(out, ",")?;
        }
        let body = format!(
            r#"{{\"id\":\"kevt_{i}\",\"merchant_id\":\"m_{}\",\"type\":\"order.created\",\"data\":{{\"order_id\":\"o_{i}\",\"amount\":{}}}}}"#,
            i % 97,
            1000 + i % 5000
        );
        let secs = i % 86_400;
        write!(
            out,
            r#"{{"startedDateTime":"2026-12-01T{:02}:{:02}:{:02}Z","request":{{"method":"POST","url":"https://shop.example/kustom/orders","httpVersion":"HTTP/1.1","headers":[{{"name":"Content-Type","value":"application/json"}},{{"name":"User-Agent","value":"Kustom-Webhooks/2.1"}}],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0,"postData":{{"mimeType":"application/json","text":"{body}"}}}},"response":{{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","headers":[],"cookies":[],"content":{{"size":0,"mimeType":"text/plain"}},"redirectURL":"","headersSize":-1,"bodySize":0}},"cache":{{}},"timings":{{"send":0,"wait":1,"receive":0}},"time":1}}"#,
            secs / 3600,
            (secs / 60) % 60,
            secs % 60
        )?;
    }
    write!(out, "]}}}}")?;
    out.flush()
}

/// The process's peak resident set, in KiB.
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// A writer that only counts, so the figure is the export's own work.
struct Counting(u64);

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
