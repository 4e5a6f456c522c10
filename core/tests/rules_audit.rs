//! The stored flags are checked against the evidence: a forged flag or a deleted one is named.

use dunwatch_core::rules::audit::audit;
use dunwatch_core::store::TagSource;
use dunwatch_core::*;
use rusqlite::Connection;

fn night_calls(path: &std::path::Path) {
    let store = Store::open(path).unwrap();
    store
        .tag_number("02112345678", "lender", TagSource::User)
        .unwrap();
    let night = 1_740_787_200_000 + 15 * 3_600_000; // 23:00 at +08:00
    let calls: Vec<_> = (0..5)
        .map(|i| NewEvent {
            source: EventSource::Live,
            payload: EventPayload::Call(Call {
                number: store.parse_number("02112345678").unwrap(),
                direction: CallDirection::Missed,
                start: Instant::new(night + i * 86_400_000, 8 * 3600).unwrap(),
                ring_ms: None,
                talk_ms: 0,
                sim_slot: None,
            }),
        })
        .collect();
    store.insert_batch(&calls).unwrap();
    rules::rebuild(&store).unwrap();
}

#[test]
fn untouched_flags_pass_and_forged_or_deleted_ones_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.sqlite");
    night_calls(&path);
    let store = Store::open(&path).unwrap();
    let a = audit(&store).unwrap();
    assert!(a.ok(), "{a:?}");
    assert!(a.inputs_current && !a.tampered());
    assert!(a.stored > 0);
    assert_eq!(a.stored, a.derived);
    drop(store);

    // Plain SQL: delete one real flag, and forge one against an event that broke no rule.
    let c = Connection::open(&path).unwrap();
    let victim: String = c
        .query_row("SELECT rule FROM flags ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    c.execute(
        "DELETE FROM flags WHERE id = (SELECT min(id) FROM flags)",
        [],
    )
    .unwrap();
    c.execute(
        "INSERT INTO flags(rule, case_id, at_ms, offset_s, severity, description, source, \
         detail, events, numbers) SELECT 'CN.CRIME', case_id, at_ms, offset_s, 'high', 'forged', \
         'x', '{}', events, numbers FROM flags LIMIT 1",
        [],
    )
    .unwrap();
    drop(c);
    let store = Store::open(&path).unwrap();
    let before = store.flags(&store::FlagQuery::default()).unwrap().len();
    let a = audit(&store).unwrap();
    assert!(!a.ok());
    assert!(a.tampered(), "{a:?}");
    assert_eq!(a.missing.len(), 1, "{a:?}");
    assert_eq!(a.missing[0].rule, victim);
    assert_eq!(a.not_derived.len(), 1, "{a:?}");
    assert_eq!(a.not_derived[0].rule, "CN.CRIME");
    // The audit works on a copy: the stored flags are as they were.
    assert_eq!(
        store.flags(&store::FlagQuery::default()).unwrap().len(),
        before
    );
}

/// Killed between storing an event and storing its flags (the crash harness does this): the
/// flags the event gives are pending, not "deleted outside dunwatch"; the next refresh derives
/// them.
#[test]
fn flags_of_an_event_not_yet_evaluated_are_pending_not_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.sqlite");
    night_calls(&path);
    let store = Store::open(&path).unwrap();
    let late = 1_740_787_200_000 + 15 * 3_600_000 + 9 * 86_400_000; // another night, 23:00
    store
        .insert(&NewEvent {
            source: EventSource::Live,
            payload: EventPayload::Call(Call {
                number: store.parse_number("02112345678").unwrap(),
                direction: CallDirection::Missed,
                start: Instant::new(late, 8 * 3600).unwrap(),
                ring_ms: None,
                talk_ms: 0,
                sim_slot: None,
            }),
        })
        .unwrap();
    let a = audit(&store).unwrap();
    assert!(a.ok() && !a.tampered(), "{a:?}");
    assert!(a.missing.is_empty(), "{a:?}");
    assert!(!a.pending.is_empty(), "{a:?}");
    rules::refresh(&store).unwrap();
    let a = audit(&store).unwrap();
    assert!(a.ok() && a.pending.is_empty(), "{a:?}");
}
