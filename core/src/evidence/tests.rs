use super::*;
use crate::model::{Call, CallDirection, Sms, SmsDirection};

const AT: i64 = 1_700_000_000_000; // 06:13 in Shanghai

fn ev() -> Evidence {
    Evidence::open_in_memory(None).unwrap()
}

fn call(e: &Evidence, number: &str, ms: i64, talk_ms: u64) -> Recorded {
    e.record(&NewEvent {
        source: EventSource::Live,
        payload: EventPayload::Call(Call {
            number: e.parse_number(number).unwrap(),
            direction: CallDirection::Incoming,
            start: Instant::new(ms, 8 * 3600).unwrap(),
            ring_ms: None,
            talk_ms,
            sim_slot: None,
        }),
    })
    .unwrap()
}

fn sms(e: &Evidence, number: &str, ms: i64, body: &str) -> Recorded {
    e.record(&NewEvent {
        source: EventSource::Live,
        payload: EventPayload::Sms(Sms {
            number: e.parse_number(number).unwrap(),
            body: body.into(),
            sent: None,
            received: Instant::new(ms, 8 * 3600).unwrap(),
            sim_slot: None,
            direction: SmsDirection::Incoming,
        }),
    })
    .unwrap()
}

/// After every use case the flags equal those of a rebuild from scratch.
fn assert_current(e: &Evidence) {
    let before = e.flags(&FlagQuery::default()).unwrap();
    let key = |f: &FlagRecord| (f.flag.rule.clone(), f.flag.events.clone(), f.flag.at.utc_ms);
    let mut a: Vec<_> = before.iter().map(key).collect();
    e.recompute_flags().unwrap();
    let mut b: Vec<_> = e
        .flags(&FlagQuery::default())
        .unwrap()
        .iter()
        .map(key)
        .collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn each_write_keeps_flags_current() {
    let e = ev();
    let r = call(&e, "13800138000", AT, 0);
    assert!(r.new);
    assert_eq!(r.flags, 0, "an unknown number is no collector");
    assert_current(&e);
    e.tag("13800138000", "Loan A", None).unwrap();
    let night = e.flags(&FlagQuery::default()).unwrap();
    assert!(!night.is_empty(), "tagging re-reads the earlier call");
    assert_current(&e);
    let info = e.untag("13800138000").unwrap();
    assert_eq!(info.case_id, None);
    assert!(e.flags(&FlagQuery::default()).unwrap().is_empty());
    assert_current(&e);
    e.tag("13800138000", "Loan A", Some("collector")).unwrap();
    let at = Instant::new(AT - 86_400_000, 8 * 3600).unwrap();
    e.annotate(&NewAnnotation {
        kind: annotation_kind("stop_request").unwrap(),
        case_name: Some("Loan A".into()),
        event_id: None,
        at,
        text: "stop".into(),
    })
    .unwrap();
    assert_current(&e);
    let r = sms(&e, "13800138000", AT + 3_600_000, "请尽快还款，否则上门");
    assert!(r.new);
    assert_current(&e);
    let mut s = e.settings().unwrap();
    s.jurisdiction = crate::Jurisdiction::Us;
    s.home_tz = "America/New_York".into();
    e.change_settings(&s).unwrap();
    assert_current(&e);
    assert!(annotation_kind("shout").is_err());
}

#[test]
fn update_call_checks_its_target() {
    let e = ev();
    let r = sms(&e, "13800138000", AT, "hello");
    let up = |call| CallUpdate {
        call,
        direction: CallDirection::Incoming,
        ring_ms: None,
        talk_ms: 1000,
    };
    assert!(matches!(
        e.update_call(up(r.id)),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(e.update_call(up(999)), Err(Error::NotFound(_))));
    let c = call(&e, "13800138000", AT, 0);
    assert!(e.update_call(up(c.id)).unwrap().new);
}

#[test]
fn today_counts_calls_against_the_daily_limits() {
    let e = ev();
    e.tag("13800138000", "Loan A", None).unwrap();
    e.tag("13900139000", "Loan A", None).unwrap();
    // 10:00 Shanghai on the day of AT, then a call every 10 minutes; one recorded twice.
    let ten = AT - 6 * 3_600_000 - 13 * 60_000 + 10 * 3_600_000;
    for k in 0..5 {
        call(
            &e,
            "13800138000",
            ten + k * 600_000,
            if k == 0 { 30_000 } else { 0 },
        );
    }
    call(&e, "13800138000", ten + 2 * 600_000 + 1_000, 0);
    call(&e, "13900139000", ten + 4_000_000, 0);
    sms(&e, "13900139000", ten, "还款");
    // The day before: not counted.
    call(&e, "13800138000", ten - 86_400_000, 0);
    let at = Instant::new(ten + 5_000_000, 8 * 3600).unwrap();
    let page = e.today(at).unwrap();
    assert!(page.permitted_now);
    assert!(!page.hours.is_empty());
    let a = page.collectors.iter().find(|c| c.name == "Loan A").unwrap();
    assert_eq!((a.calls, a.connected, a.sms), (6, 1, 1));
    assert!(!a.limits.is_empty());
    for l in &a.limits {
        let want = match l.counts.as_str() {
            "any" => 6,
            "connected" => 1,
            _ => 5,
        };
        assert_eq!(l.used, want, "{l:?}");
    }
    let night = Instant::new(AT, 8 * 3600).unwrap();
    assert!(!e.today(night).unwrap().permitted_now);
}

#[test]
fn timeline_and_case_page() {
    let e = ev();
    e.tag("13800138000", "Loan A", None).unwrap();
    let c = call(&e, "13800138000", AT, 0);
    sms(&e, "13700137000", AT + 1000, "hello");
    let all = e.timeline(&EventQuery::default(), false).unwrap();
    assert_eq!(all.len(), 2);
    // Collector contacts only: the case's call, not the unknown number's greeting.
    let collectors = e.timeline(&EventQuery::default(), true).unwrap();
    assert_eq!(collectors.len(), 1);
    assert_eq!(collectors[0].event.id, c.id);
    let skipped = EventQuery {
        offset: 1,
        ..Default::default()
    };
    assert!(e.timeline(&skipped, true).unwrap().is_empty());
    let case = e.cases().unwrap()[0].id;
    let mine = e
        .timeline(
            &EventQuery {
                case: Some(case),
                ..Default::default()
            },
            false,
        )
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].event.id, c.id);
    assert!(
        !mine[0].flags.is_empty(),
        "a night call of a case is flagged"
    );
    let page = e.case_page(case).unwrap();
    assert_eq!(page.case.name, "Loan A");
    assert_eq!(page.days.len(), 1);
    assert_eq!(page.days[0].calls, 1);
    assert_eq!(page.days[0].flags as usize, mine[0].flags.len());
    assert!(page
        .rules
        .iter()
        .all(|r| !r.source.is_empty() && r.count > 0));
    assert!(matches!(e.case_page(9999), Err(Error::NotFound(_))));
}

#[test]
fn rule_texts_one_language_at_a_time() {
    let e = ev();
    let zh = e.rule_texts("zh").unwrap();
    let en = e.rule_texts("en").unwrap();
    assert_eq!(zh.len(), en.len());
    let han = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let night = |v: &[RuleText]| v.iter().find(|r| r.rule == "CN.TIME.GBT").cloned().unwrap();
    assert_eq!(night(&zh).description, "夜间（22:00–08:00）不得催收");
    assert!(han(&night(&zh).source), "{}", night(&zh).source);
    assert_eq!(night(&en).description, "no collection at night");
    assert!(!han(&night(&en).source));
    // Every English text is English alone, and an unknown language falls back to it.
    assert!(en.iter().all(|r| !r.description.contains(" / ")));
    assert_eq!(e.rule_texts("fr").unwrap(), en);
}
