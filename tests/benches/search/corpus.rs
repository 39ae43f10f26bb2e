//! The corpus: a million events rendered from the providers' own samples,
//! with seeded ids, merchants, amounts, currencies, notes and verdicts.

use hooklens_core::providers::{
    self,
    samples::{self, SampleEvent, SampleValues},
};
use hooklens_core::signature::{Verdict, VerdictStatus};
use hooklens_core::store::{NewEvent, StoredHeader};
use serde_json::Value;

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

pub(crate) struct Generator {
    rng: Rng,
    endpoints: Vec<(String, i64)>,
    /// Recent events, some of which are delivered again.
    recent: Vec<NewEvent>,
}

impl Generator {
    pub(crate) fn new(seed: u64, endpoints: &[(String, i64)]) -> Generator {
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

    pub(crate) fn event(&mut self, at: i64) -> Result<NewEvent, String> {
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
