//! Loan records as evidence: chained, superseded (never edited), refused whole when wrong, and
//! raising their own flags when the cost is above a legal line.

use dunwatch_core::loan::{Flow, Lender, LoanRecord, Money};
use dunwatch_core::store::{AnnotationKind, FlagQuery, NewAnnotation};
use dunwatch_core::{rules, Store};

fn flow(date: &str, cents: i64) -> Flow {
    Flow::new(
        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
        Money(cents),
    )
}

fn record() -> LoanRecord {
    let mut r = LoanRecord::new("速借花", "CNY");
    r.principal = Some(Money(1_000_000));
    r.received.push(flow("2025-03-01", 700_000));
    for m in 4..=12 {
        r.repaid.push(flow(&format!("2025-{m:02}-01"), 100_000));
    }
    for m in 1..=3 {
        r.repaid.push(flow(&format!("2026-{m:02}-01"), 100_000));
    }
    r
}

#[test]
fn loans_are_chained_superseded_and_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("e.sqlite")).unwrap();
    let first = store.add_loan(&record()).unwrap();
    assert!(first.new && first.supersedes.is_none());
    // The same record again stores nothing.
    let again = store.add_loan(&record()).unwrap();
    assert_eq!((again.id, again.new), (first.id, false));
    // A correction supersedes; the first stays in the chain.
    let mut fixed = record();
    fixed.lender = Lender::Private;
    let second = store.add_loan(&fixed).unwrap();
    assert!(second.new);
    assert_eq!(second.supersedes, Some(first.id));
    assert_eq!(store.loan_history().unwrap().len(), 2);
    let now = store.loans().unwrap();
    assert_eq!(now.len(), 1);
    assert_eq!(now[0].record, fixed);
    assert_eq!(store.loan("速借花").unwrap().unwrap().id, second.id);
    let v = store.verify().unwrap();
    assert!(v.ok());
    // The case's creation (chained membership), then the two loan records.
    assert_eq!(
        v.chains
            .iter()
            .find(|c| c.chain == "annotations")
            .unwrap()
            .rows,
        3
    );
    // The case exists.
    assert!(store.cases().unwrap().iter().any(|c| c.name == "速借花"));

    // The flags: a private lender is held against 4 × LPR only.
    rules::rebuild(&store).unwrap();
    let flags = store.flags(&FlagQuery::default()).unwrap();
    let rules_raised: Vec<&str> = flags.iter().map(|f| f.flag.rule.as_str()).collect();
    assert_eq!(rules_raised, ["CN.RATE.LPR4"]);
    let f = &flags[0].flag;
    assert!(f.case_id.is_some() && f.events.is_empty());
    assert!(f.description.contains("113.4"), "{}", f.description);
    assert!(f.description.contains("12.40%"), "{}", f.description);
    assert!(f.source.contains("art. 25"));
    assert_eq!(f.detail.value()["limit_pct"].as_f64(), Some(12.4));
    // The audit re-derives the loan flags from the chained records too.
    assert!(rules::audit::audit(&store).unwrap().ok());
}

#[test]
fn a_bad_record_stores_nothing() {
    let store = Store::open_in_memory().unwrap();
    store.add_loan(&record()).unwrap();
    let before = store.annotations().unwrap().len();
    let mut bad = record();
    bad.repaid[5].currency = Some("USD".into());
    let e = store.add_loan(&bad).unwrap_err().to_string();
    assert!(e.contains("repaid #6"), "{e}");
    let mut bad = record();
    bad.received.clear();
    assert!(store.add_loan(&bad).is_err());
    assert_eq!(store.annotations().unwrap().len(), before);
    assert_eq!(store.loans().unwrap()[0].record, record());
    // Only add_loan writes loan records.
    let e = store
        .add_annotation(&NewAnnotation {
            kind: AnnotationKind::Loan,
            case_name: Some("x".into()),
            event_id: None,
            at: dunwatch_core::Instant::new(0, 0).unwrap(),
            text: "{}".into(),
        })
        .unwrap_err();
    assert!(e.to_string().contains("add_loan"));
    assert!(store.verify().unwrap().ok());
}
