//! `dunwatch attach`: pin a file (a recording, a photo of a letter) to the evidence by its
//! SHA-256 and size; the file itself stays where it is.

use super::{parse_at, DbArg};
use anyhow::Result;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// The file.
    pub file: PathBuf,
    /// The case it belongs to.
    #[arg(long)]
    pub case: Option<String>,
    /// The event it belongs to (its id).
    #[arg(long)]
    pub event: Option<i64>,
    /// When it was made: RFC 3339, or local `YYYY-MM-DD HH:MM[:SS]` in the store's zone. Default: now.
    #[arg(long)]
    pub at: Option<String>,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let ev = a.db.open()?;
    let at = parse_at(&ev, a.at.as_deref())?;
    let id = ev.attach_file(&a.file, a.case.as_deref().map(str::trim), a.event, at)?;
    println!("pinned {} as attachment #{id}", a.file.display());
    Ok(ExitCode::SUCCESS)
}
