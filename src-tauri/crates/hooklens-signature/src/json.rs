//! Reading JSON that came off the wire, with work bounded by its size.
//!
//! A sender controls both the size and the nesting of a body. Building a
//! full `serde_json::Value` costs memory several times the body and is
//! refused past 128 levels; pretty-printing grows with the square of the
//! depth. What capture needs is a handful of values at known pointers, so
//! this module walks only the keys on each pointer's path and skips
//! everything else with serde_json's iterative skipper: linear time, memory
//! independent of the body, any depth.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::fmt;

use serde::Deserializer as _;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

/// Deepest nesting Hooklens parses into a tree or re-formats (serde_json's
/// own recursion limit, and the UI's).
pub const MAX_DEPTH: usize = 128;

/// How deeply `bytes` nest, counting `[` and `{` outside strings, stopping
/// as soon as the depth passes `stop_after` (which is then returned as
/// `stop_after + 1`). Linear, allocation-free; meaningful for JSON text and
/// harmless on anything else.
pub fn nesting_depth(bytes: &[u8], stop_after: usize) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > deepest {
                    deepest = depth;
                    if deepest > stop_after {
                        return deepest;
                    }
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// True when `bytes` nest deeper than [`MAX_DEPTH`].
pub fn too_deep(bytes: &[u8]) -> bool {
    nesting_depth(bytes, MAX_DEPTH) > MAX_DEPTH
}

/// A body whose JSON is validated on first use (once) and then read by
/// pointer without building a tree.
pub struct LazyJson<'a> {
    raw: &'a [u8],
    root: OnceCell<Option<&'a RawValue>>,
    /// The root object's members, read in one pass on the first lookup:
    /// detection and extraction ask for a dozen top-level keys, and each
    /// would otherwise skip through the whole body again. None for other
    /// roots and for objects with more than [`CACHED_MEMBERS`] members.
    members: OnceCell<Option<Vec<Member<'a>>>>,
}

/// An object member: its key (borrowed unless it had escapes) and value.
type Member<'a> = (Cow<'a, str>, &'a RawValue);

/// Top-level members kept by [`LazyJson`]: enough for any webhook's
/// envelope, and a bound on the memory a crafted body can make it use.
const CACHED_MEMBERS: usize = 256;

/// What sits at a pointer, without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

impl<'a> LazyJson<'a> {
    pub fn new(raw: &'a [u8]) -> Self {
        LazyJson {
            raw,
            root: OnceCell::new(),
            members: OnceCell::new(),
        }
    }

    pub fn bytes(&self) -> &'a [u8] {
        self.raw
    }

    /// The whole document, or None when the body is not valid JSON.
    pub fn root(&self) -> Option<&'a RawValue> {
        *self.root.get_or_init(|| {
            let text = std::str::from_utf8(self.raw).ok()?;
            serde_json::from_str::<&RawValue>(text).ok()
        })
    }

    /// Whether the document is valid JSON with an object at its root; for
    /// most bodies the pass that reads the members, not a second one.
    pub fn is_object(&self) -> bool {
        self.members().is_some() || self.root().is_some_and(|root| kind(root) == Kind::Object)
    }

    /// The value at an RFC 6901 pointer ("" is the whole document), with
    /// serde_json's `Value::pointer` semantics (the last of duplicate keys
    /// wins; array indexes without leading zeros).
    pub fn at(&self, pointer: &str) -> Option<&'a RawValue> {
        if pointer.is_empty() {
            return self.root();
        }
        let rest = pointer.strip_prefix('/')?;
        self.at_keys(rest.split('/').map(|token| {
            if token.contains('~') {
                Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
            } else {
                Cow::Borrowed(token)
            }
        }))
    }

    /// The value under `keys`, each an object member's name or an array
    /// index as `at` reads a pointer's tokens, already unescaped: callers
    /// that hold the keys skip writing and re-parsing a pointer.
    pub fn at_keys<K: AsRef<str>>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Option<&'a RawValue> {
        let mut keys = keys.into_iter();
        let Some(first) = keys.next() else {
            return self.root();
        };
        let first = first.as_ref();
        let mut current = match self.members() {
            // The last of duplicate keys wins, as in serde_json.
            Some(members) => members.iter().rev().find(|(k, _)| k == first)?.1,
            None => child(self.root()?, first)?,
        };
        for key in keys {
            current = child(current, key.as_ref())?;
        }
        Some(current)
    }

    fn members(&self) -> Option<&[Member<'a>]> {
        self.members
            .get_or_init(|| {
                // Read from the validated root when there is one; else one
                // pass reads the members and validates the whole document
                // (each value is checked as it is read, then the end), where
                // validating first would read the body twice. Any other
                // root, or a document that does not parse, is left to
                // `root`.
                let text = match self.root.get() {
                    Some(root) => (*root)?.get(),
                    None => std::str::from_utf8(self.raw).ok()?,
                };
                if !text.trim_start().starts_with('{') {
                    return None;
                }
                let mut de = serde_json::Deserializer::from_str(text);
                let members = de.deserialize_map(Members).ok()?;
                de.end().ok()?;
                members
            })
            .as_deref()
    }

    pub fn kind_at(&self, pointer: &str) -> Option<Kind> {
        self.at(pointer).map(kind)
    }

    /// A scalar (string, number, bool, null) at `pointer` as a `Value`;
    /// None for objects, arrays and missing values, which are never built.
    pub fn scalar_at(&self, pointer: &str) -> Option<Value> {
        let raw = self.at(pointer)?;
        match kind(raw) {
            Kind::Object | Kind::Array => None,
            _ => serde_json::from_str(raw.get()).ok(),
        }
    }

    pub fn str_at(&self, pointer: &str) -> Option<String> {
        self.at(pointer).and_then(string).map(Cow::into_owned)
    }
}

/// The text of a JSON string value, borrowed when it has no escapes (the
/// common case); None for any other kind.
pub fn string(raw: &RawValue) -> Option<Cow<'_, str>> {
    if kind(raw) != Kind::String {
        return None;
    }
    match serde_json::from_str::<&str>(raw.get()) {
        Ok(text) => Some(Cow::Borrowed(text)),
        Err(_) => serde_json::from_str::<String>(raw.get())
            .ok()
            .map(Cow::Owned),
    }
}

pub fn kind(raw: &RawValue) -> Kind {
    match raw.get().as_bytes().first() {
        Some(b'{') => Kind::Object,
        Some(b'[') => Kind::Array,
        Some(b'"') => Kind::String,
        Some(b't' | b'f') => Kind::Bool,
        Some(b'n') => Kind::Null,
        _ => Kind::Number,
    }
}

/// The member `token` of an object, or element `token` of an array.
fn child<'a>(parent: &'a RawValue, token: &str) -> Option<&'a RawValue> {
    let mut de = serde_json::Deserializer::from_str(parent.get());
    match kind(parent) {
        Kind::Object => de.deserialize_map(FindMember { key: token }).ok()?,
        Kind::Array => {
            // serde_json's pointer rules: digits only, no leading zero.
            if token.is_empty()
                || !token.bytes().all(|b| b.is_ascii_digit())
                || (token.len() > 1 && token.starts_with('0'))
            {
                return None;
            }
            let index: usize = token.parse().ok()?;
            de.deserialize_seq(FindElement { index }).ok()?
        }
        _ => None,
    }
}

struct FindMember<'k> {
    key: &'k str,
}

impl<'de> Visitor<'de> for FindMember<'_> {
    type Value = Option<&'de RawValue>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(matches) = map.next_key_seed(KeyEquals { key: self.key })? {
            if matches {
                found = Some(map.next_value::<&'de RawValue>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// Compares a key with the wanted one without keeping it.
struct KeyEquals<'k> {
    key: &'k str,
}

impl<'de> DeserializeSeed<'de> for KeyEquals<'_> {
    type Value = bool;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyEquals<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        Ok(v == self.key)
    }
}

/// Every member of an object, in order, keys borrowed when they have no
/// escapes; None past [`CACHED_MEMBERS`].
struct Members;

impl<'de> Visitor<'de> for Members {
    type Value = Option<Vec<Member<'de>>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::new();
        let mut fits = true;
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let value = map.next_value::<&'de RawValue>()?;
            if members.len() == CACHED_MEMBERS {
                // Keep reading: the deserializer must see the whole object.
                fits = false;
                members = Vec::new();
            }
            if fits {
                members.push((key, value));
            }
        }
        Ok(fits.then_some(members))
    }
}

struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }
}

struct FindElement {
    index: usize,
}

impl<'de> Visitor<'de> for FindElement {
    type Value = Option<&'de RawValue>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut i = 0usize;
        while i < self.index {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(None);
            }
            i += 1;
        }
        let found = seq.next_element::<&'de RawValue>()?;
        // The rest is skipped so the deserializer sees a complete array.
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_read_like_serde_json() {
        let body =
            br#"{"a":{"b":[10,{"c":"x"}],"n":1.50,"t":true,"z":null},"a~/":"esc","d":1,"d":2}"#;
        let lazy = LazyJson::new(body);
        let value: Value = serde_json::from_slice(body).unwrap();
        for pointer in [
            "",
            "/a",
            "/a/b",
            "/a/b/0",
            "/a/b/1/c",
            "/a/n",
            "/a/t",
            "/a/z",
            "/a~0~1",
            "/d",
            "/a/b/2",
            "/a/b/01",
            "/a/b/-",
            "/missing",
            "/a/b/1/c/x",
            "nope",
        ] {
            let ours = lazy
                .at(pointer)
                .map(|raw| serde_json::from_str::<Value>(raw.get()).unwrap());
            assert_eq!(ours.as_ref(), value.pointer(pointer), "{pointer}");
        }
        assert_eq!(lazy.str_at("/a/b/1/c").as_deref(), Some("x"));
        assert_eq!(lazy.scalar_at("/a/n"), Some(serde_json::json!(1.5)));
        assert_eq!(lazy.scalar_at("/a"), None, "objects are not built");
        assert_eq!(lazy.kind_at("/a/b"), Some(Kind::Array));
    }

    #[test]
    fn wide_objects_and_escaped_keys_read_the_same_as_small_ones() {
        // Past the members kept, lookups walk the body instead.
        for members in [3, CACHED_MEMBERS, CACHED_MEMBERS + 1, 5_000] {
            let mut body = String::from("{");
            for i in 0..members {
                body.push_str(&format!("\"k{i}\":{{\"v\":{i}}},"));
            }
            body.push_str(r#""tab\tkey":"t","k0":"last"}"#);
            let lazy = LazyJson::new(body.as_bytes());
            let value: Value = serde_json::from_str(&body).unwrap();
            for pointer in [
                "/k0",
                "/k1/v",
                "/tab\tkey",
                &format!("/k{}/v", members - 1),
                "/nope",
            ] {
                let ours = lazy
                    .at(pointer)
                    .map(|raw| serde_json::from_str::<Value>(raw.get()).unwrap());
                assert_eq!(
                    ours.as_ref(),
                    value.pointer(pointer),
                    "{members}: {pointer}"
                );
            }
            assert_eq!(lazy.str_at("/tab\tkey").as_deref(), Some("t"));
            assert_eq!(
                lazy.str_at("/k0").as_deref(),
                Some("last"),
                "the last duplicate"
            );
            assert_eq!(
                lazy.members().is_some(),
                members + 2 <= CACHED_MEMBERS,
                "{members}"
            );
        }
    }

    #[test]
    fn invalid_json_has_no_values() {
        for body in [
            &b"{\"a\":1"[..],
            b"",
            b"\xff",
            b"{\"a\":1} trailing",
            b"{\"a\":1,\"b\":[1,}",
            b"{\"a\":1}{\"b\":2}",
            b"{\"a\":1,\"b\":\"\xff\"}",
        ] {
            assert!(LazyJson::new(body).at("/a").is_none(), "{body:?}");
        }
    }

    #[test]
    fn an_object_is_read_in_one_pass() {
        // Its members validate it as they are read: the whole document is
        // not parsed a second time for a top-level lookup.
        let lazy = LazyJson::new(br#" {"type":"a.b","data":{"id":7}} "#);
        assert_eq!(lazy.str_at("/type").as_deref(), Some("a.b"));
        assert_eq!(lazy.kind_at("/data/id"), Some(Kind::Number));
        assert!(lazy.is_object());
        assert!(lazy.root.get().is_none());
        assert_eq!(lazy.root().map(kind), Some(Kind::Object));
        assert!(!LazyJson::new(b"[1]").is_object());
        assert!(!LazyJson::new(br#"{"a":1"#).is_object());
    }

    #[test]
    fn any_depth_is_read_without_recursion() {
        // 1,000,000 levels: a recursive parser overflows the stack, a tree
        // costs gigabytes; the lazy reader skips it.
        let n = 1_000_000;
        let mut body = Vec::with_capacity(2 * n + 32);
        body.extend_from_slice(br#"{"type":"deep","x":"#);
        body.extend(std::iter::repeat_n(b'[', n));
        body.extend(std::iter::repeat_n(b']', n));
        body.push(b'}');
        let lazy = LazyJson::new(&body);
        assert_eq!(lazy.str_at("/type").as_deref(), Some("deep"));
        assert_eq!(lazy.kind_at("/x"), Some(Kind::Array));
        assert_eq!(lazy.at("/x/0/0/0").map(kind), Some(Kind::Array));
        assert!(too_deep(&body));
    }

    #[test]
    fn depth_ignores_brackets_in_strings_and_stops_early() {
        assert_eq!(nesting_depth(br#"{"a":"[[[[\"[[","b":[1]}"#, 10), 2);
        assert_eq!(nesting_depth(b"[[[[[[", 3), 4);
        assert!(!too_deep(b"[[1]]"));
    }
}
