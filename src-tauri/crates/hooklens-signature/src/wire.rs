//! The bottom layer: what a request is made of as it travelled, and the
//! clock. No Hooklens module below it; everything else may use it.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;

use serde::{Deserialize, Serialize};

/// One header as received. Values are bytes on the wire; most are text, but a
/// value that is not UTF-8 is kept as its raw bytes in `value_bytes` so nothing
/// is rewritten on the way in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredHeader {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub value_bytes: Option<Vec<u8>>,
}

impl StoredHeader {
    pub fn new(name: &str, value: &[u8]) -> Self {
        match std::str::from_utf8(value) {
            Ok(text) => StoredHeader {
                name: name.to_owned(),
                value: Some(text.to_owned()),
                value_bytes: None,
            },
            Err(_) => StoredHeader {
                name: name.to_owned(),
                value: None,
                value_bytes: Some(value.to_vec()),
            },
        }
    }

    /// The value as text, when it is UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(self.bytes()).ok()
    }

    /// The value as bytes, exactly as received.
    pub fn bytes(&self) -> &[u8] {
        match (&self.value, &self.value_bytes) {
            (Some(text), _) => text.as_bytes(),
            (None, Some(bytes)) => bytes,
            (None, None) => &[],
        }
    }
}

/// Every header named `name` (case-insensitive), in the order received. The
/// one lookup of a header by name, so "which Content-Type" has one answer in
/// every layer; [`header`] and [`header_text`] are its usual questions.
pub fn headers_named<'h, 'n>(
    headers: &'h [StoredHeader],
    name: &'n str,
) -> impl Iterator<Item = &'h StoredHeader> + use<'h, 'n> {
    headers
        .iter()
        .filter(move |h| h.name.eq_ignore_ascii_case(name))
}

/// The first header named `name` (case-insensitive).
pub fn header<'h>(headers: &'h [StoredHeader], name: &str) -> Option<&'h StoredHeader> {
    headers_named(headers, name).next()
}

/// The first header named `name`, as text (None when absent or not UTF-8).
pub fn header_text<'h>(headers: &'h [StoredHeader], name: &str) -> Option<&'h str> {
    header(headers, name).and_then(StoredHeader::text)
}

/// Unix time in nanoseconds (0 before 1970, saturating far in the future).
pub fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// Authentication scheme words shown in front of the mask. Only these: a
/// bare token (`Authorization: sk_live_…`) has no scheme word, and its first
/// characters are the secret.
pub const AUTH_SCHEMES: [&str; 16] = [
    "Basic",
    "Bearer",
    "Digest",
    "Token",
    "Negotiate",
    "NTLM",
    "OAuth",
    "HOBA",
    "Mutual",
    "SCRAM-SHA-1",
    "SCRAM-SHA-256",
    "vapid",
    "AWS4-HMAC-SHA256",
    "ApiKey",
    "HMAC",
    "Signature",
];

/// The well-known authentication scheme word `value` starts with (as
/// received), when a space follows it: `Basic` of `Basic dXNlcjpw…`.
pub fn auth_scheme(value: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(value).ok()?;
    let text = text.trim_start_matches([' ', '\t']);
    AUTH_SCHEMES.iter().find_map(|word| {
        let head = text.get(..word.len())?;
        (head.eq_ignore_ascii_case(word) && text[word.len()..].starts_with(' ')).then_some(head)
    })
}

/// A URL requests can be sent to: http or https with a host.
pub fn target_url(raw: &str) -> Result<url::Url, String> {
    let raw = raw.trim();
    let url = url::Url::parse(raw).map_err(|e| {
        format!("{raw:?} is not a URL ({e}); it looks like http://localhost:3000/webhooks")
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("{raw:?} is not an http or https URL"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{raw:?} names no host"));
    }
    Ok(url)
}

/// A body for the UI: exact text when it is UTF-8, else standard base64.
pub fn body_parts(body: Vec<u8>) -> (Option<String>, Option<String>) {
    match String::from_utf8(body) {
        Ok(text) => (Some(text), None),
        Err(err) => (
            None,
            Some(base64::engine::general_purpose::STANDARD.encode(err.as_bytes())),
        ),
    }
}

/// A stored or arriving request, as verification needs it (plain data, so
/// the store can hand its events to verification without knowing it).
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub endpoint_id: Option<i64>,
    /// The preset that recognised the request (the endpoint's, or detected).
    pub provider: Option<&'a str>,
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a [StoredHeader],
    pub body: &'a [u8],
    /// The verdict's clock: timestamps are judged against the arrival, so
    /// re-verifying a week later does not turn every event stale.
    pub received_at_ns: i64,
    /// The public base URL of the tunnel the request came through, as it was
    /// when the request arrived (`https://abc.trycloudflare.com`): the URL a
    /// URL-signed scheme is checked against is this plus the request target.
    /// None for requests sent to the local port and for imports.
    pub public_url: Option<&'a str>,
}
