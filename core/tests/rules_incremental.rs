//! Incremental evaluation gives exactly the flags of a full rebuild, whatever order and batch
//! size the events arrive in (imports of old history, duplicate call records, call updates,
//! SMS that join numbers to cases after their calls were stored).

mod rules_support;

use dunwatch_core::classify::{Classification, Flag};
use dunwatch_core::rules;
use dunwatch_core::*;
use rules_support::{collection, Fake, T};

struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

const NUMBERS: [&str; 6] = [
    "13800138001", // tagged "acme"
    "13800138002", // quoted as call-back by acme's SMS
    "13800138003", // tagged "beta"
    "13800138004", // never known: unknown caller
    "13900139000", // sends beta's SMS
    "13700137000", // a friend
];

fn classifier() -> Fake {
    let mut f = Fake::default();
    let mut acme = collection(&[(Flag::Threat, "上门")]);
    acme.creditor = Some("acme".into());
    acme.callback_numbers = vec!["13800138002".into()];
    f.0.insert("acme: pay, or 上门".into(), acme);
    let mut beta = collection(&[]);
    beta.creditor = Some("beta".into());
    f.0.insert("beta: pay".into(), beta);
    f.0.insert("hi".into(), Classification::default());
    f
}

fn history(seed: u64, t: &T) -> Vec<NewEvent> {
    let mut r = Lcg(seed);
    let base = t.at("2025-03-01 00:00").utc_ms;
    (0..160)
        .map(|_| {
            let k = r.below(6) as usize;
            // Bursts: most contacts fall in 10 busy days, at any hour.
            let at = base + r.below(10) as i64 * 86_400_000 + r.below(86_400) as i64 * 1000;
            let at = Instant::new(at, 8 * 3600).unwrap();
            let number = t.number(NUMBERS[k]);
            let payload = match (k, r.below(4)) {
                (0, 0) => sms(number, at, "acme: pay, or 上门"),
                (4, _) => sms(number, at, "beta: pay"),
                (5, 0) => sms(number, at, "hi"),
                _ => {
                    let talk = if r.below(3) == 0 { 30_000 } else { 0 };
                    EventPayload::Call(Call {
                        number,
                        direction: if r.below(8) == 0 {
                            CallDirection::Outgoing
                        } else if talk > 0 {
                            CallDirection::Incoming
                        } else {
                            CallDirection::Missed
                        },
                        start: at,
                        ring_ms: None,
                        talk_ms: talk,
                        sim_slot: Some(r.below(2) as u8),
                    })
                }
            };
            NewEvent {
                source: EventSource::Import,
                payload,
            }
        })
        .collect()
}

fn sms(number: PhoneNumber, at: Instant, body: &str) -> EventPayload {
    EventPayload::Sms(Sms {
        number,
        body: body.into(),
        sent: None,
        received: at,
        sim_slot: None,
        direction: SmsDirection::Incoming,
    })
}

fn run(seed: u64, jurisdiction: &str) {
    let mut t = T::new(jurisdiction, "borrower", "Asia/Shanghai");
    t.fake = classifier();
    t.tag(NUMBERS[0], "acme");
    t.tag(NUMBERS[2], "beta");
    let mut evs = history(seed, &t);
    let mut r = Lcg(seed ^ 0xdead_beef);
    // Duplicate records of some calls, a few seconds later (as the call log re-reports them).
    for i in 0..20 {
        if let EventPayload::Call(c) = &evs[i * 7].payload {
            let mut c = c.clone();
            c.start = Instant::new(c.start.utc_ms + 2_000, c.start.offset_secs).unwrap();
            evs.push(NewEvent {
                source: EventSource::CallLog,
                payload: EventPayload::Call(c),
            });
        }
    }
    // Shuffle: arrival order is not time order.
    for i in (1..evs.len()).rev() {
        evs.swap(i, r.below(i as u64 + 1) as usize);
    }
    let mut ids = Vec::new();
    let mut i = 0;
    while i < evs.len() {
        let n = 1 + r.below(12) as usize;
        let batch = &evs[i..(i + n).min(evs.len())];
        let new: Vec<EventId> = t
            .store
            .insert_batch(batch)
            .unwrap()
            .iter()
            .map(|x| x.id)
            .collect();
        rules::evaluate_new_with(&t.store, &new, &t.fake).unwrap();
        ids.extend(new);
        i += n;
        // Now and then the call log reports the talk time of an earlier call.
        if r.below(5) == 0 {
            let id = ids[r.below(ids.len() as u64) as usize];
            if let Some(StoredEvent {
                payload: EventPayload::Call(_),
                ..
            }) = t.store.event(id).unwrap()
            {
                let u = t
                    .store
                    .insert(&NewEvent {
                        source: EventSource::CallLog,
                        payload: EventPayload::CallUpdate(CallUpdate {
                            call: id,
                            direction: CallDirection::Incoming,
                            ring_ms: None,
                            talk_ms: 12_000,
                        }),
                    })
                    .unwrap();
                rules::evaluate_new_with(&t.store, &[u.id], &t.fake).unwrap();
            }
        }
    }
    // all_flags() asserts incremental == rebuild.
    let flags = t.all_flags();
    assert!(
        flags.len() > 20,
        "seed {seed}: the history should break rules ({} flags)",
        flags.len()
    );
}

#[test]
fn incremental_equals_rebuild_cn() {
    for seed in 1..=4 {
        run(seed, "cn");
    }
}

#[test]
fn incremental_equals_rebuild_us() {
    for seed in 7..=9 {
        run(seed, "us");
    }
}
