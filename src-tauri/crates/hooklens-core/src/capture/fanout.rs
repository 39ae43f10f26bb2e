//! Fan-out: each captured request passed on, once it is stored, to every
//! forward target of its endpoint whose condition it matches. Targets that
//! respond are sent in the background; the one relaying target, when it
//! matches, gives the sender the handler's reply. Each attempt is recorded
//! as a delivery run under the event, with the URL it really went to.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::answer::TargetConditions;
use super::{CaptureState, plain};
use crate::model::{Endpoint, EventSummary, ForwardMode, ForwardTarget};
use crate::query::{Condition, Subject};
use crate::resend::{self, Attempted, Stored};
use crate::store::{NewEvent, StoredHeader};

/// What forwarding needs of a request, taken before it goes to the writer.
pub(super) struct Fanout {
    targets: Vec<ForwardTarget>,
    /// Each target's condition, parsed once per endpoints snapshot.
    conditions: TargetConditions,
    /// The endpoint's path prefix: the sub-path below it is kept.
    prefix: String,
    request: Arc<Request>,
}

/// The request as received, shared by the forwards of one event.
struct Request {
    provider: Option<&'static str>,
    method: String,
    headers: Vec<StoredHeader>,
    body: Bytes,
}

impl Fanout {
    /// None when nothing can be forwarded: the endpoint has no targets, or
    /// this Hooklens forwarded the request itself (a loop).
    pub(super) fn prepare(
        state: &CaptureState,
        endpoints: &Arc<[Endpoint]>,
        endpoint: Option<&Endpoint>,
        provider: Option<&'static str>,
        event: &NewEvent,
        body: &Bytes,
    ) -> Option<Fanout> {
        let endpoint = endpoint.filter(|e| !e.forwards.is_empty())?;
        if resend::was_forwarded(state.store.install_key(), &event.headers, body) {
            return None;
        }
        Some(Fanout {
            conditions: state.rulebook.target_conditions(endpoints, endpoint),
            targets: endpoint.forwards.clone(),
            prefix: endpoint.path_prefix.clone(),
            request: Arc::new(Request {
                provider,
                method: event.method.clone(),
                headers: event.headers.clone(),
                body: body.clone(),
            }),
        })
    }

    /// Forwards stored event `saved` to each target it matches. Returns the
    /// answer for the sender when a relaying target matched and `may_relay`
    /// (no response rule answers instead); None: the endpoint answers
    /// itself, and a matching relaying target is forwarded in the
    /// background like the others.
    pub(super) async fn dispatch(
        self,
        state: &CaptureState,
        saved: &EventSummary,
        endpoints: &[Endpoint],
        may_relay: bool,
    ) -> Option<Response> {
        let Fanout {
            targets,
            conditions,
            prefix,
            request,
        } = self;
        let matching: Vec<ForwardTarget> = {
            let subject = Subject::stored(saved, &request.headers, &request.body, endpoints);
            targets
                .into_iter()
                .zip(conditions.iter())
                .filter(|(t, condition)| holds(t, condition, &subject, saved.id))
                .map(|(t, _)| t)
                .collect()
        };
        let mut relay = None;
        for target in matching {
            let job = Job {
                event_id: saved.id,
                url: resend::forward_url(&target, &prefix, &saved.path, saved.query.as_deref())
                    .map_err(|e| e.to_string()),
                target,
                request: request.clone(),
            };
            match job.target.mode {
                // Saving allows one relaying target; were there more, the
                // first answers and the others are still forwarded.
                ForwardMode::Relay if may_relay && relay.is_none() => relay = Some(job),
                _ => {
                    let state = state.clone();
                    tokio::spawn(async move { in_background(&state, job).await });
                }
            }
        }
        Some(relayed(state, relay?).await)
    }
}

/// Whether `target`'s condition lets this event through. Conditions are
/// checked when saved; one that no longer parses lets nothing through.
fn holds(
    target: &ForwardTarget,
    condition: &Result<Condition, String>,
    subject: &Subject<'_>,
    event_id: i64,
) -> bool {
    match condition {
        Ok(condition) => condition.matches(subject),
        Err(err) => {
            tracing::warn!(event = event_id, url = %target.url, error = %err, "a forward target's condition does not parse; not forwarded there");
            false
        }
    }
}

/// One forward of one event to one target.
struct Job {
    event_id: i64,
    target: ForwardTarget,
    /// Where it goes, or why it cannot.
    url: Result<reqwest::Url, String>,
    request: Arc<Request>,
}

async fn send(state: &CaptureState, job: &Job) -> Result<Attempted, String> {
    let Some(sender) = &state.sender else {
        return Err("Hooklens's HTTP client could not start".into());
    };
    let url = job.url.clone()?;
    let _permit = state.forwards.acquire().await.map_err(|e| e.to_string())?;
    let request = &job.request;
    sender
        .forward(
            &Stored {
                event_id: job.event_id,
                provider: request.provider,
                method: &request.method,
                headers: &request.headers,
                body: &request.body,
            },
            &job.target,
            url,
        )
        .await
        .map_err(|e| e.to_string())
}

async fn in_background(state: &CaptureState, job: Job) {
    if let Err(err) = send(state, &job).await {
        tracing::warn!(event = job.event_id, error = %err, "forward not recorded");
    }
}

/// The handler's answer goes back to the sender; when there is none, a 502
/// that says the request is stored and why the handler gave nothing.
async fn relayed(state: &CaptureState, job: Job) -> Response {
    let failed = |why: String| {
        plain(
            StatusCode::BAD_GATEWAY,
            &format!(
                "Hooklens stored this request as event {} but the handler gave no answer: {why}\n",
                job.event_id
            ),
        )
    };
    let attempted = match send(state, &job).await {
        Ok(attempted) => attempted,
        Err(err) => return failed(err),
    };
    match (attempted.response, attempted.error) {
        (Some(reply), _) => {
            let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::BAD_GATEWAY);
            let mut out = (status, reply.body).into_response();
            let headers = out.headers_mut();
            for h in &reply.headers {
                if resend::client::is_transport_header(&h.name) {
                    continue;
                }
                if let (Ok(name), Ok(value)) = (
                    HeaderName::from_bytes(h.name.as_bytes()),
                    HeaderValue::from_bytes(h.bytes()),
                ) {
                    headers.append(name, value);
                }
            }
            if let Ok(id) = HeaderValue::from_str(&job.event_id.to_string()) {
                headers.insert("x-hooklens-event", id);
            }
            out
        }
        (None, Some(err)) => failed(err.message),
        (None, None) => failed("no answer".into()),
    }
}
