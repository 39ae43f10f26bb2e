//! The core (store, listener, sender, notifier) starts on a thread of its
//! own while GTK creates the window and WebKit starts its web process and
//! loads the page. Opened in Tauri's setup hook, on the main thread, it held
//! the event loop, so the page could not even begin to load until a large
//! store was open (hundreds of milliseconds on a 2.6 GB database).
//!
//! Commands the page invokes meanwhile wait here, in order, and run once
//! the core is managed; if it cannot start they are refused. Nothing about
//! capture changes: the listener binds only after the store is open, as
//! before, so no request is ever acknowledged that was not stored.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use hooklens_core::model::{ErrorKind, ErrorPayload};
use tauri::AppHandle;
use tauri::ipc::Invoke;

type Handler = Arc<dyn Fn(Invoke) -> bool + Send + Sync + 'static>;

enum Phase {
    Starting(Vec<Invoke>),
    Ready,
    Failed(String),
}

pub(crate) struct Gate {
    phase: Mutex<Phase>,
    handler: Handler,
    /// True once the core has started or failed to: what a stop waits for.
    settled: tokio::sync::watch::Sender<bool>,
}

impl Gate {
    pub(crate) fn new(handler: impl Fn(Invoke) -> bool + Send + Sync + 'static) -> Arc<Gate> {
        Arc::new(Gate {
            phase: Mutex::new(Phase::Starting(Vec::new())),
            handler: Arc::new(handler),
            settled: tokio::sync::watch::channel(false).0,
        })
    }

    fn phase(&self) -> MutexGuard<'_, Phase> {
        // A panic elsewhere must not take the commands down with it.
        self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Tauri's invoke handler. Called on the main thread, as are the
    /// waiting commands when they are let through (see [`Gate::open`]), so
    /// a command sent later never overtakes one sent earlier.
    pub(crate) fn invoke(&self, invoke: Invoke) -> bool {
        let mut phase = self.phase();
        match &mut *phase {
            Phase::Starting(waiting) => {
                waiting.push(invoke);
                true
            }
            Phase::Ready => {
                drop(phase);
                run(&self.handler, invoke);
                true
            }
            Phase::Failed(why) => {
                invoke.resolver.reject(not_started(why));
                true
            }
        }
    }

    /// The core is managed: runs the commands that waited, then lets the
    /// rest straight through.
    pub(crate) fn open(self: &Arc<Gate>, app: &AppHandle) {
        self.settled.send_replace(true);
        let gate = self.clone();
        let dispatched = app.run_on_main_thread(move || {
            let waiting = match std::mem::replace(&mut *gate.phase(), Phase::Ready) {
                Phase::Starting(waiting) => waiting,
                _ => Vec::new(),
            };
            for invoke in waiting {
                run(&gate.handler, invoke);
            }
        });
        if let Err(err) = dispatched {
            // The event loop is gone: the app is stopping, nobody waits.
            tracing::debug!(error = %err, "commands sent during start-up not run");
        }
    }

    /// The core could not start: every waiting and later command is refused
    /// with the reason.
    pub(crate) fn fail(&self, why: String) {
        let previous = std::mem::replace(&mut *self.phase(), Phase::Failed(why.clone()));
        if let Phase::Starting(waiting) = previous {
            for invoke in waiting {
                invoke.resolver.reject(not_started(&why));
            }
        }
        self.settled.send_replace(true);
    }

    /// Waits (at most `bound`) until the core has started or failed, so a
    /// stop during start-up still closes the store cleanly.
    pub(crate) async fn settled(&self, bound: Duration) {
        let mut settled = self.settled.subscribe();
        if tokio::time::timeout(bound, settled.wait_for(|done| *done))
            .await
            .is_err()
        {
            tracing::warn!("stopping before the store finished opening");
        }
    }
}

fn run(handler: &Handler, invoke: Invoke) {
    let command = invoke.message.command().to_owned();
    let resolver = invoke.resolver.clone();
    if !handler(invoke) {
        resolver.reject(format!("Command {command} not found"));
    }
}

fn not_started(why: &str) -> ErrorPayload {
    ErrorPayload::new(ErrorKind::Store, format!("Hooklens could not start: {why}"))
}
