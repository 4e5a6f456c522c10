//! Flags: rule violations found by the rules engine. Derived data: each references the events it
//! rests on and can be deleted and rebuilt at any time without touching evidence.

use super::{bind_changed, CaseId, Store};
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
        "INSERT INTO flags(rule, case_id, at_ms, offset_s, severity, description, source, detail, \
         events, numbers) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut by_event =
        c.prepare_cached("INSERT OR IGNORE INTO flags_by_event(event_id, flag_id) VALUES(?1, ?2)")?;
    let (mut events, mut numbers) = (Vec::new(), Vec::new());
    // The flag bound last: a statement keeps its bindings, and a rule's flags repeat its rule,
    // severity, legal source (a long text), case and offset (see `bind_changed`).
    let mut prev: Option<&NewFlag> = None;
    for f in flags {
        // Sorted and without repeats, as the side tables of schema v4 gave them back.
        events.clone_from(&f.events);
        crate::sort::sort(&mut events);
        events.dedup();
        numbers.clear();
        numbers.extend(f.numbers.iter().map(String::as_str));
        crate::sort::sort(&mut numbers);
        numbers.dedup();
        bind_changed(&mut ins, 1, &f.rule, prev.map(|p| &p.rule))?;
        bind_changed(&mut ins, 2, f.case_id, prev.map(|p| p.case_id))?;
        bind_changed(
            &mut ins,
            4,
            f.at.offset_secs,
            prev.map(|p| p.at.offset_secs),
        )?;
        bind_changed(&mut ins, 5, &f.severity, prev.map(|p| &p.severity))?;
        bind_changed(&mut ins, 7, &f.source, prev.map(|p| &p.source))?;
        ins.raw_bind_parameter(3, f.at.utc_ms)?;
        ins.raw_bind_parameter(6, &f.description)?;
        ins.raw_bind_parameter(8, f.detail.as_str())?;
        ins.raw_bind_parameter(9, serde_json::to_string(&events)?)?;
        ins.raw_bind_parameter(10, serde_json::to_string(&numbers)?)?;
        ins.raw_execute()?;
        prev = Some(f);
        let id = c.last_insert_rowid();
        for e in &events {
            by_event.execute(params![e, id])?;
        }
    }
    Ok(())
}

/// Deletes the flags in `doomed`, each given by its id and its events (as stored, for
/// `flags_by_event`), inside the caller's transaction.
pub(crate) fn delete_flags(c: &Connection, doomed: &[(i64, Vec<EventId>)]) -> Result<()> {
    let mut by_event =
        c.prepare_cached("DELETE FROM flags_by_event WHERE event_id = ?1 AND flag_id = ?2")?;
    let mut flag = c.prepare_cached("DELETE FROM flags WHERE id = ?1")?;
    for (id, events) in doomed {
        for e in events {
            by_event.execute(params![e, id])?;
        }
        flag.execute([id])?;
    }
    Ok(())
}

/// Deletes every flag inside the caller's transaction.
pub(crate) fn delete_all_flags(c: &Connection) -> Result<()> {
    c.execute("DELETE FROM flags_by_event", [])?;
    c.execute("DELETE FROM flags", [])?;
    Ok(())
}

impl Store {
    /// Replaces all flags in one transaction (a rebuild after a settings or case change).
    pub fn replace_flags(&self, flags: &[NewFlag]) -> Result<()> {
        self.write(|tx| {
            delete_all_flags(tx)?;
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
        self.for_each_flag_dyn(q, &mut f)
    }

    /// The body of [`Store::for_each_flag`], compiled once rather than once per caller (each
    /// copy was 6 kB of the Android library).
    fn for_each_flag_dyn(
        &self,
        q: &FlagQuery,
        f: &mut dyn FnMut(FlagRecord) -> Result<()>,
    ) -> Result<()> {
        use rusqlite::types::Value;
        self.read(|c| {
            let mut sql = String::from(
                "SELECT f.id, f.rule, f.case_id, c.name, f.at_ms, f.offset_s, f.severity, \
                 f.description, f.source, f.detail, f.events, f.numbers FROM flags f \
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
                sql.push_str(
                    " AND f.id IN (SELECT flag_id FROM flags_by_event WHERE event_id = ?)",
                );
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
                    r.get::<_, String>(10)?,
                    r.get::<_, String>(11)?,
                ))
            })?;
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
                    events,
                    numbers,
                ) = r?;
                f(FlagRecord {
                    id,
                    case_name,
                    flag: NewFlag {
                        rule,
                        case_id,
                        at: Instant::new(
                            at_ms,
                            i32::try_from(off).map_err(|_| {
                                crate::Error::Parse(format!("flag {id}: offset {off} out of range"))
                            })?,
                        )?,
                        severity,
                        description,
                        source,
                        events: serde_json::from_str(&events)?,
                        numbers: serde_json::from_str(&numbers)?,
                        detail: FlagDetail(detail),
                    },
                })?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag(at: i64, events: &[EventId], numbers: &[&str]) -> NewFlag {
        NewFlag {
            rule: "CN.TEST".into(),
            case_id: None,
            at: Instant::new(at, 0).unwrap(),
            severity: "low".into(),
            description: "test".into(),
            source: "test".into(),
            events: events.to_vec(),
            numbers: numbers.iter().map(|n| n.to_string()).collect(),
            detail: FlagDetail::default(),
        }
    }

    /// Flags that each differ from the one before in one column, and change it back, are
    /// stored as given (a flag's insert binds only what changed).
    #[test]
    fn every_column_that_changes_between_flags_is_stored() {
        let store = Store::open_in_memory().unwrap();
        let case = store.tag_number("13800138000", "速借", super::super::TagSource::User);
        let case = Some(case.unwrap().case_id.unwrap());
        let base = flag(10, &[1], &["+1"]);
        let mut flags = vec![base.clone()];
        let mut vary = |change: &dyn Fn(&mut NewFlag)| {
            let mut f = base.clone();
            change(&mut f);
            flags.push(f);
            flags.push(base.clone());
        };
        vary(&|f| f.rule = "CN.OTHER".into());
        vary(&|f| f.case_id = case);
        vary(&|f| f.at = Instant::new(10, 3600).unwrap());
        vary(&|f| f.severity = "high".into());
        vary(&|f| f.source = "another source".into());
        vary(&|f| f.description = "other".into());
        vary(&|f| f.detail = FlagDetail::from_json_text("{\"x\":1}".into()));
        vary(&|f| f.events = vec![2, 3]);
        vary(&|f| f.numbers = vec!["+2".into()]);
        store.add_flags(&flags).unwrap();
        // A second write starts from the bindings the first left.
        let last = flag(20, &[9], &["+9"]);
        store.add_flags(std::slice::from_ref(&last)).unwrap();
        flags.push(last);
        let got: Vec<NewFlag> = store
            .flags(&FlagQuery::default())
            .unwrap()
            .into_iter()
            .map(|r| r.flag)
            .collect();
        let mut want = flags;
        want.sort_by_key(|f| f.at.utc_ms); // the store lists by instant, then id
        assert_eq!(got, want);
    }

    fn on_event(store: &Store, e: EventId) -> Vec<i64> {
        let q = FlagQuery {
            event: Some(e),
            ..Default::default()
        };
        store.flags(&q).unwrap().iter().map(|f| f.id).collect()
    }

    /// Events and numbers come back sorted without repeats; a flag is found by each of its
    /// events until it is deleted, by number or all at once.
    #[test]
    fn flags_keep_events_and_numbers_and_are_found_by_event() {
        let store = Store::open_in_memory().unwrap();
        store
            .add_flags(&[
                flag(10, &[7, 3, 7, 5], &["+2", "+1", "+2"]),
                flag(20, &[5], &["+3"]),
                flag(30, &[], &[]),
            ])
            .unwrap();
        let all = store.flags(&FlagQuery::default()).unwrap();
        assert_eq!(all[0].flag.events, vec![3, 5, 7]);
        assert_eq!(all[0].flag.numbers, vec!["+1", "+2"]);
        assert_eq!(
            (all[2].flag.events.len(), all[2].flag.numbers.len()),
            (0, 0)
        );
        let (a, b) = (all[0].id, all[1].id);
        assert_eq!(
            (on_event(&store, 5), on_event(&store, 7)),
            (vec![a, b], vec![a])
        );
        // Deleting by number from an instant on leaves the others.
        store
            .write(|tx| crate::rules::repo::delete_flags_for(tx, &["+2".into()], 0))
            .unwrap();
        assert_eq!(
            (on_event(&store, 5), on_event(&store, 7)),
            (vec![b], vec![])
        );
        store
            .write(|tx| crate::rules::repo::delete_flags_for(tx, &["+3".into()], 21))
            .unwrap();
        assert_eq!(on_event(&store, 5), vec![b], "before the instant: kept");
        store.replace_flags(&[flag(40, &[9], &["+4"])]).unwrap();
        assert_eq!(store.flags(&FlagQuery::default()).unwrap().len(), 1);
        assert_eq!(
            (on_event(&store, 5), on_event(&store, 9).len()),
            (vec![], 1)
        );
        let left: i64 = store
            .read(|c| Ok(c.query_row("SELECT count(*) FROM flags_by_event", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(left, 1);
    }
}
