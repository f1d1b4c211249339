package awsapi

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/testsupport/mototest"
)

// keyPolicy is a key policy in the shape the program's (iampolicy.AlertKeyPolicy) has:
// the account may administer it, a service may use it.
const keyPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"AllowAccountAdministration","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"},` +
	`{"Sid":"AllowEventBridge","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*"}]}`

// readsAsSent reads the resource id of typ back through b, as a refresh (with the inputs
// last sent) and as an import (without), and says whether each reads as want.
func readsAsSent(t *testing.T, b Backend, typ, id string, olds, wantRefresh, wantImport resource.PropertyMap) {
	t.Helper()
	got, _, err := b.Read(t.Context(), typ, id, olds)
	require.NoError(t, err)
	assert.True(t, wantRefresh.DeepEquals(got), "refresh: read %v, want %v", got, wantRefresh)
	got, _, err = b.Read(t.Context(), typ, id, nil)
	require.NoError(t, err)
	assert.True(t, wantImport.DeepEquals(got), "import: read %v, want %v", got, wantImport)
}

// keyAgainstMoto: the alert key is created in moto with the program's inputs and
// its id and ARN are moto's; it reads back as sent (an import without
// deletionWindowInDays, which AWS never reports); a new description, policy and rotation
// are updated in place; the delete schedules the deletion, after which the key reads as
// gone, as the provider counts a key pending deletion.
func keyAgainstMoto(t *testing.T, server *mototest.Server) {
	b, err := NewKMS(serverConfig(t, server))
	require.NoError(t, err)
	ctx := t.Context()
	inputs := props(t, `{"description":"Encrypts the security-alerts SNS topic","enableKeyRotation":true,"deletionWindowInDays":30}`)
	inputs["policy"] = resource.NewProperty(keyPolicy)

	id, state, err := b.Create(ctx, awstypes.KMSKey, inputs)
	require.NoError(t, err)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, id)
	assert.Equal(t, "arn:aws:kms:us-east-1:123456789012:key/"+id, state["arn"].StringValue())
	assert.Equal(t, id, state["keyId"].StringValue())
	imported := inputs.Copy()
	delete(imported, "deletionWindowInDays")
	readsAsSent(t, b, awstypes.KMSKey, id, inputs, imported, imported)

	news := props(t, `{"description":"changed","enableKeyRotation":false,"deletionWindowInDays":7}`)
	news["policy"] = resource.NewProperty(`{"Version":"2012-10-17","Statement":[{"Sid":"AllowAccountAdministration","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}`)
	_, err = b.Update(ctx, awstypes.KMSKey, id, inputs, news)
	require.NoError(t, err)
	got, _, err := b.Read(ctx, awstypes.KMSKey, id, news)
	require.NoError(t, err)
	delete(news, "deletionWindowInDays")
	assert.True(t, news.DeepEquals(got), "read %v, sent %v", got, news)
	if !testing.Short() {
		rotation, _ := server.AWS(t, "kms", "get-key-rotation-status", "--key-id", id)
		assert.Equal(t, false, rotation.(map[string]any)["KeyRotationEnabled"])
	}

	require.NoError(t, b.Delete(ctx, awstypes.KMSKey, id, news))
	got, state, err = b.Read(ctx, awstypes.KMSKey, id, news)
	require.NoError(t, err)
	assert.Nil(t, got, "pending deletion: gone for the provider")
	assert.Nil(t, state)
}
