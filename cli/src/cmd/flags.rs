//! `dunwatch flags`: list the rule violations found in the evidence (re-evaluated first if the
//! settings, cases or annotations changed since).

use super::DbArg;
use dunwatch_core::rules;
use dunwatch_core::store::FlagQuery;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// One JSON object per line: rule, events, numbers, case, at, description, source, ...
    #[arg(long)]
    pub json: bool,
    /// Recompute all flags from the evidence first.
    #[arg(long)]
    pub rebuild: bool,
}

pub fn run(a: Args) -> Result<ExitCode, String> {
    let path = a.db.path()?;
    if !path.exists() {
        return Err(format!("no store at {}", path.display()));
    }
    // Only a rebuild is kept; listing works on a copy, so a write-protected store lists too.
    let store = if a.rebuild {
        a.db.open()?
    } else {
        a.db.open_read_only()?
    };
    if a.rebuild {
        rules::rebuild(&store).map_err(|e| e.to_string())?;
    } else {
        rules::refresh(&store).map_err(|e| e.to_string())?;
    }
    let flags = store
        .flags(&FlagQuery::default())
        .map_err(|e| e.to_string())?;
    for f in &flags {
        if a.json {
            let line = serde_json::json!({
                "id": f.id,
                "rule": f.flag.rule,
                "events": f.flag.events,
                "numbers": f.flag.numbers,
                "case": f.case_name,
                "at": f.flag.at.to_rfc3339(),
                "severity": f.flag.severity,
                "description": f.flag.description,
                "source": f.flag.source,
                "detail": f.flag.detail,
            });
            println!("{line}");
        } else {
            println!(
                "{}  {:<18} {:<8} case {:<12} events {:?}\n    {}\n    source: {}",
                f.flag.at.to_rfc3339(),
                f.flag.rule,
                f.flag.severity,
                f.case_name.as_deref().unwrap_or("-"),
                f.flag.events,
                f.flag.description,
                f.flag.source
            );
        }
    }
    if !a.json {
        println!("{} flags", flags.len());
        for (number, case, why) in store.case_suggestions().map_err(|e| e.to_string())? {
            println!("suggested: {number} may belong to case {case} ({why}); confirm with `dunwatch tag`");
        }
    }
    Ok(ExitCode::SUCCESS)
}
