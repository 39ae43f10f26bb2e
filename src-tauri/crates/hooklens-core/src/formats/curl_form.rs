//! `-F`/`--form` and `--form-string`: the multipart/form-data body curl
//! sends, framed byte for byte as curl 7.88 writes it (checked against its
//! `--trace` output; the fixture README says how).
//!
//! A field is `name=value`, `name=@file` (a file part, named by its file),
//! `name=<file` (the file's bytes as the value), `@-`/`<-` for standard
//! input, each optionally followed by `;type=`, `;filename=` and
//! `;headers=` (`;headers=@file` reads them from a file); values and file
//! names may be double-quoted with `\"` and `\\` inside. `--form-string`
//! takes its value as it is. Files are read from the imported file's folder
//! under the rules of `-d @file` (`curl_input.rs`).
//!
//! Each part is `--BOUNDARY`, its headers (`Content-Disposition`, then
//! `Content-Type`, then the `;headers=`), a blank line, its bytes and CRLF;
//! `--BOUNDARY--` and CRLF close the body. A part's `Content-Type` is the
//! given type, else one curl guesses from the file name (`.txt`, `.html`,
//! `.png`, …; a file part named otherwise is `application/octet-stream`);
//! a value has none.
//!
//! curl picks the boundary at random each time it runs: 24 dashes and 16
//! hex digits. Hooklens makes the same shape from a digest of the parts, so
//! the same command imports to the same bytes (and the same import
//! fingerprint) every time; the request says, in a warning, that its body
//! is not the one curl sent.
//!
//! Not read, each an error naming it: several files in one field
//! (`@a,b`, which curl nests in a multipart/mixed with a second random
//! boundary), nested multiparts (`=(` … `=)`), and `;encoder=`.

use sha2::{Digest, Sha256};

use super::curl_base::{FormError, MAX_FORM_PARTS, text};
use super::curl_input::Files;
use super::{MAX_BODY_BYTES, MAX_HEADERS};

/// curl 7.88 truncates a header line of a `;headers=@file` here.
const MAX_FIELD_HEADER: usize = 998;
/// A `;headers=@file` is read up to this size: [`MAX_HEADERS`] lines of
/// [`MAX_FIELD_HEADER`] bytes fit in it.
const MAX_FIELD_HEADER_FILE: usize = 1 << 20;
/// Tries at a boundary that occurs in no part; a digest that does is
/// already astronomically unlikely, so the bound is never reached by chance.
const BOUNDARY_TRIES: u32 = 16;

/// One part as the options describe it.
struct Part {
    name: Option<Vec<u8>>,
    filename: Option<Vec<u8>>,
    content_type: Option<Vec<u8>>,
    headers: Vec<Vec<u8>>,
    content: Vec<u8>,
}

/// The parts of a command's `-F` options, in order.
#[derive(Default)]
pub(super) struct Form {
    parts: Vec<Part>,
    /// Bytes of content so far, against [`MAX_BODY_BYTES`].
    bytes: usize,
}

/// What follows a field's value: curl's `get_param_part`.
#[derive(Default)]
struct Params {
    data: Vec<u8>,
    content_type: Option<Vec<u8>>,
    filename: Option<Vec<u8>>,
    encoder: Option<Vec<u8>>,
    headers: Vec<Vec<u8>>,
    header_files: Vec<Vec<u8>>,
    unknown: Vec<Vec<u8>>,
    /// The byte the value stopped at: 0 (the end), or `,` for `@a,b`.
    sep: u8,
}

impl Form {
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// One `-F` (`literal`: `--form-string`) argument.
    pub fn add(
        &mut self,
        option: &str,
        arg: &[u8],
        literal: bool,
        files: &Files<'_>,
        warnings: &mut Vec<String>,
    ) -> Result<(), FormError> {
        if self.parts.len() >= MAX_FORM_PARTS {
            return Err(FormError::TooManyParts);
        }
        let shown = || text(arg).chars().take(80).collect::<String>();
        let Some(eq) = arg.iter().position(|&b| b == b'=') else {
            return Err(FormError::NoEquals(option.into(), shown()));
        };
        let name = (eq > 0).then(|| arg[..eq].to_vec());
        let value = &arg[eq + 1..];
        let unsupported = |what| FormError::Unsupported(option.into(), shown(), what);
        if literal {
            return self.push(Part {
                name,
                filename: None,
                content_type: None,
                headers: Vec::new(),
                content: value.to_vec(),
            });
        }
        if value.starts_with(b"(") || (name.is_none() && value == b")") {
            return Err(unsupported(
                "a nested multipart (`=(` … `=)`, which curl frames with a second random boundary)",
            ));
        }
        let (kind, rest) = match value.first() {
            Some(b'@') => (b'@', &value[1..]),
            Some(b'<') => (b'<', &value[1..]),
            _ => (0, value),
        };
        let end = if kind == b'@' { b',' } else { 0 };
        let params = params(rest, end, option, &shown())?;
        if params.sep == b',' {
            return Err(unsupported(
                "several files in one field (curl sends them as a nested multipart/mixed with a second random boundary)",
            ));
        }
        if params.encoder.is_some() {
            return Err(unsupported("`;encoder=`"));
        }
        for unknown in &params.unknown {
            warnings.push(format!(
                "{option} {}: curl skips the unknown `;{}`",
                shown(),
                text(unknown)
            ));
        }
        let mut headers = params.headers;
        for file in &params.header_files {
            let label = format!("{option} {} (headers)", shown());
            let bytes = files.read_within(file, &label, MAX_FIELD_HEADER_FILE)?;
            headers.extend(field_headers(&bytes, warnings));
            if headers.len() > MAX_HEADERS {
                break;
            }
        }
        if headers.len() > MAX_HEADERS {
            return Err(FormError::TooManyHeaders(option.into(), shown()));
        }
        // A Content-Type among the part's headers stands instead of
        // curl's guess (a `;type=` still adds its own).
        let guessing = !headers.iter().any(|h| is_header(h, "content-type"));
        let guessed = |name: &[u8]| guess(name).filter(|_| guessing);
        let room = MAX_BODY_BYTES - self.bytes;
        let label = || format!("{option} {}", shown());
        let part = match kind {
            b'@' => {
                let path = params.data;
                let content = files.read_within(&path, &label(), room)?;
                let stdin = path == b"-";
                let filename = params.filename.unwrap_or_else(|| basename(&path).to_vec());
                // curl: the given type, else one for the name sent, else
                // one for the file's own name, else a file's default.
                let content_type = params.content_type.or_else(|| {
                    guessed(&filename)
                        .or_else(|| (!stdin).then(|| guessed(&path)).flatten())
                        .or((!stdin && guessing).then_some("application/octet-stream"))
                        .map(|t| t.as_bytes().to_vec())
                });
                Part {
                    name,
                    filename: Some(filename),
                    content_type,
                    headers,
                    content,
                }
            }
            b'<' => {
                if params.filename.is_some() {
                    warnings.push(format!(
                        "{option} {}: curl ignores `;filename=` after `<`",
                        shown()
                    ));
                }
                Part {
                    name,
                    filename: None,
                    content_type: params.content_type,
                    content: files.read_within(&params.data, &label(), room)?,
                    headers,
                }
            }
            _ => {
                let content_type = params.content_type.or_else(|| {
                    params
                        .filename
                        .as_deref()
                        .and_then(guessed)
                        .map(|t| t.as_bytes().to_vec())
                });
                Part {
                    name,
                    filename: params.filename,
                    content_type,
                    headers,
                    content: params.data,
                }
            }
        };
        self.push(part)
    }

    fn push(&mut self, part: Part) -> Result<(), FormError> {
        self.bytes += part.content.len();
        if self.bytes > MAX_BODY_BYTES {
            return Err(FormError::TooLarge);
        }
        self.parts.push(part);
        Ok(())
    }

    /// The body and its boundary. `form_data`: the request's Content-Type
    /// is multipart/form-data, whose parts curl marks `form-data`; under
    /// any other type they are `attachment`s.
    pub fn encode(&self, form_data: bool) -> Result<(Vec<u8>, String), FormError> {
        let boundary = self.boundary()?;
        let mut body = Vec::with_capacity(self.bytes + self.parts.len() * 160);
        for part in &self.parts {
            body.extend_from_slice(b"--");
            body.extend_from_slice(boundary.as_bytes());
            body.extend_from_slice(b"\r\n");
            if !part
                .headers
                .iter()
                .any(|h| is_header(h, "content-disposition"))
            {
                let named = part.name.is_some() || part.filename.is_some();
                let kind = if form_data {
                    Some("form-data")
                } else {
                    named.then_some("attachment")
                };
                if let Some(kind) = kind {
                    body.extend_from_slice(b"Content-Disposition: ");
                    body.extend_from_slice(kind.as_bytes());
                    for (key, value) in [("name", &part.name), ("filename", &part.filename)] {
                        if let Some(value) = value {
                            body.extend_from_slice(format!("; {key}=\"").as_bytes());
                            escape_quoted(value, &mut body);
                            body.push(b'"');
                        }
                    }
                    body.extend_from_slice(b"\r\n");
                }
            }
            if let Some(content_type) = &part.content_type {
                body.extend_from_slice(b"Content-Type: ");
                body.extend_from_slice(content_type);
                body.extend_from_slice(b"\r\n");
            }
            for header in &part.headers {
                body.extend_from_slice(header);
                body.extend_from_slice(b"\r\n");
            }
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(&part.content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--");
        body.extend_from_slice(boundary.as_bytes());
        body.extend_from_slice(b"--\r\n");
        if body.len() > MAX_BODY_BYTES {
            return Err(FormError::TooLarge);
        }
        Ok((body, boundary))
    }

    /// curl's shape (24 dashes, 16 hex digits) from a digest of the parts:
    /// the same parts give the same boundary. One that occurs in a part
    /// would end it early, so the next try digests again.
    fn boundary(&self) -> Result<String, FormError> {
        for attempt in 0..BOUNDARY_TRIES {
            let mut digest = Sha256::new();
            digest.update(attempt.to_le_bytes());
            let mut field = |bytes: &[u8]| {
                // Length-prefixed, so bytes moved across fields digest apart.
                digest.update((bytes.len() as u64).to_le_bytes());
                digest.update(bytes);
            };
            for part in &self.parts {
                for value in [&part.name, &part.filename, &part.content_type] {
                    field(value.as_deref().unwrap_or(b"\xff"));
                }
                for header in &part.headers {
                    field(header);
                }
                field(&part.content);
            }
            let hash = digest.finalize();
            let boundary = format!("{}{}", "-".repeat(24), hex::encode(&hash[..8]));
            let clash = self.parts.iter().any(|p| {
                contains(&p.content, boundary.as_bytes())
                    || p.headers.iter().any(|h| contains(h, boundary.as_bytes()))
            });
            if !clash {
                return Ok(boundary);
            }
        }
        Err(FormError::NoBoundary)
    }
}

/// Whether a header line is `name: …` (curl's `search_header`).
fn is_header(line: &[u8], name: &str) -> bool {
    line.len() > name.len()
        && line[..name.len()].eq_ignore_ascii_case(name.as_bytes())
        && line[name.len()] == b':'
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

/// A name or file name inside `"…"`, as curl 7.88 escapes it.
fn escape_quoted(value: &[u8], out: &mut Vec<u8>) {
    for &b in value {
        match b {
            b'"' => out.extend_from_slice(b"%22"),
            b'\r' => out.extend_from_slice(b"%0D"),
            b'\n' => out.extend_from_slice(b"%0A"),
            _ => out.push(b),
        }
    }
}

/// The file name curl sends for a path: what follows its last `/`.
fn basename(path: &[u8]) -> &[u8] {
    path.rsplit(|&b| b == b'/').next().unwrap_or(path)
}

/// curl's `ContentTypeForFilename`: the few extensions it knows.
fn guess(filename: &[u8]) -> Option<&'static str> {
    const TYPES: [(&str, &str); 10] = [
        (".gif", "image/gif"),
        (".jpg", "image/jpeg"),
        (".jpeg", "image/jpeg"),
        (".png", "image/png"),
        (".svg", "image/svg+xml"),
        (".txt", "text/plain"),
        (".htm", "text/html"),
        (".html", "text/html"),
        (".pdf", "application/pdf"),
        (".xml", "application/xml"),
    ];
    TYPES
        .iter()
        .find(|(ext, _)| {
            filename.len() >= ext.len()
                && filename[filename.len() - ext.len()..].eq_ignore_ascii_case(ext.as_bytes())
        })
        .map(|(_, t)| *t)
}

/// The characters C's `isspace` takes, which curl skips around words.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

fn skip_space(s: &[u8], mut p: usize) -> usize {
    while s.get(p).copied().is_some_and(is_space) {
        p += 1;
    }
    p
}

fn starts_with_ignore_case(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// A word of a field (curl's `get_param_word`): `"…"` with `\"` and `\\`
/// (what follows the closing quote up to the next `;` is dropped), else up
/// to `;` or `end`, trailing blanks trimmed. Returns it and where it ended.
fn word(s: &[u8], start: usize, end: u8) -> (Vec<u8>, usize) {
    let stop = |b: u8| b == b';' || (end != 0 && b == end);
    if s.get(start) == Some(&b'"') {
        let mut out = Vec::new();
        let mut p = start + 1;
        while p < s.len() {
            match s[p] {
                b'\\' if matches!(s.get(p + 1), Some(b'\\' | b'"')) => {
                    out.push(s[p + 1]);
                    p += 2;
                }
                b'"' => {
                    while p < s.len() && !stop(s[p]) {
                        p += 1;
                    }
                    return (out, p);
                }
                b => {
                    out.push(b);
                    p += 1;
                }
            }
        }
        // No closing quote: curl reads the word as unquoted.
    }
    let mut p = start;
    while p < s.len() && !stop(s[p]) {
        p += 1;
    }
    let mut w = &s[start..p];
    while w.last().copied().is_some_and(is_space) {
        w = &w[..w.len() - 1];
    }
    (w.to_vec(), p)
}

/// A field's value and its `;key=value` parameters (curl's
/// `get_param_part`). After `type=`, a parameter curl does not know is part
/// of the type (`;type=text/plain; charset=utf-8`).
fn params(s: &[u8], end: u8, option: &str, shown: &str) -> Result<Params, FormError> {
    let mut out = Params::default();
    let mut p = skip_space(s, 0);
    (out.data, p) = word(s, p, end);
    let sep_at = |p: usize| s.get(p).copied().unwrap_or(0);
    let mut sep = sep_at(p);
    // Where the type started, while later parameters may still extend it.
    let mut type_start: Option<usize> = None;
    // Every turn moves p past a `;`, so the loop ends within s.len() turns.
    while sep == b';' {
        p = skip_space(s, p + 1);
        let rest = &s[p..];
        if type_start.is_none() && starts_with_ignore_case(rest, b"type=") {
            p = skip_space(s, p + 5);
            let start = p;
            // `%127[^/ ]/%127[^;, \n]`, as curl checks it.
            let major = s[p..]
                .iter()
                .take_while(|&&b| b != b'/' && b != b' ')
                .count();
            let minor_start = p + major + 1;
            let minor = s
                .get(minor_start..)
                .unwrap_or_default()
                .iter()
                .take_while(|&&b| !matches!(b, b';' | b',' | b' ' | b'\n'))
                .count();
            if major == 0 || major > 127 || s.get(p + major) != Some(&b'/') || minor == 0 {
                let given = word(s, start, end).0;
                return Err(FormError::BadType(
                    option.into(),
                    shown.into(),
                    text(&given),
                ));
            }
            p = minor_start + minor;
            let (type_end, next) = extend_type(s, p, p, end);
            out.content_type = Some(s[start..type_end].to_vec());
            type_start = Some(start);
            p = next;
        } else if starts_with_ignore_case(rest, b"filename=") {
            type_start = None;
            let (w, next) = word(s, skip_space(s, p + 9), end);
            out.filename = Some(w);
            p = next;
        } else if starts_with_ignore_case(rest, b"headers=") {
            type_start = None;
            p += 8;
            let from_file = matches!(s.get(p), Some(b'@' | b'<'));
            if from_file {
                p += 1;
            }
            let (w, next) = word(s, skip_space(s, p), end);
            if from_file {
                out.header_files.push(w);
            } else {
                out.headers.push(w);
            }
            p = next;
        } else if starts_with_ignore_case(rest, b"encoder=") {
            type_start = None;
            let (w, next) = word(s, skip_space(s, p + 8), end);
            out.encoder = Some(w);
            p = next;
        } else if let Some(start) = type_start {
            let (type_end, next) = extend_type(s, p, p, end);
            out.content_type = Some(s[start..type_end].to_vec());
            p = next;
        } else {
            let (w, next) = word(s, p, end);
            if !w.is_empty() {
                out.unknown.push(w);
            }
            p = next;
        }
        sep = sep_at(p);
    }
    out.sep = sep;
    Ok(out)
}

/// From `p`, the rest of a content type up to `;` or `end`: where its last
/// non-blank byte ends (`type_end` when there is none) and where it stopped.
fn extend_type(s: &[u8], mut p: usize, mut type_end: usize, end: u8) -> (usize, usize) {
    while p < s.len() && s[p] != b';' && !(end != 0 && s[p] == end) {
        if !is_space(s[p]) {
            type_end = p + 1;
        }
        p += 1;
    }
    (type_end, p)
}

/// The header lines of a `;headers=@file` as curl reads them: `#` lines
/// skipped, CRs dropped, a line that starts with a blank continuing the one
/// before, trailing blanks trimmed, each cut at 998 bytes.
fn field_headers(bytes: &[u8], warnings: &mut Vec<String>) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    let mut pos = 0usize;
    let mut comment = false;
    let mut cut = false;
    let flush = |line: &mut Vec<u8>, out: &mut Vec<Vec<u8>>| {
        while line.last().copied().is_some_and(is_space) {
            line.pop();
        }
        if !line.is_empty() {
            out.push(std::mem::take(line));
        }
    };
    for &c in bytes {
        if pos == 0 && !is_space(c) {
            flush(&mut line, &mut out);
        }
        match c {
            b'\r' => continue,
            b'\n' => {
                pos = 0;
                comment = false;
                continue;
            }
            b'#' if pos == 0 => comment = true,
            _ => {}
        }
        pos += 1;
        if !comment {
            if line.len() == MAX_FIELD_HEADER {
                cut = true;
                line.push(b' ');
            } else if line.len() < MAX_FIELD_HEADER {
                line.push(c);
            }
        }
    }
    flush(&mut line, &mut out);
    if cut {
        warnings.push(format!(
            "a header of a ;headers= file is over {MAX_FIELD_HEADER} bytes; curl cuts it there"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(args: &[&str]) -> Result<(Form, Vec<String>), FormError> {
        let files = Files {
            base_dir: None,
            stdin: Some(b"from stdin".to_vec()),
        };
        let mut form = Form::default();
        let mut warnings = Vec::new();
        for arg in args {
            form.add("-F", arg.as_bytes(), false, &files, &mut warnings)?;
        }
        Ok((form, warnings))
    }

    fn body(args: &[&str]) -> String {
        let (form, _) = form(args).expect("form");
        let (body, boundary) = form.encode(true).expect("body");
        String::from_utf8(body)
            .expect("text")
            .replace(&boundary, "B")
    }

    #[test]
    fn values_types_file_names_and_quotes_as_curl_7_88_frames_them() {
        // Each expected body is what curl 7.88.1 sent for the same -F
        // arguments (its --trace), its boundary written B.
        assert_eq!(
            body(&["status=paid", "empty=", "e= spaced "]),
            "--B\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\npaid\r\n\
             --B\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n\
             --B\r\nContent-Disposition: form-data; name=\"e\"\r\n\r\nspaced\r\n--B--\r\n"
        );
        assert_eq!(
            body(&[
                "a=text;filename=x.txt",
                "b=text;filename=x.bin",
                "c=text;type=text/foo",
                "d=1;type=text/plain; charset=utf-8;filename=f.txt",
                "f=\" q\\\"uo;ted \";type=a/b",
                "=noname",
                "na\"me=x",
            ]),
            "--B\r\nContent-Disposition: form-data; name=\"a\"; filename=\"x.txt\"\r\nContent-Type: text/plain\r\n\r\ntext\r\n\
             --B\r\nContent-Disposition: form-data; name=\"b\"; filename=\"x.bin\"\r\n\r\ntext\r\n\
             --B\r\nContent-Disposition: form-data; name=\"c\"\r\nContent-Type: text/foo\r\n\r\ntext\r\n\
             --B\r\nContent-Disposition: form-data; name=\"d\"; filename=\"f.txt\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n1\r\n\
             --B\r\nContent-Disposition: form-data; name=\"f\"\r\nContent-Type: a/b\r\n\r\n q\"uo;ted \r\n\
             --B\r\nContent-Disposition: form-data\r\n\r\nnoname\r\n\
             --B\r\nContent-Disposition: form-data; name=\"na%22me\"\r\n\r\nx\r\n--B--\r\n"
        );
    }

    /// The same shapes as curl 7.88.1's traces; curl reads standard input
    /// once (a second `@-` there is empty), the import gives it to each.
    #[test]
    fn standard_input_and_part_headers() {
        assert_eq!(
            body(&[
                "a=@-",
                "b=@-;filename=x.txt",
                "c=<-;type=text/z",
                "d=1;headers=X-A: 1;headers=X-B: 2;type=t/u",
                "e=1;headers=\"Content-Type: x/y\"",
                "f=1;headers=\"Content-Disposition: inline\"",
            ]),
            "--B\r\nContent-Disposition: form-data; name=\"a\"; filename=\"-\"\r\n\r\nfrom stdin\r\n\
             --B\r\nContent-Disposition: form-data; name=\"b\"; filename=\"x.txt\"\r\nContent-Type: text/plain\r\n\r\nfrom stdin\r\n\
             --B\r\nContent-Disposition: form-data; name=\"c\"\r\nContent-Type: text/z\r\n\r\nfrom stdin\r\n\
             --B\r\nContent-Disposition: form-data; name=\"d\"\r\nContent-Type: t/u\r\nX-A: 1\r\nX-B: 2\r\n\r\n1\r\n\
             --B\r\nContent-Disposition: form-data; name=\"e\"\r\nContent-Type: x/y\r\n\r\n1\r\n\
             --B\r\nContent-Disposition: inline\r\n\r\n1\r\n--B--\r\n"
        );
        let mut warnings = Vec::new();
        assert_eq!(
            field_headers(
                b"X-One: 1\n# comment\nX-Two: 2\n  folded\n\r\nX-Three: 3 \n",
                &mut warnings
            ),
            [&b"X-One: 1"[..], b"X-Two: 2  folded", b"X-Three: 3"]
        );
        assert!(warnings.is_empty());
    }

    #[test]
    fn attachments_under_another_type() {
        let (form, _) = form(&["a=1", "=2"]).expect("form");
        let (body, boundary) = form.encode(false).expect("body");
        assert_eq!(
            String::from_utf8(body)
                .expect("text")
                .replace(&boundary, "B"),
            "--B\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\n1\r\n--B\r\n\r\n2\r\n--B--\r\n"
        );
    }

    #[test]
    fn the_boundary_has_curls_shape_and_follows_the_parts() {
        let one = form(&["a=1"]).expect("form").0.encode(true).expect("body");
        let again = form(&["a=1"]).expect("form").0.encode(true).expect("body");
        let other = form(&["a=2"]).expect("form").0.encode(true).expect("body");
        assert_eq!(one, again);
        assert_ne!(one.1, other.1);
        assert_eq!(one.1.len(), 40);
        assert!(one.1.starts_with(&"-".repeat(24)));
        assert!(one.1[24..].bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn what_is_refused() {
        let message = |args: &[&str]| form(args).err().expect("an error").to_string();
        assert_eq!(
            message(&["a"]),
            "-F a: a form field is name=value (curl refuses it too)"
        );
        assert_eq!(
            message(&["a=1;type=bad"]),
            "-F a=1;type=bad: `type=bad` is not a content type"
        );
        assert!(message(&["a=@-,-"]).contains("several files in one field"));
        assert!(message(&["a=(;type=multipart/mixed"]).contains("nested multipart"));
        assert!(message(&["=)"]).contains("nested multipart"));
        assert!(message(&["a=@-;encoder=base64"]).contains("`;encoder=`"));
        assert!(message(&["a=@x.txt"]).contains("-F a=@x.txt reads a file"));
        let many: Vec<String> = (0..=MAX_FORM_PARTS).map(|i| format!("f{i}=1")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(message(&many).starts_with("more than 1000 form parts"));
    }
}
