//! Seals: what a hash chain without a key cannot show (the newest rows removed and the chain
//! head rewritten, or the whole chain re-made) a seal given out earlier does.

mod common;
use common::*;
use dunwatch_core::store::{Seal, SealStatus};
use dunwatch_core::*;
use rusqlite::Connection;

fn store_with(path: &std::path::Path, n: i64, body: &str) -> Store {
    let store = Store::open(path).unwrap();
    let evs: Vec<_> = (0..n)
        .map(|i| sms("13800138000", &format!("{body} {i}"), T0 + i * 60_000))
        .collect();
    store.insert_batch(&evs).unwrap();
    store
}

fn status(check: &dunwatch_core::store::SealCheck, chain: &str) -> SealStatus {
    check
        .chains
        .iter()
        .find(|c| c.chain == chain)
        .unwrap()
        .status
}

#[test]
fn a_seal_still_holds_after_more_evidence_is_added() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.sqlite");
    let store = store_with(&path, 10, "您已逾期");
    let seal = store.seal(T0 + 3_600_000).unwrap();
    assert_eq!(seal.chains[0].rows, 10);
    let more: Vec<_> = (0..5)
        .map(|i| sms("13800138001", &format!("再不还钱 {i}"), T0 + 7_200_000 + i))
        .collect();
    store.insert_batch(&more).unwrap();
    // Through its text, as it would come back from a lawyer.
    let back = Seal::parse(&seal.text()).unwrap();
    let check = store.check_seal(&back).unwrap();
    assert!(check.ok(), "{check:?}");
    assert_eq!(check.chains[0].rows_now, 15);
}

#[test]
fn deleting_the_newest_rows_and_rewriting_the_head_fails_the_seal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.sqlite");
    let store = store_with(&path, 10, "您已逾期");
    let seal = store.seal(T0 + 3_600_000).unwrap();
    drop(store);
    // The attack plain SQL allows: delete the last rows and copy the new last hash into the head.
    let c = Connection::open(&path).unwrap();
    c.execute("DELETE FROM events WHERE id > 7", []).unwrap();
    c.execute(
        "UPDATE chain_heads SET last_id = 7, hash = (SELECT hash FROM events WHERE id = 7) \
         WHERE name = 'events'",
        [],
    )
    .unwrap();
    drop(c);
    let store = Store::open(&path).unwrap();
    // The chain alone cannot tell (this is why seals exist) ...
    assert!(store.verify().unwrap().ok());
    // ... the seal can.
    let check = store.check_seal(&seal).unwrap();
    assert!(!check.ok());
    assert_eq!(status(&check, "events"), SealStatus::Shortened);
    assert_eq!(status(&check, "annotations"), SealStatus::Intact);
}

#[test]
fn a_re_made_chain_fails_the_seal() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = store_with(&dir.path().join("a.sqlite"), 10, "您已逾期");
    let seal = sealed.seal(T0 + 3_600_000).unwrap();
    // Same length, other content, every hash consistent: what re-making the chain gives.
    let remade = store_with(&dir.path().join("b.sqlite"), 10, "您好");
    assert!(remade.verify().unwrap().ok());
    let check = remade.check_seal(&seal).unwrap();
    assert_eq!(status(&check, "events"), SealStatus::Changed);
}

#[test]
fn an_edited_sealed_row_fails_the_seal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.sqlite");
    let store = store_with(&path, 10, "您已逾期");
    let seal = store.seal(T0 + 3_600_000).unwrap();
    drop(store);
    Connection::open(&path)
        .unwrap()
        .execute("UPDATE events SET body = '已结清' WHERE id = 4", [])
        .unwrap();
    let check = Store::open(&path).unwrap().check_seal(&seal).unwrap();
    assert_eq!(status(&check, "events"), SealStatus::Changed);
}

#[test]
fn a_broken_store_is_not_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.sqlite");
    drop(store_with(&path, 10, "您已逾期"));
    Connection::open(&path)
        .unwrap()
        .execute("UPDATE events SET body = 'x' WHERE id = 2", [])
        .unwrap();
    let e = Store::open(&path)
        .unwrap()
        .seal(T0)
        .unwrap_err()
        .to_string();
    assert!(e.contains("broken"), "{e}");
}
