//! `dunwatch seal` and `dunwatch verify --seal` as a user runs them.

mod common;
use common::*;

fn call(store: &dunwatch_core::Store, i: i64) -> dunwatch_core::NewEvent {
    dunwatch_core::NewEvent {
        source: dunwatch_core::EventSource::Live,
        payload: dunwatch_core::EventPayload::Call(dunwatch_core::Call {
            number: store.parse_number("02112345678").unwrap(),
            direction: dunwatch_core::CallDirection::Missed,
            start: dunwatch_core::Instant::new(1_740_787_200_000 + i * 60_000, 8 * 3600).unwrap(),
            ring_ms: None,
            talk_ms: 0,
            sim_slot: None,
        }),
    }
}

#[test]
fn a_seal_given_out_catches_the_newest_rows_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.sqlite");
    let db_s = db.to_str().unwrap();
    {
        let store = dunwatch_core::Store::open(&db).unwrap();
        let evs: Vec<_> = (0..8).map(|i| call(&store, i)).collect();
        store.insert_batch(&evs).unwrap();
    }
    let seal = dir.path().join("seal.txt");
    let o = dunwatch(
        &["seal", "--db", db_s, "-o", seal.to_str().unwrap()],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let sealed = std::fs::read_to_string(&seal).unwrap();
    assert!(sealed.starts_with("dunwatch seal 1\n"), "{sealed}");
    assert!(text(&o).contains("chain events 8 "), "{}", text(&o));

    // More evidence later: the seal still holds.
    {
        let store = dunwatch_core::Store::open(&db).unwrap();
        store.insert(&call(&store, 100)).unwrap();
    }
    let o = dunwatch(
        &["verify", "--db", db_s, "--seal", seal.to_str().unwrap()],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Intact"), "{}", text(&o));

    // Delete the newest rows and rewrite the chain head: the chain alone says intact, the seal
    // does not.
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute("DELETE FROM events WHERE id > 5", []).unwrap();
        c.execute(
            "UPDATE chain_heads SET last_id = 5, hash = (SELECT hash FROM events WHERE id = 5) \
             WHERE name = 'events'",
            [],
        )
        .unwrap();
    }
    let o = dunwatch(&["verify", "--db", db_s], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    let o = dunwatch(
        &["verify", "--db", db_s, "--seal", seal.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("Shortened"), "{}", text(&o));

    // A mistyped seal is a clear error, not a verdict.
    std::fs::write(&seal, sealed.replace("chain events 8", "chain events 9")).unwrap();
    let o = dunwatch(
        &["verify", "--db", db_s, "--seal", seal.to_str().unwrap()],
        dir.path(),
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("does not match"), "{}", text(&o));
}

#[test]
fn verify_names_flags_forged_with_sql() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.sqlite");
    let db_s = db.to_str().unwrap();
    {
        let store = dunwatch_core::Store::open(&db).unwrap();
        store
            .tag_number(
                "02112345678",
                "lender",
                dunwatch_core::store::TagSource::User,
            )
            .unwrap();
        // Missed calls at 23:00 local: night-time flags.
        let evs: Vec<_> = (0..4)
            .map(|i| call(&store, 15 * 60 + i * 24 * 60))
            .collect();
        store.insert_batch(&evs).unwrap();
        dunwatch_core::rules::rebuild(&store).unwrap();
    }
    let o = dunwatch(&["verify", "--db", db_s], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("the same as the evidence gives"),
        "{}",
        text(&o)
    );
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "INSERT INTO flags(rule, case_id, at_ms, offset_s, severity, description, source, \
             detail, events, numbers) SELECT 'CN.CRIME', case_id, at_ms, offset_s, 'high', 'x', \
             'x', '{}', events, numbers FROM flags LIMIT 1",
            [],
        )
        .unwrap();
    let o = dunwatch(&["verify", "--db", db_s], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("FLAGS CHANGED OUTSIDE DUNWATCH"),
        "{}",
        text(&o)
    );
    assert!(text(&o).contains("not derived: CN.CRIME"), "{}", text(&o));
}
