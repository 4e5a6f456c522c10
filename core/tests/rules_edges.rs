//! Table-driven edge tests of each rule: time windows, daily and rolling counts, conversations,
//! third parties, stop requests, content, case joining and rotation.

mod rules_support;

use dunwatch_core::classify::Flag;
use dunwatch_core::store::AnnotationKind;
use rules_support::{collection, T};

const C1: &str = "13800138001";
const C2: &str = "13800138002";
const C3: &str = "13800138003";

#[test]
fn cn_time_windows() {
    // (local time, channel, expected rules)
    let table: &[(&str, bool, &[&str])] = &[
        ("2025-03-10 20:59:59", true, &[]),
        ("2025-03-10 21:00:00", true, &["CN.TIME.NIFA"]),
        ("2025-03-10 21:59:59", true, &["CN.TIME.NIFA"]),
        (
            "2025-03-10 22:00:00",
            true,
            &["CN.TIME.GBT", "CN.TIME.NIFA"],
        ),
        (
            "2025-03-10 07:59:59",
            true,
            &["CN.TIME.GBT", "CN.TIME.NIFA"],
        ),
        ("2025-03-10 08:00:00", true, &[]),
        (
            "2025-03-10 00:00:00",
            true,
            &["CN.TIME.GBT", "CN.TIME.NIFA"],
        ),
        // NIFA speaks of calls; the GB/T night ban covers any collection.
        ("2025-03-10 21:30:00", false, &[]),
        ("2025-03-10 22:30:00", false, &["CN.TIME.GBT"]),
        ("2025-03-10 07:59:00", false, &["CN.TIME.GBT"]),
    ];
    for (local, is_call, want) in table {
        let mut t = T::cn();
        t.tag(C1, "acme");
        t.classify("还款", collection(&[]));
        let ev = if *is_call {
            t.call(C1, local, 0)
        } else {
            t.sms(C1, local, "还款")
        };
        assert_eq!(t.rules_on(ev), *want, "{local} call={is_call}");
    }
}

#[test]
fn flags_use_the_offset_stored_with_the_event() {
    // The same UTC moment: 21:30 in Shanghai (violation), 14:30 in Berlin (fine) when the
    // borrower travelled; the store's home zone is Shanghai in both cases.
    for (rfc, want) in [
        ("2025-03-10T21:30:00+08:00", vec!["CN.TIME.NIFA"]),
        ("2025-03-10T14:30:00+01:00", vec![]),
    ] {
        let t = T::cn();
        t.tag(C1, "acme");
        let at = dunwatch_core::Instant::parse_rfc3339(rfc).unwrap();
        let ev = t.call_full(C1, at, 0, None, dunwatch_core::EventSource::Live);
        assert_eq!(t.rules_on(ev), want, "{rfc}");
    }
}

#[test]
fn us_time_across_dst() {
    // America/New_York: DST starts 2025-03-09 02:00, ends 2025-11-02 02:00.
    let table: &[(&str, &[&str])] = &[
        ("2025-03-08 07:59:59", &["US.TIME"]),
        ("2025-03-08 08:00:00", &[]),
        ("2025-03-09 07:59:59", &["US.TIME"]), // first EDT morning
        ("2025-03-09 08:00:00", &[]),
        ("2025-03-09 20:59:59", &[]),
        ("2025-03-09 21:00:00", &["US.TIME"]),
        ("2025-11-02 01:30:00", &["US.TIME"]), // the repeated hour
        ("2025-11-02 08:00:00", &[]),
        ("2025-11-02 21:00:00", &["US.TIME"]),
    ];
    for (local, want) in table {
        let t = T::new("us", "borrower", "America/New_York");
        t.tag("2025550100", "acme");
        let ev = t.call("2025550100", local, 0);
        assert_eq!(t.rules_on(ev), *want, "{local}");
    }
    // 12:30 UTC is 07:30 EST the day before the change and 08:30 EDT the day after.
    let t = T::new("us", "borrower", "America/New_York");
    t.tag("2025550100", "acme");
    let ny = t.zone.clone();
    let before = dunwatch_core::Instant::in_zone(1_741_437_000_000, &ny).unwrap(); // 03-08 12:30Z
    let after = dunwatch_core::Instant::in_zone(1_741_437_000_000 + 2 * 86_400_000, &ny).unwrap();
    let e1 = t.call_full(
        "2025550100",
        before,
        0,
        None,
        dunwatch_core::EventSource::Live,
    );
    let e2 = t.call_full(
        "2025550100",
        after,
        0,
        None,
        dunwatch_core::EventSource::Live,
    );
    assert_eq!(t.rules_on(e1), ["US.TIME"]);
    assert!(t.rules_on(e2).is_empty());
}

#[test]
fn in_time_window() {
    for (local, want) in [
        ("2025-03-10 07:59:59", vec!["IN.TIME"]),
        ("2025-03-10 08:00:00", vec![]),
        ("2025-03-10 18:59:59", vec![]),
        ("2025-03-10 19:00:00", vec!["IN.TIME"]),
    ] {
        let t = T::new("in", "borrower", "Asia/Kolkata");
        t.tag("9876543210", "acme");
        let ev = t.call("9876543210", local, 0);
        assert_eq!(t.rules_on(ev), want, "{local}");
    }
}

#[test]
fn uk_and_ph_night_windows() {
    // UK.TIME is dunwatch's marker 21:00–08:00 (the rule names no hours); PH.TIME is the
    // circular's 22:00–06:00. Both cover texts as well as calls. London crosses into summer
    // time on 2025-03-30: the local hour decides, whatever the offset.
    for (j, zone, num, local, want) in [
        (
            "uk",
            "Europe/London",
            "07700900123",
            "2025-03-10 07:59",
            vec!["UK.TIME"],
        ),
        (
            "uk",
            "Europe/London",
            "07700900123",
            "2025-03-10 08:00",
            vec![],
        ),
        (
            "uk",
            "Europe/London",
            "07700900123",
            "2025-03-10 20:59",
            vec![],
        ),
        (
            "uk",
            "Europe/London",
            "07700900123",
            "2025-03-10 21:00",
            vec!["UK.TIME"],
        ),
        (
            "uk",
            "Europe/London",
            "07700900123",
            "2025-04-02 21:30",
            vec!["UK.TIME"],
        ),
        (
            "ph",
            "Asia/Manila",
            "09171234567",
            "2025-03-10 05:59",
            vec!["PH.TIME"],
        ),
        (
            "ph",
            "Asia/Manila",
            "09171234567",
            "2025-03-10 06:00",
            vec![],
        ),
        (
            "ph",
            "Asia/Manila",
            "09171234567",
            "2025-03-10 21:59",
            vec![],
        ),
        (
            "ph",
            "Asia/Manila",
            "09171234567",
            "2025-03-10 22:00",
            vec!["PH.TIME"],
        ),
    ] {
        let t = T::new(j, "borrower", zone);
        t.tag(num, "acme");
        let call = t.call(num, local, 0);
        assert_eq!(t.rules_on(call), want, "{j} call {local}");
        let sms = t.sms(num, local, "reminder");
        assert_eq!(t.rules_on(sms), want, "{j} sms {local}");
    }
    let t = T::new("uk", "borrower", "Europe/London");
    t.tag("07700900123", "acme");
    t.call("07700900123", "2025-03-10 23:15", 0);
    let f = t.all_flags();
    assert!(
        f[0].description.contains("dunwatch marks 21:00–08:00"),
        "{}",
        f[0].description
    );
    assert_eq!(f[0].source, "CONC 7.9.4R");
}

#[test]
fn ph_contact_list_harassment_on_a_third_party_phone() {
    let mut t = T::new("ph", "friend", "Asia/Manila");
    t.classify("Your friend has an unpaid loan", collection(&[]));
    t.tag("09171234567", "acme");
    let call = t.call("09171234567", "2025-03-10 10:00", 30);
    let sms = t.sms(
        "09181234567",
        "2025-03-10 11:00",
        "Your friend has an unpaid loan",
    );
    assert_eq!(t.rules_on(call), ["PH.TP"]);
    assert_eq!(t.rules_on(sms), ["PH.DISCLOSE", "PH.TP"]);
}

#[test]
fn in_persistent_calling_marker() {
    // Four calls of one case in a local day: the 4th is "persistent" by dunwatch's marker,
    // whichever number of the case placed it; the next day starts again.
    let t = T::new("in", "borrower", "Asia/Kolkata");
    t.tag("9876543210", "acme");
    t.tag("9876543211", "acme");
    let mut calls = Vec::new();
    for (i, time) in ["10:00", "11:00", "12:00", "13:00"].iter().enumerate() {
        let n = if i % 2 == 0 {
            "9876543210"
        } else {
            "9876543211"
        };
        calls.push(t.call(n, &format!("2025-03-10 {time}"), 0));
    }
    let next_day = t.call("9876543210", "2025-03-11 10:00", 0);
    for c in &calls[..3] {
        assert!(t.rules_on(*c).is_empty());
    }
    assert_eq!(t.rules_on(calls[3]), ["IN.HARASS"]);
    assert!(t.rules_on(next_day).is_empty());
    let f = t.all_flags();
    assert!(
        f[0].description
            .contains("dunwatch marks more than 3 calls"),
        "{}",
        f[0].description
    );
}

#[test]
fn fourth_call_of_a_day() {
    let t = T::cn();
    t.tag(C1, "acme");
    let ids: Vec<_> = ["09:00", "10:00", "11:00", "12:00", "13:00"]
        .iter()
        .map(|h| t.call(C1, &format!("2025-03-10 {h}"), 0))
        .collect();
    assert_eq!(
        t.of_rule("CN.FREQ.SEED"),
        vec![ids[..4].to_vec(), ids[..5].to_vec()],
        "the 4th and 5th calls break the seed rule, citing the day's calls"
    );
    assert!(t.of_rule("CN.FREQ.CONNECTED").is_empty(), "none connected");

    let t = T::cn();
    t.tag(C1, "acme");
    let ids: Vec<_> = ["09:00", "10:00", "11:00", "12:00"]
        .iter()
        .map(|h| t.call(C1, &format!("2025-03-10 {h}"), 60))
        .collect();
    assert_eq!(t.of_rule("CN.FREQ.CONNECTED"), vec![ids.clone()]);
    assert_eq!(t.of_rule("CN.FREQ.SEED"), vec![ids]);
}

#[test]
fn count_flags_cite_a_bounded_number_of_calls() {
    let t = T::cn();
    t.tag(C1, "acme");
    let ids: Vec<_> = (0..60)
        .map(|i| {
            t.call(
                C1,
                &format!("2025-03-10 {:02}:{:02}", 8 + i / 6, (i % 6) * 10),
                0,
            )
        })
        .collect();
    let f = t.all_flags();
    let last = f.iter().rfind(|f| f.rule == "CN.FREQ.SEED").unwrap();
    let mut want = ids[..49].to_vec();
    want.push(ids[59]);
    assert_eq!(last.events, want);
    assert_eq!(last.detail.value()["checks"][0]["count"], 60);
    assert!(
        last.description.contains("60th call"),
        "{}",
        last.description
    );
}

#[test]
fn connected_cap_counts_only_connected_calls() {
    let t = T::cn();
    t.tag(C1, "acme");
    let a = t.call(C1, "2025-03-10 09:00", 30);
    let _missed = t.call(C1, "2025-03-10 09:30", 0);
    let b = t.call(C1, "2025-03-10 10:00", 30);
    let c = t.call(C1, "2025-03-10 11:00", 30);
    let d = t.call(C1, "2025-03-10 12:00", 30);
    assert_eq!(t.of_rule("CN.FREQ.CONNECTED"), vec![vec![a, b, c, d]]);
}

#[test]
fn midnight_splits_the_count() {
    let t = T::cn();
    t.tag(C1, "acme");
    for local in [
        "2025-03-10 20:00",
        "2025-03-10 20:30",
        "2025-03-10 20:50",
        "2025-03-11 08:10",
        "2025-03-11 08:20",
        "2025-03-11 08:30",
    ] {
        t.call(C1, local, 0);
    }
    assert!(t.of_rule("CN.FREQ.SEED").is_empty());
    let fourth = t.call(C1, "2025-03-11 08:40", 0);
    assert_eq!(t.of_rule("CN.FREQ.SEED").len(), 1);
    assert!(t.of_rule("CN.FREQ.SEED")[0].contains(&fourth));
    assert_eq!(t.of_rule("CN.FREQ.SEED")[0].len(), 4);
}

#[test]
fn seventh_unanswered_attempt() {
    let t = T::cn();
    t.tag(C1, "acme");
    let ids: Vec<_> = (0..8)
        .map(|i| t.call(C1, &format!("2025-03-10 1{i}:00"), 0))
        .collect();
    assert_eq!(
        t.of_rule("CN.FREQ.ATTEMPTS"),
        vec![ids[..7].to_vec(), ids[..8].to_vec()]
    );
    // Attempts are per dialled number: six on each SIM break nothing.
    let t = T::cn();
    t.tag(C1, "acme");
    for i in 0..12u8 {
        let at = t.at(&format!("2025-03-10 {:02}:00", 8 + i));
        t.call_full(C1, at, 0, Some(i % 2), dunwatch_core::EventSource::Live);
    }
    assert!(t.of_rule("CN.FREQ.ATTEMPTS").is_empty());
    assert_eq!(t.of_rule("CN.FREQ.SEED").len(), 9);
}

#[test]
fn rotating_numbers_in_one_case() {
    let t = T::cn();
    for n in [C1, C2, C3] {
        t.tag(n, "acme");
    }
    let a = t.call(C1, "2025-03-10 09:00", 0);
    let b = t.call(C2, "2025-03-10 10:00", 0);
    let c = t.call(C3, "2025-03-10 11:00", 0);
    let d = t.call(C1, "2025-03-10 12:00", 0);
    let f = t.all_flags();
    let seed: Vec<_> = f.iter().filter(|f| f.rule == "CN.FREQ.SEED").collect();
    assert_eq!(seed.len(), 1);
    assert_eq!(seed[0].events, vec![a, b, c, d]);
    assert_eq!(seed[0].numbers.len(), 3);
    assert_eq!(
        seed[0].case_id,
        t.store.case_by_name("acme").unwrap().map(|c| c.id)
    );

    // Without the case the three numbers are three collectors.
    let t = T::cn();
    t.store
        .import_collectors(
            &[C1, C2, C3]
                .iter()
                .map(|n| dunwatch_core::rules::CollectorEntry {
                    number: n.to_string(),
                    creditor: None,
                    source: "test".into(),
                })
                .collect::<Vec<_>>(),
        )
        .unwrap();
    for (n, h) in [(C1, 9), (C2, 10), (C3, 11), (C1, 12)] {
        t.call(n, &format!("2025-03-10 {h}:00"), 0);
    }
    assert!(t.of_rule("CN.FREQ.SEED").is_empty());
}

#[test]
fn us_eighth_call_in_seven_days() {
    let t = T::new("us", "borrower", "America/New_York");
    t.tag("2025550100", "acme");
    let mut ids = Vec::new();
    for d in 1..=7 {
        ids.push(t.call("2025550100", &format!("2025-04-{d:02} 10:00"), 0));
    }
    assert!(
        t.of_rule("US.FREQ.7IN7").is_empty(),
        "7 calls in 7 days is the limit"
    );
    ids.push(t.call("2025550100", "2025-04-07 11:00", 0));
    assert_eq!(t.of_rule("US.FREQ.7IN7"), vec![ids.clone()]);

    // One call a day for 10 days never has more than 7 in any 7-day window.
    let t = T::new("us", "borrower", "America/New_York");
    t.tag("2025550100", "acme");
    for d in 1..=10 {
        t.call("2025550100", &format!("2025-04-{d:02} 10:00"), 0);
    }
    assert!(t.of_rule("US.FREQ.7IN7").is_empty());
}

#[test]
fn us_call_after_a_conversation() {
    // (day of the later call, conversation day counts as day 1) → flagged?
    for (day, want) in [(1, true), (2, true), (7, true), (8, false)] {
        let t = T::new("us", "borrower", "America/New_York");
        t.tag("2025550100", "acme");
        let conv = t.call("2025550100", "2025-04-01 10:00", 120);
        let later = t.call("2025550100", &format!("2025-04-{day:02} 18:00"), 0);
        let got = t.of_rule("US.FREQ.AFTERTALK");
        if want {
            assert_eq!(got, vec![vec![conv, later]], "day {day}");
        } else {
            assert!(got.is_empty(), "day {day}: {got:?}");
        }
    }
    // A conversation the borrower started counts too.
    let t = T::new("us", "borrower", "America/New_York");
    t.tag("2025550100", "acme");
    let conv = t.call_out("2025550100", "2025-04-01 10:00", 60);
    let later = t.call("2025550100", "2025-04-03 10:00", 0);
    assert_eq!(t.of_rule("US.FREQ.AFTERTALK"), vec![vec![conv, later]]);
}

#[test]
fn third_party_device() {
    let mut t = T::new("cn", "family", "Asia/Shanghai");
    t.classify("你儿子欠款未还", collection(&[]));
    t.classify("你好", Default::default());
    t.tag(C1, "acme");
    let call = t.call(C1, "2025-03-10 10:00", 30);
    let sms = t.sms(C2, "2025-03-10 11:00", "你儿子欠款未还");
    let other = t.sms(C3, "2025-03-10 11:30", "你好");
    assert_eq!(t.rules_on(call), ["CN.TP"]);
    assert_eq!(t.rules_on(sms), ["CN.DISCLOSE", "CN.TP"]);
    assert!(t.rules_on(other).is_empty(), "not a collector");

    // The same on a borrower's phone: nothing.
    let mut t = T::cn();
    t.classify("你儿子欠款未还", collection(&[]));
    t.tag(C1, "acme");
    let call = t.call(C1, "2025-03-10 10:00", 30);
    let sms = t.sms(C2, "2025-03-10 11:00", "你儿子欠款未还");
    assert!(t.rules_on(call).is_empty());
    assert!(t.rules_on(sms).is_empty());

    let t = T::new("us", "family", "America/New_York");
    t.tag("2025550100", "acme");
    let call = t.call("2025550100", "2025-04-01 10:00", 30);
    assert_eq!(t.rules_on(call), ["US.TP"]);
}

#[test]
fn stop_request_and_opt_out() {
    let mut t = T::new("us", "borrower", "America/New_York");
    t.classify("pay now", collection(&[]));
    t.tag("2025550100", "acme");
    t.tag("2025550111", "other");
    let before = t.call("2025550100", "2025-04-01 10:00", 0);
    t.annotate(AnnotationKind::StopRequest, "acme", "2025-04-01 12:00");
    let after = t.call("2025550100", "2025-04-01 15:00", 0);
    let sms_after = t.sms("2025550100", "2025-04-01 16:00", "pay now");
    let other_case = t.call("2025550111", "2025-04-01 15:00", 0);
    assert!(t.rules_on(before).is_empty());
    assert_eq!(t.rules_on(after), ["US.CEASE"]);
    assert_eq!(t.rules_on(sms_after), ["US.CEASE"]);
    assert!(t.rules_on(other_case).is_empty());

    let mut t = T::new("us", "borrower", "America/New_York");
    t.classify("pay now", collection(&[]));
    t.tag("2025550100", "acme");
    t.annotate(AnnotationKind::OptOut, "acme", "2025-04-01 12:00");
    let call = t.call("2025550100", "2025-04-01 15:00", 0);
    let sms = t.sms("2025550100", "2025-04-01 16:00", "pay now");
    assert!(t.rules_on(call).is_empty(), "an opt-out covers texts");
    assert_eq!(t.rules_on(sms), ["US.OPTOUT"]);

    // China: a third party refused; later contact is CN.TP on both grounds, one flag.
    let t = T::new("cn", "family", "Asia/Shanghai");
    t.tag(C1, "acme");
    t.annotate(AnnotationKind::StopRequest, "acme", "2025-03-10 09:00");
    let call = t.call(C1, "2025-03-10 10:00", 0);
    let f = t.all_flags();
    let tp: Vec<_> = f.iter().filter(|f| f.rule == "CN.TP").collect();
    assert_eq!(tp.len(), 1);
    assert_eq!(tp[0].events, vec![call]);
    assert_eq!(tp[0].detail.value()["checks"].as_array().unwrap().len(), 2);
}

#[test]
fn content_flags_map_to_pack_rules() {
    let table: &[(&str, Flag, &str, &[&str])] = &[
        ("cn", Flag::Exposure, "爆通讯录", &["CN.DISCLOSE"]),
        ("cn", Flag::FalseAuthority, "法院传票", &["CN.IMPERSONATE"]),
        ("cn", Flag::Threat, "上门堵你", &["CN.ABUSE"]),
        ("cn", Flag::Abuse, "老赖", &["CN.ABUSE"]),
        ("cn", Flag::PressureBorrow, "以贷养贷", &["CN.LURE"]),
        ("cn", Flag::ThirdParty, "请通知他", &["CN.TP"]),
        ("us", Flag::Threat, "watch your back", &["US.ABUSE"]),
        ("us", Flag::FalseAuthority, "arrest warrant", &["US.FALSE"]),
        ("us", Flag::ThirdParty, "tell your relative", &["US.TP"]),
        ("us", Flag::PressureBorrow, "get another loan", &[]),
        ("in", Flag::Abuse, "thief", &["IN.HARASS"]),
        ("uk", Flag::Exposure, "tell your boss", &["UK.TP"]),
        ("uk", Flag::FalseAuthority, "bailiffs", &["UK.AUTH"]),
        (
            "uk",
            Flag::PressureBorrow,
            "borrow from family",
            &["UK.PRESSURE"],
        ),
        // CONC 7 as the matrix summarises it has no insult rule.
        ("uk", Flag::Abuse, "deadbeat", &[]),
        ("ph", Flag::Threat, "we know where you live", &["PH.ABUSE"]),
        ("ph", Flag::Abuse, "scammer", &["PH.ABUSE"]),
        (
            "ph",
            Flag::Exposure,
            "post you on Facebook",
            &["PH.DISCLOSE"],
        ),
        ("ph", Flag::FalseAuthority, "NBI warrant", &["PH.FALSE"]),
        ("ph", Flag::ThirdParty, "tell your cousin", &["PH.TP"]),
    ];
    for (j, flag, word, want) in table {
        let (zone, num) = match *j {
            "cn" => ("Asia/Shanghai", C1),
            "us" => ("America/New_York", "2025550100"),
            "uk" => ("Europe/London", "07700900123"),
            "ph" => ("Asia/Manila", "09171234567"),
            _ => ("Asia/Kolkata", "9876543210"),
        };
        let mut t = T::new(j, "borrower", zone);
        let body = format!("pay now {word}");
        t.classify(&body, collection(&[(*flag, word)]));
        let ev = t.sms(num, "2025-03-10 10:00", &body);
        assert_eq!(t.rules_on(ev), *want, "{j} {flag:?}");
        if let Some(f) = t.all_flags().first() {
            assert_eq!(f.detail.value()["checks"][0]["hits"][0]["words"][0], *word);
            assert!(f.description.contains(word), "{}", f.description);
            assert!(!f.source.is_empty());
        }
    }
}

#[test]
fn duplicate_call_records_count_once_and_updates_apply() {
    let t = T::cn();
    t.tag(C1, "acme");
    let mut first = Vec::new();
    for h in ["09:00:00", "10:00:00", "11:00:00"] {
        let at = t.at(&format!("2025-03-10 {h}"));
        first.push(t.call_full(C1, at, 0, None, dunwatch_core::EventSource::Live));
        let later = dunwatch_core::Instant::new(at.utc_ms + 3_000, at.offset_secs).unwrap();
        first.push(t.call_full(C1, later, 0, None, dunwatch_core::EventSource::CallLog));
    }
    assert!(
        t.of_rule("CN.FREQ.SEED").is_empty(),
        "three calls recorded twice"
    );
    let fourth = t.call(C1, "2025-03-10 12:00", 0);
    let mut want = first.clone();
    want.push(fourth);
    assert_eq!(t.of_rule("CN.FREQ.SEED"), vec![want]);

    // A call update turns missed calls into connected ones: the connected cap follows.
    let t = T::cn();
    t.tag(C1, "acme");
    let ids: Vec<_> = (0..4)
        .map(|i| t.call(C1, &format!("2025-03-10 1{i}:00"), 0))
        .collect();
    assert!(t.of_rule("CN.FREQ.CONNECTED").is_empty());
    for id in &ids {
        t.update(*id, 45);
    }
    assert_eq!(t.of_rule("CN.FREQ.CONNECTED"), vec![ids]);
}

#[test]
fn cases_join_by_creditor_and_callback_and_suggest_unknown_callers() {
    let mut t = T::cn();
    let mut k = collection(&[]);
    k.creditor = Some("XX金融".into());
    k.callback_numbers = vec!["138-0013-8002".into()];
    t.classify("【XX金融】您已逾期，请回电13800138002", k);
    let sms = t.sms(
        "10690000",
        "2025-03-10 09:00",
        "【XX金融】您已逾期，请回电13800138002",
    );
    let case = t.store.case_by_name("XX金融").unwrap().expect("case made");
    assert_eq!(case.creditor.as_deref(), Some("XX金融"));
    let info = t
        .store
        .number_info(&t.number(C2).normalized)
        .unwrap()
        .unwrap();
    assert_eq!(info.case_name.as_deref(), Some("XX金融"));
    assert_eq!(info.how, dunwatch_core::store::TagSource::Callback);
    // The call-back number's calls count with the SMS sender's case.
    let calls: Vec<_> = ["10:00", "11:00", "12:00", "13:00"]
        .iter()
        .map(|h| t.call(C2, &format!("2025-03-10 {h}"), 0))
        .collect();
    assert_eq!(t.of_rule("CN.FREQ.SEED"), vec![calls]);
    // An unknown number calling twice soon after is suggested, not joined or flagged.
    let u1 = t.call(C3, "2025-03-10 14:00", 0);
    let _u2 = t.call(C3, "2025-03-10 15:00", 0);
    let s = t.store.case_suggestions().unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].0, t.number(C3).normalized);
    assert_eq!(s[0].1, "XX金融");
    assert!(t
        .store
        .number_info(&t.number(C3).normalized)
        .unwrap()
        .is_none());
    assert!(t.rules_on(u1).is_empty());
    assert!(t.rules_on(sms).is_empty());
    // Suggestions survive a rebuild, and tagging confirms one.
    t.all_flags();
    assert_eq!(t.store.case_suggestions().unwrap().len(), 1);
    t.tag(C3, "XX金融");
    assert!(t.store.case_suggestions().unwrap().is_empty());
    assert_eq!(t.of_rule("CN.FREQ.SEED").len(), 3);
}

#[test]
fn user_tags_win_over_automatic_joins() {
    let mut t = T::cn();
    let mut k = collection(&[]);
    k.creditor = Some("XX金融".into());
    t.classify("【XX金融】逾期", k);
    t.tag(C1, "mine");
    t.sms(C1, "2025-03-10 09:00", "【XX金融】逾期");
    t.all_flags();
    let info = t
        .store
        .number_info(&t.number(C1).normalized)
        .unwrap()
        .unwrap();
    assert_eq!(info.case_name.as_deref(), Some("mine"));
}

#[test]
fn original_creditor_is_not_bound_by_regulation_f() {
    let t = T::new("us", "borrower", "America/New_York");
    t.tag("2025550100", "bank");
    let ev = t.call("2025550100", "2025-04-01 22:00", 0);
    assert_eq!(t.rules_on(ev), ["US.TIME"]);
    t.store.set_case_party("bank", "creditor").unwrap();
    assert!(t.rules_on(ev).is_empty());
}

#[test]
fn unknown_numbers_are_not_collector_contacts() {
    let t = T::cn();
    let ev = t.call(C1, "2025-03-10 23:00", 0);
    assert!(t.flags().is_empty(), "{ev}");
}

#[test]
fn builtin_classifier_path_matches_rebuild() {
    // evaluate_new uses the built-in classifier (with its memo of recent results).
    let t = T::cn();
    let body = "【速借花】您的借款已逾期3天，再不还款就爆你通讯录，通知你全家";
    let sms = dunwatch_core::NewEvent {
        source: dunwatch_core::EventSource::Live,
        payload: dunwatch_core::EventPayload::Sms(dunwatch_core::Sms {
            number: t.number("10690000"),
            body: body.into(),
            sent: None,
            received: t.at("2025-03-10 22:30"),
            sim_slot: None,
            direction: dunwatch_core::SmsDirection::Incoming,
        }),
    };
    let id = t.store.insert(&sms).unwrap().id;
    dunwatch_core::rules::evaluate_new(&t.store, &[id]).unwrap();
    // A later event re-reads the SMS (from the memo).
    let call = dunwatch_core::NewEvent {
        source: dunwatch_core::EventSource::Live,
        payload: dunwatch_core::EventPayload::Call(dunwatch_core::Call {
            number: t.number("10690000"),
            direction: dunwatch_core::CallDirection::Missed,
            start: t.at("2025-03-10 22:40"),
            ring_ms: None,
            talk_ms: 0,
            sim_slot: None,
        }),
    };
    let cid = t.store.insert(&call).unwrap().id;
    dunwatch_core::rules::evaluate_new(&t.store, &[cid]).unwrap();
    let incremental = t.raw_flags();
    dunwatch_core::rules::rebuild(&t.store).unwrap();
    assert_eq!(incremental, t.raw_flags());
    let rules: Vec<String> = incremental.iter().map(|f| f.rule.clone()).collect();
    assert!(rules.contains(&"CN.TIME.GBT".to_string()), "{rules:?}");
    assert!(rules.contains(&"CN.DISCLOSE".to_string()), "{rules:?}");
    let case = t
        .store
        .case_by_name("速借花")
        .unwrap()
        .expect("creditor case");
    assert!(incremental.iter().all(|f| f.case_id == Some(case.id)));
}
