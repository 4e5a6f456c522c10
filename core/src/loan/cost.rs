//! What the loan costs: the cash flows as the borrower saw them and their internal rate of
//! return, annualised two ways.
//!
//! - **Annual rate (PBOC method)**: the IRR per period × periods per year, as the People's Bank
//!   of China requires annualised rates to be shown (announcement No. 3 of 2021). The period is
//!   the loan's own: a calendar month when every flow falls a whole number of months after the
//!   first money received (12 a year); the whole term for a loan repaid on one day (365 / days a
//!   year: the simple rate of a bullet loan); otherwise the largest number of days that divides
//!   every flow's day count (7 for weekly repayments: 365 / 7 a year; 1 for irregular dates).
//! - **Effective annual rate**: XIRR on day counts, actual/365: Σ aᵢ (1 + R)^(−dᵢ/365) = 0.
//!
//! The principal that counts is what was actually received (Civil Code art. 670): the
//! calculation starts from the money received, never from the contract's principal.

use super::irr::{self, CashFlow};
use super::record::{FlowKind, LoanRecord};
use crate::error::{Error, Result};
use chrono::{Months, NaiveDate};
use serde::Serialize;

/// The period the PBOC rate is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "unit", content = "n")]
pub enum Period {
    Month,
    Days(u32),
}

impl Period {
    pub fn per_year(self) -> f64 {
        match self {
            Period::Month => 12.0,
            Period::Days(n) => 365.0 / f64::from(n),
        }
    }
    /// Days in one period, on average (months: 365/12).
    fn days(self) -> f64 {
        match self {
            Period::Month => 365.0 / 12.0,
            Period::Days(n) => f64::from(n),
        }
    }
}

/// One row of the cash-flow table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    #[serde(serialize_with = "super::money::date::serialize")]
    pub date: NaiveDate,
    pub kind: FlowKind,
    /// Position in the record's list of this kind (0 = its first entry).
    pub index: usize,
    /// Minor units; + received by the borrower, − paid.
    pub amount: i64,
    /// Days after the first money received.
    pub day: i64,
    /// Periods after the first money received.
    pub t: f64,
    pub note: String,
}

/// Things the reader of the result must know.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Note {
    /// The flows have several IRRs; `chosen` is the one closest to the stated rate (or, with
    /// none stated, to zero). Annual rates, PBOC method.
    SeveralRoots { rates: Vec<f64>, chosen: f64 },
    /// Less was paid than received: the loan is not finished, or the record lacks payments.
    PaidLessThanReceived,
    /// Scheduled payments (`due`) are part of the calculation.
    IncludesDue,
    /// A fee was paid before any money was received.
    FeeBeforeLoan,
}

/// The result of the calculation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cost {
    pub period: Period,
    pub periods_per_year: f64,
    /// IRR per period (fraction, 0.05 = 5%).
    pub periodic_rate: f64,
    /// PBOC method: periodic rate × periods per year (fraction).
    pub annual_rate: f64,
    /// XIRR actual/365 (fraction); `None` when beyond what a float can show (above 10^15, or
    /// so close to −100% that 1 + R is zero).
    pub effective_rate: Option<f64>,
    /// Total received, paid (repaid + fees + due), and their difference, in minor units.
    pub received: i64,
    pub paid: i64,
    pub cost: i64,
    /// Contract principal minus what was received, when the contract names more (砍头息).
    pub deducted: Option<i64>,
    /// First money received to last flow.
    pub term_days: i64,
    pub rows: Vec<Row>,
    pub notes: Vec<Note>,
}

/// Effective annual rates above this are shown as "too large".
const MAX_EFFECTIVE: f64 = 1e15;

/// The period of the PBOC rate and each flow's time in it.
fn period_of(rec: &LoanRecord, start: NaiveDate) -> Period {
    let mut paid_days: Vec<NaiveDate> = rec
        .all_flows()
        .filter(|(k, _, _)| *k != FlowKind::Received)
        .map(|(_, _, f)| f.date)
        .collect();
    let one_receipt_day = rec.received.iter().all(|f| f.date == start);
    crate::sort::sort(&mut paid_days);
    paid_days.dedup();
    if one_receipt_day && paid_days.len() == 1 {
        if let Some(&end) = paid_days.first() {
            let days = (end - start).num_days();
            if days > 0 {
                return Period::Days(u32::try_from(days).unwrap_or(u32::MAX));
            }
        }
    }
    let dates: Vec<NaiveDate> = rec.all_flows().map(|(_, _, f)| f.date).collect();
    if dates.iter().all(|d| months_after(start, *d).is_some()) {
        return Period::Month;
    }
    let g = dates
        .iter()
        .map(|d| (*d - start).num_days().unsigned_abs())
        .fold(0u64, gcd);
    Period::Days(u32::try_from(g.max(1)).unwrap_or(1))
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Whole calendar months from `start` to `d` (month ends clamp: Jan 31 + 1 month = Feb 28),
/// when `d` is on or after `start` and falls on such a date.
fn months_after(start: NaiveDate, d: NaiveDate) -> Option<u32> {
    if d < start {
        return None;
    }
    (0..=600u32).find(|&k| start.checked_add_months(Months::new(k)) == Some(d))
}

/// The rate closest to `target` among `rates`.
fn closest(rates: &[f64], target: f64) -> f64 {
    *rates
        .iter()
        .min_by(|a, b| (*a - target).abs().total_cmp(&(*b - target).abs()))
        .expect("not empty")
}

/// Computes the cost of a validated record.
pub fn compute(rec: &LoanRecord) -> Result<Cost> {
    rec.validate()?;
    let start = rec.start().expect("validated: money received");
    let period = period_of(rec, start);
    let mut rows: Vec<Row> = rec
        .all_flows()
        .map(|(kind, index, f)| {
            let day = (f.date - start).num_days();
            let t = match period {
                Period::Month => f64::from(months_after(start, f.date).unwrap_or(0)),
                Period::Days(n) => day as f64 / f64::from(n),
            };
            let sign = if kind == FlowKind::Received { 1 } else { -1 };
            Row {
                date: f.date,
                kind,
                index,
                amount: sign * f.amount.0,
                day,
                t,
                note: f.note.clone(),
            }
        })
        .collect();
    // Date, then kind; within both, the record's order (the key is unique).
    crate::sort::sort_by_key(&mut rows, |r| (r.date, r.kind, r.index));
    let flows: Vec<CashFlow> = rows
        .iter()
        .map(|r| CashFlow {
            t: r.t,
            amount: r.amount as f64 / 100.0,
        })
        .collect();
    let xs = irr::roots_x(&flows);
    if xs.is_empty() {
        return Err(Error::InvalidInput(format!(
            "loan record: no interest rate makes these payments worth what was received (paid \
             {} against {} received); check the amounts and dates",
            super::money::show_cents(
                rows.iter()
                    .filter(|r| r.amount < 0)
                    .map(|r| -r.amount)
                    .sum()
            ),
            super::money::show_cents(rec.total(FlowKind::Received)),
        )));
    }
    let per_year = period.per_year();
    let annual: Vec<f64> = xs.iter().map(|x| x.exp_m1() * per_year).collect();
    let target = rec.stated_rate.map_or(0.0, |p| p / 100.0);
    let chosen = closest(&annual, target);
    let chosen_x = xs[annual
        .iter()
        .position(|a| *a == chosen)
        .expect("from the list")];
    let mut notes = Vec::new();
    if annual.len() > 1 {
        notes.push(Note::SeveralRoots {
            rates: annual.clone(),
            chosen,
        });
    }
    // The same flows on day counts; of several roots, the one nearest the chosen rate.
    let daily: Vec<CashFlow> = rows
        .iter()
        .map(|r| CashFlow {
            t: r.day as f64,
            amount: r.amount as f64 / 100.0,
        })
        .collect();
    let dx = irr::roots_x(&daily);
    let effective = (!dx.is_empty())
        .then(|| closest(&dx, chosen_x / period.days()))
        .map(|x| (365.0 * x).exp_m1())
        .filter(|r| r.is_finite() && *r < MAX_EFFECTIVE && *r > -1.0);
    let received = rec.total(FlowKind::Received);
    let paid: i64 = rows
        .iter()
        .filter(|r| r.amount < 0)
        .map(|r| -r.amount)
        .sum();
    if paid < received {
        notes.push(Note::PaidLessThanReceived);
    }
    if !rec.due.is_empty() {
        notes.push(Note::IncludesDue);
    }
    if rec.fees.iter().any(|f| f.date < start) {
        notes.push(Note::FeeBeforeLoan);
    }
    let first = rows.first().map_or(start, |r| r.date);
    let last = rows.last().map_or(start, |r| r.date);
    Ok(Cost {
        period,
        periods_per_year: per_year,
        periodic_rate: chosen_x.exp_m1(),
        annual_rate: chosen,
        effective_rate: effective,
        received,
        paid,
        cost: paid - received,
        deducted: rec.principal.map(|p| p.0 - received).filter(|d| *d > 0),
        term_days: (last - first.min(start)).num_days(),
        rows,
        notes,
    })
}
