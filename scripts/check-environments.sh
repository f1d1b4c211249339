#!/usr/bin/env bash
# Checks, before every deploy, that the GitHub settings the deploy role's trust rests on
# hold: the deployment environments it trusts deploy only main and have reviewers who are
# not bypassed, the deploy secrets live only in those environments, and main itself takes
# only reviewed changes.
#   scripts/check-environments.sh ENV...        (needs gh, authenticated; GITHUB_REPOSITORY)
#   scripts/check-environments.sh --reviewers-only ENV
#   scripts/check-environments.sh --main-only ENV
#
# The first form is the deploy's. Every ENV holds the admin-equivalent deploy role, so every
# one is checked as production: each of these stops the deploy unless the repository
# variable named after it waives it, by naming what it waives (a list separated by commas
# or spaces); a waiver is logged as a warning that names it.
#   - ENV can be deployed from a branch other than main, or from a tag (no waiver);
#   - ENV has no required reviewers (ALLOW_DEPLOY_WITHOUT_REVIEWERS=ENV,...);
#   - repository admins may bypass ENV's protection rules (ALLOW_ADMIN_BYPASS=ENV,...);
#   - whoever starts a deploy of ENV may approve it, "Prevent self-review" off
#     (ALLOW_SELF_REVIEW=ENV,...);
#   - a repository or organization secret named PULUMI_* or AWS_*, which every workflow
#     of every branch can read (ALLOW_SHARED_SECRETS=NAME,...);
#   - main takes changes without an approving review, by branch protection or a ruleset
#     (ALLOW_UNREVIEWED_MAIN=main);
#   - main does not require code-owner review, .github/CODEOWNERS still names the
#     placeholder owner, or GitHub reports an error in it (ALLOW_NO_CODE_OWNERS=main).
# An environment passes the branch check when its deployment branch policy is either
# custom branch policies that name exactly the branch main, or "protected branches" while
# main is the repository's only protected branch.
#
# The secrets and main's branch protection are readable only with a token that has the
# "Secrets" and "Administration" repository permissions (read), which GITHUB_TOKEN cannot
# have; what cannot be read stops the deploy, naming the permission, unless
# ALLOW_UNCHECKED names it (secrets, branch-protection). Rulesets, CODEOWNERS errors and the
# environments are readable with GITHUB_TOKEN (docs/ci.md).
#
# The second form checks only that ENV (the preview environment, which runs pull requests'
# code with the state passphrase) has required reviewers, unless
# ALLOW_PREVIEW_WITHOUT_REVIEWERS=true. The third checks only that ENV (the drift
# environment, which runs main's code on a schedule) deploys exactly main.
set -euo pipefail
repo="${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}"
codeowners="${CODEOWNERS_FILE:-$(dirname "$0")/../.github/CODEOWNERS}"
# placeholder is the owner .github/CODEOWNERS names until a fork replaces it.
placeholder="@REPLACE-ME/"
status=0
fail() { echo "::error::$*"; status=1; }

# api PATH FILTER: gh api PATH --jq FILTER. On failure it prints nothing and returns 4 for
# a 404 (GitHub's answer for "not there", e.g. an unprotected branch), 3 otherwise; gh's
# message is then what api_error prints. (Callers run it in a subshell: the message goes
# through a file.)
api_errors="$(mktemp)"
trap 'rm -f "$api_errors"' EXIT
api() {
  local out
  if out="$(gh api "$1" --jq "$2" 2>"$api_errors")"; then
    printf '%s\n' "$out"
    return 0
  fi
  if grep -q "(HTTP 404)" "$api_errors"; then
    return 4
  fi
  return 3
}
api_error() { tr '\n' ' ' <"$api_errors" | sed 's/ *$//'; }

# waived VAR ITEM: the waiver variable VAR names ITEM.
waived() {
  local list="${!1:-}"
  [[ ",${list//[[:space:]]/,}," == *",$2,"* ]]
}

# check VAR ITEM MESSAGE: MESSAGE stops the deploy, unless VAR waives ITEM.
check() {
  if waived "$1" "$2"; then
    echo "::warning::waived by $1=${!1}: $3"
  else
    fail "$3 (to accept it, set the repository variable $1 to name $2)"
  fi
}

# reviewers ENV ALLOWED REASON VAR: ENV has required reviewers, or ALLOWED is true.
reviewers() {
  local found
  found="$(gh api "repos/$repo/environments/$1" --jq '[.protection_rules[]?.type] | index("required_reviewers") // empty')"
  if [ -n "$found" ]; then
    return
  fi
  if [ "$2" = "true" ]; then
    echo "::warning::environment $1 has no required reviewers: $3"
  else
    fail "environment $1 has no required reviewers; add them, or, where your GitHub plan offers none, set the repository variable $4=true (docs/ci.md)"
  fi
}

if [ "${1:-}" = "--reviewers-only" ]; then
  reviewers "${2:?usage: check-environments.sh --reviewers-only ENV}" "${ALLOW_PREVIEW_WITHOUT_REVIEWERS:-}" "whoever can push a branch can run a preview, which can read the stack state" ALLOW_PREVIEW_WITHOUT_REVIEWERS
  exit "$status"
fi

# main_only ENV: ENV can be deployed from the branch main only.
main_only() {
  local env="$1" policy protected custom names branches
  policy="$(gh api "repos/$repo/environments/$env" --jq '.deployment_branch_policy // empty | [.protected_branches, .custom_branch_policies] | @tsv')"
  if [ -z "$policy" ]; then
    fail "environment $env can be deployed from any branch: restrict it to main (Settings > Environments > $env > Deployment branches)"
    return
  fi
  read -r protected custom <<< "$policy"
  if [ "$custom" = "true" ]; then
    names="$(gh api "repos/$repo/environments/$env/deployment-branch-policies" --jq '[.branch_policies[] | "\(.type // "branch"):\(.name)"] | sort | join(" ")')"
    if [ "$names" != "branch:main" ]; then
      fail "environment $env may be deployed from '${names:-nothing}': its deployment branch policies must name exactly the branch main"
    fi
  elif [ "$protected" = "true" ]; then
    branches="$(gh api "repos/$repo/branches?protected=true&per_page=100" --jq '[.[].name] | sort | join(" ")')"
    if [ "$branches" != "main" ]; then
      fail "environment $env may be deployed from every protected branch ('$branches'): protect only main, or list main as its only deployment branch"
    fi
  else
    fail "environment $env has a deployment branch policy that allows no known branch set"
  fi
}

if [ "${1:-}" = "--main-only" ]; then
  main_only "${2:?usage: check-environments.sh --main-only ENV}"
  exit "$status"
fi

[ "$#" -gt 0 ] || { echo "usage: check-environments.sh ENV..." >&2; exit 2; }
if [ "${ALLOW_DEPLOY_WITHOUT_REVIEWERS:-}" = "true" ]; then
  fail "ALLOW_DEPLOY_WITHOUT_REVIEWERS=true: name the environments it waives instead (e.g. $*), so a new environment is never waived unseen"
fi

# protection ENV: ENV's reviewers exist, are not bypassed by admins, and are not the
# deployer.
protection() {
  local env="$1" rules admins_bypass has_reviewers no_self_review
  rules="$(gh api "repos/$repo/environments/$env" --jq '"\(.can_admins_bypass | if . == false then false else true end) \([.protection_rules[]? | select(.type == "required_reviewers")] | length > 0) \([.protection_rules[]? | select(.type == "required_reviewers") | .prevent_self_review] | any)"')"
  read -r admins_bypass has_reviewers no_self_review <<< "$rules"
  if [ "$has_reviewers" != "true" ]; then
    check ALLOW_DEPLOY_WITHOUT_REVIEWERS "$env" "environment $env has no required reviewers: whoever can merge to main deploys to $env; add reviewers, where your GitHub plan offers them (docs/ci.md)"
    return # no reviewers: there is no review to bypass
  fi
  if [ "$admins_bypass" = "true" ]; then
    check ALLOW_ADMIN_BYPASS "$env" "environment $env lets repository admins bypass its required reviewers; turn off 'Allow administrators to bypass configured protection rules'"
  fi
  if [ "$no_self_review" != "true" ]; then
    check ALLOW_SELF_REVIEW "$env" "environment $env lets whoever starts a deploy approve it; turn on 'Prevent self-review'"
  fi
}

# shared_secrets: no deploy secret (PULUMI_*, AWS_*) at repository or organization level,
# where every workflow of every branch can read it.
shared_secrets() {
  local level path names name rc
  for level in repository organization; do
    path="repos/$repo/actions/secrets?per_page=100"
    [ "$level" = organization ] && path="repos/$repo/actions/organization-secrets?per_page=100"
    rc=0
    names="$(api "$path" '[.secrets[].name | select(startswith("PULUMI_") or startswith("AWS_"))] | join(" ")')" || rc=$?
    if [ "$rc" -ne 0 ]; then
      check ALLOW_UNCHECKED secrets "could not list the $level secrets this repository's workflows can read ($path: $(api_error)); run the check with a token that has the 'Secrets' repository permission (read)"
      continue
    fi
    for name in $names; do
      check ALLOW_SHARED_SECRETS "$name" "$level secret $name: every workflow of every branch can read it, unreviewed ones included; keep deploy secrets as secrets of the deployment environments only, and delete this one"
    done
  done
}

# main_reviews: main takes changes only through pull requests with an approving review
# that a later push dismisses (or that must come after the last push), and with code-owner
# review, by a ruleset or by branch protection.
main_reviews() {
  local rc reviews owners fresh rules protection b_reviews b_owners b_fresh
  rc=0
  rules="$(api "repos/$repo/rules/branches/main" '[.[] | select(.type == "pull_request") | .parameters] | "\(map(.required_approving_review_count // 0) | max // 0) \(map(.require_code_owner_review // false) | any) \(map((.dismiss_stale_reviews_on_push // false) or (.require_last_push_approval // false)) | any)"')" || rc=$?
  if [ "$rc" -ne 0 ]; then
    fail "could not read the rulesets of main (repos/$repo/rules/branches/main: $(api_error))"
    return
  fi
  read -r reviews owners fresh <<< "$rules"
  if [ "$reviews" -lt 1 ] || [ "$owners" != "true" ] || [ "$fresh" != "true" ]; then
    rc=0
    protection="$(api "repos/$repo/branches/main/protection" '.required_pull_request_reviews // {} | "\(.required_approving_review_count // 0) \(.require_code_owner_reviews // false) \((.dismiss_stale_reviews // false) or (.require_last_push_approval // false))"')" || rc=$?
    case "$rc" in
      0) read -r b_reviews b_owners b_fresh <<< "$protection"
        [ "$b_reviews" -gt "$reviews" ] && reviews="$b_reviews"
        [ "$b_owners" = "true" ] && owners=true
        [ "$b_fresh" = "true" ] && fresh=true ;;
      4) ;; # main has no branch protection
      *) check ALLOW_UNCHECKED branch-protection "could not read main's branch protection (repos/$repo/branches/main/protection: $(api_error)); run the check with a token that has the 'Administration' repository permission (read), or require the reviews with a ruleset"
        return ;;
    esac
  fi
  if [ "$reviews" -lt 1 ]; then
    check ALLOW_UNREVIEWED_MAIN main "main takes changes without an approving review: whoever can push to it deploys what they push; require pull requests with at least one approval on main (a ruleset or branch protection)"
  fi
  if [ "$reviews" -ge 1 ] && [ "$fresh" != "true" ]; then
    check ALLOW_STALE_APPROVALS main "main keeps an approval after more commits are pushed to the pull request: a change approved once can grow unreviewed before it merges; turn on 'Dismiss stale pull request approvals when new commits are pushed' or 'Require approval of the most recent reviewable push' for main"
  fi
  if [ "$owners" != "true" ]; then
    check ALLOW_NO_CODE_OWNERS main "main does not require code-owner review: a change to the policies or the pipeline needs no approval from .github/CODEOWNERS; turn on 'Require review from Code Owners' for main"
  fi
}

# code_owners: .github/CODEOWNERS names real owners, as GitHub reads it.
code_owners() {
  local rc errors
  if [ ! -f "$codeowners" ]; then
    check ALLOW_NO_CODE_OWNERS main "there is no .github/CODEOWNERS: no change needs a code owner's approval"
    return
  fi
  if grep -q -- "$placeholder" "$codeowners"; then
    check ALLOW_NO_CODE_OWNERS main ".github/CODEOWNERS still names the placeholder ${placeholder}account-owners, which GitHub ignores: replace it with the team who approves changes to the account"
  fi
  rc=0
  errors="$(api "repos/$repo/codeowners/errors?ref=main" '[.errors[] | "line \(.line): \(.kind) \(.source | rtrimstr("\n"))"] | join("; ")')" || rc=$?
  if [ "$rc" -ne 0 ]; then
    fail "could not read GitHub's errors in .github/CODEOWNERS (repos/$repo/codeowners/errors: $(api_error))"
  elif [ -n "$errors" ]; then
    check ALLOW_NO_CODE_OWNERS main "GitHub ignores lines of .github/CODEOWNERS, so their paths need no code owner: $errors"
  fi
}

for env in "$@"; do
  main_only "$env"
  protection "$env"
done
shared_secrets
main_reviews
code_owners
exit "$status"
