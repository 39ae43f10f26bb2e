//! What a curl command reads besides its words: `@file` arguments and
//! standard input, URLs as curl takes them apart, and `--data-urlencode`.

use std::io::Read;
use std::path::Path;

use super::MAX_BODY_BYTES;
use super::curl_base::{CurlError, text};

/// Where `@file` arguments are read from.
pub(super) struct Files<'a> {
    pub base_dir: Option<&'a Path>,
    pub stdin: Option<Vec<u8>>,
}

impl Files<'_> {
    /// The file an `@name` argument of `option` names.
    pub fn read(&self, name: &[u8], option: &str) -> Result<Vec<u8>, CurlError> {
        let label = format!("{option} @{}", text(name));
        self.read_within(name, &label, MAX_BODY_BYTES)
    }

    /// The file `name` (`-`: standard input), shown as `label` in errors,
    /// refused past `limit` bytes: what is left of the body's budget when
    /// several files make one body.
    pub fn read_within(
        &self,
        name: &[u8],
        label: &str,
        limit: usize,
    ) -> Result<Vec<u8>, CurlError> {
        let over = || {
            CurlError::Caps(if limit >= MAX_BODY_BYTES {
                format!("{label} is over {} MB", MAX_BODY_BYTES >> 20)
            } else {
                format!("{label} takes the body over {} MB", MAX_BODY_BYTES >> 20)
            })
        };
        let limit = limit.min(MAX_BODY_BYTES);
        if name == b"-" {
            let stdin = self.stdin.clone().ok_or_else(|| {
                CurlError::File(format!(
                    "{label} reads standard input, which the imported text does not give"
                ))
            })?;
            return if stdin.len() > limit {
                Err(over())
            } else {
                Ok(stdin)
            };
        }
        let Some(base) = self.base_dir else {
            return Err(CurlError::File(format!(
                "{label} reads a file; import the command from a file next to it (a pasted command has no folder to look in)"
            )));
        };
        let outside = || {
            CurlError::File(format!(
                "{label} is outside the imported file's folder; refused"
            ))
        };
        let relative = Path::new(std::str::from_utf8(name).map_err(|_| outside())?);
        if relative.is_absolute() {
            return Err(outside());
        }
        // A file named without a folder (`import x.sh`) has "" as its
        // parent: the current folder.
        let base = if base.as_os_str().is_empty() {
            Path::new(".")
        } else {
            base
        };
        let base = base
            .canonicalize()
            .map_err(|e| CurlError::File(format!("the import folder: {e}")))?;
        let path = base
            .join(relative)
            .canonicalize()
            .map_err(|e| CurlError::File(format!("{label}: {e}")))?;
        if !path.starts_with(&base) {
            return Err(outside());
        }
        let file =
            std::fs::File::open(&path).map_err(|e| CurlError::File(format!("{label}: {e}")))?;
        let mut bytes = Vec::new();
        file.take(limit as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| CurlError::File(format!("{label}: {e}")))?;
        if bytes.len() > limit {
            return Err(over());
        }
        Ok(bytes)
    }
}

/// `--data-urlencode` forms: `content`, `=content`, `name=content`,
/// `@file`, `name@file`; the content percent-encoded as curl does.
pub(super) fn url_encode_arg(
    arg: &[u8],
    files: &Files<'_>,
    option: &str,
) -> Result<Vec<u8>, CurlError> {
    let eq = arg.iter().position(|&b| b == b'=');
    let at = arg.iter().position(|&b| b == b'@');
    let (name, content) = match (eq, at) {
        (Some(e), a) if a.is_none_or(|a| e < a) => (&arg[..e], arg[e + 1..].to_vec()),
        (_, Some(a)) => (&arg[..a], files.read(&arg[a + 1..], option)?),
        _ => (&arg[..0], arg.to_vec()),
    };
    let mut out = name.to_vec();
    if !name.is_empty() {
        out.push(b'=');
    }
    for &b in &content {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
    Ok(out)
}

pub(super) struct Url {
    /// Absolute, without user info or fragment.
    pub target: String,
    /// Host and port as written.
    pub host: String,
    pub userinfo: Option<Vec<u8>>,
}

/// A URL as curl reads it: `http://` when no scheme is given, the fragment
/// dropped, user info taken out for Basic auth.
pub(super) fn split_url(url: &str) -> Url {
    let url = url.split('#').next().unwrap_or(url);
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (scheme, rest),
        None => ("http", url),
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let (userinfo, host) = match authority.rsplit_once('@') {
        Some((user, host)) => (Some(percent_decode(user)), host),
        None => (None, authority),
    };
    let path = match path.strip_prefix('?') {
        Some(_) => format!("/{path}"),
        None if path.is_empty() => "/".to_owned(),
        None => path.to_owned(),
    };
    Url {
        target: format!("{scheme}://{host}{path}"),
        host: host.to_owned(),
        userinfo,
    }
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}
