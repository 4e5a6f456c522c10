//! Store benchmark (release mode): `cargo bench -p dunwatch-core --bench store`.
//!
//! Prints batched insert throughput for 100k SMS events (one transaction, one fsync) and the
//! latency distribution of single durable inserts (one transaction and fsync each), on a file in
//! the system temp directory.

use dunwatch_core::*;
use std::time::Instant as Clock;

fn sms(i: i64) -> NewEvent {
    NewEvent {
        source: EventSource::Import,
        payload: EventPayload::Sms(Sms {
            number: PhoneNumber::parse(&format!("1380013{:04}", i % 5000), Region::Cn).unwrap(),
            body: format!(
                "【速借花】您的借款已逾期{}天，请于今日18:00前还款，编号{i}",
                i % 90
            ),
            sent: None,
            received: Instant::new(1_740_787_200_000 + i * 1000, 8 * 3600).unwrap(),
            sim_slot: None,
            direction: SmsDirection::Incoming,
        }),
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let n: i64 = if quick { 2_000 } else { 100_000 };
    let dir = std::env::temp_dir().join(format!("dunwatch-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    for round in 0..3 {
        let path = dir.join(format!("batch{round}.sqlite"));
        let store = Store::open(&path).unwrap();
        let events: Vec<_> = (0..n).map(sms).collect();
        let t = Clock::now();
        let ins = store.insert_batch(&events).unwrap();
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(ins.len() as i64, n);
        println!(
            "batched insert: {n} SMS events in {:.3} s = {:.0} events/s",
            secs,
            n as f64 / secs
        );
        let t = Clock::now();
        let again = store.insert_batch(&events).unwrap();
        assert!(again.iter().all(|i| !i.new));
        println!(
            "  re-insert of the same {n} (all duplicates): {:.0} events/s",
            n as f64 / t.elapsed().as_secs_f64()
        );
        let t = Clock::now();
        assert!(store.verify().unwrap().ok());
        println!(
            "  verify: {:.0} rows/s",
            n as f64 / t.elapsed().as_secs_f64()
        );
    }

    let path = dir.join("single.sqlite");
    let store = Store::open(&path).unwrap();
    let singles = if quick { 50 } else { 1_000 };
    let mut lat: Vec<f64> = (0..singles)
        .map(|i| {
            let e = sms(1_000_000 + i);
            let t = Clock::now();
            store.insert(&e).unwrap();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    lat.sort_by(f64::total_cmp);
    println!(
        "single durable insert ({singles} inserts, synchronous=FULL): p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        lat[lat.len() - 1]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
