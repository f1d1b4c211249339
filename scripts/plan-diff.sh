#!/usr/bin/env bash
# The offline plan of every stack file of a pull request, at its base and at its head, as
# one Markdown comment: for each stack, what the deploy would change, resource by resource
# (cmd/plan --base: whose access changes, what stops the deploy, credentials lost, what
# changes in each resource, what is created), then, folded, the line diff of its plan (the
# whole plan for a new stack); or, when the head's configuration is invalid, what is wrong.
#   scripts/plan-diff.sh BASE_DIR HEAD_DIR OUT_DIR
#   scripts/plan-diff.sh --record HEAD_DIR RECORD_DIR
# The head's program runs once per stack (cmd/plan --format json: the resources it
# registers, "recorded"); everything else is rendered from those records by one build of
# cmd/plan (--resources): the head's, or with RENDER=base the base's, so that a pull
# request's own rendering and rules cannot change what its reviewers read (the plan
# workflow). --record only records (RECORD_DIR/<stack>.json, .code, .err; build.err when
# the head does not build), for a job that runs the pull request's code; HEAD_PLANS=DIR
# then hands those records to the job that renders them, which builds nothing of the head.
# Either way, the comment starts by naming the plan's own code the head changes
# (plan_code below).
# Writes OUT_DIR/comment.md, and OUT_DIR/post.md, the comment cut to fit a pull request
# comment (cmd/plan --comment). Exits 0 when every head plan is clean, 1 otherwise (the
# comment says why). cmd/plan is built, not run with `go run`, which folds its exit codes
# (1 a mandatory rule is violated, 2 the configuration is invalid, 3 the program failed,
# 4 the deploy would stop at a protected resource) into 1; each stack's exit codes are left
# in OUT_DIR/head-<stack>.code and changes-<stack>.code (scripts/loop.sh reads them). The
# builds are -trimpath, so packages one build shares with another come from the build
# cache, and a base whose Go files are the head's is not built again.
set -euo pipefail

# The plan's own code: what records, renders and judges the plan. A pull request that
# changes it is named at the top of its comment.
plan_code=(cmd/plan internal/plan internal/record rules policypack scripts/plan-diff.sh)

stack_name() { local s; s="$(basename "$1")"; s="${s#Pulumi.}"; echo "${s%.yaml}"; }

# record HEAD_DIR RECORD_DIR BINARY: builds HEAD_DIR's cmd/plan into BINARY and records
# each of its stack files.
record() {
  local dir rec file stack code
  dir="$(cd "$1" && pwd)"; mkdir -p "$2"; rec="$(cd "$2" && pwd)"
  if ! (cd "$dir" && go build -trimpath -o "$3" ./cmd/plan) 2> "$rec/build.err"; then
    return 0
  fi
  rm -f "$rec/build.err"
  for file in "$dir"/Pulumi.*.yaml; do
    [ -e "$file" ] || continue
    stack="$(stack_name "$file")"
    code=0
    (cd "$dir" && "$3" --stack "$stack" --format json) > "$rec/$stack.json" 2> "$rec/$stack.err" || code=$?
    echo "$code" > "$rec/$stack.code"
  done
}

if [ "${1:-}" = --record ]; then
  mkdir -p "$3"
  record "$2" "$3" "$(cd "$3" && pwd)/plan"
  rm -f "$3/plan"
  exit 0
fi

base="$(cd "$1" && pwd)"; head="$(cd "$2" && pwd)"; out="$3"
mkdir -p "$out"; out="$(cd "$out" && pwd)"

# sources prints a digest of the Go files and modules of a tree: two trees with one digest
# build the same -trimpath binary.
sources() {
  (cd "$1" && find . -name .git -prune -o -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) -print0 |
    LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum
}

# post writes OUT_DIR/post.md from comment.md, cut by cmd/plan BINARY when there is one
# (the short messages of a tree that does not build need no cut).
post() {
  if [ -x "${1:-}" ]; then "$1" --comment "$out/comment.md" > "$out/post.md"; else cp "$out/comment.md" "$out/post.md"; fi
}

if [ -n "${HEAD_PLANS:-}" ]; then
  rec="$(cd "$HEAD_PLANS" && pwd)"
else
  rec="$out/head-plans"
  record "$head" "$rec" "$out/plan-head"
fi
if [ -f "$rec/build.err" ]; then
  { echo "<!-- secure-aws-plan-diff -->"; echo "## Offline plan diff"; echo
    echo "**The head does not build**: no stack can be planned."; echo '~~~'; cat "$rec/build.err"; echo '~~~'
  } > "$out/comment.md"
  post ""
  exit 1
fi
if [ -x "$out/plan-head" ] && [ "$(sources "$base")" = "$(sources "$head")" ]; then
  cp "$out/plan-head" "$out/plan-base"
else
  (cd "$base" && go build -trimpath -o "$out/plan-base" ./cmd/plan) 2> "$out/base-build.err" || rm -f "$out/plan-base"
fi
if [ "${RENDER:-head}" = base ]; then
  render="$out/plan-base"
  by="the base's code (its \`cmd/plan\` and rules), from the resources the head's program registers"
  if [ ! -x "$render" ]; then
    { echo "<!-- secure-aws-plan-diff -->"; echo "## Offline plan diff"; echo
      echo "**The base does not build**: nothing can be rendered with its code."; echo '~~~'; cat "$out/base-build.err"; echo '~~~'
    } > "$out/comment.md"
    post ""
    exit 1
  fi
else
  render="$out/plan-head"
  by="the head's own code"
fi

status=0
{
  echo "<!-- secure-aws-plan-diff -->"
  echo "## Offline plan diff"
  changed=()
  for path in "${plan_code[@]}"; do
    if { [ -e "$base/$path" ] || [ -e "$head/$path" ]; } && ! diff -rq "$base/$path" "$head/$path" > /dev/null 2>&1; then
      changed+=("\`$path\`")
    fi
  done
  if [ "${#changed[@]}" -gt 0 ]; then
    echo "> [!WARNING]"
    list="$(printf '%s, ' "${changed[@]}")"
    echo "> **This pull request changes the plan's own code**: ${list%, }. What follows is rendered and judged"
    echo "> by $by; review those changes in the files themselves."
    echo
  fi
  echo "Rendered by $by."
  for file in "$head"/Pulumi.*.yaml; do
    [ -e "$file" ] || continue
    stack="$(stack_name "$file")"
    echo "### $stack"
    code="$(cat "$rec/$stack.code" 2> /dev/null || echo 3)"
    base_code=0
    if [ -x "$out/plan-base" ] && [ -f "$base/Pulumi.$stack.yaml" ]; then
      # The base's program records the base; the one renderer renders both sides, so the
      # line diff is the change of what is deployed, not of how it is printed.
      (cd "$base" && "$out/plan-base" --stack "$stack" --format json) > "$out/base-$stack.json" 2>/dev/null || base_code=$?
      if [ "$base_code" -le 1 ]; then
        (cd "$base" && "$render" --stack "$stack" --resources "$out/base-$stack.json") > "$out/base-$stack.md" 2>/dev/null || base_code=$?
      fi
    else
      base_code=2
    fi
    if [ "$base_code" -gt 1 ]; then # nothing deployed to compare with: everything is new
      : > "$out/base-$stack.json"
      echo "(no plan of $stack at the base)" > "$out/base-$stack.md"
    fi
    err="$rec/$stack.err"
    if [ "$code" -le 1 ]; then
      # The head's program ran: render its record (the rules of the renderer judge it).
      code=0
      (cd "$head" && "$render" --stack "$stack" --resources "$rec/$stack.json") > "$out/head-$stack.md" 2> "$out/head-$stack.err" || code=$?
      err="$out/head-$stack.err"
      if [ "$code" -gt 1 ]; then
        echo "$code" > "$out/head-$stack.code"
        echo "**The renderer cannot read this stack** (exit $code): the head changes what the base's code reads (a new setting?). Its error:"
        echo '~~~'; cat "$err"; echo '~~~'
        echo "The head's own plan is in the job summary of the job that recorded it."
        status=1
        continue
      fi
    fi
    echo "$code" > "$out/head-$stack.code"
    case "$code" in
      0) ;;
      1) echo "**A mandatory policy rule is violated**: the deployment would be refused."; echo ;;
      2) echo "**Invalid configuration**: nothing can be planned or deployed until it is fixed."; echo ;;
      *) echo "**The program failed** (exit $code)."; echo ;;
    esac
    if [ "$code" != 0 ]; then
      status=1
      echo '~~~'
      cat "$err" 2> /dev/null || echo "(no record of $stack)"
      echo '~~~'
    fi
    if [ "$code" -gt 1 ]; then
      continue # no plan to compare: the error above is the whole story
    fi
    code=0
    (cd "$head" && "$render" --stack "$stack" --resources "$rec/$stack.json" --base "$out/base-$stack.json") > "$out/changes-$stack.md" 2> "$out/changes-$stack.err" || code=$?
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
    stack="$(stack_name "$file")"
    if [ -f "$file" ] && [ ! -f "$head/Pulumi.$stack.yaml" ]; then
      echo "### $stack"
      echo "**The stack file is removed.** Its resources stay in AWS and in the stack's state: protected ones cannot be destroyed, the rest only with \`pulumi destroy --stack $stack\`."
    fi
  done
} > "$out/comment.md"
post "$render"
exit "$status"
