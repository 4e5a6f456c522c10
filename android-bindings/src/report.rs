//! Report export for the app's share sheet: a thin wrapper over `dunwatch_core::report::export`
//! (the same files as `dunwatch report`, written atomically) taking options as JSON.

use crate::contract::{Options, Written};
use crate::error::{BridgeError, Result};
use dunwatch_core::report::Format;
use dunwatch_core::Evidence;
use std::path::PathBuf;

/// Writes the report of `ev` to `path`; returns `{files, chain_ok}`.
pub fn export(ev: &Evidence, path: &str, options_json: &str) -> Result<String> {
    let o: Options = serde_json::from_str(options_json)
        .map_err(|e| BridgeError::invalid(format!("report options: {e}")))?;
    if path.trim().is_empty() {
        return Err(BridgeError::invalid("report path is empty"));
    }
    let lang = o.lang.as_deref().map(str::parse).transpose()?;
    let done = ev.export(&PathBuf::from(path), o.format.unwrap_or(Format::Html), lang)?;
    serde_json::to_string(&Written {
        files: done.files.iter().map(|p| p.display().to_string()).collect(),
        chain_ok: done.chain_ok,
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
        let store = Evidence::open_in_memory(None).unwrap();
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
        // Kotlin's ReportLanguage.ZH_HANT sends its code as it is.
        export(&store, html.to_str().unwrap(), r#"{"lang":"zh-Hant"}"#).unwrap();
        let page = std::fs::read_to_string(&html).unwrap();
        assert!(page.contains("<html lang=\"zh-Hant\">") && page.contains("催收行為證據報告"));
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
