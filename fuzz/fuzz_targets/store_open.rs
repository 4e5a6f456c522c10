#![no_main]
//! The store's open and migrate path, then verify, on a mutated database file.
use dunwatch_core::Store;
use std::io::Write;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("fuzz.db");
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(data))
        .expect("write the database file");
    if let Ok(store) = Store::open(&path) {
        let _ = store.verify();
        let _ = store.settings();
        let _ = store.schema_version();
    }
});
