//! Reports for a complaint: one self-contained HTML file (summary per case, charts, the timeline
//! with flagged words highlighted, the evidence chain's verification, a complaint letter draft),
//! a JSON export with a schema version, and CSV exports of events and flags.
//!
//! SMS bodies and numbers are attacker-controlled: everything reaching HTML goes through
//! [`escape::html`], and CSV cells through [`escape::csv_cell`].

mod data;
pub mod escape;
mod export;
mod html;
mod json;
mod letter;
mod loan;
mod svg;
mod tabular;
mod text;

pub use data::{CaseView, Contact, LoanView, ReportData, RuleSummary};
pub use export::{csv_paths, default_lang, export, write_atomic, Exported, Format};
pub use html::{render_html, write_html};
pub use json::{write_json, SCHEMA_VERSION};
pub use tabular::{write_events_csv, write_flags_csv};

use crate::error::{Error, Result};
use std::str::FromStr;

/// Language of the report's wording (message texts are always shown as received).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Simplified Chinese.
    Zh,
    /// Traditional Chinese (Taiwan, Hong Kong, Macau); dates and numbers are written as in `Zh`.
    ZhHant,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Zh, Lang::ZhHant, Lang::En];

    /// The code of `text.toml` and of the packs' texts (`Pack::text_in`).
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::ZhHant => "zh-Hant",
            Lang::En => "en",
        }
    }
}

impl FromStr for Lang {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().replace('_', "-").to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "cn" | "zh-hans" => Ok(Lang::Zh),
            "zh-hant" | "zh-tw" | "zh-hk" | "zh-mo" => Ok(Lang::ZhHant),
            "en" => Ok(Lang::En),
            _ => Err(Error::InvalidInput(format!(
                "report language {:?}: use zh, zh-Hant or en",
                s.trim()
            ))),
        }
    }
}

#[cfg(test)]
mod tests;
