#!/usr/bin/env python3
"""Compare buf's and treaty's breaking findings as sets of (buf rule, file, line).

usage: agreement.py BUF_JSON TREATY_JSON [--show N] [--root DIR]
--root: buf prints absolute paths when given an absolute input; they are made relative to DIR.
BUF_JSON is `buf breaking --error-format json` output (one object per line);
TREATY_JSON is `treaty ... --format json`. Every treaty finding counts once per `buf:` alias.
"""
import json
import re
import sys
from collections import Counter


def buf_keys(path, root=""):
    keys = Counter()
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            d = json.loads(line)
            rule = d.get("type", "")
            file = d.get("path", "")
            if root and file.startswith(root):
                file = file[len(root):].lstrip("/")
            if rule == "FILE_NO_DELETE" and not file:
                m = re.search(r'file "([^"]+)"', d.get("message", ""))
                file = m.group(1) if m else ""
            keys[(rule, file, d.get("start_line", 0))] += 1
    return keys


def treaty_keys(path):
    keys = Counter()
    with open(path) as f:
        doc = json.load(f)
    for d in doc["findings"]:
        for alias in d.get("aliases", []):
            if alias.startswith("buf:"):
                keys[(alias[4:], d["file"], d["line"])] += 1
    return keys


def main():
    root = sys.argv[sys.argv.index("--root") + 1] if "--root" in sys.argv else ""
    buf, treaty = buf_keys(sys.argv[1], root), treaty_keys(sys.argv[2])
    show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 20
    buf_set, treaty_set = set(buf), set(treaty)
    both = buf_set & treaty_set
    only_buf = sorted(buf_set - treaty_set)
    only_treaty = sorted(treaty_set - buf_set)
    print(f"buf: {len(buf_set)} distinct (rule, file, line) from {sum(buf.values())} findings")
    print(f"treaty: {len(treaty_set)} distinct from {sum(treaty.values())} aliased findings")
    if buf_set:
        print(f"buf's found by treaty: {len(both)}/{len(buf_set)} = {100 * len(both) / len(buf_set):.2f}%")
    if treaty_set:
        print(f"treaty's found by buf: {len(both)}/{len(treaty_set)} = {100 * len(both) / len(treaty_set):.2f}%")
    by_rule = Counter(k[0] for k in only_buf)
    print("only buf, by rule:", dict(by_rule.most_common()))
    by_rule = Counter(k[0] for k in only_treaty)
    print("only treaty, by rule:", dict(by_rule.most_common()))
    for k in only_buf[:show]:
        print("  only buf:   ", *k)
    for k in only_treaty[:show]:
        print("  only treaty:", *k)


if __name__ == "__main__":
    main()
