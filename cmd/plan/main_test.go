package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/plan"
	"github.com/secure-aws/secure-aws/internal/testsupport/fixtures"
	"github.com/secure-aws/secure-aws/rules"
)

// quiet sends the command's standard output to a file for the length of the test.
func quiet(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stdout")
	f, err := os.Create(path)
	require.NoError(t, err)
	old := os.Stdout
	os.Stdout = f
	t.Cleanup(func() { os.Stdout = old; f.Close() })
	return path
}

func TestExitCodes(t *testing.T) {
	out := quiet(t)
	dir := fixtures.Examples(t)
	assert.Equal(t, 0, run([]string{"--stack", "staging", "--dir", dir}))
	assert.Equal(t, 0, run([]string{"--stack", "production", "--dir", dir, "--format", "json"}))
	assert.Equal(t, 2, run([]string{"--dir", dir}), "no stack")
	assert.Equal(t, 2, run([]string{"--stack", "staging", "--format", "yaml", "--dir", dir}), "unknown format")
	assert.Equal(t, 2, run([]string{"--stack", "missing", "--dir", dir}), "no such stack file")
	written, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(written), "# secure-aws plan: stack `staging`")
	assert.Contains(t, string(written), `"stack": "production"`)
}

// TestExitCodeOnInvalidFiles: a stack file that is not YAML, or holds a value of the wrong
// declared type, exits 2 like every other invalid configuration.
func TestExitCodeOnInvalidFiles(t *testing.T) {
	quiet(t)
	project, err := os.ReadFile("../../Pulumi.yaml")
	require.NoError(t, err)
	for name, stackFile := range map[string]string{
		"yaml syntax":   "config:\n  aws:region: [us-east-1\n",
		"declared type": "config:\n  aws:region: us-east-1\n  secure-aws:apps: my-app\n",
		"invalid value": "config:\n  aws:region: us-east-1\n  aws:allowedAccountIds: [\"111111111111\"]\n  secure-aws:environment: Prod\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.bad.yaml"), []byte(stackFile), 0o644))
			assert.Equal(t, 2, run([]string{"--stack", "bad", "--dir", dir}))
		})
	}
}

// TestViolationsNameTheSetting: each violation is one line on stderr, the stack file's
// setting and its value where one setting gives it, else the resource, then the count of
// mandatory ones, which make the exit code 1; an advisory one alone does not.
func TestViolationsNameTheSetting(t *testing.T) {
	p := &plan.Plan{Rules: rules.All(), Violations: []rules.Violation{
		{Rule: "password-policy-cis", URN: "urn:pulumi:lax::secure-aws::aws:iam/accountPasswordPolicy:AccountPasswordPolicy::account-password-policy",
			Setting: "secure-aws:account.passwordPolicy.reusePrevention", Value: "5", Message: "CIS v5.0.0 1.8 (v7.0.0 2.9) asks for 24"},
		{Rule: "bucket-secure", URN: "urn:pulumi:lax::secure-aws::aws:s3/bucketV2:BucketV2::data-bucket", Message: "bucket data has no default encryption"},
	}}
	var stderr strings.Builder
	assert.Equal(t, 2, violations(&stderr, p))
	assert.Equal(t, "mandatory: secure-aws:account.passwordPolicy.reusePrevention: 5 fails password-policy-cis (CIS v5.0.0 1.8 (v7.0.0 2.9) asks for 24)\n"+
		"mandatory: aws:s3/bucketV2:BucketV2 data-bucket: bucket data has no default encryption (fails bucket-secure)\n"+
		"2 mandatory policy rule violation(s)\n", stderr.String())

	advisory := &plan.Plan{Rules: []rules.Rule{{Name: "advice", Level: rules.Advisory}}, Violations: []rules.Violation{{Rule: "advice", URN: "x", Message: "consider it"}}}
	stderr.Reset()
	assert.Zero(t, violations(&stderr, advisory))
	assert.Equal(t, "advisory: x: consider it (fails advice)\n", stderr.String())
}

// TestRefusedPasswordPolicyExits2: a password policy the CIS rule would refuse is refused
// with the configuration (exit 2), naming the setting, before anything is planned.
func TestRefusedPasswordPolicyExits2(t *testing.T) {
	quiet(t)
	dir := t.TempDir()
	project, err := os.ReadFile("../../Pulumi.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.lax.yaml"), []byte(`config:
  aws:region: us-east-1
  aws:allowedAccountIds: ["111111111111"]
  secure-aws:account:
    manage: true
    alias: acme-corp
    contacts: {security: {name: Sam Doe, title: Security lead, email: security@acme.example, phone: +1 555 0100}}
    passwordPolicy:
      reusePrevention: 12
`), 0o644))
	assert.Equal(t, 2, run([]string{"--stack", "lax", "--dir", dir}))
}

// TestExitCodeWithBase: with --base, the plan compares with the deployed stack's JSON plan;
// removing a protected bucket exits 4 (the deploy would stop), a mere update exits 0, and
// a base that cannot be read exits 2.
func TestExitCodeWithBase(t *testing.T) {
	out := quiet(t)
	dir := t.TempDir()
	project, err := os.ReadFile("../../Pulumi.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644))
	stack := filepath.Join(dir, "Pulumi.svc.yaml")
	write := func(buckets string) {
		require.NoError(t, os.WriteFile(stack, []byte(`config:
  aws:region: eu-west-1
  aws:allowedAccountIds: ["222222222222"]
  secure-aws:account: {manage: true, contacts: {security: {name: Sam Doe, title: Security lead, email: security@acme.example, phone: +1 555 0100}}, alias: diffcheck-svc}
  secure-aws:buckets:
`+buckets), 0o644))
	}
	base := filepath.Join(dir, "base.json")
	write("    - name: diffcheck-data-svc\n    - name: diffcheck-logs-svc\n")
	require.Equal(t, 0, run([]string{"--stack", "svc", "--dir", dir, "--format", "json"}))
	written, err := os.ReadFile(out)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(base, written, 0o644))

	assert.Equal(t, 0, run([]string{"--stack", "svc", "--dir", dir, "--base", base}), "no change")
	write("    - name: diffcheck-data-svc\n")
	assert.Equal(t, 4, run([]string{"--stack", "svc", "--dir", dir, "--base", base}), "a protected bucket removed")
	assert.Equal(t, 2, run([]string{"--stack", "svc", "--dir", dir, "--base", filepath.Join(dir, "missing.json")}))
	assert.Equal(t, 2, run([]string{"--stack", "svc", "--dir", dir, "--base", stack}), "not a JSON plan")
	assert.Equal(t, 2, run([]string{"--stack", "svc", "--dir", dir, "--base", base, "--format", "json"}), "the changes are Markdown only")
	written, err = os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(written), "**The deploy would stop**")
}

// TestResourcesAndComment: --resources renders a JSON plan made by another build as that
// build's own plan; --comment prints a comment within --limit bytes.
func TestResourcesAndComment(t *testing.T) {
	dir := fixtures.Examples(t)
	p, err := plan.Run(dir, "staging")
	require.NoError(t, err)
	recorded, err := p.JSON()
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "head.json")
	require.NoError(t, os.WriteFile(file, recorded, 0o644))
	out := quiet(t)
	assert.Equal(t, 0, run([]string{"--stack", "staging", "--dir", dir, "--resources", file}))
	written, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, p.Markdown(), string(written))

	long := filepath.Join(t.TempDir(), "comment.md")
	require.NoError(t, os.WriteFile(long, []byte("<!-- m -->\n"+strings.Repeat("a line of the plan\n", 1000)), 0o644))
	out = quiet(t)
	assert.Equal(t, 0, run([]string{"--comment", long, "--limit", "3000"}))
	written, err = os.ReadFile(out)
	require.NoError(t, err)
	assert.LessOrEqual(t, len(written), 3000)
	assert.Contains(t, string(written), "**This comment is cut**")
}
