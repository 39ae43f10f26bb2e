//! How signature verdicts read: one short column in `events`, a block in
//! `show` and `verify`, and flat JSON fields. Verdicts never carry a secret
//! value (labels only), so nothing here can print one. Labels, scheme names
//! (a custom scheme's header) and diagnoses (which can quote a request) are
//! printed through `term`.

use std::io::Write;

use hooklens_core::model::Endpoint;
use hooklens_core::signature::{Scheme, Verdict, VerdictStatus};
use hooklens_core::store::StoredHeader;
use hooklens_core::verdict;
use serde::Serialize;

use crate::term;

/// The `--verdict` filter: a status name, with `-` accepted for `_`.
pub fn parse_status(raw: &str) -> Result<VerdictStatus, String> {
    VerdictStatus::parse(&raw.trim().to_ascii_lowercase().replace('-', "_")).ok_or_else(|| {
        format!(
            "{raw:?} is not a verdict; use one of: {}",
            status_names().join(", ")
        )
    })
}

pub fn status_names() -> Vec<&'static str> {
    VerdictStatus::ALL
        .iter()
        .map(VerdictStatus::as_str)
        .collect()
}

/// One column of `events`: `valid (production)`, `invalid: body_trailing_newline`,
/// `stale 600s`, `unsigned`, … with ` (assumed)` when the construction is a guess.
pub fn short(verdict: Option<&Verdict>) -> String {
    let Some(v) = verdict else {
        return "-".into();
    };
    let mut text = match v.status {
        VerdictStatus::Valid => match &v.secret {
            Some(label) => format!("valid ({})", term::line(label)),
            None => "valid".into(),
        },
        VerdictStatus::Invalid => match &v.diagnosis {
            Some(d) => format!("invalid: {}", d.code.as_str()),
            None => "invalid".into(),
        },
        VerdictStatus::Stale => match v.age_s {
            Some(age) => format!("stale {age}s"),
            None => "stale".into(),
        },
        VerdictStatus::NoSecret => "no_secret".into(),
        VerdictStatus::Unsigned => "unsigned".into(),
        VerdictStatus::Malformed => "malformed".into(),
    };
    if v.assumed {
        text.push_str(" (assumed)");
    }
    text
}

/// The display name of the scheme a verdict names: the configured one when it
/// is that scheme (so a custom HMAC shows its header), else the default.
pub fn scheme_name(
    verdict: &Verdict,
    endpoint: Option<&Endpoint>,
    provider: Option<&str>,
    headers: &[StoredHeader],
) -> Option<String> {
    let id = verdict.scheme.as_deref()?;
    let configured = verdict::scheme_for(endpoint, provider, headers)
        .map(|(s, _)| s)
        .filter(|s| s.id() == id);
    Some(
        configured
            .or_else(|| Scheme::by_id(id))
            .map_or_else(|| id.to_owned(), |s| s.name()),
    )
}

/// `signature …` and the lines under it, as `show` and `verify` print them.
pub fn write_block(
    out: &mut impl Write,
    verdict: Option<&Verdict>,
    scheme_name: Option<String>,
    endpoint: Option<&Endpoint>,
) -> std::io::Result<()> {
    let Some(v) = verdict else {
        writeln!(
            out,
            "signature not verified yet (stored before Hooklens verified signatures; `hooklens-cli reverify` does it)"
        )?;
        return Ok(());
    };
    let headline = match v.status {
        VerdictStatus::Valid => "valid",
        VerdictStatus::Invalid => "invalid",
        VerdictStatus::Unsigned => "unsigned: the request carries no signature",
        VerdictStatus::NoSecret => "not checked: the endpoint has no secret configured",
        VerdictStatus::Stale => "stale: the signed timestamp is outside the tolerance",
        VerdictStatus::Malformed => "malformed: the signature header cannot be read",
    };
    writeln!(out, "signature {headline}")?;
    if let Some(name) = scheme_name {
        writeln!(out, "scheme    {}", term::line(&name))?;
    }
    if let Some(label) = &v.secret {
        let how = if v.status == VerdictStatus::Valid {
            "matched"
        } else {
            "signature matches"
        };
        writeln!(out, "secret    {} ({how})", term::line(label))?;
    }
    if let Some(age) = v.age_s {
        writeln!(
            out,
            "age       {age} s between the signed timestamp and arrival"
        )?;
    }
    if let Some(d) = &v.diagnosis {
        writeln!(
            out,
            "cause     {} [{}]",
            term::line(&d.message),
            d.code.as_str()
        )?;
        if let Some(label) = &d.secret {
            writeln!(
                out,
                "          (that variant matches with the secret {})",
                term::line(label)
            )?;
        }
    } else if let Some(reason) = &v.reason {
        writeln!(out, "reason    {}", term::line(reason))?;
    }
    if v.status == VerdictStatus::NoSecret {
        let target = endpoint.map_or("ENDPOINT", |e| e.path_prefix.as_str());
        writeln!(
            out,
            "hint      add one: hooklens-cli secrets add {} LABEL   (the value is read from stdin)",
            term::line(target)
        )?;
    }
    if v.assumed {
        writeln!(
            out,
            "note      assumed construction: this provider does not publish how it signs; `hooklens-cli discover` finds the real one from a request and its secret"
        )?;
    }
    Ok(())
}

/// The verdict as flat JSON fields beside an event's other fields.
#[derive(Serialize)]
pub struct Fields<'a> {
    /// The status; null for events not verified yet.
    pub verdict: Option<&'static str>,
    pub scheme: Option<&'a str>,
    pub secret: Option<&'a str>,
    pub age_s: Option<i64>,
    pub diagnosis: Option<DiagnosisField<'a>>,
    pub reason: Option<&'a str>,
    pub assumed: bool,
}

#[derive(Serialize)]
pub struct DiagnosisField<'a> {
    pub code: &'static str,
    pub message: &'a str,
    /// Label of the secret the variant matched with (never a value).
    pub secret: Option<&'a str>,
}

impl<'a> Fields<'a> {
    pub fn new(v: Option<&'a Verdict>) -> Self {
        Fields {
            verdict: v.map(|v| v.status.as_str()),
            scheme: v.and_then(|v| v.scheme.as_deref()),
            secret: v.and_then(|v| v.secret.as_deref()),
            age_s: v.and_then(|v| v.age_s),
            diagnosis: v
                .and_then(|v| v.diagnosis.as_ref())
                .map(|d| DiagnosisField {
                    code: d.code.as_str(),
                    message: &d.message,
                    secret: d.secret.as_deref(),
                }),
            reason: v.and_then(|v| v.reason.as_deref()),
            assumed: v.is_some_and(|v| v.assumed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_parses_and_bad_ones_list_the_good_ones() {
        for s in VerdictStatus::ALL {
            assert_eq!(parse_status(s.as_str()), Ok(s));
        }
        assert_eq!(parse_status("no-secret"), Ok(VerdictStatus::NoSecret));
        let err = parse_status("bogus").unwrap_err();
        assert!(err.contains("valid, invalid, unsigned, no_secret, stale, malformed"));
    }
}
