//! Flags: rule violations found by the rules engine. Derived data: each references the events it
//! rests on and can be deleted and rebuilt at any time without touching evidence.

use super::{CaseId, Store};
use crate::error::Result;
use crate::model::EventId;
use crate::time::Instant;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

/// A violation to store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewFlag {
    /// Rule id from the pack, e.g. `CN.TIME.NIFA`.
    pub rule: String,
    pub case_id: Option<CaseId>,
    /// When the violation happened (the instant of the event that completed it).
    pub at: Instant,
    pub severity: String,
    /// Plain-language explanation with the facts (counts, times, words).
    pub description: String,
    /// Legal source cited.
    pub source: String,
    pub events: Vec<EventId>,
    pub numbers: Vec<String>,
    /// Rule-specific facts (matched words, counts, window...), shown in reports.
    pub detail: FlagDetail,
}

/// A flag's rule-specific facts: a JSON object kept as its text. The engine writes the text
/// directly and the store keeps it as is, so the hundreds of thousands of flags of a big import
/// are never built, serialised and freed as JSON trees. Serialises as the JSON value itself.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlagDetail(String);

impl FlagDetail {
    /// Wraps JSON text the engine wrote.
    pub(crate) fn from_json_text(text: String) -> FlagDetail {
        FlagDetail(text)
    }
    /// The JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The parsed value (`null` if the stored text is not JSON, which no dunwatch writes).
    pub fn value(&self) -> serde_json::Value {
        serde_json::from_str(&self.0).unwrap_or(serde_json::Value::Null)
    }
}

impl From<serde_json::Value> for FlagDetail {
    fn from(v: serde_json::Value) -> FlagDetail {
        FlagDetail(v.to_string())
    }
}

impl std::fmt::Display for FlagDetail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for FlagDetail {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for FlagDetail {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        serde_json::Value::deserialize(d).map(FlagDetail::from)
    }
}

/// A stored violation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlagRecord {
    pub id: i64,
    pub case_name: Option<String>,
    #[serde(flatten)]
    pub flag: NewFlag,
}

/// Which flags to list.
#[derive(Debug, Clone, Default)]
pub struct FlagQuery {
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub case: Option<CaseId>,
    pub rule: Option<String>,
    /// Flags resting on this event.
    pub event: Option<EventId>,
    pub offset: usize,
    pub limit: Option<usize>,
}

pub(crate) fn insert_flags(c: &Connection, flags: &[NewFlag]) -> Result<()> {
    let mut ins = c.prepare_cached(
        "INSERT INTO flags(rule, case_id, at_ms, offset_s, severity, description, source, detail) \
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut ev =
        c.prepare_cached("INSERT OR IGNORE INTO flag_events(flag_id, event_id) VALUES(?1, ?2)")?;
    let mut num =
        c.prepare_cached("INSERT OR IGNORE INTO flag_numbers(flag_id, number) VALUES(?1, ?2)")?;
    for f in flags {
        ins.execute(params![
            f.rule,
            f.case_id,
            f.at.utc_ms,
            f.at.offset_secs,
            f.severity,
            f.description,
            f.source,
            f.detail.as_str()
        ])?;
        let id = c.last_insert_rowid();
        for e in &f.events {
            ev.execute(params![id, e])?;
        }
        for n in &f.numbers {
            num.execute(params![id, n])?;
        }
    }
    Ok(())
}

impl Store {
    /// Replaces all flags in one transaction (a rebuild after a settings or case change).
    pub fn replace_flags(&self, flags: &[NewFlag]) -> Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM flag_numbers", [])?;
            tx.execute("DELETE FROM flag_events", [])?;
            tx.execute("DELETE FROM flags", [])?;
            insert_flags(tx, flags)
        })
    }

    /// Appends flags (for newly evaluated events).
    pub fn add_flags(&self, flags: &[NewFlag]) -> Result<()> {
        self.write(|tx| insert_flags(tx, flags))
    }

    /// Flags matching `q`, oldest first.
    pub fn flags(&self, q: &FlagQuery) -> Result<Vec<FlagRecord>> {
        let mut out = Vec::new();
        self.for_each_flag(q, |f| {
            out.push(f);
            Ok(())
        })?;
        Ok(out)
    }

    /// Calls `f` for each flag matching `q`, oldest first, without holding them all: reports
    /// and exports of stores with hundreds of thousands of flags stay small in memory.
    pub fn for_each_flag(
        &self,
        q: &FlagQuery,
        mut f: impl FnMut(FlagRecord) -> Result<()>,
    ) -> Result<()> {
        use rusqlite::types::Value;
        self.read(|c| {
            let mut sql = String::from(
                "SELECT f.id, f.rule, f.case_id, c.name, f.at_ms, f.offset_s, f.severity, \
                 f.description, f.source, f.detail FROM flags f \
                 LEFT JOIN cases c ON c.id = f.case_id WHERE 1 = 1",
            );
            let mut args: Vec<Value> = Vec::new();
            if let Some(v) = q.from_ms {
                sql.push_str(" AND f.at_ms >= ?");
                args.push(Value::Integer(v));
            }
            if let Some(v) = q.to_ms {
                sql.push_str(" AND f.at_ms < ?");
                args.push(Value::Integer(v));
            }
            if let Some(v) = q.case {
                sql.push_str(" AND f.case_id = ?");
                args.push(Value::Integer(v));
            }
            if let Some(v) = &q.rule {
                sql.push_str(" AND f.rule = ?");
                args.push(Value::Text(v.clone()));
            }
            if let Some(v) = q.event {
                sql.push_str(" AND f.id IN (SELECT flag_id FROM flag_events WHERE event_id = ?)");
                args.push(Value::Integer(v));
            }
            sql.push_str(" ORDER BY f.at_ms, f.id LIMIT ? OFFSET ?");
            args.push(Value::Integer(
                q.limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX)),
            ));
            args.push(Value::Integer(i64::try_from(q.offset).unwrap_or(i64::MAX)));
            let mut st = c.prepare_cached(&sql)?;
            let rows = st.query_map(rusqlite::params_from_iter(args), |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                    r.get::<_, String>(9)?,
                ))
            })?;
            let mut evs = c.prepare_cached(
                "SELECT event_id FROM flag_events WHERE flag_id = ?1 ORDER BY event_id",
            )?;
            let mut nums = c.prepare_cached(
                "SELECT number FROM flag_numbers WHERE flag_id = ?1 ORDER BY number",
            )?;
            for r in rows {
                let (
                    id,
                    rule,
                    case_id,
                    case_name,
                    at_ms,
                    off,
                    severity,
                    description,
                    source,
                    detail,
                ) = r?;
                f(FlagRecord {
                    id,
                    case_name,
                    flag: NewFlag {
                        rule,
                        case_id,
                        at: Instant::new(at_ms, i32::try_from(off).unwrap_or(0))?,
                        severity,
                        description,
                        source,
                        events: evs
                            .query_map([id], |r| r.get(0))?
                            .collect::<rusqlite::Result<_>>()?,
                        numbers: nums
                            .query_map([id], |r| r.get(0))?
                            .collect::<rusqlite::Result<_>>()?,
                        detail: FlagDetail(detail),
                    },
                })?;
            }
            Ok(())
        })
    }
}
