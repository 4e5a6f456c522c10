//! `dunwatch collectors`: import a community list of known collector numbers (CSV: number,
//! creditor, source) or list the imported one.

use super::DbArg;
use dunwatch_core::rules::{self, collectors};
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

pub fn run(a: Args) -> Result<ExitCode, String> {
    let store = a.db.open()?;
    if let Some(path) = &a.import {
        let text =
            dunwatch_core::limits::read_text_file(path, dunwatch_core::limits::MAX_DATA_FILE)
                .map_err(|e| e.to_string())?;
        let rows = collectors::parse_csv(&text).map_err(|e| e.to_string())?;
        let n = store.import_collectors(&rows).map_err(|e| e.to_string())?;
        let s = rules::rebuild(&store).map_err(|e| e.to_string())?;
        println!(
            "imported {n} of {} collector numbers; {} flags",
            rows.len(),
            s.flags
        );
        return Ok(ExitCode::SUCCESS);
    }
    for c in store.collectors().map_err(|e| e.to_string())? {
        println!(
            "{}\t{}\t{}",
            c.number,
            c.creditor.unwrap_or_default(),
            c.source
        );
    }
    Ok(ExitCode::SUCCESS)
}
