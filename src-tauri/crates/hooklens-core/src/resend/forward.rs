//! Forwarding: each captured request passed on to the endpoint's handler
//! after it is stored, the handler's reply recorded.

use super::client::{Attempted, Outgoing, is_transport_header};
use super::{ResendError, Sender, target_url};
use crate::api::{DeliveryKind, Forward, ForwardMode};
use crate::store::{NewRun, StoredHeader};

/// Marks a request Hooklens forwarded, so one that comes back to a Hooklens
/// listener is not forwarded again (a loop), and so the handler can tell.
pub const FORWARDED_HEADER: &str = "x-hooklens-forwarded";

impl Sender {
    /// Sends stored event `event_id` (method, headers and body as received)
    /// to `forward.url` and records the reply as a delivery.
    pub async fn forward(
        &self,
        event_id: i64,
        method: &str,
        headers: &[StoredHeader],
        body: &[u8],
        forward: &Forward,
    ) -> Result<Attempted, ResendError> {
        let url = target_url(&forward.url)?;
        let mut out_headers: Vec<(String, Vec<u8>)> = headers
            .iter()
            .filter(|h| !is_transport_header(&h.name))
            .map(|h| (h.name.clone(), h.bytes().to_vec()))
            .collect();
        out_headers.push((
            FORWARDED_HEADER.to_owned(),
            event_id.to_string().into_bytes(),
        ));
        let out = Outgoing {
            method: reqwest::Method::from_bytes(method.as_bytes())
                .map_err(|_| ResendError::Invalid(format!("{method:?} is not an HTTP method")))?,
            url,
            headers: out_headers,
            body: body.to_vec(),
        };
        let pattern = match forward.mode {
            ForwardMode::Respond => "forward (sender answered at once)",
            ForwardMode::Relay => "forward (handler's reply relayed to the sender)",
        };
        let target = out.url.to_string();
        let run_id = self
            .write(move |s| {
                s.start_run(&NewRun {
                    event_id: Some(event_id),
                    kind: DeliveryKind::Forward,
                    target: &target,
                    pattern,
                })
            })
            .await?;
        let attempted = self.client.send(&out).await;
        self.record(run_id, 1, &out, "forwarded as received", &attempted)
            .await?;
        let outcome = match (&attempted.response, &attempted.error) {
            (Some(r), _) => format!("answered {}", r.status),
            (None, Some(e)) => format!("failed: {}", e.message),
            (None, None) => "no answer".to_owned(),
        };
        self.write(move |s| s.finish_run(run_id, &outcome)).await?;
        Ok(attempted)
    }
}

/// A request Hooklens itself forwarded is not forwarded again.
pub fn was_forwarded(headers: &[StoredHeader]) -> bool {
    headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case(FORWARDED_HEADER))
}
