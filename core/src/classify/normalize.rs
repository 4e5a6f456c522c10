//! Text normalisation before matching, with a map back to the original text.
//!
//! Collectors dodge keyword filters with full-width letters, inserted spaces and symbols
//! (`逾 期`, `还*款`, `y u q i`), digits for letters (`p0lice`) and Traditional characters. The
//! normalised text folds all of that away; every normalised byte remembers the char index of the
//! original char it came from, so matches can be reported as spans of the ORIGINAL text.

/// Longest input looked at, in chars; the rest of a (pathological) message is ignored. A
/// concatenated SMS is at most a few thousand chars; the cap bounds the work per message.
pub(crate) const MAX_CHARS: usize = 1 << 16;

/// First code point of the dense fold table (covers CJK punctuation, Extension A, the URO and
/// the compatibility ideographs).
const FOLD_BASE: u32 = 0x3000;
const FOLD_END: u32 = 0xFB00;

/// Character folding: Traditional -> Simplified plus the lexicon's own extra pairs.
#[derive(Debug, Clone)]
pub(crate) struct Fold {
    table: Box<[char]>,
}

impl Fold {
    /// Builds the table from `t2s` (pairs of chars one after the other, traditional then
    /// simplified, in UTF-16LE as build.rs writes them from data/lexicon/t2s.txt) and extra
    /// pairs.
    pub(crate) fn new(t2s: &[u8], extra: &[(char, char)]) -> Result<Fold, String> {
        let mut table = vec!['\0'; (FOLD_END - FOLD_BASE) as usize].into_boxed_slice();
        let mut set = |from: char, to: char, what: &str| -> Result<(), String> {
            let c = from as u32;
            if !(FOLD_BASE..FOLD_END).contains(&c) {
                return Err(format!(
                    "{what}: cannot fold {from:?} (outside U+3000..U+FAFF)"
                ));
            }
            table[(c - FOLD_BASE) as usize] = to;
            Ok(())
        };
        let units = t2s
            .chunks(2)
            .map(|b| u16::from_le_bytes([b[0], *b.get(1).unwrap_or(&0)]));
        let mut cs = char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER));
        let mut n = 0;
        while let Some(a) = cs.next() {
            n += 1;
            let Some(b) = cs.next() else {
                return Err(format!("t2s pair {n}: a char without its pair"));
            };
            set(a, b, &format!("t2s pair {n}"))?;
        }
        for &(a, b) in extra {
            set(a, b, "fold pair")?;
        }
        // Fold chains (a -> b, b -> c) resolve to the end so the result is stable.
        for i in 0..table.len() {
            let mut to = table[i];
            let mut hops = 0;
            while to != '\0' && hops < 4 {
                let c = to as u32;
                if !(FOLD_BASE..FOLD_END).contains(&c) {
                    break;
                }
                let next = table[(c - FOLD_BASE) as usize];
                if next == '\0' || next == to {
                    break;
                }
                to = next;
                hops += 1;
            }
            table[i] = to;
        }
        Ok(Fold { table })
    }

    /// What the char with code point `u` folds to, when it folds (`u` in the fold table's
    /// range).
    #[inline(always)]
    fn folded(&self, u: u32) -> Option<char> {
        let t = self.table[(u - FOLD_BASE) as usize];
        (t != '\0').then_some(t)
    }

    #[inline]
    pub(crate) fn get(&self, c: char) -> char {
        let u = c as u32;
        if (FOLD_BASE..FOLD_END).contains(&u) {
            let t = self.table[(u - FOLD_BASE) as usize];
            if t != '\0' {
                return t;
            }
        }
        c
    }
}

/// Reusable output buffers (kept per thread so classifying does not allocate per message).
#[derive(Debug, Default)]
pub(crate) struct Normalized {
    pub text: String,
    /// One entry per byte of `text`: its original char index (only after [`normalize_into`]).
    pub map: Vec<u32>,
    /// One bit per byte of `text`, set on the first byte of a char that starts a word (the
    /// text starts there, a separator was dropped before it, or the script class changed: CJK
    /// after Latin, ...). The map-free pass fills it too: a term's boundary check needs it.
    starts: Vec<u64>,
}

impl Normalized {
    /// Original char index of the normalised byte `b`.
    #[inline]
    pub fn orig(&self, b: usize) -> usize {
        self.map[b] as usize
    }

    /// Whether `map` is filled: by [`normalize_into`], not by [`normalize_text_only`] (an
    /// empty text needs none).
    #[inline]
    pub fn has_map(&self) -> bool {
        self.map.len() == self.text.len()
    }

    /// Where a term can start (see [`TermStarts`]).
    #[inline]
    pub fn term_starts(&self) -> TermStarts<'_> {
        TermStarts {
            text: self.text.as_bytes(),
            starts: &self.starts,
            block: 0,
            left: 0,
        }
    }

    /// Whether a word starts at normalised byte `b` (true at the end of the text).
    #[inline]
    pub fn boundary_at(&self, b: usize) -> bool {
        b >= self.text.len() || self.starts[b >> 6] & (1 << (b & 63)) != 0
    }
}

/// The lead bytes of chars that are not ASCII among the 64 bytes of `t` from `base`, as bits.
// Inlined into the term-start loops (called, it was 1.4% of a run).
#[inline(always)]
fn lead_bytes(t: &[u8], base: usize) -> u64 {
    let mut lead = 0u64;
    // Only the 8-byte words the text reaches (most messages are shorter than one block).
    for j in 0..8 {
        let at = base + 8 * j;
        if at >= t.len() {
            break;
        }
        let v = load(t, at);
        // A lead byte of a multi-byte char has its two top bits set; gather those bits, one
        // per byte, into 8 bits.
        let m = (v & (v << 1) & 0x8080_8080_8080_8080) >> 7;
        lead |= (m.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * j);
    }
    lead
}

/// Up to 8 bytes of `t` from `at`, little-endian, zero past the end.
#[inline]
pub(crate) fn load(t: &[u8], at: usize) -> u64 {
    match t.get(at..at + 8) {
        Some(w) => u64::from_le_bytes(w.try_into().unwrap_or([0; 8])),
        // Near the end of a text of 8 bytes or more: its last 8 bytes, shifted (most word
        // starts of a short message are that near its end; a copy was a call to memcpy).
        None if at < t.len() && t.len() >= 8 => {
            let last = &t[t.len() - 8..];
            u64::from_le_bytes(last.try_into().unwrap_or([0; 8])) >> (8 * (at + 8 - t.len()))
        }
        None => {
            let mut w = [0u8; 8];
            let rest = t.get(at..).unwrap_or(&[]);
            w[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(w)
        }
    }
}

/// The bytes of a normalised text where a term can start, in order: where a word starts (a
/// Latin term counts only there) and the lead byte of every char that is not ASCII.
pub(crate) struct TermStarts<'a> {
    text: &'a [u8],
    starts: &'a [u64],
    /// The next block of 64 bytes, and the places left in the one before it.
    block: usize,
    left: u64,
}

impl Iterator for TermStarts<'_> {
    type Item = usize;

    // Inlined into each loop over it (the sieve's, the trie's): called, it cost the sieve a
    // tenth more instructions.
    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        while self.left == 0 {
            let starts = *self.starts.get(self.block)?;
            self.left = starts | lead_bytes(self.text, self.block * 64);
            self.block += 1;
        }
        let i = (self.block - 1) * 64 + self.left.trailing_zeros() as usize;
        self.left &= self.left - 1;
        Some(i)
    }
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Class {
    Latin,
    Other,
}

/// What a char becomes: dropped as a separator, or kept (after width folding and lowercasing).
#[inline]
pub(crate) fn width_fold(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    }
}

/// Separators collectors insert (and ordinary punctuation): never part of a term.
#[inline]
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !c.is_ascii_alphanumeric();
    }
    let u = c as u32;
    matches!(u,
        0x80..=0xBF            // Latin-1 punctuation and symbols
        | 0xD7 | 0xF7
        | 0x300..=0x36F        // combining diacritics
        | 0x2000..=0x2BFF      // general punctuation, bidi marks, arrows, symbols, box drawing
        | 0x3000..=0x303F      // CJK punctuation
        | 0x3200..=0x33FF      // enclosed CJK, compatibility units
        | 0xFE00..=0xFE0F      // variation selectors
        | 0xFE10..=0xFE6F      // vertical and small forms
        | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65
        | 0xFFF0..=0xFFFF
        | 0x1F000..=0x1FAFF    // emoji and pictographs
        | 0xE0000..=0xE007F    // tags
    ) || c.is_whitespace()
        || c.is_control()
}

/// Bytes of the UTF-8 char that starts with `b` (1 for a stray continuation byte).
#[inline(always)]
pub(crate) fn utf8_len(b: u8) -> usize {
    match b {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Digits and look-alike symbols read as the letter they imitate when next to a letter.
#[inline]
const fn leet(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        '@' => 'a',
        '|' => 'l',
        _ => return None,
    })
}

/// Normalises `src` into `out` (cleared first), with the map back to the original text.
pub(crate) fn normalize_into(src: &str, fold: &Fold, out: &mut Normalized) {
    normalize_impl::<true, true>(src, fold, out);
}

/// Normalises `src` into `out.text` only (no map): the cheap first pass that tells whether any
/// lexicon term can match at all.
// Not inlined into the reading: inlined, the reading's loop ran about 3% slower (bench
// classify_throughput, alternating builds).
#[inline(never)]
pub(crate) fn normalize_text_only(src: &str, fold: &Fold, out: &mut Normalized) {
    normalize_impl::<false, true>(src, fold, out);
}

/// Per byte: 1 for a letter or a digit that is never read as a letter, 2 for a digit that may
/// be ([`leet`]), 4 for a letter, 8 for a symbol that may be, or not ASCII (see [`plain_ascii`]).
const KIND: [u8; 256] = {
    let mut t = [8u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = match (
            c.is_ascii_alphabetic(),
            c.is_ascii_digit(),
            leet(c as char).is_some(),
        ) {
            (true, _, _) => 1 | 4,
            (_, true, true) => 2,
            (_, true, false) => 1,
            (_, false, true) => 8,
            _ => 0,
        };
        b += 1;
    }
    t
};

/// Whether `bytes` is a plain ASCII text, which [`plain_ascii_into`] reads: ASCII, with no
/// symbol that may stand for a letter and no such digit next to a letter (so every digit stays
/// a digit), as most English messages are.
#[inline]
fn plain_ascii(bytes: &[u8]) -> bool {
    // Most other texts are told at their first char that is not ASCII.
    if bytes.len() > MAX_CHARS || !bytes.is_ascii() {
        return false;
    }
    let mut bad = 0u8;
    let mut prev = 0u8;
    for &b in bytes {
        let k = KIND[b as usize];
        // A leet digit after a letter, a letter after a leet digit, or a symbol.
        bad |= (k & 8) | (prev & 4 & (k << 1)) | (prev & 2 & (k >> 1));
        prev = k;
    }
    bad == 0
}

/// Normalises a plain ASCII text (see [`plain_ascii`]) into `out` (`starts` sized and zeroed,
/// no map): its letters lower-cased and its digits, a word starting at each after a separator,
/// as the general loop reads it, but without a branch per byte (letters and separators
/// alternate too often for the branches to be predicted).
fn plain_ascii_into(bytes: &[u8], out: &mut Normalized) {
    let mut text = std::mem::take(&mut out.text).into_bytes();
    text.clear();
    text.resize(bytes.len(), 0);
    let (mut len, mut after_gap) = (0usize, true);
    for &b in bytes {
        // A letter's lower case, a digit as it is (0x20 is set in every digit); for a
        // separator, something that is neither.
        let lower = b | 0x20;
        let kept = lower.wrapping_sub(b'a') < 26 || b.wrapping_sub(b'0') < 10;
        text[len] = lower;
        out.starts[len >> 6] |= u64::from(kept & after_gap) << (len & 63);
        after_gap = !kept;
        len += usize::from(kept);
    }
    text.truncate(len);
    out.text = String::from_utf8(text).unwrap_or_default();
}

/// Reads `bytes` with the plain-ASCII path when it is a plain text (see [`plain_ascii`]) and
/// says whether it was; with AVX2 and BMI2, 32 bytes a step ([`wide`]).
#[inline]
fn plain_fast(bytes: &[u8], out: &mut Normalized) -> bool {
    #[cfg(target_arch = "x86_64")]
    if bytes.len() <= MAX_CHARS
        && std::is_x86_feature_detected!("avx2")
        && std::is_x86_feature_detected!("bmi2")
    {
        // SAFETY: the CPU has the features `wide::plain_ascii_into` is compiled for.
        return unsafe { wide::plain_ascii_into(bytes, out) };
    }
    if plain_ascii(bytes) {
        plain_ascii_into(bytes, out);
        return true;
    }
    false
}

/// The plain-ASCII path 32 bytes at a time: the bytes classified with vector compares, the
/// letters and digits packed with `pext`. As the byte loop, in an eighth of its instructions
/// on the NUS English messages.
#[cfg(target_arch = "x86_64")]
mod wide {
    use super::Normalized;
    use std::arch::x86_64::*;

    /// [`super::plain_ascii`] and [`super::plain_ascii_into`] in one pass: false, with
    /// `out.text` left empty, when the text is not plain. `out.starts` must be sized and
    /// zeroed for `bytes`.
    #[target_feature(enable = "avx2,bmi1,bmi2,popcnt")]
    pub(super) unsafe fn plain_ascii_into(bytes: &[u8], out: &mut Normalized) -> bool {
        let mut text = std::mem::take(&mut out.text).into_bytes();
        text.clear();
        // Each step stores 8 bytes at the end of the text, of which only the kept are counted.
        text.reserve(bytes.len() + 8);
        let dst = text.as_mut_ptr();
        // The leet digits (0 1 3 4 5 7) by low nibble, for `_mm256_shuffle_epi8`.
        let leet = _mm256_setr_epi8(
            -1, -1, 0, -1, -1, -1, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, //
            -1, -1, 0, -1, -1, -1, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0,
        );
        let mut len = 0usize;
        // The last byte of the previous block: a letter, a leet digit, kept.
        let (mut prev_l, mut prev_d, mut prev_k) = (0u32, 0u32, 0u32);
        let mut tail = [0u8; 32];
        let mut at = 0;
        while at < bytes.len() {
            let v = if at + 32 <= bytes.len() {
                _mm256_loadu_si256(bytes.as_ptr().add(at).cast())
            } else {
                // Zero bytes after the end: separators, which change nothing.
                tail[..bytes.len() - at].copy_from_slice(&bytes[at..]);
                _mm256_loadu_si256(tail.as_ptr().cast())
            };
            at += 32;
            let lower = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
            // Signed compares: a byte that is not ASCII is negative, in no range.
            let letter = _mm256_and_si256(
                _mm256_cmpgt_epi8(lower, _mm256_set1_epi8(0x60)),
                _mm256_cmpgt_epi8(_mm256_set1_epi8(0x7B), lower),
            );
            let digit = _mm256_and_si256(
                _mm256_cmpgt_epi8(v, _mm256_set1_epi8(0x2F)),
                _mm256_cmpgt_epi8(_mm256_set1_epi8(0x3A), v),
            );
            let leet_digit = _mm256_and_si256(digit, _mm256_shuffle_epi8(leet, v));
            let symbol = _mm256_or_si256(
                _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'@' as i8)),
                _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'|' as i8)),
            );
            let l = _mm256_movemask_epi8(letter) as u32;
            let d = _mm256_movemask_epi8(leet_digit) as u32;
            let k = l | _mm256_movemask_epi8(digit) as u32;
            let s = (_mm256_movemask_epi8(v) | _mm256_movemask_epi8(symbol)) as u32;
            // A symbol, not ASCII, a leet digit after a letter or a letter after one.
            let bad = s | (d & (l << 1 | prev_l)) | (l & (d << 1 | prev_d));
            if bad != 0 {
                // The buffer is kept (empty) for the next text.
                text.clear();
                out.text = String::from_utf8_unchecked(text);
                return false;
            }
            let starts = k & !(k << 1 | prev_k);
            (prev_l, prev_d, prev_k) = (l >> 31, d >> 31, k >> 31);
            // The word starts at their places in the packed text.
            let packed_starts = u64::from(_pext_u32(starts, k));
            let (w, b) = (len >> 6, len & 63);
            out.starts[w] |= packed_starts << b;
            if b + k.count_ones() as usize > 64 {
                out.starts[w + 1] |= packed_starts >> (64 - b);
            }
            let mut lanes = [0u64; 4];
            _mm256_storeu_si256(lanes.as_mut_ptr().cast(), lower);
            for (q, &lane) in lanes.iter().enumerate() {
                let k8 = u64::from((k >> (8 * q)) & 0xFF);
                let mask = _pdep_u64(k8, 0x0101_0101_0101_0101) * 0xFF;
                dst.add(len)
                    .cast::<u64>()
                    .write_unaligned(_pext_u64(lane, mask));
                len += k8.count_ones() as usize;
            }
        }
        // SAFETY: the first `len` bytes were written, letters and digits (ASCII).
        text.set_len(len);
        out.text = String::from_utf8_unchecked(text);
        true
    }
}

#[inline(always)]
/// `FAST`: the hand-made paths for plain ASCII texts and common CJK ideographs (off only in the
/// test that they read as the general path does).
fn normalize_impl<const MAP: bool, const FAST: bool>(src: &str, fold: &Fold, out: &mut Normalized) {
    out.text.clear();
    out.map.clear();
    out.starts.clear();
    let bytes = src.as_bytes();
    // A char becomes at most 4 bytes and is at least 1: room for every word start bit, so
    // none is pushed one at a time (cut to the text's length at the end).
    out.starts
        .resize(bytes.len().min(4 * MAX_CHARS) * 4 / 64 + 1, 0);
    if FAST && !MAP && plain_fast(bytes, out) {
        out.starts.truncate(out.text.len().div_ceil(64));
        return;
    }
    let mut pending_boundary = true;
    let mut prev_class = Class::Other;
    // Previous ORIGINAL char after width folding, for the digits-for-letters rule.
    let mut prev_orig: char = ' ';
    let mut i = 0usize;
    let mut idx = 0usize;
    // Byte loop: ASCII (most of the text in most messages) without UTF-8 decoding.
    while i < bytes.len() && idx < MAX_CHARS {
        let b = bytes[i];
        // ASCII letters and separators (most of a Latin text) need none of the rest.
        if b.is_ascii_alphabetic() {
            let at = out.text.len();
            out.text.push(b.to_ascii_lowercase() as char);
            if pending_boundary || prev_class != Class::Latin {
                out.starts[at >> 6] |= 1 << (at & 63);
            }
            if MAP {
                out.map.push(idx as u32);
            }
            pending_boundary = false;
            prev_class = Class::Latin;
            prev_orig = b as char;
            i += 1;
            idx += 1;
            continue;
        }
        if b < 0x80 && !b.is_ascii_digit() && leet(b as char).is_none() {
            pending_boundary = true;
            prev_orig = b as char;
            i += 1;
            idx += 1;
            continue;
        }
        // Common CJK ideographs (three bytes, U+3400..U+9FFF: most of a Chinese text): never
        // separators, never lowercased, only folded; decoded and copied here by hand.
        if FAST && (0xE3..=0xE9).contains(&b) && i + 2 < bytes.len() {
            let u = (u32::from(b) & 0x0F) << 12
                | (u32::from(bytes[i + 1]) & 0x3F) << 6
                | (u32::from(bytes[i + 2]) & 0x3F);
            if (0x3400..0xA000).contains(&u) {
                let at = out.text.len();
                match fold.folded(u) {
                    Some(f) => out.text.push(f),
                    None => out.text.push_str(&src[i..i + 3]),
                }
                if pending_boundary || prev_class != Class::Other {
                    out.starts[at >> 6] |= 1 << (at & 63);
                }
                if MAP {
                    let n = idx as u32;
                    for _ in at..out.text.len() {
                        out.map.push(n);
                    }
                }
                pending_boundary = false;
                prev_class = Class::Other;
                prev_orig = char::from_u32(u).unwrap_or(' ');
                i += 3;
                idx += 1;
                continue;
            }
        }
        let c0 = if b < 0x80 {
            i += 1;
            b as char
        } else {
            let c = src[i..].chars().next().unwrap_or('\u{FFFD}');
            i += c.len_utf8();
            width_fold(c)
        };
        let this = idx;
        idx += 1;
        let u = c0 as u32;
        // Common CJK ideographs: never separators, never lowercased, only folded.
        let (c, class) = if (0x3400..0xA000).contains(&u) {
            prev_orig = c0;
            (fold.get(c0), Class::Other)
        } else {
            let mut c = c0;
            if let Some(l) = leet(c) {
                let next_orig = src[i..].chars().next().map(width_fold).unwrap_or(' ');
                let letter_next =
                    prev_orig.is_ascii_alphabetic() || next_orig.is_ascii_alphabetic();
                let digit_next = prev_orig.is_ascii_digit() || next_orig.is_ascii_digit();
                if letter_next && !digit_next {
                    c = l;
                }
            }
            prev_orig = c0;
            if c.is_ascii() {
                if !c.is_ascii_alphanumeric() {
                    pending_boundary = true;
                    continue;
                }
                (c.to_ascii_lowercase(), Class::Latin)
            } else {
                if is_separator(c) {
                    pending_boundary = true;
                    continue;
                }
                let c = if c.is_alphabetic() {
                    let mut low = c.to_lowercase();
                    match (low.next(), low.next()) {
                        (Some(l), None) => fold.get(l),
                        _ => fold.get(c),
                    }
                } else {
                    fold.get(c)
                };
                let class = if c.is_ascii_alphanumeric() {
                    Class::Latin
                } else {
                    Class::Other
                };
                (c, class)
            }
        };
        let at = out.text.len();
        out.text.push(c);
        if pending_boundary || class != prev_class {
            out.starts[at >> 6] |= 1 << (at & 63);
        }
        if MAP {
            let n = this as u32;
            out.map.push(n);
            for _ in 1..c.len_utf8() {
                out.map.push(n);
            }
        }
        pending_boundary = false;
        prev_class = class;
    }
    out.starts.truncate(out.text.len().div_ceil(64));
}

/// Normalises a lexicon term the same way (boundaries are not needed for terms).
pub(crate) fn normalize_term(term: &str, fold: &Fold) -> String {
    let mut n = Normalized::default();
    normalize_into(term, fold, &mut n);
    n.text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold() -> Fold {
        Fold::new(
            &"還还款款"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>(),
            &[('您', '你')],
        )
        .unwrap()
    }

    fn norm(s: &str) -> Normalized {
        let mut n = Normalized::default();
        normalize_into(s, &fold(), &mut n);
        n
    }

    /// The hand-made paths (CJK ideographs, plain ASCII texts) give what the general path
    /// gives: text, word starts and map, on every held-out and training message (and the
    /// corpora when here).
    #[test]
    fn the_fast_paths_read_as_the_general_path() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let dirs = [
            "tests/fixtures/train",
            "tests/fixtures/labelled/holdout",
            "../shared/corpora",
        ];
        let fold = crate::classify::Classifier::builtin().fold.clone();
        let (mut a, mut b) = (Normalized::default(), Normalized::default());
        let (mut cjk, mut plain) = (0, 0);
        for d in dirs {
            for f in std::fs::read_dir(format!("{root}/{d}"))
                .into_iter()
                .flatten()
            {
                let body = std::fs::read(f.unwrap().path()).unwrap();
                for line in String::from_utf8_lossy(&body).lines() {
                    normalize_impl::<true, true>(line, &fold, &mut a);
                    normalize_impl::<true, false>(line, &fold, &mut b);
                    assert_eq!((&a.text, &a.map, &a.starts), (&b.text, &b.map, &b.starts));
                    normalize_impl::<false, true>(line, &fold, &mut a);
                    normalize_impl::<false, false>(line, &fold, &mut b);
                    assert_eq!((&a.text, &a.starts), (&b.text, &b.starts), "{line:?}");
                    cjk += line.chars().any(|c| ('\u{4E00}'..'\u{9FFF}').contains(&c)) as usize;
                    plain += plain_ascii(line.as_bytes()) as usize;
                }
            }
        }
        assert!(
            cjk > 10_000 && plain > 1_000,
            "{cjk} lines with CJK, {plain} plain"
        );
    }

    /// The same on made-up texts of every length around the 32-byte steps, dense with what
    /// the plain path must tell apart: leet digits and symbols next to letters or not, case,
    /// separators, a char that is not ASCII.
    #[test]
    fn the_plain_path_reads_made_up_texts_as_the_general_path() {
        let fold = fold();
        let alphabet: Vec<char> = "aZq09 12345678.-,\t@|Xé".chars().collect();
        let (mut a, mut b) = (Normalized::default(), Normalized::default());
        let (mut seed, mut plain) = (0x2545_F491_4F6C_DD1Du64, 0);
        for n in 0..4000 {
            let len = n % 140;
            let line: String = (0..len)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    // Mostly letters and spaces (most texts are plain), the rest rarer.
                    let r = (seed >> 33) as usize;
                    match r % 32 {
                        0..=19 => alphabet[r / 32 % 3],
                        20..=25 => ' ',
                        _ => alphabet[r / 32 % alphabet.len()],
                    }
                })
                .collect();
            normalize_impl::<false, true>(&line, &fold, &mut a);
            normalize_impl::<false, false>(&line, &fold, &mut b);
            assert_eq!((&a.text, &a.starts), (&b.text, &b.starts), "{line:?}");
            plain += plain_ascii(line.as_bytes()) as usize;
        }
        assert!(plain > 300, "{plain} plain texts");
    }

    /// Eight bytes from any place of texts of every short length, zero past the end.
    #[test]
    fn a_load_reads_zero_past_the_end() {
        let bytes: Vec<u8> = (1..=24).collect();
        for len in 0..=bytes.len() {
            let t = &bytes[..len];
            for at in 0..len + 10 {
                let want = (0..8).fold(0u64, |w, j| {
                    w | u64::from(t.get(at + j).copied().unwrap_or(0)) << (8 * j)
                });
                assert_eq!(load(t, at), want, "len {len}, at {at}");
            }
        }
    }

    #[test]
    fn folds_width_case_separators_and_traditional() {
        assert_eq!(norm("逾 期").text, "逾期");
        assert_eq!(norm("還*款").text, "还款");
        assert_eq!(norm("Ｙ Ｕ ｑ ｉ").text, "yuqi");
        assert_eq!(norm("P0LICE").text, "police");
        assert_eq!(norm("您好").text, "你好");
        // Digits among digits stay digits.
        assert_eq!(norm("call 4001234567").text, "call4001234567");
    }

    #[test]
    fn map_points_to_original_chars_and_marks_words() {
        let n = norm("a 還*款 bc");
        // "a", "还", "款", "b", "c": the map covers each byte.
        assert_eq!(n.text, "a还款bc");
        assert_eq!(n.orig(0), 0);
        assert_eq!(n.orig(1), 2); // 還 is char 2 of the original
        assert_eq!(n.orig(4), 4); // 款
        assert!(n.boundary_at(0));
        assert!(n.boundary_at(1)); // a space was dropped
        assert!(n.boundary_at(7)); // "b" after CJK
        assert!(!n.boundary_at(8)); // "c" inside the word
        assert!(n.boundary_at(9)); // end of text
    }
}
