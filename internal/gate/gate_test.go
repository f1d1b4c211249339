package gate

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBuildPolicyPackNamesTheCheckout: a checkout whose pack does not build stops the gate
// with the checkout and the compiler's words, and no path to run. (The real-engine tier
// builds the repository's pack with it, and runs every preview and up with the binary.)
func TestBuildPolicyPackNamesTheCheckout(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/nopack\n"), 0o644))
	path, err := BuildPolicyPack(t.Context(), dir, t.TempDir())
	require.Error(t, err)
	assert.Empty(t, path)
	assert.Contains(t, err.Error(), "building the policy pack of "+dir)
	assert.Contains(t, err.Error(), "policypack", "go build's own message")
}
