#!/usr/bin/env bash
# Whole-process benchmark and agreement of `treaty lint` with `buf lint` (STANDARD) on googleapis
# 6.0.1. Run by hand (not in CI):
#   bash shared/corpus/fetch.sh && bash shared/peers/install.sh   # once
#   bash bench/proto_lint.sh [RUNS]
set -euo pipefail
RUNS=${1:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
CORPUS=${TREATY_CORPUS:-$HOME/.cache/treaty-corpus}
PEERS=${TREATY_PEERS:-$HOME/.cache/treaty-peers}
TREE=$CORPUS/proto/google-proto-files-6.0.1
OUT=${OUT:-/tmp/treaty-bench-lint}
mkdir -p "$OUT"
export PATH="$PEERS/bin:$PATH"
[ -d "$TREE" ] || { echo "corpus missing: run shared/corpus/fetch.sh" >&2; exit 2; }
cargo build --release --manifest-path "$ROOT/Cargo.toml" >/dev/null
TREATY=$ROOT/target/release/treaty
# buf's default lint selection, the vendored well-known types left out.
printf 'version: v2\nmodules:\n  - path: .\n    excludes: [google/protobuf]\nlint:\n  use: [STANDARD]\n' > "$OUT/buf.yaml"

source "$HERE/median.sh"

(cd "$TREE" && buf lint --config "$OUT/buf.yaml" --error-format json > "$OUT/buf.json" || true)
"$TREATY" lint "$TREE" --config "$OUT/buf.yaml" --format json > "$OUT/treaty.json" || true
echo "== agreement, googleapis 6.0.1, STANDARD"
python3 "$HERE/lint_agreement.py" "$OUT/buf.json" "$OUT/treaty.json"
echo "== speed, median of $RUNS: wall_s peak_rss_mb"
t=$(median_of "$TREATY" lint "$TREE" --config "$OUT/buf.yaml" --format json)
b=$(cd "$TREE" && median_of buf lint --config "$OUT/buf.yaml" --error-format json)
echo "treaty $t"
echo "buf    $b"
python3 -c "t=[float(x) for x in '$t'.split()]; b=[float(x) for x in '$b'.split()]; print(f'treaty is {b[0]/t[0]:.1f}x faster, uses {100*t[1]/b[1]:.1f}% of buf peak memory')"
