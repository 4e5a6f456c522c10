#!/usr/bin/env python3
"""Adds a writer's file to the training corpus (tests/fixtures/train/), checked.

    scripts/add-training-file.py SRC.jsonl [NAME.jsonl]

Every line must parse and follow the training schema (docs/ACCURACY.md, "Labelling
conventions"): id, lang, register, kind, text, collection, flags; optional needs_context with
context_flags. Flags must be the six message flags; a message needing context is not labelled
collection; ids are unique. Messages whose text is already in the training or labelled files
(or in the held-out or sealed rounds, which must never be trained on), or repeated in the file itself,
are dropped and counted. Any other defect stops the copy, naming the line.
"""
import glob
import json
import os
import sys

FLAGS = {"threat", "abuse", "exposure", "false_authority", "third_party", "pressure_borrow"}
REQUIRED = {"id": str, "lang": str, "register": str, "kind": str, "text": str,
            "collection": bool, "flags": list}
OPTIONAL = {"needs_context": bool, "context_flags": list}


def check(n, x):
    if not isinstance(x, dict):
        return "not a JSON object"
    for k, t in REQUIRED.items():
        if not isinstance(x.get(k), t):
            return f"{k} missing or not a {t.__name__}"
    for k in x:
        if k not in REQUIRED and k not in OPTIONAL:
            return f"unknown field {k}"
    for k, t in OPTIONAL.items():
        if k in x and not isinstance(x[k], t):
            return f"{k} is not a {t.__name__}"
    if not x["text"].strip():
        return "empty text"
    for k in ("flags", "context_flags"):
        bad = [f for f in x.get(k, []) if f not in FLAGS]
        if bad:
            return f"unknown {k} {bad}"
    if x["flags"] and not x["collection"]:
        return "flags on a message that is not collection"
    if x.get("needs_context") and x["collection"]:
        return "needs_context on a collection message"
    if x.get("context_flags") and not x.get("needs_context"):
        return "context_flags without needs_context"
    return None


def texts(pattern):
    out = set()
    for f in glob.glob(pattern, recursive=True):
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    out.add(json.loads(line)["text"])
    return out


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    src = sys.argv[1]
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    fixtures = os.path.join(root, "tests", "fixtures")
    dst = os.path.join(fixtures, "train", sys.argv[2] if len(sys.argv) == 3 else os.path.basename(src))
    seen = set()
    for pattern in ("train/*.jsonl", "labelled/*.jsonl", "labelled/holdout/*.jsonl",
                    "labelled/sealed/*.jsonl"):
        for f in glob.glob(os.path.join(fixtures, pattern)):
            if os.path.abspath(f) != os.path.abspath(dst):  # replacing a file: not its own lines
                seen |= texts(f)
    ids, kept, dropped = set(), [], 0
    with open(src, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                x = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit(f"{src}:{n}: not JSON: {e}")
            err = check(n, x)
            if err:
                sys.exit(f"{src}:{n}: {err}")
            if x["id"] in ids:
                sys.exit(f"{src}:{n}: id {x['id']} repeated")
            ids.add(x["id"])
            if x["text"] in seen:
                dropped += 1
                continue
            seen.add(x["text"])
            kept.append(json.dumps(x, ensure_ascii=False))
    with open(dst, "w", encoding="utf-8") as out:
        out.write("\n".join(kept) + "\n")
    coll = sum(json.loads(k)["collection"] for k in kept)
    print(f"{dst}: {len(kept)} messages ({coll} collection), {dropped} duplicates dropped")


if __name__ == "__main__":
    main()
