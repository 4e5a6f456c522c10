//! `dunwatch screen`: what the phone's call screening would do with a call from NUMBER now (or
//! at --at), and why.

use super::{parse_at, DbArg};
use anyhow::Result;
use dunwatch_core::rules::ScreenPolicy;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// The calling number.
    pub number: String,
    /// When the call comes: RFC 3339, or local `YYYY-MM-DD HH:MM[:SS]` in the store's zone.
    #[arg(long)]
    pub at: Option<String>,
    /// Print the decision as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let ev = a.db.open()?;
    let at = parse_at(&ev, a.at.as_deref())?;
    let d = ev.screen(&a.number, at, &ScreenPolicy::default())?;
    if a.json {
        println!("{}", serde_json::to_string(&d)?);
    } else {
        println!(
            "{}: {}{}",
            d.action.as_str(),
            d.reason,
            d.rule.map(|r| format!(" [{r}]")).unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}
