package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/stackfile"
)

// TestEntriesOfTheRepository: every stack file of the repository gets an entry, deployed in
// the environment of its own name with the CI roles of its own account and region, except
// the stacks of an account managed elsewhere, which are named as skipped.
func TestEntriesOfTheRepository(t *testing.T) {
	entries, skipped, err := Entries(filepath.Join("..", ".."))
	require.NoError(t, err)
	names, err := stackfile.Names(filepath.Join("..", ".."))
	require.NoError(t, err)
	var deployed []string
	for _, name := range names {
		if !slices.Contains(skipped, "Pulumi."+name+".yaml") {
			deployed = append(deployed, name)
		}
	}
	require.Len(t, entries, len(deployed))
	for i, e := range entries {
		assert.Equal(t, deployed[i], e.Stack)
		assert.Equal(t, e.Stack, e.Environment, "the deploy role trusts environments named after stacks")
		assert.NotEmpty(t, e.Region)
		for _, role := range []string{e.DeployRole, e.PreviewRole, e.DriftRole} {
			assert.Contains(t, role, ":iam::"+e.Account+":role/", "%s: a role of the stack's own account", e.Stack)
		}
		assert.Regexp(t, `^[A-Z0-9_]+$`, e.Secret, "a GitHub secret name part")
	}
}

// copyProject copies the repository's Pulumi.yaml and stack files into a temporary
// directory and adds extra stack files.
func copyProject(t *testing.T, extra map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files, err := filepath.Glob(filepath.Join("..", "..", "Pulumi*.yaml"))
	require.NoError(t, err)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644))
	}
	for name, text := range extra {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+name+".yaml"), []byte(text), 0o644))
	}
	return dir
}

const secondAccount = `config:
  aws:region: eu-west-1
  aws:allowedAccountIds: ["222222222222"]
  secure-aws:account:
    contacts: {security: {name: Sam Doe, title: Security lead, email: security@acme.example, phone: +1 555 0100}}
    manage: true
    alias: acme-eu
`

// TestEntriesOfASecondAccount: a stack in another account is deployed with that account's
// roles once a stack of the account sets secure-aws:ci listing it, and is refused, naming
// the file and the key to set, until then.
func TestEntriesOfASecondAccount(t *testing.T) {
	_, _, err := Entries(copyProject(t, map[string]string{"eu": secondAccount}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Pulumi.eu.yaml: no stack of account 222222222222 sets secure-aws:ci")

	unlisted := secondAccount + "  secure-aws:ci:\n    repository: acme/secure-aws\n    branch: main\n    nameOnlySubjects: true\n    environments: [other]\n"
	_, _, err = Entries(copyProject(t, map[string]string{"eu": unlisted}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `Pulumi.eu.yaml: Pulumi.eu.yaml's secure-aws:ci.environments does not list "eu"`)

	listed := strings.Replace(unlisted, "[other]", "[eu]", 1)
	entries, _, err := Entries(copyProject(t, map[string]string{"eu": listed}))
	require.NoError(t, err)
	var eu *Entry
	for i := range entries {
		if entries[i].Stack == "eu" {
			eu = &entries[i]
		}
	}
	require.NotNil(t, eu)
	assert.Equal(t, Entry{Stack: "eu", Environment: "eu", Region: "eu-west-1", Account: "222222222222",
		DeployRole:  "arn:aws:iam::222222222222:role/secure-aws-deploy",
		PreviewRole: "arn:aws:iam::222222222222:role/secure-aws-preview",
		DriftRole:   "arn:aws:iam::222222222222:role/secure-aws-drift",
		Secret:      "EU"}, *eu)

	withState := strings.Replace(listed, "environments: [eu]", "environments: [eu]\n    stateBucket: acme-state-eu", 1)
	entries, _, err = Entries(copyProject(t, map[string]string{"eu": withState}))
	require.NoError(t, err)
	for _, e := range entries {
		if e.Stack == "eu" {
			assert.Equal(t, "s3://acme-state-eu?region=eu-west-1", e.Backend, "the account's own state bucket")
		} else {
			assert.NotContains(t, e.Backend, "acme-state-eu", "%s: another account's state", e.Stack)
		}
	}
}

// TestSecretSuffixesCollide: two stacks whose names differ only where GitHub's secret names
// cannot would read each other's secrets; they are refused.
func TestSecretSuffixesCollide(t *testing.T) {
	assert.Equal(t, "EU_WEST_1", SecretSuffix("eu-west.1"))
	a := strings.Replace(secondAccount, "acme-eu", "acme-eu\n  secure-aws:ci:\n    repository: acme/secure-aws\n    branch: main\n    nameOnlySubjects: true\n    environments: [eu-1, eu_1]", 1)
	b := strings.Replace(secondAccount, "  secure-aws:account:\n    contacts: {security: {name: Sam Doe, title: Security lead, email: security@acme.example, phone: +1 555 0100}}\n    manage: true\n    alias: acme-eu\n", "  secure-aws:environment: euone\n", 1)
	_, _, err := Entries(copyProject(t, map[string]string{"eu-1": a, "eu_1": b}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Pulumi.eu_1.yaml: its secrets would be named *_EU_1 like those of Pulumi.eu-1.yaml")
}

// TestEntriesSkipAccountsManagedElsewhere: a stack whose account another repository
// manages has no CI roles here: it is skipped by name, and the other stacks still deploy.
func TestEntriesSkipAccountsManagedElsewhere(t *testing.T) {
	elsewhere := strings.Replace(secondAccount, "contacts: {security: {name: Sam Doe, title: Security lead, email: security@acme.example, phone: +1 555 0100}}\n    manage: true\n    alias: acme-eu", "managedElsewhere: true", 1)
	dir := copyProject(t, map[string]string{"eu": elsewhere})
	entries, skipped, err := Entries(dir)
	require.NoError(t, err)
	assert.Equal(t, []string{"Pulumi.eu.yaml"}, skipped)
	for _, e := range entries {
		assert.NotEqual(t, "eu", e.Stack)
	}
	assert.NotEmpty(t, entries)
}
