//! Where a forward target sends a captured request: the target's URL with
//! the request's path below the endpoint's prefix and its query string
//! added, or the URL exactly as written.

use reqwest::Url;

use super::{ResendError, target_url};
use crate::model::ForwardTarget;

/// The URL `target` sends a request to that arrived at `path` (as received:
/// still percent-encoded) with `query`, on an endpoint with path prefix
/// `prefix` (`/` for the default endpoint, which keeps the whole path).
///
/// - `http://localhost:3000/webhooks` + `/kustom/orders?x=1` on `/kustom`
///   → `http://localhost:3000/webhooks/orders?x=1`;
/// - the join never doubles a slash: a base ending in `/` loses it before
///   the sub-path; an empty sub-path leaves the base path as written;
/// - a base with a query keeps it, the request's is appended after `&`;
/// - percent-encoded characters travel as received, never decoded;
/// - `exact_url`: the URL as written, nothing added.
pub fn forward_url(
    target: &ForwardTarget,
    prefix: &str,
    path: &str,
    query: Option<&str>,
) -> Result<Url, ResendError> {
    let mut url = target_url(&target.url)?;
    if target.exact_url {
        return Ok(url);
    }
    let sub = below_prefix(prefix, path);
    if !sub.is_empty() {
        let joined = format!("{}{sub}", url.path().trim_end_matches('/'));
        url.set_path(&joined);
    }
    if let Some(query) = query.filter(|q| !q.is_empty()) {
        let joined = match url.query() {
            Some(base) if !base.is_empty() => format!("{base}&{query}"),
            _ => query.to_owned(),
        };
        url.set_query(Some(&joined));
    }
    Ok(url)
}

/// `/orders` of `/kustom/orders` on `/kustom`; the whole path on the
/// default endpoint (`/`); empty when the path is the prefix itself or is
/// not a path (`*`).
fn below_prefix<'a>(prefix: &str, path: &'a str) -> &'a str {
    let rest = path
        .strip_prefix(prefix.trim_end_matches('/'))
        .unwrap_or(path);
    if rest.starts_with('/') { rest } else { "" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ForwardMode;

    fn url(base: &str, prefix: &str, path: &str, query: Option<&str>) -> String {
        forward_url(
            &ForwardTarget::new(base, ForwardMode::Respond),
            prefix,
            path,
            query,
        )
        .unwrap()
        .to_string()
    }

    #[test]
    fn the_sub_path_and_query_are_kept() {
        assert_eq!(
            url(
                "http://localhost:3000/webhooks",
                "/kustom",
                "/kustom/orders",
                Some("x=1")
            ),
            "http://localhost:3000/webhooks/orders?x=1"
        );
        assert_eq!(
            url(
                "http://localhost:3000/webhooks",
                "/kustom",
                "/kustom/a/b/",
                None
            ),
            "http://localhost:3000/webhooks/a/b/",
            "deeper, with the trailing slash as received"
        );
    }

    #[test]
    fn the_default_endpoint_keeps_the_whole_path() {
        assert_eq!(
            url("http://h:1/in", "/", "/stripe/events", Some("a=b")),
            "http://h:1/in/stripe/events?a=b"
        );
        assert_eq!(url("http://h:1", "/", "/", None), "http://h:1/");
        assert_eq!(url("http://h:1/in", "/", "/", None), "http://h:1/in/");
    }

    #[test]
    fn slashes_are_joined_once() {
        for base in ["http://h/webhooks", "http://h/webhooks/"] {
            assert_eq!(
                url(base, "/kustom", "/kustom/orders", None),
                "http://h/webhooks/orders"
            );
        }
        assert_eq!(
            url("http://h", "/kustom", "/kustom/orders", None),
            "http://h/orders"
        );
        assert_eq!(
            url("http://h/", "/kustom", "/kustom/orders", None),
            "http://h/orders"
        );
        assert_eq!(
            url("http://h/webhooks", "/kustom/", "/kustom/orders", None),
            "http://h/webhooks/orders",
            "a prefix given with its slash"
        );
    }

    #[test]
    fn an_empty_sub_path_leaves_the_base_as_written() {
        assert_eq!(
            url("http://h/webhooks", "/kustom", "/kustom", None),
            "http://h/webhooks"
        );
        assert_eq!(
            url("http://h/webhooks/", "/kustom", "/kustom", None),
            "http://h/webhooks/"
        );
        assert_eq!(
            url("http://h/webhooks", "/kustom", "/kustom/", None),
            "http://h/webhooks/",
            "the request's own trailing slash is kept"
        );
    }

    #[test]
    fn a_query_only_request_keeps_the_base_path() {
        assert_eq!(
            url("http://h/webhooks", "/kustom", "/kustom", Some("x=1&y=2")),
            "http://h/webhooks?x=1&y=2"
        );
        assert_eq!(
            url("http://h/webhooks", "/kustom", "/kustom", Some("")),
            "http://h/webhooks",
            "an empty query adds nothing"
        );
    }

    #[test]
    fn a_base_query_is_kept_and_the_request_query_appended() {
        assert_eq!(
            url(
                "http://h/webhooks?token=abc",
                "/kustom",
                "/kustom/orders",
                Some("x=1")
            ),
            "http://h/webhooks/orders?token=abc&x=1"
        );
        assert_eq!(
            url("http://h/webhooks?token=abc", "/kustom", "/kustom", None),
            "http://h/webhooks?token=abc"
        );
    }

    #[test]
    fn encoded_characters_travel_as_received() {
        assert_eq!(
            url(
                "http://h/in",
                "/kustom",
                "/kustom/a%2Fb/%C3%A9t%C3%A9",
                Some("q=a%20b&r=%26")
            ),
            "http://h/in/a%2Fb/%C3%A9t%C3%A9?q=a%20b&r=%26"
        );
        assert_eq!(
            url("http://h/we%20b", "/kustom", "/kustom/x", None),
            "http://h/we%20b/x",
            "and so do the base's"
        );
    }

    #[test]
    fn the_exact_url_is_sent_as_written() {
        let target = ForwardTarget {
            exact_url: true,
            ..ForwardTarget::new("http://h/webhooks?v=2", ForwardMode::Relay)
        };
        let got = forward_url(&target, "/kustom", "/kustom/orders", Some("x=1")).unwrap();
        assert_eq!(got.as_str(), "http://h/webhooks?v=2");
    }

    #[test]
    fn a_path_outside_the_prefix_or_not_a_path_adds_nothing_odd() {
        assert_eq!(url("http://h/in", "/", "*", None), "http://h/in");
        assert_eq!(
            url("http://h/in", "/kustom", "/elsewhere", None),
            "http://h/in/elsewhere",
            "not under the prefix: the whole path"
        );
    }
}
