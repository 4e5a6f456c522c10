#!/usr/bin/env bash
# The main job on the example data: import the example phone export (SMS Backup & Restore XML:
# four weeks of a borrower's SMS and calls) into the default evidence store and write the HTML
# evidence report. Running it again adds nothing: imports never duplicate evidence.
# DUNWATCH_DB=/some/file.sqlite ./run.sh uses another store.
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --quiet -p dunwatch-cli
bin=target/release/dunwatch
"$bin" import tests/fixtures/backup/sms-backup.xml tests/fixtures/backup/calls-backup.xml
"$bin" verify
"$bin" report --format html -o dunwatch-report.html
echo "report: $(pwd)/dunwatch-report.html"
