//! `dunwatch loan`: record what a loan really cost (money received, repayments, fees, the
//! contract's terms), compute its annualised rate from the actual cash flows and hold it against
//! the legal lines of the store's rule pack; a loan above a line becomes a flag of its case.
//! Each run records the whole loan; the newest record of a case counts, the earlier ones stay
//! in the evidence chain. Without entries it shows the case's current record.

use super::DbArg;
use dunwatch_core::loan::money::show_cents;
use dunwatch_core::loan::{self, Flow, FlowKind, Lender, LoanRecord, Money};
use dunwatch_core::rules;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// The case (lender) the loan belongs to; created if new. May come from the file instead.
    #[arg(long)]
    pub case: Option<String>,
    /// The loan as TOML (`.toml`) or JSON: case, currency, lender, contract_date, principal,
    /// stated_rate, covered, note, and [[received]] / [[repaid]] / [[fees]] / [[due]] entries of
    /// date, amount (and note). Entries given as options are added after the file's.
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Money that actually reached you, net of deductions: DATE:AMOUNT[:NOTE] (repeatable).
    #[arg(long, value_name = "DATE:AMOUNT")]
    pub received: Vec<String>,
    /// A repayment made: DATE:AMOUNT[:NOTE] (repeatable).
    #[arg(long, value_name = "DATE:AMOUNT")]
    pub repaid: Vec<String>,
    /// A fee paid separately (service, membership, "insurance", late fee): DATE:AMOUNT[:NOTE].
    #[arg(long, value_name = "DATE:AMOUNT")]
    pub fee: Vec<String>,
    /// A payment the contract schedules that is not yet made: DATE:AMOUNT[:NOTE].
    #[arg(long, value_name = "DATE:AMOUNT")]
    pub due: Vec<String>,
    /// The principal the contract names (when more than what you received).
    #[arg(long, value_name = "AMOUNT")]
    pub principal: Option<String>,
    /// The annual interest rate the contract states, in percent.
    #[arg(long, value_name = "PERCENT")]
    pub rate: Option<f64>,
    /// When the contract was made (YYYY-MM-DD; default: the first money received).
    #[arg(long, value_name = "DATE")]
    pub contract_date: Option<String>,
    /// `private` (no lending licence), `licensed` (bank, consumer finance, licensed online
    /// lender) or `unknown`.
    #[arg(long)]
    pub lender: Option<String>,
    /// A protection you are covered by, as the pack names it (US: `mla`). Repeatable.
    #[arg(long)]
    pub covered: Vec<String>,
    /// ISO currency code; default: the rule pack's (CNY for cn).
    #[arg(long)]
    pub currency: Option<String>,
    /// A note kept with the record (where the contract and receipts are, ...).
    #[arg(long)]
    pub note: Option<String>,
    /// Compute and show, store nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the assessment as JSON.
    #[arg(long)]
    pub json: bool,
}

fn read_file(path: &PathBuf) -> Result<LoanRecord, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let is_toml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    let rec = if is_toml {
        LoanRecord::from_toml(&text)
    } else {
        LoanRecord::from_json(&text)
    };
    rec.map_err(|e| format!("{}: {e}", path.display()))
}

/// The record from the file and the options.
fn build(a: &Args, currency: &str) -> Result<LoanRecord, String> {
    let mut rec = match &a.file {
        Some(p) => read_file(p)?,
        None => LoanRecord::new("", ""),
    };
    match (&a.case, rec.case_name.trim().is_empty()) {
        (Some(c), true) => rec.case_name = c.trim().to_string(),
        (Some(c), false) if c.trim() != rec.case_name.trim() => {
            return Err(format!(
                "--case {c:?} differs from the file's case {:?}",
                rec.case_name
            ))
        }
        (None, true) => return Err("give --case NAME (or case = \"...\" in the file)".into()),
        _ => {}
    }
    if let Some(c) = &a.currency {
        rec.currency = c.trim().to_ascii_uppercase();
    } else if rec.currency.is_empty() {
        rec.currency = currency.to_string();
    }
    for (kind, list) in [
        (FlowKind::Received, &a.received),
        (FlowKind::Repaid, &a.repaid),
        (FlowKind::Fee, &a.fee),
        (FlowKind::Due, &a.due),
    ] {
        for s in list {
            let f = Flow::parse(s).map_err(|e| format!("--{} {s}: {e}", kind_flag(kind)))?;
            rec.flows_mut(kind).push(f);
        }
    }
    if let Some(p) = &a.principal {
        rec.principal = Some(Money::parse(p).map_err(|e| format!("--principal: {e}"))?);
    }
    if let Some(r) = a.rate {
        rec.stated_rate = Some(r);
    }
    if let Some(d) = &a.contract_date {
        rec.contract_date =
            Some(loan::money::date::parse(d).map_err(|e| format!("--contract-date: {e}"))?);
    }
    if let Some(l) = &a.lender {
        rec.lender = Lender::from_name(l)
            .ok_or_else(|| format!("--lender {l:?}: use private, licensed or unknown"))?;
    }
    rec.covered
        .extend(a.covered.iter().map(|c| c.trim().to_ascii_lowercase()));
    if let Some(n) = &a.note {
        rec.note = n.clone();
    }
    Ok(rec)
}

fn kind_flag(k: FlowKind) -> &'static str {
    match k {
        FlowKind::Fee => "fee",
        k => k.as_str(),
    }
}

fn print(a: &loan::Assessment) {
    let (r, c) = (&a.record, &a.cost);
    let cur = &r.currency;
    print!(
        "received {} {cur}, paid and due {} {cur}, cost {} {cur}",
        show_cents(c.received),
        show_cents(c.paid),
        show_cents(c.cost)
    );
    match c.deducted {
        Some(d) => println!(
            " ({} {cur} deducted up front: not counted as lent)",
            show_cents(d)
        ),
        None => println!(),
    }
    println!(
        "annual rate {} ({}, PBOC announcement No. 3 of 2021); effective annual rate {} (XIRR, actual/365)",
        loan::pct(c.annual_rate * 100.0),
        loan::method(c),
        c.effective_rate
            .map_or_else(|| "beyond what can be shown".into(), |e| loan::pct(e * 100.0))
    );
    for n in &c.notes {
        if let loan::Note::SeveralRoots { rates, chosen } = n {
            let all: Vec<String> = rates.iter().map(|r| loan::pct(r * 100.0)).collect();
            println!(
                "note: several rates fit these cash flows ({}); using {}",
                all.join(", "),
                loan::pct(chosen * 100.0)
            );
        }
        if *n == loan::Note::PaidLessThanReceived {
            println!("note: less paid than received; add scheduled payments with --due");
        }
    }
    for k in &a.checks {
        println!(
            "{:<16} {} {} against the line {}{}",
            k.rule,
            if k.above { "ABOVE " } else { "within" },
            loan::pct(k.value_pct),
            loan::pct(k.limit_pct),
            k.lpr
                .as_ref()
                .map(|l| format!(
                    " ({} × one-year LPR {} fixed {})",
                    l.multiple,
                    loan::pct(l.lpr_pct),
                    l.since
                ))
                .unwrap_or_default()
        );
    }
    for (rule, why) in &a.not_applicable {
        println!(
            "{rule:<16} not applicable: {}",
            serde_json::to_string(why).unwrap_or_default()
        );
    }
    if a.checks.is_empty() {
        if let Some(t) = a.no_cap.get("en") {
            println!("{t}");
        }
    }
}

pub fn run(a: Args) -> Result<ExitCode, String> {
    let store = a.db.open()?;
    let settings = store.settings().map_err(|e| e.to_string())?;
    let pack = rules::builtin_pack(settings.jurisdiction).map_err(|e| e.to_string())?;
    let currency = pack.loan.as_ref().map_or("", |l| l.currency.as_str());
    let entries = a.file.is_some()
        || !(a.received.is_empty() && a.repaid.is_empty() && a.fee.is_empty() && a.due.is_empty());
    let rec = if entries {
        build(&a, currency)?
    } else {
        let case = a
            .case
            .as_deref()
            .ok_or("give --case NAME, and the loan's entries to record it")?;
        match store.loan(case).map_err(|e| e.to_string())? {
            Some(l) => {
                println!("loan record #{} of case {case}", l.id);
                l.record
            }
            None => {
                return Err(format!(
                    "case {case:?} has no loan record; record one with --received DATE:AMOUNT \
                     --repaid DATE:AMOUNT ... or --file loan.toml"
                ))
            }
        }
    };
    let assessment = loan::assess(&rec, pack).map_err(|e| e.to_string())?;
    if entries && !a.dry_run {
        let added = store.add_loan(&rec).map_err(|e| e.to_string())?;
        let s = rules::rebuild(&store).map_err(|e| e.to_string())?;
        if a.json {
            // The JSON alone on stdout.
        } else if added.new {
            println!(
                "recorded loan #{} for case {}{}; {} flags",
                added.id,
                rec.case_name,
                added
                    .supersedes
                    .map(|s| format!(" (supersedes #{s})"))
                    .unwrap_or_default(),
                s.flags
            );
        } else {
            println!(
                "loan #{} of case {} is already this record; nothing added",
                added.id, rec.case_name
            );
        }
    }
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&assessment).map_err(|e| e.to_string())?
        );
    } else {
        print(&assessment);
    }
    Ok(ExitCode::SUCCESS)
}
