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
    let tmp = write_temp(path, f)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        cannot_write(path, Error::Io(e))
    })
}

/// The temporary file [`write_atomic`] writes `path` through: `.NAME.PID.dunwatch.tmp` beside
/// it, so two runs never share one and a later run can tell a killed run's leftovers from
/// another program's files.
fn temp_path(path: &Path) -> Result<PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::InvalidInput(format!("{} is not a file name", path.display())))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    remove_stale_temps(&dir, &name.to_string_lossy());
    Ok(dir.join(format!(
        ".{}.{}{TEMP_SUFFIX}",
        name.to_string_lossy(),
        std::process::id()
    )))
}

const TEMP_SUFFIX: &str = ".dunwatch.tmp";

/// The process id in a temporary file name of ours (`.NAME.PID.dunwatch.tmp`).
fn temp_owner(file: &str) -> Option<u32> {
    let rest = file.strip_prefix('.')?.strip_suffix(TEMP_SUFFIX)?;
    let (name, pid) = rest.rsplit_once('.')?;
    if name.is_empty() {
        return None;
    }
    pid.parse().ok()
}

/// Whether the run that named a temporary file may still be writing it: its process is alive
/// (where `/proc` tells), or the file changed in the last hour (where it does not).
fn maybe_in_use(file: &Path, pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        return proc.join(pid.to_string()).exists();
    }
    std::fs::metadata(file)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age < std::time::Duration::from_secs(3600))
}

/// Removes what killed runs left in `dir`: temporary files of ours whose run is gone, and the
/// `.NAME.tmp` an older dunwatch wrote `name` through. Best effort: a file that cannot be
/// removed stays, and the export goes on.
fn remove_stale_temps(dir: &Path, name: &str) {
    let _ = std::fs::remove_file(dir.join(format!(".{name}.tmp")));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name();
        let Some(pid) = temp_owner(&file.to_string_lossy()) else {
            continue;
        };
        let path = e.path();
        if !maybe_in_use(&path, pid) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Writes and syncs the temporary file of `path` (removed again on failure); returns its path.
fn write_temp(path: &Path, f: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<PathBuf> {
    let tmp = temp_path(path)?;
    let result = (|| -> Result<()> {
        let mut w = BufWriter::new(std::fs::File::create(&tmp)?);
        f(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok(())
    })();
    match result {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(cannot_write(path, e))
        }
    }
}

fn cannot_write(path: &Path, e: Error) -> Error {
    match e {
        Error::Io(io) => Error::Io(std::io::Error::new(
            io.kind(),
            format!("cannot write {}: {io}", path.display()),
        )),
        e => e,
    }
}

/// Writes the two files of a CSV export so that they are never from different runs: both are
/// written and synced first; then the old flags file goes, and the new files are renamed into
/// place, events before flags. Killed at any point, the directory holds the old pair, the new
/// pair, or an events file without its flags file (visibly incomplete), never a mixed pair.
fn write_pair(
    (events, flags): (&Path, &Path),
    write_events: impl FnOnce(&mut dyn Write) -> Result<()>,
    write_flags: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let events_tmp = write_temp(events, write_events)?;
    let flags_tmp = match write_temp(flags, write_flags) {
        Ok(t) => t,
        Err(e) => {
            let _ = std::fs::remove_file(&events_tmp);
            return Err(e);
        }
    };
    let placed = (|| -> Result<()> {
        match std::fs::remove_file(flags) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::Io(e)),
            _ => {}
        }
        std::fs::rename(&events_tmp, events)?;
        std::fs::rename(&flags_tmp, flags)?;
        Ok(())
    })();
    if placed.is_err() {
        let _ = std::fs::remove_file(&events_tmp);
        let _ = std::fs::remove_file(&flags_tmp);
    }
    placed.map_err(|e| cannot_write(flags, e))
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
            write_pair(
                (&events, &flags),
                |w| write_events_csv(store, w),
                |w| write_flags_csv(store, w),
            )?;
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

    /// A disk that fills after `room` bytes.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::Error::from_raw_os_error(28));
            }
            let n = b.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Finding 8 of issue 17: a JSON report on a full disk said "parse error".
    #[test]
    fn a_full_disk_is_an_io_error_not_a_parse_error() {
        let store = Store::open_in_memory().unwrap();
        let csv =
            "kind,direction,number,time,body\nsms,incoming,13800138000,1741527000000,请还款\n";
        crate::import::import_reader(&store, csv.as_bytes(), &Default::default(), &mut |_| {})
            .unwrap();
        let mut whole = Vec::new();
        super::super::write_json(&store, &mut whole).unwrap();
        // The disk fills at every point of the file, the streamed events included.
        for room in (0..whole.len()).step_by(5) {
            let e = super::super::write_json(&store, &mut Full { room }).unwrap_err();
            assert!(matches!(e, Error::Io(_)), "{room}: {e:?}");
            assert!(!e.to_string().contains("parse"), "{e}");
        }
    }

    /// Finding 8 of issue 17: a report killed mid-write left its temporary file for good. The
    /// next run removes what dead runs of ours left (and an older dunwatch's `.NAME.tmp` of the
    /// file it writes), and leaves a live run's and other programs' files alone.
    #[test]
    fn a_killed_runs_temporary_files_are_removed_by_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report.html");
        // A process that has ended: what a killed run leaves behind.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let leftovers = [
            format!(".report.html.{dead}{TEMP_SUFFIX}"),
            format!(".x-events.csv.{dead}{TEMP_SUFFIX}"),
            ".report.html.tmp".to_string(),
        ];
        // A run still writing (this test's parent process is alive).
        let alive = format!(
            ".report.html.{}{TEMP_SUFFIX}",
            std::os::unix::process::parent_id()
        );
        let others = [".notes.txt.tmp", ".report.html.123.other.tmp", "report.tmp"];
        std::fs::write(dir.path().join(&alive), b"being written").unwrap();
        for n in leftovers.iter().map(String::as_str).chain(others) {
            std::fs::write(dir.path().join(n), b"half a report").unwrap();
        }
        write_atomic(&out, |w| Ok(w.write_all(b"<html>")?)).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"<html>");
        for n in &leftovers {
            assert!(!dir.path().join(n).exists(), "{n} left");
        }
        for n in others {
            assert!(dir.path().join(n).exists(), "{n} removed");
        }
        assert!(
            dir.path().join(&alive).exists(),
            "a live run's file removed"
        );
        let ours: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| temp_owner(n).is_some())
            .collect();
        assert_eq!(ours, vec![alive]);
        assert_eq!(temp_owner(".a.b.12.dunwatch.tmp"), Some(12));
        assert_eq!(temp_owner("..12.dunwatch.tmp"), None);
        assert_eq!(temp_owner(".a.x.dunwatch.tmp"), None);
    }

    /// Finding 8 of issue 17: the two CSV files of one export could end up from different
    /// runs. A failed second file leaves the old pair; a new pair replaces both.
    #[test]
    fn the_csv_pair_is_never_mixed() {
        let dir = tempfile::tempdir().unwrap();
        let (ev, fl) = (
            dir.path().join("x-events.csv"),
            dir.path().join("x-flags.csv"),
        );
        let put = |e: &'static [u8], f: Option<&'static [u8]>| {
            write_pair(
                (&ev, &fl),
                |w| Ok(w.write_all(e)?),
                |w| match f {
                    Some(f) => Ok(w.write_all(f)?),
                    None => Err(Error::InvalidInput("killed".into())),
                },
            )
        };
        put(b"e1", Some(b"f1")).unwrap();
        put(b"e2", None).unwrap_err();
        assert_eq!(std::fs::read(&ev).unwrap(), b"e1");
        assert_eq!(std::fs::read(&fl).unwrap(), b"f1");
        put(b"e3", Some(b"f3")).unwrap();
        assert_eq!(std::fs::read(&ev).unwrap(), b"e3");
        assert_eq!(std::fs::read(&fl).unwrap(), b"f3");
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

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
