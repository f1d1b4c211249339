package program_test

import (
	"errors"
	"strings"
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

// badInputs covers every section: wrong types, values out of range, invalid or too long
// names, unknown keys, duplicates, missing references, wildcard or unknown actions,
// impossible lifecycles and conflicting account management.
var badInputs = []badInput{
	// Types.
	{"account not a mapping", "production", map[string]string{"secure-aws:account": `"acme"`}, "secure-aws:account"},
	{"apps not a list", "staging", map[string]string{"secure-aws:apps": `{"name":"x"}`}, "secure-aws:apps"},
	{"accessKey not a bool", "staging", map[string]string{"secure-aws:apps": `[{"name":"x","accessKey":"yes","grants":[{"bucket":"acme-assets-staging"}]}]`}, "secure-aws:apps[0]"},
	{"days not a number", "staging", map[string]string{"secure-aws:backups": `[{"bucket":"acme-backups-staging","glacierAfterDays":"30"}]`}, "secure-aws:backups[0]"},
	{"account id unquoted", "staging", map[string]string{"aws:allowedAccountIds": `[111111111111]`}, "aws:allowedAccountIds"},
	{"buckets not a list", "staging", map[string]string{"secure-aws:buckets": `"acme-assets-staging"`}, "secure-aws:buckets"},
	// Unknown keys and fields.
	{"misspelt top-level key", "staging", map[string]string{"secure-aws:bakups": `[]`}, "secure-aws:bakups"},
	{"misspelt namespace drops no vault", "staging", map[string]string{"secure-aws:backups": "", "secure_aws:backups": `[{"bucket":"acme-backups-staging"}]`}, "secure_aws:backups"},
	{"misspelt namespace drops no developer", "production", map[string]string{"secure-aws:developers": "", "secureaws:developers": `[{"name":"carol"}]`}, "secureaws:developers"},
	{"misspelt account field", "production", map[string]string{"secure-aws:account": `{"manage":true,"aliass":"acme-corp"}`}, "secure-aws:account"},
	{"misspelt grant field", "staging", map[string]string{"secure-aws:apps": `[{"name":"x","grants":[{"bucktet":"acme-assets-staging"}]}]`}, "secure-aws:apps[0]"},
	// Stack-level settings.
	{"environment uppercase", "staging", map[string]string{"secure-aws:environment": "Staging"}, "secure-aws:environment"},
	{"environment too long", "staging", map[string]string{"secure-aws:environment": strings.Repeat("s", 21)}, "secure-aws:environment"},
	{"no region", "staging", map[string]string{"aws:region": ""}, "aws:region"},
	{"malformed region", "staging", map[string]string{"aws:region": "useast1"}, "aws:region"},
	{"no account id", "staging", map[string]string{"aws:allowedAccountIds": ""}, "aws:allowedAccountIds"},
	{"two account ids", "staging", map[string]string{"aws:allowedAccountIds": `["111111111111","222222222222"]`}, "aws:allowedAccountIds"},
	{"short account id", "staging", map[string]string{"aws:allowedAccountIds": `["11111111111"]`}, "aws:allowedAccountIds"},
	// Account.
	{"alias with double hyphen", "production", map[string]string{"secure-aws:account": `{"manage":true,"alias":"acme--corp"}`}, "secure-aws:account.alias"},
	{"alias missing", "production", map[string]string{"secure-aws:account": `{"manage":true}`}, "secure-aws:account.alias"},
	{"weak password length", "production", map[string]string{"secure-aws:account": `{"manage":true,"alias":"acme-corp","passwordPolicy":{"minimumLength":8}}`}, "secure-aws:account.passwordPolicy.minimumLength"},
	{"reuse prevention too high", "production", map[string]string{"secure-aws:account": `{"manage":true,"alias":"acme-corp","passwordPolicy":{"reusePrevention":25}}`}, "secure-aws:account.passwordPolicy.reusePrevention"},
	{"unknown root check mode", "production", map[string]string{"secure-aws:account": `{"manage":true,"alias":"acme-corp","rootCredentialCheck":"maybe"}`}, "secure-aws:account.rootCredentialCheck"},
	{"alias without managing", "staging", map[string]string{"secure-aws:account": `{"alias":"acme-corp"}`}, "secure-aws:account.alias"},
	// Conflicting account management: console users and CI roles outside the managing stack.
	{"admins in a non-managing stack", "staging", map[string]string{"secure-aws:admins": `[{"name":"eve"}]`}, "secure-aws:admins"},
	{"ci in a non-managing stack", "staging", map[string]string{"secure-aws:ci": `{"repository":"acme/secure-aws"}`}, "secure-aws:ci"},
	{"admin group path /", "production", map[string]string{"secure-aws:adminGroup": `{"path":"/"}`}, "secure-aws:adminGroup.path"},
	{"admin-equivalent developer policy", "production", map[string]string{"secure-aws:developerGroup": `{"managedPolicies":["AdministratorAccess"]}`}, "secure-aws:developerGroup.managedPolicies[0]"},
	// Names.
	{"admin name with a space", "production", map[string]string{"secure-aws:admins": `[{"name":"alice smith"}]`}, "secure-aws:admins[0].name"},
	{"app name too long with the suffix", "staging", map[string]string{"secure-aws:apps": `[{"name":"` + strings.Repeat("a", 57) + `","grants":[{"bucket":"acme-assets-staging"}]}]`}, "secure-aws:apps[0].name"},
	{"bucket name uppercase", "staging", map[string]string{"secure-aws:buckets": `[{"name":"Acme-Assets"}]`, "secure-aws:apps": "", "secure-aws:thirdParties": ""}, "secure-aws:buckets[0].name"},
	{"bucket name with dots", "staging", map[string]string{"secure-aws:buckets": `[{"name":"acme.assets"}]`, "secure-aws:apps": "", "secure-aws:thirdParties": ""}, "secure-aws:buckets[0].name"},
	{"bucket name like an IP", "staging", map[string]string{"secure-aws:buckets": `[{"name":"192.168.1.1"}]`, "secure-aws:apps": "", "secure-aws:thirdParties": ""}, "secure-aws:buckets[0].name"},
	{"bad pgp key", "staging", map[string]string{"secure-aws:apps": `[{"name":"x","accessKey":true,"pgpKey":"keybase:","grants":[{"bucket":"acme-assets-staging"}]}]`}, "secure-aws:apps[0].pgpKey"},
	// Duplicates.
	{"app listed twice", "staging", map[string]string{"secure-aws:apps": `[{"name":"x","grants":[{"bucket":"acme-assets-staging"}]},{"name":"x","grants":[{"bucket":"acme-assets-staging"}]}]`}, "secure-aws:apps[1].name"},
	{"user names equal but for case", "staging", map[string]string{"secure-aws:thirdParties": `[{"name":"My-Application","grants":[{"bucket":"acme-assets-staging"}]}]`}, "secure-aws:thirdParties[0].name"},
	{"bucket also a vault", "staging", map[string]string{"secure-aws:buckets": `[{"name":"acme-backups-staging"}]`, "secure-aws:apps": "", "secure-aws:thirdParties": ""}, "secure-aws:backups[0].bucket"},
	{"grant repeated", "staging", map[string]string{"secure-aws:apps": `[{"name":"x","grants":[{"bucket":"acme-assets-staging"},{"bucket":"acme-assets-staging"}]}]`}, "secure-aws:apps[0].grants[1]"},
	// References.
	{"grant to a production bucket", "staging", map[string]string{"secure-aws:apps": `[{"name":"x","grants":[{"bucket":"acme-assets-production"}]}]`}, "secure-aws:apps[0].grants[0].bucket"},
	{"grant to a vault", "staging", map[string]string{"secure-aws:apps": `[{"name":"x","grants":[{"bucket":"acme-backups-staging"}]}]`}, "secure-aws:apps[0].grants[0].bucket"},
	{"principal without grants", "staging", map[string]string{"secure-aws:apps": `[{"name":"x"}]`}, "secure-aws:apps[0].grants"},
	// Actions and prefixes.
	{"wildcard action", "staging", map[string]string{"secure-aws:apps": `[{"name":"x","grants":[{"bucket":"acme-assets-staging","actions":["s3:*"]}]}]`}, "secure-aws:apps[0].grants[0].actions[0]"},
	{"star action", "staging", map[string]string{"secure-aws:apps": `[{"name":"x","grants":[{"bucket":"acme-assets-staging","actions":["*"]}]}]`}, "secure-aws:apps[0].grants[0].actions[0]"},
	{"unknown action", "staging", map[string]string{"secure-aws:apps": `[{"name":"x","grants":[{"bucket":"acme-assets-staging","actions":["s3:GetObjects"]}]}]`}, "secure-aws:apps[0].grants[0].actions[0]"},
	{"destructive action", "staging", map[string]string{"secure-aws:thirdParties": `[{"name":"z","grants":[{"bucket":"acme-assets-staging","actions":["s3:DeleteObjectVersion"]}]}]`}, "secure-aws:thirdParties[0].grants[0].actions[0]"},
	{"bucket write", "staging", map[string]string{"secure-aws:apps": `[{"name":"x","grants":[{"bucket":"acme-assets-staging","actions":["s3:PutBucketCORS"]}]}]`}, "secure-aws:apps[0].grants[0].actions[0]"},
	{"prefix without slash", "staging", map[string]string{"secure-aws:thirdParties": `[{"name":"z","grants":[{"bucket":"acme-assets-staging","prefix":"uploads"}]}]`}, "secure-aws:thirdParties[0].grants[0].prefix"},
	// Lifecycles.
	{"expiry before transition", "staging", map[string]string{"secure-aws:backups": `[{"bucket":"acme-backups-staging","glacierAfterDays":30,"expireAfterDays":20}]`}, "secure-aws:backups[0].expireAfterDays"},
	{"zero days", "staging", map[string]string{"secure-aws:backups": `[{"bucket":"acme-backups-staging","glacierAfterDays":0}]`}, "secure-aws:backups[0].glacierAfterDays"},
	{"negative noncurrent days", "staging", map[string]string{"secure-aws:backups": `[{"bucket":"acme-backups-staging","noncurrentExpireAfterDays":-1}]`}, "secure-aws:backups[0].noncurrentExpireAfterDays"},
	{"unknown storage class", "staging", map[string]string{"secure-aws:backups": `[{"bucket":"acme-backups-staging","storageClass":"STANDARD_IA"}]`}, "secure-aws:backups[0].storageClass"},
	{"too short in deep archive", "staging", map[string]string{"secure-aws:backups": `[{"bucket":"acme-backups-staging","storageClass":"DEEP_ARCHIVE","glacierAfterDays":30,"expireAfterDays":120}]`}, "secure-aws:backups[0].expireAfterDays"},
	{"bad object lock mode", "staging", map[string]string{"secure-aws:backups": `[{"bucket":"acme-backups-staging","objectLock":{"mode":"LEGAL","days":30}}]`}, "secure-aws:backups[0].objectLock.mode"},
	{"developer name with a space", "production", map[string]string{"secure-aws:developers": `[{"name":"carol smith"}]`}, "secure-aws:developers[0].name"},
	{"external bucket wildcard", "staging", map[string]string{"secure-aws:externalBuckets": `["acme-*"]`}, "secure-aws:externalBuckets[0]"},
	{"group quota exceeded", "staging", map[string]string{"secure-aws:quotas": `{"groupsPerAccount":1}`}, "secure-aws:quotas.groupsPerAccount"},
	{"quota not a number", "staging", map[string]string{"secure-aws:quotas": `{"policiesPerGroup":"ten"}`}, "secure-aws:quotas"},
	{"two unnamed vaults", "staging", map[string]string{"secure-aws:backups": `[{"bucket":"acme-backups-staging"},{"bucket":"acme-backups-staging-2"}]`}, "secure-aws:backups[1].name"},
}

// TestBadInputIsRefusedBeforeAnythingChanges runs the real program on each malformed
// configuration, with every key the stack sets as the engine lists them: each is refused
// with the key and the stack file named, and nothing is registered.
func TestBadInputIsRefusedBeforeAnythingChanges(t *testing.T) {
	require.GreaterOrEqual(t, len(badInputs), 40)
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
