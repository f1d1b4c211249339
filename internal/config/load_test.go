package config_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/accountcheck"
	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/credaudit"
	"github.com/secure-aws/secure-aws/internal/stackfile"
	"github.com/secure-aws/secure-aws/internal/testsupport/fixtures"
	"github.com/secure-aws/secure-aws/pgpkey/pgpkeytest"
	"github.com/secure-aws/secure-aws/spec"
)

// testStack is the stack the cases load unless they name another.
const testStack = "staging"

// baseConfig is a valid configuration of a stack that does not manage the account, as
// the engine passes it: full keys, structured values as JSON text.
func baseConfig() map[string]string {
	return map[string]string{
		"aws:region":              "us-east-1",
		"aws:allowedAccountIds":   `["111111111111"]`,
		"secure-aws:buckets":      `[{"name":"acme-assets"}]`,
		"secure-aws:apps":         `[{"name":"my-app","accessKey":true,"grants":[{"bucket":"acme-assets","actions":["s3:GetObject","s3:ListBucket"]}]}]`,
		"secure-aws:thirdParties": `[{"name":"zencoder","grants":[{"bucket":"acme-assets","prefix":"uploads/","actions":["s3:GetObject"]}]}]`,
		"secure-aws:backups":      `[{"bucket":"acme-backups"}]`,
		// Credentials as Pulumi secrets, so the cases need no PGP keys; the PGP requirement
		// has its own test.
		"secure-aws:credentialsAsPulumiSecrets": "true",
	}
}

// edit changes the base configuration of one case.
type edit func(map[string]string)

// fullKey namespaces a project key; keys with a namespace ("aws:region") stay as they are.
func fullKey(k string) string {
	if strings.Contains(k, ":") {
		return k
	}
	return config.Project + ":" + k
}

// set overrides (or adds) one key.
func set(k, v string) edit { return func(m map[string]string) { m[fullKey(k)] = v } }

// del removes one key, as if the stack file left it out.
func del(k string) edit { return func(m map[string]string) { delete(m, fullKey(k)) } }

// manage makes the stack the one that manages the account-wide settings.
var manage = set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp"}`)

func load(stack string, edits ...edit) (*config.Config, error) {
	m := baseConfig()
	for _, e := range edits {
		e(m)
	}
	return config.Load(stack, config.MapGetter(m))
}

// mustLoad loads a configuration that must be valid.
func mustLoad(t *testing.T, stack string, edits ...edit) *config.Config {
	t.Helper()
	cfg, err := load(stack, edits...)
	require.NoError(t, err)
	require.NotNil(t, cfg)
	return cfg
}

// configError loads a configuration that must be invalid and returns its problems.
func configError(t *testing.T, stack string, edits ...edit) *config.Error {
	t.Helper()
	cfg, err := load(stack, edits...)
	require.Error(t, err)
	assert.Nil(t, cfg)
	var cfgErr *config.Error
	require.ErrorAs(t, err, &cfgErr)
	require.NotEmpty(t, cfgErr.Problems)
	return cfgErr
}

func problemKeys(e *config.Error) []string {
	keys := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		keys = append(keys, p.Key)
	}
	return keys
}

func TestBaseConfigIsValid(t *testing.T) {
	cfg := mustLoad(t, testStack)
	assert.Equal(t, testStack, cfg.Stack)
	assert.Equal(t, "Pulumi.staging.yaml", cfg.StackFile)
	assert.Equal(t, "us-east-1", cfg.Region)
	assert.Equal(t, "aws", cfg.Partition)
	assert.Equal(t, "111111111111", cfg.AccountID)
	assert.False(t, cfg.Account.Manage)
	assert.Equal(t, []config.Bucket{{Name: "acme-assets"}}, cfg.Buckets)
	require.Len(t, cfg.Apps, 1)
	assert.Equal(t, "my-app", cfg.Apps[0].Name)
	assert.True(t, cfg.Apps[0].AccessKey)
	require.Len(t, cfg.Apps[0].Grants, 1)
	assert.Equal(t, "acme-assets", cfg.Apps[0].Grants[0].Bucket)
	assert.Equal(t, []string{"s3:GetObject", "s3:ListBucket"}, cfg.Apps[0].Grants[0].Actions)
	require.Len(t, cfg.ThirdParties, 1)
	assert.Equal(t, "uploads/", cfg.ThirdParties[0].Grants[0].Prefix)
	require.Len(t, cfg.Backups, 1)
	assert.Equal(t, "acme-backups", cfg.Backups[0].Bucket)
	assert.Empty(t, cfg.Admins)
	assert.Empty(t, cfg.Developers)
	assert.Empty(t, cfg.ExternalBuckets)

	account := cfg.AWSAccount()
	assert.Equal(t, "aws", account.Partition)
	assert.Equal(t, "111111111111", account.ID)
}

func TestManagedConfigIsValid(t *testing.T) {
	alice := pgpkeytest.Public(t, "alice")
	cfg := mustLoad(t, "production", manage,
		set("admins", `[{"name":"alice","pgpKey":"`+alice+`"},{"name":"bob"}]`),
		set("developers", `[{"name":"carol"}]`),
		set("externalBuckets", `[{"name":"legacy.example.com","account":"222222222222"}]`),
		set("backups", `[{"name":"db","bucket":"acme-db-backups","accessKey":true,"pgpKey":"`+pgpkeytest.Public(t, "ops")+`","objectLock":{"mode":"COMPLIANCE","days":30}},{"bucket":"acme-backups"}]`),
	)
	assert.True(t, cfg.Account.Manage)
	assert.Equal(t, "acme-corp", cfg.Account.Alias)
	require.Len(t, cfg.Admins, 2)
	assert.Equal(t, "alice", cfg.Admins[0].Name)
	assert.Equal(t, alice, cfg.Admins[0].PGPKey)
	assert.Equal(t, "bob", cfg.Admins[1].Name)
	require.Len(t, cfg.Developers, 1)
	assert.Equal(t, "carol", cfg.Developers[0].Name)
	assert.Equal(t, []config.ExternalBucket{{Name: "legacy.example.com", Account: "222222222222"}}, cfg.ExternalBuckets)
	require.Len(t, cfg.Backups, 2)
	assert.Equal(t, "db", cfg.Backups[0].Name)
	require.NotNil(t, cfg.Backups[0].ObjectLock)
	assert.Equal(t, "COMPLIANCE", cfg.Backups[0].ObjectLock.Mode)
	assert.Equal(t, 30, cfg.Backups[0].ObjectLock.Days)
	assert.Nil(t, cfg.Backups[1].ObjectLock)
}

// TestStackFilesLoad loads every stack file of the repository the way the engine reads
// them: each is a valid configuration, with every key it sets known.
func TestStackFilesLoad(t *testing.T) {
	names, err := stackfile.Names(filepath.Join("..", ".."))
	require.NoError(t, err)
	require.NotEmpty(t, names)
	for _, stack := range names {
		t.Run(stack, func(t *testing.T) {
			st, err := stackfile.Load(filepath.Join("..", ".."), stack)
			require.NoError(t, err)
			cfg, err := config.Load(stack, config.MapGetter(st.Config), slices.Collect(maps.Keys(st.Config))...)
			require.NoError(t, err)
			assert.NotEmpty(t, cfg.AccountID)
		})
	}
}

// TestExampleStackFiles: the examples as shipped (testdata/examples) share one account,
// which production manages.
func TestExampleStackFiles(t *testing.T) {
	dir := fixtures.Examples(t)
	for _, stack := range []string{"staging", "production"} {
		st, err := stackfile.Load(dir, stack)
		require.NoError(t, err)
		cfg, err := config.Load(stack, config.MapGetter(st.Config))
		require.NoError(t, err)
		assert.Equal(t, stack, cfg.Environment)
		assert.Equal(t, "111111111111", cfg.AccountID)
		assert.Equal(t, stack == "production", cfg.Account.Manage)
	}
}

// TestNamespaceTypos: a key whose namespace misspells the project's, aws or pulumi is
// refused with the key it was meant to be; other packages' namespaces pass.
func TestNamespaceTypos(t *testing.T) {
	for k, want := range map[string]string{
		"secure_aws:backups":   "did you mean secure-aws:backups?",
		"secureaws:developers": "did you mean secure-aws:developers?",
		"Secure-AWS:apps":      "did you mean secure-aws:apps?",
		"secure-awss:apps":     "did you mean secure-aws:apps?",
		"sceure-aws:apps":      "did you mean secure-aws:apps?",
		"asw:region":           "did you mean aws:region?",
		"AWS:region":           "did you mean aws:region?",
		"pulumii:tags":         "did you mean pulumi:tags?",
	} {
		t.Run(k, func(t *testing.T) {
			cfg := baseConfig()
			cfg[k] = `[]`
			_, err := config.Load(testStack, config.MapGetter(cfg), slices.Collect(maps.Keys(cfg))...)
			var cfgErr *config.Error
			require.ErrorAs(t, err, &cfgErr)
			require.Len(t, cfgErr.Problems, 1)
			assert.Equal(t, k, cfgErr.Problems[0].Key)
			assert.Contains(t, cfgErr.Problems[0].Message, want)
		})
	}
	for _, k := range []string{"awsx:vpc", "aws-native:region", "random:seed", "github:owner", "pulumiservice:org", "tls:algorithm"} {
		cfg := baseConfig()
		cfg[k] = "x"
		_, err := config.Load(testStack, config.MapGetter(cfg), slices.Collect(maps.Keys(cfg))...)
		assert.NoError(t, err, "%s belongs to another package", k)
	}
}

// TestProviderSettingsAreRefused: an aws: setting that changes where the provider sends
// requests or what it trusts (a proxy would read every credential AWS returns before the
// provider encrypts it) is refused; the settings that choose the runner's credentials pass.
func TestProviderSettingsAreRefused(t *testing.T) {
	for _, k := range []string{"aws:insecure", "aws:httpsProxy", "aws:httpProxy", "aws:endpoints", "aws:customCaBundle", "aws:ignoreTags", "aws:skipCredentialsValidation", "aws:defaultTags"} {
		t.Run(k, func(t *testing.T) {
			cfg := baseConfig()
			cfg[k] = "true"
			_, err := config.Load(testStack, config.MapGetter(cfg), slices.Collect(maps.Keys(cfg))...)
			var cfgErr *config.Error
			require.ErrorAs(t, err, &cfgErr)
			require.Len(t, cfgErr.Problems, 1)
			assert.Equal(t, k, cfgErr.Problems[0].Key)
			assert.Contains(t, cfgErr.Problems[0].Message, "may not hold (allowed: aws:region, aws:allowedAccountIds, aws:profile")
			assert.Contains(t, cfgErr.Error(), "Pulumi."+testStack+".yaml")
		})
	}
	cfg := baseConfig()
	cfg["aws:profile"] = "deploy"
	_, err := config.Load(testStack, config.MapGetter(cfg), slices.Collect(maps.Keys(cfg))...)
	assert.NoError(t, err, "a profile chooses the runner's credentials")
}

// TestDeclaredDefaultsAreUnset: the CLI passes every default Pulumi.yaml declares as if the
// stack had set it; each must read exactly like a key the stack leaves out, in a stack that
// manages the account and in one that does not.
func TestDeclaredDefaultsAreUnset(t *testing.T) {
	project, err := os.ReadFile(filepath.Join("..", "..", "Pulumi.yaml"))
	require.NoError(t, err)
	for name, stackConfig := range map[string]map[string]string{
		"not managing": {"aws:region": "us-east-1", "aws:allowedAccountIds": `["111111111111"]`},
		"managing":     {"aws:region": "us-east-1", "aws:allowedAccountIds": `["111111111111"]`, "secure-aws:account": `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp"}`},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644))
			var lines []string
			for k, v := range stackConfig {
				lines = append(lines, fmt.Sprintf("  %s: %s", k, v)) // JSON is YAML
			}
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.dev.yaml"), []byte("config:\n"+strings.Join(lines, "\n")+"\n"), 0o644))
			st, err := stackfile.Load(dir, "dev")
			require.NoError(t, err)
			require.Greater(t, len(st.Config), len(stackConfig), "Pulumi.yaml declares defaults")

			withDefaults, err := config.Load("dev", config.MapGetter(st.Config), slices.Collect(maps.Keys(st.Config))...)
			require.NoError(t, err)
			without, err := config.Load("dev", config.MapGetter(stackConfig), slices.Collect(maps.Keys(stackConfig))...)
			require.NoError(t, err)
			assert.Equal(t, without, withDefaults)
		})
	}
}

func TestDefaults(t *testing.T) {
	cfg := mustLoad(t, testStack)

	assert.Equal(t, testStack, cfg.Environment, "environment defaults to the stack name")
	assert.Equal(t, accountcheck.ModeWarn, cfg.Account.RootCredentialCheck)
	assert.Empty(t, cfg.Account.Alias)

	pp := cfg.Account.PasswordPolicy
	assert.Equal(t, 14, pp.MinimumLength)
	assert.Equal(t, 24, pp.ReusePrevention)
	assert.True(t, pp.RequireUppercase)
	assert.True(t, pp.RequireLowercase)
	assert.True(t, pp.RequireNumbers)
	assert.True(t, pp.RequireSymbols)
	assert.True(t, pp.AllowUsersToChange)
	assert.Equal(t, 0, pp.MaxAgeDays)
	assert.False(t, pp.HardExpiry)

	assert.Equal(t, "admins", cfg.AdminGroup.Name)
	assert.Equal(t, "/admins/", cfg.AdminGroup.Path)
	assert.Empty(t, cfg.AdminGroup.ManagedPolicies)
	assert.Equal(t, "developers", cfg.DeveloperGroup.Name)
	assert.Equal(t, "/developers/", cfg.DeveloperGroup.Path)
	assert.Equal(t, []string{"job-function/ViewOnlyAccess"}, cfg.DeveloperGroup.ManagedPolicies, "developers see no data by default")

	require.Len(t, cfg.Backups, 1)
	b := cfg.Backups[0]
	assert.Empty(t, b.Name)
	assert.False(t, b.AccessKey)
	assert.Nil(t, b.ObjectLock)
	assert.Equal(t, 30, b.GlacierAfterDays)
	assert.Equal(t, "GLACIER", b.StorageClass)
	assert.Equal(t, 365, b.ExpireAfterDays)
	assert.Equal(t, 0, b.NoncurrentGlacierAfterDays)
	assert.Equal(t, 30, b.NoncurrentExpireAfterDays)
	assert.Equal(t, 7, b.AbortIncompleteUploadsAfterDays)
}

func TestEnvironmentOverridesStackName(t *testing.T) {
	cfg := mustLoad(t, testStack, set("environment", "stage2"))
	assert.Equal(t, "stage2", cfg.Environment)
	assert.Equal(t, testStack, cfg.Stack)
	assert.Equal(t, "Pulumi.staging.yaml", cfg.StackFile)
}

func TestGrantWithoutActionsGetsDefaults(t *testing.T) {
	cfg := mustLoad(t, testStack,
		set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-assets"},{"bucket":"acme-assets","prefix":"logs/","actions":["s3:PutObject"]}]}]`),
		set("thirdParties", `[{"name":"zencoder","grants":[{"bucket":"acme-assets"}]}]`),
	)
	require.Len(t, cfg.Apps, 1)
	require.Len(t, cfg.Apps[0].Grants, 2)
	assert.Equal(t, config.DefaultGrantActions(), cfg.Apps[0].Grants[0].Actions)
	assert.Equal(t, []string{"s3:PutObject"}, cfg.Apps[0].Grants[1].Actions, "given actions are kept")
	require.Len(t, cfg.ThirdParties, 1)
	assert.Equal(t, []string{"s3:GetObject", "s3:ListBucket"}, cfg.ThirdParties[0].Grants[0].Actions, "a third party reads only, unless it says otherwise")
	assert.ElementsMatch(t, []string{"s3:DeleteObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject"}, config.DefaultGrantActions())
}

// TestGrantsRefusedBeforeTheyWiden: an explicit empty list is not widened to the defaults,
// a prefix that is not the folder it looks like is refused, and deletes on a bucket whose
// versioning is not ours need an explicit opt-in.
func TestGrantsRefusedBeforeTheyWiden(t *testing.T) {
	external := set("externalBuckets", `[{"name":"legacy-uploads","account":"222222222222"}]`)
	for name, c := range map[string]struct {
		edits []edit
		key   string
		msg   string
	}{
		"empty actions":            {[]edit{set("thirdParties", `[{"name":"z","grants":[{"bucket":"acme-assets","actions":[]}]}]`)}, "secure-aws:thirdParties[0].grants[0].actions", "would grant nothing"},
		"prefix with ..":           {[]edit{set("thirdParties", `[{"name":"z","grants":[{"bucket":"acme-assets","prefix":"in/../out/"}]}]`)}, "secure-aws:thirdParties[0].grants[0].prefix", ". or .. segments"},
		"prefix with //":           {[]edit{set("thirdParties", `[{"name":"z","grants":[{"bucket":"acme-assets","prefix":"in//"}]}]`)}, "secure-aws:thirdParties[0].grants[0].prefix", "must not contain //"},
		"app defaults on external": {[]edit{external, set("apps", `[{"name":"a","grants":[{"bucket":"legacy-uploads"}]}]`)}, "secure-aws:apps[0].grants[0].actions", "a delete may be final"},
		"explicit delete external": {[]edit{external, set("thirdParties", `[{"name":"z","grants":[{"bucket":"legacy-uploads","actions":["s3:GetObject","s3:DeleteObject"]}]}]`)}, "secure-aws:thirdParties[0].grants[0].actions", "allowDelete: true"},
		"allowDelete on our own":   {[]edit{set("apps", `[{"name":"a","grants":[{"bucket":"acme-assets","allowDelete":true}]}]`)}, "secure-aws:apps[0].grants[0].allowDelete", "only for external buckets"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := load(testStack, c.edits...)
			var cfgErr *config.Error
			require.ErrorAs(t, err, &cfgErr)
			require.Len(t, cfgErr.Problems, 1, "%v", cfgErr)
			assert.Equal(t, c.key, cfgErr.Problems[0].Key)
			assert.Contains(t, cfgErr.Problems[0].Message, c.msg)
		})
	}
	cfg := mustLoad(t, testStack, external, set("apps", `[{"name":"a","grants":[{"bucket":"legacy-uploads","allowDelete":true}]}]`))
	assert.Contains(t, cfg.Apps[0].Grants[0].Actions, "s3:DeleteObject", "opted in")
	cfg = mustLoad(t, testStack, external, set("apps", `[{"name":"a","grants":[{"bucket":"legacy-uploads","actions":["s3:GetObject","s3:PutObject"]}]}]`))
	assert.NotContains(t, cfg.Apps[0].Grants[0].Actions, "s3:DeleteObject")
}

func TestPartition(t *testing.T) {
	for _, tc := range []struct {
		region, partition string
	}{
		{"us-east-1", "aws"},
		{"eu-west-2", "aws"},
		{"ap-southeast-1", "aws"},
		{"cn-north-1", "aws-cn"},
		{"cn-northwest-1", "aws-cn"},
		{"us-gov-west-1", "aws-us-gov"},
		{"us-gov-east-1", "aws-us-gov"},
	} {
		t.Run(tc.region, func(t *testing.T) {
			cfg := mustLoad(t, testStack, set("aws:region", tc.region))
			assert.Equal(t, tc.region, cfg.Region)
			assert.Equal(t, tc.partition, cfg.Partition)
			assert.Equal(t, tc.partition, cfg.AWSAccount().Partition)
		})
	}
}

// TestPartialObjectsKeepDefaults: fields a stack file leaves out of a mapping keep their
// defaults, the given ones override.
func TestPartialObjectsKeepDefaults(t *testing.T) {
	cfg := mustLoad(t, "production",
		set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","rootCredentialCheck":"fail","passwordPolicy":{"minimumLength":20,"allowUsersToChange":false,"maxAgeDays":90}}`),
		set("adminGroup", `{"path":"/ops/"}`),
		set("developerGroup", `{"name":"devs"}`),
		set("backups", `[{"bucket":"acme-backups","glacierAfterDays":60,"storageClass":"DEEP_ARCHIVE","expireAfterDays":400}]`),
	)

	assert.Equal(t, accountcheck.ModeFail, cfg.Account.RootCredentialCheck)
	pp := cfg.Account.PasswordPolicy
	assert.Equal(t, 20, pp.MinimumLength, "given")
	assert.False(t, pp.AllowUsersToChange, "given")
	assert.Equal(t, 90, pp.MaxAgeDays, "given")
	assert.Equal(t, 24, pp.ReusePrevention, "default")
	assert.True(t, pp.RequireUppercase, "default")
	assert.True(t, pp.RequireLowercase, "default")
	assert.True(t, pp.RequireNumbers, "default")
	assert.True(t, pp.RequireSymbols, "default")

	assert.Equal(t, "admins", cfg.AdminGroup.Name, "default")
	assert.Equal(t, "/ops/", cfg.AdminGroup.Path, "given")
	assert.Equal(t, "devs", cfg.DeveloperGroup.Name, "given")
	assert.Equal(t, "/developers/", cfg.DeveloperGroup.Path, "default")
	assert.Equal(t, []string{"job-function/ViewOnlyAccess"}, cfg.DeveloperGroup.ManagedPolicies, "default")

	require.Len(t, cfg.Backups, 1)
	b := cfg.Backups[0]
	assert.Equal(t, 60, b.GlacierAfterDays, "given")
	assert.Equal(t, "DEEP_ARCHIVE", b.StorageClass, "given")
	assert.Equal(t, 400, b.ExpireAfterDays, "given")
	assert.Equal(t, 30, b.NoncurrentExpireAfterDays, "default")
	assert.Equal(t, 0, b.NoncurrentGlacierAfterDays, "default")
	assert.Equal(t, 7, b.AbortIncompleteUploadsAfterDays, "default")
}

func TestDeveloperManagedPoliciesOverride(t *testing.T) {
	cfg := mustLoad(t, testStack, manage, set("developerGroup", `{"managedPolicies":["job-function/ViewOnlyAccess","AWSSupportAccess"]}`))
	assert.Equal(t, []string{"job-function/ViewOnlyAccess", "AWSSupportAccess"}, cfg.DeveloperGroup.ManagedPolicies)

	cfg = mustLoad(t, testStack, manage, set("developerGroup", `{"managedPolicies":[]}`))
	assert.Empty(t, cfg.DeveloperGroup.ManagedPolicies, "an explicit empty list removes the default")
}

// TestDefaultsAreNotShared: each load starts from fresh defaults.
func TestDefaultsAreNotShared(t *testing.T) {
	first := mustLoad(t, testStack)
	first.DeveloperGroup.ManagedPolicies[0] = "Changed"
	first.Account.PasswordPolicy.MinimumLength = 99

	second := mustLoad(t, testStack)
	assert.Equal(t, []string{"job-function/ViewOnlyAccess"}, second.DeveloperGroup.ManagedPolicies)
	assert.Equal(t, 14, second.Account.PasswordPolicy.MinimumLength)
}

func TestValidEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name  string
		stack string
		edits []edit
	}{
		{name: "environment of 20 characters", edits: []edit{set("environment", "a2345678901234567890")}},
		{name: "dotted external bucket", edits: []edit{
			set("externalBuckets", `[{"name":"logs.example.com","account":"222222222222"}]`),
			set("apps", `[{"name":"my-app","grants":[{"bucket":"logs.example.com","actions":["s3:GetObject"]}]}]`),
		}},
		{name: "user name of exactly 64 characters", edits: []edit{
			set("apps", `[{"name":"`+strings.Repeat("a", 64-len("-staging"))+`","grants":[{"bucket":"acme-assets"}]}]`),
		}},
		{name: "prefix with ListBucket", edits: []edit{
			set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-assets","prefix":"a/b/","actions":["s3:ListBucket","s3:GetObject"]}]}]`),
		}},
		{name: "DEEP_ARCHIVE with 180 days in cold storage", edits: []edit{
			set("backups", `[{"bucket":"acme-backups","storageClass":"DEEP_ARCHIVE","glacierAfterDays":30,"expireAfterDays":210}]`),
		}},
		{name: "GLACIER_IR noncurrent transition", edits: []edit{
			set("backups", `[{"bucket":"acme-backups","storageClass":"GLACIER_IR","noncurrentGlacierAfterDays":10,"noncurrentExpireAfterDays":100}]`),
		}},
		{name: "two named vaults", edits: []edit{
			set("backups", `[{"name":"db","bucket":"acme-db-backups"},{"name":"files","bucket":"acme-file-backups"}]`),
		}},
		{name: "one named and one unnamed vault", edits: []edit{
			set("backups", `[{"bucket":"acme-backups"},{"name":"files","bucket":"acme-file-backups"}]`),
		}},
		{name: "rootCredentialCheck off", edits: []edit{set("account", `{"rootCredentialCheck":"off"}`)}},
		{name: "no apps, third parties or backups", edits: []edit{del("apps"), del("thirdParties"), del("backups")}},
		{name: "admin named like the app user of another environment", stack: "production", edits: []edit{manage,
			set("admins", `[{"name":"my-app-staging"}]`),
		}},
		{name: "password policy at its limits", stack: "production", edits: []edit{
			set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"abc","passwordPolicy":{"minimumLength":128,"reusePrevention":24,"maxAgeDays":1095,"hardExpiry":true}}`),
		}},
		{name: "alias of 63 characters", stack: "production", edits: []edit{
			set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"`+strings.Repeat("a", 63)+`"}`),
		}},
		{name: "nested group path", stack: "production", edits: []edit{manage, set("adminGroup", `{"name":"ops-admins","path":"/ops/admins/"}`)}},
		{name: "object lock GOVERNANCE", edits: []edit{set("backups", `[{"bucket":"acme-backups","objectLock":{"mode":"GOVERNANCE","days":1}}]`)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stack := tc.stack
			if stack == "" {
				stack = testStack
			}
			cfg, err := load(stack, tc.edits...)
			require.NoError(t, err)
			assert.NotNil(t, cfg)
		})
	}
}

// sixtyChars is an app name that fits IAM alone but not with "-staging".
var sixtyChars = strings.Repeat("a", 60)

// invalidCases is the catalogue of malformed configurations: each must be refused with a
// problem on key (and, where given, a message containing msg).
var invalidCases = []struct {
	name  string
	stack string // default testStack
	edits []edit
	key   string
	msg   string
}{
	// Wrong types.
	{name: "account as a plain string", edits: []edit{set("account", "prod")}, key: "secure-aws:account"},
	{name: "account as a JSON string", edits: []edit{set("account", `"prod"`)}, key: "secure-aws:account", msg: "mapping"},
	{name: "apps as an object", edits: []edit{set("apps", `{"name":"my-app"}`)}, key: "secure-aws:apps", msg: "list"},
	{name: "apps element not a mapping", edits: []edit{set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-assets"}]},5]`)}, key: "secure-aws:apps[1]"},
	{name: "accessKey as a string", edits: []edit{set("apps", `[{"name":"my-app","accessKey":"yes","grants":[{"bucket":"acme-assets"}]}]`)}, key: "secure-aws:apps[0].accessKey", msg: `must be true or false, not text "yes"`},
	{name: "glacierAfterDays as a string", edits: []edit{set("backups", `[{"bucket":"acme-backups","glacierAfterDays":"30"}]`)}, key: "secure-aws:backups[0].glacierAfterDays", msg: `must be a whole number, not text "30"; write 30 without quotes`},
	{name: "glacierAfterDays as a fraction", edits: []edit{set("backups", `[{"bucket":"acme-backups","glacierAfterDays":1.5}]`)}, key: "secure-aws:backups[0].glacierAfterDays", msg: "must be a whole number, not 1.5"},
	{name: "unquoted numeric account id", edits: []edit{set("aws:allowedAccountIds", `[111111111111]`)}, key: "aws:allowedAccountIds", msg: "quoted"},
	{name: "allowedAccountIds as a string", edits: []edit{set("aws:allowedAccountIds", `"111111111111"`)}, key: "aws:allowedAccountIds"},
	{name: "externalBuckets as a string", edits: []edit{set("externalBuckets", `"legacy-bucket"`)}, key: "secure-aws:externalBuckets"},
	{name: "manage as a string", edits: []edit{set("account", `{"manage":"true"}`)}, key: "secure-aws:account.manage", msg: "must be true or false, not text \"true\"; write true without quotes"},
	{name: "admins as a mapping", stack: "production", edits: []edit{manage, set("admins", `{"name":"alice"}`)}, key: "secure-aws:admins"},
	{name: "trail lockDays as a string", stack: "production", edits: []edit{set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","trail":{"bucket":"acme-audit-trail","lockDays":"365"}}`)}, key: "secure-aws:account.trail.lockDays", msg: "must be a whole number"},

	// Unknown fields.
	{name: "typo aliass in account", edits: []edit{set("account", `{"aliass":"acme-corp"}`)}, key: "secure-aws:account.aliass", msg: "is not a setting here; did you mean alias?"},
	{name: "typo bucktet in a grant", edits: []edit{set("apps", `[{"name":"my-app","grants":[{"bucktet":"acme-assets"}]}]`)}, key: "secure-aws:apps[0].grants[0].bucktet", msg: "did you mean bucket?"},
	{name: "typo in passwordPolicy", edits: []edit{set("account", `{"passwordPolicy":{"minLength":16}}`)}, key: "secure-aws:account.passwordPolicy.minLength", msg: "is not a setting here"},
	{name: "typo in a backup", edits: []edit{set("backups", `[{"bucket":"acme-backups","glacierAfterDay":30}]`)}, key: "secure-aws:backups[0].glacierAfterDay", msg: "did you mean glacierAfterDays?"},
	{name: "typo in the trail", stack: "production", edits: []edit{set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","trail":{"bucket":"acme-audit-trail","lockDay":30}}`)}, key: "secure-aws:account.trail.lockDay", msg: "did you mean lockDays?"},

	// Invalid names.
	{name: "environment with uppercase", edits: []edit{set("environment", "Prod")}, key: "secure-aws:environment"},
	{name: "environment too long", edits: []edit{set("environment", strings.Repeat("e", 21))}, key: "secure-aws:environment"},
	{name: "environment starting with a digit", edits: []edit{set("environment", "1prod")}, key: "secure-aws:environment"},
	{name: "stack name unfit as environment", stack: "Staging", key: "secure-aws:environment"},
	{name: "alias with double hyphen", stack: "production", edits: []edit{set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme--corp"}`)}, key: "secure-aws:account.alias"},
	{name: "alias with uppercase", stack: "production", edits: []edit{set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"Acme-Corp"}`)}, key: "secure-aws:account.alias"},
	{name: "alias too short", stack: "production", edits: []edit{set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"ac"}`)}, key: "secure-aws:account.alias"},
	{name: "alias of 12 digits", stack: "production", edits: []edit{set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"123456789012"}`)}, key: "secure-aws:account.alias", msg: "account id"},
	{name: "alias ending in a hyphen", stack: "production", edits: []edit{set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-"}`)}, key: "secure-aws:account.alias"},
	{name: "lifecycle replacement on a bucket not adopted", edits: []edit{set("buckets", `[{"name":"acme-assets","replaceLifecycle":true}]`)}, key: "secure-aws:buckets[0].replaceLifecycle", msg: "import is false"},
	{name: "lifecycle replacement on a vault not adopted", edits: []edit{set("backups", `[{"bucket":"acme-backups","replaceLifecycle":true}]`)}, key: "secure-aws:backups[0].replaceLifecycle", msg: "importBucket is false"},
	{name: "bucket name with uppercase", edits: []edit{set("buckets", `[{"name":"acme-assets"},{"name":"Acme-Media"}]`)}, key: "secure-aws:buckets[1].name"},
	{name: "created bucket with dots", edits: []edit{set("buckets", `[{"name":"acme-assets"},{"name":"acme.media"}]`)}, key: "secure-aws:buckets[1].name", msg: "dot"},
	{name: "bucket formatted as an IP address", edits: []edit{set("buckets", `[{"name":"acme-assets"},{"name":"192.168.10.20"}]`)}, key: "secure-aws:buckets[1].name", msg: `"." at position 4 is not allowed`},
	{name: "bucket with xn-- prefix", edits: []edit{set("buckets", `[{"name":"acme-assets"},{"name":"xn--acme"}]`)}, key: "secure-aws:buckets[1].name", msg: "reserves"},
	{name: "bucket with -s3alias suffix", edits: []edit{set("buckets", `[{"name":"acme-assets"},{"name":"acme-s3alias"}]`)}, key: "secure-aws:buckets[1].name", msg: "reserves"},
	{name: "bucket name too long", edits: []edit{set("buckets", `[{"name":"acme-assets"},{"name":"`+strings.Repeat("b", 64)+`"}]`)}, key: "secure-aws:buckets[1].name"},
	{name: "bucket without a name", edits: []edit{set("buckets", `[{"name":"acme-assets"},{}]`)}, key: "secure-aws:buckets[1].name", msg: "required"},
	{name: "external bucket too short", edits: []edit{set("externalBuckets", `[{"name":"ab","account":"222222222222"}]`)}, key: "secure-aws:externalBuckets[0].name"},
	{name: "external bucket with double dot", edits: []edit{set("externalBuckets", `[{"name":"legacy..bucket","account":"222222222222"}]`)}, key: "secure-aws:externalBuckets[0].name"},
	{name: "external bucket without its owner", edits: []edit{set("externalBuckets", `[{"name":"legacy-bucket"}]`)}, key: "secure-aws:externalBuckets[0].account", msg: "is required"},
	{name: "external bucket of the stack's own account", edits: []edit{set("externalBuckets", `[{"name":"acme-pulumi-state","account":"111111111111"}]`)}, key: "secure-aws:externalBuckets[0].account", msg: "is this stack's own account"},
	{name: "external bucket owned by no account id", edits: []edit{set("externalBuckets", `[{"name":"legacy-bucket","account":"acme"}]`)}, key: "secure-aws:externalBuckets[0].account", msg: "12"},
	{name: "external bucket as a bare name", edits: []edit{set("externalBuckets", `["legacy-bucket"]`)}, key: "secure-aws:externalBuckets[0]", msg: "names no owning account"},
	{name: "external bucket with an unknown field", edits: []edit{set("externalBuckets", `[{"name":"legacy-bucket","acount":"222222222222"}]`)}, key: "secure-aws:externalBuckets[0].acount", msg: "did you mean account?"},
	{name: "object ACLs on an external bucket", edits: []edit{set("externalBuckets", `[{"name":"legacy-bucket","account":"222222222222"}]`), set("thirdParties", `[{"name":"z","grants":[{"bucket":"legacy-bucket","actions":["s3:GetObject","s3:PutObjectAcl"]}]}]`)}, key: "secure-aws:thirdParties[0].grants[0].actions", msg: "s3:PutObjectAcl"},
	{name: "managed here and elsewhere", edits: []edit{set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"managedElsewhere":true,"alias":"acme-corp"}`)}, key: "secure-aws:account.managedElsewhere", msg: "so is account.manage"},
	{name: "backup bucket with dots", edits: []edit{set("backups", `[{"bucket":"acme.backups"}]`)}, key: "secure-aws:backups[0].bucket"},
	{name: "user name too long with the environment suffix", edits: []edit{set("apps", `[{"name":"`+sixtyChars+`","grants":[{"bucket":"acme-assets"}]}]`)}, key: "secure-aws:apps[0].name", msg: "64"},
	{name: "third party name too long with the environment suffix", edits: []edit{set("thirdParties", `[{"name":"`+sixtyChars+`","grants":[{"bucket":"acme-assets"}]}]`)}, key: "secure-aws:thirdParties[0].name"},
	{name: "space in an app name", edits: []edit{set("apps", `[{"name":"my app","grants":[{"bucket":"acme-assets"}]}]`)}, key: "secure-aws:apps[0].name"},
	{name: "slash in an app name", edits: []edit{set("apps", `[{"name":"my/app","grants":[{"bucket":"acme-assets"}]}]`)}, key: "secure-aws:apps[0].name"},
	{name: "app without a name", edits: []edit{set("apps", `[{"grants":[{"bucket":"acme-assets"}]}]`)}, key: "secure-aws:apps[0].name", msg: "required"},
	{name: "invalid vault name", edits: []edit{set("backups", `[{"name":"db vault","bucket":"acme-backups"}]`)}, key: "secure-aws:backups[0].name"},
	{name: "admin group path without trailing slash", stack: "production", edits: []edit{manage, set("adminGroup", `{"path":"/admins"}`)}, key: "secure-aws:adminGroup.path"},
	{name: "developer group path without leading slash", stack: "production", edits: []edit{manage, set("developerGroup", `{"path":"developers/"}`)}, key: "secure-aws:developerGroup.path"},
	{name: "admin group name with a space", stack: "production", edits: []edit{manage, set("adminGroup", `{"name":"the admins"}`)}, key: "secure-aws:adminGroup.name"},
	{name: "admin with an invalid name", stack: "production", edits: []edit{manage, set("admins", `[{"name":"alice smith"}]`)}, key: "secure-aws:admins[0].name"},
	{name: "admin without a name", stack: "production", edits: []edit{manage, set("admins", `[{}]`)}, key: "secure-aws:admins[0].name"},

	// Duplicates.
	{name: "two apps with the same name", edits: []edit{set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-assets"}]},{"name":"my-app","grants":[{"bucket":"acme-assets"}]}]`)}, key: "secure-aws:apps[1].name", msg: "twice"},
	{name: "admin and app user differ only in case", stack: "production", edits: []edit{manage, set("admins", `[{"name":"My-App-production"}]`)}, key: "secure-aws:apps[0].name", msg: "secure-aws:admins[0] (My-App-production).name"},
	{name: "admin and developer differ only in case", stack: "production", edits: []edit{manage, set("admins", `[{"name":"alice"}]`), set("developers", `[{"name":"Alice"}]`)}, key: "secure-aws:developers[0].name"},
	{name: "app and third party with the same name", edits: []edit{set("thirdParties", `[{"name":"my-app","grants":[{"bucket":"acme-assets"}]}]`)}, key: "secure-aws:thirdParties[0].name"},
	{name: "app named like the backup writer", edits: []edit{set("apps", `[{"name":"backup","grants":[{"bucket":"acme-assets"}]}]`)}, key: "secure-aws:backups[0].name"},
	{name: "same bucket in buckets and backups", edits: []edit{set("backups", `[{"bucket":"acme-assets"}]`)}, key: "secure-aws:backups[0].bucket", msg: "secure-aws:buckets[0] (acme-assets).name"},
	{name: "same bucket in buckets and externalBuckets", edits: []edit{set("externalBuckets", `[{"name":"acme-assets","account":"222222222222"}]`)}, key: "secure-aws:externalBuckets[0].name"},
	{name: "state bucket also in buckets", stack: "production", edits: []edit{manage, set("ci", `{"repository":"acme/x","ownerId":1,"repositoryId":2,"stateBucket":"acme-assets"}`)}, key: "secure-aws:ci.stateBucket", msg: "secure-aws:buckets[0] (acme-assets).name"},
	{name: "state bucket in externalBuckets", stack: "production", edits: []edit{manage, set("externalBuckets", `[{"name":"acme-state","account":"111111111111"}]`), set("ci", `{"repository":"acme/x","ownerId":1,"repositoryId":2,"stateBucket":"acme-state"}`)}, key: "secure-aws:ci.stateBucket", msg: "secure-aws:externalBuckets[0] (acme-state).name"},
	{name: "dotted state bucket", stack: "production", edits: []edit{manage, set("ci", `{"repository":"acme/x","ownerId":1,"repositoryId":2,"stateBucket":"acme.state"}`)}, key: "secure-aws:ci.stateBucket", msg: `"." at position 5 is not allowed`},
	{name: "same bucket twice in buckets", edits: []edit{set("buckets", `[{"name":"acme-assets"},{"name":"acme-assets"}]`)}, key: "secure-aws:buckets[1].name"},
	{name: "same bucket in two vaults", edits: []edit{set("backups", `[{"name":"a","bucket":"acme-backups"},{"name":"b","bucket":"acme-backups"}]`)}, key: "secure-aws:backups[1].bucket"},
	{name: "two vaults with the same name", edits: []edit{set("backups", `[{"name":"db","bucket":"acme-backups"},{"name":"db","bucket":"acme-backups-2"}]`)}, key: "secure-aws:backups[1].name"},
	{name: "two unnamed vaults", edits: []edit{set("backups", `[{"bucket":"acme-backups"},{"bucket":"acme-backups-2"}]`)}, key: "secure-aws:backups[1].name", msg: "more than one vault"},
	{name: "repeated grant", edits: []edit{set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-assets","actions":["s3:GetObject"]},{"bucket":"acme-assets","actions":["s3:PutObject"]}]}]`)}, key: "secure-aws:apps[0].grants[1]"},
	{name: "developer group named like the admin group", stack: "production", edits: []edit{manage, set("developerGroup", `{"name":"Admins"}`)}, key: "secure-aws:developerGroup.name"},

	// References.
	{name: "grant to an undeclared bucket", edits: []edit{set("apps", `[{"name":"my-app","grants":[{"bucket":"someone-elses-bucket"}]}]`)}, key: "secure-aws:apps[0].grants[0].bucket", msg: "externalBuckets"},
	{name: "third-party grant to an undeclared bucket", edits: []edit{set("thirdParties", `[{"name":"zencoder","grants":[{"bucket":"acme-assets"},{"bucket":"other-bucket"}]}]`)}, key: "secure-aws:thirdParties[0].grants[1].bucket"},
	{name: "grant to a backup vault", edits: []edit{set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-backups"}]}]`)}, key: "secure-aws:apps[0].grants[0].bucket", msg: "backup vault"},
	{name: "grant without a bucket", edits: []edit{set("apps", `[{"name":"my-app","grants":[{"actions":["s3:GetObject"]}]}]`)}, key: "secure-aws:apps[0].grants[0].bucket", msg: "required"},
	{name: "app without grants", edits: []edit{set("apps", `[{"name":"my-app"}]`)}, key: "secure-aws:apps[0].grants"},

	// Detection and trail hardening.
	{name: "security hub without aws config", stack: "production", edits: []edit{manage, set("account", `{"manage":true,"alias":"acme-corp","detection":{"securityHub":true}}`)}, key: "secure-aws:account.detection.securityHub", msg: "configBucket"},
	{name: "unknown guardduty frequency", stack: "production", edits: []edit{manage, set("account", `{"manage":true,"alias":"acme-corp","detection":{"guardDuty":true,"findingFrequency":"DAILY"}}`)}, key: "secure-aws:account.detection.findingFrequency", msg: "SIX_HOURS"},
	{name: "detection in a stack that does not manage the account", edits: []edit{set("account", `{"managedElsewhere":true,"detection":{"guardDuty":true}}`)}, key: "secure-aws:account.detection", msg: "account.manage is false"},
	{name: "dotted aws config bucket", stack: "production", edits: []edit{manage, set("account", `{"manage":true,"alias":"acme-corp","detection":{"configBucket":"acme.config"}}`)}, key: "secure-aws:account.detection.configBucket", msg: "dot"},
	{name: "aws config bucket also in buckets", stack: "production", edits: []edit{manage, set("account", `{"manage":true,"alias":"acme-corp","detection":{"configBucket":"acme-assets"}}`)}, key: "secure-aws:buckets[0].name", msg: "secure-aws:account.detection.configBucket"},
	{name: "access log bucket is the trail bucket", stack: "production", edits: []edit{manage, set("account", `{"manage":true,"alias":"acme-corp","trail":{"bucket":"acme-trail","accessLogBucket":"acme-trail"}}`)}, key: "secure-aws:account.trail.accessLogBucket", msg: "secure-aws:account.trail.bucket"},
	{name: "unknown data events", stack: "production", edits: []edit{manage, set("buckets", `[{"name":"acme-assets","dataEvents":"read"}]`)}, key: "secure-aws:buckets[0].dataEvents", msg: "write or readwrite"},
	{name: "data events in a stack without the trail", edits: []edit{set("buckets", `[{"name":"acme-assets","dataEvents":"write"}]`)}, key: "secure-aws:buckets[0].dataEvents", msg: "account.manage is false"},

	// Actions.
	{name: "service wildcard", edits: []edit{set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-assets","actions":["s3:GetObject","s3:*"]}]}]`)}, key: "secure-aws:apps[0].grants[0].actions[1]", msg: "wildcard"},
	{name: "full wildcard", edits: []edit{set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-assets","actions":["*"]}]}]`)}, key: "secure-aws:apps[0].grants[0].actions[0]", msg: "wildcard"},
	{name: "partial wildcard", edits: []edit{set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-assets","actions":["s3:Get*"]}]}]`)}, key: "secure-aws:apps[0].grants[0].actions[0]"},
	{name: "unknown action", edits: []edit{set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-assets","actions":["s3:GetObject","s3:GetObjects"]}]}]`)}, key: "secure-aws:apps[0].grants[0].actions[1]"},
	{name: "action in the wrong case", edits: []edit{set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-assets","actions":["s3:getobject"]}]}]`)}, key: "secure-aws:apps[0].grants[0].actions[0]", msg: "s3:GetObject"},
	{name: "action of another service", edits: []edit{set("thirdParties", `[{"name":"zencoder","grants":[{"bucket":"acme-assets","actions":["iam:PassRole"]}]}]`)}, key: "secure-aws:thirdParties[0].grants[0].actions[0]"},
	{name: "destructive object action", edits: []edit{set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-assets","actions":["s3:DeleteObjectVersion"]}]}]`)}, key: "secure-aws:apps[0].grants[0].actions[0]", msg: "denied"},
	{name: "destructive bucket action", edits: []edit{set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-assets","actions":["s3:GetObject","s3:PutBucketPolicy"]}]}]`)}, key: "secure-aws:apps[0].grants[0].actions[1]", msg: "denied"},
	{name: "account-level action", edits: []edit{set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-assets","actions":["s3:ListAllMyBuckets"]}]}]`)}, key: "secure-aws:apps[0].grants[0].actions[0]", msg: "account-level"},
	{name: "whole-bucket action with a prefix", edits: []edit{set("thirdParties", `[{"name":"zencoder","grants":[{"bucket":"acme-assets","prefix":"uploads/","actions":["s3:GetObject","s3:GetBucketTagging"]}]}]`)}, key: "secure-aws:thirdParties[0].grants[0].actions[1]", msg: "s3:GetBucketTagging"},
	{name: "GetBucketLocation with a prefix", edits: []edit{set("apps", `[{"name":"my-app","grants":[{"bucket":"acme-assets","prefix":"a/b/","actions":["s3:ListBucket","s3:GetBucketLocation"]}]}]`)}, key: "secure-aws:apps[0].grants[0].actions[1]", msg: "grant it without a prefix"},
	{name: "password policy in a stack that does not manage the account", edits: []edit{set("account", `{"passwordPolicy":{"minimumLength":20}}`)}, key: "secure-aws:account.passwordPolicy", msg: "account.manage is false"},
	{name: "admin group in a stack that does not manage the account", edits: []edit{set("adminGroup", `{"name":"admins"}`)}, key: "secure-aws:adminGroup", msg: "account-wide"},
	{name: "console group name too long for its policy", stack: "production", edits: []edit{manage, set("adminGroup", `{"name":"`+strings.Repeat("a", 121)+`"}`)}, key: "secure-aws:adminGroup.name", msg: "at most 120"},

	// Prefixes.
	{name: "prefix without trailing slash", edits: []edit{set("thirdParties", `[{"name":"zencoder","grants":[{"bucket":"acme-assets","prefix":"uploads","actions":["s3:GetObject"]}]}]`)}, key: "secure-aws:thirdParties[0].grants[0].prefix"},
	{name: "prefix with a leading slash", edits: []edit{set("thirdParties", `[{"name":"zencoder","grants":[{"bucket":"acme-assets","prefix":"/uploads/","actions":["s3:GetObject"]}]}]`)}, key: "secure-aws:thirdParties[0].grants[0].prefix"},
	{name: "prefix with a wildcard", edits: []edit{set("thirdParties", `[{"name":"zencoder","grants":[{"bucket":"acme-assets","prefix":"up*/","actions":["s3:GetObject"]}]}]`)}, key: "secure-aws:thirdParties[0].grants[0].prefix"},

	// Backup schedules.
	{name: "expiry before transition", edits: []edit{set("backups", `[{"bucket":"acme-backups","glacierAfterDays":100,"expireAfterDays":50}]`)}, key: "secure-aws:backups[0].expireAfterDays"},
	{name: "expiry on the transition day", edits: []edit{set("backups", `[{"bucket":"acme-backups","glacierAfterDays":100,"expireAfterDays":100}]`)}, key: "secure-aws:backups[0].expireAfterDays"},
	{name: "zero glacierAfterDays", edits: []edit{set("backups", `[{"bucket":"acme-backups","glacierAfterDays":0}]`)}, key: "secure-aws:backups[0].glacierAfterDays"},
	{name: "negative expireAfterDays", edits: []edit{set("backups", `[{"bucket":"acme-backups","expireAfterDays":-1}]`)}, key: "secure-aws:backups[0].expireAfterDays"},
	{name: "zero noncurrentExpireAfterDays", edits: []edit{set("backups", `[{"bucket":"acme-backups","noncurrentExpireAfterDays":0}]`)}, key: "secure-aws:backups[0].noncurrentExpireAfterDays"},
	{name: "negative abortIncompleteUploadsAfterDays", edits: []edit{set("backups", `[{"bucket":"acme-backups","abortIncompleteUploadsAfterDays":-7}]`)}, key: "secure-aws:backups[0].abortIncompleteUploadsAfterDays"},
	{name: "negative noncurrentGlacierAfterDays", edits: []edit{set("backups", `[{"bucket":"acme-backups","noncurrentGlacierAfterDays":-5}]`)}, key: "secure-aws:backups[0].noncurrentGlacierAfterDays"},
	{name: "storage class STANDARD", edits: []edit{set("backups", `[{"bucket":"acme-backups","storageClass":"STANDARD"}]`)}, key: "secure-aws:backups[0].storageClass"},
	{name: "storage class in lowercase", edits: []edit{set("backups", `[{"bucket":"acme-backups","storageClass":"glacier"}]`)}, key: "secure-aws:backups[0].storageClass"},
	{name: "too few days in DEEP_ARCHIVE", edits: []edit{set("backups", `[{"bucket":"acme-backups","storageClass":"DEEP_ARCHIVE","glacierAfterDays":30,"expireAfterDays":120}]`)}, key: "secure-aws:backups[0].expireAfterDays", msg: "210"},
	{name: "too few days in GLACIER", edits: []edit{set("backups", `[{"bucket":"acme-backups","glacierAfterDays":30,"expireAfterDays":100}]`)}, key: "secure-aws:backups[0].expireAfterDays", msg: "120"},
	{name: "noncurrent transition not before noncurrent expiry", edits: []edit{set("backups", `[{"bucket":"acme-backups","noncurrentGlacierAfterDays":30,"noncurrentExpireAfterDays":30}]`)}, key: "secure-aws:backups[0].noncurrentExpireAfterDays"},
	{name: "noncurrent transition after noncurrent expiry", edits: []edit{set("backups", `[{"bucket":"acme-backups","noncurrentGlacierAfterDays":40,"noncurrentExpireAfterDays":30}]`)}, key: "secure-aws:backups[0].noncurrentExpireAfterDays"},
	{name: "too few noncurrent days in GLACIER", edits: []edit{set("backups", `[{"bucket":"acme-backups","noncurrentGlacierAfterDays":30,"noncurrentExpireAfterDays":60}]`)}, key: "secure-aws:backups[0].noncurrentExpireAfterDays"},
	{name: "backup without a bucket", edits: []edit{set("backups", `[{"name":"db"}]`)}, key: "secure-aws:backups[0].bucket", msg: "required"},

	// Object Lock.
	{name: "object lock with an unknown mode", edits: []edit{set("backups", `[{"bucket":"acme-backups","objectLock":{"mode":"STRICT","days":30}}]`)}, key: "secure-aws:backups[0].objectLock.mode", msg: "STRICT"},
	{name: "object lock mode in lowercase", edits: []edit{set("backups", `[{"bucket":"acme-backups","objectLock":{"mode":"governance","days":30}}]`)}, key: "secure-aws:backups[0].objectLock.mode"},
	{name: "object lock of zero days", edits: []edit{set("backups", `[{"bucket":"acme-backups","objectLock":{"mode":"COMPLIANCE","days":0}}]`)}, key: "secure-aws:backups[0].objectLock.days", msg: "out of range"},
	{name: "object lock without a mode", edits: []edit{set("backups", `[{"bucket":"acme-backups","objectLock":{"days":30}}]`)}, key: "secure-aws:backups[0].objectLock.mode"},

	// Account-wide settings.
	{name: "admins in a stack that does not manage the account", edits: []edit{set("admins", `[{"name":"alice"}]`)}, key: "secure-aws:admins", msg: "account.manage"},
	{name: "developers in a stack that does not manage the account", edits: []edit{set("developers", `[{"name":"carol"}]`)}, key: "secure-aws:developers"},
	{name: "alias in a stack that does not manage the account", edits: []edit{set("account", `{"manage":false,"alias":"acme-corp"}`)}, key: "secure-aws:account.alias", msg: "manage"},
	{name: "manage without an alias", stack: "production", edits: []edit{set("account", `{"manage":true}`)}, key: "secure-aws:account.alias", msg: "required"},
	{name: "password minimumLength 8", stack: "production", edits: []edit{set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","passwordPolicy":{"minimumLength":8}}`)}, key: "secure-aws:account.passwordPolicy.minimumLength"},
	{name: "password minimumLength 200", stack: "production", edits: []edit{set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","passwordPolicy":{"minimumLength":200}}`)}, key: "secure-aws:account.passwordPolicy.minimumLength"},
	{name: "password reusePrevention 0", stack: "production", edits: []edit{set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","passwordPolicy":{"reusePrevention":0}}`)}, key: "secure-aws:account.passwordPolicy.reusePrevention"},
	{name: "password reusePrevention 5, which the CIS rule refuses", stack: "production", edits: []edit{set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","passwordPolicy":{"reusePrevention":5}}`)}, key: "secure-aws:account.passwordPolicy.reusePrevention", msg: "5 fails password-policy-cis (CIS v5.0.0 1.8 (v7.0.0 2.9) asks for 24)"},
	{name: "password without symbols, which the CIS rule refuses", stack: "production", edits: []edit{set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","passwordPolicy":{"requireSymbols":false}}`)}, key: "secure-aws:account.passwordPolicy.requireSymbols", msg: "false fails password-policy-cis"},
	{name: "password reusePrevention 25", stack: "production", edits: []edit{set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","passwordPolicy":{"reusePrevention":25}}`)}, key: "secure-aws:account.passwordPolicy.reusePrevention"},
	{name: "password maxAgeDays 1096", stack: "production", edits: []edit{set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","passwordPolicy":{"maxAgeDays":1096}}`)}, key: "secure-aws:account.passwordPolicy.maxAgeDays"},
	{name: "password maxAgeDays negative", stack: "production", edits: []edit{set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","passwordPolicy":{"maxAgeDays":-1}}`)}, key: "secure-aws:account.passwordPolicy.maxAgeDays"},
	{name: "hardExpiry without maxAgeDays", stack: "production", edits: []edit{set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","passwordPolicy":{"hardExpiry":true}}`)}, key: "secure-aws:account.passwordPolicy.hardExpiry"},
	{name: "developers get AdministratorAccess", edits: []edit{set("developerGroup", `{"managedPolicies":["job-function/ViewOnlyAccess","AdministratorAccess"]}`)}, key: "secure-aws:developerGroup.managedPolicies[1]", msg: "admins"},
	{name: "developers get ReadOnlyAccess", edits: []edit{set("developerGroup", `{"managedPolicies":["ReadOnlyAccess"]}`)}, key: "secure-aws:developerGroup.managedPolicies[0]", msg: "not one of the AWS managed policies developers may hold"},
	{name: "developers get AWSLambda_FullAccess", edits: []edit{set("developerGroup", `{"managedPolicies":["AWSLambda_FullAccess"]}`)}, key: "secure-aws:developerGroup.managedPolicies[0]", msg: "job-function/ViewOnlyAccess"},
	{name: "developers get PowerUserAccess", edits: []edit{set("developerGroup", `{"managedPolicies":["PowerUserAccess"]}`)}, key: "secure-aws:developerGroup.managedPolicies[0]"},
	{name: "developer policy name with a space", edits: []edit{set("developerGroup", `{"managedPolicies":["Read Only"]}`)}, key: "secure-aws:developerGroup.managedPolicies[0]"},
	{name: "admin group managed policies", edits: []edit{set("adminGroup", `{"managedPolicies":["ReadOnlyAccess"]}`)}, key: "secure-aws:adminGroup.managedPolicies"},
	{name: "trail locked for zero days", stack: "production", edits: []edit{set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","trail":{"bucket":"acme-audit-trail","lockDays":0}}`)}, key: "secure-aws:account.trail.lockDays", msg: "0 is out of range: 1 to 36500 days"},
	{name: "account region that does not exist", stack: "production", edits: []edit{set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","regions":["eu-west-9"]}`)}, key: "secure-aws:account.regions[0]", msg: `"eu-west-9" is not an AWS region such as us-east-1 (the regions as of 2026-12-03; one AWS opened since goes in awsnames/regions.go); did you mean eu-west-1?`},
	{name: "account region in China that does not exist", stack: "production", edits: []edit{set("aws:region", "cn-north-1"), set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","regions":["cn-northwest-2"]}`)}, key: "secure-aws:account.regions[0]", msg: "did you mean cn-northwest-1?"},
	{name: "rootCredentialCheck maybe", edits: []edit{set("account", `{"rootCredentialCheck":"maybe"}`)}, key: "secure-aws:account.rootCredentialCheck", msg: "maybe"},

	// Access keys and PGP keys.
	{name: "app pgpKey without accessKey", edits: []edit{set("apps", `[{"name":"my-app","pgpKey":"keybase:ops","grants":[{"bucket":"acme-assets"}]}]`)}, key: "secure-aws:apps[0].pgpKey", msg: "accessKey"},
	{name: "third-party pgpKey without accessKey", edits: []edit{set("thirdParties", `[{"name":"zencoder","accessKey":false,"pgpKey":"keybase:ops","grants":[{"bucket":"acme-assets"}]}]`)}, key: "secure-aws:thirdParties[0].pgpKey"},
	{name: "backup pgpKey without accessKey", edits: []edit{set("backups", `[{"bucket":"acme-backups","pgpKey":"keybase:ops"}]`)}, key: "secure-aws:backups[0].pgpKey"},
	{name: "pgpKey naming no keybase user", edits: []edit{set("apps", `[{"name":"my-app","accessKey":true,"pgpKey":"keybase:","grants":[{"bucket":"acme-assets"}]}]`)}, key: "secure-aws:apps[0].pgpKey"},
	{name: "admin pgpKey with armor", stack: "production", edits: []edit{manage, set("admins", `[{"name":"alice","pgpKey":"-----BEGIN PGP PUBLIC KEY BLOCK-----"}]`)}, key: "secure-aws:admins[0].pgpKey"},

	// The AWS provider's keys.
	{name: "region missing", edits: []edit{del("aws:region")}, key: "aws:region", msg: "required"},
	{name: "region empty", edits: []edit{set("aws:region", "")}, key: "aws:region"},
	{name: "region in uppercase", edits: []edit{set("aws:region", "US-EAST-1")}, key: "aws:region"},
	{name: "region without hyphens", edits: []edit{set("aws:region", "useast1")}, key: "aws:region"},
	{name: "region without a number", edits: []edit{set("aws:region", "us-east")}, key: "aws:region"},
	{name: "region that does not exist", edits: []edit{set("aws:region", "us-east-7")}, key: "aws:region", msg: "did you mean us-east-1?"},
	{name: "region far from any", edits: []edit{set("aws:region", "xx-nowhere-1")}, key: "aws:region", msg: "not an AWS region such as us-east-1"},
	{name: "allowedAccountIds missing", edits: []edit{del("aws:allowedAccountIds")}, key: "aws:allowedAccountIds", msg: "required"},
	{name: "allowedAccountIds empty", edits: []edit{set("aws:allowedAccountIds", `[]`)}, key: "aws:allowedAccountIds", msg: "is required"},
	{name: "two allowed account ids", edits: []edit{set("aws:allowedAccountIds", `["111111111111","222222222222"]`)}, key: "aws:allowedAccountIds", msg: "exactly one"},
	{name: "account id of 11 digits", edits: []edit{set("aws:allowedAccountIds", `["11111111111"]`)}, key: "aws:allowedAccountIds", msg: "12-digit"},
	{name: "account id with letters", edits: []edit{set("aws:allowedAccountIds", `["11111111111a"]`)}, key: "aws:allowedAccountIds"},
}

func TestInvalidConfigurations(t *testing.T) {
	require.GreaterOrEqual(t, len(invalidCases), 30)
	names := map[string]bool{}
	for _, tc := range invalidCases {
		require.False(t, names[tc.name], "case %q is listed twice", tc.name)
		names[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			stack := tc.stack
			if stack == "" {
				stack = testStack
			}
			cfgErr := configError(t, stack, tc.edits...)

			assert.Equal(t, stack, cfgErr.Stack)
			assert.Equal(t, "Pulumi."+stack+".yaml", cfgErr.StackFile)
			text := cfgErr.Error()
			assert.Contains(t, text, "Pulumi."+stack+".yaml", "the message names the stack file")

			require.Contains(t, problemKeys(cfgErr), tc.key, "problems: %s", text)
			if tc.msg != "" {
				var messages []string
				for _, p := range cfgErr.Problems {
					if p.Key == tc.key {
						messages = append(messages, p.Message)
					}
				}
				assert.Contains(t, strings.Join(messages, "\n"), tc.msg)
			}
			for _, p := range cfgErr.Problems {
				assert.NotEmpty(t, p.Key)
				assert.NotEmpty(t, p.Message, "problem %s has no message", p.Key)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	e := &config.Error{
		Stack:     "production",
		StackFile: "Pulumi.production.yaml",
		Problems: []config.Problem{
			{Key: "aws:region", Message: "is required (e.g. us-east-1)"},
			{Key: "secure-aws:apps[0].name", Message: "is required"},
		},
	}
	assert.Equal(t, `invalid configuration of stack "production" in Pulumi.production.yaml; nothing was changed:`+
		"\n  - aws:region: is required (e.g. us-east-1)"+
		"\n  - secure-aws:apps[0].name: is required", e.Error())
}

func TestSeveralProblemsAtOnce(t *testing.T) {
	cfgErr := configError(t, testStack,
		set("environment", "Prod"),
		set("aws:region", "nowhere"),
		set("apps", `[{"name":"my-app","grants":[{"bucket":"someone-elses-bucket"}]}]`),
		set("backups", `[{"bucket":"acme-backups","storageClass":"STANDARD"}]`),
	)
	keys := problemKeys(cfgErr)
	assert.Subset(t, keys, []string{
		"secure-aws:environment",
		"aws:region",
		"secure-aws:apps[0].grants[0].bucket",
		"secure-aws:backups[0].storageClass",
	})
	distinct := map[string]bool{}
	for _, k := range keys {
		distinct[k] = true
	}
	assert.GreaterOrEqual(t, len(distinct), 3)
	text := cfgErr.Error()
	assert.Equal(t, len(keys), strings.Count(text, "\n  - "), "one line per problem")
	assert.Contains(t, text, "\n  - secure-aws:apps[0] (my-app).grants[0] (someone-elses-bucket).bucket: ")
	assert.Contains(t, text, "\n  - secure-aws:backups[0] (acme-backups).storageClass: ")
}

// TestEveryDecodingProblemAtOnce: a type error in one key does not hide those of others.
func TestEveryDecodingProblemAtOnce(t *testing.T) {
	cfgErr := configError(t, testStack,
		set("account", `{"manage":"yes"}`),
		set("apps", `[{"name":"a","accessKey":1},{"name":"b","grants":"all"}]`),
		set("aws:allowedAccountIds", `[111111111111]`),
	)
	assert.Subset(t, problemKeys(cfgErr), []string{
		"secure-aws:account.manage",
		"secure-aws:apps[0].accessKey",
		"secure-aws:apps[1].grants",
		"aws:allowedAccountIds",
	})
}

// TestKeysMatchPulumiYAML: config.Keys are exactly the project keys Pulumi.yaml declares.
func TestKeysMatchPulumiYAML(t *testing.T) {
	project, err := workspace.LoadProject(filepath.Join("..", "..", "Pulumi.yaml"))
	require.NoError(t, err)
	require.Equal(t, config.Project, project.Name.String())

	var declared []string
	for k, decl := range project.Config {
		// The CLI requires every project key declared without a default (or value).
		assert.True(t, decl.Default != nil || decl.Value != nil, "%s is declared without a default: the Pulumi CLI would refuse every stack that does not set it", k)
		if name, ok := strings.CutPrefix(k, config.Project+":"); ok {
			declared = append(declared, name)
		} else if !strings.Contains(k, ":") {
			declared = append(declared, k) // an unqualified key belongs to the project
		}
	}
	require.NotEmpty(t, declared)
	assert.ElementsMatch(t, declared, config.Keys)

	seen := map[string]bool{}
	for _, k := range config.Keys {
		assert.False(t, seen[k], "%s is listed twice in config.Keys", k)
		seen[k] = true
	}
}

// TestLoadReadsEveryKey: the loader asks for every key in config.Keys and the AWS
// provider's keys it validates, and for nothing else.
func TestLoadReadsEveryKey(t *testing.T) {
	m := baseConfig()
	asked := map[string]bool{}
	_, err := config.Load(testStack, func(k string) (string, bool) {
		asked[k] = true
		v, ok := m[k]
		return v, ok
	})
	require.NoError(t, err)

	want := []string{"aws:region", "aws:allowedAccountIds"}
	for _, k := range config.Keys {
		want = append(want, config.Project+":"+k)
	}
	var got []string
	for k := range asked {
		got = append(got, k)
	}
	assert.ElementsMatch(t, want, got)
}

func TestCIConfig(t *testing.T) {
	cfg := mustLoad(t, "production", manage, set("ci", `{"repository":"acme/secure-aws","ownerId":1234567,"repositoryId":89012345}`))
	require.NotNil(t, cfg.CI)
	assert.Equal(t, config.CI{CITrust: spec.CITrust{Repository: "acme/secure-aws", OwnerID: 1234567, RepositoryID: 89012345, Branch: "main"}, CreateOIDCProvider: true}, *cfg.CI, "defaults: branch main, create the provider")
	assert.Equal(t, "acme-state", mustLoad(t, "production", manage, set("ci", `{"repository":"acme/x","ownerId":1,"repositoryId":2,"stateBucket":"acme-state"}`)).CI.StateBucket)
	assert.Nil(t, mustLoad(t, "production", manage).CI, "no ci key, no CI roles")
	assert.Nil(t, mustLoad(t, "production", manage, set("ci", `{}`)).CI, "ci: {} (the declared default) is no ci key")

	for name, c := range map[string]struct {
		edits []edit
		msg   string
	}{
		"not the managing stack": {[]edit{set("ci", `{"repository":"acme/secure-aws"}`)}, "account-wide"},
		"no repository":          {[]edit{manage, set("ci", `{"branch":"main"}`)}, "owner/name"},
		"wildcard branch":        {[]edit{manage, set("ci", `{"repository":"acme/x","ownerId":1,"repositoryId":2,"branch":"*"}`)}, "no wildcards"},
		"no ids":                 {[]edit{manage, set("ci", `{"repository":"acme/x"}`)}, "nameOnlySubjects: true (weaker"},
		"unknown field":          {[]edit{manage, set("ci", `{"repository":"acme/x","repo":"y"}`)}, "is not a setting here (settings: repository, branch, environments, ownerId, repositoryId, nameOnlySubjects, stateBucket, createOidcProvider)"},
		"state backend URL":      {[]edit{manage, set("ci", `{"repository":"acme/x","ownerId":1,"repositoryId":2,"stateBucket":"s3://acme-state"}`)}, `"s3://acme-state" is not a valid name for a bucket this project creates: ":" at position 3 is not allowed`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := load("production", c.edits...)
			var cfgErr *config.Error
			require.ErrorAs(t, err, &cfgErr)
			require.NotEmpty(t, cfgErr.Problems)
			assert.True(t, strings.HasPrefix(cfgErr.Problems[0].Key, "secure-aws:ci"), cfgErr.Problems[0].Key)
			assert.Contains(t, cfgErr.Problems[0].Message, c.msg)
		})
	}
}

func TestConsolePathsStayApart(t *testing.T) {
	for name, c := range map[string]struct {
		edit edit
		key  string
		msg  string
	}{
		"admin path /":             {set("adminGroup", `{"path":"/"}`), "secure-aws:adminGroup.path", "must not be /"},
		"developer path /":         {set("developerGroup", `{"path":"/"}`), "secure-aws:developerGroup.path", "must not be /"},
		"admin path of apps":       {set("adminGroup", `{"path":"/apps/"}`), "secure-aws:adminGroup.path", "machine principals"},
		"admin path above backups": {set("adminGroup", `{"path":"/backup/admins/"}`), "secure-aws:adminGroup.path", "machine principals"},
		"developers under admins":  {set("developerGroup", `{"path":"/admins/devs/"}`), "secure-aws:developerGroup.path", "overlaps the admin path"},
		"paths too long for the console policies": {func(m map[string]string) {
			set("adminGroup", `{"path":"/`+strings.Repeat("a", 510)+`/"}`)(m)
			set("developerGroup", `{"path":"/`+strings.Repeat("d", 510)+`/"}`)(m)
		}, "secure-aws:adminGroup.path", "with developerGroup.path: the console paths make the console groups' policy"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := load("production", manage, c.edit)
			var cfgErr *config.Error
			require.ErrorAs(t, err, &cfgErr)
			require.NotEmpty(t, cfgErr.Problems)
			assert.Equal(t, c.key, cfgErr.Problems[0].Key)
			assert.Contains(t, cfgErr.Problems[0].Message, c.msg)
		})
	}
	mustLoad(t, "production", manage, set("adminGroup", `{"path":"/people/admins/"}`), set("developerGroup", `{"path":"/people/developers/"}`))
}

func TestPolicySizeAndQuotas(t *testing.T) {
	var buckets, grants []string
	for i := range 30 {
		name := fmt.Sprintf("acme-assets-%02d", i)
		buckets = append(buckets, `{"name":"`+name+`"}`)
		grants = append(grants, `{"bucket":"`+name+`"}`)
	}
	many := []edit{set("buckets", "["+strings.Join(buckets, ",")+"]"), del("thirdParties"),
		set("apps", `[{"name":"my-app","grants":[`+strings.Join(grants, ",")+`]}]`)}
	mustLoad(t, testStack, many...) // more than one policy's worth of grants: split, not refused

	_, err := load(testStack, append(many, set("quotas", `{"policiesPerGroup":1}`))...)
	var cfgErr *config.Error
	require.ErrorAs(t, err, &cfgErr)
	require.Len(t, cfgErr.Problems, 1)
	assert.Equal(t, "secure-aws:apps[0].grants", cfgErr.Problems[0].Key)
	assert.Contains(t, cfgErr.Problems[0].Message, "need 3 managed policies")

	_, err = load(testStack, set("quotas", `{"groupsPerAccount":2}`))
	require.ErrorAs(t, err, &cfgErr)
	assert.Equal(t, "secure-aws:quotas.groupsPerAccount", cfgErr.Problems[0].Key)
	assert.Contains(t, cfgErr.Problems[0].Message, "creates 3 IAM groups")

	_, err = load(testStack, set("quotas", `{"policiesPerGroup":21}`))
	require.ErrorAs(t, err, &cfgErr)
	assert.Equal(t, "secure-aws:quotas.policiesPerGroup", cfgErr.Problems[0].Key)

	cfg := mustLoad(t, testStack)
	assert.Equal(t, config.Quotas{GroupsPerAccount: 300, PoliciesPerGroup: 10}, cfg.Quotas, "AWS's default quotas")
}

func TestGroupNamesIgnoreCase(t *testing.T) {
	_, err := load("production", manage, set("adminGroup", `{"name":"My-App-Production"}`))
	var cfgErr *config.Error
	require.ErrorAs(t, err, &cfgErr)
	assert.Equal(t, "secure-aws:adminGroup.name", cfgErr.Problems[0].Key)
	assert.Contains(t, cfgErr.Problems[0].Message, "is also the group of secure-aws:apps[0] (my-app).name")
}

// TestEveryProblemAtOnceDespiteTypeErrors: a value of the wrong type does not hide the
// other sections' problems.
func TestEveryProblemAtOnceDespiteTypeErrors(t *testing.T) {
	_, err := load(testStack,
		set("environment", "Prod"),
		set("aws:region", "nowhere"),
		set("apps", `[{"name":"my-app","accessKey":"yes","grants":[{"bucket":"acme-assets"}]}]`),
		set("thirdParties", `[{"name":"zencoder","grants":[{"bucket":"no-such-bucket"}]}]`))
	var cfgErr *config.Error
	require.ErrorAs(t, err, &cfgErr)
	var keys []string
	for _, p := range cfgErr.Problems {
		keys = append(keys, p.Key)
	}
	assert.Subset(t, keys, []string{"secure-aws:environment", "aws:region", "secure-aws:apps[0].accessKey", "secure-aws:thirdParties[0].grants[0].bucket"})
}

// TestMistypedManageReportsOneProblem: when account.manage does not decode, whether the
// stack manages the account is unknown, so the checks that depend on it stay silent.
func TestMistypedManageReportsOneProblem(t *testing.T) {
	_, err := load("production", set("account", `{"manage":"yes","alias":"acme-corp"}`),
		set("admins", `[{"name":"alice"}]`), set("ci", `{"repository":"acme/infra"}`), set("adminGroup", `{"name":"admins"}`))
	var cfgErr *config.Error
	require.ErrorAs(t, err, &cfgErr)
	require.Len(t, cfgErr.Problems, 1, "%v", cfgErr)
	assert.Equal(t, "secure-aws:account.manage", cfgErr.Problems[0].Key)
	assert.Contains(t, cfgErr.Problems[0].Message, "must be true or false")
}

// TestCredentialsNeedPGPKeys: every credential AWS generates is PGP-encrypted unless the
// stack opts in to Pulumi secrets, and the error says what the opt-in costs.
func TestCredentialsNeedPGPKeys(t *testing.T) {
	_, err := load("production", manage, del("credentialsAsPulumiSecrets"), set("admins", `[{"name":"alice"}]`), set("developers", `[{"name":"carol"}]`))
	var cfgErr *config.Error
	require.ErrorAs(t, err, &cfgErr)
	assert.ElementsMatch(t, []string{
		"secure-aws:admins[0].pgpKey", "secure-aws:developers[0].pgpKey",
		"secure-aws:apps[0].pgpKey", // baseConfig's my-app has an access key; zencoder and the vault have none
	}, problemKeys(cfgErr))
	for _, p := range cfgErr.Problems {
		assert.Contains(t, p.Message, "pull-request previews included")
		assert.Contains(t, p.Message, "secure-aws:credentialsAsPulumiSecrets: true")
	}

	cfg := mustLoad(t, "production", manage, set("admins", `[{"name":"alice"}]`))
	assert.True(t, cfg.CredentialsAsPulumiSecrets, "the explicit opt-in")
	_, err = load("production", manage, set("credentialsAsPulumiSecrets", "false"), set("admins", `[{"name":"alice","pgpKey":"`+pgpkeytest.Public(t, "alice")+`"}]`), set("apps", `[{"name":"my-app","accessKey":true,"pgpKey":"`+pgpkeytest.Public(t, "ops")+`","grants":[{"bucket":"acme-assets"}]}]`))
	assert.NoError(t, err, "every credential encrypted: nothing to opt in to")
}

// TestPGPKeys: every pgpKey a stack file can hold (console users, applications, third
// parties, vault writers, key generations) is read as an OpenPGP public key, and
// keybase:<user> only with allowKeybase; the error names the key, the stack file and what
// to give instead.
func TestPGPKeys(t *testing.T) {
	good := pgpkeytest.Public(t, "dana")
	dana := pgpkeytest.NewEntity(t, "dana", time.Now().Add(-time.Hour), 0)
	var secret bytes.Buffer
	require.NoError(t, dana.SerializePrivate(&secret, nil))
	random := make([]byte, 300)
	_, err := rand.Read(random)
	require.NoError(t, err)
	grants := `"grants":[{"bucket":"acme-assets"}]`
	places := map[string]func(key string) edit{
		"secure-aws:admins[0].pgpKey":     func(k string) edit { return set("admins", `[{"name":"dana","pgpKey":"`+k+`"}]`) },
		"secure-aws:developers[0].pgpKey": func(k string) edit { return set("developers", `[{"name":"dana","pgpKey":"`+k+`"}]`) },
		"secure-aws:apps[0].pgpKey": func(k string) edit {
			return set("apps", `[{"name":"a","accessKey":true,"pgpKey":"`+k+`",`+grants+`}]`)
		},
		"secure-aws:thirdParties[0].pgpKey": func(k string) edit {
			return set("thirdParties", `[{"name":"t","accessKey":true,"pgpKey":"`+k+`",`+grants+`}]`)
		},
		"secure-aws:backups[0].pgpKey": func(k string) edit {
			return set("backups", `[{"bucket":"acme-backups","accessKey":true,"pgpKey":"`+k+`"}]`)
		},
		"secure-aws:apps[0].accessKeys[1].pgpKey": func(k string) edit {
			return set("apps", `[{"name":"a","accessKey":true,"pgpKey":"`+good+`","accessKeys":[{"generation":1},{"generation":2,"pgpKey":"`+k+`"}],`+grants+`}]`)
		},
		"secure-aws:backups[0].accessKeys[0].pgpKey": func(k string) edit {
			return set("backups", `[{"bucket":"acme-backups","accessKey":true,"accessKeys":[{"generation":1,"pgpKey":"`+k+`"}]}]`)
		},
	}
	bad := map[string]struct{ key, msg string }{
		"a name":         {"dana", "too short"},
		"a fingerprint":  {fmt.Sprintf("%X", dana.PrimaryKey.Fingerprint), "key id or fingerprint"},
		"random base64":  {base64.StdEncoding.EncodeToString(random), "not an OpenPGP key"},
		"a secret key":   {base64.StdEncoding.EncodeToString(secret.Bytes()), "revoke key"},
		"a Keybase user": {"keybase:dana", "secure-aws:allowKeybase: true"},
		"armor":          {"-----BEGIN PGP PUBLIC KEY BLOCK-----", "gpg --export FINGERPRINT | base64 -w0"},
	}
	for place, edit := range places {
		t.Run(place, func(t *testing.T) {
			mustLoad(t, "production", manage, edit(good))
			for name, b := range bad {
				cfgErr := configError(t, "production", manage, edit(b.key))
				assert.Equal(t, []string{place}, problemKeys(cfgErr), name)
				assert.Contains(t, cfgErr.Error(), b.msg, name)
				assert.Contains(t, cfgErr.Error(), "Pulumi.production.yaml", name)
			}
			mustLoad(t, "production", manage, edit("keybase:dana"), set("allowKeybase", "true"))
		})
	}
}

// TestAccountRegions: account.regions are the regions of the account defaults, the stack's
// first; each is a region of the stack's partition, listed once, and only the managing
// stack sets them.
func TestAccountRegions(t *testing.T) {
	cfg := mustLoad(t, "production", set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","regions":["eu-west-1","us-east-1"]}`))
	assert.Equal(t, []string{"eu-west-1", "us-east-1"}, cfg.Account.Regions)
	assert.Equal(t, []string{"us-east-1", "eu-west-1"}, cfg.DefaultRegions(), "the stack's region first, once")
	assert.Equal(t, []string{"us-east-1"}, mustLoad(t, "production", set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp"}`)).DefaultRegions(), "default: the stack's region")
	for name, c := range map[string]struct{ account, key, msg string }{
		"not a region":      {`{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","regions":["europe"]}`, "secure-aws:account.regions[0]", "not an AWS region such as us-east-1"},
		"another partition": {`{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","regions":["cn-north-1"]}`, "secure-aws:account.regions[0]", "another partition"},
		"twice":             {`{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","regions":["eu-west-1","eu-west-1"]}`, "secure-aws:account.regions[1]", "listed twice"},
		"not managing":      {`{"regions":["eu-west-1"]}`, "secure-aws:account.regions", "account.manage is false"},
		// The old key is refused, naming the new one, rather than ignored: a stack file
		// that kept it would lose its analyzers in the further regions.
		"the old key": {`{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","analyzerRegions":["eu-west-1"]}`, "secure-aws:account.analyzerRegions", "write account.regions"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := load("production", set("account", c.account))
			var cfgErr *config.Error
			require.ErrorAs(t, err, &cfgErr)
			require.Len(t, cfgErr.Problems, 1, cfgErr.Error())
			assert.Equal(t, c.key, cfgErr.Problems[0].Key)
			assert.Contains(t, cfgErr.Problems[0].Message, c.msg)
			assert.Contains(t, cfgErr.Error(), "Pulumi.production.yaml")
		})
	}
}

// TestAllowedRegions: account.allowedRegions reach every policy through the account the
// components take, and must hold the regions the stack deploys to: its own, and the
// managing stack's account.regions, or the deploy role would deny itself its own work.
func TestAllowedRegions(t *testing.T) {
	cfg := mustLoad(t, "production", set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","regions":["eu-west-1"],"allowedRegions":["us-east-1","eu-west-1"]}`))
	assert.Equal(t, []string{"us-east-1", "eu-west-1"}, cfg.AWSAccount().AllowedRegions)
	assert.Empty(t, mustLoad(t, "production").AWSAccount().AllowedRegions, "default: no restriction")
	mustLoad(t, "staging", set("account", `{"allowedRegions":["us-east-1"]}`))
	for name, c := range map[string]struct {
		stack, account string
		keys           []string
		msg            string
	}{
		"without the stack's region": {"staging", `{"allowedRegions":["eu-west-1"]}`, []string{"secure-aws:account.allowedRegions"}, "leaves out us-east-1, the stack's region"},
		"without an account region":  {"production", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","regions":["eu-west-1","eu-central-1"],"allowedRegions":["us-east-1","eu-west-1"]}`, []string{"secure-aws:account.regions[1]"}, `"eu-central-1" is not in account.allowedRegions`},
		"not a region":               {"staging", `{"allowedRegions":["us-east-1","mars-1"]}`, []string{"secure-aws:account.allowedRegions[1]"}, "not an AWS region"},
		"twice":                      {"staging", `{"allowedRegions":["us-east-1","us-east-1"]}`, []string{"secure-aws:account.allowedRegions[1]"}, "listed twice"},
		"another partition":          {"staging", `{"allowedRegions":["us-east-1","us-gov-west-1"]}`, []string{"secure-aws:account.allowedRegions[1]"}, "another partition"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := load(c.stack, set("account", c.account))
			var cfgErr *config.Error
			require.ErrorAs(t, err, &cfgErr)
			assert.Equal(t, c.keys, problemKeys(cfgErr))
			assert.Contains(t, cfgErr.Error(), c.msg)
		})
	}
}

func TestAuditTrailConfig(t *testing.T) {
	cfg := mustLoad(t, "production", set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","trail":{"bucket":"acme-audit-trail"}}`))
	require.NotNil(t, cfg.Account.Trail)
	assert.Equal(t, config.Trail{Bucket: "acme-audit-trail", LockDays: 365}, *cfg.Account.Trail, "log files locked a year by default")
	assert.Nil(t, mustLoad(t, "production", manage).Account.Trail, "no trail unless asked for")
	for name, c := range map[string]struct{ account, key string }{
		"bad bucket name":   {`{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","trail":{"bucket":"Audit"}}`, "secure-aws:account.trail.bucket"},
		"lock out of range": {`{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","trail":{"bucket":"acme-audit-trail","lockDays":-1}}`, "secure-aws:account.trail.lockDays"},
		"bucket used twice": {`{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","trail":{"bucket":"acme-assets"}}`, "secure-aws:buckets[0].name"},
		"not managing":      {`{"trail":{"bucket":"acme-audit-trail"}}`, "secure-aws:account.trail"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := load("production", set("account", c.account))
			var cfgErr *config.Error
			require.ErrorAs(t, err, &cfgErr)
			assert.Contains(t, problemKeys(cfgErr), c.key)
		})
	}
}

// TestAccessKeyGenerations: rotation is configured per principal as up to two key
// generations; every problem names its key.
func TestAccessKeyGenerations(t *testing.T) {
	app := func(extra string) edit {
		return set("apps", `[{"name":"a","accessKey":true,"grants":[{"bucket":"acme-assets"}]`+extra+`}]`)
	}
	alice := pgpkeytest.Public(t, "alice")
	cfg := mustLoad(t, testStack, app(`,"pgpKey":"`+alice+`","accessKeys":[{"generation":1,"status":"Inactive"},{"generation":2}]`))
	assert.Equal(t, []spec.KeyGeneration{{Generation: 1, Status: "Inactive"}, {Generation: 2}}, cfg.Apps[0].AccessKeys)
	mustLoad(t, testStack, app(`,"accessKeys":[{"generation":2,"pgpKey":"`+pgpkeytest.Public(t, "bob")+`"}]`))

	for name, c := range map[string]struct {
		edit edit
		key  string
		msg  string
	}{
		"three generations": {app(`,"pgpKey":"` + alice + `","accessKeys":[{"generation":1},{"generation":2},{"generation":3}]`), "secure-aws:apps[0].accessKeys", "IAM allows 2"},
		"status typo":       {app(`,"pgpKey":"` + alice + `","accessKeys":[{"generation":1,"status":"Disabled"}]`), "secure-aws:apps[0].accessKeys[0].status", "Active or Inactive"},
		"no key":            {set("apps", `[{"name":"a","accessKey":false,"grants":[{"bucket":"acme-assets"}],"accessKeys":[{"generation":1}]}]`), "secure-aws:apps[0].accessKeys", "accessKey is false"},
		"new generation without PGP key": {func(m map[string]string) {
			app(`,"accessKeys":[{"generation":1,"pgpKey":"` + alice + `"},{"generation":2}]`)(m)
			delete(m, "secure-aws:credentialsAsPulumiSecrets")
		}, "secure-aws:apps[0].accessKeys[1].pgpKey", "is required"},
		"backup writer": {set("backups", `[{"bucket":"acme-backups","accessKey":true,"pgpKey":"`+alice+`","accessKeys":[{"generation":0}]}]`), "secure-aws:backups[0].accessKeys[0].generation", "is required"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := load(testStack, c.edit)
			var cfgErr *config.Error
			require.ErrorAs(t, err, &cfgErr)
			require.Len(t, cfgErr.Problems, 1, "%v", cfgErr)
			assert.Equal(t, c.key, cfgErr.Problems[0].Key)
			assert.Contains(t, cfgErr.Problems[0].Message, c.msg)
		})
	}
}

func TestCredentialAuditConfig(t *testing.T) {
	cfg := mustLoad(t, "production", manage)
	assert.Equal(t, credaudit.Settings{Mode: "warn", MaxKeyAgeDays: 90, MaxUnusedDays: 45}, cfg.Account.CredentialAudit, "CIS's ages by default")
	cfg = mustLoad(t, "production", set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","credentialAudit":{"mode":"fail","maxUnusedDays":30}}`))
	assert.Equal(t, credaudit.Settings{Mode: "fail", MaxKeyAgeDays: 90, MaxUnusedDays: 30}, cfg.Account.CredentialAudit)
	cfg = mustLoad(t, "production", set("account", `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","credentialAudit":{"nameUsers":true}}`))
	assert.Equal(t, credaudit.Settings{Mode: "warn", MaxKeyAgeDays: 90, MaxUnusedDays: 45, NameUsers: true}, cfg.Account.CredentialAudit, "users are named in the log only when configured")

	for name, c := range map[string]struct {
		audit, key, msg string
		manage          bool
	}{
		"mode":          {`{"mode":"strict"}`, "account.credentialAudit.mode", `"strict" is not allowed`, true},
		"age too long":  {`{"maxKeyAgeDays":180}`, "account.credentialAudit.maxKeyAgeDays", "1 to 90 days", true},
		"unused zero":   {`{"maxUnusedDays":0}`, "account.credentialAudit.maxUnusedDays", "1 to 45 days", true},
		"not managing":  {`{"mode":"fail"}`, "account.credentialAudit", "account.manage is false", false},
		"unknown field": {`{"maxAgeDays":30}`, "account.credentialAudit.maxAgeDays", "is not a setting here (settings: mode, maxKeyAgeDays, maxUnusedDays, nameUsers)", true},
	} {
		t.Run(name, func(t *testing.T) {
			account := fmt.Sprintf(`{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","credentialAudit":%s}`, c.audit)
			if !c.manage {
				account = fmt.Sprintf(`{"credentialAudit":%s}`, c.audit)
			}
			_, err := load("production", set("account", account))
			var cfgErr *config.Error
			require.ErrorAs(t, err, &cfgErr)
			require.NotEmpty(t, cfgErr.Problems)
			assert.Contains(t, cfgErr.Problems[0].Key, "secure-aws:"+c.key)
			assert.Contains(t, cfgErr.Problems[0].Message, c.msg)
		})
	}
}

// TestExpected: what the credential audit expects of the stack: its users with their
// key generations (whether the newest is Active, in whatever order they are listed), the IAM
// paths the program's users live under, and the groups a user of the program may be in.
func TestExpected(t *testing.T) {
	cfg := mustLoad(t, "production", manage,
		set("admins", `[{"name":"alice"}]`),
		set("apps", `[{"name":"a","accessKey":true,"grants":[{"bucket":"acme-assets"}],"accessKeys":[{"generation":1,"status":"Inactive"},{"generation":2}]},{"name":"b","grants":[{"bucket":"acme-assets"}]},{"name":"c","accessKey":true,"grants":[{"bucket":"acme-assets"}],"accessKeys":[{"generation":2,"status":"Inactive"},{"generation":1}]}]`),
		set("backups", `[{"bucket":"acme-backups","accessKey":true}]`))
	assert.Equal(t, credaudit.Expected{
		Users: map[string]credaudit.User{
			"a-production":        {Generations: 2, ActiveKeys: 1, NewestActive: true},
			"b-production":        {},
			"c-production":        {Generations: 2, ActiveKeys: 1, NewestActive: false},
			"zencoder-production": {},
			"backup-production":   {Generations: 1, ActiveKeys: 1, NewestActive: true},
			"alice":               {Console: true},
		},
		Paths:  []string{"/apps/", "/third-party/", "/backup/", "/admins/", "/developers/"},
		Stacks: []string{"secure-aws/production"},
		// Each machine principal's group carries its user's name; then the console groups.
		Groups: []string{"a-production", "b-production", "c-production", "zencoder-production", "backup-production", "admins"},
	}, cfg.Expected())
	assert.Equal(t, []string{"/apps/", "/third-party/", "/backup/"}, mustLoad(t, "staging").Expected().Paths, "console paths belong to the managing stack")
}
