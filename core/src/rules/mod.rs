//! Jurisdiction rule packs and the rules engine. INTERFACE ONLY for now (issue 4 writes it):
//! the signatures below are what the CLI, import and JNI layers call.

use crate::error::Result;
use crate::model::EventId;
use crate::store::Store;

/// Summary of a flag rebuild.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RebuildSummary {
    pub events: usize,
    pub flags: usize,
}

/// Re-evaluates the whole history and rewrites the (derived) flags table. Events are untouched.
pub fn rebuild(_store: &Store) -> Result<RebuildSummary> {
    Ok(RebuildSummary::default())
}

/// Evaluates newly inserted events against the history and appends their flags.
pub fn evaluate_new(_store: &Store, _events: &[EventId]) -> Result<usize> {
    Ok(0)
}
