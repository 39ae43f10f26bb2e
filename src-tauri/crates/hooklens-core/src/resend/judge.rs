//! Each attempt judged by the delivery rule of the provider it is sent as:
//! a status that provider does not count, or no answer within its deadline,
//! is a failed delivery, said in words.

use std::time::Duration;

use super::client::Attempted;
use crate::model::DeliveryRuleInfo;
use crate::providers::{self, Preset};
use crate::store::{EventDetail, Store};

/// The rule a send judges its attempts by.
#[derive(Debug, Clone, Copy)]
pub(crate) struct InForce {
    pub preset: &'static Preset,
    /// How long each attempt waits for the answer: the provider's deadline,
    /// unless the send set its own (the CLI's `--timeout`).
    pub deadline: Duration,
}

/// What one attempt came to under the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Judged {
    pub delivered: bool,
    /// Why not, in words; None when delivered.
    pub failure: Option<String>,
}

impl InForce {
    pub fn new(preset: &'static Preset, timeout: Option<Duration>) -> InForce {
        InForce {
            preset,
            deadline: timeout.unwrap_or(preset.delivery.deadline),
        }
    }

    pub fn info(&self) -> DeliveryRuleInfo {
        self.preset.delivery_info()
    }

    pub fn judge(&self, attempted: &Attempted) -> Judged {
        let failure = match (&attempted.response, &attempted.error) {
            (Some(r), _) if self.preset.delivery.accepts(r.status) => None,
            (Some(r), _) => Some(self.preset.refused_words(r.status)),
            (None, _) if attempted.waited_out => Some(self.preset.no_answer_words(self.deadline)),
            (None, Some(e)) => Some(e.message.clone()),
            (None, None) => Some("no answer".to_owned()),
        };
        Judged {
            delivered: failure.is_none(),
            failure,
        }
    }
}

/// The preset a send is judged by: `provider` when the caller names one (a
/// test event's), else that of the endpoint chosen to sign (it signs as its
/// own provider), else the event's provider (its endpoint's preset or the
/// detected one), else its endpoint's preset; none of them: `generic`.
pub fn delivery_preset(
    store: &Store,
    event: Option<&EventDetail>,
    provider: Option<&str>,
    endpoint_id: Option<i64>,
) -> &'static Preset {
    let endpoints = store.endpoints();
    let preset_of = |id: i64| {
        endpoints
            .iter()
            .find(|e| e.id == id)
            .and_then(|e| e.preset.as_deref())
            .and_then(providers::preset)
    };
    provider
        .and_then(providers::preset)
        .or_else(|| endpoint_id.and_then(preset_of))
        .or_else(|| {
            event
                .and_then(|e| e.summary.provider.as_deref())
                .and_then(providers::preset)
        })
        .or_else(|| {
            event
                .and_then(|e| e.summary.endpoint_id)
                .and_then(preset_of)
        })
        .unwrap_or_else(providers::generic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DeliveryError, DeliveryErrorKind};
    use crate::store::NewResponse;

    fn answered(status: u16) -> Attempted {
        Attempted {
            sent_at_ns: 0,
            headers: Vec::new(),
            response: Some(NewResponse {
                status,
                headers: Vec::new(),
                body: Vec::new(),
                truncated: false,
            }),
            error: None,
            duration_us: 1,
            waited_out: false,
        }
    }

    fn failed(kind: DeliveryErrorKind, message: &str, waited_out: bool) -> Attempted {
        Attempted {
            response: None,
            error: Some(DeliveryError {
                kind,
                message: message.to_owned(),
            }),
            waited_out,
            ..answered(0)
        }
    }

    fn in_force(id: &str) -> InForce {
        InForce::new(providers::preset(id).unwrap(), None)
    }

    #[test]
    fn kulmi_pay_counts_only_200() {
        let kulmi = in_force("kulmipay");
        assert_eq!(
            kulmi.judge(&answered(200)),
            Judged {
                delivered: true,
                failure: None
            }
        );
        let refused = kulmi.judge(&answered(201));
        assert!(!refused.delivered);
        assert_eq!(
            refused.failure.as_deref(),
            Some("Kulmi Pay counts only 200 as delivered; the handler answered 201")
        );
        // The same 201 is a delivery where any 2xx counts.
        assert!(in_force("checkout").judge(&answered(201)).delivered);
        assert!(in_force("generic").judge(&answered(204)).delivered);
        assert!(!in_force("generic").judge(&answered(302)).delivered);
    }

    #[test]
    fn no_answer_in_time_is_the_providers_deadline_in_words() {
        let checkout = in_force("checkout");
        assert_eq!(checkout.deadline, Duration::from_secs(15));
        let judged = checkout.judge(&failed(
            DeliveryErrorKind::Timeout,
            "127.0.0.1:9 did not answer within 15 s",
            true,
        ));
        assert_eq!(
            judged.failure.as_deref(),
            Some("the checkout provider waits 15 s for an answer; none came")
        );
        // A send with its own deadline says so.
        let own = InForce::new(checkout.preset, Some(Duration::from_secs(2)));
        assert_eq!(own.deadline, Duration::from_secs(2));
        let judged = own.judge(&failed(DeliveryErrorKind::Timeout, "x", true));
        assert!(
            judged
                .failure
                .unwrap()
                .starts_with("no answer within the 2 s this send allowed")
        );
        // Other failures keep their own words.
        let refused = checkout.judge(&failed(
            DeliveryErrorKind::ConnectionRefused,
            "connection refused by 127.0.0.1:9: nothing is listening there",
            false,
        ));
        assert!(!refused.delivered);
        assert!(refused.failure.unwrap().starts_with("connection refused"));
    }
}
