#!/usr/bin/env bash
# The offline plan of every stack file of a pull request, at its base and at its head, as
# one Markdown comment: for each stack, what the deploy would change, resource by resource
# (cmd/plan --base: whose access changes, what stops the deploy, credentials lost, what
# changes in each resource, what is created), then, folded, the line diff of its plan (the
# whole plan for a new stack); or, when the head's configuration is invalid, what is wrong.
#   scripts/plan-diff.sh BASE_DIR HEAD_DIR OUT_DIR
# Writes OUT_DIR/comment.md. Exits 0 when every head plan is clean, 1 otherwise (the
# comment says why). cmd/plan is built, not run with `go run`, which folds its exit codes
# (1 a mandatory rule is violated, 2 the configuration is invalid, 3 the program failed,
# 4 the deploy would stop at a protected resource) into 1; each stack's exit codes are left
# in OUT_DIR/head-<stack>.code and changes-<stack>.code (scripts/loop.sh reads them). Both
# builds are -trimpath, so the base's packages that the head did not change come from the
# build cache.
set -euo pipefail
base="$(cd "$1" && pwd)"; head="$(cd "$2" && pwd)"; out="$3"
mkdir -p "$out"; out="$(cd "$out" && pwd)"
if ! (cd "$head" && go build -trimpath -o "$out/plan-head" ./cmd/plan) 2> "$out/build.err"; then
  { echo "<!-- secure-aws-plan-diff -->"; echo "## Offline plan diff"; echo
    echo "**The head does not build**: no stack can be planned."; echo '~~~'; cat "$out/build.err"; echo '~~~'
  } > "$out/comment.md"
  exit 1
fi
(cd "$base" && go build -trimpath -o "$out/plan-base" ./cmd/plan) 2>/dev/null || rm -f "$out/plan-base"

status=0
{
  echo "<!-- secure-aws-plan-diff -->"
  echo "## Offline plan diff"
  for file in "$head"/Pulumi.*.yaml; do
    stack="$(basename "$file")"; stack="${stack#Pulumi.}"; stack="${stack%.yaml}"
    echo "### $stack"
    code=0
    (cd "$head" && "$out/plan-head" --stack "$stack") > "$out/head-$stack.md" 2> "$out/head-$stack.err" || code=$?
    echo "$code" > "$out/head-$stack.code"
    base_code=0
    if [ -x "$out/plan-base" ] && [ -f "$base/Pulumi.$stack.yaml" ]; then
      (cd "$base" && "$out/plan-base" --stack "$stack" --format json) > "$out/base-$stack.json" 2>/dev/null || base_code=$?
      (cd "$base" && "$out/plan-base" --stack "$stack") > "$out/base-$stack.md" 2>/dev/null || true
    else
      base_code=2
    fi
    if [ "$base_code" -gt 1 ]; then # nothing deployed to compare with: everything is new
      : > "$out/base-$stack.json"
      echo "(no plan of $stack at the base)" > "$out/base-$stack.md"
    fi
    case "$code" in
      0) ;;
      1) echo "**A mandatory policy rule is violated**: the deployment would be refused."; echo ;;
      2) echo "**Invalid configuration**: nothing can be planned or deployed until it is fixed."; echo ;;
      *) echo "**The program failed** (exit $code)."; echo ;;
    esac
    if [ "$code" != 0 ]; then
      status=1
      echo '~~~'
      cat "$out/head-$stack.err"
      echo '~~~'
    fi
    if [ "$code" -gt 1 ]; then
      continue # no plan to compare: the error above is the whole story
    fi
    code=0
    (cd "$head" && "$out/plan-head" --stack "$stack" --base "$out/base-$stack.json") > "$out/changes-$stack.md" 2> "$out/changes-$stack.err" || code=$?
    echo "$code" > "$out/changes-$stack.code"
    case "$code" in
      0|1) ;; # a violated rule is said above
      4) status=1 ;; # the changes say where the deploy stops
      *) status=1; echo "**Comparing with the base failed** (exit $code)."; echo '~~~'; cat "$out/changes-$stack.err"; echo '~~~' ;;
    esac
    cat "$out/changes-$stack.md"
    if [ ! -s "$out/base-$stack.json" ]; then
      # A new stack: its whole plan, which renders, rather than every line of it marked
      # added; its headings in bold, so the comment's own (one per stack) stay the outline.
      echo; echo "<details><summary>The whole plan of $stack (new)</summary>"; echo
      sed -E 's/^#+ (.*)$/**\1**/' "$out/head-$stack.md"
      echo; echo "</details>"
    # The plans hold ``` fences, so the diff goes in a ~~~ fence; each hunk is headed by the
    # section or policy document it is in (-F).
    elif ! diff -u -F '^#' --label "base/$stack" --label "head/$stack" "$out/base-$stack.md" "$out/head-$stack.md" > "$out/$stack.diff"; then
      echo; echo "<details><summary>The plan, line by line</summary>"; echo
      echo '~~~diff'
      cat "$out/$stack.diff"
      echo '~~~'
      echo; echo "</details>"
    fi
  done
  for file in "$base"/Pulumi.*.yaml; do
    stack="$(basename "$file")"; stack="${stack#Pulumi.}"; stack="${stack%.yaml}"
    if [ -f "$file" ] && [ ! -f "$head/Pulumi.$stack.yaml" ]; then
      echo "### $stack"
      echo "**The stack file is removed.** Its resources stay in AWS and in the stack's state: protected ones cannot be destroyed, the rest only with \`pulumi destroy --stack $stack\`."
    fi
  done
} > "$out/comment.md"
exit "$status"
