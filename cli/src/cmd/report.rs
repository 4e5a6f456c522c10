//! `dunwatch report`: the evidence report (HTML), or JSON / CSV exports of the store.

use super::DbArg;
use dunwatch_core::report::{
    render_html, write_events_csv, write_flags_csv, write_json, Lang, ReportData,
};
use dunwatch_core::{Jurisdiction, Store};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Html,
    Json,
    Csv,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// html: the evidence report; json: everything, with a schema version; csv: two files,
    /// NAME-events.csv and NAME-flags.csv, from `-o NAME.csv`.
    #[arg(long, value_enum, default_value = "html")]
    pub format: Format,
    /// Language of the report: zh or en (default: zh for the cn rule pack, en otherwise).
    #[arg(long)]
    pub lang: Option<String>,
    /// Output file (default: dunwatch-report.html / .json / .csv in the current directory).
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
}

/// `evidence.csv` → (`evidence-events.csv`, `evidence-flags.csv`), in the same directory.
pub fn csv_paths(out: &Path) -> (PathBuf, PathBuf) {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "dunwatch".into());
    let dir = out.parent().unwrap_or(Path::new(""));
    (
        dir.join(format!("{stem}-events.csv")),
        dir.join(format!("{stem}-flags.csv")),
    )
}

/// Writes through a temporary file renamed into place, so a failed run never leaves a
/// half-written report that looks complete.
fn write_atomic(
    path: &Path,
    f: impl FnOnce(&mut dyn Write) -> dunwatch_core::Result<()>,
) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| format!("{} is not a file name", path.display()))?;
    let tmp = dir.join(format!(".{}.tmp", name.to_string_lossy()));
    let result = (|| {
        let file = std::fs::File::create(&tmp)
            .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        let mut w = BufWriter::new(file);
        f(&mut w).map_err(|e| e.to_string())?;
        let file = w.into_inner().map_err(|e| e.to_string())?;
        file.sync_all().map_err(|e| e.to_string())?;
        std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

pub fn run(a: Args) -> Result<ExitCode, String> {
    let path = a.db.path()?;
    if !path.exists() {
        return Err(format!(
            "no store at {}; import a backup first (dunwatch import)",
            path.display()
        ));
    }
    let store: Store = a.db.open()?;
    let settings = store.settings().map_err(|e| e.to_string())?;
    let lang = match &a.lang {
        Some(l) => l.parse::<Lang>().map_err(|e| e.to_string())?,
        None if settings.jurisdiction == Jurisdiction::Cn => Lang::Zh,
        None => Lang::En,
    };
    let ext = match a.format {
        Format::Html => "html",
        Format::Json => "json",
        Format::Csv => "csv",
    };
    let out = a
        .output
        .unwrap_or_else(|| PathBuf::from(format!("dunwatch-report.{ext}")));
    match a.format {
        Format::Html => {
            let data = ReportData::gather(&store).map_err(|e| e.to_string())?;
            let page = render_html(&data, lang);
            write_atomic(&out, |w| Ok(w.write_all(page.as_bytes())?))?;
            let flags: usize = data.cases.iter().map(|c| c.flags.len()).sum();
            println!(
                "wrote {} ({} collector group(s), {} flag(s), evidence chain {})",
                out.display(),
                data.cases.len(),
                flags,
                if data.verify.ok() { "intact" } else { "BROKEN" }
            );
        }
        Format::Json => {
            write_atomic(&out, |w| write_json(&store, w))?;
            println!("wrote {}", out.display());
        }
        Format::Csv => {
            let (events, flags) = csv_paths(&out);
            write_atomic(&events, |w| write_events_csv(&store, w))?;
            write_atomic(&flags, |w| write_flags_csv(&store, w))?;
            println!("wrote {} and {}", events.display(), flags.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
