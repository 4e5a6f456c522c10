//! Inserting evidence: idempotence, batches, concurrency, bad input, call updates.

mod common;
use common::*;
use dunwatch_core::store::EventQuery;
use dunwatch_core::*;
use std::sync::Arc;

#[test]
fn reinsert_is_idempotent() {
    let store = Store::open_in_memory().unwrap();
    let e = sms("13800138000", "您的借款已逾期3天", T0);
    let a = store.insert(&e).unwrap();
    assert!(a.new);
    // Same event from another source (an import of the same SMS) is the same evidence.
    let mut again = e.clone();
    again.source = EventSource::Import;
    let b = store.insert(&again).unwrap();
    assert_eq!((b.id, b.new), (a.id, false));
    let batch = store
        .insert_batch(&[e.clone(), sms("13800138000", "另一条", T0), e])
        .unwrap();
    assert_eq!(batch.iter().filter(|i| i.new).count(), 1);
    assert_eq!(batch[0].id, a.id);
    assert_eq!(batch[2].id, a.id);
    assert_eq!(store.event_count().unwrap(), 2);
    assert!(store.verify().unwrap().ok());
}

/// Batches de-duplicate against stored events and within themselves exactly as inserting the
/// events one at a time does (batches read the stored events of their time span up front; single
/// inserts look each event up), whatever the order and overlap.
#[test]
fn batches_dedupe_like_single_inserts() {
    let batched = Store::open_in_memory().unwrap();
    let single = Store::open_in_memory().unwrap();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for round in 0..30 {
        let len = 1 + next(60) as usize;
        let batch: Vec<NewEvent> = (0..len)
            .map(|_| {
                // Few distinct instants and bodies: many duplicates, in and across batches.
                let t = T0 + next(40) as i64 * 60_000 - 600_000;
                match next(3) {
                    0 => call("13900139000", t, next(2) * 30_000),
                    _ => sms("13800138000", &format!("第{}条", next(4)), t),
                }
            })
            .collect();
        let got = batched.insert_batch(&batch).unwrap();
        let want: Vec<_> = batch.iter().map(|e| single.insert(e).unwrap()).collect();
        assert_eq!(got, want, "round {round}");
    }
    assert_eq!(
        batched.event_count().unwrap(),
        single.event_count().unwrap()
    );
    assert!(
        batched.event_count().unwrap() > 40,
        "the test must store events"
    );
    assert!(batched.verify().unwrap().ok());
}

#[test]
fn same_number_different_format_dedupes() {
    let store = Store::open_in_memory().unwrap();
    store.insert(&sms("13800138000", "x", T0)).unwrap();
    let r = store.insert(&sms("+86 138 0013 8000", "x", T0)).unwrap();
    assert!(!r.new);
}

#[test]
fn eight_threads_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path().join("t.sqlite")).unwrap());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                for i in 0..100 {
                    let e = sms(
                        &format!("1380013{:04}", t),
                        &format!("thread {t} msg {i}"),
                        T0 + i * 1000,
                    );
                    if i % 10 == 0 {
                        store.insert_batch(&[e.clone(), e]).unwrap();
                    } else {
                        store.insert(&e).unwrap();
                    }
                    // Readers run concurrently with writers.
                    if i % 25 == 0 {
                        store.events(&EventQuery::default()).unwrap();
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(store.event_count().unwrap(), 800);
    let r = store.verify().unwrap();
    assert!(r.ok(), "{:?}", r.broken);
    assert_eq!(r.chains[0].rows, 800);
}

#[test]
fn bad_input_is_stored_or_refused_never_panics() {
    let store = Store::open_in_memory().unwrap();
    // Empty body, NUL bytes and a 1 MB body are stored as they are: evidence is not edited.
    let nul = "逾期\0<script>\u{202e}";
    let big = "催".repeat(350_000); // ~1 MB of UTF-8
    for body in ["", nul, big.as_str()] {
        let id = store.insert(&sms("13800138000", body, T0)).unwrap().id;
        match store.event(id).unwrap().unwrap().payload {
            EventPayload::Sms(s) => assert_eq!(s.body, body),
            other => panic!("{other:?}"),
        }
    }
    // Over the limit: a clear error, nothing stored.
    let huge = "x".repeat(MAX_BODY_BYTES + 1);
    let before = store.event_count().unwrap();
    let err = store
        .insert_batch(&[
            sms("13800138000", "ok", T0 + 5),
            sms("13800138000", &huge, T0),
        ])
        .unwrap_err();
    assert!(err.to_string().contains("event 1 of batch"), "{err}");
    assert_eq!(store.event_count().unwrap(), before, "all or none");
    // Invalid numbers are refused at parse time with a message.
    for bad in ["138\0", "-----", &"1".repeat(65)] {
        let e = PhoneNumber::parse(bad, Region::Cn).unwrap_err();
        assert!(matches!(e, Error::InvalidInput(_)), "{bad:?}: {e}");
    }
    // A withheld caller is evidence too.
    let hidden = PhoneNumber::parse("", Region::Cn).unwrap();
    assert_eq!(hidden.kind, NumberKind::Hidden);
    assert!(store.verify().unwrap().ok());
}

#[test]
fn call_update_amends_without_rewriting() {
    let store = Store::open_in_memory().unwrap();
    let id = store.insert(&call("02112345678", T0, 0)).unwrap().id;
    let upd = NewEvent {
        source: EventSource::CallLog,
        payload: EventPayload::CallUpdate(CallUpdate {
            call: id,
            direction: CallDirection::Incoming,
            ring_ms: Some(3000),
            talk_ms: 42_000,
        }),
    };
    store.insert(&upd).unwrap();
    assert!(!store.insert(&upd).unwrap().new, "update is idempotent too");
    let EventPayload::Call(c) = store.event(id).unwrap().unwrap().payload else {
        panic!()
    };
    assert_eq!((c.talk_ms, c.direction), (42_000, CallDirection::Incoming));
    assert!(c.connected());
    // Listing shows one call, amended.
    let all = store.events(&EventQuery::default()).unwrap();
    assert_eq!(all.len(), 1);
    // An update must point at a call.
    let sms_id = store.insert(&sms("10086", "hi", T0)).unwrap().id;
    let bad = NewEvent {
        payload: EventPayload::CallUpdate(CallUpdate {
            call: sms_id,
            direction: CallDirection::Incoming,
            ring_ms: None,
            talk_ms: 1,
        }),
        ..upd
    };
    assert!(store.insert(&bad).is_err());
    assert!(store.verify().unwrap().ok());
}

#[test]
fn query_by_time_number_and_case() {
    let store = Store::open_in_memory().unwrap();
    let mut evs = Vec::new();
    for i in 0..30 {
        let n = ["13800138001", "13800138002", "13900139000"][i % 3];
        evs.push(call(n, T0 + i as i64 * 3_600_000, 0));
    }
    store.insert_batch(&evs).unwrap();
    let q = |q: EventQuery| store.events(&q).unwrap();
    let range = q(EventQuery {
        from_ms: Some(T0 + 3_600_000),
        to_ms: Some(T0 + 4 * 3_600_000),
        ..Default::default()
    });
    assert_eq!(range.len(), 3);
    let by_number = q(EventQuery {
        number: Some("+8613900139000".into()),
        ..Default::default()
    });
    assert_eq!(by_number.len(), 10);
    store
        .tag_number("13800138001", "速借花", store::TagSource::User)
        .unwrap();
    store
        .tag_number("+86 138 0013 8002", "速借花", store::TagSource::User)
        .unwrap();
    let case = store.case_by_name("速借花").unwrap().unwrap();
    assert_eq!(case.numbers.len(), 2);
    let by_case = q(EventQuery {
        case: Some(case.id),
        ..Default::default()
    });
    assert_eq!(by_case.len(), 20);
    let page = q(EventQuery {
        case: Some(case.id),
        offset: 5,
        limit: Some(5),
        newest_first: true,
        ..Default::default()
    });
    assert_eq!(page.len(), 5);
    assert!(page[0].payload.instant().unwrap().utc_ms > page[4].payload.instant().unwrap().utc_ms);
}

#[test]
fn automatic_tags_do_not_override_the_user() {
    let store = Store::open_in_memory().unwrap();
    store
        .tag_number("13800138001", "A", store::TagSource::User)
        .unwrap();
    let info = store
        .tag_number("13800138001", "B", store::TagSource::Creditor)
        .unwrap();
    assert_eq!(info.case_name.as_deref(), Some("A"));
    let info = store
        .tag_number("13800138001", "B", store::TagSource::User)
        .unwrap();
    assert_eq!(info.case_name.as_deref(), Some("B"));
}

#[test]
fn settings_round_trip_and_validate() {
    let store = Store::open_in_memory().unwrap();
    assert_eq!(store.settings().unwrap(), Settings::default());
    let s = Settings {
        jurisdiction: Jurisdiction::Us,
        role: Role::Family,
        home_tz: "America/New_York".into(),
    };
    store.set_settings(&s).unwrap();
    assert_eq!(store.settings().unwrap(), s);
    let bad = Settings {
        home_tz: "Asia/Atlantis".into(),
        ..s.clone()
    };
    assert!(store.set_settings(&bad).is_err());
    assert_eq!(store.settings().unwrap(), s);
}

#[test]
fn full_disk_loses_nothing_already_written() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("full.sqlite")).unwrap();
    let first: Vec<_> = (0..100).map(|i| sms("13800138000", "早", T0 + i)).collect();
    store.insert_batch(&first).unwrap();
    let pages: u32 = store
        .read(|c| Ok(c.query_row("PRAGMA page_count", [], |r| r.get(0))?))
        .unwrap();
    store.limit_pages_for_test(pages + 2).unwrap();
    let big: Vec<_> = (0..2000)
        .map(|i| sms("13900139000", &"满".repeat(300), T0 + 10_000 + i))
        .collect();
    let err = store.insert_batch(&big).unwrap_err();
    assert!(err.to_string().contains("full"), "{err}");
    assert!(err.is_disk_full(), "{err:?}");
    assert_eq!(
        store.event_count().unwrap(),
        100,
        "failed batch left nothing"
    );
    assert!(store.verify().unwrap().ok());
    // Space comes back: writing resumes on the same chain.
    store.limit_pages_for_test(1_000_000).unwrap();
    store.insert_batch(&big).unwrap();
    assert_eq!(store.event_count().unwrap(), 2100);
    assert!(store.verify().unwrap().ok());
}

/// A batch inserts its new rows several to a statement; a call update in the batch still finds
/// the call stored just before it in the same batch, and one pointing at an SMS fails the batch
/// without storing any of it.
#[test]
fn long_batches_with_call_updates_store_every_row_in_order() {
    let batched = Store::open_in_memory().unwrap();
    let single = Store::open_in_memory().unwrap();
    let update = |call: i64| NewEvent {
        source: EventSource::CallLog,
        payload: EventPayload::CallUpdate(CallUpdate {
            call,
            direction: CallDirection::Incoming,
            ring_ms: Some(2000),
            talk_ms: 61_000,
        }),
    };
    // Ids start at 1 in a new store: the call is the 41st event.
    let mut batch: Vec<NewEvent> = (0..40)
        .map(|i| sms("13800138000", &format!("第{i}条"), T0 + i * 1000))
        .collect();
    batch.push(call("13900139000", T0 + 50_000, 0));
    batch.push(update(41));
    batch.extend((40..75).map(|i| sms("13800138001", &format!("第{i}条"), T0 + i * 1000)));
    // And duplicates of rows inserted a moment before, in the same batch.
    batch.extend(batch[..20].to_vec());
    let got = batched.insert_batch(&batch).unwrap();
    let want: Vec<_> = batch.iter().map(|e| single.insert(e).unwrap()).collect();
    assert_eq!(got, want);
    assert_eq!(got.iter().filter(|i| i.new).count(), 77);
    let all = |s: &Store| s.events(&EventQuery::default()).unwrap();
    let (b, s) = (all(&batched), all(&single));
    assert_eq!(b.len(), s.len());
    for (x, y) in b.iter().zip(&s) {
        assert_eq!((x.id, &x.payload), (y.id, &y.payload));
    }
    let EventPayload::Call(c) = batched.event(41).unwrap().unwrap().payload else {
        panic!("event 41 is the call")
    };
    assert_eq!(c.talk_ms, 61_000);
    assert!(batched.verify().unwrap().ok());

    // A call update pointing at an SMS waiting in the same batch: the whole batch is refused.
    let before = batched.event_count().unwrap();
    let mut bad: Vec<NewEvent> = (0..30)
        .map(|i| sms("13700137000", &format!("新{i}"), T0 + i * 1000))
        .collect();
    bad.push(update(before + 5));
    assert!(batched.insert_batch(&bad).is_err());
    assert_eq!(batched.event_count().unwrap(), before);
    assert!(batched.verify().unwrap().ok());
}

/// A batch binds to its INSERT only the columns that changed from the row before: rows that
/// differ from their neighbours in one column each (source, direction, SIM, offset, sent time,
/// ring and talk time, kind), changing and changing back, are stored exactly as one at a time.
#[test]
fn every_column_that_changes_between_rows_is_stored() {
    let number = |n: &str| number::PhoneNumber::parse(n, number::Region::Cn).unwrap();
    let at = |i: i64, off: i32| time::Instant::new(T0 + i * 60_000, off).unwrap();
    let sms_ev = |i: i64, source, direction, sim, off, sent: bool| NewEvent {
        source,
        payload: EventPayload::Sms(model::Sms {
            number: number("13800138000"),
            body: format!("消息{i}"),
            sent: sent.then(|| at(i, off)),
            received: at(i, off),
            sim_slot: sim,
            direction,
        }),
    };
    let call_ev = |i: i64, direction, ring: Option<u64>, talk| NewEvent {
        source: EventSource::CallLog,
        payload: EventPayload::Call(model::Call {
            number: number("13900139000"),
            direction,
            start: at(i, 8 * 3600),
            ring_ms: ring,
            talk_ms: talk,
            sim_slot: None,
        }),
    };
    use model::{CallDirection as C, SmsDirection as S};
    use EventSource::{Import, Live};
    let h = 8 * 3600;
    let batch = vec![
        sms_ev(0, Import, S::Incoming, None, h, false),
        sms_ev(1, Live, S::Incoming, None, h, false),
        sms_ev(2, Import, S::Incoming, None, h, false),
        sms_ev(3, Import, S::Outgoing, None, h, false),
        sms_ev(4, Import, S::Incoming, Some(1), h, false),
        sms_ev(5, Import, S::Incoming, None, h, false),
        sms_ev(6, Import, S::Incoming, None, -5 * 3600, false),
        sms_ev(7, Import, S::Incoming, None, h, true),
        sms_ev(8, Import, S::Incoming, None, h, false),
        call_ev(9, C::Incoming, Some(3000), 0),
        call_ev(10, C::Incoming, None, 0),
        call_ev(11, C::Missed, None, 0),
        call_ev(12, C::Incoming, None, 45_000),
        call_ev(13, C::Incoming, Some(3000), 0),
        sms_ev(14, Import, S::Incoming, None, h, false),
    ];
    let batched = Store::open_in_memory().unwrap();
    let single = Store::open_in_memory().unwrap();
    batched.insert_batch(&batch).unwrap();
    // A second batch starts from the bindings the first left.
    batched
        .insert_batch(&[sms_ev(15, Live, S::Outgoing, Some(2), 0, true)])
        .unwrap();
    for e in batch
        .iter()
        .chain([&sms_ev(15, Live, S::Outgoing, Some(2), 0, true)])
    {
        single.insert(e).unwrap();
    }
    let all = |s: &Store| s.events(&EventQuery::default()).unwrap();
    let (b, s) = (all(&batched), all(&single));
    assert_eq!(b.len(), 16);
    for ((x, y), e) in b.iter().zip(&s).zip(batch.iter()) {
        assert_eq!((x.id, &x.source, &x.payload), (y.id, &y.source, &y.payload));
        assert_eq!((&x.source, &x.payload), (&e.source, &e.payload));
    }
    assert!(batched.verify().unwrap().ok());
}

/// A stored duration or SIM slot out of range is an error when read back, never 0 or none.
#[test]
fn out_of_range_stored_values_are_errors() {
    for bad in [
        "UPDATE events SET talk_ms = -5",
        "UPDATE events SET ring_ms = -1",
        "UPDATE events SET sim_slot = 300",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite");
        let store = Store::open(&path).unwrap();
        let id = store.insert(&call("13800138000", T0, 1000)).unwrap().id;
        assert!(store.event(id).unwrap().is_some());
        drop(store);
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch(bad)
            .unwrap();
        let store = Store::open(&path).unwrap();
        assert!(store.event(id).is_err(), "{bad}");
    }
}
