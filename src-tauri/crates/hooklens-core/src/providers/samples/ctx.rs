//! What one sample is made with: its time, moved and written the way each
//! provider writes times, and its source of fresh ids.

use std::sync::atomic::{AtomicU64, Ordering};

use jiff::tz::{self, TimeZone};
use jiff::{SignedDuration, Timestamp, ToSpan};

use super::{Step, TimeFormat};

/// `ts` moved by `seconds`, held at the edge of jiff's range rather than
/// failing: a sample of an absurd time is still a sample.
fn add(ts: Timestamp, seconds: i64) -> Timestamp {
    ts.saturating_add(SignedDuration::from_secs(seconds))
        .unwrap_or(ts)
}

/// `ts` moved by whole calendar months in UTC, as billing periods are.
fn months_later(ts: Timestamp, months: i64) -> Timestamp {
    ts.to_zoned_datetime(TimeZone::UTC)
        .checked_add(months.months())
        .map_or(ts, |later| later.timestamp())
}

fn written(ts: Timestamp, format: TimeFormat) -> String {
    match format {
        TimeFormat::Utc(digits) => format!("{ts:.digits$}"),
        TimeFormat::Offset(hours) => format!("{:.0}", ts.display_with_offset(tz::offset(hours))),
        TimeFormat::UnixSeconds => ts.as_second().to_string(),
        // USAePay's; the docs do not say which zone, and UTC is the one a
        // handler can check against without guessing.
        TimeFormat::DateTime => ts.strftime("%Y-%m-%d %H:%M:%S").to_string(),
        TimeFormat::MonthYear => ts.strftime("%m%y").to_string(),
        TimeFormat::SecondsMicros => {
            format!("{}.{:06}", ts.as_second(), ts.subsec_microsecond())
        }
    }
}

/// What one sample is made with: its time and its source of fresh ids.
pub(super) struct Ctx {
    now: Timestamp,
    pub(super) rng: Rng,
}

impl Ctx {
    pub(super) fn new(now_ms: i64, seed: Option<u64>) -> Self {
        // Beyond jiff's years -9999..=9999 the time is held at the edge: the
        // caller passes a clock reading, and a sample must not fail over it.
        let now = Timestamp::from_millisecond(now_ms).unwrap_or(if now_ms < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        });
        let rng = match seed {
            Some(seed) => Rng::seeded(seed),
            None => Rng::new(now_ms),
        };
        Ctx { now, rng }
    }

    pub(super) fn time(&self, steps: &[Step], format: TimeFormat) -> String {
        let ts = steps.iter().fold(self.now, |ts, step| match *step {
            Step::Seconds(seconds) => add(ts, seconds),
            Step::Months(months) => months_later(ts, months),
        });
        written(ts, format)
    }
}

/// Random bytes from the operating system. Should that ever fail, a
/// splitmix64 stream seeded from the sample's time, the process id and a
/// per-process counter keeps ids distinct (not unpredictable, which a test
/// event does not need). A seeded one uses only the stream.
pub(super) struct Rng {
    fallback: u64,
    seeded: bool,
}

impl Rng {
    pub(super) fn new(now_ms: i64) -> Self {
        static MADE: AtomicU64 = AtomicU64::new(0);
        let count = MADE.fetch_add(1, Ordering::Relaxed);
        Rng {
            fallback: now_ms.cast_unsigned()
                ^ count.wrapping_mul(0x9E37_79B9_7F4A_7C15)
                ^ (u64::from(std::process::id()) << 40),
            seeded: false,
        }
    }

    pub(super) fn seeded(seed: u64) -> Self {
        Rng {
            fallback: seed,
            seeded: true,
        }
    }

    fn fill(&mut self, buf: &mut [u8]) {
        if self.seeded || getrandom::fill(buf).is_err() {
            self.fill_fallback(buf);
        }
    }

    pub(super) fn fill_fallback(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            self.fallback = self.fallback.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.fallback;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }

    /// `len` characters drawn uniformly from `alphabet` (ASCII, at most 256).
    pub(super) fn chars(&mut self, alphabet: &[u8], len: usize) -> String {
        // Bytes past the last whole multiple of the alphabet's size are
        // dropped, so no character is likelier than another.
        let limit = 256 - 256 % alphabet.len();
        let mut out = String::with_capacity(len);
        let mut buf = [0u8; 64];
        while out.len() < len {
            self.fill(&mut buf);
            for &byte in &buf {
                let byte = usize::from(byte);
                if byte < limit && out.len() < len {
                    out.push(char::from(alphabet[byte % alphabet.len()]));
                }
            }
        }
        out
    }

    /// `bytes` random bytes as lowercase hex.
    pub(super) fn hex(&mut self, bytes: usize) -> String {
        let mut buf = vec![0u8; bytes];
        self.fill(&mut buf);
        hex::encode(buf)
    }

    /// A random (version 4) UUID, lowercase.
    pub(super) fn uuid(&mut self) -> String {
        let mut b = [0u8; 16];
        self.fill(&mut b);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h = hex::encode(b);
        format!(
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..]
        )
    }

    /// A number in `range`; the modulo bias is far below anything a sample
    /// could show.
    pub(super) fn number(&mut self, range: std::ops::RangeInclusive<u64>) -> u64 {
        let (low, high) = range.into_inner();
        let mut b = [0u8; 8];
        self.fill(&mut b);
        match high.saturating_sub(low).checked_add(1) {
            Some(span) => low + u64::from_le_bytes(b) % span,
            None => u64::from_le_bytes(b),
        }
    }
}
