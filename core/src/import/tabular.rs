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
use super::window::Window;
use super::{Malformed, Parsed, Sink};
use crate::error::{Error, Result};
// The longest JSON Lines record read; longer lines are skipped as malformed without being held.
use crate::limits::MAX_LINE;
use serde::Deserialize;
use std::io::{BufRead, Read};

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

/// Longest CSV record (a body at the size limit with every character a doubled quote fits).
pub(crate) const MAX_RECORD: usize = crate::model::MAX_BODY_BYTES * 2 + 64 * 1024;

/// One record of a CSV file as it lies in the file, or a range skipped.
enum Piece {
    Record(Vec<u8>),
    Skip(&'static str),
}

/// Where a CSV splitter is within a record, read as the csv crate reads it: a quote opens a
/// quoted field only at the field's start; `""` inside one is a quote; after the closing quote
/// the field goes on unquoted, where a quote is an ordinary character.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    /// At the start of a field (or of the record).
    Start,
    Unquoted,
    Quoted,
    /// Just after a quote inside a quoted field: its end, or the first of `""`.
    QuoteInQuoted,
}

impl Field {
    fn next(self, b: u8) -> Field {
        match (self, b) {
            (Field::Quoted, b'"') => Field::QuoteInQuoted,
            (Field::Quoted, _) => Field::Quoted,
            (Field::Start, b'"') | (Field::QuoteInQuoted, b'"') => Field::Quoted,
            (_, b',' | b'\n') => Field::Start,
            _ => Field::Unquoted,
        }
    }
}

/// Splits the next record off `w` (a line, or several where a quoted field holds newlines),
/// holding at most `cap` bytes. A quoted field not closed by the end of the file or within the
/// cap is broken: the range up to the end of its first line is skipped and reading resumes
/// there; a record longer than the cap is skipped as it streams. None at the end of the input.
fn csv_piece<R: Read>(w: &mut Window<R>, cap: usize) -> Result<Option<Piece>> {
    if w.fill(1)?.is_empty() {
        return Ok(None);
    }
    let (mut i, mut state, mut dropped) = (0, Field::Start, false);
    // Text after a closing quote: the csv crate reads on, but when the quoted part spanned
    // lines it is far likelier a stray quote pairing with a later one, swallowing whole
    // records into one field; such a record is broken like an unclosed one.
    let mut text_after_quote = false;
    let multi_line = |w: &Window<R>, end: usize| memchr::memchr(b'\n', &w.avail()[..end]).is_some();
    // A broken quoted field: skip its first line (the next lines are records of their own).
    let unclosed = |w: &mut Window<R>, held: usize| {
        let line = memchr::memchr(b'\n', &w.avail()[..held]).map_or(held, |k| k + 1);
        w.advance(line);
        Some(Piece::Skip(
            "quoted field not closed (skipped to the end of its line)",
        ))
    };
    loop {
        if i >= w.avail().len() {
            if dropped {
                w.advance(i);
                i = 0;
            }
            if !w.more()? {
                if dropped {
                    return Ok(Some(Piece::Skip("record longer than the record limit")));
                }
                if state == Field::Quoted || text_after_quote && multi_line(w, i) {
                    return Ok(unclosed(w, i));
                }
                let rec = w.avail()[..i].to_vec();
                w.advance(i);
                return Ok(Some(Piece::Record(rec)));
            }
            continue;
        }
        let b = w.avail()[i];
        text_after_quote |=
            state == Field::QuoteInQuoted && !matches!(b, b'"' | b',' | b'\n' | b'\r');
        state = state.next(b);
        match b {
            b'\n' if state == Field::Start => {
                if dropped {
                    w.advance(i + 1);
                    return Ok(Some(Piece::Skip("record longer than the record limit")));
                }
                if text_after_quote && multi_line(w, i) {
                    return Ok(unclosed(w, i + 1));
                }
                let rec = w.avail()[..=i].to_vec();
                w.advance(i + 1);
                return Ok(Some(Piece::Record(rec)));
            }
            _ => {}
        }
        i += 1;
        if !dropped && i > cap {
            if state == Field::Quoted && memchr::memchr(b'\n', &w.avail()[..i]).is_some() {
                return Ok(unclosed(w, i));
            }
            dropped = true;
            w.advance(i);
            i = 0;
        }
    }
}

/// The fields of one CSV record; text that is not UTF-8 is replaced (U+FFFD), and said.
fn csv_fields(rec: &[u8]) -> Result<(Vec<String>, bool), String> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(rec.len().max(64))
        .from_reader(rec);
    let mut r = csv::ByteRecord::new();
    rd.read_byte_record(&mut r).map_err(|e| e.to_string())?;
    // The splitter and the csv crate agree on where a record ends; should they ever not, the
    // rest is reported rather than dropped.
    let mut more = csv::ByteRecord::new();
    if rd.read_byte_record(&mut more).map_err(|e| e.to_string())? {
        return Err("more than one record on this line (a quote the reader could not pair)".into());
    }
    let mut lossy = false;
    let fields = r
        .iter()
        .map(|f| match std::str::from_utf8(f) {
            Ok(t) => t.to_string(),
            Err(_) => {
                lossy = true;
                String::from_utf8_lossy(f).into_owned()
            }
        })
        .collect();
    Ok((fields, lossy))
}

/// CSV with a header row.
pub(crate) fn read_csv<R: BufRead>(
    input: CountingReader<R>,
    ctx: &Context,
    sink: &mut Sink<'_>,
) -> Result<()> {
    let mut w = Window::new(input);
    let headers = loop {
        let line = w.line();
        match csv_piece(&mut w, MAX_RECORD)? {
            None => return Err(Error::InvalidInput("CSV file without a header row".into())),
            Some(Piece::Skip(why)) => {
                return Err(Error::InvalidInput(format!(
                    "CSV header (line {line}): {why}"
                )))
            }
            Some(Piece::Record(rec)) if rec.iter().all(u8::is_ascii_whitespace) => continue,
            Some(Piece::Record(rec)) => {
                let (h, _) = csv_fields(&rec)
                    .map_err(|e| Error::InvalidInput(format!("CSV header: {e}")))?;
                break h
                    .iter()
                    .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
                    .collect::<Vec<_>>();
            }
        }
    };
    for need in ["kind", "direction", "number", "time"] {
        if !headers.iter().any(|h| h == need) {
            return Err(Error::InvalidInput(format!(
                "CSV header has no {need:?} column (want kind,direction,number,time,body,\
                 duration_s)"
            )));
        }
    }
    loop {
        let (line, byte) = (w.line(), w.offset());
        let Some(piece) = csv_piece(&mut w, MAX_RECORD)? else {
            break;
        };
        let at = |reason: String| Malformed {
            line,
            byte,
            end: w.offset(),
            reason,
        };
        let rec = match piece {
            Piece::Skip(why) => {
                sink.push(Parsed::Malformed(at(why.into())))?;
                continue;
            }
            Piece::Record(rec) if rec.iter().all(u8::is_ascii_whitespace) => continue,
            Piece::Record(rec) => rec,
        };
        let (fields, lossy) = match csv_fields(&rec) {
            Ok(f) => f,
            Err(e) => {
                sink.push(Parsed::Malformed(at(e)))?;
                continue;
            }
        };
        // Extra cells that are empty are a spreadsheet's trailing commas; others are data that
        // no column names (often a quote gone wrong), so the record is not guessed at.
        if fields[headers.len().min(fields.len())..]
            .iter()
            .any(|f| !f.trim().is_empty())
        {
            sink.push(Parsed::Malformed(at(format!(
                "{} fields where the header has {}",
                fields.len(),
                headers.len()
            ))))?;
            continue;
        }
        // Empty cells are absent fields; JSON values keep one converter for both forms.
        let mut obj = serde_json::Map::new();
        for (h, v) in headers.iter().zip(fields) {
            if !v.is_empty() {
                obj.insert(h.to_string(), serde_json::Value::String(v));
            }
        }
        let parsed = serde_json::from_value::<Row>(serde_json::Value::Object(obj))
            .map_err(|e| e.to_string())
            .and_then(|row| convert(row, ctx));
        match parsed {
            Ok(p) => {
                if lossy {
                    sink.note(at(LOSSY.into()));
                }
                sink.push(p)?;
            }
            Err(e) => sink.push(Parsed::Malformed(at(e)))?,
        }
    }
    Ok(())
}

/// The note on a record kept with text that was not UTF-8.
const LOSSY: &str = "bytes that are not UTF-8 replaced with U+FFFD; record kept";

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
        let too_long = crate::limits::read_line_capped(&mut input, &mut line, MAX_LINE)?;
        if line.is_empty() && !too_long {
            break;
        }
        let at = |reason: String| {
            Parsed::Malformed(Malformed {
                line: no,
                byte,
                end: counter.bytes(),
                reason,
            })
        };
        if too_long {
            sink.push(at(format!("line longer than {MAX_LINE} bytes")))?;
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        let lossy = matches!(text, std::borrow::Cow::Owned(_));
        let text = text.trim().trim_start_matches('\u{feff}');
        if text.is_empty() {
            continue;
        }
        let parsed = serde_json::from_str::<Row>(text)
            .map_err(|e| e.to_string())
            .and_then(|row| convert(row, ctx));
        if lossy && parsed.is_ok() {
            sink.note(Malformed {
                line: no,
                byte,
                end: counter.bytes(),
                reason: LOSSY.into(),
            });
        }
        sink.push(parsed.unwrap_or_else(at))?;
    }
    Ok(())
}
