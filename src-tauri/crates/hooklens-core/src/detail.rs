//! What the detail view and `hooklens-cli show` present of one stored event:
//! the event as received (secret-bearing header values masked until
//! revealed), and a curl command that sends it again byte for byte.

use crate::model::{Endpoint, EventView, HeaderPair, HeaderView, header_view};
use crate::secret_headers::{SecretHeaders, shown_header_view};
use crate::store::{EventDetail, Reader, StoreError};
use crate::verdict::subject_url;
use crate::wire::body_parts;

/// Which headers of a stored event are secret (see [`crate::secret_headers`]).
pub fn secret_headers(detail: &EventDetail, endpoints: &[Endpoint]) -> SecretHeaders {
    SecretHeaders::of_event(
        endpoints,
        detail.summary.endpoint_id,
        detail.summary.provider.as_deref(),
        &detail.headers,
    )
}

/// Everything stored about event `id`, with the other deliveries of its
/// provider event id. Secret-bearing header values are masked
/// ([`HeaderView::masked`]); [`reveal_header`] gives one on request.
pub fn event_view(reader: &Reader, id: i64) -> Result<EventView, StoreError> {
    let detail = reader.event(id)?;
    let deliveries = match &detail.summary.provider_event_id {
        Some(event_id) => reader.deliveries(detail.summary.provider.as_deref(), event_id)?,
        None => Vec::new(),
    };
    let url = url_of(&detail);
    let secret = secret_headers(&detail, &reader.endpoints()?);
    let headers = detail
        .headers
        .iter()
        .map(|h| shown_header_view(h, &secret))
        .collect();
    // A credential may travel in a trailer too; masked the same way.
    let trailers = detail
        .trailers
        .iter()
        .map(|h| shown_header_view(h, &secret))
        .collect();
    let target = detail.request_target();
    let (body_text, body_base64) = body_parts(detail.body);
    let answer = reader.answer_of(id)?;
    Ok(EventView {
        url,
        target,
        http_version: detail.http_version.clone(),
        headers,
        trailers,
        body_text,
        body_base64,
        refs: detail
            .refs
            .into_iter()
            .map(|(name, value)| HeaderPair { name, value })
            .collect(),
        deliveries,
        source: detail.source,
        via: detail.via,
        answer,
        summary: detail.summary,
    })
}

/// What `rules` would answer stored event `id` if it arrived now as a
/// first arrival (sequences and chances counted afresh): the record of the
/// answer, or None when no rule takes it (the configured response would).
/// The rules are checked as saving checks them.
pub fn preview_rules(
    reader: &Reader,
    id: i64,
    rules: &[crate::model::ResponseRule],
) -> Result<Option<crate::model::AnswerRecord>, StoreError> {
    let compiled = crate::rules::compile(rules).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let detail = reader.event(id)?;
    let endpoints = reader.endpoints()?;
    let subject =
        crate::query::Subject::stored(&detail.summary, &detail.headers, &detail.body, &endpoints);
    let counters = crate::rules::Counters::default();
    let chosen = compiled.choose((0, 0), &subject, &counters);
    Ok(chosen.map(|c| compiled.render(&c, &subject).record))
}

/// The URL the sender addressed: through a tunnel, its public URL then.
fn url_of(detail: &EventDetail) -> String {
    subject_url(&detail.subject()).0
}

/// The value of header `index` (0-based, arrival order) of event `id`, for
/// a user who asked to see it.
pub fn reveal_header(reader: &Reader, id: i64, index: usize) -> Result<HeaderView, StoreError> {
    let detail = reader.event(id)?;
    detail
        .headers
        .get(index)
        .map(header_view)
        .ok_or_else(|| StoreError::NotFound(format!("event {id} has no header {index}")))
}

/// Headers curl derives from the URL and the body itself; copying them
/// would contradict what curl sends (a stale Content-Length breaks the request).
const DERIVED_HEADERS: [&str; 6] = [
    "host",
    "content-length",
    "connection",
    "transfer-encoding",
    "expect",
    "keep-alive",
];

/// A POSIX shell command that sends the event again exactly as received: same
/// method, URL, headers in order (duplicates kept) and body bytes, so its
/// signature still verifies at the same URL. `target` replaces the URL.
///
/// Secret-bearing headers (see [`crate::secret_headers`]) never appear in
/// it: each one's value is read from an environment variable
/// (`HOOKLENS_AUTHORIZATION`, …) that the shell insists on, and a comment
/// line first says which were masked.
pub fn curl_command(detail: &EventDetail, endpoints: &[Endpoint], target: Option<&str>) -> String {
    let url = target.map_or_else(|| url_of(detail), str::to_owned);
    let body = &detail.body;
    let secret = secret_headers(detail, endpoints);
    let mut args: Vec<String> = vec!["-X".into(), quote(&detail.summary.method)];
    let mut has_content_type = false;
    let mut masked: Vec<(String, String)> = Vec::new();
    for h in &detail.headers {
        let lower = h.name.to_ascii_lowercase();
        if DERIVED_HEADERS.contains(&lower.as_str()) {
            continue;
        }
        has_content_type |= lower == "content-type";
        args.push("-H".into());
        if secret.is_secret(&h.name) {
            let var = env_var(&h.name, &masked);
            args.push(format!(
                "{}\"${{{var}:?masked by Hooklens: reveal the header there and export it}}\"",
                quote(&format!("{}: ", h.name))
            ));
            masked.push((h.name.clone(), var));
            continue;
        }
        match &h.value {
            Some(text) if is_plain(text.as_bytes()) => {
                args.push(quote(&format!("{}: {text}", h.name)))
            }
            _ => {
                let mut line = format!("{}: ", h.name).into_bytes();
                line.extend_from_slice(h.bytes());
                args.push(format!("\"$(printf '{}')\"", printf_escape(&line)));
            }
        }
    }
    // Without a Content-Type, curl would add a form one that was never sent.
    if !has_content_type && !body.is_empty() {
        args.push("-H".into());
        args.push(quote("Content-Type:"));
    }
    let mut command = String::new();
    if !detail.trailers.is_empty() {
        let names: Vec<&str> = detail.trailers.iter().map(|t| t.name.as_str()).collect();
        command.push_str(&format!(
            "# The sender also sent trailers after its chunked body ({}); curl sends none.\n",
            comment_text(&names.join(", "))
        ));
    }
    if !masked.is_empty() {
        let mut names: Vec<&str> = Vec::new();
        for (name, _) in &masked {
            if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                names.push(name);
            }
        }
        let vars: Vec<&str> = masked.iter().map(|(_, v)| v.as_str()).collect();
        command.push_str(&format!(
            "# Hooklens masked {}: reveal {} in Hooklens and export {} (the whole value) to send {}.\n",
            comment_text(&names.join(", ")),
            if masked.len() == 1 { "it" } else { "them" },
            vars.join(", "),
            if masked.len() == 1 { "it" } else { "them" },
        ));
    }
    let data = if body.is_empty() {
        None
    } else if is_plain(body) {
        std::str::from_utf8(body).ok().map(quote)
    } else {
        None
    };
    if let Some(text) = &data {
        args.push("--data-binary".into());
        args.push(text.clone());
    } else if !body.is_empty() {
        // Bytes a shell string cannot carry (NUL, invalid UTF-8, control
        // characters) go through printf's octal escapes, exact to the byte.
        command.push_str(&format!("printf '{}' | ", printf_escape(body)));
        args.push("--data-binary".into());
        args.push("@-".into());
    }
    command.push_str("curl");
    for arg in args {
        command.push_str(" \\\n  ");
        command.push_str(&arg);
    }
    command.push_str(" \\\n  ");
    command.push_str(&quote(&url));
    command
}

/// `HOOKLENS_` and the header name in upper case, other characters as `_`;
/// `_2`, `_3`, … for a name already `taken`.
fn env_var(name: &str, taken: &[(String, String)]) -> String {
    let base: String = std::iter::once("HOOKLENS_".to_owned())
        .chain(name.chars().map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase().to_string()
            } else {
                "_".to_owned()
            }
        }))
        .collect();
    let mut var = base.clone();
    let mut n = 1;
    while taken.iter().any(|(_, v)| *v == var) {
        n += 1;
        var = format!("{base}_{n}");
    }
    var
}

/// Text safe on a comment line: no line breaks or control characters.
fn comment_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Text a single-quoted shell word carries unchanged: no control characters
/// other than tab, LF and CR.
fn is_plain(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok()
        && bytes
            .iter()
            .all(|&b| b >= 0x20 || b == b'\t' || b == b'\n' || b == b'\r')
        && !bytes.contains(&0x7f)
}

/// A single-quoted shell word.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The bytes as a printf format inside single quotes: printable ASCII as
/// itself, everything else (and `'`, `\`, `%`, and `-` which printf could
/// read as an option) as an octal escape.
fn printf_escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\'' | b'\\' | b'%' | b'-' => out.push_str(&format!("\\{b:03o}")),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventSummary;
    use crate::wire::StoredHeader;

    fn detail(method: &str, headers: &[(&str, &[u8])], body: &[u8]) -> EventDetail {
        EventDetail {
            summary: EventSummary {
                id: 1,
                cursor: "1:1".into(),
                received_at_ms: 1,
                endpoint_id: Some(1),
                method: method.into(),
                path: "/kustom".into(),
                query: Some("a=1&b=it's".into()),
                size: body.len() as i64,
                content_type: None,
                remote_addr: None,
                provider: None,
                event_type: None,
                provider_event_id: None,
                merchant_id: None,
                delivery: 1,
                pinned: false,
                verdict: None,
                imported: false,
                tunneled: false,
            },
            received_at_ns: 1,
            headers: headers
                .iter()
                .map(|(n, v)| StoredHeader::new(n, v))
                .collect(),
            target: None,
            http_version: None,
            trailers: Vec::new(),
            body: body.to_vec(),
            refs: Vec::new(),
            source: None,
            via: None,
        }
    }

    /// Runs the command with `curl` replaced by a function that prints each
    /// argument and the stdin it got, as the shell delivered them.
    fn run_in_shell(command: &str) -> Vec<u8> {
        let script = format!(
            "curl() {{ for a in \"$@\"; do printf '<%s>\\n' \"$a\"; done; printf 'STDIN:'; cat; }}\n{{ {command}\n}} </dev/null\n"
        );
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .output()
            .expect("run sh");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    #[test]
    fn a_text_body_and_its_headers_reach_curl_exactly() {
        let body = b"{\"note\":\"it's 100% \\\\ $HOME `x`\"}\r\n";
        let d = detail(
            "POST",
            &[
                ("Host", b"127.0.0.1:9494"),
                ("Content-Type", b"application/json"),
                ("X-Sig", b"v1,a'b"),
                ("X-Sig", b"v1,second"),
                ("Content-Length", b"999"),
            ],
            body,
        );
        let out = run_in_shell(&curl_command(&d, &[], None));
        let mut expected = b"<-X>\n<POST>\n<-H>\n<Content-Type: application/json>\n<-H>\n<X-Sig: v1,a'b>\n<-H>\n<X-Sig: v1,second>\n<--data-binary>\n<".to_vec();
        expected.extend_from_slice(body);
        expected.extend_from_slice(b">\n<http://127.0.0.1:9494/kustom?a=1&b=it's>\nSTDIN:");
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&expected)
        );
    }

    #[test]
    fn binary_bodies_and_header_values_go_through_printf_byte_for_byte() {
        let body: Vec<u8> = std::iter::once(b'-').chain(0u8..=255).collect();
        let d = detail("PUT", &[("X-Raw", &[0xff, b'a', b'%'])], &body);
        let out = run_in_shell(&curl_command(&d, &[], Some("http://localhost:3000/hook")));
        let text_end = out
            .windows(6)
            .position(|w| w == b"STDIN:")
            .expect("stdin marker");
        assert_eq!(&out[text_end + 6..], &body[..]);
        let args = &out[..text_end];
        let mut header = b"<X-Raw: ".to_vec();
        header.extend_from_slice(&[0xff, b'a', b'%']);
        header.push(b'>');
        assert!(args.windows(header.len()).any(|w| w == header.as_slice()));
        // No Content-Type was received, so curl must not invent one.
        assert!(args.windows(15).any(|w| w == b"<Content-Type:>"));
        assert!(args.ends_with(b"<@->\n<http://localhost:3000/hook>\n"));
    }

    #[test]
    fn secret_headers_are_read_from_the_environment_and_never_written() {
        let d = detail(
            "POST",
            &[
                ("Authorization", b"Basic dXNlcjpTM2NyZXQ="),
                ("X-Challenge", b"kulmi-S3cret"),
                ("Authorization", b"Bearer tok-S3cret"),
                ("X-Sig", b"v1,abc"),
            ],
            b"{}",
        );
        let command = curl_command(&d, &[], None);
        for secret in ["dXNlcjpTM2NyZXQ", "kulmi-S3cret", "tok-S3cret"] {
            assert!(!command.contains(secret), "{command}");
        }
        let first = command.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("# Hooklens masked Authorization, X-Challenge:"),
            "{first}"
        );
        assert!(
            first
                .contains("HOOKLENS_AUTHORIZATION, HOOKLENS_X_CHALLENGE, HOOKLENS_AUTHORIZATION_2"),
            "{first}"
        );

        // With the variables exported, curl gets the exact values, in order.
        let script = format!(
            "HOOKLENS_AUTHORIZATION='Basic dXNlcjpTM2NyZXQ=' HOOKLENS_X_CHALLENGE=kulmi-S3cret \
             HOOKLENS_AUTHORIZATION_2='Bearer tok-S3cret'\nexport HOOKLENS_AUTHORIZATION HOOKLENS_X_CHALLENGE HOOKLENS_AUTHORIZATION_2\n{command}"
        );
        let out = String::from_utf8_lossy(&run_in_shell(&script)).into_owned();
        assert!(out.starts_with("<-X>\n<POST>\n<-H>\n<Authorization: Basic dXNlcjpTM2NyZXQ=>\n<-H>\n<X-Challenge: kulmi-S3cret>\n<-H>\n<Authorization: Bearer tok-S3cret>\n<-H>\n<X-Sig: v1,abc>\n"), "{out}");

        // Without them the shell refuses to run it, rather than send no credentials.
        let refused = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("curl() {{ echo sent; }}\n{command}"))
            .env_remove("HOOKLENS_AUTHORIZATION")
            .output()
            .expect("run sh");
        assert!(!refused.status.success());
        assert!(!String::from_utf8_lossy(&refused.stdout).contains("sent"));
        assert!(String::from_utf8_lossy(&refused.stderr).contains("masked by Hooklens"));
    }

    #[test]
    fn a_shared_secret_schemes_header_is_masked_for_its_endpoint() {
        use crate::model::{ConfiguredResponse, Endpoint};
        use crate::signature::Scheme;
        let d = detail("POST", &[("X-Token", b"tok-S3cret")], b"");
        let endpoint = Endpoint {
            id: 1,
            name: "Own".into(),
            path_prefix: "/".into(),
            preset: None,
            response: ConfiguredResponse::default(),
            is_default: true,
            scheme: Some(Scheme::SharedSecret {
                header: "x-token".into(),
            }),
            secrets: Vec::new(),
            forwards: Vec::new(),
            rules: Vec::new(),
            rules_epoch: 0,
        };
        assert!(curl_command(&d, &[], None).contains("tok-S3cret"));
        let masked = curl_command(&d, &[endpoint], None);
        assert!(!masked.contains("tok-S3cret"), "{masked}");
        assert!(masked.contains("HOOKLENS_X_TOKEN"), "{masked}");
    }

    #[test]
    fn an_empty_body_sends_no_data() {
        let d = detail("GET", &[], b"");
        let command = curl_command(&d, &[], None);
        assert!(!command.contains("--data"));
        assert!(!command.contains("Content-Type"));
    }
}
