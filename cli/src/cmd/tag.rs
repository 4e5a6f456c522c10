//! `dunwatch tag`: put a number into a case (by hand); the flags are re-evaluated.

use super::DbArg;
use anyhow::{bail, Result};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// The collector's number, as written anywhere (it is normalised).
    pub number: String,
    /// Case (creditor) the number belongs to; created if new.
    #[arg(long)]
    pub case: String,
    /// Mark the case as a third-party `collector`, the original `creditor`, or `unknown`
    /// (Regulation F binds only collectors).
    #[arg(long)]
    pub party: Option<String>,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let ev = a.db.open()?;
    // An empty or withheld number is every withheld caller at once, never one collector.
    let number = ev.parse_number(&a.number)?;
    if number.kind == dunwatch_core::NumberKind::Hidden {
        bail!(
            "{:?} is a withheld or empty number: tagging it would put every withheld caller \
             into the case; nothing was changed",
            a.number
        );
    }
    if a.case.trim().is_empty() {
        bail!("--case is empty");
    }
    let info = ev.tag(&a.number, &a.case, a.party.as_deref())?;
    let s = ev.flag_summary()?;
    println!(
        "{} is in case {}; {} flags from {} events",
        info.number,
        info.case_name.unwrap_or_default(),
        s.flags,
        s.events
    );
    Ok(ExitCode::SUCCESS)
}
