//! `endpoints forward ENDPOINT list|add|remove|set` as a user runs them: the
//! real binary over a real SQLite file, JSON in and out, and the errors a
//! user reads.

mod support;

use std::path::Path;
use std::process::Output;

use support::run_cli;

fn cli(dir: &Path, args: &[&str]) -> Output {
    run_cli(dir, args, None)
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}

/// The message of a refused command (exit status 2).
fn refused(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(2),
        "not refused: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr.clone()).expect("utf-8 errors")
}

fn targets(dir: &Path) -> serde_json::Value {
    let json = ok(&cli(
        dir,
        &["endpoints", "forward", "/kustom", "list", "--json"],
    ));
    serde_json::from_str(json.trim()).expect("list --json is JSON")
}

#[test]
fn targets_are_added_listed_removed_and_set_from_json() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&cli(
        d,
        &["endpoints", "add", "--name", "Kustom", "--path", "/kustom"],
    ));
    let none = ok(&cli(d, &["endpoints", "forward", "/kustom", "list"]));
    assert!(none.contains("forwards nothing"), "{none}");
    assert_eq!(targets(d), serde_json::json!([]));

    let added = ok(&cli(
        d,
        &[
            "endpoints",
            "forward",
            "Kustom",
            "add",
            "http://localhost:3000/webhooks",
        ],
    ));
    assert!(
        added.starts_with(
            "added target 1 to endpoint 2 (/kustom): http://localhost:3000/webhooks (sender answered at once)\n"
        ),
        "{added}"
    );
    assert!(
        added.contains("e.g. /kustom/orders?x=1 goes to http://localhost:3000/webhooks/orders?x=1"),
        "{added}"
    );
    ok(&cli(
        d,
        &[
            "endpoints",
            "forward",
            "/kustom",
            "add",
            "http://localhost:4000/disputes",
            "--when",
            "type:dispute.*",
            "--relay",
            "--exact-url",
        ],
    ));
    let listed = ok(&cli(d, &["endpoints", "forward", "/kustom", "list"]));
    assert_eq!(
        listed,
        "  1  http://localhost:3000/webhooks (sender answered at once)\n  \
         2  http://localhost:4000/disputes (handler's reply relayed) when type:dispute.*, to this exact URL\n"
    );
    let all = ok(&cli(d, &["endpoints", "list"]));
    assert!(
        all.contains("      forward  http://localhost:3000/webhooks (sender answered at once)\n"),
        "{all}"
    );
    assert!(
        all.contains("      forward  http://localhost:4000/disputes (handler's reply relayed) when type:dispute.*, to this exact URL\n"),
        "{all}"
    );
    let json = targets(d);
    assert_eq!(
        json,
        serde_json::json!([
            {"url": "http://localhost:3000/webhooks", "mode": "respond", "condition": "", "exactUrl": false},
            {"url": "http://localhost:4000/disputes", "mode": "relay", "condition": "type:dispute.*", "exactUrl": true},
        ])
    );

    // What `list --json` prints, `set` reads back: here reversed.
    let mut reversed = json.as_array().unwrap().clone();
    reversed.reverse();
    let input = serde_json::to_vec(&reversed).unwrap();
    let set = ok(&run_cli(
        d,
        &["endpoints", "forward", "/kustom", "set", "-"],
        Some(&input),
    ));
    assert!(
        set.starts_with(
            "endpoint 2 (/kustom) now forwards to 2 targets\n  1  http://localhost:4000/disputes"
        ),
        "{set}"
    );
    assert_eq!(targets(d), serde_json::Value::Array(reversed));
    let file = d.join("targets.json");
    std::fs::write(
        &file,
        r#"[{"url": "http://localhost:5000/only", "mode": "respond"}]"#,
    )
    .unwrap();
    ok(&cli(
        d,
        &[
            "endpoints",
            "forward",
            "/kustom",
            "set",
            file.to_str().unwrap(),
        ],
    ));
    assert_eq!(
        targets(d),
        serde_json::json!([{"url": "http://localhost:5000/only", "mode": "respond", "condition": "", "exactUrl": false}]),
        "condition and exactUrl may be left out"
    );

    let removed = ok(&cli(d, &["endpoints", "forward", "/kustom", "remove", "1"]));
    assert_eq!(
        removed,
        "removed target 1 (http://localhost:5000/only) from endpoint 2 (/kustom); 0 left\n"
    );
    assert_eq!(targets(d), serde_json::json!([]));
}

#[test]
fn what_cannot_be_a_target_is_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&cli(
        d,
        &["endpoints", "add", "--name", "Kustom", "--path", "/kustom"],
    ));
    let add = |extra: &[&str]| {
        let mut args = vec!["endpoints", "forward", "/kustom", "add"];
        args.extend_from_slice(extra);
        cli(d, &args)
    };

    // A condition that does not parse: the message and the culprit underlined.
    let why = refused(&add(&[
        "http://localhost:3000/a",
        "--when",
        "type:dispute.* after:1h",
    ]));
    assert!(why.contains("after: and before:"), "{why}");
    assert!(
        why.contains("\n  type:dispute.* after:1h\n                 ^^^^^^^^\n"),
        "{why}"
    );
    let why = refused(&add(&["ftp://example.com/x"]));
    assert!(
        why.contains("forward target 1: the URL cannot be used: \"ftp://example.com/x\" is not an http or https URL"),
        "{why}"
    );

    ok(&add(&["http://localhost:3000/a", "--relay"]));
    let why = refused(&add(&["http://localhost:3000/b", "--relay"]));
    assert!(
        why.contains(
            "only one target can answer the sender: target 1 (http://localhost:3000/a) and target 2 \
             (http://localhost:3000/b) are both set to relay"
        ),
        "{why}"
    );

    let why = refused(&cli(d, &["endpoints", "forward", "/kustom", "remove", "3"]));
    assert!(
        why.contains(
            "endpoint /kustom has 1 forward target, numbered 1 to 1; there is no target 3"
        ),
        "{why}"
    );
    let why = refused(&run_cli(
        d,
        &["endpoints", "forward", "/kustom", "set", "-"],
        Some(br#"[{"url": "http://localhost:3000/a", "mode": "respond", "exactURL": true}]"#),
    ));
    assert!(
        why.contains("stdin is not a list of forward targets"),
        "{why}"
    );
    assert!(why.contains("unknown field `exactURL`"), "{why}");
    let why = refused(&run_cli(
        d,
        &["endpoints", "forward", "/kustom", "set", "-"],
        Some(br#"[{"url": "http://localhost:3000/a", "mode": "respond", "condition": "json.a..b:1"}]"#),
    ));
    assert!(
        why.contains(
            "forward target 1: the condition \"json.a..b:1\" does not parse at characters 1–9"
        ),
        "{why}"
    );
    let why = refused(&cli(d, &["endpoints", "forward", "/nope", "list"]));
    assert!(why.contains("no endpoint \"/nope\""), "{why}");

    // --forward on an endpoint with several targets would drop the others.
    ok(&add(&["http://localhost:3000/c"]));
    let why = refused(&cli(
        d,
        &[
            "endpoints",
            "edit",
            "/kustom",
            "--forward",
            "http://localhost:9/x",
        ],
    ));
    assert!(
        why.contains("--forward sets an endpoint's single forward target, and this one has 2"),
        "{why}"
    );
    ok(&cli(
        d,
        &["endpoints", "edit", "/kustom", "--forward", "off"],
    ));
    assert_eq!(targets(d), serde_json::json!([]));
}

#[test]
fn the_old_forward_flags_edit_the_single_target_and_keep_its_condition() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&cli(
        d,
        &[
            "endpoints",
            "add",
            "--name",
            "Kustom",
            "--path",
            "/kustom",
            "--forward",
            "http://localhost:3000/a",
            "--forward-mode",
            "relay",
        ],
    ));
    assert_eq!(
        targets(d),
        serde_json::json!([{"url": "http://localhost:3000/a", "mode": "relay", "condition": "", "exactUrl": false}])
    );
    ok(&run_cli(
        d,
        &["endpoints", "forward", "/kustom", "set", "-"],
        Some(br#"[{"url": "http://localhost:3000/a", "mode": "relay", "condition": "type:order.*", "exactUrl": true}]"#),
    ));
    ok(&cli(
        d,
        &[
            "endpoints",
            "edit",
            "/kustom",
            "--forward",
            "http://localhost:3000/b",
            "--forward-mode",
            "respond",
        ],
    ));
    assert_eq!(
        targets(d),
        serde_json::json!([{"url": "http://localhost:3000/b", "mode": "respond", "condition": "type:order.*", "exactUrl": true}])
    );
}
