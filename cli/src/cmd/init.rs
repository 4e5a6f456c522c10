//! `dunwatch init`: create a store or change its settings.

use super::DbArg;
use anyhow::Result;
use dunwatch_core::{Jurisdiction, Role, Settings};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// Rule pack: cn (default), us, in, uk or ph. Changing it without --tz also moves the time
    /// zone to the country's (for us, give --tz).
    #[arg(long)]
    pub jurisdiction: Option<String>,
    /// Whose phone this is: borrower, or third-party (family, friend, colleague, emergency-contact).
    #[arg(long)]
    pub role: Option<String>,
    /// Home time zone (IANA name, e.g. Asia/Shanghai), used for imports without offsets.
    #[arg(long)]
    pub tz: Option<String>,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let ev = a.db.open()?;
    let mut s: Settings = ev.settings()?;
    let mut note = None;
    if let Some(j) = &a.jurisdiction {
        let j = j.parse::<Jurisdiction>()?;
        if j != s.jurisdiction && a.tz.is_none() {
            // Imports read local times in the home zone: keeping China's zone for a UK pack
            // would misplace every night-time contact.
            match j.single_zone() {
                Some(z) => s.home_tz = z.to_string(),
                None => {
                    note = Some(format!(
                        "note: time zone kept as {}; give --tz with your zone (e.g. \
                         America/New_York) if that is not where the phone is",
                        s.home_tz
                    ))
                }
            }
        }
        s.jurisdiction = j;
    }
    if let Some(r) = &a.role {
        s.role = r.parse::<Role>()?;
    }
    if let Some(tz) = &a.tz {
        s.home_tz = tz.trim().to_string();
    }
    ev.change_settings(&s)?;
    println!(
        "store {}: jurisdiction {}, role {}, time zone {}",
        a.db.path()?.display(),
        s.jurisdiction,
        s.role,
        s.home_tz
    );
    if let Some(n) = note {
        eprintln!("{n}");
    }
    Ok(ExitCode::SUCCESS)
}
