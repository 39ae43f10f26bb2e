//! GitHub, from its generally known behaviour (no provider document here).
//! The samples come from one webhook on one repository (octocat/Hello-World):
//! its hook id and repository stay the same across deliveries.

use super::delivery::{DeliveryRule, Success, assumed};
use super::extract::{ExtractionRules, hdr, ptr, refs};
use super::samples::{
    Catalogue, DAY, Fill::*, Layout, MINUTE, NOW, Part::*, Step::*, TimeFormat::*, sample,
};
use super::{Provider, Rule, ids};
use crate::signature::Scheme;

pub(super) fn provider() -> Provider {
    Provider {
        id: ids::GITHUB,
        name: "GitHub",
        listed: 7,
        rules: ExtractionRules {
            event_type: vec![hdr("x-github-event")],
            event_id: vec![hdr("x-github-delivery")],
            merchant_id: vec![ptr("/repository/full_name"), ptr("/organization/login")],
            refs: refs([("hook_id", hdr("x-github-hook-id"))]),
        },
        scheme: Scheme::by_id("github"),
        assumed: false,
        detect: Rule::Header("x-github-event"),
        schedule: None,
        delivery: DeliveryRule::new(
            Success::Any2xx,
            assumed("generally known: GitHub wants \"a 2XX response\""),
            10,
            assumed("generally known: GitHub wants the answer \"within 10 seconds\""),
        ),
        called: None,
        samples: Catalogue {
            layout: Layout::Compact,
            headers: &[
                ("Content-Type", &[Lit("application/json")]),
                ("User-Agent", &[Lit("GitHub-Hookshot/7e1b3c4")]),
                ("X-GitHub-Event", &[Var("event_type")]),
                ("X-GitHub-Delivery", &[Var("delivery")]),
                ("X-GitHub-Hook-ID", &[Lit("498734112")]),
                ("X-GitHub-Hook-Installation-Target-ID", &[Lit("1296269")]),
                (
                    "X-GitHub-Hook-Installation-Target-Type",
                    &[Lit("repository")],
                ),
            ],
            event_id: Some("delivery"),
            fills: &[
                ("delivery", Text(&[Uuid])),
                ("now", Text(&[Time(NOW, Utc(0))])),
                // Events other than a push show the repository as it was at its
                // last push, a day ago; a push gives the repository's times as
                // Unix seconds, every other event as RFC 3339 strings.
                ("last_push", Text(&[Time(&[Seconds(-DAY)], Utc(0))])),
            ],
            types: &[
                sample!("github", "ping", "Sent once when the webhook is created"),
                sample!(
                    "github",
                    "push",
                    "Commits were pushed to a branch",
                    &[
                        ("before", SHA),
                        ("after", SHA),
                        ("tree_id", SHA),
                        ("now_s", Json(&[Time(NOW, UnixSeconds)])),
                        ("commit_time", Text(&[Time(NOW, Offset(0))])),
                        ("message", Text(&[Lit("Fix typo in README")])),
                        (
                            "url",
                            Text(&[
                                Lit("https://github.com/octocat/Hello-World/commit/"),
                                Var("after"),
                            ]),
                        ),
                        (
                            "compare",
                            Text(&[
                                Lit("https://github.com/octocat/Hello-World/compare/"),
                                Head("before", 12),
                                Lit("..."),
                                Head("after", 12),
                            ]),
                        ),
                    ],
                ),
                sample!(
                    "github",
                    "pull_request",
                    "A pull request was opened (action \"opened\")",
                    &[
                        ("number", Json(&[Number(2, 400)])),
                        (
                            "api_url",
                            Text(&[
                                Lit("https://api.github.com/repos/octocat/Hello-World/pulls/"),
                                Var("number"),
                            ]),
                        ),
                        (
                            "html_url",
                            Text(&[
                                Lit("https://github.com/octocat/Hello-World/pull/"),
                                Var("number")
                            ]),
                        ),
                        ("pr_id", Json(&[Number(1_000_000_000, 2_999_999_999)])),
                        ("head_sha", SHA),
                        ("base_sha", SHA),
                    ],
                ),
                sample!(
                    "github",
                    "issues",
                    "An issue was opened (action \"opened\")",
                    &[
                        ("number", Json(&[Number(2, 400)])),
                        (
                            "api_url",
                            Text(&[
                                Lit("https://api.github.com/repos/octocat/Hello-World/issues/"),
                                Var("number"),
                            ]),
                        ),
                        (
                            "html_url",
                            Text(&[
                                Lit("https://github.com/octocat/Hello-World/issues/"),
                                Var("number")
                            ]),
                        ),
                        ("issue_id", Json(&[Number(1_000_000_000, 2_999_999_999)])),
                    ],
                ),
                sample!(
                    "github",
                    "release",
                    "A release was published (action \"published\")",
                    &[
                        ("release_id", Json(&[Number(100_000_000, 299_999_999)])),
                        (
                            "tag",
                            Text(&[Lit("v1."), Number(0, 20), Lit("."), Number(0, 9)]),
                        ),
                        (
                            "api_url",
                            Text(&[
                                Lit("https://api.github.com/repos/octocat/Hello-World/releases/"),
                                Var("release_id"),
                            ]),
                        ),
                        (
                            "html_url",
                            Text(&[
                                Lit("https://github.com/octocat/Hello-World/releases/tag/"),
                                Var("tag"),
                            ]),
                        ),
                        (
                            "created_at",
                            Text(&[Time(&[Seconds(-10 * MINUTE)], Utc(0))])
                        ),
                        (
                            "tarball_url",
                            Text(&[
                                Lit("https://api.github.com/repos/octocat/Hello-World/tarball/"),
                                Var("tag"),
                            ]),
                        ),
                        (
                            "zipball_url",
                            Text(&[
                                Lit("https://api.github.com/repos/octocat/Hello-World/zipball/"),
                                Var("tag"),
                            ]),
                        ),
                    ],
                ),
            ],
        },
    }
}

/// A git object id: 40 hex digits.
const SHA: super::samples::Fill = Text(&[Hex(20)]);
