#!/usr/bin/env bash
# The main job, as a demo on the example data: create an evidence store, load a fixture store's
# evidence into it, and verify the evidence chain.
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --quiet -p dunwatch-cli
bin=target/release/dunwatch
out=${DUNWATCH_OUT:-target/demo}
mkdir -p "$out"
db="$out/evidence.sqlite"
rm -f "$db" "$db-wal" "$db-shm"
cp core/tests/fixtures/store_v1.sqlite "$db"
"$bin" init --db "$db" --jurisdiction cn --role borrower --tz Asia/Shanghai
"$bin" verify --db "$db"
