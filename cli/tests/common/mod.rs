//! Running the `dunwatch` binary as a user would, in a private home and data directory.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `dunwatch ARGS` with `home` as HOME and `home/data` as the data dir (the default store).
pub fn dunwatch(args: &[&str], home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dunwatch"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("DUNWATCH_DB")
        .output()
        .unwrap()
}

/// Standard output followed by standard error.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
