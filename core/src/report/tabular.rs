//! CSV exports of events and flags for spreadsheets: UTF-8 with a BOM (so Excel reads Chinese
//! correctly), CRLF rows, and cells neutralised against formula injection.

use super::escape::csv_cell;
use crate::error::Result;
use crate::model::EventPayload;
use crate::store::{FlagQuery, Store};
use std::collections::HashMap;
use std::io::Write;

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn row(out: &mut dyn Write, cells: &[String]) -> Result<()> {
    let line = cells
        .iter()
        .map(|c| csv_cell(c))
        .collect::<Vec<_>>()
        .join(",");
    out.write_all(line.as_bytes())?;
    out.write_all(b"\r\n")?;
    Ok(())
}

/// All contact events, oldest id first, with their case and the rules flagged on them.
pub fn write_events_csv(store: &Store, out: &mut dyn Write) -> Result<()> {
    let mut case_of: HashMap<String, String> = HashMap::new();
    for c in store.cases()? {
        for n in c.numbers {
            case_of.insert(n, c.name.clone());
        }
    }
    let mut rules_of: HashMap<i64, Vec<String>> = HashMap::new();
    store.for_each_flag(&FlagQuery::default(), |f| {
        for e in &f.flag.events {
            rules_of.entry(*e).or_default().push(f.flag.rule.clone());
        }
        Ok(())
    })?;
    out.write_all(BOM)?;
    let header = [
        "id",
        "kind",
        "direction",
        "number",
        "number_raw",
        "local_time",
        "utc_ms",
        "duration_s",
        "body",
        "case",
        "flags",
        "source",
        "hash",
    ];
    row(out, &header.map(String::from))?;
    store.for_each_event(|ev| {
        let (direction, duration, body) = match &ev.payload {
            EventPayload::Sms(s) => (s.direction.as_str(), String::new(), s.body.clone()),
            EventPayload::Call(c) => (
                c.direction.as_str(),
                format!("{}", c.talk_ms.div_ceil(1000)),
                String::new(),
            ),
            EventPayload::CallUpdate(_) => return Ok(()),
        };
        let number = ev.payload.number();
        let at = ev.payload.instant();
        let normalized = number.map(|n| n.normalized.clone()).unwrap_or_default();
        row(
            out,
            &[
                ev.id.to_string(),
                ev.payload.kind().to_string(),
                direction.to_string(),
                normalized.clone(),
                number.map(|n| n.raw.clone()).unwrap_or_default(),
                at.map(|i| i.to_rfc3339()).unwrap_or_default(),
                at.map(|i| i.utc_ms.to_string()).unwrap_or_default(),
                duration,
                body,
                case_of.get(&normalized).cloned().unwrap_or_default(),
                rules_of
                    .get(&ev.id)
                    .map(|r| r.join(" "))
                    .unwrap_or_default(),
                ev.source.as_str().to_string(),
                ev.hash.clone(),
            ],
        )
    })
}

/// All flags with the rule, its legal source and the events it rests on.
pub fn write_flags_csv(store: &Store, out: &mut dyn Write) -> Result<()> {
    out.write_all(BOM)?;
    let header = [
        "id",
        "rule",
        "case",
        "local_time",
        "severity",
        "description",
        "source",
        "events",
        "numbers",
        "detail",
    ];
    row(out, &header.map(String::from))?;
    store.for_each_flag(&FlagQuery::default(), |f| {
        let n = &f.flag;
        row(
            out,
            &[
                f.id.to_string(),
                n.rule.clone(),
                f.case_name.clone().unwrap_or_default(),
                n.at.to_rfc3339(),
                n.severity.clone(),
                n.description.clone(),
                n.source.clone(),
                n.events
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
                n.numbers.join(" "),
                n.detail.to_string(),
            ],
        )
    })
}
