package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	assert.Equal(t, 0, run([]string{"--stack", "staging", "--dir", "../.."}))
	assert.Equal(t, 0, run([]string{"--stack", "production", "--dir", "../..", "--format", "json"}))
	assert.Equal(t, 2, run([]string{"--dir", "../.."}), "no stack")
	assert.Equal(t, 2, run([]string{"--stack", "staging", "--format", "yaml", "--dir", "../.."}), "unknown format")
	assert.Equal(t, 2, run([]string{"--stack", "missing", "--dir", "../.."}), "no such stack file")
	written, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(written), "# secure-aws plan: stack `staging`")
	assert.Contains(t, string(written), `"stack": "production"`)
}
