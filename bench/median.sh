# Shared by the bench scripts (sourced): median_of CMD... runs CMD $RUNS times and prints
# "median_wall_s median_rss_mb"; $OUT is the scratch directory.
median_of() {
  local walls=() rsss=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M' -o "$OUT/time.txt" "$@" >/dev/null 2>&1 || true
    # time(1) prefixes "Command exited with non-zero status N" when the tool reports findings.
    read -r wall rss < <(tail -n 1 "$OUT/time.txt")
    walls+=("$wall"); rsss+=("$rss")
  done
  python3 - "${walls[@]}" -- "${rsss[@]}" <<'PY'
import statistics, sys
a = sys.argv[1:]; i = a.index("--")
w = [float(x) for x in a[:i]]; r = [int(x) for x in a[i + 1:]]
print(f"{statistics.median(w):.2f} {statistics.median(r) / 1024:.0f}")
PY
}
