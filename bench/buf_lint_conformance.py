#!/usr/bin/env python3
"""Score `treaty lint` against buf's own lint test expectations.

buf's `private/bufpkg/bufcheck/lint_test.go` lists, per directory of
`testdata/lint/`, the findings buf expects as (file, start line, buf rule).
This runs `treaty lint DIR --format json` on each directory and compares
(file, line, rule) sets, a treaty finding counting under each `buf:` alias.

A test that lints one module of a workspace (`testLintWithOptions` with a module name) names
files relative to that module; treaty lints the whole directory, as `buf lint` on the
workspace does, and names them relative to it. So its findings are kept for the files of that
module only, with the module's directory taken off their path. A test that marks the files of
a package as imports (an image modifier; buf does not lint imports) drops treaty's findings in
those files.

Usage: bench/buf_lint_conformance.py BUF_CHECKOUT [TREATY] [-v]
  BUF_CHECKOUT: a tree holding private/bufpkg/bufcheck/{lint_test.go,testdata/lint}
"""
import json
import os
import re
import subprocess
import sys

# Custom plugins, policies and wasm need buf's plugin runtime; treaty has none.
OUT_OF_SCOPE = ("custom_plugins", "custom_wasm_plugins", "policy_")


def expectations(test_go):
    """(directory, module, packages marked as imports, expected findings) per test call."""
    text = open(test_go).read()
    calls = re.split(r"\n\t(?=testLint(?:WithOptions)?\()", text)
    for call in calls[1:]:
        body = call.split("\n}\n")[0]
        m = re.match(r'testLint(?:WithOptions)?\(\s*t,\s*"([^"]+)"(?:,\s*"([^"]*)")?', body)
        if not m:
            continue
        imports = set()
        if "ImageFileWithIsImport(imageFile, true)" in body:
            imports = set(re.findall(r'GetPackage\(\) == "([\w.]*)"', body))
        want = set()
        for path, line, rule in re.findall(
            r'NewFileAnnotation(?:NoLocation)?\(\s*t,\s*"([^"]*)",\s*(\d+),\s*\d+,\s*\d+,\s*\d+,\s*"(\w+)"',
            body,
        ):
            want.add((path, int(line), rule))
        for path, rule in re.findall(r'NewFileAnnotationNoLocation\(\s*t,\s*"([^"]*)",\s*"(\w+)"', body):
            want.add((path, 0, rule))
        yield m.group(1), m.group(2) or "", imports, want


def module_dir(directory, module):
    """The directory (relative to `directory`) of the module a test names: a v2 module's
    `path` or `name`, or a workspace directory whose buf.yaml has that `name`."""
    def read(path):
        try:
            return open(path).read()
        except OSError:
            return ""

    config = read(os.path.join(directory, "buf.yaml"))
    for path, rest in re.findall(r"-\s*path:\s*(\S+)((?:\n\s+(?!-).*)*)", config):
        if path == module or re.search(r"name:\s*" + re.escape(module) + r"\s*$", rest, re.M):
            return path
    for d in re.findall(r"^\s*-\s*(\S+)\s*$", read(os.path.join(directory, "buf.work.yaml")), re.M):
        if re.search(r"^name:\s*" + re.escape(module) + r"\s*$", read(os.path.join(directory, d, "buf.yaml")), re.M):
            return d
    return module


def package_of(path):
    try:
        m = re.search(r"^\s*package\s+([\w.]+)\s*;", open(path).read(), re.M)
    except OSError:
        return None
    return m.group(1) if m else ""


def treaty_findings(treaty, directory):
    out = subprocess.run(
        [treaty, "lint", directory, "--format", "json"],
        capture_output=True,
        text=True,
    )
    if out.returncode == 2:
        return None, out.stderr.strip().splitlines()[:3]
    got = set()
    for f in json.loads(out.stdout)["findings"]:
        for alias in f.get("aliases", []):
            if alias.startswith("buf:"):
                got.add((f["file"], f["line"], alias[4:]))
    return got, None


def main():
    args = [a for a in sys.argv[1:] if a != "-v"]
    verbose = "-v" in sys.argv
    root = os.path.join(args[0], "private/bufpkg/bufcheck")
    treaty = args[1] if len(args) > 1 else "target/release/treaty"
    total_want = total_hit = total_extra = 0
    passed = run = 0
    seen = set()
    for name, module, imports, want in expectations(os.path.join(root, "lint_test.go")):
        key = (name, module)
        if name.startswith(OUT_OF_SCOPE) or key in seen:
            continue
        seen.add(key)
        directory = os.path.join(root, "testdata/lint", name)
        got, error = treaty_findings(treaty, directory)
        run += 1
        label = f"{name} ({module})" if module else name
        if got is None:
            total_want += len(want)
            print(f"ERROR {label}: {' | '.join(error)}")
            continue
        if module:
            prefix = module_dir(directory, module).rstrip("/") + "/"
            got = {(p[len(prefix):], l, r) for p, l, r in got if p.startswith(prefix)}
        if imports:
            got = {g for g in got if package_of(os.path.join(directory, g[0])) not in imports}
        # A finding buf places with no location is compared by file and rule.
        located = {(p, l, r) for p, l, r in got}
        unlocated = {(p, 0, r) for p, _, r in got}
        hit = {w for w in want if w in located or w in unlocated}
        missing = want - hit
        extra = {g for g in got if g not in want and (g[0], 0, g[2]) not in want}
        total_want += len(want)
        total_hit += len(hit)
        total_extra += len(extra)
        ok = not missing and not extra
        passed += ok
        status = "ok  " if ok else "DIFF"
        print(f"{status} {label}: {len(hit)}/{len(want)} expected, {len(extra)} extra")
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
