// Shared by the import targets: one import of `data` into a fresh in-memory store. Errors are
// fine (bad input gets a clear error); a panic, an abort or a hang is what the fuzzer finds.
use dunwatch_core::import::{import_reader, ImportOptions};
use dunwatch_core::Store;

pub fn import(data: &[u8]) {
    let store = Store::open_in_memory().expect("in-memory store");
    let opts = ImportOptions {
        batch_size: 7,
        ..Default::default()
    };
    let _ = import_reader(&store, data, &opts, &mut |_| {});
    // Whatever was stored is readable and its chain verifies.
    let report = store.verify().expect("verify after import");
    assert!(report.ok(), "chain broken after an import: {report:?}");
}
