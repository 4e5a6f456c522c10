#!/usr/bin/env bash
# Benchmarks of the JNI layer (numbers go to docs/JNI.md; not part of test.sh):
# 1. size of the stripped cdylib for the host in the profile the app ships (release-android), a
#    proxy for the Android .so, and in the plain release profile;
# 2. call screening latency through JNI from Kotlin over a store of 1M events, with the shipped
#    (release-android) library
#    (EVENTS=... to change; the store is generated once per size in $BENCH_DIR).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
events="${EVENTS:-1000000}"
dir="${BENCH_DIR:-${TMPDIR:-/tmp}/dunwatch-jni-bench}"
mkdir -p "$dir"
cd "$root"

target="${CARGO_TARGET_DIR:-$root/target}"
for profile in release release-android; do
  (
    # The shipped build's size settings; in a subshell so other builds keep their environment.
    if [ "$profile" = release-android ]; then
      set -a; . android-bindings/android-build.env; set +a
    fi
    cargo build --profile "$profile" -p dunwatch-android --quiet
  )
  lib="$target/$profile/libdunwatch_android.so"
  stripped="$dir/libdunwatch_android.$profile.so"
  strip -o "$stripped" "$lib"
  size=$(stat -c %s "$stripped")
  echo "$profile cdylib: $size bytes stripped ($(awk "BEGIN{printf \"%.2f\", $size/1048576}") MiB; budget 3 MiB)"
done

db="$dir/store-$events.sqlite"
if [ ! -f "$db" ]; then
  cargo run --release -p dunwatch-android --quiet --example fill_store -- "$db.tmp" "$events"
  mv "$db.tmp" "$db"
  for ext in -wal -shm; do [ -f "$db.tmp$ext" ] && mv "$db.tmp$ext" "$db$ext"; done
fi

cd "$here"
mvn -q -B test-compile exec:exec -Ddunwatch.lib.path="$lib" -Dbench.db="$db"
