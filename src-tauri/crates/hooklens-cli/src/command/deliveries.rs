//! What Hooklens sent from a captured event: `deliveries ID`, and the short
//! list at the end of `show ID`. Each send action (a resend, a forward, a
//! retry schedule) is a run; each run has its attempts. Targets, outcomes,
//! errors and replies come from handlers and senders, so every one of them
//! is printed through `term`.

use std::io::Write;

use clap::Args;
use hooklens_core::model::{Delivery, DeliveryKind, DeliveryRun};
use hooklens_core::store::{Reader, Store};

use super::rfc3339;
use crate::error::CliError;
use crate::term;

pub const LONG_ABOUT: &str = "List what Hooklens sent from stored event ID, newest run first: resends \
(`send`), forwards to an endpoint's handler, and retry schedules. Each run shows its kind, target, \
pattern and outcome; each attempt its time, the handler's status and the start of its reply, or the \
error, and how long it took. Replies and URLs are shown with control characters escaped.";

#[derive(Args)]
pub struct DeliveriesArgs {
    id: i64,
}

/// How many runs `show` lists, newest first; `deliveries` lists them all.
const SHOWN_RUNS: usize = 10;

/// How much of a handler's reply `deliveries` shows per attempt, in chars.
const SHOWN_REPLY: usize = 120;

/// The runs at the end of `show ID`: one line each.
pub fn write_summary(out: &mut impl Write, reader: &Reader, event_id: i64) -> Result<(), CliError> {
    // One more than shown, to know whether there are more.
    let runs = reader.runs_of_event(event_id, SHOWN_RUNS as u32 + 1)?;
    writeln!(out)?;
    if runs.is_empty() {
        writeln!(
            out,
            "deliveries  none: nothing was resent, forwarded or scheduled from this event"
        )?;
        return Ok(());
    }
    let which = if runs.len() > SHOWN_RUNS {
        format!("the newest {SHOWN_RUNS}")
    } else {
        "newest first".to_owned()
    };
    writeln!(
        out,
        "deliveries  {which} (`hooklens-cli deliveries {event_id}` shows each attempt)"
    )?;
    for run in runs.iter().take(SHOWN_RUNS) {
        writeln!(
            out,
            "  run #{}  {}  {}  {}  {}: {}",
            run.id,
            kind(run.kind),
            term::line(&run.target),
            term::line(&run.pattern),
            attempts(run.attempts.len()),
            outcome(run)
        )?;
    }
    Ok(())
}

/// Every run of the event, newest first, with its attempts. An event
/// without runs is said so on stderr; an unknown event is an error.
pub fn run(args: DeliveriesArgs, store: &Store) -> Result<u8, CliError> {
    let event_id = args.id;
    let reader = store.reader()?;
    let mut out = std::io::stdout().lock();
    let runs = reader.runs_of_event(event_id, u32::MAX)?;
    if runs.is_empty() {
        // "no event N" when there is no such event. (Runs outlive an event
        // removed by retention, and are still listed then.)
        reader.event(event_id)?;
        eprintln!(
            "event {event_id} has no deliveries: nothing was resent, forwarded or scheduled from it \
(`hooklens-cli send {event_id} --to URL` resends it)"
        );
        return Ok(0);
    }
    for (n, run) in runs.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        write_run(&mut out, run)?;
    }
    Ok(0)
}

fn write_run(out: &mut impl Write, run: &DeliveryRun) -> std::io::Result<()> {
    writeln!(
        out,
        "run #{}  {}  {}",
        run.id,
        kind(run.kind),
        term::line(&run.pattern)
    )?;
    let method = run.attempts.first().map_or("", |d| d.method.as_str());
    writeln!(
        out,
        "to       {}{}",
        if method.is_empty() {
            String::new()
        } else {
            format!("{} ", term::line(method))
        },
        term::line(&run.target)
    )?;
    if let Some(signing) = run.attempts.first().map(|d| &d.signing) {
        writeln!(out, "signing  {}", term::line(signing))?;
    }
    writeln!(
        out,
        "started  {}",
        rfc3339(run.started_at_ms.saturating_mul(1_000_000))
    )?;
    writeln!(
        out,
        "outcome  {} ({})",
        outcome(run),
        attempts(run.attempts.len())
    )?;
    for d in &run.attempts {
        write_attempt(out, d)?;
    }
    Ok(())
}

fn write_attempt(out: &mut impl Write, d: &Delivery) -> std::io::Result<()> {
    let sent = rfc3339(d.sent_at_ms.saturating_mul(1_000_000));
    let took = format!("{:.1} ms", d.duration_ms);
    match (&d.response, &d.error) {
        (Some(r), _) => {
            let status = match &r.reason {
                Some(reason) => format!("{} {}", r.status, term::line(reason)),
                None => r.status.to_string(),
            };
            writeln!(out, "  attempt {}  {sent}  {status}  {took}", d.attempt)?;
            let reply = match (&r.body_text, &r.body_base64) {
                (Some(text), _) if !text.is_empty() => Some(first_line(text)),
                (None, Some(b64)) => Some(format!(
                    "<{} bytes, not text>",
                    b64.trim_end_matches('=').len() * 3 / 4
                )),
                _ => None,
            };
            if let Some(reply) = reply {
                writeln!(out, "    reply  {reply}")?;
            }
            if let Some(to) = &r.redirect_to {
                writeln!(out, "    redirect to {} (not followed)", term::line(to))?;
            }
        }
        (None, Some(e)) => writeln!(
            out,
            "  attempt {}  {sent}  error: {}  {took}",
            d.attempt,
            term::line(&e.message)
        )?,
        (None, None) => writeln!(out, "  attempt {}  {sent}  no answer  {took}", d.attempt)?,
    }
    Ok(())
}

/// The first line of a reply, at most [`SHOWN_REPLY`] chars, escaped.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    let shown: String = line.chars().take(SHOWN_REPLY).collect();
    let cut = shown.len() < line.len() || line.len() < text.trim_end().len();
    format!("{}{}", term::line(&shown), if cut { " …" } else { "" })
}

fn kind(kind: DeliveryKind) -> &'static str {
    match kind {
        DeliveryKind::Resend => "resend",
        DeliveryKind::Forward => "forward",
        DeliveryKind::Test => "test",
    }
}

fn attempts(n: usize) -> String {
    if n == 1 {
        "1 attempt".to_owned()
    } else {
        format!("{n} attempts")
    }
}

fn outcome(run: &DeliveryRun) -> String {
    term::line_or(run.outcome.as_deref(), "still running").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_shows_its_first_line_escaped_and_says_when_it_is_cut() {
        assert_eq!(first_line("ok"), "ok");
        assert_eq!(first_line("ok\n"), "ok");
        assert_eq!(first_line("bad\nsignature"), "bad …");
        assert_eq!(first_line("\x1b]0;pwned\x07"), r"\x1b]0;pwned\x07");
        let long = "é".repeat(SHOWN_REPLY + 1);
        assert_eq!(first_line(&long), format!("{} …", "é".repeat(SHOWN_REPLY)));
    }
}
