//! Discovery: given one request known to be genuine and its secret, find the
//! constructions that verify it, so an unknown provider becomes a preset.

use std::collections::HashSet;

use super::codec;
use super::construction::{Construction, select};
use super::verify::{decide, named_schemes};
use super::{
    Algorithm, Discovery, Encoding, HmacSpec, Part, Scheme, Secret, SecretEncoding, SignedRequest,
    VerdictStatus,
};

/// Longest header value considered as a signature; longer ones are not.
const MAX_SIGNATURE_HEADER: usize = 2048;
/// Id-like headers tried in templates; bounded so discovery stays quick.
const MAX_ID_HEADERS: usize = 4;

/// Every construction that verifies `req` with `secret`, best first: named
/// schemes, then a header that is the secret itself, Basic auth, then
/// generic HMACs (one per header: the simplest that matches). Headers a named
/// scheme already explains are not searched again. Timestamps are not held
/// to a tolerance here: the request is known to be genuine, maybe old.
pub fn discover(req: &SignedRequest, secret: &Secret) -> Vec<Discovery> {
    let secrets = std::slice::from_ref(secret);
    let mut out = Vec::new();
    let mut claimed: Vec<String> = Vec::new();

    for scheme in named_schemes() {
        let constructions = Construction::of(&scheme);
        let Some(c) = select(&constructions, req.headers) else {
            continue;
        };
        if matched(&decide(req, &scheme, secrets, 0).0) {
            claimed.push(c.header.to_ascii_lowercase());
            out.push(Discovery {
                description: format!("{} ({})", scheme.name(), c.header),
                scheme,
            });
        }
    }

    if !secret.value.is_empty() {
        for h in req.headers {
            let name = h.name.to_ascii_lowercase();
            if name != "authorization"
                && !claimed.contains(&name)
                && codec::ct_eq(h.bytes(), secret.value.as_bytes())
            {
                claimed.push(name);
                out.push(Discovery {
                    description: format!("The secret itself, in {}", h.name),
                    scheme: Scheme::SharedSecret {
                        header: h.name.clone(),
                    },
                });
            }
        }
    }
    if matched(&decide(req, &Scheme::BasicAuth, secrets, 0).0) {
        claimed.push("authorization".into());
        out.push(Discovery {
            scheme: Scheme::BasicAuth,
            description: "Basic auth with the secret as user:password".into(),
        });
    }

    generic(req, secret, &claimed, &mut out);
    out
}

fn matched(verdict: &super::Verdict) -> bool {
    matches!(verdict.status, VerdictStatus::Valid | VerdictStatus::Stale)
        && verdict.secret.is_some()
}

fn generic(req: &SignedRequest, secret: &Secret, claimed: &[String], out: &mut Vec<Discovery>) {
    let secrets = std::slice::from_ref(secret);
    let timestamp_headers: Vec<&str> =
        unique_names(req.headers.iter().filter(|h| {
            std::str::from_utf8(h.bytes()).is_ok_and(|v| looks_like_unix_time(v.trim()))
        }));
    let id_headers: Vec<&str> = unique_names(req.headers.iter().filter(|h| {
        h.name.to_ascii_lowercase().contains("id")
            && !h.bytes().is_empty()
            && h.bytes().len() <= 256
            && !timestamp_headers
                .iter()
                .any(|t| t.eq_ignore_ascii_case(&h.name))
    }))
    .into_iter()
    .take(MAX_ID_HEADERS)
    .collect();
    let secret_encodings = secret_encodings(&secret.value);

    let mut seen = HashSet::new();
    for h in req.headers {
        let name = h.name.to_ascii_lowercase();
        if claimed.contains(&name) || !seen.insert(name) {
            continue;
        }
        let Ok(value) = std::str::from_utf8(h.bytes()) else {
            continue;
        };
        if value.len() > MAX_SIGNATURE_HEADER {
            continue;
        }
        let mut own_timestamp = Vec::new();
        if value.split(',').any(|f| {
            f.trim()
                .strip_prefix("t=")
                .is_some_and(looks_like_unix_time)
        }) {
            own_timestamp.push(h.name.as_str());
        }
        let templates = templates(req, &own_timestamp, &timestamp_headers, &id_headers);
        'header: for parsing in parsings(value) {
            for (template, timestamp_header, id_header) in &templates {
                if timestamp_header.is_some_and(|t| t.eq_ignore_ascii_case(&h.name))
                    && parsing.separator.as_deref() != Some(",")
                {
                    continue; // a t= field is only read from a comma list
                }
                for &secret_encoding in &secret_encodings {
                    let spec = HmacSpec {
                        header: h.name.clone(),
                        algorithm: parsing.algorithm,
                        template: template.clone(),
                        encoding: parsing.encoding,
                        prefix: parsing.prefix.clone(),
                        secret_encoding,
                        timestamp_header: timestamp_header.map(str::to_owned),
                        id_header: id_header.map(str::to_owned),
                        tolerance_s: timestamp_header.map(|_| super::DEFAULT_TOLERANCE_S),
                        separator: parsing.separator.clone(),
                    };
                    let scheme = Scheme::Hmac(spec);
                    if matched(&decide(req, &scheme, secrets, 0).0) {
                        let Scheme::Hmac(spec) = &scheme else {
                            continue;
                        };
                        out.push(Discovery {
                            description: describe(spec),
                            scheme,
                        });
                        break 'header;
                    }
                }
            }
        }
    }
}

fn unique_names<'h>(headers: impl Iterator<Item = &'h crate::wire::StoredHeader>) -> Vec<&'h str> {
    let mut out: Vec<&str> = Vec::new();
    for h in headers {
        if !out.iter().any(|n| n.eq_ignore_ascii_case(&h.name)) {
            out.push(&h.name);
        }
    }
    out
}

/// Seconds (10 digits) or milliseconds (13) since the epoch, roughly 2001–2286.
fn looks_like_unix_time(value: &str) -> bool {
    (9..=13).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit())
}

/// The ways the secret can be read, skipping ones that give the same key.
fn secret_encodings(value: &str) -> Vec<SecretEncoding> {
    let mut keys: Vec<Vec<u8>> = Vec::new();
    let mut out = Vec::new();
    for encoding in [
        SecretEncoding::Utf8,
        SecretEncoding::Whsec,
        SecretEncoding::Base64,
        SecretEncoding::Hex,
    ] {
        if let Some(key) = codec::decode_secret(value, encoding)
            && !keys.contains(&key)
        {
            keys.push(key);
            out.push(encoding);
        }
    }
    out
}

type Template<'h> = (Vec<Part>, Option<&'h str>, Option<&'h str>);

/// Candidate templates, simplest first, with the timestamp and id headers they read.
fn templates<'h>(
    req: &SignedRequest,
    own_timestamp: &[&'h str],
    timestamp_headers: &[&'h str],
    id_headers: &[&'h str],
) -> Vec<Template<'h>> {
    let lit = |text: &str| Part::Literal { text: text.into() };
    let mut out: Vec<Template> = vec![(vec![Part::Body], None, None)];
    if !req.url.is_empty() {
        out.push((vec![Part::Url], None, None));
        out.push((vec![Part::Url, Part::Body], None, None));
        out.push((vec![Part::Method, Part::Url, Part::Body], None, None));
    }
    for &ts in own_timestamp.iter().chain(timestamp_headers) {
        let t = Some(ts);
        out.push((vec![Part::Timestamp, Part::Body], t, None));
        out.push((vec![Part::Timestamp, lit("."), Part::Body], t, None));
        out.push((vec![Part::Timestamp, lit(":"), Part::Body], t, None));
        out.push((
            vec![lit("v0:"), Part::Timestamp, lit(":"), Part::Body],
            t,
            None,
        ));
        out.push((vec![Part::Body, Part::Timestamp], t, None));
        for &id in id_headers {
            let i = Some(id);
            out.push((
                vec![Part::Id, lit("."), Part::Timestamp, lit("."), Part::Body],
                t,
                i,
            ));
            out.push((vec![Part::Id, Part::Timestamp, Part::Body], t, i));
        }
    }
    out
}

/// One way to read a header value as signatures.
struct Parsing {
    separator: Option<String>,
    prefix: String,
    encoding: Encoding,
    algorithm: Algorithm,
}

/// The readings of `value` whose signatures have a MAC's length, plainest first.
fn parsings(value: &str) -> Vec<Parsing> {
    let mut out = Vec::new();
    for separator in [None, Some(" "), Some(",")] {
        let pieces: Vec<&str> = match separator {
            None => vec![value.trim()],
            Some(sep) if value.contains(sep) => value
                .split(sep)
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect(),
            Some(_) => continue,
        };
        let mut prefixes: Vec<&str> = Vec::new();
        for prefix in pieces.iter().filter_map(|p| prefix_of(p)).chain([""]) {
            if !prefixes.contains(&prefix) {
                prefixes.push(prefix);
            }
        }
        for prefix in prefixes {
            let entries: Vec<&str> = pieces
                .iter()
                .filter_map(|p| match p.get(..prefix.len()) {
                    Some(head) if head.eq_ignore_ascii_case(prefix) => Some(&p[prefix.len()..]),
                    _ => None,
                })
                .collect();
            for encoding in [Encoding::HexLower, Encoding::Base64, Encoding::Base64Url] {
                let found = entries.iter().find_map(|e| {
                    if encoding == Encoding::Base64Url && !e.contains(['-', '_']) {
                        return None; // plain base64 already covers it
                    }
                    let len = codec::decode(encoding, e)?.len();
                    let algorithm = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512]
                        .into_iter()
                        .find(|&a| codec::mac_len(a) == len)?;
                    let encoding = match encoding {
                        Encoding::HexLower if e.bytes().any(|b| b.is_ascii_uppercase()) => {
                            Encoding::HexUpper
                        }
                        other => other,
                    };
                    Some((encoding, algorithm))
                });
                if let Some((encoding, algorithm)) = found {
                    out.push(Parsing {
                        separator: separator.map(str::to_owned),
                        prefix: prefix.to_owned(),
                        encoding,
                        algorithm,
                    });
                }
            }
        }
    }
    out
}

/// A label prefix such as `sha256=`, `v1,` or `v0:`: up to 12 word
/// characters and a delimiter, with something after it.
fn prefix_of(piece: &str) -> Option<&str> {
    let end = piece.find(['=', ',', ':'])?;
    let label = &piece[..end];
    let ok = (1..=12).contains(&label.len())
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && end + 1 < piece.len();
    ok.then(|| &piece[..=end])
}

/// e.g. `HMAC-SHA256 of the body, hex, in X-Signature with prefix "sha256="`.
pub(crate) fn describe(spec: &HmacSpec) -> String {
    let what = if spec.template == [Part::Body] {
        "the body".to_owned()
    } else {
        spec.template
            .iter()
            .map(|p| match p {
                Part::Body => "body".to_owned(),
                Part::Timestamp => "timestamp".to_owned(),
                Part::Id => "id".to_owned(),
                Part::Url => "URL".to_owned(),
                Part::Method => "method".to_owned(),
                Part::Literal { text } => format!("{text:?}"),
            })
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let mut out = format!(
        "HMAC-{} of {what}, {}, in {}",
        codec::algorithm_name(spec.algorithm),
        codec::encoding_words(spec.encoding),
        spec.header
    );
    if !spec.prefix.is_empty() {
        out.push_str(&format!(" with prefix {:?}", spec.prefix));
    }
    if let Some(sep) = &spec.separator {
        out.push_str(&format!(", several separated by {sep:?}"));
    }
    match &spec.timestamp_header {
        Some(ts) if ts.eq_ignore_ascii_case(&spec.header) => {
            out.push_str(", timestamp from its t= field");
        }
        Some(ts) => out.push_str(&format!(", timestamp from {ts}")),
        None => {}
    }
    if let Some(id) = &spec.id_header {
        out.push_str(&format!(", id from {id}"));
    }
    match spec.secret_encoding {
        SecretEncoding::Utf8 => {}
        SecretEncoding::Base64 => out.push_str(", secret read as base64"),
        SecretEncoding::Hex => out.push_str(", secret read as hex"),
        SecretEncoding::Whsec => out.push_str(", secret read as whsec_ base64"),
    }
    out
}
