//! `dunwatch seal`: write a seal of the store as it is now, to give to someone you trust.

use super::DbArg;
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

pub fn run(a: Args) -> Result<ExitCode, String> {
    let path = a.db.path()?;
    if !path.exists() {
        return Err(format!("no store at {}", path.display()));
    }
    let store = a.db.open()?;
    let seal = store
        .seal(dunwatch_core::time::now_ms())
        .map_err(|e| e.to_string())?;
    if let Some(out) = &a.output {
        std::fs::write(out, seal.text())
            .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    }
    if a.json {
        println!(
            "{}",
            serde_json::to_string(&seal).map_err(|e| e.to_string())?
        );
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
