package program_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/config"
)

// badInput is a malformed configuration: the example stack file (testdata/examples) of stack with set keys
// replaced (an empty value deletes the key), and the key the error must name.
type badInput struct {
	name  string
	stack string
	set   map[string]string
	key   string
}

// badInputs runs one malformed configuration of every section through the whole program,
// on the example stack files, and those the configuration's own catalogue
// (internal/config, TestInvalidConfigurations: every rule, with its message) cannot hold:
// unknown keys as the engine passes them, namespace typos, quotas across the stack files.
// The program loads the configuration before it registers anything, so one case per
// section shows that no malformed value reaches a resource.
var badInputs = []badInput{
	// Types.
	{"account not a mapping", "production", map[string]string{"secure-aws:account": `"acme"`}, "secure-aws:account"},
	{"buckets not a list", "staging", map[string]string{"secure-aws:buckets": `"acme-assets-staging"`}, "secure-aws:buckets"},
	// Unknown keys and fields.
	{"misspelt top-level key", "staging", map[string]string{"secure-aws:bakups": `[]`}, "secure-aws:bakups"},
	{"misspelt namespace drops no vault", "staging", map[string]string{"secure-aws:backups": "", "secure_aws:backups": `[{"bucket":"acme-backups-staging"}]`}, "secure_aws:backups"},
	{"misspelt namespace drops no developer", "production", map[string]string{"secure-aws:developers": "", "secureaws:developers": `[{"name":"carol"}]`}, "secureaws:developers"},
	{"misspelt account field", "production", map[string]string{"secure-aws:account": `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"aliass":"acme-corp"}`}, "secure-aws:account.aliass"},
	// Stack-level settings.
	{"environment uppercase", "staging", map[string]string{"secure-aws:environment": "Staging"}, "secure-aws:environment"},
	// Account.
	{"alias with double hyphen", "production", map[string]string{"secure-aws:account": `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme--corp"}`}, "secure-aws:account.alias"},
	// Alerts, budget and contacts: combinations that cannot work, and bad values.
	{"alerts outside us-east-1", "production", map[string]string{"aws:region": "eu-west-1", "secure-aws:account": `{"manage":true,"alias":"acme-corp","trail":{"bucket":"acme-audit-trail"},"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alerts":{"emails":["security@acme.example"]}}`}, "secure-aws:account.alerts"},
	{"negative budget", "production", map[string]string{"secure-aws:account": `{"manage":true,"alias":"acme-corp","trail":{"bucket":"acme-audit-trail"},"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alerts":{"emails":["security@acme.example"]},"budget":{"limitUsd":-5}}`}, "secure-aws:account.budget.limitUsd"},
	{"managing stack without a security contact", "production", map[string]string{"secure-aws:account": `{"manage":true,"alias":"acme-corp"}`}, "secure-aws:account.contacts.security"},
	// Conflicting account management: console users and CI roles outside the managing stack.
	{"admins in a non-managing stack", "staging", map[string]string{"secure-aws:admins": `[{"name":"eve"}]`}, "secure-aws:admins"},
	{"ci in a non-managing stack", "staging", map[string]string{"secure-aws:ci": `{"repository":"acme/secure-aws"}`}, "secure-aws:ci"},
	// Names.
	{"admin name with a space", "production", map[string]string{"secure-aws:admins": `[{"name":"alice smith"}]`}, "secure-aws:admins[0].name"},
	{"bucket name uppercase", "staging", map[string]string{"secure-aws:buckets": `[{"name":"Acme-Assets"}]`, "secure-aws:apps": "", "secure-aws:thirdParties": ""}, "secure-aws:buckets[0].name"},
	{"bucket name with dots", "staging", map[string]string{"secure-aws:buckets": `[{"name":"acme.assets"}]`, "secure-aws:apps": "", "secure-aws:thirdParties": ""}, "secure-aws:buckets[0].name"},
	{"bucket name like an IP", "staging", map[string]string{"secure-aws:buckets": `[{"name":"192.168.1.1"}]`, "secure-aws:apps": "", "secure-aws:thirdParties": ""}, "secure-aws:buckets[0].name"},
	// Duplicates.
	{"app listed twice", "staging", map[string]string{"secure-aws:apps": `[{"name":"x","grants":[{"bucket":"acme-assets-staging"}]},{"name":"x","grants":[{"bucket":"acme-assets-staging"}]}]`}, "secure-aws:apps[1].name"},
	// References.
	{"grant to a production bucket", "staging", map[string]string{"secure-aws:apps": `[{"name":"x","grants":[{"bucket":"acme-assets-production"}]}]`}, "secure-aws:apps[0].grants[0].bucket"},
	// Actions and prefixes.
	{"wildcard action", "staging", map[string]string{"secure-aws:apps": `[{"name":"x","grants":[{"bucket":"acme-assets-staging","actions":["s3:*"]}]}]`}, "secure-aws:apps[0].grants[0].actions[0]"},
	// Lifecycles.
	{"expiry before transition", "staging", map[string]string{"secure-aws:backups": `[{"bucket":"acme-backups-staging","glacierAfterDays":30,"expireAfterDays":20}]`}, "secure-aws:backups[0].expireAfterDays"},
	{"group quota exceeded", "staging", map[string]string{"secure-aws:quotas": `{"groupsPerAccount":1}`}, "secure-aws:quotas.groupsPerAccount"},
	{"quota not a number", "staging", map[string]string{"secure-aws:quotas": `{"policiesPerGroup":"ten"}`}, "secure-aws:quotas.policiesPerGroup"},
}

// TestBadInputIsRefusedBeforeAnythingChanges runs the real program on each malformed
// configuration, with every key the stack sets as the engine lists them: each is refused
// with the key and the stack file named, and nothing is registered.
func TestBadInputIsRefusedBeforeAnythingChanges(t *testing.T) {
	require.GreaterOrEqual(t, len(badInputs), 15)
	seen := map[string]bool{}
	for _, c := range badInputs {
		require.False(t, seen[c.name], "duplicate case %s", c.name)
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			cfg := loadExample(t, c.stack)
			for k, v := range c.set {
				if v == "" {
					delete(cfg, k)
				} else {
					cfg[k] = v
				}
			}
			rec, err := runConfig(t, c.stack, cfg, healthyRoot, false)
			var cfgErr *config.Error
			require.True(t, errors.As(err, &cfgErr), "want a configuration error, got %v", err)
			var keys []string
			for _, p := range cfgErr.Problems {
				keys = append(keys, p.Key)
			}
			assert.Contains(t, keys, c.key)
			assert.Contains(t, err.Error(), "Pulumi."+c.stack+".yaml")
			assert.Empty(t, rec.Registrations(), "nothing may be registered")
		})
	}
}
