//! Open stores as `jlong` handles. A handle is an id in a registry, never a pointer, so a stale,
//! forged or double-closed handle is detected instead of dereferenced. Ids are never reused.
//!
//! A call clones the `Arc` out of the registry and releases the lock before working, so calls on
//! one handle from several Java threads run concurrently (the store serialises writes itself) and
//! `close` while a call is running only drops the store when that call finishes.

use crate::error::{BridgeError, Kind, Result};
use dunwatch_core::Evidence;
use once_cell::sync::Lazy;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

/// Handles start far from 0 so that 0, -1 and small integers passed by mistake are never valid.
const FIRST_ID: i64 = 0x0D0A_0000_0001;

static NEXT: AtomicI64 = AtomicI64::new(FIRST_ID);
static OPEN: Lazy<RwLock<HashMap<i64, Arc<Evidence>>>> = Lazy::new(|| RwLock::new(HashMap::new()));

fn registry_poisoned() -> BridgeError {
    BridgeError::new(
        Kind::Internal,
        "handle registry is unusable after an earlier panic",
    )
}

/// Registers an open store and returns its new handle.
pub fn insert(store: Evidence) -> Result<i64> {
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    OPEN.write()
        .map_err(|_| registry_poisoned())?
        .insert(id, Arc::new(store));
    Ok(id)
}

fn unknown(id: i64) -> BridgeError {
    let issued = (FIRST_ID..NEXT.load(Ordering::Relaxed)).contains(&id);
    let msg = if issued {
        format!("store handle {id:#x} is closed")
    } else {
        format!("{id:#x} is not a store handle")
    };
    BridgeError::new(Kind::InvalidHandle, msg)
}

/// The store behind `id`.
pub fn get(id: i64) -> Result<Arc<Evidence>> {
    OPEN.read()
        .map_err(|_| registry_poisoned())?
        .get(&id)
        .cloned()
        .ok_or_else(|| unknown(id))
}

/// Closes `id`; closing twice is an error, so a caller's bookkeeping bug shows up.
pub fn remove(id: i64) -> Result<()> {
    let store = OPEN
        .write()
        .map_err(|_| registry_poisoned())?
        .remove(&id)
        .ok_or_else(|| unknown(id))?;
    drop(store); // outside the lock: closing SQLite may take a moment
    Ok(())
}

/// Number of open handles (for tests and leak checks).
pub fn open_count() -> usize {
    OPEN.read().map(|m| m.len()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_and_invalid_handles() {
        let id = insert(Evidence::open_in_memory(None).unwrap()).unwrap();
        assert!(get(id).is_ok());
        let other = insert(Evidence::open_in_memory(None).unwrap()).unwrap();
        assert_ne!(id, other);
        remove(id).unwrap();
        let e = get(id).err().unwrap();
        assert_eq!(e.kind, Kind::InvalidHandle);
        assert!(e.message.contains("closed"), "{}", e.message);
        assert!(remove(id).unwrap_err().message.contains("closed"));
        for bad in [0, -1, 42, i64::MAX] {
            let e = get(bad).err().unwrap();
            assert!(e.message.contains("not a store handle"), "{}", e.message);
        }
        remove(other).unwrap();
    }
}
