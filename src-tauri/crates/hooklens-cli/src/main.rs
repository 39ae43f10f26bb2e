//! `hooklens-cli`: the Hooklens core without a window, for scripts and servers.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use hooklens_core::api::{ConfiguredResponse, Endpoint, EventSummary, HeaderPair};
use hooklens_core::capture::Listener;
use hooklens_core::config::Config;
use hooklens_core::providers;
use hooklens_core::store::{
    DataDirLock, EndpointSpec, PageQuery, SETTING_KEYS, Store, StoreOptions,
};
use serde::Serialize;

#[derive(Parser)]
#[command(
    name = "hooklens-cli",
    version,
    about = "Capture, inspect and verify webhooks without the desktop app"
)]
struct Cli {
    /// Where events are stored [default: the app's data directory; env: HOOKLENS_DATA_DIR]
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the capture listener until interrupted
    Serve {
        /// Address to listen on, HOST:PORT or a port on loopback [default: 127.0.0.1:9494; env: HOOKLENS_LISTEN]
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
    },
    /// List stored events, newest first
    Events {
        /// One JSON object per line instead of a table
        #[arg(long)]
        json: bool,
        /// How many events to list
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Only events of this endpoint (name, path prefix or id)
        #[arg(long, value_name = "ENDPOINT")]
        endpoint: Option<String>,
        /// Only redeliveries: the 2nd, 3rd, … arrival of a provider event id
        #[arg(long)]
        dup: bool,
        /// Words that must all appear in the path, headers or body
        query: Vec<String>,
    },
    /// Print one event: what arrived, headers and body
    Show {
        id: i64,
        /// Write only the body, byte for byte as received
        #[arg(long)]
        raw: bool,
    },
    /// List, add, change or remove endpoints
    #[command(subcommand)]
    Endpoints(EndpointsCommand),
    /// The provider presets an endpoint can use
    Presets,
    /// Show or change a setting (body_limit, max_events, max_db_bytes, durability)
    Settings {
        key: Option<String>,
        value: Option<String>,
    },
    /// Pin an event so retention never removes it (--off to unpin)
    Pin {
        id: i64,
        #[arg(long)]
        off: bool,
    },
}

#[derive(Subcommand)]
enum EndpointsCommand {
    /// List endpoints (the default)
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add an endpoint
    Add {
        #[arg(long)]
        name: String,
        /// Path prefix, e.g. /kustom
        #[arg(long)]
        path: String,
        #[command(flatten)]
        options: EndpointOptions,
    },
    /// Change an endpoint (name, path prefix or id); unset options keep their value
    Edit {
        endpoint: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        path: Option<String>,
        #[command(flatten)]
        options: EndpointOptions,
    },
    /// Remove an endpoint; its events stay
    Remove { endpoint: String },
}

#[derive(Args)]
struct EndpointOptions {
    /// Provider preset (see `presets`); `detect` to recognise each request
    #[arg(long)]
    preset: Option<String>,
    /// Status the sender gets
    #[arg(long)]
    status: Option<u16>,
    /// Response header 'Name: value' (repeatable; replaces the list)
    #[arg(long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// Response body
    #[arg(long)]
    body: Option<String>,
    /// Wait this long after storing before answering (at most 60000)
    #[arg(long, value_name = "MS")]
    delay_ms: Option<u32>,
}

#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Config(#[from] hooklens_core::ConfigError),
    #[error(transparent)]
    Store(#[from] hooklens_core::StoreError),
    #[error(transparent)]
    Capture(#[from] hooklens_core::CaptureError),
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
    #[error("cannot encode output: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{0}")]
    Usage(String),
}

fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_env("HOOKLENS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Output(err)) if err.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("hooklens-cli: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    if let Command::Serve { listen } = cli.command {
        let config = Config::resolve(cli.data_dir, listen)?;
        let runtime = tokio::runtime::Runtime::new()?;
        return runtime.block_on(serve(config));
    }
    let config = Config::resolve(cli.data_dir, None)?;
    let store = Store::open(&config.data_dir)?;
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Serve { .. } => unreachable!("handled above"),
        Command::Events {
            json,
            limit,
            endpoint,
            dup,
            query,
        } => {
            let endpoints = store.endpoints();
            let endpoint_id = endpoint
                .map(|e| find_endpoint(&endpoints, &e).map(|e| e.id))
                .transpose()?;
            let text = query.join(" ");
            let events = store.reader()?.query(&PageQuery {
                limit,
                endpoint_id,
                text: (!text.trim().is_empty()).then_some(text),
                redeliveries: dup,
                ..PageQuery::default()
            })?;
            for event in &events {
                if json {
                    serde_json::to_writer(&mut out, &EventLine::new(event, &endpoints))?;
                    writeln!(out)?;
                } else {
                    write_row(&mut out, event)?;
                }
            }
        }
        Command::Show { id, raw } => {
            let event = store.reader()?.event(id)?;
            if raw {
                out.write_all(&event.body)?;
            } else {
                write_event(&mut out, &event, &store.endpoints())?;
            }
        }
        Command::Endpoints(command) => endpoints(&store, command, &mut out)?,
        Command::Presets => {
            for p in providers::presets() {
                writeln!(out, "{:<18} {}", p.id, p.name)?;
            }
        }
        Command::Settings { key, value } => match (key, value) {
            (None, _) => {
                let settings = store.settings();
                for (key, help) in SETTING_KEYS {
                    writeln!(out, "{key:<13} {:<12} {help}", settings.get(key)?)?;
                }
            }
            (Some(key), None) => writeln!(out, "{}", store.settings().get(&key)?)?,
            (Some(key), Some(value)) => {
                store.set_setting(&key, &value)?;
                writeln!(out, "{key} = {}", store.settings().get(&key)?)?;
                if key == "durability" {
                    writeln!(out, "(applies the next time Hooklens starts)")?;
                }
            }
        },
        Command::Pin { id, off } => store.set_pinned(id, !off)?,
    }
    Ok(())
}

async fn serve(config: Config) -> Result<(), CliError> {
    let _lock = DataDirLock::acquire(&config.data_dir)?;
    let store = Store::open_with(
        &config.data_dir,
        StoreOptions {
            capture: true,
            ..StoreOptions::default()
        },
    )?;
    let listener = Listener::start(config.listen, store).await?;
    eprintln!(
        "Hooklens is capturing on {} (data in {}). Ctrl-C stops.",
        listener.status().url,
        config.data_dir.display()
    );
    tokio::signal::ctrl_c().await?;
    listener.shutdown().await;
    Ok(())
}

/// By id, path prefix or name (case-insensitive), in that order.
fn find_endpoint<'a>(endpoints: &'a [Endpoint], key: &str) -> Result<&'a Endpoint, CliError> {
    let by_id = key
        .parse::<i64>()
        .ok()
        .and_then(|id| endpoints.iter().find(|e| e.id == id));
    by_id
        .or_else(|| {
            endpoints.iter().find(|e| {
                e.path_prefix == key.trim_end_matches('/') || (key == "/" && e.is_default)
            })
        })
        .or_else(|| endpoints.iter().find(|e| e.name.eq_ignore_ascii_case(key)))
        .ok_or_else(|| {
            CliError::Usage(format!(
                "no endpoint {key:?}; see `hooklens-cli endpoints list`"
            ))
        })
}

fn parse_header(raw: &str) -> Result<HeaderPair, CliError> {
    let (name, value) = raw
        .split_once(':')
        .ok_or_else(|| CliError::Usage(format!("header {raw:?} must look like 'Name: value'")))?;
    Ok(HeaderPair {
        name: name.trim().to_owned(),
        value: value.trim().to_owned(),
    })
}

fn apply(options: EndpointOptions, spec: &mut EndpointSpec) -> Result<(), CliError> {
    if let Some(preset) = options.preset {
        spec.preset = (preset != "detect").then_some(preset);
    }
    if let Some(status) = options.status {
        spec.response.status = status;
    }
    if !options.headers.is_empty() {
        spec.response.headers = options
            .headers
            .iter()
            .map(|h| parse_header(h))
            .collect::<Result<_, _>>()?;
    }
    if let Some(body) = options.body {
        spec.response.body = body;
    }
    if let Some(delay) = options.delay_ms {
        spec.response.delay_ms = delay;
    }
    Ok(())
}

fn endpoints(
    store: &Store,
    command: EndpointsCommand,
    out: &mut impl Write,
) -> Result<(), CliError> {
    match command {
        EndpointsCommand::List { json } => {
            let counts = store.reader()?.endpoint_counts()?;
            for e in store.endpoints().iter() {
                let count = counts
                    .iter()
                    .find(|c| c.endpoint_id == Some(e.id))
                    .map_or(0, |c| c.count);
                if json {
                    serde_json::to_writer(
                        &mut *out,
                        &serde_json::json!({"endpoint": e, "events": count}),
                    )?;
                    writeln!(out)?;
                } else {
                    writeln!(
                        out,
                        "{:>4}  {:<16} {:<20} {:<18} {} {}{}  {} events",
                        e.id,
                        e.name,
                        e.path_prefix,
                        e.preset.as_deref().unwrap_or("detect"),
                        e.response.status,
                        if e.response.body.is_empty() {
                            ""
                        } else {
                            "+body"
                        },
                        if e.response.delay_ms > 0 {
                            format!(" after {} ms", e.response.delay_ms)
                        } else {
                            String::new()
                        },
                        count
                    )?;
                }
            }
        }
        EndpointsCommand::Add {
            name,
            path,
            options,
        } => {
            let mut spec = EndpointSpec {
                name,
                path_prefix: path,
                preset: None,
                response: ConfiguredResponse::default(),
                scheme: None,
            };
            apply(options, &mut spec)?;
            let e = store.add_endpoint(&spec)?;
            writeln!(
                out,
                "added endpoint {} ({} → {})",
                e.id, e.path_prefix, e.name
            )?;
        }
        EndpointsCommand::Edit {
            endpoint,
            name,
            path,
            options,
        } => {
            let endpoints = store.endpoints();
            let current = find_endpoint(&endpoints, &endpoint)?;
            let mut spec = EndpointSpec {
                name: name.unwrap_or_else(|| current.name.clone()),
                path_prefix: path.unwrap_or_else(|| current.path_prefix.clone()),
                preset: current.preset.clone(),
                response: current.response.clone(),
                scheme: current.scheme.clone(),
            };
            apply(options, &mut spec)?;
            let e = store.update_endpoint(current.id, &spec)?;
            writeln!(
                out,
                "updated endpoint {} ({} → {})",
                e.id, e.path_prefix, e.name
            )?;
        }
        EndpointsCommand::Remove { endpoint } => {
            let endpoints = store.endpoints();
            let e = find_endpoint(&endpoints, &endpoint)?;
            store.remove_endpoint(e.id)?;
            writeln!(
                out,
                "removed endpoint {} ({}); its events are kept",
                e.id, e.path_prefix
            )?;
        }
    }
    Ok(())
}

/// One line of `events --json`.
#[derive(Serialize)]
struct EventLine<'a> {
    id: i64,
    received_at: String,
    endpoint: Option<&'a str>,
    method: &'a str,
    path: &'a str,
    query: Option<&'a str>,
    provider: Option<&'a str>,
    #[serde(rename = "type")]
    event_type: Option<&'a str>,
    provider_event_id: Option<&'a str>,
    merchant_id: Option<&'a str>,
    delivery: i64,
    size: i64,
    content_type: Option<&'a str>,
    remote_addr: Option<&'a str>,
    pinned: bool,
}

impl<'a> EventLine<'a> {
    fn new(e: &'a EventSummary, endpoints: &'a [Endpoint]) -> Self {
        EventLine {
            id: e.id,
            received_at: rfc3339(cursor_ns(e)),
            endpoint: e
                .endpoint_id
                .and_then(|id| endpoints.iter().find(|x| x.id == id))
                .map(|x| x.name.as_str()),
            method: &e.method,
            path: &e.path,
            query: e.query.as_deref(),
            provider: e.provider.as_deref(),
            event_type: e.event_type.as_deref(),
            provider_event_id: e.provider_event_id.as_deref(),
            merchant_id: e.merchant_id.as_deref(),
            delivery: e.delivery,
            size: e.size,
            content_type: e.content_type.as_deref(),
            remote_addr: e.remote_addr.as_deref(),
            pinned: e.pinned,
        }
    }
}

/// The exact receive time, which the cursor carries in nanoseconds.
fn cursor_ns(e: &EventSummary) -> i64 {
    e.cursor
        .parse::<hooklens_core::store::Cursor>()
        .map_or(e.received_at_ms * 1_000_000, |c| c.received_at_ns)
}

fn rfc3339(ns: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ns))
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| ns.to_string())
}

fn write_row(out: &mut impl Write, e: &EventSummary) -> std::io::Result<()> {
    let what = match (&e.provider, &e.event_type) {
        (Some(p), Some(t)) => format!("{p} {t}"),
        (Some(p), None) => p.clone(),
        (None, Some(t)) => t.clone(),
        (None, None) => String::new(),
    };
    let redelivery = if e.delivery > 1 {
        format!(" (delivery {})", e.delivery)
    } else {
        String::new()
    };
    writeln!(
        out,
        "{:>8}  {}  {:<7} {}{}  {} B  {}{}",
        e.id,
        rfc3339(cursor_ns(e)),
        e.method,
        e.path,
        e.query
            .as_deref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default(),
        e.size,
        what,
        redelivery
    )
}

fn write_event(
    out: &mut impl Write,
    event: &hooklens_core::store::EventDetail,
    endpoints: &[Endpoint],
) -> std::io::Result<()> {
    let e = &event.summary;
    let endpoint = e
        .endpoint_id
        .and_then(|id| endpoints.iter().find(|x| x.id == id))
        .map_or("(removed endpoint)", |x| x.name.as_str());
    writeln!(out, "event     {}", e.id)?;
    writeln!(out, "received  {}", rfc3339(event.received_at_ns))?;
    writeln!(out, "endpoint  {endpoint}")?;
    writeln!(
        out,
        "request   {} {}{}",
        e.method,
        e.path,
        e.query
            .as_deref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default()
    )?;
    writeln!(out, "from      {}", e.remote_addr.as_deref().unwrap_or("-"))?;
    if let Some(p) = &e.provider {
        writeln!(out, "provider  {p}")?;
    }
    if let Some(t) = &e.event_type {
        writeln!(out, "type      {t}")?;
    }
    if let Some(id) = &e.provider_event_id {
        writeln!(out, "event id  {id} (delivery {})", e.delivery)?;
    }
    if let Some(m) = &e.merchant_id {
        writeln!(out, "merchant  {m}")?;
    }
    for (label, value) in &event.refs {
        writeln!(out, "{label:<9} {value}")?;
    }
    writeln!(out, "size      {} bytes", e.size)?;
    writeln!(out)?;
    for h in &event.headers {
        writeln!(out, "{}: {}", h.name, String::from_utf8_lossy(h.bytes()))?;
    }
    writeln!(out)?;
    match std::str::from_utf8(&event.body) {
        Ok(text) => {
            out.write_all(text.as_bytes())?;
            if !text.ends_with('\n') && !text.is_empty() {
                writeln!(out)?;
            }
        }
        Err(_) => writeln!(
            out,
            "(binary body, {} bytes: `hooklens-cli show {} --raw` writes it exactly)",
            event.body.len(),
            e.id
        )?,
    }
    Ok(())
}
