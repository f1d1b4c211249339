package plan_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/plan"
	"github.com/secure-aws/secure-aws/internal/stackfile"
	"github.com/secure-aws/secure-aws/internal/testsupport/fixtures"
	"github.com/secure-aws/secure-aws/internal/testsupport/golden"
	"github.com/secure-aws/secure-aws/pgpkey"
	"github.com/secure-aws/secure-aws/rules"
)

// projectDir holds Pulumi.yaml and the repository's stack files, a team's own.
const projectDir = "../.."

// TestGoldenPlans pins the reviewed plan of each of the repository's stacks: a change to
// the program or a stack file that changes what would be deployed fails here until
// plans/<stack>.md is regenerated (UPDATE_GOLDEN=1 go test ./...) and the diff reviewed.
func TestGoldenPlans(t *testing.T) {
	names, err := stackfile.Names(projectDir)
	require.NoError(t, err)
	require.NotEmpty(t, names)
	var files []string
	for _, stack := range names {
		path := filepath.Join(projectDir, "plans", stack+".md")
		files = append(files, path)
		t.Run(stack, func(t *testing.T) {
			p, err := plan.Run(projectDir, stack)
			require.NoError(t, err)
			assert.Zero(t, p.MandatoryViolations(), "the stack follows every mandatory rule")
			golden.Assert(t, path, []byte(p.Markdown()))

			// The same inputs give the same plan, byte for byte.
			again, err := plan.Run(projectDir, stack)
			require.NoError(t, err)
			assert.Equal(t, p.Markdown(), again.Markdown())
			a, err := p.JSON()
			require.NoError(t, err)
			b, err := again.JSON()
			require.NoError(t, err)
			assert.Equal(t, string(a), string(b))
		})
	}
	golden.Stale(t, filepath.Join(projectDir, "plans", "*.md"), files)
}

func TestJSONPlan(t *testing.T) {
	p, err := plan.Run(fixtures.Examples(t), "production")
	require.NoError(t, err)
	raw, err := p.JSON()
	require.NoError(t, err)
	var out struct {
		Stack     string
		Resources []struct {
			URN, Type, Name, Parent string
			Protect, RetainOnDelete bool
			Dependencies            []string
			IgnoreChanges           []string
			Inputs                  map[string]any
		}
		Rules []struct {
			Name       string
			Level      string
			Violations []any
		}
	}
	require.NoError(t, json.Unmarshal(raw, &out))
	assert.Equal(t, "production", out.Stack)
	assert.Len(t, out.Resources, len(p.Resources))
	assert.Len(t, out.Rules, len(p.Rules))

	byName := map[string]int{}
	for i, r := range out.Resources {
		byName[r.Type+"::"+r.Name] = i
	}
	bucket := out.Resources[byName["aws:s3/bucketV2:BucketV2::acme-assets-production-bucket"]]
	assert.True(t, bucket.Protect)
	assert.True(t, bucket.RetainOnDelete)
	assert.Equal(t, "acme-assets-production", bucket.Inputs["bucket"])
	login := out.Resources[byName["aws:iam/userLoginProfile:UserLoginProfile::admins-alice-login"]]
	assert.ElementsMatch(t, []string{"passwordResetRequired", "passwordLength", "pgpKey"}, login.IgnoreChanges)
	policy := out.Resources[byName["aws:s3/bucketPolicy:BucketPolicy::acme-assets-production-tls-only"]]
	assert.NotEmpty(t, policy.Dependencies, "options are in the JSON plan")
	assert.NotContains(t, string(raw), "mock-secret", "no generated secret appears in the plan")
	assert.NotContains(t, string(raw), "mock-password")
}

func TestPlanReportsInvalidConfiguration(t *testing.T) {
	dir := t.TempDir()
	project, err := os.ReadFile(filepath.Join(projectDir, "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.broken.yaml"), []byte(strings.Join([]string{
		"config:",
		"  aws:region: us-east-1",
		`  aws:allowedAccountIds: ["111111111111"]`,
		"  secure-aws:buckets:",
		"    - name: Not_A_Bucket",
	}, "\n")), 0o644))
	_, err = plan.Run(dir, "broken")
	var cfgErr *config.Error
	require.ErrorAs(t, err, &cfgErr)
	assert.Equal(t, "secure-aws:buckets[0].name", cfgErr.Problems[0].Key)
}

// TestRulesSeeEveryJudgedType guards the rules' type constants against typos: each type a
// rule looks for is one the program really registers.
func TestRulesSeeEveryJudgedType(t *testing.T) {
	p, err := plan.Run(fixtures.Examples(t), "production")
	require.NoError(t, err)
	registered := map[string]bool{}
	for _, r := range p.Resources {
		registered[r.Type] = true
	}
	for _, typ := range []string{
		awstypes.AccountPasswordPolicy, awstypes.AccountPublicAccess, awstypes.User, awstypes.LoginProfile,
		awstypes.AccessKey, awstypes.Membership, awstypes.Policy, awstypes.GroupAttachment, awstypes.Bucket,
		awstypes.Versioning, awstypes.Encryption, awstypes.Ownership, awstypes.PublicAccessBlock,
		awstypes.BucketPolicy, awstypes.Lifecycle,
	} {
		assert.True(t, registered[typ], "the program registers no %s", typ)
	}

	// Each rule judges something the program registers (a stack with every feature), so a
	// typo in its Judges cannot make it n/a everywhere.
	everything := map[string]bool{}
	for _, r := range everythingPlan(t).Resources {
		everything[r.Type] = true
	}
	for _, r := range p.Rules {
		assert.True(t, slices.ContainsFunc(r.Judges, func(typ string) bool { return everything[typ] }), "%s judges nothing the program registers", r.Name)
	}
}

// TestRulesWithNothingToJudgeAreNA: a rule whose resources the stack does not hold (the
// password policy in a stack that does not manage the account) is n/a, not pass; one
// with something to judge passes.
func TestRulesWithNothingToJudgeAreNA(t *testing.T) {
	_, p := elsewherePlan(t, "only", "  secure-aws:buckets: [{name: acme-only}]\n")
	md := p.Markdown()
	assert.Contains(t, md, "| `password-policy-cis` | mandatory | n/a |")
	assert.Contains(t, md, "| `console-users-mfa` | mandatory | n/a |")
	assert.Contains(t, md, "| `bucket-secure` | mandatory | pass |")
	assert.Contains(t, md, fmt.Sprintf("- Policy rules: 2 pass, %d n/a\n", len(rules.All())-2))
	assert.Contains(t, md, "None: the stack creates no IAM user or role.\n", "no empty table")
}

// TestPlanChecksTheStacksOfOneAccount: the IAM groups of the stacks of one account
// together must fit its quota. (The other account-wide checks: cmd/plan's
// TestOneAccountManyStacks, through the built plan.)
func TestPlanChecksTheStacksOfOneAccount(t *testing.T) {
	dir := fixtures.Examples(t)
	write := func(name, body string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+name+".yaml"), []byte(body), 0o644))
	}
	var cfgErr *config.Error
	// staging creates 3 groups and production 5: together more than a quota of 6.
	write("ops", "config:\n  aws:region: us-east-1\n  aws:allowedAccountIds: [\"111111111111\"]\n  secure-aws:quotas: {groupsPerAccount: 6}\n")
	_, err := plan.Run(dir, "ops")
	require.ErrorAs(t, err, &cfgErr)
	assert.Equal(t, "secure-aws:quotas.groupsPerAccount", cfgErr.Problems[0].Key)
	assert.Contains(t, cfgErr.Problems[0].Message, "create 8 IAM groups together")
}

// TestPlanNamesPGPKeys: a reviewer sees whose key each credential is encrypted to: the
// plan shows every pgpKey by its description (fingerprint, user id, algorithm, expiry),
// never as base64, and a Keybase user with the warning that nobody sees its key.
func TestPlanNamesPGPKeys(t *testing.T) {
	plans := map[string]*plan.Plan{"everything": everythingPlan(t)}
	names, err := stackfile.Names(projectDir)
	require.NoError(t, err)
	for _, stack := range names {
		p, err := plan.Run(projectDir, stack)
		require.NoError(t, err)
		plans[stack] = p
	}
	keybase := 0
	for stack, p := range plans {
		md := p.Markdown()
		for _, r := range p.Resources {
			text := r.Input("pgpKey")
			if text == "" {
				continue
			}
			k, err := pgpkey.Parse(text, time.Now())
			require.NoError(t, err, "%s: %s", stack, r.URN)
			want := "· pgpKey = " + k.String()
			assert.True(t, strings.Contains(md, want), "%s: %s does not show %q", stack, r.URN, want)
			if pgpkey.IsKeybase(text) {
				keybase++
				assert.Contains(t, k.String(), "not shown")
			} else {
				assert.False(t, strings.Contains(md, text), "%s: %s shows the key's base64", stack, r.URN)
			}
		}
	}
	assert.NotZero(t, keybase, "the stack with every feature has a Keybase key")
}

// TestPlanSaysAdoptionIsNotChecked: the offline plan cannot read what an adopted bucket
// already has, so its header says so for every bucket the stack adopts, instead of passing
// silently; a stack that adopts nothing says nothing.
// elsewherePlan plans stack, of an account managed elsewhere, beside the examples: its
// settings are the stack file's lines after the account's.
func elsewherePlan(t *testing.T, stack, settings string) (dir string, p *plan.Plan) {
	t.Helper()
	dir = fixtures.Examples(t)
	body := "config:\n  aws:region: us-east-1\n  aws:allowedAccountIds: [\"222222222222\"]\n  secure-aws:account: {managedElsewhere: true}\n" + settings
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+stack+".yaml"), []byte(body), 0o644))
	p, err := plan.Run(dir, stack)
	require.NoError(t, err)
	return dir, p
}

func TestPlanSaysAdoptionIsNotChecked(t *testing.T) {
	dir, p := elsewherePlan(t, "legacy", "  secure-aws:buckets: [{name: acme-legacy, import: true, replaceLifecycle: true}, {name: acme-new}]\n"+
		"  secure-aws:backups: [{bucket: acme-legacy-backups, importBucket: true}]\n")
	_, header, _ := strings.Cut(p.Markdown(), "\nThis stack adopts")
	header, _, _ = strings.Cut(header, "## Policy rules")
	assert.Contains(t, "This stack adopts"+header, "This stack adopts `acme-legacy` (`secure-aws:buckets[0].import`), `acme-legacy-backups` (`secure-aws:backups[0].importBucket`). Their replication")
	assert.Contains(t, header, "`replaceLifecycle: true`: the lifecycle rules of `acme-legacy` are replaced.\n")
	assert.Contains(t, header, "**not checked**")
	assert.NotContains(t, header, "acme-new")
	// What the first up writes over on each adopted bucket, the vault's lifecycle included
	// (a resource of the vault, not of its bucket).
	assert.Contains(t, header, "- `acme-legacy` (aws:s3/bucketV2:BucketV2 `acme-legacy-bucket`): its bucket policy, default encryption, lifecycle rules, object ownership, public access block, versioning\n")
	assert.Contains(t, header, "- `acme-legacy-backups` (aws:s3/bucketV2:BucketV2 `acme-legacy-backups-bucket`): its bucket policy, default encryption, lifecycle rules, object ownership, public access block, versioning\n")

	staging, err := plan.Run(dir, "staging")
	require.NoError(t, err)
	assert.NotContains(t, staging.Markdown(), "not checked", "the example staging stack adopts nothing")
}

// TestPlanAdoptionWording: the plan says what adoption does as docs/adoption.md does. One
// adopted bucket reads in the singular; the preview's stops are those the adoption check
// makes (replication, notifications, access points; lifecycle rules unless replaceLifecycle
// accepts them); an adopted user is marked in the summary like an adopted bucket, and the
// diff's list of what it creates says what the first up overwrites on each adopted
// resource, where it marks it.
func TestPlanAdoptionWording(t *testing.T) {
	_, p := elsewherePlan(t, "legacy", "  secure-aws:buckets: [{name: acme-legacy, import: true}]\n"+
		"  secure-aws:credentialsAsPulumiSecrets: true\n  secure-aws:apps: [{name: old, import: true, grants: [{bucket: acme-legacy}]}, {name: fresh, accessKey: true, grants: [{bucket: acme-legacy}]}]\n")
	md := p.Markdown()
	assert.NotContains(t, md, "replaceLifecycle: true`: the lifecycle rules")
	for _, want := range []string{
		"This stack adopts `acme-legacy` (`secure-aws:buckets[0].import`). Its replication",
		"stops, registering nothing, on a replication rule, an event notification or an access point",
		"and on lifecycle rules the program's lifecycle would replace (unless `replaceLifecycle: true` accepts that)",
		// Adopted users are in the summary, as buckets are.
		"- Adopted (they exist: the first `up` imports them and overwrites what the list below names): `acme-legacy` (BucketV2), `old-legacy` (User)\n",
	} {
		assert.Contains(t, md, want)
	}

	d, err := p.Diff(nil)
	require.NoError(t, err)
	assert.Contains(t, d.Markdown(), "User (adopted: imports old-legacy; the first `up` overwrites its `path`, `tags`, attached policies, inline policies)")
	assert.Contains(t, d.Markdown(), "BucketV2 (adopted: imports acme-legacy; the first `up` overwrites its bucket policy, default encryption, lifecycle rules, object ownership, public access block, versioning)")
}

// TestPlanEndsWithTheCISReport: the CIS table, long and the same from one change to the
// next, comes after everything a change can alter.
func TestPlanEndsWithTheCISReport(t *testing.T) {
	eachExample(t, func(_ string, _ []string, stack string, p *plan.Plan) {
		md := p.Markdown()
		cis := strings.Index(md, "\n## CIS AWS Foundations Benchmark")
		require.Positive(t, cis, stack)
		assert.False(t, strings.Contains(md[cis+1:], "\n## "), "%s: no section after the CIS report", stack)
	})
}

// eachExample plans each example stack file and calls f with their project directory, the
// names of all, the stack and its plan.
func eachExample(t *testing.T, f func(dir string, names []string, stack string, p *plan.Plan)) {
	t.Helper()
	dir := fixtures.Examples(t)
	names, err := stackfile.Names(dir)
	require.NoError(t, err)
	for _, stack := range names {
		p, err := plan.Run(dir, stack)
		require.NoError(t, err)
		f(dir, names, stack, p)
	}
}

// TestRenderReadsWhatJSONRecords: a plan rendered from the JSON plan of another build
// (plan.Render, how the plan workflow renders a pull request's plan with the base's code)
// reads exactly as the plan that build ran: the same Markdown, JSON and violations, for
// every stack file; and a JSON plan of another stack is refused.
func TestRenderReadsWhatJSONRecords(t *testing.T) {
	eachExample(t, func(dir string, names []string, stack string, ran *plan.Plan) {
		recorded, err := ran.JSON()
		require.NoError(t, err)
		rendered, err := plan.Render(dir, stack, recorded)
		require.NoError(t, err)
		assert.Equal(t, ran.Markdown(), rendered.Markdown(), stack)
		again, err := rendered.JSON()
		require.NoError(t, err)
		assert.Equal(t, string(recorded), string(again), stack)
		assert.Equal(t, ran.Violations, rendered.Violations, stack)
		other := names[0]
		if other == stack {
			other = names[len(names)-1]
		}
		if other != stack {
			_, err = plan.Render(dir, other, recorded)
			assert.ErrorContains(t, err, "the recorded plan is of stack")
		}
	})
}

// TestRenderRefusesControlCharacters: a recorded name or type with a control character
// (a component named "audit\n<!--" would hide the rest of the comment) is refused, and the
// error says which resource, which field and which character.
func TestRenderRefusesControlCharacters(t *testing.T) {
	dir := fixtures.Examples(t)
	names, err := stackfile.Names(dir)
	require.NoError(t, err)
	ran, err := plan.Run(dir, names[0])
	require.NoError(t, err)
	recorded, err := ran.JSON()
	require.NoError(t, err)
	var jp map[string]any
	require.NoError(t, json.Unmarshal(recorded, &jp))
	for _, field := range []string{"name", "type"} {
		first := jp["resources"].([]any)[0].(map[string]any)
		was := first[field]
		first[field] = "audit\n<!--"
		poisoned, err := json.Marshal(jp)
		require.NoError(t, err)
		first[field] = was
		_, err = plan.Render(dir, names[0], poisoned)
		assert.ErrorContains(t, err, "its "+field+` holds the control character '\n' at byte 5`, field)
	}
}
