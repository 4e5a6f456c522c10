//! The lexicon file format (TOML, see `core/data/lexicon/collection.toml`; compiled in as the JSON
//! that build.rs converts it to) and its validation.

use super::Flag;
use serde::Deserialize;

/// The whole lexicon file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LexiconFile {
    pub meta: Meta,
    #[serde(default)]
    pub fold: FoldSection,
    #[serde(default)]
    pub extract: ExtractSection,
    #[serde(rename = "rule", default)]
    pub rules: Vec<RuleDef>,
    /// Concepts: word classes that are features of the model only (never part of the lexicon's
    /// score or flags), so that it can learn "a relative + money + today" from examples that
    /// used other words of the same classes.
    #[serde(rename = "concept", default)]
    pub concepts: Vec<ConceptDef>,
}

/// One concept: a named word class (`concept.kin`: mother, 妈, nanay, ibu, ...).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConceptDef {
    pub id: String,
    /// A money or repaying word (a debt cue): without one, or a debt anchor rule, the model
    /// alone never reads an unknown sender's message as collection.
    #[serde(default)]
    pub cue: bool,
    #[serde(deserialize_with = "terms")]
    pub terms: Vec<String>,
    /// A number of `amount_digits` to `amount_max_digits` digits (grouped with `,` or `.`, on
    /// word boundaries) also belongs to the concept: an amount ("$350", "4,800", "3860") says
    /// "money" in a terse demand that names no currency word.
    #[serde(default)]
    pub amount_digits: Option<u32>,
    #[serde(default)]
    pub amount_max_digits: Option<u32>,
    /// Multipliers that make a short number (1 to `amount_suffix_max_digits` digits) written
    /// right before them an amount too: "8k", "1.2w", "2万", "850rb", "3jt".
    #[serde(default)]
    pub amount_suffixes: Vec<String>,
    #[serde(default)]
    pub amount_suffix_max_digits: Option<u32>,
    /// Currency signs and codes ("$", "£", "rs", "kes") that make a shorter number an amount
    /// when written right before it (or glued after it): "£95", "Rs. 80".
    #[serde(default)]
    pub amount_currencies: Vec<String>,
    /// The fewest digits an amount with a currency sign has (at most `amount_digits`).
    #[serde(default)]
    pub amount_currency_min_digits: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Meta {
    pub version: String,
    pub collection_threshold: f32,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FoldSection {
    /// Two-char strings: from, to.
    #[serde(default)]
    pub pairs: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExtractSection {
    #[serde(default)]
    pub zh_unit_suffixes: Vec<String>,
    #[serde(default)]
    pub zh_unit_fillers: Vec<String>,
    #[serde(default)]
    pub en_suffixes: Vec<String>,
    #[serde(default)]
    pub number_not_after: Vec<String>,
    #[serde(default)]
    pub number_not_before: Vec<String>,
}

/// One rule: a named list of terms with a weight, optionally raising a flag.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleDef {
    pub id: String,
    pub weight: f32,
    #[serde(default)]
    pub anchor: bool,
    /// Ids of rules that, when they fire, cancel this one (a pre-due wording in a message that
    /// already says the debt is overdue is no evidence against collection).
    #[serde(default)]
    pub suppressed_by: Vec<String>,
    #[serde(default)]
    pub flag: Option<Flag>,
    #[serde(deserialize_with = "terms")]
    pub terms: Vec<String>,
}

impl LexiconFile {
    /// Reads and checks a lexicon written in TOML (a file given at run time).
    #[cfg(feature = "toml-files")]
    pub(crate) fn parse_toml(src: &str) -> Result<LexiconFile, String> {
        toml::from_str(src)
            .map_err(|e| format!("lexicon: {e}"))
            .and_then(LexiconFile::check)
    }

    /// Reads and checks a lexicon in JSON (the builtin one, converted from TOML by build.rs).
    pub(crate) fn parse_json(src: &str) -> Result<LexiconFile, String> {
        serde_json::from_str(src)
            .map_err(|e| format!("lexicon: {e}"))
            .and_then(LexiconFile::check)
    }

    fn check(f: LexiconFile) -> Result<LexiconFile, String> {
        if f.meta.version.trim().is_empty() {
            return Err("lexicon: meta.version is empty".into());
        }
        // The version is printed to terminals and reports: no escape sequences, no novels.
        if f.meta.version.chars().any(char::is_control) || f.meta.version.chars().count() > 100 {
            return Err(
                "lexicon: meta.version must be at most 100 characters, none of them control \
                 characters"
                    .into(),
            );
        }
        if !f.meta.collection_threshold.is_finite() || f.meta.collection_threshold <= 0.0 {
            return Err("lexicon: meta.collection_threshold must be a positive number".into());
        }
        if f.rules.is_empty() {
            return Err("lexicon: no rules".into());
        }
        let mut ids = std::collections::HashSet::new();
        for r in &f.rules {
            if !ids.insert(r.id.as_str()) {
                return Err(format!("lexicon: duplicate rule id {:?}", r.id));
            }
            if !r.weight.is_finite() {
                return Err(format!("lexicon: rule {:?} has no finite weight", r.id));
            }
            if r.terms.is_empty() {
                return Err(format!("lexicon: rule {:?} has no terms", r.id));
            }
        }
        let mut concept_ids = std::collections::HashSet::new();
        for c in &f.concepts {
            if !concept_ids.insert(c.id.as_str()) || ids.contains(c.id.as_str()) {
                return Err(format!("lexicon: duplicate concept id {:?}", c.id));
            }
            if c.terms.is_empty() {
                return Err(format!("lexicon: concept {:?} has no terms", c.id));
            }
            if let (Some(lo), Some(hi)) = (c.amount_digits, c.amount_max_digits) {
                if lo == 0 || lo > hi {
                    return Err(format!(
                        "lexicon: concept {:?}: amount digits {lo} to {hi}, need 1 <= min <= max",
                        c.id
                    ));
                }
                if c.amount_suffixes.iter().any(|x| x.trim().is_empty()) {
                    return Err(format!("lexicon: concept {:?}: empty amount suffix", c.id));
                }
                if c.amount_suffixes.is_empty() != c.amount_suffix_max_digits.is_none()
                    || c.amount_suffix_max_digits == Some(0)
                {
                    return Err(format!(
                        "lexicon: concept {:?}: amount_suffixes need amount_suffix_max_digits >= 1",
                        c.id
                    ));
                }
                if c.amount_currencies.iter().any(|x| x.trim().is_empty()) {
                    return Err(format!(
                        "lexicon: concept {:?}: empty amount currency",
                        c.id
                    ));
                }
                if c.amount_currencies.is_empty() != c.amount_currency_min_digits.is_none()
                    || c.amount_currency_min_digits
                        .is_some_and(|d| d == 0 || d > lo)
                {
                    return Err(format!(
                        "lexicon: concept {:?}: amount_currencies need 1 <= amount_currency_min_digits <= amount_digits",
                        c.id
                    ));
                }
            } else if c.amount_digits.is_some()
                || c.amount_max_digits.is_some()
                || !c.amount_suffixes.is_empty()
                || !c.amount_currencies.is_empty()
            {
                return Err(format!(
                    "lexicon: concept {:?}: amount_digits, amount_max_digits, amount_suffixes and amount_currencies go together",
                    c.id
                ));
            }
        }
        // Every score is a sum of weights: it must stay a finite number.
        let most: f32 = f.rules.iter().map(|r| r.weight.abs()).sum();
        if !most.is_finite() {
            return Err("lexicon: the rules' weights sum to more than a finite score".into());
        }
        for r in &f.rules {
            for s in &r.suppressed_by {
                if !ids.contains(s.as_str()) {
                    return Err(format!(
                        "lexicon: rule {:?} is suppressed by unknown rule {s:?}",
                        r.id
                    ));
                }
            }
        }
        Ok(f)
    }

    /// The fold pairs as chars.
    pub(crate) fn fold_pairs(&self) -> Result<Vec<(char, char)>, String> {
        self.fold
            .pairs
            .iter()
            .map(|p| {
                let mut cs = p.chars();
                match (cs.next(), cs.next(), cs.next()) {
                    (Some(a), Some(b), None) => Ok((a, b)),
                    _ => Err(format!("lexicon: fold pair {p:?} is not two chars")),
                }
            })
            .collect()
    }
}

/// A term list: a list of strings (the TOML files), or one string of terms joined by `|` (the
/// embedded JSON, which build.rs writes that way to save space).
fn terms<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct Terms;
    impl<'de> serde::de::Visitor<'de> for Terms {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of terms")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Vec<String>, E> {
            Ok(s.split('|').map(str::to_string).collect())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut a: A,
        ) -> Result<Vec<String>, A::Error> {
            let mut v = Vec::new();
            while let Some(t) = a.next_element::<String>()? {
                v.push(t);
            }
            Ok(v)
        }
    }
    d.deserialize_any(Terms)
}
