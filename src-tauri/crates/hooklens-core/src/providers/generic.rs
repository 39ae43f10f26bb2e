//! No provider: what a request that nothing recognised is read with, and
//! Hooklens's own delivery rule.

use super::delivery::{self, DeliveryRule, Success, stated};
use super::extract::{ExtractionRules, ptr};
use super::samples::Catalogue;
use super::{Provider, Rule, ids};

pub(super) fn provider() -> Provider {
    Provider {
        id: ids::GENERIC,
        name: "Generic",
        // Last in every list.
        listed: u8::MAX,
        // Best effort: the fields most providers use.
        rules: ExtractionRules {
            event_type: vec![
                ptr("/type"),
                ptr("/event_type"),
                ptr("/event"),
                ptr("/topic"),
            ],
            event_id: vec![ptr("/id"), ptr("/event_id")],
            merchant_id: vec![],
            refs: vec![],
        },
        scheme: None,
        assumed: false,
        detect: Rule::Never,
        schedule: None,
        // No provider is known: Hooklens's own rule, not a guess about one.
        delivery: DeliveryRule::new(
            Success::Any2xx,
            stated("no provider is known: Hooklens's own rule"),
            delivery::GENERIC_DEADLINE.as_secs(),
            stated("no provider is known: Hooklens's own rule"),
        ),
        called: Some("Hooklens"),
        samples: Catalogue::NONE,
    }
}
