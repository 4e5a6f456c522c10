//! Internal rate of return: every rate r per period at which the cash flows' present value is
//! zero, Σ aᵢ (1 + r)^(−tᵢ) = 0, with tᵢ in periods (fractional for day counts).
//!
//! Solved in x = ln(1 + r), where the present value Σ aᵢ e^(−x tᵢ) is smooth on the whole real
//! line: a scan over a fixed grid brackets every sign change (several roots are possible when
//! payments and receipts alternate), then each bracket is narrowed by Newton steps that fall
//! back to bisection whenever a step would leave the bracket, so it always converges.

/// One cash flow: `t` periods after the start, `amount` (+ received, − paid).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CashFlow {
    pub t: f64,
    pub amount: f64,
}

/// Lowest periodic rate searched: −99.9999999%.
const X_LO: f64 = -20.7;
/// Highest periodic rate searched: 1,000,000 (100,000,000%) per period.
const X_HI: f64 = 13.9;
/// Grid cells of the scan: two roots closer than (X_HI − X_LO) / GRID in x may look like none.
const GRID: usize = 6_000;

/// Present value and its derivative in x, both scaled by the same positive factor (so that
/// e^(−x t) neither overflows nor underflows for long loans at extreme rates).
fn pv(flows: &[CashFlow], x: f64) -> (f64, f64) {
    let m = flows
        .iter()
        .map(|f| -x * f.t)
        .fold(f64::NEG_INFINITY, f64::max);
    let (mut v, mut d) = (0.0, 0.0);
    for f in flows {
        let e = (-x * f.t - m).exp();
        v += f.amount * e;
        d -= f.t * f.amount * e;
    }
    (v, d)
}

/// Narrows a bracket [a, b] with pv(a), pv(b) of opposite signs to a root.
fn refine(flows: &[CashFlow], mut a: f64, mut b: f64) -> f64 {
    let (fa, _) = pv(flows, a);
    let neg_at_a = fa < 0.0;
    let mut x = 0.5 * (a + b);
    for _ in 0..200 {
        let (v, d) = pv(flows, x);
        if v == 0.0 {
            return x;
        }
        if (v < 0.0) == neg_at_a {
            a = x;
        } else {
            b = x;
        }
        let newton = x - v / d;
        let next = if d != 0.0 && newton.is_finite() && newton > a.min(b) && newton < a.max(b) {
            newton
        } else {
            0.5 * (a + b)
        };
        if (next - x).abs() <= 1e-15 * (1.0 + x.abs()) || (b - a).abs() <= 1e-15 {
            return next;
        }
        x = next;
    }
    x
}

/// Every root in x = ln(1 + r), ascending.
pub fn roots_x(flows: &[CashFlow]) -> Vec<f64> {
    let mut out = Vec::new();
    let step = (X_HI - X_LO) / GRID as f64;
    let mut prev = (X_LO, pv(flows, X_LO).0);
    if prev.1 == 0.0 {
        out.push(X_LO);
    }
    for i in 1..=GRID {
        let x = X_LO + step * i as f64;
        let v = pv(flows, x).0;
        if v == 0.0 {
            out.push(x);
        } else if prev.1 != 0.0 && (v < 0.0) != (prev.1 < 0.0) {
            out.push(refine(flows, prev.0, x));
        }
        prev = (x, v);
    }
    out
}

/// Every rate per period at which the present value is zero, ascending.
pub fn roots(flows: &[CashFlow]) -> Vec<f64> {
    roots_x(flows).into_iter().map(f64::exp_m1).collect()
}

/// Sign changes of the amounts in time order: by Descartes' rule, at most this many roots.
pub fn sign_changes(flows: &[CashFlow]) -> usize {
    let mut v: Vec<&CashFlow> = flows.iter().filter(|f| f.amount != 0.0).collect();
    crate::sort::sort_by(&mut v, |a, b| a.t.total_cmp(&b.t));
    v.windows(2)
        .filter(|w| (w[0].amount < 0.0) != (w[1].amount < 0.0))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cf(t: f64, amount: f64) -> CashFlow {
        CashFlow { t, amount }
    }

    #[test]
    fn one_period_loan_has_its_simple_rate() {
        let r = roots(&[cf(0.0, 100.0), cf(1.0, -110.0)]);
        assert_eq!(r.len(), 1);
        assert!((r[0] - 0.10).abs() < 1e-12, "{r:?}");
    }

    #[test]
    fn two_roots_are_both_found() {
        // −100 at 0, +230 at 1, −132 at 2: (1+r)² − 2.3(1+r) + 1.32 = 0 → r = 10% or 20%.
        let r = roots(&[cf(0.0, -100.0), cf(1.0, 230.0), cf(2.0, -132.0)]);
        assert_eq!(r.len(), 2, "{r:?}");
        assert!(
            (r[0] - 0.10).abs() < 1e-10 && (r[1] - 0.20).abs() < 1e-10,
            "{r:?}"
        );
        assert_eq!(
            sign_changes(&[cf(0.0, -1.0), cf(1.0, 2.0), cf(2.0, -1.0)]),
            2
        );
    }

    #[test]
    fn no_root_without_a_sign_change() {
        assert!(roots(&[cf(0.0, 100.0), cf(3.0, 5.0)]).is_empty());
    }

    #[test]
    fn extreme_rates_and_long_loans_stay_finite() {
        // 1 received, 500,000 paid a period later: r = 499,999 per period.
        let r = roots(&[cf(0.0, 1.0), cf(1.0, -500_000.0)]);
        assert!((r[0] / 499_999.0 - 1.0).abs() < 1e-9, "{r:?}");
        // A 30-year daily loan at a tiny rate.
        let r = roots(&[cf(0.0, 1000.0), cf(10_950.0, -1000.5)]);
        let want = (1000.5f64 / 1000.0).powf(1.0 / 10_950.0) - 1.0;
        assert!((r[0] - want).abs() < 1e-15, "{r:?} {want}");
    }
}
