//! A model installed at run time (`classify::install_model_bytes`: what the Android app does with
//! its `collection.dwm` asset, whose library carries no weights) becomes the process's
//! classifier, a bad file is refused with a clear error and changes nothing, and a store opened
//! after the install re-reads its messages with the new weights. Its own test binary: the
//! install is process-wide.

use dunwatch_core::classify::model::{Header, FEATURE_VERSION, LANES, OUTPUTS};
use dunwatch_core::classify::{self, Classifier, Flag, Model};
use dunwatch_core::store::FlagQuery;
use dunwatch_core::*;

const T0: i64 = 1_741_600_800_000; // 2025-03-10 18:00 +08:00
/// Benign, with a debt cue ("pay"): the model alone reads a message from an unknown sender as
/// collection only when it has one.
const BODY: &str = "see you at dinner tonight, I'll pay for the cake";

/// Weights that read every message with a debt cue as collection, and [`BODY`] as a threat (its
/// n-grams carry the threat output, so the flag has words).
fn everything_a_threat() -> Vec<u8> {
    let mut bias = vec![-9.0; 7];
    bias[0] = 9.0;
    let mut buckets: Vec<u32> = Classifier::builtin_lexicon_only()
        .features(BODY)
        .into_iter()
        .map(|h| (h >> (64 - 10)) as u32)
        .collect();
    buckets.sort_unstable();
    buckets.dedup();
    let mut w = [0i8; LANES];
    w[1] = 100;
    let entries: Vec<(u32, [i8; LANES])> = buckets.into_iter().map(|b| (b, w)).collect();
    let h = Header {
        version: "test-everything-a-threat".into(),
        feature_version: FEATURE_VERSION,
        bits: 10,
        outputs: OUTPUTS.iter().map(|s| s.to_string()).collect(),
        scale: vec![1.0; 7],
        bias,
        threshold: vec![0.0; 7],
        veto_threshold: -100.0,
        latin_threshold: None,
        trained_on: "a test".into(),
    };
    Model::to_bytes(&h, &entries)
}

fn sms(ev: &Evidence) -> NewEvent {
    NewEvent {
        source: EventSource::Import,
        payload: EventPayload::Sms(Sms {
            number: ev.parse_number("+8617012345678").unwrap(),
            body: BODY.into(),
            sent: None,
            received: Instant::new(T0, 8 * 3600).unwrap(),
            sim_slot: None,
            direction: SmsDirection::Incoming,
        }),
    }
}

fn flag_count(ev: &Evidence) -> usize {
    ev.flags(&FlagQuery::default()).unwrap().len()
}

#[test]
fn installed_model_is_the_process_classifier_and_stores_reread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evidence.sqlite");
    let before = Classifier::builtin().describe();
    assert!(!Classifier::builtin().classify(BODY, None).collection);
    {
        let ev = Evidence::open(&path, None).unwrap();
        ev.record(&sms(&ev)).unwrap();
        assert_eq!(flag_count(&ev), 0);
    }

    // A bad file: a clear error, and the process keeps its classifier.
    for bad in [&b""[..], b"not a model", &everything_a_threat()[..40]] {
        let e = classify::install_model_bytes(bad).unwrap_err();
        assert!(e.starts_with("model: "), "{e}");
    }
    assert_eq!(Classifier::builtin().describe(), before);

    let v = classify::install_model_bytes(&everything_a_threat()).unwrap();
    assert_eq!(v, "test-everything-a-threat");
    let k = Classifier::builtin().classify(BODY, None);
    assert!(k.collection && k.has(Flag::Threat), "{k:?}");
    assert!(Classifier::builtin()
        .describe()
        .ends_with("model test-everything-a-threat"));
    // Installing the same weights again is the same classifier.
    let c1: *const Classifier = Classifier::builtin();
    classify::install_model_bytes(&everything_a_threat()).unwrap();
    assert!(std::ptr::eq(c1, Classifier::builtin()));

    // The store's fingerprint includes the model: opening it re-reads the stored SMS.
    let ev = Evidence::open(&path, None).unwrap();
    assert!(flag_count(&ev) > 0, "{:?}", ev.flags_by_rule().unwrap());
    assert!(ev.verify().unwrap().ok());

    // Back to the builtin weights (installed like any other file): flags go again.
    if let Some(m) = Classifier::builtin_model() {
        classify::install_model(m);
        drop(ev);
        let ev = Evidence::open(&path, None).unwrap();
        assert_eq!(flag_count(&ev), 0);
    }
}
