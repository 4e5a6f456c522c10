#!/usr/bin/env bash
# The app's real Android components under Robolectric 4.17 (JUnit 4), over the host build of the
# JNI library: SMS broadcast with a PDU, call screening through telecom's binder path, the
# call-log job, history import, export and share, the screens (rotation, process re-creation, a
# store that cannot open) and the screenshots (PNG under target/screenshots).
#  1. aapt2 compiles app/src/main/res and links it with the manifest against Debian's Android 10
#     framework-res.apk (binary resources mode), and writes Robolectric's test_config.properties.
#  2. cargo builds libdunwatch_android.so for the host.
#  3. Maven compiles the app and the tests and runs them at SDK 29, then the component tests
#     again at SDK 36 in a JVM of their own, run by Java 21 or newer (Robolectric skips SDK 36 on
#     Java 17): $JAVA_NEWER, else the newest JDK >= 21 under /usr/lib/jvm. Without one the SDK 36
#     round is skipped with a message (-Dskip.sdk36=true skips it always).
# Extra arguments go to mvn (e.g. -Dtest=SmsFlowTest).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
framework=/usr/share/android-framework-res/framework-res.apk
command -v aapt2 >/dev/null || { echo "tests/robo/run.sh: aapt2 missing (Debian package aapt)" >&2; exit 1; }
[ -f "$framework" ] || { echo "tests/robo/run.sh: $framework missing (Debian package android-framework-res)" >&2; exit 1; }

out="$here/target/aapt"
gen="$here/target/generated-sources/aapt"
cfg="$here/target/robo-config/com/android/tools"
rm -rf "$out" "$gen" "$cfg"
mkdir -p "$out/assets" "$gen" "$cfg"
# The app's assets as the Gradle build merges them (app/build.gradle.kts): the classifier's weights.
cp "$root/core/data/model/collection.dwm" "$out/assets/"
aapt2 compile --dir "$root/app/src/main/res" -o "$out/res.zip"
sed 's|<manifest xmlns:android="http://schemas.android.com/apk/res/android"|& package="org.dunwatch"|' \
  "$root/app/src/main/AndroidManifest.xml" >"$out/AndroidManifest.xml"
aapt2 link -o "$out/resources.apk" -I "$framework" --manifest "$out/AndroidManifest.xml" \
  --java "$gen" --min-sdk-version 29 --target-sdk-version 29 --version-code 1 --version-name 0.1.0 \
  "$out/res.zip"
cat >"$cfg/test_config.properties" <<CFG
android_merged_manifest=$out/AndroidManifest.xml
android_resource_apk=$out/resources.apk
android_merged_assets=$out/assets
android_custom_package=org.dunwatch
CFG

cd "$root"
cargo build -p dunwatch-android --quiet
libdir="${CARGO_TARGET_DIR:-$root/target}/debug"
[ -f "$libdir/libdunwatch_android.so" ] || { echo "tests/robo/run.sh: $libdir/libdunwatch_android.so was not built" >&2; exit 1; }

# A JVM of Java 21 or newer for the SDK 36 round.
newer="${JAVA_NEWER:-}"
if [ -z "$newer" ]; then
  for j in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    v="$("$j/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    if [ -n "$v" ] && [ "${v%%.*}" -ge 21 ] 2>/dev/null; then newer="$j/bin/java"; break; fi
  done
fi
sdk36=()
if [ -n "$newer" ]; then
  sdk36=(-Djava.newer="$newer")
else
  echo "tests/robo/run.sh: no Java 21 or newer found (set JAVA_NEWER): the SDK 36 round is skipped" >&2
  sdk36=(-Dskip.sdk36=true)
fi

cd "$here"
rm -rf target/surefire-reports target/screenshots
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
mvn -q -B test -Ddunwatch.lib.dir="$libdir" "${sdk36[@]}" "$@" 2>&1 | tee "$log" || status=$?
# -Xcheck:jni: Robolectric's own native runtime raises warnings; fail only on dunwatch's frames.
python3 "$here/jni-check.py" target/surefire-reports || status=1
[ "$status" -eq 0 ] || exit "$status"
for sdk in target/surefire-reports/*/; do
  python3 "$root/scripts/surefire-summary.py" "$sdk" "tests/robo (Robolectric, SDK $(basename "$sdk" | tr -dc 0-9))"
done
