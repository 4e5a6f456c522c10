use super::*;
use crate::import::{import_path, ImportOptions};
use crate::store::{NewFlag, Store, TagSource};
use crate::time::Instant;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/backup")
        .join(name)
}

/// The example export imported, the 速借金融 numbers tagged as one case (as the user or the
/// rules engine would), and one flag, so every part of the report has something to show.
fn store() -> Store {
    let s = Store::open_in_memory().unwrap();
    for f in ["sms-backup.xml", "calls-backup.xml"] {
        import_path(&s, &fixture(f), &ImportOptions::default(), &mut |_| {}).unwrap();
    }
    for n in ["17012345678", "17198765432", "16533334444"] {
        s.tag_number(n, "速借金融", TagSource::User).unwrap();
    }
    let case = s.case_by_name("速借金融").unwrap().unwrap();
    let late = s
        .events(&crate::store::EventQuery {
            case: Some(case.id),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .find(|e| e.payload.instant().unwrap().local_seconds_of_day() >= 22 * 3600)
        .unwrap();
    s.add_flags(&[NewFlag {
        // A rule id of its own, so its (hostile) description is the one its table row shows.
        rule: "TEST.TIME.ESCAPING".into(),
        case_id: Some(case.id),
        at: late.payload.instant().unwrap(),
        severity: "high".into(),
        description: "contact at 22:00 or later <b>".into(),
        source: "NIFA convention 2018".into(),
        events: vec![late.id],
        numbers: vec![late.payload.number().unwrap().normalized.clone()],
        detail: serde_json::json!({"window": "08:00-21:00"}).into(),
    }])
    .unwrap();
    s.add_loan(&loan()).unwrap();
    s
}

/// The example's loan (tests/fixtures/backup/loan-sujie.toml), with a hostile note.
fn loan() -> crate::loan::LoanRecord {
    use crate::loan::{Flow, LoanRecord, Money};
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let mut r = LoanRecord::new("速借金融", "CNY");
    r.contract_date = Some(d("2025-02-07"));
    r.principal = Some(Money(300_000));
    r.received.push(Flow {
        note: "<img src=x onerror=alert(1)>到账".into(),
        ..Flow::new(d("2025-02-07"), Money(240_000))
    });
    r.fees.push(Flow::new(d("2025-02-07"), Money(19_900)));
    r.due.push(Flow::new(d("2025-03-09"), Money(320_000)));
    r
}

/// Every tag and attribute in the page is one the renderer writes: nothing from message content
/// became markup (no script, img, links, event handlers).
fn assert_only_known_markup(h: &str) {
    const TAGS: &[&str] = &[
        "!doctype",
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "header",
        "footer",
        "section",
        "div",
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "b",
        "span",
        "bdi",
        "mark",
        "ul",
        "li",
        "blockquote",
        "br",
        "svg",
        "rect",
        "path",
        "pre",
        "line",
        "text",
    ];
    const ATTRS: &[&str] = &[
        "lang",
        "charset",
        "http-equiv",
        "content",
        "name",
        "class",
        "title",
        "viewbox",
        "role",
        "aria-label",
        "xmlns",
        "font-family",
        "x",
        "y",
        "x1",
        "x2",
        "y1",
        "y2",
        "width",
        "height",
        "fill",
        "stroke",
        "stroke-width",
        "stroke-dasharray",
        "font-size",
        "text-anchor",
        "d",
        "shape-rendering",
        "html",
    ];
    let tag = regex::Regex::new(r"<(/?)([A-Za-z!][A-Za-z0-9-]*)([^<>]*)>").unwrap();
    let attr = regex::Regex::new(r#"([A-Za-z-]+)(?:="[^"]*")?"#).unwrap();
    let css_end = h.find("</style>").unwrap();
    for m in tag.captures_iter(h) {
        if m.get(0).unwrap().start() < css_end
            && m.get(0).unwrap().start() > h.find("<style>").unwrap()
        {
            continue;
        }
        let name = m[2].to_ascii_lowercase();
        assert!(TAGS.contains(&name.as_str()), "unexpected tag <{name}>");
        for a in attr.captures_iter(&m[3]) {
            let a = a[1].to_ascii_lowercase();
            assert!(
                ATTRS.contains(&a.as_str()),
                "unexpected attribute {a} in <{name}>"
            );
        }
    }
    assert!(!h.to_lowercase().contains("url("));
}

#[test]
fn text_file_complete() {
    super::text::all_keys_present().unwrap();
    // Every pack's report names where to complain, whom to call about threats, and its hours.
    for j in crate::model::Jurisdiction::ALL {
        for lang in Lang::ALL {
            let tx = super::text::Text::new(lang);
            assert!(
                !tx.channels(j).is_empty(),
                "{j} {lang:?}: no complaint channels"
            );
            assert!(tx.police(j).is_some(), "{j} {lang:?}: no police channel");
        }
        let (from, to) = super::text::window(j);
        assert!(from < to && to <= 24, "{j}: window {from}-{to}");
        // The loan section's texts from the pack: a pack that words them in Chinese does so
        // in both scripts, so a zh-Hant report never falls back to Simplified.
        let pack = crate::rules::pack::builtin(j).unwrap();
        if let Some(l) = &pack.loan {
            let lpr = l.lpr.as_ref().map(|t| &t.source_in);
            for texts in [Some(&l.no_cap), lpr].into_iter().flatten() {
                if texts.contains_key("zh") || texts.contains_key("zh-Hant") {
                    for lang in ["zh", "zh-Hant"] {
                        assert!(texts.contains_key(lang), "{j}: loan text without {lang}");
                    }
                }
            }
        }
    }
}

#[test]
fn html_report_is_self_contained_and_inert() {
    let s = store();
    let data = ReportData::gather(&s).unwrap();
    assert_eq!((data.total_sms, data.total_calls), (60, 146));
    let case = data.cases.iter().find(|c| c.name == "速借金融").unwrap();
    // The 3 tagged mobiles and the gateway the rules engine put in the same case (by the
    // creditor's name in 【速借金融】): 19 texts received (15 + hostile + MMS + 2 gateway
    // notices). The owner's reply and call-back are in the timeline, not counted as contacts.
    assert_eq!(case.sms(), 19);
    assert_eq!(case.contacts.len(), case.inbound_count() + 2);
    let in_case = s
        .flags(&crate::store::FlagQuery {
            case: Some(s.case_by_name("速借金融").unwrap().unwrap().id),
            ..Default::default()
        })
        .unwrap();
    assert!(in_case.len() > 1);
    assert_eq!(case.flag_count(), in_case.len());
    let by_rule = case.flags_by_rule();
    for f in &in_case {
        let (_, n, _, source) = by_rule.iter().find(|r| r.0 == f.flag.rule).unwrap();
        assert_eq!(
            *n,
            in_case
                .iter()
                .filter(|g| g.flag.rule == f.flag.rule)
                .count()
        );
        assert_eq!(source, &f.flag.source);
    }
    for lang in Lang::ALL {
        let h = render_html(&data, lang);
        assert!(h.contains("http-equiv=\"Content-Security-Policy\""));
        assert!(h.contains("default-src 'none'"));
        assert_only_known_markup(&h);
        // The hostile SMS is there, as text.
        assert!(h.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
        assert!(h.contains("onerror=alert(1)&gt;"));
        assert!(h.contains("javascript:alert(document.cookie)"));
        assert!(!h.contains('\u{202E}'));
        assert!(h.contains("[U+202E]"));
        // The flag with its source, escaped, and its contact marked in the timeline.
        assert!(h.contains("TEST.TIME.ESCAPING") && h.contains("NIFA convention 2018"));
        assert!(h.contains("contact at 22:00 or later &lt;b&gt;"));
        assert!(h.contains("class=\"flagged\""));
        assert!(
            h.contains("stroke=\"#b3261e\" stroke-width=\"2\""),
            "violation marked"
        );
        assert!(h.contains(&s.head().unwrap().1));
        assert!(h.contains("<svg"));
        // The classifier's matched words are highlighted in the timeline.
        assert!(h.contains("<mark class=\"f-abuse\" title=\"abuse\">老赖</mark>"));
        assert!(h.contains("<mark class=\"f-false_authority\""));
    }
    let zh = render_html(&data, Lang::Zh);
    assert!(zh.contains("12378") && zh.contains("12363") && zh.contains("中国互联网金融协会"));
    assert!(zh.contains("共联系本人"));
    assert!(
        zh.contains("公安机关（110）"),
        "threats and fake police call for 110"
    );
    let en = render_html(&data, Lang::En);
    assert!(en.contains("Complaint about illegal debt collection by 速借金融"));
}

#[test]
fn report_carries_its_seal_and_a_broken_store_gets_none() {
    let s = store();
    let data = ReportData::gather(&s).unwrap();
    let seal = data.seal.clone().expect("an intact store is sealed");
    // The seal covers the store as verified for this report, and checks against it.
    assert_eq!(seal.chains[0].rows, s.head().unwrap().0);
    assert!(s.check_seal(&seal).unwrap().ok());
    for lang in Lang::ALL {
        let h = render_html(&data, lang);
        assert!(h.contains(&seal.code));
        assert!(h.contains(&format!("chain events {} ", seal.chains[0].rows)));
        assert!(h.contains("<path d=\"M"), "QR code drawn");
    }
    let broken = ReportData {
        seal: None,
        ..data.clone()
    };
    assert!(!render_html(&broken, Lang::En).contains("dunwatch seal 1"));
    let mut report = data.verify.clone();
    report.broken = Some(crate::store::BrokenRow {
        chain: "events".into(),
        row: 3,
        reason: "changed".into(),
    });
    assert!(crate::store::Seal::of_report(0, &report).unwrap().is_none());
}

#[test]
fn csp_hash_matches_stylesheet() {
    use sha2::{Digest, Sha256};
    let data = ReportData::gather(&Store::open_in_memory().unwrap()).unwrap();
    let h = render_html(&data, Lang::En);
    let css = h
        .split("<style>")
        .nth(1)
        .unwrap()
        .split("</style>")
        .next()
        .unwrap();
    let digest = Sha256::digest(css.as_bytes());
    let policy = h
        .split("content=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let want = format!("style-src 'sha256-{}'", super::html::base64(&digest));
    assert!(policy.contains(&want), "{policy}");
    assert!(h.contains("No collector contacts were identified."));
}

#[test]
fn json_export_has_schema_and_everything() {
    let s = store();
    let mut out = Vec::new();
    write_json(&s, &mut out).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["schema_version"], SCHEMA_VERSION);
    assert_eq!(v["events"].as_array().unwrap().len(), 206);
    let flags = s.flags(&crate::store::FlagQuery::default()).unwrap();
    assert!(flags.len() > 1);
    assert_eq!(v["flags"].as_array().unwrap().len(), flags.len());
    assert_eq!(v["verification"]["ok"], true);
    assert_eq!(v["head"]["hash"], s.head().unwrap().1);
    assert_eq!(v["cases"][0]["name"], "速借金融");
    assert!(v["events"][0]["hash"].as_str().unwrap().len() == 64);
    assert_eq!(v["loans"][0]["record"]["case"], "速借金融");
    assert_eq!(v["loans"][0]["record"]["received"][0]["amount"], "2400.00");
    let cost = &v["loan_costs"][0]["assessment"]["cost"];
    assert_eq!(
        (cost["received"].as_i64(), cost["paid"].as_i64()),
        (Some(240_000), Some(339_900))
    );
}

#[test]
fn csv_exports_open_in_spreadsheets() {
    let s = store();
    s.insert(&crate::model::NewEvent {
        source: crate::model::EventSource::Import,
        payload: crate::model::EventPayload::Sms(crate::model::Sms {
            number: s.parse_number("17012345678").unwrap(),
            body: "=HYPERLINK(\"http://x\",\"pay\")".into(),
            sent: None,
            received: Instant::parse_rfc3339("2025-03-20T10:00:00+08:00").unwrap(),
            sim_slot: None,
            direction: crate::model::SmsDirection::Incoming,
        }),
    })
    .unwrap();
    let mut ev = Vec::new();
    write_events_csv(&s, &mut ev).unwrap();
    assert!(ev.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(ev).unwrap();
    assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"pay\"\")\""));
    assert!(text.contains(",'+8617012345678,"));
    // Every record parses back with the same number of columns (embedded newlines quoted).
    let mut rd = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let n = rd.records().map(|r| r.unwrap().len()).collect::<Vec<_>>();
    assert_eq!(n.len(), 207);
    assert!(n.iter().all(|&k| k == 13));
    let mut fl = Vec::new();
    write_flags_csv(&s, &mut fl).unwrap();
    let text = String::from_utf8(fl).unwrap();
    assert!(text.starts_with('\u{feff}') && text.contains("TEST.TIME.ESCAPING"));
}

#[test]
fn loan_section_in_every_language() {
    let s = store();
    let data = ReportData::gather(&s).unwrap();
    let case = data.cases.iter().find(|c| c.name == "速借金融").unwrap();
    assert!(case.loan.as_ref().unwrap().assessment.is_ok());
    let cost = crate::loan::compute(&loan()).unwrap();
    let rate = crate::loan::pct(cost.annual_rate * 100.0);
    for (lang, heading, facts) in [
        (Lang::Zh, "借款成本", "实际到手2400.00 CNY"),
        (Lang::ZhHant, "借款成本", "實際到手2400.00 CNY"),
        (
            Lang::En,
            "Cost of the loan",
            "I actually received 2400.00 CNY",
        ),
    ] {
        let h = render_html(&data, lang);
        assert_only_known_markup(&h);
        let sec = &h[h.find("<div class=\"loan\">").expect("loan section")..];
        let sec = &sec[..sec.find("</div>").unwrap()];
        assert!(sec.contains(heading), "{lang:?}");
        // The cash-flow table: received in, fee and scheduled payment out.
        assert!(sec.contains("2400.00") && sec.contains("199.00") && sec.contains("3200.00"));
        assert!(sec.contains(&rate), "{rate} not in the {lang:?} section");
        // The 600 deducted up front, with art. 670.
        assert!(sec.contains("600.00 CNY") && sec.contains("670"));
        // Each line with its source; 4 × the LPR of 3.10% fixed 2024-10-21 is 12.40%.
        for rule in ["CN.RATE.LPR4", "CN.RATE.36", "CN.RATE.24"] {
            assert!(sec.contains(rule), "{rule}");
        }
        assert!(sec.contains("12.40%") && sec.contains("2024-10-21"));
        let pack = crate::rules::pack::builtin(data.settings.jurisdiction).unwrap();
        let (_, source) = pack.text_in(pack.rule("CN.RATE.LPR4").unwrap(), lang.as_str());
        assert!(sec.contains(&escape::html(source)), "{lang:?}: {source}");
        // The note is the user's text: escaped.
        assert!(!sec.contains("<img") && sec.contains("&lt;img src=x"));
        // The letter states the facts and asks for the excess back.
        let letter = &h[h.find("<section class=\"letter\">").unwrap()..];
        assert!(letter.contains(facts), "{lang:?}");
        assert!(letter.contains(&rate));
    }
}

#[test]
fn rule_texts_are_in_the_reports_language_only() {
    let s = store();
    let data = ReportData::gather(&s).unwrap();
    let j = data.settings.jurisdiction;
    let pack = crate::rules::pack::builtin(j).unwrap();
    let cjk = |t: &str| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let mut seen = 0;
    for c in &data.cases {
        for (rule, _, d, src) in c.flags_by_rule_in(j, Lang::En) {
            let Some(r) = pack.rule(&rule) else { continue };
            seen += 1;
            assert_eq!(
                (d.as_str(), src.as_str()),
                (r.description["en"].as_str(), r.source.as_str())
            );
            let en = render_html(&data, Lang::En);
            assert!(!en.contains(r.description["zh"].as_str()), "{rule} in zh");
        }
        for (rule, _, d, src) in c.flags_by_rule_in(j, Lang::Zh) {
            let Some(r) = pack.rule(&rule) else { continue };
            assert_eq!(d, r.description["zh"]);
            assert!(cjk(&src), "{rule}: {src}");
        }
    }
    assert!(seen > 0, "the fixture has flags of pack rules");
}

/// The text of every heading, table header and the title: the report's own wording and the case
/// names, never a message.
fn headings(h: &str) -> Vec<String> {
    let el = regex::Regex::new(r"(?s)<(?:h[1-4]|th|title)(?: [^>]*)?>(.*?)</(?:h[1-4]|th|title)>")
        .unwrap();
    let tag = regex::Regex::new(r"<[^>]*>").unwrap();
    el.captures_iter(h)
        .map(|c| tag.replace_all(&c[1], "").into_owned())
        .collect()
}

#[test]
fn lang_codes() {
    for (code, lang) in [
        ("zh", Lang::Zh),
        ("zh-CN", Lang::Zh),
        ("zh-Hans", Lang::Zh),
        ("zh-Hant", Lang::ZhHant),
        ("zh-hant", Lang::ZhHant),
        ("zh_TW", Lang::ZhHant),
        ("zh-HK", Lang::ZhHant),
        ("zh-MO", Lang::ZhHant),
        (" EN ", Lang::En),
    ] {
        assert_eq!(code.parse::<Lang>().unwrap(), lang, "{code}");
    }
    for lang in Lang::ALL {
        assert_eq!(lang.as_str().parse::<Lang>().unwrap(), lang);
    }
    let e = "fr".parse::<Lang>().unwrap_err().to_string();
    assert!(
        e.contains("\"fr\"") && e.contains("zh, zh-Hant or en"),
        "{e}"
    );
}

/// A zh-Hant report is Traditional throughout its own wording: headings, the pack's rule texts
/// in their zh-Hant version, the complaint channels and the letter; no heading is left in
/// Simplified.
#[test]
fn zh_hant_report_is_traditional() {
    let s = store();
    let data = ReportData::gather(&s).unwrap();
    let j = data.settings.jurisdiction;
    let h = render_html(&data, Lang::ZhHant);
    assert!(h.starts_with("<!DOCTYPE html>\n<html lang=\"zh-Hant\">"));
    assert_only_known_markup(&h);
    let heads = headings(&h);
    for want in [
        "催收行為證據報告",
        "概覽",
        "催收方: 速借金融",
        "違規標記（依規則）",
        "每日聯絡次數",
        "催收聯絡時間軸",
        "證據鏈驗證",
        "投訴信草稿: 速借金融",
        "關於速借金融違規催收的投訴",
        "一、事實",
        "二、違反的規定",
    ] {
        assert!(
            heads.iter().any(|x| x == want),
            "no heading {want}: {heads:?}"
        );
    }
    // No heading holds a Simplified text where the Traditional one differs.
    let zh = super::text::Text::new(Lang::Zh);
    let hant = super::text::Text::new(Lang::ZhHant);
    let simplified = render_html(&data, Lang::Zh);
    let zh_heads = headings(&simplified);
    let mut checked = 0;
    for key in [
        "title",
        "overview",
        "flags_per_rule",
        "contacts_per_day",
        "timeline",
        "evidence",
        "letter",
        "time",
        "number",
        "description",
        "legal_source",
        "loan_flows",
        "loan_principal",
    ] {
        let (z, t) = (zh.t(key), hant.t(key));
        assert_ne!(z, t, "{key}");
        assert!(
            zh_heads.iter().any(|x| x.contains(z)),
            "the zh report has no {z}"
        );
        assert!(
            !heads.iter().any(|x| x.contains(z)),
            "Simplified {z} in the zh-Hant report"
        );
        assert!(heads.iter().any(|x| x.contains(t)), "no {t}");
        checked += 1;
    }
    assert!(checked > 10);
    for z in [
        "催收行为证据报告",
        "证据链校验",
        "投诉信草稿",
        "一、事实",
        "二、违反的规定",
    ] {
        assert!(simplified.contains(z) && !h.contains(z), "{z}");
    }

    // The pack's rule texts, as the CN pack writes them in Traditional characters.
    let pack = crate::rules::pack::builtin(j).unwrap();
    let mut rules = 0;
    for c in &data.cases {
        for (rule, _, d, src) in c.flags_by_rule_in(j, Lang::ZhHant) {
            let Some(r) = pack.rule(&rule) else { continue };
            rules += 1;
            assert_eq!(d, r.description["zh-Hant"], "{rule}");
            assert_eq!(src, r.source_in["zh-Hant"], "{rule}");
            assert!(h.contains(&escape::html(&d)), "{rule}: {d}");
            assert_ne!(r.description["zh"], r.description["zh-Hant"], "{rule}");
            assert!(
                !h.contains(&escape::html(&r.description["zh"])),
                "{rule} in Simplified"
            );
        }
    }
    assert!(rules > 0, "the fixture has flags of pack rules");
    let gbt = pack.rule("CN.TIME.GBT").unwrap();
    assert!(h.contains("夜間（22:00–08:00）不得催收") && h.contains(&gbt.source_in["zh-Hant"]));
    assert!(
        h.contains("LPR: 全國銀行間同業拆借中心受權公佈"),
        "the LPR table's source"
    );

    // The letter: channels, facts and the police, in Traditional.
    let letter = &h[h.find("<section class=\"letter\">").unwrap()..];
    for want in [
        "國家金融監督管理總局",
        "中國互聯網金融協會",
        "公安機關（110）",
        "共聯絡本人",
        "簡訊",
    ] {
        assert!(letter.contains(want), "{want}");
    }
    for not in ["国家金融监督管理总局", "共联系本人", "公安机关"] {
        assert!(!h.contains(not), "{not}");
    }
}
