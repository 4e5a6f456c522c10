//! Case membership is chained (issue 17): cases and tags changed with plain SQL are named by
//! `verify`, tagging and untagging grow the chain and leave it clean, and a store from before
//! the chained membership keeps what it held, recorded once as found at migration.

use dunwatch_core::store::{schema, AnnotationKind, TagSource};
use dunwatch_core::*;
use rusqlite::Connection;

fn annotations_rows(store: &Store) -> i64 {
    let r = store.verify().unwrap();
    r.chains
        .iter()
        .find(|c| c.chain == "annotations")
        .unwrap()
        .rows
}

#[test]
fn tag_untag_grow_the_chain_and_verify_clean() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("e.sqlite")).unwrap();
    assert_eq!(annotations_rows(&store), 0);
    store
        .tag_number("02112345678", "lender", TagSource::User)
        .unwrap();
    // The case, then the number.
    assert_eq!(annotations_rows(&store), 2);
    store
        .tag_number("02112345679", "lender", TagSource::User)
        .unwrap();
    // Moving a number to another case ("merging" it) is one more join plus the new case.
    store
        .tag_number("02112345679", "other lender", TagSource::User)
        .unwrap();
    assert_eq!(annotations_rows(&store), 5);
    // The same tag again changes nothing and records nothing.
    store
        .tag_number("02112345679", "other lender", TagSource::User)
        .unwrap();
    assert_eq!(annotations_rows(&store), 5);
    store.untag_number("02112345678").unwrap();
    store.untag_number("02112345678").unwrap();
    assert_eq!(annotations_rows(&store), 6);
    let r = store.verify().unwrap();
    assert!(r.ok(), "{r:?}");
    let log = store.membership_log().unwrap();
    assert_eq!(log.len(), 6);
    assert!(log
        .iter()
        .all(|a| a.data.kind == AnnotationKind::Membership));
    // The user's own list of notes does not show the bookkeeping.
    assert!(store.annotations().unwrap().is_empty());
    let cases = store.cases().unwrap();
    assert_eq!(cases.len(), 2);
    assert!(cases[0].numbers.is_empty());
    assert_eq!(cases[1].numbers, vec!["+862112345679".to_string()]);
}

fn forged(path: &std::path::Path, sql: &str) -> store::VerifyReport {
    let c = Connection::open(path).unwrap();
    // A forger turns the foreign keys off.
    c.execute_batch("PRAGMA foreign_keys = OFF;").unwrap();
    c.execute_batch(sql).unwrap();
    drop(c);
    let store = Store::open(path).unwrap();
    store.verify().unwrap()
}

#[test]
fn membership_forged_with_sql_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str); 5] = [
        (
            "a case row added",
            "INSERT INTO cases(name, created_ms) VALUES('forged', 0);",
        ),
        (
            "a case row removed",
            "DELETE FROM cases WHERE name = 'lender';",
        ),
        (
            "a number added to a case",
            "INSERT INTO numbers(number, raw, case_id, how, updated_ms) \
             SELECT '+8613800138000', '13800138000', id, 'user', 0 FROM cases;",
        ),
        ("a number removed", "DELETE FROM numbers;"),
        (
            "a number moved to a new case",
            "INSERT INTO cases(name, created_ms) VALUES('elsewhere', 0); \
             UPDATE numbers SET case_id = (SELECT id FROM cases WHERE name = 'elsewhere');",
        ),
    ];
    for (i, (what, sql)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("e{i}.sqlite"));
        {
            let store = Store::open(&path).unwrap();
            store
                .tag_number("02112345678", "lender", TagSource::User)
                .unwrap();
            assert!(store.verify().unwrap().ok());
        }
        let r = forged(&path, sql);
        assert!(!r.ok(), "{what}: {r:?}");
        assert!(!r.membership.is_empty(), "{what}");
        let b = r.broken.as_ref().unwrap();
        assert_eq!(b.chain, "membership", "{what}");
        // The report says what verify says.
        let store = Store::open(&path).unwrap();
        let data = report::ReportData::gather(&store).unwrap();
        let html = report::render_html(&data, report::Lang::En);
        assert!(
            html.contains("BROKEN: chain membership"),
            "{what}: the report does not say it"
        );
        assert!(!html.contains("verdict ok"), "{what}");
    }
}

#[test]
fn membership_from_before_the_chain_is_recorded_once_at_migration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6.sqlite");
    drop(Store::open_at_version(&path, 6).unwrap());
    // What a v6 dunwatch wrote: the tables only.
    Connection::open(&path)
        .unwrap()
        .execute_batch(
            "INSERT INTO cases(id, name, created_ms) VALUES(1, 'lender', 0), (2, 'empty', 0);
             INSERT INTO numbers(number, raw, case_id, how, updated_ms) VALUES
               ('+862112345678', '02112345678', 1, 'user', 0),
               ('+862112345679', '02112345679', NULL, 'user', 0),
               ('+862112345670', '02112345670', 1, 'creditor', 0);",
        )
        .unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::LATEST);
    let r = store.verify().unwrap();
    assert!(r.ok(), "{r:?}");
    let log = store.membership_log().unwrap();
    // Two cases, the user's tag and the user's untag; the engine's own join is not chained.
    assert_eq!(log.len(), 4, "{log:?}");
    assert!(log
        .iter()
        .all(|a| a.data.text.contains("\"at_migration\":true")));
    let cases = store.cases().unwrap();
    assert_eq!(cases[0].numbers.len(), 2);
    drop(store);
    // Reopening records nothing again; a forgery after the migration is still named.
    let r = forged(&path, "DELETE FROM cases WHERE name = 'empty';");
    assert_eq!(r.membership.len(), 1, "{r:?}");
    assert_eq!(
        Store::open(&path).unwrap().membership_log().unwrap().len(),
        4
    );
}
