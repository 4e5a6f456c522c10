//! Collector-message classifier.
//!
//! A message is normalised ([`normalize`]: width, case, Traditional -> Simplified, inserted
//! separators, digits for letters), then one Aho-Corasick automaton finds every lexicon term in
//! one pass. The lexicon ([`lexicon`], a TOML data file compiled in and replaceable at run time)
//! groups terms into weighted rules; a message is collection when the weights of the rules that
//! fired reach the threshold and one of them shows an overdue or collected debt. Flag rules raise
//! their flag on collection messages only. Every flag names its rule and the words, as char spans
//! of the original text.

mod extract;
mod lexicon;
mod normalize;

#[cfg(feature = "toml-files")]
use crate::error::{Error, Result};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use extract::Extractor;
use lexicon::LexiconFile;
use normalize::{normalize_into, normalize_term, normalize_text_only, Fold, Normalized};
use once_cell::sync::Lazy;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
#[cfg(feature = "toml-files")]
use std::path::Path;

/// The lexicon compiled into the library: `core/data/lexicon/collection.toml` as JSON (build.rs).
pub(crate) const BUILTIN_LEXICON: &str = include_str!(concat!(env!("OUT_DIR"), "/lexicon.json"));
/// The lexicon's TOML source, only as part of the rules fingerprint: hashing the same bytes as
/// before the JSON conversion keeps existing stores from rebuilding their flags for nothing.
pub(crate) const BUILTIN_LEXICON_SOURCE: &str = include_str!("../../data/lexicon/collection.toml");
/// Traditional -> Simplified character pairs (from OpenCC).
const T2S: &str = include_str!("../../data/lexicon/t2s.txt");

/// At most this many spans are reported per rule (a pathological message repeats a word forever).
const MAX_SPANS_PER_RULE: usize = 8;

/// Message flags, exactly the vocabulary of rules-matrix.md "Message patterns".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    Threat,
    Abuse,
    Exposure,
    FalseAuthority,
    ThirdParty,
    PressureBorrow,
}

impl Flag {
    pub const ALL: [Flag; 6] = [
        Flag::Threat,
        Flag::Abuse,
        Flag::Exposure,
        Flag::FalseAuthority,
        Flag::ThirdParty,
        Flag::PressureBorrow,
    ];

    /// The flag's name as in rules-matrix.md (`false_authority`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Flag::Threat => "threat",
            Flag::Abuse => "abuse",
            Flag::Exposure => "exposure",
            Flag::FalseAuthority => "false_authority",
            Flag::ThirdParty => "third_party",
            Flag::PressureBorrow => "pressure_borrow",
        }
    }

    /// Parses a flag name as written in rules-matrix.md.
    pub fn from_name(s: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.name() == s)
    }
}

/// A matched stretch of the original text, in char offsets (start inclusive, end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Why a flag was raised: the lexicon rule that fired and the words it matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlagHit {
    pub flag: Flag,
    /// Id of the lexicon rule that fired.
    pub rule: String,
    pub spans: Vec<Span>,
    /// The matched text, as it appears in the message.
    pub words: Vec<String>,
}

/// A lexicon rule that fired, with its contribution to the score (flag rules included): the
/// explanation of why a message is, or is not, collection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalHit {
    pub rule: String,
    pub weight: f32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<Flag>,
    pub spans: Vec<Span>,
    pub words: Vec<String>,
}

/// What the classifier says about one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Classification {
    pub collection: bool,
    /// Sum of the weights of the rules that fired (collection needs at least the lexicon's
    /// threshold, see [`Classifier::threshold`]).
    pub score: f32,
    /// Flags, only on collection messages; one entry per flag rule that fired.
    pub flags: Vec<FlagHit>,
    /// Creditor named in the message (【XX金融】, "XYZ Collections"), if any; collection only.
    pub creditor: Option<String>,
    /// Call-back numbers quoted in the text, as written; collection only.
    pub callback_numbers: Vec<String>,
    /// Every rule that fired, in lexicon order.
    #[serde(default)]
    pub signals: Vec<SignalHit>,
}

impl Classification {
    /// Whether `flag` was raised.
    pub fn has(&self, flag: Flag) -> bool {
        self.flags.iter().any(|h| h.flag == flag)
    }

    /// The distinct flags raised, in vocabulary order.
    pub fn flag_set(&self) -> Vec<Flag> {
        let mut v: Vec<Flag> = self.flags.iter().map(|h| h.flag).collect();
        v.sort();
        v.dedup();
        v
    }
}

#[derive(Debug)]
struct Rule {
    id: String,
    weight: f32,
    anchor: bool,
    flag: Option<Flag>,
    /// Indices of the rules that cancel this one when they fire.
    suppressed_by: Vec<u16>,
}

/// Per automaton pattern: its rule and whether it must start/end on a word boundary.
#[derive(Debug, Clone, Copy)]
struct Term {
    rule: u16,
    start_word: bool,
    end_word: bool,
    /// A single Latin word ("owe"): it may be spelt out with gaps ("o w e") but must not be
    /// glued from pieces of other words ("o.o we").
    single_word: bool,
}

/// A compiled classifier.
#[derive(Debug)]
pub struct Classifier {
    version: String,
    threshold: f32,
    fold: Fold,
    ac: AhoCorasick,
    terms: Vec<Term>,
    rules: Vec<Rule>,
    extract: Extractor,
}

/// Per-thread buffers so that classifying a message allocates nothing unless a term matches.
#[derive(Default)]
struct Scratch {
    norm: Normalized,
    /// (rule, normalised start byte, normalised end byte)
    hits: Vec<(u16, u32, u32)>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

static BUILTIN: Lazy<Classifier> = Lazy::new(|| {
    // The builtin lexicon is checked by the test suite; failing here is a build defect.
    LexiconFile::parse_json(BUILTIN_LEXICON)
        .and_then(Classifier::compile)
        .expect("the builtin lexicon is valid")
});

impl Classifier {
    /// The lexicon compiled into the library.
    pub fn builtin() -> &'static Classifier {
        &BUILTIN
    }

    /// Compiles a lexicon given as TOML text (same format as the builtin one).
    #[cfg(feature = "toml-files")]
    pub fn from_toml_str(src: &str) -> Result<Classifier> {
        LexiconFile::parse_toml(src)
            .and_then(Self::compile)
            .map_err(Error::Parse)
    }

    /// Loads a lexicon file at run time, so a pattern update needs no new build.
    #[cfg(feature = "toml-files")]
    pub fn from_file(path: &Path) -> Result<Classifier> {
        let src = crate::limits::read_text_file(path, crate::limits::MAX_DATA_FILE)?;
        Self::from_toml_str(&src).map_err(|e| Error::Parse(format!("{}: {e}", path.display())))
    }

    /// The lexicon's version string.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The score a message needs (with an anchor rule) to be collection.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    fn compile(file: LexiconFile) -> std::result::Result<Classifier, String> {
        let fold = Fold::new(T2S, &file.fold_pairs()?)?;
        if file.rules.len() > u16::MAX as usize {
            return Err("lexicon: too many rules".into());
        }
        let mut patterns: Vec<String> = Vec::new();
        let mut terms: Vec<Term> = Vec::new();
        let mut owner: std::collections::HashMap<String, usize> = Default::default();
        let mut rules = Vec::with_capacity(file.rules.len());
        for (ri, r) in file.rules.iter().enumerate() {
            for t in &r.terms {
                let n = normalize_term(t, &fold);
                if n.is_empty() {
                    return Err(format!("lexicon: rule {:?}: term {t:?} is empty", r.id));
                }
                match owner.get(&n) {
                    Some(&o) if o == ri => continue, // the same term twice (e.g. 還/还) in one rule
                    Some(&o) => {
                        return Err(format!(
                            "lexicon: term {t:?} of rule {:?} is also in rule {:?}",
                            r.id, file.rules[o].id
                        ))
                    }
                    None => {}
                }
                owner.insert(n.clone(), ri);
                let first = n.chars().next().unwrap_or(' ');
                let last = n.chars().next_back().unwrap_or(' ');
                terms.push(Term {
                    rule: ri as u16,
                    start_word: first.is_ascii_alphanumeric(),
                    end_word: last.is_ascii_alphanumeric(),
                    single_word: n.bytes().all(|b| b.is_ascii_alphanumeric())
                        && !t.trim().contains(char::is_whitespace),
                });
                patterns.push(n);
            }
            let suppressed_by = r
                .suppressed_by
                .iter()
                .filter_map(|id| file.rules.iter().position(|x| &x.id == id))
                .map(|i| i as u16)
                .collect();
            rules.push(Rule {
                id: r.id.clone(),
                weight: r.weight,
                anchor: r.anchor,
                flag: r.flag,
                suppressed_by,
            });
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            // The rare-byte prefilter hurts here: every CJK char starts with one of a few UTF-8
            // lead bytes, so it keeps stopping; the plain DFA is ~40% faster on the NUS corpora.
            .prefilter(false)
            .build(&patterns)
            .map_err(|e| format!("lexicon: cannot compile the terms: {e}"))?;
        Ok(Classifier {
            version: file.meta.version.clone(),
            threshold: file.meta.collection_threshold,
            fold,
            ac,
            terms,
            rules,
            extract: Extractor::new(&file.extract)?,
        })
    }

    /// Classifies one message. `sender` is the sender's address or ID, used as the creditor's
    /// name when it is a name (not a number) and the text names none.
    pub fn classify(&self, text: &str, sender: Option<&str>) -> Classification {
        self.classify_scratch(text, sender, true)
    }

    /// [`Classifier::classify`] without [`Classification::signals`], the per-rule explanation
    /// of the score, which the rules engine never reads: everything else is the same. An import
    /// classifies every received SMS, and the signals were most of the allocations.
    pub fn classify_for_rules(&self, text: &str, sender: Option<&str>) -> Classification {
        self.classify_scratch(text, sender, false)
    }

    fn classify_scratch(&self, text: &str, sender: Option<&str>, signals: bool) -> Classification {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut s) => self.classify_with(text, sender, &mut s, signals),
            Err(_) => self.classify_with(text, sender, &mut Scratch::default(), signals),
        })
    }

    fn classify_with(
        &self,
        text: &str,
        sender: Option<&str>,
        s: &mut Scratch,
        signals: bool,
    ) -> Classification {
        // Only the first MAX_CHARS chars are looked at (normalisation stops there too).
        let text = if text.len() > normalize::MAX_CHARS {
            match text.char_indices().nth(normalize::MAX_CHARS) {
                Some((b, _)) => &text[..b],
                None => text,
            }
        } else {
            text
        };
        // Fast path: most messages contain no lexicon term at all.
        normalize_text_only(text, &self.fold, &mut s.norm);
        if !self.ac.is_match(s.norm.text.as_str()) {
            return Classification::default();
        }
        normalize_into(text, &self.fold, &mut s.norm);
        s.hits.clear();
        for m in self.ac.find_overlapping_iter(s.norm.text.as_str()) {
            let t = self.terms[m.pattern().as_usize()];
            if (t.start_word && !s.norm.boundary_at(m.start()))
                || (t.end_word && !s.norm.boundary_at(m.end()))
            {
                continue;
            }
            if t.single_word {
                // ASCII: one byte per char; inside a Latin word a boundary is a dropped gap.
                let gaps = (m.start() + 1..m.end())
                    .filter(|&b| s.norm.boundary_at(b))
                    .count();
                if gaps != 0 && gaps != m.len() - 1 {
                    continue;
                }
            }
            s.hits.push((t.rule, m.start() as u32, m.end() as u32));
        }
        if s.hits.is_empty() {
            return Classification::default();
        }
        // A term inside a longer term of another rule is not evidence on its own: "已过最后还款日"
        // (overdue) contains "最后还款日" (pre-due), "visit your workplace" (threat) contains
        // "your workplace" (exposure). Sweep in text order, longest first, and drop those.
        s.hits
            .sort_unstable_by_key(|&(r, a, b)| (a, std::cmp::Reverse(b), r));
        let (mut max_end, mut max_rule) = (0u32, u16::MAX);
        s.hits.retain(|&(r, _, b)| {
            if b <= max_end {
                return r == max_rule;
            }
            max_end = b;
            max_rule = r;
            true
        });
        // Hits grouped by rule (in text order within a rule).
        s.hits.sort_unstable_by_key(|&(r, a, b)| (r, a, b));
        let fired = |r: u16| s.hits.binary_search_by_key(&r, |h| h.0).is_ok();
        let active = |r: u16| {
            !self.rules[r as usize]
                .suppressed_by
                .iter()
                .any(|&x| fired(x))
        };
        let mut score = 0.0f32;
        let mut anchored = false;
        let mut prev: Option<u16> = None;
        for &(r, _, _) in &s.hits {
            if prev != Some(r) {
                prev = Some(r);
                if active(r) {
                    let rule = &self.rules[r as usize];
                    score += rule.weight;
                    anchored |= rule.anchor;
                }
            }
        }
        let collection = anchored && score >= self.threshold;

        let offsets = CharOffsets::new(text);
        let mut out = Classification {
            collection,
            score,
            ..Default::default()
        };
        let mut i = 0;
        while i < s.hits.len() {
            let r = s.hits[i].0;
            let mut spans: Vec<Span> = Vec::new();
            while i < s.hits.len() && s.hits[i].0 == r {
                let (_, a, b) = s.hits[i];
                let span = Span {
                    start: s.norm.orig(a as usize),
                    end: s.norm.orig(b as usize - 1) + 1,
                };
                let n = spans.len();
                match spans.last_mut() {
                    Some(last) if span.start < last.end => last.end = last.end.max(span.end),
                    _ if n < MAX_SPANS_PER_RULE => spans.push(span),
                    _ => {}
                }
                i += 1;
            }
            if !active(r) {
                continue;
            }
            let rule = &self.rules[r as usize];
            let flag = rule.flag.filter(|_| collection);
            if flag.is_none() && !signals {
                continue;
            }
            let words: Vec<String> = spans
                .iter()
                .map(|sp| offsets.slice(text, *sp).to_string())
                .collect();
            let signal = |spans, words| SignalHit {
                rule: rule.id.clone(),
                weight: rule.weight,
                flag: rule.flag,
                spans,
                words,
            };
            match flag {
                Some(flag) => {
                    if signals {
                        out.signals.push(signal(spans.clone(), words.clone()));
                    }
                    out.flags.push(FlagHit {
                        flag,
                        rule: rule.id.clone(),
                        spans,
                        words,
                    });
                }
                None => out.signals.push(signal(spans, words)),
            }
        }
        if collection {
            out.creditor = self.extract.creditor(text, sender);
            out.callback_numbers = self.extract.callback_numbers(text);
        }
        out
    }
}

/// Byte offsets of the chars of a text, to turn char spans back into slices.
struct CharOffsets(Vec<usize>);

impl CharOffsets {
    fn new(text: &str) -> CharOffsets {
        let mut v: Vec<usize> = text
            .char_indices()
            .take(normalize::MAX_CHARS)
            .map(|(b, _)| b)
            .collect();
        v.push(v.last().map_or(0, |&b| {
            b + text[b..].chars().next().map_or(0, char::len_utf8)
        }));
        CharOffsets(v)
    }

    fn slice<'a>(&self, text: &'a str, sp: Span) -> &'a str {
        let a = self.0.get(sp.start).copied().unwrap_or(text.len());
        let b = self.0.get(sp.end).copied().unwrap_or(text.len());
        text.get(a..b.max(a)).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lexicon_compiles() {
        assert!(!Classifier::builtin().version().is_empty());
    }

    /// The JSON that build.rs embeds says what the TOML source says.
    #[cfg(feature = "toml-files")]
    #[test]
    fn builtin_lexicon_is_the_toml_source() {
        let src = include_str!("../../data/lexicon/collection.toml");
        let from_toml = format!("{:?}", LexiconFile::parse_toml(src).unwrap());
        let from_json = format!("{:?}", LexiconFile::parse_json(BUILTIN_LEXICON).unwrap());
        assert_eq!(from_toml, from_json);
        assert!(from_json.contains("debt.overdue.state.zh"));
    }

    #[test]
    fn lawful_overdue_notice_is_collection_without_flags() {
        let r = Classifier::builtin().classify(
            "截至20140301您的尾号为2327的贷记卡透支102.10人民币，账户已逾期。请您尽快还款。工银信用卡【工商银行】",
            None,
        );
        assert!(r.collection, "{r:?}");
        assert!(r.flags.is_empty(), "{r:?}");
        assert_eq!(r.creditor.as_deref(), Some("工商银行"));
    }

    #[test]
    fn spans_point_into_the_original_text() {
        let text = "你已經逾 期三天，再不還錢就爆通訊錄！";
        let r = Classifier::builtin().classify(text, None);
        assert!(r.collection, "{r:?}");
        let hit = r.flags.iter().find(|h| h.flag == Flag::Exposure).unwrap();
        assert_eq!(hit.words, vec!["爆通訊錄".to_string()]);
        let chars: Vec<char> = text.chars().collect();
        let sp = hit.spans[0];
        assert_eq!(
            chars[sp.start..sp.end].iter().collect::<String>(),
            "爆通訊錄"
        );
    }

    #[test]
    fn english_terms_respect_word_boundaries() {
        let r = Classifier::builtin().classify("My familiar friend", None);
        assert!(r.signals.iter().all(|s| !s.rule.starts_with("abuse")));
    }
}
