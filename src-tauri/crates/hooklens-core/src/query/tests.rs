use super::parser::parse_in;
use super::*;
use crate::model::{ErrorKind, ErrorPayload};
use jiff::tz::TimeZone;
use proptest::prelude::*;

/// 2026-11-20T12:00:00Z
const NOW_MS: i64 = 1_795_176_000_000;
const MINUTE_NS: i64 = 60_000_000_000;
const HOUR_NS: i64 = 60 * MINUTE_NS;
const DAY_NS: i64 = 24 * HOUR_NS;

fn utc(text: &str) -> Result<Query, QueryError> {
    parse_in(text, NOW_MS, &TimeZone::UTC)
}

/// The filters of a query that must parse, with their negation.
fn filters(text: &str) -> Vec<(bool, Filter)> {
    utc(text)
        .unwrap_or_else(|e| panic!("{text:?} did not parse: {e:?}"))
        .terms
        .into_iter()
        .map(|t| (t.negated, t.filter))
        .collect()
}

fn only(text: &str) -> Filter {
    let mut all = filters(text);
    assert_eq!(all.len(), 1, "{text:?} gave {all:?}");
    let (negated, filter) = all.remove(0);
    assert!(!negated);
    filter
}

fn error(text: &str) -> QueryError {
    match utc(text) {
        Ok(q) => panic!("{text:?} parsed as {q:?}"),
        Err(e) => e,
    }
}

fn word(text: &str) -> Filter {
    Filter::Text {
        text: text.into(),
        prefix: false,
    }
}

#[test]
fn empty_and_blank_queries_match_everything() {
    assert!(utc("").unwrap().is_empty());
    assert!(utc("  \t\n ").unwrap().is_empty());
    assert_eq!(parse("", NOW_MS).unwrap(), Query::default());
}

#[test]
fn words_phrases_and_prefixes_are_text() {
    assert_eq!(
        filters(r#"refund  "order created" checko* 10:30"#),
        [
            (false, word("refund")),
            (false, word("order created")),
            (
                false,
                Filter::Text {
                    text: "checko".into(),
                    prefix: true
                }
            ),
            (false, word("10:30")),
        ]
    );
    // Quotes take text literally, escapes included.
    assert_eq!(only(r#""a \"b\" c*""#), word(r#"a "b" c*"#));
    assert_eq!(only(r#""back\\slash""#), word(r"back\slash"));
}

#[test]
fn a_leading_dash_negates_words_phrases_and_filters() {
    assert_eq!(
        filters(r#"-timeout -"card declined" -type:order.created -status:valid"#),
        [
            (true, word("timeout")),
            (true, word("card declined")),
            (true, Filter::Type(TypeMatch::Exact("order.created".into()))),
            (true, Filter::Status(Some(VerdictStatus::Valid))),
        ]
    );
    // A dash inside a word is part of it.
    assert_eq!(only("x-request-id"), word("x-request-id"));
}

#[test]
fn terms_know_where_they_were_written_in_chars() {
    let q = utc("é -type:x").unwrap();
    assert_eq!((q.terms[0].start, q.terms[0].end), (0, 1));
    assert_eq!((q.terms[1].start, q.terms[1].end), (2, 9));
}

#[test]
fn type_is_exact_or_a_prefix_with_a_trailing_star() {
    assert_eq!(
        only("type:dispute.opened"),
        Filter::Type(TypeMatch::Exact("dispute.opened".into()))
    );
    assert_eq!(
        only("type:dispute.*"),
        Filter::Type(TypeMatch::Prefix("dispute.".into()))
    );
    assert_eq!(only("type:*"), Filter::Type(TypeMatch::Prefix("".into())));
    // Quoted: the star is literal.
    assert_eq!(
        only(r#"type:"odd*""#),
        Filter::Type(TypeMatch::Exact("odd*".into()))
    );
    // Field names are case-insensitive, values keep their case.
    assert_eq!(
        only("TYPE:Order.Created"),
        Filter::Type(TypeMatch::Exact("Order.Created".into()))
    );
    let e = error("type:a*b*");
    assert!(e.message.contains("only at the end"), "{e:?}");
    assert_eq!((e.start, e.end), (5, 9));
}

#[test]
fn provider_endpoint_method_merchant_and_path() {
    assert_eq!(only("provider:Kustom"), Filter::Provider("kustom".into()));
    assert_eq!(
        only(r#"endpoint:"Kustom live""#),
        Filter::Endpoint("Kustom live".into())
    );
    assert_eq!(only("endpoint:/kustom"), Filter::Endpoint("/kustom".into()));
    assert_eq!(only("method:post"), Filter::Method("POST".into()));
    assert_eq!(only("merchant:M_42"), Filter::Merchant("M_42".into()));
    assert_eq!(
        only("path:/kustom/*/orders"),
        Filter::Path {
            value: "/kustom/*/orders".into(),
            literal: false
        }
    );
    assert_eq!(
        only(r#"path:"/odd*""#),
        Filter::Path {
            value: "/odd*".into(),
            literal: true
        }
    );
}

#[test]
fn status_takes_the_verdicts_and_unverified() {
    for status in VerdictStatus::ALL {
        assert_eq!(
            only(&format!("status:{}", status.as_str())),
            Filter::Status(Some(status))
        );
    }
    assert_eq!(
        only("status:No-Secret"),
        Filter::Status(Some(VerdictStatus::NoSecret))
    );
    assert_eq!(only("status:unverified"), Filter::Status(None));
    let e = error("refund status:bogus");
    assert_eq!((e.start, e.end), (14, 19));
    assert!(e.message.contains("unknown status \"bogus\""), "{e:?}");
    for value in status_values() {
        assert!(e.message.contains(value), "{e:?} lacks {value}");
    }
}

#[test]
fn id_is_the_providers_and_digits_are_also_our_own() {
    assert_eq!(
        only("id:evt_1"),
        Filter::Id {
            value: "evt_1".into(),
            own: None
        }
    );
    assert_eq!(
        only("id:#123"),
        Filter::Id {
            value: "#123".into(),
            own: Some(123)
        }
    );
    assert_eq!(
        only("id:123"),
        Filter::Id {
            value: "123".into(),
            own: Some(123)
        }
    );
    // Too long for an event number: only the provider's id.
    assert_eq!(
        only("id:123456789012345678901234567890"),
        Filter::Id {
            value: "123456789012345678901234567890".into(),
            own: None
        }
    );
    assert_eq!(
        only("id:#x1"),
        Filter::Id {
            value: "#x1".into(),
            own: None
        }
    );
}

#[test]
fn header_filters_name_a_header_and_take_a_value_or_star() {
    assert_eq!(
        only("header.User-Agent:Curl"),
        Filter::Header {
            name: "user-agent".into(),
            value: Some("Curl".into())
        }
    );
    assert_eq!(
        only("header.x-github-event:*"),
        Filter::Header {
            name: "x-github-event".into(),
            value: None
        }
    );
    assert_eq!(
        only(r#"header.x-note:"a b""#),
        Filter::Header {
            name: "x-note".into(),
            value: Some("a b".into())
        }
    );
    let e = error("header:x");
    assert!(e.message.contains("needs a name after the dot"), "{e:?}");
    assert_eq!((e.start, e.end), (0, 6));
}

#[test]
fn json_filters_take_a_dot_path_and_a_value() {
    assert_eq!(
        only("json.metadata.checkoutId:abc"),
        Filter::Json {
            path: vec!["metadata".into(), "checkoutId".into()],
            value: Some("abc".into()),
            prefix: false
        }
    );
    assert_eq!(
        only(r#"json.note:"two words""#),
        Filter::Json {
            path: vec!["note".into()],
            value: Some("two words".into()),
            prefix: false
        }
    );
    assert_eq!(
        only("json.items.0.sku:*"),
        Filter::Json {
            path: vec!["items".into(), "0".into(), "sku".into()],
            value: None,
            prefix: false
        }
    );
    for bad in ["json.a..b:1", "json.a.:1", "json.:1"] {
        let e = error(bad);
        assert_eq!(e.start, 0, "{bad}: {e:?}");
    }
}

#[test]
fn a_json_value_ending_in_a_star_is_a_prefix_and_quotes_make_it_literal() {
    let json = |value: &str, prefix: bool| Filter::Json {
        path: vec!["data".into(), "status".into()],
        value: Some(value.into()),
        prefix,
    };
    assert_eq!(only("json.data.status:pend*"), json("pend", true));
    assert_eq!(only("json.data.status:pending"), json("pending", false));
    // The escape `type:` has: quotes make the star literal.
    assert_eq!(only(r#"json.data.status:"pend*""#), json("pend*", false));
    assert_eq!(only(r#"json.data.status:"*""#), json("*", false));
    // A star anywhere else is refused, never taken literally in silence;
    // the message says how to mean it literally.
    for bad in [
        "json.data.status:pe*nd",
        "json.data.status:pe*nd*",
        "json.data.status:**",
    ] {
        let e = error(bad);
        assert!(e.message.contains("only at the end"), "{bad}: {e:?}");
        assert!(e.message.contains("in quotes"), "{bad}: {e:?}");
        assert_eq!((e.start, e.end), (17, bad.chars().count()), "{bad}: {e:?}");
    }
    assert!(error("json.a:x*y").message.contains(r#"json.a:"x*y""#));
    // type: follows the same rule.
    let e = error("type:a*b");
    assert!(e.message.contains("only at the end"), "{e:?}");
    assert!(e.message.contains(r#"type:"a*b""#), "{e:?}");
    assert_eq!(
        only(r#"type:"a*b""#),
        Filter::Type(TypeMatch::Exact("a*b".into()))
    );
}

#[test]
fn json_paths_take_backslash_escapes_for_colons_dots_and_more() {
    let json = |path: &[&str], value: &str| Filter::Json {
        path: path.iter().map(|k| (*k).to_owned()).collect(),
        value: Some(value.into()),
        prefix: false,
    };
    // Before, the first colon ended the path: the key `a\` and the value
    // `1:value`, which SQLite refused as a bad JSON path.
    assert_eq!(only(r"json.a\:1:value"), json(&["a:1"], "value"));
    assert_eq!(
        only(r"json.a\:1:*"),
        Filter::Json {
            path: vec!["a:1".into()],
            value: None,
            prefix: false
        }
    );
    assert_eq!(only(r"json.a\.b.c:1"), json(&["a.b", "c"], "1"));
    assert_eq!(only(r"json.a\\:x"), json(&["a\\"], "x"));
    assert_eq!(only(r#"json.a\"b:x"#), json(&["a\"b"], "x"));
    assert_eq!(only(r"json.a\ b:x"), json(&["a b"], "x"));
    assert_eq!(
        only(r#"json.x\:y:"two words""#),
        json(&["x:y"], "two words")
    );
    // Negated, and among other terms, it is still one term.
    assert_eq!(
        filters(r"refund -json.a\:1:v"),
        [(false, word("refund")), (true, json(&["a:1"], "v"))]
    );
    // An escaped dot is no empty key; an unescaped double dot still is.
    assert_eq!(only(r"json.a\..b:1"), json(&["a.", "b"], "1"));
    let e = error(r"json.a\.b..c:1");
    assert!(e.message.contains("empty key"), "{e:?}");
}

#[test]
fn a_json_path_whose_only_colon_is_escaped_says_the_value_is_missing() {
    // Not the words "json a 1", and not SQLite's "bad JSON path".
    let e = error(r"refund json.a\:1");
    assert!(e.message.contains("has no value"), "{e:?}");
    assert!(e.message.contains(r"json.a\:1:VALUE"), "{e:?}");
    assert_eq!((e.start, e.end), (7, 16));
    // Text that merely looks like it is text when quoted.
    assert_eq!(only(r#""json.a\\:1""#), word(r"json.a\:1"));
    // Other words with a backslash stay words.
    assert_eq!(only(r"foo\:bar"), word(r"foo\:bar"));
    assert_eq!(only(r"back\slash"), word(r"back\slash"));
}

#[test]
fn header_names_take_no_backslash() {
    let e = error(r"header.x\:y:z");
    assert!(e.message.contains("no backslash"), "{e:?}");
    assert_eq!((e.start, e.end), (0, 11));
}

#[test]
fn a_negative_duration_is_an_error_not_the_same_time_ago() {
    // jiff reads -1h as a span of minus an hour; taken as its size it
    // silently meant after:1h.
    for (query, start, end) in [
        ("after:-1h", 6, 9),
        ("x before:-2d", 9, 12),
        (r#"after:"-30m""#, 6, 12),
        (r#"after:" -1h""#, 6, 12),
    ] {
        let e = error(query);
        assert_eq!((e.start, e.end), (start, end), "{query}: {e:?}");
        assert!(e.message.contains("is not a duration"), "{query}: {e:?}");
        assert!(e.message.contains("a time in the past"), "{query}: {e:?}");
    }
    let e = error("after:-1h");
    assert!(e.message.contains("-after:1h"), "{e:?}");
    // Negating the whole filter is how to exclude, and keeps working.
    let now = NOW_MS * 1_000_000;
    assert_eq!(filters("-after:1h"), [(true, Filter::After(now - HOUR_NS))]);
    // "ago" is jiff's negative span too, and means what it says.
    assert_eq!(only(r#"after:"1h ago""#), Filter::After(now - HOUR_NS));
}

#[test]
fn absolute_times_are_dates_local_times_or_rfc3339() {
    let midnight = 1_795_132_800_000_000_000; // 2026-11-20T00:00:00Z
    assert_eq!(only("after:2026-11-20"), Filter::After(midnight));
    assert_eq!(
        only("before:2026-11-20T10:00"),
        Filter::Before(midnight + 10 * HOUR_NS)
    );
    assert_eq!(
        only("after:2026-11-20T10:00:00Z"),
        Filter::After(midnight + 10 * HOUR_NS)
    );
    assert_eq!(
        only("after:2026-11-20T10:00:00+02:00"),
        Filter::After(midnight + 8 * HOUR_NS)
    );
    assert_eq!(
        only(r#"after:"2026-11-20 10:30""#),
        Filter::After(midnight + 10 * HOUR_NS + 30 * MINUTE_NS)
    );
    // Without an offset, dates are local time.
    let paris_winter = jiff::tz::offset(1).to_time_zone();
    let q = parse_in("after:2026-11-20", NOW_MS, &paris_winter).unwrap();
    assert_eq!(q.terms[0].filter, Filter::After(midnight - HOUR_NS));
}

#[test]
fn relative_times_count_back_from_now() {
    let now = NOW_MS * 1_000_000;
    assert_eq!(only("after:30m"), Filter::After(now - 30 * MINUTE_NS));
    assert_eq!(only("after:1h"), Filter::After(now - HOUR_NS));
    assert_eq!(only("before:2d"), Filter::Before(now - 2 * DAY_NS));
    assert_eq!(only("after:1w"), Filter::After(now - 7 * DAY_NS));
    assert_eq!(only("after:1h30m"), Filter::After(now - 90 * MINUTE_NS));
    assert_eq!(
        only(r#"after:"2 days ago""#),
        Filter::After(now - 2 * DAY_NS)
    );
}

#[test]
fn bad_times_say_what_is_accepted() {
    for (query, start, end) in [
        ("after:yesterdayish", 6, 18),
        ("before:2026-13-01", 7, 17),
        ("after:30", 6, 8),
        ("x after:2026-11-20T25:00", 8, 24),
    ] {
        let e = error(query);
        assert_eq!((e.start, e.end), (start, end), "{query}: {e:?}");
        assert!(e.message.contains("cannot read"), "{query}: {e:?}");
        assert!(e.message.contains("1h"), "{query}: {e:?}");
    }
}

#[test]
fn dup_takes_yes_or_no() {
    assert_eq!(only("dup:yes"), Filter::Dup(true));
    assert_eq!(only("dup:TRUE"), Filter::Dup(true));
    assert_eq!(only("dup:no"), Filter::Dup(false));
    assert_eq!(only("dup:false"), Filter::Dup(false));
    assert_eq!(only("source:import"), Filter::Imported(true));
    assert_eq!(only("source:LIVE"), Filter::Imported(false));
    assert!(error("source:x").message.contains("import or live"));
    assert_eq!(only("via:tunnel"), Filter::Tunneled(true));
    assert_eq!(only("via:Local"), Filter::Tunneled(false));
    assert!(error("via:ssh").message.contains("tunnel or local"));
    let e = error("dup:maybe");
    assert_eq!((e.start, e.end), (4, 9));
    assert!(e.message.contains("yes or no"), "{e:?}");
}

#[test]
fn unknown_fields_suggest_the_nearest_one() {
    let e = error("refund tpye:order.created");
    assert_eq!((e.start, e.end), (7, 12));
    assert!(e.message.contains("unknown field tpye:"), "{e:?}");
    assert!(e.message.contains("did you mean type:?"), "{e:?}");
    let e = error("headers.x-a:b");
    assert!(e.message.contains("did you mean header.…:?"), "{e:?}");
    // Nothing near: the list of fields, and how to search for a colon.
    let e = error("https://example.com");
    assert!(e.message.contains("fields are type provider"), "{e:?}");
    assert!(e.message.contains("in quotes"), "{e:?}");
    assert_eq!((e.start, e.end), (0, 6));
    // Quoted, it is text.
    assert_eq!(
        only(r#""https://example.com""#),
        word("https://example.com")
    );
}

#[test]
fn a_field_without_a_value_is_an_error() {
    for (query, start, end) in [
        ("type:", 0, 5),
        ("refund provider: status:valid", 7, 16),
        (r#"merchant:"""#, 9, 11),
        ("-method:", 1, 8),
    ] {
        let e = error(query);
        assert!(e.message.contains("needs a value"), "{query}: {e:?}");
        assert_eq!((e.start, e.end), (start, end), "{query}: {e:?}");
    }
    assert!(error("type:").message.contains("type:dispute.*"));
}

#[test]
fn unterminated_quotes_point_at_the_opening_quote() {
    let e = error(r#"refund "order created"#);
    assert!(e.message.contains("unterminated quote"), "{e:?}");
    assert_eq!((e.start, e.end), (7, 21));
    let e = error(r#"json.note:"two words"#);
    assert_eq!((e.start, e.end), (10, 20));
    // The escape does not close it.
    assert!(error(r#""abc\""#).message.contains("unterminated"));
}

#[test]
fn stray_quotes_and_dashes_are_errors() {
    let e = error(r#"ab"cd""#);
    assert!(e.message.contains("quote inside a word"), "{e:?}");
    assert_eq!((e.start, e.end), (2, 3));
    let e = error(r#""ab"cd"#);
    assert!(e.message.contains("after the closing quote"), "{e:?}");
    assert_eq!((e.start, e.end), (4, 6));
    let e = error("refund - x");
    assert!(e.message.contains("- must be followed"), "{e:?}");
    assert_eq!((e.start, e.end), (7, 8));
    let e = error("--verbose");
    assert_eq!((e.start, e.end), (0, 2));
    assert!(error("refund -").message.contains("- must be followed"));
}

#[test]
fn text_without_letters_or_digits_is_an_error_not_an_empty_search() {
    let e = error("refund !!!");
    assert!(e.message.contains("no letters or digits"), "{e:?}");
    assert_eq!((e.start, e.end), (7, 10));
    assert!(error(r#""""#).message.contains("empty quotes"));
    assert!(error("*").message.contains("* must follow"));
    assert!(error(r#""  ""#).message.contains("empty quotes"));
}

#[test]
fn fields_that_take_no_dot_say_so() {
    let e = error("type.x:y");
    assert!(e.message.contains("no parts after a dot"), "{e:?}");
}

#[test]
fn error_positions_count_chars_not_bytes() {
    let e = error("café tpye:x");
    assert_eq!((e.start, e.end), (5, 10));
    let e = error(" a.:é");
    assert_eq!((e.start, e.end), (1, 4));
}

#[test]
fn too_many_terms_is_an_error() {
    let many = vec!["w"; MAX_TERMS + 1].join(" ");
    let e = error(&many);
    assert!(e.message.contains("too many terms"), "{e:?}");
    assert_eq!(e.start, MAX_TERMS * 2);
    assert!(utc(&vec!["w"; MAX_TERMS].join(" ")).is_ok());
}

#[test]
fn fields_describe_every_field_with_an_example_that_parses() {
    let all = fields();
    let names: Vec<_> = all.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "type", "provider", "endpoint", "method", "path", "status", "id", "merchant",
            "header.", "json.", "after", "before", "dup", "source", "via", "rule"
        ]
    );
    for f in &all {
        assert!(!f.description.is_empty());
        assert!(f.example.starts_with(&f.name), "{f:?}");
        utc(&f.example).unwrap_or_else(|e| panic!("example {:?}: {e:?}", f.example));
        for value in &f.values {
            if !f.name.ends_with('.') {
                utc(&format!("{}:{value}", f.name))
                    .unwrap_or_else(|e| panic!("{}:{value}: {e:?}", f.name));
            }
        }
    }
    let status = all.iter().find(|f| f.name == "status").unwrap();
    assert!(status.values.contains(&"unverified".to_owned()));
    let provider = all.iter().find(|f| f.name == "provider").unwrap();
    assert!(provider.values.contains(&"kustom".to_owned()));
}

#[test]
fn query_errors_reach_the_ui_as_query_errors() {
    let payload = ErrorPayload::from(error("status:x"));
    assert_eq!(payload.kind, ErrorKind::Query);
    assert!(payload.message.contains("unknown status"));
}

proptest! {
    #[test]
    fn parse_never_panics(text in any::<String>(), now in any::<i64>()) {
        let _ = parse_in(&text, now, &TimeZone::UTC);
    }

    #[test]
    fn parse_never_panics_on_query_like_text(
        text in r#"[-a-z.:"*#\\ 0-9é]{0,40}"#,
        now in any::<i64>(),
    ) {
        if let Err(e) = parse_in(&text, now, &TimeZone::UTC) {
            let chars = text.chars().count();
            prop_assert!(e.start <= e.end && e.end <= chars, "{:?} for {:?}", e, text);
        }
    }

    #[test]
    fn parse_never_panics_on_fields(
        field in "(type|provider|endpoint|method|path|status|id|merchant|header\\.x|json\\.a\\.0|after|before|dup)",
        value in r#"[-a-zA-Z0-9.:"*#+ TZ]{0,24}"#,
        now in any::<i64>(),
    ) {
        let _ = parse_in(&format!("{field}:{value}"), now, &TimeZone::UTC);
    }
}
