//! Rule packs: one TOML file per jurisdiction (core/data/packs), holding each rule's id,
//! descriptions, parameters, severity, legal source and the machine checks that raise it.
//! The engine knows the check kinds; the pack decides which rules use them and with what limits.

use crate::classify::Flag;
use crate::error::{Error, Result};
use crate::model::Jurisdiction;
use crate::store::AnnotationKind;
use once_cell::sync::Lazy;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A channel of contact a check looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Call,
    Sms,
}

/// Which calls a count check counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallCount {
    /// Every call placed by the collector, answered or not.
    Any,
    /// Calls with talk time above zero.
    Connected,
    /// Calls with no talk time.
    Unanswered,
}

/// What a daily count is grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Per {
    /// The case (creditor), whatever number the collector used.
    Case,
    /// The case and the SIM slot it dialled (the debtor's number).
    CaseAndSim,
}

/// Whose phone an after-stop check applies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleFilter {
    Any,
    Borrower,
    ThirdParty,
}

/// One machine check of a rule. Times are "HH:MM" local wall-clock time.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// Contact outside `allowed` [from, to), or inside `quiet` [from, to) (may wrap midnight).
    TimeWindow {
        allowed: Option<[String; 2]>,
        quiet: Option<[String; 2]>,
        channels: Vec<Channel>,
    },
    /// More than `max` counted calls in one local calendar day.
    DailyCount {
        count: CallCount,
        per: Per,
        max: u32,
    },
    /// More than `max` counted calls within `days` consecutive local days.
    RollingCount {
        count: CallCount,
        days: u32,
        max: u32,
    },
    /// A call placed within `days` after a connected call (that day is day 1).
    AfterConversation { days: u32 },
    /// Any collector contact when the phone is a third party's.
    ThirdPartyPhone { channels: Vec<Channel> },
    /// A message with one of the classifier `flags`; with `third_party_phone_collection`, any
    /// collection message on a third party's phone.
    Content {
        flags: Vec<Flag>,
        #[serde(default)]
        third_party_phone_collection: bool,
    },
    /// Contact in a case after the user recorded an annotation of this kind for it.
    AfterStop {
        annotation: AnnotationKind,
        roles: RoleFilter,
        channels: Vec<Channel>,
    },
}

/// One rule of a pack.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub severity: String,
    /// The parameters as the legal summary states them (shown in reports).
    pub parameters: String,
    /// The legal source in English, as flags store it.
    pub source: String,
    /// Language code → the legal source in that language, where the pack gives it.
    #[serde(default)]
    pub source_in: BTreeMap<String, String>,
    /// Language code → description.
    pub description: BTreeMap<String, String>,
    #[serde(default)]
    pub checks: Vec<Check>,
}

/// Limits of the "unknown number calls soon after a collection SMS" suggestion.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suggest {
    pub min_calls: u32,
    pub within_hours: u32,
}

/// A jurisdiction's rules.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    pub id: String,
    pub name: String,
    /// Description languages, first is primary; every rule has all of them.
    pub languages: Vec<String>,
    pub complaint_channels: Vec<String>,
    /// Case parties (`collector`, `creditor`, `unknown`) the pack does not bind.
    pub exempt_parties: Vec<String>,
    pub suggest: Suggest,
    pub rules: Vec<Rule>,
    /// The legal lines of the cost of credit (`[loan]`), see `crate::loan::lines`.
    #[serde(default)]
    pub loan: Option<crate::loan::LoanRules>,
}

/// Parses "HH:MM" into seconds after midnight.
pub(crate) fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some(h * 3600 + m * 60)
}

impl Pack {
    /// Reads and checks a pack from TOML text.
    #[cfg(feature = "toml-files")]
    pub fn from_toml(text: &str) -> Result<Pack> {
        let pack: Pack =
            toml::from_str(text).map_err(|e| Error::Parse(format!("rule pack: {e}")))?;
        pack.validate()?;
        Ok(pack)
    }

    /// Reads and checks a pack from JSON (the builtin packs, converted from TOML by build.rs).
    fn from_json(text: &str) -> Result<Pack> {
        let pack: Pack =
            serde_json::from_str(text).map_err(|e| Error::Parse(format!("rule pack: {e}")))?;
        pack.validate()?;
        Ok(pack)
    }

    fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Parse(format!("rule pack {}: {m}", self.id)));
        if self.languages.is_empty() {
            return bad("no languages".into());
        }
        let mut seen = std::collections::HashSet::new();
        for r in &self.rules {
            if !seen.insert(&r.id) {
                return bad(format!("rule {} defined twice", r.id));
            }
            for l in &self.languages {
                if r.description.get(l).is_none_or(|d| d.trim().is_empty()) {
                    return bad(format!("rule {} has no {l} description", r.id));
                }
            }
            if r.source.trim().is_empty() {
                return bad(format!("rule {} cites no source", r.id));
            }
            for c in &r.checks {
                match c {
                    Check::TimeWindow {
                        allowed,
                        quiet,
                        channels,
                    } => {
                        let w = match (allowed, quiet) {
                            (Some(w), None) | (None, Some(w)) => w,
                            _ => {
                                return bad(format!("{}: give exactly one of allowed/quiet", r.id))
                            }
                        };
                        if w.iter().any(|t| parse_hhmm(t).is_none()) {
                            return bad(format!("{}: bad time in {w:?} (want HH:MM)", r.id));
                        }
                        if channels.is_empty() {
                            return bad(format!("{}: time window without channels", r.id));
                        }
                    }
                    Check::RollingCount { days, .. } | Check::AfterConversation { days }
                        if *days == 0 || *days > 366 =>
                    {
                        return bad(format!("{}: days must be 1 to 366", r.id));
                    }
                    _ => {}
                }
            }
        }
        if let Some(l) = &self.loan {
            let ids: Vec<&str> = self.rules.iter().map(|r| r.id.as_str()).collect();
            l.validate(&ids)
                .map_err(|m| Error::Parse(format!("rule pack {}: {m}", self.id)))?;
        }
        Ok(())
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// A rule's description and legal source in `lang`, falling back to English (a report shows
    /// one language at a time).
    pub fn text_in<'a>(&self, rule: &'a Rule, lang: &str) -> (&'a str, &'a str) {
        let description = rule
            .description
            .get(lang)
            .or_else(|| rule.description.get("en"))
            .or_else(|| rule.description.values().next())
            .map_or("", String::as_str);
        let source = rule.source_in.get(lang).unwrap_or(&rule.source);
        (description, source)
    }

    /// "primary / English" description of a rule, as flags show it.
    pub fn describe(&self, rule: &Rule) -> String {
        let mut parts: Vec<&str> = Vec::new();
        for l in &self.languages {
            if let Some(d) = rule.description.get(l) {
                if !parts.contains(&d.as_str()) {
                    parts.push(d);
                }
            }
        }
        parts.join(" / ")
    }

    /// How many local days of history before an event can change its flags (plus margin for
    /// offsets), so incremental evaluation knows how far back to replay.
    pub fn lookback_days(&self) -> i64 {
        let mut d = 1;
        for c in self.rules.iter().flat_map(|r| &r.checks) {
            if let Check::RollingCount { days, .. } | Check::AfterConversation { days } = c {
                d = d.max(i64::from(*days));
            }
        }
        d + 2
    }

    /// The pack's TOML source (part of the rules fingerprint: editing a pack rebuilds flags).
    /// The same bytes as before the JSON conversion, so existing stores keep their flags.
    pub(crate) fn version_key(&self) -> &'static str {
        match self.id.as_str() {
            "cn" => include_str!("../../data/packs/cn.toml"),
            "us" => include_str!("../../data/packs/us.toml"),
            "in" => include_str!("../../data/packs/in.toml"),
            "uk" => include_str!("../../data/packs/uk.toml"),
            "ph" => include_str!("../../data/packs/ph.toml"),
            _ => "",
        }
    }
}

/// A builtin pack: `core/data/packs/<id>.toml` as JSON (build.rs).
fn builtin_text(id: &str) -> Option<&'static str> {
    Some(match id {
        "cn" => include_str!(concat!(env!("OUT_DIR"), "/pack-cn.json")),
        "us" => include_str!(concat!(env!("OUT_DIR"), "/pack-us.json")),
        "in" => include_str!(concat!(env!("OUT_DIR"), "/pack-in.json")),
        "uk" => include_str!(concat!(env!("OUT_DIR"), "/pack-uk.json")),
        "ph" => include_str!(concat!(env!("OUT_DIR"), "/pack-ph.json")),
        _ => return None,
    })
}

static PACKS: Lazy<BTreeMap<&'static str, std::result::Result<Pack, String>>> = Lazy::new(|| {
    Jurisdiction::ALL
        .iter()
        .map(|j| j.as_str())
        .map(|id| {
            let text = builtin_text(id).unwrap_or_default();
            (id, Pack::from_json(text).map_err(|e| e.to_string()))
        })
        .collect()
});

/// The pack compiled into the library for `j`.
pub fn builtin(j: Jurisdiction) -> Result<&'static Pack> {
    match PACKS.get(j.as_str()) {
        Some(Ok(p)) => Ok(p),
        Some(Err(e)) => Err(Error::Parse(e.clone())),
        None => Err(Error::InvalidSetting(format!("no rule pack for {j}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_packs_parse_and_cite_sources() {
        for j in Jurisdiction::ALL {
            let p = builtin(j).unwrap();
            assert_eq!(p.id, j.as_str());
            assert!(p
                .rules
                .iter()
                .all(|r| r.id.starts_with(&p.id.to_uppercase())));
        }
        let cn = builtin(Jurisdiction::Cn).unwrap();
        for id in [
            "CN.TIME.NIFA",
            "CN.TIME.GBT",
            "CN.FREQ.CONNECTED",
            "CN.FREQ.SEED",
            "CN.FREQ.ATTEMPTS",
            "CN.TP",
            "CN.DISCLOSE",
            "CN.ABUSE",
            "CN.IMPERSONATE",
            "CN.LURE",
        ] {
            let r = cn.rule(id).unwrap_or_else(|| panic!("{id} missing"));
            assert!(!r.checks.is_empty(), "{id} has no checks");
            assert!(r.description.contains_key("zh") && r.description.contains_key("en"));
        }
        assert_eq!(
            cn.rule("CN.FREQ.CONNECTED").unwrap().source,
            "GB/T 45251—2025"
        );
    }

    /// The JSON that build.rs embeds says what the TOML sources say.
    #[cfg(feature = "toml-files")]
    #[test]
    fn builtin_packs_are_the_toml_sources() {
        for (j, src) in [
            (Jurisdiction::Cn, include_str!("../../data/packs/cn.toml")),
            (Jurisdiction::Us, include_str!("../../data/packs/us.toml")),
            (Jurisdiction::In, include_str!("../../data/packs/in.toml")),
            (Jurisdiction::Uk, include_str!("../../data/packs/uk.toml")),
            (Jurisdiction::Ph, include_str!("../../data/packs/ph.toml")),
        ] {
            assert_eq!(&Pack::from_toml(src).unwrap(), builtin(j).unwrap());
        }
    }

    #[test]
    fn bad_json_packs_are_refused() {
        let base = builtin_text("in").unwrap();
        assert!(Pack::from_json(&base.replace("\"19:00\"", "\"19:75\"")).is_err());
        assert!(Pack::from_json(&base.replace("\"time_window\"", "\"magic\"")).is_err());
        assert!(Pack::from_json("{\"id\": 3}").is_err());
        assert!(Pack::from_json(base).is_ok());
    }

    #[cfg(feature = "toml-files")]
    #[test]
    fn bad_packs_are_refused() {
        let base = include_str!("../../data/packs/in.toml");
        assert!(Pack::from_toml(&base.replace("\"19:00\"", "\"19:75\"")).is_err());
        assert!(Pack::from_toml(&base.replace("description.en", "description.fr")).is_err());
        assert!(Pack::from_toml(&base.replace("kind = \"content\"", "kind = \"magic\"")).is_err());
        assert!(Pack::from_toml("id = 3").is_err());
    }

    #[test]
    fn hhmm() {
        assert_eq!(parse_hhmm("08:00"), Some(8 * 3600));
        assert_eq!(parse_hhmm("24:00"), Some(24 * 3600));
        assert_eq!(parse_hhmm("24:01"), None);
        assert_eq!(parse_hhmm("8"), None);
    }
}
