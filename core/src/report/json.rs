//! The JSON export: everything in the store that a complaint or another tool needs, with a
//! schema version. Flags and events are streamed, so a large store is never held in memory.

use crate::error::Result;
use crate::store::{FlagQuery, Store};
use serde_json::json;
use std::io::Write;

/// The newest loan record of each case held against the pack's lines (or why it cannot be).
fn loan_costs(store: &Store, settings: &crate::model::Settings) -> Result<serde_json::Value> {
    let pack = crate::rules::builtin_pack(settings.jurisdiction)?;
    let mut out = Vec::new();
    for l in store.loans()? {
        out.push(match crate::loan::assess(&l.record, pack) {
            Ok(a) => json!({ "record": l.id, "assessment": a }),
            Err(e) => json!({ "record": l.id, "error": e.to_string() }),
        });
    }
    Ok(serde_json::Value::Array(out))
}

/// Bumped when a field changes meaning or disappears (adding fields keeps the version).
pub const SCHEMA_VERSION: u32 = 1;

/// Writes `{"schema":"dunwatch.export","schema_version":1, settings, verification, head, seal,
/// cases, loans, loan_costs, flags, events}` (`seal` is null when a chain is broken).
pub fn write_json(store: &Store, out: &mut dyn Write) -> Result<()> {
    let settings = store.settings()?;
    let zone = settings.zone()?;
    let verify = store.verify()?;
    let (rows, head) = store.head()?;
    let generated_ms = crate::time::now_ms();
    let generated = crate::time::Instant::in_zone(generated_ms, &zone)?;
    let seal = crate::store::Seal::of_report(generated_ms, &verify)?;
    let header = json!({
        "schema": "dunwatch.export",
        "schema_version": SCHEMA_VERSION,
        "generated": generated.to_rfc3339(),
        "settings": settings,
        "verification": { "ok": verify.ok(), "report": verify },
        "head": { "rows": rows, "hash": head },
        "seal": seal.map(|s| json!({ "code": s.code, "text": s.text() })),
        "cases": store.cases()?,
        "loans": store.loan_history()?,
        "loan_costs": loan_costs(store, &settings)?,
    });
    // The header object without its closing brace, then the streamed flags and events arrays.
    let text = serde_json::to_string(&header)?;
    out.write_all(&text.as_bytes()[..text.len() - 1])?;
    out.write_all(b",\"flags\":[")?;
    let mut first = true;
    store.for_each_flag(&FlagQuery::default(), |f| {
        if !first {
            out.write_all(b",\n")?;
        }
        first = false;
        serde_json::to_writer(&mut *out, &f)?;
        Ok(())
    })?;
    out.write_all(b"],\"events\":[")?;
    let mut first = true;
    store.for_each_event(|ev| {
        if !first {
            out.write_all(b",\n")?;
        }
        first = false;
        serde_json::to_writer(&mut *out, &ev)?;
        Ok(())
    })?;
    out.write_all(b"]}\n")?;
    Ok(())
}
