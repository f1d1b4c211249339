#!/usr/bin/env bash
# Checks, before every deploy, that the GitHub deployment environments the deploy role
# trusts can only be deployed from main, and that production needs a reviewer.
#   scripts/check-environments.sh ENV...        (needs gh, authenticated; GITHUB_REPOSITORY)
#   scripts/check-environments.sh --reviewers-only ENV
#   scripts/check-environments.sh --main-only ENV
# The second form checks only that ENV (the preview environment, which runs pull requests'
# code with the state passphrase) has required reviewers, unless
# ALLOW_PREVIEW_WITHOUT_REVIEWERS=true. The third checks only that ENV (the drift
# environment, which runs main's code on a schedule) deploys exactly main.
# An environment passes when its deployment branch policy is either custom branch
# policies that name exactly the branch main, or "protected branches" while main is the
# repository's only protected branch. Every environment named must also have required
# reviewers (staging holds the same deploy role as production), unless
# ALLOW_DEPLOY_WITHOUT_REVIEWERS=true (for plans where GitHub offers none; see the README,
# "Continuous delivery").
set -euo pipefail
repo="${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}"
status=0
fail() { echo "::error::$*"; status=1; }

# reviewers ENV ALLOWED REASON: ENV has required reviewers, or ALLOWED is true.
reviewers() {
  local found
  found="$(gh api "repos/$repo/environments/$1" --jq '[.protection_rules[]?.type] | index("required_reviewers") // empty')"
  if [ -n "$found" ]; then
    return
  fi
  if [ "$2" = "true" ]; then
    echo "::warning::environment $1 has no required reviewers: $3"
  else
    fail "environment $1 has no required reviewers; add them, or, where your GitHub plan offers none, set the repository variable $4=true (README: Continuous delivery)"
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

for env in "$@"; do
  main_only "$env"
done

[ "$#" -gt 0 ] || { echo "usage: check-environments.sh ENV..." >&2; exit 2; }
for env in "$@"; do
  bypass="$(gh api "repos/$repo/environments/$env" --jq '"\(.can_admins_bypass // true) \([.protection_rules[]? | select(.type == "required_reviewers") | .prevent_self_review] | any)"')"
  read -r admins_bypass no_self_review <<< "$bypass"
  if [ "$admins_bypass" = "true" ]; then
    echo "::warning::environment $env lets repository admins bypass its protection rules; turn off 'Allow administrators to bypass configured protection rules'"
  fi
  if [ "$no_self_review" != "true" ]; then
    echo "::warning::environment $env lets whoever triggers a deploy approve it; turn on 'Prevent self-review'"
  fi
  reviewers "$env" "${ALLOW_DEPLOY_WITHOUT_REVIEWERS:-}" "whoever can merge to main deploys to $env" ALLOW_DEPLOY_WITHOUT_REVIEWERS
done
exit "$status"
