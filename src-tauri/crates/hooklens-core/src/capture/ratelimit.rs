//! The tunnel's per-source rate limit: a token bucket per source, in a
//! table of bounded size. A public URL can be found and hammered; the limit
//! makes one source's flood cost it 429s instead of filling the disk.
//!
//! The table holds at most `capacity` sources; a new one beyond that
//! pushes out the source seen least recently (its bucket starts full if it
//! comes back). So a flood of made-up sources cannot grow memory, only
//! forget old buckets, and a source is only made up where a sender can pick
//! the key: see [`super::client`] for which addresses key the table.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// The most sources a tunnel ingress keeps a bucket for, by default.
pub const DEFAULT_MAX_SOURCES: usize = 10_000;

/// Whose bucket a request takes its token from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The original client, as the tunnel vouches for it.
    Client(IpAddr),
    /// The connection's peer: the tunnel process, for tunnels whose client
    /// addresses are only claims.
    Peer(IpAddr),
}

/// The limit: `per_minute` requests a minute on average, at most `burst`
/// at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub per_minute: u64,
    pub burst: u64,
}

impl Rate {
    fn per_second(self) -> f64 {
        self.per_minute.max(1) as f64 / 60.0
    }

    fn burst(self) -> f64 {
        self.burst.max(1) as f64
    }
}

/// What the limit says about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Over the limit: a token is back after this many seconds (at least 1).
    Limit {
        retry_after_s: u64,
    },
}

struct Bucket {
    tokens: f64,
    refilled_at: Instant,
    /// Its key in `Table::recency`.
    seen: u64,
}

struct Table {
    buckets: HashMap<Source, Bucket>,
    /// Sources by when they were last seen, oldest first.
    recency: BTreeMap<u64, Source>,
    next_seen: u64,
}

pub struct RateLimiter {
    capacity: usize,
    table: Mutex<Table>,
}

impl RateLimiter {
    pub fn new(capacity: usize) -> RateLimiter {
        RateLimiter {
            capacity: capacity.max(1),
            table: Mutex::new(Table {
                buckets: HashMap::new(),
                recency: BTreeMap::new(),
                next_seen: 0,
            }),
        }
    }

    /// Takes a token from `source`'s bucket at `now`, or says when there
    /// will be one. O(log n) in the sources tracked.
    pub fn check(&self, source: Source, rate: Rate, now: Instant) -> Decision {
        let mut guard = self.table.lock().unwrap_or_else(|e| e.into_inner());
        let table = &mut *guard;
        let seen = table.next_seen;
        table.next_seen += 1;
        let per_second = rate.per_second();
        let burst = rate.burst();
        let bucket = match table.buckets.get_mut(&source) {
            Some(bucket) => {
                table.recency.remove(&bucket.seen);
                let elapsed = now.saturating_duration_since(bucket.refilled_at);
                // A lowered burst applies at once.
                bucket.tokens = (bucket.tokens + elapsed.as_secs_f64() * per_second).min(burst);
                bucket.refilled_at = now;
                bucket.seen = seen;
                bucket
            }
            None => {
                while table.buckets.len() >= self.capacity {
                    let Some((_, oldest)) = table.recency.pop_first() else {
                        break;
                    };
                    table.buckets.remove(&oldest);
                }
                table.buckets.entry(source).or_insert(Bucket {
                    tokens: burst,
                    refilled_at: now,
                    seen,
                })
            }
        };
        table.recency.insert(seen, source);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Decision::Allow
        } else {
            // Less a hair, so float error does not round 10 s up to 11.
            let wait_s = (1.0 - bucket.tokens) / per_second - 1e-6;
            Decision::Limit {
                retry_after_s: wait_s.ceil().max(1.0) as u64,
            }
        }
    }

    /// Sources with a bucket now (at most the capacity).
    pub fn tracked(&self) -> usize {
        self.table
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .buckets
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const RATE: Rate = Rate {
        per_minute: 60,
        burst: 3,
    };

    fn ip(n: u32) -> IpAddr {
        IpAddr::V4(std::net::Ipv4Addr::from(0xCB00_7100 + n))
    }

    #[test]
    fn a_burst_passes_then_the_rate_refills_it() {
        let limiter = RateLimiter::new(10);
        let t0 = Instant::now();
        let me = Source::Client(ip(7));
        for _ in 0..3 {
            assert_eq!(limiter.check(me, RATE, t0), Decision::Allow);
        }
        assert_eq!(
            limiter.check(me, RATE, t0),
            Decision::Limit { retry_after_s: 1 }
        );
        // Another source has its own bucket.
        assert_eq!(
            limiter.check(Source::Client(ip(8)), RATE, t0),
            Decision::Allow
        );
        // One a second comes back.
        let later = t0 + Duration::from_millis(1_000);
        assert_eq!(limiter.check(me, RATE, later), Decision::Allow);
        assert!(matches!(
            limiter.check(me, RATE, later),
            Decision::Limit { .. }
        ));
        // Never more than the burst, however long it waited.
        let much_later = t0 + Duration::from_secs(3_600);
        for _ in 0..3 {
            assert_eq!(limiter.check(me, RATE, much_later), Decision::Allow);
        }
        assert!(matches!(
            limiter.check(me, RATE, much_later),
            Decision::Limit { .. }
        ));
    }

    #[test]
    fn retry_after_says_when_a_token_is_back() {
        let limiter = RateLimiter::new(10);
        let slow = Rate {
            per_minute: 2,
            burst: 1,
        };
        let t0 = Instant::now();
        let me = Source::Peer(ip(1));
        assert_eq!(limiter.check(me, slow, t0), Decision::Allow);
        assert_eq!(
            limiter.check(me, slow, t0),
            Decision::Limit { retry_after_s: 30 }
        );
        assert_eq!(
            limiter.check(me, slow, t0 + Duration::from_secs(20)),
            Decision::Limit { retry_after_s: 10 }
        );
    }

    #[test]
    fn the_table_never_holds_more_than_its_capacity() {
        let limiter = RateLimiter::new(100);
        let t0 = Instant::now();
        for n in 0..10_000 {
            assert_eq!(
                limiter.check(Source::Client(ip(n)), RATE, t0),
                Decision::Allow
            );
            assert!(limiter.tracked() <= 100);
        }
        assert_eq!(limiter.tracked(), 100);
    }

    #[test]
    fn the_source_seen_least_recently_is_forgotten_first() {
        let limiter = RateLimiter::new(2);
        let t0 = Instant::now();
        let (a, b, c) = (
            Source::Client(ip(1)),
            Source::Client(ip(2)),
            Source::Client(ip(3)),
        );
        for _ in 0..3 {
            limiter.check(a, RATE, t0);
        }
        limiter.check(b, RATE, t0);
        // `a` is seen again (and limited): `b` is now the oldest.
        assert!(matches!(limiter.check(a, RATE, t0), Decision::Limit { .. }));
        limiter.check(c, RATE, t0);
        assert_eq!(limiter.tracked(), 2);
        // `a` kept its empty bucket; `b` was forgotten and starts full.
        assert!(matches!(limiter.check(a, RATE, t0), Decision::Limit { .. }));
        for _ in 0..3 {
            assert_eq!(limiter.check(b, RATE, t0), Decision::Allow);
        }
    }

    #[test]
    fn client_and_peer_keys_are_distinct() {
        let limiter = RateLimiter::new(10);
        let t0 = Instant::now();
        for _ in 0..3 {
            limiter.check(Source::Peer(ip(1)), RATE, t0);
        }
        assert_eq!(
            limiter.check(Source::Client(ip(1)), RATE, t0),
            Decision::Allow
        );
    }
}
