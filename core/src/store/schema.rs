//! Versioned migrations. Each entry moves the schema one version up inside one transaction;
//! released entries are never edited, only appended (a v1 fixture in the tests guards this).

use crate::error::{Error, Result};
use rusqlite::{Connection, TransactionBehavior};

/// Migration `i` moves the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // v1: the evidence ledger and everything around it.
    r#"
    CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE cases(
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        creditor TEXT,
        created_ms INTEGER NOT NULL
    );
    CREATE TABLE numbers(
        number TEXT PRIMARY KEY,
        raw TEXT NOT NULL,
        case_id INTEGER REFERENCES cases(id),
        how TEXT NOT NULL,
        updated_ms INTEGER NOT NULL
    );
    CREATE INDEX numbers_by_case ON numbers(case_id);
    -- Append-only; every row is chained to the previous one by SHA-256 (see codec.rs).
    CREATE TABLE events(
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        source TEXT NOT NULL,
        number TEXT,
        number_raw TEXT,
        number_kind TEXT,
        utc_ms INTEGER,
        offset_s INTEGER,
        direction TEXT NOT NULL,
        body TEXT,
        sent_ms INTEGER,
        sent_offset_s INTEGER,
        sim_slot INTEGER,
        ring_ms INTEGER,
        talk_ms INTEGER,
        ref_event INTEGER REFERENCES events(id),
        recorded_ms INTEGER NOT NULL,
        dedupe BLOB NOT NULL UNIQUE,
        prev_hash BLOB NOT NULL,
        hash BLOB NOT NULL
    );
    CREATE INDEX events_by_time ON events(utc_ms);
    CREATE INDEX events_by_number ON events(number, utc_ms);
    CREATE INDEX events_by_ref ON events(ref_event) WHERE ref_event IS NOT NULL;
    -- Stop requests, opt-outs and notes: evidence too, so chained like events.
    CREATE TABLE annotations(
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        case_name TEXT,
        event_id INTEGER REFERENCES events(id),
        utc_ms INTEGER NOT NULL,
        offset_s INTEGER NOT NULL,
        text TEXT NOT NULL,
        recorded_ms INTEGER NOT NULL,
        prev_hash BLOB NOT NULL,
        hash BLOB NOT NULL
    );
    -- Files kept outside the store (recordings, photos of letters), pinned by their SHA-256.
    CREATE TABLE attachments(
        id INTEGER PRIMARY KEY,
        case_name TEXT,
        event_id INTEGER REFERENCES events(id),
        sha256 BLOB NOT NULL,
        name TEXT NOT NULL,
        size INTEGER NOT NULL,
        utc_ms INTEGER NOT NULL,
        offset_s INTEGER NOT NULL,
        recorded_ms INTEGER NOT NULL,
        prev_hash BLOB NOT NULL,
        hash BLOB NOT NULL
    );
    -- Last id and hash of each chain: catches deletion of the newest rows.
    CREATE TABLE chain_heads(name TEXT PRIMARY KEY, last_id INTEGER NOT NULL, hash BLOB NOT NULL);
    -- Derived data: rebuilt by the rules engine whenever settings or cases change.
    CREATE TABLE flags(
        id INTEGER PRIMARY KEY,
        rule TEXT NOT NULL,
        case_id INTEGER REFERENCES cases(id),
        at_ms INTEGER NOT NULL,
        offset_s INTEGER NOT NULL,
        severity TEXT NOT NULL,
        description TEXT NOT NULL,
        source TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX flags_by_time ON flags(at_ms);
    CREATE TABLE flag_events(
        flag_id INTEGER NOT NULL REFERENCES flags(id) ON DELETE CASCADE,
        event_id INTEGER NOT NULL REFERENCES events(id),
        PRIMARY KEY(flag_id, event_id)
    );
    CREATE INDEX flag_events_by_event ON flag_events(event_id);
    CREATE TABLE flag_numbers(
        flag_id INTEGER NOT NULL REFERENCES flags(id) ON DELETE CASCADE,
        number TEXT NOT NULL,
        PRIMARY KEY(flag_id, number)
    );
    "#,
    // v2: Regulation F binds third-party collectors, not original creditors, so a case records
    // which kind of party it is; and suggested (not yet confirmed) case memberships.
    r#"
    ALTER TABLE cases ADD COLUMN party TEXT NOT NULL DEFAULT 'unknown';
    CREATE TABLE case_suggestions(
        number TEXT NOT NULL,
        case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        reason TEXT NOT NULL,
        PRIMARY KEY(number, case_id)
    );
    "#,
    // v3: the rules engine's inputs and derived state: the community list of known collector
    // numbers (user-imported), the numbers the engine recognised as collectors from SMS, and
    // its bookkeeping (a fingerprint of the inputs its flags were computed from).
    r#"
    CREATE TABLE collector_list(
        number TEXT PRIMARY KEY,
        raw TEXT NOT NULL,
        creditor TEXT,
        source TEXT NOT NULL,
        imported_ms INTEGER NOT NULL
    );
    CREATE TABLE collector_numbers(
        number TEXT PRIMARY KEY,
        why TEXT NOT NULL,
        event_id INTEGER REFERENCES events(id)
    );
    CREATE TABLE rules_state(key TEXT PRIMARY KEY, value TEXT NOT NULL);
    "#,
    // v4: de-duplication keys lead with the event's instant (see `EventRow::dedupe_key`): the
    // v1 key was the 32-byte digest alone, random, so every imported batch rewrote pages all
    // over the unique index. The new key keeps 24 bytes of the same digest behind 8 bytes of
    // the instant (big-endian, sign bit flipped: `row::time_prefix`). The key is derived data,
    // outside the chained encoding, so the chain still verifies.
    r#"
    UPDATE events SET dedupe = unhex(
        substr('89ABCDEF01234567',
               instr('0123456789ABCDEF', substr(printf('%016X', coalesce(utc_ms, 0)), 1, 1)), 1)
        || substr(printf('%016X', coalesce(utc_ms, 0)), 2)
        || substr(hex(dedupe), 1, 48)
    );
    "#,
    // v5: a flag's events and numbers live in its row (JSON arrays, sorted), not in two side
    // tables: storing a flag wrote five B-trees and checked three foreign keys for them. The
    // flags of an event are found through `flags_by_event`, one small B-tree without row ids.
    // `v5_flag_lists` fills the columns and drops the side tables (in Rust: the app's SQLite is
    // built without JSON functions).
    r#"
    ALTER TABLE flags ADD COLUMN events TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE flags ADD COLUMN numbers TEXT NOT NULL DEFAULT '[]';
    CREATE TABLE flags_by_event(
        event_id INTEGER NOT NULL,
        flag_id INTEGER NOT NULL,
        PRIMARY KEY(event_id, flag_id)
    ) WITHOUT ROWID;
    INSERT INTO flags_by_event(event_id, flag_id) SELECT event_id, flag_id FROM flag_events;
    "#,
    // v6: the received SMS the classifier reads as collection on their own (strict reading),
    // by sender and time: whether a sender is a known collector when one of its messages is read
    // depends on its collection messages of the 30 days before (`rules::known`). Derived: a
    // rebuild fills it (the engine version changed with it).
    r#"
    CREATE TABLE collection_sms(
        event_id INTEGER PRIMARY KEY,
        number TEXT NOT NULL,
        utc_ms INTEGER NOT NULL,
        offset_s INTEGER NOT NULL
    );
    CREATE INDEX collection_sms_by_number ON collection_sms(number, utc_ms);
    "#,
    // v7: case membership is chained (`store::membership`); `record_found_at_migration` records the
    // cases and tags the store holds, once, as found at migration.
    "SELECT 1;",
    // v8: merging two cases keeps the merged one's row (annotations, attachments and loans name
    // their case by name) pointing at the case it went into; listings skip it and every lookup by
    // name resolves it to that case.
    "ALTER TABLE cases ADD COLUMN merged_into INTEGER REFERENCES cases(id);",
];

/// What a migration does after its SQL, by the version it moves to.
fn after(to: i64, tx: &Connection) -> Result<()> {
    match to {
        5 => v5_flag_lists(tx),
        7 => super::membership::record_found_at_migration(tx),
        _ => Ok(()),
    }
}

/// v5: each flag's events and numbers from the side tables into its row, as the store writes
/// them (sorted JSON arrays); then the side tables go.
fn v5_flag_lists(tx: &Connection) -> Result<()> {
    use std::collections::BTreeMap;
    let mut events: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let mut st =
        tx.prepare("SELECT flag_id, event_id FROM flag_events ORDER BY flag_id, event_id")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        events.entry(r.get(0)?).or_default().push(r.get(1)?);
    }
    let mut numbers: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    let mut st = tx.prepare("SELECT flag_id, number FROM flag_numbers ORDER BY flag_id, number")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        numbers.entry(r.get(0)?).or_default().push(r.get(1)?);
    }
    let mut set_events = tx.prepare("UPDATE flags SET events = ?2 WHERE id = ?1")?;
    for (id, list) in events {
        set_events.execute(rusqlite::params![id, serde_json::to_string(&list)?])?;
    }
    let mut set_numbers = tx.prepare("UPDATE flags SET numbers = ?2 WHERE id = ?1")?;
    for (id, list) in numbers {
        set_numbers.execute(rusqlite::params![id, serde_json::to_string(&list)?])?;
    }
    tx.execute_batch("DROP TABLE flag_events; DROP TABLE flag_numbers;")?;
    Ok(())
}

/// Newest schema version this build knows.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// Current schema version of an open database (0 for a new file).
pub fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the schema up to `target` (normally [`LATEST`]); refuses files from a newer build.
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    let current = version(conn)?;
    // Only an altered file has a negative version; it indexes no migration.
    if current < 0 {
        return Err(Error::InvalidInput(format!(
            "the store's schema version is {current}, which no dunwatch writes (0 to {LATEST}): \
             the file was altered or is not a dunwatch store; it was not opened"
        )));
    }
    if current > LATEST {
        return Err(Error::SchemaTooNew {
            found: current,
            supported: LATEST,
        });
    }
    for v in current..target.min(LATEST) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now > v {
            tx.commit()?;
            continue;
        }
        tx.execute_batch(MIGRATIONS[v as usize])?;
        after(v + 1, &tx)?;
        tx.pragma_update(None, "user_version", v + 1)?;
        tx.commit()?;
        log::info!("dunwatch store migrated to schema version {}", v + 1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::row::time_prefix;

    /// Migration v4 builds key prefixes in SQL; they must be the bytes new inserts use.
    #[test]
    fn v4_time_prefix_in_sql_matches_rust() {
        let conn = Connection::open_in_memory().unwrap();
        // The prefix part of the SQL: up to the digest's hex.
        let sql = MIGRATIONS[3]
            .split("unhex(")
            .nth(1)
            .and_then(|s| s.split("|| substr(hex(dedupe)").next())
            .expect("v4 builds the key with unhex(...)");
        let query = format!("SELECT unhex({sql}) FROM (SELECT ?1 AS utc_ms)");
        for t in [
            None,
            Some(0),
            Some(1),
            Some(-1),
            Some(1_735_689_600_000),
            Some(i64::MAX),
            Some(i64::MIN),
            Some(-86_400_000),
        ] {
            let got: Vec<u8> = conn.query_row(&query, [t], |r| r.get(0)).unwrap();
            assert_eq!(got, time_prefix(t), "instant {t:?}");
        }
        // And they sort as the instants do.
        let mut ts = [-5i64, 3, -1, 0, i64::MIN, i64::MAX, 1_735_689_600_000];
        let mut keys: Vec<_> = ts.iter().map(|&t| time_prefix(Some(t))).collect();
        ts.sort();
        keys.sort();
        assert_eq!(keys, ts.map(|t| time_prefix(Some(t))));
    }
}
