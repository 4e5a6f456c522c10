//! `dunwatch init` and `dunwatch verify` as a user runs them.

mod common;
use common::*;

use std::process::Command;

#[test]
fn init_verify_and_detect_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.sqlite");
    let db_s = db.to_str().unwrap();
    let o = dunwatch(
        &[
            "init",
            "--db",
            db_s,
            "--jurisdiction",
            "us",
            "--role",
            "third-party",
            "--tz",
            "America/Chicago",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("jurisdiction us"), "{}", text(&o));

    // Put some evidence in through the library, then verify from the CLI.
    {
        let store = dunwatch_core::Store::open(&db).unwrap();
        assert_eq!(store.settings().unwrap().home_tz, "America/Chicago");
        let ev = |i: i64| dunwatch_core::NewEvent {
            source: dunwatch_core::EventSource::Live,
            payload: dunwatch_core::EventPayload::Call(dunwatch_core::Call {
                number: store.parse_number("(312) 555-0100").unwrap(),
                direction: dunwatch_core::CallDirection::Missed,
                start: dunwatch_core::Instant::new(1_740_787_200_000 + i * 60_000, -6 * 3600)
                    .unwrap(),
                ring_ms: None,
                talk_ms: 0,
                sim_slot: None,
            }),
        };
        store
            .insert_batch(&(0..5).map(ev).collect::<Vec<_>>())
            .unwrap();
    }
    let o = dunwatch(&["verify", "--db", db_s], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("intact"));

    rusqlite::Connection::open(&db)
        .unwrap()
        .execute("UPDATE events SET talk_ms = 60000 WHERE id = 3", [])
        .unwrap();
    let o = dunwatch(&["verify", "--db", db_s], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("events row 3"), "{}", text(&o));
}

#[test]
fn bad_settings_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.sqlite");
    for (flag, value) in [
        ("--jurisdiction", "xx"),
        ("--role", "boss"),
        ("--tz", "Mars/Base"),
    ] {
        let o = dunwatch(
            &["init", "--db", db.to_str().unwrap(), flag, value],
            dir.path(),
        );
        assert_eq!(o.status.code(), Some(2));
        assert!(text(&o).contains(value), "{}", text(&o));
    }
    let o = dunwatch(
        &[
            "verify",
            "--db",
            dir.path().join("none.sqlite").to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("no store"), "{}", text(&o));
}

#[test]
fn default_store_lives_in_the_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let o = dunwatch(&["init"], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    assert!(dir.path().join("data/dunwatch/evidence.sqlite").exists());
    let o = dunwatch(&["verify"], dir.path());
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn closed_pipe_ends_quietly() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.sqlite");
    {
        // Thousands of night calls from a tagged collector: thousands of flag lines.
        let store = dunwatch_core::Store::open(&db).unwrap();
        store
            .tag_number(
                "02112345678",
                "lender",
                dunwatch_core::store::TagSource::User,
            )
            .unwrap();
        let night = 1_740_787_200_000 + 15 * 3_600_000; // 23:00 at +08:00
        let calls: Vec<_> = (0..3000)
            .map(|i| dunwatch_core::NewEvent {
                source: dunwatch_core::EventSource::Live,
                payload: dunwatch_core::EventPayload::Call(dunwatch_core::Call {
                    number: store.parse_number("02112345678").unwrap(),
                    direction: dunwatch_core::CallDirection::Missed,
                    start: dunwatch_core::Instant::new(night + i * 86_400_000, 8 * 3600).unwrap(),
                    ring_ms: None,
                    talk_ms: 0,
                    sim_slot: None,
                }),
            })
            .collect();
        store.insert_batch(&calls).unwrap();
        dunwatch_core::rules::rebuild(&store).unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_dunwatch"))
        .args(["flags", "--json", "--db", db.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(first.contains("\"rule\""), "{first}");
    drop(out); // the reader goes away, like `| head -1`
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(o.status.code(), Some(101), "{err}");
}

#[test]
fn changing_the_pack_moves_the_zone_unless_the_country_has_several() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.sqlite");
    let db_s = db.to_str().unwrap();
    let zone = || {
        dunwatch_core::Store::open(&db)
            .unwrap()
            .settings()
            .unwrap()
            .home_tz
    };
    let o = dunwatch(&["init", "--db", db_s, "--jurisdiction", "uk"], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("time zone Europe/London"), "{}", text(&o));
    let o = dunwatch(&["init", "--db", db_s, "--jurisdiction", "ph"], dir.path());
    assert!(text(&o).contains("jurisdiction ph"), "{}", text(&o));
    assert_eq!(zone(), "Asia/Manila");
    // The US has several zones: the zone stays and the user is told to give one.
    let o = dunwatch(&["init", "--db", db_s, "--jurisdiction", "us"], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("give --tz"), "{}", text(&o));
    assert_eq!(zone(), "Asia/Manila");
    // An explicit zone always wins.
    let o = dunwatch(
        &["init", "--db", db_s, "--jurisdiction", "in", "--tz", "UTC"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(zone(), "UTC");
}

#[test]
fn verify_refuses_another_programs_database_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("browser-history.sqlite");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("CREATE TABLE urls(url TEXT); INSERT INTO urls VALUES('x');")
        .unwrap();
    let before = std::fs::read(&db).unwrap();
    for cmd in ["verify", "report", "flags", "tag"] {
        let mut args = vec![cmd, "--db", db.to_str().unwrap()];
        if cmd == "tag" {
            args.extend(["13800138000", "--case", "x"]);
        }
        let o = dunwatch(&args, dir.path());
        assert!(!o.status.success(), "{cmd}: {}", text(&o));
        assert!(
            text(&o).contains("not a dunwatch evidence store"),
            "{cmd}: {}",
            text(&o)
        );
    }
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert!(!dir.path().join("browser-history.sqlite-wal").exists());
}
