//! A window over an input stream for parsers that must look back: the bytes from the current
//! position on, held only until the parser moves past them, with the absolute byte offset and
//! line of the position. A parser that gives up on a broken record resumes inside the bytes it
//! already looked at (the record's start plus one), so the window holds at most one record (the
//! parser's cap) plus one read.

use std::io::{ErrorKind, Read, Result};

/// Bytes asked of the input per read.
const CHUNK: usize = 64 * 1024;

pub(crate) struct Window<R> {
    input: R,
    buf: Vec<u8>,
    /// Current position in `buf`.
    pos: usize,
    /// Absolute offset of `buf[0]`.
    base: u64,
    /// 1-based line of the current position.
    line: u64,
    eof: bool,
}

impl<R: Read> Window<R> {
    pub fn new(input: R) -> Self {
        Window {
            input,
            buf: Vec::with_capacity(CHUNK),
            pos: 0,
            base: 0,
            line: 1,
            eof: false,
        }
    }

    /// Absolute byte offset of the current position.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// 1-based line of the current position.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The bytes held from the current position on.
    pub fn avail(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Reads more of the input into the window; false at its end.
    pub fn more(&mut self) -> Result<bool> {
        if self.eof {
            return Ok(false);
        }
        // Drop what the parser has moved past before growing the buffer.
        if self.pos > 0 && (self.pos >= CHUNK || self.pos * 2 >= self.buf.len()) {
            self.buf.drain(..self.pos);
            self.base += self.pos as u64;
            self.pos = 0;
        }
        let old = self.buf.len();
        self.buf.resize(old + CHUNK, 0);
        let n = loop {
            match self.input.read(&mut self.buf[old..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(e);
                }
            }
        };
        self.buf.truncate(old + n);
        if n == 0 {
            self.eof = true;
        }
        Ok(n > 0)
    }

    /// The bytes from the current position, reading until at least `n` are held or the input
    /// ends.
    pub fn fill(&mut self, n: usize) -> Result<&[u8]> {
        while self.buf.len() - self.pos < n && self.more()? {}
        Ok(self.avail())
    }

    /// Moves the position `n` bytes on (at most to the end of what is held).
    pub fn advance(&mut self, n: usize) {
        let n = n.min(self.buf.len() - self.pos);
        let passed = &self.buf[self.pos..self.pos + n];
        self.line += memchr::memchr_iter(b'\n', passed).count() as u64;
        self.pos += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_lines_and_refills_across_chunks() {
        let mut text = vec![b'a'; CHUNK + 10];
        text[5] = b'\n';
        text[CHUNK + 3] = b'\n';
        let mut w = Window::new(&text[..]);
        assert_eq!(w.fill(CHUNK + 10).unwrap().len(), CHUNK + 10);
        w.advance(6);
        assert_eq!((w.offset(), w.line()), (6, 2));
        w.advance(CHUNK);
        assert_eq!((w.offset(), w.line()), (CHUNK as u64 + 6, 3));
        assert!(!w.more().unwrap());
        assert_eq!(w.avail().len(), 4);
    }
}
