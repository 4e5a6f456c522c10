//! The full reading's term finder: every normalised term (the rules' and the concepts') in one
//! trie of chars, walked from each place a term can start.
//!
//! A term that starts with a Latin letter or digit counts only where a word starts
//! (`Term::matches_at`), and any other term starts on the lead byte of a char that is not ASCII,
//! so those are the only places a walk starts ([`Normalized::term_starts`]), and only where a
//! sieve of the same terms ([`Sieve::maybe_at`]) says one may; a walk ends where the trie has no
//! next char. The transitions are one hashed table of a few hundred kilobytes, built in a
//! fraction of the command's start-up; an Aho-Corasick DFA over the same terms took
//! megabytes and a third of that start-up, and every byte of the text was a step in it.

use super::normalize::{utf8_len, Normalized};
use super::sieve::{key, Sieve};

/// No term ends at this state (of this kind).
pub(crate) const NONE: u32 = u32::MAX;

/// A transition: `key` = (state + 1) << 32 | the next char's UTF-8 bytes (little-endian), 0 for
/// an empty slot; `next` the state it leads to; `end` what ends there (an index of
/// [`Trie::ends`]; [`NONE`]: nothing). One slot is all a step reads.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    key: u64,
    next: u32,
    end: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct Trie {
    /// The transitions, open addressing at about half load.
    slots: Vec<Slot>,
    shift: u32,
    /// The rule term and the concept term that end at a state, as indices of the lists given
    /// to [`Trie::new`] ([`NONE`]: none). A word may be both.
    ends: Vec<[u32; 2]>,
}

/// Slots of a table for `n` transitions at about half load (at least one is empty).
fn table(n: usize) -> (Vec<Slot>, u32) {
    let bits = (n + n / 2 + 1).next_power_of_two().trailing_zeros().max(4);
    (vec![Slot::default(); 1 << bits], 64 - bits)
}

/// The UTF-8 bytes of the char of `n` bytes (at most 4) at `at`, as one number.
#[inline(always)]
fn char_key(t: &[u8], at: usize, n: usize) -> u32 {
    key(t, at, n) as u32
}

impl Trie {
    /// The trie of the rules' terms and the concepts' terms (normalised, each once per list).
    // Not inlined: the Android library is built for size.
    #[inline(never)]
    pub(crate) fn new(rule_terms: &[String], concept_terms: &[String]) -> Trie {
        // A table grown as transitions are added (terms share most of their prefixes: there
        // are a fifth as many transitions as chars), then one sized to those there are.
        let (slots, shift) = table(1 << 10);
        let mut trie = Trie {
            slots,
            shift,
            ends: Vec::new(),
        };
        // Per state (0 is the root): what ends there.
        let mut ends = vec![[NONE; 2]];
        for (kind, list) in [rule_terms, concept_terms].into_iter().enumerate() {
            for (index, term) in list.iter().enumerate() {
                let t = term.as_bytes();
                let (mut state, mut at) = (0u32, 0);
                while at < t.len() {
                    let n = utf8_len(t[at]).min(t.len() - at);
                    let key = (u64::from(state) + 1) << 32 | u64::from(char_key(t, at, n));
                    let mut i = trie.find(key);
                    if trie.slots[i].key == 0 {
                        trie.slots[i] = Slot {
                            key,
                            next: ends.len() as u32,
                            end: NONE,
                        };
                        ends.push([NONE; 2]);
                        if 3 * ends.len() > 2 * trie.slots.len() {
                            trie.resize(2 * ends.len());
                            i = trie.find(key);
                        }
                    }
                    state = trie.slots[i].next;
                    at += n;
                }
                if state != 0 {
                    ends[state as usize][kind] = index as u32;
                }
            }
        }
        trie.resize(ends.len() - 1);
        for slot in trie.slots.iter_mut().filter(|s| s.key != 0) {
            let end = ends[slot.next as usize];
            if end != [NONE; 2] {
                slot.end = trie.ends.len() as u32;
                trie.ends.push(end);
            }
        }
        trie
    }

    /// Moves the transitions to a table sized for `n`.
    fn resize(&mut self, n: usize) {
        let (slots, shift) = table(n);
        let old = std::mem::replace(&mut self.slots, slots);
        self.shift = shift;
        for slot in old.into_iter().filter(|s| s.key != 0) {
            let i = self.find(slot.key);
            self.slots[i] = slot;
        }
    }

    /// The slot of `key`, or the empty slot where it would go.
    #[inline(always)]
    fn find(&self, key: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize;
        while self.slots[i].key != key && self.slots[i].key != 0 {
            i = (i + 1) & mask;
        }
        i
    }

    /// The transition from `state` on the char `c`, if there is one.
    #[inline(always)]
    fn step(&self, state: u32, c: u32) -> Option<&Slot> {
        let key = (u64::from(state) + 1) << 32 | u64::from(c);
        let slot = &self.slots[self.find(key)];
        (slot.key != 0).then_some(slot)
    }

    /// Calls `found(end, rule_term, concept_term)` for every term that starts at byte `from` of
    /// `t`, shortest first (`end` is the byte after it; one of the two may be [`NONE`]).
    #[inline]
    pub(crate) fn walk(&self, t: &[u8], from: usize, mut found: impl FnMut(usize, u32, u32)) {
        let (mut state, mut at) = (0u32, from);
        while at < t.len() {
            let n = utf8_len(t[at]).min(t.len() - at);
            let Some(slot) = self.step(state, char_key(t, at, n)) else {
                return;
            };
            state = slot.next;
            at += n;
            if slot.end != NONE {
                let [rule, concept] = self.ends[slot.end as usize];
                found(at, rule, concept);
            }
        }
    }

    /// Calls `found(start, end, rule_term, concept_term)` for every term in `norm` that starts
    /// where a term can start (see the module doc), in order of start, then end. `sieve` is
    /// the sieve of the same terms: a walk starts only where it says a term may.
    #[inline]
    pub(crate) fn each(
        &self,
        norm: &Normalized,
        sieve: &Sieve,
        mut found: impl FnMut(usize, usize, u32, u32),
    ) {
        let t = norm.text.as_bytes();
        for from in norm.term_starts() {
            if sieve.maybe_at(norm, from) {
                self.walk(t, from, |end, r, c| found(from, end, r, c));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::normalize::{normalize_into, normalize_term, Fold};

    fn found(rules: &[&str], concepts: &[&str], text: &str) -> Vec<(String, u32, u32)> {
        let fold = Fold::new(&[], &[]).unwrap();
        let norm = |l: &[&str]| {
            l.iter()
                .map(|t| normalize_term(t, &fold))
                .collect::<Vec<_>>()
        };
        let (rules, concepts) = (norm(rules), norm(concepts));
        let trie = Trie::new(&rules, &concepts);
        let all: Vec<&str> = rules.iter().chain(&concepts).map(String::as_str).collect();
        let sieve = Sieve::new(&all);
        let mut n = Normalized::default();
        normalize_into(text, &fold, &mut n);
        let mut out = Vec::new();
        trie.each(&n, &sieve, |a, b, r, c| {
            out.push((n.text[a..b].to_string(), r, c))
        });
        out
    }

    #[test]
    fn finds_every_term_from_each_start_shortest_first() {
        assert_eq!(
            found(&["逾期", "逾期未还"], &["还"], "已逾期未还款"),
            [
                ("逾期".to_string(), 0, NONE),
                ("逾期未还".to_string(), 1, NONE),
                ("还".to_string(), NONE, 0),
            ]
        );
        // A word in both lists ends once, with both indices.
        assert_eq!(
            found(&["pay"], &["owe", "pay"], "Pay now"),
            [("pay".to_string(), 0, 1)]
        );
    }

    /// Latin terms are looked for where a word starts only; other terms at every char, also
    /// right after Latin letters; terms are matched across dropped separators.
    #[test]
    fn latin_terms_at_word_starts_others_anywhere() {
        assert!(found(&["pay"], &[], "repay").is_empty());
        assert_eq!(found(&["pay"], &[], "re pay").len(), 1);
        assert_eq!(found(&["欠款"], &[], "abc欠款").len(), 1);
        assert_eq!(found(&["欠款"], &[], "欠 * 款").len(), 1);
        assert_eq!(found(&["overdue"], &[], "o.v.e.r.d.u.e").len(), 1);
        assert!(found(&["欠款"], &[], "欠").is_empty());
    }

    #[test]
    fn no_terms_find_nothing() {
        assert!(found(&[], &[], "anything 欠款").is_empty());
    }
}
