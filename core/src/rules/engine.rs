//! The replay: walks the contact history in time order with small per-case state (the calls of
//! the last days and the conversations), and raises the pack's rules on each collector contact.
//! A contact's flags depend only on what came before it, which is what lets incremental
//! evaluation replay a short window and get exactly what a full rebuild gets.

use super::history::Contact;
use super::pack::{parse_hhmm, CallCount, Channel, Check, Pack, Per, RoleFilter, Rule};
use crate::classify::Classification;
use crate::classify::Span;
use crate::model::{EventId, Role};
use crate::store::{AnnotationKind, CaseId, FlagDetail, NewFlag};
use crate::time::Instant;
use foldhash::{HashMap, HashMapExt, HashSet};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// A stop request or opt-out the user recorded.
#[derive(Debug, Clone)]
pub(crate) struct Stop {
    pub id: i64,
    pub kind: AnnotationKind,
    /// `None`: applies to every collector.
    pub case: Option<CaseId>,
    pub at: Instant,
}

/// Everything besides the contacts that decides the flags.
pub(crate) struct World<'a> {
    pub pack: &'a Pack,
    pub role: Role,
    /// Number → (case, party).
    pub cases: HashMap<String, (CaseId, crate::model::Party)>,
    /// Numbers known as collectors outside cases (list, derived).
    pub collectors: HashSet<String>,
    /// Numbers the user decided about: never suggested.
    pub user_numbers: HashSet<String>,
    pub stops: Vec<Stop>,
}

/// What a replay found.
#[derive(Debug, Default)]
pub(crate) struct Output {
    pub flags: Vec<NewFlag>,
    /// (number, case, reason).
    pub suggestions: Vec<(String, CaseId, String)>,
}

/// What frequency counts group by: a case, or an un-cased collector number on its own.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Case(CaseId),
    Number(String),
}

#[derive(Debug, Clone)]
struct CallRec {
    day: i64,
    utc_ms: i64,
    ids: Vec<EventId>,
    number: String,
    connected: bool,
    sim: Option<i64>,
}

#[derive(Debug, Default)]
struct KeyState {
    /// Calls placed by the collector in the last days.
    calls: VecDeque<CallRec>,
    /// Connected calls (either direction) in the last days.
    convs: VecDeque<CallRec>,
}

/// Most calls one count flag cites: the first ones of the window and the call that broke the
/// limit again. A collector placing hundreds of calls a day would otherwise make the flags grow
/// with the square of the calls; the full count is in the flag's detail.
pub const MAX_CITED_CALLS: usize = 50;

/// Event ids of counted calls, at most [`MAX_CITED_CALLS`] calls (the first ones and the last).
fn cite(recs: &[&CallRec]) -> Vec<EventId> {
    let cited: Vec<&&CallRec> = if recs.len() <= MAX_CITED_CALLS {
        recs.iter().collect()
    } else {
        recs[..MAX_CITED_CALLS - 1]
            .iter()
            .chain(recs.last())
            .collect()
    };
    cited.iter().flat_map(|r| r.ids.iter().copied()).collect()
}

/// Distinct numbers of counted calls.
fn numbers_of(recs: &[&CallRec]) -> Vec<String> {
    let set = crate::sort::set_of(recs.iter().map(|r| r.number.as_str()));
    set.into_iter().map(str::to_string).collect()
}

struct Hit {
    fact: String,
    /// This check's part of the flag's detail, as JSON text.
    why: String,
    events: Vec<EventId>,
    numbers: Vec<String>,
}

// What each check adds to a flag's detail. Fields in alphabetical order, the order in which
// the detail was written when it was built as a JSON tree (whose objects sort their keys).

#[derive(Serialize)]
struct TimeWhy<'a> {
    check: &'static str,
    local: String,
    window: &'a str,
}

#[derive(Serialize)]
struct DailyWhy {
    check: &'static str,
    count: usize,
    counted: &'static str,
    day: String,
    max: u32,
}

#[derive(Serialize)]
struct RollingWhy {
    check: &'static str,
    count: usize,
    from: String,
    max: u32,
    to: String,
}

#[derive(Serialize)]
struct ConversationWhy<'a> {
    check: &'static str,
    conversation: &'a [EventId],
    conversation_day: String,
    day: i64,
    days: u32,
}

#[derive(Serialize)]
struct RoleWhy {
    check: &'static str,
    role: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    third_party_phone_collection: Option<bool>,
}

#[derive(Serialize)]
struct ContentHit<'a> {
    flag: &'static str,
    lexicon_rule: &'a str,
    spans: &'a [Span],
    words: &'a [String],
}

#[derive(Serialize)]
struct ContentWhy<'a> {
    check: &'static str,
    /// How the message was read in its context ("sender is in case 速借花: ..."), if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<&'a str>,
    hits: Vec<ContentHit<'a>>,
}

#[derive(Serialize)]
struct StopWhy {
    annotation: i64,
    annotation_at: String,
    check: &'static str,
    kind: &'static str,
}

/// JSON text of a detail part (these types always serialise).
fn why(v: &impl Serialize) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

fn counts(count: CallCount, connected: bool) -> bool {
    match count {
        CallCount::Any => true,
        CallCount::Connected => connected,
        CallCount::Unanswered => !connected,
    }
}

fn count_name(count: CallCount) -> &'static str {
    match count {
        CallCount::Any => "call",
        CallCount::Connected => "connected call",
        CallCount::Unanswered => "unanswered attempt",
    }
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn channel_name(c: Channel) -> &'static str {
    match c {
        Channel::Call => "call",
        Channel::Sms => "SMS",
    }
}

/// Local wall-clock time and offset of an instant, as flags quote it.
pub(crate) fn local_text(at: &Instant) -> String {
    let f = at.to_fixed();
    format!("{} (UTC{})", f.format("%Y-%m-%d %H:%M:%S"), f.offset())
}

fn date_of_day(day: i64) -> String {
    i32::try_from(day)
        .ok()
        .and_then(chrono::NaiveDate::from_num_days_from_ce_opt)
        .map_or_else(|| day.to_string(), |d| d.to_string())
}

/// Whether local second-of-day `s` is inside [a, b) (wrapping midnight when a > b).
pub(crate) fn in_window(s: u32, a: u32, b: u32) -> bool {
    if a <= b {
        s >= a && s < b
    } else {
        s >= a || s < b
    }
}

/// Whether a time-window check is broken at `at`: (broken, description of the window).
pub(crate) fn time_violation(check: &Check, at: &Instant) -> Option<(bool, String)> {
    let Check::TimeWindow { allowed, quiet, .. } = check else {
        return None;
    };
    let s = at.local_seconds_of_day();
    let (w, allowed_window) = match (allowed, quiet) {
        (Some(w), _) => (w, true),
        (None, Some(w)) => (w, false),
        (None, None) => return None,
    };
    let a = parse_hhmm(&w[0]).unwrap_or(0);
    let b = parse_hhmm(&w[1]).unwrap_or(0);
    let inside = in_window(s, a, b);
    let text = if allowed_window {
        format!("outside the permitted {}–{}", w[0], w[1])
    } else {
        format!("inside the forbidden {}–{}", w[0], w[1])
    };
    Some((inside != allowed_window, text))
}

struct Ctx<'a, 'w> {
    world: &'a World<'w>,
    c: &'a Contact,
    class: Option<&'a Classification>,
    key: &'a Key,
    st: &'a KeyState,
    day: i64,
}

fn check(x: &Ctx<'_, '_>, ch: &Check) -> Option<Hit> {
    let c = x.c;
    match ch {
        Check::TimeWindow { channels, .. } => {
            if !channels.contains(&c.channel) {
                return None;
            }
            let (broken, window) = time_violation(ch, &c.at)?;
            broken.then(|| Hit {
                fact: format!(
                    "{} at {} local time, {window}",
                    channel_name(c.channel),
                    local_text(&c.at)
                ),
                why: why(&TimeWhy {
                    check: "time_window",
                    local: local_text(&c.at),
                    window: &window,
                }),
                events: Vec::new(),
                numbers: Vec::new(),
            })
        }
        Check::DailyCount { count, per, max } => {
            if c.channel != Channel::Call || !counts(*count, c.connected()) {
                return None;
            }
            let recs: Vec<&CallRec> =
                x.st.calls
                    .iter()
                    .filter(|r| {
                        r.day == x.day
                            && counts(*count, r.connected)
                            && (*per == Per::Case || r.sim == c.sim)
                    })
                    .collect();
            let n = recs.len();
            (n > *max as usize).then(|| Hit {
                fact: format!(
                    "{} {} from this collector on {} (limit {max} a day{})",
                    ordinal(n),
                    count_name(*count),
                    date_of_day(x.day),
                    if *per == Per::CaseAndSim {
                        " per dialled number"
                    } else {
                        ""
                    }
                ),
                why: why(&DailyWhy {
                    check: "daily_count",
                    count: n,
                    counted: count_name(*count),
                    day: date_of_day(x.day),
                    max: *max,
                }),
                events: cite(&recs),
                numbers: numbers_of(&recs),
            })
        }
        Check::RollingCount { count, days, max } => {
            if c.channel != Channel::Call || !counts(*count, c.connected()) {
                return None;
            }
            let first = x.day - i64::from(*days) + 1;
            let recs: Vec<&CallRec> =
                x.st.calls
                    .iter()
                    .filter(|r| r.day >= first && r.day <= x.day && counts(*count, r.connected))
                    .collect();
            let n = recs.len();
            (n > *max as usize).then(|| Hit {
                fact: format!(
                    "{} {} from this collector in the {days} days {}–{} (limit {max})",
                    ordinal(n),
                    count_name(*count),
                    date_of_day(first),
                    date_of_day(x.day)
                ),
                why: why(&RollingWhy {
                    check: "rolling_count",
                    count: n,
                    from: date_of_day(first),
                    max: *max,
                    to: date_of_day(x.day),
                }),
                events: cite(&recs),
                numbers: numbers_of(&recs),
            })
        }
        Check::AfterConversation { days } => {
            if c.channel != Channel::Call {
                return None;
            }
            let first = x.day - i64::from(*days) + 1;
            let conv =
                x.st.convs
                    .iter()
                    .rev()
                    .find(|r| r.utc_ms < c.at.utc_ms && r.day >= first)?;
            let nth = x.day - conv.day + 1;
            Some(Hit {
                fact: format!(
                    "call on day {nth} after a telephone conversation on {} (day 1)",
                    date_of_day(conv.day)
                ),
                why: why(&ConversationWhy {
                    check: "after_conversation",
                    conversation: &conv.ids,
                    conversation_day: date_of_day(conv.day),
                    day: nth,
                    days: *days,
                }),
                events: conv.ids.clone(),
                numbers: vec![conv.number.clone()],
            })
        }
        Check::ThirdPartyPhone { channels } => {
            if !x.world.role.is_third_party() || !channels.contains(&c.channel) {
                return None;
            }
            Some(Hit {
                fact: format!(
                    "collector {} on a third party's phone (role {})",
                    channel_name(c.channel),
                    x.world.role
                ),
                why: why(&RoleWhy {
                    check: "third_party_phone",
                    role: x.world.role.as_str(),
                    third_party_phone_collection: None,
                }),
                events: Vec::new(),
                numbers: Vec::new(),
            })
        }
        Check::Content {
            flags,
            third_party_phone_collection,
        } => {
            let class = x.class.filter(|_| c.channel == Channel::Sms)?;
            let hits: Vec<ContentHit<'_>> = class
                .flags
                .iter()
                .filter(|h| flags.contains(&h.flag))
                .map(|h| ContentHit {
                    flag: h.flag.name(),
                    lexicon_rule: &h.rule,
                    spans: &h.spans,
                    words: &h.words,
                })
                .collect();
            if !hits.is_empty() {
                let words: Vec<String> = class
                    .flags
                    .iter()
                    .filter(|h| flags.contains(&h.flag))
                    .flat_map(|h| h.words.iter().map(|w| format!("“{w}”")))
                    .collect();
                let names: BTreeSet<&str> = crate::sort::set_of(
                    class
                        .flags
                        .iter()
                        .filter(|h| flags.contains(&h.flag))
                        .map(|h| h.flag.name()),
                );
                let context = class
                    .context
                    .as_deref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default();
                return Some(Hit {
                    fact: format!(
                        "message flagged {}: {}{context}",
                        names.into_iter().collect::<Vec<_>>().join(", "),
                        words.join(", ")
                    ),
                    why: why(&ContentWhy {
                        check: "content",
                        context: class.context.as_deref(),
                        hits,
                    }),
                    events: Vec::new(),
                    numbers: Vec::new(),
                });
            }
            (*third_party_phone_collection && x.world.role.is_third_party() && class.collection)
                .then(|| Hit {
                    fact: "a collection message on a third party's phone names the debt".into(),
                    why: why(&RoleWhy {
                        check: "content",
                        role: x.world.role.as_str(),
                        third_party_phone_collection: Some(true),
                    }),
                    events: Vec::new(),
                    numbers: Vec::new(),
                })
        }
        Check::AfterStop {
            annotation,
            roles,
            channels,
        } => {
            let role_ok = match roles {
                RoleFilter::Any => true,
                RoleFilter::Borrower => !x.world.role.is_third_party(),
                RoleFilter::ThirdParty => x.world.role.is_third_party(),
            };
            if !role_ok || !channels.contains(&c.channel) {
                return None;
            }
            let case = match x.key {
                Key::Case(id) => Some(*id),
                Key::Number(_) => None,
            };
            let stop = x.world.stops.iter().find(|s| {
                s.kind == *annotation
                    && (s.case.is_none() || s.case == case)
                    && s.at.utc_ms < c.at.utc_ms
            })?;
            let what = match annotation {
                AnnotationKind::OptOut => "opt-out",
                _ => "stop request",
            };
            Some(Hit {
                fact: format!(
                    "{} after the {what} recorded at {}",
                    channel_name(c.channel),
                    local_text(&stop.at)
                ),
                why: why(&StopWhy {
                    annotation: stop.id,
                    annotation_at: stop.at.to_rfc3339(),
                    check: "after_stop",
                    kind: annotation.as_str(),
                }),
                events: Vec::new(),
                numbers: Vec::new(),
            })
        }
    }
}

fn make_flag(pack: &Pack, rule: &Rule, c: &Contact, key: &Key, hits: Vec<Hit>) -> NewFlag {
    let mut events: BTreeSet<EventId> = crate::sort::set_of(c.ids.iter().copied());
    let mut numbers: BTreeSet<String> = BTreeSet::from([c.number.clone()]);
    let mut facts = Vec::new();
    let mut whys = Vec::new();
    for h in hits {
        events.extend(h.events);
        numbers.extend(h.numbers);
        facts.push(h.fact);
        whys.push(h.why);
    }
    NewFlag {
        rule: rule.id.clone(),
        case_id: match key {
            Key::Case(id) => Some(*id),
            Key::Number(_) => None,
        },
        at: c.at,
        severity: rule.severity.clone(),
        description: format!("{} — {}", pack.describe(rule), facts.join("; ")),
        source: rule.source.clone(),
        events: events.into_iter().collect(),
        numbers: numbers.into_iter().collect(),
        detail: FlagDetail::from_json_text(format!(
            "{{\"checks\":[{}],\"parameters\":{}}}",
            whys.join(","),
            why(&rule.parameters)
        )),
    }
}

/// Remembers recent collection SMS per case and recent calls of unknown numbers, to suggest
/// case members.
#[derive(Default)]
struct Suggester {
    sms: BTreeMap<CaseId, VecDeque<i64>>,
    calls: HashMap<String, VecDeque<i64>>,
    done: HashSet<(String, CaseId)>,
}

/// Replays `contacts` (ordered by instant) and returns flags for contacts at or after
/// `emit_from` (UTC ms) and, when `emit_for` is given, only from those numbers; other contacts
/// only build up state. `classes`: the SMS read in their context; `strict`: those read as
/// collection on their own, which start case suggestions.
pub(crate) fn replay(
    world: &World<'_>,
    contacts: &[Contact],
    classes: &HashMap<EventId, Classification>,
    strict: &HashSet<EventId>,
    emit_from: i64,
    emit_for: Option<&HashSet<String>>,
) -> Output {
    let pack = world.pack;
    let keep_days = pack.lookback_days();
    let within_ms = i64::from(pack.suggest.within_hours) * 3_600_000;
    let mut states: HashMap<Key, KeyState> = HashMap::new();
    let mut sugg = Suggester::default();
    let mut out = Output::default();
    for c in contacts {
        let class = classes.get(&c.primary());
        let case = world.cases.get(&c.number);
        let collector = case.is_some()
            || world.collectors.contains(&c.number)
            || class.is_some_and(|k| k.collection && c.incoming);
        if !collector {
            suggest(world, &mut sugg, c, within_ms, &mut out.suggestions);
            continue;
        }
        if case.is_some_and(|(_, party)| pack.exempt_parties.contains(party)) {
            continue;
        }
        let key = case.map_or_else(|| Key::Number(c.number.clone()), |(id, _)| Key::Case(*id));
        let day = c.at.local_day_number();
        let st = states.entry(key.clone()).or_default();
        while st.calls.front().is_some_and(|r| r.day <= day - keep_days) {
            st.calls.pop_front();
        }
        while st.convs.front().is_some_and(|r| r.day <= day - keep_days) {
            st.convs.pop_front();
        }
        let rec = CallRec {
            day,
            utc_ms: c.at.utc_ms,
            ids: c.ids.clone(),
            number: c.number.clone(),
            connected: c.connected(),
            sim: c.sim,
        };
        if c.channel == Channel::Call && c.incoming {
            st.calls.push_back(rec.clone());
        }
        if c.incoming && c.at.utc_ms >= emit_from && emit_for.is_none_or(|e| e.contains(&c.number))
        {
            let x = Ctx {
                world,
                c,
                class,
                key: &key,
                st,
                day,
            };
            for rule in &pack.rules {
                let hits: Vec<Hit> = rule.checks.iter().filter_map(|ch| check(&x, ch)).collect();
                if !hits.is_empty() {
                    out.flags.push(make_flag(pack, rule, c, &key, hits));
                }
            }
        }
        if c.connected() {
            st.convs.push_back(rec);
        }
        if let Key::Case(case_id) = &key {
            if strict.contains(&c.primary()) && c.incoming && c.channel == Channel::Sms {
                sugg.sms.entry(*case_id).or_default().push_back(c.at.utc_ms);
            }
        }
    }
    out
}

/// An unknown number that calls `min_calls` times within the window after one of a case's
/// collection SMS is suggested as that case's (the user confirms by tagging). Whether a
/// suggestion exists depends only on the history, not on the order evaluation saw it in.
fn suggest(
    world: &World<'_>,
    s: &mut Suggester,
    c: &Contact,
    within_ms: i64,
    out: &mut Vec<(String, CaseId, String)>,
) {
    if c.channel != Channel::Call
        || !c.incoming
        || c.number == crate::number::HIDDEN
        || world.user_numbers.contains(&c.number)
    {
        return;
    }
    let t = c.at.utc_ms;
    let q = s.calls.entry(c.number.clone()).or_default();
    q.push_back(t);
    while q.front().is_some_and(|&f| f <= t - within_ms) {
        q.pop_front();
    }
    let min = world.pack.suggest.min_calls as usize;
    for (case, sms) in s.sms.iter_mut() {
        while sms.front().is_some_and(|&f| f < t - within_ms) {
            sms.pop_front();
        }
        // The earliest SMS of the window leaves the most calls after it.
        let Some(&first) = sms.front().filter(|&&f| f < t) else {
            continue;
        };
        let n = q.iter().filter(|&&f| f > first).count();
        if n >= min && s.done.insert((c.number.clone(), *case)) {
            out.push((
                c.number.clone(),
                *case,
                format!(
                    "called at least {min} times within {} h after a collection SMS of this case",
                    world.pack.suggest.within_hours
                ),
            ));
        }
    }
}
