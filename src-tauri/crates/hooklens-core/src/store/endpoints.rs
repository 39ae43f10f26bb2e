//! Endpoints: which path prefix goes to which preset, and what the sender
//! gets back.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use rusqlite::{Connection, Row, params};

use std::collections::HashMap;

use super::StoreError;
pub use crate::model::EndpointSpec;
use crate::model::{
    ConfiguredResponse, Endpoint, ForwardMode, ForwardTarget, HeaderPair, MAX_FORWARD_TARGETS,
    SecretInfo,
};
use crate::query::Condition;
use crate::signature::Secret;

pub const DEFAULT_ENDPOINT_ID: i64 = 1;
/// Providers give up well before a minute; longer would only tie up sockets.
pub const MAX_DELAY_MS: u32 = 60_000;

impl From<&Endpoint> for EndpointSpec {
    fn from(e: &Endpoint) -> Self {
        EndpointSpec {
            name: e.name.clone(),
            path_prefix: e.path_prefix.clone(),
            preset: e.preset.clone(),
            response: e.response.clone(),
            scheme: e.scheme.clone(),
            forwards: e.forwards.clone(),
            rules: e.rules.clone(),
        }
    }
}

/// Longest secret label; labels are shown in verdicts and lists.
const MAX_LABEL_CHARS: usize = 64;
/// Longest secret; real ones are well under 1 KiB.
const MAX_SECRET_BYTES: usize = 4096;

/// `/kustom/` → `/kustom`; refuses what cannot be a path prefix.
pub fn normalize_prefix(prefix: &str) -> Result<String, StoreError> {
    let p = prefix.trim();
    if !p.starts_with('/') {
        return Err(StoreError::Invalid(format!(
            "path prefix {p:?} must start with /"
        )));
    }
    if p.chars().any(|c| c.is_whitespace() || c == '?' || c == '#') {
        return Err(StoreError::Invalid(format!(
            "path prefix {p:?} must be a path: no spaces, ? or #"
        )));
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return Err(StoreError::Invalid(
            "path prefix / belongs to the default endpoint; choose e.g. /kustom".into(),
        ));
    }
    Ok(trimmed.to_owned())
}

fn validate(spec: &EndpointSpec) -> Result<(), StoreError> {
    if spec.name.trim().is_empty() {
        return Err(StoreError::Invalid("an endpoint needs a name".into()));
    }
    if let Some(preset) = &spec.preset
        && crate::providers::preset(preset).is_none()
    {
        let known: Vec<_> = crate::providers::presets().iter().map(|p| p.id).collect();
        return Err(StoreError::Invalid(format!(
            "unknown provider preset {preset:?}; known: {}",
            known.join(", ")
        )));
    }
    validate_forwards(&spec.forwards)?;
    crate::rules::validate(&spec.rules).map_err(|e| StoreError::Invalid(e.to_string()))?;
    validate_response(&spec.response)
}

/// Each target's URL and condition, how many there are, and that at most
/// one answers the sender. Targets are numbered from 1 in messages, as the
/// editor and `endpoints forward list` number them.
fn validate_forwards(targets: &[ForwardTarget]) -> Result<(), StoreError> {
    if targets.len() > MAX_FORWARD_TARGETS {
        return Err(StoreError::Invalid(format!(
            "an endpoint forwards to at most {MAX_FORWARD_TARGETS} targets; this one lists {}",
            targets.len()
        )));
    }
    for (i, target) in targets.iter().enumerate() {
        let n = i + 1;
        crate::wire::target_url(&target.url).map_err(|e| {
            StoreError::Invalid(format!("forward target {n}: the URL cannot be used: {e}"))
        })?;
        Condition::parse(&target.condition).map_err(|e| {
            StoreError::Invalid(format!(
                "forward target {n}: the condition {:?} does not parse at {}: {}",
                target.condition.trim(),
                char_span(e.start, e.end),
                e.message
            ))
        })?;
    }
    let relays: Vec<(usize, &ForwardTarget)> = targets
        .iter()
        .enumerate()
        .filter(|(_, t)| t.mode == ForwardMode::Relay)
        .collect();
    if let [(a, first), (b, second), ..] = relays.as_slice() {
        return Err(StoreError::Invalid(format!(
            "only one target can answer the sender: target {} ({}) and target {} ({}) are both set \
             to relay; set one of them to respond",
            a + 1,
            first.url.trim(),
            b + 1,
            second.url.trim()
        )));
    }
    Ok(())
}

/// `characters 5–12` for a culprit at chars 5..12 (counted from 1), or
/// `character 5` for one char.
fn char_span(start: usize, end: usize) -> String {
    if end <= start + 1 {
        format!("character {}", start + 1)
    } else {
        format!("characters {}–{end}", start + 1)
    }
}

pub fn validate_response(response: &ConfiguredResponse) -> Result<(), StoreError> {
    if StatusCode::from_u16(response.status).is_err() || response.status < 100 {
        return Err(StoreError::Invalid(format!(
            "response status {} is not an HTTP status (100–999)",
            response.status
        )));
    }
    if response.delay_ms > MAX_DELAY_MS {
        return Err(StoreError::Invalid(format!(
            "response delay {} ms is over the {MAX_DELAY_MS} ms maximum",
            response.delay_ms
        )));
    }
    for h in &response.headers {
        HeaderName::from_bytes(h.name.as_bytes())
            .map_err(|_| StoreError::Invalid(format!("{:?} is not a valid header name", h.name)))?;
        HeaderValue::from_str(&h.value).map_err(|_| {
            StoreError::Invalid(format!(
                "the value of header {} is not a valid header value",
                h.name
            ))
        })?;
    }
    Ok(())
}

/// The endpoint a request path lands on: the longest prefix that matches at a
/// segment boundary (`/kustom` takes `/kustom` and `/kustom/x`, not
/// `/kustomer`), else the default endpoint.
pub fn route<'a>(endpoints: &'a [Endpoint], path: &str) -> Option<&'a Endpoint> {
    endpoints
        .iter()
        .filter(|e| !e.is_default)
        .filter(|e| {
            path.strip_prefix(e.path_prefix.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
        .max_by_key(|e| e.path_prefix.len())
        .or_else(|| endpoints.iter().find(|e| e.is_default))
}

const COLUMNS: &str = "id, name, path_prefix, preset, response_status, response_headers, response_body, response_delay_ms, scheme, rules, rules_epoch";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Endpoint> {
    let id: i64 = row.get(0)?;
    let headers: String = row.get(5)?;
    let headers: Vec<(String, String)> = serde_json::from_str(&headers).unwrap_or_default();
    Ok(Endpoint {
        id,
        name: row.get(1)?,
        path_prefix: row.get(2)?,
        preset: row.get(3)?,
        response: ConfiguredResponse {
            status: row.get(4)?,
            headers: headers
                .into_iter()
                .map(|(name, value)| HeaderPair { name, value })
                .collect(),
            body: row.get(6)?,
            delay_ms: row.get(7)?,
        },
        is_default: id == DEFAULT_ENDPOINT_ID,
        // A scheme this version cannot read is treated as unset, not fatal:
        // the endpoint still captures, and the preset's scheme applies.
        scheme: row
            .get::<_, Option<String>>(8)?
            .and_then(|json| serde_json::from_str(&json).ok()),
        secrets: Vec::new(),
        forwards: Vec::new(),
        // Rules this version cannot read are dropped, not fatal, like an
        // unreadable scheme: the endpoint still captures.
        rules: serde_json::from_str(&row.get::<_, String>(9)?).unwrap_or_else(|err| {
            tracing::warn!(endpoint = id, error = %err, "cannot read the endpoint's response rules");
            Vec::new()
        }),
        rules_epoch: row.get(10)?,
    })
}

fn rules_json(spec: &EndpointSpec) -> Result<String, StoreError> {
    serde_json::to_string(&spec.rules).map_err(|e| StoreError::Invalid(e.to_string()))
}

fn mode_name(mode: ForwardMode) -> &'static str {
    match mode {
        ForwardMode::Respond => "respond",
        ForwardMode::Relay => "relay",
    }
}

/// Every endpoint's forward targets, in order.
fn forward_targets(conn: &Connection) -> Result<HashMap<i64, Vec<ForwardTarget>>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT endpoint_id, url, mode, condition, exact_url FROM forward_targets
         ORDER BY endpoint_id, position",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            ForwardTarget {
                url: row.get(1)?,
                mode: match row.get::<_, String>(2)?.as_str() {
                    "relay" => ForwardMode::Relay,
                    _ => ForwardMode::Respond,
                },
                condition: row.get(3)?,
                exact_url: row.get(4)?,
            },
        ))
    })?;
    let mut out: HashMap<i64, Vec<ForwardTarget>> = HashMap::new();
    for row in rows {
        let (endpoint, target) = row?;
        out.entry(endpoint).or_default().push(target);
    }
    Ok(out)
}

/// Replaces endpoint `id`'s targets with `targets` (validated), trimmed.
fn save_forward_targets(
    conn: &Connection,
    id: i64,
    targets: &[ForwardTarget],
) -> Result<(), StoreError> {
    conn.execute("DELETE FROM forward_targets WHERE endpoint_id = ?1", [id])?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO forward_targets (endpoint_id, position, url, mode, condition, exact_url)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (position, t) in targets.iter().enumerate() {
        stmt.execute(params![
            id,
            i64::try_from(position).unwrap_or(i64::MAX),
            t.url.trim(),
            mode_name(t.mode),
            t.condition.trim(),
            t.exact_url
        ])?;
    }
    Ok(())
}

pub(super) fn list(conn: &Connection) -> Result<Vec<Endpoint>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM endpoints ORDER BY id = {DEFAULT_ENDPOINT_ID} DESC, path_prefix"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    let mut endpoints: Vec<Endpoint> = rows.collect::<Result<_, _>>()?;
    let secrets = secrets(conn)?;
    let mut targets = forward_targets(conn)?;
    for e in &mut endpoints {
        e.secrets = secrets
            .get(&e.id)
            .map(|list| list.iter().map(|s| s.info.clone()).collect())
            .unwrap_or_default();
        e.forwards = targets.remove(&e.id).unwrap_or_default();
    }
    Ok(endpoints)
}

pub(super) fn get(conn: &Connection, id: i64) -> Result<Endpoint, StoreError> {
    list(conn)?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or_else(|| StoreError::NotFound(format!("no endpoint {id}")))
}

/// One secret with its shown form.
#[derive(Clone)]
pub(super) struct StoredSecret {
    pub secret: Secret,
    pub info: SecretInfo,
}

/// Every endpoint's secrets, oldest first (the order verdicts try them in).
pub(super) fn secrets(conn: &Connection) -> Result<HashMap<i64, Vec<StoredSecret>>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT endpoint_id, label, value, created_at FROM secrets ORDER BY created_at, id",
    )?;
    let mut out: HashMap<i64, Vec<StoredSecret>> = HashMap::new();
    let rows = stmt.query_map([], |row| {
        let value: String = row.get(2)?;
        let label: String = row.get(1)?;
        let created_at: i64 = row.get(3)?;
        Ok((
            row.get::<_, i64>(0)?,
            StoredSecret {
                info: SecretInfo {
                    label: label.clone(),
                    masked: mask(&value),
                    created_at_ms: created_at / 1_000_000,
                },
                secret: Secret { label, value },
            },
        ))
    })?;
    for row in rows {
        let (endpoint, secret) = row?;
        out.entry(endpoint).or_default().push(secret);
    }
    Ok(out)
}

/// What may be shown of a secret: a short type prefix such as `whsec_` and
/// the last 4 chars of a long one, so a user can tell secrets apart without
/// the value being readable over a shoulder or in a screenshot.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() < 16 {
        return format!("•••• ({} chars)", chars.len());
    }
    let prefix: String = match value.find('_') {
        Some(i) if i <= 6 => value[..=i].to_owned(),
        _ => String::new(),
    };
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{prefix}…{tail}")
}

pub(super) fn add_secret(
    conn: &Connection,
    endpoint_id: i64,
    label: &str,
    value: &str,
    now_ns: i64,
    replace: bool,
) -> Result<(), StoreError> {
    get(conn, endpoint_id)?;
    let label = label.trim();
    if label.is_empty() || label.chars().count() > MAX_LABEL_CHARS {
        return Err(StoreError::Invalid(format!(
            "a secret needs a label of 1 to {MAX_LABEL_CHARS} characters"
        )));
    }
    // Pasted secrets often carry a line break; nothing signs with one.
    let value = value.trim_matches(|c| c == '\n' || c == '\r');
    if value.is_empty() {
        return Err(StoreError::Invalid(format!(
            "the secret {label:?} is empty"
        )));
    }
    if value.len() > MAX_SECRET_BYTES {
        return Err(StoreError::Invalid(format!(
            "the secret {label:?} is longer than {MAX_SECRET_BYTES} bytes"
        )));
    }
    // A replaced value counts as new: it is tried after the older secrets.
    let sql = if replace {
        "INSERT INTO secrets (endpoint_id, label, value, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (endpoint_id, label) DO UPDATE SET value = excluded.value, created_at = excluded.created_at"
    } else {
        "INSERT INTO secrets (endpoint_id, label, value, created_at) VALUES (?1, ?2, ?3, ?4)"
    };
    conn.execute(sql, params![endpoint_id, label, value, now_ns])
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            StoreError::Invalid(format!(
                "this endpoint already has a secret labelled {label:?}; remove it first or choose another label"
            ))
        }
        other => other.into(),
    })?;
    Ok(())
}

pub(super) fn remove_secret(
    conn: &Connection,
    endpoint_id: i64,
    label: &str,
) -> Result<(), StoreError> {
    let removed = conn.execute(
        "DELETE FROM secrets WHERE endpoint_id = ?1 AND label = ?2",
        params![endpoint_id, label.trim()],
    )?;
    if removed == 0 {
        return Err(StoreError::NotFound(format!(
            "endpoint {endpoint_id} has no secret labelled {label:?}"
        )));
    }
    Ok(())
}

fn scheme_json(spec: &EndpointSpec) -> Option<String> {
    spec.scheme
        .as_ref()
        .and_then(|s| serde_json::to_string(s).ok())
}

fn headers_json(response: &ConfiguredResponse) -> String {
    let pairs: Vec<(&str, &str)> = response
        .headers
        .iter()
        .map(|h| (h.name.as_str(), h.value.as_str()))
        .collect();
    serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".into())
}

fn prefix_taken(err: rusqlite::Error, prefix: &str) -> StoreError {
    match err {
        rusqlite::Error::SqliteFailure(e, _)
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            StoreError::Invalid(format!(
                "another endpoint already uses the path prefix {prefix}"
            ))
        }
        other => other.into(),
    }
}

pub(super) fn insert(
    conn: &Connection,
    spec: &EndpointSpec,
    now_ns: i64,
) -> Result<Endpoint, StoreError> {
    let prefix = normalize_prefix(&spec.path_prefix)?;
    validate(spec)?;
    conn.execute(
        "INSERT INTO endpoints (name, path_prefix, preset, response_status, response_headers,
                                response_body, response_delay_ms, created_at, scheme, rules)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            spec.name.trim(),
            prefix,
            spec.preset,
            spec.response.status,
            headers_json(&spec.response),
            spec.response.body,
            spec.response.delay_ms,
            now_ns,
            scheme_json(spec),
            rules_json(spec)?
        ],
    )
    .map_err(|e| prefix_taken(e, &prefix))?;
    let id = conn.last_insert_rowid();
    save_forward_targets(conn, id, &spec.forwards)?;
    get(conn, id)
}

/// Replaces an endpoint's settings. The default endpoint keeps its `/` prefix.
pub(super) fn update(
    conn: &Connection,
    id: i64,
    spec: &EndpointSpec,
) -> Result<Endpoint, StoreError> {
    let current = get(conn, id)?;
    let prefix = if current.is_default {
        "/".to_owned()
    } else {
        normalize_prefix(&spec.path_prefix)?
    };
    validate(spec)?;
    conn.execute(
        "UPDATE endpoints SET name = ?2, path_prefix = ?3, preset = ?4, response_status = ?5,
                response_headers = ?6, response_body = ?7, response_delay_ms = ?8, scheme = ?9,
                rules = ?10
         WHERE id = ?1",
        params![
            id,
            spec.name.trim(),
            prefix,
            spec.preset,
            spec.response.status,
            headers_json(&spec.response),
            spec.response.body,
            spec.response.delay_ms,
            scheme_json(spec),
            rules_json(spec)?
        ],
    )
    .map_err(|e| prefix_taken(e, &prefix))?;
    save_forward_targets(conn, id, &spec.forwards)?;
    get(conn, id)
}

/// Every sequence and chance of the endpoint's rules counts from zero again.
pub(super) fn reset_rule_counts(conn: &Connection, id: i64) -> Result<(), StoreError> {
    let changed = conn.execute(
        "UPDATE endpoints SET rules_epoch = rules_epoch + 1 WHERE id = ?1",
        [id],
    )?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("no endpoint {id}")));
    }
    Ok(())
}

/// Removes an endpoint; its events stay, without an endpoint.
pub(super) fn delete(conn: &Connection, id: i64) -> Result<(), StoreError> {
    if id == DEFAULT_ENDPOINT_ID {
        return Err(StoreError::Invalid(
            "the default endpoint cannot be removed; it takes every unmatched path".into(),
        ));
    }
    conn.execute("DELETE FROM forward_targets WHERE endpoint_id = ?1", [id])?;
    let removed = conn.execute("DELETE FROM endpoints WHERE id = ?1", [id])?;
    if removed == 0 {
        return Err(StoreError::NotFound(format!("no endpoint {id}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(id: i64, prefix: &str) -> Endpoint {
        Endpoint {
            id,
            name: prefix.into(),
            path_prefix: prefix.into(),
            preset: None,
            response: ConfiguredResponse::default(),
            is_default: id == DEFAULT_ENDPOINT_ID,
            scheme: None,
            secrets: Vec::new(),
            forwards: Vec::new(),
            rules: Vec::new(),
            rules_epoch: 0,
        }
    }

    #[test]
    fn routing_takes_the_longest_prefix_at_a_segment_boundary() {
        let eps = [ep(1, "/"), ep(2, "/kustom"), ep(3, "/kustom/ipp")];
        let at = |p| route(&eps, p).unwrap().id;
        assert_eq!(at("/kustom"), 2);
        assert_eq!(at("/kustom/orders"), 2);
        assert_eq!(at("/kustom/ipp/x"), 3);
        assert_eq!(at("/kustomer"), 1);
        assert_eq!(at("/"), 1);
        assert_eq!(at("/other"), 1);
    }

    #[test]
    fn masks_show_at_most_a_type_prefix_and_four_chars() {
        let whsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        assert_eq!(mask(whsec), "whsec_…LaSw");
        assert_eq!(mask("It's a Secret to Everybody"), "…body");
        assert_eq!(mask("short"), "•••• (5 chars)");
        assert!(!mask("supersecretvalue12").contains("secret"));
    }

    #[test]
    fn prefixes_are_normalized_and_checked() {
        assert_eq!(normalize_prefix(" /kustom/ ").unwrap(), "/kustom");
        assert!(normalize_prefix("kustom").is_err());
        assert!(normalize_prefix("/").is_err());
        assert!(normalize_prefix("/a b").is_err());
        assert!(normalize_prefix("/a?b").is_err());
    }

    #[test]
    fn responses_are_checked() {
        let mut r = ConfiguredResponse {
            status: 42,
            ..ConfiguredResponse::default()
        };
        assert!(validate_response(&r).is_err());
        r.status = 503;
        r.delay_ms = 60_001;
        assert!(
            validate_response(&r)
                .unwrap_err()
                .to_string()
                .contains("60000 ms maximum")
        );
        r.delay_ms = 60_000;
        r.headers.push(HeaderPair {
            name: "bad name".into(),
            value: "x".into(),
        });
        assert!(validate_response(&r).is_err());
        r.headers[0].name = "retry-after".into();
        assert!(validate_response(&r).is_ok());
    }
}
