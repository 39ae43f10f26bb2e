//! Search at a million events: p50/p95 of the first page (50 rows) for
//! realistic queries, each run 30 times on the same store, in the core (no
//! IPC); then capped counts and the query box's field values.
//!
//! The store is built once through `Store::insert` (the real writer, text
//! index included) from the provider presets' own sample events
//! (`samples::render_sample`, seeded, with varied merchants, amounts,
//! currencies and notes) plus unrecognised senders, and kept under
//! `$CARGO_TARGET_DIR/../bench-data/` keyed by `DATA_VERSION`; later runs
//! reuse it (newer migrations apply on open). `HOOKLENS_BENCH_EVENTS` sets a
//! smaller size for a quick look.
//!
//! Prints figures; never asserts timing. Exits non-zero only when the setup
//! breaks.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use hooklens_core::model::{EndpointSpec, MatchCount};
use hooklens_core::providers::{
    self,
    samples::{self, SampleEvent, SampleValues},
};
use hooklens_core::query;
use hooklens_core::signature::{Verdict, VerdictStatus};
use hooklens_core::store::{Cursor, NewEvent, PageQuery, Reader, Store, StoredHeader};
use serde_json::Value;

/// Bump when the generated events change, so stale caches are not reused.
const DATA_VERSION: u32 = 3;
const EVENTS: usize = 1_000_000;
const RUNS: usize = 30;
const PAGE: u32 = 50;
const SMALL_CAP: u32 = 1_000;
const COUNT_CAP: u32 = 10_000;
/// The generated events span this long, ending when they were generated.
const SPAN_NS: i64 = 30 * 24 * 3_600 * 1_000_000_000;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("search bench: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let events = std::env::var("HOOKLENS_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(EVENTS);
    let dir = data_dir(events);
    let store = open_or_build(&dir, events)?;
    let reader = store.reader().map_err(|e| format!("reader: {e}"))?;
    let stored = reader.count().map_err(|e| e.to_string())?;
    // Relative times count back from the newest event, so a cached store
    // answers `after:1h` as it did when it was built.
    let newest = reader
        .page(1, None)
        .map_err(|e| e.to_string())?
        .events
        .first()
        .map_or(0, |e| e.received_at_ms);
    let now_ms = newest + 1;
    let sample = Sample::find(&reader)?;
    println!(
        "search at {} events ({}), first page of {PAGE}, {RUNS} runs each",
        thousands(stored as usize),
        dir.display()
    );
    println!(
        "  {:<58}{:>9}{:>9}{:>7}  plan",
        "query", "p50 ms", "p95 ms", "rows"
    );
    let queries = sample.queries();
    let mut counts = Vec::new();
    for text in &queries {
        let query = query::parse(text, now_ms).map_err(|e| format!("{text}: {e}"))?;
        let page = PageQuery {
            limit: PAGE,
            query: query.clone(),
            ..PageQuery::default()
        };
        let plan = reader.query_plan(&page).map_err(|e| e.to_string())?;
        let mut rows = 0;
        let times = measure(RUNS, || {
            // Parsing is part of what the window waits for.
            let query = query::parse(text, now_ms).map_err(|e| e.to_string())?;
            let page = PageQuery {
                query,
                ..page.clone()
            };
            rows = reader.query(&page).map_err(|e| e.to_string())?.len();
            Ok(())
        })?;
        println!(
            "  {:<58}{:>9.1}{:>9.1}{:>7}  {plan}",
            text,
            ms(percentile(&times, 50)),
            ms(percentile(&times, 95)),
            rows
        );
        counts.push((text.clone(), query));
    }

    // The next page of a common search, from the first page's last cursor.
    let deep =
        query::parse(&sample.common_text_and_filters(), now_ms).map_err(|e| e.to_string())?;
    let mut cursor: Option<Cursor> = None;
    let mut pages = 0;
    let times = measure(RUNS, || {
        let page = reader
            .query(&PageQuery {
                limit: PAGE,
                before: cursor,
                query: deep.clone(),
                ..PageQuery::default()
            })
            .map_err(|e| e.to_string())?;
        pages += 1;
        cursor = page
            .last()
            .map(|e| e.cursor.parse())
            .transpose()
            .map_err(|e| format!("{e}"))?;
        Ok(())
    })?;
    println!(
        "  {:<58}{:>9.1}{:>9.1}",
        format!("…its pages 1 to {pages}, each from the last cursor"),
        ms(percentile(&times, 50)),
        ms(percentile(&times, 95))
    );

    println!("count_matching, 5 runs each: p50 ms (max ms) count");
    println!(
        "  {:<58}{:>24}{:>24}",
        "query",
        format!("cap {SMALL_CAP}"),
        format!("cap {COUNT_CAP}")
    );
    for (text, query) in &counts {
        let mut line = format!("  {text:<58}");
        for cap in [SMALL_CAP, COUNT_CAP] {
            let mut found = MatchCount {
                count: 0,
                capped: false,
            };
            let times = measure(5, || {
                found = reader
                    .count_matching(query, None, cap)
                    .map_err(|e| e.to_string())?;
                Ok(())
            })?;
            line.push_str(&format!(
                "{:>24}",
                format!(
                    "{:.1} ({:.1}) {}{}",
                    ms(percentile(&times, 50)),
                    ms(percentile(&times, 100)),
                    found.count,
                    if found.capped { "+" } else { "" }
                )
            ));
        }
        println!("{line}");
    }

    let endpoints = store.endpoints();
    let mut values = 0;
    let times = measure(RUNS, || {
        let fields = reader.query_fields(&endpoints).map_err(|e| e.to_string())?;
        values = fields.iter().map(|f| f.values.len()).sum();
        Ok(())
    })?;
    println!(
        "query_fields: p50 {:.2} ms, p95 {:.2} ms ({values} values)",
        ms(percentile(&times, 50)),
        ms(percentile(&times, 95))
    );
    Ok(())
}

/// Values that exist in the store, so queries for them find something.
struct Sample {
    event_id: String,
    checkout_id: String,
    merchant: String,
}

impl Sample {
    fn find(reader: &Reader) -> Result<Sample, String> {
        let pick = |text: &str| -> Result<hooklens_core::model::EventSummary, String> {
            let query = query::parse(text, 0).map_err(|e| e.to_string())?;
            reader
                .query(&PageQuery {
                    limit: 1,
                    query,
                    ..PageQuery::default()
                })
                .map_err(|e| e.to_string())?
                .into_iter()
                .next()
                .ok_or_else(|| format!("no event for {text}: is the store complete?"))
        };
        let kustom = pick("provider:kustom dup:yes")?;
        let checkout = pick("provider:checkout type:payment.succeeded")?;
        let body = reader
            .body(checkout.id)
            .map_err(|e| e.to_string())?
            .unwrap_or_default();
        let json: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        Ok(Sample {
            event_id: kustom.provider_event_id.unwrap_or_default(),
            checkout_id: json["metadata"]["checkoutId"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            merchant: kustom.merchant_id.unwrap_or_default(),
        })
    }

    fn common_text_and_filters(&self) -> String {
        "refund provider:kustom status:valid".to_owned()
    }

    fn queries(&self) -> Vec<String> {
        [
            // Free text alone: common, 1 in 100, 1 in 5 000, a phrase, a prefix.
            "order",
            "narwhal",
            "zeppelin",
            "\"payment failed\"",
            "checko*",
            // Free text and two filters.
            &self.common_text_and_filters(),
            "\"not received\" type:dispute.created endpoint:Kustom",
            "main provider:github method:POST",
            "zeppelin status:valid provider:kustom",
            "narwhal provider:github -status:invalid",
            "\"card declined\" type:payment.failed after:1w",
            // Negation.
            "order -refunded -status:valid",
            "-type:order.created provider:kustom",
            // Filters alone.
            "type:order.created provider:kustom",
            "type:dispute.*",
            "status:invalid",
            "status:unverified endpoint:GitHub",
            &format!("merchant:{} order", self.merchant),
            &format!("id:{}", self.event_id),
            "dup:yes provider:checkout",
            "path:/github/* push",
            // Inside bodies and headers.
            &format!("json.metadata.checkoutId:{}", self.checkout_id),
            "json.data.currency:SEK provider:kustom",
            "header.x-github-event:push",
            "header.user-agent:kustom refund",
            // Recent.
            "after:1h",
            "order after:1h",
        ]
        .map(str::to_owned)
        .to_vec()
    }
}

fn measure(
    runs: usize,
    mut f: impl FnMut() -> Result<(), String>,
) -> Result<Vec<Duration>, String> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        f()?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times)
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    let i = (sorted.len() * p).div_ceil(100).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `$CARGO_TARGET_DIR/../bench-data/search-v<DATA_VERSION>-<events>`.
fn data_dir(events: usize) -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // cargo resolves a relative CARGO_TARGET_DIR against its working directory.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace.join("target"), |dir| workspace.join(dir));
    target
        .join("..")
        .join("bench-data")
        .join(format!("search-v{DATA_VERSION}-{events}"))
}

/// Marks a store whose generation finished.
const COMPLETE: &str = "complete";

fn open_or_build(dir: &Path, events: usize) -> Result<Store, String> {
    if dir.join(COMPLETE).exists() {
        let started = Instant::now();
        let store = Store::open(dir).map_err(|e| format!("open {}: {e}", dir.display()))?;
        println!(
            "reusing {} (opened and migrated in {:.1} s)",
            dir.display(),
            started.elapsed().as_secs_f64()
        );
        return Ok(store);
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("remove {}: {e}", dir.display()))?;
    }
    println!(
        "building {} events in {} (once; later runs reuse it)",
        thousands(events),
        dir.display()
    );
    let store = Store::open(dir).map_err(|e| format!("open {}: {e}", dir.display()))?;
    store
        .set_setting("max_events", &(events * 2).to_string())
        .map_err(|e| e.to_string())?;
    for (name, prefix, preset) in [
        ("Kustom", "/kustom", "kustom"),
        ("Kustom IPP", "/kustom-ipp", "kustom-ipp"),
        ("Checkout", "/checkout", "checkout"),
        ("GitHub", "/github", "github"),
        ("Stripe", "/stripe", "stripe"),
    ] {
        store
            .add_endpoint(&EndpointSpec {
                name: name.into(),
                path_prefix: prefix.into(),
                preset: Some(preset.into()),
                response: Default::default(),
                scheme: None,
                forward: None,
            })
            .map_err(|e| format!("endpoint {name}: {e}"))?;
    }
    let endpoints: Vec<(String, i64)> = store
        .endpoints()
        .iter()
        .map(|e| (e.path_prefix.clone(), e.id))
        .collect();
    let started = Instant::now();
    let end_ns = hooklens_core::store::now_ns();
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    const TASKS: usize = 32;
    runtime.block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|task| {
                let store = store.clone();
                let endpoints = endpoints.clone();
                tokio::spawn(async move {
                    let mut generator = Generator::new(task as u64, &endpoints);
                    for n in (task..events).step_by(TASKS) {
                        let at = end_ns - SPAN_NS + (n as i64) * (SPAN_NS / events as i64);
                        let event = generator.event(at)?;
                        store.insert(event).await.map_err(|e| e.to_string())?;
                        if task == 0 && n % 100_000 < TASKS {
                            println!(
                                "  {:>9} stored, {:.0} s",
                                thousands(n),
                                started.elapsed().as_secs_f64()
                            );
                        }
                    }
                    Ok::<(), String>(())
                })
            })
            .collect();
        for t in tasks {
            t.await.map_err(|e| e.to_string())??;
        }
        Ok::<(), String>(())
    })?;
    // Let the last text reach the full-text index before anything is timed.
    drop(store);
    std::thread::sleep(Duration::from_secs(1));
    let store = Store::open(dir).map_err(|e| format!("reopen: {e}"))?;
    std::fs::write(dir.join(COMPLETE), DATA_VERSION.to_string()).map_err(|e| e.to_string())?;
    println!("built in {:.0} s", started.elapsed().as_secs_f64());
    Ok(store)
}

/// A small deterministic PRNG (SplitMix64): the same store on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `p` percent.
    fn percent(&mut self, p: f64) -> bool {
        ((self.next() % 10_000) as f64) < p * 100.0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Zipf-like: low indexes far more often than high ones.
    fn skewed<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let r = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        let i = ((items.len() as f64).powf(r) - 1.0) as usize;
        &items[i.min(items.len() - 1)]
    }

    fn hex(&mut self, len: usize) -> String {
        let mut s = String::with_capacity(len);
        while s.len() < len {
            s.push_str(&format!("{:016x}", self.next()));
        }
        s.truncate(len);
        s
    }

    /// `weights`: (item, weight) pairs.
    fn weighted<'a, T>(&mut self, weights: &'a [(T, u32)]) -> &'a T {
        let total: u32 = weights.iter().map(|w| w.1).sum();
        let mut r = self.below(u64::from(total)) as u32;
        for (item, w) in weights {
            if r < *w {
                return item;
            }
            r -= w;
        }
        &weights[0].0
    }
}

/// Words for notes and descriptions, the first far more common than the last
/// (see `Generator::note` for the rare ones).
const WORDS: &[&str] = &[
    "the",
    "order",
    "customer",
    "payment",
    "item",
    "delivery",
    "store",
    "please",
    "thanks",
    "gift",
    "wrap",
    "express",
    "shipping",
    "address",
    "updated",
    "weekend",
    "card",
    "return",
    "size",
    "color",
    "blue",
    "red",
    "green",
    "large",
    "small",
    "medium",
    "coffee",
    "shoes",
    "jacket",
    "book",
    "lamp",
    "chair",
    "table",
    "phone",
    "cable",
    "charger",
    "bottle",
    "bag",
    "morning",
    "evening",
    "office",
    "home",
    "door",
    "code",
    "ring",
    "bell",
    "leave",
    "neighbour",
    "fragile",
    "glass",
    "urgent",
    "birthday",
    "present",
    "invoice",
    "company",
    "vat",
    "receipt",
    "discount",
    "voucher",
    "loyalty",
    "points",
    "member",
    "subscription",
    "monthly",
    "annual",
    "trial",
    "upgrade",
    "downgrade",
    "cancel",
    "pause",
    "resume",
    "bundle",
    "kit",
    "spare",
    "warranty",
    "repair",
    "replacement",
    "exchange",
    "refund",
    "partial",
    "complete",
    "pending",
    "north",
    "south",
    "east",
    "west",
    "harbour",
    "station",
    "airport",
    "hotel",
    "reception",
    "locker",
    "pickup",
    "drone",
    "bicycle",
    "courier",
    "tram",
    "ferry",
    "island",
    "mountain",
    "forest",
    "lake",
    "river",
    "valley",
    "castle",
    "museum",
    "gallery",
    "theatre",
    "opera",
    "violin",
    "cello",
    "trumpet",
    "accordion",
    "harp",
    "zither",
    "yodel",
    "quokka",
    "axolotl",
    "pangolin",
    "okapi",
];

const CURRENCIES: &[(&str, u32)] = &[
    ("EUR", 60),
    ("SEK", 15),
    ("NOK", 10),
    ("USD", 10),
    ("GBP", 5),
];

const VERDICTS: &[(Option<VerdictStatus>, u32)] = &[
    (Some(VerdictStatus::Valid), 7_500),
    (Some(VerdictStatus::Invalid), 500),
    (Some(VerdictStatus::Unsigned), 800),
    (Some(VerdictStatus::NoSecret), 600),
    (Some(VerdictStatus::Stale), 200),
    (Some(VerdictStatus::Malformed), 50),
    (None, 350),
];

#[derive(Clone, Copy)]
enum Kind {
    Kustom,
    KustomIpp,
    Checkout,
    GitHub,
    Stripe,
    Shopify,
    Slack,
    UsaEpay,
    Other,
}

const KINDS: &[(Kind, u32)] = &[
    (Kind::Kustom, 35),
    (Kind::KustomIpp, 5),
    (Kind::Checkout, 20),
    (Kind::GitHub, 12),
    (Kind::Stripe, 10),
    (Kind::Shopify, 6),
    (Kind::Slack, 3),
    (Kind::UsaEpay, 4),
    (Kind::Other, 5),
];

/// Each kind's preset and how often each of its sample types is sent.
fn sample_types(kind: Kind) -> (&'static str, &'static [(&'static str, u32)]) {
    match kind {
        Kind::Kustom => (
            "kustom",
            &[
                ("order.created", 30),
                ("capture.created", 25),
                ("refund.created", 8),
                ("dispute.created", 3),
                ("dispute.updated", 2),
            ],
        ),
        Kind::KustomIpp => (
            "kustom-ipp",
            &[
                ("ipp.session.created", 30),
                ("ipp.session.activated", 30),
                ("ipp.session.finalized", 25),
                ("ipp.payment.failed", 10),
                ("ipp.session.cancelled", 5),
            ],
        ),
        Kind::Checkout => (
            "checkout",
            &[
                ("payment.succeeded", 50),
                ("payment.pending", 20),
                ("payment.failed", 15),
                ("refund.succeeded", 10),
                ("refund.failed", 5),
            ],
        ),
        Kind::GitHub => (
            "github",
            &[
                ("push", 50),
                ("pull_request", 25),
                ("issues", 14),
                ("release", 10),
                ("ping", 1),
            ],
        ),
        Kind::Stripe => (
            "stripe",
            &[
                ("payment_intent.succeeded", 40),
                ("invoice.paid", 25),
                ("customer.subscription.created", 15),
                ("charge.refunded", 10),
                ("payment_intent.payment_failed", 5),
                ("checkout.session.completed", 5),
            ],
        ),
        Kind::Shopify => (
            "shopify",
            &[
                ("orders/create", 40),
                ("orders/paid", 30),
                ("products/update", 20),
                ("refunds/create", 9),
                ("app/uninstalled", 1),
            ],
        ),
        Kind::Slack => (
            "slack",
            &[
                ("message", 70),
                ("app_mention", 25),
                ("url_verification", 5),
            ],
        ),
        Kind::UsaEpay => (
            "usaepay",
            &[
                ("transaction.sale.success", 70),
                ("transaction.sale.failure", 15),
                ("transaction.refund.success", 15),
            ],
        ),
        Kind::Other => ("generic", &[]),
    }
}

struct Generator {
    rng: Rng,
    endpoints: Vec<(String, i64)>,
    /// Recent events, some of which are delivered again.
    recent: Vec<NewEvent>,
}

impl Generator {
    fn new(seed: u64, endpoints: &[(String, i64)]) -> Generator {
        Generator {
            rng: Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x00C0_FFEE),
            endpoints: endpoints.to_vec(),
            recent: Vec::new(),
        }
    }

    fn endpoint(&self, prefix: &str) -> i64 {
        self.endpoints
            .iter()
            .find(|(p, _)| p == prefix)
            .map_or(1, |(_, id)| *id)
    }

    /// About 3 events in 10 carry a note (Kustom captures and refunds, GitHub
    /// pushes, Slack messages, unrecognised senders), so a rare word is about
    /// 3.4 times likelier in a note than among all events: 1 event in 100
    /// has "narwhal", 1 in 5 000 "zeppelin".
    fn note(&mut self, words: usize) -> String {
        let mut note = Vec::with_capacity(words + 1);
        for _ in 0..words {
            note.push(*self.rng.skewed(WORDS));
        }
        if self.rng.percent(3.4) {
            note.push("narwhal");
        }
        if self.rng.percent(0.068) {
            note.push("zeppelin");
        }
        note.join(" ")
    }

    fn verdict(&mut self, scheme: &str) -> Option<Verdict> {
        let status = (*self.rng.weighted(VERDICTS))?;
        Some(Verdict {
            status,
            scheme: Some(scheme.into()),
            secret: (status == VerdictStatus::Valid).then(|| "primary".into()),
            age_s: None,
            diagnosis: None,
            reason: None,
            assumed: scheme == "standard-webhooks",
        })
    }

    fn event(&mut self, at: i64) -> Result<NewEvent, String> {
        // Concurrent senders: arrival and commit order differ a little.
        let at = at + self.rng.below(2_000_000_000) as i64 - 1_000_000_000;
        let remote = format!(
            "{}.{}.{}.{}:{}",
            10 + self.rng.below(200),
            self.rng.below(255),
            self.rng.below(255),
            self.rng.below(255),
            1024 + self.rng.below(60_000)
        );
        if !self.recent.is_empty() && self.rng.percent(5.0) {
            // A redelivery of an event this sender sent earlier.
            let i = self.rng.below(self.recent.len() as u64) as usize;
            let earlier = self.recent[i].clone();
            let scheme = earlier
                .verdict
                .as_ref()
                .and_then(|v| v.scheme.clone())
                .unwrap_or_default();
            return Ok(NewEvent {
                received_at_ns: at,
                remote_addr: Some(remote),
                verdict: self.verdict(&scheme),
                ..earlier
            });
        }
        let kind = *self.rng.weighted(KINDS);
        let mut e = match kind {
            Kind::Other => self.other(),
            _ => self.provider_event(kind, at)?,
        };
        e.received_at_ns = at;
        e.remote_addr = Some(remote);
        if e.provider_event_id.is_some() {
            if self.recent.len() >= 64 {
                let i = self.rng.below(64) as usize;
                self.recent.swap_remove(i);
            }
            self.recent.push(e.clone());
        }
        Ok(e)
    }

    /// One of the provider's own samples, with this corpus's merchants,
    /// amounts, currencies and notes in its placeholders, read back with the
    /// preset's rules as capture reads it.
    fn provider_event(&mut self, kind: Kind, at_ns: i64) -> Result<NewEvent, String> {
        let (provider, types) = sample_types(kind);
        let event_type = *self.rng.weighted(types);
        let values = self.values(provider);
        let sample = samples::render_sample(
            provider,
            event_type,
            &SampleValues {
                now_ms: at_ns / 1_000_000,
                seed: Some(self.rng.next()),
                values: &values,
            },
        )
        .map_err(|e| e.to_string())?;
        let mut headers: Vec<StoredHeader> = sample
            .headers
            .iter()
            .map(|(name, value)| StoredHeader::new(name, value.as_bytes()))
            .collect();
        let (path, endpoint) = self.route(provider);
        let scheme = self.transport_headers(provider, &sample, &mut headers);
        let preset = providers::preset(provider).ok_or_else(|| format!("no preset {provider}"))?;
        let found = providers::extract(&preset.rules, &headers, &sample.body);
        Ok(NewEvent {
            endpoint_id: Some(endpoint),
            method: "POST".into(),
            path,
            headers,
            body: sample.body,
            provider: Some(provider.into()),
            event_type: found.event_type,
            provider_event_id: found.event_id,
            merchant_id: found.merchant_id,
            refs: found.refs,
            verdict: self.verdict(scheme),
            ..NewEvent::default()
        })
    }

    /// What this corpus varies in each provider's samples.
    fn values(&mut self, provider: &str) -> Vec<(&'static str, Value)> {
        match provider {
            "kustom" | "kustom-ipp" => {
                let merchant = *self.rng.skewed(&(1000..1500).collect::<Vec<_>>());
                let words = 4 + self.rng.below(12) as usize;
                vec![
                    ("merchant_id", Value::from(format!("m_{merchant}"))),
                    ("amount", Value::from(100 + self.rng.below(100_000))),
                    ("currency", Value::from(*self.rng.weighted(CURRENCIES))),
                    ("description", Value::from(self.note(words))),
                ]
            }
            "checkout" => vec![
                ("amount", Value::from(100 + self.rng.below(50_000))),
                ("currency", Value::from(*self.rng.weighted(CURRENCIES))),
            ],
            "github" => {
                let words = 5 + self.rng.below(10) as usize;
                vec![("message", Value::from(self.note(words)))]
            }
            "slack" => vec![
                ("team_id", Value::from(format!("T{}", self.rng.below(20)))),
                ("text", Value::from(self.note(8))),
            ],
            "shopify" => vec![(
                "shop_domain",
                Value::from(format!("shop{}.myshopify.com", self.rng.below(80))),
            )],
            "usaepay" => vec![("merch_key", Value::from(self.rng.hex(15)))],
            _ => Vec::new(),
        }
    }

    /// The headers a delivery carries besides the provider's own: a request
    /// id, a user agent where the sample names none, and a signature (whose
    /// value does not matter here: the verdict is drawn); returns the scheme.
    fn transport_headers(
        &mut self,
        provider: &str,
        sample: &SampleEvent,
        headers: &mut Vec<StoredHeader>,
    ) -> &'static str {
        if !headers
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case("user-agent"))
        {
            let agent = match provider {
                "kustom" | "kustom-ipp" => "Kustom-Webhooks/2.1",
                "checkout" => "Svix-Webhooks/1.40",
                "shopify" => "Shopify-Captain-Hook",
                _ => "USAePay-Webhooks",
            };
            headers.push(StoredHeader::new("user-agent", agent.as_bytes()));
        }
        headers.push(StoredHeader::new(
            "x-request-id",
            self.rng.hex(32).as_bytes(),
        ));
        let id = sample.event_id.clone().unwrap_or_default();
        match provider {
            "kustom" | "kustom-ipp" | "checkout" => {
                headers.push(StoredHeader::new("webhook-id", id.as_bytes()));
                headers.push(StoredHeader::new(
                    "webhook-signature",
                    format!("v1,{}", self.rng.hex(44)).as_bytes(),
                ));
                "standard-webhooks"
            }
            "github" => {
                headers.push(StoredHeader::new(
                    "x-hub-signature-256",
                    format!("sha256={}", self.rng.hex(64)).as_bytes(),
                ));
                "github"
            }
            "stripe" => {
                headers.push(StoredHeader::new(
                    "stripe-signature",
                    format!("t=1790000000,v1={}", self.rng.hex(64)).as_bytes(),
                ));
                "stripe"
            }
            "shopify" => {
                headers.push(StoredHeader::new(
                    "x-shopify-hmac-sha256",
                    self.rng.hex(44).as_bytes(),
                ));
                "shopify"
            }
            "slack" => {
                headers.push(StoredHeader::new(
                    "x-slack-signature",
                    format!("v0={}", self.rng.hex(64)).as_bytes(),
                ));
                "slack"
            }
            _ => "combined",
        }
    }

    fn route(&self, provider: &str) -> (String, i64) {
        match provider {
            "kustom" => ("/kustom/events".into(), self.endpoint("/kustom")),
            "kustom-ipp" => ("/kustom-ipp/events".into(), self.endpoint("/kustom-ipp")),
            "checkout" => ("/checkout/webhooks".into(), self.endpoint("/checkout")),
            "github" => ("/github/hooks".into(), self.endpoint("/github")),
            "stripe" => ("/stripe/webhook".into(), self.endpoint("/stripe")),
            other => (format!("/hooks/{other}"), 1),
        }
    }

    /// Unrecognised senders: form posts, plain text, GET pings.
    fn other(&mut self) -> NewEvent {
        let (method, content_type, body) = match self.rng.below(4) {
            0 => (
                "POST",
                "application/x-www-form-urlencoded",
                format!("status=ok&note={}", self.note(3).replace(' ', "+")),
            ),
            1 => ("POST", "text/plain", self.note(12)),
            2 => ("GET", "text/plain", String::new()),
            _ => (
                "PUT",
                "application/json",
                format!(r#"{{"ping":"{}"}}"#, self.note(2)),
            ),
        };
        NewEvent {
            endpoint_id: Some(1),
            method: method.into(),
            path: format!(
                "/hooks/{}",
                self.rng.pick(&["ping", "test", "legacy", "cron"])
            ),
            headers: vec![
                StoredHeader::new("content-type", content_type.as_bytes()),
                StoredHeader::new("user-agent", b"curl/8.5.0"),
            ],
            body: body.into_bytes(),
            verdict: self.verdict("hmac"),
            ..NewEvent::default()
        }
    }
}
