#![no_main]
//! The builtin classifier on any text and sender (split at the first NUL byte).
use dunwatch_core::classify::Classifier;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (body, sender) = match text.split_once('\0') {
        Some((b, s)) => (b, Some(s)),
        None => (&*text, None),
    };
    let c = Classifier::builtin();
    let k = c.classify(body, sender);
    assert!(k.score.is_finite(), "score {} for {body:?}", k.score);
    let _ = c.classify_for_rules(body, sender);
});
