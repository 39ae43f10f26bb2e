//! `endpoints rules ENDPOINT list|add|remove|enable|disable|set|reset|test`:
//! an endpoint's response rules, headless, with JSON in and out (the shape
//! `list --json` prints is the one `set` reads).

use std::io::Write;
use std::path::Path;

use clap::{Args, Subcommand};
use hooklens_core::model::{AnswerRecord, Chance, ResponseRule, RuleAnswer, SequenceBy};
use hooklens_core::store::{EndpointSpec, Store};

use crate::command::{find_endpoint, parse_header};
use crate::error::CliError;
use crate::term;

pub const LONG_ABOUT: &str = "\
An endpoint's response rules, in order: the first enabled rule whose condition (the search
language: `type:refund.*`, `json.data.amount:12000`, `header.user-agent:curl`, `dup:yes`,
`status:invalid`) matches a stored request answers it; when none does, the endpoint's configured
response answers. A rule gives one answer, or several in turn (`--status 503,503,200`: the first
two arrivals of each provider event get 503, later ones 200), can take only a share of the
requests it matches (`--chance 20:42`: 20 %, seed 42, the same pattern again after `reset`), can
close the connection without answering (`--close`), and its body can be a template
(`{{ json.data.order_id }}`, `{{ header[\"webhook-id\"] }}`, `{{ event.type }}`). Each event
records which rule answered; `events rule:NAME` lists them.";

#[derive(Args)]
pub struct RulesArgs {
    /// The endpoint: name, path prefix or id
    endpoint: String,
    #[command(subcommand)]
    action: RulesAction,
}

#[derive(Subcommand)]
enum RulesAction {
    /// The rules in order
    List {
        /// As JSON, the shape `set` reads
        #[arg(long)]
        json: bool,
    },
    /// Add a rule (at the end, or at --position)
    Add(AddRule),
    /// Remove a rule by name
    Remove { name: String },
    /// Turn a rule on
    Enable { name: String },
    /// Turn a rule off; it stays in its place
    Disable { name: String },
    /// Replace every rule with the JSON array in FILE (`-`: stdin)
    Set {
        #[arg(value_name = "FILE|-")]
        file: String,
    },
    /// Start every sequence and chance of the endpoint over
    Reset,
    /// What the rules would answer a stored event, were it a first arrival now
    Test {
        /// The event's id
        event: i64,
        /// As JSON (the answer record, or null)
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct AddRule {
    /// Unique within the endpoint; `events rule:NAME` finds what it answered
    name: String,
    /// Condition in the search language; without it the rule takes every request
    #[arg(long, value_name = "QUERY", default_value = "")]
    when: String,
    /// Status, or statuses given in turn (503,503,200)
    #[arg(
        long,
        value_name = "STATUS[,STATUS…]",
        value_delimiter = ',',
        default_value = "200"
    )]
    status: Vec<u16>,
    /// Close the connection without answering instead
    #[arg(long, conflicts_with = "status")]
    close: bool,
    /// Answer header 'Name: value' (repeatable)
    #[arg(long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// Answer body; a template when it holds {{ or {%; @FILE reads a file
    #[arg(long, default_value = "")]
    body: String,
    /// Wait this long after storing, before answering or closing
    #[arg(long, value_name = "MS", default_value_t = 0)]
    delay_ms: u32,
    /// What counts arrivals for several statuses: each provider event's own, or every request
    #[arg(long, value_name = "event|arrival", default_value = "event", value_parser = parse_sequence)]
    by: SequenceBy,
    /// Take only this share of matching requests: PERCENT or PERCENT:SEED (a random seed
    /// otherwise, shown by `list`)
    #[arg(long, value_name = "PERCENT[:SEED]", value_parser = parse_chance)]
    chance: Option<Chance>,
    /// 1-based place in the list
    #[arg(long)]
    position: Option<usize>,
    /// Add it turned off
    #[arg(long)]
    disabled: bool,
}

fn parse_sequence(raw: &str) -> Result<SequenceBy, String> {
    match raw {
        "event" | "event-id" => Ok(SequenceBy::EventId),
        "arrival" => Ok(SequenceBy::Arrival),
        other => Err(format!("{other:?} is not event or arrival")),
    }
}

fn parse_chance(raw: &str) -> Result<Chance, String> {
    let (percent, seed) = match raw.split_once(':') {
        Some((p, s)) => (p, Some(s)),
        None => (raw, None),
    };
    let percent: u8 = percent
        .trim_end_matches('%')
        .parse()
        .ok()
        .filter(|p| (1..=100).contains(p))
        .ok_or_else(|| format!("{raw:?}: a chance is 1 to 100 percent"))?;
    let seed = match seed {
        Some(s) => s
            .parse()
            .map_err(|_| format!("{s:?} is not a seed (0 to 4294967295)"))?,
        None => random_seed(),
    };
    Ok(Chance { percent, seed })
}

fn random_seed() -> u32 {
    let mut bytes = [0u8; 4];
    // A clock-derived seed is as good when the OS has no randomness.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        return nanos;
    }
    u32::from_le_bytes(bytes)
}

pub fn run(args: RulesArgs, store: &Store) -> Result<u8, CliError> {
    let endpoints = store.endpoints();
    let endpoint = find_endpoint(&endpoints, &args.endpoint)?.clone();
    let mut out = std::io::stdout().lock();
    let mut spec = EndpointSpec::from(&endpoint);
    let named = |spec: &EndpointSpec, name: &str| {
        spec.rules
            .iter()
            .position(|r| r.name.eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                CliError::Usage(format!(
                    "endpoint {} has no rule {name:?}; see `endpoints rules {} list`",
                    term::line(&endpoint.path_prefix),
                    args.endpoint
                ))
            })
    };
    match args.action {
        RulesAction::List { json: true } => {
            // Written whole, so a closed pipe is an output error, not JSON's.
            writeln!(out, "{}", serde_json::to_string_pretty(&endpoint.rules)?)?;
            return Ok(0);
        }
        RulesAction::List { json: false } => {
            print_rules(&mut out, &endpoint.rules)?;
            return Ok(0);
        }
        RulesAction::Test { event, json } => {
            let reader = store.reader()?;
            let answer = hooklens_core::detail::preview_rules(&reader, event, &endpoint.rules)?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&answer)?)?;
            } else {
                print_preview(&mut out, answer.as_ref())?;
            }
            return Ok(0);
        }
        RulesAction::Reset => {
            store.reset_rule_counts(endpoint.id)?;
            writeln!(
                out,
                "the rules of {} count from zero again",
                term::line(&endpoint.path_prefix)
            )?;
            return Ok(0);
        }
        RulesAction::Add(add) => {
            let position = add.position;
            let rule = add.into_rule()?;
            let at = position
                .map(|p| p.saturating_sub(1).min(spec.rules.len()))
                .unwrap_or(spec.rules.len());
            spec.rules.insert(at, rule);
        }
        RulesAction::Remove { name } => {
            let at = named(&spec, &name)?;
            spec.rules.remove(at);
        }
        RulesAction::Enable { name } => {
            let at = named(&spec, &name)?;
            spec.rules[at].enabled = true;
        }
        RulesAction::Disable { name } => {
            let at = named(&spec, &name)?;
            spec.rules[at].enabled = false;
        }
        RulesAction::Set { file } => {
            let (name, text) = super::read_input(Path::new(&file))?;
            spec.rules = serde_json::from_str(&text).map_err(|e| {
                CliError::Usage(format!(
                    "{name}: not a JSON array of rules ({e}); `endpoints rules {} list --json` prints one",
                    args.endpoint
                ))
            })?;
        }
    }
    let saved = store.update_endpoint(endpoint.id, &spec)?;
    print_rules(&mut out, &saved.rules)?;
    Ok(0)
}

impl AddRule {
    fn into_rule(self) -> Result<ResponseRule, CliError> {
        let headers = self
            .headers
            .iter()
            .map(|h| parse_header(h))
            .collect::<Result<Vec<_>, _>>()?;
        let body = match self.body.strip_prefix('@') {
            Some(path) => super::read_input(Path::new(path))?.1,
            None => self.body,
        };
        let answer = |status: u16, close: bool| RuleAnswer {
            status,
            headers: headers.clone(),
            body: body.clone(),
            delay_ms: self.delay_ms,
            close,
        };
        let answers = if self.close {
            vec![answer(200, true)]
        } else {
            self.status.iter().map(|s| answer(*s, false)).collect()
        };
        Ok(ResponseRule {
            name: self.name,
            enabled: !self.disabled,
            condition: self.when,
            answers,
            sequence: self.by,
            chance: self.chance,
        })
    }
}

fn print_rules(out: &mut impl Write, rules: &[ResponseRule]) -> Result<(), CliError> {
    if rules.is_empty() {
        writeln!(
            out,
            "no rules: the configured response answers every request"
        )?;
        return Ok(());
    }
    for (i, r) in rules.iter().enumerate() {
        let answers: Vec<String> = r
            .answers
            .iter()
            .map(|a| {
                let mut s = if a.close {
                    "close".to_owned()
                } else {
                    a.status.to_string()
                };
                if a.delay_ms > 0 {
                    s.push_str(&format!(" after {} ms", a.delay_ms));
                }
                s
            })
            .collect();
        writeln!(
            out,
            "{:>3}. {}{}",
            i + 1,
            term::line(&r.name),
            if r.enabled { "" } else { " (off)" }
        )?;
        let when = if r.condition.trim().is_empty() {
            "every request"
        } else {
            r.condition.trim()
        };
        writeln!(out, "     when    {}", term::line(when))?;
        let by = match (r.answers.len(), r.sequence) {
            (1, _) => String::new(),
            (_, SequenceBy::EventId) => ", in turn per event id".to_owned(),
            (_, SequenceBy::Arrival) => ", in turn per request".to_owned(),
        };
        writeln!(out, "     answer  {}{by}", answers.join(", "))?;
        if let Some(c) = r.chance {
            writeln!(out, "     chance  {} % (seed {})", c.percent, c.seed)?;
        }
    }
    Ok(())
}

fn print_preview(out: &mut impl Write, answer: Option<&AnswerRecord>) -> Result<(), CliError> {
    let Some(a) = answer else {
        writeln!(
            out,
            "no rule takes it: the configured response would answer"
        )?;
        return Ok(());
    };
    let rule = a.rule.as_deref().unwrap_or("-");
    match a.status {
        Some(status) => writeln!(out, "rule {}: {status}", term::line(rule))?,
        None => writeln!(
            out,
            "rule {}: closes the connection without answering",
            term::line(rule)
        )?,
    }
    if !a.why.is_empty() {
        writeln!(out, "  {}", term::line(&a.why))?;
    }
    if a.delay_ms > 0 {
        writeln!(out, "  after {} ms", a.delay_ms)?;
    }
    for h in &a.headers {
        writeln!(out, "  {}: {}", term::line(&h.name), term::line(&h.value))?;
    }
    if let Some(err) = &a.template_error {
        writeln!(out, "  template error: {}", term::line(err))?;
    }
    if !a.body.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", term::escape(&a.body, term::Layout::Block))?;
    }
    Ok(())
}
