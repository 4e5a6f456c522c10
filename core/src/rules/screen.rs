//! Call screening: what to do with an incoming call right now, for the Android
//! CallScreeningService. Pure reads through indexed queries (the number's case, that case's calls
//! of the last days), so it answers in microseconds however large the store is. The caller
//! records the call as evidence whatever the decision (a rejected call is stored as `rejected`).

use super::engine::time_violation;
use super::history::SAME_CALL_TOLERANCE_MS;
use super::pack::{self, CallCount, Channel, Check, RoleFilter};
use super::repo as rs;
use crate::error::Result;
use crate::number::PhoneNumber;
use crate::store::{AnnotationKind, Store};
use crate::time::Instant;
use serde::{Deserialize, Serialize};

/// What to do with the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScreenAction {
    /// Not a known collector: ring normally.
    Allow,
    /// A known collector within the rules: ring, and record it as evidence.
    AllowAndLog,
    /// Let it "ring" silently (it still shows in the call log) and record it.
    Silence,
    /// Reject the call and record it.
    Reject,
}

impl ScreenAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ScreenAction::Allow => "allow",
            ScreenAction::AllowAndLog => "allow_and_log",
            ScreenAction::Silence => "silence",
            ScreenAction::Reject => "reject",
        }
    }
}

/// The decision and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreenDecision {
    pub action: ScreenAction,
    pub reason: String,
    /// Rule that the call would break, if any.
    pub rule: Option<String>,
    /// Case of the number, if any.
    pub case: Option<String>,
    /// Normalised number.
    pub number: String,
}

/// The user's screening policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreenPolicy {
    /// On a third party's phone, what happens to known collectors.
    pub third_party_collectors: ScreenAction,
    /// On the borrower's phone, silence calls outside the pack's permitted hours.
    pub silence_outside_hours: bool,
    /// On the borrower's phone, silence calls once a frequency limit is used up.
    pub silence_over_cap: bool,
    /// Silence (borrower) calls from a case after a stop request or opt-out.
    pub silence_after_stop: bool,
}

impl Default for ScreenPolicy {
    fn default() -> Self {
        ScreenPolicy {
            third_party_collectors: ScreenAction::Reject,
            silence_outside_hours: true,
            silence_over_cap: true,
            silence_after_stop: true,
        }
    }
}

/// Screens with the default policy.
pub fn screen(store: &Store, raw_number: &str, at: Instant) -> Result<ScreenDecision> {
    screen_with(store, raw_number, at, &ScreenPolicy::default())
}

/// Screens a call from `raw_number` arriving at `at` under `policy`.
pub fn screen_with(
    store: &Store,
    raw_number: &str,
    at: Instant,
    policy: &ScreenPolicy,
) -> Result<ScreenDecision> {
    let settings = store.settings()?;
    let pack = pack::builtin(settings.jurisdiction)?;
    let number = PhoneNumber::parse(raw_number, settings.jurisdiction.region())?;
    let n = number.normalized.clone();
    let (case, why) = store.read(|c| {
        let case = rs::number_case(c, &n)?;
        let why = super::known::standing(c, &n)?;
        Ok((case, why))
    })?;
    let decide = |action, reason: String, rule: Option<&str>| ScreenDecision {
        action,
        reason,
        rule: rule.map(str::to_string),
        case: case.as_ref().map(|c| c.2.clone()),
        number: n.clone(),
    };
    let Some(why) = why else {
        return Ok(decide(
            ScreenAction::Allow,
            "not a known collector".into(),
            None,
        ));
    };
    if let Some((_, party, _)) = &case {
        if pack.exempt_parties.contains(party) {
            return Ok(decide(
                ScreenAction::AllowAndLog,
                format!(
                    "known collector ({why}); the {} pack does not bind a {party}",
                    pack.id
                ),
                None,
            ));
        }
    }
    let checks = || {
        pack.rules
            .iter()
            .flat_map(|r| r.checks.iter().map(move |c| (r.id.as_str(), c)))
    };
    if settings.role.is_third_party() {
        let rule = checks()
            .find(|(_, c)| matches!(c, Check::ThirdPartyPhone { channels } if channels.contains(&Channel::Call)))
            .map(|(id, _)| id);
        return Ok(decide(
            policy.third_party_collectors,
            format!(
                "known collector ({why}) calling a third party's phone (role {})",
                settings.role
            ),
            rule,
        ));
    }
    if policy.silence_outside_hours {
        for (id, c) in checks() {
            if let Check::TimeWindow { channels, .. } = c {
                if !channels.contains(&Channel::Call) {
                    continue;
                }
                if let Some((true, window)) = time_violation(c, &at) {
                    return Ok(decide(
                        ScreenAction::Silence,
                        format!("known collector ({why}) calling {window}"),
                        Some(id),
                    ));
                }
            }
        }
    }
    let case_id = case.as_ref().map(|c| c.0);
    if policy.silence_after_stop {
        let stops = store.annotations()?;
        let ids = store.read(rs::case_ids)?;
        for (id, c) in checks() {
            let Check::AfterStop {
                annotation,
                roles,
                channels,
            } = c
            else {
                continue;
            };
            if !channels.contains(&Channel::Call) || *roles == RoleFilter::ThirdParty {
                continue;
            }
            let hit = stops.iter().any(|a| {
                a.data.kind == *annotation
                    && a.data.at.utc_ms < at.utc_ms
                    && match &a.data.case_name {
                        None => true,
                        Some(name) => case
                            .as_ref()
                            .is_some_and(|c| ids.get(name.trim()) == Some(&c.0)),
                    }
            });
            if hit {
                let what = if *annotation == AnnotationKind::OptOut {
                    "an opt-out"
                } else {
                    "a stop request"
                };
                return Ok(decide(
                    ScreenAction::Silence,
                    format!("known collector ({why}) calling after {what}"),
                    Some(id),
                ));
            }
        }
    }
    if policy.silence_over_cap {
        let numbers = match case_id {
            Some(id) => store.read(|c| rs::case_numbers(c, id))?,
            None => vec![n.clone()],
        };
        let days = pack.lookback_days();
        let calls = store
            .read(|c| rs::calls_between(c, &numbers, at.utc_ms - days * 86_400_000, at.utc_ms))?;
        // (utc ms, local day, connected, incoming), duplicate records of one call merged.
        let mut seen: Vec<(i64, i64, bool, bool)> = Vec::new();
        for (ms, off, talk, _sim, dir) in calls {
            let Ok(i) = Instant::new(ms, off) else {
                continue;
            };
            let inc = dir != crate::model::CallDirection::Outgoing;
            if let Some(p) = seen
                .iter_mut()
                .rev()
                .find(|p| p.3 == inc && ms - p.0 <= SAME_CALL_TOLERANCE_MS)
            {
                p.2 |= talk > 0;
                continue;
            }
            seen.push((ms, i.local_day_number(), talk > 0, inc));
        }
        let today = at.local_day_number();
        for (id, c) in checks() {
            let counted = |count: CallCount, first: i64| {
                seen.iter()
                    .filter(|p| p.3 && p.1 >= first && p.1 <= today)
                    .filter(|p| match count {
                        CallCount::Any => true,
                        CallCount::Connected => p.2,
                        CallCount::Unanswered => !p.2,
                    })
                    .count()
            };
            let over = match c {
                Check::DailyCount { count, max, .. } => {
                    let k = counted(*count, today);
                    (k >= *max as usize).then(|| format!("{k} calls today, the limit is {max}"))
                }
                Check::RollingCount { count, days, max } => {
                    let k = counted(*count, today - i64::from(*days) + 1);
                    (k >= *max as usize)
                        .then(|| format!("{k} calls in the last {days} days, the limit is {max}"))
                }
                Check::AfterConversation { days } => {
                    let first = today - i64::from(*days) + 1;
                    seen.iter()
                        .any(|p| p.2 && p.1 >= first)
                        .then(|| format!("a conversation in the last {days} days"))
                }
                _ => None,
            };
            if let Some(over) = over {
                return Ok(decide(
                    ScreenAction::Silence,
                    format!("known collector ({why}): {over}"),
                    Some(id),
                ));
            }
        }
    }
    Ok(decide(
        ScreenAction::AllowAndLog,
        format!("known collector ({why}); within the permitted hours and limits"),
        None,
    ))
}
