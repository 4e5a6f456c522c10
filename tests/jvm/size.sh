#!/usr/bin/env bash
# Size of the JNI library as the app ships it: android-bindings in profile release-android with
# the environment of android-bindings/android-build.env (what app/build.gradle.kts passes to
# cargo-ndk), built for the host as a proxy for the Android .so. Prints the stripped size against
# the 3 MiB budget and the largest sections; exits 1 when over budget (SIZE_BUDGET=bytes to
# change). With --test it then runs the JVM suite (tests/jvm/run.sh) against this very library,
# so the shipped SQLite options and cargo features are tested, not only the debug build's.
# Part of test.sh (about 2 min for the build from scratch on 2 cores, 30 s for the JVM suite).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
budget="${SIZE_BUDGET:-3145728}"
cd "$root"
(
  set -a; . android-bindings/android-build.env; set +a
  cargo build --profile release-android -p dunwatch-android --quiet
)
lib="${CARGO_TARGET_DIR:-$root/target}/release-android/libdunwatch_android.so"
stripped="$(mktemp)"
trap 'rm -f "$stripped"' EXIT
strip -o "$stripped" "$lib"
size=$(stat -c %s "$stripped")
awk -v s="$size" -v b="$budget" 'BEGIN {
  printf "release-android cdylib: %d bytes stripped (%.2f MiB), budget %d bytes: %s by %d bytes\n",
    s, s / 1048576, b, (s <= b ? "under" : "OVER"), (s <= b ? b - s : s - b) }'
echo "largest sections (bytes):"
size -A "$stripped" | awk '$1 ~ /^\./ && $2 > 0 { print $2, $1 }' | sort -rn | head -8 |
  awk '{ printf "  %-20s %9d\n", $2, $1 }'
if [ "${1:-}" = "--test" ]; then
  # The host build packs its relocations as DT_RELR (like the Android one), which glibc loads
  # from 2.36 on; an older host can measure the library but not load it.
  glibc="$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{ print $2 }')"
  if [ -n "$glibc" ] && [ "$(printf '%s\n2.36\n' "$glibc" | sort -V | head -1)" != 2.36 ]; then
    echo "SKIP: the JVM suite on this build needs glibc 2.36+ (DT_RELR); this host has $glibc"
  else
    DUNWATCH_LIB="$lib" "$here/run.sh"
  fi
fi
[ "$size" -le "$budget" ]
