#![no_main]
//! JSON Lines import: starts with `{` so that the format is JSON Lines.
#[path = "import_common.rs"]
mod import_common;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut file = b"{".to_vec();
    file.extend_from_slice(data);
    import_common::parse(&file)
});
