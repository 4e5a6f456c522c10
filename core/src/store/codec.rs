//! Canonical byte encoding of evidence rows and the SHA-256 chain over them.
//!
//! The encoding is explicit (tagged, length-prefixed, fixed field order) rather than JSON so that
//! it can never change with a serde or library upgrade: a hash computed today must verify in ten
//! years. Changing it means a new domain string, never an edit of this one.

use sha2::{Digest, Sha256};

/// Hash that starts every chain.
pub const GENESIS: [u8; 32] = [0u8; 32];

/// Builder of the canonical encoding.
pub struct Canon {
    buf: Vec<u8>,
}

impl Canon {
    /// Starts an encoding for one row of `table` in the chain.
    pub fn new(domain: &str) -> Self {
        let mut c = Canon {
            buf: Vec::with_capacity(256),
        };
        c.str(domain);
        c
    }
    /// Starts over for another row of the same kind, keeping the buffer.
    pub fn reset(&mut self, domain: &str) -> &mut Self {
        self.buf.clear();
        self.str(domain)
    }
    pub fn i64(&mut self, v: i64) -> &mut Self {
        self.buf.push(b'i');
        self.buf.extend_from_slice(&v.to_be_bytes());
        self
    }
    pub fn opt_i64(&mut self, v: Option<i64>) -> &mut Self {
        match v {
            Some(v) => self.i64(v),
            None => {
                self.buf.push(b'n');
                self
            }
        }
    }
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }
    pub fn opt_str(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            Some(s) => self.str(s),
            None => {
                self.buf.push(b'n');
                self
            }
        }
    }
    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.buf.push(b's');
        self.buf.extend_from_slice(&(b.len() as u64).to_be_bytes());
        self.buf.extend_from_slice(b);
        self
    }
    pub fn finish(&self) -> &[u8] {
        &self.buf
    }

    /// Chain hash: SHA-256 over the previous row's hash and this row's encoding.
    pub fn chain_hash(&self, prev: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(prev);
        h.update(&self.buf);
        h.finalize().into()
    }

    /// Plain SHA-256 of the encoding (used for de-duplication keys).
    pub fn digest(&self) -> [u8; 32] {
        Sha256::digest(&self.buf).into()
    }
}

/// Lower-case hex, for hashes shown to people.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Parses lower- or upper-case hex.
pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_is_unambiguous() {
        // "ab"+"c" must not equal "a"+"bc".
        let mut a = Canon::new("t");
        a.str("ab").str("c");
        let mut b = Canon::new("t");
        b.str("a").str("bc");
        assert_ne!(a.digest(), b.digest());
        let mut c = Canon::new("t");
        c.opt_i64(None);
        let mut d = Canon::new("t");
        d.opt_str(None);
        // None is the same tag in both, but the field order fixes the meaning.
        assert_eq!(c.digest(), d.digest());
    }

    #[test]
    fn hex_round_trip() {
        let h = [0u8, 1, 0xab, 0xff];
        assert_eq!(hex(&h), "0001abff");
        assert_eq!(from_hex("0001ABff").unwrap(), h);
        assert!(from_hex("abc").is_none());
    }
}
