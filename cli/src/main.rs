//! `dunwatch`: the evidence tool for a computer. Each subcommand lives in `cmd/<name>.rs`.

mod cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "dunwatch",
    version,
    about = "Record and report illegal debt collection"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create (or reconfigure) an evidence store.
    Init(cmd::init::Args),
    /// Check the evidence chain; exit 1 naming the first broken row.
    Verify(cmd::verify::Args),
    /// Import a phone's SMS/call export (SMS Backup & Restore XML, CSV, JSON Lines).
    Import(cmd::import::Args),
    /// Write the evidence report (HTML) or export the store (JSON, CSV).
    Report(cmd::report::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init(a) => cmd::init::run(a),
        Command::Verify(a) => cmd::verify::run(a),
        Command::Import(a) => cmd::import::run(a),
        Command::Report(a) => cmd::report::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("dunwatch: {e}");
            ExitCode::from(2)
        }
    }
}
