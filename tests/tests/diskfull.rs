//! A real full disk: the store lives on a small tmpfs that fills up while
//! requests keep coming, then space returns. Every request answered 2xx is a
//! promise: its event must be findable by a word of its body, then and after
//! a restart. While the disk is full a 5xx is allowed (nothing was kept).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hooklens_core::capture::Listener;
use hooklens_core::store::{PageQuery, Store, StoreOptions};
use hooklens_tests::stored_id;

/// Small enough to fill in an instant, large enough for the schema and the
/// events stored before it fills.
const TMPFS_SIZE: &str = "size=8m";
/// Bodies of a few KB: a full disk then refuses them rather than squeezing
/// them into the last free bytes.
const PADDING: usize = 3000;
/// Events stored before the disk fills; their WAL is the room that commits
/// still find once it is full.
const BEFORE: usize = 100;
const CLIENTS: u32 = 2;
/// How long the clients keep posting into the full disk: at least this
/// long, and on until some requests were refused (a slow machine takes longer
/// to use up the WAL), but never longer than `FULL_AT_MOST`.
const FULL_FOR: Duration = Duration::from_secs(3);
const REFUSED_AT_LEAST: usize = 20;
const FULL_AT_MOST: Duration = Duration::from_secs(20);
/// The writer retries waiting text every ~5 s; this leaves room for several.
const FINDABLE_WITHIN: Duration = Duration::from_secs(30);

/// A tmpfs mounted on a temporary directory; unmounted on drop, also when
/// the test panics, so no mount outlives it.
struct Tmpfs {
    dir: tempfile::TempDir,
    sudo: bool,
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0")
}

impl Tmpfs {
    /// None when this process may not mount (not root, no passwordless sudo).
    fn mount() -> Option<Tmpfs> {
        let dir = tempfile::tempdir().expect("mount point");
        for sudo in [false, true] {
            let mut command = if sudo {
                let mut c = Command::new("sudo");
                c.arg("-n").arg("mount");
                c
            } else {
                Command::new("mount")
            };
            let out = command
                .args(["-t", "tmpfs", "-o", TMPFS_SIZE, "tmpfs"])
                .arg(dir.path())
                .output();
            match out {
                Ok(out) if out.status.success() => return Some(Tmpfs { dir, sudo }),
                Ok(out) => eprintln!(
                    "{}mount failed: {}",
                    if sudo { "sudo -n " } else { "" },
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
                Err(err) => eprintln!("{}mount: {err}", if sudo { "sudo -n " } else { "" }),
            }
        }
        None
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazy: SQLite's files may still be open if the test failed midway.
        let mut command = if self.sudo {
            let mut c = Command::new("sudo");
            c.arg("-n").arg("umount");
            c
        } else {
            Command::new("umount")
        };
        let _ = command.arg("-l").arg(self.dir.path()).status();
    }
}

/// Writes zeros until the file system refuses one more byte.
fn fill(path: &Path) -> u64 {
    let mut file = std::fs::File::create(path).expect("create the filler");
    let mut written = 0u64;
    let mut chunk = 1 << 20;
    let zeros = vec![0u8; chunk];
    while chunk > 0 {
        match file.write(&zeros[..chunk]) {
            Ok(0) => chunk /= 2,
            Ok(n) => written += n as u64,
            Err(err) if err.kind() == std::io::ErrorKind::StorageFull => chunk /= 2,
            Err(err) => panic!("filling the tmpfs: {err}"),
        }
    }
    written
}

/// A body with one word found nowhere else.
fn body(word: &str) -> String {
    format!(
        "{{\"word\":\"{word} is here\",\"padding\":\"{}\"}}",
        "pad ".repeat(PADDING / 4)
    )
}

fn word(n: u32) -> String {
    format!("w{n:05}")
}

#[derive(Default)]
struct Outcome {
    /// (word, stored id) of every request answered 2xx.
    acknowledged: Vec<(String, i64)>,
    /// Words of requests answered 5xx.
    refused: Vec<String>,
}

impl Outcome {
    fn merge(&mut self, other: Outcome) {
        self.acknowledged.extend(other.acknowledged);
        self.refused.extend(other.refused);
    }
}

async fn post(client: &reqwest::Client, url: &str, word: String, outcome: &mut Outcome) {
    let response = client
        .post(format!("{url}/diskfull"))
        .header("content-type", "application/json")
        .body(body(&word))
        .send()
        .await
        .expect("the listener answers, full disk or not");
    let status = response.status();
    if status.is_success() {
        outcome.acknowledged.push((word, stored_id(&response)));
    } else if status.is_server_error() {
        outcome.refused.push(word);
    } else {
        panic!("{word}: unexpected {status}");
    }
}

/// Ids of the events whose text has `word`.
fn search(store: &Store, word: &str) -> Vec<i64> {
    store
        .reader()
        .expect("reader")
        .query(&PageQuery {
            limit: 10,
            query: hooklens_core::query::parse(word, 0).expect("a word parses"),
            ..PageQuery::default()
        })
        .expect("search")
        .into_iter()
        .map(|e| e.id)
        .collect()
}

/// The acknowledged events not (yet) found by their word.
fn not_found<'a>(store: &Store, acknowledged: &'a [(String, i64)]) -> Vec<&'a (String, i64)> {
    acknowledged
        .iter()
        .filter(|(word, id)| !search(store, word).contains(id))
        .collect()
}

/// Waits until every acknowledged event is found by its word, or the
/// deadline passes; what is still missing.
async fn wait_findable<'a>(
    store: &Store,
    acknowledged: &'a [(String, i64)],
    within: Duration,
) -> Vec<&'a (String, i64)> {
    let deadline = Instant::now() + within;
    loop {
        let missing = not_found(store, acknowledged);
        if missing.is_empty() || Instant::now() >= deadline {
            return missing;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Events whose text waits in the store's outbox for the full-text index.
fn waiting_for_index(data_dir: &Path) -> i64 {
    let conn = rusqlite::Connection::open_with_flags(
        data_dir.join(hooklens_core::store::DATABASE_FILE),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("open the database to look");
    conn.query_row("SELECT count(*) FROM fts_pending", [], |r| r.get(0))
        .expect("count the outbox")
}

/// Checkpoints the whole WAL into the database and has the next commit
/// start the WAL over from its beginning (the file keeps its size); the
/// WAL's size in bytes.
fn restart_wal(data_dir: &Path) -> u64 {
    let db = data_dir.join(hooklens_core::store::DATABASE_FILE);
    let conn = rusqlite::Connection::open(&db).expect("open the database");
    conn.busy_timeout(Duration::from_secs(5))
        .expect("busy timeout");
    let (busy, _, _): (i64, i64, i64) = conn
        .query_row("PRAGMA wal_checkpoint(RESTART)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("checkpoint");
    assert_eq!(busy, 0, "the checkpoint was not blocked");
    let mut wal = db.into_os_string();
    wal.push("-wal");
    std::fs::metadata(wal).map_or(0, |m| m.len())
}

async fn start(data_dir: &Path) -> (Store, Listener, String) {
    let options = StoreOptions {
        capture: true,
        ..StoreOptions::default()
    };
    let store = Store::open_with(data_dir, options).expect("open the store");
    let listener = Listener::start("127.0.0.1:0".parse().expect("addr"), store.clone())
        .await
        .expect("start the listener");
    let url = listener.status().url;
    (store, listener, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disk_full_then_freed_every_acknowledged_event_is_findable_by_a_word() {
    let Some(tmpfs) = Tmpfs::mount() else {
        // CI runs as root, where this test must run: a skip there would
        // hide the check.
        assert!(!running_as_root(), "root could not mount a tmpfs");
        eprintln!("skipped: needs root (or passwordless sudo) to mount a tmpfs");
        return;
    };
    let data_dir: PathBuf = tmpfs.path().join("data");
    let filler = tmpfs.path().join("filler");
    let (store, listener, url) = start(&data_dir).await;
    let client = reqwest::Client::new();
    let next_word = Arc::new(AtomicU32::new(0));
    let take_word = || word(next_word.fetch_add(1, Ordering::Relaxed));

    // Before: the store works and its text is indexed.
    let mut before = Outcome::default();
    for _ in 0..BEFORE {
        post(&client, &url, take_word(), &mut before).await;
    }
    assert!(before.refused.is_empty(), "refused with space left");
    let missing = wait_findable(&store, &before.acknowledged, FINDABLE_WITHIN).await;
    assert!(
        missing.is_empty(),
        "not findable with space left: {missing:?}"
    );

    // The disk fills just after a checkpoint, as it will in a store whose
    // WAL has reached its usual size: commits go on into the WAL's file, whose
    // space is already taken, until they pass its end; the bigger full-text
    // batches run out of room first.
    let wal_bytes = restart_wal(&data_dir);
    let filled = fill(&filler);
    let started = Instant::now();
    let refusals = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let (url, next_word, refusals) = (url.clone(), next_word.clone(), refusals.clone());
        clients.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut outcome = Outcome::default();
            while started.elapsed() < FULL_AT_MOST
                && (started.elapsed() < FULL_FOR
                    || refusals.load(Ordering::Relaxed) < REFUSED_AT_LEAST)
            {
                let word = word(next_word.fetch_add(1, Ordering::Relaxed));
                let refused = outcome.refused.len();
                post(&client, &url, word, &mut outcome).await;
                if outcome.refused.len() > refused {
                    refusals.fetch_add(1, Ordering::Relaxed);
                    // As a sender would: a refusal is retried later, not at once.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
            outcome
        }));
    }
    let mut full = Outcome::default();
    for c in clients {
        full.merge(c.await.expect("a client"));
    }
    let waiting_while_full = waiting_for_index(&data_dir);
    eprintln!(
        "disk full ({filled} bytes of filler, a WAL of {wal_bytes} bytes): {} acknowledged, {} refused; \
         {waiting_while_full} events waiting for the full-text index",
        full.acknowledged.len(),
        full.refused.len(),
    );
    // Otherwise the disk never got in the store's way and this proved nothing.
    assert!(
        !full.refused.is_empty(),
        "no request was refused: the disk was not full for the store"
    );
    assert!(
        !full.acknowledged.is_empty() || waiting_while_full > 0,
        "nothing was acknowledged while full and no text waited for the index: \
         the interesting case (stored, then not indexable) did not happen"
    );

    // Space returns: capture carries on at once.
    std::fs::remove_file(&filler).expect("remove the filler");
    let mut after = Outcome::default();
    for _ in 0..10 {
        post(&client, &url, take_word(), &mut after).await;
    }
    assert!(
        after.refused.is_empty(),
        "refused after space returned: {:?}",
        after.refused
    );

    let mut acknowledged = before.acknowledged;
    acknowledged.extend(full.acknowledged);
    acknowledged.extend(after.acknowledged);
    let missing = wait_findable(&store, &acknowledged, FINDABLE_WITHIN).await;
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged events not findable by their word within {FINDABLE_WITHIN:?}: {missing:?}",
        missing.len(),
        acknowledged.len()
    );
    // A 5xx said nothing was kept: its word finds nothing.
    let kept: Vec<_> = full
        .refused
        .iter()
        .filter(|word| !search(&store, word).is_empty())
        .collect();
    assert!(kept.is_empty(), "refused, yet stored: {kept:?}");
    eprintln!(
        "after space returned: all {} acknowledged events findable",
        acknowledged.len()
    );

    // A restart loses nothing.
    listener.shutdown().await;
    drop(store);
    let store = Store::open_with(
        &data_dir,
        StoreOptions {
            capture: true,
            ..StoreOptions::default()
        },
    )
    .expect("reopen the store");
    let missing = not_found(&store, &acknowledged);
    assert!(
        missing.is_empty(),
        "not findable after a restart: {missing:?}"
    );
    assert_eq!(
        store.reader().expect("reader").count().expect("count"),
        acknowledged.len() as i64,
        "exactly the acknowledged events are stored"
    );
    drop(store);
    drop(tmpfs);
}
