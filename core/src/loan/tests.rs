//! Worked examples, each checked against a computation written here (closed forms, or a plain
//! bisection on the present value), never against the code under test.

use super::*;
use crate::model::Jurisdiction;
use crate::rules::builtin_pack;
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn flow(date: &str, units: f64) -> Flow {
    Flow::new(d(date), Money((units * 100.0).round() as i64))
}

/// Plain bisection for the root of a decreasing-then-sign-changing function on [lo, hi].
fn bisect(f: impl Fn(f64) -> f64, mut lo: f64, mut hi: f64) -> f64 {
    let neg_lo = f(lo) < 0.0;
    assert_ne!(neg_lo, f(hi) < 0.0, "no sign change on [{lo}, {hi}]");
    for _ in 0..300 {
        let mid = 0.5 * (lo + hi);
        if (f(mid) < 0.0) == neg_lo {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The effective annual rate by brute force: Σ aᵢ (1 + R)^(−dᵢ/365) = 0 on day counts.
fn xirr_by_bisection(flows: &[(NaiveDate, f64)], lo: f64, hi: f64) -> f64 {
    let start = flows[0].0;
    bisect(
        |r| {
            flows
                .iter()
                .map(|(dt, a)| a * (1.0 + r).powf(-((*dt - start).num_days() as f64) / 365.0))
                .sum()
        },
        lo,
        hi,
    )
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

fn cn() -> &'static crate::rules::Pack {
    builtin_pack(Jurisdiction::Cn).unwrap()
}

/// 10,000 on the contract, 7,000 paid out, 12 monthly repayments of 1,000.
fn head_cut() -> LoanRecord {
    let mut r = LoanRecord::new("速借花", "CNY");
    r.principal = Some(Money(1_000_000));
    r.stated_rate = Some(24.0);
    r.received.push(flow("2025-03-01", 7000.0));
    for m in 0..12 {
        let date = d("2025-04-01")
            .checked_add_months(chrono::Months::new(m))
            .unwrap();
        r.repaid.push(Flow::new(date, Money(100_000)));
    }
    r
}

#[test]
fn head_cut_loan_counts_what_was_received() {
    let rec = head_cut();
    let c = compute(&rec).unwrap();
    // Annuity: 7000 = 1000 · (1 − (1 + i)^−12) / i, solved by bisection on the closed form.
    let i = bisect(
        |i: f64| 7000.0 - 1000.0 * (1.0 - (1.0 + i).powi(-12)) / i,
        1e-6,
        1.0,
    );
    assert_eq!(c.period, Period::Month);
    assert!(
        close(c.periodic_rate, i, 1e-9),
        "{} vs {i}",
        c.periodic_rate
    );
    assert!(close(c.annual_rate, 12.0 * i, 1e-9));
    // About 9.45% a month, 113.4% a year.
    assert!((1.13..1.14).contains(&c.annual_rate), "{}", c.annual_rate);
    // Effective annual rate on the actual day counts (months of 28 to 31 days).
    let mut flows = vec![(d("2025-03-01"), 7000.0)];
    flows.extend(rec.repaid.iter().map(|f| (f.date, -1000.0)));
    let ear = xirr_by_bisection(&flows, 0.0, 10.0);
    assert!(
        close(c.effective_rate.unwrap(), ear, 1e-9),
        "{:?} vs {ear}",
        c.effective_rate
    );
    // Roughly (1 + i)^12 − 1, but not exactly: the months are not equal.
    assert!(close(ear, (1.0 + i).powi(12) - 1.0, 0.02));
    assert_eq!(c.deducted, Some(300_000));
    assert_eq!((c.received, c.paid, c.cost), (700_000, 1_200_000, 500_000));
    // Had the contract's 10,000 counted, the rate would be far lower (about 35% a year).
    let on_contract = bisect(
        |i: f64| 10_000.0 - 1000.0 * (1.0 - (1.0 + i).powi(-12)) / i,
        1e-6,
        1.0,
    );
    assert!(c.annual_rate > 2.0 * 12.0 * on_contract);

    // Against the CN lines: the contract date's LPR is 3.10% (fixed 2024-10-21).
    let a = assess(&rec, cn()).unwrap();
    let lpr = a.checks.iter().find(|k| k.rule == "CN.RATE.LPR4").unwrap();
    assert!(close(lpr.limit_pct, 12.4, 1e-12), "{}", lpr.limit_pct);
    assert_eq!(lpr.lpr.as_ref().unwrap().since, d("2024-10-21"));
    assert!(lpr.above && close(lpr.value_pct, 1200.0 * i, 1e-9));
    let above: Vec<&str> = a.above().map(|k| k.rule.as_str()).collect();
    assert_eq!(above, ["CN.RATE.LPR4", "CN.RATE.36", "CN.RATE.24"]);
    // A licensed lender is not held against the private-lending line.
    let mut licensed = rec.clone();
    licensed.lender = Lender::Licensed;
    let a = assess(&licensed, cn()).unwrap();
    assert!(a.checks.iter().all(|k| k.rule != "CN.RATE.LPR4"));
    assert!(a
        .not_applicable
        .iter()
        .any(|(r, w)| r == "CN.RATE.LPR4" && matches!(w, NotApplicable::Lender { .. })));
}

#[test]
fn seven_day_loan_with_a_fee() {
    let mut rec = LoanRecord::new("quick", "GBP");
    rec.received.push(flow("2025-05-01", 1000.0));
    rec.repaid.push(flow("2025-05-08", 1000.0));
    rec.fees.push(flow("2025-05-08", 300.0));
    let c = compute(&rec).unwrap();
    // One payment day: the period is the term, 7 days; 300 / 1000 = 30% per period.
    assert_eq!(c.period, Period::Days(7));
    assert!(close(c.periodic_rate, 0.3, 1e-12));
    // PBOC: 30% × 365 / 7 (the simple annual rate of a one-payment loan).
    assert!(
        close(c.annual_rate, 0.3 * 365.0 / 7.0, 1e-12),
        "{}",
        c.annual_rate
    );
    // Effective: 1.3^(365/7) − 1, about 87 million percent.
    let ear = 1.3f64.powf(365.0 / 7.0) - 1.0;
    assert!(
        close(c.effective_rate.unwrap(), ear, 1e-9),
        "{:?} {ear}",
        c.effective_rate
    );
    // UK: 4.29% a day against 0.8%; 30% total cost is within the 100% cap.
    let a = assess(&rec, builtin_pack(Jurisdiction::Uk).unwrap()).unwrap();
    let daily = a.checks.iter().find(|k| k.rule == "UK.RATE.DAILY").unwrap();
    assert!(daily.above && close(daily.value_pct, 30.0 / 7.0, 1e-12));
    let total = a.checks.iter().find(|k| k.rule == "UK.RATE.TOTAL").unwrap();
    assert!(!total.above && close(total.value_pct, 30.0, 1e-12));
}

#[test]
fn irregular_repayments_use_day_counts() {
    let mut rec = LoanRecord::new("weekly", "CNY");
    rec.received.push(flow("2025-01-06", 5000.0));
    let pays = [
        ("2025-01-13", 900.0),
        ("2025-01-21", 900.0),
        ("2025-01-27", 1200.0),
        ("2025-02-05", 800.0),
        ("2025-02-10", 1000.0),
        ("2025-02-19", 750.5),
    ];
    for (dt, a) in pays {
        rec.repaid.push(flow(dt, a));
    }
    let c = compute(&rec).unwrap();
    // Offsets 7, 15, 21, 30, 35, 44 days have no common divisor: the period is one day.
    assert_eq!(c.period, Period::Days(1));
    let mut flows = vec![(d("2025-01-06"), 5000.0)];
    flows.extend(pays.iter().map(|(dt, a)| (d(dt), -a)));
    let start = flows[0].0;
    let daily = bisect(
        |r| {
            flows
                .iter()
                .map(|(dt, a)| a * (1.0 + r).powi(-((*dt - start).num_days() as i32)))
                .sum()
        },
        0.0,
        1.0,
    );
    assert!(
        close(c.annual_rate, daily * 365.0, 1e-9),
        "{} {}",
        c.annual_rate,
        daily * 365.0
    );
    let ear = xirr_by_bisection(&flows, 0.0, 1e6);
    assert!(close(c.effective_rate.unwrap(), ear, 1e-9));
    assert!(close(ear, (1.0 + daily).powi(365) - 1.0, 1e-9));

    // Exactly weekly repayments: the period is 7 days and the year has 365/7 of them.
    let mut weekly = LoanRecord::new("weekly", "CNY");
    weekly.received.push(flow("2025-01-06", 3000.0));
    for k in 1..=5 {
        let dt = d("2025-01-06") + chrono::Days::new(7 * k);
        weekly.repaid.push(Flow::new(dt, Money(70_000)));
    }
    let c = compute(&weekly).unwrap();
    assert_eq!(c.period, Period::Days(7));
    let w = bisect(
        |i: f64| 3000.0 - 700.0 * (1.0 - (1.0 + i).powi(-5)) / i,
        1e-6,
        1.0,
    );
    assert!(close(c.periodic_rate, w, 1e-9));
    assert!(close(c.annual_rate, w * 365.0 / 7.0, 1e-9));
}

#[test]
fn single_bullet_repayment() {
    let mut rec = LoanRecord::new("bullet", "CNY");
    rec.received.push(flow("2024-01-15", 10_000.0));
    rec.repaid.push(flow("2024-07-15", 10_800.0));
    let c = compute(&rec).unwrap();
    let days = (d("2024-07-15") - d("2024-01-15")).num_days() as f64; // 182
    assert_eq!(c.period, Period::Days(182));
    assert!(close(c.annual_rate, 0.08 * 365.0 / days, 1e-12));
    assert!(close(
        c.effective_rate.unwrap(),
        1.08f64.powf(365.0 / days) - 1.0,
        1e-9
    ));
}

/// On the line is not above it; one cent more is.
#[test]
fn loan_exactly_on_the_line() {
    let mut rec = LoanRecord::new("friend", "CNY");
    rec.lender = Lender::Private;
    // LPR 3.45% (fixed 2023-08-21): the line is 13.8%. 365 days, 1,380 on 10,000.
    rec.received.push(flow("2023-09-01", 10_000.0));
    rec.repaid.push(flow("2024-08-31", 11_380.0));
    let a = assess(&rec, cn()).unwrap();
    assert_eq!(a.checks.len(), 1);
    let k = &a.checks[0];
    assert_eq!(k.rule, "CN.RATE.LPR4");
    assert!(close(k.limit_pct, 13.8, 1e-12) && close(k.value_pct, 13.8, 1e-12));
    assert!(!k.above, "{} against {}", k.value_pct, k.limit_pct);
    rec.repaid[0].amount = Money(1_138_001);
    let a = assess(&rec, cn()).unwrap();
    assert!(a.checks[0].above);
}

#[test]
fn several_roots_are_reported_and_the_nearest_to_the_stated_rate_chosen() {
    // A fee 30 days before the money, then one repayment: out, in, out. With t in 30-day
    // periods: −100 (1 + r) + 1000 − 1050 / (1 + r) = 0, i.e. y² − 10 y + 10.5 = 0, y = 1 + r.
    let mut rec = LoanRecord::new("two", "CNY");
    rec.fees.push(flow("2025-01-01", 100.0));
    rec.received.push(flow("2025-01-31", 1000.0));
    rec.repaid.push(flow("2025-03-02", 1050.0));
    let disc = (100.0f64 - 42.0).sqrt();
    let (y1, y2) = ((10.0 - disc) / 2.0, (10.0 + disc) / 2.0);
    let per_year = 365.0 / 30.0;
    let (low, high) = ((y1 - 1.0) * per_year, (y2 - 1.0) * per_year);
    let c = compute(&rec).unwrap();
    assert_eq!(c.period, Period::Days(30));
    let Some(Note::SeveralRoots { rates, chosen }) = c
        .notes
        .iter()
        .find(|n| matches!(n, Note::SeveralRoots { .. }))
        .cloned()
    else {
        panic!("several roots not reported: {:?}", c.notes);
    };
    assert_eq!(rates.len(), 2);
    assert!(
        close(rates[0], low, 1e-9) && close(rates[1], high, 1e-9),
        "{rates:?}"
    );
    // No stated rate: the one nearer zero.
    assert!(close(chosen, low, 1e-9));
    assert!(c.notes.contains(&Note::FeeBeforeLoan));
    rec.stated_rate = Some(8000.0);
    assert!(close(compute(&rec).unwrap().annual_rate, high, 1e-9));
}

#[test]
fn conditional_lines() {
    // MLA only for a covered borrower.
    let us = builtin_pack(Jurisdiction::Us).unwrap();
    let mut rec = LoanRecord::new("payday", "USD");
    rec.received.push(flow("2025-05-01", 500.0));
    rec.repaid.push(flow("2025-05-15", 575.0));
    let a = assess(&rec, us).unwrap();
    assert!(a.checks.is_empty() && !a.no_cap.is_empty());
    rec.covered.push("mla".into());
    let a = assess(&rec, us).unwrap();
    assert_eq!(
        a.above().map(|k| k.rule.as_str()).collect::<Vec<_>>(),
        ["US.RATE.MLA"]
    );
    // PH: 15% a month for small short loans; bigger loans are outside the ceiling.
    let ph = builtin_pack(Jurisdiction::Ph).unwrap();
    let mut rec = LoanRecord::new("app", "PHP");
    rec.received.push(flow("2025-05-01", 3000.0));
    rec.repaid.push(flow("2025-05-31", 3600.0));
    rec.stated_rate = Some(36.0);
    let a = assess(&rec, ph).unwrap();
    let total = a.checks.iter().find(|k| k.rule == "PH.RATE.TOTAL").unwrap();
    // 20% over 30 days: 20% × 365/30 a year, / 12 a month.
    assert!(total.above && close(total.value_pct, 20.0 * 365.0 / 30.0 / 12.0, 1e-12));
    let nominal = a
        .checks
        .iter()
        .find(|k| k.rule == "PH.RATE.NOMINAL")
        .unwrap();
    assert!(!nominal.above && close(nominal.value_pct, 3.0, 1e-12));
    rec.received[0].amount = Money(2_000_000);
    rec.repaid[0].amount = Money(2_400_000);
    assert!(assess(&rec, ph).unwrap().checks.is_empty());
    // India: no numeric line, said so.
    let inp = builtin_pack(Jurisdiction::In).unwrap();
    let mut rec = LoanRecord::new("nbfc", "INR");
    rec.received.push(flow("2025-05-01", 3000.0));
    rec.repaid.push(flow("2025-05-31", 3600.0));
    let a = assess(&rec, inp).unwrap();
    assert!(a.checks.is_empty() && a.no_cap["en"].contains("Key Fact Statement"));
}

fn err(rec: &LoanRecord) -> String {
    compute(rec).unwrap_err().to_string()
}

#[test]
fn bad_records_name_the_entry() {
    let mut r = head_cut();
    r.received.clear();
    assert!(err(&r).contains("no money received"), "{}", err(&r));

    let mut r = head_cut();
    r.repaid[0].date = d("2025-02-01");
    let e = err(&r);
    // The list is now out of order too; whichever comes first, the entry is named.
    assert!(e.contains("repaid #1 (2025-02-01"), "{e}");
    let mut r = head_cut();
    r.repaid = vec![flow("2025-02-20", 7500.0)];
    let e = err(&r);
    assert!(
        e.contains("repaid #1 (2025-02-20, 7500.00) is before the loan"),
        "{e}"
    );

    let mut r = head_cut();
    r.repaid.swap(3, 4);
    let e = err(&r);
    assert!(
        e.contains("dates out of order: repaid #5 (2025-07-01"),
        "{e}"
    );

    let mut r = head_cut();
    r.repaid[2].amount = Money(super::money::MAX_AMOUNT + 1);
    let e = err(&r);
    assert!(
        e.contains("repaid #3") && e.contains("absurdly large"),
        "{e}"
    );
    assert!(Money::parse("12000000000000").is_err());

    let mut r = head_cut();
    r.fees.push(Flow {
        currency: Some("USD".into()),
        ..flow("2025-03-01", 50.0)
    });
    let e = err(&r);
    assert!(
        e.contains("fee #1 (2025-03-01, 50.00) is in USD but the loan is in CNY"),
        "{e}"
    );

    let mut r = head_cut();
    r.currency = "rmb".into();
    assert!(err(&r).contains("currency"));

    // A rate beyond any sense (1 cent grows to a billion overnight): no root in range.
    let mut r = LoanRecord::new("absurd", "CNY");
    r.received.push(flow("2025-01-01", 0.01));
    r.repaid.push(flow("2025-01-02", 1_000_000_000.0));
    let e = err(&r);
    assert!(e.contains("no interest rate"), "{e}");

    let mut r = LoanRecord::new("nothing", "CNY");
    r.received.push(flow("2025-01-01", 100.0));
    assert!(err(&r).contains("nothing repaid"));

    let mut r = head_cut();
    r.contract_date = Some(d("2025-03-05"));
    assert!(err(&r).contains("contract date 2025-03-05 is after"));
}

#[test]
fn records_round_trip_through_json_and_toml() {
    let rec = head_cut();
    let json = serde_json::to_string(&rec).unwrap();
    assert!(json.contains("\"amount\":\"1000.00\"") && json.contains("\"case\":\"速借花\""));
    assert_eq!(LoanRecord::from_json(&json).unwrap(), rec);
    #[cfg(feature = "toml-files")]
    {
        let t = r#"
            case = "速借花"
            currency = "CNY"
            lender = "licensed"
            principal = 10000
            contract_date = "2025-03-01"
            [[received]]
            date = "2025-03-01"
            amount = "7,000"
            [[repaid]]
            date = "2025-04-01"
            amount = 1000.5
        "#;
        let r = LoanRecord::from_toml(t).unwrap();
        assert_eq!(r.principal, Some(Money(1_000_000)));
        assert_eq!(r.received[0].amount, Money(700_000));
        assert_eq!(r.repaid[0].amount, Money(100_050));
        assert!(LoanRecord::from_toml("case = \"x\"\ncurrency = \"CNY\"\nrate = 3").is_err());
    }
}

#[test]
fn percentages_print_grouped() {
    assert_eq!(pct(1564.2857), "1,564.29%");
    assert_eq!(pct(-85.5), "-85.50%");
    assert_eq!(pct(12.4), "12.40%");
}

/// Random loans: whatever the period chosen, the rates returned make the cash flows balance
/// (present value evaluated here, in the test).
#[test]
fn random_loans_balance_at_the_rates_found() {
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let start = d("2025-01-01");
    for case in 0..100 {
        let mut rec = LoanRecord::new("r", "CNY");
        let principal = 1_000 + next(50_000) as i64;
        rec.received.push(Flow::new(start, Money(principal * 100)));
        let n = 1 + next(15);
        let mut day = 0;
        let mut paid = 0;
        for _ in 0..n {
            day += 1 + next(40);
            // Between 5% and 20% of the principal per payment.
            let amount = principal * (5 + next(16) as i64) / 100;
            paid += amount;
            rec.repaid.push(Flow::new(
                start + chrono::Days::new(day),
                Money(amount * 100),
            ));
        }
        let c = compute(&rec).unwrap();
        let periods = |r: &cost::Row| r.t;
        let pv: f64 = c
            .rows
            .iter()
            .map(|r| r.amount as f64 / 100.0 * (1.0 + c.periodic_rate).powf(-periods(r)))
            .sum();
        assert!(
            pv.abs() < 1e-6 * principal as f64,
            "case {case}: pv {pv} {c:?}"
        );
        assert!(close(
            c.annual_rate,
            c.periodic_rate * c.period.per_year(),
            1e-12
        ));
        // Near −100% a year (a tenth of the loan repaid), 1 + R has lost its digits to
        // cancellation and cannot be checked this way.
        if let Some(ear) = c.effective_rate.filter(|r| *r > -0.9) {
            let pv: f64 = c
                .rows
                .iter()
                .map(|r| r.amount as f64 / 100.0 * (1.0 + ear).powf(-(r.day as f64) / 365.0))
                .sum();
            assert!(
                pv.abs() < 1e-6 * principal as f64,
                "case {case}: xirr pv {pv}"
            );
        }
        // Paying back less than received gives a negative rate, more a positive one.
        assert_eq!(c.annual_rate > 0.0, paid > principal, "case {case}");
    }
}

/// A pack's loan lines are checked when the pack loads.
#[cfg(feature = "toml-files")]
#[test]
fn bad_loan_lines_are_refused() {
    let base = include_str!("../../data/packs/cn.toml");
    assert!(crate::rules::Pack::from_toml(base).is_ok());
    for (from, to) in [
        ("rule = \"CN.RATE.36\"", "rule = \"CN.RATE.99\""),
        ("lpr_multiple = 4.0", "lpr_multiple = 4.0\nlimit_pct = 10.0"),
        ("limit_pct = 24.0", "limit_pct = -1.0"),
        ("measure = \"annual\"", "measure = \"yearly\""),
        (
            "{ from = \"2022-08-22\", pct = 3.65 }",
            "{ from = \"2021-08-22\", pct = 3.65 }",
        ),
        ("known_through = \"2025-10-20\"", "known_through = \"soon\""),
    ] {
        assert!(base.contains(from), "{from}");
        let bad = base.replacen(from, to, 1);
        assert!(
            crate::rules::Pack::from_toml(&bad).is_err(),
            "accepted {to}"
        );
    }
    // The LPR in force on a date, and beyond the table's known fixings.
    let rules = cn().loan.as_ref().unwrap();
    assert_eq!(rules.lpr_on(d("2019-08-19")), None);
    assert_eq!(
        rules.lpr_on(d("2019-08-20")),
        Some((4.25, d("2019-08-20"), false))
    );
    assert_eq!(
        rules.lpr_on(d("2022-08-21")),
        Some((3.70, d("2022-01-20"), false))
    );
    assert_eq!(
        rules.lpr_on(d("2026-01-05")),
        Some((3.00, d("2025-05-20"), true))
    );
}
