#![no_main]
//! CSV import: the header is given, so the fuzzer spends its time on the records.
#[path = "import_common.rs"]
mod import_common;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut file = b"kind,direction,number,time,body,duration_s,ring_s\n".to_vec();
    file.extend_from_slice(data);
    import_common::parse(&file)
});
