//! Community lists of known collector numbers: their CSV (columns number, creditor, source; a
//! header row naming them is skipped; creditor may be empty; fields may be quoted) and their
//! table, `collector_list`. A number with a creditor joins that creditor's case.

use super::repo::{auto_join, creditor_case};
use crate::error::{Error, Result};
use crate::number::PhoneNumber;
use crate::store::{Store, TagSource};
use crate::time::now_ms;
use rusqlite::params;

/// Largest list accepted; community lists are thousands of rows, not millions.
const MAX_ROWS: usize = 1_000_000;

/// Parses the CSV text of a collector list.
pub fn parse_csv(text: &str) -> Result<Vec<CollectorEntry>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    for (i, rec) in records(text)?.into_iter().enumerate() {
        let line = i + 1;
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if i == 0
            && rec
                .first()
                .is_some_and(|f| f.trim().eq_ignore_ascii_case("number"))
        {
            continue;
        }
        if rec.len() < 2 || rec.len() > 3 {
            return Err(Error::Parse(format!(
                "collector list record {line}: want number,creditor,source; got {} fields",
                rec.len()
            )));
        }
        let field = |k: usize| rec.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
        let number = field(0);
        if number.is_empty() {
            return Err(Error::Parse(format!(
                "collector list record {line}: no number"
            )));
        }
        let creditor = Some(field(1)).filter(|s| !s.is_empty());
        let source = Some(field(2))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "list".into());
        out.push(CollectorEntry {
            number,
            creditor,
            source,
        });
        if out.len() > MAX_ROWS {
            return Err(Error::Parse(format!(
                "collector list longer than {MAX_ROWS} rows"
            )));
        }
    }
    Ok(out)
}

/// RFC 4180 records: comma-separated, double-quoted fields may hold commas, quotes ("") and
/// line breaks.
fn records(text: &str) -> Result<Vec<Vec<String>>> {
    let mut recs = Vec::new();
    let mut rec = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        if quoted {
            match ch {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match ch {
            '"' if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            ',' => rec.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                rec.push(std::mem::take(&mut field));
                recs.push(std::mem::take(&mut rec));
            }
            c => field.push(c),
        }
    }
    if quoted {
        return Err(Error::Parse(
            "collector list: unterminated quoted field".into(),
        ));
    }
    if !field.is_empty() || !rec.is_empty() {
        rec.push(field);
        recs.push(rec);
    }
    Ok(recs)
}

/// One row of a community list of known collector numbers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CollectorEntry {
    pub number: String,
    pub creditor: Option<String>,
    pub source: String,
}

impl Store {
    /// Adds known collector numbers (a community list). Numbers with a creditor join the
    /// creditor's case unless the user already decided about them. Returns how many were new.
    pub fn import_collectors(&self, entries: &[CollectorEntry]) -> Result<usize> {
        let region = self.settings()?.jurisdiction.region();
        let parsed = entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                PhoneNumber::parse(&e.number, region).map_err(|err| {
                    crate::Error::InvalidInput(format!("collector list row {}: {err}", i + 1))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        self.write(|tx| {
            let mut new = 0;
            let now = now_ms();
            for (e, n) in entries.iter().zip(&parsed) {
                let creditor = e
                    .creditor
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty());
                new += tx
                    .prepare_cached(
                        "INSERT INTO collector_list(number, raw, creditor, source, imported_ms) \
                         VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(number) DO UPDATE SET \
                         creditor = coalesce(excluded.creditor, creditor), \
                         source = excluded.source, imported_ms = excluded.imported_ms",
                    )?
                    .execute(params![n.normalized, n.raw, creditor, e.source.trim(), now])?;
                if let Some(cr) = creditor {
                    if let Some(case) = creditor_case(tx, cr)? {
                        auto_join(tx, n, case, TagSource::List)?;
                    }
                }
            }
            Ok(new)
        })
    }

    /// The imported collector list.
    pub fn collectors(&self) -> Result<Vec<CollectorEntry>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT number, creditor, source FROM collector_list ORDER BY number",
            )?;
            let rows = st.query_map([], |r| {
                Ok(CollectorEntry {
                    number: r.get(0)?,
                    creditor: r.get(1)?,
                    source: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quotes_header_and_blank_creditor() {
        let rows = parse_csv(
            "\u{feff}number,creditor,source\r\n\
             13800138000,\"Acme, Inc. \"\"Loans\"\"\",community\n\
             \n\
             +1 202 555 0100,,\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].creditor.as_deref(), Some("Acme, Inc. \"Loans\""));
        assert_eq!(rows[0].source, "community");
        assert_eq!(rows[1].creditor, None);
        assert_eq!(rows[1].source, "list");
    }

    #[test]
    fn refuses_malformed_rows() {
        assert!(parse_csv("1,2,3,4\n").is_err());
        assert!(parse_csv("13800138000\n").is_err());
        assert!(parse_csv("\"1380,x,y\n").is_err());
        assert!(parse_csv(",acme,x\n").is_err());
    }
}
