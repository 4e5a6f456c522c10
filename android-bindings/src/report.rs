//! Report export for the app's share sheet: the same files as `dunwatch report` (core's
//! `report` module), written through a temporary file renamed into place so that a failure (full
//! disk, app killed) never leaves a half-written report that looks complete.

use crate::error::{BridgeError, Result};
use dunwatch_core::report::{
    render_html, write_events_csv, write_flags_csv, write_json, Lang, ReportData,
};
use dunwatch_core::{Jurisdiction, Store};
use serde::{Deserialize, Serialize};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Format {
    Html,
    Json,
    Csv,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    #[serde(default)]
    format: Option<Format>,
    /// `zh` or `en`; default: zh for the CN pack, en otherwise (as the CLI).
    #[serde(default)]
    lang: Option<String>,
}

/// What was written.
#[derive(Debug, Serialize)]
struct Written {
    files: Vec<String>,
    /// Whether the evidence chains verified when the report was made.
    chain_ok: bool,
}

fn write_atomic(
    path: &Path,
    f: impl FnOnce(&mut dyn Write) -> dunwatch_core::Result<()>,
) -> Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| BridgeError::invalid(format!("{} is not a file name", path.display())))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = dir.join(format!(".{}.tmp", name.to_string_lossy()));
    let result = (|| -> dunwatch_core::Result<()> {
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
    result.map_err(BridgeError::from)
}

/// `NAME.csv` gives `NAME-events.csv` and `NAME-flags.csv` next to it, as the CLI does.
fn csv_paths(out: &Path) -> (PathBuf, PathBuf) {
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

/// Writes the report of `store` to `path`; returns `{files, chain_ok}`.
pub fn export(store: &Store, path: &str, options_json: &str) -> Result<String> {
    let o: Options = serde_json::from_str(options_json)
        .map_err(|e| BridgeError::invalid(format!("report options: {e}")))?;
    if path.trim().is_empty() {
        return Err(BridgeError::invalid("report path is empty"));
    }
    let out = PathBuf::from(path);
    let settings = store.settings()?;
    let lang = match &o.lang {
        Some(l) => l.parse::<Lang>()?,
        None if settings.jurisdiction == Jurisdiction::Cn => Lang::Zh,
        None => Lang::En,
    };
    let (files, chain_ok) = match o.format.unwrap_or(Format::Html) {
        Format::Html => {
            let data = ReportData::gather(store)?;
            let page = render_html(&data, lang);
            write_atomic(&out, |w| Ok(w.write_all(page.as_bytes())?))?;
            (vec![out], data.verify.ok())
        }
        Format::Json => {
            write_atomic(&out, |w| write_json(store, w))?;
            (vec![out], store.verify()?.ok())
        }
        Format::Csv => {
            let (events, flags) = csv_paths(&out);
            write_atomic(&events, |w| write_events_csv(store, w))?;
            write_atomic(&flags, |w| write_flags_csv(store, w))?;
            (vec![events, flags], store.verify()?.ok())
        }
    };
    serde_json::to_string(&Written {
        files: files.iter().map(|p| p.display().to_string()).collect(),
        chain_ok,
    })
    .map_err(|e| BridgeError::invalid(format!("cannot encode result: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_each_format_and_refuses_bad_options() {
        let dir = std::env::temp_dir().join(format!("dunwatch-jni-report-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::open_in_memory().unwrap();
        let html = dir.join("r.html");
        let out: serde_json::Value =
            serde_json::from_str(&export(&store, html.to_str().unwrap(), "{}").unwrap()).unwrap();
        assert_eq!(out["chain_ok"], true);
        let page = std::fs::read_to_string(&html).unwrap();
        assert!(page.starts_with("<!DOCTYPE html") || page.starts_with("<!doctype html"));
        let csv = dir.join("r.csv");
        let out: serde_json::Value = serde_json::from_str(
            &export(
                &store,
                csv.to_str().unwrap(),
                r#"{"format":"csv","lang":"en"}"#,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(out["files"].as_array().unwrap().len(), 2);
        assert!(dir.join("r-events.csv").exists() && dir.join("r-flags.csv").exists());
        let json = dir.join("r.json");
        export(&store, json.to_str().unwrap(), r#"{"format":"json"}"#).unwrap();
        assert!(std::fs::read_to_string(&json).unwrap().starts_with('{'));

        assert!(export(&store, "", "{}").is_err());
        assert!(export(&store, html.to_str().unwrap(), r#"{"format":"pdf"}"#).is_err());
        assert!(export(&store, html.to_str().unwrap(), r#"{"lang":"fr"}"#).is_err());
        let missing = dir.join("no/such/dir/r.html");
        let e = export(&store, missing.to_str().unwrap(), "{}").unwrap_err();
        assert_eq!(e.kind, crate::error::Kind::Storage);
        assert!(std::fs::read_dir(&dir).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".tmp")));
        let _ = std::fs::remove_dir_all(dir);
    }
}
