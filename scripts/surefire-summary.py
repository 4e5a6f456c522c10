#!/usr/bin/env python3
"""Prints 'LABEL: N passed, N failed, N skipped' from Maven Surefire XML reports, and fails when
no test ran. Maven runs quietly (-q) in the test scripts, so this says what ran."""
import glob
import sys
import xml.etree.ElementTree as ET

reports, label = sys.argv[1], sys.argv[2]
t = f = e = s = 0
for p in glob.glob(reports + "/TEST-*.xml"):
    r = ET.parse(p).getroot()
    t += int(r.get("tests"))
    f += int(r.get("failures"))
    e += int(r.get("errors"))
    s += int(r.get("skipped"))
if t == 0:
    sys.exit(f"{label}: no test ran")
print(f"{label}: {t - f - e - s} passed, {f + e} failed, {s} skipped")
