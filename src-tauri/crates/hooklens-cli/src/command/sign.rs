//! `sign`: the signature headers for a body read from stdin. Needs no store.

use std::io::{IsTerminal, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};

use clap::Args;
use hooklens_core::signature::{self, Part, Scheme, Secret, SignInput};

use super::NoStore;
use crate::error::CliError;
use crate::scheme_arg::parse_scheme;
use crate::secret_input::{self, SecretArg};
use crate::term;

pub const LONG_ABOUT: &str = "Sign the body read from stdin (byte for byte, no newline added) and print the \
headers to send, one `Name: value` per line, e.g.\n\n  \
printf '%s' \"$BODY\" | HOOKLENS_SECRET=whsec_... hooklens-cli sign --scheme standard-webhooks\n\n\
Each line works as a curl -H argument. Timestamped schemes sign --timestamp (default: now); \
Standard Webhooks signs a message id (--id, default: a fresh msg_<hex>). Twilio and templates \
with the URL need --url.\n\n\
The secret comes from HOOKLENS_SECRET or --secret; `--secret -` is refused because stdin \
carries the body.";

#[derive(Args)]
#[command(mut_arg("secret", |a| a.help(
    "The secret to sign with; prefer HOOKLENS_SECRET (an argument shows in `ps`)"
)))]
pub struct SignArgs {
    /// A scheme id (standard-webhooks, stripe, github, shopify, slack, twilio, shared-secret,
    /// basic-auth, hmac, combined), a provider preset id (e.g. kustom) or a JSON scheme
    #[arg(long, value_name = "NAME|JSON")]
    scheme: String,
    #[command(flatten)]
    secret: SecretArg,
    /// Message id for schemes that sign one (default: msg_ and 24 random hex digits)
    #[arg(long)]
    id: Option<String>,
    /// Unix seconds to sign [default: now]
    #[arg(long, value_name = "UNIX", allow_hyphen_values = true)]
    timestamp: Option<i64>,
    /// The URL the request is sent to (Twilio and URL templates sign it)
    #[arg(long)]
    url: Option<String>,
    /// Name for the secret in error messages
    #[arg(long, default_value = "cli")]
    label: String,
    /// Print {"headers":[[name, value], ...]}
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    no_store: NoStore,
}

pub fn run(args: SignArgs) -> Result<u8, CliError> {
    let mut out = std::io::stdout().lock();
    if args.secret.is_stdin() {
        return Err(CliError::Usage(format!(
            "sign reads the body from stdin, so the secret cannot come from there too; set {} instead",
            secret_input::ENV
        )));
    }
    let value = args.secret.required("sign")?;
    let (scheme, preset) = parse_scheme(&args.scheme)?;
    if let Some(p) = preset.filter(|p| p.assumed) {
        eprintln!(
            "note: {} does not publish how it signs; this is the assumed construction ({})",
            p.name,
            term::line(&scheme.name())
        );
    }
    if signs_url(&scheme) && args.url.is_none() {
        return Err(CliError::Usage(format!(
            "{} signs the URL the request is sent to: pass --url, e.g. --url https://example.com/hooks/sms",
            term::line(&scheme.name())
        )));
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("reading the body from stdin (end it with Ctrl-D, or pipe it in)");
    }
    let mut body = Vec::new();
    stdin.lock().read_to_end(&mut body)?;
    let id = args.id.unwrap_or_else(fresh_id);
    let timestamp = match args.timestamp {
        Some(t) => t,
        None => time::OffsetDateTime::now_utc().unix_timestamp(),
    };
    let secret = Secret::new(args.label, value);
    let headers = signature::sign(
        &scheme,
        &secret,
        &SignInput {
            body: &body,
            url: args.url.as_deref().unwrap_or(""),
            id: Some(&id),
            timestamp,
        },
    )?;
    if args.json {
        writeln!(
            out,
            "{}",
            term::json(&serde_json::json!({ "headers": headers }))?
        )?;
    } else {
        // A configured header name or a secret sent as is could hold a
        // control character; such a header would not be valid anyway.
        for (name, value) in &headers {
            writeln!(out, "{}: {}", term::line(name), term::line(value))?;
        }
    }
    Ok(0)
}

/// Whether signing reads the URL the request is sent to.
fn signs_url(scheme: &Scheme) -> bool {
    match scheme {
        Scheme::Twilio => true,
        Scheme::Hmac(spec) => spec.template.contains(&Part::Url),
        Scheme::Combined { schemes } => schemes.iter().any(signs_url),
        _ => false,
    }
}

/// `msg_` and 24 random hex digits: from /dev/urandom where there is one,
/// else from the time, the process id and a counter.
fn fresh_id() -> String {
    let mut bytes = [0u8; 12];
    let random = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .is_ok();
    if !random {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos() as u64;
        let mut state =
            nanos ^ (u64::from(std::process::id()) << 32) ^ COUNTER.fetch_add(1, Ordering::Relaxed);
        for chunk in bytes.chunks_mut(8) {
            // splitmix64: spreads the few changing bits over all of them.
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("msg_{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_ids_differ() {
        let (a, b) = (fresh_id(), fresh_id());
        assert!(a.starts_with("msg_") && a.len() == 28, "{a}");
        assert_ne!(a, b);
    }
}
