//! Resends and forwards over HTTPS: the exact-head client speaks TLS with
//! the system's trust store, and an untrusted certificate is a TLS failure
//! in words. The server is `openssl s_server`; which certificates the system
//! trusts is set with SSL_CERT_FILE, which rustls-native-certs honours.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hooklens_core::model::DeliveryErrorKind;
use hooklens_core::resend::{Client, Outgoing};

fn openssl(args: &[&str]) {
    let status = Command::new("openssl")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl is installed (scripts/setup.sh)");
    assert!(status.success(), "openssl {args:?}");
}

/// A certificate authority named `name` in `dir` and a certificate for
/// 127.0.0.1 it signed: (CA certificate, server certificate, server key).
fn authority(dir: &std::path::Path, name: &str) -> (String, String, String) {
    let path = |file: &str| {
        dir.join(format!("{name}-{file}"))
            .to_string_lossy()
            .into_owned()
    };
    let (ca, ca_key) = (path("ca.pem"), path("ca.key"));
    let (cert, key, csr) = (path("server.pem"), path("server.key"), path("server.csr"));
    let ext = path("ext.cnf");
    std::fs::write(
        &ext,
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    let subject = format!("/CN={name} test CA");
    openssl(&[
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", &subject,
        "-keyout", &ca_key, "-out", &ca,
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        &key,
        "-out",
        &csr,
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        &csr,
        "-CA",
        &ca,
        "-CAkey",
        &ca_key,
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        &ext,
        "-out",
        &cert,
    ]);
    (ca, cert, key)
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(cert: &str, key: &str) -> (Server, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("openssl")
        .args(["s_server", "-quiet", "-www", "-accept"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-cert", cert, "-key", key])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_server starts");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "openssl s_server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (Server(child), port)
}

fn get(port: u16) -> Outgoing {
    Outgoing {
        method: reqwest::Method::GET,
        url: format!("https://127.0.0.1:{port}/").parse().unwrap(),
        headers: vec![("X-Case-Kept".into(), b"1".to_vec())],
        body: Vec::new(),
    }
}

#[tokio::test]
async fn https_uses_the_system_trust_store() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = authority(dir.path(), "trusted");
    let (other, _, _) = authority(dir.path(), "other");
    let (_server, port) = serve(&cert, &key);

    // SAFETY: the only test in this binary; nothing else reads the
    // environment while it is changed.
    unsafe { std::env::set_var("SSL_CERT_FILE", &other) };
    let untrusted = Client::new()
        .send(&get(port), Duration::from_secs(10))
        .await;
    let error = untrusted.error.expect("an untrusted certificate fails");
    assert_eq!(error.kind, DeliveryErrorKind::Tls, "{}", error.message);
    assert!(
        error.message.contains("TLS connection to 127.0.0.1"),
        "{}",
        error.message
    );

    unsafe { std::env::set_var("SSL_CERT_FILE", &ca) };
    let trusted = Client::new()
        .send(&get(port), Duration::from_secs(10))
        .await;
    assert!(trusted.error.is_none(), "{:?}", trusted.error);
    let response = trusted.response.expect("an answer over TLS");
    assert_eq!(response.status, 200);
    // s_server -www answers with a page describing the TLS session.
    let page = String::from_utf8_lossy(&response.body);
    assert!(page.contains("Ciphers supported in s_server"), "{page}");
}
