//! Fills a store with synthetic history for the JNI screening benchmark (tests/jvm/bench.sh):
//! `cargo run --release -p dunwatch-android --example fill_store -- PATH [EVENTS]`.
//!
//! A year of contacts on a borrower's phone (CN): 1,000 collector numbers tagged into 100 cases
//! and 20,000 other numbers; 70 % calls, 30 % SMS. Inserted in batches of 10,000, then the flags
//! are rebuilt once so that opening the store through JNI finds them current.

use dunwatch_core::store::TagSource;
use dunwatch_core::*;
use std::time::Instant as Clock;

const T0: i64 = 1_735_660_800_000; // 2025-01-01T00:00+08:00
const YEAR_MS: i64 = 365 * 86_400_000;
const OFFSET: i32 = 8 * 3600;

/// Deterministic generator, so every run benchmarks the same store.
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

fn event(r: &mut Lcg, i: u64, n: u64) -> NewEvent {
    let raw = if r.below(3) == 0 {
        format!("1380000{:04}", r.below(1000))
    } else {
        format!("1390{:07}", r.below(20_000))
    };
    let number = PhoneNumber::parse(&raw, Region::Cn).expect("generated numbers parse");
    let utc_ms = T0 + (i as i64) * (YEAR_MS / n as i64) + r.below(60_000) as i64;
    let at = Instant::new(utc_ms, OFFSET).expect("generated instants are valid");
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
            sim_slot: None,
        })
    } else {
        EventPayload::Sms(Sms {
            number,
            body: format!(
                "您的借款已逾期{}天，请于今日18:00前还款（编号{i}）",
                r.below(90)
            ),
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

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: fill_store PATH [EVENTS]");
        std::process::exit(2);
    };
    let n: u64 = match args.next().map(|s| s.parse()) {
        None => 1_000_000,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("EVENTS must be a positive integer");
            std::process::exit(2);
        }
    };
    let store = Store::open(&path)?;
    store.set_settings(&Settings::default())?;
    for c in 0..1000u64 {
        store.tag_number(
            &format!("1380000{c:04}"),
            &format!("Loan {}", c % 100),
            TagSource::User,
        )?;
    }
    let mut r = Lcg(42);
    let t = Clock::now();
    let mut batch = Vec::with_capacity(10_000);
    for i in 0..n {
        batch.push(event(&mut r, i, n));
        if batch.len() == 10_000 || i + 1 == n {
            store.insert_batch(&batch)?;
            batch.clear();
        }
    }
    println!("inserted {n} events in {:.1} s", t.elapsed().as_secs_f64());
    let t = Clock::now();
    let s = rules::rebuild(&store)?;
    println!(
        "rebuilt flags: {} events, {} flags in {:.1} s",
        s.events,
        s.flags,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
