package program_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/components"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/spec"
)

// TestGuardrailsCoverEveryConsolePath: in every stack that manages the account, each
// principal that can write IAM users (the admin group, the deploy role) and the developer
// group deny a programmatic credential for a user under either console group's configured
// path, and a console password for a machine user: the program hands every path over, not
// only the group's own.
func TestGuardrailsCoverEveryConsolePath(t *testing.T) {
	for _, stack := range repoStacks(t) {
		cfg := stackConfig(t, stack)
		if !cfg.Account.Manage {
			continue
		}
		t.Run(stack, func(t *testing.T) {
			a := cfg.AWSAccount()
			users := func(paths ...string) []string {
				var out []string
				for _, p := range paths {
					out = append(out, "arn:"+a.Partition+":iam::"+a.ID+":user"+p+"*")
				}
				return out
			}
			want := map[string]bool{cfg.AdminGroup.Name + spec.ConsolePolicySuffix: true}
			if cfg.CI != nil {
				want[components.DeployRoleName] = true
			}
			if len(cfg.Developers) > 0 {
				want[cfg.DeveloperGroup.Name+spec.ConsolePolicySuffix] = true
			}
			found := map[string]bool{}
			for _, p := range runStack(t, stack).OfType(awstypes.Policy) {
				name := p.Input("name")
				if !want[name] {
					continue
				}
				found[name] = true
				doc, err := iampolicy.Parse(p.Input("policy"))
				require.NoError(t, err, name)
				sids := map[string]iampolicy.Statement{}
				for _, s := range doc.Statements {
					sids[s.Sid] = s
				}
				// Each guard-rail is an unconditional Deny of the minting actions (a Sid alone
				// proves nothing: an Allow, or a Deny with a condition, could carry it).
				keys, profiles := sids["DenyAccessKeysForConsoleUsers"], sids["DenyLoginProfilesForMachineUsers"]
				for _, s := range []iampolicy.Statement{keys, profiles} {
					assert.Equal(t, iampolicy.Deny, s.Effect, "%s %s", name, s.Sid)
					assert.Empty(t, s.Conditions, "%s %s", name, s.Sid)
					assert.Empty(t, s.NotResources, "%s %s", name, s.Sid)
				}
				assert.Subset(t, keys.Actions, []string{"iam:CreateAccessKey", "iam:CreateServiceSpecificCredential", "iam:UploadSSHPublicKey", "iam:UploadSigningCertificate"}, name)
				assert.Subset(t, profiles.Actions, []string{"iam:CreateLoginProfile", "iam:UpdateLoginProfile"}, name)
				assert.Subset(t, keys.Resources, users(cfg.AdminGroup.Path, cfg.DeveloperGroup.Path), name)
				assert.ElementsMatch(t, users(spec.MachineUserPaths()...), profiles.Resources, name)
				_, secrets := sids["DenySecretReads"]
				assert.Equal(t, name == cfg.DeveloperGroup.Name+spec.ConsolePolicySuffix, secrets, "%s: only developers are denied reading secrets", name)
				_, trail := sids["DenyStoppingTheAuditTrail"]
				assert.Equal(t, name == components.DeployRoleName, trail, name)
			}
			assert.Equal(t, want, found)
		})
	}
}
