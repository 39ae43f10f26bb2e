//! What a provider counts as a delivered webhook: which answers, and how long
//! it waits for one. Every provider's file states its rule; resend, retry
//! schedules and forwarding judge each attempt by the rule of the provider
//! the request is sent as, and the words here are what the resend editor,
//! the CLI and the delivery records show.

use std::time::Duration;

use super::{Preset, ids};

/// Which answers a provider counts as delivered (a transport type, shown
/// to the UI as it is).
pub use crate::model::DeliverySuccess as Success;

/// Where one part of a rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Basis {
    /// The provider's documentation does not state it; the value is the
    /// generally known behaviour or an educated guess.
    pub assumed: bool,
    /// A short phrase from the documentation, or why it is assumed.
    pub source: &'static str,
}

/// Stated by the provider's documentation, in its words.
pub(super) const fn stated(source: &'static str) -> Basis {
    Basis {
        assumed: false,
        source,
    }
}

/// Not stated by the documentation; `source` says what it rests on.
pub(super) const fn assumed(source: &'static str) -> Basis {
    Basis {
        assumed: true,
        source,
    }
}

/// A provider's delivery rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryRule {
    pub success: Success,
    pub success_basis: Basis,
    /// How long the provider waits for the answer before it counts the
    /// attempt as failed.
    pub deadline: Duration,
    pub deadline_basis: Basis,
}

impl DeliveryRule {
    pub(super) const fn new(
        success: Success,
        success_basis: Basis,
        deadline_s: u64,
        deadline_basis: Basis,
    ) -> DeliveryRule {
        DeliveryRule {
            success,
            success_basis,
            deadline: Duration::from_secs(deadline_s),
            deadline_basis,
        }
    }

    /// Whether an answer with `status` is a delivery.
    pub fn accepts(&self, status: u16) -> bool {
        self.success.accepts(status)
    }
}

/// Hooklens's own rule where no provider is known: any 2xx within 30 s.
pub const GENERIC_DEADLINE: Duration = Duration::from_secs(30);

/// Who the rule's sentences name: the preset's name, unless its file says
/// how a sentence should call it.
fn who(preset: &Preset) -> &'static str {
    preset.called.unwrap_or(preset.name)
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}

fn marked(words: String, basis: Basis) -> String {
    if basis.assumed {
        format!("{words} (assumed)")
    } else {
        words
    }
}

impl Preset {
    /// "Kulmi Pay counts only 200 as delivered".
    pub fn success_words(&self) -> String {
        if self.id == ids::GENERIC {
            return "no provider rule: any 2xx counts as delivered".to_owned();
        }
        let which = match self.delivery.success {
            Success::Any2xx => "any 2xx",
            Success::Only200 => "only 200",
        };
        format!("{} counts {which} as delivered", who(self))
    }

    /// "answer within 10 s".
    pub fn deadline_words(&self) -> String {
        format!("answer within {}", seconds(self.delivery.deadline))
    }

    /// The rule in one line, assumed parts marked: "Kulmi Pay counts only 200
    /// as delivered · answer within 10 s (assumed)".
    pub fn rule_words(&self) -> String {
        format!(
            "{} · {}",
            marked(self.success_words(), self.delivery.success_basis),
            marked(self.deadline_words(), self.delivery.deadline_basis)
        )
    }

    /// Why an answer with `status` is not a delivery: "Kulmi Pay counts only
    /// 200 as delivered; the handler answered 201".
    pub fn refused_words(&self, status: u16) -> String {
        format!(
            "{}; the handler answered {status}",
            marked(self.success_words(), self.delivery.success_basis)
        )
    }

    /// Why no answer came in time: "the checkout provider waits 15 s for an
    /// answer; none came". `allowed` is what the send waited, when it was set
    /// apart from the provider's deadline.
    pub fn no_answer_words(&self, allowed: Duration) -> String {
        let waits = marked(
            format!(
                "{} waits {} for an answer",
                who(self),
                seconds(self.delivery.deadline)
            ),
            self.delivery.deadline_basis,
        );
        if allowed == self.delivery.deadline {
            format!("{waits}; none came")
        } else {
            format!(
                "no answer within the {} this send allowed ({waits})",
                seconds(allowed)
            )
        }
    }

    /// The rule as the resend editor and the CLI show it.
    pub fn delivery_info(&self) -> crate::model::DeliveryRuleInfo {
        let rule = &self.delivery;
        crate::model::DeliveryRuleInfo {
            preset: self.id.to_owned(),
            name: self.name.to_owned(),
            success: rule.success,
            success_assumed: rule.success_basis.assumed,
            success_source: rule.success_basis.source.to_owned(),
            deadline_s: rule.deadline.as_secs_f64(),
            deadline_assumed: rule.deadline_basis.assumed,
            deadline_source: rule.deadline_basis.source.to_owned(),
            success_words: self.success_words(),
            deadline_words: self.deadline_words(),
            words: self.rule_words(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{generic, preset, presets};
    use super::*;

    fn rule(id: &str) -> DeliveryRule {
        match preset(id) {
            Some(p) => p.delivery,
            None => panic!("no preset {id}"),
        }
    }

    #[test]
    fn the_documented_rules_are_the_documents() {
        // "Kulmi Pay considers any non-200 response a delivery failure."
        let kulmi = rule("kulmipay");
        assert_eq!(kulmi.success, Success::Only200);
        assert!(!kulmi.success_basis.assumed);
        assert!(kulmi.deadline_basis.assumed, "no figure is published");
        // "must respond 200 to acknowledge each event"
        let ipp = rule("kustom-ipp");
        assert_eq!(ipp.success, Success::Only200);
        assert!(!ipp.success_basis.assumed);
        // "respond with a 2xx status code … within 15 seconds"
        let checkout = rule("checkout");
        assert_eq!(checkout.success, Success::Any2xx);
        assert_eq!(checkout.deadline, Duration::from_secs(15));
        assert!(!checkout.success_basis.assumed && !checkout.deadline_basis.assumed);
        // "does not respond with a successful status code"
        let kustom = rule("kustom");
        assert_eq!(kustom.success, Success::Any2xx);
        assert!(!kustom.success_basis.assumed && kustom.deadline_basis.assumed);
        // The gateway's webhook page says nothing about the answer.
        let usaepay = rule("usaepay");
        assert!(usaepay.success_basis.assumed && usaepay.deadline_basis.assumed);
    }

    #[test]
    fn every_preset_has_a_rule_with_a_source_and_the_others_are_assumed() {
        let documented = ["kustom", "kustom-ipp", "checkout", "usaepay", "kulmipay"];
        for p in presets() {
            let r = p.delivery;
            assert!(!r.success_basis.source.is_empty(), "{}", p.id);
            assert!(!r.deadline_basis.source.is_empty(), "{}", p.id);
            assert!(r.deadline > Duration::ZERO && r.deadline <= GENERIC_DEADLINE);
            if !documented.contains(&p.id) && p.id != "generic" {
                assert!(
                    r.success_basis.assumed && r.deadline_basis.assumed,
                    "{}: only the five documented providers state a rule here",
                    p.id
                );
            }
        }
        let g = generic().delivery;
        assert_eq!((g.success, g.deadline), (Success::Any2xx, GENERIC_DEADLINE));
    }

    #[test]
    fn only_200_refuses_the_other_2xx() {
        assert!(Success::Only200.accepts(200));
        for status in [201, 202, 204, 301, 400, 500] {
            assert!(!Success::Only200.accepts(status), "{status}");
        }
        for status in [200, 201, 204, 299] {
            assert!(Success::Any2xx.accepts(status), "{status}");
        }
        for status in [199, 300, 302, 404, 503] {
            assert!(!Success::Any2xx.accepts(status), "{status}");
        }
    }

    #[test]
    fn the_rule_reads_as_words() {
        let kulmi = preset("kulmipay").unwrap();
        assert_eq!(
            kulmi.success_words(),
            "Kulmi Pay counts only 200 as delivered"
        );
        assert_eq!(
            kulmi.rule_words(),
            "Kulmi Pay counts only 200 as delivered · answer within 10 s (assumed)"
        );
        assert_eq!(
            kulmi.refused_words(201),
            "Kulmi Pay counts only 200 as delivered; the handler answered 201"
        );
        let checkout = preset("checkout").unwrap();
        assert_eq!(
            checkout.no_answer_words(Duration::from_secs(15)),
            "the checkout provider waits 15 s for an answer; none came"
        );
        assert_eq!(
            checkout.no_answer_words(Duration::from_millis(1500)),
            "no answer within the 1.5 s this send allowed (the checkout provider waits 15 s for an answer)"
        );
        assert_eq!(
            kulmi.no_answer_words(Duration::from_secs(10)),
            "Kulmi Pay waits 10 s for an answer (assumed); none came"
        );
        assert_eq!(
            generic().rule_words(),
            "no provider rule: any 2xx counts as delivered · answer within 30 s"
        );
        let info = kulmi.delivery_info();
        assert_eq!(info.deadline_s, 10.0);
        assert!(info.deadline_assumed && !info.success_assumed);
        assert!(info.success_source.contains("non-200"));
    }
}
