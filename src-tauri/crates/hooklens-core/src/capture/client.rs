//! Who sent a request that came through a tunnel. The tunnel process is the
//! peer of every such connection (it runs on this machine), so the original
//! client's address is only known from a header — and only some of those
//! headers are the tunnel's own word. What each tunnel sends, by its
//! documentation:
//!
//! - **cloudflared**: Cloudflare's edge sets `CF-Connecting-IP` to "the
//!   client IP address connecting to Cloudflare", sent only on traffic from
//!   the edge to the origin (developers.cloudflare.com/fundamentals/reference/http-headers/);
//!   it *appends* that address to any `X-Forwarded-For` the client sent
//!   (`X-Forwarded-For: a,b,c,203.0.113.1` beside `Cf-Connecting-Ip:
//!   203.0.113.1`, github.com/cloudflare/cloudflared/issues/1426), so the
//!   first hop there is whatever the client claimed.
//! - **ngrok**: "x-forwarded-for: The IP address of the client who initiated
//!   the request. If this header exists on the original request, ngrok will
//!   append a new value … be sure to use the last value of the header"
//!   (ngrok.com/docs/universal-gateway/http-s/upstream-headers). ngrok sends
//!   no `X-Real-Ip`.
//! - **ssh** (`ssh -R` to localhost.run, pinggy or the user's own server):
//!   pinggy adds `X-Forwarded-For` in its default reverse-proxy mode
//!   (pinggy.io/docs/advanced/advanced_options/); localhost.run names its
//!   headers with underscores, `X_Forwarded_For` (localhost.run/docs/http-tunnels#proxy-headers,
//!   as github.com/wazzamatazz/AspNetCore.LocalhostRun configures for it);
//!   a plain `GatewayPorts` server forwards raw TCP and adds nothing. None
//!   documents dropping what the client sent, so these are claims.
//!
//! So: the address a tunnel vouches for (cloudflared's header, ngrok's last
//! hop) keys the rate limit; anything else is shown as what the request
//! claims and the rate limit keys on the peer instead, since a sender can
//! write any `X-Forwarded-For` it likes.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// Where the original client's address is read from, for one kind of tunnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientTrust {
    /// cloudflared: `Cf-Connecting-Ip`, set by Cloudflare's edge.
    Cloudflare,
    /// ngrok: the last hop of `X-Forwarded-For`, the one ngrok appends.
    LastForwardedHop,
    /// Any other tunnel: nothing is vouched for.
    Claimed,
}

impl ClientTrust {
    /// The trust for a kind of tunnel, as the tunnel settings name it.
    pub fn for_kind(kind: &str) -> ClientTrust {
        match kind {
            "cloudflared" => ClientTrust::Cloudflare,
            "ngrok" => ClientTrust::LastForwardedHop,
            _ => ClientTrust::Claimed,
        }
    }
}

/// The original client of a tunnelled request, as a header named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddr {
    pub addr: IpAddr,
    /// The header it came from, lowercase (`cf-connecting-ip`).
    pub header: &'static str,
    /// The tunnel sets that header itself: the sender could not forge it.
    pub vouched: bool,
}

pub const CF_CONNECTING_IP: &str = "cf-connecting-ip";
pub const X_FORWARDED_FOR: &str = "x-forwarded-for";
/// localhost.run's spelling.
pub const X_FORWARDED_FOR_UNDERSCORE: &str = "x_forwarded_for";
pub const X_REAL_IP: &str = "x-real-ip";

/// The original client of a request that came through a tunnel trusted as
/// `trust`, from its headers (`(name, value)` in arrival order, names in
/// any case). The address the tunnel vouches for when it is there and
/// readable; otherwise the first hop a header claims (`X-Forwarded-For`,
/// `X_Forwarded_For`, `X-Real-Ip`, in that order). None when no header
/// names a readable address. Linear in the size of the headers.
pub fn client_addr(trust: ClientTrust, headers: &[(&str, &[u8])]) -> Option<ClientAddr> {
    let values = |name: &'static str| {
        headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    };
    let vouched = match trust {
        ClientTrust::Cloudflare => values(CF_CONNECTING_IP)
            .next()
            .and_then(parse_hop)
            .map(|addr| (addr, CF_CONNECTING_IP)),
        ClientTrust::LastForwardedHop => values(X_FORWARDED_FOR)
            .next_back()
            .and_then(|v| v.rsplit(|b| *b == b',').next())
            .and_then(parse_hop)
            .map(|addr| (addr, X_FORWARDED_FOR)),
        ClientTrust::Claimed => None,
    };
    if let Some((addr, header)) = vouched {
        return Some(ClientAddr {
            addr,
            header,
            vouched: true,
        });
    }
    [X_FORWARDED_FOR, X_FORWARDED_FOR_UNDERSCORE, X_REAL_IP]
        .into_iter()
        .find_map(|header| {
            // The first hop of the first line: the client, as claimed. A
            // first hop that is not an address names nobody; the next hop
            // is a proxy, not the client, so it is not used instead.
            let first = values(header).next()?;
            let hop = first.split(|b| *b == b',').next()?;
            Some(ClientAddr {
                addr: parse_hop(hop)?,
                header,
                vouched: false,
            })
        })
}

/// One hop of a forwarding header: `203.0.113.7`, `203.0.113.7:443`,
/// `2001:db8::1`, `[2001:db8::1]` or `[2001:db8::1]:443`, spaces around
/// allowed. Anything else (`unknown`, a host name, an obfuscated
/// identifier, several addresses) is not an address.
pub fn parse_hop(hop: &[u8]) -> Option<IpAddr> {
    // Longest textual address with brackets and port: 47 + 2 + 6.
    const LONGEST: usize = 64;
    let text = std::str::from_utf8(hop).ok()?.trim_matches([' ', '\t']);
    if text.is_empty() || text.len() > LONGEST {
        return None;
    }
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(with_port) = text.parse::<SocketAddr>() {
        return Some(with_port.ip());
    }
    let bracketed = text.strip_prefix('[')?.strip_suffix(']')?;
    bracketed.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(trust: ClientTrust, headers: &[(&str, &str)]) -> Option<(String, &'static str, bool)> {
        let pairs: Vec<(&str, &[u8])> = headers.iter().map(|(n, v)| (*n, v.as_bytes())).collect();
        client_addr(trust, &pairs).map(|c| (c.addr.to_string(), c.header, c.vouched))
    }

    fn claimed(headers: &[(&str, &str)]) -> Option<String> {
        from(ClientTrust::Claimed, headers).map(|(addr, _, vouched)| {
            assert!(!vouched);
            addr
        })
    }

    #[test]
    fn hops_are_addresses_with_or_without_a_port() {
        let hop = |s: &str| parse_hop(s.as_bytes()).map(|ip| ip.to_string());
        assert_eq!(hop("203.0.113.7").as_deref(), Some("203.0.113.7"));
        assert_eq!(hop("  203.0.113.7\t").as_deref(), Some("203.0.113.7"));
        assert_eq!(hop("203.0.113.7:51234").as_deref(), Some("203.0.113.7"));
        assert_eq!(hop("2001:db8::1").as_deref(), Some("2001:db8::1"));
        assert_eq!(hop("2001:DB8:0:0::1").as_deref(), Some("2001:db8::1"));
        assert_eq!(hop("[2001:db8::1]").as_deref(), Some("2001:db8::1"));
        assert_eq!(hop("[2001:db8::1]:443").as_deref(), Some("2001:db8::1"));
        assert_eq!(
            hop("::ffff:203.0.113.7").as_deref(),
            Some("::ffff:203.0.113.7")
        );
        for bad in [
            "",
            " ",
            "unknown",
            "_hidden",
            "example.com",
            "203.0.113",
            "203.0.113.256",
            "203.0.113.7 198.51.100.1",
            "[203.0.113.7]",
            "[2001:db8::1",
            "2001:db8::1]:443",
            "203.0.113.7:",
            "203.0.113.7:99999",
            "for=203.0.113.7",
            "\"203.0.113.7\"",
        ] {
            assert_eq!(hop(bad), None, "{bad:?}");
        }
        assert_eq!(parse_hop(b"203.0.113.7\xff"), None, "not UTF-8");
        assert_eq!(parse_hop("1".repeat(10_000).as_bytes()), None, "too long");
    }

    #[test]
    fn the_first_hop_of_forwarded_for_is_the_claimed_client() {
        assert_eq!(
            claimed(&[("X-Forwarded-For", "203.0.113.7, 198.51.100.1, 192.0.2.9")]).as_deref(),
            Some("203.0.113.7")
        );
        // IPv6 hops, with and without brackets and ports.
        assert_eq!(
            claimed(&[("x-forwarded-for", "2001:db8::7,198.51.100.1")]).as_deref(),
            Some("2001:db8::7")
        );
        assert_eq!(
            claimed(&[("x-forwarded-for", "[2001:db8::7]:4711 , 198.51.100.1")]).as_deref(),
            Some("2001:db8::7")
        );
        // Several header lines are one list: the first line holds the first hop.
        assert_eq!(
            claimed(&[
                ("X-Forwarded-For", "203.0.113.7"),
                ("X-Forwarded-For", "198.51.100.1"),
            ])
            .as_deref(),
            Some("203.0.113.7")
        );
    }

    #[test]
    fn a_malformed_first_hop_names_nobody() {
        for value in [
            "unknown, 198.51.100.1",
            ", 198.51.100.1",
            "",
            "garbage",
            "203.0.113.7;proto=https",
        ] {
            assert_eq!(claimed(&[("X-Forwarded-For", value)]), None, "{value:?}");
        }
        // …and the next header is asked instead.
        assert_eq!(
            claimed(&[
                ("X-Forwarded-For", "unknown"),
                ("X-Real-Ip", "198.51.100.4")
            ])
            .as_deref(),
            Some("198.51.100.4")
        );
    }

    #[test]
    fn other_headers_are_asked_in_order_and_absence_is_none() {
        assert_eq!(claimed(&[]), None);
        assert_eq!(
            claimed(&[("Host", "abc.lhr.life"), ("Forwarded", "for=203.0.113.7")]),
            None
        );
        assert_eq!(
            from(ClientTrust::Claimed, &[("X_Forwarded_For", "203.0.113.8")]),
            Some(("203.0.113.8".into(), X_FORWARDED_FOR_UNDERSCORE, false))
        );
        assert_eq!(
            from(ClientTrust::Claimed, &[("X-Real-Ip", "203.0.113.9")]),
            Some(("203.0.113.9".into(), X_REAL_IP, false))
        );
        assert_eq!(
            claimed(&[
                ("X-Real-Ip", "203.0.113.9"),
                ("X-Forwarded-For", "203.0.113.7")
            ])
            .as_deref(),
            Some("203.0.113.7"),
            "X-Forwarded-For first"
        );
        // An ssh tunnel's request claiming cloudflared's header vouches for nothing.
        assert_eq!(claimed(&[("Cf-Connecting-Ip", "203.0.113.7")]), None);
    }

    #[test]
    fn cloudflared_vouches_for_cf_connecting_ip() {
        let cf = |h: &[(&str, &str)]| from(ClientTrust::Cloudflare, h);
        // What cloudflared passes on for a client that sent its own XFF.
        assert_eq!(
            cf(&[
                ("X-Forwarded-For", "10.9.9.9, 203.0.113.1"),
                ("Cf-Connecting-Ip", "203.0.113.1"),
            ]),
            Some(("203.0.113.1".into(), CF_CONNECTING_IP, true))
        );
        assert_eq!(
            cf(&[("cf-connecting-ip", "2001:db8::1")]),
            Some(("2001:db8::1".into(), CF_CONNECTING_IP, true))
        );
        // Without it (or unreadable) only a claim is left.
        assert_eq!(
            cf(&[("X-Forwarded-For", "203.0.113.1")]),
            Some(("203.0.113.1".into(), X_FORWARDED_FOR, false))
        );
        assert_eq!(
            cf(&[
                ("Cf-Connecting-Ip", "nonsense"),
                ("X-Forwarded-For", "203.0.113.1")
            ]),
            Some(("203.0.113.1".into(), X_FORWARDED_FOR, false))
        );
        assert_eq!(cf(&[]), None);
    }

    #[test]
    fn ngrok_vouches_for_the_hop_it_appends() {
        let ngrok = |h: &[(&str, &str)]| from(ClientTrust::LastForwardedHop, h);
        // The client claimed 10.0.0.1; ngrok appended what it saw.
        assert_eq!(
            ngrok(&[("X-Forwarded-For", "10.0.0.1, 203.0.113.7")]),
            Some(("203.0.113.7".into(), X_FORWARDED_FOR, true))
        );
        assert_eq!(
            ngrok(&[
                ("X-Forwarded-For", "10.0.0.1"),
                ("X-Forwarded-For", "[2001:db8::7]:443"),
            ]),
            Some(("2001:db8::7".into(), X_FORWARDED_FOR, true))
        );
        // A last hop that is not an address: the claimed first hop, unvouched.
        assert_eq!(
            ngrok(&[("X-Forwarded-For", "203.0.113.7, junk")]),
            Some(("203.0.113.7".into(), X_FORWARDED_FOR, false))
        );
        assert_eq!(ngrok(&[("X-Forwarded-For", "")]), None);
        assert_eq!(ngrok(&[]), None);
    }

    #[test]
    fn kinds_map_to_what_their_tunnel_vouches_for() {
        assert_eq!(
            ClientTrust::for_kind("cloudflared"),
            ClientTrust::Cloudflare
        );
        assert_eq!(
            ClientTrust::for_kind("ngrok"),
            ClientTrust::LastForwardedHop
        );
        assert_eq!(ClientTrust::for_kind("ssh"), ClientTrust::Claimed);
        assert_eq!(ClientTrust::for_kind("something-new"), ClientTrust::Claimed);
    }
}
