//! `dunwatch note`: add a free-text note to the evidence (chained like a stop request), for a
//! case or an event, or on its own.

use super::{parse_at, AboutArg, DbArg};
use anyhow::Result;
use dunwatch_core::store::{AnnotationKind, NewAnnotation};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// The note.
    pub text: String,
    #[command(flatten)]
    pub about: AboutArg,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let ev = a.db.open()?;
    let at = parse_at(&ev, a.about.at.as_deref())?;
    let id = ev.annotate(&NewAnnotation {
        kind: AnnotationKind::Note,
        case_name: a.about.case.as_deref().map(|c| c.trim().to_string()),
        event_id: a.about.event,
        at,
        text: a.text,
    })?;
    println!("recorded note #{id} at {}", at.to_rfc3339());
    Ok(ExitCode::SUCCESS)
}
