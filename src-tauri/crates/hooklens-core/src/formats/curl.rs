//! curl command lines: the request each one sends, by curl's own rules.
//!
//! - `-d`/`--data`/`--data-ascii` read `@file` with CR and LF removed;
//!   `--data-binary` and `--json` read it as is; `--data-raw` has no `@`;
//!   `--data-urlencode` encodes as curl does; several pieces join with `&`
//!   (`--json` pieces join with nothing). Data makes the method POST and
//!   adds `Content-Type: application/x-www-form-urlencoded` unless one is
//!   given; `--json` adds `Content-Type` and `Accept: application/json`;
//!   `-G` moves the data into the query instead.
//! - `-F`/`--form`/`--form-string` make a multipart/form-data body as curl
//!   7.88 frames it (`curl_form.rs`), with a boundary of curl's shape made
//!   from the parts instead of curl's random one, said in a warning; a -H
//!   `Content-Type` gets `; boundary=…` added and moves after
//!   `Content-Length`, as curl does. With `-d`, `-T` or `-I` it is an error,
//!   as in curl. All the data or form parts of one command count against one
//!   body's cap.
//! - `@file` is looked up in the folder the caller gives (the imported
//!   file's); without one, or for a path outside it, it is refused: an
//!   import must not read arbitrary files into an event someone may share.
//!   `@-` is standard input: a here-document, `< file`, or the
//!   `printf '…' |` Hooklens's own "Copy as curl" puts before curl.
//! - The headers are those curl would send, in its order, less the two that
//!   only say which curl ran it: `Host` (from the URL, or `-H Host:`),
//!   `Authorization` from `-u`, `User-Agent` only from `-A`, `Referer`,
//!   `Cookie`, `Range`, the `-H` headers in order (`-H 'X:'` removes X,
//!   `-H 'X;'` sends it empty), then `Content-Length` and the default
//!   `Content-Type`. curl's own `User-Agent: curl/…` and `Accept: */*` are
//!   left out.
//! - A command written for cmd.exe (Chrome's and Edge's "Copy as cURL
//!   (cmd)") is read by cmd.exe's and the C runtime's rules
//!   (`curl_cmd.rs`), then as any other.
//! - Options that change only how curl runs (`-s`, `-v`, `-L`, `-k`,
//!   `--compressed`, `-o FILE`, timeouts, …) are accepted and ignored; an
//!   unknown option is an error naming it, since guessing whether it takes
//!   an argument could turn the next word into the URL. Each URL is one
//!   request (curl sends them in turn).

use std::collections::VecDeque;
use std::path::Path;

use base64::Engine;

use super::MAX_BODY_BYTES;
use super::curl_base::{Command, CurlError, text};
use super::curl_form::Form;
use super::curl_input::{Files, split_url, url_encode_arg};
use super::curl_words;
use super::{EntryError, Incoming, check_headers};
use crate::wire::StoredHeader;

/// The entries of a curl text: each command, and each URL in it.
pub struct CurlReader<'a> {
    commands: std::vec::IntoIter<Command>,
    base_dir: Option<&'a Path>,
    entry: u64,
    ready: VecDeque<Result<Incoming, EntryError>>,
}

impl<'a> CurlReader<'a> {
    pub fn new(text: &[u8], base_dir: Option<&'a Path>) -> Self {
        CurlReader {
            commands: curl_words::commands(text).into_iter(),
            base_dir,
            entry: 0,
            ready: VecDeque::new(),
        }
    }
}

impl Iterator for CurlReader<'_> {
    type Item = Result<Incoming, EntryError>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.ready.is_empty() {
            let Some(command) = self.commands.next() else {
                if self.entry == 0 {
                    self.entry = 1;
                    return Some(Err(EntryError::new(
                        1,
                        None,
                        "the text has no curl command in it",
                    )));
                }
                return None;
            };
            let line = command.line;
            match requests(command, self.base_dir) {
                Ok(list) => {
                    for mut incoming in list {
                        self.entry += 1;
                        incoming.entry = self.entry;
                        incoming.line = Some(line);
                        self.ready.push_back(Ok(incoming));
                    }
                }
                Err(error) => {
                    self.entry += 1;
                    self.ready.push_back(Err(EntryError::new(
                        self.entry,
                        Some(line),
                        error.to_string(),
                    )));
                }
            }
        }
        self.ready.pop_front()
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Data {
    Ascii,
    Binary,
    Raw,
    UrlEncode,
    Json,
}

/// What the options of one command say.
#[derive(Default)]
struct Spec {
    method: Option<String>,
    urls: Vec<String>,
    headers: Vec<Vec<u8>>,
    data: Vec<(Data, Vec<u8>)>,
    /// Bytes of data so far, `&`s included, against [`MAX_BODY_BYTES`].
    data_bytes: usize,
    /// The `-F` parts, and the first option that gave one.
    form: Form,
    form_option: Option<String>,
    /// The first option that gave data.
    data_option: Option<String>,
    url_query: Vec<Vec<u8>>,
    upload: Option<Vec<u8>>,
    get: bool,
    head: bool,
    user: Option<Vec<u8>>,
    user_agent: Option<Vec<u8>>,
    referer: Option<Vec<u8>>,
    cookie: Option<Vec<u8>>,
    range: Option<Vec<u8>>,
    bearer: Option<Vec<u8>>,
    http_version: Option<&'static str>,
    /// `-g`: brackets and braces in URLs are not curl's globbing.
    globoff: bool,
}

/// Options that take a value and change nothing in the request.
#[rustfmt::skip]
const IGNORED_WITH_VALUE: &[&str] = &[
    "-o", "--output", "-m", "--max-time", "--connect-timeout", "--retry", "--retry-delay",
    "--retry-max-time", "-x", "--proxy", "-U", "--proxy-user", "--cacert", "--capath", "-E",
    "--cert", "--cert-type", "--key", "--key-type", "--pass", "--ciphers", "-w", "--write-out",
    "-D", "--dump-header", "--resolve", "--connect-to", "--limit-rate", "-y", "--speed-time",
    "-Y", "--speed-limit", "--max-filesize", "--max-redirs", "--interface", "--local-port",
    "--dns-servers", "-c", "--cookie-jar", "--trace", "--trace-ascii", "--stderr", "--proto",
    "--proto-redir", "--expect100-timeout", "--keepalive-time", "--noproxy", "--unix-socket",
    "--abstract-unix-socket", "--output-dir", "--happy-eyeballs-timeout-ms", "-C",
    "--continue-at", "--retry-all-errors", "--tls-max", "--curves", "--pinnedpubkey",
];

/// Options without a value that change nothing in the request.
#[rustfmt::skip]
const IGNORED_FLAGS: &[&str] = &[
    "-s", "--silent", "-S", "--show-error", "-v", "--verbose", "-i", "--include", "-L",
    "--location", "--location-trusted", "-k", "--insecure", "--compressed", "-f", "--fail",
    "--fail-with-body", "--fail-early", "-N", "--no-buffer", "-#",
    "--progress-bar", "--no-progress-meter", "-4", "--ipv4", "-6", "--ipv6", "-q", "--disable",
    "--raw", "--tr-encoding", "-O", "--remote-name", "-J", "--remote-header-name", "-n",
    "--netrc", "--no-keepalive", "--tcp-nodelay", "--tcp-fastopen", "--ssl-reqd",
    "--path-as-is", "--basic", "--anyauth", "--post301", "--post302", "--post303",
    "--no-sessionid", "--no-alpn", "--no-npn", "-j", "--junk-session-cookies", "-R",
    "--remote-time", "--create-dirs", "-p", "--proxytunnel", "--proxy-insecure",
    "--false-start", "--tlsv1", "--tlsv1.0", "--tlsv1.1", "--tlsv1.2", "--tlsv1.3",
    "--trace-time", "--styled-output", "--http2", "--http2-prior-knowledge", "--http3",
    "--http3-only", "--ssl", "--ssl-no-revoke", "--ca-native", "--digest", "--ntlm",
    "--negotiate", "--xattr", "-Z", "--parallel",
];

/// The requests one command sends.
fn requests(command: Command, base_dir: Option<&Path>) -> Result<Vec<Incoming>, CurlError> {
    let Command {
        words,
        heredoc,
        mut warnings,
        ..
    } = command;
    let mut words = words.map_err(CurlError::File)?;
    if words.first().is_some_and(|w| w == b"$") {
        words.remove(0);
    }
    let mut stdin = heredoc;
    // `printf 'FORMAT' | curl …`: Hooklens's own "Copy as curl" for bytes a
    // shell word cannot hold.
    if words.first().is_some_and(|w| w == b"printf") && words.get(2).is_some_and(|w| w == b"|") {
        let format = words.get(1).cloned().unwrap_or_default();
        stdin = Some(curl_words::printf(&format).map_err(CurlError::File)?);
        words.drain(..3);
    }
    match words.first() {
        Some(w) if w == b"curl" || w == b"curl.exe" => {}
        Some(w) => return Err(CurlError::NotCurl(text(w).chars().take(40).collect())),
        None => return Err(CurlError::NotCurl(String::new())),
    }
    let files = Files { base_dir, stdin };
    let spec = parse(&words[1..], &files, &mut warnings)?;
    build(spec, &files, warnings)
}

fn parse(
    words: &[Vec<u8>],
    files: &Files<'_>,
    warnings: &mut Vec<String>,
) -> Result<Spec, CurlError> {
    let mut spec = Spec::default();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        i += 1;
        if word == b"|" || word == b";" || word == b"&&" || word == b"||" || word == b">" {
            if word == b">" {
                i += 1;
                continue;
            }
            warnings.push(format!(
                "what follows `{}` is another command; it is not imported",
                text(word)
            ));
            break;
        }
        if word == b"<" {
            // `< file` feeds standard input; only `@-` reads it.
            i += 1;
            continue;
        }
        if word.len() < 2 || word[0] != b'-' || word == b"--" {
            spec.urls.push(text(word));
            continue;
        }
        // Short options may be grouped (`-sSL`) and take their value
        // attached (`-XPOST`, `-d@file`).
        let options: Vec<(String, Option<Vec<u8>>)> = if word.starts_with(b"--") {
            vec![(text(word), None)]
        } else {
            let mut list = Vec::new();
            let mut k = 1;
            while k < word.len() {
                let name = format!("-{}", word[k] as char);
                k += 1;
                if takes_value(&name) {
                    let attached = (k < word.len()).then(|| word[k..].to_vec());
                    list.push((name, attached));
                    break;
                }
                list.push((name, None));
            }
            list
        };
        for (name, attached) in options {
            let mut value = || -> Result<Vec<u8>, CurlError> {
                if let Some(v) = attached.clone() {
                    return Ok(v);
                }
                let v = words
                    .get(i)
                    .cloned()
                    .ok_or_else(|| CurlError::MissingValue(name.clone()))?;
                i += 1;
                Ok(v)
            };
            apply(&name, &mut value, &mut spec, files, warnings)?;
        }
    }
    Ok(spec)
}

fn takes_value(name: &str) -> bool {
    IGNORED_WITH_VALUE.contains(&name)
        || matches!(
            name,
            "-X" | "-H" | "-d" | "-u" | "-A" | "-e" | "-b" | "-r" | "-T" | "-F" | "-K"
        )
}

fn apply(
    name: &str,
    value: &mut dyn FnMut() -> Result<Vec<u8>, CurlError>,
    spec: &mut Spec,
    files: &Files<'_>,
    warnings: &mut Vec<String>,
) -> Result<(), CurlError> {
    // Several data options make one body: what they read counts against
    // one budget, so many `-d @file` cannot add up past a body's cap.
    let room = MAX_BODY_BYTES.saturating_sub(spec.data_bytes);
    let data = |kind: Data, v: Vec<u8>| -> Result<(Data, Vec<u8>), CurlError> {
        // Only the start of a value: a literal one may be megabytes.
        let label = format!("{name} {}", text(&v[..v.len().min(80)]));
        let bytes = match (kind, v.strip_prefix(b"@")) {
            (Data::Ascii, Some(file)) => {
                let mut bytes = files.read_within(file, &label, room)?;
                bytes.retain(|&b| b != b'\r' && b != b'\n');
                bytes
            }
            (Data::Binary | Data::Json, Some(file)) => files.read_within(file, &label, room)?,
            (Data::UrlEncode, _) => url_encode_arg(&v, files, name)?,
            _ => v,
        };
        if bytes.len() > room {
            return Err(CurlError::Caps(format!(
                "{label} takes the body over {} MB",
                MAX_BODY_BYTES >> 20
            )));
        }
        Ok((kind, bytes))
    };
    let push_data = |spec: &mut Spec, piece: (Data, Vec<u8>)| {
        spec.data_bytes += piece.1.len() + 1;
        spec.data.push(piece);
        spec.data_option.get_or_insert_with(|| name.to_owned());
    };
    match name {
        "-X" | "--request" => spec.method = Some(text(&value()?)),
        "--url" => spec.urls.push(text(&value()?)),
        "-H" | "--header" => {
            let v = value()?;
            match v.strip_prefix(b"@") {
                Some(file) => {
                    let bytes = files.read(file, name)?;
                    spec.headers.extend(
                        bytes
                            .split(|&b| b == b'\n')
                            .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
                            .filter(|l| !l.is_empty()),
                    );
                }
                None => spec.headers.push(v),
            }
        }
        "-d" | "--data" | "--data-ascii" => push_data(spec, data(Data::Ascii, value()?)?),
        "--data-binary" => push_data(spec, data(Data::Binary, value()?)?),
        "--data-raw" => push_data(spec, data(Data::Raw, value()?)?),
        "--data-urlencode" => push_data(spec, data(Data::UrlEncode, value()?)?),
        "--json" => push_data(spec, data(Data::Json, value()?)?),
        "--url-query" => {
            let v = value()?;
            let encoded = match v.strip_prefix(b"+") {
                Some(raw) => raw.to_vec(),
                None => url_encode_arg(&v, files, name)?,
            };
            spec.url_query.push(encoded);
        }
        "-G" | "--get" => spec.get = true,
        "-g" | "--globoff" => spec.globoff = true,
        "-I" | "--head" => spec.head = true,
        "-T" | "--upload-file" => {
            let v = value()?;
            spec.upload = Some(files.read(&v, name)?);
        }
        "-u" | "--user" => spec.user = Some(value()?),
        "-A" | "--user-agent" => spec.user_agent = Some(value()?),
        "-e" | "--referer" => spec.referer = Some(value()?),
        "-b" | "--cookie" => {
            let v = value()?;
            if v.contains(&b'=') {
                spec.cookie = Some(v);
            } else {
                warnings.push(format!("-b {} names a cookie file; not read", text(&v)));
            }
        }
        "-r" | "--range" => spec.range = Some(value()?),
        "--oauth2-bearer" => spec.bearer = Some(value()?),
        "-0" | "--http1.0" => spec.http_version = Some("HTTP/1.0"),
        "--http1.1" => spec.http_version = Some("HTTP/1.1"),
        "-F" | "--form" | "--form-string" => {
            let v = value()?;
            let literal = name == "--form-string";
            spec.form.add(name, &v, literal, files, warnings)?;
            spec.form_option.get_or_insert_with(|| name.to_owned());
        }
        // Both would make the command say less than the request (the
        // options in a file) or more than one (each --next its own), so
        // reading on would import a wrong request without a word.
        "-K" | "--config" => {
            return Err(CurlError::Unsupported(
                name.into(),
                "it reads more options from a file; write them into the command",
            ));
        }
        "-:" | "--next" => {
            return Err(CurlError::Unsupported(
                name.into(),
                "it starts another request with options of its own; write one command per request",
            ));
        }
        _ if IGNORED_WITH_VALUE.contains(&name) => {
            value()?;
        }
        _ if IGNORED_FLAGS.contains(&name) => {}
        _ if name
            .strip_prefix("--no-")
            .is_some_and(|rest| IGNORED_FLAGS.contains(&format!("--{rest}").as_str())) => {}
        _ => return Err(CurlError::UnknownOption(name.into())),
    }
    Ok(())
}

/// The requests the options describe, one per URL.
fn build(
    spec: Spec,
    _files: &Files<'_>,
    warnings: Vec<String>,
) -> Result<Vec<Incoming>, CurlError> {
    if spec.urls.is_empty() {
        return Err(CurlError::NoUrl);
    }
    let form = !spec.form.is_empty();
    if let Some(option) = spec.form_option.clone() {
        let other = match (&spec.data_option, spec.upload.is_some(), spec.head) {
            (Some(data), _, _) => Some(data.clone()),
            (None, true, _) => Some("-T".to_owned()),
            (None, false, true) => Some("-I".to_owned()),
            (None, false, false) => None,
        };
        if let Some(other) = other {
            return Err(CurlError::Conflict(option, other));
        }
    }
    // The data, joined the way curl joins it.
    let has_data = !spec.data.is_empty();
    let mut joined = Vec::new();
    let mut previous: Option<Data> = None;
    for (kind, bytes) in &spec.data {
        if previous.is_some() && !(kind == &Data::Json && previous == Some(Data::Json)) {
            joined.push(b'&');
        }
        joined.extend_from_slice(bytes);
        previous = Some(*kind);
    }
    let json = spec.data.iter().any(|(k, _)| *k == Data::Json);
    let (mut body, query_extra): (Option<Vec<u8>>, Vec<u8>) = if spec.get {
        (None, joined)
    } else if has_data {
        (Some(joined), Vec::new())
    } else {
        (spec.upload.clone(), Vec::new())
    };
    let method = spec.method.clone().unwrap_or_else(|| {
        if spec.head {
            "HEAD".into()
        } else if form {
            // -G moves only -d data; a form is still posted.
            "POST".into()
        } else if spec.get {
            "GET".into()
        } else if has_data {
            "POST".into()
        } else if spec.upload.is_some() {
            "PUT".into()
        } else {
            "GET".into()
        }
    });
    // The -H headers: names curl must not add itself, and removals.
    let mut custom: Vec<StoredHeader> = Vec::new();
    let mut removed: Vec<String> = Vec::new();
    for line in &spec.headers {
        let (name, value, empty) = match line.iter().position(|&b| b == b':' || b == b';') {
            Some(i) => (
                text(&line[..i]).trim().to_owned(),
                &line[i + 1..],
                line[i] == b';',
            ),
            None => continue,
        };
        if name.is_empty() {
            continue;
        }
        // curl drops the spaces after the colon; a value of only spaces is
        // no value (the header is removed).
        let value = value.trim_ascii_start();
        if empty && value.trim_ascii().is_empty() {
            custom.push(StoredHeader::new(&name, b""));
        } else if !empty && value.trim_ascii().is_empty() {
            removed.push(name.to_ascii_lowercase());
        } else if empty {
            // `X;stuff` is not curl's empty-header form: not a header at all.
            continue;
        } else {
            custom.push(StoredHeader::new(&name, value));
        }
    }
    let given = |n: &str| {
        custom.iter().any(|h| h.name.eq_ignore_ascii_case(n)) || removed.iter().any(|r| r == n)
    };
    // A form's Content-Type: a -H one with the boundary added (an emptied
    // one too, as curl does), else multipart/form-data; either way after
    // Content-Length, where curl puts it.
    let mut form_type = None;
    let mut warnings = warnings;
    if form {
        let given_type = match custom
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("content-type"))
        {
            Some(h) => Some(h.bytes().to_vec()),
            None => removed.iter().any(|r| r == "content-type").then(Vec::new),
        };
        let value = given_type.unwrap_or_else(|| b"multipart/form-data".to_vec());
        let (bytes, boundary) = spec.form.encode(is_form_data(&value))?;
        body = Some(bytes);
        form_type = Some([value.as_slice(), b"; boundary=", boundary.as_bytes()].concat());
        warnings.push(format!(
            "the multipart boundary is Hooklens's own ({boundary}, made from the parts): curl picks a random one each time it runs, so this body is not byte for byte the one sent, and a signature over that one will not verify against it"
        ));
    }
    let mut out = Vec::new();
    for url in &spec.urls {
        let url = if spec.globoff {
            url.clone()
        } else {
            unescape_glob(url)
        };
        let parsed = split_url(&url);
        let mut target = parsed.target.clone();
        for extra in std::iter::once(&query_extra).chain(spec.url_query.iter()) {
            if extra.is_empty() {
                continue;
            }
            target.push(if target.contains('?') { '&' } else { '?' });
            target.push_str(&text(extra));
        }
        let mut headers = Vec::new();
        match custom.iter().find(|h| h.name.eq_ignore_ascii_case("host")) {
            Some(host) => headers.push(host.clone()),
            None if !given("host") => {
                headers.push(StoredHeader::new("Host", parsed.host.as_bytes()))
            }
            None => {}
        }
        let user = spec.user.clone().or(parsed.userinfo.clone());
        if let Some(user) = user.filter(|_| !given("authorization")) {
            let credentials = if user.contains(&b':') {
                user
            } else {
                [user, b":".to_vec()].concat()
            };
            let value = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(credentials)
            );
            headers.push(StoredHeader::new("Authorization", value.as_bytes()));
        }
        if let Some(token) = spec.bearer.as_ref().filter(|_| !given("authorization")) {
            headers.push(StoredHeader::new(
                "Authorization",
                &[b"Bearer ", token.as_slice()].concat(),
            ));
        }
        for (name, value) in [
            ("User-Agent", &spec.user_agent),
            ("Referer", &spec.referer),
            ("Cookie", &spec.cookie),
        ] {
            if let Some(v) = value
                .as_ref()
                .filter(|_| !given(&name.to_ascii_lowercase()))
            {
                headers.push(StoredHeader::new(name, v));
            }
        }
        if let Some(range) = spec.range.as_ref().filter(|_| !given("range")) {
            headers.push(StoredHeader::new(
                "Range",
                &[b"bytes=", range.as_slice()].concat(),
            ));
        }
        headers.extend(
            custom
                .iter()
                .filter(|h| !h.name.eq_ignore_ascii_case("host"))
                .filter(|h| !(form && h.name.eq_ignore_ascii_case("content-type")))
                .cloned(),
        );
        // --json adds its two headers after the -H ones, as curl does.
        if json {
            if !given("content-type") {
                headers.push(StoredHeader::new("Content-Type", b"application/json"));
            }
            if !given("accept") {
                headers.push(StoredHeader::new("Accept", b"application/json"));
            }
        }
        if let Some(body) = &body
            && !given("content-length")
            && !given("transfer-encoding")
        {
            headers.push(StoredHeader::new(
                "Content-Length",
                body.len().to_string().as_bytes(),
            ));
        }
        if let Some(value) = &form_type {
            headers.push(StoredHeader::new("Content-Type", value));
        } else if !json && has_data && !spec.get && !given("content-type") {
            headers.push(StoredHeader::new(
                "Content-Type",
                b"application/x-www-form-urlencoded",
            ));
        }
        check_headers(&headers).map_err(CurlError::Caps)?;
        let mut warnings = warnings.clone();
        let arrived = super::date_header_arrival(&headers, &mut warnings);
        out.push(Incoming {
            entry: 0,
            line: None,
            method: method.clone(),
            target,
            http_version: spec.http_version.map(str::to_owned),
            headers,
            body: body.clone().unwrap_or_default(),
            arrived,
            warnings,
            recorded: None,
        });
    }
    Ok(out)
}

/// A URL after curl's globbing, for the escapes alone: `\[`, `\]`, `\{`
/// and `\}` are the characters themselves (Chrome's "Copy as cURL" writes
/// them so in every URL). A range or list that is not escaped is left as
/// written: the import reads one URL, not the several curl would make.
fn unescape_glob(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut chars = url.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && chars
                .peek()
                .is_some_and(|n| matches!(n, '[' | ']' | '{' | '}'))
        {
            continue;
        }
        out.push(c);
    }
    out
}

/// Whether a Content-Type is multipart/form-data, parameters aside (curl's
/// `content_type_match`): its parts are then `form-data`, else `attachment`.
fn is_form_data(value: &[u8]) -> bool {
    let kind = b"multipart/form-data";
    value.len() >= kind.len()
        && value[..kind.len()].eq_ignore_ascii_case(kind)
        && matches!(value.get(kind.len()), None | Some(b' ' | b'\t' | b';'))
}
