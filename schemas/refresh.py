#!/usr/bin/env python3
"""Refresh rcdk's vendored CloudFormation registry schemas.

Usage (from anywhere):

    python3 schemas/refresh.py            # download cfn-lint, rewrite schemas
    python3 schemas/refresh.py --wheel X  # use an already downloaded wheel

The official CloudFormation registry schemas ship inside the cfn-lint wheel
on PyPI.  This script downloads that wheel with pip (no dependencies), reads
``cfnlint/data/schemas/providers/<REGION>.json`` (an object mapping each
resource type name to a content hash) and, for every type of the region,
``cfnlint/data/schemas/resources/<hash>.json``.

It writes:

* ``schemas/registry/<type>.json`` -- one file per type, named after the type
  lowercased with ``::`` replaced by ``-`` (``aws-kinesis-stream.json``),
  pretty-printed with sorted keys so diffs stay stable;
* ``schemas/all-types.txt`` -- every type name in the region (so validation can
  tell a misspelt type from a type without a vendored schema);
* ``schemas/SOURCE.md``   -- where the files came from and how to refresh;
* then runs ``schemas/compact.py``, which writes the compact form the library
  embeds (``schemas/compact/`` and ``src/schema/embedded.rs``).

Every type of the region is vendored; ``schemas/types.txt`` names the types the L2
constructs build on (listed one by one in SOURCE.md).
Only the Python standard library and pip are needed.
"""

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import zipfile
import zlib

CFN_LINT_VERSION = "1.58.0"
REGION = "us-east-1"

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TYPES_FILE = os.path.join(HERE, "types.txt")
REGISTRY = os.path.join(HERE, "registry")


def file_name(type_name):
    return type_name.lower().replace("::", "-") + ".json"


def read_types():
    types = []
    with open(TYPES_FILE, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                if line in types:
                    sys.exit(f"duplicate type in types.txt: {line}")
                types.append(line)
    return types


def download_wheel(dest):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            f"cfn-lint=={CFN_LINT_VERSION}",
            "-d",
            dest,
        ],
        check=True,
    )
    wheels = glob.glob(os.path.join(dest, f"cfn_lint-{CFN_LINT_VERSION}-*.whl"))
    if len(wheels) != 1:
        sys.exit(f"expected one cfn-lint wheel in {dest}, found {wheels}")
    return wheels[0]


def write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", help="path to an already downloaded cfn-lint wheel")
    args = parser.parse_args()

    types = read_types()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_wheel(tmp)
        with zipfile.ZipFile(wheel) as z:
            providers = json.loads(z.read(f"cfnlint/data/schemas/providers/{REGION}.json"))
            if not isinstance(providers, dict):
                sys.exit("unexpected providers file shape (expected an object type -> hash)")
            # Every type name CloudFormation knows in the region (no schema bodies): lets
            # validation tell an unknown type (a typo) from a known type without a vendored schema.
            write_text(os.path.join(HERE, "all-types.txt"), "".join(f"{t}\n" for t in sorted(providers)))
            missing = [t for t in types if t not in providers]
            if missing:
                sys.exit(f"types not in cfn-lint {CFN_LINT_VERSION} ({REGION}): {missing}")
            # Every type of the region is vendored (schemas/registry/); `types.txt` lists the
            # types whose schemas the library embeds today.
            all_rows = []
            os.makedirs(REGISTRY, exist_ok=True)
            for t in sorted(providers):
                digest = providers[t]
                schema = json.loads(z.read(f"cfnlint/data/schemas/resources/{digest}.json"))
                if schema.get("typeName") != t:
                    sys.exit(f"{digest}.json has typeName {schema.get('typeName')!r}, expected {t}")
                text = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
                name = file_name(t)
                write_text(os.path.join(REGISTRY, name), text)
                all_rows.append((t, name, digest, len(text.encode("utf-8"))))
            by_type = {r[0]: r for r in all_rows}
            rows = [by_type[t] for t in types]

    # Remove schema files of types no longer in the region.
    keep = {r[1] for r in all_rows}
    for path in glob.glob(os.path.join(REGISTRY, "*.json")):
        if os.path.basename(path) not in keep:
            os.remove(path)

    total = sum(r[3] for r in rows)
    lines = [
        "# Vendored CloudFormation registry schemas",
        "",
        "Generated by `schemas/refresh.py`; do not edit the JSON files by hand.",
        "",
        f"- Source: the `cfn-lint=={CFN_LINT_VERSION}` wheel from PyPI",
        f"  (`pip download --no-deps cfn-lint=={CFN_LINT_VERSION}`).",
        f"- Inside the wheel: `cfnlint/data/schemas/providers/{REGION}.json` maps each",
        "  type name to a hash; `cfnlint/data/schemas/resources/<hash>.json` is that",
        "  type's registry schema (JSON Schema draft-07 plus CloudFormation keywords).",
        "- Files are re-serialised pretty-printed with sorted keys for stable diffs.",
        "",
        "## Refresh",
        "",
        "1. Bump `CFN_LINT_VERSION` in `refresh.py` (every type of the region is vendored).",
        "2. Run `python3 schemas/refresh.py` (needs python3 and pip).",
        "3. It rewrites the JSON files and this file, then runs `schemas/compact.py`",
        "   (the compact form the library embeds; see below); run `cargo test schema` and commit.",
        "",
        "## Files",
        "",
        "| Type | File | cfn-lint hash | Bytes |",
        "|---|---|---|---|",
    ]
    lines += [f"| {t} | registry/{n} | {d} | {s:,} |" for t, n, d, s in rows]
    lines += ["", f"Types the L2 constructs build on (`types.txt`): {len(rows)}, {total:,} bytes.", ""]
    all_total = sum(r[3] for r in all_rows)
    lines += [
        f"Vendored in `schemas/registry/`: all {len(all_rows)} types of {REGION}, {all_total:,} bytes.",
        "",
    ]
    # The library embeds every type in compact form (schemas/compact.py).
    subprocess.run([sys.executable, os.path.join(HERE, "compact.py")], check=True)
    blob_path = os.path.join(HERE, "compact", "schemas.bin")
    blob = os.path.getsize(blob_path)
    with open(blob_path, "rb") as f:
        # What git stores (zlib-compressed objects), approximately.
        blob_z = len(zlib.compress(f.read(), 9))
    lines += [
        "## What the library embeds",
        "",
        "`schemas/compact.py` (no network; `--check` in CI) writes `compact/schemas.bin`: every",
        "schema above without what neither validation, GetAtt derivation, tagging nor diff reads",
        "(descriptions below the top level, `handlers`, source/documentation URLs, examples,",
        "comments, `propertyTransform`, `relationshipRef`), sorted by type, in rcdk's packed",
        "binary form (described in `src/schema/packed.rs`: tagged values, containers with their",
        "byte length, object members sorted by key behind a table of offsets); and `src/schema/embedded.rs`,",
        "which embeds it and `all-types.txt` (the type names) with a sorted index of",
        "plain numbers (name offset and length, schema offset and length). The library",
        "binary-searches the index and reads a type's schema in place: nothing is parsed and",
        "nothing allocated to validate against it; a pattern is compiled the first time a value",
        "is checked against it.",
        "",
        "Costs:",
        "",
        f"- on disk: `registry/` {all_total:,} bytes (pretty, for review and codegen) plus",
        f"  `compact/schemas.bin` {blob:,} bytes; in the repository the packed blob is one",
        f"  object of about {blob_z:,} bytes (zlib level 9, as git stores it);",
        f"- in a binary using rcdk: the blob as-is, {blob:,} bytes of read-only data (the",
        "  names and index add about 80 KB); only the pages of the types a program uses are",
        "  ever read; see docs/performance.md for measured binary sizes and times.",
        "",
    ]
    write_text(os.path.join(HERE, "SOURCE.md"), "\n".join(lines))
    print(f"wrote {len(rows)} schemas ({total:,} bytes) from cfn-lint {CFN_LINT_VERSION}")


if __name__ == "__main__":
    main()
