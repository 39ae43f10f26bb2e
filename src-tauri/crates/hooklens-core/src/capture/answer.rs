//! Which answer a stored request gets when its endpoint has response
//! rules, and sending it: a status and body (a template rendered), after a
//! delay, or a closed connection. The choice is `rules`' (pure); this keeps
//! the compiled rules per endpoint and the counters behind sequences and
//! chances, and notes each answer with the store.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;

use crate::model::{Endpoint, EventSummary};
use crate::query::Subject;
use crate::rules::{self, Answer, Compiled, Counters};
use crate::wire::StoredHeader;

/// Compiled rules per endpoint, made again when the endpoints change.
#[derive(Default)]
pub(super) struct Rulebook {
    compiled: Mutex<Cache>,
    pub(super) counters: Counters,
}

/// The endpoints the rules were compiled from, and each one's rules.
#[derive(Default)]
struct Cache {
    from: Option<Arc<[Endpoint]>>,
    rules: HashMap<i64, Arc<Compiled>>,
}

impl Rulebook {
    fn compiled(&self, endpoints: &Arc<[Endpoint]>, endpoint: &Endpoint) -> Option<Arc<Compiled>> {
        let mut cache = self.compiled.lock().unwrap_or_else(|e| e.into_inner());
        if !cache
            .from
            .as_ref()
            .is_some_and(|seen| Arc::ptr_eq(seen, endpoints))
        {
            *cache = Cache {
                from: Some(endpoints.clone()),
                rules: HashMap::new(),
            };
        }
        if let Some(compiled) = cache.rules.get(&endpoint.id) {
            return Some(compiled.clone());
        }
        // Saved rules were checked when saved; rules that no longer compile
        // (a newer version's, edited in the file) answer nothing.
        match rules::compile(&endpoint.rules) {
            Ok(compiled) => {
                let compiled = Arc::new(compiled);
                cache.rules.insert(endpoint.id, compiled.clone());
                Some(compiled)
            }
            Err(err) => {
                tracing::warn!(endpoint = endpoint.id, error = %err, "the endpoint's response rules cannot be used");
                None
            }
        }
    }

    /// The answer of the first rule that takes `event`, or None (the
    /// configured response answers).
    pub(super) fn answer(
        &self,
        endpoints: &Arc<[Endpoint]>,
        endpoint: &Endpoint,
        event: &EventSummary,
        headers: &[StoredHeader],
        body: &Bytes,
    ) -> Option<Answer> {
        let compiled = self.compiled(endpoints, endpoint)?;
        let subject = Subject::stored(event, headers, body, endpoints);
        let chosen = compiled.choose(
            (endpoint.id, endpoint.rules_epoch),
            &subject,
            &self.counters,
        )?;
        Some(compiled.render(&chosen, &subject))
    }
}
