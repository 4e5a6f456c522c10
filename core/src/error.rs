//! One error type for the whole library, so callers (CLI, JNI) map it in one place.

use std::fmt;

/// Everything that can go wrong in dunwatch-core.
#[derive(Debug)]
pub enum Error {
    /// The caller gave something we refuse to store or use; the message says what and why.
    InvalidInput(String),
    /// A setting (jurisdiction, role, time zone...) is unknown or malformed.
    InvalidSetting(String),
    /// Something that was asked for does not exist (a case, an event id...).
    NotFound(String),
    /// The database file belongs to a newer dunwatch than this one.
    SchemaTooNew { found: i64, supported: i64 },
    /// SQLite failed (full disk, locked, corrupt file...).
    Sqlite(rusqlite::Error),
    /// File system or stream failure.
    Io(std::io::Error),
    /// A data file (lexicon, rule pack, import) could not be parsed.
    Parse(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidInput(m) => write!(f, "invalid input: {m}"),
            Error::InvalidSetting(m) => write!(f, "invalid setting: {m}"),
            Error::NotFound(m) => write!(f, "not found: {m}"),
            Error::SchemaTooNew { found, supported } => write!(
                f,
                "the store has schema version {found}, this dunwatch supports up to {supported}; \
                 upgrade dunwatch"
            ),
            Error::Sqlite(e) => write!(f, "database error: {e}"),
            Error::Io(e) => write!(f, "I/O error: {e}"),
            Error::Parse(m) => write!(f, "parse error: {m}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Sqlite(e) => Some(e),
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Sqlite(e)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

impl From<serde_json::Error> for Error {
    /// A failed write through serde_json (a full disk) is an I/O error, not a parse error.
    fn from(e: serde_json::Error) -> Self {
        if e.is_io() {
            Error::Io(e.into())
        } else {
            Error::Parse(e.to_string())
        }
    }
}

/// Shorthand used all over the crate for refusing input.
pub(crate) fn invalid<T>(msg: impl Into<String>) -> Result<T> {
    Err(Error::InvalidInput(msg.into()))
}
