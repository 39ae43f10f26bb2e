//! One HTTP/1.1 exchange with the head written exactly as given.
//!
//! HTTP client libraries keep headers in a map: names lowercased, repeated
//! headers grouped by name. A resend that keeps the original headers, or a
//! forward, must reach the handler as the provider sent it (some handlers
//! and signature checks are case- or order-sensitive), and what Hooklens
//! records as sent must be what went on the wire. So the request head is
//! written here byte for byte, over TCP or rustls, and the answer is read
//! with httparse (the parser hyper uses), bounded in size and time.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use reqwest::Url;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::store::{MAX_RESPONSE_BODY, NewResponse, StoredHeader};

/// Longest response head read.
const MAX_HEAD: usize = 64 * 1024;
/// Most response headers read.
const MAX_HEADERS: usize = 128;
/// Longest chunk-size or trailer line.
const MAX_LINE: u64 = 8 * 1024;
/// Interim (1xx) answers skipped before giving up.
const MAX_INTERIM: usize = 8;

/// Why an exchange failed, in terms a support engineer can act on.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("the host name {host:?} cannot be resolved ({cause})")]
    Dns { host: String, cause: String },
    #[error("connection refused by {addr}: nothing is listening there")]
    Refused { addr: String },
    #[error("no connection to {addr} within {secs} s")]
    ConnectTimeout { addr: String, secs: u64 },
    #[error("could not connect to {addr}: {cause}")]
    Connect { addr: String, cause: String },
    #[error("the TLS connection to {addr} failed: {cause}")]
    Tls { addr: String, cause: String },
    #[error("{addr} did not answer within {secs} s")]
    Timeout { addr: String, secs: f64 },
    #[error("{addr} closed the connection without answering")]
    Closed { addr: String },
    #[error("{addr} answered something that is not HTTP/1.x: {why}")]
    Malformed { addr: String, why: String },
    #[error("sending to {addr} failed: {cause}")]
    Io { addr: String, cause: String },
    #[error("the request cannot be sent: {0}")]
    Invalid(String),
}

/// The head and body to write.
pub struct Request<'a> {
    pub method: &'a str,
    pub url: &'a Url,
    /// In order, as they go out (Host and Content-Length included).
    pub headers: &'a [StoredHeader],
    pub body: &'a [u8],
}

/// The trust store is read on the first HTTPS send only: most sessions
/// never need it, and reading it costs start-up time.
pub type TlsConfig = Arc<OnceLock<Result<Arc<rustls::ClientConfig>, String>>>;

fn tls_config(slot: &TlsConfig) -> Result<Arc<rustls::ClientConfig>, String> {
    slot.get_or_init(|| {
        let mut roots = rustls::RootCertStore::empty();
        let found = rustls_native_certs::load_native_certs();
        for cert in found.certs {
            // A certificate the system lists but rustls cannot use is
            // skipped, as browsers do.
            let _ = roots.add(cert);
        }
        if roots.is_empty() {
            return Err(format!(
                "no trusted certificates found on this system ({} errors reading them)",
                found.errors.len()
            ));
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Arc::new(config))
    })
    .clone()
}

/// The request's head as written: request line, then the headers.
pub fn head(request: &Request<'_>) -> Result<Vec<u8>, WireError> {
    let mut target = request.url.path().to_owned();
    if let Some(query) = request.url.query() {
        target.push('?');
        target.push_str(query);
    }
    if !request.method.bytes().all(is_token_byte) || request.method.is_empty() {
        return Err(WireError::Invalid(format!(
            "{:?} is not an HTTP method",
            request.method
        )));
    }
    let mut out = format!("{} {target} HTTP/1.1\r\n", request.method).into_bytes();
    for h in request.headers {
        if h.name.is_empty() || !h.name.bytes().all(is_token_byte) {
            return Err(WireError::Invalid(format!(
                "the header name {:?} is not valid in HTTP",
                h.name
            )));
        }
        if h.bytes().iter().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(WireError::Invalid(format!(
                "the value of the header {:?} holds a line break or NUL, which HTTP cannot carry",
                h.name
            )));
        }
        out.extend_from_slice(h.name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(h.bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    Ok(out)
}

/// RFC 9110 token characters.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Sends `request` and reads the answer, all within `timeout` (connecting
/// within `connect_timeout`). The connection is not reused.
pub async fn exchange(
    request: &Request<'_>,
    tls: &TlsConfig,
    connect_timeout: Duration,
    timeout: Duration,
) -> Result<NewResponse, WireError> {
    let url = request.url;
    let host = url
        .host_str()
        .ok_or_else(|| WireError::Invalid(format!("{url} names no host")))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = url
        .port_or_known_default()
        .ok_or_else(|| WireError::Invalid(format!("{url} names no port")))?;
    let addr = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or(&host)),
        None => url.host_str().unwrap_or(&host).to_owned(),
    };
    let head = head(request)?;
    tracing::trace!(%addr, method = request.method, bytes = head.len() + request.body.len(), "sending");
    let work = async {
        let tcp = connect(&host, port, &addr, connect_timeout).await?;
        let _ = tcp.set_nodelay(true);
        if url.scheme() == "https" {
            let config = tls_config(tls).map_err(|cause| WireError::Tls {
                addr: addr.clone(),
                cause,
            })?;
            let name = rustls::pki_types::ServerName::try_from(host.clone()).map_err(|e| {
                WireError::Invalid(format!("{host:?} is not a valid TLS server name: {e}"))
            })?;
            let stream = tokio_rustls::TlsConnector::from(config)
                .connect(name, tcp)
                .await
                .map_err(|e| WireError::Tls {
                    addr: addr.clone(),
                    cause: tls_cause(&e),
                })?;
            talk(stream, &head, request, &addr).await
        } else {
            talk(tcp, &head, request, &addr).await
        }
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(result) => result,
        Err(_) => Err(WireError::Timeout {
            addr,
            secs: timeout.as_secs_f64(),
        }),
    }
}

fn tls_cause(err: &std::io::Error) -> String {
    match err.get_ref() {
        Some(inner) => inner.to_string(),
        None => err.to_string(),
    }
}

async fn connect(
    host: &str,
    port: u16,
    addr: &str,
    connect_timeout: Duration,
) -> Result<TcpStream, WireError> {
    let attempt = async {
        let addrs: Vec<_> = tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| WireError::Dns {
                host: host.to_owned(),
                cause: e.to_string(),
            })?
            .collect();
        let mut last = None;
        for candidate in addrs {
            match TcpStream::connect(candidate).await {
                Ok(stream) => return Ok(stream),
                Err(e) => last = Some(e),
            }
        }
        Err(match last {
            Some(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => WireError::Refused {
                addr: addr.to_owned(),
            },
            Some(e) => WireError::Connect {
                addr: addr.to_owned(),
                cause: e.to_string(),
            },
            None => WireError::Dns {
                host: host.to_owned(),
                cause: "no addresses".into(),
            },
        })
    };
    match tokio::time::timeout(connect_timeout, attempt).await {
        Ok(result) => result,
        Err(_) => Err(WireError::ConnectTimeout {
            addr: addr.to_owned(),
            secs: connect_timeout.as_secs(),
        }),
    }
}

async fn talk<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    head: &[u8],
    request: &Request<'_>,
    addr: &str,
) -> Result<NewResponse, WireError> {
    let io = |e: std::io::Error| io_error(e, addr);
    // One buffer: most requests leave in one segment.
    let mut bytes = Vec::with_capacity(head.len() + request.body.len());
    bytes.extend_from_slice(head);
    bytes.extend_from_slice(request.body);
    stream.write_all(&bytes).await.map_err(io)?;
    stream.flush().await.map_err(io)?;
    let mut reader = BufReader::new(stream);
    let malformed = |why: String| WireError::Malformed {
        addr: addr.to_owned(),
        why,
    };
    for _ in 0..=MAX_INTERIM {
        let head = read_head(&mut reader, addr).await?;
        let mut fields = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut response = httparse::Response::new(&mut fields);
        match response.parse(&head) {
            Ok(httparse::Status::Complete(_)) => {}
            Ok(httparse::Status::Partial) => return Err(malformed("a cut-off head".into())),
            Err(e) => return Err(malformed(e.to_string())),
        }
        let status = response.code.unwrap_or(0);
        // 100 Continue, 103 Early Hints: the real answer follows.
        if (100..200).contains(&status) && status != 101 {
            continue;
        }
        let headers: Vec<StoredHeader> = response
            .headers
            .iter()
            .map(|h| StoredHeader::new(h.name, h.value))
            .collect();
        let bodiless = request.method.eq_ignore_ascii_case("HEAD")
            || status == 204
            || status == 304
            || (100..200).contains(&status);
        let (body, truncated) = if bodiless {
            (Vec::new(), false)
        } else {
            read_body(&mut reader, &headers, addr).await?
        };
        return Ok(NewResponse {
            status,
            headers,
            body,
            truncated,
        });
    }
    Err(malformed(format!(
        "more than {MAX_INTERIM} interim answers"
    )))
}

fn io_error(e: std::io::Error, addr: &str) -> WireError {
    match e.kind() {
        std::io::ErrorKind::ConnectionReset
        | std::io::ErrorKind::BrokenPipe
        | std::io::ErrorKind::UnexpectedEof => WireError::Closed {
            addr: addr.to_owned(),
        },
        _ => WireError::Io {
            addr: addr.to_owned(),
            cause: e.to_string(),
        },
    }
}

/// Reads up to and including the empty line that ends a head.
async fn read_head<R: AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
    addr: &str,
) -> Result<Vec<u8>, WireError> {
    let mut head = Vec::new();
    loop {
        let before = head.len();
        let room = (MAX_HEAD - head.len()) as u64;
        let n = (&mut *reader)
            .take(room)
            .read_until(b'\n', &mut head)
            .await
            .map_err(|e| io_error(e, addr))?;
        if n == 0 {
            return Err(if head.is_empty() {
                WireError::Closed {
                    addr: addr.to_owned(),
                }
            } else {
                WireError::Malformed {
                    addr: addr.to_owned(),
                    why: "the connection closed inside the head".into(),
                }
            });
        }
        let line = &head[before..];
        if (line == b"\r\n" || line == b"\n") && before > 0 {
            return Ok(head);
        }
        if head.len() >= MAX_HEAD {
            return Err(WireError::Malformed {
                addr: addr.to_owned(),
                why: format!("a head longer than {} KB", MAX_HEAD / 1024),
            });
        }
    }
}

/// The body as framed by the headers, keeping at most
/// [`MAX_RESPONSE_BODY`] bytes (the rest is read and dropped, up to the
/// overall timeout, so a well-behaved handler is not cut off mid-answer).
async fn read_body<R: AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
    headers: &[StoredHeader],
    addr: &str,
) -> Result<(Vec<u8>, bool), WireError> {
    let malformed = |why: &str| WireError::Malformed {
        addr: addr.to_owned(),
        why: why.to_owned(),
    };
    let io = |e: std::io::Error| io_error(e, addr);
    let named = |name: &str| {
        crate::wire::headers_named(headers, name)
            .map(StoredHeader::bytes)
            .collect::<Vec<_>>()
    };
    let mut kept = Kept::default();
    let chunked = named("transfer-encoding").last().is_some_and(|te| {
        te.rsplit(|b| *b == b',')
            .next()
            .is_some_and(|c| c.trim_ascii().eq_ignore_ascii_case(b"chunked"))
    });
    if chunked {
        loop {
            let mut line = Vec::new();
            (&mut *reader)
                .take(MAX_LINE)
                .read_until(b'\n', &mut line)
                .await
                .map_err(io)?;
            if !line.ends_with(b"\n") {
                return Err(malformed("a chunk-size line cut off or too long"));
            }
            let size = std::str::from_utf8(&line)
                .ok()
                .and_then(|l| l.trim().split(';').next())
                .and_then(|s| u64::from_str_radix(s.trim(), 16).ok())
                .ok_or_else(|| malformed("a malformed chunk size"))?;
            if size == 0 {
                // Trailers, up to the empty line.
                loop {
                    let mut trailer = Vec::new();
                    let n = (&mut *reader)
                        .take(MAX_LINE)
                        .read_until(b'\n', &mut trailer)
                        .await
                        .map_err(io)?;
                    if n == 0 || trailer == b"\r\n" || trailer == b"\n" {
                        return Ok(kept.done());
                    }
                }
            }
            kept.copy(reader, size).await.map_err(io)?;
            let mut crlf = Vec::new();
            (&mut *reader)
                .take(2)
                .read_until(b'\n', &mut crlf)
                .await
                .map_err(io)?;
            if crlf != b"\r\n" && crlf != b"\n" {
                return Err(malformed("chunk data not followed by CRLF"));
            }
        }
    }
    let lengths = named("content-length");
    if let Some(length) = lengths.first() {
        let length = std::str::from_utf8(length)
            .ok()
            .and_then(|l| l.trim().parse::<u64>().ok())
            .ok_or_else(|| malformed("an invalid Content-Length"))?;
        kept.copy(reader, length).await.map_err(io)?;
        return Ok(kept.done());
    }
    // Neither: the body runs to the end of the connection.
    kept.copy(reader, u64::MAX).await.map_err(io)?;
    Ok(kept.done())
}

/// The part of a body that is kept.
#[derive(Default)]
struct Kept {
    body: Vec<u8>,
    truncated: bool,
}

impl Kept {
    /// Reads `n` bytes (or to the end of the stream when `n` is u64::MAX),
    /// keeping what fits.
    async fn copy<R: AsyncRead + Unpin>(
        &mut self,
        reader: &mut BufReader<R>,
        n: u64,
    ) -> std::io::Result<()> {
        let to_end = n == u64::MAX;
        let mut left = n;
        let mut buf = [0u8; 16 * 1024];
        while left > 0 {
            let want = usize::try_from(left).map_or(buf.len(), |l| l.min(buf.len()));
            let got = reader.read(&mut buf[..want]).await?;
            if got == 0 {
                if to_end {
                    return Ok(());
                }
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            let room = MAX_RESPONSE_BODY.saturating_sub(self.body.len());
            if got > room {
                self.body.extend_from_slice(&buf[..room]);
                self.truncated = true;
            } else {
                self.body.extend_from_slice(&buf[..got]);
            }
            if !to_end {
                left -= got as u64;
            }
        }
        Ok(())
    }

    fn done(self) -> (Vec<u8>, bool) {
        (self.body, self.truncated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    /// A server that reads one request head and body, then answers `reply`;
    /// returns the bytes it got.
    async fn server(reply: &'static [u8]) -> (Url, tokio::task::JoinHandle<Vec<u8>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = Url::parse(&format!("http://{}/in?x=1", listener.local_addr().unwrap())).unwrap();
        let task = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 4096];
            while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = socket.read(&mut buf).await.unwrap();
                got.extend_from_slice(&buf[..n]);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            if let Ok(Ok(n)) =
                tokio::time::timeout(Duration::from_millis(50), socket.read(&mut buf)).await
            {
                got.extend_from_slice(&buf[..n]);
            }
            socket.write_all(reply).await.unwrap();
            socket.shutdown().await.unwrap();
            got
        });
        (url, task)
    }

    fn headers(list: &[(&str, &str)]) -> Vec<StoredHeader> {
        list.iter()
            .map(|(n, v)| StoredHeader::new(n, v.as_bytes()))
            .collect()
    }

    async fn send(url: &Url, hs: &[StoredHeader], body: &[u8]) -> Result<NewResponse, WireError> {
        let request = Request {
            method: "POST",
            url,
            headers: hs,
            body,
        };
        exchange(
            &request,
            &TlsConfig::default(),
            Duration::from_secs(2),
            Duration::from_secs(5),
        )
        .await
    }

    #[tokio::test]
    async fn writes_the_head_exactly_and_reads_a_chunked_answer() {
        let (url, got) = server(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nX-Reply: Yes\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n",
        )
        .await;
        let hs = headers(&[
            ("Host", "h"),
            ("X-Foo", "a"),
            ("Authorization", "Basic eA=="),
            ("x-foo", "b"),
            ("Content-Length", "2"),
        ]);
        let response = send(&url, &hs, b"hi").await.unwrap();
        assert_eq!(response.status, 201);
        assert_eq!(response.body, b"abcde");
        assert_eq!(response.headers[0].name, "X-Reply", "answer case kept");
        let got = got.await.unwrap();
        assert_eq!(
            String::from_utf8(got).unwrap(),
            "POST /in?x=1 HTTP/1.1\r\nHost: h\r\nX-Foo: a\r\nAuthorization: Basic eA==\r\nx-foo: b\r\nContent-Length: 2\r\n\r\nhi"
        );
    }

    #[tokio::test]
    async fn reads_bodies_by_length_and_to_the_close_and_keeps_a_bounded_part() {
        let (url, _) = server(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello").await;
        assert_eq!(send(&url, &[], b"").await.unwrap().body, b"hello");
        let (url, _) = server(b"HTTP/1.0 200 OK\r\n\r\nuntil the end").await;
        assert_eq!(send(&url, &[], b"").await.unwrap().body, b"until the end");
        let (url, _) = server(b"HTTP/1.1 204 No Content\r\n\r\n").await;
        assert!(send(&url, &[], b"").await.unwrap().body.is_empty());
    }

    #[tokio::test]
    async fn says_what_went_wrong() {
        let (url, _) = server(b"SMTP ready\r\n\r\n").await;
        assert!(matches!(
            send(&url, &[], b"").await,
            Err(WireError::Malformed { .. })
        ));
        let (url, _) = server(b"").await;
        assert!(matches!(
            send(&url, &[], b"").await,
            Err(WireError::Closed { .. })
        ));
        let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = Url::parse(&format!("http://{}/", closed.local_addr().unwrap())).unwrap();
        drop(closed);
        let err = send(&url, &[], b"").await.unwrap_err();
        assert!(matches!(err, WireError::Refused { .. }), "{err}");
        assert!(err.to_string().contains("connection refused"));
        let bad = headers(&[("X-Bad", "a\r\nInjected: 1")]);
        assert!(matches!(
            send(&url, &bad, b"").await,
            Err(WireError::Invalid(_))
        ));
        let bad = headers(&[("Bad Name", "a")]);
        assert!(matches!(
            send(&url, &bad, b"").await,
            Err(WireError::Invalid(_))
        ));
    }
}
