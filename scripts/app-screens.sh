#!/usr/bin/env bash
# Renders the app's screens with Robolectric (tests/robo ScreenshotTest: every screen in English,
# Simplified and Traditional Chinese, and at the largest font scale, from the example phone
# export) and copies a few, at half size, into docs/screens/ for the README and docs/APP.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/tests/robo/run.sh" -Dskip.sdk36=true -Dtest=ScreenshotTest
src="$root/tests/robo/target/screenshots/small"
dst="$root/docs/screens"
mkdir -p "$dst"
for name in zh-Hans-today zh-Hans-case zh-Hans-timeline-case zh-Hans-onboarding en-today en-case en-settings zh-Hant-today en-today-font2x; do
  cp "$src/$name.png" "$dst/$name.png"
done
echo "docs/screens: $(ls "$dst" | wc -l) screenshots"
