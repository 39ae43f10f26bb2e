//! Which answer a stored request gets when its endpoint has response
//! rules, and sending it: a status and body (a template rendered), after a
//! delay, or a closed connection. The choice is `rules`' (pure); this keeps
//! the compiled rules (and the parsed conditions of forward targets) per
//! endpoint, the counters behind sequences and chances, and notes each
//! answer with the store.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;

use crate::model::{Endpoint, EventSummary};
use crate::query::{Condition, Subject};
use crate::rules::{self, Answer, Compiled, Counters};
use crate::wire::StoredHeader;

/// Compiled rules and forward conditions per endpoint, made again when the
/// endpoints change: parsed once, not per request.
#[derive(Default)]
pub(super) struct Rulebook {
    compiled: Mutex<Cache>,
    pub(super) counters: Counters,
}

/// Each forward target's condition, in order, or why it does not parse.
pub(super) type TargetConditions = Arc<[Result<Condition, String>]>;

/// The endpoints the cache was made from, and each one's compiled forms.
#[derive(Default)]
struct Cache {
    from: Option<Arc<[Endpoint]>>,
    rules: HashMap<i64, Arc<Compiled>>,
    targets: HashMap<i64, TargetConditions>,
}

impl Rulebook {
    /// The cache, emptied first when `endpoints` is a newer snapshot.
    fn cache(&self, endpoints: &Arc<[Endpoint]>) -> std::sync::MutexGuard<'_, Cache> {
        let mut cache = self.compiled.lock().unwrap_or_else(|e| e.into_inner());
        if !cache
            .from
            .as_ref()
            .is_some_and(|seen| Arc::ptr_eq(seen, endpoints))
        {
            *cache = Cache {
                from: Some(endpoints.clone()),
                ..Cache::default()
            };
        }
        cache
    }

    /// The conditions of `endpoint`'s forward targets, parsed once per
    /// endpoints snapshot.
    pub(super) fn target_conditions(
        &self,
        endpoints: &Arc<[Endpoint]>,
        endpoint: &Endpoint,
    ) -> TargetConditions {
        self.cache(endpoints)
            .targets
            .entry(endpoint.id)
            .or_insert_with(|| {
                endpoint
                    .forwards
                    .iter()
                    .map(|t| Condition::parse(&t.condition).map_err(|e| e.to_string()))
                    .collect()
            })
            .clone()
    }

    fn compiled(&self, endpoints: &Arc<[Endpoint]>, endpoint: &Endpoint) -> Option<Arc<Compiled>> {
        let mut cache = self.cache(endpoints);
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
