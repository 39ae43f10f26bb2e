//! The requests in a curl transcript, as bytes for the raw reader.
//!
//! - `curl -v`: the request head is the lines starting `> ` (each keeps the
//!   CR curl printed, so a CRLF head stays CRLF); the body is never shown.
//!   Lines `* ` (info), `< ` (the response), `{ [`/`} [` (data sizes) end a
//!   head; each run of `> ` lines is one request.
//! - `--trace-ascii`/`--trace`: each `=> Send header, N bytes` starts a
//!   request and the `=> Send data` blocks after it are its body. Blocks are
//!   rebuilt from their `OFFSET: ` lines to exactly N bytes: `--trace`
//!   prints every byte in hex, so those are exact; `--trace-ascii` prints a
//!   CRLF as a line break (the offsets say where, so it is restored) and
//!   every other byte outside printable ASCII as `.`, which cannot be told
//!   from a real `.`: a body with dots says so in a warning.
//!
//! curl's progress meter may share a line with what follows it (it ends in
//! CR, not LF, when stderr is a file), so a line counts from after its last
//! CR, and leading meter characters (digits, spaces, `-:.kMG%`) before a
//! marker are skipped. `--trace-time` puts `HH:MM:SS.ffffff ` before each
//! marker; the same rule skips it.

/// One request cut out of a transcript.
pub(super) struct Piece {
    /// 1-based line where its head starts.
    pub line: u64,
    /// The request's bytes: head, blank line, body when the transcript has it.
    pub bytes: Vec<u8>,
    /// From `curl -v`, which does not show the body.
    pub verbose: bool,
    /// The body size curl -v printed (`} [144 bytes data]`), when it did.
    pub shown_body: Option<u64>,
    pub warnings: Vec<String>,
    /// Why the request cannot be rebuilt.
    pub error: Option<String>,
}

impl Piece {
    fn new(line: u64, verbose: bool) -> Self {
        Piece {
            line,
            bytes: Vec::new(),
            verbose,
            shown_body: None,
            warnings: Vec::new(),
            error: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Marker {
    /// `> `: a line of the request head.
    Sent,
    /// `* `, `< `, `{ [`, `} [`: anything else of a verbose transcript.
    Other,
    /// `} [N bytes data]`: the size of the body sent.
    SentData,
    /// `=> Send header, N bytes`.
    SendHeader,
    /// `=> Send data, N bytes`.
    SendData,
    /// Any other trace block or info line.
    TraceOther,
}

/// The marker a transcript line starts with, and where its text starts.
pub(super) fn marker(line: &[u8]) -> Option<(Marker, usize)> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let from = line.iter().rposition(|&b| b == b'\r').map_or(0, |i| i + 1);
    let meter = line[from..]
        .iter()
        .take_while(|b| b.is_ascii_digit() || b" .:-kMGTP%".contains(b))
        .count();
    let at = from + meter;
    let rest = &line[at..];
    let kind = if rest.starts_with(b"> ") || rest == b">" {
        Marker::Sent
    } else if rest.starts_with(b"} [") {
        Marker::SentData
    } else if rest.starts_with(b"* ") || rest.starts_with(b"< ") || rest.starts_with(b"{ [") {
        Marker::Other
    } else if rest.starts_with(b"=> Send header") {
        Marker::SendHeader
    } else if rest.starts_with(b"=> Send data") {
        Marker::SendData
    } else if rest.starts_with(b"== Info:") || rest.starts_with(b"=> ") || rest.starts_with(b"<= ")
    {
        Marker::TraceOther
    } else {
        return None;
    };
    Some((kind, at))
}

/// Every request of a transcript, in order.
pub(super) fn pieces(text: &[u8]) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut current: Option<Piece> = None;
    // A verbose head whose `> ` lines are still coming.
    let mut head_open = false;
    // The trace block being read.
    let mut block: Option<Block> = None;
    for (index, raw_line) in text.split(|&b| b == b'\n').enumerate() {
        let number = index as u64 + 1;
        let Some((kind, at)) = marker(raw_line) else {
            match &mut block {
                Some(block) => block.lines.push((number, raw_line)),
                // A line a verbose transcript does not mark (the response
                // body, the command itself) ends a head.
                None => end_head(&mut current, &mut head_open),
            }
            continue;
        };
        if let Some(done) = block.take() {
            finish_block(done, &mut current);
        }
        match kind {
            Marker::Sent => {
                if !head_open {
                    out.extend(current.take());
                    current = Some(Piece::new(number, true));
                    head_open = true;
                }
                let Some(piece) = current.as_mut() else {
                    continue;
                };
                let content = raw_line.get(at + 2..).unwrap_or(b"");
                piece.bytes.extend_from_slice(content);
                piece.bytes.push(b'\n');
                if content.strip_suffix(b"\r").unwrap_or(content).is_empty() {
                    // The blank `> ` line: the head is complete.
                    head_open = false;
                }
            }
            Marker::SentData => {
                end_head(&mut current, &mut head_open);
                if let Some(piece) = current.as_mut().filter(|p| p.verbose) {
                    piece.shown_body = piece.shown_body.or_else(|| data_size(&raw_line[at..]));
                }
            }
            Marker::Other => end_head(&mut current, &mut head_open),
            Marker::SendHeader => {
                end_head(&mut current, &mut head_open);
                out.extend(current.take());
                current = Some(Piece::new(number, false));
                block = Some(Block::new(&raw_line[at..], number, true));
            }
            Marker::SendData if current.as_ref().is_some_and(|p| !p.verbose) => {
                block = Some(Block::new(&raw_line[at..], number, false));
            }
            Marker::SendData | Marker::TraceOther => {}
        }
    }
    if let Some(done) = block.take() {
        finish_block(done, &mut current);
    }
    end_head(&mut current, &mut head_open);
    out.extend(current);
    out
}

/// Ends a verbose head. One that ended without its blank `> ` line still
/// ended (what followed says so): the blank line is added.
fn end_head(current: &mut Option<Piece>, head_open: &mut bool) {
    if std::mem::take(head_open)
        && let Some(piece) = current.as_mut()
    {
        piece.bytes.extend_from_slice(b"\r\n");
    }
}

struct Block<'t> {
    /// Declared size.
    size: Option<usize>,
    line: u64,
    head: bool,
    lines: Vec<(u64, &'t [u8])>,
}

impl<'t> Block<'t> {
    fn new(marker_text: &[u8], line: u64, head: bool) -> Self {
        Block {
            size: declared_size(marker_text),
            line,
            head,
            lines: Vec::new(),
        }
    }
}

/// `=> Send header, 185 bytes (0xb9)` → 185.
fn declared_size(text: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(text).ok()?;
    let after = text.split_once(", ")?.1;
    after.split(' ').next()?.parse().ok()
}

/// `} [144 bytes data]` → 144.
fn data_size(text: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(text).ok()?;
    text.strip_prefix("} [")?.split(' ').next()?.parse().ok()
}

fn finish_block(block: Block<'_>, current: &mut Option<Piece>) {
    let Some(piece) = current.as_mut() else {
        return;
    };
    if piece.error.is_some() {
        return;
    }
    match rebuild(&block) {
        Ok((bytes, exact)) => {
            if !exact && !block.head && bytes.contains(&b'.') {
                piece.warnings.push(
                    "--trace-ascii prints bytes outside printable ASCII (line feeds, tabs, UTF-8) as '.'; this body has dots that may stand for other bytes (curl --trace - shows them exactly)".into(),
                );
            }
            piece.bytes.extend_from_slice(&bytes);
        }
        Err(why) => {
            piece.error = Some(format!(
                "the trace block at line {} cannot be rebuilt: {why}",
                block.line
            ))
        }
    }
}

/// The bytes of a block, and whether they are exact (hex) rather than
/// ASCII with stand-ins.
fn rebuild(block: &Block<'_>) -> Result<(Vec<u8>, bool), String> {
    let size = block.size.ok_or("its size is not given")?;
    let mut lines = Vec::with_capacity(block.lines.len());
    for &(number, line) in &block.lines {
        if line.is_empty() {
            continue;
        }
        let (offset, text) =
            split_offset(line).ok_or_else(|| format!("line {number} is not `OFFSET: data`"))?;
        lines.push((number, offset, text));
    }
    if let Some(bytes) = rebuild_hex(&lines, size) {
        return Ok((bytes, true));
    }
    let mut bytes = Vec::with_capacity(size);
    for (i, &(number, offset, text)) in lines.iter().enumerate() {
        if offset != bytes.len() {
            return Err(format!(
                "line {number} starts at {offset:#x}, not {:#x}",
                bytes.len()
            ));
        }
        bytes.extend_from_slice(text);
        let next = lines.get(i + 1).map_or(size, |&(_, o, _)| o);
        match next.checked_sub(bytes.len()) {
            Some(0) => {}
            // The line ended in CRLF, which --trace-ascii prints as a break.
            Some(2) => bytes.extend_from_slice(b"\r\n"),
            _ => return Err(format!("line {number} does not end where the next begins")),
        }
    }
    if bytes.len() != size {
        return Err(format!("{} bytes, not the {size} it declares", bytes.len()));
    }
    Ok((bytes, false))
}

/// `--trace`'s hex layout: up to 16 `xx ` pairs per line, then the ASCII
/// column; every line but the last full, and the total as declared.
fn rebuild_hex(lines: &[(u64, usize, &[u8])], size: usize) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(size);
    for (i, &(_, offset, text)) in lines.iter().enumerate() {
        if offset != bytes.len() {
            return None;
        }
        let before = bytes.len();
        for k in 0..16 {
            let cell = text.get(3 * k..3 * k + 3)?;
            if cell == b"   " {
                break;
            }
            if cell[2] != b' ' {
                return None;
            }
            let pair = std::str::from_utf8(&cell[..2]).ok()?;
            bytes.push(u8::from_str_radix(pair, 16).ok()?);
        }
        let count = bytes.len() - before;
        if count == 0 || (count < 16 && i + 1 != lines.len()) {
            return None;
        }
    }
    (bytes.len() == size).then_some(bytes)
}

/// `00a2: text` → (0xa2, text).
fn split_offset(line: &[u8]) -> Option<(usize, &[u8])> {
    let colon = line.iter().position(|&b| b == b':')?;
    let hex = std::str::from_utf8(&line[..colon]).ok()?;
    if hex.len() < 4 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let offset = usize::from_str_radix(hex, 16).ok()?;
    let text = line[colon + 1..]
        .strip_prefix(b" ")
        .unwrap_or(&line[colon + 1..]);
    Some((offset, text))
}
