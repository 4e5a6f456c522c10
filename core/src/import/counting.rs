//! A `BufRead` wrapper that counts consumed bytes and newlines, so that parsers which do not track
//! lines (quick-xml) can still report a malformed record's line, and the CLI can show progress.

use std::cell::Cell;
use std::io::{BufRead, Read, Result};
use std::rc::Rc;

/// Shared view of how far a [`CountingReader`] has got.
#[derive(Clone, Default)]
pub struct Counter {
    bytes: Rc<Cell<u64>>,
    newlines: Rc<Cell<u64>>,
}

impl Counter {
    /// Bytes consumed so far.
    pub fn bytes(&self) -> u64 {
        self.bytes.get()
    }
    /// 1-based line number of the next unconsumed byte.
    pub fn line(&self) -> u64 {
        self.newlines.get() + 1
    }
}

pub struct CountingReader<R> {
    inner: R,
    counter: Counter,
}

impl<R: BufRead> CountingReader<R> {
    pub fn new(inner: R) -> Self {
        CountingReader {
            inner,
            counter: Counter::default(),
        }
    }
    pub fn counter(&self) -> Counter {
        self.counter.clone()
    }
}

impl<R: BufRead> Read for CountingReader<R> {
    fn read(&mut self, out: &mut [u8]) -> Result<usize> {
        let n = {
            let buf = self.fill_buf()?;
            let n = buf.len().min(out.len());
            out[..n].copy_from_slice(&buf[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for CountingReader<R> {
    fn fill_buf(&mut self) -> Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        // The buffer is already filled (consume follows fill_buf), so this does no I/O.
        if let Ok(buf) = self.inner.fill_buf() {
            let n = memchr::memchr_iter(b'\n', &buf[..amt.min(buf.len())]).count() as u64;
            self.counter.newlines.set(self.counter.newlines.get() + n);
        }
        self.counter
            .bytes
            .set(self.counter.bytes.get() + amt as u64);
        self.inner.consume(amt);
    }
}
