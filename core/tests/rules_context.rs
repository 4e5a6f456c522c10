//! Stored SMS are read in their context (issue 14): a known collector's threat, insult or
//! exposure with no debt word is flagged, with the reason; the same text from an unknown number
//! is not; a number joining a case has its earlier messages read again, and untagging reverses
//! it; a collection SMS makes its sender known for the 30 days after it; on a third party's
//! phone a known collector's message is `third_party`. After every step the stored flags equal
//! those of a rebuild (incremental evaluation == rebuild), with the real classifier.

use dunwatch_core::store::{FlagQuery, FlagRecord};
use dunwatch_core::*;

const DAY: i64 = 86_400_000;
/// 2026-11-08 10:00 in Shanghai: inside every permitted window.
const T: i64 = 1_794_103_200_000;
const COLLECTOR: &str = "+8617012345678";
const STRANGER: &str = "+8613912345678";

const THREAT: &str = "明天我们的人就在你小区门口等你，自己想清楚。";
const ABUSE: &str = "你这种人渣连狗都不如。";
const EXPOSURE: &str = "你单位同事的电话我们都有，要不要帮你宣传一下？";
/// A collection SMS on its own (a debt word), naming no creditor and quoting no number.
const DUNNING: &str = "你的借款已逾期30天，请立即还款，否则后果自负。";

fn sms(e: &Evidence, number: &str, ms: i64, body: &str) -> EventId {
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
    .id
}

/// Whether the classifier reads `text` as collection on its own (from an unknown sender). The
/// learned model reads some terse threats so; the tests below need texts it does not.
fn strict(text: &str) -> bool {
    dunwatch_core::classify::Classifier::builtin()
        .classify(text, None)
        .collection
}

/// ABUSE and EXPOSURE carry no debt word: the strict reading rejects them (if a retrained
/// model reads them as collection, these tests need other texts of that kind).
fn assert_texts_need_context() {
    for t in [ABUSE, EXPOSURE] {
        assert!(!strict(t), "read as collection without context: {t}");
    }
}

fn flags(e: &Evidence) -> Vec<FlagRecord> {
    e.flags(&FlagQuery::default()).unwrap()
}

/// The flags resting on event `id`: (rule, description, detail).
fn on(e: &Evidence, id: EventId) -> Vec<(String, String, String)> {
    flags(e)
        .into_iter()
        .filter(|f| f.flag.events.contains(&id))
        .map(|f| {
            (
                f.flag.rule,
                f.flag.description,
                f.flag.detail.as_str().to_string(),
            )
        })
        .collect()
}

/// The stored flags equal those of a rebuild from scratch (descriptions and details included).
fn assert_current(e: &Evidence) {
    let key = |f: FlagRecord| {
        (
            f.flag.rule,
            f.flag.events,
            f.flag.at.utc_ms,
            f.flag.description,
            f.flag.detail.as_str().to_string(),
        )
    };
    let mut a: Vec<_> = flags(e).into_iter().map(key).collect();
    e.recompute_flags().unwrap();
    let mut b: Vec<_> = flags(e).into_iter().map(key).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "incremental flags differ from a rebuild");
}

fn has(flags: &[(String, String, String)], rule: &str, reason: &str) -> bool {
    flags
        .iter()
        .any(|(r, d, x)| r == rule && d.contains(reason) && x.contains(reason))
}

#[test]
fn a_tagged_collectors_messages_are_flagged_with_the_reason() {
    let e = Evidence::open_in_memory(None).unwrap();
    e.tag(COLLECTOR, "速借花", None).unwrap();
    let reason = "sender is in case 速借花";
    let threat = sms(&e, COLLECTOR, T, THREAT);
    let abuse = sms(&e, COLLECTOR, T + 60_000, ABUSE);
    let exposure = sms(&e, COLLECTOR, T + 120_000, EXPOSURE);
    assert!(
        has(&on(&e, threat), "CN.ABUSE", reason),
        "{:?}",
        on(&e, threat)
    );
    assert!(
        has(&on(&e, abuse), "CN.ABUSE", reason),
        "{:?}",
        on(&e, abuse)
    );
    assert!(
        has(&on(&e, exposure), "CN.DISCLOSE", reason),
        "{:?}",
        on(&e, exposure)
    );
    // The words that carried each flag are in its description.
    assert!(on(&e, abuse).iter().any(|(_, d, _)| d.contains("人渣")));
    // The same texts from unknown numbers (one each: a collection SMS would make its sender
    // known) keep the strict reading: what it rejects is not flagged.
    assert_texts_need_context();
    for (i, body) in [THREAT, ABUSE, EXPOSURE].into_iter().enumerate() {
        let id = sms(&e, &format!("+861391234567{i}"), T + DAY, body);
        if !strict(body) {
            assert!(on(&e, id).is_empty(), "{body}: {:?}", on(&e, id));
        }
    }
    assert_current(&e);
}

#[test]
fn joining_a_case_rereads_earlier_messages_and_untag_reverses_it() {
    assert_texts_need_context();
    let e = Evidence::open_in_memory(None).unwrap();
    let ids: Vec<EventId> = [ABUSE, EXPOSURE]
        .iter()
        .enumerate()
        .map(|(i, b)| sms(&e, COLLECTOR, T + i as i64 * 60_000, b))
        .collect();
    assert!(flags(&e).is_empty(), "{:?}", flags(&e));
    e.tag(COLLECTOR, "速借花", None).unwrap();
    for id in &ids {
        assert!(
            has(&on(&e, *id), "CN.ABUSE", "sender is in case 速借花")
                || has(&on(&e, *id), "CN.DISCLOSE", "sender is in case 速借花"),
            "event {id}: {:?}",
            on(&e, *id)
        );
    }
    assert_current(&e);
    e.untag(COLLECTOR).unwrap();
    assert!(flags(&e).is_empty(), "{:?}", flags(&e));
    assert_current(&e);
    // The collector list joins too (with a creditor it is a case; without, the list itself).
    e.import_collectors(&[rules::CollectorEntry {
        number: STRANGER.into(),
        creditor: None,
        source: "community".into(),
    }])
    .unwrap();
    let id = sms(&e, STRANGER, T + DAY, ABUSE);
    assert!(
        has(
            &on(&e, id),
            "CN.ABUSE",
            "sender is on the collector list (community)"
        ),
        "{:?}",
        on(&e, id)
    );
    assert_current(&e);
}

/// A collection SMS makes its sender a known collector for the 30 days after it: day 29 yes,
/// day 31 no, the day before no; a message stored before the collection SMS that makes it a
/// collector's is read again when that SMS arrives (out of time order).
#[test]
fn a_collection_sms_makes_its_sender_known_for_30_days() {
    assert_texts_need_context();
    let e = Evidence::open_in_memory(None).unwrap();
    let a = "+8617011112222";
    let b = "+8617033334444";
    // Out of time order: the threat of day 29 arrives before the collection SMS of day 0.
    let a29 = sms(&e, a, T + 29 * DAY, ABUSE);
    assert!(on(&e, a29).is_empty());
    let before = sms(&e, a, T - DAY, ABUSE);
    sms(&e, a, T, DUNNING);
    assert_current(&e);
    assert!(
        has(
            &on(&e, a29),
            "CN.ABUSE",
            "sender sent a collection message on 2026-11-08"
        ),
        "{:?}",
        on(&e, a29)
    );
    assert!(
        on(&e, before).iter().all(|(r, _, _)| r != "CN.ABUSE"),
        "{:?}",
        on(&e, before)
    );
    sms(&e, b, T, DUNNING);
    let b31 = sms(&e, b, T + 31 * DAY, ABUSE);
    assert!(
        on(&e, b31).iter().all(|(r, _, _)| r != "CN.ABUSE"),
        "{:?}",
        on(&e, b31)
    );
    assert_current(&e);
}

#[test]
fn a_known_collectors_message_on_a_third_partys_phone_is_third_party() {
    let settings = Settings {
        role: Role::Family,
        ..Settings::default()
    };
    let e = Evidence::open_in_memory(Some(&settings)).unwrap();
    e.tag(COLLECTOR, "速借花", None).unwrap();
    let id = sms(&e, COLLECTOR, T, ABUSE);
    let got = on(&e, id);
    // CN.TP from the message's reading (the context's third_party), besides the phone's role.
    assert!(
        got.iter().any(|(r, _, x)| r == "CN.TP"
            && x.contains("context.third_party")
            && x.contains("sender is in case 速借花")),
        "{got:?}"
    );
    assert!(has(&got, "CN.ABUSE", "sender is in case 速借花"), "{got:?}");
    assert_current(&e);
}

/// A number joined automatically (by the creditor its collection SMS names, or quoted as the
/// call-back number of a cased sender's) has its earlier messages read again.
#[test]
fn an_automatic_join_rereads_earlier_messages() {
    assert_texts_need_context();
    let e = Evidence::open_in_memory(None).unwrap();
    let x = "+8617055556666";
    let z = "+8617077778888";
    let early = sms(&e, x, T, ABUSE);
    let quoted_early = sms(&e, z, T, EXPOSURE);
    assert!(flags(&e).is_empty(), "{:?}", flags(&e));
    sms(
        &e,
        x,
        T + DAY,
        "【速借金融】您的借款已逾期3天，请今日还款，回电17077778888",
    );
    let cases = e.cases().unwrap();
    let case = cases.iter().find(|c| c.name == "速借金融").expect("joined");
    assert!(case.numbers.iter().any(|n| n == x), "{cases:?}");
    assert!(
        has(&on(&e, early), "CN.ABUSE", "sender is in case 速借金融"),
        "{:?}",
        on(&e, early)
    );
    assert!(case.numbers.iter().any(|n| n == z), "{cases:?}");
    assert!(
        has(
            &on(&e, quoted_early),
            "CN.DISCLOSE",
            "sender is in case 速借金融"
        ),
        "{:?}",
        on(&e, quoted_early)
    );
    assert_current(&e);
}
