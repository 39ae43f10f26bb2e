//! Signature engine: verifies, diagnoses, discovers and produces webhook
//! signatures.
//!
//! Every HMAC-based scheme (the named ones and the configurable
//! [`HmacSpec`]) reduces to one internal `construction::Construction`: which
//! header holds the signatures, how the signed bytes are built, the algorithm,
//! the output and secret encodings and the timestamp rules. Verify, sign,
//! diagnose and discover all go through that one description, the one
//! signed-bytes builder and the one encoder/decoder set in `codec`, so a
//! signature this module produces is exactly one it accepts.
//!
//! Headers and bodies come straight off the wire: nothing here may panic on
//! any input. The clock is always passed in (`now_s`); secrets never appear in
//! a verdict, diagnosis, error or `Debug` output.
//!
//! A crate of its own so the compiler keeps the engine pure: it depends on
//! no database, HTTP server or async runtime, and `wire` and `json` (what a
//! request is made of, bounded JSON reading) sit under it here for the same
//! reason. hooklens-core re-exports it as `hooklens_core::signature`.

pub mod json;
pub mod wire;

mod codec;
mod construction;
mod diagnose;
mod discover;
mod sign;
mod verify;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod vectors;

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::wire::StoredHeader;
// Child modules look headers up through these (`super::header`).
use crate::wire::{header, header_text};

pub use diagnose::verify_and_diagnose;
pub use discover::discover;
pub use sign::{max_age_s, missign, sign, signature_headers, signs_id};
pub use verify::{detect_scheme, verify};

/// Default tolerance of timestamped schemes, as in the providers' own libraries.
pub const DEFAULT_TOLERANCE_S: u64 = 300;

/// The request as received. `url` is the full URL the sender addressed, as
/// best known (e.g. `https://example.com/hooks/twilio?foo=1`); only URL-based
/// schemes (Twilio, generic templates with [`Part::Url`]) read it.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [StoredHeader],
    pub body: &'a [u8],
}

/// A labelled secret as the user pasted it (the engine decodes it per scheme).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    pub label: String,
    pub value: String,
}

impl Secret {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Secret {
            label: label.into(),
            value: value.into(),
        }
    }
}

/// Masks the value: secrets must never reach logs, even through `{:?}`.
impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret")
            .field("label", &self.label)
            .field("value", &"***")
            .finish()
    }
}

/// How a request is authenticated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
// kebab-case so the stored and shown `kind` is the same string as `id()`.
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Scheme {
    /// Standard Webhooks / Svix: `webhook-id`, `webhook-timestamp`,
    /// `webhook-signature` (or the `svix-` names); space-separated `v1,<b64>`
    /// list; secret `whsec_<b64>` or bare base64; signs `{id}.{ts}.{body}`
    /// with HMAC-SHA256; timestamp within ± tolerance.
    StandardWebhooks {
        #[ts(type = "number")]
        tolerance_s: u64,
    },
    /// `Stripe-Signature: t=..,v1=..,v0=..`; signs `{t}.{body}`, hex; the
    /// secret is used as text; only too-old timestamps are stale.
    Stripe {
        #[ts(type = "number")]
        tolerance_s: u64,
    },
    /// `X-Hub-Signature-256: sha256=<hex>`, else legacy `X-Hub-Signature: sha1=<hex>`.
    Github,
    /// `X-Shopify-Hmac-Sha256`: base64 HMAC-SHA256 of the body.
    Shopify,
    /// `X-Slack-Signature: v0=<hex>` over `v0:{ts}:{body}`, timestamp in
    /// `X-Slack-Request-Timestamp`, ± tolerance.
    Slack {
        #[ts(type = "number")]
        tolerance_s: u64,
    },
    /// `X-Twilio-Signature`: base64 HMAC-SHA1 over the URL plus the sorted
    /// form parameters, or over the URL alone when it carries `bodySHA256`.
    Twilio,
    /// A header whose value is the secret itself.
    SharedSecret { header: String },
    /// `Authorization: Basic base64(user:pass)`; the secret is `user:pass`.
    BasicAuth,
    /// Fully configurable HMAC.
    Hmac(HmacSpec),
    /// Several independent checks, e.g. USAePay: optional Basic auth and an
    /// optional `X-Signature` HMAC. Every member whose header is present must
    /// be valid; none present => unsigned.
    Combined { schemes: Vec<Scheme> },
}

impl Scheme {
    /// Every kind of scheme, as its [`Scheme::id`] and the name people know
    /// it by (the UI's pickers and badges get this table through the
    /// bindings), in the order help texts and pickers list them.
    pub const KINDS: [(&'static str, &'static str); 10] = [
        ("standard-webhooks", "Standard Webhooks"),
        ("stripe", "Stripe"),
        ("github", "GitHub"),
        ("shopify", "Shopify"),
        ("slack", "Slack"),
        ("twilio", "Twilio"),
        ("shared-secret", "Shared secret"),
        ("basic-auth", "Basic auth"),
        ("hmac", "Custom HMAC"),
        ("combined", "Combined checks"),
    ];

    /// Every [`Scheme::id`], in [`Scheme::KINDS`] order.
    pub const IDS: [&'static str; 10] = {
        let mut ids = [""; 10];
        let mut i = 0;
        while i < ids.len() {
            ids[i] = Self::KINDS[i].0;
            i += 1;
        }
        ids
    };

    /// The name of the kind of scheme `id`, from [`Scheme::KINDS`].
    pub fn kind_name(id: &str) -> Option<&'static str> {
        Self::KINDS
            .iter()
            .find(|(kind, _)| *kind == id)
            .map(|(_, name)| *name)
    }

    /// Stable id, as stored in verdicts.
    pub fn id(&self) -> &'static str {
        match self {
            Scheme::StandardWebhooks { .. } => "standard-webhooks",
            Scheme::Stripe { .. } => "stripe",
            Scheme::Github => "github",
            Scheme::Shopify => "shopify",
            Scheme::Slack { .. } => "slack",
            Scheme::Twilio => "twilio",
            Scheme::SharedSecret { .. } => "shared-secret",
            Scheme::BasicAuth => "basic-auth",
            Scheme::Hmac(_) => "hmac",
            Scheme::Combined { .. } => "combined",
        }
    }

    /// Display name: the kind's, and for a configured kind what it reads.
    pub fn name(&self) -> String {
        match self {
            Scheme::SharedSecret { header } => format!("Shared secret ({header})"),
            Scheme::Hmac(spec) => format!("HMAC ({})", spec.header),
            Scheme::Combined { schemes } => {
                let names: Vec<String> = schemes.iter().map(Scheme::name).collect();
                format!("Combined ({})", names.join(" + "))
            }
            other => Self::kind_name(other.id()).unwrap_or_default().to_owned(),
        }
    }

    /// The default configuration for an id.
    pub fn by_id(id: &str) -> Option<Scheme> {
        Some(match id {
            "standard-webhooks" => Scheme::StandardWebhooks {
                tolerance_s: DEFAULT_TOLERANCE_S,
            },
            "stripe" => Scheme::Stripe {
                tolerance_s: DEFAULT_TOLERANCE_S,
            },
            "github" => Scheme::Github,
            "shopify" => Scheme::Shopify,
            "slack" => Scheme::Slack {
                tolerance_s: DEFAULT_TOLERANCE_S,
            },
            "twilio" => Scheme::Twilio,
            "shared-secret" => Scheme::SharedSecret {
                header: "X-Webhook-Secret".into(),
            },
            "basic-auth" => Scheme::BasicAuth,
            "hmac" => Scheme::Hmac(HmacSpec::default()),
            // The shape of the USAePay-style gateway: optional Basic auth and
            // an optional HMAC.
            "combined" => Scheme::Combined {
                schemes: vec![Scheme::BasicAuth, Scheme::Hmac(HmacSpec::default())],
            },
            _ => return None,
        })
    }
}

/// A fully configurable HMAC construction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HmacSpec {
    /// Header holding the signature(s).
    pub header: String,
    pub algorithm: Algorithm,
    /// The signed bytes: these parts, concatenated.
    pub template: Vec<Part>,
    /// Output encoding. Verification accepts hex in either case and base64
    /// with or without padding.
    pub encoding: Encoding,
    /// Stripped from each signature before decoding, e.g. `sha256=`, `v1,`.
    pub prefix: String,
    pub secret_encoding: SecretEncoding,
    /// Header holding the signed timestamp (Unix seconds). When it names the
    /// signature header itself, the timestamp is its `t=` field (Stripe-like
    /// `t=..,v1=..` headers).
    pub timestamp_header: Option<String>,
    pub id_header: Option<String>,
    /// ± seconds when `timestamp_header` is set; None: no age check.
    #[ts(type = "number | null")]
    pub tolerance_s: Option<u64>,
    /// Several signatures in one header, e.g. `" "` or `","`.
    pub separator: Option<String>,
}

impl Default for HmacSpec {
    /// `X-Signature: <hex HMAC-SHA256 of the body>`, secret used as text.
    fn default() -> Self {
        HmacSpec {
            header: "X-Signature".into(),
            algorithm: Algorithm::Sha256,
            template: vec![Part::Body],
            encoding: Encoding::HexLower,
            prefix: String::new(),
            secret_encoding: SecretEncoding::Utf8,
            timestamp_header: None,
            id_header: None,
            tolerance_s: None,
            separator: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    Sha1,
    Sha256,
    Sha512,
}

/// One piece of the signed bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(tag = "part", rename_all = "snake_case")]
pub enum Part {
    /// The body, byte for byte as received.
    Body,
    /// The timestamp as sent (the header text).
    Timestamp,
    /// The message id as sent.
    Id,
    /// The full URL the sender addressed.
    Url,
    /// The HTTP method, e.g. `POST`.
    Method,
    Literal {
        text: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    HexLower,
    HexUpper,
    Base64,
    Base64Url,
}

/// How the pasted secret turns into key bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SecretEncoding {
    /// The text's UTF-8 bytes, as is.
    Utf8,
    Base64,
    Hex,
    /// An optional `whsec_` prefix, then base64 (Standard Webhooks).
    Whsec,
}

/// Verdict stored per event. Flat so it maps to DB columns and TypeScript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub status: VerdictStatus,
    /// [`Scheme::id`] of the scheme that decided.
    pub scheme: Option<String>,
    /// Label of the secret that matched (valid; stale when the signature itself matched).
    pub secret: Option<String>,
    /// now - signed timestamp, for timestamped schemes (always set for stale).
    #[ts(type = "number | null")]
    pub age_s: Option<i64>,
    /// For invalid verdicts, when one variant explains the mismatch.
    pub diagnosis: Option<Diagnosis>,
    /// Plain words: why malformed / stale / invalid without a diagnosis.
    pub reason: Option<String>,
    /// Always false from the engine; the caller sets it for presets whose
    /// construction is assumed.
    pub assumed: bool,
}

impl Verdict {
    pub(crate) fn new(status: VerdictStatus, scheme: &str) -> Self {
        Verdict {
            status,
            scheme: Some(scheme.to_owned()),
            secret: None,
            age_s: None,
            diagnosis: None,
            reason: None,
            assumed: false,
        }
    }

    pub(crate) fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum VerdictStatus {
    Valid,
    Invalid,
    Unsigned,
    NoSecret,
    Stale,
    Malformed,
}

impl VerdictStatus {
    pub const ALL: [VerdictStatus; 6] = [
        VerdictStatus::Valid,
        VerdictStatus::Invalid,
        VerdictStatus::Unsigned,
        VerdictStatus::NoSecret,
        VerdictStatus::Stale,
        VerdictStatus::Malformed,
    ];

    /// The serde name, as stored in the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            VerdictStatus::Valid => "valid",
            VerdictStatus::Invalid => "invalid",
            VerdictStatus::Unsigned => "unsigned",
            VerdictStatus::NoSecret => "no_secret",
            VerdictStatus::Stale => "stale",
            VerdictStatus::Malformed => "malformed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        VerdictStatus::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Why an invalid signature is invalid, when one variant of the request or
/// configuration explains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Diagnosis {
    pub code: DiagnosisCode,
    /// For a support engineer; never holds a secret value.
    pub message: String,
    /// Label of the secret the variant matched with.
    pub secret: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosisCode {
    /// The received body ends with a line feed the signer did not sign.
    BodyTrailingNewline,
    /// The signer signed the body plus a trailing line feed.
    BodyMissingTrailingNewline,
    /// Received CRLF line endings; LF was signed.
    BodyCrlf,
    /// Received LF line endings; CRLF was signed.
    BodyLf,
    /// The signature matches the JSON body written compact.
    BodyReserializedCompact,
    /// The signature matches the JSON body pretty-printed (2 spaces).
    BodyReserializedPretty,
    /// The secret must be decoded another way.
    SecretDecoding,
    /// Hex vs base64/base64url.
    OutputEncoding,
    /// The signature lacks the expected prefix but otherwise matches.
    PrefixMissing,
    /// Matches a secret configured elsewhere.
    OtherSecret,
    /// Verifies under another known scheme with a configured secret.
    OtherScheme,
    /// Matches with / without the URL's default port.
    UrlPort,
    /// Matches with http vs https.
    UrlScheme,
}

impl DiagnosisCode {
    /// The serde name.
    pub fn as_str(&self) -> &'static str {
        match self {
            DiagnosisCode::BodyTrailingNewline => "body_trailing_newline",
            DiagnosisCode::BodyMissingTrailingNewline => "body_missing_trailing_newline",
            DiagnosisCode::BodyCrlf => "body_crlf",
            DiagnosisCode::BodyLf => "body_lf",
            DiagnosisCode::BodyReserializedCompact => "body_reserialized_compact",
            DiagnosisCode::BodyReserializedPretty => "body_reserialized_pretty",
            DiagnosisCode::SecretDecoding => "secret_decoding",
            DiagnosisCode::OutputEncoding => "output_encoding",
            DiagnosisCode::PrefixMissing => "prefix_missing",
            DiagnosisCode::OtherSecret => "other_secret",
            DiagnosisCode::OtherScheme => "other_scheme",
            DiagnosisCode::UrlPort => "url_port",
            DiagnosisCode::UrlScheme => "url_scheme",
        }
    }
}

/// What [`sign`] signs. The method of templates with [`Part::Method`] is
/// `POST`: webhooks are posts, and this keeps the input as specified.
#[derive(Debug, Clone, Copy)]
pub struct SignInput<'a> {
    pub body: &'a [u8],
    pub url: &'a str,
    pub id: Option<&'a str>,
    pub timestamp: i64,
}

/// Why a request could not be signed. Names labels and encodings, never a
/// secret value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("the secret \"{label}\" is not {expected}")]
    SecretEncoding {
        label: String,
        expected: &'static str,
    },
    #[error("{scheme} signs a message id, and none was given")]
    MissingId { scheme: String },
    #[error(
        "the secret \"{label}\" cannot be sent in a header: it holds a line break or control character"
    )]
    NotAHeaderValue { label: String },
    #[error("the secret \"{label}\" is not user:password, as Basic auth needs")]
    NotUserPassword { label: String },
}

/// One construction that verified a known-genuine request.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Discovery {
    /// A named scheme when one matched, else [`Scheme::Hmac`].
    pub scheme: Scheme,
    /// e.g. `HMAC-SHA256 of the body, hex, in X-Signature with prefix "sha256="`.
    pub description: String,
}
