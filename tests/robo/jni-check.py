#!/usr/bin/env python3
"""Fails when -Xcheck:jni reported a problem that a dunwatch frame caused.

Robolectric's own native runtime (org.robolectric.nativeruntime.*) raises "JNI call made without
checking exceptions" warnings on every run; those are not ours. Each warning is followed by the
Java stack of the native frame that raised it: the first frame outside the JDK names its owner.
"FATAL ERROR in native method" always fails."""
import glob
import re
import sys

reports = sys.argv[1]
bad = []
for path in glob.glob(reports + "/**/*", recursive=True):
    if not (path.endswith(".dumpstream") or path.endswith("-output.txt")):
        continue
    lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    for i, line in enumerate(lines):
        if "FATAL ERROR in native method" in line:
            bad.append(f"{path}: {line}")
            continue
        if "WARNING in native method" not in line and "JNI local refs" not in line:
            continue
        owner = None
        for frame in lines[i + 1:i + 40]:
            m = re.search(r"at ([\w.$]+)\.", frame)
            if not m:
                continue
            name = m.group(1)
            if name.startswith(("java.", "jdk.", "sun.")):
                continue
            owner = name
            break
        if owner is None or owner.startswith("org.dunwatch"):
            bad.append(f"{path}: {line} (at {owner})")
for b in bad:
    print(b, file=sys.stderr)
if bad:
    sys.exit("tests/robo: the JNI checker reported problems in dunwatch code (above)")
