//! `dunwatch import`: read phone backups into the store, run the rules, print what was found.

use super::DbArg;
use dunwatch_core::import::{
    collector_numbers, flags_by_rule, import_path_outcome, ImportOptions, ImportSummary,
    DEFAULT_BATCH,
};
use dunwatch_core::Store;
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// Malformed records listed on screen per file; the rest are only counted.
const SHOW_MALFORMED: usize = 10;

/// Exit status when every file was read but some ranges were skipped (malformed records or
/// broken pieces of a file); 1 is a failure (a file not read to its end, or --strict).
pub const EXIT_SKIPPED: u8 = 3;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exit status: 0 every file read; 3 every file read, but some ranges \
    were skipped (each listed with its line and byte range); 1 a file failed (what it committed \
    before the failure stays, and is counted), or --strict met a skip."
)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// SMS Backup & Restore XML (messages or calls), dunwatch CSV, or JSON Lines files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Events per transaction.
    #[arg(long, default_value_t = DEFAULT_BATCH, hide = true)]
    pub batch_size: usize,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Fail (exit 1) at the first malformed record or broken piece of a file instead of
    /// skipping it; what was committed before it stays.
    #[arg(long)]
    pub strict: bool,
}

/// A progress bar over the file's bytes, or nothing when stderr is not a terminal.
fn bar(len: u64, name: &str) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = ProgressBar::new(len);
    let style = ProgressStyle::with_template(
        "{msg:20!} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    )
    .map(|s| s.progress_chars("=> "))
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style);
    pb.set_message(name.to_string());
    Some(pb)
}

pub fn run(a: Args) -> Result<ExitCode, String> {
    let store = a.db.open()?;
    let opts = ImportOptions {
        batch_size: a.batch_size.max(1),
        strict: a.strict,
        ..Default::default()
    };
    let mut total = ImportSummary::default();
    let mut failed = Vec::new();
    for path in &a.files {
        let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let pb = bar(len, &name);
        let mut progress = |bytes: u64| {
            if let Some(pb) = &pb {
                pb.set_position(bytes);
            }
        };
        let out = import_path_outcome(&store, path, &opts, &mut progress);
        if let Some(pb) = &pb {
            pb.finish_and_clear();
        }
        // A failed file still counts what it read and committed before the failure.
        if !a.json {
            print_file(path, &out.summary, out.error.is_some());
        }
        if let Some(e) = &out.error {
            eprintln!("dunwatch: {}: {e}", path.display());
            failed.push(path.display().to_string());
        }
        total.absorb(out.summary);
    }
    let found = Found::read(&store).map_err(|e| e.to_string())?;
    if a.json {
        let out = serde_json::json!({
            "summary": total,
            "failed_files": failed,
            "collector_numbers": found.numbers,
            "flags_by_rule": found.by_rule,
        });
        println!("{out}");
    } else {
        print_total(&total, &found, a.files.len());
    }
    Ok(if !failed.is_empty() {
        ExitCode::from(1)
    } else if total.malformed_total > 0 {
        if !a.json {
            println!(
                "note: {} range(s) skipped (listed above); exit status {EXIT_SKIPPED}",
                total.malformed_total
            );
        }
        ExitCode::from(EXIT_SKIPPED)
    } else {
        ExitCode::SUCCESS
    })
}

/// What the store knows after the import: collector numbers and flags per rule.
struct Found {
    numbers: BTreeSet<String>,
    by_rule: BTreeMap<String, u64>,
}

impl Found {
    fn read(store: &Store) -> dunwatch_core::Result<Found> {
        Ok(Found {
            numbers: collector_numbers(store)?,
            by_rule: flags_by_rule(store)?,
        })
    }
}

fn print_file(path: &std::path::Path, s: &ImportSummary, failed: bool) {
    let format = s.format.map_or("empty file", |f| f.as_str());
    let failed = if failed {
        " (FAILED: not read to its end; counts are up to the failure)"
    } else {
        ""
    };
    println!("{}: {format}{failed}", path.display());
    println!(
        "  {} messages, {} calls read; {} new, {} already stored, {} drafts/unsent skipped",
        s.messages, s.calls, s.new_events, s.duplicates, s.skipped
    );
    if s.malformed_total > 0 {
        println!("  {} range(s) skipped:", s.malformed_total);
        for m in s.malformed.iter().take(SHOW_MALFORMED) {
            println!(
                "    line {} (bytes {}..{}): {}",
                m.line,
                m.byte,
                m.end,
                m.reason.escape_debug()
            );
        }
        if s.malformed_total as usize > SHOW_MALFORMED {
            println!("    ... (--json lists up to 200)");
        }
    }
    if s.notes_total > 0 {
        println!("  {} record(s) kept with a repair:", s.notes_total);
        for m in s.notes.iter().take(SHOW_MALFORMED) {
            println!(
                "    line {} (bytes {}..{}): {}",
                m.line, m.byte, m.end, m.reason
            );
        }
    }
}

fn print_total(t: &ImportSummary, found: &Found, files: usize) {
    println!("summary ({files} file(s)):");
    println!("  messages:   {}", t.messages);
    println!("  calls:      {}", t.calls);
    println!(
        "  stored:     {} new, {} duplicates",
        t.new_events, t.duplicates
    );
    println!(
        "  skipped:    {} malformed record(s) or broken range(s)",
        t.malformed_total
    );
    if t.notes_total > 0 {
        println!("  repaired:   {} record(s) kept with a note", t.notes_total);
    }
    println!("  collectors: {} number(s) found", found.numbers.len());
    if found.by_rule.is_empty() {
        println!("  flags:      none");
    } else {
        println!("  flags by rule ({} new in this import):", t.flags_added);
        for (rule, n) in &found.by_rule {
            println!("    {rule:<20} {n}");
        }
    }
}
