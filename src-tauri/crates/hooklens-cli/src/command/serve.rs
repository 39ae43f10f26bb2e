//! `serve`: the capture listener, until Ctrl-C or SIGTERM.

use std::path::PathBuf;

use clap::Args;
use hooklens_core::capture::Listener;
use hooklens_core::config::Config;
use hooklens_core::store::{DataDirLock, Store, StoreOptions};

use crate::error::CliError;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on, HOST:PORT or a port on loopback [default: 127.0.0.1:9494; env: HOOKLENS_LISTEN]
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
}

/// Serve opens the store itself: it takes the data directory's lock and
/// opens for capture, which no other command does.
pub fn run(args: ServeArgs, data_dir: Option<PathBuf>) -> Result<u8, CliError> {
    let config = Config::resolve(data_dir, args.listen)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(serve(config))?;
    Ok(0)
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
    stop_signal().await?;
    eprintln!("Stopping: answering requests in progress…");
    let stats = listener.stats();
    listener.shutdown().await;
    if stats.refused + stats.evicted + stats.timed_out > 0 {
        eprintln!(
            "Connection limits: {} answered 503 (all {} connections busy), {} idle or \
             half-sent connections closed to make room, {} closed for sending too slowly \
             ({} idle keep-alive connections closed as usual).",
            stats.refused, stats.max_connections, stats.evicted, stats.timed_out, stats.idle_closed
        );
    }
    Ok(())
}

/// Ctrl-C, or SIGTERM as systemd, Docker and a logout send: both drain.
async fn stop_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            interrupted = tokio::signal::ctrl_c() => interrupted,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
