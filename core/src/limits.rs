//! Bounded reads, so that hostile input (a file with no newline, `/dev/zero` as a lexicon, a
//! 400 MB field) costs a clear error instead of all the memory there is. Each cap is far above
//! what real data needs; docs/RELIABILITY.md has the peak memory measured on such inputs.

use crate::error::{Error, Result};
use crate::model::MAX_BODY_BYTES;
use std::io::{BufRead, Read};
use std::path::Path;

/// Longest line of a JSON Lines input (a message at the body limit, with JSON escaping).
pub const MAX_LINE: usize = MAX_BODY_BYTES * 2 + 64 * 1024;

/// Largest lexicon, rule pack or collector list read from a file (the builtin lexicon is
/// 35 KB).
pub const MAX_DATA_FILE: u64 = 16 * 1024 * 1024;

/// Reads through the next newline into `out`, keeping at most `cap` bytes; true if the line
/// was longer (its remainder is consumed and dropped, `out` is left empty). At the end of the
/// input `out` stays empty and the result is false.
pub fn read_line_capped(
    r: &mut impl BufRead,
    out: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<bool> {
    let mut over = false;
    loop {
        let buf = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(over);
        }
        let (chunk, done) = match memchr::memchr(b'\n', buf) {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        let n = chunk.len();
        if !over && out.len() + n <= cap {
            out.extend_from_slice(chunk);
        } else {
            over = true;
            out.clear();
        }
        r.consume(n);
        if done {
            return Ok(over);
        }
    }
}

/// Reads a whole data file as UTF-8 text, refusing one larger than `cap` bytes (checked while
/// reading, so a device or pipe that never ends is refused too).
pub fn read_text_file(path: &Path, cap: u64) -> Result<String> {
    let io = |e: std::io::Error| {
        Error::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        ))
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(cap + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    if bytes.len() as u64 > cap {
        return Err(Error::InvalidInput(format!(
            "{} is larger than {} MiB: not a dunwatch data file",
            path.display(),
            cap >> 20
        )));
    }
    String::from_utf8(bytes)
        .map_err(|e| Error::InvalidInput(format!("{} is not UTF-8 text: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_over_the_cap_is_dropped_and_the_next_read() {
        let mut input = std::io::BufReader::with_capacity(4, &b"abcdefgh\nxy\n"[..]);
        let mut out = Vec::new();
        assert!(read_line_capped(&mut input, &mut out, 5).unwrap());
        assert!(out.is_empty());
        assert!(!read_line_capped(&mut input, &mut out, 5).unwrap());
        assert_eq!(out, b"xy\n");
    }

    #[test]
    fn an_endless_file_is_refused() {
        let e = read_text_file(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(e.to_string().contains("larger than 1 MiB"), "{e}");
    }
}
