//! An export writes in bounded memory: the heap the exporting thread holds
//! at its peak stays a small fraction of the file it writes, and does not
//! grow with it. 10,000 events by default, which a debug build inserts and
//! exports in a few seconds; `HOOKLENS_EXPORT_EVENTS=100000` gives the
//! issue's figure (a release build: `cargo test --release -p hooklens-core
//! --test export_memory -- --nocapture`). Its own binary, because it counts allocations with a global
//! allocator (per thread, so the store's writer thread and the test
//! harness do not blur the figure). SQLite's page cache is C memory,
//! bounded by the reader's `cache_size`, and not counted here.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::Write;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use hooklens_core::export::{self, ExportFormat, ExportSpec, Redaction, Selection};
use hooklens_core::store::{DEFAULT_ENDPOINT_ID, NewEvent, StoredHeader};
use hooklens_core::{Store, query};

struct Counting;

thread_local! {
    static MEASURING: Cell<bool> = const { Cell::new(false) };
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    // try_with: no panic while a thread's locals are being torn down.
    let _ = MEASURING.try_with(|m| {
        if m.get() {
            let live = LIVE.with(|l| {
                l.set(l.get() + delta);
                l.get()
            });
            PEAK.with(|p| p.set(p.get().max(live)));
        }
    });
}

// SAFETY: every call is forwarded to the system allocator unchanged; the
// counting touches only const-initialised thread locals, which never
// allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as isize - layout.size() as isize);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Counts what it is given and keeps nothing.
struct Sink(u64);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// How many events to export (`HOOKLENS_EXPORT_EVENTS`, default 10,000).
fn events() -> i64 {
    std::env::var("HOOKLENS_EXPORT_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

async fn fill(store: &Store, count: i64) -> Vec<i64> {
    let mut ids = Vec::with_capacity(count as usize);
    let numbers: Vec<i64> = (0..count).collect();
    // Inserts in flight together are committed in groups by the writer.
    for chunk in numbers.chunks(1_000) {
        let tasks: Vec<_> = chunk
            .iter()
            .map(|&n| {
                let store = store.clone();
                let body = format!(
                    "{{\"type\":\"invoice.paid\",\"id\":\"evt_{n:08}\",\"data\":{{\"customer\":\
                     {{\"email\":\"customer{n}@example.com\"}},\"amount\":{n},\"note\":\"{}\"}}}}",
                    "x".repeat(200)
                );
                let event = NewEvent {
                    received_at_ns: 1_700_000_000_000_000_000 + n * 1_000_000,
                    endpoint_id: Some(DEFAULT_ENDPOINT_ID),
                    method: "POST".into(),
                    path: format!("/bulk/{n}"),
                    target: Some(format!("/bulk/{n}")),
                    headers: vec![
                        StoredHeader::new("Host", b"127.0.0.1:9494"),
                        StoredHeader::new("Content-Type", b"application/json"),
                        StoredHeader::new("Authorization", b"Bearer tok-0123456789"),
                    ],
                    body: body.into_bytes(),
                    ..NewEvent::default()
                };
                tokio::spawn(async move { store.insert(event).await.map(|s| s.id) })
            })
            .collect();
        for task in tasks {
            ids.push(task.await.expect("insert task").expect("insert"));
        }
    }
    ids
}

/// Exports on this thread, measuring its heap: (peak bytes, bytes written,
/// events per second).
fn measured(
    store: &Store,
    selection: &Selection,
    spec: &ExportSpec,
    count: i64,
) -> (isize, u64, f64) {
    let mut sink = Sink(0);
    LIVE.with(|l| l.set(0));
    PEAK.with(|p| p.set(0));
    MEASURING.with(|m| m.set(true));
    let started = Instant::now();
    let outcome = export::export(
        store,
        selection,
        spec,
        &mut sink,
        &AtomicBool::new(false),
        |_| {},
    );
    let seconds = started.elapsed().as_secs_f64();
    MEASURING.with(|m| m.set(false));
    let outcome = outcome.expect("export");
    assert_eq!(outcome.events, count as u64);
    (PEAK.with(Cell::get), sink.0, count as f64 / seconds)
}

#[test]
fn a_large_export_holds_one_event_at_a_time() {
    let count = events();
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let ids = runtime.block_on(fill(&store, count));

    let redaction = Redaction {
        json_paths: vec!["data.customer.email".into()],
        ..Redaction::default()
    };
    let cases = [
        (
            ExportFormat::Har,
            Selection::Query {
                query: query::parse("", 0).expect("query"),
                endpoint_id: None,
            },
        ),
        (ExportFormat::Bundle, Selection::Ids(ids)),
    ];
    for (format, selection) in cases {
        let spec = ExportSpec {
            format,
            redaction: redaction.clone(),
        };
        let (peak, written, rate) = measured(&store, &selection, &spec, count);
        eprintln!(
            "{format:?}: {count} events, {:.1} MB written, peak heap {:.1} MB, {rate:.0} events/s \
             (this build's profile)",
            written as f64 / 1e6,
            peak as f64 / 1e6
        );
        assert!(
            written as i64 > count * 400,
            "{format:?} wrote {written} bytes"
        );
        // The ids (8 bytes each), a set of them for a bundle, the redaction
        // items up to their cap (10,000), one event and the write buffer:
        // a few MB however many events, far below the file.
        assert!(
            peak < 12_000_000 && (peak as u64) < written / 3,
            "{format:?}: peak heap {peak} bytes for a {written}-byte file"
        );
    }
}
