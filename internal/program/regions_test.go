package program_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/internal/plan"
	"github.com/secure-aws/secure-aws/rules"
)

// TestAllowedRegionsReachEveryPolicy: each of the repository's stacks, with
// account.allowedRegions set to the regions it deploys to, writes the region deny into
// every group and role policy it creates, with exactly those regions; every group and role
// holds one (the pack's regions-restricted rule finds nothing); and no policy outgrows IAM's
// limit for it.
func TestAllowedRegionsReachEveryPolicy(t *testing.T) {
	for _, stack := range repoStacks(t) {
		t.Run(stack, func(t *testing.T) {
			raw := loadStack(t, stack)
			cfg := stackConfig(t, stack)
			allowed := slices.Concat(cfg.DefaultRegions(), []string{"ap-southeast-2"})
			if !cfg.Account.Manage {
				allowed = []string{cfg.Region, "ap-southeast-2"}
			}
			account := map[string]any{}
			if a, ok := raw["secure-aws:account"]; ok {
				require.NoError(t, json.Unmarshal([]byte(a), &account))
			}
			account["allowedRegions"] = allowed
			b, err := json.Marshal(account)
			require.NoError(t, err)
			raw["secure-aws:account"] = string(b)
			rec, err := runConfig(t, stack, raw, healthyRoot, false)
			require.NoError(t, err)

			policies := rec.OfType(awstypes.Policy)
			require.NotEmpty(t, policies)
			for _, p := range policies {
				text := p.Input("policy")
				assert.LessOrEqual(t, len(text), iampolicy.MaxManagedPolicySize, p.Name)
				doc, err := iampolicy.Parse(text)
				require.NoError(t, err, p.Name)
				var regions []string
				for _, s := range doc.Statements {
					if r, ok := iampolicy.DeniedOutside(s); ok {
						regions = r
					}
				}
				assert.ElementsMatch(t, allowed, regions, "%s denies requests outside the allowed regions", p.Name)
			}
			var restricted []rules.Violation
			for _, v := range rules.Evaluate(rules.All(), plan.Resources(rec.Registrations())) {
				if v.Rule == "regions-restricted" {
					restricted = append(restricted, v)
				}
			}
			assert.Empty(t, restricted)
		})
	}
}
