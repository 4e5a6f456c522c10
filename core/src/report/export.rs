//! Writing a report to files: the one place that decides file names, the default language and
//! how files are written, shared by `dunwatch report` and the app's export (JNI).

use super::{
    write_events_csv, write_flags_csv, write_html, write_json, CaseView, Lang, ReportData,
};
use crate::error::{Error, Result};
use crate::model::Jurisdiction;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// The evidence report, one self-contained page.
    Html,
    /// Everything in the store, with a schema version.
    Json,
    /// Two spreadsheet files, `NAME-events.csv` and `NAME-flags.csv`.
    Csv,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

impl FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "html" => Ok(Format::Html),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            other => Err(Error::InvalidInput(format!(
                "report format {other:?}: use html, json or csv"
            ))),
        }
    }
}

/// What [`export`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exported {
    pub files: Vec<PathBuf>,
    /// Whether the evidence chains verified when the report was made.
    pub chain_ok: bool,
    /// Collector groups and flags in an HTML report (0 for the other formats).
    pub cases: usize,
    pub flags: usize,
}

/// The report language when none is asked for: Chinese for the CN pack, English otherwise.
pub fn default_lang(j: Jurisdiction) -> Lang {
    if j == Jurisdiction::Cn {
        Lang::Zh
    } else {
        Lang::En
    }
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

/// Writes through a temporary file renamed into place, so a failure (full disk, killed process)
/// never leaves a half-written report that looks complete.
pub fn write_atomic(path: &Path, f: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::InvalidInput(format!("{} is not a file name", path.display())))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = dir.join(format!(".{}.tmp", name.to_string_lossy()));
    let result = (|| -> Result<()> {
        let mut w = BufWriter::new(std::fs::File::create(&tmp)?);
        f(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| match e {
        Error::Io(io) => Error::Io(std::io::Error::new(
            io.kind(),
            format!("cannot write {}: {io}", path.display()),
        )),
        e => e,
    })
}

/// Writes the report of `store` as `format` to `out` (for CSV: the two files named by
/// [`csv_paths`]); `lang` defaults to [`default_lang`] of the store's jurisdiction.
pub fn export(store: &Store, out: &Path, format: Format, lang: Option<Lang>) -> Result<Exported> {
    let lang = match lang {
        Some(l) => l,
        None => default_lang(store.settings()?.jurisdiction),
    };
    match format {
        Format::Html => {
            let data = ReportData::gather(store)?;
            write_atomic(out, |w| write_html(&data, lang, w))?;
            Ok(Exported {
                files: vec![out.to_path_buf()],
                chain_ok: data.verify.ok(),
                cases: data.cases.len(),
                flags: data.cases.iter().map(CaseView::flag_count).sum(),
            })
        }
        Format::Json => {
            write_atomic(out, |w| write_json(store, w))?;
            Ok(Exported {
                files: vec![out.to_path_buf()],
                chain_ok: store.verify()?.ok(),
                cases: 0,
                flags: 0,
            })
        }
        Format::Csv => {
            let (events, flags) = csv_paths(out);
            write_atomic(&events, |w| write_events_csv(store, w))?;
            write_atomic(&flags, |w| write_flags_csv(store, w))?;
            Ok(Exported {
                files: vec![events, flags],
                chain_ok: store.verify()?.ok(),
                cases: 0,
                flags: 0,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_write_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r.html");
        let err = write_atomic(&out, |w| {
            w.write_all(b"half")?;
            Err(Error::InvalidInput("boom".into()))
        })
        .unwrap_err();
        assert!(err.to_string().contains("boom"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        write_atomic(&out, |w| Ok(w.write_all(b"whole")?)).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"whole");
    }

    #[test]
    fn csv_names_and_formats() {
        let (e, f) = csv_paths(Path::new("/x/evidence.csv"));
        assert_eq!(e, Path::new("/x/evidence-events.csv"));
        assert_eq!(f, Path::new("/x/evidence-flags.csv"));
        assert_eq!("CSV".parse::<Format>().unwrap(), Format::Csv);
        assert!("pdf".parse::<Format>().is_err());
        assert_eq!(default_lang(Jurisdiction::Cn), Lang::Zh);
        assert_eq!(default_lang(Jurisdiction::Us), Lang::En);
    }

    #[test]
    fn export_writes_every_format() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in_memory().unwrap();
        let html = export(&store, &dir.path().join("r.html"), Format::Html, None).unwrap();
        assert!(html.chain_ok);
        let page = std::fs::read_to_string(&html.files[0]).unwrap();
        assert!(page.contains("<html"), "{}", &page[..100.min(page.len())]);
        let csv = export(
            &store,
            &dir.path().join("r.csv"),
            Format::Csv,
            Some(Lang::En),
        )
        .unwrap();
        assert_eq!(csv.files.len(), 2);
        assert!(csv.files.iter().all(|f| f.exists()));
        let json = export(&store, &dir.path().join("r.json"), Format::Json, None).unwrap();
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&json.files[0]).unwrap()).unwrap();
        assert!(v["schema_version"].is_number());
    }
}
