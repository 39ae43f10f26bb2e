//! Stopping a long send (a retry schedule can span days) from another task.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

#[derive(Clone, Default)]
pub struct Cancel(Arc<(AtomicBool, Notify)>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    pub fn cancel(&self) {
        self.0.0.store(true, Ordering::SeqCst);
        self.0.1.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.0.load(Ordering::SeqCst)
    }

    /// Sleeps for `wait`; false when cancelled meanwhile.
    pub async fn sleep(&self, wait: Duration) -> bool {
        let notified = self.0.1.notified();
        if self.is_cancelled() {
            return false;
        }
        tokio::select! {
            () = tokio::time::sleep(wait) => !self.is_cancelled(),
            () = notified => false,
        }
    }
}
