//! A provider's event JSON pasted alone: the body is the bytes exactly as
//! given (never re-serialized: a signature covers those bytes), the method
//! POST and the target `/` unless the caller says otherwise. Headers may be
//! pasted beside it as `Name: value` lines; when their first line is a
//! request line (`POST /kustom HTTP/1.1`), it gives the method and target.

use super::{EntryError, Incoming, MAX_BODY_BYTES, MAX_HEADER_LINE, MAX_HEADERS, check_headers};
use crate::wire::StoredHeader;

#[derive(Debug, thiserror::Error)]
enum JsonError {
    #[error("the event JSON is empty")]
    Empty,
    #[error(
        "the body is not valid JSON ({0}); paste it with its request line as raw HTTP to import it as it is"
    )]
    NotJson(serde_json::Error),
    #[error("the body is over {} MB", MAX_BODY_BYTES >> 20)]
    TooLarge,
    #[error("headers line {line}: `{text}` is not a header")]
    NotHeader { line: u64, text: String },
    #[error("headers line {line} is over {} KB", MAX_HEADER_LINE >> 10)]
    LineTooLong { line: u64 },
    #[error("over {MAX_HEADERS} headers")]
    TooManyHeaders,
    #[error("{0}")]
    Caps(String),
}

/// The request a pasted event makes: `body` as given, `headers` as
/// `Name: value` lines (CRLF or LF), `target` (default `/`).
pub fn read(
    body: Vec<u8>,
    headers: Option<&[u8]>,
    target: Option<&str>,
) -> Result<Incoming, EntryError> {
    let fail = |e: JsonError| EntryError::new(1, None, e.to_string());
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(fail(JsonError::Empty));
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(fail(JsonError::TooLarge));
    }
    let mut warnings = Vec::new();
    // Checked, never re-serialized: the bytes stay as given. What is not
    // JSON at all (binary, a cut-off paste) is refused rather than stored
    // as an "event" no preset can read; serde_json's own depth cap bounds
    // the check.
    if let Err(error) = serde_json::from_slice::<serde::de::IgnoredAny>(&body) {
        return Err(fail(JsonError::NotJson(error)));
    }
    let (request_line, headers) = match headers {
        Some(text) => parse_headers(text).map_err(fail)?,
        None => (None, Vec::new()),
    };
    check_headers(&headers).map_err(|e| fail(JsonError::Caps(e)))?;
    let arrived = super::date_header_arrival(&headers, &mut warnings);
    let (method, line_target, http_version) = match request_line {
        Some((m, t, v)) => (m, Some(t), Some(v)),
        None => ("POST".to_owned(), None, None),
    };
    Ok(Incoming {
        entry: 1,
        line: Some(1),
        method,
        target: target
            .map(str::to_owned)
            .or(line_target)
            .unwrap_or_else(|| "/".to_owned()),
        http_version,
        headers,
        body,
        arrived,
        warnings,
        recorded: None,
    })
}

type RequestLine = (String, String, String);

/// `Name: value` lines, blank lines skipped; a request line may come first.
fn parse_headers(text: &[u8]) -> Result<(Option<RequestLine>, Vec<StoredHeader>), JsonError> {
    let mut request_line = None;
    let mut headers = Vec::new();
    for (index, raw) in text.split(|&b| b == b'\n').enumerate() {
        let line_number = index as u64 + 1;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.trim_ascii().is_empty() {
            continue;
        }
        if line.len() > MAX_HEADER_LINE {
            return Err(JsonError::LineTooLong { line: line_number });
        }
        if headers.is_empty()
            && request_line.is_none()
            && super::raw::is_request_line(line)
            && let Ok(text) = std::str::from_utf8(line)
        {
            let mut parts = text.split_whitespace().map(str::to_owned);
            if let (Some(m), Some(t), Some(v)) = (parts.next(), parts.next(), parts.next()) {
                request_line = Some((m, t, v));
                continue;
            }
        }
        if headers.len() >= MAX_HEADERS {
            return Err(JsonError::TooManyHeaders);
        }
        // httparse reads each line, as the listener reads a head.
        let mut probe = line.to_vec();
        probe.extend_from_slice(b"\r\n\r\n");
        let mut fields = [httparse::EMPTY_HEADER; 1];
        match httparse::parse_headers(&probe, &mut fields) {
            Ok(httparse::Status::Complete((_, [field]))) => {
                headers.push(StoredHeader::new(field.name, field.value));
            }
            _ => {
                return Err(JsonError::NotHeader {
                    line: line_number,
                    text: String::from_utf8_lossy(line).chars().take(60).collect(),
                });
            }
        }
    }
    Ok((request_line, headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_kept_byte_for_byte() {
        let body = b"{ \"amount\": 1.50,\n  \"id\": 12345678901234567890 }\n".to_vec();
        let got = read(body.clone(), None, None).unwrap();
        assert_eq!((got.method.as_str(), got.target.as_str()), ("POST", "/"));
        assert_eq!(got.body, body);
        assert!(got.warnings.is_empty());
        assert!(got.headers.is_empty());
    }

    #[test]
    fn headers_beside_it_and_a_request_line() {
        let headers = b"POST /kustom/hook HTTP/1.1\r\nContent-Type: application/json\r\n\r\nwebhook-id:  msg_1 \r\nDate: Thu, 01 Jan 2026 00:00:00 GMT\n";
        let got = read(b"{}".to_vec(), Some(headers), None).unwrap();
        assert_eq!(got.target, "/kustom/hook");
        assert_eq!(got.http_version.as_deref(), Some("HTTP/1.1"));
        let names: Vec<_> = got
            .headers
            .iter()
            .map(|h| (h.name.as_str(), h.text().unwrap()))
            .collect();
        assert_eq!(
            names,
            [
                ("Content-Type", "application/json"),
                ("webhook-id", "msg_1"),
                ("Date", "Thu, 01 Jan 2026 00:00:00 GMT")
            ]
        );
        assert_eq!(got.arrived.unwrap().at_ns, 1_767_225_600_000_000_000);
        let got = read(b"{}".to_vec(), Some(b"X: 1"), Some("/stripe")).unwrap();
        assert_eq!(got.target, "/stripe");
    }

    #[test]
    fn bad_input() {
        assert!(
            read(b" \n".to_vec(), None, None)
                .unwrap_err()
                .message
                .contains("empty")
        );
        let err = read(b"{}".to_vec(), Some(b"X: 1\nnot a header\n"), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "entry 1: headers line 2: `not a header` is not a header"
        );
        let err = read(b"{\"a\":\n".to_vec(), None, None).unwrap_err();
        assert!(
            err.message.starts_with(
                "the body is not valid JSON (EOF while parsing a value at line 2 column 0)"
            ),
            "{err}"
        );
    }
}
