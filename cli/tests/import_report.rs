//! `dunwatch import` and `dunwatch report` end to end, from the example phone export under
//! tests/fixtures/backup to the report files.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/backup")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn dunwatch(args: &[&str], home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dunwatch"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("DUNWATCH_DB")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Runs `import --json` and returns the summary object.
fn import_json(db: &str, files: &[String], home: &Path) -> (Output, Value) {
    let mut args = vec!["import", "--json", "--db", db];
    args.extend(files.iter().map(String::as_str));
    let o = dunwatch(&args, home);
    let v = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o, v)
}

#[test]
fn import_fixture_then_reimport_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.sqlite");
    let db = db.to_str().unwrap();
    let files = [fixture("sms-backup.xml"), fixture("calls-backup.xml")];
    let (o, v) = import_json(db, &files, dir.path());
    assert!(o.status.success(), "{}", text(&o));
    let s = &v["summary"];
    assert_eq!(s["messages"], 60, "{v}");
    assert_eq!(s["calls"], 146);
    assert_eq!(s["new_events"], 206);
    assert_eq!(s["malformed_total"], 0);

    let (o, v) = import_json(db, &files, dir.path());
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(v["summary"]["new_events"], 0);
    assert_eq!(v["summary"]["duplicates"], 206);

    // Human summary: the counts and the sections the issue asks for.
    let o = dunwatch(&["import", "--db", db, &files[0]], dir.path());
    let t = text(&o);
    assert!(t.contains("messages:   60") && t.contains("collectors:") && t.contains("flags"));
    // Not a terminal: no progress bar escape codes.
    assert!(!t.contains('\u{1b}'), "{t:?}");

    let v = dunwatch(&["verify", "--db", db], dir.path());
    assert!(v.status.success(), "{}", text(&v));
}

#[test]
fn malformed_records_reported_with_positions() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.sqlite");
    let (o, v) = import_json(
        db.to_str().unwrap(),
        &[fixture("malformed-sms.xml")],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let s = &v["summary"];
    assert_eq!(s["new_events"], 2);
    assert_eq!(s["malformed_total"], 4);
    let lines: Vec<u64> = s["malformed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [4, 5, 6, 7]);
    let o = dunwatch(
        &[
            "import",
            "--db",
            db.to_str().unwrap(),
            &fixture("malformed-sms.xml"),
        ],
        dir.path(),
    );
    assert!(
        text(&o).contains("line 6 (byte 401): attribute body: entity &bomb; is not defined"),
        "{}",
        text(&o)
    );
}

#[test]
fn dtd_attacks_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.sqlite");
    for f in ["billion-laughs.xml", "external-entity.xml"] {
        let (o, v) = import_json(db.to_str().unwrap(), &[fixture(f)], dir.path());
        assert_eq!(o.status.code(), Some(1), "{f}: {}", text(&o));
        assert!(text(&o).contains("DOCTYPE"), "{}", text(&o));
        assert_eq!(v["summary"]["new_events"], 0);
    }
    let store = dunwatch_core::Store::open(&db).unwrap();
    assert_eq!(store.event_count().unwrap(), 0);
}

#[test]
fn reports_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.sqlite");
    let db = db.to_str().unwrap();
    let files = [fixture("sms-backup.xml"), fixture("calls-backup.xml")];
    let (o, _) = import_json(db, &files, dir.path());
    assert!(o.status.success(), "{}", text(&o));

    let html = dir.path().join("r.html");
    let o = dunwatch(
        &[
            "report", "--db", db, "--format", "html", "--lang", "en", "-o",
        ],
        dir.path(),
    );
    assert!(!o.status.success(), "-o needs a value");
    let o = dunwatch(
        &[
            "report",
            "--db",
            db,
            "--format",
            "html",
            "--lang",
            "en",
            "-o",
            html.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("Content-Security-Policy") && page.contains("default-src 'none'"));
    assert!(page.contains("146</b> calls") && page.contains("60</b> messages"));
    let store = dunwatch_core::Store::open(db).unwrap();
    assert!(page.contains(&store.head().unwrap().1));

    let json = dir.path().join("r.json");
    let o = dunwatch(
        &[
            "report",
            "--db",
            db,
            "--format",
            "json",
            "-o",
            json.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let v: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["events"].as_array().unwrap().len(), 206);
    assert_eq!(v["verification"]["ok"], true);

    let csv = dir.path().join("evidence.csv");
    let o = dunwatch(
        &[
            "report",
            "--db",
            db,
            "--format",
            "csv",
            "-o",
            csv.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let events = std::fs::read(dir.path().join("evidence-events.csv")).unwrap();
    let flags = std::fs::read(dir.path().join("evidence-flags.csv")).unwrap();
    assert!(events.starts_with(b"\xEF\xBB\xBF") && flags.starts_with(b"\xEF\xBB\xBF"));
    let events = String::from_utf8(events).unwrap();
    // Header plus one row per event; rows may hold quoted newlines, so count ids instead.
    assert!(events.matches("\r\n").count() >= 207);
    assert!(
        events.contains(",'+8617012345678,"),
        "formula guard on numbers"
    );
    assert!(!dir.path().join(".evidence-events.csv.tmp").exists());

    let bad = dunwatch(&["report", "--db", db, "--lang", "fr"], dir.path());
    assert!(!bad.status.success() && text(&bad).contains("zh or en"));
}
