//! Ingest benchmark: 1 KB JSON POSTs (Kustom's sample event, padded) through
//! the real release `hooklens-cli serve` in its own process, beside two floors
//! measured in the same run on the same cores (`ingest/floor.rs`): a server
//! that stores nothing (HTTP alone) and one that stores each request durably
//! in one SQLite table with group commit (the least storing costs). Then 20
//! response rules against none, and growth of the store to a million events
//! to show whether the listener's memory stays flat as the database grows.
//! Ends with the table of figures, floors, ratios and targets.
//!
//! Prints figures; never asserts timing. Exits non-zero only when the setup
//! breaks: the listener cannot be built or started, or a request was not stored.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use hooklens_core::providers::samples::{self, SampleValues};

#[path = "ingest/floor.rs"]
mod floor;
#[path = "common/report.rs"]
mod report;
use floor::Floor;
use report::{Report, Want, thousands};

const BODY_BYTES: usize = 1024;
/// (concurrency, requests) for the measured runs; sized so the whole bench,
/// growth included, stays within a few minutes on 2 cores.
const LOADS: [(usize, usize); 2] = [(1, 3_000), (32, 20_000)];
/// Requests sent before each measured run so connections are open and caches warm.
const WARMUP: usize = 500;
/// At most the store's default `max_events`, or retention starts deleting.
/// `HOOKLENS_BENCH_GROWTH=0` skips the growth phase when iterating on ingest.
const GROWTH_EVENTS: usize = 1_000_000;

fn growth_events() -> usize {
    std::env::var("HOOKLENS_BENCH_GROWTH")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(GROWTH_EVENTS)
}
const GROWTH_STEP: usize = 100_000;
const GROWTH_CONCURRENCY: usize = 32;

fn main() -> ExitCode {
    // The bench's binary also serves the floors, in child processes.
    if let Some(served) = floor::serve_if_asked() {
        return match served {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("ingest floor: {err}");
                ExitCode::FAILURE
            }
        };
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("ingest bench: {err}");
            ExitCode::FAILURE
        }
    }
}

/// One measured run of a server: its figures and the CPU its process used.
struct Measured {
    run: Run,
    /// The warm-up before it (Hooklens stores those too).
    warm: Run,
    cpu_us: f64,
}

fn run() -> Result<(), String> {
    let size = webhook_body().len();
    if size != BODY_BYTES {
        return Err(format!("the sample body is {size} bytes, not {BODY_BYTES}"));
    }
    let cli = build_cli()?;
    let bench_started = Instant::now();
    let scratch = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let data_dir = scratch.path().join("data");
    let mut listener = Listener::start(&cli, &data_dir, &scratch.path().join("listener.log"))?;
    let hooklens = format!("http://{}/webhooks/bench", listener.addr);
    let none = Floor::start(floor::Kind::None, free_port()?, scratch.path())?;
    let durable = Floor::start(floor::Kind::Durable, free_port()?, scratch.path())?;

    let runtime = tokio::runtime::Runtime::new().map_err(|e| format!("runtime: {e}"))?;
    // Every hooklens request must be stored; anything else is counted here.
    let mut stored = 0;
    let mut not_stored = 0;
    let mut report = Report::new("ingest");

    println!(
        "{:<36}{:>10}{:>10}{:>10}{:>14}{:>14}{:>22}",
        "ingest (1 KB JSON POSTs)",
        "events/s",
        "p50 ack",
        "p99 ack",
        "vs no storage",
        "vs durable",
        "server CPU µs/request"
    );
    for (concurrency, requests) in LOADS {
        // Each server warmed, then measured; its own process's CPU only.
        let measure = |url: &str, pid: u32| -> Result<Measured, String> {
            let warm = runtime.block_on(load(url, WARMUP, concurrency));
            let before = cpu_seconds(pid)?;
            let run = runtime.block_on(load(url, requests, concurrency));
            let cpu_us = per_request(cpu_seconds(pid)? - before, requests);
            Ok(Measured { run, warm, cpu_us })
        };
        let bare = measure(&format!("http://{}/webhooks/bench", none.addr), none.pid())?;
        let floor = measure(
            &format!("http://{}/webhooks/bench", durable.addr),
            durable.pid(),
        )?;
        let ours = measure(&hooklens, listener.pid())?;
        for (name, m) in [
            ("floor: no storage", &bare),
            ("floor: durable insert", &floor),
            ("hooklens", &ours),
        ] {
            println!(
                "  {:<34}{}{:>14.2}{:>14.2}{:>22.1}",
                format!("{name}, c={concurrency}"),
                m.run.columns(),
                m.run.rate() / bare.run.rate(),
                m.run.rate() / floor.run.rate(),
                m.cpu_us,
            );
            m.run.report_failures(name);
        }
        for r in [&ours.warm, &ours.run] {
            stored += r.ok;
            not_stored += r.failed;
        }
        let rate = format!("ingest c={concurrency}, events/s");
        report.row(
            format!("{rate} vs no storage"),
            ours.run.rate(),
            Some(bare.run.rate()),
            "/s",
            Want::None,
        );
        report.row(
            format!("{rate} vs durable insert"),
            ours.run.rate(),
            Some(floor.run.rate()),
            "/s",
            if concurrency == 1 {
                Want::None
            } else {
                Want::AtLeast(0.85)
            },
        );
        let p99 = |m: &Measured| m.run.percentile(0.99).as_secs_f64() * 1e3;
        report.row(
            format!("ingest c={concurrency}, p99 ack vs durable insert"),
            p99(&ours),
            Some(p99(&floor)),
            "ms",
            if concurrency == 1 {
                Want::Under(1.0)
            } else {
                Want::AtMost(2.0)
            },
        );
        report.row(
            format!("ingest c={concurrency}, server CPU/request vs durable"),
            ours.cpu_us,
            Some(floor.cpu_us),
            "µs",
            Want::None,
        );
    }
    let mem = listener.memory()?;
    println!(
        "listener RSS {} (peak {}). CPU: each server's own process; the load generator's is not in it.",
        mb(mem.rss),
        mb(mem.peak)
    );
    drop((none, durable));
    let rules = rules_phase(&cli, &data_dir, &listener, &runtime)?;
    stored += rules.ok;
    not_stored += rules.failed;
    report.row(
        "20 response rules, c=32, events/s vs none",
        rules.with,
        Some(rules.without),
        "/s",
        Want::AtLeast(0.90),
    );

    let earlier = stored;
    println!(
        "growth to {} stored events (c={GROWTH_CONCURRENCY}, counting the {} above):",
        thousands(growth_events()),
        thousands(earlier)
    );
    println!(
        "  {:>9}{:>12}{:>11}{:>11}{:>11}",
        "events", "db size", "RSS", "peak RSS", "events/s"
    );
    let started = Instant::now();
    for step in 1..=growth_events() / GROWTH_STEP {
        // Tops the store up to the next step, so `events` is what it holds.
        let missing = (step * GROWTH_STEP).saturating_sub(stored);
        let run = runtime.block_on(load(&hooklens, missing, GROWTH_CONCURRENCY));
        stored += run.ok;
        not_stored += run.failed;
        run.report_failures("growth");
        let mem = listener.memory()?;
        println!(
            "  {:>9}{:>12}{:>11}{:>11}{:>11}",
            thousands(stored),
            mb(db_size(&data_dir)),
            mb(mem.rss),
            mb(mem.peak),
            thousands(run.rate().round() as usize)
        );
    }
    let size = db_size(&data_dir);
    println!(
        "  {} answered 2xx while growing ({:.0} s), {} in the whole run",
        thousands(stored - earlier),
        started.elapsed().as_secs_f64(),
        thousands(stored)
    );
    println!(
        "  final db size {}, {:.0} bytes per event (bodies are {BODY_BYTES} B)",
        mb(size),
        size as f64 / stored.max(1) as f64
    );

    capture_order(&data_dir)?;
    let peak = listener.memory()?.peak;
    report.row(
        format!("listener peak RSS, {} events stored", thousands(stored)),
        peak as f64 / 1e6,
        None,
        "MB",
        Want::Under(50.0),
    );
    report.print();
    println!("measured in {:.0} s", bench_started.elapsed().as_secs_f64());
    drop(listener);
    if not_stored > 0 {
        return Err(format!(
            "{not_stored} requests to hooklens were not answered 200"
        ));
    }
    Ok(())
}

/// How far the captured events' ids follow the timeline: a search reads
/// the newest full-text hits first where ids follow it within the store's
/// slack (migration 14), and concurrent requests reach the writer a little
/// out of the order they were stamped.
fn capture_order(data_dir: &Path) -> Result<(), String> {
    let db = rusqlite::Connection::open_with_flags(
        data_dir.join("hooklens.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .map_err(|e| format!("capture order: {e}"))?;
    let (displaced, ordered_from, slack, newest): (Option<i64>, i64, i64, Option<i64>) = db
        .query_row(
            "SELECT (SELECT max(id - newer_min) FROM (
                        SELECT id, min(id) OVER (ORDER BY received_at DESC, id DESC
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS newer_min
                        FROM events)
                     WHERE newer_min < id),
                    ordered_from, slack, (SELECT max(id) FROM events)
             FROM timeline_order",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .map_err(|e| format!("capture order: {e}"))?;
    println!(
        "capture order: an event's id is at most {} ids after an event newer than it \
         (slack {slack}); ids follow the timeline from id {ordered_from} of {}",
        displaced.unwrap_or(0),
        newest.unwrap_or(0)
    );
    Ok(())
}

/// Builds the release CLI with the same cargo and target dir as this bench, so
/// the figures are for what users run, not a debug build or the test harness.
/// `HOOKLENS_BENCH_CLI` names a built `hooklens-cli` to measure instead
/// (e.g. a build of an earlier commit, for a before/after comparison).
/// Twenty response rules on one endpoint, the last of which answers: every
/// request is checked against nineteen conditions of every kind (words in the
/// body, JSON paths, headers, event fields) before it is answered.
fn twenty_rules() -> serde_json::Value {
    let conditions = [
        "type:refund.*",
        "type:dispute.created",
        "json.data.order_id:ord_0000*",
        "json.data.amount:12000",
        "json.event.nope:1",
        "header.user-agent:curl",
        "header.x-test:*",
        "merchant:m_never",
        "dup:yes",
        "status:invalid",
        "provider:github",
        "method:PUT",
        "path:/rules/never",
        "id:evt_nope",
        "source:import",
        "via:tunnel",
        "endpoint:nothing",
        "\"a phrase no body has\"",
        "-method:POST",
        "",
    ];
    conditions
        .iter()
        .enumerate()
        .map(|(i, condition)| {
            serde_json::json!({
                "name": format!("rule-{}", i + 1),
                "condition": condition,
                "answers": [{"status": if condition.is_empty() { 200 } else { 503 }}],
            })
        })
        .collect()
}

/// Ingest at c=32 on an endpoint with twenty response rules beside the same
/// run on one with none, alternated so drift hits both; target: within 10 %.
fn rules_phase(
    cli: &Path,
    data_dir: &Path,
    listener: &Listener,
    runtime: &tokio::runtime::Runtime,
) -> Result<RulesRun, String> {
    let cli_run = |args: &[&str], stdin: &str| -> Result<(), String> {
        let mut child = Command::new(cli)
            .arg("--data-dir")
            .arg(data_dir)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("hooklens-cli: {e}"))?;
        if let Some(mut input) = child.stdin.take() {
            use std::io::Write;
            input
                .write_all(stdin.as_bytes())
                .map_err(|e| format!("hooklens-cli stdin: {e}"))?;
        }
        let out = child
            .wait_with_output()
            .map_err(|e| format!("hooklens-cli: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "hooklens-cli {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(())
    };
    cli_run(
        &["endpoints", "add", "--name", "Rules", "--path", "/rules"],
        "",
    )?;
    cli_run(
        &["endpoints", "rules", "/rules", "set", "-"],
        &twenty_rules().to_string(),
    )?;
    // The listener, another process, reloads endpoints within a second.
    std::thread::sleep(Duration::from_millis(1500));
    let none = format!("http://{}/webhooks/bench", listener.addr);
    let ruled = format!("http://{}/rules/bench", listener.addr);
    const REQUESTS: usize = 10_000;
    const ROUNDS: usize = 4;
    let (mut ok, mut failed) = (0, 0);
    // Per variant: events/s of each round, and the listener's CPU.
    let (mut without, mut with) = ((Vec::new(), 0.0), (Vec::new(), 0.0));
    runtime.block_on(load(&ruled, WARMUP, 32));
    for _ in 0..ROUNDS {
        for (url, (rates, cpu)) in [(&none, &mut without), (&ruled, &mut with)] {
            let before = cpu_seconds(listener.pid())?;
            let run = runtime.block_on(load(url, REQUESTS, 32));
            *cpu += cpu_seconds(listener.pid())? - before;
            ok += run.ok;
            failed += run.failed;
            run.report_failures("rules phase");
            rates.push(run.rate());
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
    };
    let (rate_with, rate_without) = (median(&mut with.0), median(&mut without.0));
    let ratio = rate_with / rate_without;
    let cpu = |seconds: f64| per_request(seconds, REQUESTS * ROUNDS);
    println!(
        "response rules, c=32, median of {ROUNDS} alternated rounds: {rate_with:.0} events/s with 20 \
         rules (19 checked, the last answers) vs {rate_without:.0} with none, {ratio:.2}× (target ≥ \
         0.90: {}); listener CPU {:.1} vs {:.1} µs/request",
        if ratio >= 0.90 { "met" } else { "NOT met" },
        cpu(with.1),
        cpu(without.1),
    );
    Ok(RulesRun {
        ok,
        failed,
        with: rate_with,
        without: rate_without,
    })
}

/// The rules phase: requests answered 2xx and not, and the median rates.
struct RulesRun {
    ok: usize,
    failed: usize,
    with: f64,
    without: f64,
}

fn build_cli() -> Result<PathBuf, String> {
    if let Some(given) = std::env::var_os("HOOKLENS_BENCH_CLI") {
        return Ok(PathBuf::from(given));
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "-p", "hooklens-cli"])
        .current_dir(&workspace)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build --release -p hooklens-cli: {status}"));
    }
    // cargo resolves a relative CARGO_TARGET_DIR against its working directory.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace.join("target"), |dir| workspace.join(dir));
    Ok(target.join("release").join("hooklens-cli"))
}

/// The `hooklens-cli serve` subprocess; killed on drop, so a panic or an early
/// return never leaves it running.
struct Listener {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

struct Memory {
    rss: u64,
    peak: u64,
}

impl Listener {
    fn start(cli: &Path, data_dir: &Path, log: &Path) -> Result<Listener, String> {
        let addr = free_port()?;
        // Its log goes to a file: a pipe nobody reads could fill and stall it.
        let log_file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let child = Command::new(cli)
            .arg("serve")
            .arg("--listen")
            .arg(addr.to_string())
            .arg("--data-dir")
            .arg(data_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", cli.display()))?;
        let mut listener = Listener {
            child,
            addr,
            log: log.to_owned(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            listener.alive()?;
            if Instant::now() > deadline {
                return Err(format!(
                    "hooklens-cli is not listening on {addr} after 30 s"
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(listener)
    }

    /// An error with the exit status and the end of the listener's log once
    /// it has stopped: it must run until the bench is done.
    fn alive(&mut self) -> Result<(), String> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => {
                let log = std::fs::read_to_string(&self.log).unwrap_or_default();
                let lines: Vec<_> = log.lines().collect();
                let tail = lines[lines.len().saturating_sub(20)..].join("\n");
                Err(format!(
                    "hooklens-cli exited ({status}); its log ends:\n{tail}"
                ))
            }
            Err(e) => Err(format!("cannot check on hooklens-cli: {e}")),
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident and peak resident memory of the listener process, in bytes.
    fn memory(&mut self) -> Result<Memory, String> {
        self.alive()?;
        let path = format!("/proc/{}/status", self.child.id());
        let status = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
        let kib = |key: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .map(|k| k * 1024)
                .ok_or_else(|| format!("no {key} in {path}"))
        };
        Ok(Memory {
            rss: kib("VmRSS:")?,
            peak: kib("VmHWM:")?,
        })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// CPU time (user + system, all threads) a process has used so far, from
/// /proc/PID/stat, in seconds. Clock ticks are 1/100 s on Linux: runs of a
/// second or more are measured to about 1%.
fn cpu_seconds(pid: u32) -> Result<f64, String> {
    let path = format!("/proc/{pid}/stat");
    let stat = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    // Fields after the command name, which may itself hold spaces and ')'.
    let rest = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or_else(|| format!("{path}: unexpected format"))?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 here.
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok());
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) => Ok((user + system) as f64 / 100.0),
        _ => Err(format!("{path}: no utime/stime")),
    }
}

fn per_request(seconds: f64, requests: usize) -> f64 {
    seconds * 1e6 / requests.max(1) as f64
}

fn free_port() -> Result<SocketAddr, String> {
    // Asking the OS for port 0 and releasing it is racy in theory, but nothing
    // else on a bench machine grabs the same ephemeral port in that instant.
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port: {e}"))
}

/// A Kustom `capture.created` from the provider's own sample template, its
/// description padded so the body is exactly `BODY_BYTES`. Each call is a new
/// event id, as from a real provider: a repeated id would make every request
/// a redelivery of the same event, which hooklens numbers and links.
fn webhook_body() -> Vec<u8> {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    // Ids and times have fixed widths, so one measurement fits every body.
    static PAD: OnceLock<usize> = OnceLock::new();
    let pad = *PAD.get_or_init(|| BODY_BYTES.saturating_sub(capture(0, "").len()));
    capture(NEXT.fetch_add(1, Ordering::Relaxed), &"x".repeat(pad))
}

fn capture(seed: u64, description: &str) -> Vec<u8> {
    let values = [("description", serde_json::Value::from(description))];
    let with = SampleValues {
        now_ms: hooklens_core::store::now_ns() / 1_000_000,
        seed: Some(seed),
        values: &values,
    };
    match samples::render_sample("kustom", "capture.created", &with) {
        Ok(sample) => sample.body,
        // The preset and type are fixed: an error is a bug in this file.
        Err(err) => panic!("kustom capture.created: {err}"),
    }
}

#[derive(Default)]
struct Run {
    /// Time from sending each request until its response status arrived.
    acks: Vec<Duration>,
    elapsed: Duration,
    ok: usize,
    failed: usize,
    first_failure: Option<String>,
}

impl Run {
    fn rate(&self) -> f64 {
        (self.ok + self.failed) as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> Duration {
        let i = ((self.acks.len() as f64 - 1.0) * p).round() as usize;
        self.acks.get(i).copied().unwrap_or_default()
    }

    /// events/s, p50 and p99 as aligned table columns.
    fn columns(&self) -> String {
        let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1e3);
        format!(
            "{:>10}{:>10}{:>10}",
            thousands(self.rate().round() as usize),
            ms(self.percentile(0.50)),
            ms(self.percentile(0.99))
        )
    }

    fn report_failures(&self, what: &str) {
        if let Some(first) = &self.first_failure {
            eprintln!(
                "  {what}: {} requests not answered 200, first: {first}",
                self.failed
            );
        }
    }
}

/// Sends `requests` POSTs of `body` to `url` from `concurrency` workers, each
/// waiting for its answer before sending the next, on a fresh connection pool.
async fn load(url: &str, requests: usize, concurrency: usize) -> Run {
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("http client");
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, url, next) = (client.clone(), url.to_owned(), next.clone());
            tokio::spawn(async move {
                let mut run = Run::default();
                while next.fetch_add(1, Ordering::Relaxed) < requests {
                    let sent = Instant::now();
                    let answer = client
                        .post(&url)
                        .header("content-type", "application/json")
                        .body(webhook_body())
                        .send()
                        .await;
                    run.acks.push(sent.elapsed());
                    let failure = match answer {
                        // Drain the (tiny) body so the connection is reused.
                        Ok(r) if r.status() == 200 => r.bytes().await.err().map(|e| e.to_string()),
                        Ok(r) => Some(format!("status {}", r.status())),
                        Err(e) => Some(e.to_string()),
                    };
                    match failure {
                        None => run.ok += 1,
                        Some(f) => {
                            run.failed += 1;
                            run.first_failure.get_or_insert(f);
                        }
                    }
                }
                run
            })
        })
        .collect();
    let mut total = Run::default();
    for worker in workers {
        let run = worker.await.expect("load worker");
        total.acks.extend(run.acks);
        total.ok += run.ok;
        total.failed += run.failed;
        total.first_failure = total.first_failure.or(run.first_failure);
    }
    total.elapsed = started.elapsed();
    total.acks.sort_unstable();
    total
}

/// Size on disk of the database, its WAL and shared-memory index.
fn db_size(data_dir: &Path) -> u64 {
    [
        "hooklens.sqlite3",
        "hooklens.sqlite3-wal",
        "hooklens.sqlite3-shm",
    ]
    .iter()
    .filter_map(|f| std::fs::metadata(data_dir.join(f)).ok())
    .map(|m| m.len())
    .sum()
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}
