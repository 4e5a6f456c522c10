#!/usr/bin/env bash
# Runs the import and screening benchmarks of an older revision and of the working tree
# alternately, in one run, so the machine's drift hits both sides alike. Not part of test.sh.
#
#   scripts/bench-compare.sh [BASE_REV] [ROUNDS]     (defaults: 21ae66b, 3)
#
# BASE_REV is checked out as a detached worktree under target/bench-base with its own target
# directory; both sides are release builds of the same bench sources (core/benches/import.rs
# and screen.rs must exist at BASE_REV). Each round runs base then current for each bench and
# prints the benches' own lines; the summary at the end gives, per measure, the range over the
# rounds of each side.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
base=${1:-21ae66b}
rounds=${2:-3}
base_dir=$root/target/bench-base
out=$root/target/bench-compare
mkdir -p "$out"

if [ ! -e "$base_dir/.git" ]; then
  git worktree add --detach "$base_dir" "$base" >/dev/null
else
  git -C "$base_dir" checkout --quiet --detach "$base"
fi

# Prints the path of a bench executable built in directory $1.
bench_exe() {
  (cd "$1" && cargo bench -p dunwatch-core --bench "$2" --no-run --message-format=json 2>/dev/null) |
    python3 -c '
import json, sys
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == sys.argv[1]:
        print(m["executable"])
' "$2" | tail -1
}

echo "== building the benches at $base ($(git -C "$base_dir" log --oneline -1))"
declare -A exe
for b in import screen; do
  exe[base_$b]=$(bench_exe "$base_dir" "$b")
  exe[cur_$b]=$(bench_exe "$root" "$b")
  for side in base cur; do
    [ -x "${exe[${side}_$b]}" ] || { echo "bench-compare: no $b bench built for $side" >&2; exit 2; }
  done
done
echo "== current tree: $(git log --oneline -1) $(git diff --quiet || echo '(with uncommitted changes)')"

for r in $(seq 1 "$rounds"); do
  for b in import screen; do
    for side in base cur; do
      echo "-- round $r, $b, $side"
      "${exe[${side}_$b]}" --bench | tee "$out/$b-$side-$r.txt"
    done
  done
done

python3 - "$out" "$rounds" <<'EOF'
import re, sys, pathlib
out, rounds = pathlib.Path(sys.argv[1]), int(sys.argv[2])
# (bench, label, regex with one number group, unit)
measures = [
    ("import", "import 50,000 msgs, msg/s (wall)", r"^\s*50000 messages.*?=\s*(\d+) msg/s", "msg/s"),
    ("import", "import 300,000 msgs, msg/s (wall)", r"^\s*300000 messages.*?=\s*(\d+) msg/s", "msg/s"),
    ("screen", "screening p50, borrower", r"borrower.*?p50\s*([\d.]+)", "µs"),
    ("screen", "screening p99, borrower", r"borrower.*?p99\s*([\d.]+)", "µs"),
    ("screen", "screening p50, family", r"family.*?p50\s*([\d.]+)", "µs"),
    ("screen", "screening p99, family", r"family.*?p99\s*([\d.]+)", "µs"),
    ("screen", "rules: full rebuild of 1M events", r"^rebuild:.*= (\d+) events/s", "events/s"),
    ("screen", "rules: import batches of 10,000", r"import batches of \d+: (\d+) events/s", "events/s"),
]
print(f"\n{rounds} rounds, base and current alternately\n\n| measure | base | current |\n|---|---|---|")
for bench, label, rx, unit in measures:
    cells = []
    for side in ("base", "cur"):
        vals = []
        for r in range(1, rounds + 1):
            f = out / f"{bench}-{side}-{r}.txt"
            if f.exists():
                m = re.search(rx, f.read_text(), re.M)
                if m:
                    vals.append(float(m.group(1)))
        fmt = "{:,.1f}" if unit == "µs" else "{:,.0f}"
        cells.append(f"{fmt.format(min(vals))}–{fmt.format(max(vals))} {unit}" if vals else "n/a")
    print(f"| {label} | {cells[0]} | {cells[1]} |")
EOF
