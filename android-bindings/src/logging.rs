//! Logging: on Android the `log` facade goes to logcat under the tag `dunwatch`, set up once on
//! the first native call; elsewhere (the host JVM tests) no logger is installed and `log` macros
//! cost a relaxed atomic load.
//!
//! Panics are caught at every export and rethrown as `DunwatchException`, so the panic hook only
//! logs them (logcat on Android) instead of printing to stderr, which Android discards and which
//! would corrupt the output channel of a forked test JVM.

use std::sync::Once;

static INIT: Once = Once::new();

/// Idempotent and cheap after the first call; every export calls it.
pub fn init() {
    INIT.call_once(|| {
        std::panic::set_hook(Box::new(|info| log::error!("{info}")));
        #[cfg(target_os = "android")]
        android_logger::init_once(
            android_logger::Config::default()
                .with_tag("dunwatch")
                .with_max_level(log::LevelFilter::Info),
        );
    });
}
