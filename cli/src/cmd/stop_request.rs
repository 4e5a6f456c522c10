//! `dunwatch stop-request`: record that the user asked a case's collector to stop (or opted out
//! of texts); the flags are re-evaluated: later contacts become US.CEASE / US.OPTOUT (CN.TP for
//! a refusing third party).

use super::{parse_at, DbArg};
use anyhow::{bail, Result};
use dunwatch_core::store::{AnnotationKind, NewAnnotation};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// The case the request was made to.
    #[arg(long)]
    pub case: String,
    /// When it was made: RFC 3339, or local `YYYY-MM-DD HH:MM[:SS]` in the store's zone. Default: now.
    #[arg(long)]
    pub at: Option<String>,
    /// Record an opt-out (replied STOP to texts) instead of a request to stop all contact.
    #[arg(long)]
    pub opt_out: bool,
    /// What was said or sent.
    #[arg(long, default_value = "")]
    pub text: String,
    /// Record it even though no case has this name yet (the evidence is permanent, so a
    /// misspelt case is refused without this).
    #[arg(long)]
    pub new_case: bool,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let ev = a.db.open()?;
    let at = parse_at(&ev, a.at.as_deref())?;
    // A request already made: not in the future (a day of slack for clocks and zones).
    if at.utc_ms > dunwatch_core::time::now_ms() + 86_400_000 {
        bail!(
            "--at {}: in the future; nothing was recorded",
            at.to_rfc3339()
        );
    }
    let case = a.case.trim();
    if case.is_empty() {
        bail!("--case is empty");
    }
    let cases = ev.cases()?;
    if !a.new_case && !cases.iter().any(|c| c.name == case) {
        let known: Vec<String> = cases.into_iter().map(|c| c.name).collect();
        bail!(
            "no case is named {case:?} (cases: {}); nothing was recorded. Check the spelling, \
             or pass --new-case to record it against a new case",
            if known.is_empty() {
                "none yet".to_string()
            } else {
                known.join(", ")
            }
        );
    }
    let kind = if a.opt_out {
        AnnotationKind::OptOut
    } else {
        AnnotationKind::StopRequest
    };
    let id = ev.annotate(&NewAnnotation {
        kind,
        case_name: Some(a.case.trim().to_string()),
        event_id: None,
        at,
        text: a.text,
    })?;
    println!(
        "recorded {} #{id} for case {} at {}; {} flags",
        kind.as_str(),
        a.case.trim(),
        at.to_rfc3339(),
        ev.flag_summary()?.flags
    );
    Ok(ExitCode::SUCCESS)
}
