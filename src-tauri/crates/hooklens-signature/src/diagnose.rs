//! Diagnosis: when a signature does not verify, which variant of the request
//! or of the configuration would have made it verify.

use std::borrow::Cow;

use super::codec;
use super::construction::{
    Construction, Reading, key_matches, messages, read, select, swap_scheme, toggle_default_port,
};
use super::verify::{decide, material, named_schemes};
use super::{
    Diagnosis, DiagnosisCode, Encoding, Scheme, Secret, SecretEncoding, SignedRequest, Verdict,
    VerdictStatus,
};

/// [`verify`](super::verify), and when the result is invalid, try the
/// variants and attach the first diagnosis that explains it. A malformed
/// verdict whose signature only fails to decode also gets an
/// [`DiagnosisCode::OutputEncoding`] diagnosis when another encoding matches
/// (the status stays malformed). `other_secrets` are secrets configured
/// elsewhere, labelled e.g. `/kustom-test: live`.
pub fn verify_and_diagnose(
    req: &SignedRequest,
    scheme: &Scheme,
    secrets: &[Secret],
    other_secrets: &[Secret],
    now_s: i64,
) -> Verdict {
    let (mut verdict, decider) = decide(req, scheme, secrets, now_s);
    let diagnosis = match verdict.status {
        VerdictStatus::Invalid => diagnose(req, decider, secrets, other_secrets, now_s),
        VerdictStatus::Malformed => {
            let constructions = Construction::of(decider);
            select(&constructions, req.headers).and_then(|c| {
                let probe = Probe::new(c, req, secrets)?;
                probe.output_encoding()
            })
        }
        _ => None,
    };
    if let Some(diagnosis) = diagnosis {
        if verdict.status == VerdictStatus::Invalid {
            // The diagnosis says it better than the generic reason.
            verdict.reason = None;
        }
        verdict.diagnosis = Some(diagnosis);
    }
    verdict
}

/// The variants, cheapest and most specific first: the signature's own form,
/// how the secret is read, the body, the URL, then other secrets and schemes.
fn diagnose(
    req: &SignedRequest,
    scheme: &Scheme,
    secrets: &[Secret],
    other_secrets: &[Secret],
    now_s: i64,
) -> Option<Diagnosis> {
    let constructions = Construction::of(scheme);
    let from_construction = select(&constructions, req.headers)
        .and_then(|c| Probe::new(c, req, secrets))
        .and_then(|probe| {
            probe
                .prefix_missing()
                .or_else(|| probe.output_encoding())
                .or_else(|| probe.secret_decoding())
                .or_else(|| probe.body_variants())
                .or_else(|| probe.url_variants())
        });
    from_construction
        .or_else(|| other_secret(req, scheme, other_secrets, now_s))
        .or_else(|| other_scheme(req, scheme, secrets, now_s))
}

/// One HMAC construction's view of a failing request.
struct Probe<'a> {
    c: &'a Construction,
    req: &'a SignedRequest<'a>,
    reading: Reading,
    secrets: &'a [Secret],
    /// The configured secrets that decode as the construction says.
    keys: Vec<(&'a Secret, Vec<u8>)>,
}

impl<'a> Probe<'a> {
    fn new(c: &'a Construction, req: &'a SignedRequest<'a>, secrets: &'a [Secret]) -> Option<Self> {
        let reading = read(c, req.headers).ok()?;
        Some(Probe {
            c,
            req,
            reading,
            secrets,
            keys: keys(secrets, c.secret_encoding),
        })
    }

    fn signatures(&self, encoding: Encoding, prefixed: bool) -> Vec<Vec<u8>> {
        self.reading
            .decoded(encoding)
            .into_iter()
            .filter_map(|(bytes, p)| (p == prefixed).then_some(bytes))
            .collect()
    }

    /// The first key (label order) that signs a message of `m` as one of `signatures`.
    fn first_match(
        &self,
        keys: &[(&'a Secret, Vec<u8>)],
        m: &super::construction::Material,
        signatures: &[Vec<u8>],
    ) -> Option<&'a Secret> {
        if signatures.is_empty() {
            return None;
        }
        let messages = messages(self.c, m);
        keys.iter()
            .find(|(_, key)| key_matches(self.c, key, &messages, signatures))
            .map(|(secret, _)| *secret)
    }

    fn as_received(&self) -> super::construction::Material<'_> {
        material(self.req, &self.reading)
    }

    fn prefix_missing(&self) -> Option<Diagnosis> {
        let unprefixed = self.signatures(self.c.encoding, false);
        let secret = self.first_match(&self.keys, &self.as_received(), &unprefixed)?;
        Some(found(
            DiagnosisCode::PrefixMissing,
            format!(
                "The signature is right but lacks the prefix \"{}\" this scheme expects: the \
                 sender writes the bare signature. Clear the prefix in the scheme (or have the \
                 sender add it).",
                self.c.prefix()
            ),
            secret,
        ))
    }

    fn output_encoding(&self) -> Option<Diagnosis> {
        let family = |e: Encoding| match e {
            Encoding::HexLower | Encoding::HexUpper => Encoding::HexLower,
            other => other,
        };
        for other in [Encoding::HexLower, Encoding::Base64, Encoding::Base64Url] {
            if family(self.c.encoding) == other {
                continue;
            }
            let mut signatures = self.signatures(other, true);
            signatures.extend(self.signatures(other, false));
            if let Some(secret) = self.first_match(&self.keys, &self.as_received(), &signatures) {
                return Some(found(
                    DiagnosisCode::OutputEncoding,
                    format!(
                        "The signature is right but written as {}, and this scheme expects {}. \
                         Change the scheme's signature encoding to {}.",
                        codec::encoding_words(other),
                        codec::encoding_words(self.c.encoding),
                        codec::encoding_words(other)
                    ),
                    secret,
                ));
            }
        }
        None
    }

    fn secret_decoding(&self) -> Option<Diagnosis> {
        let signatures = self.signatures(self.c.encoding, true);
        let configured = self.c.secret_encoding;
        for other in [
            SecretEncoding::Utf8,
            SecretEncoding::Whsec,
            SecretEncoding::Base64,
            SecretEncoding::Hex,
        ] {
            if other == configured {
                continue;
            }
            // Only keys that differ from the configured reading are a new variant.
            let keys: Vec<(&Secret, Vec<u8>)> = keys(self.secrets, other)
                .into_iter()
                .filter(|(s, key)| codec::decode_secret(&s.value, configured).as_ref() != Some(key))
                .collect();
            let c = self.c.with_secret_encoding(other);
            let probe = Probe {
                c: &c,
                req: self.req,
                reading: self.reading.clone(),
                secrets: self.secrets,
                keys: Vec::new(),
            };
            if let Some(secret) = probe.first_match(&keys, &self.as_received(), &signatures) {
                return Some(found(
                    DiagnosisCode::SecretDecoding,
                    format!(
                        "The secret \"{}\" is right but must be read {}, and this scheme reads \
                         it {}. Change how the scheme decodes the secret.",
                        secret.label,
                        secret_reading_words(other),
                        secret_reading_words(configured)
                    ),
                    secret,
                ));
            }
        }
        None
    }

    fn body_variants(&self) -> Option<Diagnosis> {
        let signatures = self.signatures(self.c.encoding, true);
        for (code, body) in body_variants(self.req.body) {
            let m = super::construction::Material {
                body: Cow::Owned(body),
                ..self.as_received()
            };
            if let Some(secret) = self.first_match(&self.keys, &m, &signatures) {
                return Some(found(code, body_message(code), secret));
            }
        }
        None
    }

    fn url_variants(&self) -> Option<Diagnosis> {
        if !self.c.uses_url() {
            return None;
        }
        let signatures = self.signatures(self.c.encoding, true);
        let url = self.req.url;
        let mut variants: Vec<(DiagnosisCode, String)> = Vec::new();
        let mut add = |code, variant: String| {
            if variant != url && !variants.iter().any(|(_, v)| *v == variant) {
                variants.push((code, variant));
            }
        };
        let with_port_toggled = toggle_default_port(url);
        // Twilio already accepts both port forms: only the scheme can differ.
        if !self.c.twilio
            && let Some(toggled) = &with_port_toggled
        {
            add(DiagnosisCode::UrlPort, toggled.clone());
        }
        // http <-> https, with the old default port dropped or the new one written.
        for form in std::iter::once(url.to_owned()).chain(with_port_toggled) {
            if let Some(swapped) = swap_scheme(&form) {
                let toggled = toggle_default_port(&swapped);
                add(DiagnosisCode::UrlScheme, swapped);
                if let Some(toggled) = toggled {
                    add(DiagnosisCode::UrlScheme, toggled);
                }
            }
        }
        for (code, variant) in variants {
            let m = super::construction::Material {
                url: Cow::Owned(variant),
                ..self.as_received()
            };
            if let Some(secret) = self.first_match(&self.keys, &m, &signatures) {
                let message = match code {
                    DiagnosisCode::UrlPort => {
                        "The signature matches the URL with the default port written the other \
                         way (with or without :443/:80): the sender signed the URL as it was \
                         configured there. Make the endpoint's URL match the sender's."
                    }
                    _ => {
                        "The signature matches the URL with http and https swapped: a proxy or \
                         tunnel changed the scheme. Use the URL exactly as the sender has it."
                    }
                };
                return Some(found(code, message.to_owned(), secret));
            }
        }
        None
    }
}

fn keys(secrets: &[Secret], encoding: SecretEncoding) -> Vec<(&Secret, Vec<u8>)> {
    secrets
        .iter()
        .filter_map(|s| codec::decode_secret(&s.value, encoding).map(|key| (s, key)))
        .collect()
}

fn found(code: DiagnosisCode, message: String, secret: &Secret) -> Diagnosis {
    Diagnosis {
        code,
        message,
        secret: Some(secret.label.clone()),
    }
}

fn secret_reading_words(encoding: SecretEncoding) -> &'static str {
    match encoding {
        SecretEncoding::Utf8 => "as plain text, exactly as pasted (any whsec_ prefix included)",
        SecretEncoding::Base64 => "as base64",
        SecretEncoding::Hex => "as hex",
        SecretEncoding::Whsec => "as a whsec_ secret (base64 after the whsec_ prefix)",
    }
}

fn body_message(code: DiagnosisCode) -> String {
    match code {
        DiagnosisCode::BodyTrailingNewline => {
            "The body has a trailing newline that was not signed: something added a line break \
             after the provider signed it."
        }
        DiagnosisCode::BodyMissingTrailingNewline => {
            "The provider signed the body with a trailing newline that did not arrive: something \
             stripped the final line break."
        }
        DiagnosisCode::BodyCrlf => {
            "The body arrived with CRLF line endings but was signed with LF: something converted \
             the line endings on the way."
        }
        DiagnosisCode::BodyLf => {
            "The body arrived with LF line endings but was signed with CRLF: something converted \
             the line endings on the way."
        }
        DiagnosisCode::BodyReserializedCompact => {
            "The signature matches the JSON body written compact: the provider signed compact \
             JSON and a proxy or framework re-formatted it before it arrived. Verify the raw \
             bytes as received."
        }
        DiagnosisCode::BodyReserializedPretty => {
            "The signature matches the JSON body pretty-printed (2 spaces): the provider signed \
             it that way and a proxy or framework re-encoded it before it arrived. Verify the raw \
             bytes as received."
        }
        _ => "The body differs from what was signed.",
    }
    .to_owned()
}

/// The bodies a signer may have signed instead of the received one, each
/// with the code that names the difference. Only variants that differ.
fn body_variants(body: &[u8]) -> Vec<(DiagnosisCode, Vec<u8>)> {
    let mut out: Vec<(DiagnosisCode, Vec<u8>)> = Vec::new();
    let mut push = |code, variant: Vec<u8>| {
        if variant != body && !out.iter().any(|(_, b)| *b == variant) {
            out.push((code, variant));
        }
    };
    if let Some(stripped) = body
        .strip_suffix(b"\r\n")
        .or_else(|| body.strip_suffix(b"\n"))
    {
        push(DiagnosisCode::BodyTrailingNewline, stripped.to_vec());
    }
    let mut with_newline = body.to_vec();
    with_newline.push(b'\n');
    push(DiagnosisCode::BodyMissingTrailingNewline, with_newline);
    if body.contains(&b'\n') {
        let lf = crlf_to_lf(body);
        let crlf = lf_to_crlf(&lf);
        push(DiagnosisCode::BodyCrlf, lf);
        push(DiagnosisCode::BodyLf, crlf);
    }
    // Re-formatted JSON only for documents a provider could have produced:
    // valid, no deeper than serde_json parses, and re-formatted within a
    // bound, so hostile nesting costs linear time and bounded memory.
    if !crate::json::too_deep(body) && crate::json::LazyJson::new(body).root().is_some() {
        // Order-preserving re-formatting first (what most re-encoders do),
        // then serde_json's own, which also sorts keys.
        if let Some(compact) = reformat_json(body, false) {
            push(DiagnosisCode::BodyReserializedCompact, compact);
        }
        if let Some(pretty) = reformat_json(body, true) {
            push(DiagnosisCode::BodyReserializedPretty, pretty);
        }
        if body.len() <= MAX_TREE_BODY
            && let Ok(value) = serde_json::from_slice::<serde_json::Value>(body)
        {
            if let Ok(compact) = serde_json::to_vec(&value) {
                push(DiagnosisCode::BodyReserializedCompact, compact);
            }
            if let Ok(pretty) = serde_json::to_vec_pretty(&value) {
                push(DiagnosisCode::BodyReserializedPretty, pretty);
            }
        }
    }
    out
}

/// Bodies up to this size are also parsed into a tree to try serde_json's
/// key-sorted forms; a tree costs several times the body in memory.
const MAX_TREE_BODY: usize = 4 * 1024 * 1024;

/// The most a re-formatted body may grow: pretty-printing adds indentation
/// per line, which for real payloads is well under this.
fn reformat_budget(len: usize) -> usize {
    len.saturating_mul(8).saturating_add(64 * 1024)
}

fn crlf_to_lf(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'\r' && body.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(body[i]);
        i += 1;
    }
    out
}

fn lf_to_crlf(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + body.len() / 16);
    for &b in body {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

/// Re-writes valid JSON text without changing key order or number text:
/// compact (no insignificant whitespace) or pretty (2-space indent, `": "`,
/// empty containers as `{}`/`[]`, like serde_json and JSON.stringify(v, null, 2)).
/// None when the result would outgrow [`reformat_budget`].
fn reformat_json(json: &[u8], pretty: bool) -> Option<Vec<u8>> {
    let budget = reformat_budget(json.len());
    fn newline(out: &mut Vec<u8>, depth: usize) {
        out.push(b'\n');
        out.extend(std::iter::repeat_n(b' ', depth * 2));
    }
    let is_ws = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let mut out = Vec::with_capacity(json.len());
    let mut depth = 0usize;
    let mut i = 0;
    while i < json.len() {
        let b = json[i];
        match b {
            b'"' => {
                // Copy the string verbatim, escapes included.
                let start = i;
                i += 1;
                while i < json.len() && json[i] != b'"' {
                    i += if json[i] == b'\\' { 2 } else { 1 };
                }
                let end = (i + 1).min(json.len());
                out.extend_from_slice(&json[start..end]);
            }
            _ if is_ws(b) => {}
            b'{' | b'[' if pretty => {
                let close = if b == b'{' { b'}' } else { b']' };
                let next = json[i + 1..]
                    .iter()
                    .position(|&n| !is_ws(n))
                    .map(|p| i + 1 + p);
                match next {
                    Some(n) if json[n] == close => {
                        out.extend_from_slice(&[b, close]);
                        i = n;
                    }
                    _ => {
                        out.push(b);
                        depth += 1;
                        newline(&mut out, depth);
                    }
                }
            }
            b'}' | b']' if pretty => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(b);
            }
            b',' if pretty => {
                out.push(b);
                newline(&mut out, depth);
            }
            b':' if pretty => out.extend_from_slice(b": "),
            _ => out.push(b),
        }
        if out.len() > budget {
            return None;
        }
        i += 1;
    }
    Some(out)
}

/// The request verifies under the same scheme with a secret configured elsewhere.
fn other_secret(
    req: &SignedRequest,
    scheme: &Scheme,
    other_secrets: &[Secret],
    now_s: i64,
) -> Option<Diagnosis> {
    if other_secrets.is_empty() {
        return None;
    }
    let label = matched_label(&decide(req, scheme, other_secrets, now_s).0)?;
    Some(Diagnosis {
        code: DiagnosisCode::OtherSecret,
        message: format!(
            "The signature was made with the secret \"{label}\", which is configured elsewhere, \
             not for this endpoint: the sender uses another endpoint's secret, or the secrets \
             were swapped."
        ),
        secret: Some(label),
    })
}

/// The request verifies under another named scheme with a configured secret.
fn other_scheme(
    req: &SignedRequest,
    scheme: &Scheme,
    secrets: &[Secret],
    now_s: i64,
) -> Option<Diagnosis> {
    named_schemes()
        .into_iter()
        .filter(|other| other.id() != scheme.id())
        .find_map(|other| {
            let label = matched_label(&decide(req, &other, secrets, now_s).0)?;
            Some(Diagnosis {
                code: DiagnosisCode::OtherScheme,
                message: format!(
                    "The request verifies as {} with the secret \"{label}\", but this endpoint \
                     is set to {}. Switch the endpoint's scheme to {}.",
                    other.name(),
                    scheme.name(),
                    other.name()
                ),
                secret: Some(label),
            })
        })
}

/// The label whose signature matched: valid, or stale with a matching signature.
fn matched_label(verdict: &Verdict) -> Option<String> {
    match verdict.status {
        VerdictStatus::Valid | VerdictStatus::Stale => verdict.secret.clone(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_reformatting_keeps_order_and_text() {
        let body = br#"{"b": 1.50, "a": [ ], "c": {"x": "s\"p ace", "y": [1, 2]}, "d": {}}"#;
        assert_eq!(
            reformat_json(body, false).unwrap(),
            br#"{"b":1.50,"a":[],"c":{"x":"s\"p ace","y":[1,2]},"d":{}}"#
        );
        let pretty = String::from_utf8(reformat_json(body, true).unwrap()).unwrap();
        assert_eq!(
            pretty,
            "{\n  \"b\": 1.50,\n  \"a\": [],\n  \"c\": {\n    \"x\": \"s\\\"p ace\",\n    \"y\": [\n      1,\n      2\n    ]\n  },\n  \"d\": {}\n}"
        );
    }

    #[test]
    fn line_ending_conversions() {
        assert_eq!(crlf_to_lf(b"a\r\nb\n\r"), b"a\nb\n\r");
        assert_eq!(lf_to_crlf(b"a\nb"), b"a\r\nb");
    }
}
