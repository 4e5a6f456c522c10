//! One module per subcommand, plus what they share.

pub mod import;
pub mod init;
pub mod report;
pub mod verify;

use dunwatch_core::Store;
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
}

/// The default store: `<data dir>/dunwatch/evidence.sqlite` (e.g. ~/.local/share on Linux).
pub fn default_db() -> Result<PathBuf, String> {
    dirs::data_dir()
        .map(|d| d.join("dunwatch").join("evidence.sqlite"))
        .ok_or_else(|| "no data directory for the default store; pass --db PATH".to_string())
}
