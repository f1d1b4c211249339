package enginetest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/testsupport/mototest"
)

// TestRealPluginMustBeThere: the directory RealPluginEnvVar names must hold an executable
// pulumi-resource-aws; anything else stops the tier before a test runs, naming the
// variable, rather than running the stand-in under the real provider's name.
func TestRealPluginMustBeThere(t *testing.T) {
	dir := t.TempDir()
	_, err := realPlugin(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), RealPluginEnvVar+"="+dir+": want the directory holding the real pulumi-resource-aws")

	plugin := filepath.Join(dir, "pulumi-resource-aws")
	require.NoError(t, os.WriteFile(plugin, []byte("#!/bin/sh\n"), 0o644))
	_, err = realPlugin(dir)
	assert.ErrorContains(t, err, "not an executable file")

	require.NoError(t, os.Chmod(plugin, 0o755))
	got, err := realPlugin(dir)
	require.NoError(t, err)
	assert.Equal(t, plugin, got)
}

// TestRealProviderWorkflow: the workflow that runs the tier through the real plugin runs by
// hand or on a schedule, never on a push or a pull request; it can read the repository
// and nothing else, holds no secret and no AWS role; it installs the moto the tests pin and
// the AWS CLI, gets the plugin only from the repository's action (which installs it
// against the pinned sha256, and fails while the pin is a placeholder), and runs the tier
// with RealPluginEnvVar naming the directory the action installs it in.
func TestRealProviderWorkflow(t *testing.T) {
	wf, ok := workflows(t)["real-provider.yml"]
	require.True(t, ok)
	var triggers []string
	for on := range wf.On {
		triggers = append(triggers, on)
	}
	assert.ElementsMatch(t, []string{"workflow_dispatch", "schedule"}, triggers)
	assert.Equal(t, map[string]string{"contents": "read"}, wf.Permissions)
	require.Len(t, wf.Jobs, 1)
	for name, j := range wf.Jobs {
		assert.Empty(t, j.Permissions, "job %s: the workflow's read-only token", name)
		assert.Empty(t, j.Environment, "job %s: no environment, so no environment's secrets", name)
		install, tools, tier := -1, -1, -1
		for i, s := range j.Steps {
			assert.False(t, strings.HasPrefix(s.Uses, credentials), "job %s: no AWS role: every request goes to moto", name)
			for k, v := range s.Env {
				assert.NotContains(t, v, "secrets", "job %s step %q reads a secret in %s", name, s.Name, k)
			}
			switch {
			case s.Uses == motoAction:
				install = i
			case s.Uses == pinnedTools:
				tools = i
			case strings.Contains(s.Run, "go test ") && strings.Contains(s.Run, "./internal/testsupport/enginetest/"):
				tier = i
				assert.Contains(t, s.Run, `export `+RealPluginEnvVar+`="$HOME/.pulumi/plugins/resource-aws-$version"`, "the directory pulumi plugin install fills")
				assert.Contains(t, s.Run, `version="$(go list -m -f '{{.Version}}' github.com/pulumi/pulumi-aws/sdk/v6)"`, "the plugin of the program's SDK, as the action installs it")
			}
		}
		assert.True(t, install >= 0 && tools >= 0 && tier >= 0, "job %s installs moto %s and the AWS CLI, the pinned plugin, then runs the tier", name, mototest.Version)
		assert.Less(t, tools, tier)
		assert.Less(t, install, tier)
	}
	pins := slices.IndexFunc(action(t, "pulumi").Runs.Steps, func(s step) bool { return s.ID == "pins" })
	require.GreaterOrEqual(t, pins, 0)
	assert.Contains(t, action(t, "pulumi").Runs.Steps[pins].Run, "holds no sha256 for $archive yet", "the action refuses a placeholder pin, so the job fails closed")
}

// motoAction installs moto and the AWS CLI for a job that runs the tests.
const motoAction = "./.github/actions/moto"

// TestJobsThatRunTheTestsInstallMoto: the repository's moto action installs the moto the
// tests pin and the AWS CLI, and every job that runs .ci/run (which stops without them)
// uses it first, so the tests workflow passes on GitHub's runners, which have no moto.
func TestJobsThatRunTheTestsInstallMoto(t *testing.T) {
	steps := action(t, "moto").Runs.Steps
	require.Len(t, steps, 1)
	assert.Contains(t, steps[0].Run, "'moto[server]=="+mototest.Version+"'")
	assert.Contains(t, steps[0].Run, "'awscli==")
	assert.Contains(t, steps[0].Run, `>> "$GITHUB_PATH"`, "first on PATH for the steps after it")
	runs := 0
	for file, wf := range workflows(t) {
		for name, j := range wf.Jobs {
			install := slices.IndexFunc(j.Steps, func(s step) bool { return s.Uses == motoAction })
			for i, s := range j.Steps {
				if strings.Contains(s.Run, ".ci/run") {
					runs++
					assert.True(t, install >= 0 && install < i, "%s job %s runs .ci/run without installing moto first (%s)", file, name, motoAction)
				}
			}
		}
	}
	assert.Positive(t, runs, "a workflow runs .ci/run")
}
