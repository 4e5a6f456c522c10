//! What each export does, on plain Rust values: JSON arguments in, JSON results out. The JNI
//! layer (`exports.rs`) only converts strings and maps errors, so all of this is tested with
//! `cargo test` as well as from the JVM.
//!
//! Free text (numbers, bodies, notes, case names) crosses JNI as its own string argument, so that
//! a null or an unpaired surrogate is reported against that argument; metadata (instants,
//! directions, paging) crosses as a small JSON object.

use crate::contract::*;
use crate::error::{BridgeError, Kind, Result};
use dunwatch_core::evidence::annotation_kind;
use dunwatch_core::loan::LoanRecord;
use dunwatch_core::rules::ScreenPolicy;
use dunwatch_core::store::{EventQuery, FlagQuery, NewAnnotation, NewAttachment};
use dunwatch_core::{
    Call, CallUpdate, EventId, EventPayload, EventSource, Evidence, NewEvent, Settings, Sms,
};
use serde::{Deserialize, Serialize};

/// Largest page the UI may ask for; bigger pages would only burn the phone's memory.
pub const MAX_PAGE: usize = 10_000;
/// Page size when the caller gives none.
pub const DEFAULT_PAGE: usize = 200;

fn parse<'a, T: Deserialize<'a>>(json: &'a str, what: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| BridgeError::invalid(format!("{what}: {e}")))
}

fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v)
        .map_err(|e| BridgeError::new(Kind::Internal, format!("cannot encode result: {e}")))
}

/// Opens (creating if needed) the store at `path`. With `settings`, a store whose settings differ
/// is switched to them and its flags rebuilt; without, the stored settings stay.
pub fn open(path: &str, settings_json: Option<&str>) -> Result<Evidence> {
    if path.trim().is_empty() {
        return Err(BridgeError::invalid("store path is empty"));
    }
    let wanted: Option<Settings> = settings_json.map(|j| parse(j, "settings")).transpose()?;
    Ok(Evidence::open(path, wanted.as_ref())?)
}

/// Checks `bytes` as the classifier's weights file (the app's `collection.dwm` asset) and makes
/// it the model every store of the process reads messages with; returns [`ModelOut`] JSON. A bad
/// file is refused (`invalid_argument`, saying what is wrong) and the current model stays.
/// Installed before a store opens, a store whose flags were read with other weights re-reads
/// its messages when it opens (the model is part of its rules fingerprint).
pub fn install_model(bytes: &[u8]) -> Result<String> {
    let m = dunwatch_core::classify::Model::from_bytes(bytes).map_err(BridgeError::invalid)?;
    let out = ModelOut {
        version: m.version().to_string(),
        entries: m.entries(),
        sha256: m.digest().iter().map(|b| format!("{b:02x}")).collect(),
    };
    dunwatch_core::classify::install_model(std::sync::Arc::new(m));
    to_json(&out)
}

/// Core's facts the app's logic must agree with: `{same_call_tolerance_ms, withheld_numbers}`.
pub fn facts() -> Result<String> {
    to_json(&dunwatch_core::evidence::facts())
}

pub fn settings(ev: &Evidence) -> Result<String> {
    to_json(&ev.settings()?)
}

/// Changes the settings and re-reads the whole history under them (flags are derived data).
pub fn set_settings(ev: &Evidence, settings_json: &str) -> Result<String> {
    let s: Settings = parse(settings_json, "settings")?;
    to_json(&ev.change_settings(&s)?)
}

fn record(ev: &Evidence, event: NewEvent) -> Result<String> {
    to_json(&ev.record(&event)?)
}

/// Records an SMS received or sent; returns `{id, new, flags}`.
pub fn record_sms(ev: &Evidence, number: &str, body: &str, meta_json: &str) -> Result<String> {
    let m: SmsMeta = parse(meta_json, "SMS metadata")?;
    let sms = Sms {
        number: ev.parse_number(number)?,
        body: body.to_string(),
        sent: m.sent.map(At::instant).transpose()?,
        received: m.received.instant()?,
        sim_slot: m.sim_slot,
        direction: m.direction,
    };
    record(
        ev,
        NewEvent {
            source: m.source.unwrap_or(EventSource::Live),
            payload: EventPayload::Sms(sms),
        },
    )
}

/// Records a call (as the screening service or the call log saw it); returns `{id, new, flags}`.
pub fn record_call(ev: &Evidence, number: &str, meta_json: &str) -> Result<String> {
    let m: CallMeta = parse(meta_json, "call metadata")?;
    let call = Call {
        number: ev.parse_number(number)?,
        direction: m.direction,
        start: m.start.instant()?,
        ring_ms: m.ring_ms,
        talk_ms: m.talk_ms,
        sim_slot: m.sim_slot,
    };
    record(
        ev,
        NewEvent {
            source: m.source.unwrap_or(EventSource::Live),
            payload: EventPayload::Call(call),
        },
    )
}

/// Appends what the call log later says about call `call_id` (its outcome and duration).
pub fn update_call(ev: &Evidence, call_id: EventId, meta_json: &str) -> Result<String> {
    let m: CallUpdateMeta = parse(meta_json, "call update")?;
    to_json(&ev.update_call(CallUpdate {
        call: call_id,
        direction: m.direction,
        ring_ms: m.ring_ms,
        talk_ms: m.talk_ms,
    })?)
}

/// Decides what to do with an incoming call from `number` at `at` (core's `rules::screen_with`),
/// under the user's policy or the default one. Returns `{action, reason, rule, case, number}`.
pub fn screen_call(
    ev: &Evidence,
    number: &str,
    at_json: &str,
    policy_json: Option<&str>,
) -> Result<String> {
    let at = parse::<At>(at_json, "screening instant")?.instant()?;
    let policy: ScreenPolicy = match policy_json {
        Some(j) => parse(j, "screening policy")?,
        None => ScreenPolicy::default(),
    };
    to_json(&ev.screen(number, at, &policy)?)
}

fn page(limit: Option<usize>) -> Result<usize> {
    match limit {
        None => Ok(DEFAULT_PAGE),
        Some(l) if l <= MAX_PAGE => Ok(l),
        Some(l) => Err(BridgeError::invalid(format!(
            "page size {l} is above the maximum of {MAX_PAGE}"
        ))),
    }
}

/// An event query from JSON, its number normalised and its page bounded (events and timeline),
/// and whether it asks for collector contacts only.
fn event_query(ev: &Evidence, query_json: &str, what: &str) -> Result<(EventQuery, bool)> {
    let q: EventQueryIn = parse(query_json, what)?;
    let number = match &q.number {
        Some(raw) => Some(ev.parse_number(raw)?.normalized),
        None => None,
    };
    let query = EventQuery {
        from_ms: q.from_ms,
        to_ms: q.to_ms,
        number,
        case: q.case,
        offset: q.offset,
        limit: Some(page(q.limit)?),
        newest_first: q.newest_first,
    };
    Ok((query, q.collectors_only))
}

/// One page of contact events (SMS and calls, call-log updates folded in).
pub fn events(ev: &Evidence, query_json: &str) -> Result<String> {
    let (q, collectors_only) = event_query(ev, query_json, "event query")?;
    if collectors_only {
        return Err(BridgeError::invalid(
            "event query: collectors_only applies to the timeline",
        ));
    }
    to_json(&ev.events(&q)?)
}

/// One page of the timeline: `[{event, flags}]`, the same query as [`events`].
pub fn timeline(ev: &Evidence, query_json: &str) -> Result<String> {
    let (q, collectors_only) = event_query(ev, query_json, "timeline query")?;
    to_json(&ev.timeline(&q, collectors_only)?)
}

/// Tests only (like `nativeDebugPanic`): caps the store file at its current size plus
/// `extra_pages` pages for this open handle, so that SQLite reports a full disk and the callers'
/// handling of it can be tested on a real store. Returns the cap. Reopening the store lifts it.
pub fn debug_limit_pages(ev: &Evidence, extra_pages: i64) -> Result<i64> {
    let extra = u32::try_from(extra_pages)
        .map_err(|_| BridgeError::invalid(format!("extra pages {extra_pages} out of range")))?;
    let pages: u32 = ev
        .store()
        .read(|c| Ok(c.query_row("PRAGMA page_count", [], |r| r.get(0))?))?;
    let cap = pages.saturating_add(extra);
    ev.store().limit_pages_for_test(cap)?;
    Ok(i64::from(cap))
}

/// Every rule of the store's pack with its description and legal source in `lang` (`zh`,
/// `zh-Hant`, `en`).
pub fn rule_texts(ev: &Evidence, lang: &str) -> Result<String> {
    to_json(&ev.rule_texts(lang)?)
}

/// The "today" page at the instant `at_json`.
pub fn today(ev: &Evidence, at_json: &str) -> Result<String> {
    let at = parse::<At>(at_json, "today's instant")?.instant()?;
    to_json(&ev.today(at)?)
}

/// The page of case `case_id`.
pub fn case_page(ev: &Evidence, case_id: i64) -> Result<String> {
    to_json(&ev.case_page(case_id)?)
}

pub fn event_count(ev: &Evidence) -> Result<i64> {
    Ok(ev.event_count()?)
}

pub fn cases(ev: &Evidence) -> Result<String> {
    to_json(&ev.cases()?)
}

/// One page of flags, oldest first.
pub fn flags(ev: &Evidence, query_json: &str) -> Result<String> {
    let q: FlagQueryIn = parse(query_json, "flag query")?;
    let query = FlagQuery {
        from_ms: q.from_ms,
        to_ms: q.to_ms,
        case: q.case,
        rule: q.rule,
        event: q.event,
        offset: q.offset,
        limit: Some(page(q.limit)?),
    };
    to_json(&ev.flags(&query)?)
}

/// The user says `number` belongs to case `case_name` (created if new); flags are re-derived.
pub fn tag_number(ev: &Evidence, number: &str, case_name: &str) -> Result<String> {
    to_json(&ev.tag(number, case_name, None)?)
}

/// The user says `number` belongs to no case; flags are re-derived.
pub fn untag_number(ev: &Evidence, number: &str) -> Result<String> {
    to_json(&ev.untag(number)?)
}

/// Merges case `from` into case `into`; flags are re-derived.
pub fn merge_cases(ev: &Evidence, from: &str, into: &str) -> Result<String> {
    to_json(&ev.merge_cases(from, into)?)
}

/// Records a stop request, opt-out or note (`kind` = `stop_request`, `opt_out`, `note`).
pub fn add_annotation(
    ev: &Evidence,
    kind: &str,
    case_name: Option<&str>,
    text: &str,
    meta_json: &str,
) -> Result<i64> {
    let kind = annotation_kind(kind)?;
    let m: AnnotationMeta = parse(meta_json, "annotation metadata")?;
    Ok(ev.annotate(&NewAnnotation {
        kind,
        case_name: case_name.map(str::to_string),
        event_id: m.event_id,
        at: m.at.instant()?,
        text: text.to_string(),
    })?)
}

/// Pins a file by its SHA-256 (the file itself stays where the app keeps it).
pub fn add_attachment(
    ev: &Evidence,
    case_name: Option<&str>,
    name: &str,
    sha256: &str,
    meta_json: &str,
) -> Result<i64> {
    let m: AttachmentMeta = parse(meta_json, "attachment metadata")?;
    Ok(ev.attach(&NewAttachment {
        case_name: case_name.map(str::to_string),
        event_id: m.event_id,
        sha256: sha256.to_ascii_lowercase(),
        name: name.to_string(),
        size: m.size,
        at: m.at.instant()?,
    })?)
}

fn loan_out(
    ev: &Evidence,
    id: i64,
    new: bool,
    supersedes: Option<i64>,
    record: LoanRecord,
) -> Result<String> {
    let pack = dunwatch_core::rules::builtin_pack(ev.settings()?.jurisdiction)?;
    let (assessment, error) = match dunwatch_core::loan::assess(&record, pack) {
        Ok(a) => (Some(assessment_out(&a)), None),
        Err(e) => (None, Some(e.to_string())),
    };
    to_json(&LoanOut {
        id,
        new,
        supersedes,
        record,
        assessment,
        error,
    })
}

fn assessment_out(a: &dunwatch_core::loan::Assessment) -> LoanAssessmentOut {
    use dunwatch_core::loan::{method, money::show_cents};
    LoanAssessmentOut {
        annual_rate_pct: a.cost.annual_rate * 100.0,
        method: method(&a.cost),
        effective_rate_pct: a.cost.effective_rate.map(|r| r * 100.0),
        currency: a.record.currency.clone(),
        received: show_cents(a.cost.received),
        paid: show_cents(a.cost.paid),
        cost: show_cents(a.cost.cost),
        deducted: a.cost.deducted.map(show_cents),
        term_days: a.cost.term_days,
        lines: a
            .checks
            .iter()
            .map(|c| LoanLineOut {
                rule: c.rule.clone(),
                measure: c.measure.as_str().to_string(),
                limit_pct: c.limit_pct,
                value_pct: c.value_pct,
                above: c.above,
                source: c.source.clone(),
                severity: c.severity.clone(),
            })
            .collect(),
        no_cap: a.no_cap_by_language(),
    }
}

/// Records the loan of case `case_name` from `record_json` (core's `LoanRecord` JSON; its `case`
/// may be left out, and its currency defaults to the pack's). Everything is checked before
/// anything is stored; a bad entry is refused naming it. Returns the stored record with its
/// assessment; flags are re-derived.
pub fn record_loan(ev: &Evidence, case_name: &str, record_json: &str) -> Result<String> {
    let name = case_name.trim();
    if name.is_empty() {
        return Err(BridgeError::invalid("loan record: the case name is empty"));
    }
    let mut rec = LoanRecord::from_json(record_json)?;
    if !rec.case_name.trim().is_empty() && rec.case_name.trim() != name {
        return Err(BridgeError::invalid(format!(
            "loan record: its case {:?} is not {name:?}",
            rec.case_name
        )));
    }
    rec.case_name = name.to_string();
    if rec.currency.trim().is_empty() {
        let pack = dunwatch_core::rules::builtin_pack(ev.settings()?.jurisdiction)?;
        rec.currency = pack
            .loan
            .as_ref()
            .map_or(String::new(), |l| l.currency.clone());
    }
    let added = ev.record_loan(&rec)?;
    loan_out(ev, added.id, added.new, added.supersedes, rec)
}

/// The loan record that counts for case `case_name` with its assessment, or `null`.
pub fn loan(ev: &Evidence, case_name: &str) -> Result<String> {
    match ev.loan(case_name)? {
        Some(l) => loan_out(ev, l.id, false, l.supersedes, l.record),
        None => Ok("null".to_string()),
    }
}

/// Recomputes every evidence chain; `{ok, chains, broken}`.
pub fn verify(ev: &Evidence) -> Result<String> {
    let report = ev.verify()?;
    to_json(&VerifyOut {
        ok: report.ok(),
        report,
    })
}

/// Writes the complaint report (HTML, JSON or CSV) to `path`; see [`crate::report`].
pub fn export_report(ev: &Evidence, path: &str, options_json: &str) -> Result<String> {
    crate::report::export(ev, path, options_json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn store() -> Evidence {
        Evidence::open_in_memory(None).unwrap()
    }

    fn json(s: &str) -> Value {
        serde_json::from_str(s).unwrap()
    }

    const AT: &str = r#"{"utc_ms":1700000000000,"offset_secs":28800}"#;

    #[test]
    fn sms_round_trip_and_idempotence() {
        let s = store();
        let meta = format!(r#"{{"direction":"incoming","received":{AT},"sim_slot":1}}"#);
        let r = json(&record_sms(&s, "+86 138-0013-8000", "还款", &meta).unwrap());
        assert_eq!(r["new"], true);
        let again = json(&record_sms(&s, "+86 138-0013-8000", "还款", &meta).unwrap());
        assert_eq!(again["new"], false);
        assert_eq!(again["id"], r["id"]);
        let page = json(&events(&s, "{}").unwrap());
        assert_eq!(page.as_array().unwrap().len(), 1);
        assert_eq!(page[0]["body"], "还款");
        assert_eq!(page[0]["number"]["normalized"], "+8613800138000");
    }

    #[test]
    fn call_update_folds_in_and_checks_target() {
        let s = store();
        let meta = format!(r#"{{"direction":"incoming","start":{AT}}}"#);
        let id = json(&record_call(&s, "13800138000", &meta).unwrap())["id"]
            .as_i64()
            .unwrap();
        update_call(&s, id, r#"{"direction":"incoming","talk_ms":65000}"#).unwrap();
        let page = json(&events(&s, "{}").unwrap());
        assert_eq!(page.as_array().unwrap().len(), 1);
        assert_eq!(page[0]["talk_ms"], 65000);
        let e = update_call(&s, 999, r#"{"direction":"missed"}"#).unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);
    }

    #[test]
    fn pages_today_timeline_case() {
        let s = store();
        tag_number(&s, "13800138000", "Loan A").unwrap();
        let call = format!(r#"{{"direction":"incoming","start":{AT},"talk_ms":1000}}"#);
        let rec = json(&record_call(&s, "13800138000", &call).unwrap());
        let t = json(&timeline(&s, r#"{"case":1}"#).unwrap());
        assert_eq!(t[0]["event"]["id"], rec["id"]);
        assert!(!t[0]["flags"].as_array().unwrap().is_empty());
        let d = json(&today(&s, AT).unwrap());
        assert_eq!(d["permitted_now"], false, "06:13 in Shanghai");
        assert_eq!(d["collectors"][0]["name"], "Loan A");
        assert_eq!(d["collectors"][0]["calls"], 1);
        let sms = format!(r#"{{"direction":"incoming","received":{AT}}}"#);
        record_sms(&s, "13700137000", "hello", &sms).unwrap();
        let all = json(&timeline(&s, "{}").unwrap());
        assert_eq!(all.as_array().unwrap().len(), 2);
        let mine = json(&timeline(&s, r#"{"collectors_only":true}"#).unwrap());
        assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
        let e = events(&s, r#"{"collectors_only":true}"#).unwrap_err();
        assert_eq!(e.kind, Kind::InvalidArgument);
        let zh = json(&rule_texts(&s, "zh").unwrap());
        let en = json(&rule_texts(&s, "en").unwrap());
        let night = |v: &Value| {
            v.as_array()
                .unwrap()
                .iter()
                .find(|r| r["rule"] == "CN.TIME.GBT")
                .cloned()
                .unwrap()
        };
        assert_eq!(night(&zh)["description"], "夜间（22:00–08:00）不得催收");
        assert_eq!(night(&en)["description"], "no collection at night");
        assert_ne!(night(&zh)["source"], night(&en)["source"]);
        let c = json(&case_page(&s, 1).unwrap());
        assert_eq!(c["case"]["name"], "Loan A");
        // A full disk reaches the caller as its own kind.
        let path = std::env::temp_dir().join(format!("dw-full-{}.sqlite", std::process::id()));
        let full = open(path.to_str().unwrap(), None).unwrap();
        debug_limit_pages(&full, 0).unwrap();
        // Free pages of the file are used first; then nothing fits.
        let e = (0..100)
            .find_map(|i| {
                let big = format!("{i}{}", "满".repeat(5000));
                record_sms(&full, "13800138000", &big, &sms).err()
            })
            .expect("the capped store fills up");
        assert_eq!(e.kind, Kind::StorageFull, "{e:?}");
        drop(full);
        let _ = std::fs::remove_file(&path);
        assert_eq!(c["days"][0]["calls"], 1);
        assert_eq!(case_page(&s, 7).unwrap_err().kind, Kind::NotFound);
        let u = json(&untag_number(&s, "13800138000").unwrap());
        assert!(u["case_id"].is_null());
        assert_eq!(merge_cases(&s, "a", "b").unwrap_err().kind, Kind::NotFound);
        assert_eq!(json(&flags(&s, "{}").unwrap()), json("[]"));
    }

    #[test]
    fn bad_metadata_is_refused_with_context() {
        let s = store();
        let e = record_sms(&s, "10086", "x", r#"{"direction":"sideways"}"#).unwrap_err();
        assert_eq!(e.kind, Kind::InvalidArgument);
        assert!(e.message.starts_with("SMS metadata"), "{}", e.message);
        let bad_offset = r#"{"direction":"incoming","received":{"utc_ms":0,"offset_secs":99999}}"#;
        assert!(record_sms(&s, "10086", "x", bad_offset).is_err());
        let e = events(&s, r#"{"limit":100000}"#).unwrap_err();
        assert!(e.message.contains("maximum"));
        assert!(events(&s, r#"{"bogus":1}"#).is_err());
    }

    #[test]
    fn settings_change_and_open_with_settings() {
        let dir = std::env::temp_dir().join(format!("dunwatch-ops-{}", std::process::id()));
        let path = dir.join("s.db");
        let st = open(
            path.to_str().unwrap(),
            Some(r#"{"jurisdiction":"us","role":"family","home_tz":"America/New_York"}"#),
        )
        .unwrap();
        assert_eq!(json(&settings(&st).unwrap())["jurisdiction"], "us");
        assert!(set_settings(&st, r#"{"jurisdiction":"cn","role":"x","home_tz":"UTC"}"#).is_err());
        drop(st);
        let st = open(path.to_str().unwrap(), None).unwrap();
        assert_eq!(json(&settings(&st).unwrap())["role"], "family");
        drop(st);
        let _ = std::fs::remove_dir_all(dir);
        assert!(open(" ", None).is_err());
    }

    #[test]
    fn tags_annotations_attachments_verify() {
        let s = store();
        let info = json(&tag_number(&s, "13800138000", "Loan A").unwrap());
        assert_eq!(info["case_name"], "Loan A");
        assert_eq!(json(&cases(&s).unwrap())[0]["name"], "Loan A");
        let meta = format!(r#"{{"at":{AT}}}"#);
        assert!(add_annotation(&s, "stop_request", Some("Loan A"), "stop", &meta).unwrap() > 0);
        assert!(add_annotation(&s, "shout", None, "x", &meta).is_err());
        let sha = "AB".repeat(32);
        let ameta = format!(r#"{{"at":{AT},"size":12}}"#);
        assert!(add_attachment(&s, None, "letter.jpg", &sha, &ameta).unwrap() > 0);
        assert!(add_attachment(&s, None, "letter.jpg", "zz", &ameta).is_err());
        let v = json(&verify(&s).unwrap());
        assert_eq!(v["ok"], true);
        assert!(v["broken"].is_null());
        assert_eq!(json(&flags(&s, "{}").unwrap()), json("[]"));
        // 06:13 in Shanghai, from a number the user tagged: outside the permitted hours.
        let call = format!(r#"{{"direction":"incoming","start":{AT},"talk_ms":1000}}"#);
        let rec = json(&record_call(&s, "13800138000", &call).unwrap());
        assert!(rec["flags"].as_u64().unwrap() > 0, "{rec}");
        let f = json(&flags(&s, "{}").unwrap());
        assert!(f
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["events"][0] == rec["id"]));
    }

    const FAMILY: &str = r#"{"jurisdiction":"cn","role":"family","home_tz":"Asia/Shanghai"}"#;

    #[test]
    fn screening_decides_with_default_or_given_policy() {
        let s = store();
        set_settings(&s, FAMILY).unwrap();
        let d = json(&screen_call(&s, "13800138000", AT, None).unwrap());
        assert_eq!(d["action"], "allow");
        tag_number(&s, "13800138000", "Loan A").unwrap();
        let d = json(&screen_call(&s, "13800138000", AT, None).unwrap());
        assert_eq!(d["action"], "reject");
        assert_eq!(d["case"], "Loan A");
        let policy = r#"{"third_party_collectors":"silence","silence_outside_hours":true,
            "silence_over_cap":true,"silence_after_stop":true}"#;
        let d = json(&screen_call(&s, "13800138000", AT, Some(policy)).unwrap());
        assert_eq!(d["action"], "silence");
        assert!(screen_call(&s, "13800138000", AT, Some("{}")).is_err());
        assert!(screen_call(&s, "13800138000", "{}", None).is_err());
    }

    const LOAN: &str = r#"{"principal":"10000","received":[{"date":"2025-01-01","amount":"7000"}],
        "repaid":[{"date":"2025-02-01","amount":"1000"},{"date":"2025-03-01","amount":"1000"},
        {"date":"2025-04-01","amount":"1000"},{"date":"2025-05-01","amount":"1000"},
        {"date":"2025-06-01","amount":"1000"},{"date":"2025-07-01","amount":"1000"},
        {"date":"2025-08-01","amount":"1000"},{"date":"2025-09-01","amount":"1000"},
        {"date":"2025-10-01","amount":"1000"},{"date":"2025-11-01","amount":"1000"},
        {"date":"2025-12-01","amount":"1000"},{"date":"2026-01-01","amount":"1000"}],
        "lender":"licensed"}"#;

    #[test]
    fn loan_recorded_assessed_and_read_back() {
        let s = store();
        assert_eq!(loan(&s, "Loan A").unwrap(), "null");
        let r = json(&record_loan(&s, "Loan A", LOAN).unwrap());
        assert_eq!(r["new"], true);
        assert_eq!(r["record"]["case"], "Loan A");
        assert_eq!(r["record"]["currency"], "CNY");
        let a = &r["assessment"];
        // Independent check: 7000 = 1000 × annuity factor at the monthly IRR i.
        let i = a["annual_rate_pct"].as_f64().unwrap() / 1200.0;
        let pv: f64 = (1..=12).map(|k| 1000.0 / (1.0 + i).powi(k)).sum();
        assert!((pv - 7000.0).abs() < 1e-3, "{pv}");
        assert_eq!(a["method"], "IRR per month × 12");
        assert_eq!(a["deducted"], "3000.00");
        let lines = a["lines"].as_array().unwrap();
        assert!(!lines.is_empty());
        assert!(lines.iter().any(|l| l["above"] == true));
        assert!(lines
            .iter()
            .all(|l| !l["source"].as_str().unwrap().is_empty()));
        let back = json(&loan(&s, "Loan A").unwrap());
        assert_eq!(back["id"], r["id"]);
        assert_eq!(back["assessment"], r["assessment"]);
        let again = json(&record_loan(&s, "Loan A", LOAN).unwrap());
        assert_eq!(again["new"], false);
        assert!(!json(&flags(&s, "{}").unwrap())
            .as_array()
            .unwrap()
            .is_empty());
    }

    /// The pack's no-cap statement comes in each language the app shows, so the screen shows
    /// it in the user's (the US pack has all three).
    #[test]
    fn no_cap_statement_in_every_language() {
        let settings = dunwatch_core::model::Settings {
            jurisdiction: dunwatch_core::model::Jurisdiction::Us,
            ..Default::default()
        };
        let s = Evidence::open_in_memory(Some(&settings)).unwrap();
        let r = json(&record_loan(&s, "Loan A", LOAN).unwrap());
        let texts = &r["assessment"]["no_cap"];
        let text = |l: &str| texts[l].as_str().unwrap().to_string();
        assert!(text("en").starts_with("No federal rate cap"), "{texts}");
        assert!(text("zh").contains("联邦层面无利率上限"), "{texts}");
        assert!(text("zh-Hant").contains("聯邦層級無利率上限"), "{texts}");
    }

    #[test]
    fn bad_loan_is_refused_naming_the_entry_and_stores_nothing() {
        let s = store();
        let bad = r#"{"received":[{"date":"2025-03-01","amount":"1000"}],
            "repaid":[{"date":"2025-02-01","amount":"1300"}]}"#;
        let e = record_loan(&s, "Loan A", bad).unwrap_err();
        assert_eq!(e.kind, Kind::InvalidArgument);
        assert!(e.message.contains("repaid #1"), "{}", e.message);
        assert_eq!(loan(&s, "Loan A").unwrap(), "null");
        let e = record_loan(&s, "Loan A", r#"{"received":"x"}"#).unwrap_err();
        assert_eq!(e.kind, Kind::InvalidArgument);
        assert!(record_loan(&s, " ", LOAN).is_err());
        let other = LOAN.replacen('{', r#"{"case":"Loan B","#, 1);
        assert!(record_loan(&s, "Loan A", &other).is_err());
        assert_eq!(loan(&s, "Loan A").unwrap(), "null");
    }
}
