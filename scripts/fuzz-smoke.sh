#!/usr/bin/env bash
# Smoke run of every coverage-guided fuzz target (fuzz/, cargo-fuzz + libFuzzer): about 4 s
# each (~30 s in all, after the first build), from the committed seeds. A crash fails the
# script and leaves its input under fuzz/artifacts/TARGET/. Longer runs and their minutes:
# docs/RELIABILITY.md. Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`);
# the project's build and CI do not, so without them this says so and exits 0.
# Usage: scripts/fuzz-smoke.sh [SECONDS_PER_TARGET] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
SECS="${1:-4}"
shift || true
if ! rustup toolchain list 2>/dev/null | grep -q '^nightly' || ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz-smoke: skipped (needs a nightly toolchain and cargo-fuzz)"
  exit 0
fi
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(import_xml import_csv import_jsonl classify lexicon pack store_open jni_convert)
cargo +nightly fuzz build -O
for t in "${TARGETS[@]}"; do
  corpus="$(mktemp -d)"
  cp seeds/"$t"/* "$corpus"/
  echo "== $t (${SECS} s)"
  status=0
  cargo +nightly fuzz run -O "$t" "$corpus" -- -max_total_time="$SECS" -rss_limit_mb=2048 \
    -max_len=65536 -timeout=20 >"$corpus.log" 2>&1 || status=$?
  grep -E '^(Done [0-9]+ runs|==[0-9]+==ERROR|SUMMARY|thread .* panicked)' "$corpus.log" || true
  [ "$status" -eq 0 ] || tail -40 "$corpus.log"
  rm -f "$corpus.log"
  rm -rf "$corpus"
  if [ "$status" -ne 0 ]; then
    echo "fuzz-smoke: $t failed (input under fuzz/artifacts/$t/)"
    exit 1
  fi
done
echo "fuzz-smoke: all targets ran without a crash"
