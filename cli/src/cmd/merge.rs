//! `dunwatch merge`: merge one case into another (two names for the same lender); the flags are
//! re-evaluated with the contacts of both counted together.

use super::DbArg;
use anyhow::Result;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// The case that goes away (its name keeps meaning the other case).
    pub from: String,
    /// The case that remains.
    #[arg(long)]
    pub into: String,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let ev = a.db.open()?;
    let m = ev.merge_cases(&a.from, &a.into)?;
    let s = ev.flag_summary()?;
    println!(
        "case {} merged into {}: {} numbers moved, {} numbers in {}; {} flags from {} events",
        m.from,
        m.case.name,
        m.moved.len(),
        m.case.numbers.len(),
        m.case.name,
        s.flags,
        s.events
    );
    Ok(ExitCode::SUCCESS)
}
