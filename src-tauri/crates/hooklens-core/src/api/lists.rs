//! The lists the UI offers, made from the provider registry: presets in
//! the endpoint editor, retry schedules in the resend editor, sample events
//! in the test-event dialog.

use std::time::Duration;

use crate::model::{PresetInfo, SampleInfo, ScheduleInfo};
use crate::providers::{self, samples, schedules};

/// The presets as the endpoint editor lists them.
pub fn presets() -> Vec<PresetInfo> {
    providers::presets()
        .iter()
        .map(|p| PresetInfo {
            id: p.id.to_owned(),
            name: p.name.to_owned(),
            scheme: p.scheme.clone(),
            assumed: p.assumed,
            delivery: p.delivery_info(),
        })
        .collect()
}

/// Every preset's retry schedule, as the resend editor offers them.
pub fn schedules() -> Vec<ScheduleInfo> {
    providers::presets()
        .iter()
        .filter_map(|p| {
            schedules::retry_schedule(p.id).map(|s| ScheduleInfo {
                preset: p.id.to_owned(),
                name: p.name.to_owned(),
                waits_s: s.waits.iter().map(Duration::as_secs_f64).collect(),
                assumed: s.assumed,
                source: s.source.to_owned(),
            })
        })
        .collect()
}

/// Every preset's sample event types, as the test-event dialog lists them.
pub fn samples() -> Vec<SampleInfo> {
    providers::presets()
        .iter()
        .flat_map(|p| {
            samples::sample_types(p.id)
                .unwrap_or(&[])
                .iter()
                .map(|t| SampleInfo {
                    preset: p.id.to_owned(),
                    event_type: t.event_type.to_owned(),
                    description: t.description.to_owned(),
                })
        })
        .collect()
}
