//! What a loan really costs: the borrower's own record of the money received and paid
//! ([`LoanRecord`], kept as evidence in the annotations' hash chain), its annualised rate from
//! the actual cash flows ([`cost`]), and the legal lines of the jurisdiction's rule pack it is
//! held against ([`lines`]). A loan above a line is a violation of its own (`CN.RATE.*`,
//! `US.RATE.MLA`, ...), stored with the other flags when they are rebuilt.

pub mod cost;
pub mod irr;
pub mod lines;
pub mod money;
pub mod record;
mod stored;

pub use cost::{compute, Cost, Note, Period};
pub use lines::{assess, Assessment, LineCheck, LoanRules, Measure, NotApplicable};
pub use money::Money;
pub use record::{Flow, FlowKind, Lender, LoanRecord};
pub(crate) use stored::flags;
pub use stored::{flags_of, AddedLoan, StoredLoan};

/// A percentage with two decimals and grouped thousands: "1,564.29%".
pub fn pct(v: f64) -> String {
    if !v.is_finite() {
        return "∞".into();
    }
    let s = format!("{:.2}", v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{}{grouped}.{frac}%", if v < 0.0 { "-" } else { "" })
}

/// How the rate was annualised, in words: "IRR per month × 12".
pub fn method(c: &Cost) -> String {
    match c.period {
        Period::Month => "IRR per month × 12".into(),
        Period::Days(1) => "IRR per day × 365".into(),
        Period::Days(n) => format!("IRR per {n} days × 365/{n}"),
    }
}

/// One line's facts in plain English, for the flag's description.
pub fn explain(a: &Assessment, c: &LineCheck) -> String {
    let unit = match c.measure {
        Measure::Annual => " a year",
        Measure::Monthly | Measure::StatedMonthly => " a month",
        Measure::Daily => " a day",
        Measure::TotalCost => " of the money received",
    };
    let basis = match &c.lpr {
        Some(l) => format!(
            " ({} × the one-year LPR of {} in force on the contract date {}, fixed {})",
            l.multiple,
            pct(l.lpr_pct),
            l.contract_date,
            l.since
        ),
        None => String::new(),
    };
    let (value, limit) = (pct(c.value_pct), pct(c.limit_pct));
    let cur = &a.record.currency;
    let received = money::show_cents(a.cost.received);
    match c.measure {
        Measure::StatedMonthly => {
            format!("the contract states {value}{unit}, above the line of {limit}{unit}")
        }
        Measure::TotalCost => format!(
            "paid {} {cur} beyond the {received} {cur} received: {value}{unit}, above the line \
             of {limit}{unit}",
            money::show_cents(a.cost.cost)
        ),
        _ => format!(
            "cost of credit {value}{unit} ({}, PBOC announcement No. 3 of 2021, on the \
             {received} {cur} actually received), above the line of {limit}{unit}{basis}",
            method(&a.cost)
        ),
    }
}

#[cfg(test)]
mod tests;
