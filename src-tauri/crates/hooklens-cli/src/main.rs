//! `hooklens-cli`: the Hooklens core without a window, for scripts and servers.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hooklens_core::capture::Listener;
use hooklens_core::config::Config;
use hooklens_core::store::Store;

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
    },
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
        Err(err) => {
            eprintln!("hooklens-cli: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Serve { listen } => {
            let config = Config::resolve(cli.data_dir, listen)?;
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(serve(config))
        }
        Command::Events { json, limit } => {
            let config = Config::resolve(cli.data_dir, None)?;
            let store = Store::open(&config.data_dir)?;
            let page = store.reader()?.page(limit, None)?;
            let mut out = std::io::stdout().lock();
            for event in &page.events {
                if json {
                    serde_json::to_writer(&mut out, event)?;
                    writeln!(out)?;
                } else {
                    writeln!(
                        out,
                        "{:>8}  {:<7} {}{}  {} B",
                        event.id,
                        event.method,
                        event.path,
                        event
                            .query
                            .as_deref()
                            .map(|q| format!("?{q}"))
                            .unwrap_or_default(),
                        event.size
                    )?;
                }
            }
            Ok(())
        }
    }
}

async fn serve(config: Config) -> Result<(), CliError> {
    let store = Store::open(&config.data_dir)?;
    let listener = Listener::start(config.listen, store, config.body_limit).await?;
    eprintln!(
        "Hooklens is capturing on {} (data in {}). Ctrl-C stops.",
        listener.status().url,
        config.data_dir.display()
    );
    tokio::signal::ctrl_c().await?;
    listener.shutdown().await;
    Ok(())
}
