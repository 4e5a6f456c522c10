//! Issue 17: no panic on any stored integer or enum. A store whose rows were altered with plain
//! SQL (out-of-range times and offsets, unknown kinds and directions, flag lists that are not
//! JSON, a settings row that is not one dunwatch writes) gives errors or reports a broken
//! chain; opening it, verifying, listing and reporting never panic.

use dunwatch_core::import::{import_reader, ImportOptions};
use dunwatch_core::report::{write_json, ReportData};
use dunwatch_core::store::{EventQuery, FlagQuery};
use dunwatch_core::Store;

const CSV: &str = "kind,direction,number,time,body,duration_s
sms,incoming,13800138000,1741534200000,您已逾期3天，请立即还款，否则将联系您的家人和单位,
call,missed,13800138000,1741534800000,,
call,incoming,13800138001,1741540200000,,5
";

#[test]
fn altered_rows_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.sqlite");
    {
        let store = Store::open(&base).unwrap();
        import_reader(
            &store,
            CSV.as_bytes(),
            &ImportOptions::default(),
            &mut |_| {},
        )
        .unwrap();
        store
            .tag_number("13800138001", "Acme", dunwatch_core::store::TagSource::User)
            .unwrap();
        dunwatch_core::rules::rebuild(&store).unwrap();
    }
    let changes = [
        "UPDATE events SET utc_ms = 9223372036854775807",
        "UPDATE events SET utc_ms = -9223372036854775808",
        "UPDATE events SET utc_ms = NULL",
        "UPDATE events SET offset_s = 99999999999",
        "UPDATE events SET number_kind = 'bogus'",
        "UPDATE events SET direction = 'sideways'",
        "UPDATE events SET kind = 'fax'",
        "UPDATE events SET source = 'moon'",
        "UPDATE events SET talk_ms = -5, ring_ms = 9223372036854775807",
        "UPDATE events SET sim_slot = -1",
        "UPDATE events SET body = x'ff00fe'",
        "UPDATE events SET number = NULL",
        "UPDATE events SET sent_ms = 9223372036854775807, sent_offset_s = 0",
        "UPDATE events SET hash = x'00', prev_hash = x''",
        "UPDATE events SET recorded_ms = -1",
        "UPDATE flags SET at_ms = 9223372036854775807",
        "UPDATE flags SET offset_s = -99999999",
        "UPDATE flags SET severity = '??'",
        "UPDATE flags SET events = '[9223372036854775807]'",
        "UPDATE flags SET events = 'not json'",
        "UPDATE flags SET numbers = '[1,2]'",
        "UPDATE flags SET detail = '[]'",
        "UPDATE flags SET rule = 'NOPE'",
        "UPDATE flags SET case_id = 999",
        "UPDATE settings SET value = 'x'",
        "DELETE FROM settings",
        "UPDATE numbers SET case_id = 12345",
        "UPDATE annotations SET kind = 'bogus'",
    ];
    for sql in changes {
        let path = dir.path().join("altered.sqlite");
        std::fs::copy(&base, &path).unwrap();
        for side in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.path().join(format!("altered.sqlite{side}")));
        }
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            // Tables a migration may not have yet are fine to miss.
            let _ = conn.execute_batch(sql);
        }
        let run = std::panic::catch_unwind(|| {
            if let Ok(store) = Store::open(&path) {
                let _ = store.verify();
                let _ = store.settings();
                let _ = store.events(&EventQuery::default());
                let _ = store.flags(&FlagQuery::default());
                let _ = store.cases();
                let _ = store.annotations();
                let _ = ReportData::gather(&store);
                let _ = write_json(&store, &mut std::io::sink());
                let _ = dunwatch_core::rules::rebuild(&store);
            }
        });
        assert!(run.is_ok(), "panic after {sql}");
    }
}
