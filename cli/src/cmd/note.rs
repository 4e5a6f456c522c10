//! `dunwatch note`: add a free-text note to the evidence (chained like a stop request), for a
//! case or an event, or on its own.

use super::{parse_at, DbArg};
use anyhow::Result;
use dunwatch_core::store::{AnnotationKind, NewAnnotation};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// The note.
    pub text: String,
    /// The case it is about.
    #[arg(long)]
    pub case: Option<String>,
    /// The event it is about (its id, as `dunwatch report --format json` lists it).
    #[arg(long)]
    pub event: Option<i64>,
    /// When it happened: RFC 3339, or local `YYYY-MM-DD HH:MM[:SS]` in the store's zone. Default: now.
    #[arg(long)]
    pub at: Option<String>,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let ev = a.db.open()?;
    let at = parse_at(&ev, a.at.as_deref())?;
    let id = ev.annotate(&NewAnnotation {
        kind: AnnotationKind::Note,
        case_name: a.case.as_deref().map(|c| c.trim().to_string()),
        event_id: a.event,
        at,
        text: a.text,
    })?;
    println!("recorded note #{id} at {}", at.to_rfc3339());
    Ok(ExitCode::SUCCESS)
}
