//! Evidence never stays without its flags: events an import stored but did not get to evaluate
//! (the process was killed between the two) are evaluated by the next `refresh`, the next
//! `evaluate_new` or the next import, with the same flags as a rebuild.

use dunwatch_core::import::{import_reader, ImportOptions};
use dunwatch_core::rules;
use dunwatch_core::store::FlagQuery;
use dunwatch_core::*;

const T0: i64 = 1_741_600_800_000; // 2025-03-10 18:00 +08:00

fn sms(store: &Store, number: &str, minutes: i64, body: &str) -> NewEvent {
    NewEvent {
        source: EventSource::Import,
        payload: EventPayload::Sms(Sms {
            number: store.parse_number(number).unwrap(),
            body: body.into(),
            sent: None,
            received: Instant::new(T0 + minutes * 60_000, 8 * 3600).unwrap(),
            sim_slot: None,
            direction: SmsDirection::Incoming,
        }),
    }
}

fn call(store: &Store, number: &str, minutes: i64) -> NewEvent {
    NewEvent {
        source: EventSource::Import,
        payload: EventPayload::Call(Call {
            number: store.parse_number(number).unwrap(),
            direction: CallDirection::Missed,
            start: Instant::new(T0 + minutes * 60_000, 8 * 3600).unwrap(),
            ring_ms: Some(5000),
            talk_ms: 0,
            sim_slot: None,
        }),
    }
}

/// A collector texting and calling into the night (CN.TIME.*, CN.FREQ.SEED, CN.ABUSE...).
fn history(store: &Store) -> Vec<NewEvent> {
    let mut v = vec![sms(
        store,
        "13800138001",
        0,
        "【速借金融】您的借款已逾期3天，请今日还款，否则爆你通讯录，老赖",
    )];
    for i in 0..8 {
        v.push(call(store, "13800138001", 60 + i * 45));
    }
    v.push(sms(store, "13900139000", 30, "晚上回家吃饭吗"));
    v
}

fn flags(store: &Store) -> Vec<(String, Vec<EventId>, String)> {
    let mut f: Vec<_> = store
        .flags(&FlagQuery::default())
        .unwrap()
        .into_iter()
        .map(|f| (f.flag.rule, f.flag.events, f.flag.description))
        .collect();
    f.sort();
    f
}

/// A store whose evaluation is current (the mark set), then a batch stored and never evaluated.
fn killed_after_store() -> Store {
    let store = Store::open_in_memory().unwrap();
    rules::refresh(&store).unwrap();
    let evs = history(&store);
    store.insert_batch(&evs).unwrap();
    assert!(flags(&store).is_empty(), "nothing evaluated yet");
    store
}

fn expected() -> Vec<(String, Vec<EventId>, String)> {
    let store = Store::open_in_memory().unwrap();
    let evs = history(&store);
    store.insert_batch(&evs).unwrap();
    rules::rebuild(&store).unwrap();
    let f = flags(&store);
    assert!(f.len() > 3, "the history breaks several rules: {f:?}");
    f
}

#[test]
fn refresh_evaluates_what_a_killed_import_stored() {
    let store = killed_after_store();
    assert!(rules::refresh(&store).unwrap(), "refresh must notice");
    assert_eq!(flags(&store), expected());
    // Done once: nothing left to catch up.
    assert!(!rules::refresh(&store).unwrap());
}

#[test]
fn the_next_live_event_brings_the_unevaluated_ones_along() {
    let store = killed_after_store();
    let late = store.insert(&call(&store, "13800138001", 10 * 60)).unwrap();
    rules::evaluate_new(&store, &[late.id]).unwrap();
    let all = flags(&store);
    rules::rebuild(&store).unwrap();
    assert_eq!(all, flags(&store));
    assert!(all.iter().any(|(rule, _, _)| rule == "CN.ABUSE"), "{all:?}");
}

#[test]
fn re_importing_after_a_kill_evaluates_the_stored_events() {
    let store = killed_after_store();
    // The same events as a JSON Lines export: every one is already stored (a duplicate).
    let mut jsonl = String::new();
    for ev in store.events(&Default::default()).unwrap() {
        let EventPayload::Sms(s) = &ev.payload else {
            let EventPayload::Call(c) = &ev.payload else {
                continue;
            };
            jsonl.push_str(&format!(
                "{{\"kind\":\"call\",\"number\":\"{}\",\"time\":{},\"direction\":\"missed\",\"duration_s\":0}}\n",
                c.number.raw, c.start.utc_ms
            ));
            continue;
        };
        jsonl.push_str(&format!(
            "{{\"kind\":\"sms\",\"number\":\"{}\",\"time\":{},\"direction\":\"incoming\",\"body\":{}}}\n",
            s.number.raw,
            s.received.utc_ms,
            serde_json::to_string(&s.body).unwrap()
        ));
    }
    let summary = import_reader(
        &store,
        jsonl.as_bytes(),
        &ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(summary.malformed_total, 0, "{:?}", summary.malformed);
    assert_eq!(summary.new_events, 0, "{summary:?}");
    assert_eq!(flags(&store), expected());
}
