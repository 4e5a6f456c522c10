//! Importing a phone's SMS and call history from backup files into the evidence store.
//!
//! Formats (detected from the first bytes, never from the file name):
//! - SMS Backup & Restore XML (`<smses>` with `<sms>`/`<mms>`, or `<calls>` with `<call>`), the
//!   common Android export ([`xml`]);
//! - dunwatch CSV and JSON Lines, one contact per record ([`tabular`]).
//!
//! Files are read as a stream (memory stays flat in file size; one record is held, bounded by a
//! per-format cap). Nothing is dropped silently: a malformed record, or a broken piece of a file
//! (a stray declaration, an unclosed quote, comment or CDATA section, a record over the cap), is
//! reported as a skipped range with its byte offsets and line, and reading resumes at the next
//! record; text that is not UTF-8 in an otherwise whole record is kept with U+FFFD and a note
//! ([`ImportSummary::notes`]). [`ImportOptions::strict`] stops at the first skip instead. Events go to the store in batches, one transaction each, so
//! an interrupted import leaves whole batches only; re-importing adds nothing because the store's
//! inserts are idempotent. After each batch the rules engine evaluates the new events, exactly as
//! it does for live ones.

mod counting;
mod parse_only;
mod priority;
mod record;
pub mod tabular;
mod window;
pub mod xml;
mod xml_scan;

pub use counting::CountingReader;
pub use parse_only::parse_only;

use crate::classify::{Classification, Classifier};
use crate::error::{Error, Result};
use crate::model::{EventId, EventPayload, NewEvent, SmsDirection};
use crate::rules::repo::{load_new, RawContact};
use crate::rules::{evaluate_batch_locked, Batch, ByNumber, FlagWrite};
use crate::store::bulk::{self, FirstContacts};
use crate::store::{prepare_taken, Checkpointer, Prepared, Store};
use foldhash::{HashMap, HashMapExt};
use serde::Serialize;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// Events per store transaction (and per rules-engine call).
pub const DEFAULT_BATCH: usize = 20_000;

/// Most malformed-record reports kept in a summary; the total is always counted.
pub const MAX_REPORTED: usize = 200;

/// The file formats dunwatch reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// SMS Backup & Restore `<smses>` file.
    SmsBackupXml,
    /// SMS Backup & Restore `<calls>` file.
    CallsBackupXml,
    Csv,
    JsonLines,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::SmsBackupXml => "SMS Backup & Restore (messages)",
            Format::CallsBackupXml => "SMS Backup & Restore (calls)",
            Format::Csv => "CSV",
            Format::JsonLines => "JSON Lines",
        }
    }
}

/// A range of the file that was not imported (a record or a broken piece), and where it is;
/// also used for notes on records that were kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Malformed {
    /// 1-based line of the range's start.
    pub line: u64,
    /// Byte offset of the range's start.
    pub byte: u64,
    /// Byte offset just past the range's end.
    pub end: u64,
    pub reason: String,
}

/// What one parser step yields.
pub(crate) enum Parsed {
    Event(Box<NewEvent>),
    Malformed(Malformed),
    /// A record that is valid but not a contact (an SMS draft, an unsent message).
    Skipped,
}

/// Counts of one import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub format: Option<Format>,
    /// SMS/MMS records read.
    pub messages: u64,
    /// Call records read.
    pub calls: u64,
    /// Events stored for the first time.
    pub new_events: u64,
    /// Events already in the store (re-import).
    pub duplicates: u64,
    /// Drafts and unsent messages, which are not contacts.
    pub skipped: u64,
    /// Ranges skipped: malformed records and broken pieces of the file.
    pub malformed_total: u64,
    /// The first [`MAX_REPORTED`] skipped ranges.
    pub malformed: Vec<Malformed>,
    /// Records kept with a repair (text that was not UTF-8, replaced with U+FFFD).
    pub notes_total: u64,
    /// The first [`MAX_REPORTED`] of those notes.
    pub notes: Vec<Malformed>,
    /// Net growth of the flags table over the import (the engine may also rewrite flags of a
    /// case when an imported message adds a number to it).
    pub flags_added: u64,
    pub bytes: u64,
}

impl ImportSummary {
    /// Adds another file's counts (for multi-file imports).
    pub fn absorb(&mut self, o: ImportSummary) {
        self.messages += o.messages;
        self.calls += o.calls;
        self.new_events += o.new_events;
        self.duplicates += o.duplicates;
        self.skipped += o.skipped;
        self.malformed_total += o.malformed_total;
        let room = MAX_REPORTED.saturating_sub(self.malformed.len());
        self.malformed.extend(o.malformed.into_iter().take(room));
        self.notes_total += o.notes_total;
        let room = MAX_REPORTED.saturating_sub(self.notes.len());
        self.notes.extend(o.notes.into_iter().take(room));
        self.flags_added += o.flags_added;
        self.bytes += o.bytes;
    }
}

/// Import tuning.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub batch_size: usize,
    pub number_index: NumberIndex,
    /// Stop at the first skipped range (an error) instead of reporting it and reading on.
    /// What was committed before stays (see [`Outcome`]).
    pub strict: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            batch_size: DEFAULT_BATCH,
            number_index: NumberIndex::Auto,
            strict: false,
        }
    }
}

/// An import that may have failed part way: its counts are what was read and committed up to
/// the failure (batches are committed whole, so a failed import can have stored many).
#[derive(Debug)]
pub struct Outcome {
    pub summary: ImportSummary,
    pub error: Option<Error>,
}

impl Outcome {
    fn into_result(self) -> Result<ImportSummary> {
        match self.error {
            None => Ok(self.summary),
            Some(e) => Err(e),
        }
    }
}

/// Whether an import leaves the events' (number, time) index out while it runs and builds it
/// once at the end: much less writing for an import that is large beside the store (see
/// `store::bulk`). The flags are the same either way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NumberIndex {
    /// When the store is empty, or the file (by its size) holds at least as many events again
    /// as the store. A stream of unknown size counts as small.
    #[default]
    Auto,
    /// Keep the index up to date batch by batch.
    Keep,
    /// Leave it out and build it at the end.
    Defer,
}

/// Collects parsed events into batches and hands each full batch to the store stage.
pub(crate) struct Sink<'a> {
    out: SyncSender<Prepped>,
    batch: Vec<NewEvent>,
    batch_size: usize,
    strict: bool,
    pub summary: ImportSummary,
    progress: &'a mut (dyn FnMut(u64) + Send),
    bytes: &'a dyn Fn() -> u64,
}

impl Sink<'_> {
    pub(crate) fn push(&mut self, p: Parsed) -> Result<()> {
        match p {
            Parsed::Event(ev) => {
                match ev.payload {
                    EventPayload::Sms(_) => self.summary.messages += 1,
                    _ => self.summary.calls += 1,
                }
                self.batch.push(*ev);
                if self.batch.len() >= self.batch_size {
                    self.flush()?;
                }
            }
            Parsed::Malformed(m) => {
                self.summary.malformed_total += 1;
                if self.strict {
                    return Err(Error::InvalidInput(format!(
                        "line {} (bytes {}..{}): {} (--strict: stopped at the first skip)",
                        m.line, m.byte, m.end, m.reason
                    )));
                }
                if self.summary.malformed.len() < MAX_REPORTED {
                    self.summary.malformed.push(m);
                }
            }
            Parsed::Skipped => self.summary.skipped += 1,
        }
        Ok(())
    }

    /// Notes a record kept with a repair.
    pub(crate) fn note(&mut self, m: Malformed) {
        self.summary.notes_total += 1;
        if self.summary.notes.len() < MAX_REPORTED {
            self.summary.notes.push(m);
        }
    }

    /// Prepares the pending batch for the store (checks, columns, de-duplication keys) and hands
    /// it to the store stage, waiting while that is a batch behind, so memory stays flat. Fails
    /// when a later stage stopped on an error, which the import then reports.
    pub(crate) fn flush(&mut self) -> Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let classes = self.batch.iter().map(relevant_class).collect();
        let events = prepare_taken(&mut self.batch)?;
        self.out
            .send(Prepped { events, classes })
            .map_err(|_| stopped())?;
        (self.progress)((self.bytes)());
        Ok(())
    }
}

/// The error a stage returns when the next one is gone; the next one's own error is reported.
fn stopped() -> Error {
    Error::Cancelled("import stopped".into())
}

/// The rules engine's reading of a received SMS, when it matters to the rules (collection or
/// flagged): what [`crate::rules::evaluate_new`] would get, worked out on the parsing thread.
fn relevant_class(ev: &NewEvent) -> Option<Classification> {
    let EventPayload::Sms(s) = &ev.payload else {
        return None;
    };
    if s.direction != SmsDirection::Incoming {
        return None;
    }
    let k = Classifier::builtin().classify_for_rules(&s.body, Some(&s.number.raw));
    (k.collection || !k.flags.is_empty()).then_some(k)
}

/// A batch ready for the store.
struct Prepped {
    events: Vec<Prepared>,
    /// Per event, [`relevant_class`].
    classes: Vec<Option<Classification>>,
}

/// A stored batch on its way to the rules engine.
struct Stored {
    news: Vec<RawContact>,
    /// Highest event id stored with the batch.
    upto: EventId,
    /// Whether `news` holds every event stored with the batch, each as an SMS or call.
    whole: bool,
    /// Classifications of the new received SMS that matter to the rules.
    classes: HashMap<EventId, Classification>,
    /// The new events' first contacts per number, while the number index is out.
    first: Option<FirstContacts>,
}

/// Store stage: writes each batch in one transaction and passes what was new on.
fn store_stage(
    store: &Store,
    batches: Receiver<Prepped>,
    next: SyncSender<Stored>,
    checkpoint: SyncSender<()>,
    index_out: bool,
    counts: &mut (u64, u64),
) -> Result<()> {
    let (new, dup) = counts;
    for Prepped {
        events: mut batch,
        classes: batch_classes,
    } in batches
    {
        let inserted = store.insert_prepared(&mut batch)?;
        // Full means a checkpoint is due anyway; gone means there is no checkpointer.
        let _ = checkpoint.try_send(());
        let mut news = Vec::with_capacity(batch.len());
        let mut upto = 0;
        let mut whole = true;
        let mut classes = HashMap::with_capacity(batch.len());
        let mut first = index_out.then(FirstContacts::default);
        for ((ev, i), k) in batch.into_iter().zip(&inserted).zip(batch_classes) {
            upto = upto.max(i.id);
            if !i.new {
                *dup += 1;
                continue;
            }
            *new += 1;
            if let (Some(f), Some((n, t))) = (first.as_mut(), ev.number_at()) {
                f.note(n, t);
            }
            if let Some(k) = k {
                classes.insert(i.id, k);
            }
            match ev.into_contact(i.id)? {
                Some(c) => news.push(c),
                // Not a contact of its own (imports make none today): read it as stored.
                None => {
                    whole = false;
                    news.extend(store.read(|c| load_new(c, &[i.id]))?);
                }
            }
        }
        if !news.is_empty() {
            next.send(Stored {
                news,
                upto,
                whole,
                classes,
                first,
            })
            .map_err(|_| stopped())?;
        }
    }
    Ok(())
}

/// Checkpoints the WAL after each commit of the store stage or the flag writer (a tick; ticks
/// that arrive while it works are merged), at background priority, and once more when both are
/// done. A failed checkpoint costs only WAL size: it is logged, and the next one (or the
/// writer's own, past its raised threshold) catches up. Then, both writers being done, it puts
/// the writer's settings back and syncs the WAL (see `store::checkpoint`): an error there is
/// the import's.
fn checkpoint_stage(cp: Checkpointer<'_>, ticks: Receiver<()>) -> Result<()> {
    priority::background();
    let run = || {
        if let Err(e) = cp.run() {
            log::warn!("import checkpoint: {e}");
        }
    };
    for () in ticks {
        run();
    }
    run();
    cp.finish()
}

/// What the rules stage hands to its flag writer.
enum ToWrite {
    Flags(FlagWrite),
    /// Answer once everything handed on before is stored.
    Flush(SyncSender<()>),
}

/// Rules stage: evaluates each stored batch, in order, as only the events up to it exist. The
/// engine is held for the whole import. Each batch's flags are stored by a writer thread of
/// its own while the next batch is evaluated: the writer waits for the store stage's
/// transaction, the engine need not. The next evaluation reads nothing those writes change
/// (flags are outputs only) except the input fingerprint, which it takes from the last write
/// handed on.
/// `first`: while the number index is out, the stored events' first contacts per number.
fn rules_stage(
    store: &Store,
    stored: Receiver<Stored>,
    checkpoint: SyncSender<()>,
    mut first: Option<FirstContacts>,
) -> Result<()> {
    let _engine = crate::rules::lock(store);
    std::thread::scope(|sc| {
        let (to_writer, writes) = sync_channel::<ToWrite>(0);
        let writer = sc.spawn(move || -> Result<()> {
            for w in writes {
                match w {
                    ToWrite::Flags(w) => {
                        w.apply(store)?;
                        let _ = checkpoint.try_send(());
                    }
                    ToWrite::Flush(done) => {
                        let _ = done.send(());
                    }
                }
            }
            Ok(())
        });
        // After spawning the writer, which keeps the caller's priority: it shares SQLite's
        // writer with the store stage.
        priority::background();
        // Once everything handed to the writer is stored, rebuild from the current inputs.
        let flush_and_rebuild = || -> Result<()> {
            let (done, flushed) = sync_channel(1);
            to_writer
                .send(ToWrite::Flush(done))
                .map_err(|_| stopped())?;
            flushed.recv().map_err(|_| stopped())?;
            crate::rules::rebuild_locked_builtin(store)?;
            #[cfg(test)]
            tests::MID_IMPORT_REBUILDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(())
        };
        let evaluated = (|| -> Result<()> {
            let mut pending: Option<String> = None;
            for s in stored {
                if let (Some(f), Some(batch)) = (first.as_mut(), s.first) {
                    f.merge(batch);
                }
                let by_number = first.as_ref().map_or(ByNumber::Index, ByNumber::Deferred);
                let b = evaluate_batch_locked(
                    store,
                    s.news,
                    s.upto,
                    s.whole,
                    s.classes,
                    pending.as_deref(),
                    by_number,
                )?;
                match b {
                    Batch::Write(w) => {
                        if let Some(fp) = w.fingerprint() {
                            pending = Some(fp.to_string());
                        }
                        to_writer.send(ToWrite::Flags(w)).map_err(|_| stopped())?;
                    }
                    Batch::Rebuild => {
                        flush_and_rebuild()?;
                        pending = None;
                    }
                }
            }
            // A change that landed while the last batch was evaluated shows only now.
            if crate::rules::inputs_changed(store, pending.as_deref())? {
                flush_and_rebuild()?;
            }
            Ok(())
        })();
        drop(to_writer);
        // The writer's error is the cause of a "stopped".
        joined(writer).and(evaluated)
    })
}

/// A stage's result; a panic in a stage is re-raised on the caller's thread.
fn joined<T>(h: std::thread::ScopedJoinHandle<'_, Result<T>>) -> Result<T> {
    joined_any(h)
}

fn joined_any<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// Flags per rule in the store, counted in SQL (a large import can leave hundreds of thousands).
pub fn flags_by_rule(store: &Store) -> Result<std::collections::BTreeMap<String, u64>> {
    store.read(|c| {
        let mut st = c.prepare("SELECT rule, count(*) FROM flags GROUP BY rule")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut m = std::collections::BTreeMap::new();
        for r in rows {
            let (rule, n) = r?;
            m.insert(rule, n.max(0) as u64);
        }
        Ok(m)
    })
}

fn flag_count(store: &Store) -> Result<u64> {
    store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM flags", [], |r| r.get::<_, i64>(0))?))
        .map(|n| n.max(0) as u64)
}

/// Reads the first significant bytes to tell the format apart.
fn sniff(head: &[u8]) -> Option<Format> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &head[first..];
    match rest[0] {
        b'<' => {
            // The root element decides; skip the declaration, comments and processing instructions.
            let text = String::from_utf8_lossy(rest);
            let calls = text.find("<calls");
            let smses = text.find("<smses");
            match (smses, calls) {
                (Some(s), Some(c)) if c < s => Some(Format::CallsBackupXml),
                (None, Some(_)) => Some(Format::CallsBackupXml),
                _ => Some(Format::SmsBackupXml),
            }
        }
        b'{' => Some(Format::JsonLines),
        _ => Some(Format::Csv),
    }
}

/// Imports one file, detecting its format. `progress` receives the bytes read so far.
pub fn import_path(
    store: &Store,
    path: &Path,
    opts: &ImportOptions,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<ImportSummary> {
    import_path_outcome(store, path, opts, progress).into_result()
}

/// [`import_path`], with the counts of what was read and committed even when it fails.
pub fn import_path_outcome(
    store: &Store,
    path: &Path,
    opts: &ImportOptions,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Outcome {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            return Outcome {
                summary: ImportSummary::default(),
                error: Some(Error::InvalidInput(format!(
                    "cannot open {}: {e}",
                    path.display()
                ))),
            }
        }
    };
    let size = file.metadata().ok().map(|m| m.len());
    import_sized(store, file, size, opts, progress)
}

/// Imports from any byte stream, detecting its format.
pub fn import_reader(
    store: &Store,
    input: impl Read + Send,
    opts: &ImportOptions,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<ImportSummary> {
    import_sized(store, input, None, opts, progress).into_result()
}

/// An import of `size` bytes, if known (see [`NumberIndex::Auto`]).
fn import_sized(
    store: &Store,
    input: impl Read + Send,
    size: Option<u64>,
    opts: &ImportOptions,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Outcome {
    let mut summary = ImportSummary::default();
    let error = import_into(store, input, size, opts, progress, &mut summary).err();
    Outcome { summary, error }
}

/// [`import_sized`], filling `out` with what was read and committed, also on failure.
fn import_into(
    store: &Store,
    input: impl Read + Send,
    size: Option<u64>,
    opts: &ImportOptions,
    progress: &mut (dyn FnMut(u64) + Send),
    out: &mut ImportSummary,
) -> Result<()> {
    let mut input = BufReader::with_capacity(1 << 16, input);
    let head = input.fill_buf()?.to_vec();
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Err(Error::InvalidInput(
            "the file is UTF-16 encoded; dunwatch reads UTF-8 (as SMS Backup & Restore writes \
             it): re-save the file as UTF-8"
                .into(),
        ));
    }
    let format = match sniff(&head) {
        Some(f) => f,
        None => return Ok(()),
    };
    // Evaluate what an earlier, killed import stored but never evaluated (its events are
    // duplicates now, so this import would not evaluate them), and apply changed settings.
    crate::rules::refresh(store)?;
    let flags_before = flag_count(store)?;
    let zone = store.settings()?.zone()?;
    let region = store.settings()?.jurisdiction.region();
    let batch_size = opts.batch_size.max(1);
    let index_out = match opts.number_index {
        NumberIndex::Auto => bulk::worth_deferring(store.event_count()?, size),
        NumberIndex::Keep => false,
        NumberIndex::Defer => true,
    };
    // Read through the index before it goes; the guard builds it again on every way out.
    let (first, deferred) = if index_out {
        let first = store.read(FirstContacts::read)?;
        (Some(first), Some(store.defer_number_index()?))
    } else {
        (None, None)
    };
    // Three stages, each working on one batch and handing it over only when the next stage
    // takes it (so at most three batches are held): parsing (with the classifier), storing
    // (on the caller's thread), and the rules engine, which reads no event newer than its
    // batch, so it gives the same flags as running after each batch while the next is stored.
    // Parsing and the engine run at background priority (see `priority`).
    // The WAL is checkpointed by a thread of its own, mostly not by the writer on commit, and
    // synced once at the end (see `store::checkpoint`).
    let checkpointer = store.checkpointer()?;
    let (parsed, stored, ruled, synced) = std::thread::scope(|s| {
        let (to_store, batches) = sync_channel(0);
        let (to_rules, stored) = sync_channel(0);
        let (tick, ticks) = sync_channel::<()>(1);
        let checkpoint_h = checkpointer.map(|cp| s.spawn(move || checkpoint_stage(cp, ticks)));
        let rules_tick = tick.clone();
        let rules_h = s.spawn(move || rules_stage(store, stored, rules_tick, first));
        let parse_h = s.spawn(move || {
            priority::background();
            // Nothing was consumed yet (fill_buf only looked), so the count starts at 0.
            let reader = CountingReader::new(input);
            let counter = reader.counter();
            let bytes = move || counter.bytes();
            let ctx = record::Context::new(zone, region);
            let mut sink = Sink {
                out: to_store,
                batch: Vec::with_capacity(batch_size),
                batch_size,
                strict: opts.strict,
                summary: ImportSummary::default(),
                progress,
                bytes: &bytes,
            };
            let detected = match format {
                Format::Csv => tabular::read_csv(reader, &ctx, &mut sink).map(|_| Format::Csv),
                Format::JsonLines => {
                    tabular::read_jsonl(reader, &ctx, &mut sink).map(|_| Format::JsonLines)
                }
                Format::SmsBackupXml | Format::CallsBackupXml => xml::read(reader, &ctx, &mut sink),
            };
            // Only a file read to its end sends its last, partial batch.
            let parsed = detected.and_then(|f| sink.flush().map(|_| f));
            // The store stage ends when its input does (the sink's sender is dropped here).
            let Sink { mut summary, .. } = sink;
            summary.bytes = bytes();
            (summary, parsed)
        });
        let mut counts = (0, 0);
        let stored = store_stage(store, batches, to_rules, tick, index_out, &mut counts);
        let stored = (counts, stored);
        let (parsed, ruled) = (joined_any(parse_h), joined(rules_h));
        // The checkpointer ends once both writers are done.
        let synced = checkpoint_h.map_or(Ok(()), joined);
        (parsed, stored, ruled, synced)
    });
    let restored = deferred.map_or(Ok(()), bulk::Deferred::restore);
    // What was read and committed is counted whether or not the import failed.
    let (mut summary, detected) = parsed;
    let ((new_events, duplicates), stored) = stored;
    summary.new_events = new_events;
    summary.duplicates = duplicates;
    summary.format = detected.as_ref().ok().copied().or(Some(format));
    *out = summary;
    // A later stage's error is the cause of an earlier stage's "stopped"; and a failed import's
    // error comes before the index's.
    ruled?;
    stored?;
    detected?;
    synced?;
    restored?;
    out.flags_added = flag_count(store)?.saturating_sub(flags_before);
    Ok(())
}

#[cfg(test)]
mod tests;
