//! Loan records as evidence: each is an annotation of kind `loan` in the annotations' hash
//! chain, its text the record's JSON. A correction is a new record for the same case, which
//! names the one it supersedes; nothing is ever edited. The newest record of a case counts.

use super::lines::{assess, Assessment};
use super::record::LoanRecord;
use crate::error::{Error, Result};
use crate::rules::Pack;
use crate::store::{append_annotation, AnnotationKind, NewAnnotation, NewFlag, Store};
use crate::time::{now_ms, Instant, Zone};
use serde::{Deserialize, Serialize};

/// The annotation text of a loan record.
#[derive(Serialize, Deserialize)]
struct Stored {
    v: u32,
    /// Id of the record of the same case this one replaces.
    #[serde(skip_serializing_if = "Option::is_none")]
    supersedes: Option<i64>,
    record: LoanRecord,
}

/// A loan record read back from the store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredLoan {
    /// Its annotation id.
    pub id: i64,
    pub supersedes: Option<i64>,
    /// When it was entered.
    pub at: Instant,
    pub record: LoanRecord,
}

/// Result of [`Store::add_loan`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddedLoan {
    pub id: i64,
    /// False when the case's newest record was already exactly this one (nothing stored).
    pub new: bool,
    pub supersedes: Option<i64>,
}

fn parse(a: &crate::store::Annotation) -> Result<StoredLoan> {
    let s: Stored = serde_json::from_str(&a.data.text)
        .map_err(|e| Error::Parse(format!("loan record #{}: {e}", a.id)))?;
    Ok(StoredLoan {
        id: a.id,
        supersedes: s.supersedes,
        at: a.data.at,
        record: s.record,
    })
}

impl Store {
    /// Checks a loan record (its entries and that a rate can be computed from them) and
    /// appends it to the evidence; nothing is stored when any check fails. The same record as
    /// the case's newest changes nothing (so a script may enter it again).
    pub fn add_loan(&self, rec: &LoanRecord) -> Result<AddedLoan> {
        let mut rec = rec.clone();
        rec.case_name = rec.case_name.trim().to_string();
        // The calculation validates the record and refuses flows without a rate.
        super::cost::compute(&rec)?;
        let zone = self.settings()?.zone()?;
        let at = Instant::in_zone(now_ms(), &zone)?;
        self.write(|tx| {
            let latest = crate::store::read_annotations_of(tx, AnnotationKind::Loan)?
                .into_iter()
                .rfind(|a| a.data.case_name.as_deref() == Some(rec.case_name.as_str()));
            let previous = latest.as_ref().map(parse).transpose()?;
            if let Some(p) = previous.as_ref().filter(|p| p.record == rec) {
                return Ok(AddedLoan {
                    id: p.id,
                    new: false,
                    supersedes: p.supersedes,
                });
            }
            let supersedes = previous.map(|p| p.id);
            let text = serde_json::to_string(&Stored {
                v: 1,
                supersedes,
                record: rec.clone(),
            })?;
            let id = append_annotation(
                tx,
                &NewAnnotation {
                    kind: AnnotationKind::Loan,
                    case_name: Some(rec.case_name.clone()),
                    event_id: None,
                    at,
                    text,
                },
            )?;
            Ok(AddedLoan {
                id,
                new: true,
                supersedes,
            })
        })
    }

    /// Every loan record ever entered, oldest first (superseded ones included).
    pub fn loan_history(&self) -> Result<Vec<StoredLoan>> {
        self.read(|c| {
            crate::store::read_annotations_of(c, AnnotationKind::Loan)?
                .iter()
                .map(parse)
                .collect()
        })
    }

    /// The record that counts for each case (its newest), by case name.
    pub fn loans(&self) -> Result<Vec<StoredLoan>> {
        let mut by_case: std::collections::BTreeMap<String, StoredLoan> = Default::default();
        for l in self.loan_history()? {
            by_case.insert(l.record.case_name.clone(), l);
        }
        Ok(by_case.into_values().collect())
    }

    /// The record that counts for one case.
    pub fn loan(&self, case_name: &str) -> Result<Option<StoredLoan>> {
        let name = case_name.trim();
        Ok(self
            .loan_history()?
            .into_iter()
            .rfind(|l| l.record.case_name == name))
    }
}

/// The violations of the stored loans against `pack`'s lines, as flags (rebuilt with the
/// other flags; a loan flag rests on no event). `zone`: the store's home zone, for the flag's
/// instant (the contract date's midnight).
pub(crate) fn flags(store: &Store, pack: &Pack, zone: &Zone) -> Result<Vec<NewFlag>> {
    let loans = store.loans()?;
    if loans.is_empty() {
        return Ok(Vec::new());
    }
    let ids = store.read(crate::rules::repo::case_ids)?;
    let mut out = Vec::new();
    for l in loans {
        // A stored record that no longer computes (a newer dunwatch is stricter) raises nothing;
        // the report shows the error.
        let Ok(a) = assess(&l.record, pack) else {
            continue;
        };
        out.extend(flags_of(
            &a,
            ids.get(&l.record.case_name).copied(),
            pack,
            zone,
        )?);
    }
    Ok(out)
}

/// The flags of one assessment.
pub fn flags_of(
    a: &Assessment,
    case_id: Option<i64>,
    pack: &Pack,
    zone: &Zone,
) -> Result<Vec<NewFlag>> {
    let date = a
        .record
        .contract_or_start()
        .expect("assessed: money received");
    // Midnight local time (the earlier one when a DST change repeats it; 01:00 when it skips).
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    let local = zone
        .earliest_utc_ms(&midnight)
        .or_else(|| zone.earliest_utc_ms(&date.and_hms_opt(1, 0, 0).expect("01:00 exists")))
        .unwrap_or(0);
    let at = Instant::in_zone(local, zone)?;
    let mut out = Vec::new();
    for c in a.above() {
        let describe = pack
            .rule(&c.rule)
            .map(|r| pack.describe(r))
            .unwrap_or_default();
        out.push(NewFlag {
            rule: c.rule.clone(),
            case_id,
            at,
            severity: c.severity.clone(),
            description: format!("{describe} — {}", super::explain(a, c)),
            source: c.source.clone(),
            events: Vec::new(),
            numbers: Vec::new(),
            detail: serde_json::json!({
                "check": "loan_cost",
                "measure": c.measure.as_str(),
                "value_pct": c.value_pct,
                "limit_pct": c.limit_pct,
                "annual_rate_pct": a.cost.annual_rate * 100.0,
                "effective_rate_pct": a.cost.effective_rate.map(|r| r * 100.0),
                "received": super::money::show_cents(a.cost.received),
                "paid": super::money::show_cents(a.cost.paid),
                "currency": a.record.currency,
                "lpr": c.lpr,
            })
            .into(),
        });
    }
    Ok(out)
}
