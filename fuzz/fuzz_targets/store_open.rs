#![no_main]
//! The store's open and migrate path, then everything that reads stored values (verify, events,
//! flags, cases, the report's data and the JSON export), on a mutated database file. An input
//! that starts with SQLite's header is the file itself; any other input is a list of patches
//! (3 bytes of offset, 1 byte of value) to a small real store (fuzz/seeds/store.db: events,
//! flags, a case, an annotation), so most files still open and the mutations reach the stored
//! integers, enums and texts rather than SQLite's header checks.
use dunwatch_core::report::{write_json, ReportData};
use dunwatch_core::store::{EventQuery, FlagQuery};
use dunwatch_core::Store;
use std::io::Write;

static SEED: &[u8] = include_bytes!("../seeds/store.db");

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let file: Vec<u8> = if data.starts_with(b"SQLite format 3\0") {
        data.to_vec()
    } else {
        let mut f = SEED.to_vec();
        for p in data.chunks_exact(4) {
            let at = u32::from_le_bytes([p[0], p[1], p[2], 0]) as usize % f.len();
            f[at] = p[3];
        }
        f
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("fuzz.db");
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(&file))
        .expect("write the database file");
    if let Ok(store) = Store::open(&path) {
        let _ = store.verify();
        let _ = store.settings();
        let _ = store.schema_version();
        let _ = store.events(&EventQuery::default());
        let _ = store.flags(&FlagQuery::default());
        let _ = store.cases();
        let _ = store.annotations();
        let _ = ReportData::gather(&store);
        let _ = write_json(&store, &mut std::io::sink());
    }
});
