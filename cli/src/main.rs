//! `dunwatch`: the evidence tool for a computer. Each subcommand lives in `cmd/<name>.rs`.

mod alloc;
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
    /// Write a seal of the store (chain lengths and heads, time, short code) to share.
    Seal(cmd::seal::Args),
    /// Put a number into a case (collector / creditor) and re-evaluate the flags.
    Tag(cmd::tag::Args),
    /// Take a number out of its case and re-evaluate the flags.
    Untag(cmd::untag::Args),
    /// Merge one case into another (two names for one lender) and re-evaluate the flags.
    Merge(cmd::merge::Args),
    /// Record a request to stop (or a text opt-out) made to a case's collector.
    StopRequest(cmd::stop_request::Args),
    /// Add a note to the evidence (about a case, an event, or on its own).
    Note(cmd::note::Args),
    /// Pin a file (recording, photo of a letter) to the evidence by its SHA-256.
    Attach(cmd::attach::Args),
    /// Record what a loan really cost and check its rate against the legal lines.
    Loan(Box<cmd::loan::Args>),
    /// List rule violations with their events, numbers and legal sources.
    Flags(cmd::flags::Args),
    /// What call screening would do with a call from NUMBER, and why.
    Screen(cmd::screen::Args),
    /// Import (CSV: number, creditor, source) or list known collector numbers.
    Collectors(cmd::collectors::Args),
    /// Classify messages (JSON Lines in, one JSON result line out per input line).
    Classify(cmd::classify::Args),
    /// Import a phone's SMS/call export (SMS Backup & Restore XML, CSV, JSON Lines).
    Import(cmd::import::Args),
    /// Write the evidence report (HTML) or export the store (JSON, CSV).
    Report(cmd::report::Args),
}

/// Rust ignores SIGPIPE, so `println!` panics when the reader of a pipe goes away
/// (`dunwatch flags --json | head`). Restore the default so the command ends quietly, as Unix
/// filters do. Store writes are transactions, so being stopped this way loses nothing.
#[cfg(unix)]
fn quiet_on_closed_pipe() {
    // SAFETY: called once at start-up, before any thread exists; SIG_DFL is a valid action.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn quiet_on_closed_pipe() {}

fn main() -> ExitCode {
    alloc::tune();
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init(a) => cmd::init::run(a),
        Command::Verify(a) => cmd::verify::run(a),
        Command::Seal(a) => cmd::seal::run(a),
        Command::Tag(a) => cmd::tag::run(a),
        Command::Untag(a) => cmd::untag::run(a),
        Command::Merge(a) => cmd::merge::run(a),
        Command::StopRequest(a) => cmd::stop_request::run(a),
        Command::Note(a) => cmd::note::run(a),
        Command::Attach(a) => cmd::attach::run(a),
        Command::Loan(a) => cmd::loan::run(*a).map_err(anyhow::Error::msg),
        Command::Flags(a) => cmd::flags::run(a),
        Command::Screen(a) => cmd::screen::run(a),
        Command::Collectors(a) => cmd::collectors::run(a),
        Command::Classify(a) => cmd::classify::run(a),
        Command::Import(a) => cmd::import::run(a),
        Command::Report(a) => cmd::report::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("dunwatch: {e:#}");
            ExitCode::from(2)
        }
    }
}
