#!/usr/bin/env bash
# The edit loop, after each change to a stack file (or to the code):
#   scripts/loop.sh
# 1. plans every Pulumi.<stack>.yaml offline (cmd/plan: no AWS, no Pulumi CLI) and shows
#    the diff of each plan against the one committed in plans/ (a new stack: all of it);
# 2. regenerates what the tests pin for the stack files, by running those tests with
#    UPDATE_GOLDEN=1 (the tests are the one writer of their pins): plans/<stack>.md, and
#    internal/program/testdata/policies-<stack>.json and urns-<stack>.txt; the pins of a
#    stack file that is gone are removed.
# Exits 0 when every stack planned and follows every mandatory rule, 1 when a mandatory
# rule is violated (the plan says which), 2 when a stack file is invalid (nothing is
# regenerated then; the error names the file and the key), 3 when the program failed.
# Then review `git diff` and run the whole tests before pushing: go test ./...
set -euo pipefail
cd "$(dirname "$0")/.."

# The tests that write a pin per stack file: each calls golden.Stale (TestLoopRegeneratesEveryStackPin).
pin_tests='^(TestGoldenPlans|TestPolicyDocumentsGolden|TestURNsArePinned)$'
pin_packages=(./internal/plan ./internal/program)

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/plan" ./cmd/plan

status=0
for file in Pulumi.*.yaml; do
  stack="${file#Pulumi.}"; stack="${stack%.yaml}"
  code=0
  "$tmp/plan" --stack "$stack" > "$tmp/$stack.md" 2> "$tmp/$stack.err" || code=$?
  if [ "$code" -gt 1 ]; then
    echo "== $stack: not planned (exit $code)"; cat "$tmp/$stack.err"
    [ "$status" -ge "$code" ] || status=$code
    continue
  fi
  git show "HEAD:plans/$stack.md" > "$tmp/$stack.committed.md" 2>/dev/null || : > "$tmp/$stack.committed.md"
  if cmp -s "$tmp/$stack.committed.md" "$tmp/$stack.md"; then
    echo "== $stack: plan unchanged"
  else
    echo "== $stack: plan changed (- committed plans/$stack.md, + now)"
    diff -u --label "plans/$stack.md (committed)" --label "plans/$stack.md (now)" "$tmp/$stack.committed.md" "$tmp/$stack.md" || true
  fi
  if [ "$code" -eq 1 ]; then
    echo "== $stack: a mandatory policy rule is violated (the plan's rule table says which)"
    cat "$tmp/$stack.err"
    [ "$status" -ge 1 ] || status=1
  fi
done
if [ "$status" -ge 2 ]; then
  echo "== nothing regenerated: fix the stack files above first"
  exit "$status"
fi

echo "== regenerating the pins of every stack file (UPDATE_GOLDEN=1 go test -run '$pin_tests')"
if ! UPDATE_GOLDEN=1 go test -short -count=1 -run "$pin_tests" "${pin_packages[@]}" > "$tmp/test.out" 2>&1; then
  cat "$tmp/test.out"
  [ "$status" -ge 1 ] || status=1
fi
git status --short -- plans internal/program/testdata
exit "$status"
