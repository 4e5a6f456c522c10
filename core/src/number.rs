//! Phone numbers as collectors use them: kept raw, and normalised so that `+86 138-0013-8000`,
//! `13800138000` and `008613800138000` count as one number.
//!
//! Hand-written for the five regions dunwatch ships packs for; a full libphonenumber port would
//! add megabytes of metadata to the Android library for little gain here.

use crate::error::{invalid, Result};
use serde::{Deserialize, Serialize};

/// The region used to read national numbers (no leading `+`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Region {
    Cn,
    Us,
    In,
    Uk,
    Ph,
    /// No default region: national numbers are kept as digits.
    Unknown,
}

/// How a region writes its numbers without a `+`: the data [`normalize_digits`] reads.
struct Dialling {
    /// Country calling code.
    cc: &'static str,
    /// Digits of a national number written after the bare country code (`8613800138000`).
    with_cc: usize,
    /// Lengths of a national number after the trunk prefix 0, if the region has one.
    trunk: Option<(usize, usize)>,
    /// Length and optional first digit of a national number written bare (no 0, no code).
    bare: Option<(usize, Option<char>)>,
}

impl Region {
    fn dialling(self) -> Option<Dialling> {
        let d = |cc, with_cc, trunk, bare| {
            Some(Dialling {
                cc,
                with_cc,
                trunk,
                bare,
            })
        };
        match self {
            // Mainland mobiles are 11 digits from 1; landlines carry a trunk 0.
            Region::Cn => d("86", 11, Some((9, 11)), Some((11, Some('1')))),
            Region::Us => d("1", 10, None, Some((10, None))),
            Region::In => d("91", 10, Some((10, 10)), Some((10, None))),
            // National numbers carry a trunk 0 (07700 900123, 020 7946 0018).
            Region::Uk => d("44", 10, Some((9, 10)), None),
            // Mobiles 0917 123 4567 or 917 123 4567; Manila landlines (02) 8123 4567.
            Region::Ph => d("63", 10, Some((9, 10)), Some((10, Some('9')))),
            Region::Unknown => None,
        }
    }
}

impl Dialling {
    /// The national part of `d` (digits only, no `+`), if it is a number of this region.
    fn national<'a>(&self, d: &'a str) -> Option<&'a str> {
        if d.len() == self.cc.len() + self.with_cc && d.starts_with(self.cc) {
            return Some(&d[self.cc.len()..]);
        }
        if let (Some((lo, hi)), Some(rest)) = (self.trunk, d.strip_prefix('0')) {
            if (lo..=hi).contains(&rest.len()) {
                return Some(rest);
            }
        }
        match self.bare {
            Some((len, first)) if d.len() == len && first.is_none_or(|f| d.starts_with(f)) => {
                Some(d)
            }
            _ => None,
        }
    }
}

/// What kind of number this is; service numbers are never rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberKind {
    /// A full international number (`+8613800138000`).
    E164,
    /// Digits we could not place in a country (no default region).
    National,
    /// Short codes (fewer than 7 digits), e.g. 10086 or 95588.
    ShortCode,
    /// Chinese 106xxxx bulk SMS gateways.
    SmsGateway,
    /// 400 / 800 service numbers (China) and 95xxx bank lines.
    ServiceNumber,
    /// Alphanumeric sender IDs (`AX-HDFCBK`, `PayPal`).
    Alphanumeric,
    /// Withheld, private or unknown caller.
    Hidden,
    /// A number with a character that is neither an ASCII or full-width digit nor a usual
    /// separator (another script's digit, a superscript or circled digit, a combining mark, an
    /// invisible format character): a look-alike of a real number. Kept raw and marked (see
    /// [`UNUSUAL_PREFIX`]) so that it never joins another number's case by normalisation.
    Unusual,
}

/// Start of the normalised form of a [`NumberKind::Unusual`] number: lower-case, so no other
/// form (digits, `+`, upper-cased sender IDs, `hidden`) can begin with it.
pub const UNUSUAL_PREFIX: &str = "raw:";

/// How one character of a number that has no letters reads.
enum NumberChar {
    Digit(char),
    /// Formatting that carries no meaning: spaces, dashes, dots, brackets, slashes (ASCII and
    /// their full-width and typographic forms).
    Separator,
    Other,
}

fn number_char(c: char) -> NumberChar {
    match c {
        '0'..='9' => NumberChar::Digit(c),
        // Full-width digits are the same digits (CJK input methods type them).
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32)
            .map_or(NumberChar::Other, NumberChar::Digit),
        ' ' | '\t' | '-' | '.' | '(' | ')' | '/' => NumberChar::Separator,
        // No-break, figure, thin, narrow no-break and ideographic spaces; hyphens and dashes;
        // minus; full-width brackets, hyphen-minus, full stop and solidus.
        '\u{a0}'
        | '\u{2007}'
        | '\u{2009}'
        | '\u{202f}'
        | '\u{3000}'
        | '\u{2010}'..='\u{2015}'
        | '\u{2212}'
        | '（'
        | '）'
        | '－'
        | '．'
        | '／' => NumberChar::Separator,
        _ => NumberChar::Other,
    }
}

/// A phone number or SMS sender as received, and its normalised form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PhoneNumber {
    pub raw: String,
    pub normalized: String,
    pub kind: NumberKind,
}

/// The normalised form of a withheld number.
pub const HIDDEN: &str = "hidden";

/// Longest sender we accept; real ones are far shorter, so longer input is garbage or an attack.
const MAX_LEN: usize = 64;

impl PhoneNumber {
    /// Normalises `raw` with `region` as the default for national numbers.
    ///
    /// Refuses NUL and control characters and over-long strings. Android's placeholders for a
    /// withheld caller (empty, `-1`, `-2`, `-3`, "private", "unknown") become [`NumberKind::Hidden`].
    pub fn parse(raw: &str, region: Region) -> Result<Self> {
        if raw.chars().count() > MAX_LEN {
            return invalid(format!(
                "phone number longer than {MAX_LEN} characters: {:?}…",
                raw.chars().take(20).collect::<String>()
            ));
        }
        if raw.chars().any(|c| c.is_control()) {
            return invalid(format!("phone number {raw:?} contains control characters"));
        }
        let trimmed = raw.trim();
        let lower = trimmed.to_ascii_lowercase();
        if matches!(
            lower.as_str(),
            "" | "-1" | "-2" | "-3" | "-4" | "private" | "unknown" | "anonymous" | "withheld"
        ) {
            return Ok(Self::make(raw, HIDDEN.to_string(), NumberKind::Hidden));
        }
        // Keep digits and a leading plus; separators are formatting; anything else makes the
        // number a look-alike, kept as it is.
        let plus = trimmed.starts_with('+') || trimmed.starts_with('＋');
        let has_letters = trimmed.chars().any(|c| c.is_alphabetic());
        let mut digits = String::with_capacity(trimmed.len());
        let mut unusual = false;
        if !has_letters {
            let body = trimmed
                .strip_prefix('+')
                .or_else(|| trimmed.strip_prefix('＋'))
                .unwrap_or(trimmed);
            for c in body.chars() {
                match number_char(c) {
                    NumberChar::Digit(d) => digits.push(d),
                    NumberChar::Separator => {}
                    NumberChar::Other => unusual = true,
                }
            }
        }
        if unusual {
            let shown: String = trimmed
                .chars()
                .flat_map(|c| {
                    let plain = c.is_ascii_graphic() || c == ' ';
                    let one = plain.then_some(c).into_iter();
                    let escaped = (!plain).then(|| c.escape_unicode()).into_iter().flatten();
                    one.chain(escaped)
                })
                .collect();
            return Ok(Self::make(
                raw,
                format!("{UNUSUAL_PREFIX}{shown}"),
                NumberKind::Unusual,
            ));
        }
        if has_letters || digits.is_empty() {
            // Alphanumeric sender IDs: case and spacing are not significant.
            let norm: String = trimmed
                .chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_uppercase)
                .collect();
            if !norm.chars().any(char::is_alphanumeric) {
                return invalid(format!("phone number {raw:?} has no digits or letters"));
            }
            return Ok(Self::make(raw, norm, NumberKind::Alphanumeric));
        }
        let (norm, kind) = normalize_digits(&digits, plus, region);
        Ok(Self::make(raw, norm, kind))
    }

    fn make(raw: &str, normalized: String, kind: NumberKind) -> Self {
        PhoneNumber {
            raw: raw.to_string(),
            normalized,
            kind,
        }
    }
}

fn normalize_digits(d: &str, plus: bool, region: Region) -> (String, NumberKind) {
    if plus {
        return (format!("+{d}"), NumberKind::E164);
    }
    if let Some(rest) = d.strip_prefix("00") {
        if rest.len() >= 7 {
            return (format!("+{rest}"), NumberKind::E164);
        }
    }
    if d.starts_with("106")
        && d.len() >= 7
        && !matches!(region, Region::Us | Region::Uk | Region::Ph)
    {
        return (d.to_string(), NumberKind::SmsGateway);
    }
    if region == Region::Cn
        && ((d.starts_with("400") || d.starts_with("800")) && d.len() == 10
            || d.starts_with("95") && (5..=8).contains(&d.len()))
    {
        return (d.to_string(), NumberKind::ServiceNumber);
    }
    if d.len() < 7 {
        return (d.to_string(), NumberKind::ShortCode);
    }
    let Some(plan) = region.dialling() else {
        return (d.to_string(), NumberKind::National);
    };
    let (cc, national) = (plan.cc, plan.national(d));
    match national {
        Some(n) => (format!("+{cc}{n}"), NumberKind::E164),
        None => (d.to_string(), NumberKind::National),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(raw: &str, r: Region) -> (String, NumberKind) {
        let p = PhoneNumber::parse(raw, r).unwrap();
        (p.normalized, p.kind)
    }

    #[test]
    fn chinese_forms_agree() {
        for raw in [
            "13800138000",
            "+86 138-0013-8000",
            "008613800138000",
            "8613800138000",
            "１３８００１３８０００",
        ] {
            assert_eq!(
                n(raw, Region::Cn),
                ("+8613800138000".into(), NumberKind::E164),
                "{raw}"
            );
        }
        assert_eq!(
            n("010-12345678", Region::Cn),
            ("+861012345678".into(), NumberKind::E164)
        );
    }

    #[test]
    fn service_numbers_kept() {
        assert_eq!(n("95588", Region::Cn).1, NumberKind::ServiceNumber);
        assert_eq!(
            n("4008123123", Region::Cn),
            ("4008123123".into(), NumberKind::ServiceNumber)
        );
        assert_eq!(
            n("1069012345678", Region::Cn),
            ("1069012345678".into(), NumberKind::SmsGateway)
        );
        assert_eq!(n("10086", Region::Cn).1, NumberKind::ShortCode);
    }

    #[test]
    fn us_and_india() {
        assert_eq!(n("(212) 555-0142", Region::Us).0, "+12125550142");
        assert_eq!(n("1-212-555-0142", Region::Us).0, "+12125550142");
        assert_eq!(n("09876543210", Region::In).0, "+919876543210");
        assert_eq!(
            n("AX-HDFCBK", Region::In),
            ("AX-HDFCBK".into(), NumberKind::Alphanumeric)
        );
    }

    #[test]
    fn uk_and_philippines() {
        for raw in [
            "07700 900123",
            "+44 7700 900123",
            "447700900123",
            "00447700900123",
        ] {
            assert_eq!(
                n(raw, Region::Uk),
                ("+447700900123".into(), NumberKind::E164),
                "{raw}"
            );
        }
        assert_eq!(n("020 7946 0018", Region::Uk).0, "+442079460018");
        for raw in [
            "0917 123 4567",
            "+63 917 123 4567",
            "639171234567",
            "9171234567",
        ] {
            assert_eq!(
                n(raw, Region::Ph),
                ("+639171234567".into(), NumberKind::E164),
                "{raw}"
            );
        }
        assert_eq!(n("(02) 8123 4567", Region::Ph).0, "+63281234567");
        // Short codes stay as they are; a UK number never reads as a Chinese SMS gateway.
        assert_eq!(n("2366", Region::Ph).1, NumberKind::ShortCode);
        assert_eq!(n("1066123456", Region::Uk).1, NumberKind::National);
    }

    /// Finding 4 of issue 17: a stray character of another kind was dropped, so the look-alike
    /// normalised to the tagged number and joined its case. Every look-alike kind is now a
    /// distinct, marked number; full-width digits and the usual separators still merge.
    #[test]
    fn look_alikes_never_normalise_to_the_real_number() {
        let real = "+8613800138000";
        // (kind, text inserted after "+86 138", whether it is the same number)
        let table: &[(&str, &str, bool)] = &[
            ("Arabic-Indic digit", "\u{663}", false),
            ("extended Arabic-Indic digit", "\u{6F3}", false),
            ("Devanagari digit", "\u{967}", false),
            ("superscript digit", "\u{B3}", false),
            ("superscript four", "\u{2074}", false),
            ("subscript digit", "\u{2083}", false),
            ("circled digit", "\u{2462}", false),
            ("parenthesised digit", "\u{2476}", false),
            ("mathematical bold digit", "\u{1D7D1}", false),
            ("combining acute accent", "\u{301}", false),
            ("combining keycap", "\u{20E3}", false),
            ("zero-width space", "\u{200B}", false),
            ("right-to-left override", "\u{202E}", false),
            ("middle dot", "\u{B7}", false),
            ("asterisk", "*", false),
            ("Cyrillic letter", "\u{417}", false),
            ("full-width digits", "", true),
            ("ASCII separators", " - ( ) . / ", true),
            ("no-break and ideographic spaces", "\u{A0}\u{3000}", true),
            ("dashes", "\u{2013}\u{2212}－", true),
        ];
        for &(kind, extra, same) in table {
            let tail = if kind == "full-width digits" {
                "００１３８０００"
            } else {
                "00138000"
            };
            let raw = format!("+86 138{extra}{tail}");
            let p = PhoneNumber::parse(&raw, Region::Cn).unwrap();
            if same {
                assert_eq!(p.normalized, real, "{kind}");
                assert_eq!(p.kind, NumberKind::E164, "{kind}");
                continue;
            }
            assert_ne!(p.normalized, real, "{kind}: {p:?}");
            if kind == "Cyrillic letter" {
                assert_eq!(p.kind, NumberKind::Alphanumeric, "{kind}");
                continue;
            }
            assert_eq!(p.kind, NumberKind::Unusual, "{kind}: {p:?}");
            // Visibly marked: the prefix, and the stray character spelled out.
            assert!(p.normalized.starts_with(UNUSUAL_PREFIX), "{kind}: {p:?}");
            assert!(p.normalized.is_ascii(), "{kind}: {p:?}");
            if !extra.is_ascii() {
                let c = extra.chars().next().unwrap();
                let spelled = c.escape_unicode().to_string();
                assert!(p.normalized.contains(&spelled), "{kind}: {p:?}");
            }
            // The same look-alike is one number with itself.
            assert_eq!(PhoneNumber::parse(&raw, Region::Cn).unwrap(), p);
        }
    }

    #[test]
    fn hidden_and_invalid() {
        assert_eq!(n("", Region::Cn).1, NumberKind::Hidden);
        assert_eq!(n("-2", Region::Cn).1, NumberKind::Hidden);
        assert!(PhoneNumber::parse("123\0", Region::Cn).is_err());
        assert!(PhoneNumber::parse(&"9".repeat(100), Region::Cn).is_err());
        assert!(PhoneNumber::parse("---", Region::Cn).is_err());
    }
}
