//! `dunwatch verify`: recompute the evidence chains.

use super::DbArg;
use anyhow::Result;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let ev = a.db.open_existing("")?;
    let report = ev.verify()?;
    if a.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        for c in &report.chains {
            println!("{:<12} {:>8} rows  head {}", c.chain, c.rows, c.head);
        }
    }
    match &report.broken {
        None => {
            if !a.json {
                println!("intact");
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(b) => {
            eprintln!("BROKEN: {} row {}: {}", b.chain, b.row, b.reason);
            Ok(ExitCode::from(1))
        }
    }
}
