//! Checking the stored flags against the evidence.
//!
//! Flags are derived data and sit outside the hash chains, so a person holding the file could
//! insert a forged flag or delete a real one with plain SQL. The audit re-derives every flag
//! from the events, settings and cases on a copy of the store in memory and compares the two
//! sets; a difference means the stored flags were changed outside dunwatch (or by a dunwatch
//! whose engine differs, which `refresh` settles before an audit).

use crate::error::Result;
use crate::store::{FlagQuery, FlagRecord, Store};
use serde::Serialize;
use std::collections::BTreeMap;

/// What identifies a flag: its rule, case, events and numbers.
type Key = (String, Option<String>, Vec<i64>, Vec<String>);

fn key(f: &FlagRecord) -> Key {
    let mut events: Vec<i64> = f.flag.events.clone();
    crate::sort::sort(&mut events);
    let mut numbers = f.flag.numbers.clone();
    crate::sort::sort(&mut numbers);
    (f.flag.rule.clone(), f.case_name.clone(), events, numbers)
}

fn multiset(flags: &[FlagRecord]) -> BTreeMap<Key, usize> {
    let mut m = BTreeMap::new();
    for f in flags {
        *m.entry(key(f)).or_insert(0) += 1;
    }
    m
}

/// One flag that is in one set and not the other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlagDiff {
    pub rule: String,
    pub case: Option<String>,
    pub events: Vec<i64>,
    pub numbers: Vec<String>,
}

/// The stored flags against the flags the evidence gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlagAudit {
    /// Whether the stored flags were derived from the inputs as they are now (settings, pack,
    /// engine, cases, annotations, list). When not, differences are expected (a newer dunwatch,
    /// or inputs changed outside it) and the next write or report derives the flags again.
    pub inputs_current: bool,
    pub stored: usize,
    pub derived: usize,
    /// Stored but not derived from the evidence: inserted or altered outside dunwatch.
    pub not_derived: Vec<FlagDiff>,
    /// Derived from the evidence but not stored: deleted outside dunwatch.
    pub missing: Vec<FlagDiff>,
    /// Derived but not stored yet because they rest on events dunwatch stored and had not
    /// evaluated when it stopped (killed between the two writes); the next open derives them.
    pub pending: Vec<FlagDiff>,
}

impl FlagAudit {
    /// The stored flags are the ones the evidence gives.
    pub fn ok(&self) -> bool {
        self.not_derived.is_empty() && self.missing.is_empty()
    }

    /// The stored flags were changed outside dunwatch: their inputs are current, yet they are
    /// not the ones those inputs give.
    pub fn tampered(&self) -> bool {
        self.inputs_current && !self.ok()
    }
}

fn diff(a: &BTreeMap<Key, usize>, b: &BTreeMap<Key, usize>) -> Vec<FlagDiff> {
    let mut out = Vec::new();
    for (k, n) in a {
        let m = b.get(k).copied().unwrap_or(0);
        for _ in m..*n {
            out.push(FlagDiff {
                rule: k.0.clone(),
                case: k.1.clone(),
                events: k.2.clone(),
                numbers: k.3.clone(),
            });
        }
    }
    out
}

/// Re-derives every flag on a copy of `store` in memory and compares with the stored ones.
pub fn audit(store: &Store) -> Result<FlagAudit> {
    let inputs_current = super::unchanged_settings(store, None)?.is_some();
    let stored = store.flags(&FlagQuery::default())?;
    let copy = store.copy_in_memory()?;
    super::rebuild(&copy)?;
    let derived = copy.flags(&FlagQuery::default())?;
    let (s, d) = (multiset(&stored), multiset(&derived));
    let unevaluated = store.read(|c| super::unevaluated_ids(c, crate::model::EventId::MAX))?;
    let (pending, missing) = diff(&d, &s)
        .into_iter()
        .partition(|f| f.events.iter().any(|e| unevaluated.contains(e)));
    Ok(FlagAudit {
        inputs_current,
        stored: stored.len(),
        derived: derived.len(),
        not_derived: diff(&s, &d),
        missing,
        pending,
    })
}
