//! What Hooklens sends: runs (one send action) and their deliveries (each
//! request exactly as sent, with the reply or the error).

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{Reader, Store, StoreError, StoredHeader, now_ns};
use crate::model::header_view;
use crate::model::{
    Delivery, DeliveryError, DeliveryErrorKind, DeliveryKind, DeliveryResponse, DeliveryRun,
    HeaderView,
};
use crate::secret_headers::SecretHeaders;
use crate::secret_headers::shown_header_view;
use crate::wire::body_parts;

/// Longest response body kept; handlers rarely say more, and a runaway one
/// must not fill the database.
pub const MAX_RESPONSE_BODY: usize = 1024 * 1024;

/// A send action about to start.
#[derive(Debug, Clone)]
pub struct NewRun<'a> {
    pub event_id: Option<i64>,
    pub kind: DeliveryKind,
    pub target: &'a str,
    /// In words, e.g. "3 times".
    pub pattern: &'a str,
    /// The delivery rule the attempts are judged by, in words.
    pub rule: Option<&'a str>,
}

/// One request as sent, with what came back.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub attempt: u32,
    pub sent_at_ns: i64,
    pub method: String,
    pub url: String,
    pub headers: Vec<StoredHeader>,
    pub body: Vec<u8>,
    pub signing: String,
    pub response: Option<NewResponse>,
    pub error: Option<DeliveryError>,
    /// Delivered by the provider's rule.
    pub delivered: bool,
    /// Why not, in words; None when delivered.
    pub failure: Option<String>,
    pub duration_us: i64,
}

#[derive(Debug, Clone)]
pub struct NewResponse {
    pub status: u16,
    pub headers: Vec<StoredHeader>,
    /// At most [`MAX_RESPONSE_BODY`] bytes.
    pub body: Vec<u8>,
    pub truncated: bool,
}

/// A run as recorded elsewhere, to put back as it was.
#[derive(Debug, Clone)]
pub struct RecordedRun<'a> {
    pub run: NewRun<'a>,
    pub started_at_ns: i64,
    /// None: it was still running when recorded.
    pub finished_at_ns: Option<i64>,
    pub outcome: Option<&'a str>,
}

/// A delivery's columns that need encoding first (outside the write lock).
struct DeliveryRow {
    headers: String,
    response_headers: Option<String>,
}

impl DeliveryRow {
    fn of(d: &NewDelivery) -> Result<DeliveryRow, StoreError> {
        let json = |h: &[StoredHeader]| {
            serde_json::to_string(h).map_err(|e| StoreError::Write(e.to_string()))
        };
        Ok(DeliveryRow {
            headers: json(&d.headers)?,
            response_headers: d.response.as_ref().map(|r| json(&r.headers)).transpose()?,
        })
    }
}

fn insert_delivery(
    conn: &Connection,
    run_id: i64,
    d: &NewDelivery,
    row: &DeliveryRow,
) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO deliveries (run_id, attempt, sent_at, method, url, headers, body,
             signing, status, response_headers, response_body, response_truncated,
             error_kind, error_message, duration_us, delivered, failure)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
             ?16, ?17)",
        params![
            run_id,
            d.attempt,
            d.sent_at_ns,
            d.method,
            d.url,
            row.headers,
            d.body,
            d.signing,
            d.response.as_ref().map(|r| r.status),
            row.response_headers,
            d.response.as_ref().map(|r| r.body.as_slice()),
            d.response.as_ref().is_some_and(|r| r.truncated),
            d.error.as_ref().map(|e| error_kind_str(e.kind)),
            d.error.as_ref().map(|e| e.message.as_str()),
            d.duration_us,
            d.delivered,
            d.failure,
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

impl Store {
    /// Starts a run; returns its id.
    pub fn start_run(&self, run: &NewRun) -> Result<i64, StoreError> {
        self.write(|conn| {
            conn.execute(
                "INSERT INTO delivery_runs (event_id, kind, target, pattern, started_at, rule)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    run.event_id,
                    kind_str(run.kind),
                    run.target,
                    run.pattern,
                    now_ns(),
                    run.rule,
                ],
            )?;
            Ok(conn.last_insert_rowid())
        })
    }

    /// Records one attempt of run `run_id`.
    pub fn record_delivery(&self, run_id: i64, d: &NewDelivery) -> Result<Delivery, StoreError> {
        let row = DeliveryRow::of(d)?;
        self.write(|conn| {
            let id = insert_delivery(conn, run_id, d, &row)?;
            let (event_id, kind): (Option<i64>, String) = conn.query_row(
                "SELECT event_id, kind FROM delivery_runs WHERE id = ?1",
                [run_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            delivery_by_id(conn, id, event_id, parse_kind(&kind))
        })
    }

    /// Puts back runs recorded elsewhere (a bundle's), with their attempts,
    /// under event `event_id`, in one transaction: all of them or none.
    pub fn restore_runs(
        &self,
        event_id: i64,
        runs: &[(RecordedRun<'_>, Vec<NewDelivery>)],
    ) -> Result<(), StoreError> {
        let rows = runs
            .iter()
            .map(|(_, attempts)| attempts.iter().map(DeliveryRow::of).collect())
            .collect::<Result<Vec<Vec<DeliveryRow>>, StoreError>>()?;
        self.write(|conn| {
            for ((recorded, attempts), rows) in runs.iter().zip(&rows) {
                let run = &recorded.run;
                conn.execute(
                    "INSERT INTO delivery_runs
                         (event_id, kind, target, pattern, started_at, rule, finished_at, outcome)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        event_id,
                        kind_str(run.kind),
                        run.target,
                        run.pattern,
                        recorded.started_at_ns,
                        run.rule,
                        recorded.finished_at_ns,
                        recorded.outcome,
                    ],
                )?;
                let run_id = conn.last_insert_rowid();
                for (d, row) in attempts.iter().zip(rows) {
                    insert_delivery(conn, run_id, d, row)?;
                }
            }
            Ok(())
        })
    }

    /// Ends run `run_id` with its outcome in words.
    pub fn finish_run(&self, run_id: i64, outcome: &str) -> Result<(), StoreError> {
        self.write(|conn| {
            conn.execute(
                "UPDATE delivery_runs SET finished_at = ?2, outcome = ?3 WHERE id = ?1",
                params![run_id, now_ns(), outcome],
            )?;
            Ok(())
        })
    }

    /// Runs that were still going when Hooklens stopped end as interrupted,
    /// so none shows as running forever.
    pub fn close_interrupted_runs(&self) -> Result<usize, StoreError> {
        self.write(|conn| {
            Ok(conn.execute(
                "UPDATE delivery_runs SET finished_at = ?1,
                     outcome = 'interrupted: Hooklens stopped before the run ended'
                 WHERE finished_at IS NULL",
                [now_ns()],
            )?)
        })
    }
}

impl Reader {
    /// The runs sent from event `event_id`, newest first, with their attempts.
    pub fn runs_of_event(&self, event_id: i64, limit: u32) -> Result<Vec<DeliveryRun>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&runs_of_event_sql())?;
        let runs: Vec<DeliveryRun> = stmt
            .query_map(params![event_id, limit], run_from_row)?
            .collect::<Result<_, _>>()?;
        runs.into_iter().map(|r| self.with_attempts(r)).collect()
    }

    /// The newest runs of any kind (forwards, test events, resends).
    pub fn recent_runs(&self, limit: u32) -> Result<Vec<DeliveryRun>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {RUN_COLUMNS} FROM delivery_runs ORDER BY id DESC LIMIT ?1"
        ))?;
        let runs: Vec<DeliveryRun> = stmt
            .query_map(params![limit], run_from_row)?
            .collect::<Result<_, _>>()?;
        runs.into_iter().map(|r| self.with_attempts(r)).collect()
    }

    /// The URLs resends went to, most recent first, for the editor to offer.
    pub fn recent_targets(&self, limit: u32) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT target FROM delivery_runs WHERE kind IN ('resend', 'test')
             GROUP BY target ORDER BY max(id) DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn run(&self, run_id: i64) -> Result<DeliveryRun, StoreError> {
        let run = self
            .conn
            .query_row(
                &format!("SELECT {RUN_COLUMNS} FROM delivery_runs WHERE id = ?1"),
                [run_id],
                run_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("no delivery run {run_id}")))?;
        self.with_attempts(run)
    }

    fn with_attempts(&self, mut run: DeliveryRun) -> Result<DeliveryRun, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE run_id = ?1 ORDER BY attempt, id"
        ))?;
        run.attempts = stmt
            .query_map([run.id], |row| {
                delivery_from_row(row, run.event_id, run.kind)
            })?
            .collect::<Result<_, _>>()?;
        Ok(run)
    }
}

/// An event's runs, newest first. An export asks once per event, so the
/// statement must stay compiled between calls (a bound LIMIT no longer
/// expires it: see `connection::settle`); its test looks it up by this text.
pub(super) fn runs_of_event_sql() -> String {
    format!("SELECT {RUN_COLUMNS} FROM delivery_runs WHERE event_id = ?1 ORDER BY id DESC LIMIT ?2")
}

const RUN_COLUMNS: &str =
    "id, event_id, kind, target, pattern, started_at, finished_at, outcome, rule";

const DELIVERY_COLUMNS: &str = "id, run_id, attempt, sent_at, method, url, headers, body, signing, \
     status, response_headers, response_body, response_truncated, error_kind, error_message, duration_us, \
     delivered, failure";

fn run_from_row(row: &Row<'_>) -> rusqlite::Result<DeliveryRun> {
    Ok(DeliveryRun {
        id: row.get(0)?,
        event_id: row.get(1)?,
        kind: parse_kind(&row.get::<_, String>(2)?),
        target: row.get(3)?,
        pattern: row.get(4)?,
        started_at_ms: row.get::<_, i64>(5)? / 1_000_000,
        finished_at_ms: row.get::<_, Option<i64>>(6)?.map(|ns| ns / 1_000_000),
        outcome: row.get(7)?,
        rule: row.get(8)?,
        attempts: Vec::new(),
    })
}

fn delivery_by_id(
    conn: &Connection,
    id: i64,
    event_id: Option<i64>,
    kind: DeliveryKind,
) -> Result<Delivery, StoreError> {
    Ok(conn.query_row(
        &format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = ?1"),
        [id],
        |row| delivery_from_row(row, event_id, kind),
    )?)
}

fn headers_from(json: &str) -> Vec<StoredHeader> {
    serde_json::from_str(json).unwrap_or_default()
}

/// A header as sent or answered, shown: credentials, cookies and
/// challenges masked like the event's own. The record keeps the exact
/// bytes; a value masked when it was recorded (a secret signing put in a
/// header, `•••• (secret "label")`) is shown as recorded.
fn shown_header(h: &StoredHeader) -> HeaderView {
    if h.bytes().starts_with(MASK_START) {
        return header_view(h);
    }
    shown_header_view(h, &SecretHeaders::always())
}

/// How every mask begins: a bullet.
const MASK_START: &[u8] = "•".as_bytes();

fn delivery_from_row(
    row: &Row<'_>,
    event_id: Option<i64>,
    kind: DeliveryKind,
) -> rusqlite::Result<Delivery> {
    let headers: String = row.get(6)?;
    let (body_text, body_base64) = body_parts(row.get(7)?);
    let status: Option<u16> = row.get(9)?;
    let response = match status {
        Some(status) => {
            let headers = headers_from(&row.get::<_, Option<String>>(10)?.unwrap_or_default());
            let redirect_to = (300..400).contains(&status).then(|| {
                crate::wire::header(&headers, "location")
                    .map(|h| String::from_utf8_lossy(h.bytes()).into_owned())
            });
            let (body_text, body_base64) =
                body_parts(row.get::<_, Option<Vec<u8>>>(11)?.unwrap_or_default());
            Some(DeliveryResponse {
                status,
                reason: reqwest::StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .map(str::to_owned),
                headers: headers.iter().map(shown_header).collect(),
                body_text,
                body_base64,
                body_truncated: row.get(12)?,
                redirect_to: redirect_to.flatten(),
            })
        }
        None => None,
    };
    let error = match row.get::<_, Option<String>>(13)? {
        Some(kind) => Some(DeliveryError {
            kind: parse_error_kind(&kind),
            message: row.get::<_, Option<String>>(14)?.unwrap_or_default(),
        }),
        None => None,
    };
    // Before version 7 nothing was judged by a rule: a 2xx was a delivery.
    let delivered = row
        .get::<_, Option<bool>>(16)?
        .unwrap_or_else(|| status.is_some_and(|s| (200..300).contains(&s)));
    let failure = match row.get::<_, Option<String>>(17)? {
        Some(failure) => Some(failure),
        None if delivered => None,
        None => Some(match (status, &error) {
            (_, Some(e)) => e.message.clone(),
            (Some(s), None) => format!("not a 2xx: the handler answered {s}"),
            (None, None) => "no answer".to_owned(),
        }),
    };
    Ok(Delivery {
        id: row.get(0)?,
        run_id: row.get(1)?,
        event_id,
        kind,
        attempt: row.get(2)?,
        sent_at_ms: row.get::<_, i64>(3)? / 1_000_000,
        method: row.get(4)?,
        url: row.get(5)?,
        headers: headers_from(&headers).iter().map(shown_header).collect(),
        body_text,
        body_base64,
        signing: row.get(8)?,
        response,
        error,
        delivered,
        failure,
        duration_ms: row.get::<_, i64>(15)? as f64 / 1000.0,
    })
}

fn kind_str(kind: DeliveryKind) -> &'static str {
    match kind {
        DeliveryKind::Resend => "resend",
        DeliveryKind::Forward => "forward",
        DeliveryKind::Test => "test",
    }
}

fn parse_kind(s: &str) -> DeliveryKind {
    match s {
        "forward" => DeliveryKind::Forward,
        "test" => DeliveryKind::Test,
        _ => DeliveryKind::Resend,
    }
}

fn error_kind_str(kind: DeliveryErrorKind) -> &'static str {
    match kind {
        DeliveryErrorKind::ConnectionRefused => "connection_refused",
        DeliveryErrorKind::Timeout => "timeout",
        DeliveryErrorKind::Tls => "tls",
        DeliveryErrorKind::Dns => "dns",
        DeliveryErrorKind::Invalid => "invalid",
        DeliveryErrorKind::Other => "other",
    }
}

fn parse_error_kind(s: &str) -> DeliveryErrorKind {
    match s {
        "connection_refused" => DeliveryErrorKind::ConnectionRefused,
        "timeout" => DeliveryErrorKind::Timeout,
        "tls" => DeliveryErrorKind::Tls,
        "dns" => DeliveryErrorKind::Dns,
        "invalid" => DeliveryErrorKind::Invalid,
        _ => DeliveryErrorKind::Other,
    }
}
