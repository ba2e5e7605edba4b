#!/usr/bin/env python3
"""Measures `rcdk validate` against cfn-lint 1.58.0 (the numbers in docs/review-accuracy.md).

Usage (from the repository root, after `cargo build --release --bin rcdk`):

    python3 -m venv .venv && .venv/bin/pip install cfn-lint==1.58.0
    .venv/bin/pip download --no-deps --no-binary :all: cfn-lint==1.58.0 -d /tmp/cfnlint-sdist
    tar xzf /tmp/cfnlint-sdist/cfn_lint-1.58.0.tar.gz -C /tmp/cfnlint-sdist
    .venv/bin/python tests/review/accuracy.py --fixtures /tmp/cfnlint-sdist/cfn_lint-1.58.0/test/fixtures/templates

What it measures:

* False errors on the corpus (tests/fixtures/review-corpus: real-world templates, see its README):
  every rcdk error that cfn-lint does not also report as an error within LINE_SLACK lines.
  Each one is listed so that it can be judged (some are true errors cfn-lint misses).
* Recall per rule family on cfn-lint's bad fixtures: of cfn-lint's error-level findings (and the
  warnings of the families rcdk claims), how many rcdk also reports (any problem within LINE_SLACK
  lines of the same file).
* Templates rcdk cannot read, by cause.
* Time: rcdk and cfn-lint, each in one process over all files.

Only the standard library and the cfn-lint package are used.
"""

import argparse
import collections
import json
import pathlib
import re
import subprocess
import sys
import time

LINE_SLACK = 2

# cfn-lint rule → family. Families rcdk claims are marked in CLAIMED.
FAMILIES = [
    ("references", r"^(E1010|E1012|E1019|E1020|E1022|E1011|E1028|E3005|E8002|E6101)$"),
    ("cycles", r"^E3004$"),
    ("intrinsic-shapes", r"^E1(0(1[3-8]|2[1-9]|3\d)|05\d|1\d\d|0[0-9])$"),
    ("template-structure", r"^(E1001|E1002|E1003|E1004|E1005|E3001|E3035|E3036|E3006|E2001|E6\d\d\d|E7\d\d\d|E8\d\d\d)$"),
    ("parameters", r"^(E2\d\d\d)$"),
    ("property-values", r"^(E30(0[2-3]|1[0-9]|2\d|3[0-4]|3[7-9]|4\d|5\d|6\d)|E3(5\d\d))$"),
    ("iam", r"^(E35(0[0-9]|1[0-9])|E3510|E3512|W3037|E3037)$"),
    ("service-rules", r"^E3\d\d\d$"),
    ("other", r".*"),
]
CLAIMED = {"references", "cycles", "template-structure", "parameters", "property-values", "iam"}


def family(rule):
    for name, pattern in FAMILIES:
        if re.match(pattern, rule):
            return name
    return "other"


def template_files(root):
    exts = {".yaml", ".yml", ".json", ".template"}
    return sorted(str(p) for p in pathlib.Path(root).rglob("*") if p.is_file() and p.suffix in exts)


def run_cfn_lint(files):
    start = time.perf_counter()
    out = subprocess.run(
        [str(pathlib.Path(sys.executable).parent / "cfn-lint"), "--format", "json", "--", *files],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    matches = json.loads(out.stdout or "[]")
    by_file = collections.defaultdict(list)
    for m in matches:
        by_file[m["Filename"]].append(
            (m["Rule"]["Id"], m["Level"], m["Location"]["Start"]["LineNumber"], m["Message"])
        )
    return by_file, elapsed


def run_rcdk(rcdk, files):
    start = time.perf_counter()
    out = subprocess.run([rcdk, "validate", "--format", "json", *files], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    return {r["file"]: r for r in json.loads(out.stdout)}, elapsed


def near(line, lines):
    return line is not None and any(l is not None and abs(line - l) <= LINE_SLACK for l in lines)


def read_cause(error):
    for cause in ["aliases", "duplicate key", "syntax error", "unknown tag", "empty", "not UTF-8", "mapping keys"]:
        if cause in error:
            return cause
    return error.split(": ")[-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", required=True, help="cfn-lint sdist test/fixtures/templates")
    ap.add_argument("--corpus", default="tests/fixtures/review-corpus")
    ap.add_argument("--rcdk", default="target/release/rcdk")
    args = ap.parse_args()

    corpus = template_files(args.corpus)
    bad = template_files(pathlib.Path(args.fixtures) / "bad")
    every = corpus + bad

    lint, lint_time = run_cfn_lint(every)
    ours, rcdk_time = run_rcdk(args.rcdk, every)

    # False errors on the corpus.
    false_errors = []
    confirmed = 0
    unreadable = collections.Counter()
    notes = 0
    for f in corpus:
        r = ours.get(f)
        if r is None or not r["readable"]:
            unreadable[read_cause(r["error"] if r else "missing")] += 1
            continue
        notes += len(r["notes"])
        cl_lines = [l for (_, lvl, l, _) in lint.get(f, []) if lvl == "Error"]
        for p in r["problems"]:
            if p["severity"] != "error":
                continue
            if near(p["line"], cl_lines):
                confirmed += 1
            else:
                false_errors.append((f, p["line"], p["kind"], p["logical_id"], p["message"]))

    # Recall on the bad fixtures.
    found = collections.Counter()
    total = collections.Counter()
    missed = collections.defaultdict(list)
    for f in bad:
        r = ours.get(f)
        lines = [p["line"] for p in r["problems"]] if r and r["readable"] else []
        for rule, level, line, message in lint.get(f, []):
            fam = family(rule)
            if level != "Error" and not (fam == "iam" and rule == "W3037"):
                continue
            total[fam] += 1
            if r is not None and not r["readable"]:
                found[fam] += 1  # rcdk refuses the whole file: the problem is not missed
            elif near(line, lines):
                found[fam] += 1
            else:
                missed[fam].append(f"{f}:{line} {rule} {message[:100]}")

    print(f"corpus: {len(corpus)} templates; bad fixtures: {len(bad)}")
    print(f"false errors on the corpus: {len(false_errors)} (errors confirmed by cfn-lint: {confirmed}; notes: {notes})")
    for fe in false_errors:
        print("  false?", *fe)
    print(f"unreadable corpus templates: {sum(unreadable.values())} {dict(unreadable)}")
    print("recall on cfn-lint's bad fixtures, per family (cfn-lint error-level findings):")
    for fam, _ in FAMILIES:
        if total[fam]:
            claim = "claimed" if fam in CLAIMED else "not claimed"
            print(f"  {fam:20} {found[fam]:4}/{total[fam]:<4} {100.0 * found[fam] / total[fam]:5.1f}%  ({claim})")
    for fam in sorted(missed):
        if fam in CLAIMED:
            for m in missed[fam]:
                print(f"  missed [{fam}] {m}")
    print(f"time, one process over {len(every)} files: rcdk {rcdk_time:.2f}s, cfn-lint {lint_time:.2f}s "
          f"({lint_time / max(rcdk_time, 1e-9):.0f}x)")


if __name__ == "__main__":
    main()
