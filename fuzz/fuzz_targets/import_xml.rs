#![no_main]
//! SMS Backup & Restore XML import (seeds: fuzz/seeds/import_xml).
#[path = "import_common.rs"]
mod import_common;
libfuzzer_sys::fuzz_target!(|data: &[u8]| import_common::parse(data));
