//! Only dunwatch stores are opened, and verifying or reporting can be done without writing.

mod common;
use common::*;
use dunwatch_core::store::guard::APPLICATION_ID;
use dunwatch_core::*;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

fn sidecars(p: &Path) -> Vec<PathBuf> {
    ["-wal", "-shm", "-journal"]
        .iter()
        .map(|s| {
            let mut o = p.as_os_str().to_owned();
            o.push(s);
            PathBuf::from(o)
        })
        .filter(|p| p.exists())
        .collect()
}

fn store_file(dir: &Path) -> PathBuf {
    let path = dir.join("e.sqlite");
    let store = Store::open(&path).unwrap();
    let evs: Vec<_> = (0..6)
        .map(|i| sms("13800138000", &format!("您已逾期 {i}"), T0 + i * 60_000))
        .collect();
    store.insert_batch(&evs).unwrap();
    drop(store); // the last connection checkpoints and removes the WAL
    assert!(sidecars(&path).is_empty(), "{:?}", sidecars(&path));
    path
}

#[test]
fn another_programs_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE contacts(name TEXT); INSERT INTO contacts VALUES('a');")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let e = Store::open(&path).err().expect("refused").to_string();
    assert!(e.contains("not a dunwatch evidence store"), "{e}");
    assert!(e.contains("contacts"), "{e}");
    let e = Store::open_read_only(&path)
        .err()
        .expect("refused")
        .to_string();
    assert!(e.contains("not a dunwatch evidence store"), "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "file changed");
    assert!(sidecars(&path).is_empty(), "{:?}", sidecars(&path));
    let c = Connection::open(&path).unwrap();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
}

#[test]
fn a_foreign_application_id_and_a_non_database_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA application_id = 1234; CREATE TABLE events(x);")
        .unwrap();
    let e = Store::open(&path).err().expect("refused").to_string();
    assert!(e.contains("application id"), "{e}");
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "just some notes, not a database at all").unwrap();
    let e = Store::open(&text).err().expect("refused").to_string();
    assert!(e.contains("not an SQLite database"), "{e}");
    assert_eq!(
        std::fs::read_to_string(&text).unwrap(),
        "just some notes, not a database at all"
    );
}

#[test]
fn stores_are_stamped_and_older_ones_still_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_file(dir.path());
    let id = |p: &Path| -> i32 {
        Connection::open(p)
            .unwrap()
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(id(&path), APPLICATION_ID);
    // A store made before the stamp: its own tables identify it, and opening stamps it.
    Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA application_id = 0")
        .unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.verify().unwrap().chains[0].rows, 6);
    drop(store);
    assert_eq!(id(&path), APPLICATION_ID);
}

#[test]
fn read_only_open_verifies_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_file(dir.path());
    let before = std::fs::read(&path).unwrap();
    let store = Store::open_read_only(&path).unwrap();
    let r = store.verify().unwrap();
    assert!(r.ok());
    assert_eq!(r.chains[0].rows, 6);
    // Work on the copy (as a report's flag refresh would) stays in memory.
    store
        .insert(&sms("13800138001", "memory only", T0 + 999_000))
        .unwrap();
    drop(store);
    assert_eq!(std::fs::read(&path).unwrap(), before, "file changed");
    assert!(sidecars(&path).is_empty(), "{:?}", sidecars(&path));
    let e = Store::open_read_only(dir.path().join("none.sqlite"))
        .err()
        .expect("missing")
        .to_string();
    assert!(e.contains("no store"), "{e}");
}

#[test]
fn read_only_open_sees_commits_still_in_the_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.sqlite");
    let live = Store::open(&path).unwrap();
    live.insert(&sms("13800138000", "您已逾期", T0)).unwrap();
    assert!(!sidecars(&path).is_empty(), "the live store keeps a WAL");
    let ro = Store::open_read_only(&path).unwrap();
    assert_eq!(ro.verify().unwrap().chains[0].rows, 1);
}
