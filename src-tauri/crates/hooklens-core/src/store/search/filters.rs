//! The SQL of single filters: a `type:` prefix's range, `path:` globs,
//! header and `json.` conditions, and the ids `endpoint:` and `id:` name.

use rusqlite::{Connection, types::Value};

use super::suggest::stored_providers;
use crate::secret_headers;
use crate::store::StoreError;

/// A piece of WHERE clause over `events e` with its parameters, in order.
#[derive(Debug, Clone)]
pub(super) struct Cond {
    pub(super) sql: String,
    pub(super) args: Vec<Value>,
}

impl Cond {
    pub(super) fn new(sql: impl Into<String>, args: Vec<Value>) -> Cond {
        Cond {
            sql: sql.into(),
            args,
        }
    }

    /// Matches no event: a filter whose value names nothing stored.
    pub(super) fn nothing() -> Cond {
        Cond::new("0", vec![])
    }

    /// True where `self` is false or NULL: `-type:x` keeps events without a
    /// type.
    pub(super) fn negate(self) -> Cond {
        Cond {
            sql: format!("NOT ifnull(({}), 0)", self.sql),
            args: self.args,
        }
    }
}

/// The smallest string greater than every string starting with `prefix`,
/// in SQLite's byte order (None when there is none).
pub(super) fn successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// `path:` as a GLOB: a prefix, `*` as a wildcard unless `literal`, and
/// GLOB's own specials (`?`, `[`) taken literally. Literal, it is any
/// prefix's GLOB (a `json.` value ending in `*`).
pub(super) fn path_glob(value: &str, literal: bool) -> String {
    let mut glob = String::with_capacity(value.len() + 1);
    for c in value.chars() {
        match c {
            '*' if !literal => glob.push('*'),
            '*' | '?' | '[' => {
                glob.push('[');
                glob.push(c);
                glob.push(']');
            }
            c => glob.push(c),
        }
    }
    glob.push('*');
    glob
}

/// `%`, `_` and the escape character itself, escaped for `LIKE … ESCAPE '\'`.
fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A received header named `name` whose value contains `value` (ASCII case
/// folded, as SQLite's LIKE does); any value when None. Headers are stored as
/// a JSON array of {name, value}. A `secret` header's value is never
/// searched: the filter matches what the detail pane shows of it, its mask.
pub(super) fn header_cond(name: &str, value: Option<&str>, secret: bool) -> Cond {
    if secret && let Some(value) = value {
        return secret_header_cond(name, value);
    }
    let mut sql = String::from("(");
    let mut args: Vec<Value> = Vec::new();
    if let Some(value) = value
        && !value
            .chars()
            .any(|c| c == '"' || c == '\\' || c.is_control())
    {
        // Cheap test on the stored JSON before taking it apart: the value
        // appears there unescaped.
        sql.push_str("e.headers LIKE ? ESCAPE '\\' AND ");
        args.push(format!("%{}%", like_escape(value)).into());
    }
    sql.push_str(
        "EXISTS (SELECT 1 FROM json_each(e.headers) h
                 WHERE lower(json_extract(h.value, '$.name')) = ?",
    );
    args.push(name.to_ascii_lowercase().into());
    if let Some(value) = value {
        sql.push_str(" AND json_extract(h.value, '$.value') LIKE ? ESCAPE '\\'");
        args.push(format!("%{}%", like_escape(value)).into());
    }
    sql.push_str("))");
    Cond::new(sql, args)
}

/// A secret-bearing header named `name` whose mask
/// ([`secret_headers::masked_value`]) contains `value`: any such header when
/// `value` is part of the bullets, one whose value starts with a matching
/// scheme word (`Basic `, `Bearer `, …) for credentials, else none. So a
/// filter tells Basic from Bearer, and never anything of the secret.
fn secret_header_cond(name: &str, value: &str) -> Cond {
    let Some(words) = secret_headers::mask_matches(name, value) else {
        return Cond::nothing();
    };
    let mut sql = String::from(
        "EXISTS (SELECT 1 FROM json_each(e.headers) h
                 WHERE lower(json_extract(h.value, '$.name')) = ?",
    );
    let mut args: Vec<Value> = vec![name.to_ascii_lowercase().into()];
    if !words.is_empty() {
        let tests: Vec<&str> = words
            .iter()
            .map(|_| "ltrim(json_extract(h.value, '$.value'), ' ' || char(9)) LIKE ? ESCAPE '\\'")
            .collect();
        sql.push_str(&format!(" AND ({})", tests.join(" OR ")));
        args.extend(
            words
                .iter()
                .map(|w| Value::from(format!("{} %", like_escape(w)))),
        );
    }
    sql.push(')');
    Cond::new(sql, args)
}

/// The SQLite JSON path for dot-separated keys; all-digit keys index arrays.
/// Every other key is a quoted label, in which SQLite reads JSON string
/// escapes: a backslash or a quote in a key is escaped (unescaped, either
/// made "bad JSON path"), and so are control characters (a NUL would end the
/// path early).
pub(super) fn json_path(keys: &[String]) -> String {
    let mut path = String::from("$");
    for key in keys {
        // SQLite reads an index into 32 bits and would wrap a longer one
        // round to a small index; such a key can only name an object member.
        if !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) && key.parse::<u32>().is_ok()
        {
            path.push_str(&format!("[{key}]"));
            continue;
        }
        path.push_str(".\"");
        for c in key.chars() {
            match c {
                '"' => path.push_str("\\\""),
                '\\' => path.push_str("\\\\"),
                c if c.is_ascii_control() => path.push_str(&format!("\\u{:04x}", c as u32)),
                c => path.push(c),
            }
        }
        path.push('"');
    }
    path
}

/// The JSON body's value at `keys` equals `value` (with `prefix`: starts
/// with it): strings by content, numbers as written, booleans and null by
/// name; any value when None. Bodies that are not JSON never match.
pub(super) fn json_cond(keys: &[String], value: Option<&str>, prefix: bool) -> Cond {
    let path = json_path(keys);
    // Bodies are BLOBs, which SQLite would read as JSONB: JSON text is meant.
    const BODY: &str = "CAST(e.body AS TEXT)";
    match value {
        None => Cond::new(
            format!("(CASE WHEN json_valid({BODY}) THEN json_type({BODY}, ?) IS NOT NULL END)"),
            vec![path.into()],
        ),
        Some(value) => {
            let mut sql = String::from("(");
            let mut args: Vec<Value> = Vec::new();
            if written_verbatim_in_json(value) {
                // Cheap byte search before parsing the body (a prefix is in
                // the body as much as the whole value is).
                sql.push_str("instr(e.body, ?) > 0 AND ");
                args.push(Value::Blob(value.as_bytes().to_vec()));
            }
            sql.push_str(&format!(
                "(CASE WHEN json_valid({BODY}) THEN
                   CASE json_type({BODY}, ?)
                     WHEN 'text' THEN json_extract({BODY}, ?)
                     WHEN 'integer' THEN {BODY} -> ?
                     WHEN 'real' THEN {BODY} -> ?
                     WHEN 'true' THEN 'true'
                     WHEN 'false' THEN 'false'
                     WHEN 'null' THEN 'null'
                   END
                 END) {} ?)",
                if prefix { "GLOB" } else { "=" }
            ));
            for _ in 0..4 {
                args.push(path.clone().into());
            }
            args.push(
                if prefix {
                    // The stem with GLOB's specials literal, then anything.
                    path_glob(value, true)
                } else {
                    value.to_owned()
                }
                .into(),
            );
            Cond::new(sql, args)
        }
    }
}

/// No JSON encoder escapes these characters (some escape `/`, `<`, `>`, `&`,
/// `'` or anything beyond ASCII), so a value made of them appears verbatim in
/// any JSON that holds it.
pub(super) fn written_verbatim_in_json(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" -_.:@+=#,;!~*()[]{}$%^?|".contains(&b))
}

/// Events whose provider event id is `value` (under any provider), plus
/// `own` (Hooklens's event id) when it exists. Looked up per provider, which
/// leads the provider event id index.
pub(super) fn event_ids(
    conn: &Connection,
    value: &str,
    own: Option<i64>,
) -> Result<Vec<i64>, StoreError> {
    let providers = stored_providers(conn)?.into_iter().map(Some).chain([None]);
    let mut lookup = conn
        .prepare_cached("SELECT id FROM events WHERE provider IS ?1 AND provider_event_id = ?2")?;
    let mut ids = Vec::new();
    for provider in providers {
        let found = lookup.query_map(rusqlite::params![provider, value], |r| r.get::<_, i64>(0))?;
        for id in found {
            ids.push(id?);
        }
    }
    if let Some(own) = own
        && conn
            .prepare_cached("SELECT 1 FROM events WHERE id = ?1")?
            .exists([own])?
    {
        ids.push(own);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}
