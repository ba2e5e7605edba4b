#!/usr/bin/env python3
"""Build the packed schema data that the rcdk library embeds, from schemas/registry/.

Usage (from anywhere; no network, standard library only):

    python3 schemas/compact.py            # rewrite schemas/compact/ and src/schema/embedded.rs
    python3 schemas/compact.py --check    # exit 1 if any is out of date (for CI)

For every vendored registry schema (``schemas/registry/*.json``, all types of the region) it
drops what neither validation, GetAtt derivation, tagging nor diff reads -- descriptions below
the top level, ``handlers`` (IAM permissions of the resource provider), source and
documentation URLs, examples, comments, ``propertyTransform``, ``relationshipRef`` -- and
packs the rest in a binary form the library reads in place, without parsing or allocating
(the format is described in ``src/schema/packed.rs``, which also encodes it, for schemas
given at run time; a unit test there re-encodes embedded schemas and compares the bytes).
Keywords are only dropped where they are schema keywords: a property *named*
``description`` (a key inside ``properties``/``definitions``/``patternProperties``) is kept.

It writes:

* ``schemas/compact/schemas.bin`` -- every type's packed schema, sorted by type name;
* ``src/schema/embedded.rs`` -- ``include_bytes!`` of it, ``include_str!`` of
  ``schemas/all-types.txt`` (the type names, one per line, sorted: refresh.py writes it, and this
  script checks that it lists exactly the registry's types) and a sorted index of ``(name offset,
  name length, schema offset, schema length)``: plain numbers, so the index costs the program no
  relocations at start-up.
"""

import argparse
import glob
import json
import os
import struct
import sys

CFN_LINT_VERSION = "1.58.0"
REGION = "us-east-1"

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
REGISTRY = os.path.join(HERE, "registry")
BLOB = os.path.join(HERE, "compact", "schemas.bin")
# The type names, one per line, sorted: written by refresh.py from the same cfn-lint wheel.
NAMES = os.path.join(HERE, "all-types.txt")
EMBEDDED_RS = os.path.join(ROOT, "src", "schema", "embedded.rs")

# Schema keywords that nothing in rcdk reads.
DROP = {
    "description",
    "handlers",
    "sourceUrl",
    "documentationUrl",
    "examples",
    "$comment",
    "$schema",
    "$id",
    "title",
    "propertyTransform",
    "relationshipRef",
    "typeConfiguration",
    "lifecycle",
}
# Keywords whose value is a map from names (not keywords) to schemas.
NAME_MAPS = {"properties", "definitions", "patternProperties"}


def strip(node, top=False):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in DROP and not (top and key == "description"):
                continue
            if key in NAME_MAPS and isinstance(value, dict):
                out[key] = {name: strip(sub) for name, sub in value.items()}
            else:
                out[key] = strip(value)
        return out
    if isinstance(node, list):
        return [strip(item) for item in node]
    return node


# Tags of the packed encoding (src/schema/packed.rs reads them; keep the two in step).
NULL, FALSE, TRUE, UINT, INT, FLOAT, STRING, ARRAY, OBJECT = range(9)


def pack(value, out):
    """Appends the packed encoding of a JSON value to ``out`` (a bytearray)."""
    if value is None:
        out.append(NULL)
    elif value is False:
        out.append(FALSE)
    elif value is True:
        out.append(TRUE)
    elif isinstance(value, int):
        if not -(2**63) <= value < 2**64:
            sys.exit(f"integer out of range: {value}")
        if value >= 0:
            out.append(UINT)
            out += struct.pack("<Q", value)
        else:
            out.append(INT)
            out += struct.pack("<q", value)
    elif isinstance(value, float):
        out.append(FLOAT)
        out += struct.pack("<d", value)
    elif isinstance(value, str):
        data = value.encode("utf-8")
        out.append(STRING)
        out += struct.pack("<I", len(data))
        out += data
    elif isinstance(value, list):
        body = bytearray()
        for item in value:
            pack(item, body)
        out.append(ARRAY)
        out += struct.pack("<II", len(value), len(body))
        out += body
    elif isinstance(value, dict):
        # Members sorted by key bytes, after a table of each member's offset (binary search).
        entries = bytearray()
        offsets = []
        for key in sorted(value, key=lambda k: k.encode("utf-8")):
            offsets.append(len(entries))
            data = key.encode("utf-8")
            entries += struct.pack("<I", len(data))
            entries += data
            pack(value[key], entries)
        table = b"".join(struct.pack("<I", o) for o in offsets)
        out.append(OBJECT)
        out += struct.pack("<II", len(value), len(table) + len(entries))
        out += table
        out += entries
    else:
        sys.exit(f"not a JSON value: {value!r}")


def build():
    entries = []
    for path in glob.glob(os.path.join(REGISTRY, "*.json")):
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        type_name = schema.get("typeName")
        if not isinstance(type_name, str):
            sys.exit(f"{path}: no string typeName")
        entries.append((type_name, strip(schema, top=True)))
    entries.sort(key=lambda e: e[0])
    names = [t for t, _ in entries]
    if len(set(names)) != len(names):
        sys.exit("two registry files declare the same typeName")
    if any("\n" in t or '"' in t for t in names):
        sys.exit("a type name contains a newline or a quote")

    blob = bytearray()
    index = []
    name_offset = 0
    for type_name, schema in entries:
        start = len(blob)
        pack(schema, blob)
        index.append((name_offset, len(type_name), start, len(blob) - start))
        name_offset += len(type_name) + 1
    if len(blob) >= 2**32:
        sys.exit("blob too large for u32 offsets")
    names_text = "".join(t + "\n" for t in names)
    with open(NAMES, encoding="utf-8") as f:
        if f.read() != names_text:
            sys.exit(f"{os.path.relpath(NAMES, ROOT)} does not list exactly the registry's types: run schemas/refresh.py")

    rs = [
        f"// @generated by schemas/compact.py from schemas/registry/ (cfn-lint {CFN_LINT_VERSION}, {REGION}); do not edit.",
        "//! The packed registry schemas of every resource type, embedded at compile time.",
        "//!",
        "//! [`BLOB`] holds every type's schema in the packed form of `packed.rs`, sorted by type",
        "//! name; [`NAMES`] the type names, one per line, in the same order (`schemas/all-types.txt`);",
        "//! [`INDEX`] where each is.",
        "",
        "/// The cfn-lint release the vendored schemas were taken from.",
        f'pub(crate) const CFN_LINT_VERSION: &str = "{CFN_LINT_VERSION}";',
        "",
        "/// Every type's packed schema.",
        'pub(crate) static BLOB: &[u8] = include_bytes!("../../schemas/compact/schemas.bin");',
        "",
        "/// The type names, sorted, one per line.",
        'pub(crate) static NAMES: &str = include_str!("../../schemas/all-types.txt");',
        "",
        "/// `(name offset, name length, schema offset, schema length)` of every type: the name in",
        "/// [`NAMES`], the schema in [`BLOB`]; sorted by name.",
        "#[rustfmt::skip]",
        f"pub(crate) static INDEX: [(u32, u32, u32, u32); {len(index)}] = [",
    ]
    rs += [f"    ({a}, {b}, {c}, {d})," for a, b, c, d in index]
    rs += ["];", ""]
    return bytes(blob), "\n".join(rs).encode("utf-8"), len(entries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the generated files are out of date")
    args = parser.parse_args()
    blob, rs, count = build()
    outputs = [(BLOB, blob), (EMBEDDED_RS, rs)]
    if args.check:
        stale = []
        for path, data in outputs:
            try:
                with open(path, "rb") as f:
                    if f.read() == data:
                        continue
            except FileNotFoundError:
                pass
            stale.append(os.path.relpath(path, ROOT))
        if stale:
            sys.exit(f"out of date (run python3 schemas/compact.py): {', '.join(stale)}")
        print(f"packed schemas up to date: {count} types, {len(blob):,} bytes")
        return
    for path, data in outputs:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    print(f"wrote {count} packed schemas ({len(blob):,} bytes)")


if __name__ == "__main__":
    main()
