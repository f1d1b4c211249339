package awsapi

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/testsupport/mototest"
)

// ruleAgainstMoto: an alert rule and its target are put in moto with the
// program's inputs; the rule's id is its name and its ARN moto's, the target's
// <rule>-<target id>; both read back as sent (the target imported as <rule>/<target id>);
// a new pattern and a new target ARN are updated in place; a target on a rule that does
// not exist is refused as AWS refuses it; both are deleted.
func ruleAgainstMoto(t *testing.T, server *mototest.Server) {
	b, err := NewEventBridge(serverConfig(t, server))
	require.NoError(t, err)
	ctx := t.Context()
	rule := resource.PropertyMap{"name": resource.NewProperty("security-alert-root-activity"), "description": resource.NewProperty("the root user signed in"),
		"eventPattern": resource.NewProperty(`{"detail-type":["AWS Console Signin via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}`),
		"state":        resource.NewProperty("ENABLED")}
	target := resource.PropertyMap{"rule": resource.NewProperty("security-alert-root-activity"), "targetId": resource.NewProperty("sns"),
		"arn": resource.NewProperty("arn:aws:sns:us-east-1:123456789012:security-alerts")}

	_, _, err = b.Create(ctx, awstypes.EventTarget, target)
	require.Error(t, err, "the rule does not exist yet")
	assert.Contains(t, err.Error(), "ResourceNotFoundException")

	id, state, err := b.Create(ctx, awstypes.EventRule, rule)
	require.NoError(t, err)
	assert.Equal(t, "security-alert-root-activity", id)
	assert.Equal(t, "arn:aws:events:us-east-1:123456789012:rule/security-alert-root-activity", state["arn"].StringValue())
	readsAsSent(t, b, awstypes.EventRule, id, rule, rule, rule)
	targetID, _, err := b.Create(ctx, awstypes.EventTarget, target)
	require.NoError(t, err)
	assert.Equal(t, "security-alert-root-activity-sns", targetID)
	got, _, err := b.Read(ctx, awstypes.EventTarget, targetID, target)
	require.NoError(t, err)
	assert.True(t, target.DeepEquals(got), "refresh: read %v, sent %v", got, target)
	got, _, err = b.Read(ctx, awstypes.EventTarget, "security-alert-root-activity/sns", resource.PropertyMap{}) // as the stand-in hands an import
	require.NoError(t, err)
	assert.True(t, target.DeepEquals(got), "import: read %v, sent %v", got, target)

	newRule, newTarget := rule.Copy(), target.Copy()
	newRule["eventPattern"] = resource.NewProperty(`{"source":["aws.signin"]}`)
	newTarget["arn"] = resource.NewProperty("arn:aws:sns:us-east-1:123456789012:other")
	_, err = b.Update(ctx, awstypes.EventRule, id, rule, newRule)
	require.NoError(t, err)
	_, err = b.Update(ctx, awstypes.EventTarget, targetID, target, newTarget)
	require.NoError(t, err)
	got, _, err = b.Read(ctx, awstypes.EventRule, id, newRule)
	require.NoError(t, err)
	assert.True(t, newRule.DeepEquals(got), "read %v, sent %v", got, newRule)
	if !testing.Short() {
		targets, _ := server.AWS(t, "events", "list-targets-by-rule", "--rule", id)
		assert.Equal(t, []any{map[string]any{"Id": "sns", "Arn": "arn:aws:sns:us-east-1:123456789012:other"}}, targets.(map[string]any)["Targets"])
	}

	require.NoError(t, b.Delete(ctx, awstypes.EventTarget, targetID, newTarget))
	got, _, err = b.Read(ctx, awstypes.EventTarget, targetID, newTarget)
	require.NoError(t, err)
	assert.Nil(t, got)
	require.NoError(t, b.Delete(ctx, awstypes.EventRule, id, newRule))
	got, _, err = b.Read(ctx, awstypes.EventRule, id, newRule)
	require.NoError(t, err)
	assert.Nil(t, got)
}
