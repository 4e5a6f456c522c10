//! Creditor names and call-back numbers quoted in a message: the rules engine uses them to join
//! the many numbers a collector rotates through into one case.

use super::lexicon::ExtractSection;
use once_cell::sync::Lazy;
use regex::Regex;

/// 【招商银行】 / [招商银行] signatures at either end of Chinese SMS.
static SIGNATURE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"【([^【】\n]{2,20})】|\[([^\[\]\n]{2,20})\]").expect("static regex"));

/// A run that looks like a phone number: digits with spaces, dashes, brackets between them.
static NUMBER_RUN: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"[+＋(（]?[0-9０-９][0-9０-９ \-－()（）]{5,22}[0-9０-９]").expect("static regex")
});

/// 2024-10-05 / 2024 10 05: dates, not numbers to call.
static DATE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^\d{4}[-－ ]\d{1,2}[-－ ]\d{1,2}$").expect("static regex"));

/// Compiled extraction settings from the lexicon's `[extract]` section.
#[derive(Debug)]
pub(crate) struct Extractor {
    zh_unit: Option<Regex>,
    zh_fillers: Vec<String>,
    en_name: Option<Regex>,
    not_after: Vec<String>,
    not_before: Vec<String>,
}

/// Words that name no one in particular ("本平台催收部").
const GENERIC: &[&str] = &[
    "平台", "我司", "公司", "本司", "我们", "我方", "贵司", "你", "您",
];

impl Extractor {
    pub(crate) fn new(x: &ExtractSection) -> Result<Extractor, String> {
        let alt = |v: &[String]| {
            v.iter()
                .map(|s| regex::escape(s.trim()))
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("|")
        };
        let zh_unit = if x.zh_unit_suffixes.is_empty() {
            None
        } else {
            let re = format!(
                r"([\p{{Han}}A-Za-z0-9]{{1,12}}?)(?:{})",
                alt(&x.zh_unit_suffixes)
            );
            Some(Regex::new(&re).map_err(|e| format!("extract.zh_unit_suffixes: {e}"))?)
        };
        let en_name = if x.en_suffixes.is_empty() {
            None
        } else {
            let re = format!(
                r"\b((?:[A-Z][A-Za-z0-9&'.\-]*\s+){{1,4}}(?:{}))\b",
                alt(&x.en_suffixes)
            );
            Some(Regex::new(&re).map_err(|e| format!("extract.en_suffixes: {e}"))?)
        };
        let mut zh_fillers: Vec<String> = x.zh_unit_fillers.clone();
        zh_fillers.sort_by_key(|f| std::cmp::Reverse(f.len()));
        Ok(Extractor {
            zh_unit,
            zh_fillers,
            en_name,
            not_after: x
                .number_not_after
                .iter()
                .map(|s| s.to_lowercase())
                .collect(),
            not_before: x
                .number_not_before
                .iter()
                .map(|s| s.to_lowercase())
                .collect(),
        })
    }

    /// The creditor or collector the message names, as written; the sender ID when it is a name.
    pub(crate) fn creditor(&self, text: &str, sender: Option<&str>) -> Option<String> {
        if let Some(c) = SIGNATURE.captures(text) {
            let name = c.get(1).or_else(|| c.get(2)).map(|m| m.as_str().trim());
            if let Some(n) = name.filter(|n| !n.is_empty() && !GENERIC.contains(n)) {
                return Some(n.to_string());
            }
        }
        if let Some(re) = &self.zh_unit {
            for c in re.captures_iter(text) {
                let raw = c.get(1).map(|m| m.as_str()).unwrap_or("");
                let name = self.strip_fillers(raw);
                if name.chars().count() >= 2 && !GENERIC.contains(&name) {
                    return Some(name.to_string());
                }
            }
        }
        if let Some(re) = &self.en_name {
            if let Some(m) = re.captures(text).and_then(|c| c.get(1)) {
                let name = m.as_str().split_whitespace().collect::<Vec<_>>().join(" ");
                return Some(name);
            }
        }
        sender
            .map(str::trim)
            .filter(|s| s.chars().any(char::is_alphabetic) && s.chars().count() <= 40)
            .map(str::to_string)
    }

    /// The part of a captured unit name after its last filler word ("这里是速借花" -> "速借花").
    fn strip_fillers<'a>(&self, raw: &'a str) -> &'a str {
        let mut cut = 0;
        for f in &self.zh_fillers {
            if let Some(p) = raw.rfind(f.as_str()) {
                cut = cut.max(p + f.len());
            }
        }
        &raw[cut..]
    }

    /// Phone numbers quoted in the text, as written, without amounts, dates and account numbers.
    pub(crate) fn callback_numbers(&self, text: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for m in NUMBER_RUN.find_iter(text) {
            // Keep an opening bracket only when it is closed: "(866) 555-0100".
            let s = m.as_str();
            let s = if s.contains([')', '）']) {
                s
            } else {
                s.trim_start_matches(['(', '（'])
            };
            let digits = s.chars().filter(|c| c.is_numeric()).count();
            if !(7..=15).contains(&digits) || DATE.is_match(s) {
                continue;
            }
            let before = &text[..m.start()];
            let before_tail: String = before
                .trim_end_matches([' ', ':', '：', '#', '.'])
                .chars()
                .rev()
                .take(10)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<String>()
                .to_lowercase();
            if before.ends_with(['¥', '￥', '$']) {
                continue;
            }
            if self
                .not_after
                .iter()
                .any(|w| before_tail.ends_with(w.as_str()))
            {
                continue;
            }
            let after: String = text[m.end()..]
                .trim_start()
                .chars()
                .take(8)
                .collect::<String>()
                .to_lowercase();
            let decimal = {
                let mut a = after.chars();
                a.next() == Some('.') && a.next().is_some_and(|c| c.is_ascii_digit())
            };
            if decimal
                || self
                    .not_before
                    .iter()
                    .any(|w| after.starts_with(w.as_str()))
            {
                continue;
            }
            let s = s.to_string();
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }
}
