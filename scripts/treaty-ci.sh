#!/usr/bin/env bash
# `treaty check` on a pull/merge request in a shallow CI checkout: fetch the base branch, deepen
# both sides until they meet, and check the change against their merge base. The GitHub Action
# (action.yml) and the GitLab template (integrations/gitlab-ci.yml) both run this file, and so
# does scripts/replay-ci.sh, so the lines tested by hand are the lines CI runs.
#
# Environment:
#   TREATY_BASE        the base branch name (main), fetched from TREATY_REMOTE
#   TREATY_AGAINST     or: a revision to compare with as is (no fetch, no merge base)
#   TREATY_HEAD_REF    the remote ref of the checked-out change (refs/pull/7/merge), deepened
#                      with the base; default: the current branch's upstream
#   TREATY_REMOTE      default origin
#   TREATY_FORMAT      the format printed on stdout (default human; github: annotations)
#   TREATY_SARIF       write a SARIF report to this file too
#   TREATY_CODEQUALITY write a GitLab Code Quality report to this file too
#   TREATY_ARGS        more arguments for `treaty check` (word-split: --all --fail-on warning)
#   TREATY_BIN         default treaty
# Exit: treaty's (0 clean, 1 findings, 2 errors); 2 when the base cannot be fetched.
set -euo pipefail

remote=${TREATY_REMOTE:-origin}
bin=${TREATY_BIN:-treaty}
read -r -a extra <<<"${TREATY_ARGS:-}"

fail() {
  echo "treaty-ci: $*" >&2
  exit 2
}

# The merge base of the base branch and HEAD, fetching only as much history as it takes:
# one commit of the base, then both sides deeper and deeper, and the whole history last.
merge_base() {
  local base=$1 base_spec head_spec depth=8
  base_spec="+refs/heads/$base:refs/remotes/$remote/$base"
  head_spec=${TREATY_HEAD_REF:-}
  if [ -z "$head_spec" ]; then
    # refs/remotes/origin/feature -> refs/heads/feature
    head_spec=$(git rev-parse --symbolic-full-name '@{upstream}' 2>/dev/null || true)
    head_spec=${head_spec/#refs\/remotes\/$remote\//refs/heads/}
  fi
  git fetch --quiet --no-tags --depth=1 "$remote" "$base_spec" >&2 ||
    fail "cannot fetch branch $base from $remote"
  while ! git merge-base "$remote/$base" HEAD 2>/dev/null; do
    [ -f "$(git rev-parse --git-dir)/shallow" ] ||
      fail "$remote/$base and HEAD share no history"
    if [ "$depth" -gt 4096 ]; then
      git fetch --quiet --no-tags --unshallow "$remote" "$base_spec" ${head_spec:+"$head_spec"} >&2 ||
        fail "cannot fetch the history of $base"
      git merge-base "$remote/$base" HEAD || fail "$remote/$base and HEAD share no history"
      return
    fi
    echo "treaty-ci: no merge base yet; deepening both sides by $depth commits" >&2
    git fetch --quiet --no-tags --deepen="$depth" "$remote" "$base_spec" ${head_spec:+"$head_spec"} >&2 ||
      fail "cannot deepen the history of $base"
    depth=$((depth * 4))
  done
}

if [ -n "${TREATY_AGAINST:-}" ]; then
  against=$TREATY_AGAINST
elif [ -n "${TREATY_BASE:-}" ]; then
  # The merge base, not the base's tip: what moved on the base since the branch was cut is
  # not this change's doing.
  against=$(merge_base "$TREATY_BASE")
else
  fail "set TREATY_BASE (the base branch) or TREATY_AGAINST (a revision)"
fi
echo "treaty-ci: checking HEAD against $against" >&2

check() {
  "$bin" check --against "$against" "${extra[@]}" "$@"
}

# Report files first: their findings are the same, only the exit code of the last run counts,
# but an error (2) in any stops here.
for pair in "sarif:${TREATY_SARIF:-}" "gitlab:${TREATY_CODEQUALITY:-}"; do
  format=${pair%%:*} file=${pair#*:}
  [ -n "$file" ] || continue
  status=0
  check --format "$format" >"$file" || status=$?
  [ "$status" -le 1 ] || exit "$status"
done
check --format "${TREATY_FORMAT:-human}"
