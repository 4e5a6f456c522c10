//! `dunwatch verify`: recompute the evidence chains.

use super::DbArg;
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

pub fn run(a: Args) -> Result<ExitCode, String> {
    let path = a.db.path()?;
    if !path.exists() {
        return Err(format!("no store at {}", path.display()));
    }
    let store = a.db.open_read_only()?;
    let report = store.verify().map_err(|e| e.to_string())?;
    let seal = match &a.seal {
        None => None,
        Some(f) => {
            let text = read_seal(f)?;
            let seal = dunwatch_core::store::Seal::parse(&text)
                .map_err(|e| format!("{}: {e}", f.display()))?;
            Some(store.check_seal(&seal).map_err(|e| e.to_string())?)
        }
    };
    let seal_ok = seal.as_ref().is_none_or(|s| s.ok());
    if a.json {
        let out = serde_json::json!({ "verify": report, "seal": seal });
        println!("{out}");
    } else {
        for c in &report.chains {
            println!("{:<12} {:>8} rows  head {}", c.chain, c.rows, c.head);
        }
        if let Some(s) = &seal {
            println!("seal {}:", s.code);
            for c in &s.chains {
                println!("  {:<12} {:?}: {}", c.chain, c.status, c.reason);
            }
        }
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
            Ok(ExitCode::from(1))
        }
    }
}

/// A seal is a few hundred bytes; read at most a little more than the largest one.
fn read_seal(f: &std::path::Path) -> Result<String, String> {
    use std::io::Read;
    let file = std::fs::File::open(f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
    let mut text = String::new();
    file.take(8192)
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read {}: {e}", f.display()))?;
    Ok(text)
}
