package awsapi

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/testsupport/mototest"
)

// topicPolicy is a topic policy in the shape of the program's (iampolicy.AlertTopicPolicy).
const topicPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"AllowEventBridgePublish","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},` +
	`"Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:123456789012:security-alerts"}]}`

// topicAgainstMoto: the alert topic is created in moto encrypted with a key and with
// its policy, its id is its ARN; it reads back as sent on a refresh and an import; its
// key is changed in place; an email subscription is made, reads back, and is deleted with
// the topic. moto confirms an email subscription at once (AWS waits for the recipient's
// click): docs/engine-tests.md.
func topicAgainstMoto(t *testing.T, server *mototest.Server) {
	c := serverConfig(t, server)
	b, err := NewSNS(c)
	require.NoError(t, err)
	ctx := t.Context()
	inputs := resource.PropertyMap{"name": resource.NewProperty("security-alerts"), "policy": resource.NewProperty(topicPolicy),
		"kmsMasterKeyId": resource.NewProperty("arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555")}

	id, state, err := b.Create(ctx, awstypes.Topic, inputs)
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sns:us-east-1:123456789012:security-alerts", id)
	assert.Equal(t, id, state["arn"].StringValue())
	assert.Equal(t, "123456789012", state["owner"].StringValue())
	readsAsSent(t, b, awstypes.Topic, id, inputs, inputs, inputs)

	news := inputs.Copy()
	news["kmsMasterKeyId"] = resource.NewProperty("alias/aws/sns")
	_, err = b.Update(ctx, awstypes.Topic, id, inputs, news)
	require.NoError(t, err)
	got, _, err := b.Read(ctx, awstypes.Topic, id, news)
	require.NoError(t, err)
	assert.True(t, news.DeepEquals(got), "read %v, sent %v", got, news)

	sub := resource.PropertyMap{"topic": resource.NewProperty(id), "protocol": resource.NewProperty("email"), "endpoint": resource.NewProperty("security@acme.example")}
	subID, state, err := b.Create(ctx, awstypes.TopicSubscription, sub)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(subID, id+":"), "a subscription's ARN is its topic's and a UUID: %s", subID)
	assert.Equal(t, subID, state["arn"].StringValue())
	assert.False(t, state["pendingConfirmation"].BoolValue(), "moto confirms at once; AWS would say true until the recipient clicks")
	readsAsSent(t, b, awstypes.TopicSubscription, subID, sub, sub, sub)
	if !testing.Short() {
		attrs, _ := server.AWS(t, "sns", "get-topic-attributes", "--topic-arn", id)
		assert.Equal(t, "alias/aws/sns", attrs.(map[string]any)["Attributes"].(map[string]any)["KmsMasterKeyId"])
	}

	require.NoError(t, b.Delete(ctx, awstypes.TopicSubscription, subID, sub))
	got, _, err = b.Read(ctx, awstypes.TopicSubscription, subID, sub)
	require.NoError(t, err)
	assert.Nil(t, got)
	require.NoError(t, b.Delete(ctx, awstypes.Topic, id, news))
	got, state, err = b.Read(ctx, awstypes.Topic, id, news)
	require.NoError(t, err)
	assert.Nil(t, got)
	assert.Nil(t, state)
}
