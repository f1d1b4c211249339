package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/secure-aws/secure-aws/internal/testsupport/fixtures"
)

// built is the cmd/plan binary, built once for the tests that run it as CI does.
func built(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "plan")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// setKeys sets configuration keys of dir's stack file of stack to values written as JSON
// (YAML's superset); a "" value removes the key.
func setKeys(t *testing.T, dir, stack string, values map[string]string) {
	t.Helper()
	path := filepath.Join(dir, "Pulumi."+stack+".yaml")
	file := map[string]map[string]any{"config": {}}
	if b, err := os.ReadFile(path); err == nil {
		require.NoError(t, yaml.Unmarshal(b, &file))
	}
	for k, v := range values {
		if v == "" {
			delete(file["config"], k)
			continue
		}
		var value any
		require.NoError(t, yaml.Unmarshal([]byte(v), &value))
		file["config"][k] = value
	}
	b, err := yaml.Marshal(file)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o644))
}

// planExit runs the built plan of stack in dir and returns its exit code and standard error.
func planExit(t *testing.T, bin, dir, stack string) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, "--stack", stack, "--dir", dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), stderr.String()
	}
	require.NoError(t, err)
	return 0, stderr.String()
}

// TestOneAccountManyStacks: each way one stack file could reach what another stack of the
// same account guards is refused by the built plan with exit 2, naming both stack files and
// both keys, and the stack files as shipped plan cleanly. External entries name another
// account here (a lie about the owner): the stack's own account is refused on its own.
func TestOneAccountManyStacks(t *testing.T) {
	bin := built(t)
	const staging, production = "Pulumi.staging.yaml", "Pulumi.production.yaml"
	for _, c := range []struct {
		name  string
		edits map[string]map[string]string // stack -> key -> JSON value
		plan  string                       // the stack planned
		want  []string                     // in standard error
	}{{
		name: "staging reads production's vault as an external bucket",
		edits: map[string]map[string]string{"staging": {
			"secure-aws:externalBuckets": `[{"name":"acme-backups-production","account":"222222222222"}]`,
			"secure-aws:apps":            `[{"name":"my-application","grants":[{"bucket":"acme-backups-production","actions":["s3:GetObject"]}]}]`,
		}},
		plan: "staging",
		want: []string{staging, "secure-aws:externalBuckets[0] (acme-backups-production).name", production, "secure-aws:backups[0] (acme-backups-production).bucket"},
	}, {
		name: "staging writes to the audit trail bucket",
		edits: map[string]map[string]string{"staging": {
			"secure-aws:externalBuckets": `[{"name":"acme-audit-trail","account":"222222222222"}]`,
		}},
		plan: "staging",
		want: []string{"secure-aws:externalBuckets[0] (acme-audit-trail).name", production, "secure-aws:account.trail.bucket"},
	}, {
		name: "staging writes to the Pulumi state bucket",
		edits: map[string]map[string]string{
			"production": {"secure-aws:ci": `{"repository":"acme/secure-aws","ownerId":1234567,"repositoryId":89012345,"environments":["staging","production"],"stateBucket":"acme-pulumi-state"}`},
			"staging":    {"secure-aws:externalBuckets": `[{"name":"acme-pulumi-state","account":"222222222222"}]`},
		},
		plan: "staging",
		want: []string{"secure-aws:externalBuckets[0] (acme-pulumi-state).name", production, "secure-aws:ci.stateBucket"},
	}, {
		name: "production creates a bucket staging already lists as external",
		edits: map[string]map[string]string{
			"staging": {
				"secure-aws:externalBuckets":            `[{"name":"acme-new-production","account":"222222222222"}]`,
				"secure-aws:credentialsAsPulumiSecrets": "true",
				"secure-aws:apps":                       `[{"name":"my-application","grants":[{"bucket":"acme-new-production","actions":["s3:GetObject"]}]}]`,
			},
			"production": {"secure-aws:buckets": `[{"name":"acme-assets-production"},{"name":"acme-new-production"}]`},
		},
		plan: "production",
		want: []string{production, "secure-aws:buckets[1] (acme-new-production).name", staging, "secure-aws:externalBuckets[0] (acme-new-production).name"},
	}, {
		name: "staging writes to a bucket of its own account that no stack owns (the state bucket before ci.stateBucket)",
		edits: map[string]map[string]string{"staging": {
			"secure-aws:externalBuckets": `[{"name":"acme-pulumi-state","account":"111111111111"}]`,
		}},
		plan: "staging",
		want: []string{staging, "secure-aws:externalBuckets[0] (acme-pulumi-state).account", "is this stack's own account", "import: true"},
	}, {
		name: "staging adopts production's vault",
		edits: map[string]map[string]string{"staging": {
			"secure-aws:buckets": `[{"name":"acme-assets-staging"},{"name":"acme-backups-production","import":true}]`,
		}},
		plan: "staging",
		want: []string{"secure-aws:buckets[1] (acme-backups-production).name", production, "secure-aws:backups[0] (acme-backups-production).bucket", "one owning stack"},
	}, {
		name: "a third stack declares production's bucket",
		edits: map[string]map[string]string{"qa": {
			"aws:region": "us-east-1", "aws:allowedAccountIds": `["111111111111"]`,
			"secure-aws:buckets": `[{"name":"acme-assets-production"}]`,
		}},
		plan: "qa",
		want: []string{"Pulumi.qa.yaml", "secure-aws:buckets[0] (acme-assets-production).name", production, "(secure-aws:buckets[0] (acme-assets-production).name)"},
	}, {
		name: "a third stack takes staging's IAM user names",
		edits: map[string]map[string]string{"qa": {
			"aws:region": "us-east-1", "aws:allowedAccountIds": `["111111111111"]`,
			"secure-aws:environment":                "staging",
			"secure-aws:credentialsAsPulumiSecrets": "true",
			"secure-aws:buckets":                    `[{"name":"acme-assets-qa"}]`,
			"secure-aws:apps":                       `[{"name":"My-Application","grants":[{"bucket":"acme-assets-qa"}]}]`,
		}},
		plan: "qa",
		want: []string{"secure-aws:apps[0] (My-Application).name", staging, "(secure-aws:apps[0] (my-application).name)", "IAM names ignore case"},
	}, {
		name: "production's stack file names its account in a form the loader refuses",
		edits: map[string]map[string]string{
			"production": {"aws:allowedAccountIds": `[111111111111]`},
			"staging":    {"secure-aws:account": `{"managedElsewhere":true}`},
		},
		plan: "staging",
		want: []string{staging, "Pulumi.production.yaml", "names no account it can be told apart by"},
	}, {
		name: "two stacks manage one account",
		edits: map[string]map[string]string{"staging": {
			"secure-aws:account": `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-staging"}`,
		}},
		plan: "staging",
		want: []string{staging, "secure-aws:account.manage", production},
	}, {
		name: "an account that no stack manages",
		edits: map[string]map[string]string{"sandbox": {
			"aws:region": "us-east-1", "aws:allowedAccountIds": `["222222222222"]`,
			"secure-aws:buckets": `[{"name":"acme-assets-sandbox"}]`,
		}},
		plan: "sandbox",
		want: []string{"Pulumi.sandbox.yaml", "secure-aws:account.manage", "222222222222", "account.managedElsewhere: true"},
	}, {
		name: "managed elsewhere while a stack here manages it",
		edits: map[string]map[string]string{"staging": {
			"secure-aws:account": `{"managedElsewhere":true}`,
		}},
		plan: "staging",
		want: []string{"secure-aws:account.managedElsewhere", production},
	}, {
		name: "the deploy role trusts a misspelt environment",
		edits: map[string]map[string]string{"production": {
			"secure-aws:ci": `{"repository":"acme/secure-aws","ownerId":1234567,"repositoryId":89012345,"environments":["staging","prodution"]}`,
		}},
		plan: "production",
		want: []string{production, "secure-aws:ci.environments[1]", `"prodution" is not a stack of account 111111111111`},
	}, {
		name: "the deploy role trusts the previews' environment",
		edits: map[string]map[string]string{"production": {
			"secure-aws:ci": `{"repository":"acme/secure-aws","ownerId":1234567,"repositoryId":89012345,"environments":["production","preview"]}`,
		}},
		plan: "production",
		want: []string{"secure-aws:ci.environments[1]", "pull-request previews"},
	}} {
		t.Run(c.name, func(t *testing.T) {
			dir := fixtures.Examples(t)
			for stack, values := range c.edits {
				setKeys(t, dir, stack, values)
			}
			code, stderr := planExit(t, bin, dir, c.plan)
			assert.Equal(t, 2, code, "%s", stderr)
			for _, w := range c.want {
				assert.Contains(t, stderr, w)
			}
		})
	}

	t.Run("a stack file beside it that cannot be read", func(t *testing.T) {
		dir := fixtures.Examples(t)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.production.yaml"), []byte("config: [\n"), 0o644))
		code, stderr := planExit(t, bin, dir, "staging")
		assert.Equal(t, 2, code, "what production owns is unknown, so staging cannot be checked against it: %s", stderr)
		assert.Contains(t, stderr, "Pulumi.production.yaml: could not be read")
		assert.Contains(t, stderr, "none can run until it is fixed")
	})

	t.Run("as shipped, and managed elsewhere when no stack here manages", func(t *testing.T) {
		dir := fixtures.Examples(t)
		for _, stack := range []string{"staging", "production"} {
			code, stderr := planExit(t, bin, dir, stack)
			assert.Equal(t, 0, code, "%s", stderr)
		}
		setKeys(t, dir, "sandbox", map[string]string{
			"aws:region": "us-east-1", "aws:allowedAccountIds": `["222222222222"]`,
			"secure-aws:account": `{"managedElsewhere":true}`,
			"secure-aws:buckets": `[{"name":"acme-assets-sandbox"}]`,
		})
		code, stderr := planExit(t, bin, dir, "sandbox")
		assert.Equal(t, 0, code, "%s", stderr)
	})
}
