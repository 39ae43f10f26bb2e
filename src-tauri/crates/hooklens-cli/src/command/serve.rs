//! `serve`: the capture listener, until Ctrl-C or SIGTERM.

use std::path::PathBuf;

use std::sync::Arc;

use clap::Args;
use hooklens_core::capture::{Listener, TunnelIngress};
use hooklens_core::config::Config;
use hooklens_core::model::{TunnelState, TunnelStatus};
use hooklens_core::store::{DataDirLock, Store, StoreOptions};
use hooklens_core::tunnel::{self, Tunnel, TunnelOptions};

use super::tunnel_arg::{self, TunnelArg};
use crate::error::CliError;
use crate::term;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on, HOST:PORT or a port on loopback [default: 127.0.0.1:9494; env: HOOKLENS_LISTEN]
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    #[arg(long, value_name = "KIND[:ARGS]", help = tunnel_arg::HELP)]
    tunnel: Option<String>,
    /// Accept this SSH host key for the tunnel's server if it shows it
    /// (SHA256:…, as `ssh-keygen -lf` prints it); without it an unknown key
    /// stops the tunnel with its fingerprint
    #[arg(long, value_name = "FINGERPRINT", requires = "tunnel")]
    accept_host_key: Option<String>,
}

/// Serve opens the store itself: it takes the data directory's lock and
/// opens for capture, which no other command does.
pub fn run(args: ServeArgs, data_dir: Option<PathBuf>) -> Result<u8, CliError> {
    let tunnel = args
        .tunnel
        .as_deref()
        .map(tunnel_arg::parse)
        .transpose()
        .map_err(CliError::Usage)?;
    let config = Config::resolve(data_dir, args.listen)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(serve(config, tunnel, args.accept_host_key))?;
    Ok(0)
}

async fn serve(
    config: Config,
    tunnel: Option<TunnelArg>,
    accept_host_key: Option<String>,
) -> Result<(), CliError> {
    let _lock = DataDirLock::acquire(&config.data_dir)?;
    let store = Store::open_with(
        &config.data_dir,
        StoreOptions {
            capture: true,
            ..StoreOptions::default()
        },
    )?;
    let listener = Listener::start(config.listen, store.clone()).await?;
    eprintln!(
        "Hooklens is capturing on {} (data in {}). Ctrl-C stops.",
        listener.status().url,
        config.data_dir.display()
    );
    let public = match tunnel {
        Some(arg) => Some(start_tunnel(&listener, &store, &config, arg, accept_host_key).await?),
        None => None,
    };
    stop_signal().await?;
    eprintln!("Stopping: answering requests in progress…");
    if let Some((tunnel, ingress, watcher)) = public {
        // The watcher holds the other handles: ended first, so the tool is
        // stopped properly (TERM, then KILL) and the ingress drained.
        watcher.abort();
        let _ = watcher.await;
        if let Ok(tunnel) = Arc::try_unwrap(tunnel) {
            tunnel.stop().await;
        }
        if let Ok(ingress) = Arc::try_unwrap(ingress) {
            ingress.close().await;
        }
    }
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

type Public = (Arc<Tunnel>, Arc<TunnelIngress>, tokio::task::JoinHandle<()>);

/// Opens a tunnel ingress of `listener` and starts the tunnel at it; its
/// states are told on stderr as they change.
async fn start_tunnel(
    listener: &Listener,
    store: &Store,
    config: &Config,
    arg: TunnelArg,
    accept_host_key: Option<String>,
) -> Result<Public, CliError> {
    let spec = match arg {
        TunnelArg::Spec(spec) => spec,
        TunnelArg::Saved => tunnel::saved(store)
            .map_err(|e| CliError::Usage(e.to_string()))?
            .map(|s| s.spec)
            .ok_or_else(|| {
                CliError::Usage(
                    "no tunnel was picked in the app yet: name one, e.g. --tunnel localhost.run"
                        .into(),
                )
            })?,
    };
    let ingress = Arc::new(listener.open_tunnel_ingress(spec.kind()).await?);
    let options = TunnelOptions {
        ngrok_authtoken: tunnel::ngrok_authtoken(store)
            .map_err(|e| CliError::Usage(e.to_string()))?,
        ..TunnelOptions::default()
    };
    let (tunnel, mut states) =
        Tunnel::start_with(spec, ingress.local_addr(), &config.data_dir, options)
            .map_err(|e| CliError::Usage(e.to_string()))?;
    let tunnel = Arc::new(tunnel);
    let endpoints = store.endpoints();
    let watched = ingress.clone();
    let accept = tunnel.clone();
    let watcher = tokio::spawn(async move {
        let mut said = String::new();
        loop {
            let status = states.borrow_and_update().clone();
            let _ = watched.set_public_url(status.public_url().map(str::to_owned));
            let words = describe(&status, &endpoints);
            if words != said {
                eprintln!("{words}");
                said = words;
            }
            if let TunnelState::HostKeyUnknown { fingerprint, .. } = &status.state
                && accept_host_key.as_deref() == Some(fingerprint.as_str())
                && let Err(err) = accept.accept_host_key(fingerprint).await
            {
                eprintln!("Tunnel: the host key was not accepted: {err}");
            }
            if states.changed().await.is_err() {
                break;
            }
        }
    });
    Ok((tunnel, ingress, watcher))
}

/// A tunnel state in words, for stderr.
fn describe(status: &TunnelStatus, endpoints: &[hooklens_core::model::Endpoint]) -> String {
    let name = term::line(&status.name);
    match &status.state {
        TunnelState::Stopped => format!("Tunnel ({name}) stopped."),
        TunnelState::Starting => format!("Tunnel: starting {name}…"),
        TunnelState::Up { public_url } => {
            let mut text = format!(
                "Tunnel up: {} reaches this listener through {name}. Anyone with the URL can send to it.",
                term::line(public_url)
            );
            for e in endpoints {
                text.push_str(&format!(
                    "\n  {:<16} {}",
                    term::line(&e.name),
                    term::line(&tunnel::endpoint_url(public_url, &e.path_prefix))
                ));
            }
            text
        }
        TunnelState::Reconnecting {
            attempt,
            next_in_ms,
            reason,
        } => format!(
            "Tunnel dropped ({}); trying again in {} s (attempt {attempt}).",
            term::line(reason),
            next_in_ms.div_ceil(1000)
        ),
        TunnelState::Failed { reason } => format!("Tunnel failed: {}", term::line(reason)),
        TunnelState::HostKeyUnknown {
            host,
            key_type,
            fingerprint,
        } => format!(
            "Tunnel: {} presented a host key not known yet: {} {}. Compare it with the server's, \
             then run serve again with --accept-host-key {}",
            term::line(host),
            term::line(key_type),
            term::line(fingerprint),
            term::line(fingerprint)
        ),
    }
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
