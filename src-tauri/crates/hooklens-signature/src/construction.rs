//! The internal description every HMAC-based scheme reduces to, how it reads
//! a request, and the one builder of signed bytes.

use std::borrow::Cow;

use super::codec;
use super::{Algorithm, Encoding, HmacSpec, Part, Scheme, SecretEncoding, header_text};
use crate::wire::StoredHeader;

/// How far the signed timestamp may be from the verifier's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tolerance {
    None,
    /// ± seconds.
    Both(u64),
    /// Only too-old timestamps are stale (Stripe).
    Past(u64),
}

/// How the signature header is laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Layout {
    /// Signatures, split by `separator`, each behind `prefix`.
    List {
        separator: Option<String>,
        prefix: String,
    },
    /// Stripe: `t=<ts>,v1=<sig>,v1=<sig>,v0=<ignored>`.
    Stripe,
}

/// One HMAC construction.
#[derive(Debug, Clone)]
pub(crate) struct Construction {
    pub scheme_id: &'static str,
    pub header: String,
    pub algorithm: Algorithm,
    pub template: Vec<Part>,
    pub encoding: Encoding,
    pub layout: Layout,
    pub secret_encoding: SecretEncoding,
    /// None with [`Layout::Stripe`]: the timestamp is in the signature header.
    pub timestamp_header: Option<String>,
    pub id_header: Option<String>,
    pub tolerance: Tolerance,
    /// Twilio: the URL is tried with and without its default port, form
    /// parameters are appended sorted, and `bodySHA256` binds JSON bodies.
    pub twilio: bool,
}

fn list(separator: Option<&str>, prefix: &str) -> Layout {
    Layout::List {
        separator: separator.map(str::to_owned),
        prefix: prefix.to_owned(),
    }
}

fn lit(text: &str) -> Part {
    Part::Literal { text: text.into() }
}

impl Construction {
    /// The constructions of an HMAC-based scheme, in the order a request's
    /// headers select them (the first whose signature header is present).
    /// Empty for schemes that are not HMACs.
    pub fn of(scheme: &Scheme) -> Vec<Construction> {
        match scheme {
            Scheme::StandardWebhooks { tolerance_s } => ["webhook", "svix"]
                .into_iter()
                .map(|family| Construction {
                    scheme_id: scheme.id(),
                    header: format!("{family}-signature"),
                    algorithm: Algorithm::Sha256,
                    template: vec![Part::Id, lit("."), Part::Timestamp, lit("."), Part::Body],
                    encoding: Encoding::Base64,
                    layout: list(Some(" "), "v1,"),
                    secret_encoding: SecretEncoding::Whsec,
                    timestamp_header: Some(format!("{family}-timestamp")),
                    id_header: Some(format!("{family}-id")),
                    tolerance: Tolerance::Both(*tolerance_s),
                    twilio: false,
                })
                .collect(),
            Scheme::Stripe { tolerance_s } => vec![Construction {
                scheme_id: scheme.id(),
                header: "Stripe-Signature".into(),
                algorithm: Algorithm::Sha256,
                template: vec![Part::Timestamp, lit("."), Part::Body],
                encoding: Encoding::HexLower,
                layout: Layout::Stripe,
                secret_encoding: SecretEncoding::Utf8,
                timestamp_header: None,
                id_header: None,
                tolerance: Tolerance::Past(*tolerance_s),
                twilio: false,
            }],
            Scheme::Github => [
                ("X-Hub-Signature-256", Algorithm::Sha256, "sha256="),
                ("X-Hub-Signature", Algorithm::Sha1, "sha1="),
            ]
            .into_iter()
            .map(|(header, algorithm, prefix)| Construction {
                scheme_id: scheme.id(),
                header: header.into(),
                algorithm,
                template: vec![Part::Body],
                encoding: Encoding::HexLower,
                layout: list(None, prefix),
                secret_encoding: SecretEncoding::Utf8,
                timestamp_header: None,
                id_header: None,
                tolerance: Tolerance::None,
                twilio: false,
            })
            .collect(),
            Scheme::Shopify => vec![Construction {
                scheme_id: scheme.id(),
                header: "X-Shopify-Hmac-Sha256".into(),
                algorithm: Algorithm::Sha256,
                template: vec![Part::Body],
                encoding: Encoding::Base64,
                layout: list(None, ""),
                secret_encoding: SecretEncoding::Utf8,
                timestamp_header: None,
                id_header: None,
                tolerance: Tolerance::None,
                twilio: false,
            }],
            Scheme::Slack { tolerance_s } => vec![Construction {
                scheme_id: scheme.id(),
                header: "X-Slack-Signature".into(),
                algorithm: Algorithm::Sha256,
                template: vec![lit("v0:"), Part::Timestamp, lit(":"), Part::Body],
                encoding: Encoding::HexLower,
                layout: list(None, "v0="),
                secret_encoding: SecretEncoding::Utf8,
                timestamp_header: Some("X-Slack-Request-Timestamp".into()),
                id_header: None,
                tolerance: Tolerance::Both(*tolerance_s),
                twilio: false,
            }],
            Scheme::Twilio => vec![Construction {
                scheme_id: scheme.id(),
                header: "X-Twilio-Signature".into(),
                algorithm: Algorithm::Sha1,
                template: vec![Part::Url],
                encoding: Encoding::Base64,
                layout: list(None, ""),
                secret_encoding: SecretEncoding::Utf8,
                timestamp_header: None,
                id_header: None,
                tolerance: Tolerance::None,
                twilio: true,
            }],
            Scheme::Hmac(spec) => vec![Construction::from_spec(spec)],
            Scheme::SharedSecret { .. } | Scheme::BasicAuth | Scheme::Combined { .. } => Vec::new(),
        }
    }

    pub fn from_spec(spec: &HmacSpec) -> Construction {
        Construction {
            scheme_id: "hmac",
            header: spec.header.clone(),
            algorithm: spec.algorithm,
            template: spec.template.clone(),
            encoding: spec.encoding,
            layout: Layout::List {
                separator: spec.separator.clone().filter(|s| !s.is_empty()),
                prefix: spec.prefix.clone(),
            },
            secret_encoding: spec.secret_encoding,
            timestamp_header: spec.timestamp_header.clone(),
            id_header: spec.id_header.clone(),
            tolerance: match (&spec.timestamp_header, spec.tolerance_s) {
                (Some(_), Some(t)) => Tolerance::Both(t),
                _ => Tolerance::None,
            },
            twilio: false,
        }
    }

    pub fn prefix(&self) -> &str {
        match &self.layout {
            Layout::List { prefix, .. } => prefix,
            Layout::Stripe => "",
        }
    }

    pub fn uses_url(&self) -> bool {
        self.twilio || self.template.contains(&Part::Url)
    }

    /// The same construction, reading its secret another way.
    pub fn with_secret_encoding(&self, secret_encoding: SecretEncoding) -> Construction {
        Construction {
            secret_encoding,
            ..self.clone()
        }
    }
}

/// The constructions a scheme's headers select: the first whose signature
/// header the request carries.
pub(crate) fn select<'c>(
    constructions: &'c [Construction],
    headers: &[StoredHeader],
) -> Option<&'c Construction> {
    constructions
        .iter()
        .find(|c| super::header(headers, &c.header).is_some())
}

/// One signature as written in the header, its prefix stripped.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub text: String,
    /// False when the entry lacked the expected prefix: it never verifies,
    /// but diagnosis checks whether it would have.
    pub prefixed: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Stamp {
    /// As sent: the signed bytes hold the text, not a re-formatted number.
    pub text: String,
    pub value: i64,
}

/// What a construction found in a request.
#[derive(Debug, Clone)]
pub(crate) struct Reading {
    pub entries: Vec<Entry>,
    pub timestamp: Option<Stamp>,
    pub id: Option<String>,
}

impl Reading {
    /// Signatures that decode in `encoding`, with whether each had its prefix.
    pub fn decoded(&self, encoding: Encoding) -> Vec<(Vec<u8>, bool)> {
        self.entries
            .iter()
            .filter_map(|e| codec::decode(encoding, &e.text).map(|b| (b, e.prefixed)))
            .collect()
    }
}

pub(crate) enum ReadError {
    /// The signature header is absent.
    Unsigned,
    /// Present but unusable; the reason is plain words.
    Malformed(String),
}

/// Cap on signatures read from one header: a hostile header must not make
/// verification quadratic.
const MAX_ENTRIES: usize = 16;

pub(crate) fn read(c: &Construction, headers: &[StoredHeader]) -> Result<Reading, ReadError> {
    let sig_headers: Vec<&StoredHeader> = crate::wire::headers_named(headers, &c.header).collect();
    if sig_headers.is_empty() {
        return Err(ReadError::Unsigned);
    }
    let mut values = Vec::with_capacity(sig_headers.len());
    for h in &sig_headers {
        match std::str::from_utf8(h.bytes()) {
            Ok(v) => values.push(v),
            Err(_) => {
                return Err(ReadError::Malformed(format!(
                    "{} is not text (it holds bytes that are not UTF-8)",
                    c.header
                )));
            }
        }
    }

    let mut entries = Vec::new();
    let mut timestamp = None;
    match &c.layout {
        Layout::Stripe => {
            let mut t = None;
            for field in values.iter().flat_map(|v| v.split(',')) {
                let Some((key, value)) = field.trim().split_once('=') else {
                    continue;
                };
                match key.trim() {
                    "t" if t.is_none() => t = Some(value.trim()),
                    "v1" => entries.push(Entry {
                        text: value.trim().to_owned(),
                        prefixed: true,
                    }),
                    // v0 is Stripe's legacy test scheme: ignored, as Stripe's libraries do.
                    _ => {}
                }
            }
            let Some(t) = t else {
                return Err(ReadError::Malformed(format!(
                    "{} has no t= timestamp",
                    c.header
                )));
            };
            if entries.is_empty() {
                return Err(ReadError::Malformed(format!(
                    "{} has no v1= signature",
                    c.header
                )));
            }
            timestamp = Some(parse_stamp(
                t,
                &format!("the t= timestamp in {}", c.header),
            )?);
        }
        Layout::List { separator, prefix } => {
            for value in &values {
                let pieces: Vec<&str> = match separator {
                    Some(sep) => value.split(sep.as_str()).collect(),
                    None => vec![value],
                };
                for piece in pieces.into_iter().map(str::trim).filter(|p| !p.is_empty()) {
                    entries.push(strip_prefix(piece, prefix));
                }
            }
            if entries.is_empty() {
                return Err(ReadError::Malformed(format!("{} is empty", c.header)));
            }
            if let Some(ts_header) = &c.timestamp_header {
                let text = if ts_header.eq_ignore_ascii_case(&c.header) {
                    // A Stripe-like header carries its own `t=` field.
                    values
                        .iter()
                        .flat_map(|v| v.split(','))
                        .find_map(|f| f.trim().strip_prefix("t=").map(str::trim))
                } else {
                    header_text(headers, ts_header).map(str::trim)
                };
                let Some(text) = text else {
                    return Err(ReadError::Malformed(format!(
                        "the signature is there but its timestamp ({ts_header}) is missing"
                    )));
                };
                timestamp = Some(parse_stamp(text, ts_header)?);
            }
        }
    }
    entries.truncate(MAX_ENTRIES);

    let id = match &c.id_header {
        Some(name) => match header_text(headers, name) {
            Some(id) => Some(id.trim().to_owned()),
            None if c.template.contains(&Part::Id) => {
                return Err(ReadError::Malformed(format!(
                    "the signature is there but the message id ({name}) is missing"
                )));
            }
            None => None,
        },
        None => None,
    };
    // A configuration that signs a part it never reads can match nothing:
    // say so instead of calling every request invalid.
    if c.template.contains(&Part::Id) && c.id_header.is_none() {
        return Err(ReadError::Malformed(
            "the scheme signs a message id but names no id header".into(),
        ));
    }
    if c.template.contains(&Part::Timestamp) && timestamp.is_none() {
        return Err(ReadError::Malformed(
            "the scheme signs a timestamp but names no timestamp header".into(),
        ));
    }
    Ok(Reading {
        entries,
        timestamp,
        id,
    })
}

fn strip_prefix(piece: &str, prefix: &str) -> Entry {
    // Prefixes are ASCII labels ("sha256=", "v1,"): compare without case.
    match piece.get(..prefix.len()) {
        Some(head) if head.eq_ignore_ascii_case(prefix) => Entry {
            text: piece[prefix.len()..].trim().to_owned(),
            prefixed: true,
        },
        _ => Entry {
            text: piece.to_owned(),
            prefixed: false,
        },
    }
}

fn parse_stamp(text: &str, what: &str) -> Result<Stamp, ReadError> {
    match text.parse::<i64>() {
        Ok(value) => Ok(Stamp {
            text: text.to_owned(),
            value,
        }),
        Err(_) => Err(ReadError::Malformed(format!(
            "{what} is not a number of seconds: {:?}",
            truncate(text, 40)
        ))),
    }
}

/// Header text quoted in a reason, cut short: reasons are shown, not stored in bulk.
pub(crate) fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// Everything the signed bytes can be built from.
#[derive(Debug, Clone)]
pub(crate) struct Material<'a> {
    pub method: &'a str,
    pub url: Cow<'a, str>,
    pub body: Cow<'a, [u8]>,
    pub timestamp: Option<&'a str>,
    pub id: Option<&'a str>,
    /// Twilio: whether the body may be form parameters. None: unknown.
    pub content_type: Option<&'a str>,
}

/// The signed bytes: the template's parts, concatenated. The only builder;
/// sign and verify both call it. None when a part has no value.
pub(crate) fn signed_bytes(template: &[Part], m: &Material) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(m.body.len() + 64);
    for part in template {
        match part {
            Part::Body => out.extend_from_slice(&m.body),
            Part::Timestamp => out.extend_from_slice(m.timestamp?.as_bytes()),
            Part::Id => out.extend_from_slice(m.id?.as_bytes()),
            Part::Url => out.extend_from_slice(m.url.as_bytes()),
            Part::Method => out.extend_from_slice(m.method.as_bytes()),
            Part::Literal { text } => out.extend_from_slice(text.as_bytes()),
        }
    }
    Some(out)
}

/// Every message a construction accepts for this material, the one
/// [`sign`](super::sign) produces first.
pub(crate) fn messages(c: &Construction, m: &Material) -> Vec<Vec<u8>> {
    if !c.twilio {
        return signed_bytes(&c.template, m).into_iter().collect();
    }
    let urls: Vec<String> = std::iter::once(m.url.to_string())
        .chain(toggle_default_port(&m.url))
        .collect();
    let mut out = Vec::new();
    match body_sha256_param(&m.url) {
        // JSON bodies: only the URL is signed, and the URL binds the body.
        Some(expected) => {
            if expected.eq_ignore_ascii_case(&codec::sha256_hex(&m.body)) {
                out.extend(urls.into_iter().map(String::into_bytes));
            }
        }
        None => {
            let form = m.content_type.is_none_or(|ct| {
                ct.trim()
                    .to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
            });
            for url in urls {
                if form && !m.body.is_empty() {
                    let mut message = url.clone().into_bytes();
                    message.extend_from_slice(&sorted_params(&m.body));
                    out.push(message);
                }
                out.push(url.into_bytes());
            }
        }
    }
    out
}

/// Twilio: the form parameters sorted by name (then value, duplicates once),
/// each name followed by its value, as Twilio's libraries build them.
fn sorted_params(body: &[u8]) -> Vec<u8> {
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    pairs.dedup();
    let mut out = Vec::new();
    for (k, v) in pairs {
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(v.as_bytes());
    }
    out
}

/// The `bodySHA256` query parameter of a URL, if any.
pub(crate) fn body_sha256_param(url: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "bodySHA256")
        .map(|(_, v)| v.into_owned())
}

/// Where the authority of `scheme://authority/...` starts and ends.
fn authority_span(url: &str) -> Option<(usize, usize)> {
    let start = url.find("://")? + 3;
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    Some((start, end))
}

fn default_port(url: &str) -> Option<&'static str> {
    let scheme = url.split_once("://")?.0;
    if scheme.eq_ignore_ascii_case("https") {
        Some("443")
    } else if scheme.eq_ignore_ascii_case("http") {
        Some("80")
    } else {
        None
    }
}

/// The URL with its default port removed when present, added when absent
/// (Twilio signs whichever form it was configured with). None when the URL
/// has another port or cannot be read.
pub(crate) fn toggle_default_port(url: &str) -> Option<String> {
    let port = default_port(url)?;
    let (start, end) = authority_span(url)?;
    let authority = &url[start..end];
    // The host part after any userinfo; IPv6 hosts are bracketed.
    let host_at = authority.rfind('@').map_or(0, |i| i + 1);
    let host = &authority[host_at..];
    if host.is_empty() {
        return None;
    }
    let port_colon = match host.rfind(']') {
        Some(bracket) => host[bracket..].find(':').map(|i| bracket + i),
        None => host.rfind(':'),
    };
    match port_colon {
        Some(colon) if &host[colon + 1..] == port => {
            let cut = start + host_at + colon;
            Some(format!("{}{}", &url[..cut], &url[end..]))
        }
        Some(_) => None,
        None => Some(format!("{}:{port}{}", &url[..end], &url[end..])),
    }
}

/// The URL with http and https swapped. None for other schemes.
pub(crate) fn swap_scheme(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme.eq_ignore_ascii_case("https") {
        Some(format!("http://{rest}"))
    } else if scheme.eq_ignore_ascii_case("http") {
        Some(format!("https://{rest}"))
    } else {
        None
    }
}

/// Whether `key` signs any message of `material` as any of `signatures`.
/// Every comparison is constant time.
pub(crate) fn key_matches(
    c: &Construction,
    key: &[u8],
    messages: &[Vec<u8>],
    signatures: &[Vec<u8>],
) -> bool {
    let mut matched = false;
    for message in messages {
        let mac = codec::hmac(c.algorithm, key, message);
        for signature in signatures {
            matched |= codec::ct_eq(&mac, signature);
        }
    }
    matched
}
