//! The use cases of dunwatch, one method each, over one evidence store and its rules engine.
//!
//! Flags, case joins and derived collector numbers are derived data: every write here re-derives
//! what it affects before it returns (a recorded event is evaluated incrementally; a tag, an
//! annotation, a collector list or new settings re-read the history when the engine's inputs
//! changed). The CLI and the JNI bridge call only these methods, so no caller can forget to.
//! [`Store`] and [`crate::rules`] stay public for tests and tools that need the parts.

mod pages;

pub use pages::{
    CasePage, DayCount, DayLimit, HoursWindow, RuleCount, RuleText, TimelineEntry, TodayCollector,
    TodayPage,
};

use crate::error::{Error, Result};
use crate::import::{self, ImportOptions, ImportSummary};
use crate::model::{
    CallUpdate, EventId, EventPayload, EventSource, NewEvent, Settings, StoredEvent,
};
use crate::report::{self, Exported, Format, Lang};
use crate::rules::{self, CollectorEntry, RebuildSummary, ScreenDecision, ScreenPolicy};
use crate::store::{
    Annotation, AnnotationKind, Attachment, Case, CaseId, EventQuery, FlagQuery, FlagRecord,
    Merged, NewAnnotation, NewAttachment, NumberInfo, Seal, SealCheck, Store, TagSource,
    VerifyReport,
};
use crate::time::Instant;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

/// Result of recording one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Recorded {
    pub id: EventId,
    /// False when the same event was already stored (nothing was added).
    pub new: bool,
    /// Flags the rules engine added for it.
    pub flags: usize,
}

/// An evidence store with its rules engine: the one place where a use case begins.
pub struct Evidence {
    store: Store,
}

impl Evidence {
    /// Opens (creating if needed) the store at `path`. With `settings`, a store whose settings
    /// differ is switched to them; then flags are re-derived if anything they depend on changed
    /// (new settings, a newer engine, events a killed import left unevaluated).
    pub fn open(path: impl AsRef<Path>, settings: Option<&Settings>) -> Result<Evidence> {
        if let Some(s) = settings {
            s.validate()?;
        }
        Self::with_store(Store::open(path)?, settings)
    }

    /// The store at `path` read into memory, without writing to the file (verify, report and
    /// list an archived or write-protected copy); flags are brought up to date on the copy.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Evidence> {
        Self::with_store(Store::open_read_only(path)?, None)
    }

    /// As [`Evidence::open_read_only`], with the flags left as stored: for reading the evidence
    /// chains (verify, seals), which do not depend on them.
    pub fn open_read_only_as_stored(path: impl AsRef<Path>) -> Result<Evidence> {
        Ok(Evidence {
            store: Store::open_read_only(path)?,
        })
    }

    /// A store in memory (tests, dry runs).
    pub fn open_in_memory(settings: Option<&Settings>) -> Result<Evidence> {
        if let Some(s) = settings {
            s.validate()?;
        }
        Self::with_store(Store::open_in_memory()?, settings)
    }

    fn with_store(store: Store, settings: Option<&Settings>) -> Result<Evidence> {
        if let Some(s) = settings {
            if store.settings()? != *s {
                store.set_settings(s)?;
            }
        }
        rules::refresh(&store)?;
        Ok(Evidence { store })
    }

    /// The store, for reads the methods here do not cover. Writing through it leaves the flags
    /// stale until the next method here re-derives them: use the methods instead.
    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn path(&self) -> Option<&Path> {
        self.store.path()
    }

    pub fn settings(&self) -> Result<Settings> {
        self.store.settings()
    }

    /// Changes the settings and re-reads the whole history under them.
    pub fn change_settings(&self, s: &Settings) -> Result<RebuildSummary> {
        self.store.set_settings(s)?;
        rules::rebuild(&self.store)
    }

    /// Reads a number with the store's jurisdiction as default region.
    pub fn parse_number(&self, raw: &str) -> Result<crate::PhoneNumber> {
        self.store.parse_number(raw)
    }

    /// Records an SMS or a call (or a call update) and evaluates it against the history.
    pub fn record(&self, ev: &NewEvent) -> Result<Recorded> {
        let ins = self.store.insert(ev)?;
        let flags = if ins.new {
            rules::evaluate_new(&self.store, &[ins.id])?
        } else {
            0
        };
        Ok(Recorded {
            id: ins.id,
            new: ins.new,
            flags,
        })
    }

    /// Appends what the call log later says about call `update.call` (its outcome and duration).
    pub fn update_call(&self, update: CallUpdate) -> Result<Recorded> {
        let id = update.call;
        match self.store.event(id)? {
            Some(ev) if matches!(ev.payload, EventPayload::Call(_)) => {}
            Some(_) => return Err(Error::InvalidInput(format!("event {id} is not a call"))),
            None => return Err(Error::NotFound(format!("no call with id {id}"))),
        }
        self.record(&NewEvent {
            source: EventSource::CallLog,
            payload: EventPayload::CallUpdate(update),
        })
    }

    /// The user says `number` belongs to case `case_name` (created if new), optionally saying
    /// whether the case is a third-party `collector`, the `creditor` or `unknown`.
    pub fn tag(&self, number: &str, case_name: &str, party: Option<&str>) -> Result<NumberInfo> {
        let info = self.store.tag_number(number, case_name, TagSource::User)?;
        if let Some(p) = party {
            self.store.set_case_party(case_name, p.trim())?;
        }
        rules::refresh(&self.store)?;
        Ok(info)
    }

    /// The user says `number` belongs to no case (and is never joined to one automatically).
    pub fn untag(&self, number: &str) -> Result<NumberInfo> {
        self.store.untag_number(number)?;
        rules::refresh(&self.store)?;
        let n = self.store.parse_number(number)?.normalized;
        self.store
            .number_info(&n)?
            .ok_or_else(|| Error::NotFound(format!("number {n}")))
    }

    /// Merges case `from` into case `into` (`Store::merge_cases`) and re-reads the flags: the
    /// day's limits now count the contacts of both.
    pub fn merge_cases(&self, from: &str, into: &str) -> Result<Merged> {
        let merged = self.store.merge_cases(from, into)?;
        rules::refresh(&self.store)?;
        Ok(merged)
    }

    /// Records a stop request, an opt-out or a note.
    pub fn annotate(&self, a: &NewAnnotation) -> Result<i64> {
        let id = self.store.add_annotation(a)?;
        // A stop request changes how later contacts already stored are read.
        rules::refresh(&self.store)?;
        Ok(id)
    }

    /// Pins a file (recording, photo of a letter) by its SHA-256.
    pub fn attach(&self, a: &NewAttachment) -> Result<i64> {
        self.store.add_attachment(a)
    }

    /// Pins the file at `path` by its SHA-256 and size, read here (the file stays where it is).
    pub fn attach_file(
        &self,
        path: &Path,
        case_name: Option<&str>,
        event_id: Option<EventId>,
        at: Instant,
    ) -> Result<i64> {
        use sha2::{Digest, Sha256};
        let mut file = std::fs::File::open(path)
            .map_err(|e| Error::InvalidInput(format!("cannot open {}: {e}", path.display())))?;
        let mut h = Sha256::new();
        let size = std::io::copy(&mut file, &mut h)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.attach(&NewAttachment {
            case_name: case_name.map(str::to_string),
            event_id,
            sha256: crate::store::codec::hex(&h.finalize()),
            name,
            size,
            at,
        })
    }

    /// Records what a loan really cost (chained like an annotation); flags are re-derived.
    pub fn record_loan(&self, rec: &crate::loan::LoanRecord) -> Result<crate::loan::AddedLoan> {
        let added = self.store.add_loan(rec)?;
        rules::refresh(&self.store)?;
        Ok(added)
    }

    /// The newest loan record of a case.
    pub fn loan(&self, case_name: &str) -> Result<Option<crate::loan::StoredLoan>> {
        self.store.loan(case_name)
    }

    /// Adds known collector numbers (a community list); returns how many were new.
    pub fn import_collectors(&self, entries: &[CollectorEntry]) -> Result<usize> {
        let n = self.store.import_collectors(entries)?;
        rules::refresh(&self.store)?;
        Ok(n)
    }

    /// Imports one backup file, detecting its format; `progress` receives the bytes read.
    pub fn import_file(
        &self,
        path: &Path,
        opts: &ImportOptions,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<ImportSummary> {
        import::import_path(&self.store, path, opts, progress)
    }

    /// [`Evidence::import_file`], with what was read and committed before a failure counted.
    pub fn import_file_outcome(
        &self,
        path: &Path,
        opts: &ImportOptions,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> import::Outcome {
        import::import_path_outcome(&self.store, path, opts, progress)
    }

    /// Imports from a byte stream, detecting its format.
    pub fn import_stream(
        &self,
        input: impl Read + Send,
        opts: &ImportOptions,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<ImportSummary> {
        import::import_reader(&self.store, input, opts, progress)
    }

    /// What to do with an incoming call from `number` at `at`, and why.
    pub fn screen(
        &self,
        number: &str,
        at: Instant,
        policy: &ScreenPolicy,
    ) -> Result<ScreenDecision> {
        rules::screen_with(&self.store, number, at, policy)
    }

    /// Re-derives every flag from the evidence (normally never needed: each write re-derives).
    pub fn recompute_flags(&self) -> Result<RebuildSummary> {
        rules::rebuild(&self.store)
    }

    /// How many flags the store holds and from how many contact events (what a rebuild would
    /// report).
    pub fn flag_summary(&self) -> Result<RebuildSummary> {
        self.store.read(|c| {
            let events: i64 = c.query_row(
                "SELECT count(*) FROM events WHERE kind IN ('sms', 'call') AND utc_ms IS NOT NULL",
                [],
                |r| r.get(0),
            )?;
            let flags: i64 = c.query_row("SELECT count(*) FROM flags", [], |r| r.get(0))?;
            Ok(RebuildSummary {
                events: usize::try_from(events).unwrap_or(0),
                flags: usize::try_from(flags).unwrap_or(0),
            })
        })
    }

    pub fn events(&self, q: &EventQuery) -> Result<Vec<StoredEvent>> {
        self.store.events(q)
    }

    pub fn event(&self, id: EventId) -> Result<Option<StoredEvent>> {
        self.store.event(id)
    }

    /// Number of stored events (call-log updates included).
    pub fn event_count(&self) -> Result<i64> {
        self.store.event_count()
    }

    pub fn flags(&self, q: &FlagQuery) -> Result<Vec<FlagRecord>> {
        self.store.flags(q)
    }

    pub fn cases(&self) -> Result<Vec<Case>> {
        self.store.cases()
    }

    /// Suggested case memberships: (number, case name, reason).
    pub fn case_suggestions(&self) -> Result<Vec<(String, String, String)>> {
        self.store.case_suggestions()
    }

    /// The imported collector list.
    pub fn collector_list(&self) -> Result<Vec<CollectorEntry>> {
        self.store.collectors()
    }

    pub fn annotations(&self) -> Result<Vec<Annotation>> {
        self.store.annotations()
    }

    pub fn attachments(&self) -> Result<Vec<Attachment>> {
        self.store.attachments()
    }

    /// The store's collector numbers: in a case, on the collector list, or derived from
    /// collection SMS (the one definition, [`rules::known`]).
    pub fn collector_numbers(&self) -> Result<BTreeSet<String>> {
        self.store.read(rules::known::numbers)
    }

    /// Flags per rule.
    pub fn flags_by_rule(&self) -> Result<BTreeMap<String, u64>> {
        import::flags_by_rule(&self.store)
    }

    /// Re-derives every flag on a copy in memory and compares them with the stored ones (flags
    /// sit outside the hash chains: this finds forged or deleted ones).
    pub fn audit_flags(&self) -> Result<crate::rules::audit::FlagAudit> {
        crate::rules::audit::audit(&self.store)
    }

    /// Recomputes every evidence chain.
    pub fn verify(&self) -> Result<VerifyReport> {
        self.store.verify()
    }

    /// A seal of the store as it is now: each chain's length and head, to give to someone the
    /// user trusts.
    pub fn seal(&self, now_ms: i64) -> Result<Seal> {
        self.store.seal(now_ms)
    }

    /// Whether the store still holds, unchanged, every row `seal` covers.
    pub fn check_seal(&self, seal: &Seal) -> Result<SealCheck> {
        self.store.check_seal(seal)
    }

    /// Writes the report (HTML) or an export (JSON, CSV) to `out`, flags made current first.
    pub fn export(&self, out: &Path, format: Format, lang: Option<Lang>) -> Result<Exported> {
        rules::refresh(&self.store)?;
        report::export(&self.store, out, format, lang)
    }

    /// The "today" page at `at`: each collector's contacts on that local day against the day's
    /// limits, whether contact is permitted at `at`, and the day's violations.
    pub fn today(&self, at: Instant) -> Result<TodayPage> {
        pages::today(&self.store, at)
    }

    /// One page of the timeline: contacts with the flags resting on each, filterable by case;
    /// with `collectors_only`, collector contacts only (a case's or listed number, or flagged).
    pub fn timeline(&self, q: &EventQuery, collectors_only: bool) -> Result<Vec<TimelineEntry>> {
        pages::timeline(&self.store, q, collectors_only)
    }

    /// One case: its numbers, contacts per local day, violations per rule with legal sources,
    /// and the stop requests and notes recorded for it.
    pub fn case_page(&self, case: CaseId) -> Result<CasePage> {
        pages::case_page(&self.store, case)
    }

    /// Every rule of the store's pack with its description and legal source in `lang` (`zh`,
    /// `zh-Hant`, `en`), the nearest the pack has where it has no text in that language
    /// ([`Pack::text_in`](crate::rules::pack::Pack::text_in)).
    pub fn rule_texts(&self, lang: &str) -> Result<Vec<RuleText>> {
        pages::rule_texts(&self.store, lang)
    }
}

/// How far apart a record the phone made live (the screening service's call, the SMS receiver's
/// message) and the row the system's call log or SMS provider later holds for it may be and still
/// be paired. Not [`SAME_CALL_TOLERANCE_MS`](crate::rules::history::SAME_CALL_TOLERANCE_MS): that
/// one merges two records already stored when the rules count calls; this one finds, before
/// anything is stored, which provider row is the live record's, and the provider's time stamp can
/// trail the live one by the time the system took to write its row (a call-log row is written
/// when the call ends; a default SMS app stores the message when it gets to it).
pub const PROVIDER_MATCH_WINDOW_MS: i64 = 60_000;

/// Facts core owns that the app's own logic (call-log matching, number display) must agree
/// with: read through the bridge instead of being written again in Kotlin.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Facts {
    /// Records of one number's calls whose starts are at most this far apart are one call.
    pub same_call_tolerance_ms: i64,
    /// What a withheld caller's number looks like (trimmed, lower case); stored as `hidden`.
    pub withheld_numbers: Vec<&'static str>,
    /// [`PROVIDER_MATCH_WINDOW_MS`]: a live record and its call-log or SMS-provider row.
    pub provider_match_window_ms: i64,
}

/// Core's [`Facts`].
pub fn facts() -> Facts {
    Facts {
        same_call_tolerance_ms: crate::rules::history::SAME_CALL_TOLERANCE_MS,
        withheld_numbers: crate::number::WITHHELD.to_vec(),
        provider_match_window_ms: PROVIDER_MATCH_WINDOW_MS,
    }
}

/// The kinds of annotation the user can record, by their names (`stop_request`, `opt_out`,
/// `note`).
pub fn annotation_kind(name: &str) -> Result<AnnotationKind> {
    AnnotationKind::from_name(name).ok_or_else(|| {
        Error::InvalidInput(format!(
            "unknown annotation kind {name:?}: use stop_request, opt_out or note"
        ))
    })
}

#[cfg(test)]
mod tests;
