//! Helpers for the integration tests: a real listener on an ephemeral port
//! over a real SQLite file in a temporary directory.

pub mod handler;

use hooklens_core::capture::Listener;
use hooklens_core::store::{Store, StoreOptions};

pub struct Harness {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub listener: Listener,
    pub url: String,
}

impl Harness {
    pub async fn start() -> Harness {
        Harness::with_options(StoreOptions::default()).await
    }

    pub async fn with_body_limit(body_limit: u64) -> Harness {
        let h = Harness::start().await;
        h.store
            .set_setting("body_limit", &body_limit.to_string())
            .expect("set body limit");
        h
    }

    pub async fn with_options(options: StoreOptions) -> Harness {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open_with(dir.path(), options).expect("open store");
        let listener = Listener::start("127.0.0.1:0".parse().expect("addr"), store.clone())
            .await
            .expect("start listener");
        let url = listener.status().url;
        Harness {
            dir,
            store,
            listener,
            url,
        }
    }
}

/// The id the listener gave the request it answered (`x-hooklens-event`).
pub fn stored_id(response: &reqwest::Response) -> i64 {
    response.headers()["x-hooklens-event"]
        .to_str()
        .expect("x-hooklens-event is text")
        .parse()
        .expect("x-hooklens-event is an event id")
}
