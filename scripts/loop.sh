#!/usr/bin/env bash
# The edit loop, after each change to a stack file (or to the code):
#   scripts/loop.sh
# 1. compares every Pulumi.<stack>.yaml with the last commit (HEAD) exactly as a pull
#    request's check does, by running scripts/plan-diff.sh with HEAD as the base: per stack,
#    what the deploy would change (whose access changes, what would stop the deploy,
#    credentials lost or redirected, each changed value), then the line diff of its plan;
# 2. regenerates what the tests pin for the stack files, by running those tests with
#    UPDATE_GOLDEN=1 (the tests are the one writer of their pins): plans/<stack>.md, and
#    internal/program/testdata/policies-<stack>.json and urns-<stack>.txt; the pins of a
#    stack file that is gone are removed.
# Exits 0 when every stack planned, follows every mandatory rule and deploys, 1 when a
# mandatory rule is violated (the plan says which), 2 when a stack file is invalid (nothing
# is regenerated then; the error names the file and the key), 3 when the program failed,
# 4 when the deploy would stop (it deletes or replaces a protected resource).
# Then review `git diff` and run the whole tests before pushing: go test ./...
set -euo pipefail
cd "$(dirname "$0")/.."

# The tests that write a pin per stack file: each calls golden.Stale (TestLoopRegeneratesEveryStackPin).
pin_tests='^(TestGoldenPlans|TestPolicyDocumentsGolden|TestURNsArePinned)$'
pin_packages=(./internal/plan ./internal/program)

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/base"
git archive HEAD | tar -x -C "$tmp/base"
bash scripts/plan-diff.sh "$tmp/base" . "$tmp/out" || true
cat "$tmp/out/comment.md"
[ -x "$tmp/out/plan-head" ] || exit 3 # the code does not build: the comment says why

# plan-diff.sh writes each stack's exit code (head-<stack>.code; changes-<stack>.code, 4 when
# the deploy would stop). The worst one is the loop's: 2 or 3 (no plan) over 4 over 1.
rank() { case "$1" in 0) echo 0 ;; 1) echo 1 ;; 4) echo 2 ;; 2) echo 3 ;; *) echo 4 ;; esac; }
status=0
for file in "$tmp"/out/*.code; do
  [ -e "$file" ] || continue
  code="$(cat "$file")"
  [ "$(rank "$code")" -le "$(rank "$status")" ] || status=$code
done
if [ "$status" -eq 2 ] || [ "$status" -eq 3 ]; then
  echo "== nothing regenerated: fix the stack files above first"
  exit "$status"
fi

echo "== regenerating the pins of every stack file (UPDATE_GOLDEN=1 go test -run '$pin_tests')"
# -trimpath, as plan-diff.sh builds cmd/plan: the packages both builds share compile once,
# and the build cache serves them to a checkout in any directory (without it, their cache
# keys hold the directory, and a fresh checkout compiles every package of the module again).
if ! UPDATE_GOLDEN=1 go test -trimpath -short -count=1 -run "$pin_tests" "${pin_packages[@]}" > "$tmp/test.out" 2>&1; then
  cat "$tmp/test.out"
  [ "$status" -ne 0 ] || status=1
fi
git status --short -- plans internal/program/testdata
exit "$status"
