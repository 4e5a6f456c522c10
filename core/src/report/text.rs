//! The report's wording and per-jurisdiction display facts, read from `text.toml` (compiled in as
//! the JSON that build.rs converts it to).

use super::Lang;
use crate::model::Jurisdiction;
use once_cell::sync::Lazy;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
struct Channel {
    zh: String,
    en: String,
}

impl Channel {
    fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

#[derive(Deserialize)]
struct File {
    daily_reference: HashMap<String, u32>,
    channels: HashMap<String, Vec<Channel>>,
    channels_police: HashMap<String, Channel>,
    zh: HashMap<String, String>,
    en: HashMap<String, String>,
    letter: HashMap<String, HashMap<String, String>>,
}

static FILE: Lazy<File> = Lazy::new(|| {
    // Compiled in and covered by tests, so a broken file fails the build's tests, not a user.
    serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/report-text.json")))
        .expect("report/text.toml is valid")
});

/// Wording in one language.
#[derive(Clone, Copy)]
pub struct Text {
    pub lang: Lang,
}

impl Text {
    pub fn new(lang: Lang) -> Self {
        Text { lang }
    }

    /// A UI string; a missing key shows as itself so a gap is visible, never a panic.
    pub fn t(&self, key: &str) -> &'static str {
        let map = match self.lang {
            Lang::Zh => &FILE.zh,
            Lang::En => &FILE.en,
        };
        map.get(key).map(String::as_str).unwrap_or_else(|| {
            log::warn!("report text {key:?} missing");
            "?"
        })
    }

    /// A letter sentence.
    pub fn letter(&self, key: &str) -> &'static str {
        FILE.letter
            .get(self.lang.as_str())
            .and_then(|m| m.get(key))
            .map(String::as_str)
            .unwrap_or("?")
    }

    pub fn channels(&self, j: Jurisdiction) -> Vec<&'static str> {
        FILE.channels
            .get(j.as_str())
            .map(|v| v.iter().map(|c| c.get(self.lang)).collect())
            .unwrap_or_default()
    }

    pub fn police(&self, j: Jurisdiction) -> Option<&'static str> {
        FILE.channels_police
            .get(j.as_str())
            .map(|c| c.get(self.lang))
    }
}

/// Permitted local contact hours `[from, to)` shown on the heat map: the rule pack's.
pub fn window(j: Jurisdiction) -> (u32, u32) {
    crate::rules::pack::builtin(j)
        .ok()
        .and_then(|p| p.permitted_hours())
        .unwrap_or((8, 21))
}

/// Daily reference line of the contacts-per-day chart, if the jurisdiction has one.
pub fn daily_reference(j: Jurisdiction) -> Option<u32> {
    FILE.daily_reference.get(j.as_str()).copied()
}

/// Replaces `{name}` placeholders.
pub fn fill(template: &str, args: &[(&str, String)]) -> String {
    let mut s = template.to_string();
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

#[cfg(test)]
pub(crate) fn all_keys_present() -> Result<(), String> {
    let (zh, en) = (&FILE.zh, &FILE.en);
    for k in zh.keys() {
        if !en.contains_key(k) {
            return Err(format!("en lacks {k}"));
        }
    }
    for k in en.keys() {
        if !zh.contains_key(k) {
            return Err(format!("zh lacks {k}"));
        }
    }
    let (lz, le) = (&FILE.letter["zh"], &FILE.letter["en"]);
    if lz.len() != le.len() || lz.keys().any(|k| !le.contains_key(k)) {
        return Err("letter templates differ between zh and en".into());
    }
    Ok(())
}
