//! `dunwatch untag`: take a number out of its case (it is never joined to one automatically
//! again); the flags are re-evaluated.

use super::DbArg;
use anyhow::Result;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// The number, as written anywhere (it is normalised).
    pub number: String,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let ev = a.db.open()?;
    let info = ev.untag(&a.number)?;
    let s = ev.flag_summary()?;
    println!(
        "{} is in no case; {} flags from {} events",
        info.number, s.flags, s.events
    );
    Ok(ExitCode::SUCCESS)
}
