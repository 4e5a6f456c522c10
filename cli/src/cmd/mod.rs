//! One module per subcommand, plus what they share.

pub mod attach;
pub mod classify;
pub mod collectors;
pub mod flags;
pub mod import;
pub mod init;
pub mod loan;
pub mod merge;
pub mod note;
pub mod report;
pub mod screen;
pub mod seal;
pub mod stop_request;
pub mod tag;
pub mod untag;
pub mod verify;

use anyhow::{anyhow, bail, Context, Result};
use dunwatch_core::{Evidence, Instant};
use std::path::PathBuf;

/// What a note or an attachment is about, and when: shared by `note` and `attach`.
#[derive(clap::Args, Debug, Clone)]
pub struct AboutArg {
    /// The case it concerns.
    #[arg(long)]
    pub case: Option<String>,
    /// The event it concerns (its id, as `dunwatch report --format json` lists it).
    #[arg(long)]
    pub event: Option<i64>,
    /// When it happened: RFC 3339, or local `YYYY-MM-DD HH:MM[:SS]` in the store's zone. Default: now.
    #[arg(long)]
    pub at: Option<String>,
}

/// `--db PATH`, shared by every command that opens a store.
#[derive(clap::Args, Debug, Clone)]
pub struct DbArg {
    /// Evidence store (SQLite). Default: the user's data directory, dunwatch/evidence.sqlite.
    #[arg(long, env = "DUNWATCH_DB")]
    pub db: Option<PathBuf>,
}

impl DbArg {
    pub fn path(&self) -> Result<PathBuf> {
        match &self.db {
            Some(p) => Ok(p.clone()),
            None => default_db(),
        }
    }

    /// Opens the store (creating it if needed); its flags are made current.
    pub fn open(&self) -> Result<Evidence> {
        let p = self.path()?;
        Evidence::open(&p, None).with_context(|| format!("cannot open store {}", p.display()))
    }

    /// Opens the store without writing to it (a copy in memory): for commands that only read,
    /// so that they work on an archived or write-protected copy and leave no trace in it.
    pub fn open_read_only(&self, hint: &str) -> Result<Evidence> {
        let p = self.existing(hint)?;
        Evidence::open_read_only(&p).with_context(|| format!("cannot open store {}", p.display()))
    }

    /// As [`DbArg::open_read_only`], with the flags left as stored (for reading the chains).
    pub fn open_read_only_as_stored(&self) -> Result<Evidence> {
        let p = self.existing("")?;
        Evidence::open_read_only_as_stored(&p)
            .with_context(|| format!("cannot open store {}", p.display()))
    }

    /// The store's path, which must exist.
    fn existing(&self, hint: &str) -> Result<PathBuf> {
        let p = self.path()?;
        if !p.exists() {
            bail!("no store at {}{hint}", p.display());
        }
        Ok(p)
    }

    /// Opens a store that must exist already.
    pub fn open_existing(&self, hint: &str) -> Result<Evidence> {
        self.existing(hint)?;
        self.open()
    }
}

/// The default store: `<data dir>/dunwatch/evidence.sqlite` (e.g. ~/.local/share on Linux).
pub fn default_db() -> Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join("dunwatch").join("evidence.sqlite"))
        .ok_or_else(|| anyhow!("no data directory for the default store; pass --db PATH"))
}

/// `--at` for commands that take an instant: RFC 3339, or local time in the store's home zone;
/// now when absent.
pub fn parse_at(ev: &Evidence, at: Option<&str>) -> Result<Instant> {
    let zone = ev.settings().and_then(|s| s.zone())?;
    let now = dunwatch_core::time::now_ms();
    let Some(s) = at else {
        return Ok(Instant::in_zone(now, &zone)?);
    };
    let t = Instant::parse_in_zone(s, &zone)?;
    // Not before SMS existed, nor in another century: a typo, not a time.
    const EARLIEST_MS: i64 = 631_152_000_000; // 1990-01-01T00:00:00Z
    const LATEST_MS: i64 = 4_102_444_800_000; // 2100-01-01T00:00:00Z
    if !(EARLIEST_MS..LATEST_MS).contains(&t.utc_ms) {
        bail!("--at {s}: outside 1990 to 2099; nothing was recorded");
    }
    Ok(t)
}
