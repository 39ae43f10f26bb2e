//! Helpers for the integration tests: a real listener on an ephemeral port
//! over a real SQLite file in a temporary directory.

use hooklens_core::capture::Listener;
use hooklens_core::store::Store;

pub struct Harness {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub listener: Listener,
    pub url: String,
}

impl Harness {
    pub async fn start() -> Harness {
        Harness::with_body_limit(hooklens_core::config::DEFAULT_BODY_LIMIT).await
    }

    pub async fn with_body_limit(body_limit: usize) -> Harness {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("open store");
        let listener = Listener::start(
            "127.0.0.1:0".parse().expect("addr"),
            store.clone(),
            body_limit,
        )
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
