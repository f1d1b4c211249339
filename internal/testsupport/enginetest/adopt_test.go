package enginetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/adoptcheck"
	"github.com/secure-aws/secure-aws/internal/testsupport/fixtures"
	"github.com/secure-aws/secure-aws/internal/testsupport/world"
)

// legacy is an account a team already runs: a bucket holding data, the bucket of its
// Pulumi state, an application's IAM user at the root path, an account alias and a weak
// password policy.
var legacy = append([]world.Resource{
	{Type: awstypes.Bucket, ID: "enginetest-legacy-data", Inputs: map[string]any{"bucket": "enginetest-legacy-data"}},
	{Type: awstypes.Bucket, ID: "enginetest-legacy-state", Inputs: map[string]any{"bucket": "enginetest-legacy-state"}},
	{Type: awstypes.User, ID: "legacy-adopt", Inputs: map[string]any{"name": "legacy-adopt", "path": "/"}},
}, existingAccount("acme-legacy")...)

// existingAccount is what an account a team already runs has of the account-wide
// settings: an alias, and a password policy weaker than the program's (AWS's default
// minimum length).
func existingAccount(alias string) []world.Resource {
	return []world.Resource{
		{Type: awstypes.AccountAlias, ID: alias, Inputs: map[string]any{"accountAlias": alias}},
		{Type: awstypes.AccountPasswordPolicy, ID: "iam-account-password-policy", Inputs: map[string]any{"minimumPasswordLength": 8}},
	}
}

// adoptStack is a managing stack over the legacy account; adopt marks what exists. The
// state bucket (ci.stateBucket) needs no mark: it always exists before the first up.
func adoptStack(adopt bool) map[string]string {
	return ownStack(map[string]string{
		"secure-aws:ci":      `{"repository":"acme/secure-aws","ownerId":1,"repositoryId":2,"stateBucket":"enginetest-legacy-state"}`,
		"secure-aws:account": fmt.Sprintf(`{"manage":true,`+securityContactJSON+`"alias":"acme-legacy","importExisting":%t}`, adopt),
		"secure-aws:buckets": fmt.Sprintf(`[{"name":"enginetest-legacy-data","import":%t}]`, adopt),
		"secure-aws:apps":    fmt.Sprintf(`[{"name":"legacy","import":%t,"grants":[{"bucket":"enginetest-legacy-data"}]}]`, adopt),
	})
}

// TestAdoptExistingResources: in an account that already has the bucket, the user, the
// alias and a password policy, the stack fails as AWS fails it unless they are marked;
// marked, the first up imports each, brings it to the program's settings in place, and a
// second up changes nothing.
func TestAdoptExistingResources(t *testing.T) {
	const name = "adopt"
	t.Run("unmarked, up fails as AWS does", func(t *testing.T) {
		p := newProject(t)
		p.writeStack(name, adoptStack(false))
		p.seed(legacy...)
		_, err := p.up(p.stack(name))
		require.Error(t, err)
		// The engine stops at the first refusal; which comes first depends on timing.
		assert.Regexp(t, "BucketAlreadyExists|EntityAlreadyExists", err.Error())
		resources, err := world.Load(p.world)
		require.NoError(t, err)
		for _, r := range legacy {
			assert.Equal(t, 1, countOf(resources, r.Type, r.ID), "%s %s is still the one there was", r.Type, r.ID)
		}
	})

	p := newProject(t)
	p.writeStack(name, adoptStack(true))
	p.seed(legacy...)
	s := p.stack(name)
	pre, err := p.preview(s)
	require.NoError(t, err)
	urn := func(parent, typ, res string) string {
		return fmt.Sprintf("urn:pulumi:%s::secure-aws::%s%s::%s", name, parent, typ, res)
	}
	adopted := []string{
		urn("secure-aws:components:SecureBucket$", awstypes.Bucket, "enginetest-legacy-data-bucket"),
		urn("secure-aws:components:AppUser$", awstypes.User, "legacy-user"),
		urn("secure-aws:components:AccountBaseline$", awstypes.AccountAlias, "account-alias"),
		urn("secure-aws:components:AccountBaseline$", awstypes.AccountPasswordPolicy, "account-password-policy"),
		urn("secure-aws:components:CIDeployRole$secure-aws:components:SecureBucket$", awstypes.Bucket, "ci-state-bucket"),
	}
	steps := strings.Join(pre.steps(), "\n")
	for _, u := range adopted {
		assert.Contains(t, steps, "import "+u, "the preview shows the adoption")
		assert.NotContains(t, steps, "create "+u)
	}
	for _, u := range adopted[1:2] {
		assert.Contains(t, steps, "update "+u, "then brought to the program's settings, in place")
	}
	assert.Contains(t, steps, "update "+adopted[3])

	_, err = p.up(s)
	require.NoError(t, err)
	resources, err := world.Load(p.world)
	require.NoError(t, err)
	user := resources[world.Find(resources, awstypes.User, "legacy-adopt")]
	assert.Equal(t, "/apps/", user.Inputs["path"], "the adopted user is moved to the program's path")
	policy := resources[world.Find(resources, awstypes.AccountPasswordPolicy, "iam-account-password-policy")]
	assert.EqualValues(t, 14, policy.Inputs["minimumPasswordLength"], "the adopted policy is brought to CIS")
	assert.Equal(t, 1, countOf(resources, awstypes.Bucket, "enginetest-legacy-data"), "the bucket is the one that was there")
	assert.Equal(t, 1, countOf(resources, awstypes.Bucket, "enginetest-legacy-state"), "so is the state bucket")

	up, err := p.up(s)
	require.NoError(t, err)
	assert.Empty(t, up.changed(), "once adopted, managed like any other")
}

// replicatedLegacy is the legacy account whose data bucket replicates to another bucket
// (the stand-in's AWS models no replication: the adoption check's reader says so).
type replicatedLegacy struct{ fixtures.HealthyAccount }

func (replicatedLegacy) AdoptedBucket(_ context.Context, _, bucket string) (adoptcheck.Existing, error) {
	if bucket != "enginetest-legacy-data" {
		return adoptcheck.Existing{}, nil
	}
	return adoptcheck.Existing{Replication: []adoptcheck.ReplicationRule{{ID: "to-dr", Destination: "arn:aws:s3:::enginetest-dr"}}}, nil
}

// TestAdoptionStopsOnWhatTheProgramCannotOwn: through the real CLI, a preview and an up
// that adopt a bucket with a replication rule fail with the stack file, the key and the
// rule, and the up changes nothing in AWS and records nothing in the state.
func TestAdoptionStopsOnWhatTheProgramCannotOwn(t *testing.T) {
	const name = "adopt"
	p := newProject(t)
	p.writeStack(name, adoptStack(true))
	p.seed(legacy...)
	p.account = replicatedLegacy{}
	s := p.stack(name)
	const want = "Pulumi.adopt.yaml: secure-aws:buckets[0].import: bucket enginetest-legacy-data already has replication rule to-dr to arn:aws:s3:::enginetest-dr"
	_, err := p.preview(s)
	require.Error(t, err)
	assert.Contains(t, err.Error(), want)
	_, err = p.up(s)
	require.Error(t, err)
	assert.Contains(t, err.Error(), want)
	resources, err := world.Load(p.world)
	require.NoError(t, err)
	assert.Len(t, resources, len(legacy), "AWS holds what it held")
	state, err := s.Export(t.Context())
	require.NoError(t, err)
	assert.NotContains(t, string(state.Deployment), "enginetest-legacy-data", "the state holds no adopted resource")
}

func countOf(rs []world.Resource, typ, id string) int {
	n := 0
	for _, r := range rs {
		if r.Type == typ && r.ID == id {
			n++
		}
	}
	return n
}

// TestLifecycleSeedsWhatTheStackAdopts: a team's own stack file that follows the adoption
// recipe (a bucket, an application, a third party and a vault's bucket and writer marked
// for import) fails its first up in an empty account, as TestLifecycle would run it; seeded
// as TestLifecycle seeds it, the up adopts each and a second up changes nothing.
func TestLifecycleSeedsWhatTheStackAdopts(t *testing.T) {
	const name = "adoptrecipe"
	cfg := ownStack(map[string]string{
		"secure-aws:buckets":      `[{"name":"acme-legacy-uploads","import":true}]`,
		"secure-aws:apps":         `[{"name":"uploader","import":true,"grants":[{"bucket":"acme-legacy-uploads"}]}]`,
		"secure-aws:thirdParties": `[{"name":"partner","import":true,"grants":[{"bucket":"acme-legacy-uploads","actions":["s3:GetObject"]}]}]`,
		"secure-aws:backups":      `[{"bucket":"acme-legacy-backups","importBucket":true,"importWriter":true}]`,
	})
	t.Run("unseeded, the first up fails on what the marks adopt", func(t *testing.T) {
		p := newProject(t)
		p.writeStack(name, cfg)
		_, err := p.up(p.stack(name))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "does not exist")
	})
	p := newProject(t)
	p.writeStack(name, cfg)
	p.seedAdopted(name)
	resources, err := world.Load(p.world)
	require.NoError(t, err)
	for _, r := range []struct{ typ, id string }{
		{awstypes.Bucket, "acme-legacy-uploads"}, {awstypes.Bucket, "acme-legacy-backups"},
		{awstypes.User, "uploader-" + name}, {awstypes.User, "partner-" + name},
	} {
		assert.Equal(t, 1, countOf(resources, r.typ, r.id), "%s %s is seeded", r.typ, r.id)
	}
	assert.Len(t, resources, 5, "and the vault's writer: the two buckets and three users marked, nothing else")
	s := p.stack(name)
	up, err := p.up(s)
	require.NoError(t, err)
	steps := strings.Join(up.steps(), "\n")
	assert.Contains(t, steps, "import urn:", "the first up adopts what was seeded")
	assert.NotContains(t, steps, "create urn:pulumi:"+name+"::secure-aws::secure-aws:components:SecureBucket$"+awstypes.Bucket+"::acme-legacy-uploads-bucket")
	up, err = p.up(s)
	require.NoError(t, err)
	assert.Empty(t, up.changed(), "once adopted, managed like any other")
}

// TestLifecycleSeedsTheAccountItAdopts: a team's own managing stack file that adopts the
// account's alias and password policy (account.importExisting) fails its first up in an
// empty account, as TestLifecycle would run it; seeded as TestLifecycle seeds it, the up
// adopts both and brings the password policy to the program's, and a second up changes
// nothing.
func TestLifecycleSeedsTheAccountItAdopts(t *testing.T) {
	const name = "adoptaccount"
	cfg := ownStack(map[string]string{
		"secure-aws:account": `{"manage":true,` + securityContactJSON + `"alias":"acme-adopted","importExisting":true}`,
		"secure-aws:ci":      `{"repository":"acme/secure-aws","ownerId":1,"repositoryId":2,"stateBucket":"enginetest-adopted-state"}`,
	})
	t.Run("unseeded, the first up fails on the alias and password policy it adopts", func(t *testing.T) {
		p := newProject(t)
		p.writeStack(name, cfg)
		p.seed(world.Resource{Type: awstypes.Bucket, ID: "enginetest-adopted-state", Inputs: map[string]any{"bucket": "enginetest-adopted-state"}})
		_, err := p.up(p.stack(name))
		require.Error(t, err)
		assert.Regexp(t, "'(acme-adopted|iam-account-password-policy)' does not exist", err.Error())
	})
	p := newProject(t)
	p.writeStack(name, cfg)
	p.seedAdopted(name)
	resources, err := world.Load(p.world)
	require.NoError(t, err)
	assert.Equal(t, 1, countOf(resources, awstypes.AccountAlias, "acme-adopted"), "the alias is seeded")
	assert.Equal(t, 1, countOf(resources, awstypes.AccountPasswordPolicy, "iam-account-password-policy"), "so is the password policy")
	s := p.stack(name)
	up, err := p.up(s)
	require.NoError(t, err)
	steps := strings.Join(up.steps(), "\n")
	for _, r := range []struct{ typ, name string }{{awstypes.AccountAlias, "account-alias"}, {awstypes.AccountPasswordPolicy, "account-password-policy"}} {
		assert.Contains(t, steps, "import urn:pulumi:"+name+"::secure-aws::secure-aws:components:AccountBaseline$"+r.typ+"::"+r.name, "the first up adopts it")
	}
	resources, err = world.Load(p.world)
	require.NoError(t, err)
	policy := resources[world.Find(resources, awstypes.AccountPasswordPolicy, "iam-account-password-policy")]
	assert.EqualValues(t, 14, policy.Inputs["minimumPasswordLength"], "the adopted policy is brought to the program's")
	up, err = p.up(s)
	require.NoError(t, err)
	assert.Empty(t, up.changed(), "once adopted, managed like any other")
}
