//! `hooklens-cli serve` under pressure: signals under load, a thousand
//! half-sent requests at a desktop's file limit, and other commands writing
//! beside it.

mod support;

use std::collections::BTreeSet;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use support::{BIN, Serve, free_port};

fn kustom_body(n: u64) -> String {
    format!(
        r#"{{"id":"kevt_{}","type":"order.created","data":{{"n":{n}}}}}"#,
        n % 40
    )
}

/// Posts as fast as it can until `stop`; the ids acknowledged, and every
/// answer that was not a 2xx (or no answer at all), in words.
async fn load(url: String, stop: Arc<AtomicBool>, start: u64) -> (Vec<i64>, Vec<String>) {
    let client = reqwest::Client::new();
    let mut acked = Vec::new();
    let mut failed = Vec::new();
    let mut n = start;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        match client
            .post(format!("{url}/kustom/{n}"))
            .header("content-type", "application/json")
            .body(kustom_body(n))
            .send()
            .await
        {
            Ok(r) if r.status().is_success() => {
                let id = r.headers()["x-hooklens-event"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                acked.push(id);
            }
            Ok(r) => failed.push(format!(
                "{} {}",
                r.status(),
                r.text().await.unwrap_or_default()
            )),
            Err(e) => failed.push(format!("no answer: {e}")),
        }
    }
    (acked, failed)
}

/// Eight clients posting to `url` until [`Load::finish`].
struct Load {
    runtime: tokio::runtime::Runtime,
    stop: Arc<AtomicBool>,
    clients: Vec<tokio::task::JoinHandle<(Vec<i64>, Vec<String>)>>,
}

impl Load {
    fn start(url: &str) -> Load {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let clients = (0..8)
            .map(|c| runtime.spawn(load(url.to_owned(), stop.clone(), c * 1_000_000)))
            .collect();
        Load {
            runtime,
            stop,
            clients,
        }
    }

    /// Stops the clients; what all of them were acknowledged, and refused.
    fn finish(self) -> (Vec<i64>, Vec<String>) {
        self.stop.store(true, Ordering::Relaxed);
        let mut acked = Vec::new();
        let mut failed = Vec::new();
        for client in self.clients {
            let (ids, refused) = self.runtime.block_on(client).unwrap();
            acked.extend(ids);
            failed.extend(refused);
        }
        (acked, failed)
    }
}

fn stored_ids(dir: &std::path::Path) -> BTreeSet<i64> {
    let conn = rusqlite::Connection::open(dir.join("hooklens.sqlite3")).unwrap();
    let mut stmt = conn.prepare("SELECT id FROM events").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn cli(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn sigterm_under_load_answers_everything_it_stored() {
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(dir.path(), free_port());
    let load = Load::start(&serve.url);
    std::thread::sleep(Duration::from_secs(2));
    let pid = serve.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let mut serve = serve;
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = serve.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    // Requests refused once serve is gone are expected; only the
    // acknowledged ones count.
    let (acked, _refused_after_stop) = load.finish();
    let acked: BTreeSet<i64> = acked.into_iter().collect();
    assert!(
        status.success(),
        "serve exits cleanly on SIGTERM: {status:?}"
    );
    assert!(acked.len() > 100, "the load ran: {}", acked.len());
    let stored = stored_ids(dir.path());
    // Acknowledged ⇒ stored, and stored ⇒ answered: no redelivery needed.
    assert_eq!(stored, acked, "stored and acknowledged differ");
    assert!(serve.stderr.lock().unwrap().contains("Stopping"));
}

#[test]
fn a_thousand_half_sent_requests_at_a_1024_file_limit_do_not_stop_capture() {
    // The test itself holds 1,100 sockets.
    let _ = rlimit::increase_nofile_limit(4096);
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start_with(dir.path(), free_port(), Some(1024));
    let addr = serve.url.trim_start_matches("http://").to_owned();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        use tokio::io::AsyncWriteExt;
        let mut lorises = Vec::new();
        for _ in 0..1100 {
            let mut c = tokio::net::TcpStream::connect(&addr).await.unwrap();
            // A head that never ends: the slowloris pattern.
            let _ = c
                .write_all(b"POST /loris HTTP/1.1\r\nHost: x\r\nX-A: ")
                .await;
            lorises.push(c);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let started = Instant::now();
        let probe = tokio::time::timeout(
            Duration::from_secs(3),
            reqwest::Client::new()
                .post(format!("{}/probe", serve.url))
                .body("probe")
                .send(),
        )
        .await
        .expect("the probe is answered within 3 s")
        .expect("the probe gets an answer");
        assert_eq!(probe.status(), 200, "stored, in {:?}", started.elapsed());
        drop(lorises);
    });
    let probe = cli(dir.path(), &["events", "probe"]);
    assert!(String::from_utf8_lossy(&probe.stdout).contains("/probe"));
}

#[test]
fn commands_writing_beside_a_loaded_serve_never_make_it_refuse() {
    let dir = tempfile::tempdir().unwrap();
    // A forwarding endpoint, so every request also writes its deliveries.
    let handler = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let handler_url = format!("http://{}/hook", handler.local_addr().unwrap());
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for conn in handler.incoming() {
            let Ok(mut conn) = conn else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                while let Ok(n) = conn.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let _ = conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                }
            });
        }
    });
    let added = cli(
        dir.path(),
        &[
            "endpoints",
            "add",
            "--name",
            "kustom",
            "--path",
            "/kustom",
            "--preset",
            "kustom",
            "--forward",
            &handler_url,
        ],
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let serve = Serve::start(dir.path(), free_port());
    let load = Load::start(&serve.url);
    // Other processes read and write while the load runs.
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let mut commands = 0;
    while started.elapsed() < Duration::from_secs(10) {
        for args in [
            &["presets"][..],
            &["events", "--limit", "5"],
            &["settings", "max_events", "500000"],
            &["pin", "1"],
            &["pin", "1", "--off"],
            &["endpoints", "list"],
        ] {
            let out = cli(dir.path(), args);
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            commands += 1;
        }
    }
    let (acked, failures) = load.finish();
    let acked = acked.len();
    assert!(acked > 200, "the load ran: {acked}");
    assert!(commands > 20, "the commands ran: {commands}");
    assert!(
        failures.is_empty(),
        "{} of {} refused, e.g. {:?}",
        failures.len(),
        acked + failures.len(),
        failures.first()
    );
    drop(serve);
}
