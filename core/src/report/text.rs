//! The report's wording and per-jurisdiction display facts, read from `text.toml` (compiled in as
//! the JSON that build.rs converts it to).

use super::Lang;
use crate::model::Jurisdiction;
use once_cell::sync::Lazy;
use serde::Deserialize;
use std::collections::HashMap;

/// A complaint channel in every report language: a missing one fails to load.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Channel {
    zh: String,
    #[serde(rename = "zh-Hant")]
    zh_hant: String,
    en: String,
}

impl Channel {
    fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::ZhHant => &self.zh_hant,
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
    #[serde(rename = "zh-Hant")]
    zh_hant: HashMap<String, String>,
    en: HashMap<String, String>,
    /// Language code → letter sentences.
    letter: HashMap<String, HashMap<String, String>>,
}

impl File {
    fn ui(&self, lang: Lang) -> &HashMap<String, String> {
        match lang {
            Lang::Zh => &self.zh,
            Lang::ZhHant => &self.zh_hant,
            Lang::En => &self.en,
        }
    }
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
        FILE.ui(self.lang)
            .get(key)
            .map(String::as_str)
            .unwrap_or_else(|| {
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

/// Every UI key and every letter sentence exists in every language of [`Lang::ALL`], and no
/// language has a key the others lack. (A channel lacking a language does not load at all.)
#[cfg(test)]
pub(crate) fn all_keys_present() -> Result<(), String> {
    check(&FILE)
}

#[cfg(test)]
fn check(f: &File) -> Result<(), String> {
    complete("", |l| Some(f.ui(l)))?;
    complete("letter.", |l| f.letter.get(l.as_str()))?;
    match f
        .letter
        .keys()
        .find(|k| Lang::ALL.iter().all(|l| l.as_str() != k.as_str()))
    {
        Some(extra) => Err(format!("[letter.{extra}] is no report language")),
        None => Ok(()),
    }
}

#[cfg(test)]
fn complete<'a>(
    table: &str,
    map: impl Fn(Lang) -> Option<&'a HashMap<String, String>>,
) -> Result<(), String> {
    let keys: std::collections::BTreeSet<&str> = Lang::ALL
        .iter()
        .filter_map(|&l| map(l))
        .flat_map(|m| m.keys().map(String::as_str))
        .collect();
    for l in Lang::ALL {
        let m = map(l).ok_or_else(|| format!("no [{table}{}]", l.as_str()))?;
        for k in &keys {
            if m.get(*k).is_none_or(|v| v.trim().is_empty()) {
                return Err(format!("[{table}{}] lacks {k}", l.as_str()));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn file() -> Value {
        serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/report-text.json"))).unwrap()
    }

    fn checked(v: Value) -> Result<(), String> {
        let f: File = serde_json::from_value(v).map_err(|e| e.to_string())?;
        check(&f)
    }

    /// The check that `text_file_complete` runs on the shipped file fails for a key or a letter
    /// sentence missing from any one language, and a channel without one does not load.
    #[test]
    fn a_key_missing_in_any_language_fails() {
        assert_eq!(checked(file()), Ok(()));
        for lang in Lang::ALL.map(Lang::as_str) {
            let mut v = file();
            v[lang].as_object_mut().unwrap().remove("title");
            assert_eq!(checked(v), Err(format!("[{lang}] lacks title")));
            let mut v = file();
            v[lang]["title"] = " ".into();
            assert!(checked(v).is_err(), "{lang}: blank");
            let mut v = file();
            v["letter"][lang].as_object_mut().unwrap().remove("facts");
            assert_eq!(checked(v), Err(format!("[letter.{lang}] lacks facts")));
            let mut v = file();
            v["letter"].as_object_mut().unwrap().remove(lang);
            assert_eq!(checked(v), Err(format!("no [letter.{lang}]")));
            let mut v = file();
            v["channels"]["cn"][0].as_object_mut().unwrap().remove(lang);
            assert!(checked(v).unwrap_err().contains(lang), "{lang}: channel");
            let mut v = file();
            v["channels_police"]["uk"]
                .as_object_mut()
                .unwrap()
                .remove(lang);
            assert!(checked(v).is_err(), "{lang}: police channel");
        }
        // A key only one language has is a gap in the others.
        let mut v = file();
        v["zh-Hant"]["only_here"] = "僅此".into();
        assert!(checked(v).unwrap_err().ends_with("lacks only_here"));
        let mut v = file();
        v["letter"]["fr"] = v["letter"]["en"].clone();
        assert_eq!(checked(v), Err("[letter.fr] is no report language".into()));
    }
}
