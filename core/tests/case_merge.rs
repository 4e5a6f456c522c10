//! Merging two cases (issue 15): the numbers of one join the other, the day's limits count the
//! contacts of both, the merged case leaves the list but what names it (a stop request, a later
//! tag, a creditor named in a later SMS) means the case it went into, the chain records it and
//! `verify` stays clean; merging into itself, twice, or into an unknown case is refused.

mod common;

use common::{call, sms};
use dunwatch_core::store::{AnnotationKind, FlagQuery, NewAnnotation};
use dunwatch_core::*;

/// 2026-11-09 02:00 UTC = 10:00 in Shanghai: inside every permitted window.
const T: i64 = 1_794_189_600_000;
const MIN: i64 = 60_000;
const N1: &str = "+8617012345678";
const N2: &str = "+8617012345679";

fn rules(e: &Evidence) -> Vec<String> {
    let mut r: Vec<String> = e
        .flags(&FlagQuery::default())
        .unwrap()
        .into_iter()
        .map(|f| f.flag.rule)
        .collect();
    r.sort();
    r
}

fn store_with_two_cases() -> (tempfile::TempDir, Evidence) {
    let dir = tempfile::tempdir().unwrap();
    let e = Evidence::open(dir.path().join("e.sqlite"), None).unwrap();
    e.tag(N1, "速借花", Some("collector")).unwrap();
    e.tag(N2, "花花钱包", None).unwrap();
    // Two calls from each number in one morning: two per case, under "more than 3 a day".
    for (i, n) in [N1, N2, N1, N2].iter().enumerate() {
        e.record(&call(n, T + i as i64 * 10 * MIN, 0)).unwrap();
    }
    (dir, e)
}

#[test]
fn merged_cases_count_together_and_the_emptied_case_goes() {
    let (_dir, e) = store_with_two_cases();
    assert!(
        !rules(&e).iter().any(|r| r == "CN.FREQ.SEED"),
        "{:?}",
        rules(&e)
    );
    let merged = e.merge_cases("花花钱包", "速借花").unwrap();
    assert_eq!(merged.from, "花花钱包");
    assert_eq!(merged.moved, vec![N2.to_string()]);
    assert_eq!(merged.case.name, "速借花");
    assert_eq!(merged.case.numbers, vec![N1.to_string(), N2.to_string()]);
    assert_eq!(merged.case.merged, vec!["花花钱包".to_string()]);
    let cases = e.cases().unwrap();
    assert_eq!(cases.len(), 1, "{cases:?}");
    // Four calls in one case: the day's limit is broken, on the merged case.
    let flags = e.flags(&FlagQuery::default()).unwrap();
    let seed: Vec<_> = flags
        .iter()
        .filter(|f| f.flag.rule == "CN.FREQ.SEED")
        .collect();
    assert_eq!(seed.len(), 1, "{flags:?}");
    assert_eq!(seed[0].case_name.as_deref(), Some("速借花"));
    // What incremental evaluation left equals a rebuild.
    let before = rules(&e);
    e.recompute_flags().unwrap();
    assert_eq!(rules(&e), before);
    let v = e.verify().unwrap();
    assert!(v.ok(), "{v:?}");
}

#[test]
fn what_names_the_merged_case_means_the_case_it_went_into() {
    let (_dir, e) = store_with_two_cases();
    e.annotate(&NewAnnotation {
        kind: AnnotationKind::StopRequest,
        case_name: Some("花花钱包".into()),
        event_id: None,
        at: Instant::new(T - 60 * MIN, 8 * 3600).unwrap(),
        text: "请停止联系我".into(),
    })
    .unwrap();
    e.merge_cases("花花钱包", "速借花").unwrap();
    let case = e.cases().unwrap().remove(0);
    let page = e.case_page(case.id).unwrap();
    assert_eq!(page.annotations.len(), 1, "{:?}", page.annotations);
    // A later tag by the old name joins the case it went into; no case comes back.
    let info = e.tag("+8617012345670", "花花钱包", None).unwrap();
    assert_eq!(info.case_name.as_deref(), Some("速借花"));
    assert_eq!(e.cases().unwrap().len(), 1);
    // So does a collection SMS from a new number naming the old case as its creditor.
    e.record(&sms(
        "+8617012345671",
        "【花花钱包】您的借款已逾期30天，请立即还款。",
        T + 3_600_000,
    ))
    .unwrap();
    let cases = e.cases().unwrap();
    assert_eq!(cases.len(), 1, "{cases:?}");
    e.recompute_flags().unwrap();
    assert_eq!(
        e.cases().unwrap(),
        cases,
        "a rebuild re-derives the same joins"
    );
    let v = e.verify().unwrap();
    assert!(v.ok(), "{v:?}");
}

#[test]
fn bad_merges_are_refused_and_change_nothing() {
    let (_dir, e) = store_with_two_cases();
    let cases = e.cases().unwrap();
    let err = |r: Result<store::Merged>| r.unwrap_err().to_string();
    assert!(err(e.merge_cases("速借花", "速借花")).contains("itself"));
    assert!(err(e.merge_cases("nope", "速借花")).contains("nope"));
    assert!(err(e.merge_cases("速借花", "nope")).contains("nope"));
    assert_eq!(e.cases().unwrap(), cases);
    e.merge_cases("花花钱包", "速借花").unwrap();
    assert!(err(e.merge_cases("花花钱包", "速借花")).contains("already merged"));
    // A chain of merges: a third case merged into the survivor takes the first one along.
    e.tag("+8617012345672", "第三家", None).unwrap();
    e.merge_cases("速借花", "第三家").unwrap();
    let cases = e.cases().unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].name, "第三家");
    // The survivor had no party; it takes the merged case's ("collector", set at its tag).
    assert_eq!(cases[0].party.as_str(), "collector");
    assert_eq!(
        cases[0].merged,
        vec!["速借花".to_string(), "花花钱包".to_string()]
    );
    assert_eq!(cases[0].numbers.len(), 3);
    assert_eq!(
        e.tag("+8617012345673", "花花钱包", None)
            .unwrap()
            .case_name
            .as_deref(),
        Some("第三家")
    );
    let v = e.verify().unwrap();
    assert!(v.ok(), "{v:?}");
}
