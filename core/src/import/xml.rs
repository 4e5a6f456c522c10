//! SMS Backup & Restore XML, read as a stream with quick-xml.
//!
//! Messages: `<smses count=".."><sms address date type body date_sent .../><mms date msg_box
//! address ...><parts><part ct text/></parts><addrs><addr address type/></addrs></mms></smses>`.
//! Calls: `<calls count=".."><call number duration date type .../></calls>`. Dates are UTC
//! milliseconds without an offset, so the store's home zone supplies it.
//!
//! Security: a document type declaration is refused outright, so no entity can be defined,
//! expanded ("billion laughs") or fetched (external entities); only the five predefined entities
//! and character references are decoded.

use super::counting::CountingReader;
use super::record::{seconds_to_ms, Context, Fail};
use super::xml_scan::{Item, Scanned, Scanner};
use super::{Format, Malformed, Parsed, Sink};
use crate::error::{Error, Result};
use crate::model::{CallDirection, SmsDirection, MAX_BODY_BYTES};
use quick_xml::events::BytesStart;
use std::borrow::Cow;
use std::io::BufRead;

/// An MMS being assembled from its `<part>` and `<addr>` children.
struct Mms {
    line: u64,
    byte: u64,
    /// End of its start tag (where its range in a report ends).
    end: u64,
    date: Option<String>,
    msg_box: Option<String>,
    address: Option<String>,
    texts: Vec<String>,
    /// Bytes in `texts`, bounded by the body limit.
    text_bytes: usize,
    from: Option<String>,
    error: Option<Fail>,
}

/// Reads one SMS Backup & Restore file, feeding `sink`; returns which kind of file it was.
/// A broken piece of the file is reported as skipped and reading goes on after it (see
/// `xml_scan`); only a document type declaration before the root, a root that is not an SMS
/// Backup & Restore one, or an I/O error end the file.
pub(crate) fn read<R: BufRead>(
    input: CountingReader<R>,
    ctx: &Context,
    sink: &mut Sink<'_>,
) -> Result<Format> {
    let mut scanner = Scanner::new(input);
    let mut root: Option<Format> = None;
    let mut mms: Option<Mms> = None;
    loop {
        let Scanned {
            item,
            byte,
            line,
            end,
        } = scanner.next()?;
        let malformed = |reason: String| Malformed {
            line,
            byte,
            end,
            reason,
        };
        match item {
            Item::Eof => break,
            Item::DocType if root.is_none() => {
                return Err(Error::InvalidInput(format!(
                    "line {line}: the file declares a document type (<!DOCTYPE>); dunwatch \
                     refuses DTDs so that no entity can be expanded or fetched. SMS Backup & \
                     Restore files never have one."
                )))
            }
            Item::DocType => sink.push(Parsed::Malformed(malformed(
                "document type declaration inside the file (not read)".into(),
            )))?,
            Item::Skip(reason) => sink.push(Parsed::Malformed(malformed(reason)))?,
            Item::End(name) => {
                if name == "mms" {
                    if let Some(m) = mms.take() {
                        sink.push(mms_finish(m, ctx))?;
                    }
                }
            }
            Item::Tag {
                text,
                name_len,
                empty,
                lossy,
            } => {
                let e = BytesStart::from_content(text.as_str(), name_len);
                let name = e.local_name();
                let name = name.as_ref();
                if root.is_none() {
                    root = Some(match name {
                        "smses" => Format::SmsBackupXml,
                        "calls" => Format::CallsBackupXml,
                        other => {
                            return Err(Error::InvalidInput(format!(
                                "line {line}: root element <{}> is not <smses> or <calls>: not \
                                 an SMS Backup & Restore file",
                                truncate(other, 40)
                            )))
                        }
                    });
                    continue;
                }
                let parsed = match name {
                    "sms" => one(sms(&e, ctx), malformed),
                    "call" => one(call(&e, ctx), malformed),
                    "mms" => {
                        if let Some(m) = mms.take() {
                            sink.push(mms_finish(m, ctx))?;
                        }
                        let m = mms_start(&e, line, byte, end);
                        if empty {
                            mms_finish(m, ctx)
                        } else {
                            mms = Some(m);
                            continue;
                        }
                    }
                    "part" | "addr" => {
                        if let Some(m) = mms.as_mut() {
                            mms_child(m, &e);
                        }
                        continue;
                    }
                    _ => continue,
                };
                if lossy && matches!(parsed, Parsed::Event(_)) {
                    sink.note(Malformed {
                        line,
                        byte,
                        end,
                        reason: "bytes that are not UTF-8 replaced with U+FFFD; record kept".into(),
                    });
                }
                sink.push(parsed)?;
            }
        }
    }
    if let Some(m) = mms.take() {
        sink.push(mms_finish(m, ctx))?;
    }
    root.ok_or_else(|| Error::InvalidInput("no XML element found in the file".into()))
}

fn one(r: Result<Option<Parsed>, Fail>, malformed: impl FnOnce(String) -> Malformed) -> Parsed {
    match r {
        Ok(Some(p)) => p,
        Ok(None) => Parsed::Skipped,
        Err(reason) => Parsed::Malformed(malformed(reason)),
    }
}

/// The attributes of an element that the importer reads, unescaped, looked up by name. Names
/// and values borrow from the reader's buffer; only a value with an entity in it is copied.
struct Attrs<'a>(Vec<(&'a str, Cow<'a, str>)>);

impl<'a> Attrs<'a> {
    /// Reads the attributes named in `wanted`; the others (a backup's `sms` has 17) are only
    /// checked for syntax, not unescaped or kept. A wanted attribute given twice makes the
    /// record malformed: which value is meant is unknown. (quick-xml's own duplicate check
    /// covers every name, hashing them for long tags, and took a tenth of the parsing.)
    fn of(e: &'a BytesStart<'_>, wanted: &[&str]) -> Result<Attrs<'a>, Fail> {
        let mut v: Vec<(&'a str, Cow<'a, str>)> = Vec::with_capacity(wanted.len());
        for a in e.attributes().with_checks(false) {
            let a = a.map_err(|err| format!("bad attribute: {err}"))?;
            let key = a.key.into_inner();
            if !wanted.contains(&key) {
                continue;
            }
            if v.iter().any(|(k, _)| *k == key) {
                return Err(format!("attribute {key:?} appears twice"));
            }
            let value = match a.value {
                Cow::Borrowed(raw) => unescape(raw),
                Cow::Owned(raw) => unescape(&raw).map(|v| Cow::Owned(v.into_owned())),
            }
            .map_err(|err| format!("attribute {key}: {err}"))?;
            v.push((key, value));
        }
        Ok(Attrs(v))
    }
    fn get(&self, k: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.as_ref())
    }
    fn need(&self, k: &str) -> Result<&str, Fail> {
        self.get(k)
            .ok_or_else(|| format!("missing attribute {k:?}"))
    }
}

fn int(s: &str, what: &str) -> Result<i64, Fail> {
    s.trim()
        .parse()
        .map_err(|_| format!("{what} {s:?} is not an integer"))
}

/// `date_sent` is 0 or absent when the network did not say.
fn optional_ms(ctx: &Context, s: Option<&str>) -> Result<Option<crate::time::Instant>, Fail> {
    match s.map(str::trim) {
        None | Some("") | Some("0") | Some("null") => Ok(None),
        Some(v) => ctx.utc_ms(int(v, "date_sent")?).map(Some),
    }
}

fn sms(e: &BytesStart<'_>, ctx: &Context) -> Result<Option<Parsed>, Fail> {
    let a = Attrs::of(e, &["type", "date", "date_sent", "body", "address"])?;
    let direction = match int(a.need("type")?, "type")? {
        1 => SmsDirection::Incoming,
        2 => SmsDirection::Outgoing,
        // 3 draft, 4 outbox, 5 failed, 6 queued: never reached the other party.
        3..=6 => return Ok(None),
        t => return Err(format!("unknown SMS type {t}")),
    };
    let received = ctx.utc_ms(int(a.need("date")?, "date")?)?;
    let sent = optional_ms(ctx, a.get("date_sent"))?;
    let body = a.get("body").unwrap_or("").to_string();
    let ev = ctx.sms(a.need("address")?, body, received, sent, direction)?;
    Ok(Some(Parsed::Event(Box::new(ev))))
}

fn call(e: &BytesStart<'_>, ctx: &Context) -> Result<Option<Parsed>, Fail> {
    let a = Attrs::of(e, &["duration", "type", "date", "number"])?;
    let talk = seconds_to_ms(a.get("duration").unwrap_or("0"))?;
    let (direction, talk) = match int(a.need("type")?, "type")? {
        1 | 7 => (CallDirection::Incoming, talk),
        2 => (CallDirection::Outgoing, talk),
        // Voicemail: the caller reached the mailbox, not the person.
        3 | 4 => (CallDirection::Missed, 0),
        5 => (CallDirection::Rejected, 0),
        6 => (CallDirection::Blocked, 0),
        t => return Err(format!("unknown call type {t}")),
    };
    let start = ctx.utc_ms(int(a.need("date")?, "date")?)?;
    let ev = ctx.call(a.need("number")?, direction, start, talk, None)?;
    Ok(Some(Parsed::Event(Box::new(ev))))
}

fn mms_start(e: &BytesStart<'_>, line: u64, byte: u64, end: u64) -> Mms {
    let mut m = Mms {
        line,
        byte,
        end,
        date: None,
        msg_box: None,
        address: None,
        texts: Vec::new(),
        text_bytes: 0,
        from: None,
        error: None,
    };
    match Attrs::of(e, &["date", "msg_box", "address"]) {
        Ok(a) => {
            m.date = a.get("date").map(str::to_string);
            m.msg_box = a.get("msg_box").map(str::to_string);
            m.address = a.get("address").map(str::to_string);
        }
        Err(err) => m.error = Some(err),
    }
    m
}

fn mms_child(m: &mut Mms, e: &BytesStart<'_>) {
    let a = match Attrs::of(e, &["ct", "text", "type", "address"]) {
        Ok(a) => a,
        Err(err) => {
            m.error.get_or_insert(err);
            return;
        }
    };
    match e.local_name().as_ref() {
        "part" if a.get("ct") == Some("text/plain") => {
            if let Some(t) = a.get("text").filter(|t| *t != "null") {
                m.text_bytes += t.len();
                if m.text_bytes > MAX_BODY_BYTES {
                    m.error.get_or_insert(format!(
                        "MMS text of more than {MAX_BODY_BYTES} bytes exceeds the body limit"
                    ));
                } else {
                    m.texts.push(t.to_string());
                }
            }
        }
        // PduHeaders.FROM = 137: the sender of a received MMS.
        "addr" if a.get("type") == Some("137") => {
            m.from = a.get("address").map(str::to_string);
        }
        _ => {}
    }
}

fn mms_finish(m: Mms, ctx: &Context) -> Parsed {
    let (line, byte, end) = (m.line, m.byte, m.end);
    let r = (|| -> Result<Option<Parsed>, Fail> {
        if let Some(e) = m.error {
            return Err(e);
        }
        let direction = match int(
            m.msg_box
                .as_deref()
                .ok_or("missing attribute \"msg_box\"")?,
            "msg_box",
        )? {
            1 => SmsDirection::Incoming,
            2 => SmsDirection::Outgoing,
            3..=5 => return Ok(None),
            b => return Err(format!("unknown MMS msg_box {b}")),
        };
        let date = ctx.utc_ms(int(
            m.date.as_deref().ok_or("missing attribute \"date\"")?,
            "date",
        )?)?;
        let address = match direction {
            SmsDirection::Incoming => m.from.or(m.address),
            SmsDirection::Outgoing => m.address,
        }
        .ok_or("MMS without an address")?;
        // Group messages list several numbers separated by '~'; the first is the other party.
        let number = address.split('~').next().unwrap_or("").to_string();
        let ev = ctx.sms(&number, m.texts.join("\n"), date, None, direction)?;
        Ok(Some(Parsed::Event(Box::new(ev))))
    })();
    one(r, |reason| Malformed {
        line,
        byte,
        end,
        reason,
    })
}

/// Decodes the predefined entities and character references of an attribute value.
///
/// SMS Backup & Restore writes characters outside the BMP (emoji) as two character references
/// to UTF-16 surrogates (`&#55357;&#56832;`), which strict XML forbids; they are joined here.
/// A lone surrogate or `&#0;` becomes U+FFFD. Any other named entity is an error: without a DTD
/// none can be defined.
pub fn unescape(raw: &str) -> Result<Cow<'_, str>, Fail> {
    if !raw.contains('&') {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut high: Option<u32> = None;
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        if i > 0 && high.take().is_some() {
            out.push('\u{FFFD}');
        }
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after
            .find(';')
            .filter(|&e| e <= 12)
            .ok_or_else(|| format!("unterminated entity near {:?}", truncate(after, 16)))?;
        let name = &after[..end];
        rest = &after[end + 1..];
        let code = match name {
            "lt" => '<' as u32,
            "gt" => '>' as u32,
            "amp" => '&' as u32,
            "quot" => '"' as u32,
            "apos" => '\'' as u32,
            n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                .map_err(|_| format!("bad character reference &{n};"))?,
            n if n.starts_with('#') => n[1..]
                .parse()
                .map_err(|_| format!("bad character reference &{n};"))?,
            n => {
                return Err(format!(
                    "entity &{n}; is not defined (document type definitions are refused)"
                ))
            }
        };
        match code {
            0xD800..=0xDBFF => {
                if high.replace(code).is_some() {
                    out.push('\u{FFFD}');
                }
            }
            0xDC00..=0xDFFF => match high.take() {
                Some(h) => {
                    let c = 0x10000 + ((h - 0xD800) << 10) + (code - 0xDC00);
                    out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                }
                None => out.push('\u{FFFD}'),
            },
            _ => {
                if high.take().is_some() {
                    out.push('\u{FFFD}');
                }
                match char::from_u32(code) {
                    Some(c) if code != 0 => out.push(c),
                    Some(_) => out.push('\u{FFFD}'),
                    None => return Err(format!("character reference &{name}; is not a character")),
                }
            }
        }
    }
    if high.is_some() {
        out.push('\u{FFFD}');
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}
