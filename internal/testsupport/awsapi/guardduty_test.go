package awsapi

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
)

// TestGuardDutyAgainstMoto: the detector the detection component turns on is created by
// CreateDetector with the id moto answers, read back by a refresh and an import as sent,
// updated in place (a new frequency, then turned off), and reads as gone once deleted.
func TestGuardDutyAgainstMoto(t *testing.T) {
	server, c := motoServerConfig(t)
	b, err := NewGuardDuty(c)
	require.NoError(t, err)
	ctx := t.Context()
	inputs := props(t, `{"enable":true,"findingPublishingFrequency":"SIX_HOURS"}`)
	id, state, err := b.Create(ctx, awstypes.GuardDutyDetector, inputs)
	require.NoError(t, err)
	listed, _ := server.AWS(t, "guardduty", "list-detectors")
	assert.Equal(t, map[string]any{"DetectorIds": []any{id}}, listed, "the id is moto's")
	assert.True(t, inputs.DeepEquals(state), "state %v", state)
	for _, olds := range []resource.PropertyMap{inputs, nil} {
		read, _, err := b.Read(ctx, awstypes.GuardDutyDetector, id, olds)
		require.NoError(t, err)
		assert.True(t, inputs.DeepEquals(read), "refresh %v: read %v", olds != nil, read)
	}
	for _, news := range []string{`{"enable":true,"findingPublishingFrequency":"FIFTEEN_MINUTES"}`, `{"enable":false,"findingPublishingFrequency":"FIFTEEN_MINUTES"}`} {
		state, err := b.Update(ctx, awstypes.GuardDutyDetector, id, inputs, props(t, news))
		require.NoError(t, err)
		assert.True(t, props(t, news).DeepEquals(state), "after %s: %v", news, state)
	}
	require.NoError(t, b.Delete(ctx, awstypes.GuardDutyDetector, id, nil))
	read, _, err := b.Read(ctx, awstypes.GuardDutyDetector, id, nil)
	require.NoError(t, err)
	assert.Nil(t, read)
	require.NoError(t, b.Delete(ctx, awstypes.GuardDutyDetector, id, nil), "a detector already gone is deleted")
}
