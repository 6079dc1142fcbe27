#!/usr/bin/env python3
"""Score `treaty diff` against buf's own breaking-change test expectations.

buf's `private/bufpkg/bufcheck/breaking_test.go` lists, per directory pair of
`testdata/breaking/{previous,current}/`, the findings buf expects as (file, start line, start
column, buf rule). Each side is its own workspace (its own buf.yaml, if any); the rules come
from the current side's. This runs `treaty diff PREVIOUS CURRENT --format json` on each pair
and compares (file, line, column, rule) sets, a treaty finding counting under each `buf:` alias.
A finding buf places with no location is compared by file and rule.

Usage: bench/buf_breaking_conformance.py BUF_CHECKOUT [TREATY] [-v]
  BUF_CHECKOUT: a tree holding private/bufpkg/bufcheck/{breaking_test.go,testdata/breaking}
  (e.g. `git archive HEAD private/bufpkg/bufcheck/testdata/breaking
  private/bufpkg/bufcheck/breaking_test.go | tar -x -C /tmp/bufbreak` in a buf clone)
"""
import json
import os
import re
import subprocess
import sys

# Custom plugins and policies need buf's plugin runtime; treaty has none.
OUT_OF_SCOPE = ("breaking_custom_plugins", "breaking_custom_wasm_plugins", "breaking_policy")


def expectations(test_go):
    """(directory, expected findings) per `testBreaking` call."""
    text = open(test_go).read()
    for call in re.split(r"\n\t(?=testBreaking\()", text)[1:]:
        body = call.split("\n}\n")[0]
        m = re.match(r'testBreaking\(\s*t,\s*"([^"]+)"', body)
        if not m:
            continue
        want = set()
        for path, line, col, rule in re.findall(
            r'NewFileAnnotation\(\s*t,\s*"([^"]*)",\s*(\d+),\s*(\d+),\s*\d+,\s*\d+,\s*"(\w+)"',
            body,
        ):
            want.add((path, int(line), int(col), rule))
        for path, rule in re.findall(r'NewFileAnnotationNoLocation\(\s*t,\s*"([^"]*)",\s*"(\w+)"', body):
            want.add((path, 0, 0, rule))
        anywhere = re.findall(r'NewFileAnnotationNoLocationOrPath\(\s*t,\s*"(\w+)"', body)
        yield m.group(1), want, anywhere


def treaty_findings(treaty, previous, current):
    out = subprocess.run(
        [treaty, "diff", previous, current, "--format", "json"],
        capture_output=True,
        text=True,
    )
    if out.returncode == 2:
        return None, out.stderr.strip().splitlines()[:3]
    got = set()
    for f in json.loads(out.stdout)["findings"]:
        for alias in f.get("aliases", []):
            if alias.startswith("buf:"):
                got.add((f["file"], f["line"], f["column"], alias[4:]))
    return got, None


def main():
    args = [a for a in sys.argv[1:] if a != "-v"]
    verbose = "-v" in sys.argv
    root = os.path.join(args[0], "private/bufpkg/bufcheck")
    treaty = args[1] if len(args) > 1 else "target/release/treaty"
    total_want = total_hit = total_extra = 0
    passed = run = 0
    for name, want, anywhere in expectations(os.path.join(root, "breaking_test.go")):
        if name.startswith(OUT_OF_SCOPE):
            continue
        previous = os.path.join(root, "testdata/breaking/previous", name)
        current = os.path.join(root, "testdata/breaking/current", name)
        got, error = treaty_findings(treaty, previous, current)
        run += 1
        if got is None:
            total_want += len(want)
            print(f"ERROR {name}: {' | '.join(error)}")
            continue
        # buf's test harness names files by import path (a v1beta1 root taken off); treaty names
        # them from the compared directory, as the buf CLI does.
        paths = {w[0] for w in want}

        def as_buf(path):
            if path in paths:
                return path
            return next((p for p in sorted(paths) if path.endswith("/" + p)), path)

        got = {(as_buf(p), l, c, r) for p, l, c, r in got}
        unlocated = {(p, 0, 0, r) for p, _, _, r in got}
        hit = {w for w in want if w in got or w in unlocated}
        missing = want - hit
        extra = {g for g in got if g not in want and (g[0], 0, 0, g[3]) not in want}
        # A finding buf expects with neither place nor file takes any one of that rule.
        for rule in anywhere:
            taken = next((e for e in sorted(extra) if e[3] == rule), None)
            if taken:
                extra.discard(taken)
                hit.add(taken)
            else:
                missing.add(("", 0, 0, rule))
        want = list(want) + [("", 0, 0, r) for r in anywhere]
        total_want += len(want)
        total_hit += len(hit)
        total_extra += len(extra)
        ok = not missing and not extra
        passed += ok
        print(f"{'ok  ' if ok else 'DIFF'} {name}: {len(hit)}/{len(want)} expected, {len(extra)} extra")
        if verbose or not ok:
            for w in sorted(missing):
                print(f"       missing {w}")
            for e in sorted(extra):
                print(f"       extra   {e}")
    print(
        f"\n{passed}/{run} test directories agree; {total_hit}/{total_want} expected findings found;"
        f" {total_extra} findings buf does not expect"
    )


if __name__ == "__main__":
    main()
