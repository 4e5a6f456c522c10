#!/usr/bin/env bash
# Build checks of the Android app shell, as far as this machine can go (no Android SDK here):
#  1. aapt2 compiles app/src/main/res and links it with the manifest against Debian's Android 10
#     framework-res.apk, generating R.java: a broken manifest or resource fails here.
#  2. Maven compiles all of app/src/main/kotlin plus R against the Android 10 framework classes
#     (org.robolectric:android-all, compile only) and runs the JUnit 5 tests in tests/app: the
#     plain-Kotlin logic (some over the host build of the JNI library) and the manifest.
# Needs aapt2 and framework-res.apk (scripts/ensure-deps.sh installs them), a JDK 17, Maven and
# cargo. Extra arguments go to mvn (e.g. -Dtest=ResponsePlansTest).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
framework=/usr/share/android-framework-res/framework-res.apk
command -v aapt2 >/dev/null || { echo "tests/app/run.sh: aapt2 missing (Debian package aapt)" >&2; exit 1; }
[ -f "$framework" ] || { echo "tests/app/run.sh: $framework missing (Debian package android-framework-res)" >&2; exit 1; }

out="$here/target/aapt"
gen="$here/target/generated-sources/aapt"
rm -rf "$out" "$gen"
mkdir -p "$out" "$gen"
aapt2 compile --dir "$root/app/src/main/res" -o "$out/res.zip"
# Gradle puts the namespace into the manifest; aapt2 alone needs it written there.
sed 's|<manifest xmlns:android="http://schemas.android.com/apk/res/android"|& package="org.dunwatch"|' \
  "$root/app/src/main/AndroidManifest.xml" >"$out/AndroidManifest.xml"
grep -q 'package="org.dunwatch"' "$out/AndroidManifest.xml" \
  || { echo "tests/app/run.sh: could not set the package in the manifest" >&2; exit 1; }
aapt2 link -o "$out/resources.apk" -I "$framework" --manifest "$out/AndroidManifest.xml" \
  --java "$gen" --min-sdk-version 29 --target-sdk-version 29 --version-code 1 --version-name 0.1.0 \
  "$out/res.zip"
[ -f "$gen/org/dunwatch/R.java" ] || { echo "tests/app/run.sh: aapt2 wrote no R.java" >&2; exit 1; }
echo "aapt2: manifest and resources link against API 29"

cd "$root"
cargo build -p dunwatch-android --quiet
lib="${CARGO_TARGET_DIR:-$root/target}/debug/libdunwatch_android.so"
[ -f "$lib" ] || { echo "tests/app/run.sh: $lib was not built" >&2; exit 1; }

cd "$here"
rm -rf target/surefire-reports
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
mvn -q -B test -Ddunwatch.lib.path="$lib" "$@" 2>&1 | tee "$log" || status=$?
# Some tests call the JNI library under -Xcheck:jni; its complaints land in the dumpstream.
shopt -s nullglob
if grep -h -E "WARNING in native method|JNI local refs|FATAL ERROR in native method" \
  "$log" target/surefire-reports/*.dumpstream target/surefire-reports/*-output.txt; then
  echo "tests/app/run.sh: the JNI checker reported problems (above)" >&2
  exit 1
fi
[ "$status" -eq 0 ] || exit "$status"
# Maven runs quietly; say what ran (and prove that tests did run).
python3 "$root/scripts/surefire-summary.py" target/surefire-reports tests/app
