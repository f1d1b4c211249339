package enginetest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/fakeaws/world"
	"github.com/secure-aws/secure-aws/rules"
)

// TestRefreshShowsChangesMadeOutsideTheProgram: after up, a refreshing preview (the deploy
// workflow's) finds nothing; after a bucket policy is edited in AWS behind the program's
// back, it shows an update of exactly that policy, and the next up puts it back.
func TestRefreshShowsChangesMadeOutsideTheProgram(t *testing.T) {
	p := newProject(t)
	const name = "drift"
	p.writeStack(name, map[string]string{
		"aws:region":            "us-east-1",
		"aws:allowedAccountIds": `["111111111111"]`,
		"secure-aws:buckets":    `[{"name":"enginetest-drift"}]`,
	})
	s := p.stack(name)
	_, err := p.up(s)
	require.NoError(t, err)

	pre, err := p.previewRefresh(s)
	require.NoError(t, err)
	assert.Empty(t, changed(pre.steps()), "no drift right after up")

	resources, err := world.Load(p.world)
	require.NoError(t, err)
	i := world.Find(resources, rules.TypeBucketPolicy, "enginetest-drift")
	require.GreaterOrEqual(t, i, 0)
	original := resources[i].Inputs["policy"]
	resources[i].Inputs["policy"] = `{"Version":"2012-10-17","Statement":[]}`
	require.NoError(t, world.Save(p.world, resources))

	pre, err = p.previewRefresh(s)
	require.NoError(t, err)
	policy := fmt.Sprintf("urn:pulumi:%s::secure-aws::secure-aws:components:SecureBucket$%s::enginetest-drift-tls-only", name, rules.TypeBucketPolicy)
	assert.Contains(t, changed(pre.steps()), "update "+policy, "the edited policy shows")

	_, err = p.up(s)
	require.NoError(t, err)
	resources, err = world.Load(p.world)
	require.NoError(t, err)
	assert.Equal(t, original, resources[world.Find(resources, rules.TypeBucketPolicy, "enginetest-drift")].Inputs["policy"], "up put the program's policy back")
}
