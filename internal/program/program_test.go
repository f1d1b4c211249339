package program_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awsnames"
	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/components"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/internal/adoptcheck"
	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/credaudit"
	"github.com/secure-aws/secure-aws/internal/program"
	"github.com/secure-aws/secure-aws/internal/record"
	"github.com/secure-aws/secure-aws/internal/rootcheck"
	"github.com/secure-aws/secure-aws/internal/stackfile"
	"github.com/secure-aws/secure-aws/internal/testsupport/fixtures"
	"github.com/secure-aws/secure-aws/internal/testsupport/golden"
	"github.com/secure-aws/secure-aws/internal/testsupport/stackgen"
)

// projectDir holds Pulumi.yaml and the stack files of the repository: a team's own, which
// the property tests check whatever they hold. Tests that expect the examples' names and
// counts read the copies under testdata/examples (loadExample).
const projectDir = "../.."

// fakeRoot is the account as the checks of the managing stack read it: the root user's
// status, a credential report (by default one without users) and users' tags.
type fakeRoot struct {
	status    rootcheck.Status
	err       error
	calls     *int
	report    string
	reportErr error
	tags      map[string]map[string]string
	groups    map[string][]string // each user's groups; default none
	// adopted is what each bucket being adopted has; default nothing.
	adopted    map[string]adoptcheck.Existing
	adoptedErr error
}

func (f fakeRoot) RootStatus(context.Context) (rootcheck.Status, error) {
	if f.calls != nil {
		*f.calls++
	}
	return f.status, f.err
}

func (f fakeRoot) CredentialReport(context.Context) ([]byte, error) {
	return []byte(cmp.Or(f.report, credaudit.Header)), f.reportErr
}

func (f fakeRoot) UserTags(_ context.Context, user string) (map[string]string, error) {
	return f.tags[user], nil
}

func (f fakeRoot) UserGroups(_ context.Context, user string) ([]string, error) {
	return f.groups[user], nil
}

func (f fakeRoot) AdoptedBucket(_ context.Context, _, bucket string) (adoptcheck.Existing, error) {
	return f.adopted[bucket], f.adoptedErr
}

var healthyRoot = fakeRoot{status: rootcheck.Status{MFAEnabled: true}}

// loadStack reads one of the repository's stack files.
func loadStack(t testing.TB, stack string) map[string]string {
	t.Helper()
	st, err := stackfile.Load(projectDir, stack)
	require.NoError(t, err)
	return st.Config
}

// loadExample reads an example stack file as shipped (testdata/examples).
func loadExample(t testing.TB, stack string) map[string]string {
	t.Helper()
	st, err := stackfile.Load(fixtures.Examples(t), stack)
	require.NoError(t, err)
	return st.Config
}

// stackConfig is the loaded configuration of one of the repository's stacks.
func stackConfig(t testing.TB, stack string) *config.Config {
	t.Helper()
	raw := loadStack(t, stack)
	cfg, err := config.Load(stack, config.MapGetter(raw))
	require.NoError(t, err)
	return cfg
}

// runConfig runs the real program on cfg as `pulumi up` (or preview, with dryRun).
func runConfig(t *testing.T, stack string, cfg map[string]string, root program.AccountReader, dryRun bool) (*record.Recorder, error) {
	t.Helper()
	rec := record.New(config.Project, stack)
	return rec, rec.Run(cfg, dryRun, program.Run(program.Env{Account: root, ConfigKeys: keysOf(cfg)}))
}

func runStack(t *testing.T, stack string) *record.Recorder {
	t.Helper()
	rec, err := runConfig(t, stack, loadStack(t, stack), healthyRoot, false)
	require.NoError(t, err)
	return rec
}

func runExample(t *testing.T, stack string) *record.Recorder {
	t.Helper()
	rec, err := runConfig(t, stack, loadExample(t, stack), healthyRoot, false)
	require.NoError(t, err)
	return rec
}

// repoStacks are the repository's stacks, whatever their names.
func repoStacks(t *testing.T) []string {
	t.Helper()
	names, err := stackfile.Names(projectDir)
	require.NoError(t, err)
	require.NotEmpty(t, names, "the repository has no Pulumi.<stack>.yaml")
	return names
}

func count(rec *record.Recorder) map[string]int {
	out := map[string]int{}
	for _, r := range rec.Registrations() {
		out[r.Type]++
	}
	return out
}

func TestStagingStack(t *testing.T) {
	rec := runExample(t, "staging")
	assert.Equal(t, map[string]int{
		components.SecureBucketType:   2,
		components.AppUserType:        1,
		components.ThirdPartyUserType: 1,
		components.BackupVaultType:    1,
	}, componentCounts(rec))
	assert.Empty(t, rec.OfType(components.AccountBaselineType), "staging does not manage the account")
	assert.Empty(t, rec.OfType(components.AdminGroupType), "console users are account-wide")

	users := userNames(rec)
	assert.ElementsMatch(t, []string{"my-application-staging", "zencoder-staging", "backup-staging"}, users)
}

func TestProductionStack(t *testing.T) {
	rec := runExample(t, "production")
	assert.Equal(t, map[string]int{
		components.AccountBaselineType: 1,
		components.SecurityAlertsType:  1,
		components.AccountBudgetType:   1,
		components.AccountContactsType: 1,
		components.CIDeployRoleType:    1,
		components.DetectionType:       1,
		components.AdminGroupType:      1,
		components.DeveloperGroupType:  1,
		components.SecureBucketType:    5,
		components.AuditTrailType:      1,
		components.AppUserType:         1,
		components.ThirdPartyUserType:  1,
		components.BackupVaultType:     1,
	}, componentCounts(rec))
	assert.ElementsMatch(t, []string{"alice", "bob", "carol", "my-application-production", "zencoder-production", "backup-production"}, userNames(rec))
	alias, ok := rec.Find(awstypes.AccountAlias, "account-alias")
	require.True(t, ok)
	assert.Equal(t, "acme-corp", alias.Input("accountAlias"))
}

// TestAccountBaselineOncePerAccount: across the repository's stacks, each AWS account gets
// its account-wide singletons from one stack at most, the one that manages it.
func TestAccountBaselineOncePerAccount(t *testing.T) {
	baselines, managers := map[string]int{}, map[string]int{}
	for _, stack := range repoStacks(t) {
		cfg := stackConfig(t, stack)
		baselines[cfg.AccountID] += len(runStack(t, stack).OfType(components.AccountBaselineType))
		if cfg.Account.Manage {
			managers[cfg.AccountID]++
		}
	}
	for account, n := range baselines {
		assert.LessOrEqual(t, n, 1, "account %s gets its baseline from %d stacks", account, n)
		assert.Equal(t, managers[account], n, "account %s: the managing stack registers the baseline", account)
	}
}

// TestStacksOfOneAccountStayApart: stacks sharing an AWS account use distinct
// environments and bucket names. (That one stack manages the account and that their groups
// fit its quota together is checked by the offline plan, internal/plan checkAccount, which
// TestGoldenPlans runs on every stack.)
func TestStacksOfOneAccountStayApart(t *testing.T) {
	environments := map[string]string{}
	buckets := map[string]string{}
	for _, stack := range repoStacks(t) {
		cfg := stackConfig(t, stack)
		envKey := cfg.AccountID + "/" + cfg.Environment
		assert.NotContains(t, environments, envKey, "stacks %s and %s share environment %s in account %s", environments[envKey], stack, cfg.Environment, cfg.AccountID)
		environments[envKey] = stack
		for _, b := range cfg.Buckets {
			assert.NotContains(t, buckets, b.Name, "bucket %s is in two stacks", b.Name)
			buckets[b.Name] = stack
		}
		for _, b := range cfg.Backups {
			assert.NotContains(t, buckets, b.Bucket, "bucket %s is in two stacks", b.Bucket)
			buckets[b.Bucket] = stack
		}
	}
}

// TestGroupCountMatchesTheProgram: the quota checks count groups with Config.Groups; it
// must count what the program really creates, for every stack and one with every feature.
func TestGroupCountMatchesTheProgram(t *testing.T) {
	stacks := map[string]map[string]string{"everything": stackgen.Everything()}
	for _, stack := range repoStacks(t) {
		stacks[stack] = loadStack(t, stack)
	}
	for stack, raw := range stacks {
		t.Run(stack, func(t *testing.T) {
			cfg, err := config.Load(stack, config.MapGetter(raw))
			require.NoError(t, err)
			rec, err := runConfig(t, stack, raw, healthyRoot, false)
			require.NoError(t, err)
			assert.Equal(t, len(rec.OfType(awstypes.Group)), cfg.Groups())
		})
	}
}

func TestInvalidConfigRegistersNothing(t *testing.T) {
	cfg := loadExample(t, "production")
	cfg["secure-aws:apps"] = `[{"name":"my-application","grants":[{"bucket":"acme-assets-production","actions":["s3:*"]}]}]`
	cfg["secure-aws:account"] = `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"Acme Corp"}`
	calls := 0
	rec, err := runConfig(t, "production", cfg, fakeRoot{calls: &calls}, false)
	require.Error(t, err)
	var cfgErr *config.Error
	require.ErrorAs(t, err, &cfgErr)
	assert.Contains(t, err.Error(), "Pulumi.production.yaml")
	assert.Contains(t, err.Error(), "secure-aws:apps[0] (my-application).grants[0] (acme-assets-production).actions[0]")
	assert.Contains(t, err.Error(), "secure-aws:account.alias")
	assert.Empty(t, rec.Registrations(), "nothing is registered when the configuration is invalid")
	assert.Zero(t, calls, "nothing is read from AWS either")
}

func TestRootCredentialCheck(t *testing.T) {
	cfg := loadExample(t, "production")
	exposed := fakeRoot{status: rootcheck.Status{AccessKeysPresent: true}}

	// warn (the production stack's setting): the run goes on.
	rec, err := runConfig(t, "production", cfg, exposed, false)
	require.NoError(t, err)
	assert.NotEmpty(t, rec.Registrations())

	// fail: the run stops before anything is registered.
	cfg["secure-aws:account"] = `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","rootCredentialCheck":"fail"}`
	rec, err = runConfig(t, "production", cfg, exposed, false)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the root user has access keys")
	assert.Contains(t, err.Error(), "the root user has no MFA device")
	assert.Empty(t, rec.Registrations())

	// fail, but the summary cannot be read during a preview: a warning, not a failure.
	rec, err = runConfig(t, "production", cfg, fakeRoot{err: errors.New("no credentials")}, true)
	require.NoError(t, err)
	assert.NotEmpty(t, rec.Registrations())

	// Stacks that do not manage the account never call AWS.
	calls := 0
	_, err = runConfig(t, "staging", loadExample(t, "staging"), fakeRoot{calls: &calls}, false)
	require.NoError(t, err)
	assert.Zero(t, calls)
}

func TestPreviewRuns(t *testing.T) {
	for _, stack := range repoStacks(t) {
		t.Run(stack, func(t *testing.T) {
			rec, err := runConfig(t, stack, loadStack(t, stack), fakeRoot{err: errors.New("no credentials in preview")}, true)
			require.NoError(t, err)
			assert.Equal(t, count(runStack(t, stack)), count(rec), "a preview registers what an update does")
		})
	}
}

// TestPolicyDocumentsGolden pins every IAM policy document of every stack file, so any
// permission change shows up in review as a diff of testdata/policies-<stack>.json.
func TestPolicyDocumentsGolden(t *testing.T) {
	var files []string
	for _, stack := range repoStacks(t) {
		files = append(files, filepath.Join("testdata", "policies-"+stack+".json"))
		t.Run(stack, func(t *testing.T) {
			rec := runStack(t, stack)
			docs := map[string]json.RawMessage{}
			for _, typ := range []string{awstypes.Policy, awstypes.Role, awstypes.BucketPolicy} {
				for _, r := range rec.OfType(typ) {
					text := r.Input("policy") + r.Input("assumeRolePolicy")
					docs[typ+"::"+r.Name] = json.RawMessage(text)
				}
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetIndent("", "  ")
			require.NoError(t, enc.Encode(docs))
			golden.Assert(t, filepath.Join("testdata", "policies-"+stack+".json"), buf.Bytes())
		})
	}
	golden.Stale(t, filepath.Join("testdata", "policies-*.json"), files)
}

// TestNonAdminPoliciesFollowR5R7 reads every customer managed policy of the machine
// principals of every stack file: no wildcard actions, only catalogued S3 actions on
// the right resource type, never an allowed destructive action, and the explicit deny on
// every bucket the policy allows anything on.
func TestNonAdminPoliciesFollowR5R7(t *testing.T) {
	for _, stack := range repoStacks(t) {
		rec := runStack(t, stack)
		for _, r := range rec.OfType(awstypes.Policy) {
			if !strings.Contains(r.Input("name"), "-s3") {
				continue // console groups and the CI preview role: checked in components
			}
			doc, err := iampolicy.Parse(r.Input("policy"))
			require.NoError(t, err)
			var allowed, denied []string
			for _, s := range doc.Statements {
				if _, ok := iampolicy.DeniedOutside(s); ok {
					continue // account.allowedRegions: TestAllowedRegionsReachEveryPolicy
				}
				if s.Effect == iampolicy.Deny {
					assert.ElementsMatch(t, iampolicy.DestructiveS3Actions(), s.Actions, "%s denies the destructive actions", r.Name)
					denied = append(denied, s.Resources...)
					continue
				}
				for _, a := range s.Actions {
					level, ok := iampolicy.S3ActionLevel(a)
					require.True(t, ok, "%s: %s is catalogued", r.Name, a)
					assert.False(t, iampolicy.IsDestructive(a), "%s allows destructive %s", r.Name, a)
					for _, res := range s.Resources {
						assert.Equal(t, level == iampolicy.ObjectLevel, strings.Contains(res, "/"), "%s: %s on %s", r.Name, a, res)
					}
				}
				allowed = append(allowed, s.Resources...)
			}
			for _, res := range allowed {
				bucket := strings.SplitN(strings.TrimPrefix(res, "arn:aws:s3:::"), "/", 2)[0]
				assert.Contains(t, denied, "arn:aws:s3:::"+bucket, "%s: deny covers bucket %s", r.Name, bucket)
				assert.Contains(t, denied, "arn:aws:s3:::"+bucket+"/*", "%s: deny covers objects of %s", r.Name, bucket)
			}
		}
	}
}

func componentCounts(rec *record.Recorder) map[string]int {
	out := map[string]int{}
	for typ, n := range count(rec) {
		if strings.HasPrefix(typ, "secure-aws:") {
			out[typ] = n
		}
	}
	return out
}

func userNames(rec *record.Recorder) []string {
	var out []string
	for _, u := range rec.OfType(awstypes.User) {
		out = append(out, u.Input("name"))
	}
	return out
}

// secretOutputs are the stack outputs that hold credentials.
var secretOutputs = []string{"accessKeySecrets", "adminInitialPasswords", "developerInitialPasswords"}

// TestOutputsKeepSecretsApart: the readable outputs hold no secret (a map holding one is
// shown whole as [secret]), and the secret output holds the key of exactly the principals
// that have one.
func TestOutputsKeepSecretsApart(t *testing.T) {
	for _, stack := range repoStacks(t) {
		t.Run(stack, func(t *testing.T) {
			captured := captureExports(t, stack)
			for name, c := range captured {
				v, known, secret := c.Get()
				require.True(t, known, name)
				if slices.Contains(secretOutputs, name) {
					assert.True(t, secret, "%s is a Pulumi secret", name)
					continue
				}
				assert.False(t, secret, "%s is readable", name)
				assert.False(t, generatedSecret(fmt.Sprint(v)), "%s holds no credential", name)
			}
			cfg := stackConfig(t, stack)
			want := map[string]bool{}
			for _, a := range cfg.Apps {
				want["apps/"+a.Name] = a.AccessKey
			}
			for _, p := range cfg.ThirdParties {
				want["thirdParties/"+p.Name] = p.AccessKey
			}
			for _, b := range cfg.Backups {
				want["backups/"+b.Bucket] = b.AccessKey
			}
			v, _, _ := captured["accessKeySecrets"].Get()
			secrets, ok := v.(map[string]string)
			require.True(t, ok, "accessKeySecrets is a map of strings, not %T", v)
			for key, hasKey := range want {
				assert.Equal(t, hasKey, secrets[key] != "", "%s: a secret exactly when it has an access key", key)
			}
		})
	}
}

// TestExampleOutputs: the production example's secrets, by name.
func TestExampleOutputs(t *testing.T) {
	rec := record.New("secure-aws", "production")
	captured := map[string]*record.Value[any]{}
	cfg := loadExample(t, "production")
	require.NoError(t, rec.Run(cfg, false, captureRun(cfg, captured)))
	v, _, _ := captured["accessKeySecrets"].Get()
	secrets := v.(map[string]string)
	assert.ElementsMatch(t, []string{"apps/my-application", "thirdParties/zencoder", "backups/acme-backups-production"}, slices.Collect(maps.Keys(secrets)))
	for k, secret := range secrets {
		assert.Regexp(t, `^wcFMA\w+-pgp-ciphertext$`, secret, "%s: the example encrypts every key to a PGP key", k)
	}
}

func TestNoDevelopersNoDeveloperGroup(t *testing.T) {
	cfg := loadExample(t, "production")
	delete(cfg, "secure-aws:developers")
	rec, err := runConfig(t, "production", cfg, healthyRoot, false)
	require.NoError(t, err)
	assert.Empty(t, rec.OfType(components.DeveloperGroupType), "no developers, no developer group")
	assert.Len(t, rec.OfType(components.AdminGroupType), 1)
}

// TestCrossEnvironmentGrants: a staging principal can never reach a production bucket by a
// typo; naming a bucket the stack does not manage takes the explicit externalBuckets
// opt-in, with the account that owns it, and every grant is pinned to its owner. (That a
// bucket another stack of the account owns is refused even then: account_test.go.)
func TestCrossEnvironmentGrants(t *testing.T) {
	cfg := loadExample(t, "staging")
	cfg["secure-aws:apps"] = `[{"name":"my-application","grants":[{"bucket":"acme-partner-drop","actions":["s3:GetObject"]}]}]`
	rec, err := runConfig(t, "staging", cfg, healthyRoot, false)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `secure-aws:apps[0] (my-application).grants[0] (acme-partner-drop).bucket: "acme-partner-drop" is neither created by this stack`)
	assert.Empty(t, rec.Registrations())

	cfg["secure-aws:externalBuckets"] = `[{"name":"acme-partner-drop","account":"222222222222"}]`
	rec, err = runConfig(t, "staging", cfg, healthyRoot, false)
	require.NoError(t, err)
	policy, ok := rec.Find(awstypes.Policy, "my-application-s3")
	require.True(t, ok)
	assert.Contains(t, policy.Input("policy"), `"Resource":"arn:aws:s3:::acme-partner-drop/*","Condition":{"StringEquals":{"s3:ResourceAccount":"222222222222"}}`)
}

// keysOf lists the keys of a configuration, as the engine would pass them.
func keysOf(cfg map[string]string) []string {
	return slices.Collect(maps.Keys(cfg))
}

// captureRun runs the program on cfg and captures its stack outputs into captured.
func captureRun(cfg map[string]string, captured map[string]*record.Value[any]) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		if err := program.Run(program.Env{Account: healthyRoot, ConfigKeys: keysOf(cfg)})(ctx); err != nil {
			return err
		}
		for name, out := range ctx.GetCurrentExportMap() {
			captured[name] = record.Capture[any](pulumi.ToOutput(out))
		}
		return nil
	}
}

func TestEngineConfigKeys(t *testing.T) {
	t.Setenv(pulumi.EnvConfig, `{"secure-aws:apps":"[]","aws:region":"us-east-1"}`)
	assert.ElementsMatch(t, []string{"secure-aws:apps", "aws:region"}, program.EngineConfigKeys())
	t.Setenv(pulumi.EnvConfig, "")
	assert.Nil(t, program.EngineConfigKeys(), "no engine, no key list")
}

// reportRow is one user of a credential report, with one active key created and last used
// on the given days.
func reportRow(user, path, created, used string, twoKeys bool) string {
	second := "false,N/A,N/A,N/A,N/A"
	if twoKeys {
		second = "true," + created + "T00:00:00+00:00," + used + "T00:00:00+00:00,us-east-1,s3"
	}
	return user + ",arn:aws:iam::111111111111:user" + path + user + "," + created + "T00:00:00+00:00,false,N/A,N/A,N/A,false," +
		"true," + created + "T00:00:00+00:00," + used + "T00:00:00+00:00,us-east-1,s3," + second + ",false,N/A,false,N/A\n"
}

// TestCredentialAudit: the managing stack audits every user of the account, those other
// stacks of the account declare included (read from the stack files beside it); in fail
// mode a finding the configuration does not resolve (a user made by hand under the
// program's paths, an old key while the next generation is Inactive), or a report it
// cannot read during an up, stops the run before anything is registered.
func TestCredentialAudit(t *testing.T) {
	dir := fixtures.Examples(t)
	cfg := loadExample(t, "production")
	cfg["secure-aws:account"] = `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","credentialAudit":{"mode":"fail","nameUsers":true}}`
	today := time.Now().UTC().Format(time.DateOnly)
	staging := credaudit.Header + reportRow("my-application-staging", "/apps/", today, today, false)
	run := func(account fakeRoot, dir string, dryRun bool) (*record.Recorder, error) {
		rec := record.New(config.Project, "production")
		return rec, rec.Run(cfg, dryRun, program.Run(program.Env{Account: account, ConfigKeys: keysOf(cfg), Dir: dir}))
	}

	rec, err := run(fakeRoot{status: healthyRoot.status, report: staging}, dir, false)
	require.NoError(t, err, "staging's application is declared by Pulumi.staging.yaml")
	assert.NotEmpty(t, rec.Registrations())

	stray := credaudit.Header + reportRow("deploy-bot", "/", today, today, false)
	rec, err = run(fakeRoot{status: healthyRoot.status, report: stray}, dir, false)
	require.Error(t, err, "a user outside the program's paths that no stack declares")
	assert.Contains(t, err.Error(), "user deploy-bot, access key 1 (created "+today+"): a credential of a user this program does not manage")
	assert.Empty(t, rec.Registrations(), "a failed audit stops the run before anything is registered")

	createdBy := func(stack string) map[string]map[string]string {
		return map[string]map[string]string{"my-application-staging": {awsnames.StackTagKey: stack}}
	}
	_, err = run(fakeRoot{status: healthyRoot.status, report: staging, tags: createdBy(config.Project + "/staging")}, "", false)
	require.Error(t, err, "without the other stack files, staging is no stack this run knows: its user counts as made by hand")
	assert.Contains(t, err.Error(), "its secure-aws:stack tag names secure-aws/staging, no stack of this account")
	_, err = run(fakeRoot{status: healthyRoot.status, report: staging, tags: createdBy(config.Project + "/production")}, "", false)
	require.NoError(t, err, "a user this stack created and no longer declares is one its next up deletes: a warning, not a stop")

	// A user made by hand under the admins' path, with a key and a password: no stack's
	// state holds it, so no up deletes it, and fail mode stops.
	byHand := credaudit.Header + strings.Replace(reportRow("mallory", "/admins/", today, today, false), ",false,N/A,N/A,N/A,false,", ",true,N/A,N/A,N/A,false,", 1)
	rec, err = run(fakeRoot{status: healthyRoot.status, report: byHand}, dir, true)
	require.Error(t, err, "a hand-made user under the program's paths stops the preview too")
	assert.Contains(t, err.Error(), "user mallory, access key 1 (created "+today+"): a credential of a user under the program's IAM paths that no stack file declares, and it carries no secure-aws:stack tag")
	assert.Contains(t, err.Error(), "user mallory: a console password of a user under the program's IAM paths")
	assert.Empty(t, rec.Registrations())
	_, err = run(fakeRoot{status: healthyRoot.status, report: byHand, tags: map[string]map[string]string{"mallory": {awsnames.StackTagKey: config.Project + "/production"}}}, dir, false)
	require.NoError(t, err, "tagged by this stack, it is an admin removed from the stack file: this up deletes it")

	doubled := credaudit.Header + reportRow("my-application-production", "/apps/", today, today, true)
	_, err = run(fakeRoot{status: healthyRoot.status, report: doubled}, dir, true)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "user my-application-production: 2 active access keys where the configuration declares 1 active generation(s)")

	// A key older than the rotation age while the next generation is declared Inactive:
	// nothing is being rotated, so fail mode stops.
	old := time.Now().UTC().AddDate(0, 0, -334).Format(time.DateOnly)
	var apps []map[string]any
	require.NoError(t, json.Unmarshal([]byte(cfg["secure-aws:apps"]), &apps))
	require.NotEmpty(t, apps)
	apps[0]["accessKeys"] = []map[string]any{{"generation": 1}, {"generation": 2, "status": "Inactive"}}
	inactiveNext, err := json.Marshal(apps)
	require.NoError(t, err)
	rotating := maps.Clone(cfg)
	rotating["secure-aws:apps"] = string(inactiveNext)
	aged := credaudit.Header + reportRow(apps[0]["name"].(string)+"-production", "/apps/", old, today, false)
	rec = record.New(config.Project, "production")
	err = rec.Run(rotating, false, program.Run(program.Env{Account: fakeRoot{status: healthyRoot.status, report: aged}, ConfigKeys: keysOf(rotating), Dir: dir}))
	require.Error(t, err, "an Inactive second generation rotates nothing")
	assert.Contains(t, err.Error(), "access key 1 (created "+old+"): older than 90 days (CIS v5.0.0 1.13 (v7.0.0 2.12))")

	denied := fakeRoot{status: healthyRoot.status, reportErr: errors.New("AccessDenied")}
	_, err = run(denied, dir, true)
	require.NoError(t, err, "an unreadable report only warns in a preview")
	_, err = run(denied, dir, false)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "could not read the IAM credential report: AccessDenied")
}

// TestCredentialAuditWithholdsUsers: by default the audit's error, which CI logs show,
// counts findings and names no user; the findings by user go to the file
// program.AuditDetailsEnvVar names, one section per run, and nowhere without it.
func TestCredentialAuditWithholdsUsers(t *testing.T) {
	dir := fixtures.Examples(t)
	cfg := loadExample(t, "production")
	today := time.Now().UTC().Format(time.DateOnly)
	byHand := credaudit.Header + strings.Replace(reportRow("mallory", "/admins/", today, today, false), ",false,N/A,N/A,N/A,false,", ",true,N/A,N/A,N/A,false,", 1)
	details := filepath.Join(t.TempDir(), "summary.md")
	run := func(mode string, dryRun bool, details string) error {
		cfg["secure-aws:account"] = `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","credentialAudit":{"mode":"` + mode + `"}}`
		rec := record.New(config.Project, "production")
		return rec.Run(cfg, dryRun, program.Run(program.Env{Account: fakeRoot{status: healthyRoot.status, report: byHand}, ConfigKeys: keysOf(cfg), Dir: dir, AuditDetails: details}))
	}

	err := run("fail", true, details)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "mallory")
	assert.Contains(t, err.Error(), "credential audit: 1 access key of a user no stack file declares; 1 console password of a user no stack file declares")
	written, err := os.ReadFile(details)
	require.NoError(t, err)
	assert.Contains(t, string(written), "### Account checks of stack production (preview): findings by user\n\n- user mallory, access key 1 (created "+today+")")
	assert.Contains(t, string(written), "\n- user mallory: a console password of a user under the program's IAM paths")

	require.NoError(t, run("warn", false, details))
	again, err := os.ReadFile(details)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(again), string(written)), "each run appends, as to a job summary")
	assert.Contains(t, string(again)[len(written):], "### Account checks of stack production (update): findings by user")

	require.NoError(t, run("warn", false, ""))
	unchanged, err := os.ReadFile(details)
	require.NoError(t, err)
	assert.Equal(t, again, unchanged)
}

// TestAccountStacksNamesWhatItCannotRead: a stack file beside the managing stack's that
// does not load is named, so the account-wide checks can refuse to run without it; another
// account's stack is not one of the account's.
func TestAccountStacksNamesWhatItCannotRead(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"Pulumi.yaml", "Pulumi.production.yaml", "Pulumi.staging.yaml"} {
		src := filepath.Join(fixtures.Examples(t), f)
		if f == "Pulumi.yaml" {
			src = filepath.Join(projectDir, f)
		}
		b, err := os.ReadFile(src)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.broken.yaml"), []byte("config: [\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.other.yaml"), []byte("config:\n  aws:region: us-east-1\n  aws:allowedAccountIds: [\"222222222222\"]\n"), 0o644))
	st, err := stackfile.Load(dir, "production")
	require.NoError(t, err)
	cfg, err := config.Load("production", config.MapGetter(st.Config))
	require.NoError(t, err)
	stacks, unreadable := program.AccountStacks(dir, cfg)
	require.Len(t, stacks, 1)
	assert.Equal(t, "staging", stacks[0].Stack)
	require.Len(t, unreadable, 1)
	assert.Equal(t, "Pulumi.broken.yaml", unreadable[0].Key)
	assert.Contains(t, unreadable[0].Message, "could not be read")
}

// TestAccountChecksStopBeforeAnything: `pulumi up` of a stack that reaches a bucket another
// stack of its account owns stops before it registers any resource, as the offline plan
// refuses it (cmd/plan's TestOneAccountManyStacks holds every account-wide check).
func TestAccountChecksStopBeforeAnything(t *testing.T) {
	dir := fixtures.Examples(t)
	cfg := loadExample(t, "staging")
	cfg["secure-aws:externalBuckets"] = `[{"name":"acme-backups-production","account":"222222222222"}]`
	rec := record.New(config.Project, "staging")
	err := rec.Run(cfg, false, program.Run(program.Env{Account: healthyRoot, ConfigKeys: keysOf(cfg), Dir: dir}))
	var cfgErr *config.Error
	require.ErrorAs(t, err, &cfgErr)
	assert.Contains(t, err.Error(), `secure-aws:externalBuckets[0] (acme-backups-production).name: "acme-backups-production" is owned by Pulumi.production.yaml (secure-aws:backups[0] (acme-backups-production).bucket)`)
	assert.Empty(t, rec.Registrations())

	delete(cfg, "secure-aws:externalBuckets")
	rec = record.New(config.Project, "staging")
	require.NoError(t, rec.Run(cfg, false, program.Run(program.Env{Account: healthyRoot, ConfigKeys: keysOf(cfg), Dir: dir})))
	assert.NotEmpty(t, rec.Registrations())
}

// TestCredentialAuditSeesHandMadeGroups: an application's user added by hand to a group no
// stack declares (staging's user into an admin-like group) stops a fail-mode run before
// anything is registered; the drift check cannot see it, since no stack owns a user's
// whole group list. The user's own group, declared by staging's stack file, is fine.
func TestCredentialAuditSeesHandMadeGroups(t *testing.T) {
	dir := fixtures.Examples(t)
	cfg := loadExample(t, "production")
	cfg["secure-aws:account"] = `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","credentialAudit":{"mode":"fail","nameUsers":true}}`
	today := time.Now().UTC().Format(time.DateOnly)
	account := fakeRoot{status: healthyRoot.status, report: credaudit.Header + reportRow("my-application-staging", "/apps/", today, today, false),
		groups: map[string][]string{"my-application-staging": {"my-application-staging"}}}
	run := func(account fakeRoot) (*record.Recorder, error) {
		rec := record.New(config.Project, "production")
		return rec, rec.Run(cfg, true, program.Run(program.Env{Account: account, ConfigKeys: keysOf(cfg), Dir: dir}))
	}
	_, err := run(account)
	require.NoError(t, err, "in its own group only")

	account.groups["my-application-staging"] = append(account.groups["my-application-staging"], "ops-admins")
	rec, err := run(account)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "user my-application-staging: a member of group ops-admins, which no stack file declares")
	assert.Empty(t, rec.Registrations())
}
