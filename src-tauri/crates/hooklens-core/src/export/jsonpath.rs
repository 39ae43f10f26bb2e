//! JSON paths a redaction names, and where their values sit in a body.
//!
//! # Syntax
//!
//! A path is keys separated by dots, as in the search's `json.` filters:
//! `data.customer.email`. Besides keys:
//! - `*` as a whole key is every member of an object or every element of
//!   an array (`card.*`);
//! - `[n]` after a key (or at the start) is element `n` of an array, and
//!   `[*]` every element (`items[*].email`, `[0].id`, `matrix[*][1]`);
//! - a key of digits names an array's element too when the value there is
//!   an array (`items.0.email`), as the search's paths do;
//! - a backslash puts the next character in the key: `\.` `\[` `\*` `\\`
//!   (`metadata.order\.id` is the key `order.id`);
//! - a leading `$.` (JSONPath habit) is accepted and ignored.
//!
//! Every member matches when an object has a key twice. A path has at most
//! [`MAX_STEPS`] steps, which also bounds how deep the walk goes.
//!
//! # Finding values
//!
//! The body is not built into a tree: each step parses only the value it
//! stands on into its members (serde_json's [`RawValue`], which borrows the
//! body's own text, so each match is a byte range of the body), and skips
//! everything else. The caller replaces those ranges in place, so the rest
//! of the body keeps its exact bytes: key order, spacing, 20-digit numbers.

use std::fmt;
use std::ops::Range;

use serde::Deserializer as _;
use serde::de::{MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::json::{Kind, kind};

/// The most steps a path may have.
pub const MAX_STEPS: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// A member by name (an element too when the key is digits and the
    /// value is an array).
    Key(String),
    /// `[n]`.
    Index(usize),
    /// `*`: every member or element.
    Any,
}

/// A parsed redaction path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPath {
    text: String,
    steps: Vec<Step>,
}

/// A value a path matched: its bytes in the body and its concrete path
/// (`items[2].email`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub range: Range<usize>,
    pub path: String,
}

impl JsonPath {
    /// Reads `text`; the error says what is wrong, for the person who typed it.
    pub fn parse(text: &str) -> Result<JsonPath, String> {
        let body = text.trim();
        let body = body
            .strip_prefix("$.")
            .or_else(|| body.strip_prefix('$').filter(|r| r.starts_with('[')))
            .unwrap_or(body);
        if body.is_empty() {
            return Err("is empty; e.g. data.customer.email".into());
        }
        let mut steps = Vec::new();
        let mut chars = body.chars().peekable();
        // Whether a key may start here (at the start, or after a dot).
        let mut want_key = true;
        while let Some(&c) = chars.peek() {
            match c {
                '[' => {
                    chars.next();
                    let mut inner = String::new();
                    loop {
                        match chars.next() {
                            Some(']') => break,
                            Some(c) => inner.push(c),
                            None => return Err("has a [ without its ]".into()),
                        }
                    }
                    steps.push(match inner.trim() {
                        "*" => Step::Any,
                        n => Step::Index(n.parse().map_err(|_| {
                            format!("has [{inner}]: between brackets goes an index or *")
                        })?),
                    });
                    want_key = false;
                }
                '.' if !want_key => {
                    chars.next();
                    want_key = true;
                }
                '.' => return Err("has an empty key (two dots in a row, or a dot first)".into()),
                _ if !want_key => {
                    return Err(format!("needs a dot before {c:?}"));
                }
                _ => {
                    let mut key = String::new();
                    let mut escaped_star = false;
                    while let Some(&c) = chars.peek() {
                        match c {
                            '.' | '[' => break,
                            '\\' => {
                                chars.next();
                                let next = chars.next().unwrap_or('\\');
                                escaped_star |= next == '*';
                                key.push(next);
                            }
                            c => {
                                chars.next();
                                key.push(c);
                            }
                        }
                    }
                    steps.push(if key == "*" && !escaped_star {
                        Step::Any
                    } else {
                        Step::Key(key)
                    });
                    want_key = false;
                }
            }
            if steps.len() > MAX_STEPS {
                return Err(format!("has more than {MAX_STEPS} steps"));
            }
        }
        if want_key {
            return Err("ends with a dot".into());
        }
        Ok(JsonPath {
            text: text.trim().to_owned(),
            steps,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Every value of `doc` (the body's JSON text) this path names, as byte
    /// ranges of `doc`.
    pub fn find(&self, doc: &str, root: &RawValue) -> Vec<Found> {
        let mut found = Vec::new();
        walk(doc, root, &self.steps, &mut String::new(), &mut found);
        found
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Where `raw` (borrowed from `doc`) sits in `doc`.
fn range_in(doc: &str, raw: &RawValue) -> Option<Range<usize>> {
    let start = (raw.get().as_ptr() as usize).checked_sub(doc.as_ptr() as usize)?;
    let end = start + raw.get().len();
    (end <= doc.len()).then_some(start..end)
}

fn walk(doc: &str, value: &RawValue, steps: &[Step], path: &mut String, found: &mut Vec<Found>) {
    let Some((step, rest)) = steps.split_first() else {
        if let Some(range) = range_in(doc, value) {
            found.push(Found {
                range,
                path: path.clone(),
            });
        }
        return;
    };
    let len = path.len();
    match kind(value) {
        Kind::Object => {
            for (key, child) in members(value) {
                let take = match step {
                    Step::Key(k) => *k == key,
                    Step::Any => true,
                    Step::Index(_) => false,
                };
                if take {
                    push_key(path, &key);
                    walk(doc, child, rest, path, found);
                    path.truncate(len);
                }
            }
        }
        Kind::Array => {
            let elements: Vec<&RawValue> = serde_json::from_str(value.get()).unwrap_or_default();
            let wanted = match step {
                Step::Any => None,
                Step::Index(n) => Some(*n),
                Step::Key(k) => match array_index(k) {
                    Some(n) => Some(n),
                    None => return,
                },
            };
            for (i, child) in elements.into_iter().enumerate() {
                if wanted.is_none_or(|n| n == i) {
                    path.push_str(&format!("[{i}]"));
                    walk(doc, child, rest, path, found);
                    path.truncate(len);
                }
            }
        }
        _ => {}
    }
}

/// A key that names an array element: digits without a leading zero, as
/// serde_json's pointers read them.
fn array_index(key: &str) -> Option<usize> {
    let digits = !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit());
    (digits && (key.len() == 1 || !key.starts_with('0')))
        .then(|| key.parse().ok())
        .flatten()
}

/// A key as a path writes it: `.` first unless at the start, and the
/// characters the syntax reads escaped.
fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    if key == "*" {
        path.push('\\');
    }
    for c in key.chars() {
        if matches!(c, '.' | '[' | '\\') {
            path.push('\\');
        }
        path.push(c);
    }
}

/// An object's members in order, duplicates kept, values borrowed.
fn members(object: &RawValue) -> Vec<(String, &RawValue)> {
    struct Members;
    impl<'de> Visitor<'de> for Members {
        type Value = Vec<(String, &'de RawValue)>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(key) = map.next_key::<String>()? {
                out.push((key, map.next_value::<&'de RawValue>()?));
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_str(object.get());
    de.deserialize_map(Members).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(path: &str, doc: &str) -> Vec<(String, String)> {
        let root: &RawValue = serde_json::from_str(doc).unwrap();
        JsonPath::parse(path)
            .unwrap()
            .find(doc, root)
            .into_iter()
            .map(|f| (f.path, doc[f.range].to_owned()))
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn keys_wildcards_and_indexes_find_byte_ranges() {
        let doc = r#"{"data":{"customer":{"email":"j@x.io","id":7}},
            "card":{"number":"4111","cvc":123},
            "items":[{"email":"a@x.io"},{"sku":1},{"email":{"deep":true}}]}"#;
        assert_eq!(
            matches("data.customer.email", doc),
            pairs(&[("data.customer.email", r#""j@x.io""#)])
        );
        assert_eq!(
            matches("card.*", doc),
            pairs(&[("card.number", r#""4111""#), ("card.cvc", "123")])
        );
        assert_eq!(
            matches("items[*].email", doc),
            pairs(&[
                ("items[0].email", r#""a@x.io""#),
                ("items[2].email", r#"{"deep":true}"#)
            ])
        );
        assert_eq!(
            matches("items.0.email", doc),
            pairs(&[("items[0].email", r#""a@x.io""#)])
        );
        assert_eq!(
            matches("$.items[1]", doc),
            pairs(&[("items[1]", r#"{"sku":1}"#)])
        );
        assert!(matches("data.nothing", doc).is_empty());
        assert!(matches("card[0]", doc).is_empty());
    }

    #[test]
    fn escapes_duplicates_and_root_arrays() {
        let doc = r#"[{"a.b":1,"*":2,"x":3,"x":4}]"#;
        assert_eq!(matches(r"[0].a\.b", doc), pairs(&[(r"[0].a\.b", "1")]));
        assert_eq!(matches(r"[*].\*", doc), pairs(&[(r"[0].\*", "2")]));
        assert_eq!(
            matches("[0].x", doc),
            pairs(&[("[0].x", "3"), ("[0].x", "4")])
        );
    }

    #[test]
    fn bad_paths_are_explained() {
        for (path, words) in [
            ("", "is empty"),
            ("a..b", "empty key"),
            ("a.", "ends with a dot"),
            ("a[x]", "an index or *"),
            ("a[1", "without its ]"),
            ("a[0]b", "needs a dot"),
        ] {
            let err = JsonPath::parse(path).unwrap_err();
            assert!(err.contains(words), "{path}: {err}");
        }
        let long = vec!["k"; MAX_STEPS + 1].join(".");
        assert!(JsonPath::parse(&long).unwrap_err().contains("steps"));
    }

    #[test]
    fn deep_documents_are_walked_only_along_the_path() {
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(10_000), "]".repeat(10_000));
        let root: &RawValue = serde_json::from_str(&deep).unwrap();
        let found = JsonPath::parse("a").unwrap().find(&deep, root);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].range.len(), 20_001);
    }
}
