// Package scripts_test runs the repository's shell scripts against fakes of the tools
// they call.
package scripts_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeGH answers `gh api PATH --jq FILTER` from canned responses, applying the filter with
// jq as gh does.
const fakeGH = `#!/bin/sh
file="$FAKE_GH_DIR/$(printf '%s' "$2" | tr '/?&=' '____').json"
[ -f "$file" ] || { echo "gh: Not Found (HTTP 404)" >&2; exit 1; }
exec jq -r "$4" "$file"
`

// github is the API state of one case: path -> JSON body.
type github map[string]string

const repo = "repos/acme/infra"

func env(policy, rules string) string {
	return `{"deployment_branch_policy":` + policy + `,"protection_rules":` + rules + `}`
}

const (
	custom    = `{"protected_branches":false,"custom_branch_policies":true}`
	protected = `{"protected_branches":true,"custom_branch_policies":false}`
	reviewers = `[{"type":"required_reviewers"},{"type":"branch_policy"}]`
	none      = `[]`
)

func onlyMain(envs ...string) github {
	g := github{}
	for _, e := range envs {
		g[repo+"/environments/"+e+"/deployment-branch-policies"] = `{"total_count":1,"branch_policies":[{"name":"main","type":"branch"}]}`
	}
	return g
}

func with(g github, extra github) github {
	for k, v := range extra {
		g[k] = v
	}
	return g
}

// runCheck runs check-environments.sh with args against the API state api, with one more
// environment variable.
func runCheck(t *testing.T, api github, variable string, args ...string) (string, error) {
	t.Helper()
	bin, dir := t.TempDir(), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bin, "gh"), []byte(fakeGH), 0o755))
	for path, body := range api {
		file := strings.NewReplacer("/", "_", "?", "_", "&", "_", "=", "_").Replace(path) + ".json"
		require.NoError(t, os.WriteFile(filepath.Join(dir, file), []byte(body), 0o644))
	}
	cmd := exec.Command("bash", append([]string{"check-environments.sh"}, args...)...)
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "FAKE_GH_DIR="+dir, "GITHUB_REPOSITORY=acme/infra", variable)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestCheckEnvironments(t *testing.T) {
	_, err := exec.LookPath("jq")
	require.NoError(t, err, "the check (and this test) needs jq, as GitHub's runners have it")
	for name, c := range map[string]struct {
		api   github
		allow bool
		want  string // "" passes
	}{
		"custom policies naming main, reviewers": {with(onlyMain("staging", "production"), github{
			repo + "/environments/staging": env(custom, reviewers), repo + "/environments/production": env(custom, reviewers),
		}), false, ""},
		"protected branches, main the only one": {github{
			repo + "/environments/staging": env(protected, reviewers), repo + "/environments/production": env(protected, reviewers),
			repo + "/branches?protected=true&per_page=100": `[{"name":"main"}]`,
		}, false, ""},
		"no branch policy": {with(onlyMain("production"), github{
			repo + "/environments/staging": env(`null`, reviewers), repo + "/environments/production": env(custom, reviewers),
		}), false, "environment staging can be deployed from any branch"},
		"a second custom branch": {with(onlyMain("production"), github{
			repo + "/environments/staging": env(custom, reviewers), repo + "/environments/production": env(custom, reviewers),
			repo + "/environments/staging/deployment-branch-policies": `{"branch_policies":[{"name":"main","type":"branch"},{"name":"dev","type":"branch"}]}`,
		}), false, "may be deployed from 'branch:dev branch:main'"},
		"a wildcard branch": {with(onlyMain("production"), github{
			repo + "/environments/staging": env(custom, reviewers), repo + "/environments/production": env(custom, reviewers),
			repo + "/environments/staging/deployment-branch-policies": `{"branch_policies":[{"name":"*","type":"branch"}]}`,
		}), false, "may be deployed from 'branch:*'"},
		"a tag named main": {with(onlyMain("production"), github{
			repo + "/environments/staging": env(custom, reviewers), repo + "/environments/production": env(custom, reviewers),
			repo + "/environments/staging/deployment-branch-policies": `{"branch_policies":[{"name":"main","type":"tag"}]}`,
		}), false, "may be deployed from 'tag:main'"},
		"protected branches, release protected too": {github{
			repo + "/environments/staging": env(protected, reviewers), repo + "/environments/production": env(protected, reviewers),
			repo + "/branches?protected=true&per_page=100": `[{"name":"main"},{"name":"release"}]`,
		}, false, "every protected branch ('main release')"},
		"no reviewers": {with(onlyMain("staging", "production"), github{
			repo + "/environments/staging": env(custom, reviewers), repo + "/environments/production": env(custom, none),
		}), false, "environment production has no required reviewers"},
		"staging without reviewers": {with(onlyMain("staging", "production"), github{
			repo + "/environments/staging": env(custom, none), repo + "/environments/production": env(custom, reviewers),
		}), false, "environment staging has no required reviewers"},
		"no reviewers, explicitly allowed": {with(onlyMain("staging", "production"), github{
			repo + "/environments/staging": env(custom, none), repo + "/environments/production": env(custom, none),
		}), true, ""},
		"environment missing": {github{}, false, "Not Found"},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := runCheck(t, c.api, "ALLOW_DEPLOY_WITHOUT_REVIEWERS="+map[bool]string{true: "true"}[c.allow], "staging", "production")
			if c.want == "" {
				assert.NoError(t, err, out)
				return
			}
			assert.Error(t, err, "the check must fail")
			assert.Contains(t, out, c.want)
		})
	}
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
			out, err := runCheck(t, github{repo + "/environments/preview": env(`null`, c.rules)}, "ALLOW_PREVIEW_WITHOUT_REVIEWERS="+c.allow, "--reviewers-only", "preview")
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
			out, err := runCheck(t, c.api, "ALLOW_DEPLOY_WITHOUT_REVIEWERS=", "--main-only", "drift")
			if c.want == "" {
				assert.NoError(t, err, out)
				return
			}
			assert.Error(t, err)
			assert.Contains(t, out, c.want)
		})
	}
}
