//! The listener's HTTP/1 server: limits like a production server's, so no
//! sender (or thousand senders) can hold capture hostage.
//!
//! - a request head must arrive within [`Limits::header_timeout`] of its
//!   first byte, and an idle keep-alive connection is closed after
//!   [`Limits::idle_timeout`] (the body's own idle timeout is enforced by
//!   the capture handler, which answers it);
//! - at most [`Limits::max_connections`] are open: beyond that the
//!   connection idle or half-sent the longest is closed to make room, and
//!   only when every connection is busy with a request is the newcomer
//!   answered 503 with Retry-After;
//! - on shutdown no new connection is accepted, idle ones close, requests in
//!   progress are answered, and whatever is still open at
//!   [`Limits::drain_deadline`] (or only half-sent) is closed.
//!
//! One connection table serves every port of a listener: its local port and
//! any tunnel ingress opened from it ([`Port`]). The cap is the process's
//! descriptor budget, so it is one cap for all of them, and the connection
//! idle the longest makes room whichever port it is on; each port drains on
//! its own, and counts what happened to it as well as to the whole table.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore, watch};
use tower_service::Service;

use super::ListenerStats;
use super::head::{Framer, Heads};

/// File descriptors kept back from the connection cap for the database,
/// forwards to handlers and the app itself.
const RESERVED_FDS: u64 = 128;
/// The cap when the descriptor limit allows more.
const DEFAULT_MAX_CONNECTIONS: usize = 4096;
/// Refusals (503) being written at once; beyond it a refused connection is
/// just closed.
const MAX_REFUSALS_IN_FLIGHT: usize = 64;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// From the first byte of a request head to its end.
    pub header_timeout: Duration,
    /// Longest wait for the next piece of a request body.
    pub body_idle_timeout: Duration,
    /// A connection with no request in progress is closed after this long.
    pub idle_timeout: Duration,
    pub max_connections: usize,
    /// The most a shutdown waits for requests in progress.
    pub drain_deadline: Duration,
}

impl Default for Limits {
    /// nginx's and Go's usual values, tightened for a webhook receiver:
    /// providers send a small request at once.
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_idle_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(75),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            drain_deadline: Duration::from_secs(10),
        }
    }
}

impl Limits {
    /// The defaults, with the connection cap fitted under the process's
    /// descriptor limit (raised to its hard limit first).
    pub fn for_this_process() -> Limits {
        let fds = raise_fd_limit();
        let fit = usize::try_from(fds.saturating_sub(RESERVED_FDS)).unwrap_or(usize::MAX);
        Limits {
            max_connections: DEFAULT_MAX_CONNECTIONS.min(fit).max(1),
            ..Limits::default()
        }
    }
}

/// Raises the soft limit on open files to the hard limit (desktop sessions
/// start at 1,024) and returns the soft limit now in force.
pub fn raise_fd_limit() -> u64 {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(err) => {
            tracing::warn!(error = %err, "cannot raise the open-file limit");
            rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(1024, |(soft, _)| soft)
        }
    }
}

/// Counters of what the limits did, since the listener started.
#[derive(Debug, Default)]
pub(super) struct Counters {
    /// Answered 503 because every connection was busy.
    pub refused: AtomicU64,
    /// Closed to make room for a new connection.
    pub evicted: AtomicU64,
    /// Closed for a head or body not sent in time.
    pub timed_out: AtomicU64,
    /// Keep-alive connections closed after idling (routine).
    pub idle_closed: AtomicU64,
    /// Tunnel requests answered 429 by the tunnel rate limit.
    pub rate_limited_tunnel: AtomicU64,
}

/// One port served from the connection table: what its connections are
/// tagged with, and what happened to them.
pub(super) struct Port {
    id: u64,
    counters: Counters,
}

/// What one connection is doing, updated by its reader and its service.
struct Activity {
    /// Requests being handled (0 or 1 on HTTP/1).
    requests: AtomicUsize,
    /// Milliseconds since the server's epoch: when the current head's first
    /// byte came (0: none yet), and when the connection went idle.
    head_since: AtomicU64,
    idle_since: AtomicU64,
}

struct Entry {
    port: Arc<Port>,
    activity: Arc<Activity>,
    close: Arc<Notify>,
    /// Told to close: no longer counted, and not chosen again.
    closing: std::sync::atomic::AtomicBool,
}

/// The server's shared state.
pub(super) struct Shared {
    epoch: Instant,
    limits: Limits,
    conns: Mutex<HashMap<u64, Entry>>,
    next_id: AtomicU64,
    next_port: AtomicU64,
    /// Every port's counts together.
    counters: Counters,
    refusals: Arc<Semaphore>,
}

impl Shared {
    pub(super) fn new(limits: Limits) -> Arc<Shared> {
        Arc::new(Shared {
            epoch: Instant::now(),
            limits,
            conns: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            next_port: AtomicU64::new(1),
            counters: Counters::default(),
            refusals: Arc::new(Semaphore::new(MAX_REFUSALS_IN_FLIGHT)),
        })
    }

    /// A new port to serve from this table.
    pub(super) fn port(&self) -> Arc<Port> {
        Arc::new(Port {
            id: self.next_port.fetch_add(1, Ordering::Relaxed),
            counters: Counters::default(),
        })
    }

    /// What the limits did on every port of the table.
    pub(super) fn stats(&self) -> ListenerStats {
        self.stats_of(self.open(), &self.counters)
    }

    /// What the limits did on one port; the cap is the table's.
    pub(super) fn port_stats(&self, port: &Port) -> ListenerStats {
        let open = self
            .conns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .filter(|e| e.port.id == port.id && !e.closing.load(Ordering::Relaxed))
            .count();
        self.stats_of(open, &port.counters)
    }

    fn stats_of(&self, open_connections: usize, counters: &Counters) -> ListenerStats {
        ListenerStats {
            open_connections,
            max_connections: self.limits.max_connections,
            refused: counters.refused.load(Ordering::Relaxed),
            evicted: counters.evicted.load(Ordering::Relaxed),
            timed_out: counters.timed_out.load(Ordering::Relaxed),
            idle_closed: counters.idle_closed.load(Ordering::Relaxed),
            rate_limited_tunnel: counters.rate_limited_tunnel.load(Ordering::Relaxed),
        }
    }

    /// Adds one to a counter of `port` and of the whole table; returns the
    /// port's new count.
    fn count(&self, port: &Port, counter: fn(&Counters) -> &AtomicU64) -> u64 {
        counter(&self.counters).fetch_add(1, Ordering::Relaxed);
        counter(&port.counters).fetch_add(1, Ordering::Relaxed) + 1
    }

    pub(super) fn count_timed_out(&self, port: &Port) {
        self.count(port, |c| &c.timed_out);
    }

    /// Returns the port's count so far, to log the first and then rarely.
    pub(super) fn count_rate_limited(&self, port: &Port) -> u64 {
        self.count(port, |c| &c.rate_limited_tunnel)
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    /// Connections of `port` whose tasks are still running.
    fn live(&self, port: &Port) -> usize {
        self.conns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .filter(|e| e.port.id == port.id)
            .count()
    }

    /// Connections open and not told to close.
    fn open(&self) -> usize {
        self.conns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .filter(|e| !e.closing.load(Ordering::Relaxed))
            .count()
    }

    /// Closes the connection that has waited longest without a request in
    /// progress (idle, or a head still arriving). False when every
    /// connection is busy.
    fn evict_one(&self) -> bool {
        let conns = self.conns.lock().unwrap_or_else(|e| e.into_inner());
        let victim = conns
            .values()
            .filter(|e| {
                e.activity.requests.load(Ordering::Relaxed) == 0
                    && !e.closing.load(Ordering::Relaxed)
            })
            .min_by_key(|e| {
                let head = e.activity.head_since.load(Ordering::Relaxed);
                if head > 0 {
                    head
                } else {
                    e.activity.idle_since.load(Ordering::Relaxed)
                }
            });
        match victim {
            Some(entry) => {
                entry.closing.store(true, Ordering::Relaxed);
                entry.close.notify_one();
                self.count(&entry.port, |c| &c.evicted);
                true
            }
            None => false,
        }
    }

    /// Connections of `port` with a request in progress.
    fn busy(&self, port: &Port) -> usize {
        self.conns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .filter(|e| e.port.id == port.id && e.activity.requests.load(Ordering::Relaxed) > 0)
            .count()
    }

    /// Tells every connection of `port` to close.
    fn close_all(&self, port: &Port) {
        for entry in self
            .conns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .filter(|e| e.port.id == port.id)
        {
            entry.close.notify_one();
        }
    }
}

/// Serves `app` on `tcp` as `port` of the table until `stop` turns true,
/// then drains that port's connections.
pub(super) async fn serve(
    shared: Arc<Shared>,
    port: Arc<Port>,
    tcp: TcpListener,
    app: Router,
    mut stop: watch::Receiver<bool>,
) {
    let limits = shared.limits;
    let mut accept_errors_logged = Instant::now() - Duration::from_secs(60);
    loop {
        let accepted = tokio::select! {
            _ = stop.wait_for(|stopping| *stopping) => break,
            accepted = tcp.accept() => accepted,
        };
        match accepted {
            Ok((stream, remote)) => {
                if shared.open() >= limits.max_connections && !shared.evict_one() {
                    refuse(&shared, &port, stream);
                    continue;
                }
                let shared = shared.clone();
                let port = port.clone();
                let app = app.clone();
                let stop = stop.clone();
                tokio::spawn(
                    async move { connection(shared, port, app, stream, remote, stop).await },
                );
            }
            Err(err) => {
                // Out of descriptors (EMFILE/ENFILE) or the like: make room
                // and back off instead of spinning; say so, once a minute.
                if accept_errors_logged.elapsed() >= Duration::from_secs(60) {
                    tracing::error!(error = %err, open = shared.open(), "cannot accept connections");
                    accept_errors_logged = Instant::now();
                }
                shared.evict_one();
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
    drop(tcp);
    drain(&shared, &port).await;
}

/// Waits for requests in progress to be answered, up to the deadline; then
/// closes what is left (idle or half-sent connections hold nothing stored).
async fn drain(shared: &Shared, port: &Port) {
    let started = Instant::now();
    loop {
        if shared.live(port) == 0 {
            return;
        }
        if shared.busy(port) == 0 {
            // A handler that just finished may still be writing its answer:
            // give graceful closes a moment before cutting what is left.
            let grace = Instant::now();
            while shared.live(port) > 0
                && shared.busy(port) == 0
                && grace.elapsed() < Duration::from_millis(300)
            {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            if shared.busy(port) > 0 {
                continue;
            }
            shared.close_all(port);
            break;
        }
        if started.elapsed() >= shared.limits.drain_deadline {
            tracing::warn!(
                busy = shared.busy(port),
                "requests still in progress at the drain deadline; closing them"
            );
            shared.close_all(port);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The connections' tasks end as soon as they see the close.
    let closing = Instant::now();
    while shared.live(port) > 0 && closing.elapsed() < Duration::from_secs(1) {
        shared.close_all(port);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Every connection is busy with a request: the newcomer is told to come
/// back, never left hanging.
fn refuse(shared: &Arc<Shared>, port: &Port, mut stream: TcpStream) {
    let refused = shared.count(port, |c| &c.refused);
    if refused == 1 || refused.is_power_of_two() {
        tracing::warn!(
            refused,
            limit = shared.limits.max_connections,
            "connection limit reached with every connection busy; answered 503"
        );
    }
    let Ok(permit) = shared.refusals.clone().try_acquire_owned() else {
        return;
    };
    tokio::spawn(async move {
        let _permit = permit;
        const REFUSAL: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
            Retry-After: 1\r\n\
            Content-Type: text/plain; charset=utf-8\r\n\
            Content-Length: 72\r\n\
            Connection: close\r\n\r\n\
            Hooklens is at its connection limit; nothing was stored. Retry shortly.\n";
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            stream.write_all(REFUSAL).await?;
            stream.shutdown().await
        })
        .await;
    });
}

/// Drops the connection a request came on, answer unsent (a response
/// rule's "close without answering").
#[derive(Clone)]
pub(super) struct HangUp(Arc<Notify>);

impl HangUp {
    pub(super) fn hang_up(&self) {
        // A permit if the connection task is not waiting yet: it takes it.
        self.0.notify_one();
    }
}

async fn connection(
    shared: Arc<Shared>,
    port: Arc<Port>,
    app: Router,
    stream: TcpStream,
    remote: SocketAddr,
    mut stop: watch::Receiver<bool>,
) {
    let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
    let now = shared.now_ms();
    let activity = Arc::new(Activity {
        requests: AtomicUsize::new(0),
        head_since: AtomicU64::new(0),
        idle_since: AtomicU64::new(now),
    });
    let close = Arc::new(Notify::new());
    shared
        .conns
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(
            id,
            Entry {
                port: port.clone(),
                activity: activity.clone(),
                close: close.clone(),
                closing: std::sync::atomic::AtomicBool::new(false),
            },
        );
    let _ = stream.set_nodelay(true);
    let heads = Arc::new(Heads::default());
    let io = TokioIo::new(Watched {
        inner: stream,
        activity: activity.clone(),
        shared: shared.clone(),
        framer: Framer::new(heads.clone()),
    });
    let service = {
        let activity = activity.clone();
        let shared = shared.clone();
        let close = close.clone();
        hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            activity.requests.fetch_add(1, Ordering::Relaxed);
            activity.head_since.store(0, Ordering::Relaxed);
            request.extensions_mut().insert(ConnectInfo(remote));
            request.extensions_mut().insert(HangUp(close.clone()));
            // HTTP/1 serves a connection's requests in order: the oldest
            // framed head is this request's.
            if let Some(head) = heads.take() {
                request.extensions_mut().insert(head);
            }
            let mut app = app.clone();
            let activity = activity.clone();
            let shared = shared.clone();
            async move {
                let response = app.call(request.map(Body::new)).await;
                activity
                    .idle_since
                    .store(shared.now_ms(), Ordering::Relaxed);
                activity.requests.fetch_sub(1, Ordering::Relaxed);
                response
            }
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    // The limits below are enforced here, not by hyper's own timer. A
    // sender that half-closes after its request still gets its answer.
    builder
        .header_read_timeout(None)
        .half_close(true)
        .keep_alive(true);
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    let mut draining = *stop.borrow();
    if draining {
        conn.as_mut().graceful_shutdown();
    }
    loop {
        let deadline = next_check(&shared, &activity);
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(err) = result {
                    tracing::debug!(%remote, error = %err, "connection ended with an error");
                }
                break;
            }
            _ = close.notified() => break,
            _ = stop.wait_for(|stopping| *stopping), if !draining => {
                draining = true;
                conn.as_mut().graceful_shutdown();
            }
            _ = tokio::time::sleep(deadline) => {
                match overdue(&shared, &activity) {
                    Some(Overdue::Head) => {
                        shared.count_timed_out(&port);
                        tracing::debug!(%remote, "closed a connection that sent no complete request in time");
                        break;
                    }
                    Some(Overdue::Idle) => {
                        shared.count(&port, |c| &c.idle_closed);
                        break;
                    }
                    None => {}
                }
            }
        }
    }
    shared
        .conns
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&id);
}

/// How long until this connection's current timeout could expire.
fn next_check(shared: &Shared, activity: &Activity) -> Duration {
    let limits = &shared.limits;
    if activity.requests.load(Ordering::Relaxed) > 0 {
        // The handler bounds the body itself; look again later.
        return limits.header_timeout.min(limits.idle_timeout);
    }
    let now = shared.now_ms();
    let (since, allowed) = match activity.head_since.load(Ordering::Relaxed) {
        0 => (
            activity.idle_since.load(Ordering::Relaxed),
            limits.idle_timeout,
        ),
        head => (head, limits.header_timeout),
    };
    let elapsed = Duration::from_millis(now.saturating_sub(since));
    allowed
        .saturating_sub(elapsed)
        .max(Duration::from_millis(10))
}

/// Why a connection is closed by its timer.
enum Overdue {
    /// Between requests for longer than the keep-alive allows.
    Idle,
    /// A request head started and not finished in time.
    Head,
}

fn overdue(shared: &Shared, activity: &Activity) -> Option<Overdue> {
    if activity.requests.load(Ordering::Relaxed) > 0 {
        return None;
    }
    let now = shared.now_ms();
    let elapsed = |since: u64| Duration::from_millis(now.saturating_sub(since));
    match activity.head_since.load(Ordering::Relaxed) {
        0 => (elapsed(activity.idle_since.load(Ordering::Relaxed)) >= shared.limits.idle_timeout)
            .then_some(Overdue::Idle),
        head => (elapsed(head) >= shared.limits.header_timeout).then_some(Overdue::Head),
    }
}

/// The socket, noting when a request head starts to arrive and framing
/// the heads as they arrived (see [`super::head`]).
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
    shared: Arc<Shared>,
    framer: Framer,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            if self.activity.requests.load(Ordering::Relaxed) == 0
                && self.activity.head_since.load(Ordering::Relaxed) == 0
            {
                let now = self.shared.now_ms();
                self.activity.head_since.store(now, Ordering::Relaxed);
            }
            self.framer.feed(&buf.filled()[before..]);
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
