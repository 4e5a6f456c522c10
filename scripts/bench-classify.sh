#!/usr/bin/env bash
# Throughput of the collector classifier over the NUS SMS corpora (../shared/corpora), single
# thread: (1) in process (release bench binary), (2) through `dunwatch classify` (release build,
# JSON Lines in, JSON Lines out), (3) ripgrep scanning the same texts for a list of collection
# keywords, as a reference for "how fast can one pass over this text be". Prints msgs/s by wall
# clock and by CPU time (user+sys; on a shared machine wall time includes waiting for the CPU)
# and the ratios. Installs ripgrep through apt when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
corpora=${DUNWATCH_CORPORA:-../shared/corpora}
if [ ! -f "$corpora/nus_en.tsv" ] || [ ! -f "$corpora/nus_zh.tsv" ]; then
  echo "SKIP: no NUS corpora in $corpora"
  exit 0
fi
if ! command -v rg >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ripgrep"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends ripgrep >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends ripgrep >/dev/null; }
  else
    echo "ripgrep (rg) is missing; install the ripgrep package" >&2
    exit 1
  fi
fi

out="$PWD/target/bench-classify"
mkdir -p "$out"
cargo build --release --quiet -p dunwatch-cli
echo "== in process"
cargo bench --quiet -p dunwatch-core --bench classify_throughput -- --write-inputs "$out" | tee "$out/inprocess.txt"
# The CLI and ripgrep read the corpus 5 times over, so the timings are long enough to measure
# (and the CLI's start-up and lexicon compilation are amortised as in real use).
: >"$out/nus5.jsonl"
: >"$out/nus5.txt"
for _ in 1 2 3 4 5; do
  cat "$out/nus.jsonl" >>"$out/nus5.jsonl"
  cat "$out/nus.txt" >>"$out/nus5.txt"
done
n=$(wc -l <"$out/nus5.txt")

# Collection keywords for ripgrep (Simplified, Traditional, English), case-insensitive.
cat >"$out/keywords.txt" <<'KW'
逾期
催收
欠款
还款
還款
拖欠
老赖
老賴
爆通讯录
爆通訊錄
上门
上門
立案
传票
傳票
overdue
past due
arrears
debt collector
collection agency
deadbeat
repay
KW

# Runs "$@" and prints "wall user sys" seconds.
timed() {
  local TIMEFORMAT='%R %U %S'
  { time "$@" >/dev/null 2>&1; } 2>&1
}

echo "== dunwatch classify (release, $n messages)"
./target/release/dunwatch classify --input "$out/nus5.jsonl" | wc -l | xargs echo "output lines:"
echo "== ripgrep -j1 -i -F -f keywords ($n lines)"
rg -j1 -i -F -c -f "$out/keywords.txt" "$out/nus5.txt" | xargs echo "lines with a keyword:"
# Each is timed five times, alternately, and the run of median wall time is reported: a 0.05 s
# ripgrep run moves by a fifth from one run to the next.
runs=5
: >"$out/cli.times"
: >"$out/rg.times"
for _ in $(seq "$runs"); do
  timed ./target/release/dunwatch classify --input "$out/nus5.jsonl" >>"$out/cli.times"
  timed rg -j1 -i -F -c -f "$out/keywords.txt" "$out/nus5.txt" >>"$out/rg.times"
done
median() { sort -n "$1" | sed -n "$(((runs + 1) / 2))p"; }
read -r cw cu cs < <(median "$out/cli.times")
read -r rw ru rs < <(median "$out/rg.times")
echo "wall seconds of the $runs runs: classify $(sort -n "$out/cli.times" | cut -d' ' -f1 | xargs), ripgrep $(sort -n "$out/rg.times" | cut -d' ' -f1 | xargs)"

awk -v n="$n" -v cw="$cw" -v cu="$cu" -v cs="$cs" -v rw="$rw" -v ru="$ru" -v rs="$rs" 'BEGIN {
  cc = cu + cs; rc = ru + rs;
  if (cc <= 0) cc = 0.001; if (rc <= 0) rc = 0.001; if (cw <= 0) cw = 0.001; if (rw <= 0) rw = 0.001;
  printf "dunwatch classify: %9.0f msgs/s wall (%.2fs)  %9.0f msgs/s CPU (%.2fs)\n", n/cw, cw, n/cc, cc;
  printf "ripgrep:           %9.0f msgs/s wall (%.2fs)  %9.0f msgs/s CPU (%.2fs)\n", n/rw, rw, n/rc, rc;
  printf "CLI / ripgrep throughput ratio: %.2f wall, %.2f CPU\n", (n/cw)/(n/rw), (n/cc)/(n/rc);
}' | tee "$out/summary.txt"
# The in-process rate against ripgrep, from the bench binary output.
awk -v n="$n" -v rw="$rw" -v ru="$ru" -v rs="$rs" '
  /^in-process: median .* wall clock/ { w = $3 } /^in-process: median .* thread CPU/ { c = $3 }
  END {
    rc = ru + rs; if (rc <= 0) rc = 0.001; if (rw <= 0) rw = 0.001;
    if (w) printf "in-process / ripgrep throughput ratio: %.2f wall", w/(n/rw);
    if (c) printf ", %.2f CPU", c/(n/rc);
    print "";
  }' "$out/inprocess.txt" | tee -a "$out/summary.txt"
