//! The first pass: a sieve over the normalised text that says when no term of the first pass
//! (a rule's term or a debt-cue concept's term) can occur in it, so that most messages are
//! done after normalising and a look or two per word.
//!
//! Sound, not exact: it never says "none" when a term occurs on its word boundaries, and says
//! "maybe" for some texts that hold none (the full reading then finds nothing). A term whose
//! first char is a Latin letter or digit counts only where a word starts (`Term::matches_at`),
//! so Latin terms are looked for at word starts alone, by their first three letters (an exact
//! bit set of 37^3 bits), then by their first 16 bytes (or all of them); a term of one or two
//! letters must also end a word. Any other term is looked for at every char that is not ASCII,
//! by its first char, its first two, then its first four (or all of it, when shorter); a
//! one-char term whole. The bit sets take a few tens of kilobytes, so a look stays in the CPU's
//! near caches, unlike a step of an Aho-Corasick automaton over two thousand terms (megabytes).

use super::normalize::{load, utf8_len, Normalized};

/// Longest Latin key of the second look, in bytes: a term's first 16 bytes tell "coming to your
/// house" from "coming home" (most Latin terms are phrases, and they start with common words).
const LATIN_KEY: usize = 16;
/// Symbols of a Latin key's first three bytes: a-z, 0-9, anything else.
const SYMS: usize = 37;

/// A hashed bit set of `2^bits` bits (a key found there may be another's: a look that says
/// "maybe").
#[derive(Debug, Clone)]
struct Bits {
    words: Vec<u64>,
    shift: u32,
}

impl Bits {
    fn new(bits: u32) -> Bits {
        Bits {
            words: vec![0u64; 1 << (bits - 6)],
            shift: 64 - bits,
        }
    }

    #[inline]
    fn index(&self, key: u64, salt: u64) -> usize {
        ((key ^ salt).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    fn insert(&mut self, key: u64, salt: u64) {
        let i = self.index(key, salt);
        self.words[i >> 6] |= 1 << (i & 63);
    }

    #[inline]
    fn has(&self, key: u64, salt: u64) -> bool {
        let i = self.index(key, salt);
        self.words[i >> 6] & (1 << (i & 63)) != 0
    }
}

/// An exact bit set of small numbers.
#[derive(Debug, Clone)]
struct Exact(Vec<u64>);

impl Exact {
    fn new(n: usize) -> Exact {
        Exact(vec![0u64; n.div_ceil(64)])
    }

    fn insert(&mut self, i: usize) {
        self.0[i >> 6] |= 1 << (i & 63);
    }

    #[inline]
    fn has(&self, i: usize) -> bool {
        self.0[i >> 6] & (1 << (i & 63)) != 0
    }
}

/// The sieve of a set of normalised terms.
#[derive(Debug, Clone)]
pub(crate) struct Sieve {
    /// Latin terms of one byte, by symbol, and of two bytes, by `SYMS` + their two symbols
    /// (both must end a word).
    latin12: Exact,
    /// Latin terms of three bytes or more, by their first three symbols.
    latin3: Exact,
    /// Per word of `latin3`: how many bits the words before it hold (the rank of a prefix).
    latin3_rank: Vec<u16>,
    /// Per prefix of `latin3`, by rank: the kinds of key its terms have in `latin_keys`, bit
    /// `2(n - 3) + 1` for a whole term of `n` bytes that ends in a Latin letter or digit (so on
    /// a word's end), bit `2(n - 3)` for any other key of `n` bytes.
    latin3_kinds: Vec<u32>,
    /// Second look for those: their first 3 to [`LATIN_KEY`] bytes, salted by the key's kind.
    latin_keys: Bits,
    /// Other terms of two chars or more, by their first two chars.
    pair: Bits,
    /// Second look for those: a term of two or three chars whole, a longer one by its first
    /// four; and every other term by its first char (most chars of a text start none), a term
    /// of one char whole.
    long: Bits,
}

const SALT_FIRST: u64 = 0xD6E8_FEB8_6659_FD93;
const SALT_SINGLE: u64 = 0x9E6C_63D0_676A_9A99;
const SALT_PAIR_WHOLE: u64 = 0x5851_F42D_4C95_7F2D;
const SALT_TRIPLE_WHOLE: u64 = 0x1405_7B7E_F767_814F;
const SALT_QUAD: u64 = 0x2545_F491_4F6C_DD1D;
/// The first four bytes of a Latin term of four or more, in `latin_keys`.
const SALT_LATIN4: u64 = 0xA076_1D64_78BD_642F;

/// The low `n` bytes of `v` (n <= 8).
#[inline(always)]
fn low(v: u64, n: usize) -> u64 {
    if n >= 8 {
        v
    } else {
        v & ((1u64 << (8 * n)) - 1)
    }
}

/// The first `n` bytes of `t` from `at` (n <= 16) as one key (for n <= 4, a char's UTF-8
/// bytes as the trie keys it).
#[inline(always)]
pub(crate) fn key(t: &[u8], at: usize, n: usize) -> u64 {
    if n <= 8 {
        low(load(t, at), n)
    } else {
        load(t, at) ^ low(load(t, at + 8), n - 8).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
    }
}

/// The symbol of a Latin key's byte: a-z, 0-9, anything else (or the text's end).
#[inline]
fn sym(t: &[u8], at: usize) -> usize {
    match t.get(at) {
        Some(&b @ b'a'..=b'z') => (b - b'a') as usize,
        Some(&b @ b'0'..=b'9') => 26 + (b - b'0') as usize,
        _ => SYMS - 1,
    }
}

/// Byte lengths of the first one to four chars of `t` from `at` (each capped at the text's
/// end).
#[inline]
fn char_ends(t: &[u8], at: usize) -> [usize; 4] {
    let n1 = utf8_len(t[at]);
    let n2 = n1 + t.get(at + n1).map_or(0, |&b| utf8_len(b));
    let n3 = n2 + t.get(at + n2).map_or(0, |&b| utf8_len(b));
    let n4 = n3 + t.get(at + n3).map_or(0, |&b| utf8_len(b));
    let cap = t.len() - at;
    [n1.min(cap), n2.min(cap), n3.min(cap), n4.min(cap)]
}

impl Sieve {
    /// The sieve of `terms` (normalised; empty ones are skipped).
    // Not inlined: the Android library is built for size, and this runs three times at
    // start-up.
    #[inline(never)]
    pub(crate) fn new(terms: &[&str]) -> Sieve {
        // Kinds of key per Latin prefix of three symbols: (prefix, kind bit), merged below.
        let mut kinds: Vec<(usize, u32)> = Vec::new();
        let mut s = Sieve {
            latin12: Exact::new(SYMS + SYMS * SYMS),
            latin3: Exact::new(SYMS * SYMS * SYMS),
            latin3_rank: Vec::new(),
            latin3_kinds: Vec::new(),
            latin_keys: Bits::new(16),
            pair: Bits::new(18),
            long: Bits::new(17),
        };
        for t in terms {
            let b = t.as_bytes();
            let Some(&first) = b.first() else { continue };
            if first < 0x80 {
                match b.len() {
                    1 => s.latin12.insert(sym(b, 0)),
                    2 => s.latin12.insert(SYMS + sym(b, 0) * SYMS + sym(b, 1)),
                    _ => {
                        let prefix = (sym(b, 0) * SYMS + sym(b, 1)) * SYMS + sym(b, 2);
                        s.latin3.insert(prefix);
                        let n = b.len().min(LATIN_KEY);
                        let whole = n == b.len() && b[n - 1].is_ascii_alphanumeric();
                        let kind = 2 * (n - 3) + whole as usize;
                        s.latin_keys.insert(key(b, 0, n), kind as u64);
                        if n >= 4 {
                            s.latin_keys.insert(key(b, 0, 4), SALT_LATIN4);
                        }
                        kinds.push((prefix, 1 << kind));
                    }
                }
            } else {
                let [n1, n2, n3, n4] = char_ends(b, 0);
                s.long.insert(key(b, 0, n1), SALT_FIRST);
                if n1 == b.len() {
                    s.long.insert(key(b, 0, n1), SALT_SINGLE);
                } else {
                    s.pair.insert(key(b, 0, n2), 0);
                    if n2 == b.len() {
                        s.long.insert(key(b, 0, n2), SALT_PAIR_WHOLE);
                    } else if n3 == b.len() {
                        s.long.insert(key(b, 0, n3), SALT_TRIPLE_WHOLE);
                    } else {
                        s.long.insert(key(b, 0, n4), SALT_QUAD);
                    }
                }
            }
        }
        let mut rank = 0u16;
        for w in &s.latin3.0 {
            s.latin3_rank.push(rank);
            rank += w.count_ones() as u16;
        }
        // In prefix order, which is rank order.
        crate::sort::sort_by_key(&mut kinds, |&(prefix, _)| prefix);
        let mut last = usize::MAX;
        for (prefix, k) in kinds {
            match s.latin3_kinds.last_mut() {
                Some(ks) if prefix == last => *ks |= k,
                _ => s.latin3_kinds.push(k),
            }
            last = prefix;
        }
        s
    }

    /// Whether a term of the sieve may occur in `norm` (false: surely none does).
    ///
    /// Visits only the bytes that can start a term, 64 at a time: a word's start (ASCII or
    /// not) and the lead byte of every char that is not ASCII.
    pub(crate) fn maybe(&self, norm: &Normalized) -> bool {
        norm.term_starts().any(|i| self.maybe_at(norm, i))
    }

    /// Whether a term of the sieve may start at byte `i` of `norm`, one of its
    /// [`Normalized::term_starts`] (false: surely none does).
    #[inline(always)]
    pub(crate) fn maybe_at(&self, norm: &Normalized, i: usize) -> bool {
        let t = norm.text.as_bytes();
        if t[i] < 0x80 {
            self.latin_at(norm, t, i)
        } else {
            self.other_at(t, i)
        }
    }

    /// Whether a term that is not Latin may start at the lead byte `i`.
    #[inline(always)]
    fn other_at(&self, t: &[u8], i: usize) -> bool {
        let n1 = utf8_len(t[i]).min(t.len() - i);
        let k1 = key(t, i, n1);
        if !self.long.has(k1, SALT_FIRST) {
            return false;
        }
        if self.long.has(k1, SALT_SINGLE) {
            return true;
        }
        let [_, n2, n3, n4] = char_ends(t, i);
        n2 > n1
            && self.pair.has(key(t, i, n2), 0)
            && (self.long.has(key(t, i, n2), SALT_PAIR_WHOLE)
                || (n3 > n2 && self.long.has(key(t, i, n3), SALT_TRIPLE_WHOLE))
                || (n4 > n3 && self.long.has(key(t, i, n4), SALT_QUAD)))
    }

    /// Whether a Latin term may start at `i`, an ASCII byte where a word starts.
    #[inline(always)]
    fn latin_at(&self, norm: &Normalized, t: &[u8], i: usize) -> bool {
        let (s0, s1) = (sym(t, i), sym(t, i + 1));
        if self.latin12.has(s0) && norm.boundary_at(i + 1) {
            return true;
        }
        if i + 2 <= t.len() && self.latin12.has(SYMS + s0 * SYMS + s1) && norm.boundary_at(i + 2) {
            return true;
        }
        let prefix = (s0 * SYMS + s1) * SYMS + sym(t, i + 2);
        let word = self.latin3.0[prefix >> 6];
        let bit = 1u64 << (prefix & 63);
        if word & bit == 0 {
            return false;
        }
        let rank =
            self.latin3_rank[prefix >> 6] as usize + (word & (bit - 1)).count_ones() as usize;
        let mut kinds = self.latin3_kinds[rank];
        // A prefix of three is shared by many terms ("you owe", "your family", ...): the
        // longer ones also need the text's first four bytes to be a term's.
        if kinds > 0b11 && !(i + 4 <= t.len() && self.latin_keys.has(key(t, i, 4), SALT_LATIN4)) {
            kinds &= 0b11;
        }
        while kinds != 0 {
            let kind = kinds.trailing_zeros() as usize;
            kinds &= kinds - 1;
            let n = kind / 2 + 3;
            let fits = i + n <= t.len() && (kind & 1 == 0 || norm.boundary_at(i + n));
            if fits && self.latin_keys.has(key(t, i, n), kind as u64) {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::normalize::{normalize_term, normalize_text_only, Fold};

    fn sieve_says(terms: &[&str], texts: &[&str]) -> Vec<bool> {
        let fold = Fold::new(&[], &[]).unwrap();
        let terms: Vec<String> = terms.iter().map(|t| normalize_term(t, &fold)).collect();
        let terms: Vec<&str> = terms.iter().map(String::as_str).collect();
        let sieve = Sieve::new(&terms);
        let mut norm = Normalized::default();
        (texts.iter())
            .map(|t| {
                normalize_text_only(t, &fold, &mut norm);
                sieve.maybe(&norm)
            })
            .collect()
    }

    /// The sieve of `terms` says "maybe" for each of `hits` and "none" for each of `misses`.
    fn check(terms: &[&str], hits: &[&str], misses: &[&str]) {
        assert_eq!(sieve_says(terms, hits), vec![true; hits.len()], "{hits:?}");
        assert_eq!(
            sieve_says(terms, misses),
            vec![false; misses.len()],
            "{misses:?}"
        );
    }

    #[test]
    fn finds_latin_terms_at_word_starts_only() {
        check(
            &["k", "na", "pay", "your family", "p2p", "overdue"],
            &[
                "ok k",
                "NA",
                "pay now",
                "Your Family!",
                "y o u r  f a m i l y",
                "P2P app",
                "ＯＶＥＲＤＵＥ",
                "so, pay.",
                "tell your family",
            ],
            &[
                "okay",
                "nab",
                "payment",
                "repay",
                "yours faithfully",
                "p2",
                "overdo it",
                "",
                "😀",
            ],
        );
    }

    #[test]
    fn finds_other_terms_anywhere() {
        check(
            &["欠", "逾期", "催收员", "上门拜访你", "a货"],
            &[
                "你欠了",
                "已逾期",
                "已 逾 期",
                "催收员来了",
                "明天上门拜访你家",
                "卖A货",
            ],
            &["逾越", "催收", "期逾", "上门", "你好", "ab"],
        );
    }

    #[test]
    fn reads_long_texts_across_blocks() {
        // The term sits after the first 64 bytes, and at the very end.
        let long = format!("{} pay", "word ".repeat(40));
        let cjk = format!("{}逾期", "你好".repeat(40));
        assert_eq!(
            sieve_says(&["pay", "逾期"], &[&long, &cjk, &long[..long.len() - 3]]),
            [true, true, false]
        );
    }
}
