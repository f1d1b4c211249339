#!/usr/bin/env bash
# Checks, before every deploy, that the GitHub deployment environments the deploy role
# trusts can only be deployed from main, and that production needs a reviewer.
#   scripts/check-environments.sh ENV...        (needs gh, authenticated; GITHUB_REPOSITORY)
# An environment passes when its deployment branch policy is either custom branch
# policies that name exactly the branch main, or "protected branches" while main is the
# repository's only protected branch. The last environment named is production: it must
# have required reviewers, unless ALLOW_PRODUCTION_WITHOUT_REVIEWERS=true (for plans where
# GitHub offers no required reviewers; see the README, "Setting up the workflows").
set -euo pipefail
repo="${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}"
status=0
fail() { echo "::error::$*"; status=1; }

for env in "$@"; do
  policy="$(gh api "repos/$repo/environments/$env" --jq '.deployment_branch_policy // empty | [.protected_branches, .custom_branch_policies] | @tsv')"
  if [ -z "$policy" ]; then
    fail "environment $env can be deployed from any branch: restrict it to main (Settings > Environments > $env > Deployment branches)"
    continue
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
done

production="${*: -1}"
reviewers="$(gh api "repos/$repo/environments/$production" --jq '[.protection_rules[]?.type] | index("required_reviewers") // empty')"
if [ -z "$reviewers" ]; then
  if [ "${ALLOW_PRODUCTION_WITHOUT_REVIEWERS:-}" = "true" ]; then
    echo "::warning::environment $production has no required reviewers (ALLOW_PRODUCTION_WITHOUT_REVIEWERS=true): whoever can merge to main deploys to $production"
  else
    fail "environment $production has no required reviewers; add them, or, where your GitHub plan offers none, set the repository variable ALLOW_PRODUCTION_WITHOUT_REVIEWERS=true (README: Setting up the workflows)"
  fi
fi
exit "$status"
