#!/usr/bin/env bash
# Benchmarks of the JNI layer (numbers go to docs/JNI.md; not part of test.sh):
# 1. size of the stripped release cdylib for the host (a proxy for the Android .so);
# 2. call screening latency through JNI from Kotlin over a store of 1M events
#    (EVENTS=... to change; the store is generated once per size in $BENCH_DIR).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
events="${EVENTS:-1000000}"
dir="${BENCH_DIR:-${TMPDIR:-/tmp}/dunwatch-jni-bench}"
mkdir -p "$dir"
cd "$root"

cargo build --release -p dunwatch-android --quiet
target="${CARGO_TARGET_DIR:-$root/target}"
lib="$target/release/libdunwatch_android.so"
stripped="$dir/libdunwatch_android.stripped.so"
strip -o "$stripped" "$lib"
size=$(stat -c %s "$stripped")
echo "release cdylib: $(stat -c %s "$lib") bytes unstripped, $size bytes stripped ($(awk "BEGIN{printf \"%.2f\", $size/1048576}") MiB; budget 3 MiB)"

db="$dir/store-$events.sqlite"
if [ ! -f "$db" ]; then
  cargo run --release -p dunwatch-android --quiet --example fill_store -- "$db.tmp" "$events"
  mv "$db.tmp" "$db"
  for ext in -wal -shm; do [ -f "$db.tmp$ext" ] && mv "$db.tmp$ext" "$db$ext"; done
fi

cd "$here"
mvn -q -B test-compile exec:exec -Ddunwatch.lib.path="$lib" -Dbench.db="$db"
