//! `sign` and `discover`, and reading a scheme from the command line.

use std::io::{IsTerminal, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};

use hooklens_core::providers;
use hooklens_core::signature::{self, Part, Scheme, Secret, SignInput, SignedRequest};
use hooklens_core::store::Store;
use hooklens_core::verification;

use crate::error::CliError;
use crate::term;

/// Every [`Scheme::id`], in the order help texts list them.
pub const SCHEME_IDS: [&str; 10] = Scheme::IDS;

/// A scheme id, a provider preset id (its scheme), or a JSON [`Scheme`].
/// Returns the scheme and the preset it came from, if any.
pub fn parse_scheme(raw: &str) -> Result<(Scheme, Option<&'static providers::Preset>), CliError> {
    let raw = raw.trim();
    if raw.starts_with('{') {
        let scheme = serde_json::from_str::<Scheme>(raw).map_err(|err| {
            CliError::Usage(format!(
                "the JSON scheme cannot be read: {err}; it looks like {{\"kind\":\"github\"}} (`hooklens-cli discover` prints ready ones)"
            ))
        })?;
        return Ok((scheme, None));
    }
    if let Some(scheme) = Scheme::by_id(&raw.to_ascii_lowercase()) {
        return Ok((scheme, None));
    }
    if let Some(preset) = providers::preset(raw) {
        return match &preset.scheme {
            Some(scheme) => Ok((scheme.clone(), Some(preset))),
            None => Err(CliError::Usage(format!(
                "the preset {} ({}) has no signature scheme; choose a scheme: {}",
                preset.id,
                preset.name,
                SCHEME_IDS.join(", ")
            ))),
        };
    }
    let signing: Vec<&str> = providers::presets()
        .iter()
        .filter(|p| p.scheme.is_some())
        .map(|p| p.id)
        .collect();
    Err(CliError::Usage(format!(
        "unknown scheme {raw:?}; known schemes: {}; provider presets: {}; or a JSON scheme such as '{{\"kind\":\"github\"}}'",
        SCHEME_IDS.join(", "),
        signing.join(", ")
    )))
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

pub struct SignArgs {
    pub scheme: String,
    pub secret: Option<String>,
    pub label: String,
    pub id: Option<String>,
    pub timestamp: Option<i64>,
    pub url: Option<String>,
    pub json: bool,
}

pub fn sign(args: SignArgs, out: &mut impl Write) -> Result<(), CliError> {
    if args.secret.as_deref() == Some("-") {
        return Err(CliError::Usage(format!(
            "sign reads the body from stdin, so the secret cannot come from there too; set {} instead",
            crate::secret_input::ENV
        )));
    }
    let value = crate::secret_input::resolve(args.secret, "sign")?;
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
    Ok(())
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

/// A JSON scheme quoted for a POSIX shell.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

pub struct DiscoverArgs {
    pub id: i64,
    pub secret: Option<String>,
    pub json: bool,
    pub save: bool,
    pub no_reverify: bool,
}

/// Label of the secret `discover --save` adds.
const DISCOVERED: &str = "discovered";

/// Exit status: 0 when something matched, 1 when nothing did.
pub fn discover(store: &Store, args: DiscoverArgs, out: &mut impl Write) -> Result<u8, CliError> {
    let value = crate::secret_input::resolve(args.secret, "discover")?;
    let event = store.reader()?.event(args.id)?;
    let e = &event.summary;
    let url = verification::request_url(&event.headers, &e.path, e.query.as_deref());
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
    let mut spec = hooklens_core::store::EndpointSpec::from(endpoint);
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
        if !crate::reverify::run(store, updated)? {
            return Ok(crate::exit::INTERRUPTED);
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_id_is_a_scheme_and_presets_and_json_work_too() {
        for id in SCHEME_IDS {
            assert_eq!(parse_scheme(id).unwrap().0.id(), id);
        }
        let (kustom, preset) = parse_scheme("kustom").unwrap();
        assert_eq!(kustom.id(), "standard-webhooks");
        assert!(preset.unwrap().assumed);
        let (json, _) = parse_scheme(r#"{"kind":"github"}"#).unwrap();
        assert_eq!(json, Scheme::Github);
        let Err(CliError::Usage(msg)) = parse_scheme("nope") else {
            panic!("accepted an unknown scheme")
        };
        assert!(msg.contains("standard-webhooks, stripe, github"), "{msg}");
        assert!(msg.contains("kustom"), "{msg}");
    }

    #[test]
    fn fresh_ids_differ() {
        let (a, b) = (fresh_id(), fresh_id());
        assert!(a.starts_with("msg_") && a.len() == 28, "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn shell_quoting_survives_quotes() {
        assert_eq!(shell_quote(r#"{"a":"it's"}"#), r#"'{"a":"it'\''s"}'"#);
    }
}
