//! Call screening decisions under the default policy, per role and pack.

mod rules_support;

use dunwatch_core::rules::CollectorEntry;
use dunwatch_core::rules::{screen, screen_with, ScreenAction, ScreenPolicy};
use dunwatch_core::store::AnnotationKind;
use rules_support::T;

const C1: &str = "13800138001";
const C2: &str = "13800138002";

fn action(t: &T, number: &str, local: &str) -> (ScreenAction, Option<String>) {
    let d = screen(&t.store, number, t.at(local)).unwrap();
    assert!(!d.reason.is_empty());
    (d.action, d.rule)
}

#[test]
fn borrower_rings_through_until_the_cap_or_the_hours() {
    let t = T::cn();
    t.tag(C1, "acme");
    t.tag(C2, "acme");
    assert_eq!(
        action(&t, "13900000000", "2025-03-10 23:00").0,
        ScreenAction::Allow
    );
    assert_eq!(
        action(&t, C1, "2025-03-10 09:00"),
        (ScreenAction::AllowAndLog, None)
    );
    assert_eq!(
        action(&t, C1, "2025-03-10 21:00"),
        (ScreenAction::Silence, Some("CN.TIME.NIFA".into()))
    );
    assert_eq!(
        action(&t, C1, "2025-03-10 07:59:59"),
        (ScreenAction::Silence, Some("CN.TIME.NIFA".into()))
    );
    // Three calls today from the case (two numbers, one recorded twice): the cap is used.
    t.call(C1, "2025-03-10 08:30", 0);
    t.call(C2, "2025-03-10 09:30", 0);
    assert_eq!(
        action(&t, C1, "2025-03-10 10:00").0,
        ScreenAction::AllowAndLog
    );
    let at = t.at("2025-03-10 10:30");
    t.call_full(C1, at, 0, None, dunwatch_core::EventSource::Live);
    let dup = dunwatch_core::Instant::new(at.utc_ms + 2000, at.offset_secs).unwrap();
    t.call_full(C1, dup, 0, None, dunwatch_core::EventSource::CallLog);
    assert_eq!(
        action(&t, C2, "2025-03-10 11:00"),
        (ScreenAction::Silence, Some("CN.FREQ.SEED".into()))
    );
    // A new local day starts a new count.
    assert_eq!(
        action(&t, C2, "2025-03-11 09:00").0,
        ScreenAction::AllowAndLog
    );
    // The policy can ring through regardless.
    let lax = ScreenPolicy {
        silence_over_cap: false,
        ..ScreenPolicy::default()
    };
    let d = screen_with(&t.store, C2, t.at("2025-03-10 11:00"), &lax).unwrap();
    assert_eq!(d.action, ScreenAction::AllowAndLog);
    assert_eq!(d.case.as_deref(), Some("acme"));
}

#[test]
fn third_party_rejects_known_collectors() {
    let t = T::new("cn", "family", "Asia/Shanghai");
    t.store
        .import_collectors(&[CollectorEntry {
            number: C1.into(),
            creditor: None,
            source: "community".into(),
        }])
        .unwrap();
    let d = screen(&t.store, "+86 138 0013 8001", t.at("2025-03-10 10:00")).unwrap();
    assert_eq!(d.action, ScreenAction::Reject);
    assert_eq!(d.rule.as_deref(), Some("CN.TP"));
    assert!(d.reason.contains("community"), "{}", d.reason);
    assert_eq!(action(&t, C2, "2025-03-10 10:00").0, ScreenAction::Allow);
}

#[test]
fn us_rules_silence_after_talk_and_after_a_stop_request() {
    let t = T::new("us", "borrower", "America/New_York");
    t.tag("2025550100", "acme");
    t.tag("2025550111", "other");
    t.call("2025550100", "2025-04-01 10:00", 60);
    assert_eq!(
        action(&t, "2025550100", "2025-04-07 10:00"),
        (ScreenAction::Silence, Some("US.FREQ.AFTERTALK".into()))
    );
    assert_eq!(
        action(&t, "2025550100", "2025-04-08 10:00").0,
        ScreenAction::AllowAndLog
    );
    t.annotate(AnnotationKind::StopRequest, "other", "2025-04-01 12:00");
    assert_eq!(
        action(&t, "2025550111", "2025-04-02 10:00"),
        (ScreenAction::Silence, Some("US.CEASE".into()))
    );
}

#[test]
fn bad_numbers_are_errors_not_panics() {
    let t = T::cn();
    assert!(screen(&t.store, "1\u{0}2", t.at("2025-03-10 10:00")).is_err());
    assert!(screen(&t.store, &"9".repeat(100), t.at("2025-03-10 10:00")).is_err());
}
