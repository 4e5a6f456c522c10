//! Rules benchmark (release mode): `cargo bench -p dunwatch-core --bench screen`.
//!
//! Builds a store of 1,000,000 events in the system temp directory (a year of calls and SMS from
//! 1,000 collector numbers in 100 cases sending collection texts, and 20,000 other numbers
//! sending ordinary ones), then measures:
//! - call screening latency (p50, p99, max) over 10,000 screens of random numbers and instants;
//! - full rebuild throughput (events/s) over the whole history;
//! - incremental evaluation: one live event at a time, and import batches of 10,000.
//!
//! Without `--bench` (e.g. `cargo test --benches`) it runs on 20,000 events to stay quick.

use dunwatch_core::rules;
use dunwatch_core::store::TagSource;
use dunwatch_core::*;
use std::time::Instant as Clock;

const T0: i64 = 1_735_660_800_000; // 2025-01-01T00:00+08:00
const DAY: i64 = 86_400_000;
const OFFSET: i32 = 8 * 3600;

/// Small deterministic generator (no rand crate needed for a benchmark).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn collector(i: u64) -> String {
    format!("1380000{:04}", i)
}

fn other(i: u64) -> String {
    format!("1390{:07}", i)
}

fn event(r: &mut Lcg, utc_ms: i64) -> NewEvent {
    let is_collector = r.below(3) == 0;
    let number = if is_collector {
        collector(r.below(1000))
    } else {
        other(r.below(20_000))
    };
    let number = PhoneNumber::parse(&number, Region::Cn).unwrap();
    let at = Instant::new(utc_ms, OFFSET).unwrap();
    let payload = if r.below(10) < 7 {
        let talk = if r.below(3) == 0 { r.below(300_000) } else { 0 };
        EventPayload::Call(Call {
            number,
            direction: if talk > 0 {
                CallDirection::Incoming
            } else {
                CallDirection::Missed
            },
            start: at,
            ring_ms: Some(8000),
            talk_ms: talk,
            sim_slot: Some((r.below(2)) as u8),
        })
    } else {
        EventPayload::Sms(Sms {
            number,
            body: if is_collector {
                format!(
                    "【速借花】您的借款已逾期{}天，请于今日18:00前还款，回电13800001234",
                    r.below(90)
                )
            } else {
                format!("晚上一起吃饭吗？我{}点到", 6 + r.below(4))
            },
            sent: None,
            received: at,
            sim_slot: None,
            direction: SmsDirection::Incoming,
        })
    };
    NewEvent {
        source: EventSource::Import,
        payload,
    }
}

/// This thread's CPU time in ns (Linux `/proc/thread-self/schedstat`), if available: on a loaded
/// machine wall time also counts the time other processes held the CPU.
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let n: i64 = if full { 1_000_000 } else { 20_000 };
    let dir = std::env::temp_dir().join(format!("dunwatch-rules-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(dir.join("rules.sqlite")).unwrap();
    let span = 365 * DAY;
    let step = span / n;

    let t = Clock::now();
    let mut r = Lcg(42);
    let mut i = 0;
    while i < n {
        let batch: Vec<NewEvent> = (i..(i + 50_000).min(n))
            .map(|k| event(&mut r, T0 + k * step))
            .collect();
        store.insert_batch(&batch).unwrap();
        i += 50_000;
    }
    for c in 0..1000 {
        store
            .tag_number(&collector(c), &format!("case {}", c / 10), TagSource::User)
            .unwrap();
    }
    println!(
        "setup: {n} events and 1000 tagged collector numbers in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let t = Clock::now();
    let c0 = thread_cpu_ns();
    let s = rules::rebuild(&store).unwrap();
    let secs = t.elapsed().as_secs_f64();
    let cpu = match (c0, thread_cpu_ns()) {
        (Some(a), Some(b)) => format!(
            " ({:.0} events per CPU-second)",
            s.events as f64 / ((b - a) as f64 / 1e9)
        ),
        _ => String::new(),
    };
    println!(
        "rebuild: {} events -> {} flags in {:.2} s = {:.0} events/s{cpu}",
        s.events,
        s.flags,
        secs,
        s.events as f64 / secs
    );

    // Screening: random numbers (a third collectors), random instants in the year.
    for role in ["borrower", "family"] {
        let mut st = store.settings().unwrap();
        st.role = role.parse().unwrap();
        store.set_settings(&st).unwrap();
        let mut lat = Vec::new();
        let mut actions = std::collections::BTreeMap::new();
        let screens = if full { 10_000 } else { 1_000 };
        let mut cpu = Vec::new();
        for _ in 0..screens {
            let num = if r.below(3) == 0 {
                collector(r.below(1000))
            } else {
                other(r.below(20_000))
            };
            let at = Instant::new(T0 + r.below(span as u64) as i64, OFFSET).unwrap();
            let c0 = thread_cpu_ns();
            let t = Clock::now();
            let d = rules::screen(&store, &num, at).unwrap();
            lat.push(t.elapsed().as_secs_f64() * 1e6);
            if let (Some(a), Some(b)) = (c0, thread_cpu_ns()) {
                cpu.push(b.saturating_sub(a) as f64 / 1000.0);
            }
            *actions.entry(d.action.as_str()).or_insert(0) += 1;
        }
        lat.sort_by(f64::total_cmp);
        println!(
            "screen ({role}, {screens} calls, {n} events stored): wall p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs; {actions:?}",
            percentile(&lat, 0.5),
            percentile(&lat, 0.99),
            lat[lat.len() - 1],
        );
        if cpu.len() == screens {
            cpu.sort_by(f64::total_cmp);
            println!(
                "  thread CPU per screen (includes reading schedstat): p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
                percentile(&cpu, 0.5),
                percentile(&cpu, 0.99),
                cpu[cpu.len() - 1]
            );
        }
    }
    let mut st = store.settings().unwrap();
    st.role = Role::Borrower;
    store.set_settings(&st).unwrap();
    rules::rebuild(&store).unwrap();

    // Incremental: live events one at a time after the history.
    let live = if full { 1_000 } else { 100 };
    let mut lat = Vec::new();
    for k in 0..live {
        let e = event(&mut r, T0 + span + k * 60_000);
        let id = store.insert(&e).unwrap().id;
        let t = Clock::now();
        rules::evaluate_new(&store, &[id]).unwrap();
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    lat.sort_by(f64::total_cmp);
    println!(
        "evaluate_new, one live event at a time ({live}): p50 {:.2} ms, p99 {:.2} ms",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99)
    );

    // Incremental: an import of 10 batches of 10,000 events (in time order) after the history.
    let batch_n: i64 = if full { 10_000 } else { 1_000 };
    let start = T0 + span + 2 * DAY;
    let mut total = 0.0;
    for b in 0..10 {
        let evs: Vec<NewEvent> = (0..batch_n)
            .map(|k| event(&mut r, start + (b * batch_n + k) * 20_000))
            .collect();
        let ids: Vec<EventId> = store
            .insert_batch(&evs)
            .unwrap()
            .iter()
            .map(|i| i.id)
            .collect();
        let t = Clock::now();
        rules::evaluate_new(&store, &ids).unwrap();
        total += t.elapsed().as_secs_f64();
    }
    println!(
        "evaluate_new, import batches of {batch_n}: {:.0} events/s",
        (10 * batch_n) as f64 / total
    );
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}
