#!/usr/bin/env bash
# The evidence report in a real browser: import the example phone export, write the HTML report
# (zh, zh-Hant and en), open each in headless Chromium and check that it loads with no console errors and
# no network requests; keep a PNG screenshot and a PDF print in target/e2e/ for people to look at.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --quiet -p dunwatch-cli
bin=target/debug/dunwatch
out=target/e2e
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/evidence.sqlite"
fx=tests/fixtures/backup
"$bin" import --db "$db" "$fx/sms-backup.xml" "$fx/calls-backup.xml" >/dev/null
# Tag the collectors' numbers into cases where this build has `dunwatch tag` (the rules engine
# also groups them by itself), so the report shows cases, charts and the hostile message.
if "$bin" tag --help >/dev/null 2>&1; then
  for n in 17012345678 17198765432 16533334444 10690000123; do
    "$bin" tag --db "$db" "$n" --case 速借金融 >/dev/null
  done
  for n in 16677778888 13344445555; do
    "$bin" tag --db "$db" "$n" --case 花花分期 >/dev/null
  done
fi
# The borrower's record of the 速借金融 loan, as ./run.sh enters it: each report has its loan-cost
# section with the cash flows and the CN lines.
"$bin" loan --db "$db" --file "$fx/loan-sujie.toml" >/dev/null
for lang in zh zh-Hant en; do
  "$bin" report --db "$db" --format html --lang "$lang" -o "$out/report-$lang.html" >/dev/null
  for want in 'class="loan"' 'class="grid flows"' 'CN.RATE.LPR4' '552.23%'; do
    grep -qF "$want" "$out/report-$lang.html" || { echo "report-$lang.html lacks $want" >&2; exit 1; }
  done
  python3 tests/e2e/report_browser.py "$out/report-$lang.html" "$out/report-$lang.png" \
    "$out/report-$lang.pdf"
done
