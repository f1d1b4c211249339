// Package scripts_test runs the repository's shell scripts against fakes of the tools
// they call.
package scripts_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeGH answers `gh api PATH --jq FILTER` from canned responses, applying the filter with
// jq as gh does. A response "!CODE MESSAGE" is an HTTP error, answered as gh answers one:
// the error body on stdout, "gh: MESSAGE (HTTP CODE)" on stderr, exit 1; a path with no
// response is a 404.
const fakeGH = `#!/bin/sh
file="$FAKE_GH_DIR/$(printf '%s' "$2" | tr '/?&=' '____').json"
[ -f "$file" ] || { echo '{"message":"Not Found"}'; echo "gh: Not Found (HTTP 404)" >&2; exit 1; }
body="$(cat "$file")"
case "$body" in
  '!'*)
    code="${body%% *}"; code="${code#!}"; msg="${body#* }"
    printf '{"message":"%s","status":"%s"}\n' "$msg" "$code"
    echo "gh: $msg (HTTP $code)" >&2
    exit 1 ;;
esac
exec jq -r "$4" "$file"
`

// github is the API state of one case: path -> JSON body.
type github map[string]string

const repo = "repos/acme/infra"

func env(policy, rules string) string {
	return `{"can_admins_bypass":false,"deployment_branch_policy":` + policy + `,"protection_rules":` + rules + `}`
}

const (
	custom    = `{"protected_branches":false,"custom_branch_policies":true}`
	protected = `{"protected_branches":true,"custom_branch_policies":false}`
	reviewers = `[{"type":"required_reviewers","prevent_self_review":true,"reviewers":[{"type":"Team","reviewer":{"slug":"approvers"}}]},{"type":"branch_policy"}]`
	none      = `[]`
	// forbidden is GitHub's answer to GITHUB_TOKEN for what needs a permission it lacks.
	forbidden = "!403 Resource not accessible by integration"
	// reviewedMain is a ruleset on main requiring an approval and code-owner review.
	reviewedMain = `[{"type":"deletion"},{"type":"pull_request","parameters":{"required_approving_review_count":1,"require_code_owner_review":true,"dismiss_stale_reviews_on_push":true,"require_last_push_approval":true,"required_review_thread_resolution":false},"ruleset_source_type":"Repository","ruleset_source":"acme/infra","ruleset_id":42}]`
)

func onlyMain(envs ...string) github {
	g := github{}
	for _, e := range envs {
		g[repo+"/environments/"+e+"/deployment-branch-policies"] = `{"total_count":1,"branch_policies":[{"name":"main","type":"branch"}]}`
	}
	return g
}

// healthy is a repository that passes the deploy check for envs: each environment
// deploys only main, with reviewers who are neither bypassed nor the deployer; no shared
// deploy secret; a ruleset on main requiring an approving and a code-owner review; and a
// CODEOWNERS GitHub reads without error.
func healthy(envs ...string) github {
	g := onlyMain(envs...)
	for _, e := range envs {
		g[repo+"/environments/"+e] = env(custom, reviewers)
	}
	g[repo+"/actions/secrets?per_page=100"] = `{"total_count":1,"secrets":[{"name":"SLACK_WEBHOOK","created_at":"2026-01-10T10:00:00Z","updated_at":"2026-01-10T10:00:00Z"}]}`
	g[repo+"/actions/organization-secrets?per_page=100"] = `{"total_count":0,"secrets":[]}`
	g[repo+"/rules/branches/main"] = reviewedMain
	g[repo+"/branches/main/protection"] = forbidden
	g[repo+"/codeowners/errors?ref=main"] = `{"errors":[]}`
	return g
}

func with(g github, extra github) github {
	for k, v := range extra {
		g[k] = v
	}
	return g
}

// owned is a CODEOWNERS that names a real team.
const owned = "*  @acme/account-owners\n/iampolicy/  @acme/account-owners\n"

// runCheck runs check-environments.sh with args against the API state api and the
// CODEOWNERS codeowners, with more environment variables.
func runCheck(t *testing.T, api github, codeowners string, vars []string, args ...string) (string, error) {
	t.Helper()
	needJQ(t)
	bin, dir := t.TempDir(), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bin, "gh"), []byte(fakeGH), 0o755))
	for path, body := range api {
		file := strings.NewReplacer("/", "_", "?", "_", "&", "_", "=", "_").Replace(path) + ".json"
		require.NoError(t, os.WriteFile(filepath.Join(dir, file), []byte(body), 0o644))
	}
	owners := filepath.Join(dir, "CODEOWNERS")
	require.NoError(t, os.WriteFile(owners, []byte(codeowners), 0o644))
	cmd := exec.Command("bash", append([]string{"check-environments.sh"}, args...)...)
	cmd.Env = append(os.Environ(), append([]string{"PATH=" + bin + ":" + os.Getenv("PATH"), "FAKE_GH_DIR=" + dir, "GITHUB_REPOSITORY=acme/infra", "CODEOWNERS_FILE=" + owners}, vars...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// needJQ skips t, saying why, when jq is missing: the fake gh, like the real one, filters
// with it. Under CI (CI=true, as GitHub sets it and .ci/run exports it) a missing jq fails
// instead, so CI never passes having skipped the check's tests.
func needJQ(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("jq"); err == nil {
		return
	}
	const why = "the deploy check's tests need jq (as GitHub's runners have it): apt-get install jq, or brew install jq"
	if os.Getenv("CI") == "true" {
		t.Fatal(why + "; under CI (CI=true) they may not be skipped")
	} else {
		t.Skip(why)
	}
}

func TestCheckEnvironments(t *testing.T) {
	for name, c := range map[string]struct {
		api  github
		vars []string
		want string // "" passes
		// waived, when the case passes, is the warning that names its waiver.
		waived string
		// errors is how many ::error:: lines a failing case logs, when not 1 (-1: none).
		errors int
	}{
		"custom policies naming main, reviewers": {api: healthy("staging", "production")},
		"protected branches, main the only one": {api: with(healthy("staging", "production"), github{
			repo + "/environments/staging": env(protected, reviewers), repo + "/environments/production": env(protected, reviewers),
			repo + "/branches?protected=true&per_page=100": `[{"name":"main"}]`,
		})},
		"no branch policy": {api: with(healthy("staging", "production"), github{
			repo + "/environments/staging": env(`null`, reviewers),
		}), want: "environment staging can be deployed from any branch"},
		"a second custom branch": {api: with(healthy("staging", "production"), github{
			repo + "/environments/staging/deployment-branch-policies": `{"branch_policies":[{"name":"main","type":"branch"},{"name":"dev","type":"branch"}]}`,
		}), want: "may be deployed from 'branch:dev branch:main'"},
		"a wildcard branch": {api: with(healthy("staging", "production"), github{
			repo + "/environments/staging/deployment-branch-policies": `{"branch_policies":[{"name":"*","type":"branch"}]}`,
		}), want: "may be deployed from 'branch:*'"},
		"a tag named main": {api: with(healthy("staging", "production"), github{
			repo + "/environments/staging/deployment-branch-policies": `{"branch_policies":[{"name":"main","type":"tag"}]}`,
		}), want: "may be deployed from 'tag:main'"},
		"protected branches, release protected too": {api: with(healthy("staging", "production"), github{
			repo + "/environments/staging": env(protected, reviewers), repo + "/environments/production": env(protected, reviewers),
			repo + "/branches?protected=true&per_page=100": `[{"name":"main"},{"name":"release"}]`,
		}), want: "every protected branch ('main release')", errors: 2},
		"environment missing": {api: github{}, want: "Not Found", errors: -1},

		"no reviewers": {api: with(healthy("staging", "production"), github{
			repo + "/environments/production": env(custom, none),
		}), want: "environment production has no required reviewers"},
		"staging without reviewers": {api: with(healthy("staging", "production"), github{
			repo + "/environments/staging": env(custom, none),
		}), want: "environment staging has no required reviewers"},
		"no reviewers, waived for each": {api: with(healthy("staging", "production"), github{
			repo + "/environments/staging": env(custom, none), repo + "/environments/production": env(custom, none),
		}), vars: []string{"ALLOW_DEPLOY_WITHOUT_REVIEWERS=staging, production"}, waived: "waived by ALLOW_DEPLOY_WITHOUT_REVIEWERS=staging, production: environment production has no required reviewers"},
		"no reviewers, waived for the other only": {api: with(healthy("staging", "production"), github{
			repo + "/environments/production": env(custom, none),
		}), vars: []string{"ALLOW_DEPLOY_WITHOUT_REVIEWERS=staging"}, want: "environment production has no required reviewers"},
		"no reviewers, the old blanket waiver": {api: with(healthy("staging", "production"), github{
			repo + "/environments/staging": env(custom, none), repo + "/environments/production": env(custom, none),
		}), vars: []string{"ALLOW_DEPLOY_WITHOUT_REVIEWERS=true"}, want: "ALLOW_DEPLOY_WITHOUT_REVIEWERS=true: name the environments it waives", errors: 3},

		"admins may bypass": {api: with(healthy("staging", "production"), github{
			repo + "/environments/production": strings.Replace(env(custom, reviewers), `"can_admins_bypass":false`, `"can_admins_bypass":true`, 1),
		}), want: "environment production lets repository admins bypass its required reviewers"},
		"admin bypass not reported, as GitHub's default": {api: with(healthy("staging", "production"), github{
			repo + "/environments/production": strings.Replace(env(custom, reviewers), `"can_admins_bypass":false,`, ``, 1),
		}), want: "environment production lets repository admins bypass"},
		"admins may bypass, waived": {api: with(healthy("staging", "production"), github{
			repo + "/environments/production": strings.Replace(env(custom, reviewers), `"can_admins_bypass":false`, `"can_admins_bypass":true`, 1),
		}), vars: []string{"ALLOW_ADMIN_BYPASS=production"}, waived: "waived by ALLOW_ADMIN_BYPASS=production: environment production lets repository admins bypass"},

		"self-review": {api: with(healthy("staging", "production"), github{
			repo + "/environments/production": env(custom, strings.Replace(reviewers, `"prevent_self_review":true`, `"prevent_self_review":false`, 1)),
		}), want: "environment production lets whoever starts a deploy approve it"},
		"self-review, waived": {api: with(healthy("staging", "production"), github{
			repo + "/environments/production": env(custom, strings.Replace(reviewers, `"prevent_self_review":true`, `"prevent_self_review":false`, 1)),
		}), vars: []string{"ALLOW_SELF_REVIEW=production"}, waived: "waived by ALLOW_SELF_REVIEW=production"},

		"a repository copy of the passphrase": {api: with(healthy("staging", "production"), github{
			repo + "/actions/secrets?per_page=100": `{"total_count":2,"secrets":[{"name":"PULUMI_CONFIG_PASSPHRASE","created_at":"2026-01-10T10:00:00Z","updated_at":"2026-01-10T10:00:00Z"},{"name":"SLACK_WEBHOOK","created_at":"2026-01-10T10:00:00Z","updated_at":"2026-01-10T10:00:00Z"}]}`,
		}), want: "repository secret PULUMI_CONFIG_PASSPHRASE: every workflow of every branch can read it"},
		"an organization token": {api: with(healthy("staging", "production"), github{
			repo + "/actions/organization-secrets?per_page=100": `{"total_count":1,"secrets":[{"name":"PULUMI_ACCESS_TOKEN","created_at":"2026-01-10T10:00:00Z","updated_at":"2026-01-10T10:00:00Z","visibility":"all"}]}`,
		}), want: "organization secret PULUMI_ACCESS_TOKEN"},
		"an organization AWS key": {api: with(healthy("staging", "production"), github{
			repo + "/actions/organization-secrets?per_page=100": `{"total_count":1,"secrets":[{"name":"AWS_SECRET_ACCESS_KEY","created_at":"2026-01-10T10:00:00Z","updated_at":"2026-01-10T10:00:00Z","visibility":"selected"}]}`,
		}), want: "organization secret AWS_SECRET_ACCESS_KEY"},
		"a repository token, waived": {api: with(healthy("staging", "production"), github{
			repo + "/actions/secrets?per_page=100": `{"total_count":1,"secrets":[{"name":"PULUMI_ACCESS_TOKEN","created_at":"2026-01-10T10:00:00Z","updated_at":"2026-01-10T10:00:00Z"}]}`,
		}), vars: []string{"ALLOW_SHARED_SECRETS=PULUMI_ACCESS_TOKEN"}, waived: "waived by ALLOW_SHARED_SECRETS=PULUMI_ACCESS_TOKEN: repository secret PULUMI_ACCESS_TOKEN"},
		"secrets unreadable": {api: with(healthy("staging", "production"), github{
			repo + "/actions/secrets?per_page=100": forbidden,
		}), want: "the 'Secrets' repository permission (read)"},
		"secrets unreadable, waived": {api: with(healthy("staging", "production"), github{
			repo + "/actions/secrets?per_page=100": forbidden, repo + "/actions/organization-secrets?per_page=100": forbidden,
		}), vars: []string{"ALLOW_UNCHECKED=secrets"}, waived: "waived by ALLOW_UNCHECKED=secrets: could not list the organization secrets"},

		"main unprotected": {api: with(healthy("staging", "production"), github{
			repo + "/rules/branches/main": `[]`, repo + "/branches/main/protection": "!404 Branch not protected",
		}), want: "main takes changes without an approving review", errors: 2},
		"main's ruleset asks for no approval": {api: with(healthy("staging", "production"), github{
			repo + "/rules/branches/main":      strings.Replace(reviewedMain, `"required_approving_review_count":1`, `"required_approving_review_count":0`, 1),
			repo + "/branches/main/protection": "!404 Branch not protected",
		}), want: "main takes changes without an approving review"},
		"main reviewed by branch protection": {api: with(healthy("staging", "production"), github{
			repo + "/rules/branches/main":      `[]`,
			repo + "/branches/main/protection": `{"required_pull_request_reviews":{"dismiss_stale_reviews":true,"require_code_owner_reviews":true,"required_approving_review_count":2},"enforce_admins":{"enabled":true}}`,
		})},
		"main's protection unreadable": {api: with(healthy("staging", "production"), github{
			repo + "/rules/branches/main": `[]`,
		}), want: "the 'Administration' repository permission (read)"},
		"main unreviewed, waived": {api: with(healthy("staging", "production"), github{
			repo + "/rules/branches/main":      `[{"type":"pull_request","parameters":{"required_approving_review_count":0,"require_code_owner_review":true}}]`,
			repo + "/branches/main/protection": "!404 Branch not protected",
		}), vars: []string{"ALLOW_UNREVIEWED_MAIN=main"}, waived: "waived by ALLOW_UNREVIEWED_MAIN=main: main takes changes without an approving review"},

		"an approval survives more commits": {api: with(healthy("staging", "production"), github{
			repo + "/rules/branches/main":      strings.NewReplacer(`"dismiss_stale_reviews_on_push":true`, `"dismiss_stale_reviews_on_push":false`, `"require_last_push_approval":true`, `"require_last_push_approval":false`).Replace(reviewedMain),
			repo + "/branches/main/protection": "!404 Branch not protected",
		}), want: "main keeps an approval after more commits are pushed"},
		"an approval after the last push is enough": {api: with(healthy("staging", "production"), github{
			repo + "/rules/branches/main":      strings.Replace(reviewedMain, `"dismiss_stale_reviews_on_push":true`, `"dismiss_stale_reviews_on_push":false`, 1),
			repo + "/branches/main/protection": "!404 Branch not protected",
		})},
		"stale approvals, waived": {api: with(healthy("staging", "production"), github{
			repo + "/rules/branches/main":      strings.NewReplacer(`"dismiss_stale_reviews_on_push":true`, `"dismiss_stale_reviews_on_push":false`, `"require_last_push_approval":true`, `"require_last_push_approval":false`).Replace(reviewedMain),
			repo + "/branches/main/protection": "!404 Branch not protected",
		}), vars: []string{"ALLOW_STALE_APPROVALS=main"}, waived: "waived by ALLOW_STALE_APPROVALS=main: main keeps an approval after more commits are pushed"},
		"no code-owner review on main": {api: with(healthy("staging", "production"), github{
			repo + "/rules/branches/main":      strings.Replace(reviewedMain, `"require_code_owner_review":true`, `"require_code_owner_review":false`, 1),
			repo + "/branches/main/protection": "!404 Branch not protected",
		}), want: "main does not require code-owner review"},
		"CODEOWNERS names an unknown owner": {api: with(healthy("staging", "production"), github{
			repo + "/codeowners/errors?ref=main": `{"errors":[{"line":2,"column":14,"kind":"Unknown owner","source":"/iampolicy/  @acme/account-owner\n","suggestion":null,"message":"Unknown owner on line 2","path":".github/CODEOWNERS"}]}`,
		}), want: "line 2: Unknown owner /iampolicy/  @acme/account-owner"},
		"code owners, waived": {api: with(healthy("staging", "production"), github{
			repo + "/rules/branches/main":      strings.Replace(reviewedMain, `"require_code_owner_review":true`, `"require_code_owner_review":false`, 1),
			repo + "/branches/main/protection": "!404 Branch not protected",
		}), vars: []string{"ALLOW_NO_CODE_OWNERS=main"}, waived: "waived by ALLOW_NO_CODE_OWNERS=main: main does not require code-owner review"},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := runCheck(t, c.api, owned, c.vars, "staging", "production")
			if c.want == "" {
				assert.NoError(t, err, out)
				if c.waived != "" {
					assert.Contains(t, out, "::warning::"+c.waived, "the log names the waiver")
				} else {
					assert.NotContains(t, out, "::warning::", "nothing is waived")
				}
				return
			}
			assert.Error(t, err, "the check must fail")
			assert.Contains(t, out, c.want)
			errors := map[int]int{0: 1, -1: 0}[c.errors]
			if c.errors > 0 {
				errors = c.errors
			}
			assert.Equal(t, errors, strings.Count(out, "::error::"), "the case fails for its own reason only: %s", out)
		})
	}
}

// TestCheckCodeOwnersPlaceholder: this repository's own CODEOWNERS names a placeholder
// owner, which GitHub would ignore: the deploy check stops until a fork replaces it.
func TestCheckCodeOwnersPlaceholder(t *testing.T) {
	ours, err := os.ReadFile(filepath.Join("..", ".github", "CODEOWNERS"))
	require.NoError(t, err)
	out, err := runCheck(t, healthy("production"), string(ours), nil, "production")
	assert.Error(t, err)
	assert.Contains(t, out, ".github/CODEOWNERS still names the placeholder @REPLACE-ME/account-owners")

	replaced := strings.ReplaceAll(string(ours), "@REPLACE-ME/account-owners", "@acme/account-owners")
	out, err = runCheck(t, healthy("production"), replaced, nil, "production")
	assert.NoError(t, err, out)
}

// TestCheckPreviewReviewers: the preview environment, which runs pull requests' code with
// the state passphrase, must have required reviewers unless explicitly allowed.
func TestCheckPreviewReviewers(t *testing.T) {
	for name, c := range map[string]struct {
		rules string
		allow string
		fails bool
	}{
		"reviewers":          {reviewers, "", false},
		"none":               {none, "", true},
		"none, allowed":      {none, "true", false},
		"none, allowed typo": {none, "yes", true},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := runCheck(t, github{repo + "/environments/preview": env(`null`, c.rules)}, owned, []string{"ALLOW_PREVIEW_WITHOUT_REVIEWERS=" + c.allow}, "--reviewers-only", "preview")
			if c.fails {
				assert.Error(t, err)
				assert.Contains(t, out, "environment preview has no required reviewers")
			} else {
				assert.NoError(t, err, out)
			}
		})
	}
}

// TestCheckDriftMainOnly: the drift environment, which holds the state passphrase for the
// scheduled check of main, must deploy exactly main; it needs no reviewers.
func TestCheckDriftMainOnly(t *testing.T) {
	for name, c := range map[string]struct {
		api  github
		want string // "" passes
	}{
		"main only, no reviewers": {with(onlyMain("drift"), github{repo + "/environments/drift": env(custom, none)}), ""},
		"any branch":              {github{repo + "/environments/drift": env(`null`, reviewers)}, "environment drift can be deployed from any branch"},
		"a second branch": {github{repo + "/environments/drift": env(custom, none),
			repo + "/environments/drift/deployment-branch-policies": `{"branch_policies":[{"name":"main","type":"branch"},{"name":"dev","type":"branch"}]}`}, "may be deployed from 'branch:dev branch:main'"},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := runCheck(t, c.api, owned, nil, "--main-only", "drift")
			if c.want == "" {
				assert.NoError(t, err, out)
				return
			}
			assert.Error(t, err)
			assert.Contains(t, out, c.want)
		})
	}
}

// skipRecorder records whether a test would be skipped or failed.
type skipRecorder struct {
	testing.TB
	skipped, failed string
}

func (r *skipRecorder) Skip(args ...any)  { r.skipped = fmt.Sprint(args...) }
func (r *skipRecorder) Fatal(args ...any) { r.failed = fmt.Sprint(args...) }

// TestNeedJQ: without jq the deploy check's tests skip with the reason, except under CI,
// where they fail.
func TestNeedJQ(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("CI", "")
	r := &skipRecorder{TB: t}
	needJQ(r)
	assert.Contains(t, r.skipped, "need jq")
	assert.Empty(t, r.failed)

	t.Setenv("CI", "true")
	r = &skipRecorder{TB: t}
	needJQ(r)
	assert.Contains(t, r.failed, "may not be skipped")
	assert.Empty(t, r.skipped)
}
