//! `dunwatch attach`: pin a file (a recording, a photo of a letter) to the evidence by its
//! SHA-256 and size; the file itself stays where it is.

use super::{parse_at, AboutArg, DbArg};
use anyhow::Result;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// The file.
    pub file: PathBuf,
    #[command(flatten)]
    pub about: AboutArg,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let ev = a.db.open()?;
    let at = parse_at(&ev, a.about.at.as_deref())?;
    let id = ev.attach_file(
        &a.file,
        a.about.case.as_deref().map(str::trim),
        a.about.event,
        at,
    )?;
    println!("pinned {} as attachment #{id}", a.file.display());
    Ok(ExitCode::SUCCESS)
}
