//! Running a `send` or `trigger` job: the core sends and records every
//! attempt; this prints each attempt as it completes, stops on Ctrl-C and
//! turns the outcome into an exit status.

use std::future::Future;
use std::io::Write;
use std::time::Duration;

use hooklens_core::model::{
    Delivery, DeliveryKind, DeliveryResponse, DeliveryRun, Pattern, SendProgress, Signing,
    TestEventSpec,
};
use hooklens_core::resend::{Cancel, Draft, ResendError, Sender};
use hooklens_core::store::{Store, now_ns};

use crate::error::CliError;
use crate::exit::{INTERRUPTED, NOT_ACCEPTED};
use crate::term;

/// How much of a response body is printed per attempt; `--json` has it all
/// (up to the 1 MiB the core keeps).
const SHOWN_BODY: usize = 4096;

/// What `send` and `trigger` ask the core to do.
pub enum Job {
    Resend {
        draft: Draft,
        signing: Signing,
        pattern: Pattern,
    },
    Test(TestEventSpec),
}

/// Runs `job`, printing attempts as they complete; Ctrl-C cancels it.
pub fn execute(
    store: &Store,
    job: Job,
    timeout: Option<Duration>,
    json: bool,
) -> Result<u8, CliError> {
    let sender = match timeout {
        Some(timeout) => Sender::with_timeout(store.clone(), timeout)?,
        None => Sender::new(store.clone())?,
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let cancel = Cancel::new();
    let mut printer = Printer::new(json);
    let result = runtime.block_on(async {
        let mut progress = |p: SendProgress| printer.on(&p);
        let work = async {
            match job {
                Job::Resend {
                    draft,
                    signing,
                    pattern,
                } => {
                    sender
                        .resend_draft(draft, &signing, &pattern, &mut progress, &cancel)
                        .await
                }
                Job::Test(spec) => sender.send_test(&spec, None, &mut progress, &cancel).await,
            }
        };
        until_ctrl_c(work, &cancel).await
    });
    finish(store, result, printer, &cancel)
}

/// `--timeout SECS` of `send` and `trigger`.
pub fn parse_timeout(raw: &str) -> Result<Duration, String> {
    let secs: f64 = raw
        .trim()
        .parse()
        .map_err(|_| format!("{raw:?} is not a number of seconds"))?;
    if !(secs.is_finite() && secs > 0.0 && secs <= 3600.0) {
        return Err(format!(
            "{raw} is not a timeout: give more than 0 and at most 3600 seconds"
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Runs `work`; the first Ctrl-C cancels it (the core stops before the next
/// attempt and records the run as cancelled), a second one quits at once.
async fn until_ctrl_c<T>(work: impl Future<Output = T>, cancel: &Cancel) -> T {
    let mut work = std::pin::pin!(work);
    // Biased: the Ctrl-C handler is installed on the first poll, before the
    // work sends anything.
    let heard = tokio::select! {
        biased;
        heard = tokio::signal::ctrl_c() => heard.is_ok(),
        out = &mut work => return out,
    };
    if !heard {
        // No way to hear Ctrl-C: run without it.
        return work.await;
    }
    cancel.cancel();
    eprintln!(
        "\ncancelling: no further attempts; a request in flight gets its answer first (Ctrl-C again quits at once)"
    );
    let again = tokio::select! {
        biased;
        again = tokio::signal::ctrl_c() => again.is_ok(),
        out = &mut work => return out,
    };
    if again {
        std::process::exit(i32::from(INTERRUPTED));
    }
    work.await
}

/// Prints a run's progress as it happens; with `--json`, nothing until the
/// end, when the whole run is one object.
struct Printer {
    json: bool,
    planned: u32,
    /// The delivery rule the attempts are judged by, in words.
    rule: String,
    /// The first write error: the core's progress callback cannot return one.
    failed: Option<std::io::Error>,
}

impl Printer {
    fn new(json: bool) -> Printer {
        Printer {
            json,
            planned: 1,
            rule: String::new(),
            failed: None,
        }
    }

    fn on(&mut self, progress: &SendProgress) {
        if self.failed.is_none()
            && let Err(err) = self.write(progress)
        {
            self.failed = Some(err);
        }
    }

    fn write(&mut self, progress: &SendProgress) -> std::io::Result<()> {
        if let SendProgress::Started { planned, rule, .. } = progress {
            self.planned = *planned;
            self.rule = rule.words.clone();
        }
        if self.json {
            return Ok(());
        }
        let mut out = std::io::stdout().lock();
        match progress {
            SendProgress::Attempt { delivery } => {
                if delivery.attempt == 1 {
                    writeln!(
                        out,
                        "to       {} {}",
                        term::line(&delivery.method),
                        term::line(&delivery.url)
                    )?;
                    // The core words every signature "re-signed"; a fresh
                    // sample was never signed before.
                    let signing = match delivery.signing.strip_prefix("re-signed") {
                        Some(rest) if delivery.kind == DeliveryKind::Test => {
                            format!("signed{rest}")
                        }
                        _ => delivery.signing.clone(),
                    };
                    writeln!(out, "signing  {}", term::line(&signing))?;
                    if !self.rule.is_empty() {
                        writeln!(out, "rule     {}", term::line(&self.rule))?;
                    }
                }
                writeln!(out)?;
                write_attempt(&mut out, delivery, self.planned)?;
            }
            SendProgress::Waiting {
                next_attempt,
                at_ms,
            } => {
                let wait = at_ms - now_ns() / 1_000_000;
                writeln!(out)?;
                writeln!(
                    out,
                    "waiting {} before attempt {next_attempt}",
                    wait_words(wait)
                )?;
            }
            SendProgress::Started { .. } | SendProgress::Finished { .. } => {}
        }
        // Piped output (e.g. `| tee`) shows each attempt as it completes.
        out.flush()
    }
}

fn write_attempt(out: &mut impl Write, d: &Delivery, planned: u32) -> std::io::Result<()> {
    let head = format!("attempt {}/{planned}", d.attempt);
    let took = format!("{:.1} ms", d.duration_ms);
    match (&d.response, &d.error) {
        (Some(r), _) => {
            writeln!(out, "{head}  {}  {took}", status_words(r.status))?;
            // The handler chose these: escaped like a sender's.
            for h in &r.headers {
                writeln!(out, "  {}: {}", term::line(&h.name), term::line(&h.value))?;
            }
            if let Some(to) = &r.redirect_to {
                writeln!(out, "  (a redirect to {}: not followed)", term::line(to))?;
            }
            writeln!(out)?;
            write_body(out, r)?;
        }
        (None, Some(e)) => writeln!(out, "{head}  error: {}  {took}", term::line(&e.message))?,
        (None, None) => writeln!(out, "{head}  no answer  {took}")?,
    }
    // Why the provider would not count it, unless the error already said so.
    if let Some(why) = &d.failure
        && d.error.as_ref().is_none_or(|e| &e.message != why)
    {
        writeln!(out, "  not delivered: {}", term::line(why))?;
    }
    Ok(())
}

fn write_body(out: &mut impl Write, r: &DeliveryResponse) -> std::io::Result<()> {
    match (&r.body_text, &r.body_base64) {
        (Some(text), _) if !text.is_empty() => {
            let shown = prefix(text, SHOWN_BODY);
            for line in shown.lines() {
                // A handler's escape sequences must not drive the terminal;
                // shown escaped, as `show` shows a sender's.
                writeln!(out, "  {}", term::escape(line, term::Layout::Block))?;
            }
            if shown.len() < text.len() {
                writeln!(
                    out,
                    "  … {} more bytes not shown (--json prints the whole body)",
                    text.len() - shown.len()
                )?;
            }
        }
        (None, Some(b64)) => writeln!(out, "  <{} bytes, not text>", base64_len(b64))?,
        _ => writeln!(out, "  (empty body)")?,
    }
    if r.body_truncated {
        writeln!(
            out,
            "  (the handler sent more than the 1 MiB Hooklens keeps; the rest was dropped)"
        )?;
    }
    Ok(())
}

/// At most `max` bytes of `text`, cut at a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// How many bytes a standard base64 string holds, without decoding it.
fn base64_len(b64: &str) -> usize {
    b64.trim_end_matches('=').len() * 3 / 4
}

/// `503 Service Unavailable`, or the bare number for a code without a name.
fn status_words(status: u16) -> String {
    match http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

/// `40 ms`, `5.0 s`, `5 min`, `2 h 30 min`.
fn wait_words(ms: i64) -> String {
    let ms = ms.max(0);
    if ms < 1000 {
        return format!("{ms} ms");
    }
    if ms < 59_950 {
        let tenths = (ms + 50) / 100;
        return format!("{}.{} s", tenths / 10, tenths % 10);
    }
    let s = (ms + 500) / 1000;
    let (h, m, s) = (s / 3600, (s % 3600) / 60, s % 60);
    match (h, m, s) {
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, 0, _) => format!("{h} h"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

/// The run's end: its outcome (or, with --json, the run itself) and the exit
/// status.
fn finish(
    store: &Store,
    result: Result<DeliveryRun, ResendError>,
    printer: Printer,
    cancel: &Cancel,
) -> Result<u8, CliError> {
    if let Some(err) = printer.failed {
        return Err(err.into());
    }
    let mut run = result?;
    let mut out = std::io::stdout().lock();
    if printer.json {
        mask_secrets(&mut run, store);
        writeln!(out, "{}", term::json(&run)?)?;
    } else {
        writeln!(out)?;
        writeln!(
            out,
            "outcome  {}",
            term::line_or(run.outcome.as_deref(), "-")
        )?;
        writeln!(out, "recorded as run #{}", run.id)?;
    }
    out.flush()?;
    if cancel.is_cancelled() {
        return Ok(INTERRUPTED);
    }
    // Judged by the core with the provider's rule, not by "any 2xx".
    let delivered = run.attempts.last().is_some_and(|d| d.delivered);
    Ok(if delivered { 0 } else { NOT_ACCEPTED })
}

/// Shared-secret and Basic-auth schemes send the secret itself as a header;
/// the run printed must not show it (only `secrets list --reveal` does).
fn mask_secrets(run: &mut DeliveryRun, store: &Store) {
    let secrets = store.secrets();
    let values: Vec<&str> = secrets
        .values()
        .flatten()
        .map(|s| s.value.as_str())
        .filter(|v| !v.is_empty())
        .collect();
    for h in run.attempts.iter_mut().flat_map(|d| d.headers.iter_mut()) {
        let basic = h.name.eq_ignore_ascii_case("authorization")
            && h.value
                .trim_start()
                .get(..6)
                .is_some_and(|p| p.eq_ignore_ascii_case("basic "));
        if basic {
            // Base64 of user:password: any part of it gives some away.
            h.value = "Basic ••••".to_owned();
        } else if values.iter().any(|v| h.value.contains(v)) {
            h.value = hooklens_core::store::mask(&h.value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_and_sizes_read_as_words() {
        assert_eq!(wait_words(5_000), "5.0 s");
        assert_eq!(wait_words(4_996), "5.0 s");
        assert_eq!(wait_words(49), "49 ms");
        assert_eq!(wait_words(-3), "0 ms");
        assert_eq!(wait_words(59_990), "1 min");
        assert_eq!(wait_words(300_000), "5 min");
        assert_eq!(wait_words(330_000), "5 min 30 s");
        assert_eq!(wait_words(9_000_000), "2 h 30 min");
        assert_eq!(base64_len("AAEC"), 3);
        assert_eq!(base64_len("AAE="), 2);
        assert_eq!(base64_len("AA=="), 1);
        assert_eq!(status_words(503), "503 Service Unavailable");
        assert_eq!(status_words(599), "599");
        assert_eq!(prefix("aé", 2), "a");
    }

    #[test]
    fn timeouts_are_positive_seconds() {
        assert_eq!(parse_timeout("2.5"), Ok(Duration::from_millis(2500)));
        assert!(parse_timeout("0").is_err());
        assert!(parse_timeout("NaN").is_err());
        assert!(parse_timeout("soon").is_err());
    }
}
