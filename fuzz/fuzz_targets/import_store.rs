#![no_main]
//! A whole import (any format) into a fresh in-memory store; the chain must verify after it.
#[path = "import_common.rs"]
mod import_common;
libfuzzer_sys::fuzz_target!(|data: &[u8]| import_common::import(data));
