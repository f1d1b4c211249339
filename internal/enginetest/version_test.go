package enginetest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWorkflowsPinTheTestedCLI: every pulumi/actions step runs the CLI version this tier
// builds and tests, and the tools module builds that version.
func TestWorkflowsPinTheTestedCLI(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot, ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	step := regexp.MustCompile(`(?m)^\s+- uses: pulumi/actions@\S+\n((?:\s+.*\n)*?)\s+- |(?m)^\s+- uses: pulumi/actions@\S+\n((?:\s+.*\n?)*)\z`)
	steps := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range step.FindAllStringSubmatch(string(b), -1) {
			steps++
			body := m[1] + m[2]
			assert.Contains(t, body, "pulumi-version: "+strings.TrimPrefix(cliVersion, "v"), "%s: a pulumi/actions step pins the tested CLI", filepath.Base(f))
		}
	}
	assert.NotZero(t, steps, "the workflows run pulumi/actions")

	mod, err := os.ReadFile(filepath.Join(repoRoot, "tools", "pulumi", "go.mod"))
	require.NoError(t, err)
	assert.Contains(t, string(mod), "github.com/pulumi/pulumi/pkg/v3 "+cliVersion)
	root, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	require.NoError(t, err)
	assert.Contains(t, string(root), "github.com/pulumi/pulumi/sdk/v3 "+cliVersion, "the CLI is the version of the program's SDK")
}
