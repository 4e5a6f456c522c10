//! Keeps the Kotlin side of the JNI contract in step with the Rust side: every key the Kotlin
//! codec (`app/src/main/kotlin/org/dunwatch/core/Json.kt`) reads from a result must be one that
//! some export writes. A field renamed or removed in Rust (in `contract.rs` or a core type that
//! crosses as is) fails here, instead of reaching the app as a missing key or a silent null.
//! (What Kotlin sends is checked the other way by `deny_unknown_fields` in `contract.rs`, which
//! the JVM tests exercise through every export.)

use dunwatch_android::contract::VerifyOut;
use dunwatch_android::{ops, report};
use dunwatch_core::store::{BrokenRow, ChainSummary, VerifyReport};
use dunwatch_core::Evidence;
use serde_json::Value;
use std::collections::BTreeSet;

const AT: &str = r#"{"utc_ms":1700000000000,"offset_secs":28800}"#;

fn keys(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                out.insert(k.clone());
                keys(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
        _ => {}
    }
}

/// Every result shape, from each export that returns JSON, with optional parts filled in.
fn written_keys() -> BTreeSet<String> {
    let ev = Evidence::open_in_memory(None).unwrap();
    // The shipped weights (what the app hands over from its asset); the builtin ones, if any.
    let dwm = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../core/data/model/collection.dwm"
    ))
    .unwrap();
    let mut outs: Vec<String> = vec![
        ops::install_model(&dwm).unwrap(),
        ops::facts().unwrap(),
        ops::settings(&ev).unwrap(),
        ops::set_settings(
            &ev,
            r#"{"jurisdiction":"cn","role":"borrower","home_tz":"Asia/Shanghai"}"#,
        )
        .unwrap(),
        ops::tag_number(&ev, "13800138000", "Loan A").unwrap(),
    ];
    let sms = format!(r#"{{"direction":"incoming","received":{AT},"sent":{AT},"sim_slot":1}}"#);
    outs.push(ops::record_sms(&ev, "13800138000", "请还款，否则上门", &sms).unwrap());
    let call = format!(r#"{{"direction":"incoming","start":{AT},"ring_ms":3000,"talk_ms":1000}}"#);
    let rec = ops::record_call(&ev, "13800138000", &call).unwrap();
    let id = serde_json::from_str::<Value>(&rec).unwrap()["id"]
        .as_i64()
        .unwrap();
    outs.push(rec);
    outs.push(ops::update_call(&ev, id, r#"{"direction":"incoming","talk_ms":2000}"#).unwrap());
    let meta = format!(r#"{{"at":{AT}}}"#);
    ops::add_annotation(&ev, "stop_request", Some("Loan A"), "stop", &meta).unwrap();
    let ameta = format!(r#"{{"at":{AT},"size":3}}"#);
    ops::add_attachment(&ev, Some("Loan A"), "a.jpg", &"ab".repeat(32), &ameta).unwrap();
    outs.push(ops::screen_call(&ev, "13800138000", AT, None).unwrap());
    outs.push(ops::events(&ev, "{}").unwrap());
    outs.push(ops::flags(&ev, "{}").unwrap());
    outs.push(ops::cases(&ev).unwrap());
    outs.push(ops::timeline(&ev, "{}").unwrap());
    outs.push(ops::timeline(&ev, r#"{"collectors_only":true}"#).unwrap());
    outs.push(ops::rule_texts(&ev, "zh").unwrap());
    outs.push(ops::today(&ev, AT).unwrap());
    outs.push(ops::case_page(&ev, 1).unwrap());
    outs.push(ops::verify(&ev).unwrap());
    let loan = r#"{"principal":"10000","received":[{"date":"2025-01-01","amount":"7000"}],
        "repaid":[{"date":"2025-02-01","amount":"7500"}],"lender":"licensed"}"#;
    outs.push(ops::record_loan(&ev, "Loan A", loan).unwrap());
    outs.push(ops::loan(&ev, "Loan A").unwrap());
    ops::tag_number(&ev, "13800138001", "Loan B").unwrap();
    outs.push(ops::merge_cases(&ev, "Loan B", "Loan A").unwrap());
    outs.push(ops::cases(&ev).unwrap());
    outs.push(ops::untag_number(&ev, "13800138000").unwrap());
    let dir = tempfile_dir();
    let html = dir.join("r.html");
    outs.push(report::export(&ev, html.to_str().unwrap(), "{}").unwrap());
    let _ = std::fs::remove_dir_all(&dir);
    // A broken chain, which a sound store never shows.
    outs.push(
        serde_json::to_string(&VerifyOut {
            ok: false,
            report: VerifyReport {
                chains: vec![ChainSummary {
                    chain: "events".into(),
                    rows: 1,
                    head: "00".into(),
                }],
                broken: Some(BrokenRow {
                    chain: "events".into(),
                    row: 1,
                    reason: "x".into(),
                }),
                membership: Vec::new(),
            },
        })
        .unwrap(),
    );
    let mut out = BTreeSet::new();
    for o in outs {
        keys(&serde_json::from_str(&o).unwrap(), &mut out);
    }
    out
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("dunwatch-contract-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Keys the Kotlin codec reads: the string literal of each `getX("k")`, `optX("k")`,
/// `xOrNull("k")` and `isNull("k")` call in Json.kt.
fn read_keys(kotlin: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = kotlin;
    while let Some(i) = rest.find("(\"") {
        let before = &rest[..i];
        let name_start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |p| p + 1);
        let name = &before[name_start..];
        let after = &rest[i + 2..];
        let Some(end) = after.find('"') else { break };
        let key = &after[..end];
        let reads = name.starts_with("get")
            || name.starts_with("opt")
            || name.ends_with("OrNull")
            || name == "isNull";
        if reads && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            out.insert(key.to_string());
        }
        rest = &after[end..];
    }
    out
}

#[test]
fn every_key_kotlin_reads_is_written_by_rust() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../app/src/main/kotlin/org/dunwatch/core/Json.kt"
    );
    let kotlin = std::fs::read_to_string(path).expect("Json.kt is part of the repository");
    let read = read_keys(&kotlin);
    assert!(
        read.len() > 40,
        "the scan found the codec's reads: {read:?}"
    );
    let written = written_keys();
    let missing: Vec<&String> = read.difference(&written).collect();
    assert!(
        missing.is_empty(),
        "Json.kt reads keys no export writes (renamed or removed on the Rust side?): {missing:?}"
    );
}

#[test]
fn the_scan_sees_reads_not_writes() {
    let k = r#"o.getString("a_b"); o.longOrNull("c"); JSONObject().put("d", 1).putOpt("e", x); o.isNull("f")"#;
    let got: Vec<String> = read_keys(k).into_iter().collect();
    assert_eq!(got, ["a_b", "c", "f"]);
}
