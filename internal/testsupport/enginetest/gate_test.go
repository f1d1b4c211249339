package enginetest

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/plan"
	"github.com/secure-aws/secure-aws/internal/stackfile"
)

// TestCLIConfigEqualsStackFileLoader: for every stack file, the configuration the CLI
// merges and validates (project defaults applied) is the one the offline plan and the
// tests load, key for key.
func TestCLIConfigEqualsStackFileLoader(t *testing.T) {
	for _, name := range stackNames(t) {
		t.Run(name, func(t *testing.T) {
			p := newProject(t)
			s := p.stack(name)
			cli, err := s.GetAllConfig(t.Context())
			require.NoError(t, err)
			st, err := stackfile.Load(p.dir, name)
			require.NoError(t, err)
			got := map[string]string{}
			for k, v := range cli {
				got[k] = v.Value
			}
			require.ElementsMatch(t, keysOf(st.Config), keysOf(got))
			for k, want := range st.Config {
				if json.Valid([]byte(want)) && json.Valid([]byte(got[k])) {
					assert.JSONEq(t, want, got[k], k)
				} else {
					assert.Equal(t, want, got[k], k)
				}
			}
		})
	}
}

func keysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestCLIRefusesDeclaredKeysWithoutDefault is the bug this tier was written for: a key
// declared in Pulumi.yaml without a default is required by the CLI before the program
// runs. With the defaults stripped, the CLI refuses every stack, and the stack file
// loader refuses it with the same words.
func TestCLIRefusesDeclaredKeysWithoutDefault(t *testing.T) {
	name := stackNames(t)[0]
	p := newProject(t)
	path := filepath.Join(p.dir, "Pulumi.yaml")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	stripped := regexp.MustCompile(`(?m)^    default: .*\n`).ReplaceAll(b, nil)
	require.NotEqual(t, b, stripped, "Pulumi.yaml declares defaults")
	require.NoError(t, os.WriteFile(path, stripped, 0o644))
	s := p.stack(name)

	_, err = p.preview(s)
	require.Error(t, err)
	_, offline := stackfile.Load(p.dir, name)
	require.Error(t, offline)
	msg := strings.TrimPrefix(offline.Error(), "validating stack config: ")
	assert.Contains(t, msg, "is missing configuration value")
	assert.Contains(t, err.Error(), msg, "the CLI and the loader say the same")
	assert.Empty(t, p.ops(), "nothing reached the provider")
}

// TestPackBlocksMandatoryViolation: a variant of the program that adds an inline user
// policy (rule R6) is stopped by the policy pack, which names the rule, and nothing is
// created.
func TestPackBlocksMandatoryViolation(t *testing.T) {
	name := stackNames(t)[0]
	p := newProject(t)
	s := p.stackWith(name, func(ctx *pulumi.Context) error {
		_, err := iam.NewUserPolicy(ctx, "enginetest-inline", &iam.UserPolicyArgs{
			User:   pulumi.String("enginetest"),
			Policy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`),
		})
		return err
	})
	for _, op := range []func(auto.Stack) (*run, error){p.preview, p.up} {
		r, err := op(s)
		require.Error(t, err)
		assert.Contains(t, strings.Join(r.policyEvents(), "\n"), "no-user-policies")
		assert.Contains(t, err.Error(), "mandatory")
	}
	assert.Empty(t, opsOf(p.ops(), "create"), "deployed as the workflow does, nothing is created")

	// Why the deploy workflow previews first: up alone still refuses the violating
	// resource, but creates what was registered before it.
	r, err := p.upSkipPreview(s)
	require.Error(t, err)
	assert.Contains(t, strings.Join(r.policyEvents(), "\n"), "no-user-policies")
	created := opsOf(p.ops(), "create")
	assert.NotEmpty(t, created, "up alone created what was registered before the violation")
	for _, o := range created {
		assert.NotContains(t, o.URN, "enginetest-inline", "the violating resource is never created")
	}
}

// badInputs sample the configuration sections, each on a stack the test writes itself (a
// managing stack unless the case says otherwise), so the sample holds whatever the
// repository's stack files say.
var badInputs = []struct {
	name string
	set  map[string]string
}{
	{"environment", map[string]string{"secure-aws:environment": "Prod"}},
	{"account", map[string]string{"secure-aws:account": `{"manage":true,` + securityContactJSON + `"alias":"acme--corp"}`}},
	{"adminGroup", map[string]string{"secure-aws:adminGroup": `{"path":"/"}`}},
	{"admins", map[string]string{"secure-aws:admins": `[{"name":"alice smith"}]`}},
	{"developerGroup", map[string]string{"secure-aws:developerGroup": `{"managedPolicies":["AdministratorAccess"]}`, "secure-aws:developers": `[{"name":"carol"}]`}},
	{"developers", map[string]string{"secure-aws:developers": `[{"name":"carol","pgpKey":"not a key"}]`}},
	{"buckets", map[string]string{"secure-aws:buckets": `[{"name":"Not_A_Bucket"}]`}},
	{"externalBuckets", map[string]string{"secure-aws:externalBuckets": `["a"]`}},
	{"apps", map[string]string{"secure-aws:apps": `[{"name":"app","grants":[{"bucket":"nowhere"}]}]`}},
	{"thirdParties", map[string]string{"secure-aws:thirdParties": `[{"name":"svc","grants":[{"bucket":"enginetest-assets","actions":["s3:*"]}]}]`}},
	{"backups", map[string]string{"secure-aws:backups": `[{"bucket":"enginetest-backups","glacierAfterDays":30,"expireAfterDays":20}]`}},
	{"ci", map[string]string{"secure-aws:ci": `{"repository":"not-a-repo"}`}},
	{"quotas", map[string]string{"secure-aws:quotas": `{"policiesPerGroup":21}`}},
	{"allowedAccountIds", map[string]string{"aws:allowedAccountIds": `["11111111111"]`}},
	{"unknown key", map[string]string{"secure-aws:bakups": `[]`}},
	{"misspelt namespace", map[string]string{"secure_aws:backups": `[{"bucket":"enginetest-backups"}]`}},
	{"declared type (the CLI's own check)", map[string]string{"secure-aws:apps": `"my-app"`}},
}

// TestBadInputThroughTheCLI: each bad input fails `pulumi preview` with the offline plan's
// message, and registers nothing.
func TestBadInputThroughTheCLI(t *testing.T) {
	for _, c := range badInputs {
		t.Run(c.name, func(t *testing.T) {
			p := newProject(t)
			const name = "badinput"
			cfg := ownStack(map[string]string{
				"secure-aws:account": `{"manage":true,` + securityContactJSON + `"alias":"acme-corp"}`,
				"secure-aws:buckets": `[{"name":"enginetest-assets"}]`,
			})
			for k, v := range c.set {
				cfg[k] = v
			}
			p.writeStack(name, cfg)
			_, offline := plan.Run(p.dir, name)
			require.Error(t, offline, "the offline plan refuses it")
			var cfgErr *config.Error
			if errors.As(offline, &cfgErr) {
				require.NotEmpty(t, cfgErr.Problems)
			}

			s := p.stack(name)
			r, err := p.preview(s)
			require.Error(t, err)
			for _, line := range strings.Split(strings.TrimPrefix(offline.Error(), "validating stack config: "), "\n") {
				assert.Contains(t, err.Error(), strings.TrimSpace(line), "the CLI shows the offline plan's message")
			}
			for _, step := range r.steps() {
				assert.Contains(t, step, "pulumi:pulumi:Stack", "nothing but the stack itself is registered")
			}
			assert.Empty(t, opsOf(p.ops(), "create"))
			assert.Empty(t, opsOf(p.ops(), "diff"))
		})
	}
}
