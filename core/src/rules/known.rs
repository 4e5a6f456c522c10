//! The one definition of a known collector, and why. Everything that asks "is this number a
//! collector's?" asks here: the engine (which contacts count, how a message is read), screening,
//! the pages and the import summary.
//!
//! - A **collector number** is one in a case (tagged by the user, joined by the creditor name or
//!   a call-back number of a collection SMS, or by the collector list), on the imported collector
//!   list, or one that sent a collection SMS or was quoted as its call-back number. Every
//!   contact from a collector number is a collector contact (counted, time-checked).
//! - A message is **read as a known collector's** when its sender is in a case, on the list, or
//!   sent a collection SMS (strict reading) within the [`RECENT_DAYS`] before it: relative to the
//!   message, not the clock, so a rebuild and incremental evaluation read it alike. The reason
//!   ([`Why::reason`]) is what the message's flags say.

use super::repo as rs;
use crate::error::Result;
use crate::model::EventId;
use crate::time::Instant;
use foldhash::{HashMap, HashMapExt};
use rusqlite::{Connection, OptionalExtension};
use std::collections::BTreeSet;

/// A collection SMS makes its sender a known collector for the messages of this many days
/// after it.
pub const RECENT_DAYS: i64 = 30;
pub(crate) const RECENT_MS: i64 = RECENT_DAYS * 86_400_000;

/// Why a message's sender is a known collector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// In this case.
    Case(String),
    /// On the imported collector list, from this source.
    Listed(String),
    /// Sent a collection SMS at this instant, within [`RECENT_DAYS`] before the message read.
    Sent(Instant),
}

impl Why {
    /// The reason a flag gives ("sender is in case 速借花").
    pub fn reason(&self) -> String {
        match self {
            Why::Case(name) => format!("sender is in case {name}"),
            Why::Listed(source) => format!("sender is on the collector list ({source})"),
            Why::Sent(at) => format!(
                "sender sent a collection message on {}",
                at.to_fixed().format("%Y-%m-%d")
            ),
        }
    }
}

/// A stored collection SMS (strict reading), as the recency test reads it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Sent {
    pub utc_ms: i64,
    pub id: EventId,
    pub offset_s: i32,
    pub number: String,
}

/// What one evaluation knows about the senders it reads: case names, the list, and the
/// collection SMS of the numbers read (sorted by instant, then id).
#[derive(Default)]
pub(crate) struct Known {
    cases: HashMap<String, String>,
    listed: HashMap<String, String>,
    sent: HashMap<String, Vec<(i64, EventId, i32)>>,
}

impl Known {
    /// Cases and list from the store, and the stored collection SMS of `numbers` that decide
    /// whether they are known at their messages from `from_ms` on (those from `from_ms` on and
    /// the last one before it).
    pub fn load(c: &Connection, numbers: &[String], from_ms: i64) -> Result<Known> {
        let mut k = Known {
            cases: rs::case_names(c)?,
            listed: rs::listed(c)?,
            sent: HashMap::new(),
        };
        // A number in a case or on the list is known whatever it sent.
        let mut sent = Vec::new();
        for n in numbers {
            if !k.cases.contains_key(n) && !k.listed.contains_key(n) {
                sent.extend(rs::collection_sms_of(c, n, from_ms, RECENT_MS)?);
            }
        }
        k.add(sent);
        Ok(k)
    }

    /// Adds collection SMS not stored yet (a batch's own, a write not yet applied).
    pub fn add(&mut self, sent: impl IntoIterator<Item = Sent>) {
        for s in sent {
            let v = self.sent.entry(s.number).or_default();
            let e = (s.utc_ms, s.id, s.offset_s);
            if let Err(i) = v.binary_search(&e) {
                v.insert(i, e);
            }
        }
    }

    /// Why the message `id` from `number` at `utc_ms` is read as a known collector's, if it is.
    pub fn at(&self, number: &str, utc_ms: i64, id: EventId) -> Option<Why> {
        if let Some(name) = self.cases.get(number) {
            return Some(Why::Case(name.clone()));
        }
        if let Some(source) = self.listed.get(number) {
            return Some(Why::Listed(source.clone()));
        }
        let v = self.sent.get(number)?;
        // The latest collection SMS before this message (by instant, then id).
        let before = v.partition_point(|&(t, i, _)| (t, i) < (utc_ms, id));
        let &(t, _, off) = v[..before].last()?;
        (t >= utc_ms - RECENT_MS)
            .then(|| Instant::new(t, off).ok().map(Why::Sent))
            .flatten()
    }
}

/// Every collector number of the store (see the module's doc).
pub(crate) fn numbers(c: &Connection) -> Result<BTreeSet<String>> {
    let mut out: BTreeSet<String> = crate::sort::set_of(rs::case_names(c)?.into_keys());
    out.extend(outside_cases(c)?);
    Ok(out)
}

/// Collector numbers in no case: the list and those the engine derived from SMS.
pub(crate) fn outside_cases(c: &Connection) -> Result<Vec<String>> {
    let mut st = c.prepare_cached(
        "SELECT number FROM collector_list UNION SELECT number FROM collector_numbers",
    )?;
    let rows = st.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Why `number` is a collector number, if it is: its case, the list, or what the engine derived.
pub(crate) fn standing(c: &Connection, number: &str) -> Result<Option<String>> {
    if let Some((_, _, name)) = rs::number_case(c, number)? {
        return Ok(Some(format!("in case {name}")));
    }
    if let Some(r) = c
        .prepare_cached("SELECT creditor, source FROM collector_list WHERE number = ?1")?
        .query_row([number], |r| {
            Ok(format!(
                "on the collector list ({}{})",
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(0)?
                    .map(|cr| format!(", creditor {cr}"))
                    .unwrap_or_default()
            ))
        })
        .optional()?
    {
        return Ok(Some(r));
    }
    Ok(
        c.prepare_cached("SELECT why FROM collector_numbers WHERE number = ?1")?
            .query_row([number], |r| r.get::<_, String>(0))
            .optional()?
            .map(|w| match w.as_str() {
                "callback" => "quoted as a call-back number in a collection SMS".to_string(),
                _ => "sent a collection SMS".to_string(),
            }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    fn sent(t: i64, id: EventId) -> Sent {
        Sent {
            utc_ms: t,
            id,
            offset_s: 8 * 3600,
            number: "+8613800138000".into(),
        }
    }

    /// Day 29 after a collection SMS is read as a collector's, day 31 is not; only earlier
    /// messages count (by instant, then id); a case or the list wins over recency.
    #[test]
    fn recency_is_relative_to_the_message() {
        let t = 1_764_460_800_000; // 2025-11-30 00:00 UTC
        let mut k = Known::default();
        k.add([sent(t, 10)]);
        let n = "+8613800138000";
        assert_eq!(
            k.at(n, t + 29 * DAY, 11).map(|w| w.reason()),
            Some("sender sent a collection message on 2025-11-30".into())
        );
        assert_eq!(k.at(n, t + 31 * DAY, 11), None);
        assert_eq!(k.at(n, t - DAY, 9), None);
        // The same instant: only a later id.
        assert_eq!(k.at(n, t, 9), None);
        assert!(k.at(n, t, 11).is_some());
        assert_eq!(k.at("+8613900139000", t + DAY, 12), None);
        // The latest one before the message is the one cited; duplicates are added once.
        k.add([sent(t + 20 * DAY, 20), sent(t + 20 * DAY, 20)]);
        assert_eq!(k.sent[n].len(), 2);
        assert!(
            matches!(k.at(n, t + 45 * DAY, 30), Some(Why::Sent(a)) if a.utc_ms == t + 20 * DAY)
        );
        k.cases.insert(n.into(), "速借花".into());
        assert_eq!(
            k.at(n, t + 400 * DAY, 40).map(|w| w.reason()),
            Some("sender is in case 速借花".into())
        );
    }
}
