//! The floors Hooklens's ingest is measured against, each served by the
//! bench's own binary in a child process, so its CPU is counted as the
//! listener's is (the load generator's stays in the parent):
//!
//! - `none`: the same HTTP stack (axum, any method and path, the body read
//!   with the same 25 MB limit) answering 200 without storing anything;
//! - `durable`: the least a server that never acknowledges what it has not
//!   stored can do — each request's method, target, headers and body put in
//!   one SQLite table (WAL, synchronous=NORMAL as Hooklens's default, no
//!   index, no verification, no full-text index) by one writer thread that
//!   commits everything waiting in one transaction (group commit), and the
//!   200 sent only after the commit.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::StatusCode;
use tokio::sync::oneshot;

/// Set in the child: which floor to serve, where, and (durable) the file.
const KIND: &str = "HOOKLENS_BENCH_FLOOR";
const ADDR: &str = "HOOKLENS_BENCH_FLOOR_ADDR";
const DB: &str = "HOOKLENS_BENCH_FLOOR_DB";
const BODY_LIMIT: usize = 25 * 1024 * 1024;
/// Requests one group commit takes at most, as a bound on a transaction.
const GROUP: usize = 1024;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    None,
    Durable,
}

/// A floor server in a child process; killed on drop.
pub struct Floor {
    child: Child,
    pub addr: SocketAddr,
}

impl Floor {
    pub fn start(kind: Kind, addr: SocketAddr, dir: &Path) -> Result<Floor, String> {
        let exe = std::env::current_exe().map_err(|e| format!("bench binary: {e}"))?;
        let child = Command::new(exe)
            .env(
                KIND,
                match kind {
                    Kind::None => "none",
                    Kind::Durable => "durable",
                },
            )
            .env(ADDR, addr.to_string())
            .env(DB, dir.join("floor.sqlite3"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start the {kind:?} floor: {e}"))?;
        let floor = Floor { child, addr };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if Instant::now() > deadline {
                return Err(format!("the {kind:?} floor is not listening on {addr}"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(floor)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Floor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// In the child: serves the floor named by the environment and never
/// returns. None when this process is not a floor.
pub fn serve_if_asked() -> Option<Result<(), String>> {
    let kind = std::env::var(KIND).ok()?;
    Some(serve(&kind))
}

fn serve(kind: &str) -> Result<(), String> {
    let addr: SocketAddr = std::env::var(ADDR)
        .map_err(|e| format!("{ADDR}: {e}"))?
        .parse()
        .map_err(|e| format!("{ADDR}: {e}"))?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| format!("runtime: {e}"))?;
    let app = match kind {
        "none" => axum::Router::new().fallback(|request: axum::extract::Request| async move {
            match axum::body::to_bytes(request.into_body(), BODY_LIMIT).await {
                Ok(_) => StatusCode::OK,
                Err(_) => StatusCode::BAD_REQUEST,
            }
        }),
        "durable" => {
            let db = PathBuf::from(std::env::var_os(DB).ok_or(format!("{DB} unset"))?);
            let writer = Writer::start(&db)?;
            axum::Router::new().fallback(move |request: axum::extract::Request| {
                let writer = writer.clone();
                async move { writer.store(request).await }
            })
        }
        other => return Err(format!("unknown floor {other:?}")),
    };
    runtime.block_on(async move {
        let tcp = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("bind {addr}: {e}"))?;
        axum::serve(tcp, app).await.map_err(|e| e.to_string())
    })
}

struct Row {
    received_at_ns: i64,
    method: String,
    target: String,
    headers: Vec<u8>,
    body: Bytes,
}

/// The one writer: requests go in with a way to tell their sender when
/// they are committed.
#[derive(Clone)]
struct Writer {
    queue: mpsc::Sender<(Row, oneshot::Sender<bool>)>,
}

impl Writer {
    fn start(db: &Path) -> Result<Writer, String> {
        let conn = rusqlite::Connection::open(db).map_err(|e| format!("{}: {e}", db.display()))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .and_then(|()| conn.pragma_update(None, "synchronous", "NORMAL"))
            .and_then(|()| {
                conn.execute_batch(
                    "CREATE TABLE IF NOT EXISTS requests (
                        id INTEGER PRIMARY KEY,
                        received_at INTEGER NOT NULL,
                        method TEXT NOT NULL,
                        target TEXT NOT NULL,
                        headers BLOB NOT NULL,
                        body BLOB NOT NULL)",
                )
            })
            .map_err(|e| format!("floor database: {e}"))?;
        let (queue, waiting) = mpsc::channel();
        std::thread::spawn(move || write_groups(conn, waiting));
        Ok(Writer { queue })
    }

    async fn store(&self, request: axum::extract::Request) -> StatusCode {
        let received_at_ns = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i64);
        let (parts, body) = request.into_parts();
        let Ok(body) = axum::body::to_bytes(body, BODY_LIMIT).await else {
            return StatusCode::BAD_REQUEST;
        };
        // The head as received, name and value bytes, one per line.
        let mut headers = Vec::with_capacity(512);
        for (name, value) in &parts.headers {
            headers.extend_from_slice(name.as_str().as_bytes());
            headers.extend_from_slice(b": ");
            headers.extend_from_slice(value.as_bytes());
            headers.extend_from_slice(b"\r\n");
        }
        let row = Row {
            received_at_ns,
            method: parts.method.as_str().to_owned(),
            target: parts.uri.to_string(),
            headers,
            body,
        };
        let (done, committed) = oneshot::channel();
        if self.queue.send((row, done)).is_err() {
            return StatusCode::SERVICE_UNAVAILABLE;
        }
        match committed.await {
            Ok(true) => StatusCode::OK,
            _ => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// Takes what is waiting (at least one request), commits it in one
/// transaction, then answers every sender.
fn write_groups(
    mut conn: rusqlite::Connection,
    waiting: mpsc::Receiver<(Row, oneshot::Sender<bool>)>,
) {
    while let Ok(first) = waiting.recv() {
        let mut group = vec![first];
        while group.len() < GROUP {
            match waiting.try_recv() {
                Ok(next) => group.push(next),
                Err(_) => break,
            }
        }
        let committed = (|| -> rusqlite::Result<()> {
            let tx = conn.transaction()?;
            {
                let mut insert = tx.prepare_cached(
                    "INSERT INTO requests (received_at, method, target, headers, body)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?;
                for (row, _) in &group {
                    insert.execute(rusqlite::params![
                        row.received_at_ns,
                        row.method,
                        row.target,
                        row.headers,
                        &row.body[..]
                    ])?;
                }
            }
            tx.commit()
        })()
        .is_ok();
        for (_, done) in group {
            let _ = done.send(committed);
        }
    }
}
