#!/usr/bin/env bash
# pass only prints, so `A && pass || fail` is an if-else; `${{` is GitHub's, not ours.
# shellcheck disable=SC2015,SC2016
# Replays the GitHub Action's and the GitLab template's steps, as written in action.yml and
# integrations/gitlab-ci.yml, against a throwaway repository: a bare "origin", a feature branch
# with a breaking change, main moved on since (an unrelated field added), and the shallow
# single-branch checkout CI makes. Asserts that the branch's breaking change is reported
# (exit 1) and main's later change is not. Run by hand (needs git, yq, cargo): no CI runner
# is reachable from the test suite.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cargo build --quiet --manifest-path "$repo/Cargo.toml"
export PATH="$repo/target/debug:$PATH"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
pass() { echo "ok: $*"; }
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# --- the throwaway project -------------------------------------------------------------------
git init --quiet --bare "$tmp/origin.git"
git init --quiet --initial-branch=main "$tmp/seed"
cd "$tmp/seed"
git config user.email replay@example.com
git config user.name replay
mkdir api
proto() { # proto COUNT_TYPE ORDER_EXTRA
  cat >api/shop.proto <<EOF
syntax = "proto3";

package shop.v1;

message Item {
  string id = 1;
  $1 count = 2;
}

message Order {
  string id = 1;$2
}
EOF
}
proto int32 ""
git add -A && git commit --quiet -m base
git push --quiet "$tmp/origin.git" main

# The branch: the breaking change, then unrelated commits (deep enough to need deepening).
git checkout --quiet -b feature
proto string ""
git commit --quiet -am "count becomes a string"
for i in $(seq 12); do
  echo "$i" >"notes-$i.txt" && git add -A && git commit --quiet -m "feature $i"
done
git push --quiet "$tmp/origin.git" feature

# main moves on: a field added, then more commits.
git checkout --quiet main
proto int32 $'\n  string note = 2;'
git commit --quiet -am "orders get a note"
for i in $(seq 30); do
  echo "$i" >"main-$i.txt" && git add -A && git commit --quiet -m "main $i"
done
git push --quiet "$tmp/origin.git" main

# A branch with only an additive change, cut where feature was.
git checkout --quiet -b clean "$(git rev-list --max-parents=0 main)"
printf '\nmessage Refund {\n  string id = 1;\n}\n' >>api/shop.proto
git commit --quiet -am "refunds"
git push --quiet "$tmp/origin.git" clean

checkout() { # checkout [BRANCH]: a fresh shallow single-branch clone, as CI makes
  cd "$tmp" && rm -rf "$tmp/work"
  git clone --quiet --depth=1 --single-branch --branch "${1:-feature}" "file://$tmp/origin.git" "$tmp/work"
  cd "$tmp/work"
}

# A control: against main's tip (not the merge base), main's new field looks removed. If this
# stops being reported, the assertions below prove nothing.
checkout
git fetch --quiet --depth=1 origin +refs/heads/main:refs/remotes/origin/main
status=0
control=$(treaty check --against origin/main --format concise) || status=$?
if [ "$status" = 1 ] && grep -q note <<<"$control"; then
  pass "control: against main's tip, main's new field shows as a change (exit $status)"
else
  fail "control: expected main's field 'note' against main's tip (exit $status): $control"
fi

expect() { # expect NAME STATUS OUTPUT
  local name=$1 status=$2 output=$3
  [ "$status" = 1 ] && pass "$name: exit 1" || fail "$name: exit $status, expected 1"
  grep -q 'proto/field-same-type' <<<"$output" &&
    pass "$name: the branch's breaking change is reported" ||
    fail "$name: proto/field-same-type missing from: $output"
  ! grep -q note <<<"$output" &&
    pass "$name: main's later change is not reported" ||
    fail "$name: main's change (field note) reported: $output"
}

# --- the GitHub Action: its "treaty check" step, with its env, as a runner would ---------------
export GITHUB_ACTION_PATH=$repo GITHUB_OUTPUT=$tmp/github-output RUNNER_TEMP=$tmp
step='.runs.steps[] | select(.id == "check")'
replay_action() { # replay_action NAME GITHUB_REF (HEAD checked out already)
  local name=$1 ref=$2 env_lines output code
  : >"$GITHUB_OUTPUT"
  rm -f "$tmp/treaty.sarif"
  # The inputs and contexts the replay gives; an expression it does not know stops it.
  env_lines=$(yq -r "$step | .env | to_entries[] | \"\\(.key)=\\(.value)\"" "$repo/action.yml" |
    sed -e 's/\${{ inputs\.base }}/main/' \
      -e 's/\${{ inputs\.against }}//' \
      -e 's/\${{ inputs\.args }}//' \
      -e "s#\${{ github\.ref }}#$ref#" \
      -e "s#\${{ inputs\.sarif == 'true' .* }}#$tmp/treaty.sarif#")
  if grep -q '\${{' <<<"$env_lines"; then
    echo "replay does not know: $(grep '\${{' <<<"$env_lines")" >&2
    exit 2
  fi
  local -a env_list
  readarray -t env_list <<<"$env_lines"
  output=$(env "${env_list[@]}" bash --noprofile --norc -eo pipefail -c "$(yq -r "$step | .run" "$repo/action.yml")" 2>"$tmp/stderr")
  code=$(sed -n 's/^exit-code=//p' "$GITHUB_OUTPUT")
  sed 's/^/  | /' "$tmp/stderr"
  expect "$name" "$code" "$output"
  grep -q '^::error file=api/shop.proto,line=7' <<<"$output" &&
    pass "$name: annotation on api/shop.proto line 7" ||
    fail "$name: no annotation at api/shop.proto:7 in: $output"
  [ "$(yq -r '[.runs[0].results[].ruleId] | index("proto/field-same-type") != null' "$tmp/treaty.sarif")" = true ] &&
    pass "$name: SARIF file holds the finding" || fail "$name: SARIF file lacks the finding"
}

# On a push of the branch: its tip checked out.
checkout
replay_action "action (branch tip)" refs/heads/feature

# A branch with nothing breaking passes, with main moved on all the same.
checkout clean
: >"$GITHUB_OUTPUT"
env_lines=$(yq -r "$step | .env | to_entries[] | \"\\(.key)=\\(.value)\"" "$repo/action.yml" |
  sed -e 's/\${{ inputs\.base }}/main/' -e 's/\${{ inputs\.[a-z]* }}//' \
    -e 's#\${{ github\.ref }}#refs/heads/clean#' -e "s#\${{ inputs\.sarif == 'true' .* }}##")
readarray -t env_list <<<"$env_lines"
output=$(env "${env_list[@]}" bash --noprofile --norc -eo pipefail -c "$(yq -r "$step | .run" "$repo/action.yml")" 2>"$tmp/stderr")
code=$(sed -n 's/^exit-code=//p' "$GITHUB_OUTPUT")
[ "$code" = 0 ] && pass "action (clean branch): exit 0" || fail "action (clean branch): exit $code: $output $(cat "$tmp/stderr")"

# On a pull request: GitHub checks out a merge of the branch into the base's tip, at depth 1,
# under refs/pull/N/merge.
git -C "$tmp/seed" checkout --quiet --detach main
git -C "$tmp/seed" merge --quiet --no-edit feature -m "merge feature into main" >/dev/null
git -C "$tmp/seed" push --quiet "$tmp/origin.git" HEAD:refs/pull/1/merge
cd "$tmp" && rm -rf work && git init --quiet work && cd work
git remote add origin "file://$tmp/origin.git"
git fetch --quiet --no-tags --depth=1 origin +refs/pull/1/merge:refs/remotes/pull/1/merge
git checkout --quiet --detach refs/remotes/pull/1/merge
replay_action "action (pull request merge)" refs/pull/1/merge

# --- the GitLab template: its script lines, in order, as a runner would ----------------------
checkout
export TREATY_REPO="file://$repo" TREATY_VERSION
TREATY_VERSION=$(git -C "$repo" rev-parse --abbrev-ref HEAD)
export CI_JOB_ID=replay-$$ CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main
export CI_MERGE_REQUEST_REF_PATH=refs/heads/feature
trap 'rm -rf "$tmp" "/tmp/treaty-$CI_JOB_ID"' EXIT
status=0
output=""
while IFS= read -r line; do
  output+=$(bash --noprofile --norc -eo pipefail -c "$line" 2>>"$tmp/stderr") || {
    status=$?
    break
  }
done < <(yq -r '.".treaty".script[]' "$repo/integrations/gitlab-ci.yml")
expect "gitlab" "$status" "$output"
report=$tmp/work/gl-code-quality-report.json
if [ -f "$report" ] && [ "$(yq -r '[.[].check_name] | index("proto/field-same-type") != null' "$report")" = true ] &&
  ! grep -q note "$report"; then
  pass "gitlab: the Code Quality report holds the finding, and nothing of main's"
else
  fail "gitlab: Code Quality report: $(cat "$report" 2>/dev/null)"
fi

echo
[ "$failures" = 0 ] && echo "replay: all passed" || echo "replay: $failures failed"
[ "$failures" = 0 ]
