package enginetest

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// pinnedTools is the repository's action that puts the Pulumi CLI, its Go language host
// and the AWS plugin on a job's PATH.
const pinnedTools = "./.github/actions/pulumi"

// TestWorkflowsBuildTheTestedCLI: no workflow downloads the Pulumi CLI (pulumi/actions
// reads its download URL from another repository's default branch and checks no hash);
// the repository's action builds the CLI from tools/pulumi as this tier does (the version
// in the same ldflag, the same package), from the module version the tier tests, builds the
// Go language host from a commit pinned for that version, installs the AWS plugin of the
// program's SDK with --checksum, and makes the engine ignore plugins on PATH from then on.
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
	var build, language, plugin, ignore bool
	for _, s := range a.Runs.Steps {
		build = build || (strings.Contains(s.Run, "go build -C tools/pulumi ") &&
			strings.Contains(s.Run, "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$CLI") &&
			strings.Contains(s.Run, "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi") &&
			strings.Contains(s.Env["CLI"], "steps.pins.outputs.cli"))
		language = language || strings.Contains(s.Run, "-o \"$RUNNER_TEMP/pulumi-bin/pulumi-language-go\"")
		plugin = plugin || strings.Contains(s.Run, `plugin install resource aws "$AWS_VERSION" --checksum "$AWS_SHA256"`)
		ignore = ignore || strings.Contains(s.Run, `echo "PULUMI_IGNORE_AMBIENT_PLUGINS=true" >> "$GITHUB_ENV"`)
	}
	assert.True(t, build, "the CLI is built from tools/pulumi as the tier builds it")
	assert.True(t, language, "the Go language host is built beside the CLI")
	assert.True(t, plugin, "the AWS plugin is installed against a pinned checksum")
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
	commit := pinLine(t, "pulumi-language-go.commit")
	assert.Equal(t, cliVersion, commit[1], "the language host pin names the tested CLI")
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
