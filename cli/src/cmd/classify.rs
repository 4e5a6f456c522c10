//! `dunwatch classify`: classify messages given as JSON Lines, one result line per input line.
//!
//! Streams: lines are read in chunks, each chunk is classified on one of `--threads` worker
//! threads and the results are written in input order; a fixed number of chunks is in flight,
//! so memory stays flat however long the input is. A line longer than [`MAX_LINE`] is dropped
//! as it streams and reported. A malformed line gives an error object with its line number and
//! the run goes on.
//!
//! Each line may carry its reading context: `"sender_known_collector": true` (optionally with
//! `"reason": "sender is in case 速借花"`) and `"role": "third_party"`.

use anyhow::Context as _;
use dunwatch_core::classify::{Classification, Classifier, Context, Model, Role, Span};
use dunwatch_core::limits::MAX_LINE;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod json_str;
use json_str::{needs_escape, string_end};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// JSON Lines input, each {"id": ..., "text": ..., "sender": ...} (sender optional; context
    /// optional: "sender_known_collector": true, "reason": "...", "role": "third_party").
    /// Default: standard input.
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Use this lexicon file (TOML) instead of the builtin one.
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    /// Use this model weights file instead of the builtin one (see docs/ACCURACY.md).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Read with the lexicon alone (no model).
    #[arg(long, conflicts_with = "model")]
    pub no_model: bool,
    /// Worker threads (default: the number of CPUs, at most 8). Output order is input order
    /// whatever the number.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,
}

#[derive(Deserialize)]
struct InputLine<'a> {
    #[serde(borrow)]
    id: Option<IdRef<'a>>,
    #[serde(borrow)]
    text: Cow<'a, str>,
    #[serde(borrow, default)]
    sender: Option<Cow<'a, str>>,
    #[serde(default)]
    sender_known_collector: bool,
    /// Why the sender is a known collector (shown in the explanation).
    #[serde(borrow, default)]
    reason: Option<Cow<'a, str>>,
    #[serde(default)]
    role: Role,
}

/// Ids may be strings or numbers; they are echoed as given.
#[derive(Debug, PartialEq)]
enum IdRef<'a> {
    Str(Cow<'a, str>),
    Num(serde_json::Number),
}

/// What `#[serde(untagged)]` says of an id that is neither a string nor a number.
const ID_MISMATCH: &str = "data did not match any variant of untagged enum IdRef";

impl<'de: 'a, 'a> Deserialize<'de> for IdRef<'a> {
    /// By hand: `#[serde(untagged)]` buffers every id into serde's `Content` before trying each
    /// variant (3% of a run). Any other value is read whole, then refused with the untagged
    /// enum's error from here, outside serde_json's `deserialize_any`, so that serde_json
    /// gives it the same position as before and error lines stay byte for byte the same.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IdVisitor)?
            .ok_or_else(|| de::Error::custom(ID_MISMATCH))
    }
}

/// Reads an id: `Some` for a string or a number, `None` (after reading it all) for the rest.
struct IdVisitor;

impl<'de> Visitor<'de> for IdVisitor {
    type Value = Option<IdRef<'de>>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Some(IdRef::Str(Cow::Borrowed(s))))
    }

    /// A string with escapes, unescaped into serde_json's scratch space.
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Some(IdRef::Str(Cow::Owned(s.to_owned()))))
    }

    // Numbers become the `serde_json::Number` the untagged enum held, so they print the same.
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
        Ok(Some(IdRef::Num(n.into())))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
        Ok(Some(IdRef::Num(n.into())))
    }

    /// `None` for a non-finite float, which `serde_json::Number` refuses too.
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(n).map(IdRef::Num))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    /// Read element by element as `Content` was (not skipped: serde_json's skipping checks
    /// less, and a number out of range must still be an error).
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<serde_json::Value>()?.is_some() {}
        Ok(None)
    }

    /// Read entry by entry, as [`Self::visit_seq`].
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map
            .next_entry::<serde_json::Value, serde_json::Value>()?
            .is_some()
        {}
        Ok(None)
    }
}

impl Serialize for IdRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            IdRef::Str(t) => s.serialize_str(t),
            IdRef::Num(n) => n.serialize(s),
        }
    }
}

#[derive(Serialize)]
struct Explanation<'a> {
    rule: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    flag: Option<&'static str>,
    weight: f32,
    words: &'a [String],
    spans: &'a [Span],
}

/// A result line. Written by [`OutputLine::write`]; the derived `Serialize`, which wrote it
/// before, is the test's reference for the two being the same.
#[derive(Serialize)]
struct OutputLine<'a> {
    id: &'a Option<IdRef<'a>>,
    collection: bool,
    flags: Vec<&'static str>,
    score: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    creditor: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    callback_numbers: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<&'a str>,
    explanations: Vec<Explanation<'a>>,
}

impl OutputLine<'_> {
    /// Writes the line as JSON, as the derived `Serialize` does, but with the keys written as
    /// the constants they are: through serde, key by key, writing lines was 5% of a run. So
    /// are the common values (an id string with nothing to escape, `null`, the flags, a score
    /// of 0, no explanations), as serde_json writes them; the others go through serde_json.
    fn write(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(b"{\"id\":");
        match self.id {
            Some(IdRef::Str(s)) => write_str(out, s)?,
            None => out.extend_from_slice(b"null"),
            id => serde_json::to_writer(&mut *out, id)?,
        }
        out.extend_from_slice(match self.collection {
            true => b",\"collection\":true,\"flags\":[",
            false => b",\"collection\":false,\"flags\":[",
        });
        for (i, flag) in self.flags.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_str(out, flag)?;
        }
        out.extend_from_slice(b"],\"score\":");
        // Only +0.0: serde_json writes -0.0 as `-0.0`.
        if self.score.to_bits() == 0 {
            out.extend_from_slice(b"0.0");
        } else {
            serde_json::to_writer(&mut *out, &self.score)?;
        }
        if let Some(creditor) = self.creditor {
            out.extend_from_slice(b",\"creditor\":");
            serde_json::to_writer(&mut *out, creditor)?;
        }
        if !self.callback_numbers.is_empty() {
            out.extend_from_slice(b",\"callback_numbers\":");
            serde_json::to_writer(&mut *out, self.callback_numbers)?;
        }
        if let Some(context) = self.context {
            out.extend_from_slice(b",\"context\":");
            serde_json::to_writer(&mut *out, context)?;
        }
        if self.explanations.is_empty() {
            out.extend_from_slice(b",\"explanations\":[]}");
        } else {
            out.extend_from_slice(b",\"explanations\":");
            serde_json::to_writer(&mut *out, &self.explanations)?;
            out.push(b'}');
        }
        Ok(())
    }
}

/// Writes `s` as a JSON string: as is between quotes when serde_json would escape none of its
/// bytes, else through serde_json.
fn write_str(out: &mut Vec<u8>, s: &str) -> serde_json::Result<()> {
    if needs_escape(s.as_bytes()) {
        return serde_json::to_writer(&mut *out, s);
    }
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
    Ok(())
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    line: u64,
    error: &'a str,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let owned;
    let classifier: &Classifier = if a.lexicon.is_none() && a.model.is_none() && !a.no_model {
        Classifier::builtin()
    } else {
        let c = match &a.lexicon {
            Some(p) => Classifier::from_file(p)?,
            None => Classifier::builtin_lexicon_only().with_model(Classifier::builtin_model()),
        };
        let model = match (&a.model, a.no_model) {
            (Some(p), _) => Some(std::sync::Arc::new(
                Model::from_file(p).map_err(anyhow::Error::msg)?,
            )),
            (None, true) => None,
            (None, false) => Classifier::builtin_model(),
        };
        owned = c.with_model(model);
        &owned
    };
    let input: Box<dyn BufRead> = match &a.input {
        Some(p) => Box::new(BufReader::with_capacity(
            1 << 16,
            File::open(p).with_context(|| format!("cannot open {}", p.display()))?,
        )),
        None => Box::new(BufReader::with_capacity(1 << 16, io::stdin().lock())),
    };
    let stdout = io::stdout().lock();
    let mut out = BufWriter::with_capacity(1 << 16, stdout);
    let threads = a
        .threads
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(8)));
    let errors = classify_stream(classifier, input, &mut out, threads)?;
    out.flush()?;
    // On stderr, so stdout stays pure JSON Lines.
    eprintln!(
        "dunwatch classify: lexicon {}; {errors} malformed line(s){}",
        classifier.describe(),
        if errors > 0 { ", reported inline" } else { "" }
    );
    Ok(ExitCode::SUCCESS)
}

/// Lines per chunk handed to a worker, and the bytes after which a chunk is closed early.
const CHUNK_LINES: usize = 2048;
const CHUNK_BYTES: usize = 1 << 18;

/// A run of input lines: the text of each (empty when it was too long) and where it starts.
#[derive(Default)]
struct Chunk {
    first_line: u64,
    data: Vec<u8>,
    /// Per line: end offset in `data`, and whether the line was over the cap.
    lines: Vec<(usize, bool)>,
}

/// Reads the next chunk; `None` at the end of the input. Lines are split straight out of the
/// reader's buffer and copied once (reading each into a line of its own first cost a loop, a
/// dynamic call and a second copy per line).
fn read_chunk(
    input: &mut impl BufRead,
    first_line: u64,
    mut c: Chunk,
) -> io::Result<Option<Chunk>> {
    c.first_line = first_line;
    c.data.clear();
    c.lines.clear();
    let mut over = false;
    loop {
        let buf = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            // The last line, with no newline.
            if over || c.data.len() > c.line_start() {
                c.end_line(&mut over);
            }
            break;
        }
        let (used, full) = c.take_lines(buf, &mut over);
        input.consume(used);
        if full {
            break;
        }
    }
    Ok((!c.lines.is_empty()).then_some(c))
}

impl Chunk {
    /// Where the line being read starts in `data` (the lines before it are complete).
    fn line_start(&self) -> usize {
        self.lines.last().map_or(0, |&(end, _)| end)
    }

    /// Closed early, after a whole line, so that chunks stay small.
    fn is_full(&self) -> bool {
        self.lines.len() >= CHUNK_LINES || self.data.len() >= CHUNK_BYTES
    }

    /// Takes the lines of `buf` until the chunk is full, and then the start of a line that
    /// goes on past `buf`; returns how many bytes it took and whether the chunk is full.
    /// `over`: the line being read is over the cap (carried from one buffer to the next).
    fn take_lines(&mut self, buf: &[u8], over: &mut bool) -> (usize, bool) {
        let mut used = 0;
        for newline in memchr::memchr_iter(b'\n', buf) {
            self.append(&buf[used..=newline], over);
            self.end_line(over);
            used = newline + 1;
            if self.is_full() {
                return (used, true);
            }
        }
        self.append(&buf[used..], over);
        (buf.len(), false)
    }

    /// Adds a piece of the line being read, or drops the line once it is longer than
    /// [`MAX_LINE`] with its line end, as `read_line_capped` counts: memory stays bounded
    /// however long a line is.
    fn append(&mut self, piece: &[u8], over: &mut bool) {
        if *over {
            return;
        }
        let start = self.line_start();
        if self.data.len() - start + piece.len() <= MAX_LINE {
            self.data.extend_from_slice(piece);
        } else {
            *over = true;
            self.data.truncate(start);
        }
    }

    /// Closes the line being read: its line end (LF or CR LF) cut off, or marked too long.
    fn end_line(&mut self, over: &mut bool) {
        let start = self.line_start();
        let len = trim_line_end(&self.data[start..]).len();
        self.data.truncate(start + len);
        self.lines.push((self.data.len(), *over));
        *over = false;
    }
}

/// Classifies a chunk into `out` (one line each, with its newline); returns the malformed count.
fn classify_chunk(classifier: &Classifier, c: &Chunk, out: &mut Vec<u8>) -> io::Result<u64> {
    let mut errors = 0;
    let mut start = 0;
    // UTF-8 checked once for the whole chunk, with SIMD: line by line (serde_json checking
    // each string) it was 4% of a run, a short check costing much more per byte than a long.
    let text = simdutf8::basic::from_utf8(&c.data).ok();
    for (i, &(end, too_long)) in c.lines.iter().enumerate() {
        let line = &c.data[start..end];
        // A line of a UTF-8 chunk is UTF-8 unless it ends or starts inside a character.
        let utf8 = match text {
            Some(t) => t.get(start..end),
            None => std::str::from_utf8(line).ok(),
        };
        start = end;
        let mark = out.len();
        let result = if too_long {
            Err(format!("line longer than {MAX_LINE} bytes (not read)"))
        } else {
            classify_line(classifier, line, utf8, out)
        };
        if let Err(msg) = result {
            errors += 1;
            out.truncate(mark);
            serde_json::to_writer(
                &mut *out,
                &ErrorLine {
                    line: c.first_line + i as u64,
                    error: &msg,
                },
            )?;
        }
        out.push(b'\n');
    }
    Ok(errors)
}

/// Classifies every line of `input` into `out` on `threads` workers; returns how many lines
/// were malformed. This thread reads chunks and writes the results in input order, the
/// workers classify. At most `2 × threads` chunks are read ahead of the
/// output, so memory is bounded; an error writing stops the reading.
pub fn classify_stream(
    classifier: &Classifier,
    mut input: impl BufRead,
    out: &mut impl Write,
    threads: usize,
) -> io::Result<u64> {
    if threads <= 1 {
        let mut errors = 0;
        let mut line_no = 1;
        let mut chunk = Chunk::default();
        let mut buf = Vec::with_capacity(1 << 16);
        while let Some(c) = read_chunk(&mut input, line_no, chunk)? {
            buf.clear();
            errors += classify_chunk(classifier, &c, &mut buf)?;
            out.write_all(&buf)?;
            line_no += c.lines.len() as u64;
            chunk = c;
        }
        return Ok(errors);
    }
    use std::sync::mpsc::{channel, Receiver};
    use std::sync::Mutex;
    type Done = (u64, Chunk, io::Result<(Vec<u8>, u64)>);
    let (work_tx, work_rx) = channel::<(u64, Chunk)>();
    let work_rx: Mutex<Receiver<(u64, Chunk)>> = Mutex::new(work_rx);
    let (done_tx, done_rx) = channel::<Done>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            scope.spawn(move || loop {
                let next = work_rx.lock().map(|rx| rx.recv());
                let Ok(Ok((seq, c))) = next else { break };
                let mut buf = Vec::with_capacity(1 << 16);
                let r = classify_chunk(classifier, &c, &mut buf).map(|e| (buf, e));
                if done_tx.send((seq, c, r)).is_err() {
                    break;
                }
            });
        }
        drop(done_tx);
        // Chunks not in flight, to be filled; when none is left, wait for output.
        let mut free: Vec<Chunk> = (0..2 * threads).map(|_| Chunk::default()).collect();
        let mut pending = std::collections::BTreeMap::new();
        let (mut line_no, mut sent, mut written, mut errors) = (1u64, 0u64, 0u64, 0u64);
        let (mut at_end, mut read_err) = (false, None);
        let result = loop {
            while !at_end {
                let Some(chunk) = free.pop() else { break };
                match read_chunk(&mut input, line_no, chunk) {
                    Ok(Some(c)) => {
                        line_no += c.lines.len() as u64;
                        work_tx.send((sent, c)).expect("workers outlive the sender");
                        sent += 1;
                    }
                    Ok(None) => at_end = true,
                    // What was read before is still written, then the error is returned.
                    Err(e) => (at_end, read_err) = (true, Some(e)),
                }
            }
            if written == sent {
                break read_err.map_or(Ok(errors), Err);
            }
            let (seq, c, r) = done_rx.recv().expect("a chunk in flight comes back");
            pending.insert(seq, (c, r));
            let mut failed = None;
            while let Some((c, r)) = pending.remove(&written) {
                match r.and_then(|(buf, e)| out.write_all(&buf).map(|()| e)) {
                    Ok(e) => errors += e,
                    Err(e) => failed = Some(e),
                }
                written += 1;
                free.push(c);
                if failed.is_some() {
                    break;
                }
            }
            if let Some(e) = failed {
                break Err(e);
            }
        };
        // Workers stop when the queue is closed (after finishing what is queued).
        drop(work_tx);
        result
    })
}

fn trim_line_end(b: &[u8]) -> &[u8] {
    let b = b.strip_suffix(b"\n").unwrap_or(b);
    b.strip_suffix(b"\r").unwrap_or(b)
}

/// Parses a line, given as a `str` when it is UTF-8 (checked with its chunk): serde_json then
/// does not check the UTF-8 of each string again, as it does parsing bytes.
fn parse_line<'a>(line: &'a [u8], utf8: Option<&'a str>) -> Result<InputLine<'a>, String> {
    match utf8 {
        Some(text) => match parse_plain(text) {
            Some(msg) => Ok(msg),
            None => serde_json::from_str(text).map_err(|e| format!("bad JSON: {e}")),
        },
        None => parse_not_utf8(line),
    }
}

/// The common line, parsed by hand (serde_json's parsing of it was 10% of a run): an object
/// of `id` (a string or null), `text`, `sender` (a string or null) and
/// `sender_known_collector`, each at most once, in any order and spacing, with no string
/// holding an escape or a control character. `None` for any other line, which serde_json then
/// parses, or reports, as before; a line this accepts, serde_json reads to the same value.
fn parse_plain(line: &str) -> Option<InputLine<'_>> {
    enum Key {
        Id,
        Text,
        Sender,
        Collector,
    }
    let b = line.as_bytes();
    let (mut id, mut text, mut sender, mut collector) = (None, None, None, None);
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    loop {
        i = skip_ws(b, i + 1);
        let rest = b.get(i..)?;
        // Keys with their closing quote, so that `sender` is no prefix of a longer key.
        let (key, len) = if rest.starts_with(b"\"id\"") {
            (Key::Id, 4)
        } else if rest.starts_with(b"\"text\"") {
            (Key::Text, 6)
        } else if rest.starts_with(b"\"sender\"") {
            (Key::Sender, 8)
        } else if rest.starts_with(b"\"sender_known_collector\"") {
            (Key::Collector, 24)
        } else {
            return None;
        };
        i = skip_ws(b, i + len);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(b, i + 1);
        match key {
            Key::Id if id.is_none() => {
                let (v, end) = plain_str_or_null(line, i)?;
                id = Some(v.map(|s| IdRef::Str(Cow::Borrowed(s))));
                i = end;
            }
            Key::Text if text.is_none() => {
                let (v, end) = plain_str(line, i)?;
                text = Some(v);
                i = end;
            }
            Key::Sender if sender.is_none() => {
                let (v, end) = plain_str_or_null(line, i)?;
                sender = Some(v.map(Cow::Borrowed));
                i = end;
            }
            Key::Collector if collector.is_none() => {
                let rest = &b[i..];
                let (v, len) = if rest.starts_with(b"true") {
                    (true, 4)
                } else if rest.starts_with(b"false") {
                    (false, 5)
                } else {
                    return None;
                };
                collector = Some(v);
                i += len;
            }
            // A key given twice, which serde refuses.
            _ => return None,
        }
        i = skip_ws(b, i);
        match b.get(i) {
            Some(b',') => {}
            Some(b'}') => break,
            _ => return None,
        }
    }
    if skip_ws(b, i + 1) != b.len() {
        return None;
    }
    Some(InputLine {
        id: id.flatten(),
        text: Cow::Borrowed(text?),
        sender: sender.flatten(),
        sender_known_collector: collector.unwrap_or(false),
        reason: None,
        role: Role::Borrower,
    })
}

/// The index of the first byte from `i` on that is not JSON whitespace.
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = b.get(i) {
        i += 1;
    }
    i
}

/// The string starting at `line[i]` (its opening quote), and the index after it; `None` if
/// there is no string there or it holds an escape or a control character.
fn plain_str(line: &str, i: usize) -> Option<(&str, usize)> {
    let b = line.as_bytes();
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let end = string_end(b, i + 1)?;
    // Both ends are at ASCII quotes, so on character boundaries.
    Some((line.get(i + 1..end)?, end + 1))
}

/// As [`plain_str`], and `null` as `None`.
fn plain_str_or_null(line: &str, i: usize) -> Option<(Option<&str>, usize)> {
    if line.as_bytes()[i..].starts_with(b"null") {
        return Some((None, i + 4));
    }
    plain_str(line, i).map(|(s, end)| (Some(s), end))
}

/// A line that is not UTF-8 can still be read: serde_json skips a field it does not know
/// without checking its UTF-8. So it is parsed as bytes, as it always was, and when that
/// fails the error is the UTF-8 one.
#[cold]
fn parse_not_utf8(line: &[u8]) -> Result<InputLine<'_>, String> {
    serde_json::from_slice(line).map_err(|e| match std::str::from_utf8(line) {
        Err(u) => format!("not UTF-8: {u}"),
        Ok(_) => format!("bad JSON: {e}"),
    })
}

/// Writes the result for one line (without the newline), or says why the line is malformed.
/// `utf8`: the line as a `str`, if it is UTF-8.
fn classify_line(
    classifier: &Classifier,
    line: &[u8],
    utf8: Option<&str>,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Err("empty line".into());
    }
    let msg = parse_line(line, utf8)?;
    let r: Classification = if msg.sender_known_collector || msg.role != Role::Borrower {
        let ctx = Context {
            known_collector: msg.sender_known_collector.then(|| {
                msg.reason
                    .as_deref()
                    .unwrap_or("sender is a known collector (given on input)")
                    .to_string()
            }),
            role: msg.role,
        };
        classifier.classify_with(&msg.text, msg.sender.as_deref(), &ctx)
    } else {
        classifier.classify(&msg.text, msg.sender.as_deref())
    };
    output_line(&msg.id, &r)
        .write(out)
        .map_err(|e| format!("cannot write: {e}"))
}

/// The result line for a classification. Nothing is collected for the common result, with no
/// signal and no flag (collecting nothing was still about 1% of a run).
fn output_line<'a>(id: &'a Option<IdRef<'a>>, r: &'a Classification) -> OutputLine<'a> {
    let (mut explanations, mut flags) = (Vec::new(), Vec::new());
    if !r.signals.is_empty() {
        explanations = r
            .signals
            .iter()
            .map(|s| Explanation {
                rule: &s.rule,
                flag: s.flag.filter(|_| r.collection).map(|f| f.name()),
                weight: s.weight,
                words: &s.words,
                spans: &s.spans,
            })
            .collect();
    }
    if !r.flags.is_empty() {
        flags = r.flag_set().into_iter().map(|f| f.name()).collect();
    }
    // Flags the context raised (on a third party's phone) have no signal of their own.
    for h in r.flags.iter().filter(|h| h.rule.starts_with("context.")) {
        explanations.push(Explanation {
            rule: &h.rule,
            flag: Some(h.flag.name()),
            weight: 0.0,
            words: &h.words,
            spans: &h.spans,
        });
    }
    OutputLine {
        id,
        collection: r.collection,
        flags,
        score: (r.score * 100.0).round() / 100.0,
        creditor: r.creditor.as_deref(),
        callback_numbers: &r.callback_numbers,
        context: r.context.as_deref(),
        explanations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_on(input: &str) -> (Vec<serde_json::Value>, u64) {
        let mut out = Vec::new();
        let errors = classify_stream(Classifier::builtin(), input.as_bytes(), &mut out, 1).unwrap();
        let lines = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (lines, errors)
    }

    #[test]
    fn one_output_line_per_input_line_in_order() {
        let input = concat!(
            "{\"id\":\"a\",\"text\":\"您的借款已逾期3天，请尽快还款，否则爆通讯录\"}\n",
            "not json\n",
            "{\"id\":7,\"text\":\"see you at lunch\",\"sender\":\"+6591234567\"}\r\n",
            "\n",
            "{\"text\":\"no id here\"}"
        );
        let (lines, errors) = run_on(input);
        assert_eq!(lines.len(), 5);
        assert_eq!(errors, 2);
        assert_eq!(lines[0]["id"], "a");
        assert_eq!(lines[0]["collection"], true);
        assert_eq!(lines[0]["flags"], serde_json::json!(["exposure"]));
        assert!(lines[0]["explanations"].as_array().unwrap().len() >= 2);
        assert_eq!(lines[1]["line"], 2);
        assert!(lines[1]["error"].as_str().unwrap().contains("bad JSON"));
        assert_eq!(lines[2]["id"], 7);
        assert_eq!(lines[2]["collection"], false);
        assert_eq!(lines[3]["line"], 4);
        assert_eq!(lines[4]["id"], serde_json::Value::Null);
    }

    /// A line that is not UTF-8 (inside a string or outside one) is reported as such, with its
    /// number, and the lines after it are read.
    #[test]
    fn a_line_that_is_not_utf8_is_reported_and_the_rest_read() {
        let input: &[u8] =
            b"{\"id\":1,\"text\":\"\xff\xfe\"}\n\xff{}\n{\"id\":3,\"text\":\"ok\"}\n";
        let mut out = Vec::new();
        let errors = classify_stream(Classifier::builtin(), input, &mut out, 1).unwrap();
        let lines: Vec<serde_json::Value> = (String::from_utf8(out).unwrap().lines())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(errors, 2);
        for (i, l) in lines[..2].iter().enumerate() {
            assert_eq!(l["line"], i as u64 + 1);
            assert!(l["error"].as_str().unwrap().starts_with("not UTF-8"), "{l}");
        }
        assert_eq!(lines[2]["id"], 3);
    }

    /// Chunks go to several workers and come back in any order: the output is the same bytes
    /// as on one thread, line numbers of errors included, over many chunks.
    #[test]
    fn any_number_of_threads_gives_the_same_output_in_input_order() {
        let n = 3 * CHUNK_LINES + 17;
        let mut input = String::new();
        for i in 0..n {
            match i % 7 {
                0 => input.push_str("not json\n"),
                1 => input.push_str(&format!(
                    "{{\"id\":{i},\"text\":\"您的借款已逾期{i}天，请尽快还款，否则爆通讯录\"}}\n"
                )),
                2 => input.push('\n'),
                3 => input.push_str(&format!(
                    "{{\"id\":{i},\"text\":\"你这种人渣\",\"sender_known_collector\":true}}\n"
                )),
                _ => input.push_str(&format!(
                    "{{\"id\":\"m{i}\",\"text\":\"see you at {i}\"}}\n"
                )),
            }
        }
        let run = |threads| {
            let mut out = Vec::new();
            let e = classify_stream(Classifier::builtin(), input.as_bytes(), &mut out, threads);
            (out, e.unwrap())
        };
        let (one, errors) = run(1);
        assert_eq!(
            errors as usize,
            (0..n).filter(|i| i % 7 == 0 || i % 7 == 2).count()
        );
        assert_eq!(one.iter().filter(|&&b| b == b'\n').count(), n);
        // The last "not json" line is reported with its own line number.
        let i = (0..n).rev().find(|i| i % 7 == 0).unwrap();
        let text = String::from_utf8(one.clone()).unwrap();
        let v: serde_json::Value = serde_json::from_str(text.lines().nth(i).unwrap()).unwrap();
        assert_eq!(v["line"], i + 1);
        for threads in [2, 3, 8] {
            assert!(run(threads) == (one.clone(), errors), "{threads} threads");
        }
    }

    /// A write error (a closed pipe) stops the run with that error, whatever the threads.
    #[test]
    fn a_write_error_stops_the_run() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let input = "{\"text\":\"hi\"}\n".repeat(5 * CHUNK_LINES);
        for threads in [1, 4] {
            let e = classify_stream(
                Classifier::builtin(),
                input.as_bytes(),
                &mut Broken,
                threads,
            );
            assert_eq!(e.unwrap_err().kind(), io::ErrorKind::BrokenPipe);
        }
    }

    #[test]
    fn bad_lexicon_or_input_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let lex = dir.path().join("lex.toml");
        std::fs::write(&lex, "[meta]\nversion = \"x\"\n").unwrap();
        let e = run(Args {
            input: None,
            lexicon: Some(lex),
            model: None,
            no_model: false,
            threads: None,
        })
        .unwrap_err();
        let e = format!("{e:#}");
        assert!(
            e.contains("lex.toml") && e.contains("collection_threshold"),
            "{e}"
        );
        let e = run(Args {
            input: Some(dir.path().join("missing.jsonl")),
            lexicon: None,
            model: None,
            no_model: false,
            threads: None,
        })
        .unwrap_err();
        let e = format!("{e:#}");
        assert!(
            e.contains("cannot open") && e.contains("missing.jsonl"),
            "{e}"
        );
    }

    /// Finding 6 of issue 17: input with no newline grew until the allocator aborted. A line
    /// over the cap is dropped as it streams and reported; the next line is read.
    #[test]
    fn a_line_over_the_cap_is_an_error_line_and_the_next_is_read() {
        let mut input = vec![b'a'; MAX_LINE + 10];
        input.extend_from_slice(b"\n{\"id\":2,\"text\":\"hi\"}\n");
        let mut out = Vec::new();
        let errors = classify_stream(Classifier::builtin(), &input[..], &mut out, 3).unwrap();
        assert_eq!(errors, 1);
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert!(lines[0]["error"].as_str().unwrap().contains("longer than"));
        assert_eq!(lines[1]["id"], 2);
    }

    #[test]
    fn an_endless_lexicon_is_refused() {
        let e = run(Args {
            input: None,
            lexicon: Some("/dev/zero".into()),
            model: None,
            no_model: false,
            threads: None,
        })
        .unwrap_err();
        let e = format!("{e:#}");
        assert!(e.contains("/dev/zero") && e.contains("larger than"), "{e}");
    }

    #[test]
    fn bad_model_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("bad.dwm");
        std::fs::write(&m, b"DWMODEL1\xff\xff\xff\xff").unwrap();
        let e = run(Args {
            input: None,
            lexicon: None,
            model: Some(m),
            no_model: false,
            threads: None,
        })
        .unwrap_err();
        let e = format!("{e:#}");
        assert!(e.contains("bad.dwm") && e.contains("model"), "{e}");
    }

    #[test]
    fn context_per_line() {
        let input = concat!(
            "{\"id\":1,\"text\":\"你这种人渣连狗都不如。\"}\n",
            "{\"id\":2,\"text\":\"你这种人渣连狗都不如。\",\"sender_known_collector\":true,",
            "\"reason\":\"sender is in case 速借花\"}\n",
            "{\"id\":3,\"text\":\"你朋友张伟的借款已逾期三个月了\",\"sender_known_collector\":true,",
            "\"role\":\"third_party\"}\n",
        );
        let (lines, errors) = run_on(input);
        assert_eq!(errors, 0);
        assert_eq!(lines[0]["collection"], false);
        assert_eq!(lines[1]["collection"], true);
        let flags1 = lines[1]["flags"].as_array().unwrap();
        assert!(flags1.contains(&serde_json::json!("abuse")), "{flags1:?}");
        assert!(lines[1]["context"]
            .as_str()
            .unwrap()
            .contains("sender is in case 速借花"));
        let flags = lines[2]["flags"].as_array().unwrap();
        assert!(
            flags.contains(&serde_json::json!("third_party")),
            "{flags:?}"
        );
        assert!(flags.contains(&serde_json::json!("exposure")), "{flags:?}");
    }

    /// Parses a line on its own.
    fn parse(line: &[u8]) -> Result<InputLine<'_>, String> {
        parse_line(line, std::str::from_utf8(line).ok())
    }

    /// Parses `{"id":<raw>,"text":"x"}` and gives the id as echoed, or the error.
    fn echo_id(raw: &str) -> Result<String, String> {
        let line = format!("{{\"id\":{raw},\"text\":\"x\"}}");
        let msg = parse(line.as_bytes())?;
        Ok(serde_json::to_string(&msg.id).unwrap())
    }

    /// Every kind of id is echoed as `serde_json::Value` (strings and `serde_json::Number`,
    /// what the untagged enum held) prints it; anything else is refused.
    #[test]
    fn ids_are_echoed_as_serde_json_prints_them() {
        for raw in [
            "7",
            "-3",
            "0",
            "-0",
            "1.5",
            "1e5",
            "-1.5e-300",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775809",
            "123456789012345678901234567890",
            "0.30000000000000004",
            "\"a\\\"b\"",
            "\"plain\"",
            "\"\\ud83d\\ude00 \\u00e9 中文\"",
            "\"\\u0000\\u001f\\u007f\"",
            "null",
        ] {
            let want =
                serde_json::to_string(&serde_json::from_str::<serde_json::Value>(raw).unwrap());
            assert_eq!(echo_id(raw), Ok(want.unwrap()), "{raw}");
        }
        assert_eq!(echo_id("7").unwrap(), "7");
        assert_eq!(echo_id("1.5").unwrap(), "1.5");
        assert_eq!(echo_id("\"a\\\"b\"").unwrap(), "\"a\\\"b\"");
        let missing = parse(br#"{"text":"x"}"#).unwrap();
        assert_eq!(missing.id, None);
    }

    /// A string id is borrowed from the line unless it has escapes.
    #[test]
    fn a_string_id_is_borrowed_unless_escaped() {
        let msg = parse(br#"{"id":"plain","text":"x"}"#).unwrap();
        assert!(matches!(msg.id, Some(IdRef::Str(Cow::Borrowed("plain")))));
        let msg = parse(br#"{"id":"a\"b","text":"x"}"#).unwrap();
        assert!(matches!(msg.id, Some(IdRef::Str(Cow::Owned(ref s))) if s == "a\"b"));
    }

    /// Other ids are refused with the untagged enum's error, at the same place it was.
    #[test]
    fn other_ids_are_refused_as_before() {
        let refused = |col| format!("bad JSON: {ID_MISMATCH} at line 1 column {col}");
        assert_eq!(echo_id("true"), Err(refused(10)));
        assert_eq!(echo_id("false"), Err(refused(11)));
        assert_eq!(echo_id("[]"), Err(refused(8)));
        assert_eq!(echo_id("{\"a\":[1,{\"b\":2}]}"), Err(refused(23)));
        // Read whole, not skipped: a number out of range inside is still an error.
        let e = echo_id("[1e400]").unwrap_err();
        assert_eq!(e, "bad JSON: number out of range at line 1 column 12");
        let e = echo_id("1e400").unwrap_err();
        assert_eq!(e, "bad JSON: number out of range at line 1 column 11");
    }

    /// A line that is not UTF-8 only in a field that is not read is read, as before (serde_json
    /// does not check what it skips); one that is not UTF-8 where it is read is an error.
    #[test]
    fn utf8_is_judged_as_before() {
        let msg = parse(b"{\"id\":1,\"text\":\"ok\",\"x\":\"\xff\"}").unwrap();
        assert_eq!(msg.text, "ok");
        let e = parse(b"{\"id\":1,\"text\":\"\xe4\xbd\"}").err().unwrap();
        assert_eq!(
            e,
            "not UTF-8: invalid utf-8 sequence of 2 bytes from index 16"
        );
    }

    /// A chunk is checked for UTF-8 whole, but a line that is only UTF-8 with the next one is
    /// not UTF-8: both are reported, as when each line was checked on its own.
    #[test]
    fn a_character_split_across_lines_is_not_utf8() {
        let input: &[u8] =
            b"{\"text\":\"a\xe4\xbd\n\xa0\"}\n{\"id\":3,\"text\":\"\xe4\xbd\xa0\"}\n";
        let mut out = Vec::new();
        let errors = classify_stream(Classifier::builtin(), input, &mut out, 1).unwrap();
        assert_eq!(errors, 2);
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[..2],
            [
                r#"{"line":1,"error":"not UTF-8: incomplete utf-8 byte sequence from index 10"}"#,
                r#"{"line":2,"error":"not UTF-8: invalid utf-8 sequence of 1 bytes from index 0"}"#,
            ]
        );
        assert!(lines[2].starts_with(r#"{"id":3,"#), "{}", lines[2]);
    }

    /// Checks the hand parser against serde_json on `line`: what it accepts, serde_json reads
    /// to the same value. Returns whether each accepted the line.
    fn agree(line: &str) -> (bool, bool) {
        let plain = parse_plain(line);
        let serde = serde_json::from_str::<InputLine>(line);
        if let Some(p) = &plain {
            let s = match &serde {
                Ok(s) => s,
                Err(e) => panic!("{line:?}: taken by the hand parser, serde_json says {e}"),
            };
            assert_eq!(p.id, s.id, "{line:?}");
            assert_eq!(p.text, s.text, "{line:?}");
            assert_eq!(p.sender, s.sender, "{line:?}");
            assert_eq!(
                p.sender_known_collector, s.sender_known_collector,
                "{line:?}"
            );
            assert_eq!(p.reason, s.reason, "{line:?}");
            assert_eq!(p.role, s.role, "{line:?}");
            // Borrowed as serde_json borrows them (the sender, which it copies, too).
            let borrowed = |l: &InputLine| {
                matches!(l.text, Cow::Borrowed(_))
                    && !matches!(l.id, Some(IdRef::Str(Cow::Owned(_))))
            };
            assert!(borrowed(p) && borrowed(s), "{line:?}");
            assert!(!matches!(p.sender, Some(Cow::Owned(_))), "{line:?}");
        }
        (plain.is_some(), serde.is_ok())
    }

    /// A small deterministic generator (xorshift), for the generated lines.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }

        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[self.below(from.len())]
        }

        /// Mostly one of the first `good`, else any.
        fn mostly<'a>(&mut self, good: usize, from: &[&'a str]) -> &'a str {
            match self.below(8) {
                0 => self.pick(from),
                _ => self.pick(&from[..good]),
            }
        }
    }

    /// Lines of every shape: members of every kind, reordered, repeated or missing, whitespace
    /// between any tokens, and broken (trailing garbage, truncated, commas, brackets). Each
    /// list of values starts with those the hand parser takes (the first `good`).
    fn edge_case_lines() -> Vec<String> {
        // JSON whitespace, then three characters that are not.
        let ws = [
            "", "", "", "", " ", "\t", "\n", "\r", " \r\n ", "\u{b}", "\u{a0}", "\u{c}",
        ];
        let members: [(&str, usize, &[&str]); 5] = [
            (
                "\"id\"",
                5,
                &[
                    "\"17\"",
                    "\"\"",
                    "\"é中\"",
                    "null",
                    "\"\u{7f}\"",
                    "17",
                    "-1.5",
                    "1e400",
                    "true",
                    "\"a\\\"b\"",
                    "\"a\\u0001\"",
                    "\"tab\t\"",
                    "{}",
                    "[1]",
                    "nul",
                    "\"open",
                ],
            ),
            (
                "\"text\"",
                6,
                &[
                    "\"hi\"",
                    "\"\"",
                    "\"你好，ü 😀\"",
                    "\"del\u{7f}\"",
                    "\"}\"",
                    "\"a,b:c\"",
                    "\"a\\nb\"",
                    "\"a\\\\b\"",
                    "\"x\u{0}\"",
                    "\"\\u00e9\"",
                    "null",
                    "1",
                    "[\"a\"]",
                    "\"a\nb\"",
                    "\"12345678\\\"\"",
                    "\"quote\"\"",
                    "\"unterminated",
                    "\"\u{1f}\"",
                    "\"{\\\"id\\\":1}\"",
                ],
            ),
            (
                "\"sender\"",
                3,
                &[
                    "\"+6591234567\"",
                    "null",
                    "\"\"",
                    "3",
                    "\"a\\/b\"",
                    "\"\t\"",
                ],
            ),
            (
                "\"sender_known_collector\"",
                2,
                &[
                    "true", "false", "null", "\"true\"", "1", "tru", "falsey", "True",
                ],
            ),
            (
                "\"other\"",
                14,
                &[
                    "\"reason\":\"r\"",
                    "\"role\":\"third_party\"",
                    "\"role\":\"borrower\"",
                    "\"x\":1",
                    "\"x\":{\"a\":[1,\"}\"]}",
                    "\"i\\u0064\":\"5\"",
                    "\"Text\":\"x\"",
                    "\"text \":\"x\"",
                    "\"\":1",
                    "\"sender_known_collector_x\":true",
                    "\"senderx\":1",
                    "\"id\"",
                    ":",
                    "",
                ],
            ),
        ];
        let garbage = ["", ",", "}", "x", "{}", " 1", "\u{0}", "]", "\"", "null"];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut lines = Vec::new();
        for _ in 0..60_000 {
            let mut parts = Vec::new();
            for (m, &(key, good, values)) in members.iter().enumerate() {
                // Text mostly present, the others sometimes, any of them now and then twice.
                let times = match (m, rng.below(40)) {
                    (4, 5..) | (1, 0) | (0 | 2 | 3, 1..=15) => 0,
                    (_, 39) => 2,
                    _ => 1,
                };
                for _ in 0..times {
                    let value = rng.mostly(good, values);
                    parts.push(if m == 4 {
                        value.to_string()
                    } else {
                        let text_like = m == 1 && rng.below(3) == 0;
                        let value = if text_like {
                            "\"some message text, long enough for several words\"".into()
                        } else {
                            value.to_string()
                        };
                        format!("{key}{}:{}{value}", rng.mostly(9, &ws), rng.mostly(9, &ws))
                    });
                }
            }
            for i in (1..parts.len()).rev() {
                parts.swap(i, rng.below(i + 1));
            }
            let mut line = rng.mostly(9, &ws).to_string();
            line.push('{');
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    line.push_str(rng.mostly(9, &ws));
                    line.push_str(match rng.below(40) {
                        0 => ",,",
                        1 => ";",
                        2 => "",
                        _ => ",",
                    });
                }
                line.push_str(rng.mostly(9, &ws));
                line.push_str(part);
            }
            line.push_str(rng.mostly(9, &ws));
            match rng.below(40) {
                0 => line.push_str(",}"),
                1 => {}
                2 => line.push(']'),
                _ => line.push('}'),
            }
            line.push_str(rng.mostly(9, &ws));
            line.push_str(rng.mostly(1, &garbage));
            if rng.below(20) == 0 {
                line = format!("[{line}]");
            }
            lines.push(line);
        }
        // Every cut of a few lines; a special byte at every offset of texts of every length
        // (both sides of the parser's 8-byte words), among ASCII and other characters.
        let whole = [
            r#"{"id":"17","text":"see you at lunch","sender":"+65","sender_known_collector":false}"#,
            " { \"text\" : \"中文 ü\" , \"id\" : null , \"sender_known_collector\" : true } ",
            r#"{"sender":null,"text":"","id":"x"}"#,
        ];
        for l in whole {
            for cut in 0..=l.len() {
                if let Some(part) = l.get(..cut) {
                    lines.push(part.to_string());
                }
            }
        }
        for fill in ["a", "é", "中", "😀", "\u{7f}"] {
            for len in 0..20 {
                for at in 0..=len {
                    for special in [
                        "\"", "\\", "\\\\", "\\n", "\u{0}", "\n", "\u{1f}", " ", "\u{7f}",
                    ] {
                        let text = format!("{}{special}{}", fill.repeat(at), fill.repeat(len - at));
                        lines.push(format!("{{\"id\":\"{text}\",\"text\":\"{text}\"}}"));
                        // And with no closing quote, the text followed by what ends a value.
                        lines.push(format!("{{\"text\":\"{text}}}"));
                        lines.push(format!("{{\"id\":\"{text},\"text\":\"x\"}}"));
                    }
                }
            }
        }
        lines.extend(
            [
                "{}",
                "",
                " ",
                "{",
                "}",
                "[]",
                "null",
                "\"text\"",
                "{\"text\"}",
            ]
            .map(String::from),
        );
        lines
    }

    /// The hand parser agrees with serde_json on lines of every shape: whatever it takes,
    /// serde_json reads the same; whatever serde_json refuses, it leaves (for serde_json to
    /// report). And it does take the common lines.
    #[test]
    fn the_hand_parser_agrees_with_serde_on_edge_cases() {
        let (mut taken, mut refused) = (0, 0);
        for line in edge_case_lines() {
            let (plain, serde) = agree(&line);
            taken += usize::from(plain);
            refused += usize::from(!serde);
        }
        assert!(
            taken > 10_000 && refused > 10_000,
            "{taken} taken, {refused} refused"
        );
        for line in [
            r#"{"id":"17","text":"hi"}"#,
            r#"{"text":"hi"}"#,
            " {\t\"text\" :\"你好\",\r\n\"id\": null ,\"sender\":\"+65\"} ",
            r#"{"sender_known_collector":true,"id":"1","sender":null,"text":""}"#,
        ] {
            assert_eq!(agree(line), (true, true), "{line:?}");
        }
    }

    /// The JSON Lines of the repository (fixtures, fuzz seeds) and the benchmark corpus, if it
    /// was generated (scripts/bench-classify.sh), as they are and reduced to id and text.
    #[test]
    fn the_hand_parser_agrees_with_serde_on_corpus_lines() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = vec![root.join("target/bench-classify/nus.jsonl")];
        let mut dirs = vec![root.join("tests"), root.join("fuzz/seeds")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "jsonl") {
                    files.push(path);
                }
            }
        }
        let (mut lines, mut taken) = (0, 0);
        for file in files {
            let Ok(data) = std::fs::read_to_string(&file) else {
                continue;
            };
            for line in data.lines() {
                let mut variants = vec![line.to_string()];
                if let Ok(serde_json::Value::Object(o)) = serde_json::from_str(line) {
                    let reduced: serde_json::Map<_, _> = o
                        .into_iter()
                        .filter(|(k, _)| k == "id" || k == "text")
                        .collect();
                    variants.push(serde_json::to_string(&reduced).unwrap());
                    variants.push(serde_json::to_string_pretty(&reduced).unwrap());
                }
                for v in &variants {
                    lines += 1;
                    taken += usize::from(agree(v).0);
                }
            }
        }
        assert!(taken > 1000 && lines > taken, "{taken} of {lines} taken");
    }

    /// Result lines are written as the derived `Serialize` writes them, whatever fields
    /// they have: ids (to escape or not), flags, creditor, call-back numbers, context,
    /// explanations, scores (0, -0, not a number, others).
    #[test]
    fn output_lines_are_written_as_serde_writes_them() {
        use dunwatch_core::classify::{Flag, FlagHit, SignalHit};
        let texts = [
            "see you at lunch",
            "您的借款已逾期3天，请尽快还款，否则爆通讯录",
            "【速借花】您的借款已逾期，请立即回电 13800138000 处理，否则上门",
            "Your loan of $500 is overdue. Pay now or we will contact your employer. Call 0123456789",
            "你这种人渣连狗都不如。",
            "你朋友张伟的借款已逾期三个月了",
            "I booked the table \"x\\y\" \u{1}",
        ];
        let contexts = [
            Context::default(),
            Context {
                known_collector: Some("sender is in case \"速借花\"".into()),
                role: Role::ThirdParty,
            },
        ];
        let mut results: Vec<Classification> = texts
            .iter()
            .flat_map(|text| {
                contexts
                    .iter()
                    .map(|ctx| Classifier::builtin().classify_with(text, Some("+6591234567"), ctx))
            })
            .collect();
        // Every flag, and scores that round to -0, that are not numbers, or are tiny.
        let hit = |flag| FlagHit {
            flag,
            rule: "r".into(),
            spans: Vec::new(),
            words: Vec::new(),
        };
        results.push(Classification {
            collection: true,
            score: -0.001,
            flags: Flag::ALL.iter().rev().map(|&f| hit(f)).collect(),
            ..Classification::default()
        });
        for score in [f32::NAN, f32::INFINITY, 0.005, 1e-30, -7.25] {
            results.push(Classification {
                score,
                signals: vec![SignalHit {
                    rule: "r\"\\\u{1f}".into(),
                    weight: -0.0,
                    flag: Some(Flag::Threat),
                    spans: Vec::new(),
                    words: vec!["w\n".into()],
                }],
                ..Classification::default()
            });
        }
        results.push(Classification::default());
        let mut ids = vec![
            None,
            Some(IdRef::Str("plain".into())),
            Some(IdRef::Str("".into())),
            Some(IdRef::Str("中文 é \u{7f}".into())),
            Some(IdRef::Str("a\"b".into())),
            Some(IdRef::Str("a\\b".into())),
            Some(IdRef::Str("tab\there".into())),
            Some(IdRef::Str("\u{0}\u{1f}".into())),
            Some(IdRef::Num((-3).into())),
            Some(IdRef::Num(serde_json::Number::from_f64(1.5).unwrap())),
        ];
        // Every ASCII character, to escape or not.
        ids.extend((0..0x80u8).map(|c| Some(IdRef::Str(format!("a{}b", c as char).into()))));
        // creditor, call-back numbers, context, flags, no flags, score 0, other score,
        // explanations, no explanations
        let mut seen = [false; 9];
        for r in &results {
            for id in &ids {
                let line = output_line(id, r);
                let mut out = Vec::new();
                line.write(&mut out).unwrap();
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    serde_json::to_string(&line).unwrap()
                );
                seen[0] |= line.creditor.is_some();
                seen[1] |= !line.callback_numbers.is_empty();
                seen[2] |= line.context.is_some();
                seen[3] |= !line.flags.is_empty();
                seen[4] |= line.flags.is_empty();
                seen[5] |= line.score.to_bits() == 0;
                seen[6] |= line.score != 0.0;
                seen[7] |= !line.explanations.is_empty();
                seen[8] |= line.explanations.is_empty();
            }
        }
        assert_eq!(seen, [true; 9]);
    }

    /// Every line `read_chunk` gives (its text, and whether it was too long), chunk after
    /// chunk, read through a buffer of `capacity` bytes; checks each chunk's first line number.
    fn split(input: &[u8], capacity: usize) -> Vec<(Vec<u8>, bool)> {
        let mut r = io::BufReader::with_capacity(capacity, input);
        let (mut lines, mut chunk) = (Vec::new(), Chunk::default());
        while let Some(c) = read_chunk(&mut r, lines.len() as u64 + 1, chunk).unwrap() {
            assert!(
                c.data.capacity() <= 2 * (MAX_LINE + CHUNK_BYTES),
                "memory bounded"
            );
            let mut start = 0;
            for &(end, over) in &c.lines {
                lines.push((c.data[start..end].to_vec(), over));
                start = end;
            }
            chunk = c;
        }
        lines
    }

    /// The lines as `read_line_capped` reads them (what `read_chunk` did before), line ends
    /// trimmed.
    fn split_by_read_line_capped(mut input: &[u8]) -> Vec<(Vec<u8>, bool)> {
        let (mut lines, mut line) = (Vec::new(), Vec::new());
        loop {
            line.clear();
            let over = dunwatch_core::limits::read_line_capped(&mut input, &mut line, MAX_LINE);
            let over = over.unwrap();
            if line.is_empty() && !over {
                return lines;
            }
            lines.push((trim_line_end(&line).to_vec(), over));
        }
    }

    /// Short lines, at every buffer size: line ends, blank lines, a last line without newline.
    #[test]
    fn lines_are_split_as_read_line_capped_splits_them() {
        let inputs: [&[u8]; 8] = [
            b"",
            b"\n",
            b"a\nb\r\n\r\n\n  \nc\r\r\n\rd\n",
            b"last\r",
            b"no newline",
            b"\r\n\r",
            b"x\n\n",
            "中文\r\n{\"id\":1}\n".as_bytes(),
        ];
        for input in inputs {
            let want = split_by_read_line_capped(input);
            for capacity in [1, 2, 3, 7, 1 << 16] {
                assert_eq!(split(input, capacity), want, "{input:?} at {capacity}");
            }
        }
    }

    /// Many lines: chunks close on line ends, by line count and by size, wherever the
    /// reader's buffer ends.
    #[test]
    fn chunks_close_on_line_ends() {
        let mut input = Vec::new();
        for i in 0..3 * CHUNK_LINES {
            input.extend_from_slice(format!("line {i} {}\r\n", "z".repeat(i % 37)).as_bytes());
        }
        for i in 0..300 {
            input.extend_from_slice(&vec![b'a' + (i % 26) as u8; 1000 + i]);
            input.push(b'\n');
        }
        let want = split_by_read_line_capped(&input);
        assert_eq!(want.len(), 3 * CHUNK_LINES + 300);
        for capacity in [5, 4093, 1 << 16] {
            assert!(split(&input, capacity) == want, "at {capacity}");
        }
    }

    /// Lines at the cap and over it (its line end counted), across buffer ends: too long
    /// ones are dropped and marked, the others kept, the line after read.
    #[test]
    fn lines_over_the_cap_are_dropped_across_buffers() {
        let line = |len: usize, end: &[u8]| [vec![b'a'; len], end.to_vec()].concat();
        let input = [
            line(MAX_LINE - 1, b"\n"),
            line(MAX_LINE, b"\n"),
            line(MAX_LINE - 2, b"\r\n"),
            line(MAX_LINE - 1, b"\r\n"),
            b"ok\n".to_vec(),
            line(3 * MAX_LINE, b"\n"),
            line(MAX_LINE, b""),
        ]
        .concat();
        let want = split_by_read_line_capped(&input);
        let over: Vec<bool> = want.iter().map(|l| l.1).collect();
        assert_eq!(over, [false, true, false, true, false, true, false]);
        for capacity in [4093, 1 << 16] {
            assert!(split(&input, capacity) == want, "at {capacity}");
        }
        let mut no_end = input.clone();
        no_end.push(b'b');
        let got = split(&no_end, 1 << 16);
        assert_eq!(got.last(), Some(&(Vec::new(), true)));
        assert!(got == split_by_read_line_capped(&no_end));
    }

    #[test]
    fn invalid_utf8_is_an_error_line() {
        let mut out = Vec::new();
        let input: &[u8] = b"{\"id\":\"x\",\"text\":\"\xff\xfe\"}\n";
        let errors = classify_stream(Classifier::builtin(), input, &mut out, 2).unwrap();
        assert_eq!(errors, 1);
        let v: serde_json::Value =
            serde_json::from_str(String::from_utf8(out).unwrap().trim()).unwrap();
        assert_eq!(v["line"], 1);
        assert!(v["error"].as_str().unwrap().contains("UTF-8"));
    }
}
