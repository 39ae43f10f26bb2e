//! The import readers against sources made by real tools
//! (tests/fixtures/import, whose README says how each was made), and
//! against bad input: every entry exact, every error with its position.

use std::io::{BufReader, Cursor};
use std::path::{Path, PathBuf};

use hooklens_core::formats::bundle::{DeliveryLine, EndpointLine, EventLine, Header, Line, MAGIC};
use hooklens_core::formats::detect::detect;
use hooklens_core::formats::{self, ArrivalFrom, EntryError, Format, Incoming};
use hooklens_core::wire::StoredHeader;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/import")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn read_as(format: Format, bytes: Vec<u8>) -> Vec<Result<Incoming, EntryError>> {
    let dir = fixtures();
    formats::read(format, Box::new(Cursor::new(bytes)), Some(dir.as_path())).collect()
}

/// Reads a fixture in the format detection finds (and checks it finds `format`).
fn read_fixture(name: &str, format: Format) -> Vec<Incoming> {
    let bytes = fixture(name);
    assert_eq!(detect(&bytes), Some(format), "{name}");
    read_as(format, bytes)
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{name}: {e}")))
        .collect()
}

fn headers(incoming: &Incoming) -> Vec<(&str, &str)> {
    incoming
        .headers
        .iter()
        .map(|h| (h.name.as_str(), h.text().expect("text header")))
        .collect()
}

const NS_2026: i64 = 1_767_225_600_000_000_000;
const STRIPE_SIG: &str =
    "t=1767225600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd";

#[test]
fn mitmproxy_har() {
    let got = read_fixture("mitmproxy.har", Format::Har);
    assert_eq!(got.len(), 5);
    let e = &got[0];
    assert_eq!((e.entry, e.method.as_str()), (1, "POST"));
    assert_eq!(e.target, "http://127.0.0.1:18080/webhooks/stripe");
    assert_eq!(e.http_version.as_deref(), Some("HTTP/1.1"));
    assert_eq!(
        headers(e),
        [
            ("Host", "127.0.0.1:18080"),
            ("User-Agent", "curl/7.88.1"),
            ("Accept", "*/*"),
            ("Content-Type", "application/json"),
            ("Stripe-Signature", STRIPE_SIG),
            ("Date", "Thu, 01 Jan 2026 00:00:00 GMT"),
            ("Content-Length", "144"),
        ]
    );
    assert_eq!(e.body, fixture("event.json"));
    let arrived = e.arrived.expect("startedDateTime");
    assert_eq!(arrived.from, ArrivalFrom::HarStartedDateTime);
    // 2026-12-06T22:18:25.121168+00:00
    assert_eq!(arrived.at_ns, 1_796_595_505_121_168_000);
    assert!(e.warnings.is_empty(), "{:?}", e.warnings);

    let binary = &got[1];
    assert_eq!(
        binary.target,
        "http://127.0.0.1:18080/webhooks/binary?n=256"
    );
    assert_eq!(binary.body, fixture("binary.bin"));
    assert!(binary.warnings[0].contains("one character per byte"));

    let form = &got[2];
    assert_eq!(
        form.body,
        b"status=paid&note=two words & more&email=a%40b.example"
    );
    assert_eq!(
        headers(form)[4],
        ("Content-Type", "application/x-www-form-urlencoded")
    );

    let pretty = &got[3];
    assert_eq!(pretty.body, fixture("pretty.json"));
    assert!(pretty.warnings.is_empty());
    assert_eq!(
        &headers(pretty)[3..6],
        [
            ("Content-Type", "application/json; charset=utf-8"),
            ("X-Custom", "Mixed Case Value"),
            ("x-custom", "second"),
        ]
    );

    let get = &got[4];
    assert_eq!((get.method.as_str(), get.body.len()), ("GET", 0));
    assert_eq!(get.target, "http://127.0.0.1:18080/health?check=1");
    assert_eq!(get.line, Some(377), "the line where the entry starts");
}

const FIREFOX_UA: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0";
const FIREFOX_PAGE: &str = "http://127.0.0.1:18080/firefox-page.html?run";

/// The headers Firefox 153 sent with each of the page's `fetch` POSTs:
/// its own around the page's (`given`) and the Content-Length.
fn firefox_fetch_headers<'a>(
    given: &[(&'a str, &'a str)],
    length: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut all = vec![
        ("Host", "127.0.0.1:18080"),
        ("User-Agent", FIREFOX_UA),
        ("Accept", "*/*"),
        ("Accept-Language", "en-US,en;q=0.9"),
        ("Accept-Encoding", "gzip, deflate, br, zstd"),
        ("Referer", FIREFOX_PAGE),
    ];
    all.extend_from_slice(given);
    all.extend_from_slice(&[
        ("Content-Length", length),
        ("Origin", "http://127.0.0.1:18080"),
        ("Connection", "keep-alive"),
        ("Sec-Fetch-Dest", "empty"),
        ("Sec-Fetch-Mode", "cors"),
        ("Sec-Fetch-Site", "same-origin"),
        ("Priority", "u=4"),
    ]);
    all
}

#[test]
fn firefox_har() {
    let got = read_fixture("firefox.har", Format::Har);
    // Every entry is a request: the page's own GET and the favicon too.
    let summary: Vec<_> = got
        .iter()
        .map(|e| (e.entry, e.line, e.method.as_str(), e.target.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (1, Some(24), "GET", FIREFOX_PAGE),
            (
                2,
                Some(135),
                "POST",
                "http://127.0.0.1:18080/webhooks/stripe"
            ),
            (3, Some(258), "GET", "http://127.0.0.1:18080/favicon.ico"),
            (
                4,
                Some(356),
                "POST",
                "http://127.0.0.1:18080/webhooks/binary?n=256"
            ),
            (5, Some(480), "POST", "http://127.0.0.1:18080/webhooks/form"),
            (
                6,
                Some(612),
                "POST",
                "http://127.0.0.1:18080/webhooks/pretty"
            ),
        ]
    );
    // startedDateTime, 2026-12-06T23:43:57.890+00:00 and on, in ms.
    let arrived: Vec<_> = got
        .iter()
        .map(|e| {
            let a = e.arrived.expect("startedDateTime");
            assert_eq!(a.from, ArrivalFrom::HarStartedDateTime);
            a.at_ns
        })
        .collect();
    assert_eq!(
        arrived,
        [
            1_796_600_637_890_000_000,
            1_796_600_638_059_000_000,
            1_796_600_638_093_000_000,
            1_796_600_638_094_000_000,
            1_796_600_638_147_000_000,
            1_796_600_638_197_000_000,
        ]
    );
    for e in &got {
        assert_eq!(e.http_version.as_deref(), Some("HTTP/1.1"), "{}", e.target);
    }

    let page = &got[0];
    assert!(page.body.is_empty());
    assert_eq!(
        headers(page),
        [
            ("Host", "127.0.0.1:18080"),
            ("User-Agent", FIREFOX_UA),
            (
                "Accept",
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
            ),
            ("Accept-Language", "en-US,en;q=0.9"),
            ("Accept-Encoding", "gzip, deflate, br, zstd"),
            ("Connection", "keep-alive"),
            ("Referer", "http://127.0.0.1:18080/firefox-page.html"),
            ("Upgrade-Insecure-Requests", "1"),
            ("Sec-Fetch-Dest", "document"),
            ("Sec-Fetch-Mode", "navigate"),
            ("Sec-Fetch-Site", "same-origin"),
            ("Priority", "u=0, i"),
        ]
    );
    assert!(page.warnings.is_empty(), "{:?}", page.warnings);

    // The page's Date header is not here: fetch drops it (a forbidden name).
    let stripe = &got[1];
    assert_eq!(
        headers(stripe),
        firefox_fetch_headers(
            &[
                ("Content-Type", "application/json"),
                ("Stripe-Signature", STRIPE_SIG),
            ],
            "144"
        )
    );
    assert_eq!(stripe.body, fixture("event.json"));
    assert!(stripe.warnings.is_empty(), "{:?}", stripe.warnings);

    let favicon = &got[2];
    assert!(favicon.body.is_empty());
    assert_eq!(
        headers(favicon),
        [
            ("Host", "127.0.0.1:18080"),
            ("User-Agent", FIREFOX_UA),
            (
                "Accept",
                "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5"
            ),
            ("Accept-Language", "en-US,en;q=0.9"),
            ("Accept-Encoding", "gzip, deflate, br, zstd"),
            ("Connection", "keep-alive"),
            ("Referer", FIREFOX_PAGE),
            ("Sec-Fetch-Dest", "image"),
            ("Sec-Fetch-Mode", "no-cors"),
            ("Sec-Fetch-Site", "same-origin"),
        ]
    );
    assert!(favicon.warnings.is_empty(), "{:?}", favicon.warnings);

    // Not UTF-8, so Firefox wrote it one character per byte, as mitmproxy does.
    let binary = &got[3];
    assert_eq!(
        headers(binary),
        firefox_fetch_headers(&[("Content-Type", "application/octet-stream")], "256")
    );
    assert_eq!(binary.body, fixture("binary.bin"));
    assert_eq!(binary.warnings.len(), 1, "{:?}", binary.warnings);
    assert!(binary.warnings[0].contains("one character per byte"));

    // URLSearchParams: the browser's own encoding and Content-Type.
    let form = &got[4];
    assert_eq!(
        headers(form),
        firefox_fetch_headers(
            &[(
                "Content-Type",
                "application/x-www-form-urlencoded;charset=UTF-8"
            )],
            "55"
        )
    );
    assert_eq!(
        form.body,
        b"status=paid&note=two+words+%26+more&email=a%40b.example"
    );
    assert!(form.warnings.is_empty(), "{:?}", form.warnings);

    // fetch joins the two X-Custom values into one header.
    let pretty = &got[5];
    assert_eq!(
        headers(pretty),
        firefox_fetch_headers(
            &[
                ("Content-Type", "application/json; charset=utf-8"),
                ("X-Custom", "Mixed Case Value, second"),
            ],
            "96"
        )
    );
    assert_eq!(pretty.body, fixture("pretty.json"));
    assert!(pretty.warnings.is_empty(), "{:?}", pretty.warnings);
}

#[test]
fn curl_verbose_transcript() {
    let got = read_fixture("curl-v.txt", Format::Raw);
    assert_eq!(got.len(), 1);
    let e = &got[0];
    assert_eq!(
        (e.method.as_str(), e.target.as_str()),
        ("POST", "/webhooks/kustom")
    );
    assert_eq!(e.line, Some(5));
    assert_eq!(
        headers(e),
        [
            ("Host", "127.0.0.1:18080"),
            ("User-Agent", "curl/7.88.1"),
            ("Accept", "*/*"),
            ("Content-Type", "application/json"),
            ("Date", "Thu, 01 Jan 2026 00:00:00 GMT"),
            ("webhook-id", "msg_2a"),
            ("Content-Length", "144"),
        ]
    );
    assert!(e.body.is_empty());
    assert_eq!(
        e.warnings,
        [
            "curl -v does not show the body it sent (144 bytes); imported with an empty body (curl --trace-ascii - shows it)"
        ]
    );
    let arrived = e.arrived.expect("Date header");
    assert_eq!(
        (arrived.at_ns, arrived.from),
        (NS_2026, ArrivalFrom::DateHeader)
    );
}

#[test]
fn curl_verbose_with_two_requests_and_the_progress_meter_between() {
    let got = read_fixture("curl-v-two-requests.txt", Format::Raw);
    let targets: Vec<_> = got.iter().map(|e| (e.entry, e.target.as_str())).collect();
    assert_eq!(targets, [(1, "/webhooks/one"), (2, "/webhooks/two")]);
    assert_eq!(
        headers(&got[1])[3..],
        [
            ("Content-Length", "3"),
            ("Content-Type", "application/x-www-form-urlencoded")
        ]
    );
}

#[test]
fn curl_trace_ascii_rebuilds_the_exact_bytes() {
    let got = read_fixture("curl-trace-ascii.txt", Format::Raw);
    assert_eq!(got.len(), 1);
    let e = &got[0];
    assert_eq!(e.body, fixture("event.json"));
    // "payment_intent.succeeded" has a dot, which --trace-ascii also
    // prints for other bytes: the reader cannot tell, and says so.
    assert_eq!(e.warnings.len(), 1);
    assert!(e.warnings[0].contains("may stand for other bytes"));
    assert_eq!(headers(e).len(), 6);
    assert_eq!(e.arrived.map(|a| a.at_ns), Some(NS_2026));
}

#[test]
fn curl_trace_ascii_says_when_dots_may_stand_for_other_bytes() {
    let got = read_fixture("curl-trace-ascii-pretty.txt", Format::Raw);
    let e = &got[0];
    assert_eq!(e.body.len(), 96);
    assert_eq!(&e.body[..4], b"{.  ");
    assert!(e.warnings[0].starts_with("--trace-ascii prints bytes outside printable ASCII"));
}

#[test]
fn curl_trace_hex_is_byte_exact() {
    let got = read_fixture("curl-trace-binary.txt", Format::Raw);
    let e = &got[0];
    assert_eq!(e.body, fixture("binary.bin"));
    assert_eq!(
        headers(e),
        [
            ("Host", "127.0.0.1:18080"),
            ("User-Agent", "curl/7.88.1"),
            ("Accept", "*/*"),
            ("Content-Type", "application/octet-stream"),
            ("Content-Length", "256"),
        ]
    );
    assert!(e.warnings.is_empty());
}

fn stripe_command(e: &Incoming) {
    assert_eq!(e.method, "POST");
    assert_eq!(
        e.target,
        "https://hooks.example.test/webhooks/stripe?attempt=1"
    );
    assert_eq!(
        headers(e),
        [
            ("Host", "hooks.example.test"),
            ("Content-Type", "application/json"),
            ("Stripe-Signature", STRIPE_SIG),
            ("X-Note", "it's \"quoted\""),
            ("Content-Length", "144"),
        ]
    );
    assert_eq!(e.body, fixture("event.json"));
    assert!(e.warnings.is_empty(), "{:?}", e.warnings);
}

#[test]
fn postman_and_insomnia_commands() {
    stripe_command(&read_fixture("postman.curl.sh", Format::Curl)[0]);
    stripe_command(&read_fixture("httpsnippet.curl.sh", Format::Curl)[0]);

    let form = &read_fixture("postman-form.curl.sh", Format::Curl)[0];
    assert_eq!(form.body, b"status=paid&note=two%20words%20%26%20more");
    assert_eq!(
        headers(form),
        [
            ("Host", "hooks.example.test"),
            ("Content-Length", "41"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ]
    );

    let pretty = &read_fixture("httpsnippet-pretty.curl.sh", Format::Curl)[0];
    assert_eq!(pretty.body, fixture("pretty.json"));
    let quote = &read_fixture("httpsnippet-quote.curl.sh", Format::Curl)[0];
    assert_eq!(
        quote.body,
        br#"{"type":"note.created","data":{"text":"it's here"}}"#
    );
}

#[test]
fn chrome_copy_as_curl_bash() {
    let got = read_fixture("chrome-devtools-copy-as-curl.sh", Format::Curl);
    assert_eq!(got.len(), 4);
    assert_eq!(
        got.iter().map(|e| e.line.unwrap()).collect::<Vec<_>>(),
        [1, 4, 5, 6]
    );
    assert_eq!(
        headers(&got[0]),
        [
            ("Host", "localhost"),
            ("header-with-value", "some value"),
            ("no-value-header", "")
        ]
    );
    assert_eq!(got[0].target, "http://localhost/");
    assert_eq!(headers(&got[1])[1], ("Cookie", "eva=\"Sg4=\""));
    assert_eq!(headers(&got[2])[1], ("Cookie", "eva=%22Sg4%3D%22"));
    assert_eq!(
        headers(&got[3])[1],
        ("Cookie", "query=evil\n\n & cmd /c calc.exe \n\n")
    );
    assert!(got.iter().all(|e| e.method == "GET" && e.body.is_empty()));
}

/// The same tests' Windows commands (`generateCurlCommand(request, 'win')`)
/// read to the same requests as their bash twins, entries 2 to 4 of the
/// bash fixture (the first test has no Windows form).
#[test]
fn chrome_copy_as_curl_cmd_reads_as_its_bash_twin() {
    let bash = read_fixture("chrome-devtools-copy-as-curl.sh", Format::Curl);
    let cmd = read_fixture("chrome-devtools-copy-as-curl-cmd.txt", Format::Curl);
    assert_eq!(cmd.len(), 3);
    assert_eq!(
        cmd.iter().map(|e| e.line.unwrap()).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    let same = |cmd: &[Incoming]| {
        for (c, b) in cmd.iter().zip(&bash[1..]) {
            assert_eq!(
                (&c.method, &c.target, &c.headers, &c.body),
                (&b.method, &b.target, &b.headers, &b.body),
                "entry {}",
                c.entry
            );
            assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        }
    };
    same(&cmd);
    assert_eq!(
        headers(&cmd[2]),
        [
            ("Host", "localhost"),
            ("Cookie", "query=evil\n\n & cmd /c calc.exe \n\n")
        ]
    );
    // Saved on Windows, with CRLF line ends: cmd.exe drops the CRs.
    let crlf = String::from_utf8(fixture("chrome-devtools-copy-as-curl-cmd.txt"))
        .unwrap()
        .replace('\n', "\r\n");
    assert_eq!(detect(crlf.as_bytes()), Some(Format::Curl));
    let cmd: Vec<Incoming> = read_as(Format::Curl, crlf.into_bytes())
        .into_iter()
        .map(Result::unwrap)
        .collect();
    same(&cmd);
    // "Copy all as cURL (cmd)" joins the commands with ` &` and CRLF.
    let all = "curl ^\"http://localhost/a^\" &\r\ncurl ^\"http://localhost/b^\" ^\n  -X ^\"PUT^\" ^\n  --data-raw ^\"^{^\\^\"a^\\^\":1^}^\"\r\n";
    let got: Vec<Incoming> = read_as(Format::Curl, all.into())
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        got.iter()
            .map(|e| (e.line.unwrap(), e.method.as_str(), e.target.as_str()))
            .collect::<Vec<_>>(),
        [
            (1, "GET", "http://localhost/a"),
            (2, "PUT", "http://localhost/b")
        ]
    );
    assert_eq!(got[1].body, br#"{"a":1}"#);
}

/// curl's globbing takes `\[` and the like as the character itself (Chrome
/// escapes brackets and braces in every URL it copies); `-g` turns that off.
#[test]
fn escaped_brackets_in_urls() {
    let text = "curl 'http://h/a\\[1\\]?q=\\{x\\}'\n\
                curl -g 'http://h/a\\[1\\]'\n\
                curl ^\"http://h/a^\\[1^\\]^\"\n";
    let got: Vec<Incoming> = read_as(Format::Curl, text.into())
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        got.iter().map(|e| e.target.as_str()).collect::<Vec<_>>(),
        ["http://h/a[1]?q={x}", "http://h/a\\[1\\]", "http://h/a[1]"]
    );
}

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

fn boundary_of(e: &Incoming) -> String {
    let value = headers(e)
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .expect("a Content-Type")
        .1;
    value
        .split_once("boundary=")
        .expect("a boundary")
        .1
        .to_owned()
}

/// `-F` builds the body curl 7.88.1 sent for the same command (its
/// `--trace`, read back byte for byte), but for the boundary: curl's was
/// random, Hooklens's is made from the parts, of the same length.
#[test]
fn curl_form_is_framed_as_curl_sent_it() {
    let command = &read_fixture("curl-form.curl.sh", Format::Curl)[0];
    let sent = &read_fixture("curl-form-trace.txt", Format::Raw)[0];
    let ours = boundary_of(command);
    let theirs = boundary_of(sent);
    assert_eq!(ours.len(), theirs.len());
    assert!(ours.starts_with("------------------------"));
    assert_ne!(ours, theirs);
    assert_eq!(command.method, sent.method);
    assert_eq!(
        command.target,
        format!("http://127.0.0.1:18080{}", sent.target)
    );
    let sent_headers: Vec<(String, String)> = headers(sent)
        .into_iter()
        .filter(|(n, _)| !matches!(*n, "User-Agent" | "Accept"))
        .map(|(n, v)| (n.to_owned(), v.replace(&theirs, &ours)))
        .collect();
    let our_headers: Vec<(String, String)> = headers(command)
        .into_iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    assert_eq!(our_headers, sent_headers);
    assert_eq!(
        command.body,
        replace(&sent.body, theirs.as_bytes(), ours.as_bytes())
    );
    // The files went in whole, binary.bin's 256 bytes among them.
    assert!(
        command
            .body
            .windows(256)
            .any(|w| w == fixture("binary.bin").as_slice())
    );
    assert_eq!(command.warnings.len(), 1, "{:?}", command.warnings);
    assert!(
        command.warnings[0].contains("boundary is Hooklens's own"),
        "{:?}",
        command.warnings
    );
    // Read again, the same bytes: the import fingerprint stays the same.
    let again = &read_fixture("curl-form.curl.sh", Format::Curl)[0];
    assert_eq!(
        (&again.headers, &again.body),
        (&command.headers, &command.body)
    );
}

#[test]
fn curl_form_rules_that_curl_shares() {
    let text = "curl http://h/a -F a=1 -H 'Content-Type: multipart/related' -H 'X-B: 2'\n\
                curl http://h/b -F a=1 -H 'Content-Type:'\n\
                curl -G http://h/c -F a=1 -X PUT\n\
                curl http://h/d -F a=1 -d b=2\n\
                curl http://h/e --form-string a=1 -T event.json\n\
                curl http://h/f -F a=1 -I\n\
                curl http://h/g -F a\n\
                curl http://h/h -F 'up=@../../../Cargo.toml'\n";
    let got = read_as(Format::Curl, text.into());
    let ok = |i: usize| got[i].as_ref().unwrap();
    let ct = |e: &Incoming| {
        let b = boundary_of(e);
        headers(e)
            .into_iter()
            .map(|(n, v)| (n.to_owned(), v.replace(&b, "B")))
            .collect::<Vec<_>>()
    };
    let pairs = |list: &[(&str, &str)]| {
        list.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    };
    // A -H Content-Type is curl's with the boundary added, after
    // Content-Length; parts under another type are attachments.
    assert_eq!(
        ct(ok(0)),
        pairs(&[
            ("Host", "h"),
            ("X-B", "2"),
            ("Content-Length", "138"),
            ("Content-Type", "multipart/related; boundary=B"),
        ])
    );
    assert!(
        String::from_utf8_lossy(&ok(0).body)
            .contains("Content-Disposition: attachment; name=\"a\"")
    );
    assert_eq!(
        ct(ok(1))[2],
        ("Content-Type".to_owned(), "; boundary=B".to_owned())
    );
    assert_eq!(
        (ok(2).method.as_str(), ok(2).target.as_str()),
        ("PUT", "http://h/c")
    );
    let errors: Vec<String> = got[3..]
        .iter()
        .map(|r| r.as_ref().unwrap_err().message.clone())
        .collect();
    assert_eq!(
        errors,
        [
            "-F and -d cannot be used together (curl refuses both: one request has one body)",
            "--form-string and -T cannot be used together (curl refuses both: one request has one body)",
            "-F and -I cannot be used together (curl refuses both: one request has one body)",
            "-F a: a form field is name=value (curl refuses it too)",
            "-F up=@../../../Cargo.toml is outside the imported file's folder; refused",
        ]
    );
}

/// Data and form parts read from files count against one body's cap, so a
/// command cannot add many files up past it.
#[test]
fn bodies_from_several_files_are_capped_together() {
    let dir = tempfile::tempdir().unwrap();
    let big = vec![b'x'; (formats::MAX_BODY_BYTES / 2) + 1];
    std::fs::write(dir.path().join("half.bin"), &big).unwrap();
    let read = |command: &str| -> Vec<Result<Incoming, EntryError>> {
        formats::read(
            Format::Curl,
            Box::new(Cursor::new(command.as_bytes().to_vec())),
            Some(dir.path()),
        )
        .collect()
    };
    let one = read("curl http://h -F a=@half.bin -F b=1");
    assert_eq!(one[0].as_ref().unwrap().method, "POST");
    for (command, message) in [
        (
            "curl http://h -F a=@half.bin -F b=@half.bin",
            "-F b=@half.bin takes the body over 64 MB",
        ),
        (
            "curl http://h -F a=@half.bin -F 'b=<half.bin'",
            "-F b=<half.bin takes the body over 64 MB",
        ),
        (
            "curl http://h --data-binary @half.bin -d @half.bin",
            "-d @half.bin takes the body over 64 MB",
        ),
    ] {
        let got = read(command);
        assert_eq!(got[0].as_ref().unwrap_err().message, message, "{command}");
    }
}

/// Options that would make the command not say its request: an error
/// naming the option, never a request read without them.
#[test]
fn curl_config_files_and_next_are_refused_by_name() {
    let text = "curl -K opts.txt http://h\n\
                curl http://h --config opts.txt\n\
                curl -sKopts.txt http://h\n\
                curl -K\n\
                curl http://a -d x=1 --next http://b -d y=2\n\
                curl http://a -s: http://b\n\
                curl ^\"http://a^\" --next ^\"http://b^\"\n";
    let messages: Vec<String> = read_as(Format::Curl, text.into())
        .iter()
        .map(|r| r.as_ref().unwrap_err().to_string())
        .collect();
    let config = "is not supported by the import (it reads more options from a file; write them into the command)";
    let next = "is not supported by the import (it starts another request with options of its own; write one command per request)";
    assert_eq!(
        messages,
        [
            format!("entry 1 (line 1): -K {config}"),
            format!("entry 2 (line 2): --config {config}"),
            format!("entry 3 (line 3): -K {config}"),
            format!("entry 4 (line 4): -K {config}"),
            format!("entry 5 (line 5): --next {next}"),
            format!("entry 6 (line 6): -: {next}"),
            format!("entry 7 (line 7): --next {next}"),
        ]
    );
}

#[test]
fn curl_data_rules_and_files() {
    let text = "curl http://h/a -d @pretty.json -d x=1\n\
                curl http://h/b --data-binary @pretty.json\n\
                curl http://h/c --json @event.json -H 'Accept: text/plain'\n\
                curl -G http://h/d?q=1 -d a=1 --data-urlencode 'b=two words'\n\
                curl -u user:pw -XPUT http://h/e -H 'Content-Type:' --data-raw @x\n";
    let got: Vec<Incoming> = read_as(Format::Curl, text.into())
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let pretty_flat: Vec<u8> = fixture("pretty.json")
        .into_iter()
        .filter(|&b| b != b'\n' && b != b'\r')
        .collect();
    assert_eq!(got[0].body, [pretty_flat, b"&x=1".to_vec()].concat());
    assert_eq!(got[1].body, fixture("pretty.json"));
    assert_eq!(got[2].body, fixture("event.json"));
    assert_eq!(
        headers(&got[2]),
        [
            ("Host", "h"),
            ("Accept", "text/plain"),
            ("Content-Type", "application/json"),
            ("Content-Length", "144"),
        ]
    );
    assert_eq!(
        (
            got[3].method.as_str(),
            got[3].target.as_str(),
            got[3].body.len()
        ),
        ("GET", "http://h/d?q=1&a=1&b=two%20words", 0)
    );
    assert_eq!(headers(&got[3]), [("Host", "h")]);
    assert_eq!(got[4].method, "PUT");
    assert_eq!(got[4].body, b"@x");
    assert_eq!(
        headers(&got[4]),
        [
            ("Host", "h"),
            ("Authorization", "Basic dXNlcjpwdw=="),
            ("Content-Length", "2"),
        ]
    );
}

#[test]
fn curl_files_are_refused_without_a_folder_or_outside_it() {
    let pasted: Vec<_> = formats::read(
        Format::Curl,
        Box::new(Cursor::new(b"curl http://h -d @event.json".to_vec())),
        None,
    )
    .collect();
    let err = pasted[0].as_ref().unwrap_err();
    assert!(err.message.contains("-d @event.json reads a file"), "{err}");
    for path in [
        "../README.md",
        "/etc/passwd",
        "../../../../../../etc/passwd",
    ] {
        let got = read_as(
            Format::Curl,
            format!("curl http://h --data-binary @{path}").into(),
        );
        let err = got[0].as_ref().unwrap_err();
        assert!(
            err.message.contains("outside the imported file's folder")
                || err.message.contains("No such file"),
            "{err}"
        );
    }
}

/// A file imported by a bare name has "" as its folder: the current one
/// (cargo runs the tests in the crate's folder, beside its Cargo.toml).
#[test]
fn curl_files_beside_a_file_named_without_a_folder() {
    let got: Vec<_> = formats::read(
        Format::Curl,
        Box::new(Cursor::new(
            b"curl http://h --data-binary @Cargo.toml".to_vec(),
        )),
        Some(Path::new("")),
    )
    .collect();
    assert_eq!(
        got[0].as_ref().unwrap().body,
        std::fs::read("Cargo.toml").unwrap()
    );
}

/// What Hooklens's own "Copy as curl" writes (detail.rs): a comment, bytes
/// through printf, a header with control bytes through `$(printf …)`, a
/// masked header read from the environment, and `-H 'Content-Type:'`.
#[test]
fn hooklens_copy_as_curl_reads_back() {
    let command = "# Hooklens masked Authorization: reveal it in Hooklens and export HOOKLENS_AUTHORIZATION (the whole value) to send it.\n\
printf '\\000\\001\\377\\047\\134\\045' | curl \\\n  -X 'POST' \\\n  -H 'X-Id: it'\\''s' \\\n  -H \"$(printf 'X-Bin: a\\001b')\" \\\n  -H 'Authorization: '\"${HOOKLENS_AUTHORIZATION:?masked by Hooklens: reveal the header there and export it}\" \\\n  -H 'Content-Type:' \\\n  --data-binary @- \\\n  'http://127.0.0.1:9494/kustom?a=1&b=it'\\''s'\n";
    let bytes = command.as_bytes().to_vec();
    assert_eq!(detect(&bytes), Some(Format::Curl));
    let got = read_as(Format::Curl, bytes);
    let e = got[0].as_ref().unwrap();
    assert_eq!(e.method, "POST");
    assert_eq!(e.target, "http://127.0.0.1:9494/kustom?a=1&b=it's");
    assert_eq!(e.body, [0u8, 1, 0xff, b'\'', b'\\', b'%']);
    assert_eq!(
        e.headers,
        [
            StoredHeader::new("Host", b"127.0.0.1:9494"),
            StoredHeader::new("X-Id", b"it's"),
            StoredHeader::new("X-Bin", b"a\x01b"),
            StoredHeader::new("Content-Length", b"6"),
        ]
    );
    assert_eq!(e.warnings.len(), 1);
    assert!(e.warnings[0].starts_with("$HOOKLENS_AUTHORIZATION is read from the environment"));
}

fn har_with(entries: &[String]) -> Vec<u8> {
    format!(
        "{{\"log\":{{\"version\":\"1.2\",\"creator\":{{\"name\":\"t\",\"version\":\"1\"}},\"_x\":[{{}}],\"entries\":[\n{}\n]}},\"_after\":1}}\n",
        entries.join(",\n")
    )
    .into_bytes()
}

fn har_entry(n: usize, post: &str) -> String {
    format!(
        r#"{{"_initiator":{{"type":"x"}},"startedDateTime":"2026-01-01T00:00:00.000Z","request":{{"method":"POST","url":"https://h/e/{n}","httpVersion":"h2","headers":[{{"name":":authority","value":"h"}},{{"name":":path","value":"/e/{n}"}},{{"name":"content-type","value":"application/json"}}],"postData":{post}}},"response":{{"status":200,"content":{{"size":1,"text":"x"}}}}}}"#
    )
}

#[test]
fn har_base64_pseudo_headers_and_a_bad_entry_among_good_ones() {
    let entries = [
        har_entry(
            1,
            r#"{"mimeType":"application/octet-stream","text":"AAH/","encoding":"base64"}"#,
        ),
        har_entry(2, r#"{"mimeType":"x","text":"!!!","encoding":"base64"}"#),
        r#"{"response":{"status":200}}"#.to_owned(),
        har_entry(4, r#"{"mimeType":"x","text":"{\"a\":1}"}"#),
    ];
    let got = read_as(Format::Har, har_with(&entries));
    assert_eq!(got.len(), 4);
    let first = got[0].as_ref().unwrap();
    assert_eq!(first.body, [0, 1, 0xff]);
    assert_eq!(
        first.headers,
        [
            StoredHeader::new("Host", b"h"),
            StoredHeader::new("content-type", b"application/json")
        ]
    );
    assert_eq!(first.http_version.as_deref(), Some("h2"));
    assert_eq!(first.arrived.map(|a| a.at_ns), Some(NS_2026));
    assert_eq!(
        got[1].as_ref().unwrap_err().to_string(),
        "entry 2 (line 3): body is not valid base64"
    );
    assert_eq!(
        got[2].as_ref().unwrap_err().to_string(),
        "entry 3 (line 4): has no request; skipped"
    );
    assert_eq!(got[3].as_ref().unwrap().body, br#"{"a":1}"#);
}

#[test]
fn a_har_body_shorter_than_its_content_length_is_imported_with_a_warning() {
    // What Firefox wrote with devtools.netmonitor.requestBodyLimit at 100
    // (README.md): the first 100 characters, and the real Content-Length.
    let event = String::from_utf8(fixture("event.json")).unwrap();
    let cut = serde_json::to_string(&event[..100]).unwrap();
    let entry = format!(
        r#"{{"startedDateTime":"2026-01-01T00:00:00.000+00:00","request":{{"method":"POST","url":"http://h/webhooks/stripe","httpVersion":"HTTP/1.1","headers":[{{"name":"Content-Type","value":"application/json"}},{{"name":"Content-Length","value":"144"}}],"postData":{{"mimeType":"application/json","params":[],"text":{cut}}}}}}}"#
    );
    let got = read_as(Format::Har, har_with(&[entry]));
    let e = got[0].as_ref().unwrap();
    assert_eq!(e.body, event.as_bytes()[..100]);
    assert_eq!(
        e.warnings,
        [
            "the body is 100 bytes but Content-Length says 144: the HAR may hold only part of it (Firefox keeps the first 1 MiB of a request body, by default); imported as given"
        ]
    );
}

#[test]
fn a_truncated_har_yields_what_it_has_then_one_error() {
    let full = fixture("mitmproxy.har");
    // Cut inside the third entry's request.
    let cut = full
        .windows(14)
        .position(|w| w == b"/webhooks/form")
        .expect("third entry");
    let got = read_as(Format::Har, full[..cut].to_vec());
    assert_eq!(got.len(), 3);
    assert!(got[0].is_ok() && got[1].is_ok());
    let err = got[2].as_ref().unwrap_err();
    assert_eq!(err.entry, 3);
    assert!(err.message.contains("cut short"), "{err}");
    let cut_line = full[..cut].iter().filter(|&&b| b == b'\n').count() + 1;
    assert!(
        err.message
            .contains(&format!("the file ends at line {cut_line}")),
        "{err}"
    );
    let third_entry_line = err.line.expect("a line");
    assert!(third_entry_line < cut_line as u64, "{err}");
    // Cut after an entry: the entries are there, then the error.
    let end = full
        .windows(2)
        .rposition(|w| w == b"]\n")
        .expect("end of entries");
    let got = read_as(Format::Har, full[..end].to_vec());
    assert_eq!(got.iter().filter(|r| r.is_ok()).count(), 5);
    assert!(got[5].as_ref().unwrap_err().message.contains("cut short"));
}

#[test]
fn har_with_100k_entries_streams_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.har");
    let size = write_big_har(&path, 100_000);
    assert!(size > 50 << 20, "{size}");
    let file = std::fs::File::open(&path).unwrap();
    let reader = formats::read(Format::Har, Box::new(BufReader::new(file)), None);
    let mut count = 0;
    for item in reader {
        let incoming = item.unwrap();
        count += 1;
        assert_eq!(incoming.entry, count);
    }
    assert_eq!(count, 100_000);
}

/// A HAR of `n` entries of about 600 bytes each; its size.
pub fn write_big_har(path: &Path, n: usize) -> u64 {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    out.write_all(b"{\"log\":{\"version\":\"1.2\",\"entries\":[")
        .unwrap();
    for i in 0..n {
        if i > 0 {
            out.write_all(b",").unwrap();
        }
        write!(
            out,
            r#"{{"startedDateTime":"2026-01-01T00:00:00Z","request":{{"method":"POST","url":"http://h/kustom/{i}","httpVersion":"HTTP/1.1","headers":[{{"name":"Content-Type","value":"application/json"}},{{"name":"webhook-id","value":"msg_{i}"}}],"postData":{{"mimeType":"application/json","text":"{{\"type\":\"order.created\",\"data\":{{\"orderId\":\"ord_{i}\",\"amount\":2500,\"currency\":\"EUR\",\"note\":\"{pad}\"}}}}"}}}},"response":{{"status":200,"content":{{"size":0}}}}}}"#,
            pad = "x".repeat(300)
        )
        .unwrap();
    }
    out.write_all(b"]}}").unwrap();
    out.flush().unwrap();
    std::fs::metadata(path).unwrap().len()
}

#[test]
fn bad_input_corpus() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    for format in Format::ALL {
        for (what, bytes) in [("empty", Vec::new()), ("garbage", garbage.clone())] {
            let got = read_as(format, bytes);
            assert!(!got.is_empty(), "{format:?} {what}: says nothing");
            assert!(got.iter().all(Result::is_err), "{format:?} {what}: {got:?}");
            let err = got[0].as_ref().unwrap_err();
            assert!(
                err.entry >= 1 && !err.message.is_empty(),
                "{format:?} {what}"
            );
        }
    }
    let got = read_as(
        Format::Curl,
        b"curl http://h \\\n  -d '{\"a\":1}\n  -H 'X: 1'\n".to_vec(),
    );
    let err = got[0].as_ref().unwrap_err();
    assert_eq!(
        err.to_string(),
        "entry 1 (line 1): the ' quote opened on line 3 is never closed"
    );
    let got = read_as(
        Format::Raw,
        b"POST /hook HTTP/1.1\nHost: x\nContent-Type: application/json".to_vec(),
    );
    let err = got[0].as_ref().unwrap_err();
    assert_eq!((err.entry, err.line), (1, Some(1)));
    assert!(err.message.contains("blank line"), "{err}");
    let got = read_as(
        Format::Curl,
        b"curl http://h --frobnicate\ncurl -F 'a=@x,y' http://h\ncurl -H\n".to_vec(),
    );
    let messages: Vec<String> = got
        .iter()
        .map(|r| r.as_ref().unwrap_err().to_string())
        .collect();
    assert_eq!(
        messages,
        [
            "entry 1 (line 1): unknown curl option --frobnicate",
            "entry 2 (line 2): -F a=@x,y: several files in one field (curl sends them as a nested multipart/mixed with a second random boundary) is not read by the import",
            "entry 3 (line 3): -H needs a value",
        ]
    );
}

fn bundle_text(lines: &[Line]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in lines {
        out.extend(serde_json::to_vec(line).unwrap());
        out.push(b'\n');
    }
    out
}

fn event(id: i64, body: &str) -> Line {
    Line::Event(Box::new(EventLine {
        id,
        received_at_ns: NS_2026 + id,
        endpoint: Some(7),
        method: "POST".into(),
        target: format!("/kustom/{id}"),
        http_version: Some("HTTP/1.1".into()),
        headers: vec![StoredHeader::new("X-Bin", b"\xff\x00")],
        trailers: Vec::new(),
        body_base64: body.into(),
        remote_addr: Some("127.0.0.1:5000".into()),
        provider: Some("kustom".into()),
        verdict: None,
        pinned: id == 1,
        redactions: Vec::new(),
        via: None,
    }))
}

fn header(version: u32) -> Line {
    Line::Header(Header {
        format: MAGIC.into(),
        version,
        exported_at: "2026-01-01T00:00:00Z".into(),
        app_version: "0.1.0".into(),
        redaction: Vec::new(),
    })
}

fn delivery(event: i64, id: i64) -> Line {
    let json = serde_json::json!({
        "id": id, "runId": 1, "eventId": event, "kind": "resend", "attempt": 1,
        "sentAtMs": 1, "method": "POST", "url": "http://h", "headers": [],
        "bodyText": null, "bodyBase64": null, "signing": "kept", "response": null,
        "error": null, "delivered": true, "failure": null, "durationMs": 3
    });
    Line::Delivery(Box::new(DeliveryLine {
        event,
        run: None,
        delivery: serde_json::from_value(json).expect("a delivery"),
    }))
}

#[test]
fn bundles_read_back_with_endpoints_and_deliveries() {
    let endpoint = EndpointLine {
        id: 7,
        name: "Kustom".into(),
        path_prefix: "/kustom".into(),
        preset: Some("kustom".into()),
        scheme: None,
        secret_labels: vec!["current".into()],
    };
    let mut text = bundle_text(&[
        header(1),
        Line::Endpoint(endpoint.clone()),
        event(1, "AAH/"),
        delivery(1, 10),
        delivery(1, 11),
        event(2, "not base64!"),
        delivery(2, 12),
        event(3, ""),
        delivery(9, 13),
    ]);
    text.extend_from_slice(b"{\"kind\":\"event\",\"id\":\n");
    assert_eq!(detect(&text), Some(Format::Hooklens));
    let dir = fixtures();
    let mut reader = formats::read(
        Format::Hooklens,
        Box::new(Cursor::new(text)),
        Some(dir.as_path()),
    );
    assert_eq!(reader.endpoints(), [endpoint]);
    assert_eq!(reader.bundle_header().map(|h| h.version), Some(1));
    let got: Vec<_> = reader.collect();
    let first = got[0].as_ref().unwrap();
    assert_eq!(
        (first.entry, first.line, first.body.as_slice()),
        (1, Some(3), &[0u8, 1, 0xff][..])
    );
    assert_eq!(first.headers, [StoredHeader::new("X-Bin", b"\xff\x00")]);
    assert_eq!(
        first.arrived.map(|a| (a.at_ns, a.from)),
        Some((NS_2026 + 1, ArrivalFrom::Bundle))
    );
    let recorded = first.recorded.as_ref().unwrap();
    assert_eq!(
        (recorded.id, recorded.endpoint, recorded.pinned),
        (1, Some(7), true)
    );
    assert_eq!(
        recorded
            .runs
            .iter()
            .map(|r| (
                r.id,
                r.target.as_str(),
                r.attempts.iter().map(|d| d.id).collect()
            ))
            .collect::<Vec<(i64, &str, Vec<i64>)>>(),
        // One run: both attempts name run 1. A bundle line without the
        // run's own record makes one of the attempt's URL.
        [(1, "http://h", vec![10, 11])]
    );
    assert_eq!(
        got[1].as_ref().unwrap_err().to_string(),
        "entry 2 (line 6): body is not valid base64"
    );
    let third = got[2].as_ref().unwrap();
    assert_eq!((third.entry, third.body.len()), (3, 0));
    assert!(
        got[3]
            .as_ref()
            .unwrap_err()
            .message
            .contains("a delivery of event 9")
    );
    assert!(
        got[4]
            .as_ref()
            .unwrap_err()
            .message
            .starts_with("line 10 is not a bundle line")
    );
    assert_eq!(got.len(), 5);
}

#[test]
fn bundles_of_another_format_or_a_newer_version_stop_at_once() {
    let got = read_as(Format::Hooklens, bundle_text(&[header(2), event(1, "")]));
    assert_eq!(got.len(), 1);
    assert!(got[0].as_ref().unwrap_err().message.contains("version 2"));
    let got = read_as(Format::Hooklens, bundle_text(&[event(1, "")]));
    assert_eq!(got.len(), 1);
    assert!(
        got[0]
            .as_ref()
            .unwrap_err()
            .message
            .contains("not a Hooklens bundle")
    );
}

mod no_panics {
    use super::*;
    use proptest::prelude::*;

    fn drain(format: Format, bytes: Vec<u8>) {
        for incoming in formats::read(format, Box::new(Cursor::new(bytes)), None).flatten() {
            assert!(incoming.entry >= 1);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn raw_reader_takes_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = detect(&bytes);
            drain(Format::Raw, bytes);
        }

        #[test]
        fn raw_reader_takes_request_like_text(text in "(POST /[a-z]{0,4} HTTP/1\\.[01]\r?\n([A-Za-z-]{1,6}: [ -~]{0,8}\r?\n){0,4}(\r?\n)?[ -~\n]{0,40}){1,3}|((> |\\* |== Info: |=> Send (header|data), [0-9]{1,3} bytes|[0-9a-f]{4}: )[ -~]{0,30}\n){0,12}") {
            drain(Format::Raw, text.into_bytes());
        }

        #[test]
        fn curl_reader_takes_any_text(text in "(curl|printf|\\$|#| |'|\"|\\\\|\n|-[A-Za-z]|--[a-z-]{1,10}|\\$'|<<|@|[a-z:/=&;|]){0,60}") {
            drain(Format::Curl, text.into_bytes());
        }

        #[test]
        fn curl_reader_takes_any_cmd_or_form_text(text in "curl (\\^|\\^\"|\"|\\\\|%|&|\\||<|>|2>|\r|\n| |-F|--form-string|=|@|<-|@-|;type=|;type=a/b|;filename=|;headers=|;headers=@|,|[a-z/]){0,60}") {
            drain(Format::Curl, text.into_bytes());
        }

        #[test]
        fn har_and_bundle_readers_take_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
            drain(Format::Har, bytes.clone());
            drain(Format::Hooklens, bytes);
        }
    }
}
