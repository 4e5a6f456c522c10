//! 30-day synthetic histories (tests/fixtures/rules/*.json) of a borrower and of a family
//! member: the flags the fixture lists by hand must be exactly the flags found (rule and event
//! ids), whether the events arrive one by one, in one batch, or are re-read by a rebuild after a
//! settings change; and the evidence is never touched.

mod rules_support;

use dunwatch_core::classify::{Classification, Flag, FlagHit, Span};
use dunwatch_core::rules;
use dunwatch_core::rules::CollectorEntry;
use dunwatch_core::store::{AnnotationKind, NewAnnotation, TagSource};
use dunwatch_core::*;
use rules_support::Fake;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

fn fixture(name: &str) -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/rules")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn classifier(fx: &Value) -> Fake {
    let mut map = HashMap::new();
    for (body, c) in fx["classifications"].as_object().unwrap() {
        let flags = c["flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|pair| {
                let flag: Flag = serde_json::from_value(pair[0].clone()).unwrap();
                let word = s(&pair[1]).to_string();
                let start = body.find(&word).map_or(0, |b| body[..b].chars().count());
                FlagHit {
                    flag,
                    rule: format!("fixture.{}", s(&pair[0])),
                    spans: vec![Span {
                        start,
                        end: start + word.chars().count(),
                    }],
                    words: vec![word],
                }
            })
            .collect();
        map.insert(
            body.clone(),
            Classification {
                collection: c["collection"].as_bool().unwrap(),
                score: 0.9,
                flags,
                creditor: c["creditor"].as_str().map(str::to_string),
                callback_numbers: c["callback_numbers"]
                    .as_array()
                    .map(|a| a.iter().map(|n| s(n).to_string()).collect())
                    .unwrap_or_default(),
                ..Default::default()
            },
        );
    }
    Fake(map)
}

/// A store with the fixture's settings, tags, list and annotations, and its events as NewEvents.
fn setup(fx: &Value) -> (Store, Vec<(String, NewEvent)>) {
    let store = Store::open_in_memory().unwrap();
    let settings: Settings = serde_json::from_value(fx["settings"].clone()).unwrap();
    store.set_settings(&settings).unwrap();
    let zone = settings.zone().unwrap();
    for t in fx["tags"].as_array().unwrap() {
        store
            .tag_number(s(&t["number"]), s(&t["case"]), TagSource::User)
            .unwrap();
    }
    let list: Vec<CollectorEntry> = serde_json::from_value(fx["collector_list"].clone()).unwrap();
    store.import_collectors(&list).unwrap();
    for a in fx["annotations"].as_array().unwrap() {
        let kind: AnnotationKind = serde_json::from_value(a["kind"].clone()).unwrap();
        store
            .add_annotation(&NewAnnotation {
                kind,
                case_name: Some(s(&a["case"]).into()),
                event_id: None,
                at: Instant::parse_in_zone(s(&a["at"]), &zone).unwrap(),
                text: String::new(),
            })
            .unwrap();
    }
    let events = fx["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let number = store.parse_number(s(&e["number"])).unwrap();
            let at = Instant::parse_in_zone(s(&e["at"]), &zone).unwrap();
            let source = match e["source"].as_str() {
                Some("call_log") => EventSource::CallLog,
                _ => EventSource::Live,
            };
            let talk = e["talk_s"].as_u64().unwrap_or(0) * 1000;
            let payload = match s(&e["kind"]) {
                "sms" => EventPayload::Sms(Sms {
                    number,
                    body: s(&e["body"]).into(),
                    sent: None,
                    received: at,
                    sim_slot: None,
                    direction: SmsDirection::Incoming,
                }),
                kind => EventPayload::Call(Call {
                    number,
                    direction: match (kind, talk) {
                        ("call_out", _) => CallDirection::Outgoing,
                        (_, 0) => CallDirection::Missed,
                        _ => CallDirection::Incoming,
                    },
                    start: at,
                    ring_ms: None,
                    talk_ms: talk,
                    sim_slot: None,
                }),
            };
            (s(&e["key"]).to_string(), NewEvent { source, payload })
        })
        .collect();
    (store, events)
}

type FlagSet = Vec<(String, Vec<EventId>)>;

fn found(store: &Store) -> FlagSet {
    let mut f: FlagSet = store
        .flags(&Default::default())
        .unwrap()
        .into_iter()
        .map(|r| (r.flag.rule, r.flag.events))
        .collect();
    f.sort();
    f
}

fn expected(fx: &Value, ids: &BTreeMap<String, EventId>) -> FlagSet {
    let mut f: FlagSet = fx["expected_flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let mut evs: Vec<EventId> = e["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| ids[s(k)])
                .collect();
            evs.sort();
            (s(&e["rule"]).to_string(), evs)
        })
        .collect();
    f.sort();
    f
}

fn check_history(name: &str) {
    let fx = fixture(name);
    let fake = classifier(&fx);

    // One by one, as the phone records them.
    let (store, events) = setup(&fx);
    let mut ids = BTreeMap::new();
    for (key, ev) in &events {
        let id = store.insert(ev).unwrap().id;
        rules::evaluate_new_with(&store, &[id], &fake).unwrap();
        ids.insert(key.clone(), id);
    }
    let want = expected(&fx, &ids);
    assert_eq!(found(&store), want, "{name}: one by one");
    for key in fx["not_flagged"].as_array().unwrap() {
        let id = ids[s(key)];
        let on: Vec<_> = store
            .flags(&Default::default())
            .unwrap()
            .into_iter()
            .filter(|f| f.flag.events.last() == Some(&id))
            .collect();
        assert!(on.is_empty(), "{name}: {} flagged: {on:?}", s(key));
    }
    let mut sugg: Vec<(String, String)> = store
        .case_suggestions()
        .unwrap()
        .into_iter()
        .map(|(n, c, _)| (n, c))
        .collect();
    sugg.sort();
    let mut want_sugg: Vec<(String, String)> = fx["expected_suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                store.parse_number(s(&x["number"])).unwrap().normalized,
                s(&x["case"]).to_string(),
            )
        })
        .collect();
    want_sugg.sort();
    assert_eq!(sugg, want_sugg, "{name}: suggestions");
    // Every flag explains itself.
    for f in store.flags(&Default::default()).unwrap() {
        assert!(!f.flag.source.is_empty() && !f.flag.numbers.is_empty());
        assert!(f.flag.description.contains(" — "), "{}", f.flag.description);
    }

    // All at once, as an import does.
    let (batch, events) = setup(&fx);
    let evs: Vec<NewEvent> = events.into_iter().map(|(_, e)| e).collect();
    let ins: Vec<EventId> = batch
        .insert_batch(&evs)
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    rules::evaluate_new_with(&batch, &ins, &fake).unwrap();
    assert_eq!(found(&batch), want, "{name}: batch");

    // A settings change rebuilds from the evidence; changing back gives the same flags, and the
    // evidence is intact and unchanged.
    let head = store.head().unwrap();
    let before: Vec<_> = store
        .flags(&Default::default())
        .unwrap()
        .into_iter()
        .map(|f| f.flag)
        .collect();
    let mut settings = store.settings().unwrap();
    let original = settings.clone();
    settings.role = if settings.role == Role::Borrower {
        Role::Family
    } else {
        Role::Borrower
    };
    store.set_settings(&settings).unwrap();
    rules::refresh_with(&store, &fake).unwrap();
    assert_ne!(found(&store), want, "{name}: the role matters");
    settings.jurisdiction = Jurisdiction::Us;
    store.set_settings(&settings).unwrap();
    rules::refresh_with(&store, &fake).unwrap();
    assert!(found(&store).iter().all(|(r, _)| r.starts_with("US.")));
    store.set_settings(&original).unwrap();
    rules::rebuild_with(&store, &fake).unwrap();
    let after: Vec<_> = store
        .flags(&Default::default())
        .unwrap()
        .into_iter()
        .map(|f| f.flag)
        .collect();
    assert_eq!(before, after, "{name}: rebuild is deterministic");
    assert_eq!(store.head().unwrap(), head);
    assert!(store.verify().unwrap().ok());
}

#[test]
fn borrower_30_days() {
    check_history("borrower_30d.json");
}

#[test]
fn family_member_30_days() {
    check_history("family_30d.json");
}
