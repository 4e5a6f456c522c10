//! Page-shaped reads for the app's screens (today, timeline, case): each is one call that reads
//! what a screen shows, so the screens hold no rule logic of their own.

use crate::error::{Error, Result};
use crate::model::{CallDirection, EventPayload, SmsDirection, StoredEvent};
use crate::rules::history::SAME_CALL_TOLERANCE_MS;
use crate::rules::pack::{self, CallCount, Channel, Check, Pack};
use crate::store::{
    Annotation, Attachment, Case, CaseId, EventQuery, FlagQuery, FlagRecord, Store,
};
use crate::time::Instant;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

const DAY_MS: i64 = 86_400_000;

/// What the "today" screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TodayPage {
    /// Local date of `at`, `YYYY-MM-DD`.
    pub day: String,
    pub at: Instant,
    /// Whether the pack's time windows for calls permit a collector's call at `at`.
    pub permitted_now: bool,
    /// The pack's time windows (for calls and messages).
    pub hours: Vec<HoursWindow>,
    /// One entry per case, and per collector number outside a case that contacted today or was
    /// flagged today.
    pub collectors: Vec<TodayCollector>,
}

/// A time window of the pack: contact is permitted only inside it (`allowed`), or forbidden
/// inside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HoursWindow {
    pub rule: String,
    /// `HH:MM`, local time.
    pub from: String,
    pub to: String,
    pub allowed: bool,
    /// `sms`, `call`.
    pub channels: Vec<String>,
    pub source: String,
}

/// A daily limit of the pack, and what a collector used of it on the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayLimit {
    pub rule: String,
    /// Which calls count: `any`, `connected` or `unanswered`.
    pub counts: String,
    pub max: u32,
    /// Calls counted on the day (duplicate records of one call merged).
    pub used: u32,
    pub source: String,
}

/// One collector (a case, or a number outside any case) on the day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TodayCollector {
    pub case_id: Option<CaseId>,
    /// The case's name, or the number.
    pub name: String,
    pub numbers: Vec<String>,
    /// Calls from the collector on the day (duplicate records merged), and how many connected.
    pub calls: u32,
    pub connected: u32,
    /// SMS received from the collector on the day.
    pub sms: u32,
    pub limits: Vec<DayLimit>,
    /// Flags raised on the day.
    pub violations: Vec<FlagRecord>,
}

/// A rule of the store's pack as a screen shows it: one language at a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleText {
    pub rule: String,
    pub severity: String,
    /// The description in the requested language (English where the pack has none in it).
    pub description: String,
    /// The legal source in the requested language (English where the pack has none in it).
    pub source: String,
    /// The rule's parameters as the legal summary states them.
    pub parameters: String,
}

/// A contact with the flags resting on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    pub event: StoredEvent,
    pub flags: Vec<FlagRecord>,
}

/// What the case screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CasePage {
    pub case: Case,
    /// Contacts per local day, oldest first.
    pub days: Vec<DayCount>,
    /// Violations per rule, most first.
    pub rules: Vec<RuleCount>,
    /// Stop requests, opt-outs and notes recorded for the case.
    pub annotations: Vec<Annotation>,
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayCount {
    /// `YYYY-MM-DD`, the contact's local date.
    pub day: String,
    pub sms: u32,
    pub calls: u32,
    pub connected: u32,
    pub flags: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    pub rule: String,
    pub severity: String,
    pub count: u32,
    /// Legal source cited.
    pub source: String,
    /// The rule's parameters as the legal summary states them (empty for a rule the current
    /// pack no longer has).
    pub parameters: String,
    pub first_ms: i64,
    pub last_ms: i64,
}

fn channel_names(channels: &[Channel]) -> Vec<String> {
    channels
        .iter()
        .map(|c| match c {
            Channel::Sms => "sms".to_string(),
            Channel::Call => "call".to_string(),
        })
        .collect()
}

fn count_name(c: CallCount) -> &'static str {
    match c {
        CallCount::Any => "any",
        CallCount::Connected => "connected",
        CallCount::Unanswered => "unanswered",
    }
}

/// A contact's facts for counting: (local day, is call, connected, from the other party).
fn tally(e: &StoredEvent) -> Option<(i64, i64, bool, bool, bool, &str)> {
    match &e.payload {
        EventPayload::Sms(s) => Some((
            s.received.utc_ms,
            s.received.local_day_number(),
            false,
            false,
            s.direction == SmsDirection::Incoming,
            &s.number.normalized,
        )),
        EventPayload::Call(c) => Some((
            c.start.utc_ms,
            c.start.local_day_number(),
            true,
            c.connected(),
            c.direction != CallDirection::Outgoing,
            &c.number.normalized,
        )),
        EventPayload::CallUpdate(_) => None,
    }
}

/// Counts of contacts grouped by `key`, the same call recorded twice counted once.
#[derive(Default, Clone, Copy)]
struct Counts {
    sms: u32,
    calls: u32,
    connected: u32,
    unanswered: u32,
}

fn count_events<'a, K: Ord + Clone>(
    events: &'a [StoredEvent],
    key: impl Fn(&'a StoredEvent, i64) -> Option<K>,
) -> BTreeMap<K, Counts> {
    let mut out: BTreeMap<K, Counts> = BTreeMap::new();
    // (number, incoming) → (utc ms of the last call, its key), to merge duplicate records.
    let mut last_call: HashMap<(&str, bool), (i64, K, bool)> = HashMap::new();
    let mut sorted: Vec<&StoredEvent> = events.iter().collect();
    crate::sort::sort_by_key(&mut sorted, |e| {
        (e.payload.instant().map(|i| i.utc_ms), e.id)
    });
    for e in sorted {
        let Some((ms, day, is_call, connected, incoming, number)) = tally(e) else {
            continue;
        };
        if !incoming {
            continue;
        }
        let Some(k) = key(e, day) else { continue };
        if is_call {
            if let Some((t, pk, was)) = last_call.get_mut(&(number, incoming)) {
                if ms - *t <= SAME_CALL_TOLERANCE_MS {
                    if connected && !*was {
                        *was = true;
                        let c = out.entry(pk.clone()).or_default();
                        c.connected += 1;
                        c.unanswered = c.unanswered.saturating_sub(1);
                    }
                    continue;
                }
            }
            last_call.insert((number, incoming), (ms, k.clone(), connected));
            let c = out.entry(k).or_default();
            c.calls += 1;
            if connected {
                c.connected += 1;
            } else {
                c.unanswered += 1;
            }
        } else {
            out.entry(k).or_default().sms += 1;
        }
    }
    out
}

fn rules_pack(store: &Store) -> Result<&'static Pack> {
    pack::builtin(store.settings()?.jurisdiction)
}

/// UTC ms of the local midnight starting `at`'s day (at `at`'s offset).
fn day_start(at: &Instant) -> i64 {
    at.utc_ms - i64::from(at.local_seconds_of_day()) * 1000 - at.utc_ms.rem_euclid(1000)
}

pub(super) fn today(store: &Store, at: Instant) -> Result<TodayPage> {
    let pack = rules_pack(store)?;
    let start = day_start(&at);
    // A day's contacts at their own offsets: read a margin either side, keep the local day.
    let events = store.events(&EventQuery {
        from_ms: Some(start - DAY_MS),
        to_ms: Some(start + 2 * DAY_MS),
        ..Default::default()
    })?;
    let today = at.local_day_number();
    let cases = store.cases()?;
    let case_of: HashMap<&str, &Case> = cases
        .iter()
        .flat_map(|c| c.numbers.iter().map(move |n| (n.as_str(), c)))
        .collect();
    let flags = store.flags(&FlagQuery {
        from_ms: Some(start - DAY_MS),
        to_ms: Some(start + 2 * DAY_MS),
        ..Default::default()
    })?;
    let flags: Vec<FlagRecord> = flags
        .into_iter()
        .filter(|f| f.flag.at.local_day_number() == today)
        .collect();
    let collectors: std::collections::HashSet<String> = store
        .read(crate::rules::known::outside_cases)?
        .into_iter()
        .collect();
    // Collector key: the case, or the number.
    #[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
    enum Who {
        Case(CaseId),
        Number(String),
    }
    let who = |n: &str| match case_of.get(n) {
        Some(c) => Some(Who::Case(c.id)),
        None => collectors
            .iter()
            .any(|k| k == n)
            .then(|| Who::Number(n.to_string())),
    };
    let counts = count_events(&events, |e, day| {
        (day == today).then(|| who(&e.payload.number()?.normalized))?
    });
    let mut by_who: BTreeMap<Who, Vec<FlagRecord>> = BTreeMap::new();
    for f in flags {
        let k = match f.flag.case_id {
            Some(id) => Who::Case(id),
            None => match f.flag.numbers.first() {
                Some(n) => Who::Number(n.clone()),
                None => continue,
            },
        };
        by_who.entry(k).or_default().push(f);
    }
    let mut keys: Vec<Who> = cases.iter().map(|c| Who::Case(c.id)).collect();
    keys.extend(counts.keys().chain(by_who.keys()).cloned());
    crate::sort::sort(&mut keys);
    keys.dedup();
    let limits = |c: &Counts| -> Vec<DayLimit> {
        pack.rules
            .iter()
            .flat_map(|r| r.checks.iter().map(move |ch| (r, ch)))
            .filter_map(|(r, ch)| match ch {
                Check::DailyCount { count, max, .. } => Some(DayLimit {
                    rule: r.id.clone(),
                    counts: count_name(*count).to_string(),
                    max: *max,
                    used: match count {
                        CallCount::Any => c.calls,
                        CallCount::Connected => c.connected,
                        CallCount::Unanswered => c.unanswered,
                    },
                    source: r.source.clone(),
                }),
                _ => None,
            })
            .collect()
    };
    let mut out = Vec::new();
    for k in keys {
        let c = counts.get(&k).copied().unwrap_or_default();
        let (case_id, name, numbers) = match &k {
            Who::Case(id) => match cases.iter().find(|c| c.id == *id) {
                Some(case) => (Some(*id), case.name.clone(), case.numbers.clone()),
                None => continue,
            },
            Who::Number(n) => (None, n.clone(), vec![n.clone()]),
        };
        out.push(TodayCollector {
            case_id,
            name,
            numbers,
            calls: c.calls,
            connected: c.connected,
            sms: c.sms,
            limits: limits(&c),
            violations: by_who.remove(&k).unwrap_or_default(),
        });
    }
    let mut hours = Vec::new();
    let mut permitted_now = true;
    for r in &pack.rules {
        for ch in &r.checks {
            if let Check::TimeWindow {
                allowed,
                quiet,
                channels,
            } = ch
            {
                let (w, is_allowed) = match (allowed, quiet) {
                    (Some(w), _) => (w, true),
                    (None, Some(w)) => (w, false),
                    (None, None) => continue,
                };
                if channels.contains(&Channel::Call) {
                    if let Some((true, _)) = crate::rules::time_violation(ch, &at) {
                        permitted_now = false;
                    }
                }
                hours.push(HoursWindow {
                    rule: r.id.clone(),
                    from: w[0].clone(),
                    to: w[1].clone(),
                    allowed: is_allowed,
                    channels: channel_names(channels),
                    source: r.source.clone(),
                });
            }
        }
    }
    Ok(TodayPage {
        day: at.local_date().format("%Y-%m-%d").to_string(),
        at,
        permitted_now,
        hours,
        collectors: out,
    })
}

/// Every rule of the store's pack in `lang` (`zh-Hant`, `zh`, `en`; `Pack::text_in` falls back
/// to the nearest, an unknown code to English), so a screen shows a flag's rule and legal source
/// in the user's language and no other (flags keep the pack's languages together, as evidence
/// written once).
pub(super) fn rule_texts(store: &Store, lang: &str) -> Result<Vec<RuleText>> {
    let pack = rules_pack(store)?;
    Ok(pack
        .rules
        .iter()
        .map(|r| {
            let (description, source) = pack.text_in(r, lang);
            RuleText {
                rule: r.id.clone(),
                severity: r.severity.clone(),
                description: description.to_string(),
                source: source.to_string(),
                parameters: r.parameters.clone(),
            }
        })
        .collect())
}

/// The events `q` selects, each with the flags resting on it. With `collectors_only`, only
/// collector contacts: events of a number in a case or on the collector list, or that a flag
/// rests on; `q.offset` and `q.limit` then count those entries.
pub(super) fn timeline(
    store: &Store,
    q: &EventQuery,
    collectors_only: bool,
) -> Result<Vec<TimelineEntry>> {
    let entry = |event: StoredEvent| -> Result<TimelineEntry> {
        let flags = store.flags(&FlagQuery {
            event: Some(event.id),
            ..Default::default()
        })?;
        Ok(TimelineEntry { event, flags })
    };
    if !collectors_only {
        return store.events(q)?.into_iter().map(entry).collect();
    }
    let mut known: std::collections::HashSet<String> = store
        .read(crate::rules::known::numbers)?
        .into_iter()
        .collect();
    known.extend(store.cases()?.into_iter().flat_map(|c| c.numbers));
    let want = q.limit.unwrap_or(usize::MAX);
    let step = q.limit.unwrap_or(1000).clamp(1, 1000);
    let mut skip = q.offset;
    let mut out = Vec::new();
    let mut scan = EventQuery {
        offset: 0,
        limit: Some(step),
        ..q.clone()
    };
    while out.len() < want {
        let page = store.events(&scan)?;
        let n = page.len();
        for event in page {
            let mine = event
                .payload
                .number()
                .is_some_and(|p| known.contains(&p.normalized));
            let e = entry(event)?;
            if !mine && e.flags.is_empty() {
                continue;
            }
            if skip > 0 {
                skip -= 1;
            } else if out.len() < want {
                out.push(e);
            }
        }
        if n < step {
            break;
        }
        scan.offset += step;
    }
    Ok(out)
}

pub(super) fn case_page(store: &Store, id: CaseId) -> Result<CasePage> {
    let case = store
        .cases()?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| Error::NotFound(format!("case {id}")))?;
    let events = store.events(&EventQuery {
        case: Some(id),
        ..Default::default()
    })?;
    let flags = store.flags(&FlagQuery {
        case: Some(id),
        ..Default::default()
    })?;
    let date = |i: &Instant| i.local_date().format("%Y-%m-%d").to_string();
    let by_day = count_events(&events, |e, _| e.payload.instant().map(|i| date(&i)));
    let mut flags_by_day: BTreeMap<String, u32> = BTreeMap::new();
    let mut by_rule: BTreeMap<&str, RuleCount> = BTreeMap::new();
    let pack = rules_pack(store)?;
    for f in &flags {
        *flags_by_day.entry(date(&f.flag.at)).or_default() += 1;
        let ms = f.flag.at.utc_ms;
        let r = by_rule.entry(&f.flag.rule).or_insert_with(|| RuleCount {
            rule: f.flag.rule.clone(),
            severity: f.flag.severity.clone(),
            count: 0,
            source: f.flag.source.clone(),
            parameters: pack
                .rules
                .iter()
                .find(|r| r.id == f.flag.rule)
                .map(|r| r.parameters.clone())
                .unwrap_or_default(),
            first_ms: ms,
            last_ms: ms,
        });
        r.count += 1;
        r.first_ms = r.first_ms.min(ms);
        r.last_ms = r.last_ms.max(ms);
    }
    let mut days: BTreeMap<String, DayCount> =
        crate::sort::map_of(by_day.into_iter().map(|(day, c)| {
            let d = DayCount {
                day: day.clone(),
                sms: c.sms,
                calls: c.calls,
                connected: c.connected,
                flags: 0,
            };
            (day, d)
        }));
    for (day, n) in flags_by_day {
        days.entry(day.clone())
            .or_insert_with(|| DayCount {
                day,
                sms: 0,
                calls: 0,
                connected: 0,
                flags: 0,
            })
            .flags = n;
    }
    let mut rules: Vec<RuleCount> = by_rule.into_values().collect();
    crate::sort::sort_by(&mut rules, |a, b| {
        b.count.cmp(&a.count).then_with(|| a.rule.cmp(&b.rule))
    });
    let mine = |name: &Option<String>| name.as_deref().is_some_and(|n| case.answers_to(n));
    let annotations = store
        .annotations()?
        .into_iter()
        .filter(|a| mine(&a.data.case_name))
        .collect();
    let attachments = store
        .attachments()?
        .into_iter()
        .filter(|a| mine(&a.data.case_name))
        .collect();
    Ok(CasePage {
        case,
        days: days.into_values().collect(),
        rules,
        annotations,
        attachments,
    })
}
