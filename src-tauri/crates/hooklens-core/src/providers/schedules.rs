//! How providers retry a delivery the handler did not acknowledge: the waits
//! between attempts, for replaying a provider's behaviour with time
//! compressed. Each provider's file names its [`Schedule`]; the shapes
//! several providers share are here.

use std::time::Duration;

/// A provider's retry schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule {
    /// The wait before each retry, after the previous attempt failed; the
    /// first attempt is immediate, so there are `waits.len() + 1` attempts.
    pub waits: Vec<Duration>,
    /// The provider documents the behaviour but not the exact waits; these
    /// are an educated guess.
    pub assumed: bool,
    /// Where the schedule comes from, in one line.
    pub source: &'static str,
}

/// A retry schedule as a provider's file states it.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    pub(crate) waits: fn() -> Vec<Duration>,
    pub(crate) assumed: bool,
    pub(crate) source: &'static str,
}

impl RetrySchedule {
    pub fn attempts(&self) -> u32 {
        u32::try_from(self.waits.len() + 1).unwrap_or(u32::MAX)
    }
}

const MIN: u64 = 60;
const HOUR: u64 = 60 * MIN;

/// Svix's schedule, as the checkout provider documents it: immediately, then
/// 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h.
pub(super) fn svix() -> Vec<Duration> {
    [
        5,
        5 * MIN,
        30 * MIN,
        2 * HOUR,
        5 * HOUR,
        10 * HOUR,
        10 * HOUR,
    ]
    .into_iter()
    .map(Duration::from_secs)
    .collect()
}

/// "Exponential backoff for up to 3 days": one minute, doubling, each wait
/// capped at 12 hours, for as long as the total stays within 3 days.
pub(super) fn exponential_three_days() -> Vec<Duration> {
    let mut waits = Vec::new();
    let mut wait = MIN;
    let mut total = 0;
    while total + wait <= 72 * HOUR {
        waits.push(Duration::from_secs(wait));
        total += wait;
        wait = (wait * 2).min(12 * HOUR);
    }
    waits
}

/// The retry schedule of preset `preset_id` (case-insensitive); None for
/// providers that do not retry on their own (or document nothing about it).
pub fn retry_schedule(preset_id: &str) -> Option<RetrySchedule> {
    let schedule = super::preset(preset_id)?.schedule?;
    Some(RetrySchedule {
        waits: (schedule.waits)(),
        assumed: schedule.assumed,
        source: schedule.source,
    })
}

/// Presets with a schedule, for help texts and error messages.
pub fn presets_with_schedules() -> Vec<&'static str> {
    super::presets()
        .iter()
        .map(|p| p.id)
        .filter(|id| retry_schedule(id).is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checkout_schedule_is_the_documented_one() {
        let s = retry_schedule("checkout").unwrap();
        let secs: Vec<u64> = s.waits.iter().map(Duration::as_secs).collect();
        assert_eq!(secs, [5, 300, 1800, 7200, 18000, 36000, 36000]);
        assert_eq!(s.attempts(), 8);
        assert!(!s.assumed);
    }

    #[test]
    fn kustom_backs_off_exponentially_within_three_days() {
        let s = retry_schedule("Kustom").unwrap();
        assert!(s.assumed);
        let total: u64 = s.waits.iter().map(Duration::as_secs).sum();
        assert!(total <= 72 * HOUR && total > 60 * HOUR, "{total}");
        assert_eq!(s.waits[0].as_secs(), 60);
        assert_eq!(s.waits[1].as_secs(), 120);
        assert!(s.waits.windows(2).all(|w| w[1] >= w[0]));
        assert!(s.waits.iter().all(|w| w.as_secs() <= 12 * HOUR));
    }

    #[test]
    fn providers_that_do_not_retry_have_no_schedule() {
        assert!(retry_schedule("kulmipay").is_none());
        assert!(retry_schedule("github").is_none());
        assert!(retry_schedule("nope").is_none());
        assert!(presets_with_schedules().contains(&"checkout"));
    }
}
