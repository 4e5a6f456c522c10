//! The events' (number, time) index, left out while a large import runs and built once after.
//!
//! An import batch holds events of most of a phone's numbers, and their entries are spread over
//! every leaf page of that index, so each batch's commit wrote the whole index through the WAL
//! again (and the checkpoints copied it into the file): a third of an import's writes at 300,000
//! messages, and growing with the square of the import's size, as batches and index both grow.
//! Built at the end, it is one sort (about 0.1 s per 300,000 events). Building costs in
//! proportion to the whole store, so only an import that is large beside the store does this
//! (see [`worth_deferring`]).
//!
//! While the index is out, the rules engine reads history windows by time and takes each
//! number's first contact from the import's own record ([`FirstContacts`]) instead of the
//! index. Another program reading the store meanwhile gets the same answers, more slowly. If
//! the import is killed, the next [`Store::open`] builds the index. Events another program
//! writes into the store during the import are not in that record: a number the import joins
//! to a case would not have such an event's flags re-evaluated until the next rebuild (the CLI
//! runs one import at a time; the app does not import).

use super::Store;
use crate::error::Result;
use foldhash::HashMap;
use rusqlite::Connection;

const NAME: &str = "events_by_number";
const CREATE: &str = "CREATE INDEX IF NOT EXISTS events_by_number ON events(number, utc_ms)";

/// Bytes per event assumed when sizing an import from its file: SMS Backup & Restore writes
/// 250-400 bytes per message and CSV rows are shorter, so this undercounts, erring towards
/// keeping the index.
const BYTES_PER_EVENT: u64 = 400;

/// Whether an import of `import_bytes` (if known) into a store of `stored` events should leave
/// the number index out: when the store is empty, or the import holds at least as many events
/// again as the store (building the index then costs at most twice what the import's own rows
/// do, while keeping it costs a rewrite of the index per batch).
pub(crate) fn worth_deferring(stored: i64, import_bytes: Option<u64>) -> bool {
    let estimate = import_bytes.map_or(0, |b| b / BYTES_PER_EVENT);
    stored <= 0 || i64::try_from(estimate).unwrap_or(i64::MAX) >= stored
}

/// Whether the number index exists.
pub(crate) fn present(c: &Connection) -> Result<bool> {
    Ok(c.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = ?1",
        [NAME],
        |r| r.get::<_, i64>(0),
    )? > 0)
}

/// Builds the index if an import that left it out was stopped before building it again.
pub(crate) fn repair(c: &Connection) -> Result<()> {
    let events: i64 = c.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'events'",
        [],
        |r| r.get(0),
    )?;
    if events > 0 && !present(c)? {
        log::warn!("building the events' number index, left out by an import that was stopped");
        c.execute_batch(CREATE)?;
    }
    Ok(())
}

/// Each number's earliest instant among the stored events (any kind): what
/// `rules::repo::first_contact_ms` reads through the index, kept by an import while the index is
/// out. The rules stage adds each batch's [`FirstContacts::note`]s before evaluating it, so the
/// record holds exactly the events up to that batch.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct FirstContacts(HashMap<String, i64>);

impl FirstContacts {
    /// The stored events' first contacts (read while the index is still there).
    pub(crate) fn read(c: &Connection) -> Result<FirstContacts> {
        let mut st = c.prepare(
            "SELECT number, min(utc_ms) FROM events \
             WHERE number IS NOT NULL AND utc_ms IS NOT NULL GROUP BY number",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(FirstContacts(rows.collect::<rusqlite::Result<_>>()?))
    }

    /// Records a contact of `number` at `utc_ms`.
    pub(crate) fn note(&mut self, number: &str, utc_ms: i64) {
        match self.0.get_mut(number) {
            Some(t) => *t = (*t).min(utc_ms),
            None => {
                self.0.insert(number.to_string(), utc_ms);
            }
        }
    }

    /// Adds another record's contacts.
    pub(crate) fn merge(&mut self, other: FirstContacts) {
        for (n, t) in other.0 {
            self.0
                .entry(n)
                .and_modify(|x| *x = (*x).min(t))
                .or_insert(t);
        }
    }

    pub(crate) fn get(&self, number: &str) -> Option<i64> {
        self.0.get(number).copied()
    }
}

impl super::Prepared {
    /// The event's number and instant, for [`FirstContacts::note`].
    pub(crate) fn number_at(&self) -> Option<(&str, i64)> {
        Some((self.row.number.as_deref()?, self.row.utc_ms?))
    }
}

/// The index left out: [`Deferred::restore`] (or dropping this, on an error path) builds it.
pub(crate) struct Deferred<'a> {
    store: &'a Store,
    restored: bool,
}

impl Store {
    /// Drops the number index until the returned guard restores it.
    pub(crate) fn defer_number_index(&self) -> Result<Deferred<'_>> {
        self.write(|tx| Ok(tx.execute_batch(&format!("DROP INDEX IF EXISTS {NAME}"))?))?;
        Ok(Deferred {
            store: self,
            restored: false,
        })
    }
}

impl Deferred<'_> {
    /// Builds the index again.
    pub(crate) fn restore(mut self) -> Result<()> {
        self.restored = true;
        self.store.write(|tx| Ok(tx.execute_batch(CREATE)?))
    }
}

impl Drop for Deferred<'_> {
    fn drop(&mut self) {
        if !self.restored {
            // The import failed; its error is what the caller reports. If this fails too (a full
            // disk), the next open builds the index.
            if let Err(e) = self.store.write(|tx| Ok(tx.execute_batch(CREATE)?)) {
                log::warn!("could not build the events' number index again: {e}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worth_deferring_when_the_import_is_large_beside_the_store() {
        assert!(worth_deferring(0, None));
        assert!(worth_deferring(0, Some(10)));
        assert!(!worth_deferring(1, None));
        assert!(worth_deferring(1_000, Some(400_000)));
        assert!(!worth_deferring(1_001, Some(400_000)));
        assert!(worth_deferring(300_000, Some(u64::MAX)));
    }

    #[test]
    fn deferred_index_is_built_again_by_restore_drop_or_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite");
        let store = Store::open(&path).unwrap();
        let has = |s: &Store| s.read(present).unwrap();
        assert!(has(&store));
        let d = store.defer_number_index().unwrap();
        assert!(!has(&store));
        d.restore().unwrap();
        assert!(has(&store));
        // An error path drops the guard.
        drop(store.defer_number_index().unwrap());
        assert!(has(&store));
        // A killed import leaves it out; the next open builds it.
        std::mem::forget(store.defer_number_index().unwrap());
        assert!(!has(&store));
        drop(store);
        let store = Store::open(&path).unwrap();
        assert!(has(&store));
    }

    /// The index built again is the one the schema makes.
    #[test]
    fn the_index_built_again_is_the_schemas() {
        let store = Store::open_in_memory().unwrap();
        let sql = |s: &Store| -> String {
            s.read(|c| {
                Ok(c.query_row(
                    "SELECT sql FROM sqlite_schema WHERE name = ?1",
                    [NAME],
                    |r| r.get(0),
                )?)
            })
            .unwrap()
        };
        let made = sql(&store);
        assert_eq!(made, CREATE.replace(" IF NOT EXISTS", ""));
        store.defer_number_index().unwrap().restore().unwrap();
        assert_eq!(sql(&store), made);
    }

    #[test]
    fn first_contacts_keep_the_earliest_instant() {
        let mut a = FirstContacts::default();
        a.note("+1", 50);
        a.note("+1", 20);
        a.note("+1", 30);
        let mut b = FirstContacts::default();
        b.note("+1", 40);
        b.note("+2", 70);
        a.merge(b);
        assert_eq!(
            (a.get("+1"), a.get("+2"), a.get("+3")),
            (Some(20), Some(70), None)
        );
    }
}
