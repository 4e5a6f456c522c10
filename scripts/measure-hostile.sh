#!/usr/bin/env bash
# Peak memory (max RSS, /usr/bin/time -v) of the release `dunwatch` on hostile inputs: a line
# with no newline, /dev/zero as a lexicon, a 400 MB CSV field, XML attribute and JSON line. The
# inputs are generated into pipes (nothing is written to disk but the store). Prints a
# Markdown table, one row per input; with --write-doc it also replaces the table between the
# `hostile-rss` markers in docs/RELIABILITY.md (with the date and the command).
# Usage: scripts/measure-hostile.sh [--write-doc] [MB]   (default 400)
set -euo pipefail
cd "$(dirname "$0")/.."
WRITE_DOC=0
MB=400
for a in "$@"; do
  case "$a" in
    --write-doc) WRITE_DOC=1 ;;
    *) MB="$a" ;;
  esac
done
cargo build --release -q -p dunwatch-cli
BIN="$PWD/target/release/dunwatch"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
export DUNWATCH_DB="$T/e.sqlite"

# MB megabytes of 'a', streamed.
big() { head -c "$((MB * 1024 * 1024))" /dev/zero | tr '\0' 'a'; }

# measure NAME COMMAND...: runs COMMAND (stdin from $T/in if it is a fifo fed by the caller).
measure() {
  local name="$1"
  shift
  local status=0
  /usr/bin/time -v -o "$T/time" "$@" >"$T/out" 2>"$T/err" || status=$?
  local rss
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$T/time")
  local said
  said=$( (grep -hoE 'longer than [0-9]+ bytes|larger than [0-9]+ MiB|range\(s\) skipped|tag limit[^"]*|record limit' "$T/out" "$T/err" || true) | head -1)
  printf '| %s | %s | %d MiB | %s |\n' "$name" "$status" "$((rss / 1024))" "${said:-(no message)}"
}

table() {
echo "| input | exit | peak RSS | what it said |"
echo "|---|---|---|---|"
measure "classify: ${MB} MB, no newline" sh -c "$(declare -f big); MB=$MB; big | '$BIN' classify"
measure "classify --lexicon /dev/zero" sh -c "echo '{\"text\":\"x\"}' | '$BIN' classify --lexicon /dev/zero"
measure "collectors --import /dev/zero" "$BIN" collectors --import /dev/zero
CSV_HEAD='kind,direction,number,time,body\nsms,incoming,13800138000,1741527000000,ok\n'
measure "import CSV: ${MB} MB quoted field" sh -c "$(declare -f big); MB=$MB; { printf '$CSV_HEAD'; printf 'sms,incoming,13800138001,1741527000001,\"'; big; printf '\"\nsms,incoming,13800138002,1741527000002,after\n'; } | '$BIN' import /dev/stdin"
measure "import CSV: ${MB} MB unquoted, no newline" sh -c "$(declare -f big); MB=$MB; { printf '$CSV_HEAD'; big; } | '$BIN' import /dev/stdin"
XML_HEAD='<smses>\n<sms address="13800138000" date="1741527000000" type="1" body="ok" />\n'
measure "import XML: ${MB} MB attribute" sh -c "$(declare -f big); MB=$MB; { printf '$XML_HEAD'; printf '<sms address=\"13800138001\" date=\"1741527000001\" type=\"1\" body=\"'; big; printf '\" />\n<sms address=\"13800138002\" date=\"1741527000002\" type=\"1\" body=\"after\" />\n</smses>\n'; } | '$BIN' import /dev/stdin"
measure "import XML: ${MB} MB unclosed comment" sh -c "$(declare -f big); MB=$MB; { printf '$XML_HEAD<!--'; big; printf '\n<sms address=\"13800138002\" date=\"1741527000002\" type=\"1\" body=\"after\" />\n</smses>\n'; } | '$BIN' import /dev/stdin"
measure "import JSON Lines: ${MB} MB line" sh -c "$(declare -f big); MB=$MB; { printf '{\"kind\":\"sms\",\"direction\":\"incoming\",\"number\":\"13800138000\",\"time\":1741527000000,\"body\":\"'; big; printf '\"}\n'; } | '$BIN' import /dev/stdin"
}

table | tee "$T/table"
if [ "$WRITE_DOC" = 1 ]; then
  python3 - docs/RELIABILITY.md "$T/table" "$(date -u +%Y-%m-%d)" "$MB" <<'EOF'
import os, sys
doc, table, day, mb = sys.argv[1:5]
b, e = "<!-- hostile-rss:begin -->", "<!-- hostile-rss:end -->"
text = open(doc, encoding="utf-8").read()
if b not in text or e not in text:
    sys.exit(f"measure-hostile: markers {b} / {e} missing in {doc}")
head, rest = text.split(b, 1)
_, tail = rest.split(e, 1)
body = (f"Measured {day} on the shared 2-core machine with `scripts/measure-hostile.sh "
        f"--write-doc {mb}`:\n\n" + open(table, encoding="utf-8").read())
open(doc + ".tmp", "w", encoding="utf-8").write(head + b + "\n" + body + e + tail)
os.replace(doc + ".tmp", doc)
EOF
fi
