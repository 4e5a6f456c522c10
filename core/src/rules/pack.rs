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

/// One machine check of a rule. Times are "HH:MM" local wall-clock time. Written as a table with
/// `kind` (the variant in snake_case) and the variant's fields, no others.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawCheck")]
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
        third_party_phone_collection: bool,
    },
    /// Contact in a case after the user recorded an annotation of this kind for it.
    AfterStop {
        annotation: AnnotationKind,
        roles: RoleFilter,
        channels: Vec<Channel>,
    },
}

/// A check as written: `kind` and the fields of every kind, read flat. (serde's internally tagged
/// enums buffer each value before reading it, with code for that per field type: much of the
/// Android library's serde code.) [`Check::try_from`] keeps the kind's own fields and refuses
/// others, as `deny_unknown_fields` did.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    kind: String,
    allowed: Option<[String; 2]>,
    quiet: Option<[String; 2]>,
    channels: Option<Vec<Channel>>,
    count: Option<CallCount>,
    per: Option<Per>,
    max: Option<u32>,
    days: Option<u32>,
    flags: Option<Vec<Flag>>,
    third_party_phone_collection: Option<bool>,
    annotation: Option<AnnotationKind>,
    roles: Option<RoleFilter>,
}

impl TryFrom<RawCheck> for Check {
    type Error = String;

    fn try_from(r: RawCheck) -> std::result::Result<Check, String> {
        let own: &[&str] = match r.kind.as_str() {
            "time_window" => &["allowed", "quiet", "channels"],
            "daily_count" => &["count", "per", "max"],
            "rolling_count" => &["count", "days", "max"],
            "after_conversation" => &["days"],
            "third_party_phone" => &["channels"],
            "content" => &["flags", "third_party_phone_collection"],
            "after_stop" => &["annotation", "roles", "channels"],
            k => return Err(format!("unknown check kind `{k}`")),
        };
        let given = [
            ("allowed", r.allowed.is_some()),
            ("quiet", r.quiet.is_some()),
            ("channels", r.channels.is_some()),
            ("count", r.count.is_some()),
            ("per", r.per.is_some()),
            ("max", r.max.is_some()),
            ("days", r.days.is_some()),
            ("flags", r.flags.is_some()),
            (
                "third_party_phone_collection",
                r.third_party_phone_collection.is_some(),
            ),
            ("annotation", r.annotation.is_some()),
            ("roles", r.roles.is_some()),
        ];
        if let Some((f, _)) = given.iter().find(|(f, set)| *set && !own.contains(f)) {
            return Err(format!("unknown field `{f}` in a `{}` check", r.kind));
        }
        fn need<T>(v: Option<T>, field: &str) -> std::result::Result<T, String> {
            v.ok_or_else(|| format!("missing field `{field}`"))
        }
        Ok(match r.kind.as_str() {
            "time_window" => Check::TimeWindow {
                allowed: r.allowed,
                quiet: r.quiet,
                channels: need(r.channels, "channels")?,
            },
            "daily_count" => Check::DailyCount {
                count: need(r.count, "count")?,
                per: need(r.per, "per")?,
                max: need(r.max, "max")?,
            },
            "rolling_count" => Check::RollingCount {
                count: need(r.count, "count")?,
                days: need(r.days, "days")?,
                max: need(r.max, "max")?,
            },
            "after_conversation" => Check::AfterConversation {
                days: need(r.days, "days")?,
            },
            "third_party_phone" => Check::ThirdPartyPhone {
                channels: need(r.channels, "channels")?,
            },
            "content" => Check::Content {
                flags: need(r.flags, "flags")?,
                third_party_phone_collection: r.third_party_phone_collection.unwrap_or(false),
            },
            // "after_stop", the only kind left.
            _ => Check::AfterStop {
                annotation: need(r.annotation, "annotation")?,
                roles: need(r.roles, "roles")?,
                channels: need(r.channels, "channels")?,
            },
        })
    }
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
    /// Violations of this rule are a matter for the police too (threats, posing as an
    /// authority, crime): the complaint letter then names the police among its channels.
    #[serde(default)]
    pub police: bool,
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
    pub exempt_parties: Vec<crate::model::Party>,
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
    /// The permitted local contact hours `[from, to)` of the pack's first time window (its own
    /// `allowed` window, or the hours outside its `quiet` one), in whole hours; `None` for a pack
    /// without one.
    pub fn permitted_hours(&self) -> Option<(u32, u32)> {
        self.rules
            .iter()
            .flat_map(|r| &r.checks)
            .find_map(|c| match c {
                Check::TimeWindow {
                    allowed: Some(w), ..
                } => Some((parse_hhmm(&w[0])? / 3600, parse_hhmm(&w[1])? / 3600)),
                Check::TimeWindow { quiet: Some(w), .. } => {
                    Some((parse_hhmm(&w[1])? / 3600, parse_hhmm(&w[0])? / 3600))
                }
                _ => None,
            })
    }

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

    /// A rule's description and legal source in `lang`, or in the nearest language the pack has
    /// (a report or screen shows one language at a time): Traditional Chinese (`zh-Hant`, also
    /// asked for as `zh-TW`, `zh-HK`, `zh-MO`) falls back to Simplified (`zh`), any Chinese to
    /// `zh`, everything to English.
    pub fn text_in<'a>(&self, rule: &'a Rule, lang: &str) -> (&'a str, &'a str) {
        let description = nearest(&rule.description, lang)
            .or_else(|| rule.description.values().next().map(String::as_str))
            .unwrap_or("");
        let source = nearest(&rule.source_in, lang).unwrap_or(&rule.source);
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

    /// The builtin pack's JSON, as the rules fingerprint hashes it: a change of what the pack
    /// says rebuilds flags, an edit of the TOML's comments does not (the TOML sources are not
    /// embedded, for the size of the Android library).
    pub(crate) fn version_key(&self) -> &'static str {
        builtin_text(&self.id).unwrap_or("")
    }
}

/// The pack languages to try for `lang`, nearest first, ending in English. Codes are compared
/// without regard to case or `_`/`-`; a region of Taiwan, Hong Kong or Macau means Traditional
/// script unless the code names another.
fn fallbacks(lang: &str) -> Vec<&str> {
    let norm = lang.trim().replace('_', "-").to_ascii_lowercase();
    let mut parts = norm.split('-');
    let mut order = vec![lang.trim()];
    if parts.next() == Some("zh") {
        let rest: Vec<&str> = parts.collect();
        let script = rest.iter().find(|p| p.len() == 4);
        let traditional = match script {
            Some(s) => *s == "hant",
            None => rest.iter().any(|p| matches!(*p, "tw" | "hk" | "mo")),
        };
        if traditional {
            order.push("zh-Hant");
        }
        order.push("zh");
    }
    order.push("en");
    order
}

/// The text of `texts` (language code → text) nearest to `lang`, as [`Pack::text_in`] chooses;
/// `None` when it has none of the fallbacks (English included).
pub(crate) fn nearest<'a>(texts: &'a BTreeMap<String, String>, lang: &str) -> Option<&'a str> {
    fallbacks(lang)
        .iter()
        .find_map(|l| texts.get(*l))
        .map(String::as_str)
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
    crate::sort::map_of(Jurisdiction::ALL.iter().map(|j| j.as_str()).map(|id| {
        let text = builtin_text(id).unwrap_or_default();
        (id, Pack::from_json(text).map_err(|e| e.to_string()))
    }))
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

    /// The hours the report draws come from the packs' own time windows (an `allowed` window,
    /// or the complement of a `quiet` one).
    #[test]
    fn permitted_hours_come_from_each_packs_time_window() {
        let hours = |j| builtin(j).unwrap().permitted_hours();
        assert_eq!(hours(Jurisdiction::Cn), Some((8, 21)));
        assert_eq!(hours(Jurisdiction::In), Some((8, 19)));
        assert_eq!(hours(Jurisdiction::Ph), Some((6, 22)), "quiet 22:00-06:00");
        assert_eq!(hours(Jurisdiction::Uk), Some((8, 21)), "quiet 21:00-08:00");
        assert_eq!(hours(Jurisdiction::Us), Some((8, 21)));
    }

    /// Which rules call for the police is pack data: content rules about threats, false
    /// authority and crime, never time or frequency rules.
    #[test]
    fn police_rules_are_marked_in_the_packs() {
        for j in Jurisdiction::ALL {
            for r in &builtin(j).unwrap().rules {
                if r.police {
                    assert!(
                        r.checks.iter().all(|c| matches!(c, Check::Content { .. })),
                        "{}",
                        r.id
                    );
                }
            }
        }
        let police = |j, id| builtin(j).unwrap().rule(id).unwrap().police;
        assert!(police(Jurisdiction::Cn, "CN.IMPERSONATE"));
        assert!(police(Jurisdiction::Us, "US.FALSE"));
        assert!(!police(Jurisdiction::Cn, "CN.TIME.NIFA"));
    }

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
        // A check takes its kind's fields, all it needs, and no others.
        let tp = "{\"channels\":[\"call\",\"sms\"],\"kind\":\"third_party_phone\"}";
        assert!(base.contains(tp));
        for (bad, why) in [
            (
                r#"{"channels":["call"],"kind":"third_party_phone","max":3}"#,
                "field of another kind",
            ),
            (
                r#"{"channels":["call"],"kind":"third_party_phone","colour":3}"#,
                "unknown field",
            ),
            (r#"{"kind":"third_party_phone"}"#, "missing field"),
            (r#"{"channels":["call"]}"#, "no kind"),
        ] {
            assert!(Pack::from_json(&base.replace(tp, bad)).is_err(), "{why}");
        }
        let content = r#"{"flags":["threat","abuse","exposure","false_authority","third_party"],"kind":"content"}"#;
        assert!(base.contains(content));
        let p = Pack::from_json(base).unwrap();
        let defaulted = p.rules.iter().flat_map(|r| &r.checks).any(|c| {
            matches!(c, Check::Content { third_party_phone_collection: false, flags } if flags.len() == 5)
        });
        assert!(defaulted, "third_party_phone_collection defaults to false");
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

    /// Traditional Chinese falls back to Simplified, then English; `describe` (what flags store)
    /// keeps the pack's languages only, so adding zh-Hant texts changes no stored flag text.
    #[test]
    fn text_in_falls_back_from_traditional_to_simplified_to_english() {
        let cn = builtin(Jurisdiction::Cn).unwrap();
        let r = cn.rule("CN.TIME.GBT").unwrap();
        let (hant, hant_src) = cn.text_in(r, "zh-Hant");
        assert_eq!(hant, "夜間（22:00–08:00）不得催收");
        assert!(
            hant_src.starts_with("國家標準 GB/T 45251—2025"),
            "{hant_src}"
        );
        for code in ["zh-TW", "zh_HK", "zh-MO", "zh-Hant-TW", "ZH-hant"] {
            assert_eq!(cn.text_in(r, code), (hant, hant_src), "{code}");
        }
        let zh = cn.text_in(r, "zh");
        assert_eq!(zh.0, "夜间（22:00–08:00）不得催收");
        for code in ["zh-CN", "zh-Hans", "zh-Hans-HK", "zh-SG"] {
            assert_eq!(cn.text_in(r, code), zh, "{code}");
        }
        let en = (r.description["en"].as_str(), r.source.as_str());
        assert_eq!(cn.text_in(r, "en"), en);
        assert_eq!(cn.text_in(r, "fr"), en);

        // A rule with Simplified text only: zh-Hant gets zh, not English.
        let mut only_zh = r.clone();
        only_zh.description.remove("zh-Hant");
        only_zh.source_in.remove("zh-Hant");
        assert_eq!(cn.text_in(&only_zh, "zh-Hant"), zh);
        // And one with English only: every Chinese code gets English.
        let mut only_en = only_zh.clone();
        only_en.description.remove("zh");
        only_en.source_in.remove("zh");
        assert_eq!(cn.text_in(&only_en, "zh-TW"), en);

        // Every rule with a zh text has a zh-Hant one, and flags never show it.
        assert_eq!(cn.languages, ["zh", "en"]);
        for r in &cn.rules {
            assert!(r.description.contains_key("zh-Hant"), "{}", r.id);
            assert!(r.source_in.contains_key("zh-Hant"), "{}", r.id);
            assert_eq!(
                cn.describe(r),
                format!("{} / {}", r.description["zh"], r.description["en"])
            );
        }
    }

    #[test]
    fn hhmm() {
        assert_eq!(parse_hhmm("08:00"), Some(8 * 3600));
        assert_eq!(parse_hhmm("24:00"), Some(24 * 3600));
        assert_eq!(parse_hhmm("24:01"), None);
        assert_eq!(parse_hhmm("8"), None);
    }
}
