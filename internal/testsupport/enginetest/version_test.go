package enginetest

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// pinnedTools is the repository's action that puts the Pulumi CLI and the AWS plugin on a
// job's PATH.
const pinnedTools = "./.github/actions/pulumi"

// TestWorkflowsBuildTheTestedCLI: no workflow downloads the Pulumi CLI (pulumi/actions
// reads its download URL from another repository's default branch and checks no hash);
// the repository's action builds the CLI from tools/pulumi as this tier does (the version
// in the same ldflag, the same package), from the module version the tier tests, installs
// the AWS plugin of the program's SDK with --checksum, and makes the engine ignore plugins
// on PATH from then on.
func TestWorkflowsBuildTheTestedCLI(t *testing.T) {
	for file, wf := range workflows(t) {
		for name, j := range wf.Jobs {
			for _, s := range j.Steps {
				assert.False(t, strings.HasPrefix(s.Uses, "pulumi/actions@"), "%s job %s downloads the CLI with pulumi/actions", file, name)
			}
		}
	}
	a := action(t, "pulumi")
	require.Equal(t, "composite", a.Runs.Using)
	var build, plugin, ignore, noAcquisition bool
	for _, s := range a.Runs.Steps {
		build = build || (strings.Contains(s.Run, "go build -C tools/pulumi ") &&
			strings.Contains(s.Run, "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$CLI") &&
			strings.Contains(s.Run, "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi") &&
			strings.Contains(s.Env["CLI"], "steps.pins.outputs.cli"))
		plugin = plugin || strings.Contains(s.Run, `plugin install resource aws "$AWS_VERSION" --checksum "$AWS_SHA256" --exact --reinstall`)
		ignore = ignore || strings.Contains(s.Run, `echo "PULUMI_IGNORE_AMBIENT_PLUGINS=true" >> "$GITHUB_ENV"`)
		noAcquisition = noAcquisition || strings.Contains(s.Run, `echo "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true" >> "$GITHUB_ENV"`)
	}
	// The engine downloads, unchecked, any plugin a provider in the state names (its
	// version and pluginDownloadURL are read from the state): whoever can write the state
	// would run code with the deploy role. Only the pinned plugin may run.
	assert.True(t, noAcquisition, "the engine installs no plugin on its own")
	assert.True(t, build, "the CLI is built from tools/pulumi as the tier builds it")
	assert.True(t, plugin, "the AWS plugin is installed against a pinned checksum, that version exactly and always (plugin install skips its check when a plugin of that version or newer is already there)")
	assert.True(t, ignore, "real runs ignore plugins on PATH")

	mod, err := os.ReadFile(filepath.Join(repoRoot, "tools", "pulumi", "go.mod"))
	require.NoError(t, err)
	assert.Contains(t, string(mod), "github.com/pulumi/pulumi/pkg/v3 "+cliVersion)
	root, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	require.NoError(t, err)
	assert.Contains(t, string(root), "github.com/pulumi/pulumi/sdk/v3 "+cliVersion, "the CLI is the version of the program's SDK")

	// The pins name what they pin: a Dependabot update of the SDK or the CLI leaves a pin
	// that names the old version, which the action refuses.
	awsVersion := regexp.MustCompile(`(?m)^\s*github\.com/pulumi/pulumi-aws/sdk/v6 (v\S+)`).FindStringSubmatch(string(root))
	require.NotNil(t, awsVersion)
	sum := pinLine(t, "pulumi-resource-aws.sha256")
	assert.Equal(t, "pulumi-resource-aws-"+awsVersion[1]+"-linux-amd64.tar.gz", sum[1], "the plugin pin names the program's pulumi-aws")
}

// TestCINeedsNoLanguageHost: the CLI built from tools/pulumi has no Go language host, and
// none is installed: the pinned action checks out no other repository and builds nothing
// but the CLI, and no job runs a program or a pack through the CLI itself. Every job with
// the CLI runs the program through cmd/gate or cmd/drift, which run it inline and pass the
// pack as a binary, as this tier does (the pull request's preview without the refresh, its
// role reading no resource), or runs this tier itself (real-provider.yml).
func TestCINeedsNoLanguageHost(t *testing.T) {
	a := action(t, "pulumi")
	builds := 0
	for _, s := range a.Runs.Steps {
		assert.Empty(t, s.Uses, "the pinned action runs no other action (step %q)", s.Name)
		assert.NotContains(t, s.Run, "pulumi-language-go", "step %q", s.Name)
		builds += strings.Count(s.Run, "go build")
	}
	assert.Equal(t, 1, builds, "the pinned action builds the CLI and nothing else")
	_, err := os.Stat(filepath.Join(repoRoot, "tools", "pulumi", "pulumi-language-go.commit"))
	assert.ErrorIs(t, err, os.ErrNotExist, "no language host is pinned")

	cliRuns := regexp.MustCompile(`(^|[\s;&|(])pulumi\s+(preview|up|refresh|destroy|import)\b`)
	gate := regexp.MustCompile(`go run \./cmd/(gate|drift) |go test .*\./internal/testsupport/enginetest/`)
	jobs := 0
	for file, wf := range workflows(t) {
		for name, j := range wf.Jobs {
			if !slices.ContainsFunc(j.Steps, func(s step) bool { return s.Uses == pinnedTools }) {
				continue
			}
			jobs++
			assert.True(t, slices.ContainsFunc(j.Steps, func(s step) bool { return gate.MatchString(s.Run) }),
				"%s job %s gets the CLI but runs neither cmd/gate, cmd/drift nor this tier", file, name)
			for _, s := range j.Steps {
				assert.False(t, cliRuns.MatchString(s.Run), "%s job %s runs the program through the CLI, which needs the Go language host: %s", file, name, s.Run)
			}
		}
	}
	assert.NotZero(t, jobs)
	pr := stepsRunning(workflows(t)["preview.yml"].Jobs["preview"], `go run ./cmd/gate preview --stack "$STACK" --out "$RUNNER_TEMP/preview" --refresh=false`)
	require.Len(t, pr, 1, "the pull request's preview is the gate's, without the refresh")
	assert.Contains(t, pr[0].Run, `cat "$RUNNER_TEMP/preview/summary.md" >> "$GITHUB_STEP_SUMMARY"`)
}

// pinLine is the first line of a pin file in tools/pulumi: the hash and what it pins.
func pinLine(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot, "tools", "pulumi", name))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	require.True(t, sc.Scan(), "%s is empty", name)
	fields := strings.Fields(sc.Text())
	require.Len(t, fields, 2, "%s: <hash> <what it pins>", name)
	return fields
}

// TestWorkflowsPinActionsBySHA: every action from outside the repository, in the workflows
// and the repository's own actions, is pinned to a full commit SHA with its version in a
// comment (a tag can be moved to other code), and every checkout leaves no token behind
// for the steps that run the repository's code.
func TestWorkflowsPinActionsBySHA(t *testing.T) {
	pinned := regexp.MustCompile(`^[\w.-]+/[\w./-]+@[0-9a-f]{40}$`)
	comment := regexp.MustCompile(`^# v\d+\.\d+\.\d+$`)
	uses, checkouts := 0, 0
	for _, f := range workflowFiles(t) {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var doc yaml.Node
		require.NoError(t, yaml.Unmarshal(b, &doc), f)
		name := filepath.Base(filepath.Dir(f)) + "/" + filepath.Base(f)
		walkMappings(&doc, func(m *yaml.Node) {
			for i := 0; i+1 < len(m.Content); i += 2 {
				key, value := m.Content[i], m.Content[i+1]
				if key.Value != "uses" || strings.HasPrefix(value.Value, "./") {
					continue // the repository's own workflows and actions
				}
				uses++
				assert.Regexp(t, pinned, value.Value, "%s: %s is not pinned to a commit SHA", name, value.Value)
				assert.Regexp(t, comment, value.LineComment, "%s: %s has no version comment", name, value.Value)
				if strings.HasPrefix(value.Value, "actions/checkout@") {
					checkouts++
					assert.Equal(t, "false", mappingValue(m, "with", "persist-credentials"), "%s: checkout with persist-credentials: false", name)
				}
			}
		})
	}
	assert.NotZero(t, uses)
	assert.NotZero(t, checkouts)
}

// walkMappings calls f on every mapping node under n.
func walkMappings(n *yaml.Node, f func(*yaml.Node)) {
	if n.Kind == yaml.MappingNode {
		f(n)
	}
	for _, c := range n.Content {
		walkMappings(c, f)
	}
}

// mappingValue is the scalar at path under mapping m, or "".
func mappingValue(m *yaml.Node, path ...string) string {
	for _, key := range path {
		var next *yaml.Node
		for i := 0; m.Kind == yaml.MappingNode && i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == key {
				next = m.Content[i+1]
			}
		}
		if next == nil {
			return ""
		}
		m = next
	}
	return m.Value
}
