//! `dunwatch seal`: write a seal of the store as it is now, to give to someone you trust.

use super::DbArg;
use anyhow::{Context, Result};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// Write the seal to this file as well as printing it.
    #[arg(short, long)]
    pub output: Option<std::path::PathBuf>,
    /// Print the seal as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let ev = a.db.open_existing("")?;
    let seal = ev.seal(dunwatch_core::time::now_ms())?;
    if let Some(out) = &a.output {
        std::fs::write(out, seal.text())
            .with_context(|| format!("cannot write {}", out.display()))?;
    }
    if a.json {
        println!("{}", serde_json::to_string(&seal)?);
    } else {
        print!("{}", seal.text());
        eprintln!(
            "Give this seal (or just its code {}) to someone you trust: `dunwatch verify --seal \
             FILE` proves later that the store still holds everything it covers.",
            seal.code
        );
    }
    Ok(ExitCode::SUCCESS)
}
