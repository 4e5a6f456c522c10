// Shared by the import targets. `parse`: the readers as an import runs them, without a store
// (thousands of runs a second). `import`: a whole import into a fresh in-memory store, whose
// chain must then verify (a few dozen a second). Errors are fine (bad input gets a clear
// error); a panic, an abort, a hang or a leak is what the fuzzer finds.
#![allow(dead_code)]
use dunwatch_core::import::{import_reader, parse_only, ImportOptions};
use dunwatch_core::Store;

pub fn parse(data: &[u8]) {
    let strict = data.len() % 7 == 0;
    if let Ok(s) = parse_only(data, strict, 5) {
        assert!(s.malformed.len() as u64 <= s.malformed_total);
        assert!(s.notes.len() as u64 <= s.notes_total);
        for m in s.malformed.iter().chain(&s.notes) {
            assert!(m.byte <= m.end && m.end <= data.len() as u64, "{m:?}");
        }
    }
}

pub fn import(data: &[u8]) {
    let store = Store::open_in_memory().expect("in-memory store");
    let opts = ImportOptions {
        batch_size: 7,
        ..Default::default()
    };
    let _ = import_reader(&store, data, &opts, &mut |_| {});
    let report = store.verify().expect("verify after import");
    assert!(report.ok(), "chain broken after an import: {report:?}");
}
