package plan_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/secure-aws/secure-aws/internal/awsmodel"
	"github.com/secure-aws/secure-aws/internal/plan"
	"github.com/secure-aws/secure-aws/internal/testsupport/fixtures"
	"github.com/secure-aws/secure-aws/internal/testsupport/stackgen"
)

// everythingPlan is the plan of a stack that uses every feature of the program.
func everythingPlan(t *testing.T) *plan.Plan {
	dir := fixtures.Examples(t)
	stack := map[string]any{}
	for k, v := range stackgen.Everything() {
		var value any
		require.NoError(t, yaml.Unmarshal([]byte(v), &value))
		stack[k] = value
	}
	b, err := yaml.Marshal(map[string]any{"config": stack})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.everything.yaml"), b, 0o644))
	p, err := plan.Run(dir, "everything")
	require.NoError(t, err)
	return p
}

// mutate returns a different value of the same kind.
func mutate(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsSecret():
		return resource.MakeSecret(mutate(v.SecretValue().Element))
	case v.IsString():
		return resource.NewProperty(v.StringValue() + "x")
	case v.IsNumber():
		return resource.NewProperty(v.NumberValue() + 1)
	case v.IsBool():
		return resource.NewProperty(!v.BoolValue())
	case v.IsArray():
		if len(v.ArrayValue()) == 0 {
			return resource.NewProperty([]resource.PropertyValue{resource.NewProperty("x")})
		}
		out := slices.Clone(v.ArrayValue())
		out[0] = mutate(out[0])
		return resource.NewProperty(out)
	case v.IsObject():
		out := v.ObjectValue().Copy()
		for _, k := range out.StableKeys() {
			out[k] = mutate(out[k])
			return resource.NewProperty(out)
		}
		out["x"] = resource.NewProperty("x")
		return resource.NewProperty(out)
	}
	return resource.NewProperty("x")
}

// TestMarkdownShowsEveryInput: for every resource type the program creates, changing any
// input of any resource (a lifecycle day, a lock mode, a password rule, a PGP key, a trust
// policy, ...) changes the Markdown plan, so a pull request's plan diff can never say "No
// change" for a change that decides access or data retention.
func TestMarkdownShowsEveryInput(t *testing.T) {
	p := everythingPlan(t)
	base := p.Markdown()
	types := map[string]bool{}
	for i, r := range p.Resources {
		if !r.Custom {
			continue
		}
		types[r.Type] = true
		for k, v := range r.Inputs {
			changed := *p
			changed.Resources = slices.Clone(p.Resources)
			reg := r
			reg.Inputs = r.Inputs.Copy()
			reg.Inputs[k] = mutate(v)
			changed.Resources[i] = reg
			if v.IsSecret() {
				continue // shown as [secret] whatever it holds, by design
			}
			assert.NotEqual(t, base, changed.Markdown(), "changing %s of %s does not show in the plan", k, r.URN)
		}
	}
	for typ := range awsmodel.ReplaceOn {
		assert.True(t, types[typ], "the test stack creates no %s", typ)
	}
}

// TestMarkdownShowsAccountSettings: the root credential check is not a resource input,
// and the plan shows it too.
func TestMarkdownShowsAccountSettings(t *testing.T) {
	p := everythingPlan(t)
	base := p.Markdown()
	changed := *p
	cfg := *p.Config
	cfg.Account.RootCredentialCheck = "off"
	changed.Config = &cfg
	assert.NotEqual(t, base, changed.Markdown())
	assert.Contains(t, changed.Markdown(), "Root credential check: `off`")
}

// TestEveryFeatureFollowsEveryRule: what the program writes with every feature on (the
// drift role's reader policy, GOVERNANCE Object Lock, the MFA denies, the TLS deny, ...)
// passes every rule: no rule refuses a shape the program itself writes.
func TestEveryFeatureFollowsEveryRule(t *testing.T) {
	assert.Empty(t, everythingPlan(t).Violations)
}
