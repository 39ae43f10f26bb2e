//! The published signature test vectors (tests/fixtures/signatures.json).

use serde_json::Value;

use super::*;

fn text<'v>(vector: &'v Value, key: &str) -> &'v str {
    match vector[key].as_str() {
        Some(text) => text,
        None => panic!("vector {:?} has no string {key:?}", vector["name"]),
    }
}

#[test]
fn published_vectors_pass() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../tests/fixtures/signatures.json"
    );
    let json = std::fs::read_to_string(path).expect("read tests/fixtures/signatures.json");
    let doc: Value = serde_json::from_str(&json).expect("vectors are JSON");
    let vectors = doc["vectors"].as_array().expect("a vectors array");
    let mut checked = 0;
    for vector in vectors {
        let name = text(vector, "name");
        if vector["optional"].as_bool() == Some(true) {
            // Adyen's notification HMAC (a signing string built from fields of
            // the JSON body) is not implemented as a scheme: skipped on purpose.
            assert_eq!(text(vector, "scheme"), "adyen", "{name}");
            continue;
        }
        let scheme = Scheme::by_id(text(vector, "scheme"))
            .unwrap_or_else(|| panic!("{name}: unknown scheme"));
        let headers: Vec<StoredHeader> = vector["headers"]
            .as_object()
            .expect("headers")
            .iter()
            .map(|(k, v)| StoredHeader::new(k, v.as_str().unwrap_or_default().as_bytes()))
            .collect();
        let req = SignedRequest {
            method: "POST",
            url: vector["url"].as_str().unwrap_or(""),
            headers: &headers,
            body: text(vector, "body").as_bytes(),
        };
        let secrets = [Secret::new("vector", text(vector, "secret"))];
        // Schemes without timestamps ignore the clock.
        let now = vector["now"].as_i64().unwrap_or(0);
        let verdict = verify_and_diagnose(&req, &scheme, &secrets, &[], now);
        let expected = match text(vector, "expect") {
            "valid" => VerdictStatus::Valid,
            "invalid" => VerdictStatus::Invalid,
            "timestamp_out_of_tolerance" => VerdictStatus::Stale,
            other => panic!("{name}: unknown expectation {other}"),
        };
        assert_eq!(verdict.status, expected, "{name}: {verdict:?}");
        assert_eq!(verdict.scheme.as_deref(), Some(scheme.id()), "{name}");
        if expected == VerdictStatus::Valid {
            assert_eq!(verdict.secret.as_deref(), Some("vector"), "{name}");
        }
        if let Some(diagnosis) = vector["diagnosis"].as_str() {
            assert_eq!(
                verdict.diagnosis.as_ref().map(|d| d.code.as_str()),
                Some(diagnosis),
                "{name}: {verdict:?}"
            );
        }
        checked += 1;
    }
    assert_eq!(
        checked,
        vectors.len() - 1,
        "every vector but the optional one"
    );
}

#[test]
fn twilio_json_body_vector() {
    // twilio-python tests/unit/test_request_validator.py, the JSON-body case.
    let body = br#"{"property": "value", "boolean": true}"#;
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    let headers = [
        StoredHeader::new("X-Twilio-Signature", b"a9nBmqA0ju/hNViExpshrM61xv4="),
        StoredHeader::new("Content-Type", b"application/json"),
    ];
    let req = SignedRequest {
        method: "POST",
        url,
        headers: &headers,
        body,
    };
    let secrets = [Secret::new("auth token", "12345")];
    assert_eq!(
        verify(&req, &Scheme::Twilio, &secrets, 0).status,
        VerdictStatus::Valid
    );
    let tampered = SignedRequest {
        body: br#"{"property": "value", "boolean": false}"#,
        ..req
    };
    let verdict = verify(&tampered, &Scheme::Twilio, &secrets, 0);
    assert_eq!(verdict.status, VerdictStatus::Invalid);
    assert!(verdict.reason.unwrap_or_default().contains("bodySHA256"));
}
