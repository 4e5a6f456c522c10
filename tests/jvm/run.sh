#!/usr/bin/env bash
# JVM tests of the Kotlin bridge (app/src/main/kotlin/org/dunwatch/core) over the host build of
# the JNI library: builds libdunwatch_android with cargo, then runs the JUnit 5 suite with Maven
# (which fetches Kotlin and JUnit from Maven Central on first use) under -Xcheck:jni.
# Fails if the JVM's JNI checker printed any warning. Extra arguments go to mvn
# (e.g. -Dtest=SafetyTest). DUNWATCH_LIB=path tests that library instead of the debug build
# (tests/jvm/size.sh --test: the shipped release-android build).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
if [ -n "${DUNWATCH_LIB:-}" ]; then
  lib="$(cd "$(dirname "$DUNWATCH_LIB")" && pwd)/$(basename "$DUNWATCH_LIB")"
else
  cargo build -p dunwatch-android --quiet
  case "$(uname -s)" in
    Darwin) lib=libdunwatch_android.dylib ;;
    *) lib=libdunwatch_android.so ;;
  esac
  lib="${CARGO_TARGET_DIR:-$root/target}/debug/$lib"
fi
[ -f "$lib" ] || { echo "run.sh: $lib was not built" >&2; exit 1; }

cd "$here"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
rm -rf target/surefire-reports
mvn -q -B test -Ddunwatch.lib.path="$lib" "$@" 2>&1 | tee "$log" || status=$?
# -Xcheck:jni reports misuse (local reference overflow, calls with an exception pending) on the
# forked JVM's native stdout, which surefire saves in target/surefire-reports/*.dumpstream.
shopt -s nullglob
outputs=("$log" target/surefire-reports/*.dumpstream target/surefire-reports/*-output.txt)
if grep -h -E "WARNING in native method|JNI local refs|FATAL ERROR in native method" "${outputs[@]}"; then
  echo "run.sh: the JNI checker reported problems (above)" >&2
  exit 1
fi
[ "$status" -eq 0 ] || exit "$status"
# Maven runs quietly; say what ran (and prove that tests did run).
python3 "$root/scripts/surefire-summary.py" target/surefire-reports tests/jvm
