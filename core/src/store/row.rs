//! The `events` row: the one place that maps events to columns, to the canonical encoding that
//! the chain hashes, and back. Insert and verify both go through here, so they cannot disagree.

use super::codec::{hex, Canon};
use crate::error::{Error, Result};
use crate::model::*;
use crate::number::{NumberKind, PhoneNumber};
use crate::time::Instant;
use std::borrow::Cow;

/// Domain string of the v1 event encoding.
pub(crate) const EVENT_DOMAIN: &str = "dunwatch.event.v1";

/// Column list in the order [`EventRow::from_sql`] reads it.
pub const COLUMNS: &str = "id, kind, source, number, number_raw, number_kind, utc_ms, offset_s, \
    direction, body, sent_ms, sent_offset_s, sim_slot, ring_ms, talk_ms, ref_event, recorded_ms, \
    prev_hash, hash";

/// An instant as 8 bytes that sort (as SQLite compares blobs, bytewise) like the instants:
/// big-endian with the sign bit flipped. No instant (a call update) sorts as 0.
/// Schema migration v4 computes the same bytes in SQL.
pub fn time_prefix(utc_ms: Option<i64>) -> [u8; 8] {
    ((utc_ms.unwrap_or(0) as u64) ^ (1 << 63)).to_be_bytes()
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub id: i64,
    // Names from a fixed set: borrowed for new events (an import lays out hundreds of thousands
    // of rows), owned when read back.
    pub kind: Cow<'static, str>,
    pub source: Cow<'static, str>,
    pub number: Option<String>,
    pub number_raw: Option<String>,
    pub number_kind: Option<Cow<'static, str>>,
    pub utc_ms: Option<i64>,
    pub offset_s: Option<i64>,
    pub direction: Cow<'static, str>,
    pub body: Option<String>,
    pub sent_ms: Option<i64>,
    pub sent_offset_s: Option<i64>,
    pub sim_slot: Option<i64>,
    pub ring_ms: Option<i64>,
    pub talk_ms: Option<i64>,
    pub ref_event: Option<i64>,
    pub recorded_ms: i64,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

fn ms(v: u64) -> i64 {
    // validate() caps durations far below i64::MAX.
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl EventRow {
    /// A row for a new event, taking its strings; hashes are filled in by the caller once the
    /// chain position is known.
    pub fn from_new(id: i64, recorded_ms: i64, ev: NewEvent) -> Self {
        let mut r = EventRow {
            id,
            kind: Cow::Borrowed(ev.payload.kind()),
            source: Cow::Borrowed(ev.source.as_str()),
            number: None,
            number_raw: None,
            number_kind: None,
            utc_ms: None,
            offset_s: None,
            direction: Cow::Borrowed(""),
            body: None,
            sent_ms: None,
            sent_offset_s: None,
            sim_slot: None,
            ring_ms: None,
            talk_ms: None,
            ref_event: None,
            recorded_ms,
            prev_hash: Vec::new(),
            hash: Vec::new(),
        };
        let set_number = |r: &mut EventRow, n: PhoneNumber| {
            r.number = Some(n.normalized);
            r.number_raw = Some(n.raw);
            r.number_kind = Some(Cow::Borrowed(n.kind.as_str()));
        };
        match ev.payload {
            EventPayload::Sms(s) => {
                set_number(&mut r, s.number);
                r.utc_ms = Some(s.received.utc_ms);
                r.offset_s = Some(s.received.offset_secs.into());
                r.direction = Cow::Borrowed(s.direction.as_str());
                r.body = Some(s.body);
                r.sent_ms = s.sent.map(|i| i.utc_ms);
                r.sent_offset_s = s.sent.map(|i| i.offset_secs.into());
                r.sim_slot = s.sim_slot.map(i64::from);
            }
            EventPayload::Call(c) => {
                set_number(&mut r, c.number);
                r.utc_ms = Some(c.start.utc_ms);
                r.offset_s = Some(c.start.offset_secs.into());
                r.direction = Cow::Borrowed(c.direction.as_str());
                r.sim_slot = c.sim_slot.map(i64::from);
                r.ring_ms = c.ring_ms.map(ms);
                r.talk_ms = Some(ms(c.talk_ms));
            }
            EventPayload::CallUpdate(u) => {
                r.direction = Cow::Borrowed(u.direction.as_str());
                r.ring_ms = u.ring_ms.map(ms);
                r.talk_ms = Some(ms(u.talk_ms));
                r.ref_event = Some(u.call);
            }
        }
        r
    }

    pub fn from_sql(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(EventRow {
            id: row.get(0)?,
            kind: Cow::Owned(row.get(1)?),
            source: Cow::Owned(row.get(2)?),
            number: row.get(3)?,
            number_raw: row.get(4)?,
            number_kind: row.get::<_, Option<String>>(5)?.map(Cow::Owned),
            utc_ms: row.get(6)?,
            offset_s: row.get(7)?,
            direction: Cow::Owned(row.get(8)?),
            body: row.get(9)?,
            sent_ms: row.get(10)?,
            sent_offset_s: row.get(11)?,
            sim_slot: row.get(12)?,
            ring_ms: row.get(13)?,
            talk_ms: row.get(14)?,
            ref_event: row.get(15)?,
            recorded_ms: row.get(16)?,
            prev_hash: row.get(17)?,
            hash: row.get(18)?,
        })
    }

    /// The canonical encoding: every column but the hashes and the de-duplication key, in a fixed
    /// order, including the row id so that moving a row breaks the chain.
    pub fn canon(&self) -> Canon {
        let mut c = Canon::new(EVENT_DOMAIN);
        self.canon_into(&mut c);
        c
    }

    /// [`EventRow::canon`] into a buffer used before (an import encodes a row at a time).
    pub fn canon_into(&self, c: &mut Canon) {
        c.reset(EVENT_DOMAIN)
            .i64(self.id)
            .str(&self.kind)
            .str(&self.source)
            .opt_str(self.number.as_deref())
            .opt_str(self.number_raw.as_deref())
            .opt_str(self.number_kind.as_deref())
            .opt_i64(self.utc_ms)
            .opt_i64(self.offset_s)
            .str(&self.direction)
            .opt_str(self.body.as_deref())
            .opt_i64(self.sent_ms)
            .opt_i64(self.sent_offset_s)
            .opt_i64(self.sim_slot)
            .opt_i64(self.ring_ms)
            .opt_i64(self.talk_ms)
            .opt_i64(self.ref_event)
            .i64(self.recorded_ms);
    }

    /// What makes two events "the same" for idempotent inserts: kind, number, instant and
    /// content. The source is left out on purpose, so an SMS recorded live and later imported
    /// from a backup is stored once.
    ///
    /// Layout (schema v4): the instant as [`time_prefix`], then the first 24 bytes of the
    /// SHA-256 of those fields. Leading with the time keeps the keys of events close in time on
    /// the same pages of the unique index, so an import (which runs roughly in time order)
    /// appends to the index instead of dirtying pages all over it on every batch.
    pub fn dedupe_key(&self) -> [u8; 32] {
        let mut c = Canon::new("dunwatch.dedupe.v1");
        c.str(&self.kind)
            .opt_str(self.number.as_deref())
            .opt_i64(self.utc_ms)
            .str(&self.direction)
            .opt_str(self.body.as_deref())
            .opt_i64(self.ref_event);
        if self.kind == "call_update" {
            c.opt_i64(self.ring_ms).opt_i64(self.talk_ms);
        }
        let digest = c.digest();
        let mut k = [0u8; 32];
        k[..8].copy_from_slice(&time_prefix(self.utc_ms));
        k[8..].copy_from_slice(&digest[..24]);
        k
    }

    /// Back to the domain type; fails on rows no version of dunwatch writes.
    pub fn to_event(&self) -> Result<StoredEvent> {
        let bad = |what: &str| Error::Parse(format!("event row {}: bad {what}", self.id));
        let source = EventSource::from_name(&self.source).ok_or_else(|| bad("source"))?;
        let instant = |ms: Option<i64>, off: Option<i64>| -> Result<Instant> {
            let (ms, off) = ms.zip(off).ok_or_else(|| bad("instant"))?;
            Instant::new(ms, i32::try_from(off).map_err(|_| bad("offset"))?)
        };
        let number = || -> Result<PhoneNumber> {
            Ok(PhoneNumber {
                raw: self.number_raw.clone().ok_or_else(|| bad("number"))?,
                normalized: self.number.clone().ok_or_else(|| bad("number"))?,
                kind: self
                    .number_kind
                    .as_deref()
                    .and_then(NumberKind::from_name)
                    .ok_or_else(|| bad("number kind"))?,
            })
        };
        let call_dir = || CallDirection::from_name(&self.direction).ok_or_else(|| bad("direction"));
        let dur = |v: Option<i64>| -> Result<Option<u64>> {
            v.map(|v| u64::try_from(v).map_err(|_| bad("duration")))
                .transpose()
        };
        let sim = self
            .sim_slot
            .map(|s| u8::try_from(s).map_err(|_| bad("SIM slot")))
            .transpose()?;
        let payload = match &*self.kind {
            "sms" => EventPayload::Sms(Sms {
                number: number()?,
                body: self.body.clone().unwrap_or_default(),
                sent: match self.sent_ms {
                    Some(_) => Some(instant(self.sent_ms, self.sent_offset_s)?),
                    None => None,
                },
                received: instant(self.utc_ms, self.offset_s)?,
                sim_slot: sim,
                direction: SmsDirection::from_name(&self.direction)
                    .ok_or_else(|| bad("direction"))?,
            }),
            "call" => EventPayload::Call(Call {
                number: number()?,
                direction: call_dir()?,
                start: instant(self.utc_ms, self.offset_s)?,
                ring_ms: dur(self.ring_ms)?,
                talk_ms: dur(self.talk_ms)?.unwrap_or_default(),
                sim_slot: sim,
            }),
            "call_update" => EventPayload::CallUpdate(CallUpdate {
                call: self.ref_event.ok_or_else(|| bad("call reference"))?,
                direction: call_dir()?,
                ring_ms: dur(self.ring_ms)?,
                talk_ms: dur(self.talk_ms)?.unwrap_or_default(),
            }),
            _ => return Err(bad("kind")),
        };
        Ok(StoredEvent {
            id: self.id,
            recorded_ms: self.recorded_ms,
            source,
            payload,
            hash: hex(&self.hash),
        })
    }
}
