//! Shared helpers of the rules tests: a store with settings, events written in local time, a
//! classifier that returns classifications the test constructs, and flag listings.
//!
//! Every insert also runs the incremental `evaluate_new_with`; `flags()` then checks that a full
//! rebuild gives exactly the same flags, so each test checks both paths.
#![allow(dead_code)]

use dunwatch_core::classify::{Classification, Context, Flag, FlagHit, Span};
use dunwatch_core::rules::{self, Classify};
use dunwatch_core::store::{FlagQuery, NewFlag};
use dunwatch_core::*;
use std::collections::HashMap;

/// Classifies by exact body, whatever the context; unknown bodies are not collection.
#[derive(Default, Clone)]
pub struct Fake(pub HashMap<String, Classification>);

impl Classify for Fake {
    fn classify(&self, text: &str, _sender: Option<&str>, _ctx: &Context) -> Classification {
        self.0.get(text).cloned().unwrap_or_default()
    }
}

/// A collection message's classification with `flags` (each matching the word `word`).
pub fn collection(flags: &[(Flag, &str)]) -> Classification {
    Classification {
        collection: true,
        score: 0.9,
        flags: flags
            .iter()
            .map(|(f, w)| FlagHit {
                flag: *f,
                rule: format!("test.{w}"),
                spans: vec![Span {
                    start: 0,
                    end: w.chars().count(),
                }],
                words: vec![w.to_string()],
            })
            .collect(),
        ..Default::default()
    }
}

pub struct T {
    pub store: Store,
    pub fake: Fake,
    pub zone: dunwatch_core::time::Zone,
}

impl T {
    pub fn new(jurisdiction: &str, role: &str, tz: &str) -> T {
        let store = Store::open_in_memory().unwrap();
        let s = Settings {
            jurisdiction: jurisdiction.parse().unwrap(),
            role: role.parse().unwrap(),
            home_tz: tz.into(),
        };
        store.set_settings(&s).unwrap();
        T {
            store,
            fake: Fake::default(),
            zone: s.zone().unwrap(),
        }
    }

    pub fn cn() -> T {
        T::new("cn", "borrower", "Asia/Shanghai")
    }

    pub fn at(&self, local: &str) -> Instant {
        Instant::parse_in_zone(local, &self.zone).unwrap()
    }

    pub fn number(&self, raw: &str) -> PhoneNumber {
        self.store.parse_number(raw).unwrap()
    }

    fn put(&self, ev: NewEvent) -> EventId {
        let ins = self.store.insert(&ev).unwrap();
        rules::evaluate_new_with(&self.store, &[ins.id], &self.fake).unwrap();
        ins.id
    }

    /// An incoming call; `talk_s` 0 = unanswered (missed).
    pub fn call(&self, number: &str, local: &str, talk_s: u64) -> EventId {
        self.call_full(number, self.at(local), talk_s, None, EventSource::Live)
    }

    pub fn call_full(
        &self,
        number: &str,
        at: Instant,
        talk_s: u64,
        sim: Option<u8>,
        source: EventSource,
    ) -> EventId {
        self.put(NewEvent {
            source,
            payload: EventPayload::Call(Call {
                number: self.number(number),
                direction: if talk_s > 0 {
                    CallDirection::Incoming
                } else {
                    CallDirection::Missed
                },
                start: at,
                ring_ms: Some(5000),
                talk_ms: talk_s * 1000,
                sim_slot: sim,
            }),
        })
    }

    /// A call the user placed.
    pub fn call_out(&self, number: &str, local: &str, talk_s: u64) -> EventId {
        self.put(NewEvent {
            source: EventSource::CallLog,
            payload: EventPayload::Call(Call {
                number: self.number(number),
                direction: CallDirection::Outgoing,
                start: self.at(local),
                ring_ms: None,
                talk_ms: talk_s * 1000,
                sim_slot: None,
            }),
        })
    }

    pub fn update(&self, call: EventId, talk_s: u64) -> EventId {
        self.put(NewEvent {
            source: EventSource::CallLog,
            payload: EventPayload::CallUpdate(CallUpdate {
                call,
                direction: CallDirection::Incoming,
                ring_ms: None,
                talk_ms: talk_s * 1000,
            }),
        })
    }

    /// A received SMS; register its classification first with `classify`.
    pub fn sms(&self, number: &str, local: &str, body: &str) -> EventId {
        self.put(NewEvent {
            source: EventSource::Live,
            payload: EventPayload::Sms(Sms {
                number: self.number(number),
                body: body.into(),
                sent: None,
                received: self.at(local),
                sim_slot: None,
                direction: SmsDirection::Incoming,
            }),
        })
    }

    pub fn classify(&mut self, body: &str, c: Classification) {
        self.fake.0.insert(body.into(), c);
    }

    pub fn tag(&self, number: &str, case: &str) {
        self.store
            .tag_number(number, case, store::TagSource::User)
            .unwrap();
    }

    pub fn annotate(&self, kind: store::AnnotationKind, case: &str, local: &str) {
        self.store
            .add_annotation(&store::NewAnnotation {
                kind,
                case_name: Some(case.into()),
                event_id: None,
                at: self.at(local),
                text: "stop calling me".into(),
            })
            .unwrap();
    }

    /// All flags, after checking that a full rebuild reproduces the incremental result.
    pub fn all_flags(&self) -> Vec<NewFlag> {
        // Tags, annotations and settings changed since the last evaluation are picked up here
        // (as the CLI and app do after such edits).
        rules::refresh_with(&self.store, &self.fake).unwrap();
        let incremental = self.raw_flags();
        let suggested = self.store.case_suggestions().unwrap();
        rules::rebuild_with(&self.store, &self.fake).unwrap();
        let rebuilt = self.raw_flags();
        assert_eq!(
            incremental, rebuilt,
            "incremental evaluation and rebuild disagree"
        );
        assert_eq!(
            suggested,
            self.store.case_suggestions().unwrap(),
            "incremental and rebuilt suggestions disagree"
        );
        rebuilt
    }

    pub fn raw_flags(&self) -> Vec<NewFlag> {
        let mut f: Vec<NewFlag> = self
            .store
            .flags(&FlagQuery::default())
            .unwrap()
            .into_iter()
            .map(|r| r.flag)
            .collect();
        f.sort_by(|a, b| (a.at.utc_ms, &a.rule, &a.events).cmp(&(b.at.utc_ms, &b.rule, &b.events)));
        f
    }

    /// (rule, event ids) of every flag.
    pub fn flags(&self) -> Vec<(String, Vec<EventId>)> {
        self.all_flags()
            .into_iter()
            .map(|f| (f.rule, f.events))
            .collect()
    }

    /// Rules raised on the contact whose first record is `ev` (the flag's own event).
    pub fn rules_on(&self, ev: EventId) -> Vec<String> {
        let t = self
            .store
            .event(ev)
            .unwrap()
            .unwrap()
            .payload
            .instant()
            .unwrap();
        let mut r: Vec<String> = self
            .all_flags()
            .into_iter()
            .filter(|f| f.at == t && f.events.contains(&ev))
            .map(|f| f.rule)
            .collect();
        r.sort();
        r
    }

    /// Flags of one rule: their event ids.
    pub fn of_rule(&self, rule: &str) -> Vec<Vec<EventId>> {
        self.flags()
            .into_iter()
            .filter(|(r, _)| r == rule)
            .map(|(_, e)| e)
            .collect()
    }
}
