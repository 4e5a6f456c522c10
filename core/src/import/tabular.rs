//! dunwatch's own plain forms, for exports from other tools or hand-made evidence:
//!
//! - CSV (UTF-8, optional BOM, header row required, columns in any order):
//!   `kind,direction,number,time,body,duration_s`
//! - JSON Lines: one object per line with the same fields, e.g.
//!   `{"kind":"sms","direction":"incoming","number":"+8613800138000","time":"2025-03-09T21:30:00+08:00","body":"..."}`
//!
//! `kind` is `sms` or `call`; `direction` is incoming/outgoing for SMS, and incoming, outgoing,
//! missed, voicemail, rejected or blocked for calls; `time` is RFC 3339, local
//! `YYYY-MM-DD HH:MM[:SS]` in the store's home zone, or UTC epoch milliseconds; `duration_s` is
//! the talk time of a call in seconds (0 or empty when not connected); `ring_s` optional.

use super::counting::CountingReader;
use super::record::{call_direction, seconds_to_ms, sms_direction, Context, Fail};
use super::{Malformed, Parsed, Sink};
use crate::error::{Error, Result};
use serde::Deserialize;
use std::io::BufRead;

/// One record of either form.
#[derive(Debug, Deserialize)]
struct Row {
    kind: String,
    direction: String,
    number: String,
    time: serde_json::Value,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    duration_s: Option<serde_json::Value>,
    #[serde(default)]
    ring_s: Option<serde_json::Value>,
}

/// A JSON value that should be a string or a number, as text.
fn text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn convert(row: Row, ctx: &Context) -> Result<Parsed, Fail> {
    let time = text(&row.time).ok_or("time must be a string or a number")?;
    let at = ctx.time(&time)?;
    let secs = |v: &Option<serde_json::Value>| -> Result<Option<u64>, Fail> {
        match v.as_ref().and_then(text) {
            Some(s) if !s.trim().is_empty() => seconds_to_ms(&s).map(Some),
            _ => Ok(None),
        }
    };
    let ev = match row.kind.trim().to_ascii_lowercase().as_str() {
        "sms" | "message" => ctx.sms(
            &row.number,
            row.body.unwrap_or_default(),
            at,
            None,
            sms_direction(&row.direction)?,
        )?,
        "call" => {
            let dir = call_direction(&row.direction)?;
            let talk = match dir {
                crate::model::CallDirection::Incoming | crate::model::CallDirection::Outgoing => {
                    secs(&row.duration_s)?.unwrap_or(0)
                }
                _ => 0,
            };
            ctx.call(&row.number, dir, at, talk, secs(&row.ring_s)?)?
        }
        other => return Err(format!("kind {other:?}: use sms or call")),
    };
    Ok(Parsed::Event(Box::new(ev)))
}

/// CSV with a header row.
pub(crate) fn read_csv<R: BufRead>(
    input: CountingReader<R>,
    ctx: &Context,
    sink: &mut Sink<'_>,
) -> Result<()> {
    let mut rd = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::Headers)
        .from_reader(input);
    let headers = rd
        .headers()
        .map_err(|e| Error::InvalidInput(format!("CSV header: {e}")))?
        .clone();
    let headers: csv::StringRecord = headers
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    for need in ["kind", "direction", "number", "time"] {
        if !headers.iter().any(|h| h == need) {
            return Err(Error::InvalidInput(format!(
                "CSV header has no {need:?} column (want kind,direction,number,time,body,\
                 duration_s)"
            )));
        }
    }
    let mut rec = csv::StringRecord::new();
    loop {
        let pos = rd.position().clone();
        let at = |reason: String| {
            Parsed::Malformed(Malformed {
                line: pos.line(),
                byte: pos.byte(),
                reason,
            })
        };
        match rd.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                // Empty cells are absent fields; JSON values keep one converter for both forms.
                let mut obj = serde_json::Map::new();
                for (h, v) in headers.iter().zip(rec.iter()) {
                    if !v.is_empty() {
                        obj.insert(h.to_string(), serde_json::Value::String(v.to_string()));
                    }
                }
                let parsed = serde_json::from_value::<Row>(serde_json::Value::Object(obj))
                    .map_err(|e| e.to_string())
                    .and_then(|row| convert(row, ctx));
                sink.push(parsed.unwrap_or_else(at))?;
            }
            Err(e) => match e.kind() {
                csv::ErrorKind::Utf8 { .. } | csv::ErrorKind::UnequalLengths { .. } => {
                    sink.push(at(e.to_string()))?
                }
                _ => return Err(Error::Parse(format!("CSV line {}: {e}", pos.line()))),
            },
        }
    }
    Ok(())
}

/// Longest JSON Lines record read; longer lines are skipped as malformed without being held.
const MAX_LINE: usize = crate::model::MAX_BODY_BYTES * 2;

/// JSON Lines: one object per line; blank lines are ignored.
pub(crate) fn read_jsonl<R: BufRead>(
    mut input: CountingReader<R>,
    ctx: &Context,
    sink: &mut Sink<'_>,
) -> Result<()> {
    let counter = input.counter();
    let mut line = Vec::new();
    loop {
        let (no, byte) = (counter.line(), counter.bytes());
        line.clear();
        let too_long = read_line_capped(&mut input, &mut line, MAX_LINE)?;
        if line.is_empty() && !too_long {
            break;
        }
        let at = |reason: String| {
            Parsed::Malformed(Malformed {
                line: no,
                byte,
                reason,
            })
        };
        if too_long {
            sink.push(at(format!("line longer than {MAX_LINE} bytes")))?;
            continue;
        }
        let text = match std::str::from_utf8(&line) {
            Ok(t) => t.trim().trim_start_matches('\u{feff}'),
            Err(e) => {
                sink.push(at(format!("not UTF-8: {e}")))?;
                continue;
            }
        };
        if text.is_empty() {
            continue;
        }
        let parsed = serde_json::from_str::<Row>(text)
            .map_err(|e| e.to_string())
            .and_then(|row| convert(row, ctx));
        sink.push(parsed.unwrap_or_else(at))?;
    }
    Ok(())
}

/// Reads through the next newline, keeping at most `cap` bytes; true if the line was longer
/// (its remainder is consumed and dropped).
fn read_line_capped(r: &mut impl BufRead, out: &mut Vec<u8>, cap: usize) -> Result<bool> {
    let mut over = false;
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(over);
        }
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        let n = chunk.len();
        if !over && out.len() + n <= cap {
            out.extend_from_slice(chunk);
        } else {
            over = true;
            out.clear();
        }
        r.consume(n);
        if done {
            return Ok(over);
        }
    }
}
