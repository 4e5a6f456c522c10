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
# The borrower's record of what the 速借金融 loan cost (entered once; the same record again adds nothing).
"$bin" loan --file tests/fixtures/backup/loan-sujie.toml
"$bin" verify
"$bin" report --format html -o dunwatch-report.html
echo "report: $(pwd)/dunwatch-report.html"
