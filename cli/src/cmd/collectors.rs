//! `dunwatch collectors`: import a community list of known collector numbers (CSV: number,
//! creditor, source) or list the imported one.

use super::DbArg;
use anyhow::Result;
use dunwatch_core::rules::collectors;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// CSV file to import (columns number, creditor, source; header optional).
    #[arg(long)]
    pub import: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let ev = a.db.open()?;
    if let Some(path) = &a.import {
        let text =
            dunwatch_core::limits::read_text_file(path, dunwatch_core::limits::MAX_DATA_FILE)?;
        let rows = collectors::parse_csv(&text)?;
        let n = ev.import_collectors(&rows)?;
        println!(
            "imported {n} of {} collector numbers; {} flags",
            rows.len(),
            ev.flag_summary()?.flags
        );
        return Ok(ExitCode::SUCCESS);
    }
    for c in ev.collector_list()? {
        println!(
            "{}\t{}\t{}",
            c.number,
            c.creditor.unwrap_or_default(),
            c.source
        );
    }
    Ok(ExitCode::SUCCESS)
}
