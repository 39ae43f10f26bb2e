//! A signature scheme named on the command line (`sign --scheme`,
//! `endpoints add|edit --scheme`): an id, a provider preset's, or JSON.

use hooklens_core::providers;
use hooklens_core::signature::Scheme;

use crate::error::CliError;

/// Every [`Scheme::id`], in the order help texts list them.
const SCHEME_IDS: [&str; 10] = Scheme::IDS;

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
}
