//! The configured secrets' values, looked for in everything an export
//! writes, whatever the redaction asked for: a secret must never leave in
//! an export (a shared secret sent as a header the user chose to keep, a
//! Basic-auth password in a URL, a key pasted into a body).
//!
//! Each value is looked for as written and in the forms it travels in:
//! standard base64 (padded and not) and base64url of it (Basic auth sends
//! `user:pass` that way), lower- and upper-case hex, and the part after a
//! `whsec_` prefix. The search runs over the values themselves (a header
//! value, a body) before they are encoded into the file: in a bundle a body
//! is base64, where no byte search of the file could find a secret.

use std::collections::HashSet;
use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};

use crate::model::Endpoint;
use crate::store::Secrets;

/// Finds configured secret values; cheap to clone.
#[derive(Clone, Default)]
pub struct SecretFinder {
    finder: Option<AhoCorasick>,
    /// What each needle is, in words naming the endpoint and the secret's
    /// label (never the value).
    owners: Vec<String>,
}

/// Prefixes a secret is configured with but not always sent with.
const PREFIXES: [&str; 1] = ["whsec_"];

impl SecretFinder {
    pub fn new(endpoints: &[Endpoint], secrets: &Secrets) -> SecretFinder {
        let mut needles: Vec<String> = Vec::new();
        let mut owners: Vec<String> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        // Endpoint order, so the same value shared by two endpoints is named
        // the same way on every run.
        let mut ids: Vec<&i64> = secrets.keys().collect();
        ids.sort();
        for id in ids {
            let endpoint = endpoints.iter().find(|e| e.id == *id).map_or_else(
                || format!("endpoint {id}"),
                |e| format!("endpoint {:?}", e.name),
            );
            for secret in &secrets[id] {
                if secret.value.is_empty() {
                    continue;
                }
                let whose = format!("secret {:?} of {endpoint}", secret.label);
                for (form, needle) in forms(&secret.value) {
                    if needle.is_empty() || !seen.insert(needle.clone()) {
                        continue;
                    }
                    owners.push(format!("value removed: it is {form}{whose}"));
                    needles.push(needle);
                }
            }
        }
        let finder = (!needles.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&needles)
                    .ok()
            })
            .flatten();
        SecretFinder { finder, owners }
    }

    /// Where secret values sit in `bytes`, with what each is in words.
    pub fn find(&self, bytes: &[u8]) -> Vec<(Range<usize>, String)> {
        let Some(finder) = &self.finder else {
            return Vec::new();
        };
        finder
            .find_iter(bytes)
            .map(|m| {
                let owner = self.owners.get(m.pattern().as_usize());
                (m.range(), owner.cloned().unwrap_or_default())
            })
            .collect()
    }
}

/// A value and its travelling forms, each with how to say which it is.
fn forms(value: &str) -> Vec<(&'static str, String)> {
    let bytes = value.as_bytes();
    let mut out = vec![
        ("", value.to_owned()),
        ("the base64 of ", STANDARD.encode(bytes)),
        ("the base64 of ", STANDARD_NO_PAD.encode(bytes)),
        ("the base64url of ", URL_SAFE_NO_PAD.encode(bytes)),
        ("the hex of ", hex::encode(bytes)),
        ("the hex of ", hex::encode_upper(bytes)),
    ];
    for prefix in PREFIXES {
        if let Some(rest) = value.strip_prefix(prefix) {
            out.push(("", rest.to_owned()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::Secret;

    #[test]
    fn values_and_their_encodings_are_found_and_named_by_label() {
        let mut secrets = Secrets::new();
        secrets.insert(
            3,
            vec![
                Secret::new("prod", "user:pa55word"),
                Secret::new("svix", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            ],
        );
        let finder = SecretFinder::new(&[], &secrets);
        let text = b"Basic dXNlcjpwYTU1d29yZA== and MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw and 757365723a70613535776f7264";
        let found = finder.find(text);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(&text[found[0].0.clone()], b"dXNlcjpwYTU1d29yZA==");
        assert!(found[0].1.contains("base64"));
        assert!(found[0].1.contains("\"prod\" of endpoint 3"));
        assert!(found[2].1.contains("hex"));
        for (_, words) in &found {
            assert!(!words.contains("pa55word") && !words.contains("MfKQ"));
        }
        assert!(SecretFinder::default().find(text).is_empty());
    }
}
