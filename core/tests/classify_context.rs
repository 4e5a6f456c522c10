//! Reading a message in its context (`Classifier::classify_with`): a known collector's message
//! is collector contact and each flag comes from its wording alone; the same text from an
//! unknown sender keeps the strict reading; on a third party's phone a collector's message is
//! `third_party` (and `exposure` where it discloses the debt).

use dunwatch_core::classify::{Classification, Classifier, Context, Flag};

fn known() -> Context {
    Context::known_collector("sender is in case 速借花")
}

/// Every flag's words are the text under its spans, and a flag has words unless the context
/// alone raised it.
fn assert_explained(text: &str, r: &Classification) {
    let chars: Vec<char> = text.chars().collect();
    for h in &r.flags {
        assert_eq!(h.spans.len(), h.words.len(), "{h:?}");
        for (sp, w) in h.spans.iter().zip(&h.words) {
            assert!(sp.start < sp.end && sp.end <= chars.len(), "{h:?}");
            assert_eq!(&chars[sp.start..sp.end].iter().collect::<String>(), w);
        }
        assert!(
            !h.words.is_empty() || h.rule.starts_with("context."),
            "a flag without words: {h:?}"
        );
    }
}

#[test]
fn a_known_collectors_threat_insult_or_exposure_is_flagged_without_a_debt_word() {
    let c = Classifier::builtin();
    for (text, flag) in [
        ("你这种人渣连狗都不如。", Flag::Abuse),
        ("明天我们的人就在你小区门口等你，自己想清楚。", Flag::Threat),
        (
            "你单位同事的电话我们都有，要不要帮你宣传一下？",
            Flag::Exposure,
        ),
    ] {
        // From an unknown number the lexicon alone (today's strict reading) sees no collection;
        // the model may (it learnt that such threats come from collectors), but then it says
        // which words carried it.
        let strict = Classifier::builtin_lexicon_only().classify(text, Some("+8617012345678"));
        assert!(!strict.collection, "unknown sender: {text} {strict:?}");
        assert!(strict.flags.is_empty(), "{strict:?}");
        assert_explained(text, &c.classify(text, Some("+8617012345678")));
        let r = c.classify_with(text, Some("+8617012345678"), &known());
        assert!(r.collection, "{text}");
        if cfg!(feature = "builtin-model") || flag == Flag::Abuse {
            assert!(r.has(flag), "{text}: {:?}", r.flags);
        }
        assert!(
            r.context
                .as_deref()
                .unwrap()
                .contains("sender is in case 速借花"),
            "{r:?}"
        );
        assert_explained(text, &r);
    }
}

#[test]
fn an_insult_alone_from_an_unknown_number_is_not_collection() {
    let text = "你这种人渣连狗都不如。";
    let r = Classifier::builtin().classify(text, None);
    assert!(!r.collection && r.flags.is_empty(), "{r:?}");
    assert!(Classifier::builtin()
        .classify_with(text, None, &known())
        .has(Flag::Abuse));
}

#[test]
fn a_neutral_message_from_a_known_collector_is_contact_without_flags() {
    let r = Classifier::builtin().classify_with("收到，谢谢", None, &known());
    assert!(r.collection);
    assert!(r.flags.is_empty(), "{:?}", r.flags);
}

#[test]
fn on_a_third_partys_phone_a_collectors_message_is_third_party_and_exposure() {
    let c = Classifier::builtin();
    let text = "你朋友张伟在我们平台的借款已经逾期三个月了，麻烦转告他尽快处理";
    let r = c.classify_with(text, None, &known().on_third_party_phone());
    assert!(r.collection);
    assert!(r.has(Flag::ThirdParty), "{:?}", r.flags);
    assert!(r.has(Flag::Exposure), "{:?}", r.flags);
    assert!(r.context.as_deref().unwrap().contains("third party"));
    assert_explained(text, &r);
    // The same message on the borrower's phone is not exposure by the context.
    let own = c.classify_with(text, None, &known());
    assert!(own.flags.iter().all(|h| !h.rule.starts_with("context.")));
    // Without a debt disclosed, a collector's call-back request on a third party's phone is
    // third-party contact but not exposure.
    let r = c.classify_with("请让他回个电话", None, &known().on_third_party_phone());
    assert!(r.has(Flag::ThirdParty));
    assert!(!r.flags.iter().any(|h| h.rule == "context.exposure"));
}

#[test]
fn the_default_context_is_the_strict_reading() {
    let c = Classifier::builtin();
    for text in [
        "您的借款已逾期3天，请尽快还款，否则爆通讯录",
        "see you at lunch",
        "你这种人渣连狗都不如。",
    ] {
        assert_eq!(
            c.classify(text, None),
            c.classify_with(text, None, &Context::default())
        );
    }
}

/// A model decision names the pieces of text that carried it.
#[cfg(feature = "builtin-model")]
#[test]
fn model_flags_and_collection_are_explained_by_spans() {
    let c = Classifier::builtin();
    assert!(c.model().is_some());
    for text in [
        "明天我们的人就在你小区门口等你，自己想清楚。",
        "你单位同事的电话我们都有，要不要帮你宣传一下？",
        "We know where you work. Our field agent will visit your office tomorrow.",
    ] {
        let r = c.classify_with(text, None, &known());
        assert_explained(text, &r);
        for s in r.signals.iter().filter(|s| s.rule.starts_with("model.")) {
            assert!(!s.words.is_empty(), "{s:?}");
        }
    }
}

#[test]
fn a_model_override_is_checked_and_the_lexicon_alone_still_reads() {
    use dunwatch_core::classify::Model;
    assert!(Model::from_bytes(b"not a model").is_err());
    let lex = Classifier::builtin_lexicon_only();
    assert!(lex.model().is_none());
    let r = lex.classify("您的借款已逾期3天，请尽快还款，否则爆通讯录", None);
    assert!(r.collection && r.has(Flag::Exposure));
}
