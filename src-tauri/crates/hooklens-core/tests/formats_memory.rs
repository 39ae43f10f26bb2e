//! The HAR reader streams: reading a 100,000-entry HAR of about 60 MB
//! allocates a bounded amount, whatever the file's size. A binary of its
//! own, so its counting allocator sees nothing of the other tests.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufReader, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

use hooklens_core::formats::{self, Format};

/// The system allocator, counting the bytes live and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is passed on unchanged.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size >= layout.size() {
                let grow = new_size - layout.size();
                let live = LIVE.fetch_add(grow, Ordering::Relaxed) + grow;
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const ENTRIES: u64 = 100_000;
/// What reading may hold at once, beyond what was live before it.
const BOUND: usize = 64 << 20;

#[test]
fn reading_a_100k_entry_har_allocates_a_bounded_amount() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.har");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    out.write_all(b"{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"test\",\"version\":\"1\"},\"entries\":[\n")
        .expect("write");
    let pad = "x".repeat(300);
    for i in 0..ENTRIES {
        if i > 0 {
            out.write_all(b",\n").expect("write");
        }
        write!(
            out,
            r#"{{"startedDateTime":"2026-01-01T00:00:00Z","request":{{"method":"POST","url":"http://h/kustom/{i}","httpVersion":"HTTP/1.1","headers":[{{"name":"Content-Type","value":"application/json"}},{{"name":"webhook-id","value":"msg_{i}"}}],"postData":{{"mimeType":"application/json","text":"{{\"type\":\"order.created\",\"data\":{{\"orderId\":\"ord_{i}\",\"amount\":2500,\"note\":\"{pad}\"}}}}"}}}},"response":{{"status":200,"content":{{"size":11,"text":"{{\"ok\":true}}"}}}},"timings":{{"send":0,"wait":1,"receive":0}}}}"#
        )
        .expect("write");
    }
    out.write_all(b"\n]}}\n").expect("write");
    out.flush().expect("flush");
    drop(out);
    let size = std::fs::metadata(&path).expect("size").len();

    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let started = std::time::Instant::now();
    let file = std::fs::File::open(&path).expect("open");
    let mut count = 0u64;
    let mut body_bytes = 0usize;
    for item in formats::read(Format::Har, Box::new(BufReader::new(file)), None) {
        let incoming = item.expect("every entry reads");
        count += 1;
        body_bytes += incoming.body.len();
    }
    let elapsed = started.elapsed();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    eprintln!(
        "HAR of {ENTRIES} entries, {:.1} MB ({:.1} MB of bodies): peak {:.2} MB allocated while reading, {:.0} entries/s (this build's profile)",
        size as f64 / 1e6,
        body_bytes as f64 / 1e6,
        peak as f64 / 1e6,
        count as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(count, ENTRIES);
    assert!(size > 50_000_000, "the file is {size} bytes");
    assert!(peak < BOUND, "reading held {peak} bytes at once");
}
