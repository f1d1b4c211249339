package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/testsupport/fixtures"
)

// runStderr runs the command with args and returns its exit code and standard error.
func runStderr(t *testing.T, args ...string) (int, string) {
	t.Helper()
	quiet(t)
	path := filepath.Join(t.TempDir(), "stderr")
	f, err := os.Create(path)
	require.NoError(t, err)
	old := os.Stderr
	os.Stderr = f
	code := run(args)
	os.Stderr = old
	require.NoError(t, f.Close())
	written, err := os.ReadFile(path)
	require.NoError(t, err)
	return code, string(written)
}

// TestErrorMessagesOnStderr: what a user sees when the plan refuses a stack file: exit 2,
// each problem under its key with the entries named, the field or bucket meant, the type
// in YAML words, the offending character named; a missing stack file lists the stacks.
func TestErrorMessagesOnStderr(t *testing.T) {
	dir := fixtures.Examples(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.qa.yaml"), []byte(`config:
  aws:region: us-east-1
  aws:allowedAccountIds: ["111111111111"]
  secure-aws:account: {managedElsewhere: true}
  secure-aws:credentialsAsPulumiSecrets: true
  secure-aws:buckets:
    - name: acme-assets-qa
  secure-aws:apps:
    - name: my-application
      grants:
        - bucket: acme-assets-qa
        - bucket: acme-assets-qa
          prefix: in/
          actions: s3:GetObject
    - name: reports
      acessKey: true
      grants:
        - bucket: acme-asets-qa
    - name: "inv\u043eices"
      grants:
        - bucket: acme-assets-qa
`), 0o644))
	code, stderr := runStderr(t, "--stack", "qa", "--dir", dir)
	assert.Equal(t, 2, code, stderr)
	for _, want := range []string{
		`invalid configuration of stack "qa" in Pulumi.qa.yaml; nothing was changed:`,
		`  - secure-aws:apps[0] (my-application).grants[1] (acme-assets-qa).actions: must be a list, e.g. [first, second], or one "- item" line each, not text "s3:GetObject"; write [s3:GetObject] for a list of one`,
		`  - secure-aws:apps[1] (reports).acessKey: is not a setting here; did you mean accessKey?`,
		"  - secure-aws:apps[2] (inv\u043eices).name: \"inv\u043eices-qa\" is not a valid IAM user name: U+043E CYRILLIC SMALL LETTER O at position 4 is not allowed; use letters, digits and + = , . @ _ -",
	} {
		assert.Contains(t, stderr, want+"\n")
	}

	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.qa.yaml"), []byte(`config:
  aws:region: us-east-1
  aws:allowedAccountIds: ["111111111111"]
  secure-aws:account: {managedElsewhere: true}
  secure-aws:buckets:
    - name: acme-assets-qa
  secure-aws:apps:
    - name: reports
      grants:
        - bucket: acme-asets-qa
`), 0o644))
	code, stderr = runStderr(t, "--stack", "qa", "--dir", dir)
	assert.Equal(t, 2, code, stderr)
	assert.Contains(t, stderr, `  - secure-aws:apps[0] (reports).grants[0] (acme-asets-qa).bucket: "acme-asets-qa" is neither created by this stack (secure-aws:buckets) nor declared in secure-aws:externalBuckets; a grant may only reach those; did you mean acme-assets-qa?`+"\n")

	code, stderr = runStderr(t, "--stack", "stagign", "--dir", dir)
	assert.Equal(t, 2, code)
	assert.Equal(t, `no stack "stagign": there is no Pulumi.stagign.yaml in `+dir+", and its stacks are production, qa, staging\n", stderr)
}

// TestStackNamesArePulumis: a stack name the Pulumi CLI would refuse (tokens.ParseStackName)
// is refused with exit 2, naming the stack file and the character: it would otherwise be
// printed into the plan comment (a name holding "<!--" hides the rest).
func TestStackNamesArePulumis(t *testing.T) {
	dir := fixtures.Examples(t)
	staging, err := os.ReadFile(filepath.Join(dir, "Pulumi.staging.yaml"))
	require.NoError(t, err)
	for stack, want := range map[string]string{
		"qa<!--":   `stack file "Pulumi.qa<!--.yaml": a stack name may only contain alphanumeric, hyphens, underscores, or periods: invalid character '<' at position 2`,
		"qa\n<!--": `stack file "Pulumi.qa\n<!--.yaml": a stack name may only contain alphanumeric, hyphens, underscores, or periods: invalid character '\n' at position 2`,
	} {
		path := filepath.Join(dir, "Pulumi."+stack+".yaml")
		require.NoError(t, os.WriteFile(path, staging, 0o644))
		code, stderr := runStderr(t, "--stack", stack, "--dir", dir)
		assert.Equal(t, 2, code, stderr)
		assert.Contains(t, stderr, want, stack)
		require.NoError(t, os.Remove(path))
	}
}
