#!/usr/bin/env python3
"""Write tests/fixtures/schema/cfn-lint-getatts.json: the GetAtt attributes cfn-lint accepts for
every type of schemas/all-types.txt, as cfn-lint itself computes them (its schema manager).

    python3 -m venv .venv && .venv/bin/pip install cfn-lint==1.58.0
    .venv/bin/python schemas/cfn_lint_getatts.py          # rewrite the fixture
    .venv/bin/python schemas/cfn_lint_getatts.py --check  # fail if it is out of date

The Rust test `schema::tests::getatts_match_cfn_lint` compares rcdk's own derivation with it.
Attribute names are cfn-lint's keys: regular expressions (`Outputs\\..*`, `.*`) for open families.
"""

import argparse
import json
import os
import sys

from cfnlint.version import __version__ as CFN_LINT_VERSION
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "tests", "fixtures", "schema", "cfn-lint-getatts.json")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if CFN_LINT_VERSION != "1.58.0":
        sys.exit(f"needs cfn-lint 1.58.0, found {CFN_LINT_VERSION}")
    with open(os.path.join(HERE, "all-types.txt"), encoding="utf-8") as f:
        types = [line.strip() for line in f if line.strip()]
    lines = []
    for t in types:
        attrs = list(PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", t).get_atts.keys())
        lines.append(f"{json.dumps(t)}: {json.dumps(attrs)}")
    text = "{\n" + ",\n".join(lines) + "\n}\n"
    if args.check:
        with open(OUT, encoding="utf-8") as f:
            if f.read() != text:
                sys.exit(f"{OUT} is out of date: run schemas/cfn_lint_getatts.py")
        return
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {len(types)} types")


if __name__ == "__main__":
    main()
