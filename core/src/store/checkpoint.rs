//! WAL checkpoints beside the writer during a long import.
//!
//! SQLite checkpoints on commit once the WAL holds 1,000 pages, on the committing connection,
//! while it still holds the write lock: copying pages into the database file took about a tenth
//! of an import's store stage. For the length of an import a connection of its own copies the
//! committed pages after each commit (a PASSIVE checkpoint, which runs beside writers and never
//! blocks them), and the writer's own threshold is raised to [`IMPORT_PAGES`]. The writer still
//! checkpoints past that, finding most pages copied already; it has to: the WAL is only rewound
//! when a write begins right after a complete checkpoint, which the checkpointer, always a commit
//! behind, rarely leaves. Without it the WAL grew with the import (146 MB at 300k messages;
//! 76 MB with it, 28 MB with SQLite's default).
//!
//! The writer also commits without waiting for the disk (`synchronous = NORMAL`) while the
//! import runs: each of its 30-odd commits at 300k messages used to wait for an fsync while
//! holding the write lock. [`Checkpointer::finish`], after the import's last commit, syncs the
//! WAL once, so an import that returns is on disk as before. Until then a power cut (not a crash
//! of the program: the WAL is written at every commit) can take back the import's last batches,
//! whole and with the chain intact; importing the file again completes it. Outside an import
//! the writer keeps `FULL` (a write the program makes during one shares its setting and its
//! final sync).

use super::{configure, Store};
use crate::error::Result;
use rusqlite::{Connection, OpenFlags};

/// SQLite's default checkpoint threshold, in pages, put back when the import ends.
const AUTO_PAGES: i64 = 1000;

/// The writer's `synchronous` outside an import (set in `Store::open`) and during one.
const SYNC_DEFAULT: &str = "FULL";
const SYNC_IMPORT: &str = "NORMAL";

/// The writer's threshold during an import: 64 MiB of 16 KiB pages bounds the WAL.
pub(crate) const IMPORT_PAGES: i64 = 4000;

/// A connection that checkpoints the store's WAL, and the promise to hand checkpoints back to
/// the writer when dropped.
pub(crate) struct Checkpointer<'a> {
    store: &'a Store,
    conn: Connection,
    finished: bool,
}

impl Store {
    /// For a file store, raises the writer's checkpoint threshold and returns the connection
    /// that checkpoints beside it until it is dropped. In-memory stores have no WAL: `None`.
    pub(crate) fn checkpointer(&self) -> Result<Option<Checkpointer<'_>>> {
        let Some(path) = &self.path else {
            return Ok(None);
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&conn)?;
        let w = self.writer();
        w.pragma_update(None, "wal_autocheckpoint", IMPORT_PAGES)?;
        w.pragma_update(None, "synchronous", SYNC_IMPORT)?;
        Ok(Some(Checkpointer {
            store: self,
            conn,
            finished: false,
        }))
    }
}

impl Checkpointer<'_> {
    /// Copies what is committed into the database file, as far as readers allow.
    pub(crate) fn run(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }
}

impl Checkpointer<'_> {
    /// After the import's last commit: gives the writer back its settings and syncs the WAL,
    /// so everything the import committed is on disk.
    pub(crate) fn finish(mut self) -> Result<()> {
        self.finished = true;
        self.restore()?;
        self.sync_wal()
    }

    fn restore(&self) -> Result<()> {
        let w = self.store.writer();
        w.pragma_update(None, "wal_autocheckpoint", AUTO_PAGES)?;
        w.pragma_update(None, "synchronous", SYNC_DEFAULT)?;
        Ok(())
    }

    fn sync_wal(&self) -> Result<()> {
        let Some(path) = &self.store.path else {
            return Ok(());
        };
        let mut wal = path.clone().into_os_string();
        wal.push("-wal");
        match std::fs::File::open(&wal) {
            Ok(f) => Ok(f.sync_all()?),
            // Nothing committed since the last complete checkpoint removed it.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

impl Drop for Checkpointer<'_> {
    /// An import that failed: the same, with errors only logged (the import's is reported).
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        if let Err(e) = self.restore().and_then(|()| self.sync_wal()) {
            log::warn!("could not restore the writer's settings after an import: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventPayload, EventSource, NewEvent, Sms, SmsDirection};
    use crate::number::{PhoneNumber, Region};
    use crate::time::Instant;

    fn sms(i: i64) -> NewEvent {
        NewEvent {
            source: EventSource::Import,
            payload: EventPayload::Sms(Sms {
                number: PhoneNumber::parse(&format!("1380000{:04}", i % 50), Region::Cn).unwrap(),
                body: format!("message {i}"),
                sent: None,
                received: Instant::new(1_735_689_600_000 + i * 1000, 8 * 3600).unwrap(),
                sim_slot: None,
                direction: SmsDirection::Incoming,
            }),
        }
    }

    /// A new store file, `s.db` in a directory of its own.
    fn file_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("s.db")).unwrap();
        (dir, store)
    }

    fn auto(s: &Store) -> i64 {
        s.writer()
            .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
            .unwrap()
    }

    /// The writer's `synchronous`: 1 NORMAL, 2 FULL.
    fn sync(s: &Store) -> i64 {
        s.writer()
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap()
    }

    /// Frames in the WAL file (its size never shrinks, so this is its high-water mark).
    fn wal_frames(dir: &std::path::Path) -> u64 {
        let len = std::fs::metadata(dir.join("s.db-wal")).unwrap().len();
        len.saturating_sub(32) / (super::super::PAGE_SIZE as u64 + 24)
    }

    /// Many small commits: well past the threshold in WAL frames.
    fn fill(store: &Store, commits: std::ops::Range<i64>) {
        for i in commits {
            let batch: Vec<_> = (0..3).map(|k| sms(i * 3 + k)).collect();
            store.insert_batch(&batch).unwrap();
        }
    }

    #[test]
    fn the_writer_checkpoints_again_once_dropped() {
        // Control: with the writer checkpointing, the WAL is rewound and stays near the threshold.
        let (dir, store) = file_store();
        assert_eq!(auto(&store), AUTO_PAGES);
        fill(&store, 0..600);
        assert!(wal_frames(dir.path()) < 2 * AUTO_PAGES as u64);
        let cp = store
            .checkpointer()
            .unwrap()
            .expect("file stores have a WAL");
        assert_eq!((auto(&store), sync(&store)), (IMPORT_PAGES, 1));
        drop(cp);
        assert_eq!((auto(&store), sync(&store)), (AUTO_PAGES, 2));
        // The same when the import finishes (and syncs the WAL).
        let cp = store.checkpointer().unwrap().unwrap();
        fill(&store, 600..610);
        assert_eq!(sync(&store), 1);
        cp.finish().unwrap();
        assert_eq!((auto(&store), sync(&store)), (AUTO_PAGES, 2));
        assert!(Store::open_in_memory()
            .unwrap()
            .checkpointer()
            .unwrap()
            .is_none());
    }

    /// Past the raised threshold the writer checkpoints and the WAL is rewound: it does not grow
    /// with the import even when the checkpointer never catches up.
    #[test]
    fn the_wal_stays_bounded_with_a_checkpointer() {
        let (dir, store) = file_store();
        let _cp = store.checkpointer().unwrap().unwrap();
        fill(&store, 0..1000);
        let frames = wal_frames(dir.path());
        assert!(
            (IMPORT_PAGES as u64..IMPORT_PAGES as u64 + 20).contains(&frames),
            "{frames} frames"
        );
    }

    #[test]
    fn with_a_checkpointer_the_writer_leaves_copying_to_it() {
        let (dir, store) = file_store();
        let cp = store.checkpointer().unwrap().unwrap();
        fill(&store, 0..600);
        let grown = wal_frames(dir.path());
        assert!(
            (2 * AUTO_PAGES..IMPORT_PAGES).contains(&(grown as i64)),
            "below the raised threshold, the writer did not checkpoint: {grown} frames"
        );
        cp.run().unwrap();
        // Everything was copied, so the next commit rewinds the WAL instead of growing it.
        fill(&store, 600..900);
        assert_eq!(wal_frames(dir.path()), grown);
        drop(cp);
        assert_eq!(store.event_count().unwrap(), 2700);
        assert!(store.verify().unwrap().ok());
    }
}
