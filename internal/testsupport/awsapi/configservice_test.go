package awsapi

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
)

// recording is AWS Config in one region as the detection component sends it
// (plans/*.md), in the order the engine creates it.
var recording = []struct{ typ, inputs string }{
	{awstypes.ConfigRecorder, `{"name":"default","roleArn":"arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig","recordingGroup":{"allSupported":true,"includeGlobalResourceTypes":true}}`},
	{awstypes.ConfigDelivery, `{"name":"default","s3BucketName":"acme-config"}`},
	{awstypes.ConfigRecorderStatus, `{"name":"default","isEnabled":true}`},
}

// TestConfigServiceAgainstMoto: the recorder, delivery channel and recorder status are
// created in moto by their puts (moto refuses a delivery channel before a recorder and a
// start before a channel, as AWS does), identified by name, read back by a refresh and an
// import as sent; the recorder and the status update in place; deleted in the engine's
// order (status, channel, recorder) each reads as gone.
func TestConfigServiceAgainstMoto(t *testing.T) {
	server, c := motoServerConfig(t)
	b, err := NewConfigService(c)
	require.NoError(t, err)
	ctx := t.Context()
	_, _, err = b.Create(ctx, awstypes.ConfigDelivery, props(t, recording[1].inputs))
	require.Error(t, err, "no delivery channel before a recorder")
	assert.Contains(t, err.Error(), "NoAvailableConfigurationRecorder")
	for _, r := range recording {
		inputs := props(t, r.inputs)
		id, state, err := b.Create(ctx, r.typ, inputs)
		require.NoError(t, err, r.typ)
		assert.Equal(t, "default", id, r.typ)
		assert.True(t, inputs.DeepEquals(state), "%s: state %v", r.typ, state)
		for _, olds := range []resource.PropertyMap{inputs, nil} {
			read, _, err := b.Read(ctx, r.typ, id, olds)
			require.NoError(t, err, r.typ)
			assert.True(t, inputs.DeepEquals(read), "%s (refresh %v): read %v", r.typ, olds != nil, read)
		}
	}
	status, _ := server.AWS(t, "configservice", "describe-configuration-recorder-status")
	recorders, _ := status.(map[string]any)["ConfigurationRecordersStatus"].([]any)
	require.Len(t, recorders, 1, "%v", status)
	assert.Equal(t, true, recorders[0].(map[string]any)["recording"], "the AWS CLI sees the recorder recording: %v", status)

	regional := props(t, `{"name":"default","roleArn":"arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig","recordingGroup":{"allSupported":true,"includeGlobalResourceTypes":false}}`)
	state, err := b.Update(ctx, awstypes.ConfigRecorder, "default", nil, regional)
	require.NoError(t, err)
	assert.True(t, regional.DeepEquals(state), "state %v", state)
	stopped := props(t, `{"name":"default","isEnabled":false}`)
	state, err = b.Update(ctx, awstypes.ConfigRecorderStatus, "default", nil, stopped)
	require.NoError(t, err)
	assert.True(t, stopped.DeepEquals(state), "state %v", state)

	for _, typ := range []string{awstypes.ConfigRecorderStatus, awstypes.ConfigDelivery, awstypes.ConfigRecorder} {
		require.NoError(t, b.Delete(ctx, typ, "default", nil), typ)
	}
	for _, typ := range []string{awstypes.ConfigDelivery, awstypes.ConfigRecorder, awstypes.ConfigRecorderStatus} {
		read, _, err := b.Read(ctx, typ, "default", nil)
		require.NoError(t, err, typ)
		assert.Nil(t, read, typ)
	}
}
