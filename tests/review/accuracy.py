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

# cfn-lint rule → family (from `cfn-lint --list-rules`). Families rcdk claims are in CLAIMED; the
# others are listed for completeness (rcdk does not try to catch them).
FAMILIES = [
    # Ref, GetAtt, Sub variables, FindInMap, Fn::If, DependsOn, resource/output conditions.
    ("references", r"^(E1010|E1020|E1019|E1011|E1028|E3005|E3015|E6005|E8002)$"),
    ("cycles", r"^E3004$"),
    # Sections, resource entry keys and attributes, types, limits, logical IDs, outputs, mappings.
    ("template-structure", r"^(E1001|E1002|E1004|E1005|E1032|E3001|E3006|E3007|E3010|E3035|E3036|E3055|"
                           r"E6001|E6002|E6003|E6004|E6010|E6011|E7001|E7002|E7010)$"),
    # Condition functions.
    ("conditions", r"^(E8001|E8003|E8004|E8005|E8006|E8007)$"),
    ("parameters", r"^(E2001|E2002|E2003|E2010|E2011|E2015)$"),
    # What the registry schemas say about property values.
    ("property-values", r"^(E3002|E3003|E3012|E3014|E3017|E3018|E3020|E3021|E3030|E3031|E3032|E3033|E3034|"
                        r"E3037|E3040|E3058)$"),
    ("iam", r"^(E3510|E3512|E3513|E3514|E3530|W3037)$"),
    ("intrinsic-shapes", r"^E1\d\d\d$"),
    ("service-rules", r"^E[23]\d\d\d$"),
    ("other", r".*"),
]
CLAIMED = {"references", "cycles", "template-structure", "conditions", "parameters", "property-values", "iam"}


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


def resource_at(filename, line):
    """The type of the resource whose entry holds `line`, read with cfn-lint's own decoder."""
    from cfnlint.decode import decode

    try:
        tpl, _ = decode(filename)
    except Exception:
        return None
    starts = []
    for section, entries in (tpl or {}).items():
        if isinstance(entries, dict):
            for key, value in entries.items():
                mark = getattr(key, "start_mark", None)
                if mark is not None:
                    kind = value.get("Type") if section == "Resources" and isinstance(value, dict) else None
                    starts.append((mark.line + 1, kind))
    starts.sort(key=lambda s: s[0])
    found = None
    for start, kind in starts:
        if start <= line:
            found = kind
    return found


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
    no_schema = collections.Counter()
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
            elif rule == "E3004" and r is not None and any(
                p["kind"] == "dependency-cycle" and re.search(r"\b%s\b" % re.escape(message.split()[4].rstrip(".")), p["message"])
                for p in r["problems"]
            ):
                # cfn-lint reports a cycle once per member; rcdk once per cycle, naming every member.
                found[fam] += 1
            else:
                if fam == "property-values" and r is not None and resource_at(f, line) in r["unchecked_types"]:
                    no_schema[fam] += 1
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
            if no_schema[fam]:
                checked = total[fam] - no_schema[fam]
                print(f"  {'':20} {found[fam]:4}/{checked:<4} {100.0 * found[fam] / max(checked, 1):5.1f}%  "
                      f"on resource types rcdk has a schema for ({no_schema[fam]} findings on types without one)")
    for fam in sorted(missed):
        if fam in CLAIMED:
            for m in missed[fam]:
                print(f"  missed [{fam}] {m}")
    print(f"time, one process over {len(every)} files: rcdk {rcdk_time:.2f}s, cfn-lint {lint_time:.2f}s "
          f"({lint_time / max(rcdk_time, 1e-9):.0f}x)")


if __name__ == "__main__":
    main()
