//! The loan-cost section of a case: the record, the cash-flow table, the method, the result and
//! the legal lines with their sources; and the letter's sentences about it. Everything from the
//! record (notes, case name) is escaped.

use super::data::LoanView;
use super::escape::html;
use super::text::{fill, Text};
use super::Lang;
use crate::loan::money::show_cents;
use crate::loan::{pct, Assessment, Cost, FlowKind, LineCheck, Measure, NotApplicable, Period};
use crate::model::Jurisdiction;
use std::fmt::Write;

fn money(cents: i64, cur: &str) -> String {
    format!("{} {cur}", show_cents(cents))
}

/// "IRR per month × 12" in the report's language.
pub(crate) fn method(c: &Cost, tx: Text) -> String {
    match c.period {
        Period::Month => tx.t("loan_period_month").to_string(),
        Period::Days(1) => tx.t("loan_period_day").to_string(),
        Period::Days(n) => fill(tx.t("loan_period_days"), &[("n", n.to_string())]),
    }
}

fn measured(m: Measure, v: f64, tx: Text) -> String {
    fill(tx.t(&format!("loan_m_{}", m.as_str())), &[("v", pct(v))])
}

/// The line as the report shows it, with its LPR basis.
pub(crate) fn line_text(k: &LineCheck, tx: Text) -> String {
    let mut s = measured(k.measure, k.limit_pct, tx);
    if let Some(l) = &k.lpr {
        let basis = fill(
            tx.t("loan_lpr_basis"),
            &[
                ("m", format!("{}", l.multiple)),
                ("lpr", pct(l.lpr_pct)),
                ("since", l.since.to_string()),
                ("date", l.contract_date.to_string()),
            ],
        );
        let _ = write!(s, " ({basis})");
    }
    s
}

fn effective(c: &Cost, tx: Text) -> String {
    c.effective_rate
        .map_or_else(|| tx.t("loan_too_large").to_string(), |r| pct(r * 100.0))
}

/// The rule's description and legal source in the report's language (English as fallback).
fn rule_text(j: Jurisdiction, rule: &str, lang: Lang) -> (String, String) {
    let Ok(pack) = crate::rules::builtin_pack(j) else {
        return Default::default();
    };
    pack.rule(rule).map_or_else(Default::default, |r| {
        let (d, s) = pack.text_in(r, lang.as_str());
        (d.to_string(), s.to_string())
    })
}

fn not_applicable(n: &NotApplicable, tx: Text) -> String {
    match n {
        NotApplicable::Lender { lender } => fill(
            tx.t("na_lender"),
            &[(
                "lender",
                tx.t(&format!("lender_{}", lender.as_str())).to_string(),
            )],
        ),
        NotApplicable::NotCovered { requires } => fill(
            tx.t("na_not_covered"),
            &[("requires", requires.to_uppercase())],
        ),
        NotApplicable::Amount { max, currency } => fill(
            tx.t("na_amount"),
            &[("max", format!("{max}")), ("currency", currency.clone())],
        ),
        NotApplicable::Term { max_days } => {
            fill(tx.t("na_term"), &[("days", max_days.to_string())])
        }
        NotApplicable::NoStatedRate => tx.t("na_no_stated_rate").to_string(),
        NotApplicable::NoLpr => tx.t("na_no_lpr").to_string(),
    }
}

/// The section's HTML.
pub(crate) fn section(l: &LoanView, j: Jurisdiction, tx: Text) -> String {
    let mut o = String::new();
    let _ = write!(o, "<div class=\"loan\"><h3>{}</h3>", html(tx.t("loan")));
    let a = match &l.assessment {
        Ok(a) => a,
        Err(e) => {
            let _ = write!(
                o,
                "<p class=\"verdict broken\">{}</p></div>",
                html(&fill(tx.t("loan_error"), &[("error", e.clone())]))
            );
            return o;
        }
    };
    let (r, c) = (&a.record, &a.cost);
    let cur = r.currency.as_str();
    o.push_str("<table class=\"meta\">");
    let row = |o: &mut String, k: &str, v: String| {
        let _ = write!(o, "<tr><th>{}</th><td>{v}</td></tr>", html(tx.t(k)));
    };
    row(
        &mut o,
        "loan_lender",
        html(tx.t(&format!("lender_{}", r.lender.as_str()))),
    );
    if let Some(d) = r.contract_or_start() {
        row(&mut o, "loan_contract_date", html(&d.to_string()));
    }
    if let Some(p) = r.principal {
        row(&mut o, "loan_principal", html(&money(p.0, cur)));
    }
    if let Some(s) = r.stated_rate {
        row(&mut o, "loan_stated_rate", html(&pct(s)));
    }
    row(&mut o, "loan_received", html(&money(c.received, cur)));
    if let Some(d) = c.deducted {
        row(
            &mut o,
            "loan_deducted",
            format!(
                "<b>{}</b> <span class=\"muted\">— {}</span>",
                html(&money(d, cur)),
                html(tx.t("loan_deducted_note"))
            ),
        );
    }
    row(&mut o, "loan_paid", html(&money(c.paid, cur)));
    row(&mut o, "loan_cost", html(&money(c.cost, cur)));
    row(
        &mut o,
        "loan_annual",
        format!("<b>{}</b>", html(&pct(c.annual_rate * 100.0))),
    );
    row(&mut o, "loan_effective", html(&effective(c, tx)));
    o.push_str("</table>");

    // The cash flows.
    let _ = write!(
        o,
        "<h4>{}</h4><table class=\"grid flows\"><thead><tr><th>{}</th><th>{}</th>\
         <th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th>\
         <th class=\"n\">{}</th><th>{}</th></tr></thead><tbody>",
        html(tx.t("loan_flows")),
        html(tx.t("loan_date")),
        html(tx.t("loan_kind")),
        html(tx.t("loan_in")),
        html(tx.t("loan_out")),
        html(tx.t("loan_day")),
        html(tx.t("loan_t")),
        html(tx.t("loan_note")),
    );
    for f in &c.rows {
        let (inn, out) = if f.amount >= 0 {
            (show_cents(f.amount), String::new())
        } else {
            (String::new(), show_cents(-f.amount))
        };
        let kind = match f.kind {
            FlowKind::Received => "flow_received",
            FlowKind::Repaid => "flow_repaid",
            FlowKind::Fee => "flow_fee",
            FlowKind::Due => "flow_due",
        };
        let t = if f.t.fract() == 0.0 {
            format!("{}", f.t)
        } else {
            format!("{:.3}", f.t)
        };
        let _ = write!(
            o,
            "<tr><td class=\"nowrap\">{}</td><td>{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td><bdi>{}</bdi></td></tr>",
            f.date,
            html(tx.t(kind)),
            html(&inn),
            html(&out),
            f.day,
            html(&t),
            html(&f.note)
        );
    }
    o.push_str("</tbody></table>");

    // Method and notes.
    let _ = write!(
        o,
        "<p>{}</p>",
        html(&fill(tx.t("loan_method"), &[("method", method(c, tx))]))
    );
    for n in &c.notes {
        let text = match n {
            crate::loan::Note::SeveralRoots { rates, chosen } => fill(
                tx.t("loan_roots"),
                &[
                    (
                        "rates",
                        rates
                            .iter()
                            .map(|r| pct(r * 100.0))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    ("chosen", pct(chosen * 100.0)),
                ],
            ),
            crate::loan::Note::PaidLessThanReceived => tx.t("loan_paid_less").to_string(),
            crate::loan::Note::IncludesDue => tx.t("loan_includes_due").to_string(),
            crate::loan::Note::FeeBeforeLoan => tx.t("loan_fee_before").to_string(),
        };
        let _ = write!(o, "<p class=\"muted\">{}</p>", html(&text));
    }

    // The lines.
    lines(&mut o, a, j, tx);
    let supersedes = l
        .stored
        .supersedes
        .map(|id| fill(tx.t("loan_supersedes"), &[("id", id.to_string())]))
        .unwrap_or_default();
    let _ = write!(
        o,
        "<p class=\"muted\">{}</p></div>",
        html(&fill(
            tx.t("loan_record_note"),
            &[
                ("id", l.stored.id.to_string()),
                (
                    "at",
                    l.stored.at.local().format("%Y-%m-%d %H:%M").to_string()
                ),
                ("supersedes", supersedes),
            ],
        ))
    );
    o
}

fn lines(o: &mut String, a: &Assessment, j: Jurisdiction, tx: Text) {
    let _ = write!(o, "<h4>{}</h4>", html(tx.t("loan_lines")));
    if a.checks.is_empty() {
        let text = crate::rules::pack::nearest(&a.no_cap, tx.lang.as_str())
            .unwrap_or(tx.t("loan_no_lines"));
        let _ = write!(o, "<p>{}</p>", html(text));
    } else {
        let _ = write!(
            o,
            "<table class=\"grid\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>\
             <th>{}</th></tr></thead><tbody>",
            html(tx.t("rule")),
            html(tx.t("loan_line")),
            html(tx.t("loan_value")),
            html(tx.t("loan_verdict")),
            html(tx.t("legal_source")),
        );
        for k in &a.checks {
            let (description, source) = rule_text(j, &k.rule, tx.lang);
            let verdict = if k.above {
                format!("<b class=\"above\">{}</b>", html(tx.t("loan_above")))
            } else {
                html(tx.t("loan_within"))
            };
            let _ = write!(
                o,
                "<tr{}><td class=\"rule\">{}</td><td>{}<br><span class=\"muted\">{}</span></td>\
                 <td class=\"nowrap\">{}</td><td class=\"nowrap\">{verdict}</td><td>{}</td></tr>",
                if k.above { " class=\"flagged\"" } else { "" },
                html(&k.rule),
                html(&line_text(k, tx)),
                html(&description),
                html(&measured(k.measure, k.value_pct, tx)),
                html(&source)
            );
        }
        o.push_str("</tbody></table>");
        if let Some(l) = a.checks.iter().find_map(|k| k.lpr.as_ref()) {
            if l.beyond_table {
                let through = crate::rules::builtin_pack(j)
                    .ok()
                    .and_then(|p| {
                        p.loan
                            .as_ref()?
                            .lpr
                            .as_ref()
                            .map(|t| t.known_through.clone())
                    })
                    .unwrap_or_default();
                let _ = write!(
                    o,
                    "<p class=\"muted\">{}</p>",
                    html(&fill(tx.t("loan_lpr_beyond"), &[("through", through)]))
                );
            }
            let source = crate::rules::builtin_pack(j)
                .ok()
                .and_then(|p| {
                    let lpr = p.loan.as_ref()?.lpr.as_ref()?;
                    crate::rules::pack::nearest(&lpr.source_in, tx.lang.as_str())
                })
                .unwrap_or(&l.table_source);
            let _ = write!(o, "<p class=\"muted\">LPR: {}</p>", html(source));
        }
    }
    if !a.not_applicable.is_empty() {
        let _ = write!(
            o,
            "<p class=\"muted\">{}: ",
            html(tx.t("loan_not_applicable"))
        );
        let items: Vec<String> = a
            .not_applicable
            .iter()
            .map(|(rule, n)| format!("{} — {}", html(rule), html(&not_applicable(n, tx))))
            .collect();
        let _ = write!(o, "{}</p>", items.join("; "));
    }
}

/// The letter's sentences about the loan: the facts, each line it is above, and whether to
/// ask for the excess back.
pub(crate) fn letter_lines(l: &LoanView, tx: Text) -> (Vec<String>, bool) {
    let Ok(a) = &l.assessment else {
        return (Vec::new(), false);
    };
    let (r, c) = (&a.record, &a.cost);
    let cur = r.currency.as_str();
    let principal = r
        .principal
        .map(|p| {
            fill(
                tx.letter("loan_principal_part"),
                &[("principal", money(p.0, cur))],
            )
        })
        .unwrap_or_default();
    let deducted = c
        .deducted
        .map(|d| {
            fill(
                tx.letter("loan_deducted_part"),
                &[("deducted", money(d, cur))],
            )
        })
        .unwrap_or_default();
    let mut out = vec![fill(
        tx.letter("loan_facts"),
        &[
            ("principal", principal),
            ("received", money(c.received, cur)),
            ("deducted", deducted),
            ("paid", money(c.paid, cur)),
            ("annual", pct(c.annual_rate * 100.0)),
            ("effective", effective(c, tx)),
        ],
    )];
    let mut any = false;
    for k in a.above() {
        any = true;
        out.push(fill(
            tx.letter("loan_line"),
            &[
                ("value", measured(k.measure, k.value_pct, tx)),
                ("line", line_text(k, tx)),
                ("rule", k.rule.clone()),
            ],
        ));
    }
    (out, any)
}
