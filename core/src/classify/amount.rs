//! Written amounts: "$350", "4,800", "P2,800", "£95", "Rp 1.800.000", "8k", "1.2w", "2万",
//! "850 rb". A terse demand often names no money word, only a number ("11,300。最后一天").
//!
//! Amounts are read on the ORIGINAL text, not the normalised one: normalisation drops every
//! separator, so "💰2350 ⏰18:00" would read as one run "23501800" and "3k" (next to a letter)
//! as "ek". Here the separators still say which digits belong together: digits joined by `,`
//! or `.` are one number, numbers joined by single spaces are one number ("0917 123 4567" is
//! a phone number, too long for an amount), and digits joined by `-`, `/` or `:` are a date,
//! a time, a phone or a reference, never an amount. The parameters are the lexicon's
//! (`amount_*` on a concept, see `lexicon.rs`).

use super::lexicon::ConceptDef;
use super::normalize::{width_fold, Fold};
use std::ops::RangeInclusive;

/// How a lexicon concept recognises written amounts.
#[derive(Debug)]
pub(crate) struct Amount {
    pub concept: u16,
    digits: RangeInclusive<u32>,
    /// Multipliers (lower-case, folded); a number of 1 to `suffixed_digits` digits written
    /// right before one is an amount whatever `digits` says.
    suffixes: Vec<Vec<char>>,
    suffixed_digits: u32,
    /// Currency codes (ASCII, lower-case) and signs: right before a number (glued or after
    /// one space or "."), or a code glued right after it, they make `currency_digits` digits
    /// enough ("£95", "Rs. 80", "500php").
    currency_words: Vec<String>,
    currency_signs: Vec<char>,
    currency_digits: u32,
    /// The first chars of the multipliers (a quick test before matching them).
    suffix_starts: Vec<char>,
}

impl Amount {
    /// The concept's amount reading, when it has one (`amount_digits` and `amount_max_digits`;
    /// the rest is optional, checked by `LexiconFile::validate`).
    pub(crate) fn of_concept(concept: u16, c: &ConceptDef, fold: &Fold) -> Option<Amount> {
        // Plain loops: this runs once per lexicon load, and the Android library pays for
        // every generic sort or partition instantiated here.
        let mut out = Amount {
            concept,
            digits: c.amount_digits?..=c.amount_max_digits?,
            suffixes: Vec::new(),
            suffixed_digits: c.amount_suffix_max_digits.unwrap_or(0),
            currency_words: Vec::new(),
            currency_signs: Vec::new(),
            currency_digits: c.amount_currency_min_digits.unwrap_or(u32::MAX),
            suffix_starts: Vec::new(),
        };
        for x in &c.amount_suffixes {
            let x: Vec<char> = x.chars().map(|c| fold_char(c, fold)).collect();
            if let Some(&c) = x.first() {
                if !out.suffix_starts.contains(&c) {
                    out.suffix_starts.push(c);
                }
            }
            out.suffixes.push(x);
        }
        for x in &c.amount_currencies {
            if x.bytes().all(|b| b.is_ascii_alphabetic()) {
                out.currency_words.push(x.to_ascii_lowercase());
            } else {
                out.currency_signs.extend(x.chars().map(width_fold));
            }
        }
        Some(out)
    }

    /// The first written amount in `text`, as a char range of it (with its multiplier).
    pub(crate) fn find(&self, text: &str, fold: &Fold) -> Option<(usize, usize)> {
        let b = text.as_bytes();
        let mut i = 0;
        while let Some(at) = next_digit_lead(b, i) {
            i = at;
            if !digit_at(text, i) {
                i += 1;
                continue;
            }
            let start = i;
            let (mut end, mut digits, complex) = token(text, i);
            if !complex {
                // Numbers joined by single spaces are one ("0917 123 4567").
                while let Some((c, w)) = char_at(text, end) {
                    if !is_space(c) || !digit_at(text, end + w) {
                        break;
                    }
                    let (e, d, cx) = token(text, end + w);
                    if cx {
                        break;
                    }
                    end = e;
                    digits += d;
                }
            }
            i = end;
            if complex {
                continue;
            }
            let Some(currency) = self.before(text, start) else {
                continue;
            };
            let found = |e: usize| {
                let a = text[..start].chars().count();
                Some((a, a + text[start..e].chars().count()))
            };
            if digits <= self.suffixed_digits {
                if let Some(e) = self.suffix_at(text, end, fold) {
                    return found(e);
                }
            }
            let glued = char_at(text, end).is_some_and(|(c, _)| c.is_ascii_alphanumeric());
            let currency_after = glued && {
                let b = text.as_bytes();
                let mut e = end;
                while e < b.len() && b[e].is_ascii_alphabetic() {
                    e += 1;
                }
                !alnum_at(text, e) && self.currency_word(&text[end..e])
            };
            if glued && !currency_after {
                continue;
            }
            let min = if currency || currency_after {
                self.currency_digits.min(*self.digits.start())
            } else {
                *self.digits.start()
            };
            if digits >= min && digits <= *self.digits.end() {
                return found(end);
            }
        }
        None
    }

    /// What stands right before the number at byte `start`: `None` when it is glued to a
    /// word ("CV22", "ab123"), else whether a currency sign or code does ("$", "Rs. ", "KES ").
    /// One glued letter is a currency sign too ("P2,800", "K2000", "N5000"), of no weight.
    fn before(&self, text: &str, start: usize) -> Option<bool> {
        let b = text.as_bytes();
        let word_start = |end: usize| {
            let mut a = end;
            while a > 0 && b[a - 1].is_ascii_alphabetic() {
                a -= 1;
            }
            a
        };
        let Some(orig) = text[..start].chars().next_back() else {
            return Some(false);
        };
        let p = width_fold(orig);
        if p.is_ascii_alphabetic() {
            let a = word_start(start);
            if self.currency_word(&text[a..start]) {
                return Some(true);
            }
            let alone = a == 0 || !b[a - 1].is_ascii_alphanumeric();
            return (start - a == 1 && alone).then_some(false);
        }
        // A sign glued on, or a sign or code then one space or ".": "$ 95", "Rs. 95", "KES 3,400".
        let mut q = start;
        if is_space(p) || p == '.' {
            q -= orig.len_utf8();
            if is_space(p) && q > 0 && b[q - 1] == b'.' {
                q -= 1;
            }
        }
        if q == 0 {
            return Some(false);
        }
        if b[q - 1].is_ascii_alphabetic() {
            return Some(self.currency_word(&text[word_start(q)..q]));
        }
        let c = width_fold(text[..q].chars().next_back()?);
        Some(self.currency_signs.contains(&c))
    }

    fn currency_word(&self, w: &str) -> bool {
        w.len() <= 4
            && self
                .currency_words
                .iter()
                .any(|x| x.eq_ignore_ascii_case(w))
    }

    /// The end of a multiplier written at byte `end` (glued, or after one space when it is a
    /// word: "850 rb"), when one is and no letter follows it.
    fn suffix_at(&self, text: &str, end: usize, fold: &Fold) -> Option<usize> {
        let starts = |i: usize| {
            char_at(text, i).is_some_and(|(c, _)| self.suffix_starts.contains(&fold_char(c, fold)))
        };
        let spaced = char_at(text, end)
            .filter(|&(c, _)| is_space(c))
            .map(|(_, w)| end + w)
            .filter(|&i| starts(i));
        if !starts(end) && spaced.is_none() {
            return None;
        }
        for x in &self.suffixes {
            for at in [Some(end), spaced.filter(|_| x.len() > 1)]
                .into_iter()
                .flatten()
            {
                if let Some(e) = matches_at(text, at, x, fold) {
                    let latin = x[x.len() - 1].is_ascii_alphabetic();
                    if !latin || !char_at(text, e).is_some_and(|(c, _)| c.is_ascii_alphabetic()) {
                        return Some(e);
                    }
                }
            }
        }
        None
    }
}

/// A number's digits from byte `i`: digits joined by `,` or `.` (grouping, decimals) are one
/// number; joined by `-`, `/` or `:`, a date, time or reference (`complex`).
/// Returns (end byte, digit count, complex).
fn token(text: &str, mut i: usize) -> (usize, u32, bool) {
    let (mut digits, mut complex) = (0u32, false);
    loop {
        while let Some(w) = digit_width(text.as_bytes(), i) {
            digits += 1;
            i += w;
        }
        match text.as_bytes().get(i) {
            Some(b',' | b'.') if digit_at(text, i + 1) => {}
            Some(b'-' | b'/' | b':') if digit_at(text, i + 1) => complex = true,
            _ => break,
        }
        i += 1;
    }
    (i, digits, complex)
}

/// The width-folded char at byte `i` and its width in bytes.
fn char_at(text: &str, i: usize) -> Option<(char, usize)> {
    let c = text.get(i..)?.chars().next()?;
    Some((width_fold(c), c.len_utf8()))
}

/// The first byte from `from` that may start a digit: an ASCII digit or the lead byte of a
/// full-width form (U+FF10..U+FF19 among them). Most messages have no digit, and most bytes
/// of the rest are none: 16 bytes are told at a time, without a branch per byte.
#[inline]
fn next_digit_lead(b: &[u8], from: usize) -> Option<usize> {
    let may = |x: u8| x.wrapping_sub(b'0') < 10 || x == 0xEF;
    let mut at = from.min(b.len());
    for block in b[at..].chunks(16) {
        if block.iter().fold(false, |acc, &x| acc | may(x)) {
            return block.iter().position(|&x| may(x)).map(|p| at + p);
        }
        at += block.len();
    }
    None
}

/// The width of an ASCII or full-width digit at byte `i`.
fn digit_width(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        x if x.is_ascii_digit() => Some(1),
        0xEF if b.get(i + 1) == Some(&0xBC)
            && b.get(i + 2).is_some_and(|y| (0x90..=0x99).contains(y)) =>
        {
            Some(3)
        }
        _ => None,
    }
}

fn digit_at(text: &str, i: usize) -> bool {
    digit_width(text.as_bytes(), i).is_some()
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}')
}

fn alnum_at(text: &str, i: usize) -> bool {
    char_at(text, i).is_some_and(|(c, _)| c.is_ascii_alphanumeric())
}

fn fold_char(c: char, fold: &Fold) -> char {
    let c = width_fold(c);
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        fold.get(c)
    }
}

/// The end byte of `x` (folded chars) written at byte `at`, if it is.
fn matches_at(text: &str, at: usize, x: &[char], fold: &Fold) -> Option<usize> {
    let mut it = text.get(at..)?.char_indices();
    for &want in x {
        let (_, c) = it.next()?;
        if fold_char(c, fold) != want {
            return None;
        }
    }
    Some(it.next().map_or(text.len(), |(o, _)| at + o))
}
