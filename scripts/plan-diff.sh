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
# Either way, the comment starts with a warning naming the code the head changes (every file
# but stack files, pins and docs: code_changes below), and HEAD_SHA, when set, names the
# commit it describes. Every stack's summary comes first, then the folded details (line
# diffs, whole plans), so that a cut comment loses details before summaries.
# Writes OUT_DIR/comment.md, and OUT_DIR/post.md, the comment cut to fit a pull request
# comment (cmd/plan --comment). Exits 0 when every head plan is clean, 1 otherwise (the
# comment says why). cmd/plan is built, not run with `go run`, which folds its exit codes
# (1 a mandatory rule is violated, 2 the configuration is invalid, 3 the program failed,
# 4 the deploy would stop at a protected resource) into 1; each stack's exit codes are left
# in OUT_DIR/head-<stack>.code and changes-<stack>.code (scripts/loop.sh reads them). The
# builds are -trimpath, so packages one build shares with another come from the build
# cache, and a base whose Go files are the head's is not built again.
set -euo pipefail

# What a pull request may change without a warning: the stack files, the pins (plans/ and
# testdata/, which no build reads) and the docs. Anything else (main.go, a package, go.mod,
# a workflow, this script) can make the recorded plan differ from what deploys, or change
# how it is recorded and rendered: the comment names it at the top. (No file of these may
# be read or embedded by the program.)
not_code='^Pulumi\.[^/]*\.yaml$|^plans/|(^|/)testdata/|\.md$'

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

# manifest prints the digest and path ("./path") of every file of a tree, by path.
manifest() {
  (cd "$1" && find . -name .git -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
}

# sources prints a digest of the Go files and modules of a tree: two trees with one digest
# build the same -trimpath binary.
sources() {
  manifest "$1" | grep -E '\.go$|/go\.(mod|sum)$' | sha256sum
}

# code_changes prints the path of each file the head adds, removes or changes, but the
# stack files, pins and docs (not_code), one a line.
code_changes() {
  LC_ALL=C comm -3 <(manifest "$base" | LC_ALL=C sort) <(manifest "$head" | LC_ALL=C sort) | sed -E 's/^\t//; s/^[0-9a-f]{64}  \.\///' |
    LC_ALL=C sort -u | grep -vE "$not_code" || true
}

# fenced FILE [INFO] prints FILE in a ~~~ code fence longer than any run of ~ in it, so
# that no line of FILE (a pull request's code writes the records and errors) ends the
# fence and makes the rest of the comment Markdown.
fenced() {
  local n
  n="$( (grep -o '~*' "$1" 2> /dev/null || true) | awk '{ if (length > m) m = length } END { print m + 0 }')"
  fence="$(printf "%$(( n < 3 ? 3 : n + 1 ))s" '' | tr ' ' '~')"
  echo "$fence${2:-}"
  if [ -s "$1" ]; then cat "$1"; [ -z "$(tail -c 1 "$1")" ] || echo; fi
  echo "$fence"
}

# md_path prints a path for the comment: in a code span when it holds only characters
# that cannot be Markdown (a pull request names its files).
md_path() {
  if [[ $1 =~ ^[A-Za-z0-9_./+-]+$ ]]; then echo "\`$1\`"; else echo "a file whose name is not shown"; fi
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
    echo "**The head does not build**: no stack can be planned."; fenced "$rec/build.err"
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
      echo "**The base does not build**: nothing can be rendered with its code."; fenced "$out/base-build.err"
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
  mapfile -t changed < <(code_changes)
  if [ "${#changed[@]}" -gt 0 ]; then
    shown=10 list=""
    for path in "${changed[@]:0:$shown}"; do list+="$(md_path "$path"), "; done
    list="${list%, }"
    if [ "${#changed[@]}" -gt "$shown" ]; then list+=" and $(( ${#changed[@]} - shown )) more"; fi
    echo "> [!WARNING]"
    echo "> **This pull request changes code**, not only stack files, pins and docs: $list. The plan below is"
    echo "> what the head's program registers offline, rendered and judged by $by; what deploys runs"
    echo "> all of the head's code, which can differ: review those changes in the files themselves."
    echo
  fi
  if [ -n "${HEAD_SHA:-}" ]; then
    echo "The plan of the head commit $(md_path "$HEAD_SHA")."
  fi
  echo "Rendered by $by."
  : > "$out/details.md"
  for file in "$head"/Pulumi.*.yaml; do
    [ -e "$file" ] || continue
    stack="$(stack_name "$file")"
    if [[ ! $stack =~ ^[A-Za-z0-9_.-]+$ ]]; then
      # A name Pulumi refuses (cmd/plan says so below, naming the file) is not printed here:
      # it could be Markdown.
      echo "### A stack file whose name Pulumi refuses"
    else
      echo "### $stack"
    fi
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
        fenced "$err"
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
      if [ -f "$err" ]; then fenced "$err"; else echo "(no record of this stack)"; fi
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
      *) status=1; echo "**Comparing with the base failed** (exit $code)."; fenced "$out/changes-$stack.err" ;;
    esac
    cat "$out/changes-$stack.md"
    # The details, after every stack's summary.
    if [ ! -s "$out/base-$stack.json" ]; then
      # A new stack: its whole plan, which renders, rather than every line of it marked
      # added; its headings in bold, so the comment's own (one per stack) stay the outline.
      { echo "### $stack: details"; echo "<details><summary>The whole plan of $stack (new)</summary>"; echo
        sed -E 's/^#+ (.*)$/**\1**/' "$out/head-$stack.md"
        echo; echo "</details>"; } >> "$out/details.md"
    # The plans hold ``` fences, so the diff goes in a ~~~ fence (fenced); each hunk is headed by the
    # section or policy document it is in (-F).
    elif ! diff -u -F '^#' --label "base/$stack" --label "head/$stack" "$out/base-$stack.md" "$out/head-$stack.md" > "$out/$stack.diff"; then
      { echo "### $stack: details"; echo "<details><summary>The plan of $stack, line by line</summary>"; echo
        fenced "$out/$stack.diff" diff
        echo; echo "</details>"; } >> "$out/details.md"
    fi
  done
  for file in "$base"/Pulumi.*.yaml; do
    stack="$(stack_name "$file")"
    if [ -f "$file" ] && [ ! -f "$head/Pulumi.$stack.yaml" ]; then
      echo "### $stack"
      echo "**The stack file is removed.** Its resources stay in AWS and in the stack's state: protected ones cannot be destroyed, the rest only with \`pulumi destroy --stack $stack\`."
    fi
  done
  if [ -s "$out/details.md" ]; then
    echo; echo "## Details"; echo
    cat "$out/details.md"
  fi
} > "$out/comment.md"
post "$render"
exit "$status"
