//! `dunwatch import` and `dunwatch report` end to end, from the example phone export under
//! tests/fixtures/backup to the report files.

mod common;
use common::*;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/backup")
        .join(name)
        .to_string_lossy()
        .into_owned()
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
    // Read to its end, with ranges skipped: exit 3 (documented in `import --help`).
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
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
        text(&o).contains("line 6 (bytes 401..")
            && text(&o).contains("attribute body: entity &bomb; is not defined"),
        "{}",
        text(&o)
    );
}

/// Finding 1 of issue 17: a bad byte and a stray declaration ended the import with exit 0.
/// Now every record is read, the skip is listed with its byte range, the exit status is 3, and
/// `--strict` makes it a failure.
#[test]
fn skipped_ranges_set_the_exit_status_and_strict_fails() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.xml");
    let mut xml = b"<smses>\n<sms address=\"13800138000\" date=\"1741527000000\" type=\"1\" body=\"a\" contact_name=\"\xE4\" />\n<!ELEMENT x>\n".to_vec();
    xml.extend_from_slice(
        b"<sms address=\"13800138001\" date=\"1741527001000\" type=\"1\" body=\"b\" />\n</smses>\n",
    );
    std::fs::write(&file, &xml).unwrap();
    let file = file.to_str().unwrap().to_string();
    let db = dir.path().join("e.sqlite");
    let db = db.to_str().unwrap();
    let (o, v) = import_json(db, std::slice::from_ref(&file), dir.path());
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert_eq!(v["summary"]["new_events"], 2, "{v}");
    assert_eq!(v["summary"]["notes_total"], 1, "{v}");
    assert_eq!(v["summary"]["malformed"][0]["line"], 3, "{v}");
    let o = dunwatch(&["import", "--db", db, &file], dir.path());
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("line 3 (bytes 94..106)"), "{}", text(&o));

    let strict = dir.path().join("s.sqlite");
    let o = dunwatch(
        &[
            "import",
            "--strict",
            "--db",
            strict.to_str().unwrap(),
            &file,
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("--strict"), "{}", text(&o));
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
    let temps: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(temps.is_empty(), "{temps:?}");

    let bad = dunwatch(&["report", "--db", db, "--lang", "fr"], dir.path());
    assert!(!bad.status.success() && text(&bad).contains("zh, zh-Hant or en"));
}

/// The example export through the classifier and the rules engine, as an import runs them: the
/// flags a complaint would rest on are there, on the right contacts, and nothing touches the
/// family's or the bank's numbers.
#[test]
fn fixture_flags_from_the_rules_engine() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.sqlite");
    let db = db.to_str().unwrap();
    let files = [fixture("sms-backup.xml"), fixture("calls-backup.xml")];
    let (o, summary) = import_json(db, &files, dir.path());
    assert!(o.status.success(), "{}", text(&o));
    let o = dunwatch(&["flags", "--db", db, "--json"], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    let flags: Vec<Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let rules_of = |case: &str| -> std::collections::BTreeSet<String> {
        flags
            .iter()
            .filter(|f| f["case"] == case)
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    let sj = rules_of("速借金融");
    for r in [
        "CN.ABUSE",
        "CN.DISCLOSE",
        "CN.IMPERSONATE",
        "CN.LURE",
        "CN.TIME.NIFA",
        "CN.TIME.GBT",
        "CN.FREQ.SEED",
        "CN.FREQ.ATTEMPTS",
        "CN.FREQ.CONNECTED",
    ] {
        assert!(sj.contains(r), "速借金融 lacks {r}: {sj:?}");
    }
    let hh = rules_of("花花分期");
    assert!(
        hh.contains("CN.TIME.NIFA") && hh.contains("CN.TIME.GBT"),
        "{hh:?}"
    );

    // The first night call of the fixture (2025-03-11 23:54:47, rejected, from 171-9876-5432).
    assert!(flags.iter().any(|f| f["rule"] == "CN.TIME.GBT"
        && f["at"].as_str().unwrap().starts_with("2025-03-11T23:54:47")
        && f["numbers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n == "+8617198765432")));
    // The fake-police message (立案, 公安, 坐牢, 法院传票).
    assert!(flags
        .iter()
        .any(|f| f["rule"] == "CN.IMPERSONATE"
            && f["description"].as_str().unwrap().contains("立案")));

    // Family, bank, delivery and carrier numbers are never flagged or called collectors.
    let innocent = [
        "+8613911112222",
        "+8613566667777",
        "+8618622223333",
        "95588",
        "1069070069",
        "1069010045",
        "10086",
    ];
    for f in &flags {
        for n in f["numbers"].as_array().unwrap() {
            assert!(!innocent.contains(&n.as_str().unwrap()), "{f}");
        }
    }
    let collectors: Vec<&str> = summary["collector_numbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    for n in [
        "+8617012345678",
        "+8617198765432",
        "+8616533334444",
        "+8616677778888",
    ] {
        assert!(
            collectors.contains(&n),
            "{n} not found as a collector: {collectors:?}"
        );
    }
    assert!(collectors.iter().all(|n| !innocent.contains(n)));

    // The import's summary counts what is in the store.
    let by_rule = summary["flags_by_rule"].as_object().unwrap();
    assert_eq!(
        by_rule.values().map(|v| v.as_u64().unwrap()).sum::<u64>() as usize,
        flags.len()
    );
    assert_eq!(
        summary["summary"]["flags_added"].as_u64().unwrap() as usize,
        flags.len()
    );

    // Batch-wise evaluation during the import ends where a full re-evaluation does.
    let o = dunwatch(&["flags", "--db", db, "--rebuild", "--json"], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    let mut rebuilt: Vec<(String, String)> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|f| (f["rule"].to_string(), f["at"].to_string()))
        .collect();
    let mut imported: Vec<(String, String)> = flags
        .iter()
        .map(|f| (f["rule"].to_string(), f["at"].to_string()))
        .collect();
    rebuilt.sort();
    imported.sort();
    assert_eq!(imported, rebuilt);

    // The report shows the cases and cites the sources.
    let html = dir.path().join("r.html");
    let o = dunwatch(
        &[
            "report",
            "--db",
            db,
            "--lang",
            "zh",
            "-o",
            html.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("催收方: 速借金融") && page.contains("催收方: 花花分期"));
    assert!(page.contains("GB/T 45251"));
    assert!(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    assert!(page.contains("[U+202E]") && !page.contains('\u{202E}'));
    assert!(page.contains("关于速借金融违规催收的投诉"));

    // The same report in Traditional Chinese: its own wording and the CN pack's zh-Hant rule
    // texts; zh-TW (a locale's code) asks for the same language.
    let hant = dir.path().join("r-hant.html");
    for code in ["zh-Hant", "zh-TW"] {
        let o = dunwatch(
            &[
                "report",
                "--db",
                db,
                "--lang",
                code,
                "-o",
                hant.to_str().unwrap(),
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{code}: {}", text(&o));
        let page = std::fs::read_to_string(&hant).unwrap();
        assert!(page.contains("<html lang=\"zh-Hant\">"), "{code}");
        assert!(page.contains("<h1>催收行為證據報告</h1>") && page.contains("<h2>概覽</h2>"));
        assert!(page.contains("催收方: 速借金融") && page.contains("關於速借金融違規催收的投訴"));
        assert!(
            page.contains("夜間（22:00–08:00）不得催收") && page.contains("國家標準 GB/T 45251")
        );
        assert!(
            !page.contains("催收行为证据报告") && !page.contains("夜间（22:00–08:00）不得催收")
        );
    }
    let help = dunwatch(&["report", "--help"], dir.path());
    assert!(
        text(&help).contains("zh-Hant (Traditional Chinese"),
        "{}",
        text(&help)
    );
}
