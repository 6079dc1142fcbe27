#!/usr/bin/env bash
# Pathological inputs from issue 10 (run by hand, not in CI): generates them under $OUT and
# prints "input  wall_s  peak_rss_mb" (medians of $RUNS) for the release binary.
#   bench/pathological.sh            # all inputs
#   RUNS=1 bench/pathological.sh     # quicker
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/median.sh
RUNS=${RUNS:-3}
OUT=${OUT:-/tmp/treaty-pathological}
TREATY=${TREATY:-target/release/treaty}
CORPUS=${CORPUS:-$HOME/.cache/treaty-corpus}
mkdir -p "$OUT"

# A message with N int32 fields; NEW changes the type of field 1.
proto_message() {
  local n=$1 dir=$OUT/proto-$1
  [ -f "$dir/new/m.proto" ] && return
  mkdir -p "$dir/old" "$dir/new"
  python3 - "$n" "$dir" <<'PY'
import sys
n, d = int(sys.argv[1]), sys.argv[2]
body = "".join(f"  int32 f{i} = {i};\n" for i in range(2, n + 1))
head = 'syntax = "proto3";\npackage p;\nmessage M {\n'
open(f"{d}/old/m.proto", "w").write(head + "  int32 f1 = 1;\n" + body + "}\n")
open(f"{d}/new/m.proto", "w").write(head + "  int64 f1 = 1;\n" + body + "}\n")
PY
}

# An OpenAPI spec whose one schema has an enum of N zeros (~2 bytes a value), JSON and YAML.
tiny_values() {
  local n=$1
  [ -f "$OUT/tiny-$n.yaml" ] && return
  python3 - "$n" "$OUT" <<'PY'
import sys
n, d = int(sys.argv[1]), sys.argv[2]
head = '{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},' \
       '"components":{"schemas":{"S":{"enum":['
with open(f"{d}/tiny-{n}.json", "w") as f:
    f.write(head); f.write(",".join(["0"] * n)); f.write("]}}}}\n")
with open(f"{d}/tiny-{n}.yaml", "w") as f:
    # Flow style keeps it at the JSON's size (block style, 10 bytes a value, passes the cap).
    f.write("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"
            "components:\n  schemas:\n    S:\n      enum: [")
    f.write(",".join(["0"] * n)); f.write("]\n")
PY
}

row() { printf '%-48s %s\n' "$1" "$(median_of "${@:2}")"; }

echo "input                                            wall_s rss_mb"
DIR=$CORPUS/openapi
for api in vocadb.net stripe.com; do
  row "diff $api 1.3.0 -> 1.3.17" "$TREATY" diff "$DIR/directory-1.3.0/$api.json" \
    "$DIR/directory/$api.json" --format json
done
for n in 500000 1000000 2000000; do
  proto_message "$n"
  row "proto diff message of $n fields" "$TREATY" diff "$OUT/proto-$n/old" "$OUT/proto-$n/new" \
    --format json
  row "proto lint message of $n fields" "$TREATY" lint "$OUT/proto-$n/new" --format json
done
# 33M values is past the node budget (tree::DEFAULT_MAX_NODES, an exit 2); 9M is under it.
for n in 9000000 33000000; do
  tiny_values "$n"
  for ext in json yaml; do
    row "lint $n tiny values ($ext)" "$TREATY" lint "$OUT/tiny-$n.$ext" --format json
  done
done
