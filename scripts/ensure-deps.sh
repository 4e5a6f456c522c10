#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing (CI starts from a fresh
# machine). Does nothing when everything is there; never needs the network otherwise.
set -euo pipefail
need=()
# command -> package
check() { command -v "$1" >/dev/null 2>&1 || need+=("$2"); }
check_file() { [ -e "$1" ] || need+=("$2"); }
# (entries are added as suites need them)
# tests/e2e/report_browser.sh: the HTML report in headless Chromium, with CJK fonts so the
# screenshot shows the Chinese report as a reader sees it.
check chromium chromium
check_file /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc fonts-noto-cjk
# JVM tests of the JNI bridge (tests/jvm/run.sh): a JDK and Maven, which fetches Kotlin and JUnit.
check javac default-jdk-headless
check mvn maven
# Size budget of the JNI library (tests/jvm/size.sh): strip and size from binutils (a C compiler,
# which builds SQLite, brings them too).
check strip binutils
check size binutils
# Build checks of the Android app (tests/app/run.sh): aapt2 links the manifest and resources
# against the Android 10 (API 29) framework resources that Debian ships.
check aapt2 aapt
check_file /usr/share/android-framework-res/framework-res.apk android-framework-res
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "missing packages: ${need[*]} (install them with your package manager)" >&2
  exit 1
fi
echo "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
