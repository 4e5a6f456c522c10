//! Jurisdiction rule packs and the stateful rules engine.
//!
//! Flags are derived data: [`rebuild`] recomputes all of them (and the case joins and collector
//! numbers derived from SMS) from the evidence, the user's tags and annotations and the settings;
//! [`evaluate_new`] replays only a short window around newly stored events and gives the same
//! flags. Events are only ever read.

pub mod audit;
pub mod collectors;
mod engine;
pub mod history;
mod join;
pub mod known;
pub mod pack;
pub(crate) mod repo;
pub mod screen;

pub use collectors::CollectorEntry;
pub(crate) use engine::time_violation;
pub use pack::{builtin as builtin_pack, Pack};
pub use screen::{screen, screen_with, ScreenAction, ScreenDecision, ScreenPolicy};

use crate::classify::{Classification, Classifier, Context};
use crate::error::Result;
use crate::model::EventId;
use crate::store::bulk::FirstContacts;
use crate::store::{AnnotationKind, Store};
use engine::{Stop, World};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use history::Contact;
use repo as rs;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::sync::Mutex;

/// Summary of a flag rebuild.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RebuildSummary {
    pub events: usize,
    pub flags: usize,
}

/// What reads SMS for the engine, in their context (`known`: whether the sender is a known
/// collector, whose phone it is). The built-in [`Classifier`] in production; tests give the
/// engine classifications they construct.
pub trait Classify {
    fn classify(&self, text: &str, sender: Option<&str>, ctx: &Context) -> Classification;
}

impl Classify for Classifier {
    fn classify(&self, text: &str, sender: Option<&str>, ctx: &Context) -> Classification {
        Classifier::classify_with(self, text, sender, ctx)
    }
}

/// The built-in classifier with a memo of recent results (the store's, see [`EngineState`]):
/// incremental evaluation re-reads the SMS of the last days on every new event, and classifying
/// is a pure function of the sender and the text.
struct Memo<'a>(&'a Mutex<MemoMap>);

/// Most remembered classifications (a few MB); the memo is simply emptied when full.
const MEMO_CAP: usize = 20_000;

/// Sender → context → text → classification, and how many are remembered. Nested so that a
/// lookup needs no owned key (a lookup per SMS read, many per import batch).
#[derive(Default)]
struct MemoMap {
    by_sender: HashMap<String, HashMap<Context, HashMap<String, Classification>>>,
    len: usize,
    /// The classifier generation the entries were read with (`classify::install_model`).
    generation: u64,
}

/// The engine's state for one open store: one evaluation at a time (the SMS receiver and the
/// call-log sync may both record), and the memo of classifications. Owned by the [`Store`] it
/// evaluates, so two stores in one process neither wait for each other nor share a memo.
#[derive(Default)]
pub(crate) struct EngineState {
    eval: Mutex<()>,
    memo: Mutex<MemoMap>,
    /// Collection SMS of evaluations whose [`FlagWrite`] is not stored yet: an import evaluates
    /// the next batch while the last one's results are written, and its messages are read in
    /// the context of the SMS before them.
    unstored: Mutex<Vec<known::Sent>>,
}

impl EngineState {
    /// Holds the engine for one evaluation, or for a whole import.
    fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.eval.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn memo(&self) -> Memo<'_> {
        Memo(&self.memo)
    }

    fn unstored(&self) -> std::sync::MutexGuard<'_, Vec<known::Sent>> {
        self.unstored.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Classify for Memo<'_> {
    fn classify(&self, text: &str, sender: Option<&str>, ctx: &Context) -> Classification {
        let key = sender.unwrap_or_default();
        let generation = crate::classify::generation();
        {
            let mut memo = self.0.lock().unwrap_or_else(|p| p.into_inner());
            if memo.generation != generation {
                *memo = MemoMap {
                    generation,
                    ..MemoMap::default()
                };
            }
            if let Some(k) = memo
                .by_sender
                .get(key)
                .and_then(|m| m.get(ctx))
                .and_then(|m| m.get(text))
            {
                return k.clone();
            }
        }
        let k = Classifier::builtin().classify_for_rules_with(text, sender, ctx);
        let mut memo = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if memo.len >= MEMO_CAP || memo.generation != generation {
            *memo = MemoMap {
                generation,
                ..MemoMap::default()
            };
        }
        let old = memo
            .by_sender
            .entry(key.to_string())
            .or_default()
            .entry(ctx.clone())
            .or_default()
            .insert(text.to_string(), k.clone());
        if old.is_none() {
            memo.len += 1;
        }
        k
    }
}

/// Bump when the engine's reading of the same inputs changes, so stores rebuild their flags.
const ENGINE_VERSION: &str = "rules-engine-2";

/// Digest of what the code reads the evidence with: the engine version and the built-in
/// classifier lexicon as embedded JSON (an update re-reads every SMS). The model is added by [`fingerprint_of`]:
/// it can be installed at run time (`classify::install_model`).
static CODE_KEY: once_cell::sync::Lazy<Vec<u8>> = once_cell::sync::Lazy::new(|| {
    let mut h = Sha256::new();
    h.update(ENGINE_VERSION);
    h.update(crate::classify::BUILTIN_LEXICON);
    h.finalize().to_vec()
});

/// The SHA-256 of the weights the process's classifier reads with (new weights, builtin or
/// installed, re-read every SMS); empty without a model.
fn model_key() -> Vec<u8> {
    Classifier::builtin()
        .model()
        .map(|m| m.digest().to_vec())
        .unwrap_or_default()
}

/// `rules_state` key: every event with an id up to this one has been evaluated (by a rebuild,
/// or by incremental evaluations of a contiguous run of ids). An import killed after storing a
/// batch but before evaluating it leaves events above it; [`refresh`] (and the next
/// [`evaluate_new`]) evaluate them, so stored evidence never stays without its flags.
const EVALUATED_THROUGH: &str = "evaluated_through";

fn max_event_id(c: &rusqlite::Connection) -> Result<EventId> {
    Ok(c.query_row("SELECT coalesce(max(id), 0) FROM events", [], |r| r.get(0))?)
}

fn evaluated_through(c: &rusqlite::Connection) -> Result<Option<EventId>> {
    Ok(rs::state_get(c, EVALUATED_THROUGH)?.and_then(|v| v.parse().ok()))
}

/// Ids above the evaluated mark and below `below` (the events a crash left unevaluated).
fn unevaluated_ids(c: &rusqlite::Connection, below: EventId) -> Result<Vec<EventId>> {
    let Some(mark) = evaluated_through(c)? else {
        return Ok(Vec::new());
    };
    let mut st = c.prepare_cached("SELECT id FROM events WHERE id > ?1 AND id < ?2 ORDER BY id")?;
    let ids = st
        .query_map([mark, below], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<EventId>>>()?;
    Ok(ids)
}

/// Moves the evaluated mark over `lo..=hi` when that run starts at or below the mark's next id
/// (in the flags' transaction, so the mark never claims more than what was stored with it).
fn advance_mark(tx: &rusqlite::Connection, (lo, hi): (EventId, EventId)) -> Result<()> {
    if let Some(mark) = evaluated_through(tx)? {
        if lo <= mark + 1 && hi > mark {
            rs::state_set(tx, EVALUATED_THROUGH, &hi.to_string())?;
        }
    }
    Ok(())
}

/// Re-evaluates the whole history and rewrites the (derived) flags table. Events are untouched.
pub fn rebuild(store: &Store) -> Result<RebuildSummary> {
    rebuild_with(store, Classifier::builtin())
}

/// Evaluates newly inserted events against the history and stores their flags; returns how
/// many flags were written. Falls back to a full rebuild when the settings, cases, annotations
/// or collector list changed since the flags were computed.
pub fn evaluate_new(store: &Store, events: &[EventId]) -> Result<usize> {
    evaluate_new_with(store, events, &store.engine().memo())
}

/// Rebuilds only if the inputs changed since the flags were last computed (a setting, a tag, an
/// annotation, the collector list), and evaluates stored events that never were (a killed
/// import); returns whether it did either. Cheap when nothing changed.
pub fn refresh(store: &Store) -> Result<bool> {
    refresh_with(store, Classifier::builtin())
}

/// [`refresh`] with a given classifier.
pub fn refresh_with(store: &Store, cls: &dyn Classify) -> Result<bool> {
    let _g = store.engine().lock();
    let mark = store.read(evaluated_through)?;
    let (Some(settings), Some(_)) = (unchanged_settings(store, None)?, mark) else {
        // No mark: a store from before the mark existed; one rebuild sets it.
        rebuild_locked(store, cls)?;
        return Ok(true);
    };
    let (ids, top) = store.read(|c| Ok((unevaluated_ids(c, EventId::MAX)?, max_event_id(c)?)))?;
    let Some(&lo) = ids.first() else {
        return Ok(false);
    };
    let news = store.read(|c| rs::load_new(c, &ids))?;
    if news.is_empty() {
        // Nothing but call updates of calls without contacts: nothing to evaluate.
        store.write(|tx| advance_mark(tx, (lo, top)))?;
    } else {
        evaluate_stored(store, &settings, news, cls, (lo, top))?;
    }
    Ok(true)
}

/// [`rebuild`] with a given classifier.
pub fn rebuild_with(store: &Store, cls: &dyn Classify) -> Result<RebuildSummary> {
    let _g = store.engine().lock();
    rebuild_locked(store, cls)
}

/// [`evaluate_new`] with a given classifier.
pub fn evaluate_new_with(store: &Store, events: &[EventId], cls: &dyn Classify) -> Result<usize> {
    let _g = store.engine().lock();
    if events.is_empty() {
        return Ok(0);
    }
    let Some(settings) = unchanged_settings(store, None)? else {
        return Ok(rebuild_locked(store, cls)?.flags);
    };
    // Events stored before these but never evaluated (a killed import) go along.
    let lo = *events.iter().min().expect("not empty");
    let hi = *events.iter().max().expect("not empty");
    let mut ids = store.read(|c| unevaluated_ids(c, lo))?;
    let covers = (ids.first().copied().unwrap_or(lo).min(lo), hi);
    ids.extend_from_slice(events);
    let news = store.read(|c| rs::load_new(c, &ids))?;
    evaluate_stored(store, &settings, news, cls, covers)
}

/// Evaluates events read back from the store (not an import's batch, which comes with its
/// classifications) and stores the results; returns how many flags were written.
fn evaluate_stored(
    store: &Store,
    settings: &crate::model::Settings,
    news: Vec<rs::RawContact>,
    cls: &dyn Classify,
    covers: (EventId, EventId),
) -> Result<usize> {
    evaluate_locked(
        store,
        settings,
        news,
        EventId::MAX,
        false,
        None,
        cls,
        covers,
        ByNumber::Index,
    )?
    .apply(store)
}

/// Holds `store`'s engine for one evaluation, or for a whole import.
pub(crate) fn lock(store: &Store) -> std::sync::MutexGuard<'_, ()> {
    store.engine().lock()
}

/// Whether the inputs differ from those of `pending` (the fingerprint of the last write handed
/// on), or of the stored flags when there is none. The caller holds [`lock`].
pub(crate) fn inputs_changed(store: &Store, pending: Option<&str>) -> Result<bool> {
    Ok(unchanged_settings(store, pending)?.is_none())
}

/// What evaluating an import's batch leaves to do.
pub(crate) enum Batch {
    /// Store these results (in order, after those of the batches before).
    Write(FlagWrite),
    /// The inputs changed: rebuild, once the writes handed on before are stored.
    Rebuild,
}

/// Evaluates a batch an import just stored, given as the importer built it (so it is not read
/// back). `upto` is the highest event id stored with the batch: the evaluation reads no newer
/// event, so it gives the same flags as [`evaluate_new`] right after the batch was stored even
/// while the importer already stores the next batch. `whole`: `news` are all the events with ids
/// from the smallest of theirs to `upto`, each an SMS or a call, so they need not be read back.
/// `classes`: the built-in classifier's results for the received SMS among `news` that matter
/// to the rules (the importer classifies on its parsing thread).
///
/// The results are stored by [`FlagWrite::apply`], so that an import evaluates the next batch
/// while the store writes these. The caller holds [`lock`]. `pending`: the input fingerprint
/// of the last [`FlagWrite`] handed on and maybe not yet stored (the stored one may be older).
pub(crate) fn evaluate_batch_locked(
    store: &Store,
    news: Vec<rs::RawContact>,
    upto: EventId,
    whole: bool,
    classes: HashMap<EventId, Classification>,
    pending: Option<&str>,
    by_number: ByNumber<'_>,
) -> Result<Batch> {
    if news.is_empty() {
        return Ok(Batch::Write(FlagWrite::nothing()));
    }
    let Some(settings) = unchanged_settings(store, pending)? else {
        return Ok(Batch::Rebuild);
    };
    let lo = news.iter().map(|n| n.id).min().unwrap_or(upto);
    evaluate_locked(
        store,
        &settings,
        news,
        upto,
        whole,
        Some(classes),
        &store.engine().memo(),
        (lo, upto),
        by_number,
    )
    .map(Batch::Write)
}

/// How an evaluation finds a number's events.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ByNumber<'a> {
    /// Through the events' (number, time) index.
    Index,
    /// An import left that index out (`store::bulk`): windows are read by time, and first
    /// contacts come from the import's record of them, which holds the events up to the batch.
    Deferred(&'a FirstContacts),
}

/// The results of one incremental evaluation, to be stored in one transaction (one fsync): the
/// old flags of the window out, the new ones in, and the engine's bookkeeping.
pub(crate) struct FlagWrite {
    /// The run of event ids the evaluation accounts for (see [`EVALUATED_THROUGH`]).
    covers: Option<(EventId, EventId)>,
    /// Numbers whose flags from `t0` on are replaced, the replay's output, and the fingerprint
    /// of the inputs it was computed from. `None`: nothing was replayed.
    replayed: Option<(Vec<String>, i64, engine::Output, String)>,
    /// The evaluation's working set (a batch's contacts and classifications: hundreds of
    /// thousands of small allocations), freed by whichever thread applies the write, so an
    /// import's engine thread goes on to the next batch at once.
    spent: Option<Box<dyn Send>>,
    /// The new collection SMS (see [`EngineState::unstored`]).
    sent: Vec<known::Sent>,
}

impl FlagWrite {
    fn nothing() -> FlagWrite {
        FlagWrite {
            covers: None,
            replayed: None,
            spent: None,
            sent: Vec::new(),
        }
    }

    /// The input fingerprint this write stores, if any.
    pub(crate) fn fingerprint(&self) -> Option<&str> {
        self.replayed.as_ref().map(|r| r.3.as_str())
    }

    /// Stores the results; returns how many flags were written.
    pub(crate) fn apply(self, store: &Store) -> Result<usize> {
        let FlagWrite {
            covers,
            replayed,
            spent,
            sent,
        } = self;
        if covers.is_none() && replayed.is_none() && sent.is_empty() {
            return Ok(0);
        }
        let n = store.write(|tx| {
            let mut n = 0;
            rs::add_collection_sms(tx, &sent)?;
            if let Some((numbers, t0, out, fp)) = &replayed {
                rs::delete_flags_for(tx, numbers, *t0)?;
                rs::insert_flags(tx, &out.flags)?;
                n = out.flags.len();
                finish(tx, &out.suggestions, fp)?;
            }
            if let Some(c) = covers {
                advance_mark(tx, c)?;
            }
            Ok(n)
        })?;
        if !sent.is_empty() {
            // Stored: evaluations read them from the store from now on.
            let ids: HashSet<EventId> = sent.iter().map(|s| s.id).collect();
            store.engine().unstored().retain(|s| !ids.contains(&s.id));
        }
        // Freed once stored (see `spent`).
        drop((replayed, spent));
        Ok(n)
    }
}

/// The incremental evaluation of `news` (new events, read as the engine reads contacts),
/// reading no event newer than `upto`; with `whole` and `known` (the classifications of the new
/// SMS), as for [`evaluate_batch_locked`]; `covers`: the run of event ids this evaluation
/// accounts for (see [`EVALUATED_THROUGH`]). Returns the results for [`FlagWrite::apply`] to
/// store. The caller holds [`lock`] and checked the fingerprint.
#[allow(clippy::too_many_arguments)]
fn evaluate_locked(
    store: &Store,
    settings: &crate::model::Settings,
    news: Vec<rs::RawContact>,
    upto: EventId,
    whole: bool,
    known: Option<HashMap<EventId, Classification>>,
    cls: &dyn Classify,
    covers: (EventId, EventId),
    by_number: ByNumber<'_>,
) -> Result<FlagWrite> {
    let pack = pack::builtin(settings.jurisdiction)?;
    let Some(t0) = news.iter().map(|n| n.utc_ms).min() else {
        return Ok(FlagWrite {
            covers: Some(covers),
            ..FlagWrite::nothing()
        });
    };
    let touched: BTreeSet<String> = crate::sort::set_of(news.iter().map(|n| n.number.clone()));
    // New collection SMS may make numbers collectors or join them to cases: flags of their
    // earlier contacts change too.
    let mut sms: Vec<Contact> =
        history::group(news.iter().filter(|n| !n.is_call).cloned().collect());
    crate::sort::sort_by_key(&mut sms, |c| (c.at.utc_ms, c.primary()));
    let classes = match known {
        Some(k) => k,
        None => classify(&sms, cls, i64::MIN),
    };
    let region = settings.jurisdiction.region();
    let within = i64::from(pack.suggest.within_hours) * 3_600_000;
    let lookback = (pack.lookback_days() * 86_400_000).max(within);
    // Joins need the writer, which an import's store stage holds most of the time: when the
    // batch's collection SMS would join nothing (their numbers are known and placed already),
    // the same reads are done on a reader instead.
    let joins = store.read(|c| {
        // A sender's collection SMS repeat the same facts: each combination is checked once.
        let mut settled = HashSet::new();
        for c_ in &sms {
            if let Some(k) = classes.get(&c_.primary()) {
                let facts = (
                    c_.number.as_str(),
                    c_.incoming,
                    k.collection,
                    k.creditor.as_deref(),
                    k.callback_numbers.as_slice(),
                );
                if settled.contains(&facts) {
                    continue;
                }
                if !join::unchanged(c, c_, k, region)? {
                    return Ok(true);
                }
                settled.insert(facts);
            }
        }
        Ok(false)
    })?;
    let (t0, numbers) = if joins {
        store.write(|tx| join_batch(tx, &sms, &classes, region, (t0, upto), touched, by_number))?
    } else {
        store.read(|c| {
            Ok((
                t0 - history::SAME_CALL_TOLERANCE_MS,
                case_mates(c, touched)?,
            ))
        })?
    };
    // The inputs these flags are computed from; if they change before the flags are stored,
    // the stored fingerprint no longer matches and the next evaluation rebuilds.
    let fp = fingerprint_of(store, settings)?;
    // Calls after new collection SMS may make unknown callers suggested members.
    let sms_span = sms
        .iter()
        .filter(|c| classes.get(&c.primary()).is_some_and(|k| k.collection))
        .map(|c| c.at.utc_ms)
        .fold(None, |span: Option<(i64, i64)>, t| {
            Some(span.map_or((t, t + within), |(a, b)| (a.min(t), b.max(t + within))))
        });
    let window = rs::Window {
        from_ms: t0 - lookback,
        sms_from_ms: t0 - within,
        all_calls: sms_span,
        upto,
    };
    let fresh = whole.then_some(news);
    let by_time = matches!(by_number, ByNumber::Deferred(_));
    let rows = store.read(|c| rs::load_contacts_for(c, &numbers, &window, fresh, by_time))?;
    let contacts = history::group(rows);
    // Earlier SMS only build up state, which needs no classification (their senders are already
    // known collectors), except the last ones that may start a case suggestion.
    let done: HashSet<EventId> = sms.iter().map(Contact::primary).collect();
    let sent = collection_sms(&sms, &classes);
    let classes = classify_rest(&contacts, cls, t0 - within, classes, &done);
    // Read in context: whether each sender is a known collector at its message. The collection
    // SMS not stored yet are taken before the stored ones are read: a write stored meanwhile
    // is then read from the store.
    let unstored = store.engine().unstored().clone();
    // The senders of the messages read (from `t0 - within` on, as `classify_rest`).
    let senders: Vec<String> = crate::sort::set_of(
        contacts
            .iter()
            .filter(|c| c.channel == pack::Channel::Sms && c.incoming && c.at.utc_ms >= t0 - within)
            .map(|c| c.number.clone()),
    )
    .into_iter()
    .collect();
    let mut known = store.read(|c| known::Known::load(c, &senders, t0 - within))?;
    known.add(unstored);
    known.add(sent.iter().cloned());
    store.engine().unstored().extend(sent.iter().cloned());
    let strict = collection_ids(&classes);
    let classes = read_in_context(&contacts, classes, &known, settings.role, cls, t0 - within);
    let world = load_world(store, pack, settings.role)?;
    let emit_for: HashSet<String> = numbers.into_iter().collect();
    let out = engine::replay(&world, &contacts, &classes, &strict, t0, Some(&emit_for));
    let numbers: Vec<String> = emit_for.into_iter().collect();
    Ok(FlagWrite {
        covers: Some(covers),
        replayed: Some((numbers, t0, out, fp)),
        spent: Some(Box::new((contacts, classes, world.cases, world.collectors))),
        sent,
    })
}

/// Applies what the new SMS say about cases (in the writer's transaction); returns the instant
/// from which to re-evaluate and the numbers to evaluate (`touched`, the numbers whose standing
/// changed, and every number of their cases).
fn join_batch(
    tx: &rusqlite::Connection,
    sms: &[Contact],
    classes: &HashMap<EventId, Classification>,
    region: crate::number::Region,
    (t0, upto): (i64, EventId),
    mut touched: BTreeSet<String>,
    by_number: ByNumber<'_>,
) -> Result<(i64, Vec<String>)> {
    let mut from = t0 - history::SAME_CALL_TOLERANCE_MS;
    for c in sms {
        if let Some(k) = classes.get(&c.primary()) {
            for n in join::from_sms(tx, c, k, region)? {
                let first = match by_number {
                    ByNumber::Index => rs::first_contact_ms(tx, &n, upto)?,
                    ByNumber::Deferred(f) => f.get(&n),
                };
                if let Some(ms) = first {
                    from = from.min(ms - history::SAME_CALL_TOLERANCE_MS);
                }
                touched.insert(n);
            }
        }
    }
    Ok((from, case_mates(tx, touched)?))
}

/// `touched` and every number of their cases: counts are per case.
fn case_mates(c: &rusqlite::Connection, touched: BTreeSet<String>) -> Result<Vec<String>> {
    let mut numbers = touched.clone();
    // Many touched numbers share a case: read each case's numbers once.
    let mut cases_read = HashSet::new();
    for n in &touched {
        if let Some((case, _, _)) = rs::number_case(c, n)? {
            if cases_read.insert(case) {
                numbers.extend(rs::case_numbers(c, case)?);
            }
        }
    }
    Ok(numbers.into_iter().collect())
}

/// A rebuild with the built-in classifier, by a caller holding [`lock`].
pub(crate) fn rebuild_locked_builtin(store: &Store) -> Result<RebuildSummary> {
    rebuild_locked(store, &store.engine().memo())
}

fn rebuild_locked(store: &Store, cls: &dyn Classify) -> Result<RebuildSummary> {
    let settings = store.settings()?;
    let pack = pack::builtin(settings.jurisdiction)?;
    // Read before the contacts: events stored meanwhile are read too (harmless), and the mark
    // claims no event the rebuild may not have seen.
    let top = store.read(max_event_id)?;
    let contacts = history::group(store.read(|c| rs::load_contacts(c, None))?);
    let classes = classify(&contacts, cls, i64::MIN);
    let region = settings.jurisdiction.region();
    let sent = collection_sms(&contacts, &classes);
    store.write(|tx| {
        rs::state_set(tx, "fingerprint", "")?;
        rs::clear_derived(tx)?;
        for c in &contacts {
            if let Some(k) = classes.get(&c.primary()) {
                join::from_sms(tx, c, k, region)?;
            }
        }
        rs::add_collection_sms(tx, &sent)
    })?;
    let mut known = store.read(|c| known::Known::load(c, &[], i64::MAX))?;
    known.add(sent);
    let strict = collection_ids(&classes);
    let classes = read_in_context(&contacts, classes, &known, settings.role, cls, i64::MIN);
    let fp = fingerprint_of(store, &settings)?;
    let world = load_world(store, pack, settings.role)?;
    let out = engine::replay(&world, &contacts, &classes, &strict, i64::MIN, None);
    // Loans above a legal line: flags of their own, resting on no event (crate::loan).
    let loan_flags = crate::loan::flags(store, pack, &settings.zone()?)?;
    store.write(|tx| {
        rs::delete_all_flags(tx)?;
        rs::insert_flags(tx, &out.flags)?;
        rs::insert_flags(tx, &loan_flags)?;
        rs::state_set(tx, EVALUATED_THROUGH, &top.to_string())?;
        finish(tx, &out.suggestions, &fp)
    })?;
    Ok(RebuildSummary {
        events: contacts.iter().map(|c| c.ids.len()).sum(),
        flags: out.flags.len() + loan_flags.len(),
    })
}

/// Stores suggestions and the fingerprint of the inputs the flags reflect, in the transaction
/// that stores the flags.
fn finish(
    tx: &rusqlite::Connection,
    suggestions: &[(String, i64, String)],
    fingerprint: &str,
) -> Result<()> {
    for (n, case, why) in suggestions {
        rs::add_suggestion(tx, n, *case, why)?;
    }
    rs::state_set(tx, "fingerprint", fingerprint)
}

/// Classifies the received SMS among `contacts` from `from_ms` on; keeps only those that matter
/// to the rules.
fn classify(
    contacts: &[Contact],
    cls: &dyn Classify,
    from_ms: i64,
) -> HashMap<EventId, Classification> {
    contacts
        .iter()
        .filter(|c| c.channel == pack::Channel::Sms && c.incoming && c.at.utc_ms >= from_ms)
        .filter_map(|c| {
            let k = cls.classify(c.body.as_deref()?, Some(&c.number_raw), &Context::default());
            (k.collection || !k.flags.is_empty()).then(|| (c.primary(), k))
        })
        .collect()
}

/// [`classify`], taking the results for the SMS in `done` from `known` (each SMS is read once
/// per evaluation: the new ones are classified before the history around them is read).
fn classify_rest(
    contacts: &[Contact],
    cls: &dyn Classify,
    from_ms: i64,
    mut known: HashMap<EventId, Classification>,
    done: &HashSet<EventId>,
) -> HashMap<EventId, Classification> {
    contacts
        .iter()
        .filter(|c| c.channel == pack::Channel::Sms && c.incoming && c.at.utc_ms >= from_ms)
        .filter_map(|c| {
            if done.contains(&c.primary()) {
                return known.remove(&c.primary()).map(|k| (c.primary(), k));
            }
            let k = cls.classify(c.body.as_deref()?, Some(&c.number_raw), &Context::default());
            (k.collection || !k.flags.is_empty()).then(|| (c.primary(), k))
        })
        .collect()
}

/// The SMS `strict` (strict readings) reads as collection.
fn collection_ids(strict: &HashMap<EventId, Classification>) -> HashSet<EventId> {
    strict
        .iter()
        .filter(|(_, k)| k.collection)
        .map(|(id, _)| *id)
        .collect()
}

/// The received SMS among `contacts` that `strict` (their strict readings) reads as collection.
fn collection_sms(
    contacts: &[Contact],
    strict: &HashMap<EventId, Classification>,
) -> Vec<known::Sent> {
    contacts
        .iter()
        .filter(|c| c.channel == pack::Channel::Sms && c.incoming)
        .filter(|c| strict.get(&c.primary()).is_some_and(|k| k.collection))
        .map(|c| known::Sent {
            utc_ms: c.at.utc_ms,
            id: c.primary(),
            offset_s: c.at.offset_secs,
            number: c.number.clone(),
        })
        .collect()
}

/// Reads the received SMS among `contacts` from `from_ms` on in their context: a known
/// collector's message (see [`known`]) is collector contact with each flag from its wording,
/// and on a third party's phone a collection message is also `third_party` (and `exposure`
/// where it names the debt). `strict`: their strict readings (those that matter to the
/// rules); returns the readings the rules use. A strict collection message on the borrower's
/// phone reads the same in context but for the reason, which is added without reading it again.
fn read_in_context(
    contacts: &[Contact],
    mut strict: HashMap<EventId, Classification>,
    known: &known::Known,
    role: crate::model::Role,
    cls: &dyn Classify,
    from_ms: i64,
) -> HashMap<EventId, Classification> {
    let third = role.is_third_party();
    let mut out = HashMap::with_capacity(strict.len());
    for c in contacts
        .iter()
        .filter(|c| c.channel == pack::Channel::Sms && c.incoming && c.at.utc_ms >= from_ms)
    {
        let id = c.primary();
        let k = strict.remove(&id);
        let why = known.at(&c.number, c.at.utc_ms, id);
        let ctx = Context {
            known_collector: why.map(|w| w.reason()),
            role: if third {
                crate::classify::Role::ThirdParty
            } else {
                crate::classify::Role::Borrower
            },
        };
        let reread = match (&ctx.known_collector, &k) {
            (None, None) => false,
            (None, Some(_)) => third,
            (Some(_), Some(k)) => third || !k.collection,
            (Some(_), None) => true,
        };
        let k = match (reread, c.body.as_deref()) {
            (true, Some(body)) => Some(cls.classify(body, Some(&c.number_raw), &ctx)),
            _ => k.map(|mut k| {
                if ctx.known_collector.is_some() {
                    k.context = ctx.explanation(k.collection);
                }
                k
            }),
        };
        if let Some(k) = k.filter(|k| k.collection || !k.flags.is_empty()) {
            out.insert(id, k);
        }
    }
    out
}

fn load_world<'p>(store: &Store, pack: &'p Pack, role: crate::model::Role) -> Result<World<'p>> {
    let (cases, collectors, user_numbers) = store.read(|c| {
        Ok((
            rs::case_map(c)?,
            known::outside_cases(c)?.into_iter().collect::<HashSet<_>>(),
            rs::user_numbers(c)?.into_iter().collect::<HashSet<_>>(),
        ))
    })?;
    let ids = store.read(rs::case_ids)?;
    let mut stops: Vec<Stop> = store
        .annotations()?
        .into_iter()
        .filter(|a| {
            matches!(
                a.data.kind,
                AnnotationKind::StopRequest | AnnotationKind::OptOut
            )
        })
        .filter_map(|a| {
            let case = match &a.data.case_name {
                // A stop request for a case that no longer exists matches nothing.
                Some(name) => Some(*ids.get(name.trim())?),
                None => None,
            };
            Some(Stop {
                id: a.id,
                kind: a.data.kind,
                case,
                at: a.data.at,
            })
        })
        .collect();
    crate::sort::sort_by_key(&mut stops, |s| (s.at.utc_ms, s.id));
    Ok(World {
        pack,
        role,
        cases,
        collectors,
        user_numbers,
        stops,
    })
}

fn stored_fingerprint(store: &Store) -> Result<Option<String>> {
    store.read(|c| rs::state_get(c, "fingerprint"))
}

/// The settings, if the inputs still have the fingerprint `expected` (an import's last write
/// handed on) or, without one, that of the stored flags; `None` when they changed and the flags
/// need a rebuild. An evaluation goes on with these settings rather than reading them again: a
/// change landing in between then shows in the fingerprint it stores (computed from these
/// settings), and the next evaluation rebuilds. Reading them twice once let a batch be
/// evaluated with new settings while recording them as the inputs of every flag before it.
fn unchanged_settings(
    store: &Store,
    expected: Option<&str>,
) -> Result<Option<crate::model::Settings>> {
    let expected = match expected {
        Some(fp) => Some(fp.to_string()),
        None => stored_fingerprint(store)?,
    };
    let settings = store.settings()?;
    Ok((Some(fingerprint_of(store, &settings)?) == expected).then_some(settings))
}

/// Digest of every input besides the events: settings, pack, cases, annotations, list.
fn fingerprint_of(store: &Store, settings: &crate::model::Settings) -> Result<String> {
    let pack = pack::builtin(settings.jurisdiction)?;
    let inputs = store.read(rs::inputs_summary)?;
    let mut h = Sha256::new();
    h.update(&*CODE_KEY);
    h.update(model_key());
    h.update(serde_json::to_string(settings)?);
    h.update(pack.version_key());
    h.update(inputs);
    Ok(crate::store::codec::hex(&h.finalize()))
}
