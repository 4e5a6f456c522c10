//! dunwatch-core: evidence of illegal debt collection, kept so that a complaint can succeed.
//!
//! - [`evidence`]: the use cases (record, tag, annotate, import, screen, pages, verify, export)
//!   over one store and its rules engine; every write keeps the flags current. Start here;
//! - [`model`]: contact events (SMS, calls) and store settings;
//! - [`number`], [`time`], [`zone`]: phone numbers, device-local instants and time zones;
//! - [`store`]: the tamper-evident SQLite evidence store;
//! - [`loan`]: what a loan really costs (IRR on the actual cash flows) against the legal lines;
//! - [`import`]: phone backups (SMS Backup & Restore XML, CSV, JSON Lines) into the store;
//! - [`report`]: the HTML evidence report, JSON and CSV exports.

pub mod classify;
pub mod error;
pub mod evidence;
pub mod import;
pub mod limits;
pub mod loan;
pub mod model;
pub mod number;
pub mod report;
pub mod rules;
mod sort;
pub mod store;
pub mod time;
pub mod zone;

pub use error::{Error, Result};
pub use evidence::Evidence;
pub use model::*;
pub use number::{NumberKind, PhoneNumber, Region};
pub use store::Store;
pub use time::Instant;
