//! Issue 14 end to end: after `dunwatch tag NUMBER --case 速借花`, that number's insult and
//! exposure (no debt word) are flagged with the reason, without importing again; the same
//! texts from an unknown number are not; `untag` takes the flags away. The import summary's
//! collector numbers follow the same definition.

mod common;
use common::*;

use std::process::Output;

fn ok(o: Output) -> String {
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const COLLECTOR: &str = "+8617012345678";
const STRANGER: &str = "+8613912345678";
const ABUSE: &str = "你这种人渣连狗都不如。";
const EXPOSURE: &str = "你单位同事的电话我们都有，要不要帮你宣传一下？";

/// Flags as `flags --json` prints them: (rule, numbers, description, detail).
fn flags(db: &str, home: &std::path::Path) -> Vec<serde_json::Value> {
    ok(dunwatch(&["flags", "--db", db, "--json"], home))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn names(f: &serde_json::Value, number: &str) -> bool {
    f["numbers"].as_array().unwrap().iter().any(|n| n == number)
}

#[test]
fn a_tagged_number_is_read_as_a_collector_and_untag_reverses_it() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let db = home.join("e.sqlite");
    let db = db.to_str().unwrap();
    ok(dunwatch(
        &["init", "--db", db, "--jurisdiction", "cn"],
        home,
    ));
    // 2026-11-08 10:00 in Shanghai and the minutes after.
    let t = 1_794_103_200_000i64;
    let mut csv = String::from("kind,direction,number,time,body,duration_s\n");
    for (i, (n, body)) in [
        (COLLECTOR, ABUSE),
        (COLLECTOR, EXPOSURE),
        (STRANGER, ABUSE),
        ("+8613912345679", EXPOSURE),
    ]
    .iter()
    .enumerate()
    {
        csv.push_str(&format!(
            "sms,incoming,{n},{},{body},\n",
            t + i as i64 * 60_000
        ));
    }
    let file = home.join("sms.csv");
    std::fs::write(&file, csv).unwrap();
    let summary: serde_json::Value = serde_json::from_str(&ok(dunwatch(
        &["import", "--json", "--db", db, file.to_str().unwrap()],
        home,
    )))
    .unwrap();
    assert_eq!(summary["collector_numbers"], serde_json::json!([]));
    assert!(flags(db, home).is_empty(), "{:?}", flags(db, home));

    ok(dunwatch(
        &["tag", "--db", db, COLLECTOR, "--case", "速借花"],
        home,
    ));
    let got = flags(db, home);
    for rule in ["CN.ABUSE", "CN.DISCLOSE"] {
        assert!(
            got.iter().any(|f| f["rule"] == rule
                && names(f, COLLECTOR)
                && f["description"]
                    .as_str()
                    .unwrap()
                    .contains("sender is in case 速借花")
                && f["detail"]["checks"][0]["context"]
                    .as_str()
                    .is_some_and(|c| c.starts_with("sender is in case 速借花"))),
            "{rule}: {got:?}"
        );
    }
    assert!(got.iter().all(|f| names(f, COLLECTOR)), "{got:?}");
    // The report's JSON export carries the same explanation.
    let out = home.join("report.json");
    ok(dunwatch(
        &[
            "report",
            "--db",
            db,
            "--format",
            "json",
            "--output",
            out.to_str().unwrap(),
        ],
        home,
    ));
    let report = std::fs::read_to_string(&out).unwrap();
    assert!(report.contains("sender is in case 速借花"), "{report}");

    ok(dunwatch(&["untag", "--db", db, COLLECTOR], home));
    assert!(flags(db, home).is_empty(), "{:?}", flags(db, home));
}
