//! `dunwatch verify`: recompute the evidence chains, compare the case tables with the membership
//! the chain gives and the stored flags with the ones the evidence gives, and check a seal.

use super::DbArg;
use anyhow::{Context, Result};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also check a seal written earlier (`dunwatch seal`): exit 1 unless the store still holds,
    /// unchanged, every row the seal covers.
    #[arg(long, value_name = "FILE")]
    pub seal: Option<std::path::PathBuf>,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let ev = a.db.open_read_only_as_stored()?;
    let report = ev.verify()?;
    // Flags sit outside the chains: re-derive them on a copy and compare.
    let flags = ev.audit_flags()?;
    let seal = match &a.seal {
        None => None,
        Some(f) => {
            let text = read_seal(f)?;
            let seal = dunwatch_core::store::Seal::parse(&text)
                .with_context(|| f.display().to_string())?;
            Some(ev.check_seal(&seal)?)
        }
    };
    let seal_ok = seal.as_ref().is_none_or(|s| s.ok());
    if a.json {
        let out = serde_json::json!({ "verify": report, "seal": seal, "flags": flags });
        println!("{out}");
    } else {
        for c in &report.chains {
            println!("{:<12} {:>8} rows  head {}", c.chain, c.rows, c.head);
        }
        if flags.ok() {
            println!(
                "flags        {:>8} stored, the same as the evidence gives",
                flags.stored
            );
            if !flags.pending.is_empty() {
                println!(
                    "flags        {:>8} not derived yet: they rest on events stored just before \
                     dunwatch stopped; the next write or report derives them",
                    flags.pending.len()
                );
            }
        } else if !flags.inputs_current {
            println!(
                "flags        {:>8} stored, {} derived now: they were derived from other inputs \
                 (a newer dunwatch, or a setting, case or annotation changed); the next report \
                 derives them again",
                flags.stored, flags.derived
            );
        }
        if let Some(s) = &seal {
            println!("seal {}:", s.code);
            for c in &s.chains {
                println!("  {:<12} {:?}: {}", c.chain, c.status, c.reason);
            }
        }
    }
    if flags.tampered() {
        eprintln!(
            "FLAGS CHANGED OUTSIDE DUNWATCH: {} stored flag(s) the evidence does not give, {} \
             flag(s) the evidence gives missing",
            flags.not_derived.len(),
            flags.missing.len()
        );
        for f in flags.not_derived.iter().take(20) {
            eprintln!(
                "  not derived: {} case {:?} events {:?}",
                f.rule, f.case, f.events
            );
        }
        for f in flags.missing.iter().take(20) {
            eprintln!(
                "  missing:     {} case {:?} events {:?}",
                f.rule, f.case, f.events
            );
        }
        return Ok(ExitCode::from(1));
    }
    if !seal_ok {
        eprintln!("SEAL NOT HONOURED: evidence that the seal covers is missing or changed");
        return Ok(ExitCode::from(1));
    }
    match &report.broken {
        None => {
            if !a.json {
                println!("intact");
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(b) => {
            eprintln!("BROKEN: {} row {}: {}", b.chain, b.row, b.reason);
            for d in report.membership.iter().take(20) {
                eprintln!("  membership: {d}");
            }
            Ok(ExitCode::from(1))
        }
    }
}

/// A seal is a few hundred bytes; read at most a little more than the largest one.
fn read_seal(f: &std::path::Path) -> Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(f).with_context(|| format!("cannot read {}", f.display()))?;
    let mut text = String::new();
    file.take(8192)
        .read_to_string(&mut text)
        .with_context(|| format!("cannot read {}", f.display()))?;
    Ok(text)
}
