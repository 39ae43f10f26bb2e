//! What happens to a request between arriving and being stored, the same
//! for the listener and an import: the endpoint it belongs to (by its path,
//! or the one chosen), the provider and the fields its preset extracts, and
//! its signature verdict, judged at the time it arrived.

use crate::model::{ImportSource, TunnelArrival};
use crate::providers;
use crate::store::{NewEvent, Store, StoredHeader, route};
use crate::verdict::{self, Subject};

/// A request as it arrived, before Hooklens looked at it.
#[derive(Debug, Clone, Default)]
pub struct Arrived {
    /// When it arrived (Unix ns): the clock its signature's timestamp is
    /// judged against.
    pub received_at_ns: i64,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<StoredHeader>,
    /// The request-target as sent; None when only path and query are known.
    pub target: Option<String>,
    pub http_version: Option<String>,
    pub trailers: Vec<StoredHeader>,
    pub remote_addr: Option<String>,
    pub body: Vec<u8>,
    /// The endpoint it was sent to when that is known apart from its path
    /// (an import into a chosen endpoint); None: routed by path.
    pub endpoint_id: Option<i64>,
    /// Set for imports: where it came from, and its fingerprint.
    pub source: Option<ImportSource>,
    pub fingerprint: Option<Vec<u8>>,
    /// Set for requests that came through a tunnel: how they arrived.
    pub via: Option<TunnelArrival>,
}

/// The event to store for `arrived`: routed, recognised, extracted and
/// judged with the endpoints and secrets as they are now.
pub fn admit(store: &Store, arrived: Arrived) -> NewEvent {
    let endpoints = store.endpoints();
    let endpoint = match arrived.endpoint_id {
        Some(id) => endpoints.iter().find(|e| e.id == id),
        None => route(&endpoints, &arrived.path),
    };
    // An endpoint's preset decides; otherwise the request says who sent it
    // (detection and extraction share one parse of the body).
    let (preset, extracted) = match endpoint
        .and_then(|e| e.preset.as_deref())
        .and_then(providers::preset)
    {
        Some(preset) => (
            Some(preset),
            providers::extract(&preset.rules, &arrived.headers, &arrived.body),
        ),
        None => {
            let (preset, extracted) =
                providers::detect_and_extract(&arrived.headers, &arrived.body);
            // The generic fallback found fields, but it is not a provider.
            let recognised = (preset.id != providers::generic().id).then_some(preset);
            (recognised, extracted)
        }
    };
    let provider = preset.map(|p| p.id);
    let verdict = verdict::verdict(
        &endpoints,
        &store.secrets(),
        &Subject {
            endpoint_id: endpoint.map(|e| e.id),
            provider,
            method: &arrived.method,
            path: &arrived.path,
            query: arrived.query.as_deref(),
            headers: &arrived.headers,
            body: &arrived.body,
            received_at_ns: arrived.received_at_ns,
            public_url: arrived.via.as_ref().and_then(|v| v.public_url.as_deref()),
        },
    );
    NewEvent {
        received_at_ns: arrived.received_at_ns,
        endpoint_id: endpoint.map(|e| e.id),
        method: arrived.method,
        path: arrived.path,
        query: arrived.query,
        headers: arrived.headers,
        target: arrived.target,
        http_version: arrived.http_version,
        trailers: arrived.trailers,
        remote_addr: arrived.remote_addr,
        body: arrived.body,
        provider: provider.map(str::to_owned),
        event_type: extracted.event_type,
        provider_event_id: extracted.event_id,
        merchant_id: extracted.merchant_id,
        refs: extracted.refs,
        verdict: Some(verdict),
        source: arrived.source,
        fingerprint: arrived.fingerprint,
        via: arrived.via,
    }
}
