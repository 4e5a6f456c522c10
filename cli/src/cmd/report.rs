//! `dunwatch report`: the evidence report (HTML), or JSON / CSV exports of the store.

use super::DbArg;
use anyhow::Result;
use dunwatch_core::report::{Format, Lang};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatArg {
    Html,
    Json,
    Csv,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Html => Format::Html,
            FormatArg::Json => Format::Json,
            FormatArg::Csv => Format::Csv,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// html: the evidence report; json: everything, with a schema version; csv: two files,
    /// NAME-events.csv and NAME-flags.csv, from `-o NAME.csv`.
    #[arg(long, value_enum, default_value = "html")]
    pub format: FormatArg,
    /// Language of the report: zh (Simplified Chinese), zh-Hant (Traditional Chinese; also
    /// zh-TW, zh-HK, zh-MO) or en (default: zh for the cn rule pack, en otherwise).
    #[arg(long)]
    pub lang: Option<String>,
    /// Output file (default: dunwatch-report.html / .json / .csv in the current directory).
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let ev =
        a.db.open_read_only("; import a backup first (dunwatch import)")?;
    let lang = a.lang.as_deref().map(str::parse::<Lang>).transpose()?;
    let format = Format::from(a.format);
    let out = a
        .output
        .unwrap_or_else(|| PathBuf::from(format!("dunwatch-report.{}", format.extension())));
    let done = ev.export(&out, format, lang)?;
    let names: Vec<String> = done.files.iter().map(|p| p.display().to_string()).collect();
    let chain = if done.chain_ok { "intact" } else { "BROKEN" };
    if format == Format::Html {
        println!(
            "wrote {} ({} collector group(s), {} flag(s), evidence chain {chain})",
            names.join(" and "),
            done.cases,
            done.flags
        );
    } else {
        println!("wrote {} (evidence chain {chain})", names.join(" and "));
    }
    Ok(ExitCode::SUCCESS)
}
