//! Creditor names and call-back numbers, which the rules engine uses to join numbers into a
//! case, plus the obfuscations the normaliser must see through.

use dunwatch_core::classify::{Classifier, Flag};

fn c() -> &'static Classifier {
    Classifier::builtin()
}

#[test]
fn creditor_from_signature_unit_name_and_english_name() {
    let r = c().classify("【速借花】您的借款已逾期3天，请尽快还款。", None);
    assert_eq!(r.creditor.as_deref(), Some("速借花"));
    let r = c().classify("这里是速借花催收部，您的欠款已逾期，请今天处理。", None);
    assert!(r.collection);
    assert_eq!(r.creditor.as_deref(), Some("速借花"));
    let r = c().classify(
        "This is Apex Recovery Services: your account is 30 days past due. Pay now.",
        None,
    );
    assert!(r.collection);
    assert_eq!(r.creditor.as_deref(), Some("Apex Recovery"));
    let r = c().classify(
        "XYZ Collections: your loan is past due, please make a payment today.",
        None,
    );
    assert_eq!(r.creditor.as_deref(), Some("XYZ Collections"));
    // A name-like sender ID stands in when the text names no one; a phone number does not.
    let r = c().classify(
        "Your loan is past due. Please make a payment today.",
        Some("QCASH"),
    );
    assert_eq!(r.creditor.as_deref(), Some("QCASH"));
    let r = c().classify(
        "Your loan is past due. Please make a payment today.",
        Some("+15551234567"),
    );
    assert_eq!(r.creditor, None);
}

/// The English-name pattern has Unicode word boundaries and spaces (with either regex engine):
/// a name glued to Chinese text is no name, one after an ideographic space is.
#[test]
fn english_names_follow_unicode_word_boundaries_and_spaces() {
    let creditor = |text: &str| {
        let r = c().classify(text, None);
        assert!(r.collection, "{text}: {r:?}");
        r.creditor
    };
    assert_eq!(creditor("您的借款已逾期，请联系XYZ Collections处理"), None);
    assert_eq!(
        creditor("您的借款已逾期，请联系 XYZ Collections 处理"),
        Some("XYZ Collections".into())
    );
    assert_eq!(
        creditor("您的借款已逾期，请联系\u{3000}XYZ\u{3000}Collections\u{3000}处理"),
        Some("XYZ Collections".into())
    );
    assert_eq!(
        creditor("Your loan is past due. Call Émile XYZ Collections today."),
        Some("XYZ Collections".into())
    );
}

#[test]
fn callback_numbers_skip_amounts_dates_and_account_numbers() {
    let r = c().classify(
        "您尾号6633的借款已逾期，欠款5320.16元，合同号20240315001，请于2024-10-05前回电400-888-1234或13800138000处理。",
        None,
    );
    assert!(r.collection, "{r:?}");
    assert_eq!(r.callback_numbers, vec!["400-888-1234", "13800138000"]);
    let r = c().classify(
        "Your account 55512345678 is 45 days past due. Call (866) 555-0100 to pay now.",
        None,
    );
    assert_eq!(r.callback_numbers, vec!["(866) 555-0100"]);
}

#[test]
fn nothing_is_extracted_from_non_collection_messages() {
    let r = c().classify(
        "【招商银行】您本期账单3250元，到期还款日11月25日，详询95555。",
        None,
    );
    assert!(!r.collection);
    assert_eq!(r.creditor, None);
    assert!(r.callback_numbers.is_empty());
}

#[test]
fn obfuscated_spellings_are_seen_through_and_reported_as_written() {
    let cases = [
        ("你已逾*期，再不还钱就爆 通 讯 录", Flag::Exposure, "爆 通 讯 录"),
        ("你已經逾期了，再不還錢就爆通訊錄", Flag::Exposure, "爆通訊錄"),
        ("Y0ur l0an is 0verdue. Pay n0w or the p0lice will come.", Flag::FalseAuthority, "p0lice"),
        ("You d e a d b e a t, your payment is overdue.", Flag::Abuse, "d e a d b e a t"),
        ("ＹＯＵＲ ＬＯＡＮ ＩＳ ＰＡＳＴ ＤＵＥ，ＰＡＹ ＮＯＷ ＯＲ ＷＥ ＷＩＬＬ ＳＵＥ ＹＯＵ", Flag::FalseAuthority, "ＳＵＥ ＹＯＵ"),
    ];
    for (text, flag, word) in cases {
        let r = c().classify(text, None);
        assert!(r.collection, "{text}: {r:?}");
        let hit = r
            .flags
            .iter()
            .find(|h| h.flag == flag)
            .unwrap_or_else(|| panic!("{text}: {r:?}"));
        assert!(
            hit.words.iter().any(|w| w == word),
            "{text}: {:?}",
            hit.words
        );
    }
}

#[cfg(feature = "toml-files")]
#[test]
fn runtime_lexicon_replaces_the_builtin_one_and_bad_files_are_errors() {
    let src = r#"
[meta]
version = "test-1"
collection_threshold = 1.0

[[rule]]
id = "debt"
weight = 1.0
anchor = true
terms = ["widget debt"]

[[rule]]
id = "rude"
flag = "abuse"
weight = 0.1
terms = ["gadget"]
"#;
    // The lexicon alone: the builtin model's weights were learnt over the builtin lexicon's
    // rule ids and would read this made-up wording as it likes.
    let k = Classifier::from_toml_str(src).unwrap().with_model(None);
    assert_eq!(k.version(), "test-1");
    let r = k.classify("Your WIDGET  DEBT, you gadget", None);
    assert!(r.collection);
    assert_eq!(r.flag_set(), vec![Flag::Abuse]);
    assert_eq!(r.flags[0].rule, "rude");
    // The builtin lexicon knows nothing of widgets.
    assert!(
        !c().classify("Your widget debt, you gadget", None)
            .collection
    );

    for (bad, why) in [
        (
            "[meta]\nversion = \"x\"\ncollection_threshold = 1.0\n",
            "no rules",
        ),
        (
            &src.replace("\"gadget\"", "\"widget debt\"")[..],
            "also in rule",
        ),
        (
            &src.replace("flag = \"abuse\"", "flag = \"rudeness\"")[..],
            "unknown variant",
        ),
        (
            &src.replace("collection_threshold = 1.0", "collection_threshold = -1")[..],
            "positive",
        ),
        ("not toml at all [[", "lexicon"),
        // Issue 17, finding 8: weights that sum to infinity gave `"score": null`, and a
        // version with escape sequences reached the terminal.
        (
            &src.replace("weight = 1.0", "weight = 3e38")
                .replace("weight = 0.1", "weight = 3e38")[..],
            "finite score",
        ),
        (
            &src.replace("\"test-1\"", "\"\\u001b[2J\\u001b[31mok\"")[..],
            "control characters",
        ),
        (
            &src.replace(
                "[[rule]]\nid = \"debt\"",
                "[extract]\nen_suffixes = [\"Co.\"]\n\n[[rule]]\nid = \"debt\"",
            )[..],
            "does not end with a letter or digit",
        ),
        (
            &format!("{src}\n[[concept]]\nid = \"c.amount\"\nterms = [\"x\"]\namount_digits = 3\n")[..],
            "go together",
        ),
        (
            &format!(
                "{src}\n[[concept]]\nid = \"c.amount\"\nterms = [\"x\"]\namount_digits = 5\namount_max_digits = 2\n"
            )[..],
            "need 1 <= min <= max",
        ),
        (
            &format!("{src}\n[[concept]]\nid = \"c.amount\"\nterms = [\"x\"]\namount_suffixes = [\"k\"]\n")[..],
            "go together",
        ),
        (
            &format!(
                "{src}\n[[concept]]\nid = \"c.amount\"\nterms = [\"x\"]\namount_digits = 3\namount_max_digits = 7\namount_suffixes = [\" \"]\n"
            )[..],
            "empty amount suffix",
        ),
        (
            &format!(
                "{src}\n[[concept]]\nid = \"c.amount\"\nterms = [\"x\"]\namount_digits = 3\namount_max_digits = 7\namount_suffixes = [\"k\"]\n"
            )[..],
            "need amount_suffix_max_digits",
        ),
        (
            &format!(
                "{src}\n[[concept]]\nid = \"c.amount\"\nterms = [\"x\"]\namount_digits = 3\namount_max_digits = 7\namount_currencies = [\"$\"]\namount_currency_min_digits = 4\n"
            )[..],
            "amount_currency_min_digits <= amount_digits",
        ),
        (
            &format!(
                "{src}\n[[concept]]\nid = \"c.amount\"\nterms = [\"x\"]\namount_digits = 3\namount_max_digits = 7\namount_currencies = [\"$\"]\n"
            )[..],
            "amount_currencies need",
        ),
        (
            &format!("{src}\n[[concept]]\nid = \"c.amount\"\nterms = [\"x\"]\namount_currencies = [\"$\"]\n")[..],
            "go together",
        ),
    ] {
        let e = Classifier::from_toml_str(bad).unwrap_err().to_string();
        assert!(e.contains(why), "{why}: {e}");
    }
    let e = Classifier::from_file(std::path::Path::new("/nonexistent/lexicon.toml")).unwrap_err();
    assert!(e.to_string().contains("I/O"), "{e}");
}
