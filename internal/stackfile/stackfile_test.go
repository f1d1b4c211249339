package stackfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadExampleStacks(t *testing.T) {
	names, err := Names("../..")
	require.NoError(t, err)
	assert.Equal(t, []string{"production", "staging"}, names)
	st, err := Load("../..", "staging")
	require.NoError(t, err)
	assert.Equal(t, "us-east-1", st.Config["aws:region"])
	assert.JSONEq(t, `["111111111111"]`, st.Config["aws:allowedAccountIds"], "structured values arrive as JSON, as the engine passes them")
}

// TestLoadAppliesProjectTypes: a value of the wrong type for its declared project type is
// refused, as the engine refuses it before the program runs.
func TestLoadAppliesProjectTypes(t *testing.T) {
	dir := t.TempDir()
	project, err := os.ReadFile("../../Pulumi.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.bad.yaml"), []byte("config:\n  secure-aws:apps: not-a-list\n"), 0o644))
	_, err = Load(dir, "bad")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "secure-aws:apps must be of type array<object>")

	_, err = Load(dir, "missing")
	assert.ErrorIs(t, err, os.ErrNotExist)
}
