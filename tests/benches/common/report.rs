//! The table every benchmark ends with: each figure beside its floor,
//! measured in the same run, the ratio, the target and whether it is met.
//! Included by the benches with `#[path = "common/report.rs"] mod report;` (the
//! app's bench, in JavaScript, prints the same columns).
//!
//! Never fails the build: a target not met is a line that says so.

/// Whether a higher or a lower ratio is better.
#[derive(Clone, Copy, Debug, PartialEq)]
#[allow(dead_code)] // Each bench uses the directions its figures need.
pub enum Want {
    /// The figure divided by its floor must be at least the target
    /// (throughput: 0.85 means at least 85 % of the floor's).
    AtLeast(f64),
    /// The figure divided by its floor must be at most the target
    /// (time, memory: 1.5 means at most 1.5 times the floor's).
    AtMost(f64),
    /// An absolute bound on the figure itself, no ratio (p99 under 1 ms).
    Under(f64),
    /// An absolute lower bound on the figure itself (at least 20,000/s).
    Over(f64),
    /// Shown for context; no target.
    None,
}

pub struct Row {
    pub figure: String,
    pub value: f64,
    /// The floor's figure in the same unit, when it has one.
    pub floor: Option<f64>,
    pub unit: &'static str,
    pub want: Want,
}

#[derive(Default)]
pub struct Report {
    title: String,
    rows: Vec<Row>,
}

#[allow(dead_code)]
impl Report {
    pub fn new(title: &str) -> Report {
        Report {
            title: title.to_owned(),
            rows: Vec::new(),
        }
    }

    pub fn row(
        &mut self,
        figure: impl Into<String>,
        value: f64,
        floor: Option<f64>,
        unit: &'static str,
        want: Want,
    ) {
        self.rows.push(Row {
            figure: figure.into(),
            value,
            floor,
            unit,
            want,
        });
    }

    /// The table and a line naming the targets met and not met.
    pub fn print(&self) {
        println!();
        println!("{}: figures against their floors (same run)", self.title);
        println!(
            "  {:<54}{:>14}{:>14}{:>8}  {:<14}verdict",
            "figure", "value", "floor", "ratio", "target"
        );
        let (mut met, mut missed) = (Vec::new(), Vec::new());
        for row in &self.rows {
            let ratio = row
                .floor
                .filter(|f| *f > 0.0)
                .map(|floor| row.value / floor);
            let (target, ok) = match row.want {
                Want::AtLeast(t) => (format!("≥ {t:.2}×"), ratio.map(|r| r >= t)),
                Want::AtMost(t) => (format!("≤ {t:.2}×"), ratio.map(|r| r <= t)),
                Want::Under(t) => (format!("< {}", amount(t, row.unit)), Some(row.value < t)),
                Want::Over(t) => (format!("≥ {}", amount(t, row.unit)), Some(row.value >= t)),
                Want::None => (String::new(), None),
            };
            let verdict = match ok {
                Some(true) => {
                    met.push(row.figure.as_str());
                    "met"
                }
                Some(false) => {
                    missed.push(row.figure.as_str());
                    "NOT met"
                }
                None => "",
            };
            println!(
                "  {:<54}{:>14}{:>14}{:>8}  {:<14}{}",
                row.figure,
                amount(row.value, row.unit),
                row.floor.map(|f| amount(f, row.unit)).unwrap_or_default(),
                ratio.map(|r| format!("{r:.2}×")).unwrap_or_default(),
                target,
                verdict
            );
        }
        let total = met.len() + missed.len();
        if missed.is_empty() {
            println!("  targets met: {} of {total}", met.len());
        } else {
            println!(
                "  targets met: {} of {total}; not met: {}",
                met.len(),
                missed.join("; ")
            );
        }
    }
}

/// A figure with its unit, rounded as a person reads it.
fn amount(value: f64, unit: &str) -> String {
    match unit {
        "/s" => format!("{}/s", thousands(value.round() as u64)),
        "ms" if value < 10.0 => format!("{value:.2} ms"),
        "ms" => format!("{value:.0} ms"),
        "µs" => format!("{value:.1} µs"),
        "MB" => format!("{value:.1} MB"),
        _ => format!("{value:.2} {unit}"),
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: impl ToString) -> String {
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
