//! `dunwatch loan` as a user runs it: from options and from a file, shown again, corrected,
//! refused whole when wrong, and raising its flags.

mod common;
use common::*;

fn ok(o: std::process::Output) -> String {
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn record_show_correct_and_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let db = home.join("e.sqlite");
    let db_s = db.to_str().unwrap();
    ok(dunwatch(
        &["init", "--db", db_s, "--jurisdiction", "cn"],
        home,
    ));

    // A 7-day loan: 1,000 received, 1,000 and a 300 fee paid back a week later.
    let args = [
        "loan",
        "--db",
        db_s,
        "--case",
        "快贷",
        "--received",
        "2025-05-01:1000",
        "--repaid",
        "2025-05-08:1000",
        "--fee",
        "2025-05-08:300:服务费",
        "--lender",
        "private",
    ];
    let out = ok(dunwatch(&args, home));
    // #2: the case's creation is chained (as membership) before the loan record.
    assert!(out.contains("recorded loan #2 for case 快贷"), "{out}");
    // 30% over 7 days: 30 × 365 / 7 = 1,564.29% a year (PBOC method).
    assert!(
        out.contains("1,564.29%") && out.contains("IRR per 7 days"),
        "{out}"
    );
    assert!(
        out.contains("CN.RATE.LPR4") && out.contains("ABOVE"),
        "{out}"
    );
    // Again: nothing added.
    let out = ok(dunwatch(&args, home));
    assert!(out.contains("already this record"), "{out}");
    // Shown from the store.
    let out = ok(dunwatch(&["loan", "--db", db_s, "--case", "快贷"], home));
    assert!(
        out.contains("loan record #2") && out.contains("1,564.29%"),
        "{out}"
    );
    // Flagged.
    let flags = ok(dunwatch(&["flags", "--db", db_s, "--json"], home));
    assert!(flags.contains("CN.RATE.LPR4"), "{flags}");

    // A correction from a file supersedes.
    let file = home.join("loan.toml");
    std::fs::write(
        &file,
        "case = \"快贷\"\nlender = \"private\"\n[[received]]\ndate = \"2025-05-01\"\namount = 1000\n\
         [[repaid]]\ndate = \"2025-05-08\"\namount = 1001\n",
    )
    .unwrap();
    let out = ok(dunwatch(
        &["loan", "--db", db_s, "--file", file.to_str().unwrap()],
        home,
    ));
    assert!(
        out.contains("recorded loan #3") && out.contains("supersedes #2"),
        "{out}"
    );
    // 0.1% over a week is 5.21% a year: within 4 × the LPR of 3.10% (12.40%).
    assert!(out.contains("within"), "{out}");
    let flags = ok(dunwatch(&["flags", "--db", db_s, "--json"], home));
    assert!(!flags.contains("CN.RATE"), "{flags}");

    // Wrong input: a clear error naming the entry, exit 2, nothing stored.
    for (bad, says) in [
        (
            vec!["--repaid", "2025-04-01:500"],
            "repaid #1 (2025-04-01, 500.00) is before the loan",
        ),
        (vec!["--repaid", "2025-06-01:0"], "must be more than zero"),
        (
            vec!["--repaid", "2025-06-01:1000", "--repaid", "2025-05-20:100"],
            "dates out of order: repaid #2 (2025-05-20",
        ),
        (vec!["--repaid", "2025-06-01:abc"], "not a number"),
    ] {
        let mut a = vec![
            "loan",
            "--db",
            db_s,
            "--case",
            "坏",
            "--received",
            "2025-05-01:1000",
        ];
        a.extend(bad);
        let o = dunwatch(&a, home);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains(says), "{}", text(&o));
    }
    let o = dunwatch(
        &[
            "loan",
            "--db",
            db_s,
            "--case",
            "空",
            "--repaid",
            "2025-05-01:10",
        ],
        home,
    );
    assert!(text(&o).contains("no money received"), "{}", text(&o));
    let store = dunwatch_core::Store::open(&db).unwrap();
    assert_eq!(store.loan_history().unwrap().len(), 2);
    assert!(store.verify().unwrap().ok());
}
