//! The JNI bridge's conversions, without a JVM: Java strings as the JVM hands them over
//! (`GetStringUTFChars`, modified UTF-8, unpaired surrogates included) through
//! `strings::decode_mutf8`, and every JSON shape Kotlin sends (`contract.rs`) through the
//! `ops` function that reads it, on an in-memory store.
//!
//! First byte: the mode. 0: raw bytes as modified UTF-8. 1: the bytes as UTF-16 units (little
//! endian), encoded as the JVM does: decoding must give exactly `String::from_utf16`, and refuse
//! exactly what it refuses. 2 and up: a JSON text for one of the input shapes.
#![no_main]

use dunwatch_android::{
    ops,
    strings::{decode_mutf8, encode_mutf8},
};
use dunwatch_core::Evidence;
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

thread_local! {
    /// One store for many inputs (creating one per input would dominate); replaced now and
    /// then so it stays small.
    static STORE: RefCell<(usize, Option<Evidence>)> = const { RefCell::new((0, None)) };
}

fn with_store(f: impl FnOnce(&Evidence)) {
    STORE.with(|s| {
        let mut s = s.borrow_mut();
        if s.1.is_none() || s.0 >= 2000 {
            *s = (
                0,
                Some(Evidence::open_in_memory(None).expect("in-memory store")),
            );
        }
        s.0 += 1;
        f(s.1.as_ref().unwrap());
    });
}

const AT: &str = r#"{"utc_ms":1741527000000,"offset_secs":28800}"#;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode {
        0 => {
            if let Ok(s) = decode_mutf8(rest) {
                // What decodes is text; encoded back the JVM's way it decodes to itself.
                let units: Vec<u16> = s.encode_utf16().collect();
                assert_eq!(decode_mutf8(&encode_mutf8(&units)).as_deref(), Ok(s.as_str()));
            }
        }
        1 => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            let got = decode_mutf8(&encode_mutf8(&units));
            match String::from_utf16(&units) {
                Ok(s) => assert_eq!(got.as_deref(), Ok(s.as_str())),
                Err(_) => assert!(got.is_err(), "unpaired surrogate accepted: {units:?}"),
            }
        }
        _ => {
            // JSON arrives as a Java string: only valid text reaches the parsers.
            let Ok(json) = decode_mutf8(rest).or_else(|_| String::from_utf8(rest.to_vec())) else {
                return;
            };
            with_store(|ev| {
                let _ = match mode % 14 {
                    2 => ops::record_sms(ev, "13800138000", "请还款", &json).map(drop),
                    3 => ops::record_call(ev, "13800138000", &json).map(drop),
                    4 => ops::update_call(ev, 1, &json).map(drop),
                    5 => ops::screen_call(ev, "13800138000", &json, None).map(drop),
                    6 => ops::screen_call(ev, "13800138000", AT, Some(&json)).map(drop),
                    7 => ops::events(ev, &json).map(drop),
                    8 => ops::timeline(ev, &json).map(drop),
                    9 => ops::flags(ev, &json).map(drop),
                    10 => ops::today(ev, &json).map(drop),
                    11 => ops::add_annotation(ev, "note", Some("case"), "text", &json).map(drop),
                    12 => ops::add_attachment(ev, None, "a.jpg", &"0".repeat(64), &json).map(drop),
                    13 => ops::record_loan(ev, "case", &json).map(drop),
                    _ => ops::set_settings(ev, &json).map(drop),
                };
            });
        }
    }
});
