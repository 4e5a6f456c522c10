#!/usr/bin/env bash
# Runs every test of the project: Rust (fmt, clippy, unit, integration), end-to-end scripts and
# the JVM tests of the JNI bridge. Installs what a fresh machine lacks (see scripts/ensure-deps.sh).
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

scripts/ensure-deps.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings
# Core and the bindings as the Android library builds them (core without its default features).
cargo clippy -p dunwatch-core -p dunwatch-android --no-default-features --all-targets --quiet -- -D warnings
echo "== cargo test"
cargo test --workspace --quiet
# The classifier as the Android library builds core (no toml-files, regex-lite instead of regex):
# the labelled set and the extraction tests must give the same results with either engine.
echo "== cargo test -p dunwatch-core --no-default-features (classifier)"
cargo test -p dunwatch-core --no-default-features --quiet --lib \
  --test classify_eval --test classify_extract --test classify_props --test classify_context

# End-to-end scripts (each exits non-zero on failure).
for t in tests/e2e/*.sh; do
  [ -e "$t" ] || continue
  echo "== $t"
  bash "$t"
done

# Crash consistency, the fast part: the importer and a live recorder SIGKILLed 15 times each; the
# store must open, verify, hold every acknowledged event and nothing twice (full run: 200 each,
# `python3 tests/crash/harness.py --write-doc`, figures in docs/RELIABILITY.md).
echo "== tests/crash/harness.py --kills 15 --check"
python3 tests/crash/harness.py --kills 15 --check

# JVM tests of the Kotlin bridge over the host build of the JNI library.
if [ -x tests/jvm/run.sh ]; then
  echo "== tests/jvm/run.sh"
  tests/jvm/run.sh
fi

# The JNI library as the app ships it (release-android + android-bindings/android-build.env):
# fails over the 3 MiB budget, then runs the JVM suite on that library (~2.5 min from scratch).
echo "== tests/jvm/size.sh --test"
tests/jvm/size.sh --test

# Build checks of the Android app: aapt2 links manifest and resources against API 29, Maven
# compiles the app against the framework classes and runs the JVM tests of its logic.
echo "== tests/app/run.sh"
tests/app/run.sh
# The app's real Android components under Robolectric 4.17 over the host JNI library (SMS
# broadcast, call screening, call-log job, import, export and share, screens, screenshots), at
# SDK 29 and again at SDK 36 (Java 21+, see docs/APP.md).
echo "== tests/robo/run.sh"
tests/robo/run.sh
echo "test.sh: all suites passed"
