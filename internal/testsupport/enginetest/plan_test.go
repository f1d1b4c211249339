package enginetest

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/plan"
)

// checkPlanEqualsUp: the offline plan lists exactly the resources up created, each with
// the inputs the engine sent to the provider, so a reviewer of the plan reads what up does.
func checkPlanEqualsUp(t *testing.T, p *project, stack string) {
	offline, err := plan.Run(p.dir, stack)
	require.NoError(t, err)
	planned := map[string]map[string]any{}
	for _, r := range offline.Resources {
		if r.Custom && !strings.HasPrefix(r.Type, "pulumi:providers:") { // providers are configured, not created
			planned[r.URN] = normalize(t, plan.PlainInputs(r.Inputs))
		}
	}
	sent := map[string]map[string]any{}
	for _, o := range p.ops() {
		if o.Op == "create" || o.Op == "update" {
			props, err := o.Properties()
			require.NoError(t, err)
			sent[o.URN] = normalize(t, plan.PlainInputs(props))
		}
	}
	require.Equal(t, slices.Sorted(maps.Keys(planned)), slices.Sorted(maps.Keys(sent)), "the plan's resources are the ones up created")
	for urn, inputs := range planned {
		assert.Equal(t, inputs, sent[urn], urn)
	}
}

// offlineJSON is the offline JSON plan of stack as its stack file is now: the base a
// pull request's plan diff compares with.
func offlineJSON(t *testing.T, p *project, stack string) []byte {
	offline, err := plan.Run(p.dir, stack)
	require.NoError(t, err)
	raw, err := offline.JSON()
	require.NoError(t, err)
	return raw
}

// offlineChanges are the plan diff's changes (cmd/plan --base) from base to the stack file
// as it is now.
func offlineChanges(t *testing.T, p *project, stack string, base []byte) plan.Changes {
	offline, err := plan.Run(p.dir, stack)
	require.NoError(t, err)
	changes, err := offline.Compare(base)
	require.NoError(t, err)
	return changes
}

// checkChangesArePreview: the plan diff shows, resource by resource, the steps the
// engine's preview takes (as "op URN", like run.changed).
func checkChangesArePreview(t *testing.T, changes plan.Changes, pre *run) {
	var steps []string
	for _, c := range changes {
		steps = append(steps, string(c.Op)+" "+c.URN)
	}
	slices.Sort(steps)
	assert.Equal(t, pre.changed(), steps, "the plan diff shows the steps of the preview")
}

// normalize passes a value through JSON, so numbers and nested types compare alike.
func normalize(t *testing.T, v map[string]any) map[string]any {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

// documentedOutput is one row of the table of stack outputs in docs/configuration.md.
type documentedOutput struct {
	secret bool
	always bool // "every stack"
}

// documentedOutputs reads the table of stack outputs of the configuration reference
// (docs/configuration.md, "Outputs").
func documentedOutputs(t *testing.T) map[string]documentedOutput {
	b, err := os.ReadFile(filepath.Join(repoRoot, "docs", "configuration.md"))
	require.NoError(t, err)
	row := regexp.MustCompile("(?m)^\\| `([A-Za-z]+)` \\| ([^|]*)\\| (yes|no) \\|$")
	out := map[string]documentedOutput{}
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		out[m[1]] = documentedOutput{secret: m[3] == "yes", always: strings.HasPrefix(m[2], "every stack")}
	}
	require.NotEmpty(t, out, "docs/configuration.md has a table of outputs: | `name` | in which stacks | yes/no |")
	return out
}

// checkOutputs: every output is one the README lists, a secret exactly where the README
// says so, and `pulumi stack output --json` masks the secrets.
func checkOutputs(t *testing.T, p *project, s auto.Stack) {
	documented := documentedOutputs(t)
	outs, err := s.Outputs(t.Context())
	require.NoError(t, err)
	require.NotEmpty(t, outs)
	stdout, stderr, _, err := tools.cli.Run(t.Context(), p.dir, nil, nil, nil, envList(p.env), "stack", "output", "--json", "--stack", s.Name())
	require.NoError(t, err, stderr)
	var shown map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &shown))
	for name, row := range documented {
		if row.always {
			assert.Contains(t, outs, name, "the README says every stack has output %s", name)
		}
	}
	for name, out := range outs {
		row, listed := documented[name]
		if !assert.True(t, listed, "output %s is not in docs/configuration.md's table of outputs", name) {
			continue
		}
		assert.Equal(t, row.secret, out.Secret, "output %s: secret as the README says", name)
		if out.Secret {
			assert.Equal(t, "[secret]", shown[name], "pulumi stack output masks %s", name)
		} else {
			assert.NotEqual(t, "[secret]", shown[name], name)
		}
	}
}

func envList(env map[string]string) []string {
	var out []string
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}
