//! The loan record the user enters: what was actually received, what was paid, and what the
//! contract says. Checked as a whole before anything is stored; every error names its entry.

use super::money::{date, Money, MAX_AMOUNT};
use crate::error::{Error, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Who lent: it decides which legal line binds (CN: private lending vs licensed lenders).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lender {
    /// A person or company without a lending licence (CN private lending).
    Private,
    /// A bank, consumer finance company, licensed (online) microlender.
    Licensed,
    /// Not known: every line of the pack is shown.
    #[default]
    Unknown,
}

impl Lender {
    pub fn as_str(self) -> &'static str {
        match self {
            Lender::Private => "private",
            Lender::Licensed => "licensed",
            Lender::Unknown => "unknown",
        }
    }
    pub fn from_name(s: &str) -> Option<Lender> {
        Some(match s.trim() {
            "private" => Lender::Private,
            "licensed" => Lender::Licensed,
            "unknown" => Lender::Unknown,
            _ => return None,
        })
    }
}

/// One payment or receipt on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    #[serde(with = "date")]
    pub date: NaiveDate,
    pub amount: Money,
    /// Only to catch a flow entered in another currency than the loan's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Flow {
    pub fn new(date: NaiveDate, amount: Money) -> Flow {
        Flow {
            date,
            amount,
            currency: None,
            note: String::new(),
        }
    }

    /// Parses `DATE:AMOUNT[:NOTE]` (the CLI's `--received 2025-03-01:7000`).
    pub fn parse(s: &str) -> Result<Flow> {
        let mut parts = s.splitn(3, ':');
        let (Some(d), Some(a)) = (parts.next(), parts.next()) else {
            return Err(Error::InvalidInput(format!(
                "{s:?}: write DATE:AMOUNT, e.g. 2025-03-01:7000"
            )));
        };
        Ok(Flow {
            date: date::parse(d)?,
            amount: Money::parse(a)?,
            currency: None,
            note: parts.next().unwrap_or("").trim().to_string(),
        })
    }
}

/// The kinds of cash flow, in the order the record lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowKind {
    /// Money that reached the borrower (net of anything deducted).
    Received,
    /// A repayment made.
    Repaid,
    /// A fee paid separately (service, membership, "insurance", late fee...).
    Fee,
    /// A payment still to come, as the contract schedules it.
    Due,
}

impl FlowKind {
    pub const ALL: [FlowKind; 4] = [
        FlowKind::Received,
        FlowKind::Repaid,
        FlowKind::Fee,
        FlowKind::Due,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            FlowKind::Received => "received",
            FlowKind::Repaid => "repaid",
            FlowKind::Fee => "fee",
            FlowKind::Due => "due",
        }
    }
}

/// A loan as the borrower lived it. Amounts are in `currency`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoanRecord {
    /// The case (lender / collector) the loan belongs to.
    #[serde(rename = "case", default)]
    pub case_name: String,
    /// ISO 4217 code, e.g. CNY.
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub lender: Lender,
    /// When the contract was made (decides the CN LPR); default: the first money received.
    #[serde(default, with = "date::opt", skip_serializing_if = "Option::is_none")]
    pub contract_date: Option<NaiveDate>,
    /// The principal the contract names (may be more than what was received).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<Money>,
    /// The annual interest rate the contract states, in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stated_rate: Option<f64>,
    #[serde(default)]
    pub received: Vec<Flow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repaid: Vec<Flow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fees: Vec<Flow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub due: Vec<Flow>,
    /// Protections the user says cover them, by the pack's name (US: `mla`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covered: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Most cash flows of one loan (a daily-repayment loan over five years stays below).
pub const MAX_FLOWS: usize = 2_000;
/// Longest loan, first to last flow.
const MAX_SPAN_DAYS: i64 = 50 * 366;

/// An entry named as the user would find it: "repaid #3 (2025-06-01, 1000.00)".
pub struct EntryName<'a>(pub FlowKind, pub usize, pub &'a Flow);

impl fmt::Display for EntryName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} #{} ({}, {})",
            self.0.as_str(),
            self.1 + 1,
            self.2.date,
            self.2.amount
        )
    }
}

impl LoanRecord {
    /// A record with no flows yet.
    pub fn new(case_name: &str, currency: &str) -> LoanRecord {
        LoanRecord {
            case_name: case_name.to_string(),
            currency: currency.to_string(),
            lender: Lender::Unknown,
            contract_date: None,
            principal: None,
            stated_rate: None,
            received: Vec::new(),
            repaid: Vec::new(),
            fees: Vec::new(),
            due: Vec::new(),
            covered: Vec::new(),
            note: String::new(),
        }
    }

    /// Reads a record from JSON (the app's form, `dunwatch loan --file x.json`).
    pub fn from_json(text: &str) -> Result<LoanRecord> {
        serde_json::from_str(text).map_err(|e| Error::Parse(format!("loan record: {e}")))
    }

    /// Reads a record from TOML (`dunwatch loan --file x.toml`).
    #[cfg(feature = "toml-files")]
    pub fn from_toml(text: &str) -> Result<LoanRecord> {
        toml::from_str(text).map_err(|e| Error::Parse(format!("loan record: {e}")))
    }

    pub fn flows(&self, kind: FlowKind) -> &[Flow] {
        match kind {
            FlowKind::Received => &self.received,
            FlowKind::Repaid => &self.repaid,
            FlowKind::Fee => &self.fees,
            FlowKind::Due => &self.due,
        }
    }

    pub fn flows_mut(&mut self, kind: FlowKind) -> &mut Vec<Flow> {
        match kind {
            FlowKind::Received => &mut self.received,
            FlowKind::Repaid => &mut self.repaid,
            FlowKind::Fee => &mut self.fees,
            FlowKind::Due => &mut self.due,
        }
    }

    /// Every flow with its kind and index within its list.
    pub fn all_flows(&self) -> impl Iterator<Item = (FlowKind, usize, &Flow)> {
        FlowKind::ALL.into_iter().flat_map(move |k| {
            self.flows(k)
                .iter()
                .enumerate()
                .map(move |(i, f)| (k, i, f))
        })
    }

    /// Sum of one kind of flow, in minor units.
    pub fn total(&self, kind: FlowKind) -> i64 {
        self.flows(kind).iter().map(|f| f.amount.0).sum()
    }

    /// The first day money reached the borrower.
    pub fn start(&self) -> Option<NaiveDate> {
        self.received.iter().map(|f| f.date).min()
    }

    /// The contract date, or the first receipt.
    pub fn contract_or_start(&self) -> Option<NaiveDate> {
        self.contract_date.or_else(|| self.start())
    }

    /// Checks everything that does not need the rate: names the first bad entry.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::InvalidInput(format!("loan record: {m}")));
        let name = self.case_name.trim();
        if name.is_empty() || name.len() > 200 || name.chars().any(char::is_control) {
            return bad("the case name must be 1 to 200 printable characters".into());
        }
        let cur = &self.currency;
        if cur.len() != 3 || !cur.bytes().all(|b| b.is_ascii_uppercase()) {
            return bad(format!(
                "currency {cur:?}: give the ISO code in capitals, e.g. CNY, USD, PHP"
            ));
        }
        if self.received.is_empty() {
            return bad(
                "no money received: add what actually reached you, e.g. --received \
                 2025-03-01:7000"
                    .into(),
            );
        }
        let n = self.all_flows().count();
        if n > MAX_FLOWS {
            return bad(format!("{n} cash flows; at most {MAX_FLOWS}"));
        }
        if self.repaid.is_empty() && self.fees.is_empty() && self.due.is_empty() {
            return bad(
                "nothing repaid, paid or due: the cost of a loan needs its payments (--repaid, \
                 --fee, or the contract's schedule with --due)"
                    .into(),
            );
        }
        for kind in FlowKind::ALL {
            let list = self.flows(kind);
            for (i, f) in list.iter().enumerate() {
                if let Some(c) = &f.currency {
                    if c.trim() != cur {
                        return bad(format!(
                            "{} is in {c} but the loan is in {cur}: one loan, one currency",
                            EntryName(kind, i, f)
                        ));
                    }
                }
                if f.note.len() > 1000 || f.note.chars().any(char::is_control) {
                    return bad(format!(
                        "{}: the note must be at most 1000 printable characters",
                        EntryName(kind, i, f)
                    ));
                }
                if let Err(e) = Money::checked(f.amount.0) {
                    return bad(format!("{}: amount {e}", EntryName(kind, i, f)));
                }
                if i > 0 && f.date < list[i - 1].date {
                    return bad(format!(
                        "dates out of order: {} comes after {} in the list but is dated before \
                         it (list each kind in date order)",
                        EntryName(kind, i, f),
                        EntryName(kind, i - 1, &list[i - 1])
                    ));
                }
            }
            let total: i64 = list.iter().map(|f| f.amount.0).sum();
            if total > MAX_AMOUNT {
                return bad(format!(
                    "the {} entries add up to more than 1,000,000,000",
                    kind.as_str()
                ));
            }
        }
        let start = self.start().expect("received is not empty");
        for kind in [FlowKind::Repaid, FlowKind::Due] {
            for (i, f) in self.flows(kind).iter().enumerate() {
                if f.date < start {
                    return bad(format!(
                        "{} is before the loan: the first money was received on {start}",
                        EntryName(kind, i, f)
                    ));
                }
            }
        }
        if let Some(c) = self.contract_date {
            if c > start {
                return bad(format!(
                    "the contract date {c} is after the first money received ({start})"
                ));
            }
        }
        let first = self.all_flows().map(|f| f.2.date).min().unwrap_or(start);
        let last = self.all_flows().map(|f| f.2.date).max().unwrap_or(start);
        if (last - first).num_days() > MAX_SPAN_DAYS {
            return bad(format!(
                "the cash flows span {first} to {last}, more than 50 years"
            ));
        }
        if let Some(p) = self.principal {
            if let Err(e) = Money::checked(p.0) {
                return bad(format!("contract principal {p}: {e}"));
            }
        }
        if let Some(r) = self.stated_rate {
            if !r.is_finite() || !(0.0..=100_000.0).contains(&r) {
                return bad(format!(
                    "stated rate {r}: give the contract's annual rate in percent, 0 to 100000"
                ));
            }
        }
        for c in &self.covered {
            if c.is_empty() || c.len() > 32 || !c.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return bad(format!(
                    "covered {c:?}: a protection's short name, e.g. mla"
                ));
            }
        }
        if self.note.len() > 4000 {
            return bad("the note is longer than 4000 bytes".into());
        }
        Ok(())
    }
}
