//! The list of every transport type and constant the
//! UI is given, written to `ui/src/ipc/bindings.gen.ts`. It names types of
//! every layer, so it lives above them all.

use ts_rs::TS;

use crate::model::*;
use crate::signature::Scheme;

/// The contents of `ui/src/ipc/bindings.gen.ts`.
pub fn typescript_bindings() -> String {
    let cfg = ts_rs::Config::default();
    let decls = [
        AppInfo::decl(&cfg),
        ListenerState::decl(&cfg),
        ListenerStatus::decl(&cfg),
        ListenerStats::decl(&cfg),
        EventSummary::decl(&cfg),
        HeaderPair::decl(&cfg),
        ConfiguredResponse::decl(&cfg),
        Endpoint::decl(&cfg),
        SecretInfo::decl(&cfg),
        crate::signature::Scheme::decl(&cfg),
        crate::signature::HmacSpec::decl(&cfg),
        crate::signature::Algorithm::decl(&cfg),
        crate::signature::Part::decl(&cfg),
        crate::signature::Encoding::decl(&cfg),
        crate::signature::SecretEncoding::decl(&cfg),
        crate::signature::Verdict::decl(&cfg),
        crate::signature::VerdictStatus::decl(&cfg),
        crate::signature::Diagnosis::decl(&cfg),
        crate::signature::DiagnosisCode::decl(&cfg),
        crate::signature::Discovery::decl(&cfg),
        EndpointCount::decl(&cfg),
        EventPage::decl(&cfg),
        EventBatch::decl(&cfg),
        EventView::decl(&cfg),
        ImportSource::decl(&cfg),
        TunnelArrival::decl(&cfg),
        crate::import::ImportProgress::decl(&cfg),
        crate::import::ImportOutcome::decl(&cfg),
        crate::formats::Format::decl(&cfg),
        HeaderView::decl(&cfg),
        MatchCount::decl(&cfg),
        QueryField::decl(&cfg),
        PresetInfo::decl(&cfg),
        DeliverySuccess::decl(&cfg),
        DeliveryRuleInfo::decl(&cfg),
        EndpointSpec::decl(&cfg),
        ReverifyProgress::decl(&cfg),
        ReverifyOutcome::decl(&cfg),
        ForwardTarget::decl(&cfg),
        ConditionProblem::decl(&cfg),
        ForwardMode::decl(&cfg),
        ResponseRule::decl(&cfg),
        RuleAnswer::decl(&cfg),
        SequenceBy::decl(&cfg),
        Chance::decl(&cfg),
        AnswerRecord::decl(&cfg),
        SignMode::decl(&cfg),
        Signing::decl(&cfg),
        Pattern::decl(&cfg),
        ResendSpec::decl(&cfg),
        SigningInfo::decl(&cfg),
        DeliveryErrorKind::decl(&cfg),
        DeliveryError::decl(&cfg),
        DeliveryResponse::decl(&cfg),
        DeliveryKind::decl(&cfg),
        Delivery::decl(&cfg),
        DeliveryRun::decl(&cfg),
        SendProgress::decl(&cfg),
        SampleInfo::decl(&cfg),
        ScheduleInfo::decl(&cfg),
        TestEventSpec::decl(&cfg),
        crate::export::ExportFormat::decl(&cfg),
        crate::export::ExportSpec::decl(&cfg),
        crate::export::Redaction::decl(&cfg),
        crate::export::PatternKind::decl(&cfg),
        crate::export::RedactedPart::decl(&cfg),
        crate::export::RedactionRule::decl(&cfg),
        crate::export::RedactionItem::decl(&cfg),
        crate::export::RedactionPreview::decl(&cfg),
        crate::export::ExportProgress::decl(&cfg),
        crate::export::ExportOutcome::decl(&cfg),
        TunnelSpec::decl(&cfg),
        SshService::decl(&cfg),
        CloudflaredMode::decl(&cfg),
        NgrokAuth::decl(&cfg),
        SavedTunnel::decl(&cfg),
        TunnelState::decl(&cfg),
        TunnelStatus::decl(&cfg),
        ErrorKind::decl(&cfg),
        ErrorPayload::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust transport types in hooklens-core/src/model/ (listed in api/bindings.rs) by\n\
         // `cargo test -p hooklens-core bindings`. Do not edit by hand.\n",
    );
    for decl in decls {
        out.push('\n');
        out.push_str("export ");
        out.push_str(&decl);
        out.push('\n');
    }
    // The editor starts a scheme from the core's defaults; generated here so
    // the two cannot drift apart.
    let defaults: Vec<Scheme> = Scheme::IDS
        .iter()
        .filter_map(|id| Scheme::by_id(id))
        .collect();
    let json = serde_json::to_string_pretty(&defaults).unwrap_or_else(|_| "[]".to_owned());
    out.push_str(&format!(
        "\n/** Every scheme kind with its default configuration, in the core's order (`Scheme::IDS`). */\n\
         export const SCHEME_DEFAULTS: readonly Scheme[] = {json};\n\n\
         /** How far a signed timestamp may be from the arrival time by default. */\n\
         export const DEFAULT_TOLERANCE_S = {};\n",
        crate::signature::DEFAULT_TOLERANCE_S
    ));
    // Written by hand rather than through serde_json, whose maps here sort
    // their keys: the names keep the core's order.
    let names: Vec<String> = Scheme::KINDS
        .iter()
        .map(|(id, name)| format!("  {}: {}", json_string(id), json_string(name)))
        .collect();
    out.push_str(&format!(
        "\n/** The name of each scheme kind as the UI shows it. */\n\
         export const SCHEME_NAMES: Readonly<Record<string, string>> = {{\n{}\n}};\n",
        names.join(",\n")
    ));
    let formats: Vec<String> = crate::formats::Format::ALL
        .iter()
        .map(|f| format!("  {}: {}", json_string(f.as_str()), json_string(f.name())))
        .collect();
    out.push_str(&format!(
        "\n/** The name of each import format as the UI shows it. */\n\
         export const IMPORT_FORMAT_NAMES: Readonly<Record<string, string>> = {{\n{}\n}};\n",
        formats.join(",\n")
    ));
    let transport = serde_json::to_string(&crate::resend::client::TRANSPORT_HEADERS)
        .unwrap_or_else(|_| "[]".to_owned());
    out.push_str(&format!(
        "\n/** Headers the HTTP client sets from the URL and body; typed values are not sent. */\n\
         export const TRANSPORT_HEADERS: readonly string[] = {transport};\n\n\
         /** The most copies one duplicate delivery sends. */\n\
         export const MAX_TIMES = {};\n\n\
         /** The speed factors a compressed retry schedule accepts. */\n\
         export const MIN_SPEED = {};\n\
         export const MAX_SPEED = {};\n\n\
         /** The most forward targets one endpoint can have. */\n\
         export const MAX_FORWARD_TARGETS = {};\n",
        crate::resend::MAX_TIMES,
        crate::resend::MIN_SPEED,
        crate::resend::MAX_SPEED,
        MAX_FORWARD_TARGETS,
    ));
    out
}

/// `text` as a JSON (and TypeScript) string literal.
fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Writes the bindings; `make test` then fails if the committed file differs.
    #[test]
    fn bindings_are_current() {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../ui/src/ipc/bindings.gen.ts");
        let fresh = typescript_bindings();
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != fresh {
            std::fs::write(&path, &fresh).expect("write ui/src/ipc/bindings.gen.ts");
        }
        assert!(fresh.contains("export type EventSummary = {"));
        assert!(fresh.contains("receivedAtMs: number"));
    }
}
