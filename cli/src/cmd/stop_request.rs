//! `dunwatch stop-request`: record that the user asked a case's collector to stop (or opted out
//! of texts), then re-evaluate: later contacts become US.CEASE / US.OPTOUT (CN.TP for a refusing
//! third party).

use super::{parse_at, DbArg};
use dunwatch_core::rules;
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

pub fn run(a: Args) -> Result<ExitCode, String> {
    let store = a.db.open()?;
    let at = parse_at(&store, a.at.as_deref())?;
    // A request already made: not in the future (a day of slack for clocks and zones).
    if at.utc_ms > dunwatch_core::time::now_ms() + 86_400_000 {
        return Err(format!(
            "--at {}: in the future; nothing was recorded",
            at.to_rfc3339()
        ));
    }
    let case = a.case.trim();
    if case.is_empty() {
        return Err("--case is empty".into());
    }
    if !a.new_case
        && store
            .case_by_name(case)
            .map_err(|e| e.to_string())?
            .is_none()
    {
        let known: Vec<String> = store
            .cases()
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|c| c.name)
            .collect();
        return Err(format!(
            "no case is named {case:?} (cases: {}); nothing was recorded. Check the spelling, \
             or pass --new-case to record it against a new case",
            if known.is_empty() {
                "none yet".to_string()
            } else {
                known.join(", ")
            }
        ));
    }
    let kind = if a.opt_out {
        AnnotationKind::OptOut
    } else {
        AnnotationKind::StopRequest
    };
    let id = store
        .add_annotation(&NewAnnotation {
            kind,
            case_name: Some(a.case.trim().to_string()),
            event_id: None,
            at,
            text: a.text,
        })
        .map_err(|e| e.to_string())?;
    let s = rules::rebuild(&store).map_err(|e| e.to_string())?;
    println!(
        "recorded {} #{id} for case {} at {}; {} flags",
        kind.as_str(),
        a.case.trim(),
        at.to_rfc3339(),
        s.flags
    );
    Ok(ExitCode::SUCCESS)
}
