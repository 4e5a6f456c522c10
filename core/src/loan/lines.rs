//! The legal lines a loan's cost is held against. The lines are data in each rule pack's
//! `[loan]` table (core/data/packs/*.toml): the measure, the limit (a percentage, or a multiple
//! of China's one-year LPR at the contract date), to whom the line applies; the legal source
//! is the pack rule the line names, so it is cited like every other rule.

use super::cost::{compute, Cost};
use super::record::{Lender, LoanRecord};
use crate::error::Result;
use crate::rules::Pack;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a line limits, always derived from the PBOC-method annual rate (every cost the
/// borrower paid, on the money actually received) unless said otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Percent a year.
    Annual,
    /// Percent a month: the annual rate / 12.
    Monthly,
    /// Percent a day: the annual rate / 365.
    Daily,
    /// Everything paid beyond what was received, as a percentage of what was received.
    TotalCost,
    /// The contract's stated interest rate, per month (stated annual / 12).
    StatedMonthly,
}

impl Measure {
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Annual => "annual",
            Measure::Monthly => "monthly",
            Measure::Daily => "daily",
            Measure::TotalCost => "total_cost",
            Measure::StatedMonthly => "stated_monthly",
        }
    }
}

fn all_lenders() -> Vec<Lender> {
    vec![Lender::Private, Lender::Licensed, Lender::Unknown]
}

/// One line of a pack.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// The pack rule raised when the loan is above the line (description and source).
    pub rule: String,
    pub measure: Measure,
    /// The limit in percent of the measure's unit.
    pub limit_pct: Option<f64>,
    /// Or: this many times the one-year LPR at the contract date (CN).
    pub lpr_multiple: Option<f64>,
    /// Lender types the line binds (a record of unknown lender is held against every line
    /// that lists `unknown`).
    #[serde(default = "all_lenders")]
    pub lenders: Vec<Lender>,
    /// Applies only when the user says this protection covers them (the record's `covered`).
    pub requires: Option<String>,
    /// Applies only up to this much received, in the pack's currency.
    pub max_received: Option<f64>,
    /// Applies only to loans of at most this many days (first money to last flow).
    pub max_term_days: Option<i64>,
}

/// One entry of the LPR table: the rate in force from `from` until the next entry.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LprEntry {
    pub from: String,
    pub pct: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LprTable {
    pub source: String,
    /// Language → the source in that language, where the pack gives it.
    #[serde(default)]
    pub source_in: BTreeMap<String, String>,
    /// The last fixing the table is known to cover; later contract dates use the last entry,
    /// and the report says so.
    pub known_through: String,
    pub one_year: Vec<LprEntry>,
}

/// A pack's `[loan]` table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoanRules {
    /// The currency the pack's amounts are in (and the CLI's default).
    pub currency: String,
    #[serde(default)]
    pub lines: Vec<Line>,
    /// Language → why the pack has no numeric line (or what it lacks).
    #[serde(default)]
    pub no_cap: BTreeMap<String, String>,
    pub lpr: Option<LprTable>,
}

fn day(s: &str) -> Option<NaiveDate> {
    super::money::date::parse(s).ok()
}

impl LoanRules {
    /// Checks the table against the pack's rules (called by the pack's validation).
    pub(crate) fn validate(&self, rule_ids: &[&str]) -> std::result::Result<(), String> {
        for l in &self.lines {
            if !rule_ids.contains(&l.rule.as_str()) {
                return Err(format!("loan line {} names no rule of the pack", l.rule));
            }
            match (l.limit_pct, l.lpr_multiple) {
                (Some(p), None) if p.is_finite() && p > 0.0 => {}
                (None, Some(m)) if m.is_finite() && m > 0.0 => {
                    if self.lpr.is_none() {
                        return Err(format!(
                            "loan line {}: lpr_multiple without [loan.lpr]",
                            l.rule
                        ));
                    }
                }
                _ => {
                    return Err(format!(
                        "loan line {}: give exactly one positive limit_pct or lpr_multiple",
                        l.rule
                    ))
                }
            }
            if l.lenders.is_empty() {
                return Err(format!("loan line {}: no lenders", l.rule));
            }
        }
        if let Some(t) = &self.lpr {
            if t.one_year.is_empty() || day(&t.known_through).is_none() {
                return Err("loan.lpr: empty table or bad known_through".into());
            }
            let mut prev: Option<NaiveDate> = None;
            for e in &t.one_year {
                let d = day(&e.from).ok_or(format!("loan.lpr: bad date {:?}", e.from))?;
                if prev.is_some_and(|p| p >= d) || !(0.0..100.0).contains(&e.pct) {
                    return Err(format!("loan.lpr: entry {} out of order or rate", e.from));
                }
                prev = Some(d);
            }
        }
        Ok(())
    }

    /// The one-year LPR in force on `d`: (percent, in force since, whether `d` is after the
    /// last fixing the table is known to cover). `None` before the first entry.
    pub fn lpr_on(&self, d: NaiveDate) -> Option<(f64, NaiveDate, bool)> {
        let t = self.lpr.as_ref()?;
        let e = t
            .one_year
            .iter()
            .filter_map(|e| Some((day(&e.from)?, e.pct)))
            .rfind(|(from, _)| *from <= d)?;
        let beyond = day(&t.known_through).is_some_and(|k| d > k);
        Some((e.1, e.0, beyond))
    }
}

/// How an LPR-based limit was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LprBasis {
    pub multiple: f64,
    pub lpr_pct: f64,
    /// The fixing in force on the contract date.
    #[serde(serialize_with = "super::money::date::serialize")]
    pub since: NaiveDate,
    #[serde(serialize_with = "super::money::date::serialize")]
    pub contract_date: NaiveDate,
    /// The contract date is after the table's last known fixing.
    pub beyond_table: bool,
    pub table_source: String,
}

/// A line held against the loan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineCheck {
    pub rule: String,
    pub measure: Measure,
    /// Percent, in the measure's unit.
    pub limit_pct: f64,
    pub value_pct: f64,
    pub above: bool,
    pub lpr: Option<LprBasis>,
    pub source: String,
    pub severity: String,
}

/// Why a line of the pack was not held against the loan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum NotApplicable {
    Lender { lender: Lender },
    NotCovered { requires: String },
    Amount { max: f64, currency: String },
    Term { max_days: i64 },
    NoStatedRate,
    NoLpr,
}

impl std::fmt::Display for NotApplicable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotApplicable::Lender { lender } => write!(f, "the lender is {}", lender.as_str()),
            NotApplicable::NotCovered { requires } => {
                write!(
                    f,
                    "only for borrowers covered by {requires} (--covered {requires})"
                )
            }
            NotApplicable::Amount { max, currency } => {
                write!(f, "only for loans of at most {max} {currency} received")
            }
            NotApplicable::Term { max_days } => {
                write!(f, "only for loans of at most {max_days} days")
            }
            NotApplicable::NoStatedRate => f.write_str("no stated rate given (--rate)"),
            NotApplicable::NoLpr => f.write_str("the contract predates the LPR table (2019-08-20)"),
        }
    }
}

/// A loan's cost held against its jurisdiction's lines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub record: LoanRecord,
    pub cost: Cost,
    pub checks: Vec<LineCheck>,
    pub not_applicable: Vec<(String, NotApplicable)>,
    /// Language → the pack's statement that there is no numeric cap, if it makes one.
    pub no_cap: BTreeMap<String, String>,
}

impl Assessment {
    /// The pack's no-cap statement in `lang`, else the nearest language it has (zh-Hant → zh → en).
    pub fn no_cap_in(&self, lang: &str) -> Option<&str> {
        crate::rules::pack::nearest(&self.no_cap, lang)
    }

    /// The no-cap statement for each report language ([`crate::report::Lang`]), each the nearest
    /// the pack has: what a screen needs to show it in its own language.
    pub fn no_cap_by_language(&self) -> BTreeMap<String, String> {
        crate::sort::map_of(crate::report::Lang::ALL.iter().filter_map(|l| {
            Some((
                l.as_str().to_string(),
                self.no_cap_in(l.as_str())?.to_string(),
            ))
        }))
    }

    pub fn above(&self) -> impl Iterator<Item = &LineCheck> {
        self.checks.iter().filter(|c| c.above)
    }
}

/// Rounding margin: a loan priced exactly on a line (up to the cents of its amounts and the
/// root finder's last digits) is on it, not above it.
const ON_LINE: f64 = 1e-9;

/// Computes the loan's cost and holds it against `pack`'s lines.
pub fn assess(rec: &LoanRecord, pack: &Pack) -> Result<Assessment> {
    let cost = compute(rec)?;
    let mut checks = Vec::new();
    let mut not_applicable = Vec::new();
    let Some(rules) = &pack.loan else {
        return Ok(Assessment {
            record: rec.clone(),
            cost,
            checks,
            not_applicable,
            no_cap: BTreeMap::new(),
        });
    };
    let annual = cost.annual_rate * 100.0;
    for l in &rules.lines {
        let skip = if !l.lenders.contains(&rec.lender) {
            Some(NotApplicable::Lender { lender: rec.lender })
        } else if let Some(r) = l.requires.as_ref().filter(|r| !rec.covered.contains(r)) {
            Some(NotApplicable::NotCovered {
                requires: r.clone(),
            })
        } else if let Some(max) = l
            .max_received
            .filter(|m| rec.currency != rules.currency || cost.received as f64 / 100.0 > *m)
        {
            Some(NotApplicable::Amount {
                max,
                currency: rules.currency.clone(),
            })
        } else if let Some(max) = l.max_term_days.filter(|m| cost.term_days > *m) {
            Some(NotApplicable::Term { max_days: max })
        } else if l.measure == Measure::StatedMonthly && rec.stated_rate.is_none() {
            Some(NotApplicable::NoStatedRate)
        } else {
            None
        };
        if let Some(s) = skip {
            not_applicable.push((l.rule.clone(), s));
            continue;
        }
        let value = match l.measure {
            Measure::Annual => annual,
            Measure::Monthly => annual / 12.0,
            Measure::Daily => annual / 365.0,
            Measure::TotalCost => cost.cost as f64 / cost.received as f64 * 100.0,
            Measure::StatedMonthly => rec.stated_rate.unwrap_or(0.0) / 12.0,
        };
        let (limit, lpr) = match (l.limit_pct, l.lpr_multiple) {
            (Some(p), _) => (p, None),
            (None, Some(m)) => {
                let date = rec.contract_or_start().expect("validated: money received");
                let Some((pct, since, beyond)) = rules.lpr_on(date) else {
                    not_applicable.push((l.rule.clone(), NotApplicable::NoLpr));
                    continue;
                };
                let basis = LprBasis {
                    multiple: m,
                    lpr_pct: pct,
                    since,
                    contract_date: date,
                    beyond_table: beyond,
                    table_source: rules
                        .lpr
                        .as_ref()
                        .map(|t| t.source.clone())
                        .unwrap_or_default(),
                };
                (m * pct, Some(basis))
            }
            (None, None) => continue,
        };
        let rule = pack.rule(&l.rule);
        checks.push(LineCheck {
            rule: l.rule.clone(),
            measure: l.measure,
            limit_pct: limit,
            value_pct: value,
            above: value > limit * (1.0 + ON_LINE),
            lpr,
            source: rule.map(|r| r.source.clone()).unwrap_or_default(),
            severity: rule.map_or_else(|| "high".to_string(), |r| r.severity.clone()),
        });
    }
    Ok(Assessment {
        record: rec.clone(),
        cost,
        checks,
        not_applicable,
        no_cap: rules.no_cap.clone(),
    })
}
