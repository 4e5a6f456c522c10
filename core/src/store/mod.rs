//! The evidence store: one SQLite file in WAL mode holding an append-only, hash-chained ledger of
//! contact events, the user's cases and annotations, and the derived flags.
//!
//! Thread safety: one writer connection behind a mutex (SQLite allows one writer at a time
//! anyway) and a small pool of reader connections, so the UI can read while the SMS receiver
//! writes. `Store` is `Send + Sync`; share it in an `Arc`.

mod annotations;
pub(crate) mod bulk;
mod cases;
mod checkpoint;
pub mod codec;
mod flags;
pub mod guard;
mod membership;
mod query;
mod row;
pub mod schema;
mod seal;
mod verify;

pub(crate) use annotations::{append_annotation, read_annotations_of};
pub use annotations::{Annotation, AnnotationKind, Attachment, NewAnnotation, NewAttachment};
pub(crate) use cases::{ensure_case_in, tag_in};
pub use cases::{Case, CaseId, Merged, NumberInfo, TagSource};
pub(crate) use checkpoint::Checkpointer;
pub(crate) use flags::{delete_all_flags, delete_flags, insert_flags};
pub use flags::{FlagDetail, FlagQuery, FlagRecord, NewFlag};
pub use membership::MembershipDiff;
pub use query::EventQuery;
pub use seal::{Seal, SealChainCheck, SealCheck, SealStatus, SealedChain};
pub use verify::{BrokenRow, ChainSummary, VerifyReport};

use crate::error::{invalid, Error, Result};
use crate::model::{EventId, NewEvent, Settings, StoredEvent};
use crate::time::now_ms;
use codec::GENESIS;
use foldhash::{HashMap, HashMapExt};
pub(crate) use row::EventRow;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// Result of inserting one event: its id, and whether it was new (false for a duplicate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Inserted {
    pub id: EventId,
    pub new: bool,
}

/// Page size of new store files.
pub const PAGE_SIZE: i64 = 16_384;

/// Most reader connections kept open; more concurrent readers wait for one.
const MAX_READERS: usize = 4;

/// A connection lent by [`Store::reader`].
enum Reader<'a> {
    /// In-memory stores read on the writer connection.
    Writer(MutexGuard<'a, Connection>),
    /// Goes back to the store's pool when dropped (unless a panic is unwinding through it).
    Pooled(&'a Store, Option<Connection>),
}

impl std::ops::Deref for Reader<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match self {
            Reader::Writer(c) => c,
            Reader::Pooled(_, c) => c.as_ref().expect("present until dropped"),
        }
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Reader::Pooled(store, conn) = self {
            if std::thread::panicking() {
                return;
            }
            let mut pool = store.readers.lock().unwrap_or_else(|p| p.into_inner());
            if pool.len() < MAX_READERS {
                pool.extend(conn.take());
            }
        }
    }
}

pub struct Store {
    path: Option<PathBuf>,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// The rules engine's state for this store (its evaluation lock and classification memo).
    engine: crate::rules::EngineState,
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

impl Store {
    /// Opens the store at `path`, creating it (with default settings) if it does not exist, and
    /// migrating it to the newest schema.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        Self::open_at_version(path, schema::LATEST)
    }

    /// Opens and migrates only up to `version`; for migration tests and fixtures.
    #[doc(hidden)]
    pub fn open_at_version(path: impl AsRef<Path>, version: i64) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        // Before anything writes: another program's database is refused untouched.
        guard::check(&path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut conn = Connection::open(&path)?;
        configure(&conn)?;
        // A new file gets 16 KiB pages (SQLite's default is 4 KiB): an import writes a third
        // fewer bytes through the WAL and splits B-tree pages a quarter as often (docs/IMPORT.md
        // has the figures). Only a new, empty file takes it; existing stores keep theirs.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        // WAL lets readers run beside the writer; FULL makes each commit durable on power loss.
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            log::warn!("store {} is not in WAL mode ({mode})", path.display());
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        // Big imports touch pages all over the (number, time) index with every batch; a larger
        // page cache (allocated only as used) keeps them in memory. Phone stores are small.
        conn.pragma_update(None, "cache_size", -32768)?;
        schema::migrate_to(&mut conn, version)?;
        guard::stamp(&conn)?;
        // Queries work without it, only slower: a store that cannot be written still opens.
        if let Err(e) = bulk::repair(&conn) {
            log::warn!("store {}: {e}", path.display());
        }
        let store = Store {
            path: Some(path),
            writer: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
            engine: Default::default(),
        };
        store.init_settings()?;
        Ok(store)
    }

    /// A store in memory, for tests and dry runs. Reads share the writer connection.
    pub fn open_in_memory() -> Result<Store> {
        let mut conn = Connection::open_in_memory()?;
        configure(&conn)?;
        schema::migrate_to(&mut conn, schema::LATEST)?;
        let store = Store {
            path: None,
            writer: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
            engine: Default::default(),
        };
        store.init_settings()?;
        Ok(store)
    }

    /// The rules engine's state for this store.
    pub(crate) fn engine(&self) -> &crate::rules::EngineState {
        &self.engine
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Caps the file size in pages, so tests can make SQLite report a full disk.
    #[doc(hidden)]
    pub fn limit_pages_for_test(&self, pages: u32) -> Result<()> {
        let _: i64 =
            self.writer()
                .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
                    r.get(0)
                })?;
        Ok(())
    }

    /// Schema version of the open file.
    pub fn schema_version(&self) -> Result<i64> {
        schema::version(&self.writer())
    }

    /// The writer connection. A poisoned lock only means another thread panicked while holding
    /// it; SQLite rolled back its transaction, so the connection is still consistent.
    fn writer(&self) -> MutexGuard<'_, Connection> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` with the writer connection inside an IMMEDIATE transaction.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut conn = self.writer();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` on a reader connection (the writer for in-memory stores).
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = self.reader()?;
        f(&conn)
    }

    /// A reader connection from the pool, or a new one; back to the pool when dropped. Not
    /// generic, so that the 40-odd callers of [`Store::read`] share this code.
    fn reader(&self) -> Result<Reader<'_>> {
        let Some(path) = &self.path else {
            return Ok(Reader::Writer(self.writer()));
        };
        let pooled = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match pooled {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                configure(&c)?;
                c
            }
        };
        Ok(Reader::Pooled(self, Some(conn)))
    }

    fn init_settings(&self) -> Result<()> {
        self.write(|tx| {
            let json = serde_json::to_string(&Settings::default())?;
            tx.execute(
                "INSERT OR IGNORE INTO settings(key, value) VALUES('settings', ?1)",
                [json],
            )?;
            Ok(())
        })
    }

    /// The store's settings (jurisdiction, role, home time zone).
    pub fn settings(&self) -> Result<Settings> {
        self.read(|c| {
            let json: String = c.query_row(
                "SELECT value FROM settings WHERE key = 'settings'",
                [],
                |r| r.get(0),
            )?;
            Ok(serde_json::from_str(&json)?)
        })
    }

    /// Replaces the settings after validating them. Evidence is untouched; callers re-run the
    /// rules engine to rebuild flags.
    pub fn set_settings(&self, s: &Settings) -> Result<()> {
        s.validate()?;
        let json = serde_json::to_string(s)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO settings(key, value) VALUES('settings', ?1) \
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [json],
            )?;
            Ok(())
        })
    }

    /// Inserts one event durably. Inserting an event already stored returns its id with
    /// `new == false` and changes nothing.
    pub fn insert(&self, ev: &NewEvent) -> Result<Inserted> {
        Ok(self.insert_batch(std::slice::from_ref(ev))?[0])
    }

    /// Inserts events in one transaction: all are stored, or (on any error) none.
    pub fn insert_batch(&self, evs: &[NewEvent]) -> Result<Vec<Inserted>> {
        self.insert_prepared(&mut prepare_batch(evs)?)
    }

    /// [`Store::insert_batch`] of events prepared beforehand (an import prepares them on its
    /// parsing thread, so the writer only chains and stores them).
    pub(crate) fn insert_prepared(&self, evs: &mut [Prepared]) -> Result<Vec<Inserted>> {
        self.write(|tx| insert_in(tx, evs))
    }

    /// Head of the event chain: number of rows and the newest hash (hex), as quoted in reports.
    pub fn head(&self) -> Result<(i64, String)> {
        self.read(|c| {
            let h: Option<(i64, Vec<u8>)> = c
                .query_row(
                    "SELECT last_id, hash FROM chain_heads WHERE name = 'events'",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let (id, hash) = h.unwrap_or((0, GENESIS.to_vec()));
            Ok((id, codec::hex(&hash)))
        })
    }
}

/// Reads the head of chain `name` inside a transaction.
pub(crate) fn chain_head(tx: &Connection, name: &str) -> Result<(i64, Vec<u8>)> {
    Ok(tx
        .query_row(
            "SELECT last_id, hash FROM chain_heads WHERE name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, GENESIS.to_vec())))
}

pub(crate) fn set_chain_head(tx: &Connection, name: &str, id: i64, hash: &[u8]) -> Result<()> {
    tx.execute(
        "INSERT INTO chain_heads(name, last_id, hash) VALUES(?1, ?2, ?3) \
         ON CONFLICT(name) DO UPDATE SET last_id = excluded.last_id, hash = excluded.hash",
        params![name, id, hash],
    )?;
    Ok(())
}

/// An event checked and laid out in columns with its de-duplication key: everything of an insert
/// that does not depend on the chain.
pub(crate) struct Prepared {
    /// Row id, recorded time and hashes are filled in when stored.
    row: EventRow,
    key: [u8; 32],
}

impl Prepared {
    /// The columns as the store writes them.
    pub(crate) fn into_row(self) -> EventRow {
        self.row
    }

    pub fn new(ev: NewEvent) -> Result<Prepared> {
        ev.payload.validate()?;
        let row = EventRow::from_new(0, 0, ev);
        let key = row.dedupe_key();
        Ok(Prepared { row, key })
    }
}

/// Prepares a batch; an invalid event fails it, naming its position.
pub(crate) fn prepare_batch(evs: &[NewEvent]) -> Result<Vec<Prepared>> {
    prepare_all(evs.len(), evs.iter().cloned())
}

/// [`prepare_batch`] taking the events out of `evs` (an import's batch), so that their strings
/// move into the rows instead of being copied; `evs` keeps its capacity.
pub(crate) fn prepare_taken(evs: &mut Vec<NewEvent>) -> Result<Vec<Prepared>> {
    prepare_all(evs.len(), evs.drain(..))
}

fn prepare_all(n: usize, evs: impl Iterator<Item = NewEvent>) -> Result<Vec<Prepared>> {
    // Sized up front: a batch of 20k rows would otherwise be copied as the vector grows.
    let mut out = Vec::with_capacity(n);
    for (i, ev) in evs.enumerate() {
        out.push(Prepared::new(ev).map_err(|e| match e {
            Error::InvalidInput(m) if n > 1 => {
                Error::InvalidInput(format!("event {i} of batch: {m}"))
            }
            e => e,
        })?);
    }
    Ok(out)
}

/// Most stored events a batch's de-duplication reads up front (see [`Known`]).
const MAX_KNOWN: i64 = 100_000;

/// The events already stored that a batch could duplicate. De-duplication keys lead with the
/// instant, so the stored events in the batch's time span are one range of the unique index:
/// when that range is small (always for a first import of a phone's history) it is read once,
/// instead of looking each new event up in the index. A batch spanning a busy store's history
/// looks its events up one by one, so memory stays bounded.
enum Known {
    Read(HashMap<[u8; 32], EventId>),
    LookUp,
}

impl Known {
    fn of(tx: &Connection, evs: &[Prepared]) -> Result<Known> {
        // A few events (the phone records one at a time) are cheaper to look up.
        if evs.len() < 16 {
            return Ok(Known::LookUp);
        }
        let (Some(lo), Some(hi)) = (
            evs.iter().map(|p| p.key).min(),
            evs.iter().map(|p| p.key).max(),
        ) else {
            return Ok(Known::Read(HashMap::new()));
        };
        let n: i64 = tx
            .prepare_cached("SELECT count(*) FROM events WHERE dedupe BETWEEN ?1 AND ?2")?
            .query_row([&lo[..], &hi[..]], |r| r.get(0))?;
        if n > MAX_KNOWN {
            return Ok(Known::LookUp);
        }
        let mut st =
            tx.prepare_cached("SELECT dedupe, id FROM events WHERE dedupe BETWEEN ?1 AND ?2")?;
        let mut rows = st.query([&lo[..], &hi[..]])?;
        // Room for the batch's own new events too.
        let mut known = HashMap::with_capacity(n.max(0) as usize + evs.len());
        while let Some(r) = rows.next()? {
            let key: Vec<u8> = r.get(0)?;
            if let Ok(key) = <[u8; 32]>::try_from(key.as_slice()) {
                known.insert(key, r.get(1)?);
            }
        }
        Ok(Known::Read(known))
    }
}

fn insert_in(tx: &rusqlite::Transaction<'_>, evs: &mut [Prepared]) -> Result<Vec<Inserted>> {
    let (mut last_id, mut last_hash) = chain_head(tx, "events")?;
    let recorded = now_ms();
    let mut out = Vec::with_capacity(evs.len());
    let mut known = Known::of(tx, evs)?;
    let mut find = tx.prepare_cached("SELECT id FROM events WHERE dedupe = ?1")?;
    let mut kind_of = tx.prepare_cached("SELECT kind FROM events WHERE id = ?1")?;
    let mut ins = tx.prepare_cached(
        "INSERT INTO events(id, kind, source, number, number_raw, number_kind, utc_ms, offset_s, \
         direction, body, sent_ms, sent_offset_s, sim_slot, ring_ms, talk_ms, ref_event, \
         recorded_ms, dedupe, prev_hash, hash) \
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, \
         ?19, ?20)",
    )?;
    let mut canon = codec::Canon::new(row::EVENT_DOMAIN);
    // The row whose values the INSERT holds (see `bind_event`); none yet in this transaction.
    let mut bound: Option<usize> = None;
    for i in 0..evs.len() {
        let p = &evs[i];
        if p.row.kind == "call_update" {
            let call = p.row.ref_event.unwrap_or_default();
            let kind: Option<String> = kind_of.query_row([call], |r| r.get(0)).optional()?;
            if kind.as_deref() != Some("call") {
                return invalid(format!("call update refers to {call}, which is not a call"));
            }
        }
        let key = p.key;
        let stored = match &known {
            Known::Read(m) => m.get(&key).copied(),
            Known::LookUp => find.query_row([&key[..]], |r| r.get(0)).optional()?,
        };
        if let Some(id) = stored {
            out.push(Inserted { id, new: false });
            continue;
        }
        let (before, rest) = evs.split_at_mut(i);
        let row = &mut rest[0].row;
        row.id = last_id + 1;
        row.recorded_ms = recorded;
        row.canon_into(&mut canon);
        let hash = canon.chain_hash(&last_hash);
        bind_event(&mut ins, row, bound.map(|b| &before[b].row))?;
        ins.raw_bind_parameter(18, &key[..])?;
        ins.raw_bind_parameter(19, &last_hash[..])?;
        ins.raw_bind_parameter(20, &hash[..])?;
        ins.raw_execute()?;
        bound = Some(i);
        last_hash = hash.to_vec();
        last_id = row.id;
        // The same event twice in one batch is stored once.
        if let Known::Read(m) = &mut known {
            m.insert(key, row.id);
        }
        out.push(Inserted {
            id: row.id,
            new: true,
        });
    }
    set_chain_head(tx, "events", last_id, &last_hash)?;
    Ok(out)
}

/// Binds `row`'s columns 1 to 17 to the events INSERT, those that repeat through an import
/// (kind, source, direction, recorded time, ...) only when they changed from `prev`, the row
/// bound last: binding every column was an eighth of the store stage. Bodies, numbers and
/// instants are always bound.
fn bind_event(
    st: &mut rusqlite::Statement<'_>,
    row: &EventRow,
    prev: Option<&EventRow>,
) -> Result<()> {
    st.raw_bind_parameter(1, row.id)?;
    st.raw_bind_parameter(4, &row.number)?;
    st.raw_bind_parameter(5, &row.number_raw)?;
    st.raw_bind_parameter(7, row.utc_ms)?;
    st.raw_bind_parameter(10, &row.body)?;
    bind_changed(st, 2, &row.kind, prev.map(|p| &p.kind))?;
    bind_changed(st, 3, &row.source, prev.map(|p| &p.source))?;
    bind_changed(st, 6, &row.number_kind, prev.map(|p| &p.number_kind))?;
    bind_changed(st, 8, row.offset_s, prev.map(|p| p.offset_s))?;
    bind_changed(st, 9, &row.direction, prev.map(|p| &p.direction))?;
    bind_changed(st, 11, row.sent_ms, prev.map(|p| p.sent_ms))?;
    bind_changed(st, 12, row.sent_offset_s, prev.map(|p| p.sent_offset_s))?;
    bind_changed(st, 13, row.sim_slot, prev.map(|p| p.sim_slot))?;
    bind_changed(st, 14, row.ring_ms, prev.map(|p| p.ring_ms))?;
    bind_changed(st, 15, row.talk_ms, prev.map(|p| p.talk_ms))?;
    bind_changed(st, 16, row.ref_event, prev.map(|p| p.ref_event))?;
    bind_changed(st, 17, row.recorded_ms, prev.map(|p| p.recorded_ms))?;
    Ok(())
}

/// Binds parameter `i` unless `before`, its value for the row bound last, equals `now`. A
/// statement keeps its bindings from one execution to the next (`raw_execute` after
/// `raw_bind_parameter`), so the first row of a statement's use must bind every parameter
/// (`before` is `None`).
pub(crate) fn bind_changed<T: rusqlite::ToSql + PartialEq>(
    st: &mut rusqlite::Statement<'_>,
    i: usize,
    now: T,
    before: Option<T>,
) -> Result<()> {
    if before.as_ref() != Some(&now) {
        st.raw_bind_parameter(i, now)?;
    }
    Ok(())
}

/// Reads one event by id.
pub(crate) fn load_event(c: &Connection, id: EventId) -> Result<Option<StoredEvent>> {
    let sql = format!("SELECT {} FROM events WHERE id = ?1", row::COLUMNS);
    c.prepare_cached(&sql)?
        .query_row([id], EventRow::from_sql)
        .optional()?
        .map(|r| r.to_event())
        .transpose()
}
