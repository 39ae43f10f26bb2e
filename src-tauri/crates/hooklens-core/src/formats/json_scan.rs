//! A structural JSON scanner over a reader, for walking a large document
//! (a HAR file) without holding it: it finds where values start and end,
//! skips those not wanted and copies out those wanted, up to a cap. It
//! does not validate what it skips beyond its structure; what it copies is
//! parsed by serde_json afterwards, which does. Iterative, so nesting costs
//! a counter, not stack; nesting is still capped at [`MAX_DEPTH`].

use std::io::BufRead;

use super::MAX_DEPTH;

#[derive(Debug, thiserror::Error)]
pub(super) enum ScanError {
    #[error("the file ends at line {line}: it is cut short")]
    Eof { line: u64 },
    #[error("line {line}: unexpected `{found}` (expected {expected})")]
    Unexpected {
        line: u64,
        found: String,
        expected: &'static str,
    },
    #[error("line {line}: nested deeper than {MAX_DEPTH} levels")]
    TooDeep { line: u64 },
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
}

pub(super) struct Scanner<R> {
    input: R,
    /// 1-based line of the next byte.
    pub line: u64,
}

/// What capturing a value found.
pub(super) enum Captured {
    Whole,
    /// The value was longer than the cap; it was skipped to its end.
    TooLarge,
}

impl<R: BufRead> Scanner<R> {
    pub fn new(input: R) -> Self {
        Scanner { input, line: 1 }
    }

    /// The next byte that is not whitespace, not consumed; None at the end.
    pub fn peek(&mut self) -> Result<Option<u8>, ScanError> {
        loop {
            let buf = self.input.fill_buf()?;
            if buf.is_empty() {
                return Ok(None);
            }
            let ws = buf
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                .count();
            self.line += buf[..ws].iter().filter(|&&b| b == b'\n').count() as u64;
            let found = buf.get(ws).copied();
            self.input.consume(ws);
            if found.is_some() {
                return Ok(found);
            }
        }
    }

    fn bump(&mut self) {
        self.input.consume(1);
    }

    /// Consumes `want` (after whitespace), or says what was there.
    pub fn expect(&mut self, want: u8, expected: &'static str) -> Result<(), ScanError> {
        match self.peek()? {
            Some(b) if b == want => {
                self.bump();
                Ok(())
            }
            Some(b) => Err(self.unexpected(b, expected)),
            None => Err(ScanError::Eof { line: self.line }),
        }
    }

    pub fn unexpected(&self, found: u8, expected: &'static str) -> ScanError {
        ScanError::Unexpected {
            line: self.line,
            found: if found.is_ascii_graphic() {
                (found as char).to_string()
            } else {
                format!("\\x{found:02x}")
            },
            expected,
        }
    }

    /// An object key, decoded (keys longer than 4 KB are no key this
    /// reader wants: they come back empty, skipped to their end).
    pub fn key(&mut self) -> Result<String, ScanError> {
        let mut raw = Vec::new();
        match self.peek()? {
            Some(b'"') => {}
            Some(b) => return Err(self.unexpected(b, "a key")),
            None => return Err(ScanError::Eof { line: self.line }),
        }
        let whole = self.string(Some(&mut raw), 4096)?;
        self.expect(b':', "`:` after a key")?;
        if !whole {
            return Ok(String::new());
        }
        Ok(serde_json::from_slice::<String>(&raw).unwrap_or_default())
    }

    /// Skips one value.
    pub fn skip(&mut self) -> Result<(), ScanError> {
        self.value(None, 0).map(|_| ())
    }

    /// Copies one value into `sink` (whitespace outside strings left out),
    /// up to `cap` bytes; past the cap it is skipped to its end.
    pub fn capture(&mut self, sink: &mut Vec<u8>, cap: usize) -> Result<Captured, ScanError> {
        self.value(Some(sink), cap)
    }

    fn value(&mut self, mut sink: Option<&mut Vec<u8>>, cap: usize) -> Result<Captured, ScanError> {
        let mut depth = 0usize;
        let mut whole = true;
        loop {
            let Some(b) = self.peek()? else {
                return Err(ScanError::Eof { line: self.line });
            };
            if let Some(s) = sink.as_deref_mut()
                && s.len() > cap
            {
                whole = false;
                s.clear();
                sink = None;
            }
            match b {
                b'{' | b'[' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(ScanError::TooDeep { line: self.line });
                    }
                    push(&mut sink, &[b]);
                    self.bump();
                    continue;
                }
                b'}' | b']' => {
                    if depth == 0 {
                        return Err(self.unexpected(b, "a value"));
                    }
                    depth -= 1;
                    push(&mut sink, &[b]);
                    self.bump();
                }
                b',' | b':' if depth > 0 => {
                    push(&mut sink, &[b]);
                    self.bump();
                    continue;
                }
                b'"' => {
                    let room = cap.saturating_sub(sink.as_deref().map_or(0, Vec::len));
                    let copying = sink.is_some();
                    if !self.string(sink.as_deref_mut(), room)? && copying {
                        whole = false;
                        if let Some(s) = sink.take() {
                            s.clear();
                        }
                    }
                }
                b if b.is_ascii_alphanumeric() || b == b'-' || b == b'+' || b == b'.' => {
                    self.scalar(&mut sink)?
                }
                b => return Err(self.unexpected(b, "a value")),
            }
            if depth == 0 {
                return Ok(if whole {
                    Captured::Whole
                } else {
                    Captured::TooLarge
                });
            }
        }
    }

    /// A number, `true`, `false` or `null`: its bytes up to a delimiter.
    fn scalar(&mut self, sink: &mut Option<&mut Vec<u8>>) -> Result<(), ScanError> {
        loop {
            let buf = self.input.fill_buf()?;
            if buf.is_empty() {
                return Ok(());
            }
            let n = buf
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.'))
                .count();
            push(sink, &buf[..n]);
            let ended = n < buf.len();
            self.input.consume(n);
            if ended {
                return Ok(());
            }
        }
    }

    /// A string, quotes and escapes included as written; false when it was
    /// over `room` bytes (the rest is skipped, not copied).
    fn string(&mut self, mut sink: Option<&mut Vec<u8>>, room: usize) -> Result<bool, ScanError> {
        self.bump();
        let mut copied = 1usize;
        push(&mut sink, b"\"");
        let mut escaped = false;
        loop {
            let buf = self.input.fill_buf()?;
            if buf.is_empty() {
                return Err(ScanError::Eof { line: self.line });
            }
            let mut end = None;
            for (i, &b) in buf.iter().enumerate() {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    end = Some(i);
                    break;
                }
            }
            let take = end.map_or(buf.len(), |i| i + 1);
            self.line += buf[..take].iter().filter(|&&b| b == b'\n').count() as u64;
            copied += take;
            if copied > room {
                if let Some(s) = sink.take() {
                    s.clear();
                }
            } else {
                push(&mut sink, &buf[..take]);
            }
            self.input.consume(take);
            if end.is_some() {
                return Ok(copied <= room);
            }
        }
    }
}

fn push(sink: &mut Option<&mut Vec<u8>>, bytes: &[u8]) {
    if let Some(s) = sink.as_deref_mut() {
        s.extend_from_slice(bytes);
    }
}
