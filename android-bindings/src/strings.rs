//! Java strings in and out.
//!
//! Java strings are UTF-16 and may hold unpaired surrogates, which no UTF-8 `String` can carry.
//! The bridge REFUSES them with an `invalid_argument` error naming the argument and the UTF-16
//! index, rather than replacing them with U+FFFD: the store keeps evidence, and a silently altered
//! SMS body would no longer be what the phone received. The Kotlin bridge offers
//! `Text.replaceUnpairedSurrogates` for callers that prefer to store a visibly repaired copy.

use crate::error::{BridgeError, Result};
use jni::objects::JString;
use jni::Env;

/// Reads a non-null Java string argument.
pub fn required(env: &Env<'_>, s: &JString<'_>, name: &str) -> Result<String> {
    if s.is_null() {
        return Err(BridgeError::invalid(format!("argument {name} is null")));
    }
    let chars = s.mutf8_chars(env)?;
    decode_mutf8(chars.to_bytes())
        .map_err(|e| BridgeError::invalid(format!("argument {name}: {e}")))
}

/// Reads a Java string argument that may be null.
pub fn optional(env: &Env<'_>, s: &JString<'_>, name: &str) -> Result<Option<String>> {
    if s.is_null() {
        Ok(None)
    } else {
        required(env, s, name).map(Some)
    }
}

/// Decodes the JVM's modified UTF-8 (`GetStringUTFChars`) strictly: NUL as `C0 80`, supplementary
/// characters as surrogate pairs of 3-byte sequences. Any unpaired surrogate or malformed sequence
/// is an error that names the UTF-16 index.
pub fn decode_mutf8(bytes: &[u8]) -> std::result::Result<String, String> {
    let mut units: Vec<u16> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b0 = bytes[i];
        let cont = |k: usize| -> std::result::Result<u16, String> {
            match bytes.get(i + k) {
                Some(&b) if b & 0xC0 == 0x80 => Ok(u16::from(b & 0x3F)),
                _ => Err(format!("malformed modified UTF-8 at byte {i}")),
            }
        };
        if b0 < 0x80 {
            units.push(u16::from(b0));
            i += 1;
        } else if b0 & 0xE0 == 0xC0 {
            units.push((u16::from(b0 & 0x1F) << 6) | cont(1)?);
            i += 2;
        } else if b0 & 0xF0 == 0xE0 {
            units.push((u16::from(b0 & 0x0F) << 12) | (cont(1)? << 6) | cont(2)?);
            i += 3;
        } else {
            return Err(format!("malformed modified UTF-8 at byte {i}"));
        }
    }
    let mut out = String::with_capacity(bytes.len());
    let mut index = 0usize;
    for r in char::decode_utf16(units.iter().copied()) {
        match r {
            Ok(c) => {
                out.push(c);
                index += c.len_utf16();
            }
            Err(e) => {
                return Err(format!(
                    "unpaired UTF-16 surrogate U+{:04X} at index {index}; text with broken \
                     surrogates is refused, not altered",
                    e.unpaired_surrogate()
                ))
            }
        }
    }
    Ok(out)
}

/// The JVM's encoding of UTF-16 units as modified UTF-8 (what `GetStringUTFChars` hands over):
/// the reference [`decode_mutf8`] must invert, for its tests and the `jni_convert` fuzz target.
#[doc(hidden)]
pub fn encode_mutf8(units: &[u16]) -> Vec<u8> {
    let mut v = Vec::new();
    for &u in units {
        match u {
            0x0001..=0x007F => v.push(u as u8),
            0x0000 | 0x0080..=0x07FF => {
                v.push(0xC0 | (u >> 6) as u8);
                v.push(0x80 | (u & 0x3F) as u8);
            }
            _ => {
                v.push(0xE0 | (u >> 12) as u8);
                v.push(0x80 | ((u >> 6) & 0x3F) as u8);
                v.push(0x80 | (u & 0x3F) as u8);
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_valid_text() {
        for s in ["", "abc", "催收 短信", "emoji 😀 and 𝄞", "nul\0inside", "é"] {
            let units: Vec<u16> = s.encode_utf16().collect();
            assert_eq!(decode_mutf8(&encode_mutf8(&units)).unwrap(), s);
        }
    }

    #[test]
    fn refuses_unpaired_surrogates() {
        let lone_high = [0x61, 0xD83D, 0x62];
        let err = decode_mutf8(&encode_mutf8(&lone_high)).unwrap_err();
        assert!(err.contains("U+D83D at index 1"), "{err}");
        let lone_low = [0xDE00];
        assert!(decode_mutf8(&encode_mutf8(&lone_low))
            .unwrap_err()
            .contains("U+DE00"));
        let reversed = [0xDE00, 0xD83D];
        assert!(decode_mutf8(&encode_mutf8(&reversed)).is_err());
    }

    #[test]
    fn refuses_malformed_bytes() {
        assert!(decode_mutf8(&[0xE4, 0xB8]).is_err());
        assert!(decode_mutf8(&[0xF0, 0x9F, 0x98, 0x80]).is_err()); // 4-byte UTF-8 is not MUTF-8
        assert!(decode_mutf8(&[0x80]).is_err());
    }
}
