//! Headers that carry a secret: credentials (Authorization,
//! Proxy-Authorization), cookies, Kulmi Pay's X-Challenge, and the header an
//! endpoint's shared-secret scheme compares with its secret. They are stored
//! exactly as received, but every surface that shows an event (the detail
//! pane, `hooklens-cli show`, copy as curl, notifications, the full-text
//! index and header filters) asks [`is_secret_header`] and shows
//! [`masked_value`] instead of the value. Only an explicit reveal, and the
//! requests Hooklens resends or forwards, carry the value itself.

use crate::model::Endpoint;
use crate::providers;
use crate::signature::Scheme;
use crate::wire::StoredHeader;
pub use crate::wire::{AUTH_SCHEMES, auth_scheme};

/// What a secret value is shown as.
pub const MASK: &str = "••••••••";

/// Secret under any scheme (lower case).
const ALWAYS_SECRET: [&str; 5] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    // Kulmi Pay sends its shared secret itself in this header.
    "x-challenge",
];

/// Headers whose value starts with an authentication scheme word that is
/// safe to show (`Basic`, `Bearer`, …): the credentials follow it.
const CREDENTIAL_HEADERS: [&str; 2] = ["authorization", "proxy-authorization"];

/// THE rule: whether header `name` (any case) carries a secret, for a
/// request whose endpoint verifies with `scheme` (None: no scheme applies).
pub fn is_secret_header(name: &str, scheme: Option<&Scheme>) -> bool {
    let name = name.trim();
    ALWAYS_SECRET.iter().any(|s| s.eq_ignore_ascii_case(name))
        || scheme.is_some_and(|s| shared_secret_header(s, name))
}

/// Whether `scheme` (or a member of a combined one) compares header `name`
/// with its secret.
fn shared_secret_header(scheme: &Scheme, name: &str) -> bool {
    match scheme {
        Scheme::SharedSecret { header } => header.trim().eq_ignore_ascii_case(name),
        Scheme::Combined { schemes } => schemes.iter().any(|s| shared_secret_header(s, name)),
        _ => false,
    }
}

/// How a secret header's value is shown: `Basic ••••••••` for credentials
/// with a well-known scheme word, else `••••••••`. Nothing of the secret,
/// not even its length.
pub fn masked_value(name: &str, value: &[u8]) -> String {
    let credentials = CREDENTIAL_HEADERS
        .iter()
        .any(|c| c.eq_ignore_ascii_case(name.trim()));
    match auth_scheme(value).filter(|_| credentials) {
        Some(word) => format!("{word} {MASK}"),
        None => MASK.to_owned(),
    }
}

/// Whether `value` is a mask as [`masked_value`] writes it (`••••••••`,
/// `Basic ••••••••`, …), not a value someone typed.
pub fn is_mask(value: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(value) else {
        return false;
    };
    text == MASK
        || text
            .strip_suffix(MASK)
            .and_then(|word| word.strip_suffix(' '))
            .is_some_and(|word| AUTH_SCHEMES.iter().any(|w| w.eq_ignore_ascii_case(word)))
}

/// Whether a header filter's `value` (compared as "contains, any case")
/// matches what [`masked_value`] shows for a secret header named `name`:
/// `Some(vec![])` when every value matches (the text is part of the mask),
/// `Some(words)` when values starting with one of these scheme words
/// match, None when nothing can match.
pub fn mask_matches(name: &str, value: &str) -> Option<Vec<&'static str>> {
    let wanted = value.to_lowercase();
    if MASK.contains(&wanted) {
        return Some(Vec::new());
    }
    let credentials = CREDENTIAL_HEADERS
        .iter()
        .any(|c| c.eq_ignore_ascii_case(name.trim()));
    if !credentials {
        return None;
    }
    let words: Vec<&'static str> = AUTH_SCHEMES
        .iter()
        .copied()
        .filter(|w| format!("{} {MASK}", w.to_lowercase()).contains(&wanted))
        .collect();
    (!words.is_empty()).then_some(words)
}

/// Which headers of one event are secret: decided by the scheme that
/// applies to it (its endpoint's own, else its provider's preset's), as
/// verification decides it.
#[derive(Debug, Clone, Default)]
pub struct SecretHeaders {
    scheme: Option<Scheme>,
}

impl SecretHeaders {
    /// For a stored or arriving event of endpoint `endpoint_id`, recognised
    /// as `provider`.
    pub fn of_event(
        endpoints: &[Endpoint],
        endpoint_id: Option<i64>,
        provider: Option<&str>,
        headers: &[StoredHeader],
    ) -> SecretHeaders {
        let endpoint = endpoint_id.and_then(|id| endpoints.iter().find(|e| e.id == id));
        SecretHeaders {
            scheme: crate::providers::scheme_for(endpoint, provider, headers)
                .map(|(scheme, _)| scheme),
        }
    }

    /// Only the headers secret under every scheme.
    pub fn always() -> SecretHeaders {
        SecretHeaders { scheme: None }
    }

    pub fn is_secret(&self, name: &str) -> bool {
        is_secret_header(name, self.scheme.as_ref())
    }

    /// The value as shown: masked when the header is secret; None when it is
    /// not (show the value).
    pub fn shown(&self, h: &StoredHeader) -> Option<String> {
        self.is_secret(&h.name)
            .then(|| masked_value(&h.name, h.bytes()))
    }

    /// The names of `headers` that are secret, each once, as received.
    pub fn names(&self, headers: &[StoredHeader]) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for h in headers {
            if self.is_secret(&h.name) && !names.iter().any(|n| n.eq_ignore_ascii_case(&h.name)) {
                names.push(h.name.clone());
            }
        }
        names
    }
}

/// Whether header `name` is secret for some event: under every scheme, or
/// as the shared-secret header of an endpoint's scheme or of a preset's.
/// Header filters use it: they search every event, whatever its endpoint.
pub fn is_secret_anywhere(name: &str, endpoints: &[Endpoint]) -> bool {
    is_secret_header(name, None)
        || endpoints.iter().any(|e| {
            e.scheme
                .as_ref()
                .is_some_and(|s| shared_secret_header(s, name.trim()))
        })
        || providers::presets().iter().any(|p| {
            p.scheme
                .as_ref()
                .is_some_and(|s| shared_secret_header(s, name.trim()))
        })
}

/// A header as shown: a secret one's value masked.
pub fn shown_header_view(h: &StoredHeader, secret: &SecretHeaders) -> crate::model::HeaderView {
    match secret.shown(h) {
        Some(masked) => crate::model::HeaderView {
            value: masked,
            masked: true,
            ..crate::model::header_view(h)
        },
        None => crate::model::header_view(h),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(header: &str) -> Scheme {
        Scheme::SharedSecret {
            header: header.into(),
        }
    }

    #[test]
    fn credentials_cookies_and_challenges_are_secret_in_any_case() {
        for name in [
            "Authorization",
            "authorization",
            "PROXY-AUTHORIZATION",
            "Cookie",
            "set-cookie",
            "X-Challenge",
            "x-challenge",
        ] {
            assert!(is_secret_header(name, None), "{name}");
        }
        for name in [
            "Content-Type",
            "X-Signature",
            "webhook-signature",
            "X-Webhook-Secret",
        ] {
            assert!(!is_secret_header(name, None), "{name}");
        }
    }

    #[test]
    fn a_shared_secret_schemes_header_is_secret_for_its_endpoint_only() {
        let own = shared("X-Webhook-Secret");
        assert!(is_secret_header("x-webhook-secret", Some(&own)));
        assert!(!is_secret_header("x-webhook-secret", None));
        assert!(!is_secret_header(
            "x-webhook-secret",
            Some(&Scheme::by_id("github").unwrap())
        ));
        let combined = Scheme::Combined {
            schemes: vec![Scheme::BasicAuth, shared("X-Token")],
        };
        assert!(is_secret_header("X-TOKEN", Some(&combined)));
        // An HMAC header holds a signature, not the secret.
        assert!(!is_secret_header(
            "X-Signature",
            Some(&Scheme::by_id("hmac").unwrap())
        ));
    }

    #[test]
    fn masks_keep_a_known_scheme_word_and_nothing_of_the_secret() {
        assert_eq!(
            masked_value("Authorization", b"Basic dXNlcjpwYXNz"),
            "Basic ••••••••"
        );
        assert_eq!(
            masked_value("proxy-authorization", b"bearer abc.def"),
            "bearer ••••••••"
        );
        // A bare token has no scheme word: its start is the secret.
        assert_eq!(masked_value("Authorization", b"sk_live_123 x"), MASK);
        assert_eq!(masked_value("Authorization", b"Basic"), MASK);
        assert_eq!(masked_value("X-Challenge", b"Basic abc"), MASK);
        assert_eq!(masked_value("Cookie", b"sid=abc; theme=dark"), MASK);
        assert_eq!(masked_value("Authorization", &[0xff, b' ', b'x']), MASK);
    }

    #[test]
    fn masks_are_told_from_typed_values() {
        assert!(is_mask(MASK.as_bytes()));
        assert!(is_mask("Basic ••••••••".as_bytes()));
        assert!(is_mask("bearer ••••••••".as_bytes()));
        assert!(!is_mask("Basic dXNlcjpw".as_bytes()));
        assert!(!is_mask("Foo ••••••••".as_bytes()));
        assert!(!is_mask("•••".as_bytes()));
        assert!(!is_mask(b""));
    }

    #[test]
    fn filters_match_the_mask_not_the_value() {
        assert_eq!(mask_matches("Authorization", "basic"), Some(vec!["Basic"]));
        assert_eq!(mask_matches("Authorization", "•"), Some(vec![]));
        assert_eq!(mask_matches("Authorization", "dXNlcjpw"), None);
        assert_eq!(mask_matches("X-Challenge", "basic"), None);
        assert_eq!(mask_matches("X-Challenge", "secret"), None);
        let scram = mask_matches("authorization", "scram").unwrap();
        assert_eq!(scram, vec!["SCRAM-SHA-1", "SCRAM-SHA-256"]);
    }

    #[test]
    fn an_events_rule_follows_its_endpoint_or_its_provider() {
        let headers = [StoredHeader::new("X-Challenge", b"s3cret")];
        let kulmi = SecretHeaders::of_event(&[], None, Some("kulmipay"), &headers);
        assert!(kulmi.is_secret("X-Challenge"));
        assert_eq!(kulmi.shown(&headers[0]).as_deref(), Some(MASK));
        let plain = SecretHeaders::always();
        assert_eq!(plain.shown(&StoredHeader::new("X-Token", b"t")), None);
    }
}
