#!/usr/bin/env python3
"""Crash consistency, tried the hard way: SIGKILL the importer and a live recorder at random
moments, and after every kill check that the store opens, every chain verifies, nothing is
duplicated and every acknowledged event is present.

    python3 tests/crash/harness.py                      # the full run: 200 + 200 kills
    python3 tests/crash/harness.py --kills 20 --check   # the fast part ./test.sh runs

The full run rewrites the table between the markers in docs/RELIABILITY.md (--write-doc), so
the figures there come from the harness, not from a hand. Exits 1 on any loss.

- Importer: a generated SMS Backup & Restore file is imported into a store again and again, each
  run killed at a random moment; only kills that land mid-import count. A run that ends first
  must leave exactly the file's messages (every re-import complete, none twice), and so must one
  last import into every store. A new store is started now and then, so kills land in first
  imports (the deferred number index) as well as in re-imports.
- Live recorder (android-bindings/examples/live_recorder.rs): records SMS and calls through the
  operations the app's JNI exports call, printing each id only after its write returned; killed
  at a random moment; every id it acknowledged must be in the store with its content.
"""
import argparse
import datetime
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "RELIABILITY.md"
BEGIN, END = "<!-- crash-harness:begin -->", "<!-- crash-harness:end -->"


def build(profile):
    flag = ["--release"] if profile == "release" else []
    subprocess.run(
        ["cargo", "build", "--quiet", *flag, "-p", "dunwatch-cli", "-p", "dunwatch-android",
         "--example", "live_recorder", "--bin", "dunwatch"],
        cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / profile
    return target / "dunwatch", target / "examples" / "live_recorder"


def write_backup(path, n, rng):
    """An SMS Backup & Restore file of n messages: collectors, a bank, family."""
    senders = ["17012345678", "17198765432", "95588", "13911112222", "16677778888"]
    texts = ["您的借款已逾期{d}天，请今日还款{a}元", "【工商银行】您尾号{d}的卡消费{a}元",
             "妈：周末回家吃饭吗 {d}", "再不还钱就联系你的家人和单位 {a}", "验证码{a}，{d}分钟内有效"]
    t0 = 1_740_787_200_000
    with open(path, "w", encoding="utf-8") as f:
        f.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n")
        f.write(f'<smses count="{n}">\n')
        for i in range(n):
            s = rng.randrange(len(senders))
            body = texts[s].format(d=rng.randrange(1, 90), a=rng.randrange(100, 9999)) + f" #{i}"
            f.write(f'  <sms protocol="0" address="{senders[s]}" date="{t0 + i * 37_000}" '
                    f'type="1" subject="null" body="{body}" toa="null" sc_toa="null" '
                    f'service_center="null" read="1" status="-1" locked="0" />\n')
        f.write("</smses>\n")


def run_quiet(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def check_store(dunwatch, db):
    """Opens the store through the CLI (verify), then reads it directly. Returns (events,
    duplicates) or raises with what is wrong."""
    v = run_quiet([str(dunwatch), "verify", "--db", str(db)])
    if v.returncode != 0:
        raise AssertionError(f"verify failed after a kill: {v.stdout}{v.stderr}")
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        n = c.execute("SELECT count(*) FROM events").fetchone()[0]
        dup = c.execute(
            "SELECT count(*) FROM (SELECT count(*) AS k FROM events WHERE ref_event IS NULL "
            "GROUP BY number, utc_ms, coalesce(body, ''), kind, direction HAVING k > 1)").fetchone()[0]
    finally:
        c.close()
    return n, dup


def importer(dunwatch, kills, rng, work):
    """Kills `kills` imports mid-run. A run that ends before its kill counts as a completed
    re-import and is checked as one; the delay is drawn from the length of the last run of the
    same kind (first import into a new store, or re-import), so most draws land mid-import."""
    n_msgs = 20_000
    xml = work / "sms.xml"
    write_backup(xml, n_msgs, rng)
    span = {"first": None, "again": None}
    t = time.monotonic()
    r = run_quiet([str(dunwatch), "import", "--db", str(work / "probe.sqlite"), str(xml)])
    if r.returncode != 0:
        raise AssertionError(f"import failed: {r.stderr}")
    span["first"] = time.monotonic() - t
    t = time.monotonic()
    run_quiet([str(dunwatch), "import", "--db", str(work / "probe.sqlite"), str(xml)])
    span["again"] = time.monotonic() - t
    stats = dict(kills=0, first_kills=0, attempts=0, completes=0, lost=0, dup=0, failures=[])
    db, fresh, cycle = None, True, 0
    fresh_at_kill = {}
    while stats["kills"] < kills and stats["attempts"] < 4 * kills:
        if cycle % 6 == 0 or (stats["kills"] % 10 == 0 and not fresh_at_kill.get(stats["kills"])):
            # A new store after six completed runs or ten kills: kills land in first imports
            # (the deferred number index) as well as in re-imports.
            fresh_at_kill[stats["kills"]] = True
            cycle += 1
            db, fresh = work / f"imp{stats['attempts']}.sqlite", True
        kind = "first" if fresh else "again"
        stats["attempts"] += 1
        t = time.monotonic()
        p = subprocess.Popen([str(dunwatch), "import", "--db", str(db), str(xml)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, span[kind]))
        finished = p.poll() is not None
        p.send_signal(signal.SIGKILL)
        p.wait()
        fresh = False
        try:
            if finished:
                span[kind] = time.monotonic() - t
                stats["completes"] += 1
                n, dup = check_store(dunwatch, db)
                stats["dup"] += dup
                if n != n_msgs:
                    stats["lost"] += n_msgs - n
                    raise AssertionError(f"a completed import holds {n} of {n_msgs}")
                cycle += 1
                continue
            stats["kills"] += 1
            stats["first_kills"] += kind == "first"
            n, dup = check_store(dunwatch, db)
            stats["dup"] += dup
            if n > n_msgs:
                raise AssertionError(f"{n} events from a file of {n_msgs}")
        except AssertionError as e:
            stats["failures"].append(f"attempt {stats['attempts']}: {e}")
    # Every store the kills left behind is completed by one more import.
    for leftover in sorted(work.glob("imp*.sqlite")):
        r = run_quiet([str(dunwatch), "import", "--db", str(leftover), str(xml)])
        n, dup = check_store(dunwatch, leftover)
        stats["completes"] += 1
        stats["dup"] += dup
        if r.returncode != 0 or n != n_msgs:
            stats["lost"] += max(0, n_msgs - n)
            stats["failures"].append(f"{leftover.name}: final import holds {n} of {n_msgs}")
    stats["messages"] = n_msgs
    stats["span_s"] = span["first"]
    return stats


def recorder(dunwatch, live_recorder, kills, rng, work):
    db = work / "live.sqlite"
    stats = dict(kills=0, acked=0, lost=0, dup=0, failures=[])
    for k in range(kills):
        p = subprocess.Popen([str(live_recorder), str(db), str(k), "100000"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        deadline = time.monotonic() + rng.uniform(0.05, 1.5)
        acked = []
        while time.monotonic() < deadline:
            line = p.stdout.readline()
            if not line:
                break
            m = re.match(r"ack (\d+) (\d+)", line)
            if m:
                acked.append((int(m.group(1)), int(m.group(2))))
        p.send_signal(signal.SIGKILL)
        # Lines already written before the kill were acknowledged too.
        for line in p.stdout:
            m = re.match(r"ack (\d+) (\d+)", line)
            if m:
                acked.append((int(m.group(1)), int(m.group(2))))
        p.wait()
        stats["kills"] += 1
        stats["acked"] += len(acked)
        try:
            _, dup = check_store(dunwatch, db)
            stats["dup"] += dup
            c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            base = 1_740_787_200_000 + k * 10_000_000
            for eid, seq in acked:
                row = c.execute("SELECT kind, body, utc_ms FROM events WHERE id = ?",
                                (eid,)).fetchone()
                ok = row is not None and row[2] == base + seq * 1_000 and (
                    row[0] == "call" if seq % 3 == 2 else f"#{k}-{seq}" in (row[1] or ""))
                if not ok:
                    stats["lost"] += 1
                    raise AssertionError(f"acknowledged event {eid} (seq {seq}) missing: {row}")
            c.close()
        except AssertionError as e:
            stats["failures"].append(f"kill {k}: {e}")
    return stats


def table(imp, rec, date, cmd):
    return "\n".join([
        BEGIN,
        f"Measured {date} by `{cmd}`.",
        "",
        "| test | what it tried | runs | evidence | lost | duplicated | chain |",
        "|---|---|---|---|---|---|---|",
        f"| importer killed | SIGKILL at a random moment of an import of {imp['messages']:,} SMS "
        f"({imp['span_s']:.1f} s unkilled), into a new store and into stores holding part of the "
        f"file, a new store after every ten kills | {imp['kills']} kills mid-import "
        f"({imp['first_kills']} in a first import; {imp['attempts']} runs), {imp['completes']} completed imports | every completed import held all "
        f"{imp['messages']:,} | {imp['lost']} | {imp['dup']} | verified after every kill: "
        f"{'intact' if not imp['failures'] else 'FAILED'} |",
        f"| live recorder killed | SIGKILL of a process recording SMS and calls through the app's "
        f"operations, one durable write each, at a random moment | {rec['kills']} kills | "
        f"{rec['acked']:,} acknowledged events, each checked | {rec['lost']} | {rec['dup']} | "
        f"verified after every kill: {'intact' if not rec['failures'] else 'FAILED'} |",
        END,
    ])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kills", type=int, default=200, help="kills of each process")
    ap.add_argument("--seed", type=int, default=20261204)
    ap.add_argument("--profile", choices=["debug", "release"], default="release")
    ap.add_argument("--write-doc", action="store_true", help="rewrite the table in RELIABILITY.md")
    ap.add_argument("--check", action="store_true", help="the fast part for ./test.sh (debug)")
    a = ap.parse_args()
    if a.check:
        a.profile = "debug"
    rng = random.Random(a.seed)
    dunwatch, live = build(a.profile)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        imp = importer(dunwatch, a.kills, rng, work)
        rec = recorder(dunwatch, live, a.kills, rng, work)
    cmd = "python3 tests/crash/harness.py" + ("" if a.kills == 200 else f" --kills {a.kills}")
    t = table(imp, rec, datetime.date.today().isoformat(), cmd)
    print(t)
    failures = imp["failures"] + rec["failures"]
    for f in failures:
        print("FAIL", f, file=sys.stderr)
    if a.write_doc and not failures:
        doc = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Reliability\n"
        if BEGIN in doc:
            doc = doc[:doc.index(BEGIN)] + t + doc[doc.index(END) + len(END):]
        else:
            doc = doc.rstrip("\n") + "\n\n## Crash consistency\n\n" + t + "\n"
        DOC.write_text(doc, encoding="utf-8")
    total = imp["kills"] + rec["kills"]
    print(f"crash harness: {total - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
