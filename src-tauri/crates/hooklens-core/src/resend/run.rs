//! Running a send: its attempts, waits and cancellation, each attempt
//! recorded as it completes.

use std::time::Duration;

use super::cancel::Cancel;
use super::client::{Attempted, Client};
use super::judge::{InForce, Judged, delivery_preset};
use super::prepare::{self, Draft, Plan};
use super::{MAX_SPEED, MAX_TIMES, MIN_SPEED, ResendError};
use crate::model::{
    DeliveryKind, DeliveryRun, Pattern, ResendSpec, SendProgress, SignMode, Signing, TestEventSpec,
};
use crate::providers::{self, samples, schedules};
use crate::store::{NewDelivery, NewRun, Reader, Store, StoreError, now_ns};

/// Sends and records. Cheap to clone.
#[derive(Clone)]
pub struct Sender {
    pub(super) store: Store,
    pub(super) client: Client,
    /// How long every attempt waits for its answer, in place of the
    /// provider's deadline; None: the provider's.
    pub(super) timeout: Option<Duration>,
}

/// When the attempts after the first go, and whether a delivery ends the run.
struct Timing {
    waits: Vec<Duration>,
    stop_at_success: bool,
    words: String,
}

impl Sender {
    /// Each attempt waits for its answer as long as the provider it is sent
    /// as would (see `providers::delivery`).
    pub fn new(store: Store) -> Result<Sender, ResendError> {
        Ok(Sender {
            store,
            client: Client::new(),
            timeout: None,
        })
    }

    /// Each attempt waits `timeout` for its answer, whatever the provider's
    /// deadline; the rule's statuses still apply.
    pub fn with_timeout(store: Store, timeout: Duration) -> Result<Sender, ResendError> {
        Ok(Sender {
            timeout: Some(timeout),
            ..Sender::new(store)?
        })
    }

    /// The rule `preset` judges by, with this sender's deadline.
    pub(super) fn rule(&self, preset: &'static providers::Preset) -> InForce {
        InForce::new(preset, self.timeout)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Sends the editor's request as `spec` says.
    pub async fn resend(
        &self,
        spec: &ResendSpec,
        progress: &mut (dyn FnMut(SendProgress) + Send),
        cancel: &Cancel,
    ) -> Result<DeliveryRun, ResendError> {
        let draft = Draft::from_spec(spec)?;
        self.resend_draft(draft, &spec.signing, &spec.pattern, progress, cancel)
            .await
    }

    /// Sends `draft` (from an event or built by hand).
    pub async fn resend_draft(
        &self,
        draft: Draft,
        signing: &Signing,
        pattern: &Pattern,
        progress: &mut (dyn FnMut(SendProgress) + Send),
        cancel: &Cancel,
    ) -> Result<DeliveryRun, ResendError> {
        let timing = timing(pattern)?;
        let event = match draft.event_id {
            Some(id) => Some(self.read(move |r| r.event(id)).await?),
            None => None,
        };
        let mut draft = draft;
        draft.restore_masked(event.as_ref().map_or(&[], |e| e.headers.as_slice()))?;
        let rule = self.rule(delivery_preset(
            &self.store,
            event.as_ref(),
            None,
            signing.endpoint_id,
        ));
        let plan = prepare::plan(&self.store, draft, event.as_ref(), None, signing, None)?;
        self.execute(plan, DeliveryKind::Resend, timing, rule, progress, cancel)
            .await
    }

    /// Sends each of `event_ids` once, as captured, in a shuffled order: how
    /// a handler copes with events that arrive out of order.
    pub async fn resend_shuffled(
        &self,
        event_ids: &[i64],
        url: &str,
        signing: &Signing,
        progress: &mut (dyn FnMut(SendProgress) + Send),
        cancel: &Cancel,
    ) -> Result<Vec<DeliveryRun>, ResendError> {
        if event_ids.len() < 2 {
            return Err(ResendError::Invalid(
                "choose at least two events to send out of order".into(),
            ));
        }
        let mut order = event_ids.to_vec();
        shuffle(&mut order);
        let mut runs = Vec::new();
        let total = order.len();
        for (i, id) in order.into_iter().enumerate() {
            if cancel.is_cancelled() {
                break;
            }
            let event = self.read(move |r| r.event(id)).await?;
            let draft = Draft::from_event(&event, url)?;
            let rule = self.rule(delivery_preset(
                &self.store,
                Some(&event),
                None,
                signing.endpoint_id,
            ));
            let plan = prepare::plan(&self.store, draft, Some(&event), None, signing, None)?;
            let timing = Timing {
                waits: Vec::new(),
                stop_at_success: false,
                words: format!("{} of {total} in shuffled order", i + 1),
            };
            runs.push(
                self.execute(plan, DeliveryKind::Resend, timing, rule, progress, cancel)
                    .await?,
            );
        }
        Ok(runs)
    }

    /// A fresh sample of `spec.preset`'s `spec.event_type`, signed with the
    /// newest secret of `spec.endpoint_id`, to `spec.url` or (by default) to
    /// Hooklens's own listener at `listener_url`.
    pub async fn send_test(
        &self,
        spec: &TestEventSpec,
        listener_url: Option<&str>,
        progress: &mut (dyn FnMut(SendProgress) + Send),
        cancel: &Cancel,
    ) -> Result<DeliveryRun, ResendError> {
        let now_ms = now_ns() / 1_000_000;
        let sample = samples::sample_event(&spec.preset, &spec.event_type, now_ms)?;
        let endpoints = self.store.endpoints();
        let endpoint = match spec.endpoint_id {
            Some(id) => Some(
                endpoints
                    .iter()
                    .find(|e| e.id == id)
                    .ok_or_else(|| ResendError::Invalid(format!("there is no endpoint {id}")))?,
            ),
            None => None,
        };
        let url = match (&spec.url, listener_url) {
            (Some(url), _) if !url.trim().is_empty() => url.trim().to_owned(),
            (_, Some(base)) => {
                let path = endpoint
                    .map(|e| e.path_prefix.as_str())
                    .filter(|p| *p != "/")
                    .unwrap_or("");
                format!("{}{path}", base.trim_end_matches('/'))
            }
            _ => {
                return Err(ResendError::Target(
                    "give the URL to send the test event to".into(),
                ));
            }
        };
        let draft = Draft {
            event_id: None,
            method: reqwest::Method::POST,
            url: super::target_url(&url)?,
            headers: sample
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), v.clone().into_bytes()))
                .collect(),
            body: sample.body.clone(),
        };
        let has_secret = endpoint.is_some_and(|e| !e.secrets.is_empty());
        let plan = if has_secret {
            let mut plan = prepare::plan(
                &self.store,
                draft,
                None,
                Some(&spec.preset),
                &Signing {
                    mode: SignMode::Resign,
                    endpoint_id: spec.endpoint_id,
                    secret_label: None,
                },
                sample.event_id.clone(),
            )?;
            // A fresh sample is signed, not re-signed.
            plan.note = plan.note.replacen("re-signed", "signed", 1);
            plan
        } else {
            Plan {
                draft,
                signer: None,
                note: match endpoint {
                    Some(e) => format!("unsigned: endpoint {:?} has no secret", e.name),
                    None => "unsigned: no endpoint chosen to sign with".into(),
                },
            }
        };
        let timing = Timing {
            waits: Vec::new(),
            stop_at_success: false,
            words: format!("test event {} ({})", sample.event_type, spec.preset),
        };
        let rule = self.rule(delivery_preset(
            &self.store,
            None,
            Some(&spec.preset),
            spec.endpoint_id,
        ));
        self.execute(plan, DeliveryKind::Test, timing, rule, progress, cancel)
            .await
    }

    async fn execute(
        &self,
        plan: Plan,
        kind: DeliveryKind,
        timing: Timing,
        rule: InForce,
        progress: &mut (dyn FnMut(SendProgress) + Send),
        cancel: &Cancel,
    ) -> Result<DeliveryRun, ResendError> {
        let planned = u32::try_from(timing.waits.len() + 1).unwrap_or(u32::MAX);
        let target = plan.draft.url.to_string();
        let event_id = plan.draft.event_id;
        let words = timing.words.clone();
        let info = rule.info();
        let rule_words = info.words.clone();
        let run_id = self
            .write(move |s| {
                s.start_run(&NewRun {
                    event_id,
                    kind,
                    target: &target,
                    pattern: &words,
                    rule: Some(&rule_words),
                })
            })
            .await?;
        progress(SendProgress::Started {
            run_id,
            planned,
            rule: info,
        });

        let mut results: Vec<String> = Vec::new();
        let mut failures: Vec<String> = Vec::new();
        let mut succeeded_at = None;
        let mut cancelled = false;
        let mut failure = None;
        for attempt in 1..=planned {
            if attempt > 1 {
                let wait = timing.waits[(attempt - 2) as usize];
                if !wait.is_zero() {
                    let at_ms = now_ns() / 1_000_000
                        + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX / 2);
                    progress(SendProgress::Waiting {
                        next_attempt: attempt,
                        at_ms,
                    });
                }
                if !cancel.sleep(wait).await {
                    cancelled = true;
                    break;
                }
            } else if cancel.is_cancelled() {
                cancelled = true;
                break;
            }
            let out = match plan.outgoing(now_ns() / 1_000_000_000) {
                Ok(out) => out,
                Err(err) => {
                    failure = Some(err);
                    break;
                }
            };
            let mut attempted = self.client.send(&out, rule.deadline).await;
            mask_secret(&mut attempted, &plan);
            let judged = rule.judge(&attempted);
            let delivery = self
                .record(run_id, attempt, &out, &plan.note, &attempted, &judged)
                .await?;
            progress(SendProgress::Attempt {
                delivery: Box::new(delivery),
            });
            results.push(attempted.short());
            match judged.failure {
                None if timing.stop_at_success => {
                    succeeded_at = Some(attempt);
                    break;
                }
                None => {}
                Some(why) => failures.push(why),
            }
        }

        let sent = u32::try_from(results.len()).unwrap_or(u32::MAX);
        let list = results.join(", ");
        let outcome = if let Some(err) = &failure {
            format!("stopped: {err}")
        } else if cancelled {
            if sent == 0 {
                "cancelled before the first attempt".to_owned()
            } else {
                format!("cancelled after {sent} of {planned} attempts: {list}")
            }
        } else if timing.stop_at_success {
            match succeeded_at {
                Some(n) => format!(
                    "answered {} on attempt {n} of {planned}; the provider stops here",
                    results.last().map_or("", String::as_str)
                ),
                None => format!(
                    "not delivered in {planned} attempts ({list}): {}; the provider gives up",
                    rule.preset.success_words()
                ),
            }
        } else if planned == 1 {
            match (results.first(), failures.first()) {
                (Some(r), None) => format!("answered {r}"),
                (Some(_), Some(why)) => format!("failed: {why}"),
                (None, _) => "not sent".to_owned(),
            }
        } else {
            match failures.first() {
                None => format!("sent {sent} times: {list}"),
                Some(why) => format!(
                    "sent {sent} times: {list}; {} not delivered ({why})",
                    failures.len()
                ),
            }
        };
        let finished = outcome.clone();
        self.write(move |s| s.finish_run(run_id, &finished)).await?;
        if let Some(err) = failure {
            return Err(err);
        }
        let run = self.read(move |r| r.run(run_id)).await?;
        progress(SendProgress::Finished { run: run.clone() });
        Ok(run)
    }

    pub(super) async fn record(
        &self,
        run_id: i64,
        attempt: u32,
        out: &super::Outgoing,
        note: &str,
        attempted: &Attempted,
        judged: &Judged,
    ) -> Result<crate::model::Delivery, ResendError> {
        let delivery = NewDelivery {
            attempt,
            sent_at_ns: attempted.sent_at_ns,
            method: out.method.to_string(),
            url: out.url.to_string(),
            headers: attempted.headers.clone(),
            body: out.body.clone(),
            signing: note.to_owned(),
            response: attempted.response.clone(),
            error: attempted.error.clone(),
            delivered: judged.delivered,
            failure: judged.failure.clone(),
            duration_us: attempted.duration_us,
        };
        self.write(move |s| s.record_delivery(run_id, &delivery))
            .await
    }

    /// A store write off the async workers: SQLite blocks.
    pub(super) async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ResendError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| ResendError::Invalid(format!("the store task failed: {e}")))?
            .map_err(ResendError::from)
    }

    pub(super) async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Reader) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ResendError> {
        self.write(move |s| f(&s.reader()?)).await
    }
}

/// A scheme that sends the secret itself (a shared-secret header, Basic
/// auth) would put it in the delivery record, which the window and exports
/// show: the recorded value says which secret it was instead.
fn mask_secret(attempted: &mut Attempted, plan: &Plan) {
    use base64::Engine as _;
    let Some(signer) = &plan.signer else {
        return;
    };
    let secret = signer.secret.value.as_bytes();
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(secret)
    );
    let masked = format!("•••• (secret \"{}\")", signer.secret.label);
    for h in &mut attempted.headers {
        let value = h.bytes();
        if value == secret || value == basic.as_bytes() {
            *h = crate::store::StoredHeader::new(&h.name, masked.as_bytes());
        }
    }
}

fn timing(pattern: &Pattern) -> Result<Timing, ResendError> {
    Ok(match pattern {
        Pattern::Once => Timing {
            waits: Vec::new(),
            stop_at_success: false,
            words: "once".into(),
        },
        Pattern::Times { count } => {
            if *count == 0 || *count > MAX_TIMES {
                return Err(ResendError::Invalid(format!(
                    "send 1 to {MAX_TIMES} times, not {count}"
                )));
            }
            Timing {
                waits: vec![Duration::ZERO; (*count - 1) as usize],
                stop_at_success: false,
                words: format!("{count} times, one event id"),
            }
        }
        Pattern::Schedule { provider, speed } => {
            if !speed.is_finite() || *speed < MIN_SPEED || *speed > MAX_SPEED {
                return Err(ResendError::Invalid(format!(
                    "speed {speed} is not between {MIN_SPEED} (real time) and {MAX_SPEED}"
                )));
            }
            let schedule = schedules::retry_schedule(provider).ok_or_else(|| {
                ResendError::Invalid(format!(
                    "{provider:?} has no retry schedule; these do: {}",
                    schedules::presets_with_schedules().join(", ")
                ))
            })?;
            Timing {
                waits: schedule.waits.iter().map(|w| w.div_f64(*speed)).collect(),
                stop_at_success: true,
                words: format!(
                    "{} retry schedule at {speed}× ({} attempts{})",
                    provider.to_ascii_lowercase(),
                    schedule.attempts(),
                    if schedule.assumed {
                        ", assumed waits"
                    } else {
                        ""
                    }
                ),
            }
        }
    })
}

/// Fisher–Yates with OS randomness.
fn shuffle(items: &mut [i64]) {
    for i in (1..items.len()).rev() {
        let mut b = [0u8; 8];
        let r = if getrandom::fill(&mut b).is_ok() {
            u64::from_le_bytes(b)
        } else {
            now_ns() as u64
        };
        let j = (r % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}
