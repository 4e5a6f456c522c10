//! `dunwatch tag`: put a number into a case (by hand), then re-evaluate the flags.

use super::DbArg;
use dunwatch_core::rules;
use dunwatch_core::store::TagSource;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// The collector's number, as written anywhere (it is normalised).
    pub number: String,
    /// Case (creditor) the number belongs to; created if new.
    #[arg(long)]
    pub case: String,
    /// Mark the case as a third-party `collector`, the original `creditor`, or `unknown`
    /// (Regulation F binds only collectors).
    #[arg(long)]
    pub party: Option<String>,
}

pub fn run(a: Args) -> Result<ExitCode, String> {
    let store = a.db.open()?;
    // An empty or withheld number is every withheld caller at once, never one collector.
    let number = store.parse_number(&a.number).map_err(|e| e.to_string())?;
    if number.kind == dunwatch_core::NumberKind::Hidden {
        return Err(format!(
            "{:?} is a withheld or empty number: tagging it would put every withheld caller \
             into the case; nothing was changed",
            a.number
        ));
    }
    if a.case.trim().is_empty() {
        return Err("--case is empty".into());
    }
    let info = store
        .tag_number(&a.number, &a.case, TagSource::User)
        .map_err(|e| e.to_string())?;
    if let Some(p) = &a.party {
        store
            .set_case_party(&a.case, p.trim())
            .map_err(|e| e.to_string())?;
    }
    let s = rules::rebuild(&store).map_err(|e| e.to_string())?;
    println!(
        "{} is in case {}; {} flags from {} events",
        info.number,
        info.case_name.unwrap_or_default(),
        s.flags,
        s.events
    );
    Ok(ExitCode::SUCCESS)
}
