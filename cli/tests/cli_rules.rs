//! `dunwatch tag`, `stop-request`, `flags`, `screen` and `collectors` as a user runs them.

mod common;
use common::*;

use std::process::Output;

fn ok(o: Output) -> String {
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn tag_stop_flags_screen_collectors() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let db = home.join("e.sqlite");
    let db_s = db.to_str().unwrap();
    ok(dunwatch(
        &[
            "init",
            "--db",
            db_s,
            "--jurisdiction",
            "us",
            "--tz",
            "America/New_York",
        ],
        home,
    ));
    let ids: Vec<i64> = {
        let store = dunwatch_core::Store::open(&db).unwrap();
        let zone = store.settings().unwrap().zone().unwrap();
        ["2025-04-01 22:30", "2025-04-02 10:00"]
            .iter()
            .map(|local| {
                let ev = dunwatch_core::NewEvent {
                    source: dunwatch_core::EventSource::Live,
                    payload: dunwatch_core::EventPayload::Call(dunwatch_core::Call {
                        number: store.parse_number("(202) 555-0100").unwrap(),
                        direction: dunwatch_core::CallDirection::Missed,
                        start: dunwatch_core::Instant::parse_in_zone(local, &zone).unwrap(),
                        ring_ms: None,
                        talk_ms: 0,
                        sim_slot: None,
                    }),
                };
                store.insert(&ev).unwrap().id
            })
            .collect()
    };
    let out = ok(dunwatch(
        &[
            "tag",
            "--db",
            db_s,
            "202-555-0100",
            "--case",
            "Acme Recovery",
        ],
        home,
    ));
    assert!(
        out.contains("+12025550100 is in case Acme Recovery"),
        "{out}"
    );
    ok(dunwatch(
        &[
            "stop-request",
            "--db",
            db_s,
            "--case",
            "Acme Recovery",
            "--at",
            "2025-04-02 09:00",
        ],
        home,
    ));
    let out = ok(dunwatch(&["flags", "--db", db_s, "--json"], home));
    let flags: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(&str, i64)> = flags
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["events"][0].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, vec![("US.TIME", ids[0]), ("US.CEASE", ids[1])]);
    for f in &flags {
        assert_eq!(f["numbers"][0], "+12025550100");
        assert_eq!(f["case"], "Acme Recovery");
        assert!(f["at"].as_str().unwrap().starts_with("2025-04-0"));
        assert!(!f["description"].as_str().unwrap().is_empty());
        assert!(!f["source"].as_str().unwrap().is_empty());
    }

    let out = ok(dunwatch(
        &[
            "screen",
            "--db",
            db_s,
            "2025550100",
            "--at",
            "2025-04-03 10:00",
        ],
        home,
    ));
    assert!(out.starts_with("silence:"), "{out}");
    assert!(out.contains("[US.CEASE]"), "{out}");
    let out = ok(dunwatch(
        &[
            "screen",
            "--db",
            db_s,
            "2025550199",
            "--at",
            "2025-04-03 10:00",
        ],
        home,
    ));
    assert!(out.starts_with("allow:"), "{out}");

    let csv = home.join("list.csv");
    std::fs::write(
        &csv,
        "number,creditor,source\n2025550199,\"Other, LLC\",community\n",
    )
    .unwrap();
    let out = ok(dunwatch(
        &[
            "collectors",
            "--db",
            db_s,
            "--import",
            csv.to_str().unwrap(),
        ],
        home,
    ));
    assert!(out.contains("imported 1 of 1"), "{out}");
    let out = ok(dunwatch(
        &[
            "screen",
            "--db",
            db_s,
            "2025550199",
            "--at",
            "2025-04-03 10:00",
            "--json",
        ],
        home,
    ));
    let d: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(d["action"], "allow_and_log");
    assert_eq!(d["case"], "Other, LLC");

    // Bad input: a clear error, exit code 2, nothing written.
    let o = dunwatch(&["screen", "--db", db_s, "1\u{1}2"], home);
    assert_eq!(o.status.code(), Some(2));
    let o = dunwatch(
        &[
            "stop-request",
            "--db",
            db_s,
            "--case",
            "x",
            "--at",
            "yesterday",
        ],
        home,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad instant"));
}

/// Finding 8 of issue 17: a misspelt `--case` recorded permanent evidence against a case that
/// does not exist, `tag ''` put every withheld caller into a case, and `--at` took years 0000
/// and 9999. Each is refused with nothing written.
#[test]
fn misspelt_cases_withheld_numbers_and_absurd_times_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let db = home.join("e.sqlite");
    let db = db.to_str().unwrap();
    ok(dunwatch(
        &["tag", "--db", db, "13800138000", "--case", "Acme"],
        home,
    ));
    let annotations = || {
        dunwatch_core::Store::open(db)
            .unwrap()
            .annotations()
            .unwrap()
            .len()
    };
    for args in [
        &["stop-request", "--db", db, "--case", "Acme Recovery"][..],
        &[
            "stop-request",
            "--db",
            db,
            "--case",
            "Acme",
            "--at",
            "0000-01-01 00:00",
        ],
        &[
            "stop-request",
            "--db",
            db,
            "--case",
            "Acme",
            "--at",
            "9999-12-31 23:59",
        ],
        &[
            "stop-request",
            "--db",
            db,
            "--case",
            "Acme",
            "--at",
            "2090-01-01 00:00",
        ],
        &["tag", "--db", db, "", "--case", "Acme"],
        &["tag", "--db", db, "private", "--case", "Acme"],
    ] {
        let o = dunwatch(args, home);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(text(&o).contains("nothing was"), "{args:?}: {}", text(&o));
    }
    assert_eq!(annotations(), 0);
    let store = dunwatch_core::Store::open(db).unwrap();
    assert!(store
        .number_info("hidden")
        .unwrap()
        .is_none_or(|n| n.case_name.is_none()));
    drop(store);
    // Spelt right, or a new case on purpose: recorded.
    ok(dunwatch(
        &["stop-request", "--db", db, "--case", "Acme"],
        home,
    ));
    ok(dunwatch(
        &["stop-request", "--db", db, "--case", "New Co", "--new-case"],
        home,
    ));
    assert_eq!(annotations(), 2);
}
