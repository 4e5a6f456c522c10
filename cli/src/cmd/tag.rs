//! `dunwatch tag`: put a number into a case (by hand); the flags are re-evaluated.

use super::DbArg;
use anyhow::Result;
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
