//! The use cases the app has and the CLI offers too: `untag`, `note` and `attach`.

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
        t.contains("recorded note #1 at 2025-03-05T10:00:00.000+08:00"),
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
    assert_eq!(rows("annotations"), 1);
    assert_eq!(rows("attachments"), 1);
    let store = dunwatch_core::Store::open(db).unwrap();
    let a = &store.attachments().unwrap()[0];
    assert_eq!(
        a.data.sha256,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!((a.data.size, a.data.name.as_str()), (3, "letter.jpg"));
}
