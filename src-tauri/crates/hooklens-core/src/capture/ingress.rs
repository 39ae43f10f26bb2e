//! The tunnel ingress: a second loopback port of the listener that a tunnel
//! (ssh -R, cloudflared, ngrok) forwards its public URL to. It serves the
//! same capture as the local port — same router, store, limits, durable
//! acknowledgement, configured responses and forwarding, from the same
//! connection table — and differs in three ways:
//!
//! - every request it stores is marked as tunnelled ([`TunnelArrival`]):
//!   the kind of tunnel, its public URL at that moment, and the original
//!   client when the tunnel names one ([`super::client`]);
//! - URL-signed schemes (Twilio) are verified against that public URL plus
//!   the request target, the URL the provider signed;
//! - a per-source rate limit answers 429 with Retry-After before the body is
//!   read, stores nothing and counts it ([`super::ratelimit`]).
//!
//! Which address keys the rate limit: the one the tunnel vouches for
//! (cloudflared's `Cf-Connecting-Ip`, the hop ngrok appends to
//! `X-Forwarded-For`); for a tunnel that only passes on what the sender
//! claims (ssh services), the peer — the tunnel process on this machine —
//! so all of that tunnel's traffic shares one bucket. A sender can write
//! any `X-Forwarded-For`; keying on it would give each forged value a
//! fresh burst.

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use axum::http::HeaderMap;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::client::{self, ClientAddr, ClientTrust};
use super::ratelimit::{Decision, Rate, RateLimiter, Source};
use super::{CaptureError, server};
use crate::model::{ListenerStats, TunnelArrival};
use crate::store::Settings;

/// Knobs of a tunnel ingress; the defaults are what the app uses.
#[derive(Debug, Clone, Copy)]
pub struct IngressOptions {
    /// The most sources the rate limit keeps a bucket for (least recently
    /// seen forgotten first).
    pub max_sources: usize,
}

impl Default for IngressOptions {
    fn default() -> Self {
        IngressOptions {
            max_sources: super::ratelimit::DEFAULT_MAX_SOURCES,
        }
    }
}

/// What the capture handler knows about the tunnel a port serves.
pub(super) struct Tunnel {
    kind: String,
    trust: ClientTrust,
    public_url: RwLock<Option<Arc<str>>>,
    limiter: RateLimiter,
}

/// A request the rate limit let through, and how it arrived.
pub(super) enum Admission {
    Admitted(TunnelArrival),
    Limited { retry_after_s: u64, rate: Rate },
}

impl Tunnel {
    pub(super) fn new(kind: &str, options: IngressOptions) -> Tunnel {
        Tunnel {
            kind: kind.to_owned(),
            trust: ClientTrust::for_kind(kind),
            public_url: RwLock::new(None),
            limiter: RateLimiter::new(options.max_sources),
        }
    }

    /// Decides on a request from its head alone (nothing of the body read):
    /// through, with how it arrived, or over its source's rate.
    pub(super) fn admit(
        &self,
        headers: &HeaderMap,
        peer: SocketAddr,
        settings: &Settings,
    ) -> Admission {
        let pairs: Vec<(&str, &[u8])> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_bytes()))
            .collect();
        let client = client::client_addr(self.trust, &pairs);
        let source = match &client {
            Some(ClientAddr {
                addr,
                vouched: true,
                ..
            }) => Source::Client(*addr),
            _ => Source::Peer(peer.ip()),
        };
        let rate = Rate {
            per_minute: settings.tunnel_rate_per_minute,
            burst: settings.tunnel_rate_burst,
        };
        if let Decision::Limit { retry_after_s } = self.limiter.check(source, rate, Instant::now())
        {
            return Admission::Limited {
                retry_after_s,
                rate,
            };
        }
        let public_url = self
            .public_url
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_deref()
            .map(str::to_owned);
        Admission::Admitted(TunnelArrival {
            kind: self.kind.clone(),
            public_url,
            client_addr: client.as_ref().map(|c| c.addr.to_string()),
            client_header: client.as_ref().map(|c| c.header.to_owned()),
            client_vouched: client.as_ref().is_some_and(|c| c.vouched),
        })
    }
}

/// The header name as the request spelled it (`Cf-Connecting-Ip` rather
/// than hyper's `cf-connecting-ip`), when it is among `headers`.
pub(super) fn spell_client_header(via: &mut TunnelArrival, headers: &[crate::store::StoredHeader]) {
    if let Some(name) = &via.client_header
        && let Some(spelled) = crate::wire::header(headers, name)
    {
        via.client_header = Some(spelled.name.clone());
    }
}

/// The public base URL as stored: an http(s) URL with a host, without a
/// trailing slash, query or fragment.
fn public_base(raw: &str) -> Result<String, CaptureError> {
    let bad = |reason: String| CaptureError::PublicUrl {
        url: raw.to_owned(),
        reason,
    };
    let url = crate::wire::target_url(raw).map_err(bad)?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("a base URL has no query or fragment".into()));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The listener's tunnel ingress: a loopback port whose requests are
/// marked as tunnelled and rate-limited per source. It keeps serving until
/// [`TunnelIngress::close`] or until it is dropped (which stops it
/// accepting and drains in the background); [`super::Listener::shutdown`]
/// does not stop it, so moving the listener to another port leaves the
/// tunnel working. Close it with the listener when capture stops.
pub struct TunnelIngress {
    local_addr: SocketAddr,
    tunnel: Arc<Tunnel>,
    server: Arc<server::Shared>,
    port: Arc<server::Port>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl TunnelIngress {
    pub(super) fn new(
        local_addr: SocketAddr,
        tunnel: Arc<Tunnel>,
        server: Arc<server::Shared>,
        port: Arc<server::Port>,
        stop: watch::Sender<bool>,
        task: JoinHandle<()>,
    ) -> TunnelIngress {
        TunnelIngress {
            local_addr,
            tunnel,
            server,
            port,
            stop,
            task: Some(task),
        }
    }

    /// Where to point the tunnel: `127.0.0.1:<port>`.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://127.0.0.1:<port>`, for a tunnel that takes a URL
    /// (`cloudflared tunnel --url …`).
    pub fn url(&self) -> String {
        super::url_for(self.local_addr)
    }

    /// The kind of tunnel it was opened for (`ssh`, `cloudflared`, `ngrok`).
    pub fn kind(&self) -> &str {
        &self.tunnel.kind
    }

    /// Tells the ingress the tunnel's public base URL once it is known
    /// (`https://abc.trycloudflare.com`), or that it is not known any more
    /// (None). Requests arriving from now on are marked with it and
    /// URL-signed schemes are verified against it plus the request target.
    pub fn set_public_url(&self, url: Option<String>) -> Result<(), CaptureError> {
        let url = url.as_deref().map(public_base).transpose()?;
        *self
            .tunnel
            .public_url
            .write()
            .unwrap_or_else(|e| e.into_inner()) = url.map(Arc::from);
        Ok(())
    }

    /// The public base URL requests are marked with now.
    pub fn public_url(&self) -> Option<String> {
        self.tunnel
            .public_url
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_deref()
            .map(str::to_owned)
    }

    /// What the limits did on this port since it opened: its open
    /// connections (the cap is shared with the listener's port), refusals,
    /// timeouts, and requests answered 429 by the rate limit.
    pub fn stats(&self) -> ListenerStats {
        self.server.port_stats(&self.port)
    }

    /// Sources the rate limit keeps a bucket for now; never more than
    /// [`IngressOptions::max_sources`].
    pub fn tracked_sources(&self) -> usize {
        self.tunnel.limiter.tracked()
    }

    /// Stops accepting and drains as the listener does: requests in
    /// progress are stored and answered, idle and half-sent connections
    /// closed, nothing waits past the drain deadline.
    pub async fn close(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for TunnelIngress {
    fn drop(&mut self) {
        // The serving task drains on its own.
        let _ = self.stop.send(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_are_bases_a_target_is_appended_to() {
        assert_eq!(
            public_base("https://abc.trycloudflare.com/").unwrap(),
            "https://abc.trycloudflare.com"
        );
        assert_eq!(
            public_base(" https://hooks.example.com/base ").unwrap(),
            "https://hooks.example.com/base"
        );
        assert_eq!(
            public_base("http://abc.lhr.life").unwrap(),
            "http://abc.lhr.life"
        );
        for bad in [
            "",
            "abc.trycloudflare.com",
            "ftp://x.example",
            "https://x.example/?a=1",
            "https://x.example/#f",
        ] {
            let err = public_base(bad).unwrap_err();
            assert!(
                matches!(err, CaptureError::PublicUrl { .. }),
                "{bad:?}: {err:?}"
            );
        }
    }

    #[test]
    fn the_rate_limit_keys_on_what_the_tunnel_vouches_for() {
        let settings = Settings {
            tunnel_rate_burst: 1,
            ..Settings::default()
        };
        let peer: SocketAddr = "127.0.0.1:50000".parse().unwrap();
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (n, v) in pairs {
                map.append(*n, v.parse().unwrap());
            }
            map
        };
        let limited = |a: &Admission| matches!(a, Admission::Limited { .. });

        // cloudflared: each client its own bucket.
        let cf = Tunnel::new("cloudflared", IngressOptions::default());
        let one = headers(&[("cf-connecting-ip", "203.0.113.1")]);
        let two = headers(&[("cf-connecting-ip", "203.0.113.2")]);
        assert!(!limited(&cf.admit(&one, peer, &settings)));
        assert!(limited(&cf.admit(&one, peer, &settings)));
        match cf.admit(&two, peer, &settings) {
            Admission::Admitted(via) => {
                assert_eq!(via.kind, "cloudflared");
                assert_eq!(via.client_addr.as_deref(), Some("203.0.113.2"));
                assert_eq!(via.client_header.as_deref(), Some("cf-connecting-ip"));
                assert!(via.client_vouched);
                assert_eq!(via.public_url, None);
            }
            Admission::Limited { .. } => panic!("another client is not limited"),
        }

        // ssh: forged X-Forwarded-For values all come from the one peer.
        let ssh = Tunnel::new("ssh", IngressOptions::default());
        let forged = headers(&[("x-forwarded-for", "198.51.100.1")]);
        let other = headers(&[("x-forwarded-for", "198.51.100.2")]);
        match ssh.admit(&forged, peer, &settings) {
            Admission::Admitted(via) => {
                assert_eq!(via.client_addr.as_deref(), Some("198.51.100.1"));
                assert!(!via.client_vouched, "a claim");
            }
            Admission::Limited { .. } => panic!("the first is through"),
        }
        assert!(limited(&ssh.admit(&other, peer, &settings)));
        assert_eq!(ssh.limiter.tracked(), 1);
    }
}
