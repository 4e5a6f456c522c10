#![no_main]
//! Lexicon files (TOML) as `--lexicon` loads them, then one classification with the result.
use dunwatch_core::classify::Classifier;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(c) = Classifier::from_toml_str(src) {
        let k = c.classify("请于今日还款，否则联系您的家人和单位 13800138000", None);
        assert!(k.score.is_finite(), "a loaded lexicon scored {}", k.score);
    }
});
