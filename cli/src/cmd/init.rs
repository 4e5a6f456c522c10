//! `dunwatch init`: create a store or change its settings.

use super::DbArg;
use dunwatch_core::{Jurisdiction, Role, Settings};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// Rule pack: cn (default), us or in.
    #[arg(long)]
    pub jurisdiction: Option<String>,
    /// Whose phone this is: borrower, or third-party (family, friend, colleague, emergency-contact).
    #[arg(long)]
    pub role: Option<String>,
    /// Home time zone (IANA name, e.g. Asia/Shanghai), used for imports without offsets.
    #[arg(long)]
    pub tz: Option<String>,
}

pub fn run(a: Args) -> Result<ExitCode, String> {
    let store = a.db.open()?;
    let mut s: Settings = store.settings().map_err(|e| e.to_string())?;
    if let Some(j) = &a.jurisdiction {
        s.jurisdiction = j.parse::<Jurisdiction>().map_err(|e| e.to_string())?;
    }
    if let Some(r) = &a.role {
        s.role = r.parse::<Role>().map_err(|e| e.to_string())?;
    }
    if let Some(tz) = &a.tz {
        s.home_tz = tz.trim().to_string();
    }
    store.set_settings(&s).map_err(|e| e.to_string())?;
    println!(
        "store {}: jurisdiction {}, role {}, time zone {}",
        a.db.path()?.display(),
        s.jurisdiction,
        s.role,
        s.home_tz
    );
    Ok(ExitCode::SUCCESS)
}
