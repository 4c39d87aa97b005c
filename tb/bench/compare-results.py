#!/usr/bin/env python3
"""Compares two vmsim results.json files (a sweep's, or single runs' --out) figure by figure: prints every
number that differs, with its path, and exits 1 if any does. Keys that describe the run rather than its
figures (the scenario, the profile) are compared too: a change there is a change of input.
Usage: compare-results.py BEFORE.json AFTER.json"""
import json
import sys


def walk(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append((f"{path}.{k}", a.get(k, "<absent>"), b.get(k, "<absent>")))
            else:
                walk(a[k], b[k], f"{path}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            walk(x, y, f"{path}[{i}]", out)
    elif a != b:
        out.append((path, a, b))


def main():
    before, after = (json.load(open(p)) for p in sys.argv[1:3])
    diffs = []
    walk(before, after, "", diffs)
    for path, x, y in diffs:
        print(f"{path}: {x} -> {y}")
    print(f"{len(diffs)} figures differ")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
