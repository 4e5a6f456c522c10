//! JNI layer over dunwatch-core for the Android app (Kotlin bridge:
//! `app/src/main/kotlin/org/dunwatch/core/NativeBridge.kt`). Only conversion, handles and error
//! mapping live here:
//!
//! - [`exports`]: the `Java_org_dunwatch_core_NativeBridge_*` functions;
//! - [`contract`]: the JSON shapes that cross JNI, declared once;
//! - [`ops`]: what each export does, on Rust strings and JSON (tested without a JVM);
//! - [`report`]: report export to a file;
//! - [`handles`]: open stores as never-reused `jlong` ids;
//! - [`strings`]: strict reading of Java strings (unpaired surrogates are refused);
//! - [`error`]: every error and panic becomes `org.dunwatch.core.DunwatchException`.

pub mod contract;
pub mod error;
pub mod exports;
pub mod handles;
pub mod logging;
pub mod ops;
pub mod report;
pub mod strings;
