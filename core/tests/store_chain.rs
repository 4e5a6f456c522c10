//! The evidence chain: tampering of any kind is detected and named.

mod common;
use common::*;
use dunwatch_core::store::{AnnotationKind, NewAnnotation, NewAttachment};
use dunwatch_core::*;
use rusqlite::Connection;

/// A store on disk with 10 events, and a raw connection for the "attacker".
fn fixture() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.sqlite");
    let store = Store::open(&path).unwrap();
    let evs: Vec<_> = (0..10)
        .map(|i| sms("13800138000", &format!("第{i}条 您已逾期"), T0 + i * 60_000))
        .collect();
    store.insert_batch(&evs).unwrap();
    assert!(store.verify().unwrap().ok());
    (dir, path)
}

fn broken_row(path: &std::path::Path) -> Option<(String, i64)> {
    let r = Store::open(path).unwrap().verify().unwrap();
    r.broken.map(|b| (b.chain, b.row))
}

#[test]
fn intact_store_verifies_and_reports_head() {
    let (_d, path) = fixture();
    let store = Store::open(&path).unwrap();
    let r = store.verify().unwrap();
    assert!(r.ok());
    assert_eq!(r.chains[0].rows, 10);
    let (n, head) = store.head().unwrap();
    assert_eq!(n, 10);
    assert_eq!(head, r.chains[0].head);
    assert_eq!(head.len(), 64);
}

#[test]
fn changed_body_is_detected() {
    let (_d, path) = fixture();
    Connection::open(&path)
        .unwrap()
        .execute("UPDATE events SET body = '已结清' WHERE id = 4", [])
        .unwrap();
    assert_eq!(broken_row(&path), Some(("events".into(), 4)));
}

#[test]
fn changed_instant_is_detected() {
    let (_d, path) = fixture();
    Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE events SET utc_ms = utc_ms - 3600000 WHERE id = 7",
            [],
        )
        .unwrap();
    assert_eq!(broken_row(&path), Some(("events".into(), 7)));
}

#[test]
fn changed_offset_is_detected() {
    let (_d, path) = fixture();
    Connection::open(&path)
        .unwrap()
        .execute("UPDATE events SET offset_s = 0 WHERE id = 2", [])
        .unwrap();
    assert_eq!(broken_row(&path), Some(("events".into(), 2)));
}

#[test]
fn deleted_row_is_detected() {
    let (_d, path) = fixture();
    Connection::open(&path)
        .unwrap()
        .execute("DELETE FROM events WHERE id = 5", [])
        .unwrap();
    let r = Store::open(&path).unwrap().verify().unwrap();
    let b = r.broken.unwrap();
    assert_eq!((b.chain.as_str(), b.row), ("events", 5));
    assert!(b.reason.contains("missing"), "{}", b.reason);
}

#[test]
fn deleted_last_row_is_detected() {
    let (_d, path) = fixture();
    Connection::open(&path)
        .unwrap()
        .execute("DELETE FROM events WHERE id = 10", [])
        .unwrap();
    assert_eq!(broken_row(&path), Some(("events".into(), 10)));
}

#[test]
fn swapped_rows_are_detected() {
    let (_d, path) = fixture();
    let c = Connection::open(&path).unwrap();
    // Swap the whole content (hashes included) of rows 3 and 6 by moving ids around.
    c.execute_batch(
        "UPDATE events SET id = -3 WHERE id = 3;
         UPDATE events SET id = 3 WHERE id = 6;
         UPDATE events SET id = 6 WHERE id = -3;",
    )
    .unwrap();
    assert_eq!(broken_row(&path), Some(("events".into(), 3)));
}

#[test]
fn forged_hash_is_detected() {
    let (_d, path) = fixture();
    Connection::open(&path)
        .unwrap()
        .execute("UPDATE events SET hash = zeroblob(32) WHERE id = 4", [])
        .unwrap();
    assert_eq!(broken_row(&path), Some(("events".into(), 4)));
}

#[test]
fn broken_link_is_detected() {
    // A row whose content still matches its own hash but whose link to the previous row was
    // rewritten (as when a forger re-chains from some row onwards) is named.
    let (_d, path) = fixture();
    Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE events SET prev_hash = zeroblob(32) WHERE id = 8",
            [],
        )
        .unwrap();
    let b = Store::open(&path)
        .unwrap()
        .verify()
        .unwrap()
        .broken
        .unwrap();
    assert_eq!(b.row, 8);
    assert!(b.reason.contains("link"), "{}", b.reason);
}

#[test]
fn annotation_and_attachment_chains_are_verified() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    let store = Store::open(&path).unwrap();
    let at = Instant::new(T0, 8 * 3600).unwrap();
    for text in ["请停止联系我", "second"] {
        store
            .add_annotation(&NewAnnotation {
                kind: AnnotationKind::StopRequest,
                case_name: Some("速借花".into()),
                event_id: None,
                at,
                text: text.into(),
            })
            .unwrap();
    }
    store
        .add_attachment(&NewAttachment {
            case_name: None,
            event_id: None,
            sha256: "ab".repeat(32),
            name: "letter.jpg".into(),
            size: 1234,
            at,
        })
        .unwrap();
    assert!(store.verify().unwrap().ok());
    assert_eq!(store.annotations().unwrap().len(), 2);
    assert_eq!(store.attachments().unwrap()[0].data.sha256, "ab".repeat(32));
    assert!(store
        .add_attachment(&NewAttachment {
            sha256: "xyz".into(),
            ..store.attachments().unwrap()[0].data.clone()
        })
        .is_err());
    drop(store);
    Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE annotations SET utc_ms = utc_ms + 86400000 WHERE id = 1",
            [],
        )
        .unwrap();
    assert_eq!(broken_row(&path), Some(("annotations".into(), 1)));
}
