//! Splitting an SMS Backup & Restore file into its markup (tags, end tags, comments, processing
//! instructions) so that one broken piece costs only itself.
//!
//! A pull parser stops at the first syntax error, and an unclosed quote, comment, CDATA section
//! or processing instruction swallows everything after it. This scanner bounds each piece
//! instead: a tag ends at its `>`, and is broken where a `<` that starts markup appears inside it
//! (never valid XML, not even inside a quoted value), so an unterminated quote costs one record;
//! a comment, CDATA section or processing instruction must close within [`MAX_MARKUP`] bytes
//! without containing a tag, else it is broken. A broken piece is reported as a skipped range
//! and reading resumes at the next tag after its start. Bytes that are not UTF-8 are replaced
//! (U+FFFD) and the tag is marked, so the record is kept with a note instead of ending the file.
//! Memory: one tag of at most [`MAX_TAG`] bytes is held; longer ones are skipped as they stream.

use super::window::Window;
use crate::model::MAX_BODY_BYTES;
use std::io::{Read, Result};

/// Longest tag kept: a message body at the size limit with every character escaped as a
/// character reference still fits (an MMS part carries its image in base64, a few MB).
pub(crate) const MAX_TAG: usize = 6 * MAX_BODY_BYTES;

/// Longest comment, CDATA section, processing instruction or declaration.
pub(crate) const MAX_MARKUP: usize = 64 * 1024;

/// One piece of the file.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Item {
    /// `<name ...>` or `<name .../>`: `text` is what lies between `<` and `>` (or `/>`).
    Tag {
        text: String,
        name_len: usize,
        empty: bool,
        /// Some bytes were not UTF-8 and were replaced with U+FFFD.
        lossy: bool,
    },
    /// `</name>`.
    End(String),
    /// `<!DOCTYPE ...>` (its internal subset, if any, comes as further items).
    DocType,
    /// A range that is not read, and why.
    Skip(String),
    Eof,
}

/// An item and the range of the file it covers.
#[derive(Debug)]
pub(crate) struct Scanned {
    pub item: Item,
    /// Byte offset of its start.
    pub byte: u64,
    /// 1-based line of its start.
    pub line: u64,
    /// Byte offset just past its end.
    pub end: u64,
}

pub(crate) struct Scanner<R> {
    w: Window<R>,
}

/// Whether `<` followed by `next` starts markup.
fn starts_markup(next: u8) -> bool {
    next.is_ascii_alphabetic() || matches!(next, b'/' | b'!' | b'?' | b'_' | b':') || next >= 0x80
}

/// Where a piece scanned from the current position ended.
enum End {
    /// It closed: its length, held in the window.
    Closed(usize),
    /// Broken: the skipped range's length (up to the markup that follows, or the input's end).
    Broken(usize, &'static str),
}

impl<R: Read> Scanner<R> {
    pub fn new(input: R) -> Self {
        Scanner {
            w: Window::new(input),
        }
    }

    /// The next item; whitespace between items is passed over.
    pub fn next(&mut self) -> Result<Scanned> {
        loop {
            let (byte, line) = (self.w.offset(), self.w.line());
            let item = self.item()?;
            let end = self.w.offset();
            match item {
                None => continue,
                Some(item) => {
                    return Ok(Scanned {
                        item,
                        byte,
                        line,
                        end,
                    })
                }
            }
        }
    }

    fn item(&mut self) -> Result<Option<Item>> {
        let head = self.w.fill(9)?;
        let Some(&first) = head.first() else {
            return Ok(Some(Item::Eof));
        };
        if first.is_ascii_whitespace() {
            let avail = self.w.avail();
            let n = avail
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(avail.len());
            self.w.advance(n);
            return Ok(None);
        }
        if first != b'<' {
            return Ok(self
                .text()?
                .then(|| Item::Skip("text outside any record".into())));
        }
        if head.starts_with(b"<!--") {
            return self.markup(4, b"--", "comment");
        }
        if head.starts_with(b"<![CDATA[") {
            return self.markup(9, b"]]>", "CDATA section");
        }
        if head.starts_with(b"<?") {
            return self.markup(2, b"?>", "processing instruction");
        }
        let doctype = head.len() >= 9 && head[..9].eq_ignore_ascii_case(b"<!DOCTYPE");
        let declaration = head.starts_with(b"<!");
        let end_tag = head.starts_with(b"</");
        if !(declaration || end_tag || head.len() > 1 && starts_markup(head[1])) {
            // A `<` that starts nothing.
            self.w.advance(1);
            self.skip_to_markup()?;
            return Ok(Some(Item::Skip("'<' that starts no tag".into())));
        }
        let end = self.tag()?;
        if doctype {
            let (End::Closed(len) | End::Broken(len, _)) = end;
            self.w.advance(len);
            return Ok(Some(Item::DocType));
        }
        Ok(Some(match end {
            End::Closed(len) if declaration => {
                self.w.advance(len);
                Item::Skip("markup declaration (<!...>) outside a document type".into())
            }
            End::Closed(len) => {
                let raw = &self.w.avail()[1..len - 1];
                let (raw, empty) = match raw.strip_suffix(b"/") {
                    Some(r) if !end_tag => (r, true),
                    _ => (raw, false),
                };
                let (text, lossy) = match std::str::from_utf8(raw) {
                    Ok(t) => (t.to_string(), false),
                    Err(_) => (String::from_utf8_lossy(raw).into_owned(), true),
                };
                self.w.advance(len);
                if end_tag {
                    Item::End(text[1..].trim().to_string())
                } else {
                    let name_len = text
                        .find(|c: char| c.is_ascii_whitespace())
                        .unwrap_or(text.len());
                    Item::Tag {
                        text,
                        name_len,
                        empty,
                        lossy,
                    }
                }
            }
            End::Broken(len, why) => {
                self.w.advance(len);
                Item::Skip(why.into())
            }
        }))
    }

    /// Passes over text up to the next `<`; true if any of it was not whitespace.
    fn text(&mut self) -> Result<bool> {
        let mut seen = false;
        loop {
            let avail = self.w.avail();
            let len = avail.len();
            let n = memchr::memchr(b'<', avail).unwrap_or(len);
            seen |= !avail[..n].iter().all(u8::is_ascii_whitespace);
            self.w.advance(n);
            if n < len || !self.w.more()? {
                return Ok(seen);
            }
        }
    }

    /// Scans a tag (or end tag, or declaration) from its `<`: it closes at a `>` outside quotes,
    /// and is broken at a `<` that starts markup or at the input's end. Past [`MAX_TAG`] bytes
    /// the scan lets go of the tag.
    fn tag(&mut self) -> Result<End> {
        let mut i = 1;
        let mut quote: Option<u8> = None;
        // Bytes of the tag already passed over (it is too long to keep).
        let mut dropped = 0usize;
        loop {
            if i + 1 >= self.w.avail().len() {
                if dropped > 0 {
                    // Keep one byte: a `<` at the end needs the byte after it.
                    let n = i.saturating_sub(1);
                    self.w.advance(n);
                    dropped += n;
                    i -= n;
                }
                let before = self.w.avail().len();
                self.w.fill(i + 2)?;
                if self.w.avail().len() == before && i >= before {
                    return Ok(self.broken(i, dropped, "tag not closed at the end of the file"));
                }
            }
            let avail = self.w.avail();
            let Some(&b) = avail.get(i) else {
                return Ok(self.broken(i, dropped, "tag not closed at the end of the file"));
            };
            if b == b'<' && quote.is_some() {
                // Inside a value only a record's own markup breaks the tag (a lenient exporter
                // may leave a `<b>` of a message unescaped).
                let ahead = self.w.fill(i + 12)?;
                if starts_record_markup(&ahead[i + 1..]) {
                    return Ok(self.broken(
                        i,
                        dropped,
                        "tag broken by the next record (unclosed quote)",
                    ));
                }
            }
            let avail = self.w.avail();
            match (b, quote) {
                (b'<', Some(_)) => {}
                (b'<', None) if avail.get(i + 1).is_none_or(|&n| starts_markup(n)) => {
                    return Ok(self.broken(
                        i,
                        dropped,
                        "tag broken by the next tag (unclosed quote or '>')",
                    ));
                }
                (b'"' | b'\'', None) => quote = Some(b),
                (q, Some(open)) if q == open => quote = None,
                (b'>', None) => {
                    if dropped > 0 {
                        self.w.advance(i + 1);
                        return Ok(End::Broken(0, "record longer than the tag limit (skipped)"));
                    }
                    return Ok(End::Closed(i + 1));
                }
                _ => {}
            }
            i += 1;
            if dropped == 0 && i > MAX_TAG {
                dropped = 1;
                self.w.advance(i - 1);
                i = 1;
            }
        }
    }

    /// A broken tag at `i`; when part of it was already passed over, the rest is passed now.
    fn broken(&mut self, i: usize, dropped: usize, why: &'static str) -> End {
        if dropped > 0 {
            self.w.advance(i);
            End::Broken(
                0,
                "record longer than the tag limit, and not closed (skipped)",
            )
        } else {
            End::Broken(i, why)
        }
    }

    /// A comment, CDATA section or processing instruction: `open` bytes, then content up to
    /// `close`. Ignored when whole; reported as skipped when broken (see the module doc).
    fn markup(&mut self, open: usize, close: &[u8], what: &str) -> Result<Option<Item>> {
        let comment = close == b"--";
        let mut from = open;
        loop {
            let avail = self.w.avail();
            if let Some(k) = memchr::memmem::find(&avail[from..], close).map(|k| from + k) {
                let end = k + close.len();
                if comment && avail.len() <= end {
                    if self.w.more()? {
                        continue;
                    }
                } else {
                    let whole = if comment {
                        avail[end] == b'>'
                    } else {
                        !has_markup(&avail[open..k])
                    };
                    if whole {
                        self.w.advance(end + usize::from(comment));
                        return Ok(None);
                    }
                }
                return self.resync(what);
            }
            from = avail.len().saturating_sub(close.len()).max(open);
            if avail.len() > MAX_MARKUP || !self.w.more()? {
                return self.resync(what);
            }
        }
    }

    /// Skips a broken comment, CDATA section or processing instruction: up to the first tag
    /// after its start when one is held, else up to the next one in the input.
    fn resync(&mut self, what: &str) -> Result<Option<Item>> {
        let avail = self.w.avail();
        match next_markup(&avail[1..]) {
            Some(k) => self.w.advance(k + 1),
            None => {
                self.w.advance(avail.len());
                self.skip_to_markup()?;
            }
        }
        Ok(Some(Item::Skip(format!(
            "{what} not closed before the next tag"
        ))))
    }

    /// Passes over bytes up to the next `<` that starts markup, or the input's end.
    fn skip_to_markup(&mut self) -> Result<()> {
        loop {
            let avail = self.w.avail();
            if let Some(k) = next_markup(avail) {
                self.w.advance(k);
                return Ok(());
            }
            // Keep a trailing `<`: the byte after it decides.
            let keep = usize::from(avail.last() == Some(&b'<'));
            self.w.advance(avail.len() - keep);
            if !self.w.more()? {
                self.w.advance(keep);
                return Ok(());
            }
        }
    }
}

/// Whether `s` (what follows a `<`) starts an SMS Backup & Restore element, its end tag, a
/// comment or a processing instruction.
fn starts_record_markup(s: &[u8]) -> bool {
    if s.starts_with(b"!--") || s.starts_with(b"?") {
        return true;
    }
    let s = s.strip_prefix(b"/").unwrap_or(s);
    const NAMES: [&[u8]; 9] = [
        b"smses", b"sms", b"mms", b"calls", b"call", b"parts", b"part", b"addrs", b"addr",
    ];
    NAMES.iter().any(|n| {
        s.starts_with(n)
            && s.get(n.len())
                .is_none_or(|&c| c.is_ascii_whitespace() || c == b'/' || c == b'>')
    })
}

/// Position of the first `<` in `s` that starts markup.
fn next_markup(s: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'<', s).find(|&k| s.get(k + 1).is_some_and(|&n| starts_markup(n)))
}

fn has_markup(s: &[u8]) -> bool {
    next_markup(s).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(s: &[u8]) -> Vec<(Item, u64, u64, u64)> {
        let mut sc = Scanner::new(s);
        let mut out = Vec::new();
        loop {
            let x = sc.next().unwrap();
            if x.item == Item::Eof {
                return out;
            }
            out.push((x.item, x.byte, x.line, x.end));
        }
    }

    fn tag(text: &str, empty: bool) -> Item {
        Item::Tag {
            text: text.into(),
            name_len: text.find(' ').unwrap_or(text.len()),
            empty,
            lossy: false,
        }
    }

    #[test]
    fn splits_a_well_formed_file() {
        let f = b"<?xml version='1.0'?>\n<!-- by SMS Backup -->\n<smses a=\"1\">\n <sms b=\"x>y\" />\n</smses>\n";
        let got = items(f);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0].0, tag("smses a=\"1\"", false));
        assert_eq!(got[1].0, tag("sms b=\"x>y\" ", true));
        assert_eq!((got[1].1, got[1].2), (60, 4));
        assert_eq!(got[2].0, Item::End("smses".into()));
    }

    #[test]
    fn an_unclosed_quote_costs_one_record() {
        let f = b"<smses>\n<sms a=\"1 b=\"2\" />\n<sms a=\"3\" />\n</smses>";
        let got = items(f);
        assert!(matches!(got[1].0, Item::Skip(_)), "{got:?}");
        assert_eq!((got[1].1, got[1].3), (8, 27));
        assert_eq!(got[2].0, tag("sms a=\"3\" ", true));
    }

    #[test]
    fn unclosed_comment_cdata_and_pi_resume_at_the_next_tag() {
        for open in ["<!-- note", "<![CDATA[ x", "<?pi x", "<!ELEMENT x", "< 3"] {
            let f = format!("<smses>\n{open}\n<sms a=\"1\" />\n</smses>");
            let got = items(f.as_bytes());
            assert!(matches!(got[1].0, Item::Skip(_)), "{open}: {got:?}");
            assert_eq!(got[1].2, 2, "{open}");
            assert_eq!(got[2].0, tag("sms a=\"1\" ", true), "{open}");
        }
    }

    #[test]
    fn markup_inside_a_value_breaks_the_tag_only_if_it_is_a_record() {
        let got = items(
            b"<smses><sms body=\"a <b>bold</b> < 3\" /><sms body=\"x /><sms a=\"1\" /></smses>",
        );
        assert_eq!(
            got[1].0,
            tag("sms body=\"a <b>bold</b> < 3\" ", true),
            "{got:?}"
        );
        assert!(matches!(got[2].0, Item::Skip(_)), "{got:?}");
        assert_eq!(got[3].0, tag("sms a=\"1\" ", true), "{got:?}");
    }

    #[test]
    fn a_later_comment_does_not_close_an_earlier_one() {
        let f = b"<smses><!-- a\n<sms a=\"1\" />\n<!-- b --></smses>";
        let got = items(f);
        assert_eq!(got[2].0, tag("sms a=\"1\" ", true), "{got:?}");
    }

    #[test]
    fn bytes_that_are_not_utf8_keep_the_tag() {
        let got = items(b"<smses><sms a=\"\xF0\x9F\" b=\"2\" /></smses>");
        match &got[1].0 {
            Item::Tag { text, lossy, .. } => {
                assert!(*lossy);
                assert_eq!(text, "sms a=\"\u{FFFD}\" b=\"2\" ");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn text_outside_records_is_reported() {
        let got = items(b"<smses> junk <sms/></smses>");
        assert_eq!(got[1].0, Item::Skip("text outside any record".into()));
        assert_eq!((got[1].1, got[1].3), (8, 13));
    }
}
