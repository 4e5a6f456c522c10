//! A process killed with SIGKILL in the middle of a batched insert leaves a store that opens,
//! verifies, and holds all or none of that batch.

mod common;
use common::*;
use dunwatch_core::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

const BASE: i64 = 50;
const BATCH: i64 = 100_000;

/// Runs only as the child process of `sigkill_mid_batch_keeps_all_or_none`.
#[test]
fn crash_child() {
    let Ok(path) = std::env::var("DUNWATCH_CRASH_CHILD") else {
        return;
    };
    let store = Store::open(&path).unwrap();
    let base: Vec<_> = (0..BASE)
        .map(|i| sms("13800138000", &format!("base {i}"), T0 + i))
        .collect();
    store.insert_batch(&base).unwrap();
    let batch: Vec<_> = (0..BATCH)
        .map(|i| {
            sms(
                "13900139000",
                &format!("batch {i} 您已逾期"),
                T0 + 1_000_000 + i,
            )
        })
        .collect();
    println!("BATCH_START");
    store.insert_batch(&batch).unwrap();
    println!("BATCH_DONE");
}

#[test]
fn sigkill_mid_batch_keeps_all_or_none() {
    for delay_ms in [30u64, 150, 400] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crash.sqlite");
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
            .env("DUNWATCH_CRASH_CHILD", &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        loop {
            let line = lines.next().expect("child ended early").unwrap();
            if line.contains("BATCH_START") {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(delay_ms));
        let still_running = child.try_wait().unwrap().is_none();
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();

        let store = Store::open(&path).unwrap();
        let report = store.verify().unwrap();
        assert!(report.ok(), "delay {delay_ms}: {:?}", report.broken);
        let n = store.event_count().unwrap();
        assert!(
            n == BASE || n == BASE + BATCH,
            "delay {delay_ms}: {n} events, want {BASE} or {}",
            BASE + BATCH
        );
        if still_running {
            // Killed before the commit could finish: nothing of the batch is there.
            eprintln!("delay {delay_ms}: killed mid-batch, {n} events survive");
        }
        // The store keeps working after the crash.
        store.insert(&sms("10086", "after crash", T0)).unwrap();
        assert!(store.verify().unwrap().ok());
    }
}
