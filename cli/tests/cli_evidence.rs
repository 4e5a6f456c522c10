//! The use cases the app has and the CLI offers too: `untag`, `merge`, `note` and `attach`.

mod common;
use common::*;

#[test]
fn untag_note_and_attach() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.sqlite");
    let db = db.to_str().unwrap();
    let ok = |args: &[&str]| {
        let o = dunwatch(args, dir.path());
        assert!(o.status.success(), "{args:?}: {}", text(&o));
        text(&o)
    };
    ok(&["init", "--db", db, "--jurisdiction", "cn"]);
    let t = ok(&["tag", "--db", db, "13800138000", "--case", "Loan A"]);
    assert!(t.contains("+8613800138000 is in case Loan A"), "{t}");
    let t = ok(&["untag", "--db", db, "138 0013 8000"]);
    assert!(t.contains("+8613800138000 is in no case; 0 flags"), "{t}");

    let t = ok(&[
        "note",
        "--db",
        db,
        "they called my mother",
        "--case",
        "Loan A",
        "--at",
        "2025-03-05 10:00",
    ]);
    assert!(
        // Note #4: the case's creation, the tag and the untag are chained before it.
        t.contains("recorded note #4 at 2025-03-05T10:00:00.000+08:00"),
        "{t}"
    );

    let file = dir.path().join("letter.jpg");
    std::fs::write(&file, b"abc").unwrap();
    let t = ok(&[
        "attach",
        "--db",
        db,
        file.to_str().unwrap(),
        "--case",
        "Loan A",
    ]);
    assert!(t.contains("as attachment #1"), "{t}");
    let o = dunwatch(&["attach", "--db", db, "/no/such/file"], dir.path());
    assert!(!o.status.success());
    assert!(
        text(&o).contains("cannot open /no/such/file"),
        "{}",
        text(&o)
    );

    // Both are chained evidence; the attachment is pinned by the file's SHA-256.
    let v: serde_json::Value =
        serde_json::from_str(&ok(&["verify", "--db", db, "--json"])).unwrap();
    let rows = |chain: &str| {
        v["verify"]["chains"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["chain"] == chain)
            .unwrap()["rows"]
            .clone()
    };
    assert_eq!(rows("annotations"), 4);
    assert_eq!(rows("attachments"), 1);
    assert_eq!(v["verify"]["membership"], serde_json::json!([]));
    let store = dunwatch_core::Store::open(db).unwrap();
    let a = &store.attachments().unwrap()[0];
    assert_eq!(
        a.data.sha256,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!((a.data.size, a.data.name.as_str()), (3, "letter.jpg"));
}

/// Case membership changed with plain SQL is named by `verify` (exit 1) and by the report.
#[test]
fn membership_forged_with_sql_fails_verify_and_the_report_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.sqlite");
    let db = db.to_str().unwrap();
    let o = dunwatch(
        &["tag", "--db", db, "13800138000", "--case", "Loan A"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = dunwatch(&["verify", "--db", db], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute_batch(
        "INSERT INTO cases(name, created_ms) VALUES('Loan B', 0);
         UPDATE numbers SET case_id = (SELECT id FROM cases WHERE name = 'Loan B');",
    )
    .unwrap();
    drop(c);
    let o = dunwatch(&["verify", "--db", db], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("BROKEN: membership"), "{t}");
    assert!(t.contains("case \"Loan B\""), "{t}");
    assert!(t.contains("number +8613800138000"), "{t}");
    let html = dir.path().join("r.html");
    let o = dunwatch(
        &[
            "report",
            "--db",
            db,
            "--lang",
            "en",
            "-o",
            html.to_str().unwrap(),
        ],
        dir.path(),
    );
    let _ = o;
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("BROKEN: chain membership"),
        "the report does not say it"
    );
}

#[test]
fn merge_two_cases() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.sqlite");
    let db = db.to_str().unwrap();
    let run = |args: &[&str]| dunwatch(args, dir.path());
    let ok = |args: &[&str]| {
        let o = run(args);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
        text(&o)
    };
    ok(&["init", "--db", db, "--jurisdiction", "cn"]);
    ok(&["tag", "--db", db, "13800138000", "--case", "Loan A"]);
    ok(&["tag", "--db", db, "13800138001", "--case", "Loan B"]);
    let t = ok(&["merge", "--db", db, "Loan B", "--into", "Loan A"]);
    assert!(
        t.contains("case Loan B merged into Loan A: 1 numbers moved, 2 numbers in Loan A"),
        "{t}"
    );
    let o = run(&["merge", "--db", db, "Loan B", "--into", "Loan A"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("already merged"), "{}", text(&o));
    // The old name keeps meaning the merged case.
    let t = ok(&["tag", "--db", db, "13800138002", "--case", "Loan B"]);
    assert!(t.contains("is in case Loan A"), "{t}");
    let v: serde_json::Value =
        serde_json::from_str(&ok(&["verify", "--db", db, "--json"])).unwrap();
    assert!(v["verify"]["broken"].is_null(), "{v}");
    assert_eq!(v["verify"]["membership"], serde_json::json!([]), "{v}");
}
