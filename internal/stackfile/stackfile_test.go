package stackfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// project writes a Pulumi.yaml with the given config declarations and one stack file.
func project(t *testing.T, declarations, stackConfig string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: secure-aws\nruntime: go\nconfig:\n"+declarations), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.dev.yaml"), []byte("config:\n"+stackConfig), 0o644))
	return dir
}

func TestLoadPassesStructuredValuesAsJSON(t *testing.T) {
	dir := project(t, "", "  aws:region: us-east-1\n  aws:allowedAccountIds: [\"111111111111\"]\n")
	st, err := Load(dir, "dev")
	require.NoError(t, err)
	assert.Equal(t, "us-east-1", st.Config["aws:region"])
	assert.JSONEq(t, `["111111111111"]`, st.Config["aws:allowedAccountIds"], "structured values arrive as JSON, as the engine passes them")
}

// TestLoadAppliesDeclaredDefaults: a declared default or value fills a key the stack leaves
// out, as the CLI passes it to the program; a stack value wins.
func TestLoadAppliesDeclaredDefaults(t *testing.T) {
	dir := project(t, `  secure-aws:environment: {type: string, default: ""}
  secure-aws:apps: {type: array, items: {type: object}, default: []}
  secure-aws:quotas: {type: object, default: {groupsPerAccount: 5}}
  secure-aws:count: {type: integer, default: 3}
  secure-aws:flag: {type: boolean, default: true}
  aws:region: {value: eu-west-1}
  aws:skipMetadataApiCheck: {value: false}
`, "  secure-aws:flag: false\n")
	st, err := Load(dir, "dev")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"secure-aws:environment":   "",
		"secure-aws:apps":          "[]",
		"secure-aws:quotas":        `{"groupsPerAccount":5}`,
		"secure-aws:count":         "3",
		"secure-aws:flag":          "false",
		"aws:region":               "eu-west-1",
		"aws:skipMetadataApiCheck": "false",
	}, st.Config)
}

// TestLoadRequiresDeclaredKeysWithoutDefault: the CLI refuses a stack that lacks a key of
// the project's namespace declared without a default, before the program runs; Load says
// the same words.
func TestLoadRequiresDeclaredKeysWithoutDefault(t *testing.T) {
	for name, c := range map[string]struct{ declarations, want string }{
		"one":   {"  secure-aws:b: {type: string}\n", "validating stack config: Stack 'dev' is missing configuration value 'secure-aws:b'"},
		"two":   {"  secure-aws:b: {type: string}\n  secure-aws:a: {type: object}\n", "validating stack config: Stack 'dev' is missing configuration values 'secure-aws:a' and 'secure-aws:b'"},
		"three": {"  c: {type: string}\n  secure-aws:b: {type: string}\n  secure-aws:a: {type: object}\n", "validating stack config: Stack 'dev' is missing configuration values 'c', 'secure-aws:a' and 'secure-aws:b'"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Load(project(t, c.declarations, "  aws:region: us-east-1\n"), "dev")
			require.Error(t, err)
			assert.Equal(t, c.want, err.Error())
		})
	}
	_, err := Load(project(t, "  secure-aws:b: {type: string}\n", "  secure-aws:b: set\n"), "dev")
	assert.NoError(t, err, "a key the stack sets is not missing")
}

// TestLoadAppliesProjectTypes: a value of the wrong type for its declared project type is
// refused, as the engine refuses it before the program runs.
func TestLoadAppliesProjectTypes(t *testing.T) {
	declarations := "  secure-aws:apps: {type: array, items: {type: object}, default: []}\n  secure-aws:token: {type: string, secret: true, default: \"\"}\n"
	_, err := Load(project(t, declarations, "  secure-aws:apps: not-a-list\n"), "dev")
	require.Error(t, err)
	assert.Equal(t, "validating stack config: Stack 'dev' with configuration key 'secure-aws:apps' must be of type 'array<object>'", err.Error())

	_, err = Load(project(t, declarations, "  secure-aws:token: plain\n"), "dev")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "must be encrypted as it's secret")

	_, err = Load(project(t, declarations, ""), "missing")
	assert.ErrorContains(t, err, `no stack "missing"`)
}

// TestLoadLimits: what the CLI reads but the loader cannot is refused or left to the CLI,
// never silently misread: Pulumi ESC environments are refused; an encrypted value, which
// the CLI type-checks after decrypting it, is not type-checked on its ciphertext.
func TestLoadLimits(t *testing.T) {
	_, err := Load(project(t, "", "  aws:region: us-east-1\nenvironment:\n  - acme/shared\n"), "dev")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Pulumi ESC environments")

	st, err := Load(project(t, "  secure-aws:count: {type: integer, default: 1}\n", "  secure-aws:count:\n    secure: v1:c2FsdA==:Y2lwaGVy\n"), "dev")
	require.NoError(t, err)
	assert.Contains(t, st.Config, "secure-aws:count")
}

func TestNames(t *testing.T) {
	dir := project(t, "", "")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.a-b.yaml"), nil, 0o644))
	names, err := Names(dir)
	require.NoError(t, err)
	assert.Equal(t, []string{"a-b", "dev"}, names)
}

// TestMissingStackListsTheStacksThere: a stack name without a stack file is refused with
// the stacks the directory has, so a misspelt name shows its right spelling.
func TestMissingStackListsTheStacksThere(t *testing.T) {
	dir := project(t, "", "  aws:region: us-east-1\n")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.prod.yaml"), []byte("config: {}\n"), 0o644))
	_, err := Load(dir, "stagign")
	var invalid *InvalidError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, `no stack "stagign": there is no Pulumi.stagign.yaml in `+dir+", and its stacks are dev, prod", err.Error())

	empty := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(empty, "Pulumi.yaml"), []byte("name: secure-aws\nruntime: go\n"), 0o644))
	_, err = Load(empty, "dev")
	require.ErrorAs(t, err, &invalid)
	assert.EqualError(t, err, `no stack "dev": there is no Pulumi.dev.yaml in `+empty+", and it has no Pulumi.<stack>.yaml at all")
}

// TestMisindentedEntryIsNamed: a list entry pasted with less indentation than its siblings
// makes the YAML parser complain about an earlier line; the error names the pasted line and
// the indentation its siblings have. Any other YAML error still says how entries are indented.
func TestMisindentedEntryIsNamed(t *testing.T) {
	dir := project(t, "", "  aws:region: us-east-1\n  secure-aws:buckets:\n    - name: acme-assets-staging\n  - name: acme-reports-staging\n")
	_, err := Load(dir, "dev")
	var invalid *InvalidError
	require.ErrorAs(t, err, &invalid)
	assert.Contains(t, err.Error(), "Pulumi.dev.yaml")
	assert.Contains(t, err.Error(), "line 5 is indented 2 spaces, but the entries under secure-aws:buckets (from line 4) 4")

	dir = project(t, "", "  aws:region: [us-east-1\n")
	_, err = Load(dir, "dev")
	require.ErrorAs(t, err, &invalid)
	assert.Contains(t, err.Error(), "list entries under `secure-aws:<key>` are indented 4 spaces, then `- `; check the lines you pasted")
}
