//! Slack's Events API, from its generally known behaviour (no provider
//! document here).

use super::delivery::{DeliveryRule, Success, assumed};
use super::extract::{ExtractionRules, ptr};
use super::samples::{
    BASE62, Catalogue, Fill::*, Layout, NOW, Part::*, TimeFormat::*, UPPER_ALNUM, sample,
};
use super::{Provider, Rule, ids};
use crate::signature::Scheme;

pub(super) fn provider() -> Provider {
    Provider {
        id: ids::SLACK,
        name: "Slack",
        listed: 9,
        rules: ExtractionRules {
            // Events API callbacks carry the interesting type inside `event`;
            // url_verification has only the outer one.
            event_type: vec![ptr("/event/type"), ptr("/type")],
            event_id: vec![ptr("/event_id")],
            merchant_id: vec![ptr("/team_id")],
            refs: vec![],
        },
        scheme: Scheme::by_id("slack"),
        assumed: false,
        detect: Rule::Header("x-slack-signature"),
        schedule: None,
        delivery: DeliveryRule::new(
            Success::Any2xx,
            assumed("generally known: Slack wants \"an HTTP 2xx\""),
            3,
            assumed("generally known: Slack wants the answer \"within three seconds\""),
        ),
        called: None,
        samples: Catalogue {
            layout: Layout::Compact,
            headers: &[
                ("Content-Type", &[Lit("application/json")]),
                (
                    "User-Agent",
                    &[Lit("Slackbot 1.0 (+https://api.slack.com/robots)")],
                ),
            ],
            event_id: Some("event_id"),
            fills: &[
                ("event_id", Text(&[Lit("Ev"), Chars(UPPER_ALNUM, 10)])),
                // The app's verification token (deprecated, still sent).
                ("token", Text(&[Lit("ZkXJ3c9v1Qp4Lw7sT2nB8yHd")])),
                ("team_id", Text(&[Lit("T061EG9R6")])),
                ("ts", Text(&[Time(NOW, SecondsMicros)])),
                ("event_time", Json(&[Time(NOW, UnixSeconds)])),
            ],
            types: &[
                // A verification request has no event id; its challenge is the
                // one value that is fresh each time, so it stands in.
                sample!(
                    "slack",
                    "url_verification",
                    "Slack checks the Request URL; the handler must answer with the challenge",
                    &[("event_id", Text(&[Chars(BASE62, 52)]))],
                ),
                sample!(
                    "slack",
                    "app_mention",
                    "The app was mentioned in a channel (an event_callback)",
                    &[("text", Text(&[Lit("<@U0LAN0Z89> is the deploy done?")]))],
                ),
                sample!(
                    "slack",
                    "message",
                    "A message was posted in a channel the app is in (an event_callback)",
                    &[("text", Text(&[Lit("Deploy finished :tada:")]))],
                ),
            ],
        },
    }
}
