package config_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lines are the problem lines of an invalid configuration's message, as a user reads them.
func lines(t *testing.T, stack string, edits ...edit) []string {
	t.Helper()
	cfgErr := configError(t, stack, edits...)
	text := cfgErr.Error()
	require.Contains(t, text, "Pulumi."+stack+".yaml", "the message names the stack file")
	var out []string
	for _, l := range strings.Split(text, "\n")[1:] {
		out = append(out, strings.TrimPrefix(l, "  - "))
	}
	return out
}

// requireLine finds the line that starts with key and returns its message.
func requireLine(t *testing.T, ls []string, key string) string {
	t.Helper()
	for _, l := range ls {
		if msg, ok := strings.CutPrefix(l, key+": "); ok {
			return msg
		}
	}
	require.Failf(t, "no line for "+key, "lines:\n%s", strings.Join(ls, "\n"))
	return ""
}

// messageCase is one bad value and the line it must give: the message under key holds
// msg. A case on the managing stack ("production") sets account.manage too.
type messageCase struct {
	name  string
	stack string
	edit  edit
	key   string
	msg   string
}

func checkMessages(t *testing.T, cases []messageCase) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			edits := []edit{c.edit}
			if c.stack == "production" {
				edits = append([]edit{manage}, edits...)
			}
			msg := requireLine(t, lines(t, c.stack, edits...), c.key)
			assert.Contains(t, msg, c.msg)
			assert.NotContains(t, msg, "a string", "YAML has text, not strings")
		})
	}
}

// TestEntriesAreNamed: a problem inside a list names the entry by its index and its name
// (a grant and an unnamed vault by their bucket), in every list of named entries, and in
// the keys a message refers to.
func TestEntriesAreNamed(t *testing.T) {
	ls := lines(t, "production", manage,
		set("admins", `[{"name":"alice"},{"name":"bob smith"}]`),
		set("developers", `[{"name":"carol","pgpKey":"keybase:"}]`),
		set("buckets", `[{"name":"acme-assets"},{"name":"acme-media","replaceLifecycle":true}]`),
		set("externalBuckets", `[{"name":"legacy-bucket"}]`),
		set("apps", `[{"name":"my-application","grants":[{"bucket":"acme-assets"},{"bucket":"acme-assets","prefix":"in/","actions":["s3:*"]}]}]`),
		set("thirdParties", `[{"name":"zencoder","grants":[{"bucket":"acme-assets","prefix":"up"}]}]`),
		set("backups", `[{"bucket":"acme-backups","glacierAfterDays":0},{"name":"db","bucket":"acme-db-backups","storageClass":"STANDARD"}]`),
	)
	for _, key := range []string{
		"secure-aws:admins[1] (bob smith).name",
		"secure-aws:developers[0] (carol).pgpKey",
		"secure-aws:buckets[1] (acme-media).replaceLifecycle",
		"secure-aws:externalBuckets[0] (legacy-bucket).account",
		"secure-aws:apps[0] (my-application).grants[1] (acme-assets).actions[0]",
		"secure-aws:thirdParties[0] (zencoder).grants[0] (acme-assets).prefix",
		"secure-aws:backups[0] (acme-backups).glacierAfterDays",
		"secure-aws:backups[1] (db).storageClass",
	} {
		requireLine(t, ls, key)
	}

	// A key a message refers to is named too.
	ls = lines(t, "production", manage, set("admins", `[{"name":"My-App-production"}]`))
	assert.Contains(t, requireLine(t, ls, "secure-aws:apps[0] (my-app).name"), "already used by secure-aws:admins[0] (My-App-production).name")
}

// TestEntriesAfterABrokenOneKeepTheirIndex: an entry that does not decode is left out of
// the checks, and the entries after it are still named by their index in the stack file.
func TestEntriesAfterABrokenOneKeepTheirIndex(t *testing.T) {
	ls := lines(t, testStack, set("apps", `[{"name":"a","accessKey":"yes","grants":[{"bucket":"acme-assets"}]},{"name":"b c","grants":[{"bucket":"acme-assets"}]}]`))
	requireLine(t, ls, "secure-aws:apps[0] (a).accessKey")
	assert.Contains(t, requireLine(t, ls, "secure-aws:apps[1] (b c).name"), `"b c-staging" is not a valid IAM user name`)
	assert.Len(t, ls, 2)
}

// TestFieldTyposSuggestTheField: a misspelt field inside any setting or entry gets the
// "did you mean" of key and namespace typos, at its own path; a field far from any lists
// the fields there.
func TestFieldTyposSuggestTheField(t *testing.T) {
	checkMessages(t, []messageCase{
		{"app", testStack, set("apps", `[{"name":"my-app","acessKey":true,"grants":[{"bucket":"acme-assets"}]}]`), "secure-aws:apps[0] (my-app).acessKey", "is not a setting here; did you mean accessKey?"},
		{"grant", testStack, set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-assets","acions":["s3:GetObject"]}]}]`), "secure-aws:apps[0] (my-app).grants[0] (acme-assets).acions", "is not a setting here; did you mean actions?"},
		{"third party grant", testStack, set("thirdParties", `[{"name":"zencoder","grants":[{"bucket":"acme-assets","perfix":"in/"}]}]`), "secure-aws:thirdParties[0] (zencoder).grants[0] (acme-assets).perfix", "did you mean prefix?"},
		{"vault", testStack, set("backups", `[{"bucket":"acme-backups","expireAfterDay":400}]`), "secure-aws:backups[0] (acme-backups).expireAfterDay", "did you mean expireAfterDays?"},
		{"object lock", testStack, set("backups", `[{"bucket":"acme-backups","objectLock":{"mode":"COMPLIANCE","day":3}}]`), "secure-aws:backups[0] (acme-backups).objectLock.day", "did you mean days?"},
		{"bucket", testStack, set("buckets", `[{"name":"acme-assets","improt":true}]`), "secure-aws:buckets[0] (acme-assets).improt", "did you mean import?"},
		{"external bucket", testStack, set("externalBuckets", `[{"name":"legacy-bucket","acount":"222222222222"}]`), "secure-aws:externalBuckets[0] (legacy-bucket).acount", "did you mean account?"},
		{"admin", "production", set("admins", `[{"name":"alice","pgpkey":"x","nmae":"a"}]`), "secure-aws:admins[0] (alice).nmae", "did you mean name?"},
		{"account", testStack, set("account", `{"aliass":"acme-corp"}`), "secure-aws:account.aliass", "is not a setting here; did you mean alias?"},
		{"password policy", "production", set("account", `{"manage":true,"alias":"acme-corp","passwordPolicy":{"minimumLenght":16}}`), "secure-aws:account.passwordPolicy.minimumLenght", "did you mean minimumLength?"},
		{"ci", "production", set("ci", `{"repository":"acme/x","ownerID":1,"repositryId":2}`), "secure-aws:ci.repositryId", "did you mean repositoryId?"},
		{"far from any", testStack, set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-assets","verbs":["s3:GetObject"]}]}]`), "secure-aws:apps[0] (my-app).grants[0] (acme-assets).verbs", "is not a setting here (settings: bucket, prefix, actions, allowDelete)"},
	})
}

// TestNearMissBucketsSuggestTheBucket: a grant on a bucket one or two edits away from a
// bucket the stack declares says which one it probably means; a bucket far from every
// declared one gets no guess.
func TestNearMissBucketsSuggestTheBucket(t *testing.T) {
	ls := lines(t, testStack,
		set("externalBuckets", `[{"name":"partner-drop","account":"222222222222"}]`),
		set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-asset"},{"bucket":"partner-dorp","actions":["s3:GetObject"]},{"bucket":"someone-else"}]}]`))
	assert.Contains(t, requireLine(t, ls, "secure-aws:apps[0] (my-app).grants[0] (acme-asset).bucket"), "; did you mean acme-assets?")
	assert.Contains(t, requireLine(t, ls, "secure-aws:apps[0] (my-app).grants[1] (partner-dorp).bucket"), "; did you mean partner-drop?")
	far := requireLine(t, ls, "secure-aws:apps[0] (my-app).grants[2] (someone-else).bucket")
	assert.Contains(t, far, "nor declared in secure-aws:externalBuckets")
	assert.NotContains(t, far, "did you mean")
}

// TestTypeErrorsKeepTheirPath: a value of the wrong type deep in a list is reported at
// its full path, every index and entry name kept, each one of several at once.
func TestTypeErrorsKeepTheirPath(t *testing.T) {
	ls := lines(t, testStack, set("apps", `[{"name":"my-application","accessKey":"yes","grants":[{"bucket":"acme-assets"},{"bucket":"acme-assets","prefix":"in/","actions":"s3:GetObject"}]}]`))
	assert.Equal(t, `must be a list, e.g. [first, second], or one "- item" line each, not text "s3:GetObject"; write [s3:GetObject] for a list of one`,
		requireLine(t, ls, "secure-aws:apps[0] (my-application).grants[1] (acme-assets).actions"))
	assert.Equal(t, `must be true or false, not text "yes"`, requireLine(t, ls, "secure-aws:apps[0] (my-application).accessKey"))
	assert.Len(t, ls, 2)
}

// TestTypeNamesAUserKnows: a type error says what is expected in a YAML file's words, and
// how to write it when quotes are the cause.
func TestTypeNamesAUserKnows(t *testing.T) {
	checkMessages(t, []messageCase{
		{"a number given as text", "production", set("ci", `{"repository":"acme/x","ownerId":"acme","repositoryId":2}`), "secure-aws:ci.ownerId", `must be a whole number, not text "acme"`},
		{"a number in quotes", testStack, set("backups", `[{"bucket":"acme-backups","glacierAfterDays":"30"}]`), "secure-aws:backups[0] (acme-backups).glacierAfterDays", `must be a whole number, not text "30"; write 30 without quotes`},
		{"a fraction", testStack, set("quotas", `{"groupsPerAccount":2.5}`), "secure-aws:quotas.groupsPerAccount", "must be a whole number, not 2.5"},
		{"true in quotes", testStack, set("account", `{"manage":"true","alias":"acme-corp"}`), "secure-aws:account.manage", `must be true or false, not text "true"; write true without quotes`},
		{"a plain switch", testStack, set("credentialsAsPulumiSecrets", "yes"), "secure-aws:credentialsAsPulumiSecrets", `must be true or false, not text "yes"`},
		{"text for a mapping", testStack, set("account", "prod"), "secure-aws:account", "must be a mapping (key: value) of manage, managedElsewhere, importExisting, regions, allowedRegions, trail, detection, alias, rootCredentialCheck, credentialAudit, passwordPolicy, alerts, budget, contacts, not text \"prod\""},
		{"a mapping for a list", testStack, set("apps", `{"name":"my-app"}`), "secure-aws:apps", `must be a list of mappings, one "- name: …" entry each, not a mapping`},
		{"a number for an entry", testStack, set("buckets", `[{"name":"acme-assets"},7]`), "secure-aws:buckets[1]", "must be a mapping (key: value) of name, import, replaceLifecycle, dataEvents, not 7"},
		{"an unquoted account id", testStack, set("externalBuckets", `[{"name":"legacy-bucket","account":222222222222}]`), "secure-aws:externalBuckets[0] (legacy-bucket).account", `must be text, not 222222222222; quote it to mean text: "222222222222"`},
		{"a mapping for the account ids", testStack, set("aws:allowedAccountIds", `{"id":"111111111111"}`), "aws:allowedAccountIds", `must be a list with one quoted 12-digit account id, e.g. ["111111111111"]`},
		{"a list for text", testStack, set("apps", `[{"name":["my-app"],"grants":[{"bucket":"acme-assets"}]}]`), "secure-aws:apps[0].name", "must be text, not a list"},
	})
}

// TestLongValuesAreCut: a value of megabytes (a file pasted into the wrong setting) is
// echoed cut to its first characters and its size, wherever it is, and judged quickly.
func TestLongValuesAreCut(t *testing.T) {
	size := 10 << 20
	if testing.Short() {
		size = 1 << 20 // the same cut, in a fifth of the time
	}
	big := strings.Repeat("x", size)
	for name, e := range map[string]edit{
		"region":      set("aws:region", big),
		"environment": set("environment", big),
		"bucket":      set("buckets", `[{"name":"`+big+`"}]`),
		"app":         set("apps", `[{"name":"`+big+`","grants":[{"bucket":"acme-assets"}]}]`),
		"grant":       set("apps", `[{"name":"my-app","grants":[{"bucket":"`+big+`"}]}]`),
		"prefix":      set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-assets","prefix":"`+big+`"}]}]`),
		"vault name":  set("backups", `[{"name":"`+big+`","bucket":"acme-backups"}]`),
		"type error":  set("apps", `[{"name":"my-app","accessKey":"`+big+`","grants":[{"bucket":"acme-assets"}]}]`),
		"list of one": set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-assets","actions":"`+big+`"}]}]`),
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			ls := lines(t, testStack, e)
			assert.Less(t, time.Since(start), 10*time.Second)
			text := strings.Join(ls, "\n")
			assert.Contains(t, text, strings.Repeat("x", 80)+"…", "the value's start is shown")
			assert.Contains(t, text, fmt.Sprintf("(%d bytes)", size), "the value's size is shown")
			for _, l := range ls {
				assert.Less(t, len(l), 1000, "a line: %.300s", l)
			}
		})
	}
	// A PGP key is judged by its content, not echoed.
	ls := lines(t, testStack, set("apps", `[{"name":"my-app","accessKey":true,"pgpKey":"`+big+`","grants":[{"bucket":"acme-assets"}]}]`))
	for _, l := range ls {
		assert.Less(t, len(l), 1000, "a line: %.300s", l)
	}
}

// TestLookAlikeCharactersAreNamed: a name holding a letter of another alphabet that looks
// like a Latin one is refused naming that character and where it is.
func TestLookAlikeCharactersAreNamed(t *testing.T) {
	ls := lines(t, testStack,
		set("environment", "st\u0430ging"),
		set("buckets", `[{"name":"acme-\u0430ssets"}]`),
		set("apps", `[{"name":"my-\u0430pp","grants":[{"bucket":"acme-\u0430ssets"}]}]`))
	assert.Contains(t, requireLine(t, ls, "secure-aws:environment"), "U+0430 CYRILLIC SMALL LETTER A at position 3 is not allowed; use 1 to 20 lowercase letters, digits and hyphens, starting with a letter")
	assert.Contains(t, requireLine(t, ls, "secure-aws:buckets[0] (acme-\u0430ssets).name"), "U+0430 CYRILLIC SMALL LETTER A at position 6 is not allowed; use 3 to 63 lowercase letters, digits and hyphens")
	assert.Contains(t, requireLine(t, ls, "secure-aws:apps[0] (my-\u0430pp).name"), "U+0430 CYRILLIC SMALL LETTER A at position 4 is not allowed; use letters, digits and + = , . @ _ -")
}

// TestBucketRuleMatchesItsCheck: the rule a refused bucket name is told is the rule it is
// held to: a bucket the stack creates is never offered dots, an external one is.
func TestBucketRuleMatchesItsCheck(t *testing.T) {
	ls := lines(t, testStack,
		set("buckets", `[{"name":"acme-assets"},{"name":"Acme-Media"}]`),
		set("externalBuckets", `[{"name":"Legacy.Bucket","account":"222222222222"}]`))
	created := requireLine(t, ls, "secure-aws:buckets[1] (Acme-Media).name")
	assert.Contains(t, created, "use 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit (no dots")
	assert.NotContains(t, created, "hyphens and dots")
	external := requireLine(t, ls, "secure-aws:externalBuckets[0] (Legacy.Bucket).name")
	assert.Contains(t, external, "use 3 to 63 lowercase letters, digits, hyphens and dots")
}

// TestGrantOnAMisnamedBucketFollowsItsName: a bucket whose name fails its own check is
// reported once, there: a grant that names the bucket as it should be spelt gets no second
// error pointing back at the bad name.
func TestGrantOnAMisnamedBucketFollowsItsName(t *testing.T) {
	ls := lines(t, testStack,
		set("buckets", `[{"name":"acme-assets"},{"name":"acme.reports.staging"}]`),
		set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-reports-staging"}]}]`))
	assert.Contains(t, requireLine(t, ls, "secure-aws:buckets[1] (acme.reports.staging).name"), "no dots")
	assert.Len(t, ls, 1, "only the bucket's own name is wrong:\n%s", strings.Join(ls, "\n"))
	assert.NotContains(t, strings.Join(ls, "\n"), "did you mean acme.reports.staging")
}
