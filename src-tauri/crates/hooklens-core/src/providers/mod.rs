//! Providers: one file each, and the registry that lists them.
//!
//! Adding a provider: write `providers/<name>.rs` whose `provider()` returns
//! its `Provider` (copy the closest one: id, name, place in the lists,
//! extraction rules, scheme, detection rule, retry schedule, delivery rule,
//! sample catalogue), put its sample bodies in
//! `providers/samples/<id>/<event type>.json`, and register it below: `mod
//! <name>;` and one line in `PROVIDERS`, at the place detection should try
//! it. Nothing else names providers: presets, schedules and samples are all
//! read from that list.
//!
//! A provider is what the rest of Hooklens calls a preset: an endpoint is
//! bound to one, and requests on the default endpoint are matched against
//! each provider's detection rule to find theirs.

pub mod delivery;
mod detect;
mod extract;
pub mod samples;
pub mod schedules;
#[cfg(test)]
mod tests;

use std::sync::LazyLock;

use crate::signature::Scheme;
use crate::wire::StoredHeader;

use delivery::DeliveryRule;
pub use detect::{Rule, detect};
pub use extract::{Extracted, ExtractionRules, MAX_VALUE_CHARS, Source, extract};
use samples::Catalogue;
use schedules::Schedule;

/// Stable preset ids, as stored in the database and accepted by the CLI.
pub mod ids {
    pub const KUSTOM: &str = "kustom";
    pub const KUSTOM_IPP: &str = "kustom-ipp";
    pub const CHECKOUT: &str = "checkout";
    pub const USAEPAY: &str = "usaepay";
    pub const KULMIPAY: &str = "kulmipay";
    pub const STRIPE: &str = "stripe";
    pub const GITHUB: &str = "github";
    pub const SHOPIFY: &str = "shopify";
    pub const SLACK: &str = "slack";
    pub const STANDARD_WEBHOOKS: &str = "standard-webhooks";
    pub const GENERIC: &str = "generic";
}

/// Everything Hooklens knows about one provider, as its file states it.
#[derive(Debug)]
pub struct Provider {
    /// Stable id used in the database and the CLI (see [`ids`]).
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Its place in the lists users see (the endpoint editor, `hooklens-cli
    /// presets`, schedules, samples), which is not the order detection
    /// tries providers in. Unique; `generic` has the highest.
    pub(crate) listed: u8,
    pub rules: ExtractionRules,
    /// How the provider signs its requests; None when it does not.
    pub scheme: Option<Scheme>,
    /// The provider does not publish its signing construction and `scheme`
    /// is an educated guess. Every verdict under it says so, and the user can
    /// change any part of it or discover the real one from a request.
    pub assumed: bool,
    /// What marks a request on the default endpoint as this provider's.
    pub(crate) detect: Rule,
    /// How it retries a delivery the handler did not acknowledge; None when
    /// it does not retry on its own (or documents nothing about it).
    pub(crate) schedule: Option<Schedule>,
    /// What the provider counts as delivered, and how long it waits for the
    /// answer (see [`delivery`]).
    pub delivery: DeliveryRule,
    /// How the delivery rule's sentences name the provider, where its display
    /// name does not fit in one ("the checkout provider").
    pub(crate) called: Option<&'static str>,
    pub(crate) samples: Catalogue,
}

/// The name the rest of Hooklens uses: an endpoint's preset is a provider.
pub type Preset = Provider;

mod checkout;
mod generic;
mod github;
mod kulmipay;
mod kustom;
mod kustom_ipp;
mod shopify;
mod slack;
mod standard_webhooks;
mod stripe;
mod usaepay;

/// Every provider, in the order detection tries them on a request that
/// reached the default endpoint: the first whose rule matches is the sender.
/// The lists users see follow `Provider::listed` instead. (A provider module
/// missing here is dead code, which the build refuses.)
const PROVIDERS: &[fn() -> Provider] = &[
    // A header that only this provider sends names it, whatever the body
    // looks like.
    stripe::provider,
    github::provider,
    shopify::provider,
    slack::provider,
    // Its X-Challenge header, else its documented topic flags: a topic from
    // that closed list is more telling than the body shapes below.
    kulmipay::provider,
    // The documented envelope: a string event_type beside an event_body.
    usaepay::provider,
    // In-Person Payments events carry Kustom's kevt_ ids too; their ipp. type
    // is what tells them apart, so they are tried first.
    kustom_ipp::provider,
    kustom::provider,
    // Standard Webhooks headers with a checkoutId in the body: before any
    // other Standard Webhooks sender.
    checkout::provider,
    // Standard Webhooks / Svix headers whose body told nothing more.
    standard_webhooks::provider,
    // Matches nothing; what a request no rule matched is read with. Last.
    generic::provider,
];

/// The providers, built once.
struct Registry {
    /// In the order users see them.
    listed: Vec<Provider>,
    /// Indexes into `listed`, in the order of [`PROVIDERS`].
    detection: Vec<usize>,
    /// The index of the last entry of [`PROVIDERS`], which matches nothing:
    /// what a request no rule matched is read with.
    fallback: usize,
}

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
    let mut built: Vec<(usize, Provider)> = PROVIDERS
        .iter()
        .map(|provider| provider())
        .enumerate()
        .collect();
    built.sort_by_key(|(_, p)| p.listed);
    let mut detection: Vec<usize> = (0..built.len()).collect();
    detection.sort_by_key(|&at| built[at].0);
    Registry {
        fallback: detection.last().copied().unwrap_or_default(),
        listed: built.into_iter().map(|(_, p)| p).collect(),
        detection,
    }
});

/// The providers in the order detection tries them.
fn in_detection_order() -> impl Iterator<Item = &'static Provider> {
    let registry = &*REGISTRY;
    registry.detection.iter().map(|&at| &registry.listed[at])
}

/// All presets, in display order: the payment providers Hooklens was
/// specified for, then the common public schemes, then `generic`.
pub fn presets() -> &'static [Preset] {
    &REGISTRY.listed
}

/// The preset with this id, compared case-insensitively.
pub fn preset(id: &str) -> Option<&'static Preset> {
    presets().iter().find(|p| p.id.eq_ignore_ascii_case(id))
}

/// The best-effort preset used when detection finds nothing.
pub fn generic() -> &'static Preset {
    &REGISTRY.listed[REGISTRY.fallback]
}

/// Detects the provider of a request on the default endpoint and extracts its
/// values with that preset's rules, or [`generic`]'s when nothing matches,
/// parsing the body at most once for both steps.
pub fn detect_and_extract(headers: &[StoredHeader], body: &[u8]) -> (&'static Preset, Extracted) {
    let body = extract::Body::new(body);
    let preset = detect::detect_in(headers, &body).unwrap_or_else(generic);
    (preset, extract::extract_from(&preset.rules, headers, &body))
}

/// The scheme that applies, and whether its construction is assumed: the
/// endpoint's own choice, else its (or the detected) provider's, else what
/// the request's headers suggest.
pub fn scheme_for(
    endpoint: Option<&crate::model::Endpoint>,
    provider: Option<&str>,
    headers: &[StoredHeader],
) -> Option<(Scheme, bool)> {
    if let Some(scheme) = endpoint.and_then(|e| e.scheme.clone()) {
        return Some((scheme, false));
    }
    if let Some(preset) = provider.and_then(preset)
        && let Some(scheme) = &preset.scheme
    {
        return Some((scheme.clone(), preset.assumed));
    }
    crate::signature::detect_scheme(headers).map(|scheme| (scheme, false))
}
