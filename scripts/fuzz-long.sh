#!/usr/bin/env bash
# Long run of the coverage-guided fuzz targets (fuzz/), one target at a time under `nice -n 19`,
# each for MINUTES (default 10) from the committed seeds plus fuzz/corpus/TARGET (kept between
# runs, not committed). Builds every target once before the first run, so editing the tree while
# it runs changes nothing. After each target it rewrites the table between the `fuzz-long`
# markers in docs/RELIABILITY.md: target, minutes actually run, executions, crashes found (inputs
# left in fuzz/artifacts/TARGET/), corpus size. With FUZZ_UNTIL=HH:MM (UTC) a target that would
# end later is cut at that time and the ones after it are listed as not run.
# Usage: scripts/fuzz-long.sh [MINUTES] [TARGET...]   (needs nightly + cargo-fuzz)
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT/fuzz"
MINUTES="${1:-10}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=($(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v '^dunwatch-fuzz$'))
DOC="$ROOT/docs/RELIABILITY.md"
RESULTS="$ROOT/fuzz/long-results.tsv"
touch "$RESULTS"
if ! rustup toolchain list 2>/dev/null | grep -q '^nightly' || ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz-long: skipped (needs a nightly toolchain and cargo-fuzz)"
  exit 0
fi
for t in "${TARGETS[@]}"; do nice -n 19 cargo +nightly fuzz build -O "$t" || exit 1; done
BIN="$ROOT/fuzz/target/x86_64-unknown-linux-gnu/release"

write_doc() {
  python3 - "$DOC" "$RESULTS" "$(date -u +%Y-%m-%d)" "$MINUTES" $(sed -n 's/^name = "\(.*\)"$/\1/p' "$ROOT/fuzz/Cargo.toml" | grep -v '^dunwatch-fuzz$') <<'EOF'
import sys
doc, results, day, minutes, targets = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
rows = {}
for line in open(results, encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    if len(f) == 5:
        rows[f[0]] = f
out = [f"Run of `scripts/fuzz-long.sh {minutes}` on {day} (shared 2-core machine, one target at a",
       "time, `nice -n 19`):", "",
       "| target | minutes | executions | crashes found | corpus size (files) |",
       "|---|---|---|---|---|"]
for t in targets:
    if t in rows:
        _, m, e, c, s = rows[t]
        out.append(f"| `{t}` | {m} | {int(e):,} | {c} | {s} |")
    else:
        out.append(f"| `{t}` | not run | — | — | — |")
text = open(doc, encoding="utf-8").read()
b, e = "<!-- fuzz-long:begin -->", "<!-- fuzz-long:end -->"
if b not in text or e not in text:
    sys.exit(f"fuzz-long: markers {b} / {e} missing in {doc}")
head, rest = text.split(b, 1)
_, tail = rest.split(e, 1)
new = head + b + "\n" + "\n".join(out) + "\n" + e + tail
tmp = doc + ".fuzz-long.tmp"
open(tmp, "w", encoding="utf-8").write(new)
import os
os.replace(tmp, doc)
EOF
}

failed=0
for t in "${TARGETS[@]}"; do
  secs=$((MINUTES * 60))
  if [ -n "${FUZZ_UNTIL:-}" ]; then
    left=$(($(date -u -d "$FUZZ_UNTIL" +%s) - $(date -u +%s)))
    [ "$left" -lt "$secs" ] && secs=$left
    if [ "$secs" -lt 30 ]; then echo "fuzz-long: $t not run (FUZZ_UNTIL=$FUZZ_UNTIL)"; continue; fi
  fi
  corpus="$ROOT/fuzz/corpus/$t"
  mkdir -p "$corpus" "$ROOT/fuzz/artifacts/$t"
  cp -n seeds/"$t"/* "$corpus"/ 2>/dev/null || true
  before=$(ls "$ROOT/fuzz/artifacts/$t" | wc -l)
  log="$ROOT/fuzz/long-$t.log"
  echo "== $t ($secs s) $(date -u +%H:%M:%S)"
  start=$(date +%s)
  # -fork would keep going after a crash; one process keeps the executions count exact.
  (cd "$ROOT/fuzz" && nice -n 19 "$BIN/$t" "$corpus" "seeds/$t" -artifact_prefix="$ROOT/fuzz/artifacts/$t/" \
    -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 -timeout=20 -print_final_stats=1) >"$log" 2>&1
  status=$?
  ran=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  [ -n "$execs" ] || execs=0
  crashes=$(($(ls "$ROOT/fuzz/artifacts/$t" | wc -l) - before))
  size=$(ls "$corpus" | wc -l)
  mins=$(python3 -c "print(round($ran/60, 1))")
  printf '%s\t%s\t%s\t%s\t%s\n' "$t" "$mins" "$execs" "$crashes" "$size" >>"$RESULTS"
  echo "   $mins min, $execs executions, $crashes crashes, corpus $size (exit $status)"
  [ "$status" -eq 0 ] || { failed=1; grep -E '==ERROR|panicked|SUMMARY' "$log" | head -5; }
  write_doc
done
exit $failed
