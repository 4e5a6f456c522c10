//! The JSON that crosses JNI, declared once: what Kotlin sends (metadata objects, queries,
//! options; unknown fields are refused, so a field renamed on one side fails at once) and the
//! result shapes that are the bridge's own. Results that are core types (events, flags, cases,
//! pages, screening decisions) serialise as core declares them. `Json.kt` and `Model.kt` mirror
//! these; `tests/contract.rs` fails when a key Kotlin reads is one Rust no longer writes.

use crate::error::Result;
use dunwatch_core::report::Format;
use dunwatch_core::{CallDirection, EventId, EventSource, Instant, SmsDirection};
use serde::{Deserialize, Serialize};

/// An instant as Kotlin sends it; validated through `Instant::new` (offset range, representable).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct At {
    pub utc_ms: i64,
    pub offset_secs: i32,
}

impl At {
    pub fn instant(self) -> Result<Instant> {
        Ok(Instant::new(self.utc_ms, self.offset_secs)?)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsMeta {
    pub direction: SmsDirection,
    pub received: At,
    #[serde(default)]
    pub sent: Option<At>,
    #[serde(default)]
    pub sim_slot: Option<u8>,
    #[serde(default)]
    pub source: Option<EventSource>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallMeta {
    pub direction: CallDirection,
    pub start: At,
    #[serde(default)]
    pub ring_ms: Option<u64>,
    #[serde(default)]
    pub talk_ms: u64,
    #[serde(default)]
    pub sim_slot: Option<u8>,
    #[serde(default)]
    pub source: Option<EventSource>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallUpdateMeta {
    pub direction: CallDirection,
    #[serde(default)]
    pub ring_ms: Option<u64>,
    #[serde(default)]
    pub talk_ms: u64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventQueryIn {
    #[serde(default)]
    pub from_ms: Option<i64>,
    #[serde(default)]
    pub to_ms: Option<i64>,
    /// As the user typed it; normalised with the store's region.
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub case: Option<i64>,
    #[serde(default)]
    pub offset: usize,
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub newest_first: bool,
    /// Timeline only: collector contacts alone (a case's or listed number, or flagged).
    #[serde(default)]
    pub collectors_only: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagQueryIn {
    #[serde(default)]
    pub from_ms: Option<i64>,
    #[serde(default)]
    pub to_ms: Option<i64>,
    #[serde(default)]
    pub case: Option<i64>,
    #[serde(default)]
    pub rule: Option<String>,
    #[serde(default)]
    pub event: Option<EventId>,
    #[serde(default)]
    pub offset: usize,
    #[serde(default)]
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnotationMeta {
    pub at: At,
    #[serde(default)]
    pub event_id: Option<EventId>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentMeta {
    pub at: At,
    pub size: u64,
    #[serde(default)]
    pub event_id: Option<EventId>,
}

#[derive(Debug, Serialize)]
pub struct VerifyOut {
    pub ok: bool,
    #[serde(flatten)]
    pub report: dunwatch_core::store::VerifyReport,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    #[serde(default)]
    pub format: Option<Format>,
    /// `zh`, `zh-Hant` or `en` (`dunwatch_core::report::Lang`); default: zh for the CN pack, en
    /// otherwise (as the CLI).
    #[serde(default)]
    pub lang: Option<String>,
}

/// What was written.
#[derive(Debug, Serialize)]
pub struct Written {
    pub files: Vec<String>,
    /// Whether the evidence chains verified when the report was made.
    pub chain_ok: bool,
}

/// A loan record as stored, with what it costs against the pack's lines (`recordLoan`, `loan`).
#[derive(Debug, Serialize)]
pub struct LoanOut {
    /// The record's annotation id.
    pub id: i64,
    /// False when the case's newest record was already exactly this one (nothing stored).
    pub new: bool,
    pub supersedes: Option<i64>,
    pub record: dunwatch_core::loan::LoanRecord,
    /// `None` when a stored record no longer computes; `error` then says why.
    pub assessment: Option<LoanAssessmentOut>,
    pub error: Option<String>,
}

/// The rates (percent) and each legal line held against the loan.
#[derive(Debug, Serialize)]
pub struct LoanAssessmentOut {
    /// PBOC method (IRR per period × periods per year), percent.
    pub annual_rate_pct: f64,
    /// How it was annualised: "IRR per month × 12".
    pub method: String,
    /// XIRR actual/365, percent; `None` beyond what a float shows.
    pub effective_rate_pct: Option<f64>,
    pub currency: String,
    /// Amounts as decimal text ("7000.00").
    pub received: String,
    pub paid: String,
    pub cost: String,
    pub deducted: Option<String>,
    pub term_days: i64,
    pub lines: Vec<LoanLineOut>,
    /// The pack's statement that there is no numeric cap (when it has no lines): language code
    /// (each of the report's) → the text in it or in the nearest language the pack has.
    pub no_cap: std::collections::BTreeMap<String, String>,
}

/// One legal line and the loan's verdict against it.
#[derive(Debug, Serialize)]
pub struct LoanLineOut {
    pub rule: String,
    /// `annual`, `monthly`, `stated_monthly`, `daily`, `total_cost`.
    pub measure: String,
    pub limit_pct: f64,
    pub value_pct: f64,
    pub above: bool,
    pub source: String,
    pub severity: String,
}

/// The learned model the process now reads messages with (`installModel`).
#[derive(Debug, Serialize)]
pub struct ModelOut {
    pub version: String,
    /// Non-zero buckets of the weights file.
    pub entries: usize,
    /// SHA-256 of the file (hex), part of every store's rules fingerprint.
    pub sha256: String,
}
