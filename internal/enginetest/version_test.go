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
	steps := 0
	for file, wf := range workflows(t) {
		for job, j := range wf.Jobs {
			for i, step := range j.Steps {
				if strings.HasPrefix(step.Uses, "pulumi/actions@") {
					steps++
					assert.Equal(t, strings.TrimPrefix(cliVersion, "v"), step.With["pulumi-version"], "%s job %s step %d pins the tested CLI", file, job, i+1)
				}
			}
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

// TestWorkflowsPinActionsBySHA: every action from outside the repository is pinned to a
// full commit SHA with its version in a comment (a tag can be moved to other code), and
// every checkout leaves no token behind for the steps that run the repository's code.
func TestWorkflowsPinActionsBySHA(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot, ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	uses := regexp.MustCompile(`(?m)^\s*(?:- )?uses:\s*(\S+)(.*)$`)
	pinned := regexp.MustCompile(`^[\w.-]+/[\w./-]+@[0-9a-f]{40}$`)
	comment := regexp.MustCompile(`^\s+# v\d+(\.\d+)*$`)
	checkouts := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range uses.FindAllStringSubmatch(string(b), -1) {
			if strings.HasPrefix(m[1], "./") {
				continue // the repository's own reusable workflows
			}
			assert.Regexp(t, pinned, m[1], "%s: %s is not pinned to a commit SHA", filepath.Base(f), m[1])
			assert.Regexp(t, comment, m[2], "%s: %s has no version comment", filepath.Base(f), m[1])
		}
	}
	for file, wf := range workflows(t) {
		for job, j := range wf.Jobs {
			for _, s := range j.Steps {
				if strings.HasPrefix(s.Uses, "actions/checkout@") {
					checkouts++
					assert.Equal(t, false, s.With["persist-credentials"], "%s job %s: checkout with persist-credentials: false", file, job)
				}
			}
		}
	}
	assert.NotZero(t, checkouts)
}
