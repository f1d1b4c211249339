package plan_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/plan"
	"github.com/secure-aws/secure-aws/internal/testsupport/fixtures"
)

// compareStack is a stack file of its own (not an example's), managing its own account:
// two buckets and an application with an access key reading one of them.
const compareStack = `config:
  aws:region: eu-west-1
  aws:allowedAccountIds: ["222222222222"]
  secure-aws:credentialsAsPulumiSecrets: true
  secure-aws:account: {manage: true, contacts: {security: {name: Sam Doe, title: Security lead, email: security@acme.example, phone: +1 555 0100}}, alias: diffcheck-svc}
  secure-aws:buckets:
    - name: diffcheck-data-svc
    - name: diffcheck-logs-svc
  secure-aws:apps:
    - name: reader
      accessKey: true
      grants:
        - bucket: diffcheck-data-svc
          actions: [s3:GetObject]
`

// planOf plans the stack file text as stack "svc" of a project of its own.
func planOf(t *testing.T, stackFile string) *plan.Plan {
	t.Helper()
	dir := t.TempDir()
	project, err := os.ReadFile(filepath.Join(fixtures.RepoRoot(), "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.svc.yaml"), []byte(stackFile), 0o644))
	p, err := plan.Run(dir, "svc")
	require.NoError(t, err)
	return p
}

// compare plans the base and the head stack files and returns the head's diff.
func compare(t *testing.T, base, head string) *plan.Diff {
	t.Helper()
	raw, err := planOf(t, base).JSON()
	require.NoError(t, err)
	diff, err := planOf(t, head).Diff(raw)
	require.NoError(t, err)
	return diff
}

func edited(t *testing.T, old, new string) string {
	t.Helper()
	require.Contains(t, compareStack, old)
	return strings.Replace(compareStack, old, new, 1)
}

func find(cs plan.Changes, typ, name string) (plan.Change, bool) {
	for _, c := range cs {
		if c.Type == typ && c.Name == name {
			return c, true
		}
	}
	return plan.Change{}, false
}

// TestCompareRemovedBucketStops: removing a bucket deletes its protected bucket and
// versioning resources, which Pulumi refuses: the changes say the deploy stops there.
func TestCompareRemovedBucketStops(t *testing.T) {
	diff := compare(t, compareStack, edited(t, "    - name: diffcheck-logs-svc\n", ""))
	changes := diff.Changes
	assert.Zero(t, changes.Count(plan.Create)+changes.Count(plan.Update)+changes.Count(plan.Replace))
	assert.Positive(t, changes.Count(plan.Delete))
	var stops []string
	for _, c := range changes.Stops() {
		assert.Equal(t, plan.Delete, c.Op)
		stops = append(stops, c.Type)
	}
	assert.ElementsMatch(t, []string{awstypes.Bucket, awstypes.Versioning}, stops)
	md := diff.Markdown()
	assert.Contains(t, md, "**The deploy would stop**")
	assert.Contains(t, md, "- delete `"+awstypes.Bucket+"` `diffcheck-logs-svc-bucket`")
	assert.Contains(t, md, "| delete, refused (protected) | `"+awstypes.Bucket+"` `diffcheck-logs-svc-bucket` |")
	policy, ok := find(changes, awstypes.BucketPolicy, "diffcheck-logs-svc-tls-only")
	require.True(t, ok)
	assert.True(t, policy.Retained, "a bucket's settings stay with it in AWS")
	assert.Contains(t, md, "| delete from the stack, kept in AWS | `"+awstypes.BucketPolicy+"` `diffcheck-logs-svc-tls-only` |")
}

// TestCompareRenamedAppLosesItsKey: a renamed application is a new user with a new key;
// the old key, the one its workload holds, is deleted, and the changes say so.
func TestCompareRenamedAppLosesItsKey(t *testing.T) {
	diff := compare(t, compareStack, edited(t, "name: reader", "name: viewer"))
	changes := diff.Changes
	assert.Empty(t, changes.Stops(), "nothing protected is deleted")
	key, ok := find(changes, awstypes.AccessKey, "reader-key")
	require.True(t, ok, "the old key is in the changes")
	assert.Equal(t, plan.Delete, key.Op)
	assert.Equal(t, "deleted", key.Lost)
	assert.Equal(t, "reader-svc", key.User)
	created, ok := find(changes, awstypes.AccessKey, "viewer-key")
	require.True(t, ok)
	assert.Equal(t, plan.Create, created.Op)
	assert.Empty(t, created.Lost, "a new key takes nothing from anyone")
	assert.Contains(t, diff.Markdown(), "**Credentials lost**")
	assert.Contains(t, diff.Markdown(), "- access key `reader-key` of user `reader-svc`: deleted")
}

// TestCompareGrantChangeIsOneUpdate: a new action in a grant rewrites one policy document
// in place, nothing else.
func TestCompareGrantChangeIsOneUpdate(t *testing.T) {
	diff := compare(t, compareStack, edited(t, "[s3:GetObject]", "[s3:GetObject, s3:ListBucket]"))
	changes := diff.Changes
	require.Len(t, changes, 1, "%v", changes)
	assert.Equal(t, plan.Update, changes[0].Op)
	assert.Equal(t, awstypes.Policy, changes[0].Type)
	assert.Equal(t, []string{"policy"}, changes[0].Changed)
	assert.Empty(t, changes[0].Replaces)
	assert.Empty(t, changes.Stops())
	assert.Contains(t, diff.Markdown(), "**0 to create, 1 to update, 0 to replace, 0 to delete.**")
}

// TestCompareUnchanged: the same stack file changes nothing, and a stack not deployed yet
// (an empty base) is created whole.
func TestCompareUnchanged(t *testing.T) {
	diff := compare(t, compareStack, compareStack)
	changes := diff.Changes
	assert.Empty(t, changes)
	assert.Equal(t, "No resource is created, updated, replaced or deleted.\n", diff.Markdown())

	p := planOf(t, compareStack)
	changes, err := p.Compare(nil)
	require.NoError(t, err)
	assert.Equal(t, len(p.Resources), changes.Count(plan.Create))
	assert.Len(t, changes, len(p.Resources))
}

// TestCompareReplacements: an input the provider replaces on (awsmodel.ReplaceOn) makes a
// replacement; a protected one stops the deploy, a replaced access key is a lost one, and a
// deactivated key is lost too. The base is the head's own plan with the old values put
// back, as a program change at the same URN would leave it.
func TestCompareReplacements(t *testing.T) {
	head := planOf(t, edited(t, "      accessKey: true\n", "      accessKey: true\n      accessKeys:\n        - generation: 1\n          status: Inactive\n"))
	raw, err := planOf(t, compareStack).JSON()
	require.NoError(t, err)
	var base map[string]any
	require.NoError(t, json.Unmarshal(raw, &base))
	for _, r := range base["resources"].([]any) {
		r := r.(map[string]any)
		inputs := r["inputs"].(map[string]any)
		switch r["name"] {
		case "diffcheck-data-svc-bucket":
			inputs["bucket"] = "diffcheck-old-name"
		case "diffcheck-data-svc-encryption":
			inputs["bucket"] = "diffcheck-old-name" // not protected: replaced without stopping
		}
	}
	raw, err = json.Marshal(base)
	require.NoError(t, err)
	diff, err := head.Diff(raw)
	require.NoError(t, err)
	changes := diff.Changes

	bucket, ok := find(changes, awstypes.Bucket, "diffcheck-data-svc-bucket")
	require.True(t, ok)
	assert.Equal(t, plan.Replace, bucket.Op)
	assert.Equal(t, []string{"bucket"}, bucket.Replaces)
	assert.True(t, bucket.Stops, "a protected resource is not replaced")
	encryption, ok := find(changes, awstypes.Encryption, "diffcheck-data-svc-encryption")
	require.True(t, ok)
	assert.Equal(t, plan.Replace, encryption.Op)
	assert.False(t, encryption.Stops)
	assert.Len(t, changes.Stops(), 1)

	key, ok := find(changes, awstypes.AccessKey, "reader-key")
	require.True(t, ok)
	assert.Equal(t, plan.Update, key.Op)
	assert.Equal(t, "deactivated", key.Lost)
	assert.Contains(t, diff.Markdown(), "- `"+awstypes.AccessKey+"` `reader-key` status: not set → `\"Inactive\"`\n", "a changed input, before and after")
	assert.Contains(t, diff.Markdown(), "| replace, refused (protected) | `"+awstypes.Bucket+"` `diffcheck-data-svc-bucket` | bucket (forces replacement) |")
}

// TestDiffNarrowedGrant: narrowing a grant reads as the one statement that changes and the
// access row it changes, not as the policy's lines.
func TestDiffNarrowedGrant(t *testing.T) {
	base := edited(t, "[s3:GetObject]", "[s3:GetObject, s3:PutObject]")
	md := compare(t, base, compareStack).Markdown()
	assert.Contains(t, md, "- `"+awstypes.Policy+"` `reader-s3` policy: statement `ObjectsDiffcheckDataSvc`: Action −`s3:PutObject`\n")
	assert.Contains(t, md, "| removed | reader-svc | diffcheck-data-svc/* | StringEquals s3:ResourceAccount [\"222222222222\"] | s3:GetObject, s3:PutObject |\n")
	assert.Contains(t, md, "| added | reader-svc | diffcheck-data-svc/* | StringEquals s3:ResourceAccount [\"222222222222\"] | s3:GetObject |\n")
	assert.Contains(t, md, "**0 to create, 1 to update, 0 to replace, 0 to delete.**\nWhose S3 access changes: `reader-svc`.\n")
	assert.NotContains(t, md, "\"Statement\"", "no policy JSON")
	assert.Less(t, strings.Count(md, "\n"), 20, "one screen:\n%s", md)

	// A statement added whole says what it allows.
	md = compare(t, compareStack, edited(t, "[s3:GetObject]", "[s3:GetObject, s3:ListBucket]")).Markdown()
	assert.Contains(t, md, "policy: statement `BucketDiffcheckDataSvc` added: Allow; Action `s3:ListBucket`; Resource `arn:aws:s3:::diffcheck-data-svc`")
}

// TestDiffNewStack: a stack not deployed yet reads as its components, one line each, and
// whose access it creates, not as one line per resource.
func TestDiffNewStack(t *testing.T) {
	p := planOf(t, compareStack)
	d, err := p.Diff(nil)
	require.NoError(t, err)
	md := d.Markdown()
	assert.Contains(t, md, fmt.Sprintf("**Created** (%d), by the component they belong to:", len(p.Resources)))
	assert.Contains(t, md, "- `secure-aws:components:AppUser` `reader`: AccessKey, Group, ")
	assert.Contains(t, md, "| added | reader-svc | diffcheck-data-svc/* | StringEquals s3:ResourceAccount [\"222222222222\"] | s3:GetObject |\n")
	assert.NotContains(t, md, "| create |", "no row per created resource")
	assert.Less(t, strings.Count(md, "\n"), 30, "one screen:\n%s", md)
}

// TestDiffAdoption: a bucket the stack adopts is created by an import, and the diff says
// what of it the first up overwrites; once deployed, the same plan overwrites nothing.
func TestDiffAdoption(t *testing.T) {
	adopting := edited(t, "    - name: diffcheck-data-svc\n", "    - name: diffcheck-data-svc\n      import: true\n")
	p := planOf(t, adopting)
	d, err := p.Diff(nil)
	require.NoError(t, err)
	md := d.Markdown()
	assert.Contains(t, md, "BucketV2 (adopted: imports diffcheck-data-svc; the first `up` overwrites its bucket policy, default encryption, lifecycle rules, object ownership, public access block, versioning)")
	assert.Len(t, d.Overwrites, 1)

	raw, err := p.JSON()
	require.NoError(t, err)
	d, err = planOf(t, adopting).Diff(raw)
	require.NoError(t, err)
	assert.Empty(t, d.Overwrites)
}

// TestCompareBadBase: a base that is not a JSON plan is an error, not "all created".
func TestCompareBadBase(t *testing.T) {
	_, err := planOf(t, compareStack).Compare([]byte("# secure-aws plan"))
	assert.ErrorContains(t, err, "reading the base plan")
}

// BenchmarkCompare: the cost of the pull request's comparison by URN, on each example
// stack compared with its own plan (docs/performance.md).
func BenchmarkCompare(b *testing.B) {
	dir := fixtures.Examples(b)
	for _, stack := range []string{"staging", "production"} {
		p, err := plan.Run(dir, stack)
		require.NoError(b, err)
		raw, err := p.JSON()
		require.NoError(b, err)
		b.Run(stack, func(b *testing.B) {
			for range b.N {
				if _, err := p.Compare(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDiffLongValueByPath: a long value (a lifecycle's rules) that changes in one field
// says that field's path and both values, not two JSON texts cut short where they agree.
func TestDiffLongValueByPath(t *testing.T) {
	base := compareStack + "  secure-aws:backups:\n    - bucket: diffcheck-vault-svc\n      noncurrentExpireAfterDays: 120\n"
	head := strings.Replace(base, "noncurrentExpireAfterDays: 120", "noncurrentExpireAfterDays: 150", 1)
	md := compare(t, base, head).Markdown()
	assert.Regexp(t, "rules\\[\\d\\]\\.noncurrentVersionExpiration\\.noncurrentDays: `120` → `150`", md)
	for _, line := range strings.Split(md, "\n") {
		assert.NotContains(t, line, "...", "no value cut short: %s", line)
	}
}

// TestDiffRecipientChange: a pgpKey set or swapped on an existing access key changes no
// resource (AWS encrypted its secret once), yet the diff says loudly that the next
// generation goes to the new key; a created key names its recipient.
func TestDiffRecipientChange(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixtures.RepoRoot(), "testdata", "examples", "Pulumi.production.yaml"))
	require.NoError(t, err)
	key := regexp.MustCompile(`pgpKey: (\S+)`).FindSubmatch(b)
	require.NotNil(t, key)
	head := edited(t, "      accessKey: true\n", "      accessKey: true\n      pgpKey: "+string(key[1])+"\n")
	md := compare(t, compareStack, head).Markdown()
	assert.Contains(t, md, "- **recipient changes**: access key `reader-key` of user `reader-svc`: no PGP key (the secret is a Pulumi secret output) → ")
	assert.Contains(t, md, "(applies from the next generation; this one stays encrypted to the old key)")

	d, err := planOf(t, head).Diff(nil)
	require.NoError(t, err)
	assert.Contains(t, d.Markdown(), "- access key `reader-key` of user `reader-svc` (created): encrypted to ")
}

// TestDiffSummaryNamesTrustAndBucketPolicies: a trust policy change and a bucket policy
// change are in the summary, which "Whose S3 access changes" (identity Allows) misses.
func TestDiffSummaryNamesTrustAndBucketPolicies(t *testing.T) {
	ci := "  secure-aws:ci:\n    repository: acme/secure-aws\n    ownerId: 1234567\n    repositoryId: 89012345\n    environments: [svc]\n"
	base := compareStack + ci
	head := strings.Replace(base, "    environments: [svc]\n", "    branch: release\n", 1)
	md := compare(t, base, head).Markdown()
	assert.Regexp(t, "\nWho can assume a role changes: `[^`]+`\\.\n", md)

	md = compare(t, compareStack, edited(t, "    - name: diffcheck-logs-svc\n", "")).Markdown()
	assert.Contains(t, md, "\nBucket policies change: `diffcheck-logs-svc-tls-only`.\n")
}
