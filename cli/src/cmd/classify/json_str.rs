//! JSON strings as bytes: where a string without escapes ends, and whether a string needs
//! escaping, the bytes JSON treats specially (`"`, `\`, control characters) found 8 or 32 bytes
//! at a time. Used by the hand parser and writer of `dunwatch classify`'s lines.

/// The index of the quote closing a string whose text starts at `b[i]`, or `None` if a
/// backslash, a control character or the end of `b` comes first.
pub(super) fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, which `wide::first_special` is compiled for.
        match unsafe { wide::first_special(b, i) } {
            Ok(at) => return (b[at] == b'"').then_some(at),
            Err(rest) => i = rest,
        }
    }
    while let Some(word) = b.get(i..i + 8) {
        let m = special_bytes(u64::from_le_bytes(word.try_into().unwrap()));
        if m != 0 {
            i += m.trailing_zeros() as usize / 8;
            return (b[i] == b'"').then_some(i);
        }
        i += 8;
    }
    let m = special_bytes(padded_word(b.get(i..)?));
    if m == 0 {
        return None;
    }
    i += m.trailing_zeros() as usize / 8;
    (b[i] == b'"').then_some(i)
}

/// The string scan 32 bytes a step, when the CPU has AVX2 (a message's text is most of a
/// line; 8 bytes a step, the scan was 3% of a run).
#[cfg(target_arch = "x86_64")]
mod wide {
    use std::arch::x86_64::*;

    /// The first byte from `b[i]` on that is `"`, `\` or a control character, looking at whole
    /// 32-byte blocks only: `Ok(its index)`, or `Err(where the blocks end)`, none before it.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn first_special(b: &[u8], mut i: usize) -> Result<usize, usize> {
        let quote = _mm256_set1_epi8(b'"' as i8);
        let slash = _mm256_set1_epi8(b'\\' as i8);
        let below = _mm256_set1_epi8(0x1F);
        while i + 32 <= b.len() {
            let v = _mm256_loadu_si256(b.as_ptr().add(i).cast());
            // A control character: max(byte, 0x1F) is 0x1F (unsigned).
            let control = _mm256_cmpeq_epi8(_mm256_max_epu8(v, below), below);
            let special = _mm256_or_si256(
                _mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpeq_epi8(v, slash)),
                control,
            );
            let bits = _mm256_movemask_epi8(special) as u32;
            if bits != 0 {
                return Ok(i + bits.trailing_zeros() as usize);
            }
            i += 32;
        }
        Err(i)
    }
}

/// Whether serde_json escapes some byte of `s` writing it as a JSON string.
pub(super) fn needs_escape(s: &[u8]) -> bool {
    let mut words = s.chunks_exact(8);
    let special = |w: &[u8]| special_bytes(u64::from_le_bytes(w.try_into().unwrap())) != 0;
    words.any(special) || special_bytes(padded_word(words.remainder())) != 0
}

/// Up to 8 bytes as a little-endian word, padded with spaces, which are not special.
fn padded_word(tail: &[u8]) -> u64 {
    let mut word = [b' '; 8];
    word[..tail.len()].copy_from_slice(tail);
    u64::from_le_bytes(word)
}

/// The bytes of an 8-byte word (little-endian) that are `"`, `\` or a control character (below
/// 0x20), the bytes JSON strings escape, marked by their high bit, as in serde_json's
/// `skip_to_escape`; only the lowest mark is sure (a borrow runs up from a marked byte), so
/// it is the first such byte.
fn special_bytes(x: u64) -> u64 {
    const ONES: u64 = u64::MAX / 255;
    let ctrl = x.wrapping_sub(ONES * 0x20) & !x;
    let q = x ^ (ONES * u64::from(b'"'));
    let quote = q.wrapping_sub(ONES) & !q;
    let s = x ^ (ONES * u64::from(b'\\'));
    let slash = s.wrapping_sub(ONES) & !s;
    (ctrl | quote | slash) & (ONES << 7)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The string scan (32 bytes a step where the CPU allows, then 8, then the tail) stops at
    /// the first quote, backslash or control character wherever it is, and only there.
    #[test]
    fn the_string_scan_stops_at_the_first_special_byte() {
        let plain = "aé中 ~\u{7f}".as_bytes();
        for len in 0..100 {
            let base: Vec<u8> = plain.iter().copied().cycle().take(len).collect();
            let reference = |b: &[u8]| {
                let at = b
                    .iter()
                    .position(|&x| x == b'"' || x == b'\\' || x < 0x20)?;
                (b[at] == b'"').then_some(at)
            };
            assert_eq!(string_end(&base, 0), None, "len {len}");
            for at in 0..len {
                for special in [b'"', b'\\', 0x01, 0x1F] {
                    // A closing quote after it, which a scan that missed it would find.
                    let mut b = base.clone();
                    b[at] = special;
                    b.push(b'"');
                    for from in [0, 1, 7.min(at)] {
                        assert_eq!(
                            string_end(&b, from),
                            reference(&b[from..]).map(|x| x + from),
                            "len {len}, {special:#x} at {at}, from {from}"
                        );
                    }
                }
            }
        }
    }
}
