#![no_main]
//! Rule packs (TOML) as a custom pack would be read.
use dunwatch_core::rules::Pack;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(src) = std::str::from_utf8(data) {
        if let Ok(p) = Pack::from_toml(src) {
            let _ = p.lookback_days();
        }
    }
});
