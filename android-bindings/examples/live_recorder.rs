//! A live recorder for the crash harness (tests/crash/harness.py): records SMS and calls through
//! the same operations the app's JNI exports call, one durable write each, and prints
//! `ack <id> <seq>` only after the write has returned, so every printed id was acknowledged.
//!
//! `cargo run -p dunwatch-android --example live_recorder -- STORE RUN COUNT`
//!
//! Every event carries `#<RUN>-<seq>` in its text (SMS) or a deterministic start time (calls), so
//! the harness can tell each acknowledged event apart after a kill.

use dunwatch_android::ops;
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: live_recorder STORE RUN COUNT");
        std::process::exit(2);
    }
    let run: u64 = args[2].parse().expect("RUN is a number");
    let count: u64 = args[3].parse().expect("COUNT is a number");
    let store = match ops::open(&args[1], None) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("open failed: {e}");
            std::process::exit(1);
        }
    };
    let stdout = std::io::stdout();
    let base = 1_740_787_200_000_i64 + (run as i64) * 10_000_000;
    for seq in 0..count {
        let at = base + (seq as i64) * 1_000;
        let result = if seq % 3 == 2 {
            let meta = format!(
                "{{\"direction\":\"missed\",\"start\":{{\"utc_ms\":{at},\"offset_secs\":28800}}}}"
            );
            ops::record_call(&store, "02112345678", &meta)
        } else {
            let meta = format!(
                "{{\"direction\":\"incoming\",\"received\":{{\"utc_ms\":{at},\"offset_secs\":28800}}}}"
            );
            let body = format!("您的借款已逾期，请今日处理 #{run}-{seq}");
            ops::record_sms(&store, "13800138000", &body, &meta)
        };
        match result {
            Ok(json) => {
                let v: serde_json::Value = serde_json::from_str(&json).expect("ops return JSON");
                let mut out = stdout.lock();
                let _ = writeln!(out, "ack {} {seq}", v["id"]);
                let _ = out.flush();
            }
            Err(e) => {
                eprintln!("record failed at {seq}: {e}");
                std::process::exit(1);
            }
        }
    }
}
