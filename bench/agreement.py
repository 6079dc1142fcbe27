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


def treaty_findings(path):
    """Each aliased finding as the set of (buf rule, file, line) keys it answers to: a rule
    with two buf ids (FIELD_SAME_CARDINALITY, and its deprecated v1 name FIELD_SAME_LABEL)
    matches buf's output under either."""
    with open(path) as f:
        doc = json.load(f)
    out = []
    for d in doc["findings"]:
        keys = {(a[4:], d["file"], d["line"]) for a in d.get("aliases", []) if a.startswith("buf:")}
        if keys:
            out.append(keys)
    return out


def main():
    show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 20
    root = sys.argv[sys.argv.index("--root") + 1] if "--root" in sys.argv else ""
    buf = buf_keys(sys.argv[1], root)
    treaty = treaty_findings(sys.argv[2])
    buf_set = set(buf)
    treaty_union = set().union(*treaty) if treaty else set()
    found = buf_set & treaty_union
    agreeing = [keys for keys in treaty if keys & buf_set]
    only_buf = sorted(buf_set - treaty_union)
    only_treaty = sorted(min(keys) for keys in treaty if not keys & buf_set)
    print(f"buf: {len(buf_set)} distinct (rule, file, line) from {sum(buf.values())} findings")
    print(f"treaty: {len(treaty)} findings with a buf alias")
    if buf_set:
        print(f"buf's found by treaty: {len(found)}/{len(buf_set)} = {100 * len(found) / len(buf_set):.2f}%")
    if treaty:
        print(f"treaty's found by buf: {len(agreeing)}/{len(treaty)} = {100 * len(agreeing) / len(treaty):.2f}%")
    print("only buf, by rule:", dict(Counter(k[0] for k in only_buf).most_common()))
    print("only treaty, by rule:", dict(Counter(k[0] for k in only_treaty).most_common()))
    for k in only_buf[:show]:
        print("  only buf:   ", *k)
    for k in only_treaty[:show]:
        print("  only treaty:", *k)


if __name__ == "__main__":
    main()
