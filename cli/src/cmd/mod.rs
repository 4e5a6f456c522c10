//! One module per subcommand, plus what they share.

pub mod classify;
pub mod collectors;
pub mod flags;
pub mod import;
pub mod init;
pub mod loan;
pub mod report;
pub mod screen;
pub mod seal;
pub mod stop_request;
pub mod tag;
pub mod verify;

use dunwatch_core::{Instant, Store};
use std::path::PathBuf;

/// `--db PATH`, shared by every command that opens a store.
#[derive(clap::Args, Debug, Clone)]
pub struct DbArg {
    /// Evidence store (SQLite). Default: the user's data directory, dunwatch/evidence.sqlite.
    #[arg(long, env = "DUNWATCH_DB")]
    pub db: Option<PathBuf>,
}

impl DbArg {
    pub fn path(&self) -> Result<PathBuf, String> {
        match &self.db {
            Some(p) => Ok(p.clone()),
            None => default_db(),
        }
    }
    pub fn open(&self) -> Result<Store, String> {
        let p = self.path()?;
        Store::open(&p).map_err(|e| format!("cannot open store {}: {e}", p.display()))
    }
    /// Opens the store without writing to it (a copy in memory): for commands that only read,
    /// so that they work on an archived or write-protected copy and leave no trace in it.
    pub fn open_read_only(&self) -> Result<Store, String> {
        let p = self.path()?;
        Store::open_read_only(&p).map_err(|e| format!("cannot open store {}: {e}", p.display()))
    }
}

/// The default store: `<data dir>/dunwatch/evidence.sqlite` (e.g. ~/.local/share on Linux).
pub fn default_db() -> Result<PathBuf, String> {
    dirs::data_dir()
        .map(|d| d.join("dunwatch").join("evidence.sqlite"))
        .ok_or_else(|| "no data directory for the default store; pass --db PATH".to_string())
}

/// `--at` for commands that take an instant: RFC 3339, or local time in the store's home zone;
/// now when absent.
pub fn parse_at(store: &Store, at: Option<&str>) -> Result<Instant, String> {
    let zone = store
        .settings()
        .and_then(|s| s.zone())
        .map_err(|e| e.to_string())?;
    let now = dunwatch_core::time::now_ms();
    let Some(s) = at else {
        return Instant::in_zone(now, &zone).map_err(|e| e.to_string());
    };
    let t = Instant::parse_in_zone(s, &zone).map_err(|e| e.to_string())?;
    // Not before SMS existed, nor in another century: a typo, not a time.
    const EARLIEST_MS: i64 = 631_152_000_000; // 1990-01-01T00:00:00Z
    const LATEST_MS: i64 = 4_102_444_800_000; // 2100-01-01T00:00:00Z
    if !(EARLIEST_MS..LATEST_MS).contains(&t.utc_ms) {
        return Err(format!(
            "--at {s}: outside 1990 to 2099; nothing was recorded"
        ));
    }
    Ok(t)
}
