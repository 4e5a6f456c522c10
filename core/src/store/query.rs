//! Reading events back: by time range, number and case, paged for the UI, or streamed in id
//! order for the rules engine. Call updates are folded into the calls they amend.

use super::row::{EventRow, COLUMNS};
use super::{CaseId, Store};
use crate::error::Result;
use crate::model::{CallDirection, EventId, EventPayload, StoredEvent};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

/// A filter over stored contact events (SMS and calls; call updates are folded in, not listed).
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    /// Inclusive lower bound, UTC ms.
    pub from_ms: Option<i64>,
    /// Exclusive upper bound, UTC ms.
    pub to_ms: Option<i64>,
    /// Normalised number.
    pub number: Option<String>,
    pub case: Option<CaseId>,
    /// Skip this many (for paging).
    pub offset: usize,
    pub limit: Option<usize>,
    /// Newest first instead of oldest first.
    pub newest_first: bool,
}

impl Store {
    /// Events matching `q`, ordered by instant then id.
    pub fn events(&self, q: &EventQuery) -> Result<Vec<StoredEvent>> {
        self.read(|c| {
            let cols = COLUMNS
                .split(", ")
                .map(|col| format!("e.{col}"))
                .collect::<Vec<_>>()
                .join(", ");
            let mut sql = format!("SELECT {cols} FROM events e WHERE e.kind != 'call_update'");
            let mut args: Vec<Value> = Vec::new();
            if let Some(f) = q.from_ms {
                sql.push_str(" AND e.utc_ms >= ?");
                args.push(Value::Integer(f));
            }
            if let Some(t) = q.to_ms {
                sql.push_str(" AND e.utc_ms < ?");
                args.push(Value::Integer(t));
            }
            if let Some(n) = &q.number {
                sql.push_str(" AND e.number = ?");
                args.push(Value::Text(n.clone()));
            }
            if let Some(case) = q.case {
                sql.push_str(" AND e.number IN (SELECT number FROM numbers WHERE case_id = ?)");
                args.push(Value::Integer(case));
            }
            let dir = if q.newest_first { "DESC" } else { "ASC" };
            sql.push_str(&format!(" ORDER BY e.utc_ms {dir}, e.id {dir}"));
            let limit = q.limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
            sql.push_str(" LIMIT ? OFFSET ?");
            args.push(Value::Integer(limit));
            args.push(Value::Integer(i64::try_from(q.offset).unwrap_or(i64::MAX)));
            let mut st = c.prepare_cached(&sql)?;
            let rows = st.query_map(rusqlite::params_from_iter(args), EventRow::from_sql)?;
            let mut out = Vec::new();
            for r in rows {
                out.push(r?.to_event()?);
            }
            fold_updates(c, &mut out)?;
            Ok(out)
        })
    }

    /// One event by id (a call with its latest update applied).
    pub fn event(&self, id: EventId) -> Result<Option<StoredEvent>> {
        self.read(|c| {
            let mut ev = super::load_event(c, id)?.into_iter().collect::<Vec<_>>();
            fold_updates(c, &mut ev)?;
            Ok(ev.pop())
        })
    }

    /// Calls `f` for every contact event in id order (insertion order), without loading them
    /// all; for the rules engine and exports. Call updates are folded in.
    pub fn for_each_event(&self, mut f: impl FnMut(StoredEvent) -> Result<()>) -> Result<()> {
        self.for_each_event_dyn(&mut f)
    }

    /// The body of [`Store::for_each_event`], compiled once rather than once per caller.
    fn for_each_event_dyn(&self, f: &mut dyn FnMut(StoredEvent) -> Result<()>) -> Result<()> {
        self.read(|c| {
            let sql =
                format!("SELECT {COLUMNS} FROM events WHERE kind != 'call_update' ORDER BY id");
            let mut st = c.prepare(&sql)?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let mut ev = vec![EventRow::from_sql(r)?.to_event()?];
                fold_updates(c, &mut ev)?;
                f(ev.pop().expect("one event"))?;
            }
            Ok(())
        })
    }

    /// Number of stored rows in the event ledger (including call updates).
    pub fn event_count(&self) -> Result<i64> {
        self.read(|c| Ok(c.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?))
    }
}

/// Applies the newest update of each call in `evs`.
fn fold_updates(c: &Connection, evs: &mut [StoredEvent]) -> Result<()> {
    let mut st = c.prepare_cached(
        "SELECT direction, ring_ms, talk_ms FROM events \
         WHERE ref_event = ?1 AND kind = 'call_update' ORDER BY id DESC LIMIT 1",
    )?;
    for ev in evs.iter_mut() {
        if let EventPayload::Call(call) = &mut ev.payload {
            let upd: Option<(String, Option<i64>, Option<i64>)> = st
                .query_row([ev.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            if let Some((dir, ring, talk)) = upd {
                if let Some(d) = CallDirection::from_name(&dir) {
                    call.direction = d;
                }
                call.ring_ms = ring.and_then(|v| u64::try_from(v).ok()).or(call.ring_ms);
                call.talk_ms = talk
                    .and_then(|v| u64::try_from(v).ok())
                    .unwrap_or(call.talk_ms);
            }
        }
    }
    Ok(())
}
