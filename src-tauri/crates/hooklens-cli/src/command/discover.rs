//! `discover ID`: which known signing construction produced a stored event,
//! given its secret; `--save` makes the first match the endpoint's scheme.

use std::io::Write;

use clap::Args;
use hooklens_core::signature::{self, Secret, SignedRequest};
use hooklens_core::store::{EndpointSpec, Store};
use hooklens_core::verdict;

use super::reverify;
use crate::error::CliError;
use crate::exit::INTERRUPTED;
use crate::secret_input::SecretArg;
use crate::term;

pub const LONG_ABOUT: &str = "Try every known construction (the named schemes, a header holding the secret, \
Basic auth, and generic HMACs over the body, timestamp, id and URL in hex or base64) on a stored \
event with the secret its sender used, and print each one that verifies, best first, with the \
scheme as JSON ready for `endpoints edit ENDPOINT --scheme '...'`.\n\n\
--save sets the first match as the event's endpoint's scheme, adds the secret to that endpoint \
labelled \"discovered\", and re-verifies the endpoint's events.\n\n\
Exit status: 0 when something matched, 1 when nothing did, 2 error.";

#[derive(Args)]
#[command(mut_arg("secret", |a| a.help(
    "The secret the sender signs with; `-` reads it from the first line of stdin (an argument shows in `ps`)"
)))]
pub struct DiscoverArgs {
    id: i64,
    #[command(flatten)]
    secret: SecretArg,
    /// Print {"matches":[{description, scheme}, ...]}
    #[arg(long)]
    json: bool,
    /// Use the first match as the endpoint's scheme and add the secret to it
    #[arg(long)]
    save: bool,
    /// With --save: leave stored verdicts as they are
    #[arg(long, requires = "save")]
    no_reverify: bool,
}

/// Label of the secret `discover --save` adds.
const DISCOVERED: &str = "discovered";

/// Exit status: 0 when something matched, 1 when nothing did.
pub fn run(args: DiscoverArgs, store: &Store) -> Result<u8, CliError> {
    let mut out = std::io::stdout().lock();
    let value = args.secret.required("discover")?;
    let event = store.reader()?.event(args.id)?;
    let e = &event.summary;
    let url = verdict::request_url(&event.headers, &e.path, e.query.as_deref());
    let request = SignedRequest {
        method: &e.method,
        url: &url,
        headers: &event.headers,
        body: &event.body,
    };
    let matches = signature::discover(&request, &Secret::new(DISCOVERED, value.clone()));
    if args.json {
        writeln!(
            out,
            "{}",
            term::json(&serde_json::json!({ "matches": matches }))?
        )?;
    } else if matches.is_empty() {
        writeln!(
            out,
            "No known construction verifies event {} with this secret. Check that it is the secret this sender signs with, and that the request reached Hooklens unmodified (a proxy re-encoding the body breaks every signature).",
            args.id
        )?;
    } else {
        writeln!(
            out,
            "{} construction{} verif{} event {} with this secret, best first:",
            matches.len(),
            if matches.len() == 1 { "" } else { "s" },
            if matches.len() == 1 { "ies" } else { "y" },
            args.id
        )?;
        for (i, m) in matches.iter().enumerate() {
            // Descriptions name the request's headers, which the sender chose.
            writeln!(out, "{}. {}", i + 1, term::line(&m.description))?;
            writeln!(out, "   --scheme {}", shell_quote(&term::json(&m.scheme)?))?;
        }
    }
    let Some(first) = matches.first() else {
        return Ok(1);
    };
    if !args.save {
        return Ok(0);
    }

    let endpoints = store.endpoints();
    let endpoint = e
        .endpoint_id
        .and_then(|id| endpoints.iter().find(|x| x.id == id))
        .ok_or_else(|| {
            CliError::Usage(format!(
                "event {} belongs to an endpoint that was removed, so there is nothing to save the scheme on; use `hooklens-cli endpoints edit ENDPOINT --scheme ...` on another one",
                args.id
            ))
        })?;
    let mut spec = EndpointSpec::from(endpoint);
    spec.scheme = Some(first.scheme.clone());
    store.update_endpoint(endpoint.id, &spec)?;
    let secrets = store.secrets();
    let own = secrets.get(&endpoint.id).map_or(&[][..], Vec::as_slice);
    let saved = match own.iter().find(|s| s.value == value) {
        Some(same) => format!("the secret was already configured as {:?}", same.label),
        None => {
            let label = (1..)
                .map(|n| match n {
                    1 => DISCOVERED.to_owned(),
                    n => format!("{DISCOVERED}-{n}"),
                })
                .find(|l| !own.iter().any(|s| &s.label == l))
                .unwrap_or_else(|| DISCOVERED.to_owned());
            store.add_secret(endpoint.id, &label, &value)?;
            format!("added the secret as {label:?}")
        }
    };
    // The listing above went to stdout; what was saved is a message.
    eprintln!(
        "saved: endpoint {} ({}) now uses {}; {saved}",
        term::line(&endpoint.name),
        term::line(&endpoint.path_prefix),
        term::line(&first.scheme.name())
    );
    if !args.no_reverify {
        let fresh = store.endpoints();
        let updated = fresh.iter().find(|x| x.id == endpoint.id);
        if !reverify::with_progress(store, updated)? {
            return Ok(INTERRUPTED);
        }
    }
    Ok(0)
}

/// A JSON scheme quoted for a POSIX shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting_survives_quotes() {
        assert_eq!(shell_quote(r#"{"a":"it's"}"#), r#"'{"a":"it'\''s"}'"#);
    }
}
