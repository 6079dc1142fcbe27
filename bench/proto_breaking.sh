#!/usr/bin/env bash
# Whole-process benchmark and agreement check of `treaty` against `buf breaking` on the
# googleapis corpus. Run by hand (not in CI):
#   bash shared/corpus/fetch.sh && bash shared/peers/install.sh   # once
#   bash bench/proto_breaking.sh [RUNS]
# Prints wall time and peak RSS (median of RUNS, default 3) for each tool and the agreement
# of their findings by (buf rule, file, line) for the FILE and WIRE_JSON categories.
set -euo pipefail
RUNS=${1:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
CORPUS=${TREATY_CORPUS:-$HOME/.cache/treaty-corpus}
PEERS=${TREATY_PEERS:-$HOME/.cache/treaty-peers}
P=$CORPUS/proto
OUT=${OUT:-/tmp/treaty-bench}
mkdir -p "$OUT"
export PATH="$PEERS/bin:$PATH"
[ -d "$P/google-proto-files-6.0.1" ] || { echo "corpus missing: run shared/corpus/fetch.sh" >&2; exit 2; }
cargo build --release --manifest-path "$ROOT/Cargo.toml" >/dev/null
TREATY=$ROOT/target/release/treaty

sed 's/use: \[FILE\]/use: [WIRE_JSON]/' "$P/buf-corpus.yaml" > "$OUT/buf-wire-json.yaml"
cp "$P/buf-corpus.yaml" "$OUT/buf-file.yaml"

source "$HERE/median.sh"

for pair in "4.0.0 6.0.1" "2.0.0 4.0.0"; do
  set -- $pair
  OLD=$P/google-proto-files-$1 NEW=$P/google-proto-files-$2
  for cat in file wire-json; do
    BUF_JSON=$OUT/buf-$1-$2-$cat.json
    [ -s "$BUF_JSON" ] || buf breaking "$NEW" --config "$OUT/buf-$cat.yaml" --against "$OLD" \
        --against-config "$OUT/buf-$cat.yaml" --error-format json > "$BUF_JSON" || true
    TREATY_JSON=$OUT/treaty-$1-$2-$cat.json
    "$TREATY" diff "$OLD" "$NEW" --config "$OUT/buf-$cat.yaml" --format json > "$TREATY_JSON" || true
    echo "== $1 -> $2, $cat"
    python3 "$HERE/agreement.py" "$BUF_JSON" "$TREATY_JSON" --show 10 --root "$NEW"
  done
done

echo "== speed, googleapis 4.0.0 -> 6.0.1 (FILE), median of $RUNS: wall_s peak_rss_mb"
OLD=$P/google-proto-files-4.0.0 NEW=$P/google-proto-files-6.0.1
t=$(median_of "$TREATY" diff "$OLD" "$NEW" --config "$OUT/buf-file.yaml" --format json)
b=$(median_of buf breaking "$NEW" --config "$OUT/buf-file.yaml" --against "$OLD" --against-config "$OUT/buf-file.yaml" --error-format json)
echo "treaty $t"
echo "buf    $b"
python3 -c "import sys; t=[float(x) for x in '$t'.split()]; b=[float(x) for x in '$b'.split()]; print(f'treaty is {b[0]/t[0]:.1f}x faster, uses {100*t[1]/b[1]:.1f}% of buf peak memory')"

H=$CORPUS/repos/googleapis-history
if [ -d "$H/.git" ]; then
  echo "== git history: treaty breaking --against v4 --head v6 (whole tree), and a one-file PR"
  (cd "$H" && median_of "$TREATY" breaking --against v4 --head v6 --format json)
  # A PR that changes one file: a throwaway branch in a temporary clone.
  TMPREPO=$(mktemp -d)
  git clone -q "$H" "$TMPREPO/repo"
  (cd "$TMPREPO/repo" && f=proto/google/api/http.proto && printf '\n// touched\n' >> $f \
     && git -c user.name=b -c user.email=b@b commit -qam touch)
  (cd "$TMPREPO/repo" && echo "one-file PR: $(median_of "$TREATY" breaking --against HEAD~1 --head HEAD --format json)")
  rm -rf "$TMPREPO"
fi
