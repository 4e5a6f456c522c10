//! A store written at schema version 1 (kept as a fixture) opens and migrates to the newest schema
//! with its evidence intact.

mod common;
use common::*;
use dunwatch_core::store::{schema, AnnotationKind, NewAnnotation};
use dunwatch_core::*;
use std::path::PathBuf;

fn fixture_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/store_v1.sqlite")
}

/// Regenerates the v1 fixture: `cargo test -p dunwatch-core --test store_migrate -- --ignored`.
/// Only ever needed if the fixture is lost; a released fixture must not change.
#[test]
#[ignore]
fn make_v1_fixture() {
    let path = fixture_path();
    let _ = std::fs::remove_file(&path);
    {
        let store = Store::open_at_version(&path, 1).unwrap();
        assert_eq!(store.schema_version().unwrap(), 1);
        store
            .insert_batch(&[
                sms("13800138000", "【速借花】您的借款已逾期3天，请今日还款", T0),
                call("02112345678", T0 + 60_000, 0),
                call("02112345678", T0 + 120_000, 35_000),
            ])
            .unwrap();
        store
            .add_annotation(&NewAnnotation {
                kind: AnnotationKind::StopRequest,
                case_name: Some("速借花".into()),
                event_id: None,
                at: Instant::new(T0 + 200_000, 8 * 3600).unwrap(),
                text: "请停止骚扰".into(),
            })
            .unwrap();
    }
    // One self-contained file, no WAL beside it.
    let c = rusqlite::Connection::open(&path).unwrap();
    // Tag with v1's tables (the code of today writes v2 tables too).
    c.execute_batch(
        "INSERT OR IGNORE INTO cases(name, created_ms) VALUES('速借花', 1740787200000);
         INSERT INTO numbers(number, raw, case_id, how, updated_ms)
         VALUES('+862112345678', '02112345678', (SELECT id FROM cases WHERE name = '速借花'),
                'user', 1740787200000);",
    )
    .unwrap();
    let _: String = c
        .query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0))
        .unwrap();
}

#[test]
fn v1_fixture_migrates_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    std::fs::copy(fixture_path(), &path).unwrap();
    let v: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 1, "the fixture must stay at version 1");
    const { assert!(schema::LATEST > 1) };

    let page_size = |p: &std::path::Path| -> i64 {
        rusqlite::Connection::open(p)
            .unwrap()
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap()
    };
    let old_pages = page_size(&path);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::LATEST);
    // An existing file keeps its page size; a new one gets the store's.
    assert_eq!(page_size(&path), old_pages);
    let fresh = dir.path().join("new.sqlite");
    drop(Store::open(&fresh).unwrap());
    assert_eq!(page_size(&fresh), dunwatch_core::store::PAGE_SIZE);
    assert_ne!(old_pages, dunwatch_core::store::PAGE_SIZE);
    let report = store.verify().unwrap();
    assert!(report.ok(), "{:?}", report.broken);
    assert_eq!(report.chains[0].rows, 3);
    // v4 rewrote the de-duplication keys: the same events, recorded again, are still known.
    let again = store
        .insert_batch(&[
            sms("13800138000", "【速借花】您的借款已逾期3天，请今日还款", T0),
            call("02112345678", T0 + 60_000, 0),
            call("02112345678", T0 + 120_000, 35_000),
        ])
        .unwrap();
    assert_eq!(
        again.iter().map(|i| (i.id, i.new)).collect::<Vec<_>>(),
        vec![(1, false), (2, false), (3, false)]
    );
    assert_eq!(store.annotations().unwrap()[0].data.text, "请停止骚扰");
    // v2 added the case party; the old case reads as unknown and can be set.
    let case = store.case_by_name("速借花").unwrap().unwrap();
    assert_eq!(case.party, "unknown");
    assert_eq!(case.numbers, vec!["+862112345678".to_string()]);
    store.set_case_party("速借花", "collector").unwrap();
    // New evidence continues the old chain.
    store.insert(&sms("13800138000", "new", T0 + 1)).unwrap();
    assert!(store.verify().unwrap().ok());
    drop(store);
    // Reopening an up-to-date store is a no-op.
    assert_eq!(
        Store::open(&path).unwrap().schema_version().unwrap(),
        schema::LATEST
    );
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.sqlite");
    drop(Store::open(&path).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", schema::LATEST + 1)
        .unwrap();
    let err = Store::open(&path).err().expect("must refuse");
    assert!(matches!(err, Error::SchemaTooNew { .. }), "{err}");
}

/// v5 moves a flag's events and numbers from two side tables into its row: flags stored by v4
/// read back the same (sorted, without repeats), and are found by their events.
#[test]
fn v4_flags_migrate_into_their_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v4.sqlite");
    {
        let store = Store::open_at_version(&path, 4).unwrap();
        store
            .insert_batch(&[
                call("02112345678", T0, 0),
                call("02112345678", T0 + 60_000, 0),
                call("02112345679", T0 + 120_000, 0),
            ])
            .unwrap();
    }
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch(
        "INSERT INTO flags(id, rule, at_ms, offset_s, severity, description, source, detail)
         VALUES(1, 'CN.FREQ', 1740787320000, 28800, 'high', 'three calls', 'GB/T 45251', '{}'),
               (2, 'CN.TIME', 1740787200000, 28800, 'high', 'at night', 'GB/T 45251', '{}'),
               (3, 'CN.NONE', 1740787200000, 28800, 'low', 'no events', 'test', '{}');
         INSERT INTO flag_events VALUES(1, 3), (1, 1), (1, 2), (2, 1);
         INSERT INTO flag_numbers VALUES(1, '+862112345679'), (1, '+862112345678'),
                                        (2, '+862112345678');",
    )
    .unwrap();
    drop(c);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::LATEST);
    let flags = store.flags(&Default::default()).unwrap();
    let got: Vec<_> = flags
        .iter()
        .map(|f| (f.id, f.flag.events.clone(), f.flag.numbers.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (2, vec![1], vec!["+862112345678".to_string()]),
            (3, vec![], vec![]),
            (
                1,
                vec![1, 2, 3],
                vec!["+862112345678".to_string(), "+862112345679".to_string()]
            ),
        ]
    );
    let on = |e| {
        let q = dunwatch_core::store::FlagQuery {
            event: Some(e),
            ..Default::default()
        };
        store
            .flags(&q)
            .unwrap()
            .iter()
            .map(|f| f.id)
            .collect::<Vec<_>>()
    };
    assert_eq!((on(1), on(3), on(4)), (vec![2, 1], vec![1], vec![]));
}

/// Finding 3 of issue 17: `PRAGMA user_version = -1` made opening the store panic (index out
/// of bounds in the migration table). Any version outside 0..=LATEST is a clear error now, and
/// the file is left as it was.
#[test]
fn out_of_range_schema_versions_are_refused_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    // SQLite keeps user_version in 32 bits.
    for v in [-1, i32::MIN as i64, schema::LATEST + 1, i32::MAX as i64] {
        let path = dir.path().join(format!("v{v}.sqlite"));
        drop(Store::open(&path).unwrap());
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", v).unwrap();
        drop(conn);
        let before = std::fs::read(&path).unwrap();
        let opened = std::panic::catch_unwind(|| Store::open(&path).map(|_| ()));
        let e = opened.expect("no panic").unwrap_err().to_string();
        assert!(e.contains(&v.to_string()), "{v}: {e}");
        let conn = rusqlite::Connection::open(&path).unwrap();
        let after: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(after, v);
        drop(conn);
        assert_eq!(std::fs::read(&path).unwrap().len(), before.len());
    }
}
