//! Which files dunwatch may open as a store, and opening one without writing to it.
//!
//! A store is stamped with SQLite's `application_id` when it is created. Before anything that
//! writes (page size, WAL mode, migrations), a file that exists is checked: another program's
//! database is refused untouched, so pointing `verify` at the wrong file cannot add dunwatch's
//! tables to it or switch it to WAL.

use super::{configure, schema, Store};
use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::Mutex;

/// `PRAGMA application_id` of a dunwatch store: "dwch" in ASCII.
pub const APPLICATION_ID: i32 = 0x6477_6368;

/// Tables that only a dunwatch store has; an unstamped file holding them was made by a dunwatch
/// from before the stamp, and is stamped when opened for writing.
const OWN_TABLES: [&str; 3] = ["events", "chain_heads", "annotations"];

/// What an existing file is.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Missing, empty, or an SQLite file with no tables: a new store may be made there.
    New,
    /// A dunwatch store (stamped, or from before the stamp).
    Store,
}

/// A refusal is a storage error (the file at that path cannot serve as the store), as SQLite's own
/// "file is not a database" was before this check.
fn refuse(path: &Path, why: String) -> Error {
    Error::Io(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!(
            "{} is not a dunwatch evidence store ({why}); it was left untouched",
            path.display()
        ),
    ))
}

/// Opens `path` for reading only, creating no file: `immutable` when there is no WAL file (the
/// main file then holds everything, and SQLite needs neither locks nor a -shm file, so a
/// write-protected copy opens too), read-only mode otherwise (a WAL file holds recent commits).
pub(crate) fn open_read_only(path: &Path) -> Result<Connection> {
    let wal = {
        let mut p = path.as_os_str().to_owned();
        p.push("-wal");
        std::path::PathBuf::from(p)
    };
    let mode = if wal.exists() {
        "mode=ro"
    } else {
        "immutable=1"
    };
    let uri = format!("file:{}?{mode}", uri_path(path));
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    Ok(Connection::open_with_flags(uri, flags)?)
}

/// Percent-encodes the characters that mean something in an SQLite URI.
fn uri_path(path: &Path) -> String {
    let s = path.to_string_lossy();
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' | '?' | '#' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Decides, without writing, whether `path` may be opened as a store.
pub(crate) fn check(path: &Path) -> Result<Kind> {
    let len = match std::fs::metadata(path) {
        // A storage problem (the path is taken by a folder), not another program's data.
        Ok(m) if m.is_dir() => {
            return Err(Error::Io(std::io::Error::other(format!(
                "{} is a directory, not a store file",
                path.display()
            ))))
        }
        Ok(m) => m.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Kind::New),
        Err(e) => return Err(e.into()),
    };
    if len == 0 {
        return Ok(Kind::New);
    }
    let mut header = [0u8; 16];
    {
        use std::io::Read;
        let mut f = std::fs::File::open(path)?;
        if f.read_exact(&mut header).is_err() || &header != b"SQLite format 3\0" {
            return Err(refuse(path, "it is not an SQLite database".into()));
        }
    }
    let conn = open_read_only(path)?;
    let id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if id == APPLICATION_ID {
        return Ok(Kind::Store);
    }
    if id != 0 {
        return Err(refuse(
            path,
            format!(
                "its application id is {id:#010x}, a dunwatch store's is {APPLICATION_ID:#010x}"
            ),
        ));
    }
    let mut st = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?;
    let tables: Vec<String> = st
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if tables.is_empty() {
        return Ok(Kind::New);
    }
    if OWN_TABLES.iter().all(|t| tables.iter().any(|n| n == t)) {
        return Ok(Kind::Store);
    }
    let mut shown: Vec<&str> = tables.iter().map(String::as_str).take(5).collect();
    if tables.len() > 5 {
        shown.push("…");
    }
    Err(refuse(
        path,
        format!(
            "it is another program's database, with tables {}",
            shown.join(", ")
        ),
    ))
}

/// Stamps an open store (new, or from before the stamp) with the application id.
pub(crate) fn stamp(conn: &Connection) -> Result<()> {
    let id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if id != APPLICATION_ID {
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    Ok(())
}

impl Store {
    /// A copy of this store in memory (the SQLite backup API over the writer connection), to
    /// re-derive flags or try a change without touching the file.
    pub fn copy_in_memory(&self) -> Result<Store> {
        let mut mem = Connection::open_in_memory()?;
        {
            let src = self.writer();
            let backup = rusqlite::backup::Backup::new(&src, &mut mem)?;
            backup.run_to_completion(4096, std::time::Duration::ZERO, None)?;
        }
        configure(&mem)?;
        Ok(Store {
            path: None,
            writer: Mutex::new(mem),
            readers: Mutex::new(Vec::new()),
        })
    }

    /// Opens the store at `path` without writing to it, for verifying and reporting an archived
    /// or write-protected copy: the file is copied into memory (SQLite's backup API, reading
    /// without locks when there is no WAL file) and everything else happens on the copy, so
    /// flags can be brought up to date and older schemas migrated, and no -wal or -shm file is
    /// left behind. Memory use is the size of the file.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        if check(path)? == Kind::New {
            return Err(Error::NotFound(format!("no store at {}", path.display())));
        }
        let src = open_read_only(path)?;
        let mut mem = Connection::open_in_memory()?;
        {
            let backup = rusqlite::backup::Backup::new(&src, &mut mem)?;
            backup.run_to_completion(4096, std::time::Duration::ZERO, None)?;
        }
        drop(src);
        configure(&mem)?;
        schema::migrate_to(&mut mem, schema::LATEST)?;
        let store = Store {
            path: None,
            writer: Mutex::new(mem),
            readers: Mutex::new(Vec::new()),
        };
        store.init_settings()?;
        Ok(store)
    }
}
